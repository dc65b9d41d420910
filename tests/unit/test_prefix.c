/* SPDX-License-Identifier: ISC */
/* test_prefix: prefix parsing, formatting and the prefix -> sub-prefix math
 * (the on-link /64 and routed /40../63).
 * Tables are numbered in comments so a failing row can be named. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefix.h"
#include "util.h"

#define BASE_TEXT "2001:db8:64:1::/64"

static struct prefix
parse_ok(const char *s)
{
	struct prefix p;
	const char *why = NULL;

	if (prefix_parse(s, &p, &why) != 0)
		fail_msg("%s: %s", s, why ? why : "(no reason)");
	return p;
}

static struct in6_addr
addr_ok(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void
assert_prefix_equal(const struct prefix *a, const struct prefix *b)
{
	assert_memory_equal(a->addr.s6_addr, b->addr.s6_addr, 16);
	assert_int_equal(a->len, b->len);
}

/* ------------------------------------------------------------- sub-prefixes */

static void
test_sub_count(void **state)
{
	static const struct {
		uint8_t base_len;
		uint8_t sub_len;
		uint64_t count;
	} rows[] = {
		/* 1-10: the on-link /64 into 65..120 */
		/* 1 */ { 64, 0, 0 },
		/* 2 */ { 64, 64, 0 },
		/* 3 */ { 64, 65, 2 },
		/* 4 */ { 64, 78, 16384 },
		/* 5 */ { 64, 80, 65536 },
		/* 6 */ { 64, 96, UINT64_C(1) << 32 },
		/* 7 */ { 64, 120, UINT64_C(1) << 56 },
		/* 8 */ { 64, 121, 0 },
		/* 9 */ { 64, 128, 0 },
		/* 10 */ { 64, 255, 0 },
		/* 11-16: a routed /40../63 into 48..120, at most 56 bits more */
		/* 11 */ { 48, 64, 65536 },
		/* 12 */ { 40, 48, 256 },
		/* 13 */ { 56, 64, 256 },
		/* 14 */ { 63, 64, 2 },
		/* 15 */ { 40, 96, UINT64_C(1) << 56 },
		/* 16 */ { 60, 116, UINT64_C(1) << 56 },
		/* 17-24: refused */
		/* 17 */ { 40, 97, 0 },         /* 57 bits of index */
		/* 18 */ { 48, 120, 0 },        /* 72 */
		/* 19 */ { 48, 48, 0 },         /* not longer */
		/* 20 */ { 56, 52, 0 },
		/* 21 */ { 44, 47, 0 },         /* a site shorter than /48 */
		/* 22 */ { 39, 64, 0 },         /* a prefix shorter than /40 */
		/* 23 */ { 65, 78, 0 },         /* longer than /64 */
		/* 24 */ { 0, 78, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		if (prefix_sub_count(rows[i].base_len, rows[i].sub_len) != rows[i].count)
			fail_msg("row %zu: /%u into /%u", i + 1, rows[i].base_len, rows[i].sub_len);
		assert_int_equal(prefix_sub_len_ok(rows[i].base_len, rows[i].sub_len), rows[i].count != 0);
	}
}

/* A routed prefix: /64 sites of a /48, shorter sites, an index across the
 * middle of the address (bits 56..71), the widest index of a /40. */
static void
test_sub_get_routed(void **state)
{
	static const struct {
		const char *base;
		uint8_t sub_len;
		uint64_t index;
		const char *want;
	} rows[] = {
		/* 1-3: a /48 into /64s */
		{ "2001:db8:48::/48", 64, 1, "2001:db8:48:1::/64" },
		{ "2001:db8:48::/48", 64, 0xabcd, "2001:db8:48:abcd::/64" },
		{ "2001:db8:48::/48", 64, 65535, "2001:db8:48:ffff::/64" },
		/* 4, 5: into /60s and /56s (prefix delegation sizes) */
		{ "2001:db8:48::/48", 60, 1, "2001:db8:48:10::/60" },
		{ "2001:db8:48::/48", 56, 255, "2001:db8:48:ff00::/56" },
		/* 6: a /48 into /78s, as the on-link default would cut it */
		{ "2001:db8:48::/48", 78, 1, "2001:db8:48:0:4::/78" },
		/* 7: the index straddles the two halves of the address */
		{ "2001:db8:0:ab00::/56", 72, 0x1234, "2001:db8:0:ab12:3400::/72" },
		/* 8: a /63 in two */
		{ "2001:db8:0:2::/63", 64, 1, "2001:db8:0:3::/64" },
		/* 9: a /40 into /96s, the last of 2^56 */
		{ "2001:db8:4000::/40", 96, (UINT64_C(1) << 56) - 1, "2001:db8:40ff:ffff:ffff:ffff::/96" },
		/* 10: a /48 into /104s, an index in the low half only */
		{ "2001:db8:48::/48", 104, 1, "2001:db8:48::100:0/104" },
	};
	struct prefix base, sub;
	char text[PREFIX_STRLEN];
	uint64_t got;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		base = parse_ok(rows[i].base);
		assert_int_equal(prefix_sub_get(&base, rows[i].sub_len, rows[i].index, &sub), 0);
		prefix_format(&sub, text, sizeof(text));
		if (strcmp(text, rows[i].want) != 0)
			fail_msg("row %zu: %s, want %s", i + 1, text, rows[i].want);
		assert_true(prefix_contains(&base, &sub.addr));
		assert_int_equal(prefix_sub_index(&base, rows[i].sub_len, &sub.addr, &got), 0);
		assert_true(got == rows[i].index);
	}
}

/* prefix_link: the prefix a site's link is numbered from */
static void
test_link(void **state)
{
	static const struct {
		const char *site, *want;
	} rows[] = {
		{ "2001:db8:64:1:4::/78", "2001:db8:64:1:4::/78" },     /* 1: on-link /78 */
		{ "2001:db8:48:1::/64", "2001:db8:48:1::/64" },         /* 2: a /64 */
		{ "2001:db8:48:10::/60", "2001:db8:48:10::/64" },       /* 3: its first /64 */
		{ "2001:db8:48::/48", "2001:db8:48::/64" },             /* 4 */
	};
	struct prefix site, link;
	char text[PREFIX_STRLEN];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		site = parse_ok(rows[i].site);
		prefix_link(&site, &link);
		prefix_format(&link, text, sizeof(text));
		assert_string_equal(text, rows[i].want);
	}
}

static void
test_sub_get(void **state)
{
	static const struct {
		uint8_t sub_len;
		uint64_t index;
		const char *want;
	} rows[] = {
		/* 1: index 0 */
		{ 78, 0, "2001:db8:64:1::/78" },
		/* 2, 3: DESIGN.md's examples */
		{ 78, 1, "2001:db8:64:1:4::/78" },
		{ 78, 5, "2001:db8:64:1:14::/78" },
		/* 4: the largest /78 index, 2^14 - 1 */
		{ 78, 16383, "2001:db8:64:1:fffc::/78" },
		/* 5, 6: /65 splits the /64 in two */
		{ 65, 0, "2001:db8:64:1::/65" },
		{ 65, 1, "2001:db8:64:1:8000::/65" },
		/* 7-9: /120, 2^56 sub-prefixes of 256 addresses */
		{ 120, 1, "2001:db8:64:1::100/120" },
		{ 120, UINT64_C(0x123456789abcde), "2001:db8:64:1:1234:5678:9abc:de00/120" },
		{ 120, (UINT64_C(1) << 56) - 1, "2001:db8:64:1:ffff:ffff:ffff:ff00/120" },
		/* 10-13: nibble and byte boundaries */
		{ 72, 0xab, "2001:db8:64:1:ab00::/72" },
		{ 80, 0xffff, "2001:db8:64:1:ffff::/80" },
		{ 96, 0xdeadbeef, "2001:db8:64:1:dead:beef::/96" },
		{ 112, 1, "2001:db8:64:1::1:0/112" },
		/* 14: /79, an odd length */
		{ 79, 3, "2001:db8:64:1:6::/79" },
	};
	struct prefix base = parse_ok(BASE_TEXT), sub;
	char text[PREFIX_STRLEN];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		assert_int_equal(prefix_sub_get(&base, rows[i].sub_len, rows[i].index, &sub), 0);
		prefix_format(&sub, text, sizeof(text));
		assert_string_equal(text, rows[i].want);
		assert_true(prefix_contains(&base, &sub.addr));
	}
}

static void
test_sub_get_rejects(void **state)
{
	static const struct {
		const char *base;
		uint8_t sub_len;
		uint64_t index;
	} rows[] = {
		/* 1-4: index out of range */
		{ BASE_TEXT, 78, 16384 },
		{ BASE_TEXT, 65, 2 },
		{ BASE_TEXT, 120, UINT64_C(1) << 56 },
		{ BASE_TEXT, 78, UINT64_MAX },
		/* 5-8: sub-prefix length out of 65..120 */
		{ BASE_TEXT, 64, 0 },
		{ BASE_TEXT, 121, 0 },
		{ BASE_TEXT, 0, 0 },
		{ BASE_TEXT, 128, 0 },
		/* 9-14: base is neither a /64 nor a routed /40../63 that
		 * sub_len splits */
		{ "2001:db8:64::/48", 120, 1 },
		{ "2001:db8:64::/48", 48, 0 },
		{ "2001:db8:64:1::/72", 78, 1 },
		{ "2001:db8::/39", 64, 1 },
		{ "::/0", 78, 1 },
		/* 15: a routed /48's index out of range */
		{ "2001:db8:64::/48", 64, 65536 },
	};
	struct prefix base, sub;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		base = parse_ok(rows[i].base);
		memset(&sub, 0xa5, sizeof(sub));
		assert_int_equal(prefix_sub_get(&base, rows[i].sub_len, rows[i].index, &sub), -1);
	}
	assert_int_equal(prefix_sub_get(NULL, 78, 1, &sub), -1);
}

static void
test_sub_index(void **state)
{
	static const struct {
		const char *addr;
		uint8_t sub_len;
		int ret;
		uint64_t index;
	} rows[] = {
		/* 1: the /64's first address */
		{ "2001:db8:64:1::", 78, 0, 0 },
		/* 2: an EUI-64 address (RFC 4291 A): 0x5400 >> 2 */
		{ "2001:db8:64:1:5400:4ff:fe12:3456", 78, 0, 5376 },
		/* 3, 4: first and last address of index 5 */
		{ "2001:db8:64:1:14::", 78, 0, 5 },
		{ "2001:db8:64:1:17:ffff:ffff:ffff", 78, 0, 5 },
		/* 5: the last address of the /64 */
		{ "2001:db8:64:1:ffff:ffff:ffff:ffff", 78, 0, 16383 },
		/* 6, 7: /65 */
		{ "2001:db8:64:1:7fff:ffff:ffff:ffff", 65, 0, 0 },
		{ "2001:db8:64:1:8000::", 65, 0, 1 },
		/* 8, 9: /120 */
		{ "2001:db8:64:1:ffff:ffff:ffff:ffff", 120, 0, (UINT64_C(1) << 56) - 1 },
		{ "2001:db8:64:1::1ff", 120, 0, 1 },
		/* 10-12: outside the /64 */
		{ "2001:db8:64:2::", 78, -1, 0 },
		{ "2001:db8:64:0:ffff:ffff:ffff:ffff", 78, -1, 0 },
		{ "::", 78, -1, 0 },
		/* 13, 14: bad sub-prefix lengths */
		{ "2001:db8:64:1::1", 64, -1, 0 },
		{ "2001:db8:64:1::1", 121, -1, 0 },
	};
	struct prefix base = parse_ok(BASE_TEXT), other = parse_ok("2001:db8:64::/48");
	struct in6_addr a;
	uint64_t index;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		a = addr_ok(rows[i].addr);
		index = UINT64_MAX;
		assert_int_equal(prefix_sub_index(&base, rows[i].sub_len, &a, &index), rows[i].ret);
		if (rows[i].ret == 0)
			assert_true(index == rows[i].index);
	}
	/* 15: base neither a /64 nor a routed prefix /78 splits (57 bits) */
	other = parse_ok("2001:db8::/40");
	a = addr_ok("2001:db8::1");
	assert_int_equal(prefix_sub_index(&other, 121, &a, &index), -1);
	/* 16: a routed /48: an address outside it, one inside */
	other = parse_ok("2001:db8:64::/48");
	a = addr_ok("2001:db8:65::1");
	assert_int_equal(prefix_sub_index(&other, 64, &a, &index), -1);
	a = addr_ok("2001:db8:64:ab::1");
	assert_int_equal(prefix_sub_index(&other, 64, &a, &index), 0);
	assert_true(index == 0xab);
	/* 17: a /72 base */
	other = parse_ok("2001:db8:64:1::/72");
	a = addr_ok("2001:db8:64:1::1");
	assert_int_equal(prefix_sub_index(&other, 78, &a, &index), -1);
}

/* index -> prefix -> index, first and last address, for every length and
 * many indices (the edges and a spread from a fixed pseudo-random walk). */
static void
test_sub_round_trip(void **state)
{
	static const char *const bases[] = {
		BASE_TEXT, "2001:db8:4000::/40", "2001:db8:48::/48", "2001:db8:0:ab00::/56",
		"2001:db8:0:2::/63",
	};
	struct prefix base, sub, next;
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15), count, idx, got;
	struct in6_addr last;

	(void)state;
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++)
	for (unsigned int len = PREFIX_SUB_MIN; len <= PREFIX_SUB_MAX; len++) {
		base = parse_ok(bases[b]);
		if (!prefix_sub_len_ok(base.len, (uint8_t)len))
			continue;
		count = prefix_sub_count(base.len, (uint8_t)len);
		assert_true(count == UINT64_C(1) << (len - base.len));
		for (int k = 0; k < 200; k++) {
			if (k == 0)
				idx = 0;
			else if (k == 1)
				idx = 1;
			else if (k == 2)
				idx = count - 1;
			else if (k == 3)
				idx = count / 2;
			else {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				idx = x & (count - 1);
			}
			assert_int_equal(prefix_sub_get(&base, (uint8_t)len, idx, &sub), 0);
			assert_int_equal(sub.len, len);
			assert_true(prefix_contains(&base, &sub.addr));
			assert_int_equal(prefix_sub_index(&base, (uint8_t)len, &sub.addr, &got), 0);
			assert_true(got == idx);
			/* the last address of the sub-prefix is still in it */
			last = sub.addr;
			for (unsigned int bit = len; bit < 128; bit++)
				last.s6_addr[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
			assert_true(prefix_contains(&sub, &last));
			assert_int_equal(prefix_sub_index(&base, (uint8_t)len, &last, &got), 0);
			assert_true(got == idx);
			/* and the next sub-prefix does not hold it */
			if (idx + 1 < count) {
				assert_int_equal(prefix_sub_get(&base, (uint8_t)len, idx + 1, &next), 0);
				assert_false(prefix_contains(&next, &last));
				assert_false(prefix_contains(&sub, &next.addr));
			}
		}
		assert_int_equal(prefix_sub_get(&base, (uint8_t)len, count, &sub), -1);
	}
}

static void
test_sub_reserved(void **state)
{
	struct in6_addr used[4];
	static const struct {
		uint64_t index;
		size_t n_used;
		bool reserved;
	} rows[] = {
		/* 1: index 0, always */
		{ 0, 0, true },
		{ 0, 4, true },
		/* 3-5: nothing used: only index 0 */
		{ 1, 0, false },
		{ 5376, 0, false },
		{ 16383, 0, false },
		/* 6-10: with the used addresses */
		{ 5376, 4, true },      /* the VPS's EUI-64 address */
		{ 5375, 4, false },
		{ 5377, 4, false },
		{ 16383, 4, true },     /* a gateway at the top of the /64 */
		{ 1, 4, false },
		/* 11: out of range is never handed out either */
		{ 16384, 0, true },
	};
	struct prefix base = parse_ok(BASE_TEXT);

	(void)state;
	used[0] = addr_ok("2001:db8:64:1:5400:4ff:fe12:3456");
	used[1] = addr_ok("2001:db8:64:1::1");                  /* index 0 */
	used[2] = addr_ok("2001:db8:64:2::5");                  /* other /64 */
	used[3] = addr_ok("2001:db8:64:1:ffff:ffff:ffff:fffe");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		assert_int_equal(prefix_sub_reserved(&base, 78, rows[i].index, used,
		    rows[i].n_used), rows[i].reserved);
	/* 12: a used address at /65 reserves its half */
	assert_true(prefix_sub_reserved(&base, 65, 1, &used[3], 1));
	/* 13: bad lengths reserve everything */
	assert_true(prefix_sub_reserved(&base, 64, 1, NULL, 0));
	assert_true(prefix_sub_reserved(&base, 121, 1, NULL, 0));
}

/* ------------------------------------------------------------- parsing */

static void
test_parse_good(void **state)
{
	static const struct {
		const char *in;
		const char *out;
		uint8_t len;
	} rows[] = {
		/* 1 */ { "2001:db8:64:1::/64", "2001:db8:64:1::/64", 64 },
		/* 2 */ { "2001:db8:64:1:4::/78", "2001:db8:64:1:4::/78", 78 },
		/* 3: upper case and leading zeros in groups are normalised */
		{ "2001:0DB8:0064:0001:0000:0000:0000:0000/64", "2001:db8:64:1::/64", 64 },
		/* 4: the default route */
		{ "::/0", "::/0", 0 },
		/* 5, 6: a host route */
		{ "::1/128", "::1/128", 128 },
		{ "2001:db8::1/128", "2001:db8::1/128", 128 },
		/* 7: the longest accepted text, PREFIX_STRLEN - 1 characters */
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 128 },
		/* 8: IPv4-mapped */
		{ "::ffff:192.0.2.1/128", "::ffff:192.0.2.1/128", 128 },
		/* 9: a length of one digit */
		{ "8000::/1", "8000::/1", 1 },
		/* 10: fe80::/10 */
		{ "fe80::/10", "fe80::/10", 10 },
		/* 11: /120 */
		{ "2001:db8:64:1::100/120", "2001:db8:64:1::100/120", 120 },
	};
	struct prefix p, q;
	const char *why;
	char text[PREFIX_STRLEN];

	(void)state;
	assert_int_equal(strlen(rows[6].in), PREFIX_STRLEN - 1);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		why = NULL;
		if (prefix_parse(rows[i].in, &p, &why) != 0)
			fail_msg("row %zu: %s: %s", i + 1, rows[i].in, why);
		assert_int_equal(p.len, rows[i].len);
		prefix_format(&p, text, sizeof(text));
		assert_string_equal(text, rows[i].out);
		/* format -> parse gives the same prefix */
		assert_int_equal(prefix_parse(text, &q, &why), 0);
		assert_prefix_equal(&p, &q);
		/* and the buffer form agrees without a NUL */
		assert_int_equal(prefix_parse_buf((const uint8_t *)rows[i].in,
		    strlen(rows[i].in), &q, &why), 0);
		assert_prefix_equal(&p, &q);
	}
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char *in;
		const char *why;        /* NULL: any reason */
	} rows[] = {
		/* 1 */ { "", "empty prefix" },
		/* 2 */ { "2001:db8::", "missing '/' and prefix length" },
		/* 3 */ { "/", "missing address before '/'" },
		/* 4 */ { "2001:db8::/", "missing prefix length after '/'" },
		/* 5 */ { "/64", "missing address before '/'" },
		/* 6 */ { "2001:db8::/129", "prefix length is over 128" },
		/* 7 */ { "2001:db8::/6a", "prefix length is not a decimal number" },
		/* 8 */ { "2001:db8::1/64", "host bits are set" },
		/* 9 */ { "2001:db8::/+64", "prefix length is not a decimal number" },
		/* 10 */ { "2001:db8::/-64", "prefix length is not a decimal number" },
		/* 11 */ { "2001:db8::/ 64", "prefix length is not a decimal number" },
		/* 12 */ { "2001:db8::/64 ", "prefix length is not a decimal number" },
		/* 13 */ { "2001:db8::/064", "prefix length has a leading zero" },
		/* 14 */ { "2001:db8::/00", "prefix length has a leading zero" },
		/* 15 */ { "2001:db8::/1000", "prefix length is over 128" },
		/* 16 */ { "2001:db8::/99999999999999999999", "prefix length is over 128" },
		/* 17 */ { "2001:db8::/64/64", "prefix length is not a decimal number" },
		/* 18 */ { "192.0.2.0/24", "not an IPv6 address" },
		/* 19 */ { "2001:db8:::/64", "not an IPv6 address" },
		/* 20 */ { " 2001:db8::/64", "not an IPv6 address" },
		/* 21 */ { "garbage", "missing '/' and prefix length" },
		/* 22 */ { "garbage/64", "not an IPv6 address" },
		/* 23 */ { "2001:db8::%eth0/64", "not an IPv6 address" },
		/* 24: host bits in the last partial byte */
		{ "2001:db8:64:1:2::/78", "host bits are set" },
		/* 25: over-long, one past the limit */
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/1280", "prefix is too long" },
		/* 26: much too long */
		{ "0000000000000000000000000000000000000000000000000000000000000000::/64",
		  "prefix is too long" },
		/* 27: an address part longer than any address */
		{ "0000000000000000000000000000000000000000000000/1", "not an IPv6 address" },
		/* 28: ::/0 with a stray bit */
		{ "::1/0", "host bits are set" },
	};
	struct prefix p;
	const char *why;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		why = NULL;
		memset(&p, 0x5a, sizeof(p));
		if (prefix_parse(rows[i].in, &p, &why) != -1)
			fail_msg("row %zu: %s parsed", i + 1, rows[i].in);
		assert_non_null(why);
		if (rows[i].why != NULL && strcmp(why, rows[i].why) != 0)
			fail_msg("row %zu: %s: got \"%s\", want \"%s\"", i + 1,
			    rows[i].in, why, rows[i].why);
	}
	/* 29: NULL */
	assert_int_equal(prefix_parse(NULL, &p, &why), -1);
	assert_int_equal(prefix_parse_buf(NULL, 4, &p, &why), -1);
	/* 30: why may be NULL */
	assert_int_equal(prefix_parse("x", &p, NULL), -1);
}

static void
test_parse_buf_nul(void **state)
{
	static const struct {
		const char *buf;
		size_t len;
	} rows[] = {
		/* 1 */ { "2001:db8::\0/64", 14 },
		/* 2 */ { "2001:db8::/64\0", 14 },
		/* 3 */ { "\0002001:db8::/64", 14 },
		/* 4 */ { "2001:db8::/6\0004", 14 },
		/* 5 */ { "\0", 1 },
	};
	struct prefix p;
	const char *why;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		why = NULL;
		assert_int_equal(prefix_parse_buf((const uint8_t *)rows[i].buf,
		    rows[i].len, &p, &why), -1);
		assert_string_equal(why, "prefix contains a NUL byte");
	}
}

/* Every truncation of a prefix, each in a heap block of exactly that size
 * so that AddressSanitizer sees any read past the end, must parse exactly
 * as the same characters given as a string do. */
static void
test_parse_buf_truncated(void **state)
{
	static const char *rows[] = {
		/* 1 */ "2001:db8:64:1:4::/78",
		/* 2 */ "::/128",
		/* 3 */ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
		/* 4 */ "fe80::/10",
	};
	struct prefix p, q;
	const char *why;
	char str[PREFIX_STRLEN];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		size_t n = strlen(rows[i]);

		for (size_t k = 0; k <= n; k++) {
			uint8_t *buf = malloc(k ? k : 1);
			int r1, r2;

			assert_non_null(buf);
			memcpy(buf, rows[i], k);
			memcpy(str, rows[i], k);
			str[k] = '\0';
			r1 = prefix_parse_buf(buf, k, &p, &why);
			r2 = prefix_parse(str, &q, &why);
			assert_int_equal(r1, r2);
			if (r1 == 0)
				assert_prefix_equal(&p, &q);
			/* row 1 is valid only whole: "/7" leaves host bits */
			if (i == 0)
				assert_int_equal(r1, k == n ? 0 : -1);
			free(buf);
		}
	}
	/* 5: "::/1" and "::/12" are whole prefixes too */
	assert_int_equal(prefix_parse_buf((const uint8_t *)"::/128", 4, &p, NULL), 0);
	assert_int_equal(p.len, 1);
	assert_int_equal(prefix_parse_buf((const uint8_t *)"::/128", 5, &p, NULL), 0);
	assert_int_equal(p.len, 12);
}

/* prefix_parse reads no more than PREFIX_STRLEN bytes of an unterminated
 * string (ASan checks: the block has no NUL). */
static void
test_parse_unterminated(void **state)
{
	char *s = malloc(PREFIX_STRLEN);
	struct prefix p;
	const char *why = NULL;

	(void)state;
	assert_non_null(s);
	memset(s, '1', PREFIX_STRLEN);
	assert_int_equal(prefix_parse(s, &p, &why), -1);
	assert_string_equal(why, "prefix is too long");
	free(s);
}

static void
test_contains(void **state)
{
	static const struct {
		const char *prefix;
		const char *addr;
		bool in;
	} rows[] = {
		/* 1 */ { "::/0", "2001:db8::1", true },
		/* 2 */ { "2001:db8:64:1::/64", "2001:db8:64:1:ffff::1", true },
		/* 3 */ { "2001:db8:64:1::/64", "2001:db8:64:2::1", false },
		/* 4 */ { "2001:db8:64:1:4::/78", "2001:db8:64:1:7:ffff:ffff:ffff", true },
		/* 5 */ { "2001:db8:64:1:4::/78", "2001:db8:64:1:8::", false },
		/* 6 */ { "2001:db8:64:1:4::/78", "2001:db8:64:1:3:ffff:ffff:ffff", false },
		/* 7 */ { "::1/128", "::1", true },
		/* 8 */ { "::1/128", "::", false },
		/* 9 */ { "8000::/1", "ffff::", true },
		/* 10 */ { "8000::/1", "7fff::", false },
	};
	struct prefix p;
	struct in6_addr a;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		p = parse_ok(rows[i].prefix);
		a = addr_ok(rows[i].addr);
		assert_int_equal(prefix_contains(&p, &a), rows[i].in);
	}
	/* 11: an impossible length contains nothing */
	p.len = 129;
	assert_false(prefix_contains(&p, &a));
}

static void
test_format(void **state)
{
	struct prefix p = parse_ok("2001:db8:64:1:4::/78");
	char small[8];

	(void)state;
	/* truncated, but always terminated */
	memset(small, 'x', sizeof(small));
	prefix_format(&p, small, sizeof(small));
	assert_string_equal(small, "2001:db");
	/* a zero-sized buffer is left alone */
	prefix_format(&p, small, 0);
	assert_string_equal(small, "2001:db");
}

/* ------------------------------------------------------ prefix = auto */

/* prefix_base_pick: the one global unicast /64 among an interface's
 * addresses. Rows list up to 5 "ADDR/PLEN" entries (as on the interface,
 * not prefixes: host bits are set) and the answer. */
static void
test_base_pick(void **state)
{
	static const struct {
		const char *addrs[5];
		int ret;
		const char *want;       /* *out when ret > 0 */
	} rows[] = {
		/* 1: link-local, ULA and a /128 around one global /64 */
		{ { "fe80::5054:ff:fe12:3456/64", "fd00:1::1/64", "2001:db8:99::1/128",
		    "2001:db8:64:1:5054:ff:fe12:3456/64" }, 1, "2001:db8:64:1::/64" },
		/* 2: two addresses in the same /64 (SLAAC + privacy address) */
		{ { "2001:db8:64:1:5054:ff:fe12:3456/64", "2001:db8:64:1:a1b2:c3d4:e5f6:789/64" },
		  1, "2001:db8:64:1::/64" },
		/* 3: two different /64s: the first is named */
		{ { "2001:db8:64:1::1/64", "2001:db8:64:2::1/64" }, 2, "2001:db8:64:1::/64" },
		/* 4: three, in another order: still "more than one" */
		{ { "fe80::1/64", "2001:db8:64:3::1/64", "2001:db8:64:1::1/64", "2001:db8:64:2::1/64" },
		  2, "2001:db8:64:3::/64" },
		/* 5: the first /64 twice, then another */
		{ { "2001:db8:64:1::1/64", "2001:db8:64:1::2/64", "2001:db8:64:2::1/64" },
		  2, "2001:db8:64:1::/64" },
		/* 6: none at all */
		{ { NULL }, 0, NULL },
		/* 7: only what never counts: link-local, ULA (fc00::/7, both halves),
		 * multicast, loopback, unspecified, v4-mapped */
		{ { "fe80::1/64", "fd00::1/64", "fc00::1/64", "ff02::1/64", "::1/64" }, 0, NULL },
		{ { "::/64", "::ffff:192.0.2.1/64" }, 0, NULL },
		/* 9: global, but not a /64 */
		{ { "2001:db8:64:1::1/128", "2001:db8:64::1/48", "2001:db8:64:1::1/56",
		    "2001:db8:64:1::1/80" }, 0, NULL },
		/* 10: a /64 after the ones that do not count */
		{ { "2001:db8:64:1::1/128", "fe80::1/64", "2a01:4f8:c0c:1234::1/64" },
		  1, "2a01:4f8:c0c:1234::/64" },
		/* 11: link-local is all of fe80::/10, up to febf */
		{ { "febf:ffff::1/64" }, 0, NULL },
	};
	struct in6_addr addrs[5];
	uint8_t plens[5];
	struct prefix out, want;
	char text[PREFIX_STRLEN];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		size_t n = 0;

		for (; n < ARRAY_SIZE(rows[i].addrs) && rows[i].addrs[n] != NULL; n++) {
			char buf[PREFIX_STRLEN];
			const char *slash;

			snprintf(buf, sizeof(buf), "%s", rows[i].addrs[n]);
			slash = strchr(rows[i].addrs[n], '/');
			assert_non_null(slash);
			buf[slash - rows[i].addrs[n]] = '\0';
			addrs[n] = addr_ok(buf);
			plens[n] = (uint8_t)atoi(slash + 1);
		}
		memset(&out, 0xa5, sizeof(out));
		if (prefix_base_pick(addrs, plens, n, &out) != rows[i].ret)
			fail_msg("row %zu: got %d, want %d", i + 1,
			    prefix_base_pick(addrs, plens, n, &out), rows[i].ret);
		if (rows[i].ret > 0) {
			want = parse_ok(rows[i].want);
			prefix_format(&out, text, sizeof(text));
			if (strcmp(text, rows[i].want) != 0)
				fail_msg("row %zu: got %s, want %s", i + 1, text, rows[i].want);
			assert_prefix_equal(&out, &want);
		}
	}
	/* 12: n = 0 reads nothing */
	assert_int_equal(prefix_base_pick(NULL, NULL, 0, &out), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sub_count),
		cmocka_unit_test(test_sub_get),
		cmocka_unit_test(test_sub_get_routed),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_sub_get_rejects),
		cmocka_unit_test(test_sub_index),
		cmocka_unit_test(test_sub_round_trip),
		cmocka_unit_test(test_sub_reserved),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_buf_nul),
		cmocka_unit_test(test_parse_buf_truncated),
		cmocka_unit_test(test_parse_unterminated),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_base_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
