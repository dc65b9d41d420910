/* SPDX-License-Identifier: ISC */
/* prefix: IPv6 prefix math. Pure logic: no sockets, no allocation.
 *
 * The server's prefix (the base, B bits) is cut into 2^(L-B) sub-prefixes
 * of length L. Sub-prefix index i occupies bits B..L-1 of the address:
 *
 *	 0                   B-1 B          L-1 L               127
 *	+-----------------------+-------------+------------------+
 *	|   the base            |   index i   |  host bits       |
 *	+-----------------------+-------------+------------------+
 *
 * On-link (the default): B = 64, L = 65..120, so i is the top L-64 bits of
 * the interface identifier (RFC 4291 2.5.1): for 2001:db8:64:1::/64 and L =
 * 78, index 1 is 2001:db8:64:1:4::/78 and index 5 is 2001:db8:64:1:14::/78.
 * Routed: B = 40..63, L = 48..120 and longer than B, e.g. a /48 into /64s
 * (index 1 of 2001:db8:48::/48 is 2001:db8:48:1::/64) or /60s.
 *
 * The address is handled as two big-endian 64-bit halves, not a 128-bit
 * integer (armhf has none). The index is at most 56 bits wide (L - B <= 56,
 * so a count fits in 64 bits), and every shift below is of 0..63 bits, never
 * the width of the type (C11 6.5.7). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "prefix.h"

/* Decimal digits in the longest length, "128". */
#define PREFIX_LEN_DIGITS 3

static void
prefix_fail(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
}

void
prefix_mask(struct prefix *p)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = p->len > i * 8 ? p->len - i * 8u : 0;

		if (keep < 8)
			p->addr.s6_addr[i] &= (uint8_t)(0xff00 >> keep);
	}
}

/* Whether every bit of a from bit len on is zero. */
static bool
prefix_host_bits_clear(const struct in6_addr *a, unsigned int len)
{
	unsigned int byte = len / 8, bits = len % 8;

	if (len >= 128)
		return true;
	if (bits != 0) {
		if ((a->s6_addr[byte] & (0xffu >> bits)) != 0)
			return false;
		byte++;
	}
	for (; byte < 16; byte++)
		if (a->s6_addr[byte] != 0)
			return false;
	return true;
}

/* Half h (0: bits 0..63, 1: bits 64..127) of a as a host integer. */
static uint64_t
prefix_half_get(const struct in6_addr *a, int h)
{
	uint64_t v = 0;

	for (int i = h * 8; i < h * 8 + 8; i++)
		v = v << 8 | a->s6_addr[i];
	return v;
}

static void
prefix_half_put(struct in6_addr *a, int h, uint64_t v)
{
	for (int i = h * 8 + 7; i >= h * 8; i--) {
		a->s6_addr[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Bits base_len..sub_len-1 of a, the sub-prefix index. The callers have
 * checked prefix_sub_len_ok, so the shift s = 128 - sub_len is 8..80 and
 * the width n = sub_len - base_len is 1..56. */
static uint64_t
prefix_index_get(const struct in6_addr *a, uint8_t base_len, uint8_t sub_len)
{
	unsigned int s = 128u - sub_len, n = (unsigned int)(sub_len - base_len);
	uint64_t hi = prefix_half_get(a, 0), lo = prefix_half_get(a, 1), v;

	if (s >= 64)
		v = hi >> (s - 64);
	else
		v = hi << (64 - s) | lo >> s;
	return v & ((UINT64_C(1) << n) - 1);
}

/* a with index written into bits base_len..sub_len-1 and every bit from
 * sub_len on cleared; bits 0..base_len-1 are left as they are. */
static void
prefix_index_put(struct in6_addr *a, uint8_t base_len, uint8_t sub_len, uint64_t index)
{
	unsigned int s = 128u - sub_len;
	struct prefix keep = { .addr = *a, .len = base_len };
	uint64_t hi, lo;

	prefix_mask(&keep);
	hi = prefix_half_get(&keep.addr, 0);
	lo = prefix_half_get(&keep.addr, 1);
	if (s >= 64) {
		hi |= index << (s - 64);
	} else {
		lo |= index << s;
		hi |= index >> (64 - s);
	}
	prefix_half_put(a, 0, hi);
	prefix_half_put(a, 1, lo);
}

bool
prefix_sub_len_ok(uint8_t base_len, uint8_t sub_len)
{
	if (base_len == PREFIX_BASE_LEN)
		return sub_len >= PREFIX_SUB_ONLINK_MIN && sub_len <= PREFIX_SUB_MAX;
	return base_len >= PREFIX_ROUTED_MIN && base_len <= PREFIX_ROUTED_MAX &&
	    sub_len >= PREFIX_SUB_MIN && sub_len <= PREFIX_SUB_MAX && sub_len > base_len &&
	    sub_len - base_len <= PREFIX_INDEX_BITS_MAX;
}

/* Preconditions shared by the sub-prefix functions. */
static bool
prefix_sub_valid(const struct prefix *base, uint8_t sub_len)
{
	return base != NULL && prefix_sub_len_ok(base->len, sub_len);
}

int
prefix_parse_buf(const uint8_t *buf, size_t len, struct prefix *out, const char **why)
{
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const uint8_t *slash, *p;
	size_t addr_len, rem;
	unsigned int plen;

	/* Length first: nothing below reads more than len bytes. */
	if (buf == NULL || len == 0) {
		prefix_fail(why, "empty prefix");
		return -1;
	}
	if (len > PREFIX_STRLEN - 1) {
		prefix_fail(why, "prefix is too long");
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		prefix_fail(why, "prefix contains a NUL byte");
		return -1;
	}
	if ((slash = memchr(buf, '/', len)) == NULL) {
		prefix_fail(why, "missing '/' and prefix length");
		return -1;
	}

	addr_len = (size_t)(slash - buf);
	if (addr_len == 0) {
		prefix_fail(why, "missing address before '/'");
		return -1;
	}
	if (addr_len >= sizeof(addr)) {
		prefix_fail(why, "not an IPv6 address");
		return -1;
	}
	memcpy(addr, buf, addr_len);
	addr[addr_len] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1) {
		prefix_fail(why, "not an IPv6 address");
		return -1;
	}

	/* Length: 1 to 3 decimal digits, no sign, no leading zero (so "/064"
	 * cannot be mistaken for octal and each length has one spelling). */
	p = slash + 1;
	rem = len - addr_len - 1;
	if (rem == 0) {
		prefix_fail(why, "missing prefix length after '/'");
		return -1;
	}
	for (size_t i = 0; i < rem; i++) {
		if (p[i] < '0' || p[i] > '9') {
			prefix_fail(why, "prefix length is not a decimal number");
			return -1;
		}
	}
	if (rem > 1 && p[0] == '0') {
		prefix_fail(why, "prefix length has a leading zero");
		return -1;
	}
	if (rem > PREFIX_LEN_DIGITS) {
		prefix_fail(why, "prefix length is over 128");
		return -1;
	}
	plen = 0;
	for (size_t i = 0; i < rem; i++)
		plen = plen * 10 + (unsigned int)(p[i] - '0');
	if (plen > 128) {
		prefix_fail(why, "prefix length is over 128");
		return -1;
	}
	if (!prefix_host_bits_clear(&a, plen)) {
		prefix_fail(why, "host bits are set");
		return -1;
	}

	if (out != NULL) {
		out->addr = a;
		out->len = (uint8_t)plen;
	}
	return 0;
}

int
prefix_parse(const char *s, struct prefix *out, const char **why)
{
	size_t n;

	if (s == NULL) {
		prefix_fail(why, "empty prefix");
		return -1;
	}
	/* Look at no more than PREFIX_STRLEN bytes even when s is longer. */
	n = strnlen(s, PREFIX_STRLEN);
	if (n > PREFIX_STRLEN - 1) {
		prefix_fail(why, "prefix is too long");
		return -1;
	}
	return prefix_parse_buf((const uint8_t *)s, n, out, why);
}

void
prefix_format(const struct prefix *p, char *buf, size_t buflen)
{
	char addr[INET6_ADDRSTRLEN];

	if (buf == NULL || buflen == 0)
		return;
	if (p == NULL || inet_ntop(AF_INET6, &p->addr, addr, sizeof(addr)) == NULL) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, buflen, "%s/%u", addr, (unsigned int)p->len);
}

bool
prefix_contains(const struct prefix *p, const struct in6_addr *addr)
{
	unsigned int byte, bits;

	if (p == NULL || addr == NULL || p->len > 128)
		return false;
	byte = p->len / 8;
	bits = p->len % 8;
	if (memcmp(p->addr.s6_addr, addr->s6_addr, byte) != 0)
		return false;
	if (bits != 0) {
		uint8_t mask = (uint8_t)(0xffu << (8 - bits));

		if ((p->addr.s6_addr[byte] & mask) != (addr->s6_addr[byte] & mask))
			return false;
	}
	return true;
}

uint64_t
prefix_sub_count(uint8_t base_len, uint8_t sub_len)
{
	if (!prefix_sub_len_ok(base_len, sub_len))
		return 0;
	/* 1..56: the shift stays well inside 64 bits */
	return UINT64_C(1) << (sub_len - base_len);
}

int
prefix_sub_get(const struct prefix *base, uint8_t sub_len, uint64_t index, struct prefix *out)
{
	struct prefix sub;

	if (!prefix_sub_valid(base, sub_len) || index >= prefix_sub_count(base->len, sub_len))
		return -1;
	/* Only the network part of base is used, so a base with stray host
	 * bits still gives a sub-prefix whose host bits are zero. */
	memset(&sub, 0, sizeof(sub));
	sub.addr = base->addr;
	prefix_index_put(&sub.addr, base->len, sub_len, index);
	sub.len = sub_len;
	if (out != NULL)
		*out = sub;
	return 0;
}

int
prefix_sub_index(const struct prefix *base, uint8_t sub_len, const struct in6_addr *addr, uint64_t *index)
{
	if (!prefix_sub_valid(base, sub_len) || addr == NULL)
		return -1;
	if (!prefix_contains(base, addr))
		return -1;
	if (index != NULL)
		*index = prefix_index_get(addr, base->len, sub_len);
	return 0;
}

bool
prefix_sub_reserved(const struct prefix *base, uint8_t sub_len, uint64_t index,
    const struct in6_addr *used, size_t n_used)
{
	uint64_t u;

	/* What cannot be handed out is reserved: bad arguments included. */
	if (!prefix_sub_valid(base, sub_len) || index >= prefix_sub_count(base->len, sub_len))
		return true;
	/* Index 0 holds the subnet-router anycast address (RFC 4291 2.6.1)
	 * and, usually, the VPS's own address; in a routed prefix, whatever
	 * the operator numbers first (the gateway's own /64, say). */
	if (index == 0)
		return true;
	for (size_t i = 0; used != NULL && i < n_used; i++)
		if (prefix_sub_index(base, sub_len, &used[i], &u) == 0 && u == index)
			return true;
	return false;
}

void
prefix_link(const struct prefix *site, struct prefix *out)
{
	*out = *site;
	if (out->len < PREFIX_BASE_LEN) {
		out->len = PREFIX_BASE_LEN;
		prefix_mask(out);
	}
}

int
prefix_base_pick(const struct in6_addr *addrs, const uint8_t *plens, size_t n, struct prefix *out)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *a = addrs[i].s6_addr;
		struct prefix p;

		/* global unicast only: not link-local, ULA (RFC 4193) or multicast */
		if (plens[i] != PREFIX_BASE_LEN || IN6_IS_ADDR_LINKLOCAL(&addrs[i]) ||
		    (a[0] & 0xfe) == 0xfc || a[0] == 0xff || IN6_IS_ADDR_UNSPECIFIED(&addrs[i]) ||
		    IN6_IS_ADDR_LOOPBACK(&addrs[i]) || IN6_IS_ADDR_V4MAPPED(&addrs[i]))
			continue;
		memset(&p, 0, sizeof(p));
		memcpy(p.addr.s6_addr, a, 8);
		p.len = PREFIX_BASE_LEN;
		if (found > 0 && memcmp(&p.addr, &out->addr, 16) == 0)
			continue;
		if (found++ == 0)
			*out = p;
	}
	return found > 2 ? 2 : (int)found;
}
