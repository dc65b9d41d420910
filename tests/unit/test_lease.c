/* SPDX-License-Identifier: ISC */
/* test_lease: DHCPv6 bindings and the leases file.
 *
 * Proves that lease_pick gives a client (site, DUID, IAID) the same address
 * every time, in a fresh table too, inside the sub-prefix, above the
 * static range and below the reserved anycast host parts; that other
 * clients get other addresses; that an address held by a lease (declined
 * ones included) or reported in use is skipped for the next candidate, and
 * that -1 comes when every candidate is refused. That commit, find, decline,
 * expire and remove keep the table right and LEASE_SITE_MAX holds per
 * site. That the leases file round-trips (in memory and on disk, written
 * 0600), that each malformed or cut-short file is refused with a message
 * that says why, and that a missing file is an error (ENOENT), never an
 * empty table. Input buffers
 * are heap blocks of exactly their length, so AddressSanitizer sees any
 * read past the end. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dhcp6.h"
#include "lease.h"
#include "prefix.h"
#include "tmpstate.h"
#include "util.h"

#define SUB_TEXT "2001:db8:64:1:4::/78"
#define HDR      "v6ext-leases 1\n"
/* a DUID-LLT and an address inside SUB_TEXT, for hand-written files */
#define DUID_HEX "000100012b3c4d5e525400123456"
#define ADDR_1   "2001:db8:64:1:4:1234:5678:9abc"
#define ADDR_2   "2001:db8:64:1:5::1:0"

static const uint8_t key[32] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
};

/* ----------------------------------------------------------------- helpers */

static struct in6_addr
addr_ok(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad address literal %s", s);
	return a;
}

static struct prefix
prefix_ok(const char *s)
{
	struct prefix p;
	const char *why = NULL;

	if (prefix_parse(s, &p, &why) != 0)
		fail_msg("%s: %s", s, why ? why : "(no reason)");
	return p;
}

static const char *
addr_str(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int next;
	char *b = buf[next++ % 4];

	inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN);
	return b;
}

/* A DUID-LLT whose MAC ends in n. */
struct duid {
	uint8_t b[14];
};

static struct duid
duid(uint16_t n)
{
	struct duid d = { { 0x00, 0x01, 0x00, 0x01, 0x2b, 0x3c, 0x4d, 0x5e, 0x52, 0x54, 0x00, 0x12, 0, 0 } };

	d.b[12] = (uint8_t)(n >> 8);
	d.b[13] = (uint8_t)n;
	return d;
}

/* The host part of a below a prefix of plen (the low 64 bits at most: a
 * site shorter than /64 numbers its hosts in its first /64). */
static uint64_t
host_of(const struct in6_addr *a, unsigned plen, uint64_t *mask)
{
	*mask = plen <= 64 ? UINT64_MAX : ((uint64_t)1 << (128 - plen)) - 1;
	return util_get_be64(a->s6_addr + 8) & *mask;
}

static void
assert_valid_host(const struct prefix *sub, const struct in6_addr *a, uint64_t min)
{
	uint64_t mask, host;

	if (!prefix_contains(sub, a))
		fail_msg("%s is outside the sub-prefix", addr_str(a));
	host = host_of(a, sub->len, &mask);
	if (host < min)
		fail_msg("%s: host part %#llx is in the static range", addr_str(a), (unsigned long long)host);
	if (host > mask - 128)
		fail_msg("%s: host part %#llx is a reserved anycast one", addr_str(a), (unsigned long long)host);
}

static int
pick(const struct leases *l, const char *site, const struct prefix *sub, uint16_t client, uint32_t iaid,
    lease_in_use_fn in_use, void *ctx, struct in6_addr *out)
{
	struct duid d = duid(client);

	return lease_pick(l, key, site, sub, d.b, sizeof(d.b), iaid, in_use, ctx, out);
}

static struct in6_addr
pick_ok(const struct leases *l, const char *site, uint16_t client, uint32_t iaid)
{
	struct prefix sub = prefix_ok(SUB_TEXT);
	struct in6_addr a;

	if (pick(l, site, &sub, client, iaid, NULL, NULL, &a) != 0)
		fail_msg("no address for %s client %u IAID %u", site, client, iaid);
	return a;
}

static void
commit_ok(struct leases *l, const char *site, uint16_t client, uint32_t iaid, const struct in6_addr *a,
    uint64_t expires)
{
	struct duid d = duid(client);

	assert_int_equal(lease_commit(l, site, d.b, sizeof(d.b), iaid, a, expires), 0);
}

static struct lease *
find(const struct leases *l, const char *site, uint16_t client, uint32_t iaid)
{
	struct duid d = duid(client);

	return lease_find(l, site, d.b, sizeof(d.b), iaid);
}

/* Records every address it is asked about; says "in use" to the first
 * `refuse` of them. */
struct probe {
	size_t calls, refuse;
	struct in6_addr seen[64];
};

static bool
probe_in_use(void *ctx, const struct in6_addr *a)
{
	struct probe *p = ctx;

	if (p->calls < ARRAY_SIZE(p->seen))
		p->seen[p->calls] = *a;
	return p->calls++ < p->refuse;
}

static void
assert_has(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", s, want);
}

/* leases_parse on a heap copy of exactly len bytes. */
static int
parse_len(const void *text, size_t len, struct leases *l, char *err, size_t errlen)
{
	uint8_t *buf = malloc(len > 0 ? len : 1);
	int rc;

	assert_non_null(buf);
	if (len > 0)
		memcpy(buf, text, len);
	err[0] = '\0';
	rc = leases_parse(buf, len, l, err, errlen);
	free(buf);
	return rc;
}

static void
parse_ok(const char *text, struct leases *l)
{
	char err[256];

	if (parse_len(text, strlen(text), l, err, sizeof(err)) != 0)
		fail_msg("refused: %s\n--\n%s--", err, text);
}

static void
assert_leases_equal(const struct leases *x, const struct leases *y)
{
	assert_int_equal(x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		const struct lease *a = &x->v[i], *b = &y->v[i];

		assert_string_equal(a->site, b->site);
		assert_int_equal(a->duid_len, b->duid_len);
		assert_memory_equal(a->duid, b->duid, a->duid_len);
		assert_int_equal(a->iaid, b->iaid);
		assert_memory_equal(&a->addr, &b->addr, 16);
		assert_int_equal(a->plen, b->plen);
		assert_memory_equal(&a->via, &b->via, 16);
		assert_true(a->expires == b->expires);
	}
}

/* Leases and declined entries: the longest site name and DUID, the largest
 * IAID and expiry, the same client in two sites. */
static void
fill(struct leases *l)
{
	uint8_t long_duid[DHCP6_DUID_MAX];
	struct in6_addr a;

	for (size_t i = 0; i < sizeof(long_duid); i++)
		long_duid[i] = (uint8_t)(0xff - i);
	a = addr_ok(ADDR_1);
	commit_ok(l, "home1", 1, 1, &a, 1700000000);
	a = addr_ok("2001:db8:64:1:4::1:0");
	commit_ok(l, "home1", 1, 2, &a, 1700000001);
	a = addr_ok("2001:db8:64:1:8::1:1");
	commit_ok(l, "office", 1, 1, &a, 1);
	a = addr_ok("2001:db8:64:1:7:ffff:ffff:ff7f");
	assert_int_equal(lease_commit(l, "abcdefghijklmnopqrstuvwxyz012345", long_duid, sizeof(long_duid),
	    UINT32_MAX, &a, UINT64_MAX), 0);
	a = addr_ok("2001:db8:64:1:4::dead:beef");
	assert_int_equal(lease_decline(l, "home1", &a, 1700086400), 0);
	a = addr_ok("2001:db8:64:1:8::2:2");
	assert_int_equal(lease_decline(l, "lab.b-c_D", &a, 0), 0);
	assert_int_equal(l->n, 6);
}

static int
tmp_setup(void **state)
{
	return tmpstate_setup(state, "test_lease", LEASE_FILE);
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_true(write(fd, buf, len) == (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* ------------------------------------------------------------- lease_pick */

static void
test_pick_stable(void **state)
{
	struct prefix sub = prefix_ok(SUB_TEXT);
	struct leases l, fresh;
	struct in6_addr a, b, c;

	(void)state;
	leases_init(&l);
	leases_init(&fresh);
	a = pick_ok(&l, "home1", 1, 1);
	b = pick_ok(&l, "home1", 1, 1);
	assert_memory_equal(&a, &b, 16);
	assert_valid_host(&sub, &a, LEASE_HOST_MIN);
	/* a table that has other clients in it, and a fresh one (a restart
	 * that lost the file): the same */
	for (uint16_t i = 2; i < 20; i++) {
		struct in6_addr o = pick_ok(&l, "home1", i, 1);

		commit_ok(&l, "home1", i, 1, &o, 100);
	}
	c = pick_ok(&l, "home1", 1, 1);
	assert_memory_equal(&a, &c, 16);
	c = pick_ok(&fresh, "home1", 1, 1);
	assert_memory_equal(&a, &c, 16);
	/* and once bound, the binding's address */
	commit_ok(&fresh, "home1", 1, 1, &a, 100);
	c = pick_ok(&fresh, "home1", 1, 1);
	assert_memory_equal(&a, &c, 16);
	leases_free(&l);
	leases_free(&fresh);
}

static void
test_pick_in_range(void **state)
{
	struct prefix link;
	static const struct {
		const char *sub;
		uint64_t min;
	} rows[] = {
		{ SUB_TEXT, LEASE_HOST_MIN },
		{ "2001:db8:64:1:8000::/65", LEASE_HOST_MIN },
		{ "2001:db8:64:1:ffff:ffff:ffff:ff00/120", 16 },
		/* /107 is the smallest that keeps LEASE_HOST_MIN for statics
		 * (2^21 host parts > 16 * LEASE_HOST_MIN); from /108 on only 16 */
		{ "2001:db8:64:1:0:ffff:ffe0:0/107", LEASE_HOST_MIN },
		{ "2001:db8:64:1:0:ffff:fff0:0/108", 16 },
		{ "2001:db8:64:1:0:ffff:f000:0/100", LEASE_HOST_MIN },
		/* sites of a routed prefix: a /64, and shorter ones, whose link
		 * (and so every address) is their first /64 */
		{ "2001:db8:48:5::/64", LEASE_HOST_MIN },
		{ "2001:db8:48:10::/60", LEASE_HOST_MIN },
		{ "2001:db8:48::/48", LEASE_HOST_MIN },
	};
	struct leases l;

	(void)state;
	leases_init(&l);
	for (size_t r = 0; r < ARRAY_SIZE(rows); r++) {
		struct prefix sub = prefix_ok(rows[r].sub);

		for (uint16_t i = 0; i < 64; i++) {
			struct in6_addr a;

			if (pick(&l, "home1", &sub, i, 1, NULL, NULL, &a) != 0)
				fail_msg("%s: no address for client %u", rows[r].sub, i);
			assert_valid_host(&sub, &a, rows[r].min);
			prefix_link(&sub, &link);
			assert_true(prefix_contains(&link, &a));
		}
	}
	/* sub-prefixes outside PREFIX_SUB_MIN..PREFIX_SUB_MAX: none */
	{
		struct prefix s47 = prefix_ok("2001:db8:48::/47");
		struct prefix s121 = prefix_ok("2001:db8:64:1::80/121");
		struct in6_addr a;

		assert_int_equal(pick(&l, "home1", &s47, 1, 1, NULL, NULL, &a), -1);
		assert_int_equal(pick(&l, "home1", &s121, 1, 1, NULL, NULL, &a), -1);
	}
	leases_free(&l);
}

static void
test_pick_distinct(void **state)
{
	static const char *const sites[] = { "home1", "home2", "office" };
	struct in6_addr seen[3 * 8 * 8];
	size_t n = 0;
	struct leases l;

	(void)state;
	leases_init(&l);
	/* 3 sites x 8 DUIDs x 8 IAIDs: 192 different addresses, without any
	 * binding to push them apart */
	for (size_t s = 0; s < ARRAY_SIZE(sites); s++)
		for (uint16_t d = 0; d < 8; d++)
			for (uint32_t i = 0; i < 8; i++) {
				struct in6_addr a = pick_ok(&l, sites[s], d, i);

				for (size_t j = 0; j < n; j++)
					if (memcmp(&seen[j], &a, 16) == 0)
						fail_msg("%s DUID %u IAID %u: %s given twice", sites[s], d, i,
						    addr_str(&a));
				seen[n++] = a;
			}
	leases_free(&l);
}

static void
test_pick_skips_taken(void **state)
{
	struct prefix sub = prefix_ok(SUB_TEXT);
	struct probe p = { 0 };
	struct leases l;
	struct in6_addr first, second, a;

	(void)state;
	leases_init(&l);
	/* the first candidate, then the next one when the first is in use */
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, probe_in_use, &p, &first), 0);
	assert_int_equal(p.calls, 1);
	assert_memory_equal(&p.seen[0], &first, 16);
	p = (struct probe){ .refuse = 1 };
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, probe_in_use, &p, &second), 0);
	assert_int_equal(p.calls, 2);
	assert_memory_equal(&p.seen[0], &first, 16);
	assert_memory_equal(&p.seen[1], &second, 16);
	assert_memory_not_equal(&first, &second, 16);
	assert_valid_host(&sub, &second, LEASE_HOST_MIN);

	/* the first candidate held by another client's lease: the same next
	 * one, and in_use is not asked about the held address */
	commit_ok(&l, "home1", 2, 7, &first, 100);
	p = (struct probe){ 0 };
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, probe_in_use, &p, &a), 0);
	assert_memory_equal(&a, &second, 16);
	assert_int_equal(p.calls, 1);
	assert_memory_equal(&p.seen[0], &second, 16);
	/* held in another site: still held (an address is one host) */
	leases_free(&l);
	leases_init(&l);
	commit_ok(&l, "home2", 2, 7, &first, 100);
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, NULL, NULL, &a), 0);
	assert_memory_equal(&a, &second, 16);
	/* declined: also skipped */
	leases_free(&l);
	leases_init(&l);
	assert_int_equal(lease_decline(&l, "home1", &first, 100), 0);
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, NULL, NULL, &a), 0);
	assert_memory_equal(&a, &second, 16);
	/* both held: the third candidate */
	commit_ok(&l, "home1", 3, 3, &second, 100);
	p = (struct probe){ 0 };
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, probe_in_use, &p, &a), 0);
	assert_memory_not_equal(&a, &first, 16);
	assert_memory_not_equal(&a, &second, 16);
	assert_valid_host(&sub, &a, LEASE_HOST_MIN);
	leases_free(&l);
}

static void
test_pick_all_refused(void **state)
{
	struct prefix sub = prefix_ok(SUB_TEXT);
	struct probe p = { .refuse = SIZE_MAX };
	struct leases l;
	struct in6_addr a, own;

	(void)state;
	leases_init(&l);
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, probe_in_use, &p, &a), -1);
	assert_true(p.calls >= 1 && p.calls <= LEASE_TRIES);
	/* the candidates asked about are all different */
	for (size_t i = 0; i < p.calls; i++)
		for (size_t j = 0; j < i; j++)
			assert_memory_not_equal(&p.seen[i], &p.seen[j], 16);
	/* all of them held by leases: -1 too */
	for (size_t i = 0; i < p.calls; i++)
		commit_ok(&l, "home2", (uint16_t)(100 + i), 1, &p.seen[i], 100);
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, NULL, NULL, &a), -1);
	/* a client with a binding keeps its address, even one reported in use
	 * (its own host is what the data path saw) */
	own = addr_ok(ADDR_1);
	commit_ok(&l, "home1", 1, 1, &own, 100);
	p = (struct probe){ .refuse = SIZE_MAX };
	assert_int_equal(pick(&l, "home1", &sub, 1, 1, probe_in_use, &p, &a), 0);
	assert_memory_equal(&a, &own, 16);
	leases_free(&l);
}

/* ------------------------------------------------------------- the table */

static void
test_commit_find(void **state)
{
	struct leases l;
	struct in6_addr a = addr_ok(ADDR_1), b = addr_ok(ADDR_2), c;
	struct duid d = duid(1);
	uint8_t big[DHCP6_DUID_MAX + 1] = { 0 };
	struct lease *e;

	(void)state;
	leases_init(&l);
	assert_null(find(&l, "home1", 1, 1));
	assert_null(lease_by_addr(&l, &a));
	assert_int_equal(lease_count(&l, "home1"), 0);

	commit_ok(&l, "home1", 1, 1, &a, 100);
	commit_ok(&l, "home1", 1, 2, &b, 200);
	c = addr_ok("2001:db8:64:1:8::1:1");
	commit_ok(&l, "home2", 1, 1, &c, 300);
	assert_int_equal(l.n, 3);
	assert_int_equal(lease_count(&l, "home1"), 2);
	assert_int_equal(lease_count(&l, "home2"), 1);
	assert_int_equal(lease_count(&l, "home3"), 0);

	assert_non_null(e = find(&l, "home1", 1, 1));
	assert_memory_equal(&e->addr, &a, 16);
	assert_true(e->expires == 100);
	assert_string_equal(e->site, "home1");
	assert_int_equal(e->duid_len, sizeof(d.b));
	assert_memory_equal(e->duid, d.b, sizeof(d.b));
	assert_int_equal(e->iaid, 1);
	assert_ptr_equal(lease_by_addr(&l, &a), e);
	assert_non_null(e = find(&l, "home2", 1, 1));
	assert_memory_equal(&e->addr, &c, 16);
	assert_null(find(&l, "home1", 2, 1));
	assert_null(find(&l, "home1", 1, 3));
	/* a shorter DUID with the same first bytes is another client */
	assert_null(lease_find(&l, "home1", d.b, sizeof(d.b) - 1, 1));
	/* a declined entry has no DUID: lease_find with none finds nothing */
	assert_null(lease_find(&l, "home1", d.b, 0, 1));

	/* committing again extends (and may move) the same binding */
	commit_ok(&l, "home1", 1, 1, &a, 1000);
	assert_int_equal(l.n, 3);
	assert_true(find(&l, "home1", 1, 1)->expires == 1000);
	c = addr_ok("2001:db8:64:1:4::abcd:0");
	commit_ok(&l, "home1", 1, 1, &c, 1001);
	assert_int_equal(l.n, 3);
	assert_null(lease_by_addr(&l, &a));
	assert_memory_equal(&find(&l, "home1", 1, 1)->addr, &c, 16);

	/* no DUID, or one too long: refused */
	assert_int_equal(lease_commit(&l, "home1", d.b, 0, 9, &a, 100), -1);
	assert_int_equal(lease_commit(&l, "home1", big, sizeof(big), 9, &a, 100), -1);
	assert_int_equal(lease_commit(&l, "home1", big, DHCP6_DUID_MAX, 9, &a, 100), 0);
	assert_int_equal(l.n, 4);

	/* remove: the others stay findable */
	lease_remove(&l, find(&l, "home1", 1, 1));
	assert_int_equal(l.n, 3);
	assert_null(find(&l, "home1", 1, 1));
	assert_non_null(find(&l, "home1", 1, 2));
	assert_non_null(find(&l, "home2", 1, 1));
	assert_non_null(lease_find(&l, "home1", big, DHCP6_DUID_MAX, 9));
	lease_remove(&l, &l.v[l.n - 1]);
	assert_int_equal(l.n, 2);
	leases_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

static void
test_site_max(void **state)
{
	struct leases l;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::"), b;

	(void)state;
	leases_init(&l);
	for (uint32_t i = 0; i < LEASE_SITE_MAX; i++) {
		util_put_be64(a.s6_addr + 8, util_get_be64(a.s6_addr + 8) + 1);
		commit_ok(&l, "home1", 1, i, &a, 100);
	}
	assert_int_equal(lease_count(&l, "home1"), LEASE_SITE_MAX);
	/* one more client, or a declined address: refused */
	b = addr_ok("2001:db8:64:1:7::1");
	{
		struct duid d = duid(2);

		assert_int_equal(lease_commit(&l, "home1", d.b, sizeof(d.b), 1, &b, 100), -1);
	}
	assert_int_equal(lease_decline(&l, "home1", &b, 100), -1);
	assert_int_equal(lease_count(&l, "home1"), LEASE_SITE_MAX);
	assert_null(lease_by_addr(&l, &b));
	/* extending a binding the site holds is fine; so is declining one of
	 * its addresses (it replaces the binding) */
	commit_ok(&l, "home1", 1, 5, &b, 200);
	assert_int_equal(lease_count(&l, "home1"), LEASE_SITE_MAX);
	assert_int_equal(lease_decline(&l, "home1", &b, 300), 0);
	assert_int_equal(lease_count(&l, "home1"), LEASE_SITE_MAX);
	assert_null(find(&l, "home1", 1, 5));
	/* another site has its own LEASE_SITE_MAX */
	b = addr_ok("2001:db8:64:1:8::1");
	commit_ok(&l, "home2", 1, 1, &b, 100);
	assert_int_equal(lease_count(&l, "home2"), 1);
	/* and once one expires there is room again */
	find(&l, "home1", 1, 0)->expires = 10;
	assert_int_equal(lease_expire(&l, 50), 1);
	b = addr_ok("2001:db8:64:1:7::2");
	{
		struct duid d = duid(2);

		assert_int_equal(lease_commit(&l, "home1", d.b, sizeof(d.b), 1, &b, 100), 0);
	}
	leases_free(&l);
}

static void
test_decline(void **state)
{
	struct prefix sub = prefix_ok(SUB_TEXT);
	struct leases l;
	struct in6_addr a, b, x = addr_ok(ADDR_2);
	struct lease *e;

	(void)state;
	leases_init(&l);
	a = pick_ok(&l, "home1", 1, 1);
	commit_ok(&l, "home1", 1, 1, &a, 100);
	b = pick_ok(&l, "home1", 2, 1);
	commit_ok(&l, "home1", 2, 1, &b, 100);

	/* declining a bound address replaces the binding */
	{
		struct in6_addr copy = a;

		assert_int_equal(lease_decline(&l, "home1", &copy, 5000), 0);
	}
	assert_int_equal(l.n, 2);
	assert_null(find(&l, "home1", 1, 1));
	assert_non_null(e = lease_by_addr(&l, &a));
	assert_int_equal(e->duid_len, 0);
	assert_int_equal(e->iaid, 0);
	assert_string_equal(e->site, "home1");
	assert_true(e->expires == 5000);
	/* the other binding is untouched */
	assert_non_null(e = find(&l, "home1", 2, 1));
	assert_memory_equal(&e->addr, &b, 16);
	/* the declining client gets another address now, one in range */
	{
		struct in6_addr c = pick_ok(&l, "home1", 1, 1);

		assert_memory_not_equal(&c, &a, 16);
		assert_memory_not_equal(&c, &b, 16);
		assert_valid_host(&sub, &c, LEASE_HOST_MIN);
	}
	/* no client of the site is given it */
	for (uint16_t i = 3; i < 200; i++) {
		struct in6_addr c = pick_ok(&l, "home1", i, 1);

		assert_memory_not_equal(&c, &a, 16);
	}
	/* declining an address nobody holds adds an entry; declining it
	 * again only moves its time */
	assert_int_equal(lease_decline(&l, "home1", &x, 6000), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(lease_decline(&l, "home1", &x, 7000), 0);
	assert_int_equal(l.n, 3);
	assert_true(lease_by_addr(&l, &x)->expires == 7000);
	assert_int_equal(lease_count(&l, "home1"), 3);
	leases_free(&l);
}

static void
test_expire(void **state)
{
	struct leases l;
	struct in6_addr a = addr_ok(ADDR_1), b = addr_ok(ADDR_2), c = addr_ok("2001:db8:64:1:4::1:1");
	struct in6_addr d = addr_ok("2001:db8:64:1:4::1:2"), e = addr_ok("2001:db8:64:1:4::1:3");

	(void)state;
	leases_init(&l);
	assert_int_equal(lease_expire(&l, UINT64_MAX), 0);
	commit_ok(&l, "home1", 1, 1, &a, 100);
	assert_int_equal(lease_decline(&l, "home1", &b, 150), 0);
	commit_ok(&l, "home1", 2, 1, &c, 200);
	assert_int_equal(lease_decline(&l, "home2", &d, 250), 0);
	commit_ok(&l, "home2", 3, 1, &e, 300);
	assert_int_equal(lease_expire(&l, 0), 0);
	assert_int_equal(lease_expire(&l, 99), 0);
	assert_int_equal(l.n, 5);
	/* at or before now: 100, 150 and 200 go */
	assert_int_equal(lease_expire(&l, 200), 3);
	assert_int_equal(l.n, 2);
	assert_null(lease_by_addr(&l, &a));
	assert_null(lease_by_addr(&l, &b));
	assert_null(lease_by_addr(&l, &c));
	assert_non_null(lease_by_addr(&l, &d));
	assert_non_null(find(&l, "home2", 3, 1));
	assert_int_equal(lease_expire(&l, 299), 1);
	assert_int_equal(lease_expire(&l, 300), 1);
	assert_int_equal(l.n, 0);
	leases_free(&l);
}

/* ------------------------------------------------------------- the file */

static void
test_build_parse_round_trip(void **state)
{
	struct leases a, b;
	char *text, err[256];
	size_t len;

	(void)state;
	leases_init(&a);
	leases_init(&b);
	fill(&a);
	assert_int_equal(leases_build(&a, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_int_equal(parse_len(text, len, &b, err, sizeof(err)), 0);
	assert_leases_equal(&a, &b);
	/* the text is what the header comment describes */
	assert_has(text, "\nv6ext-leases 1\n");
	assert_has(text, "\nlease home1 000100012b3c4d5e525400120001 1 " ADDR_1 " 1700000000\n");
	assert_has(text, "\nlease abcdefghijklmnopqrstuvwxyz012345 fffefdfc");
	assert_has(text, " 4294967295 2001:db8:64:1:7:ffff:ffff:ff7f 18446744073709551615\n");
	assert_has(text, "\ndeclined home1 2001:db8:64:1:4:0:dead:beef 1700086400\n");
	assert_has(text, "\ndeclined lab.b-c_D 2001:db8:64:1:8:0:2:2 0\n");
	assert_true(len >= 6 && strcmp(text + len - 6, "end 6\n") == 0);
	free(text);

	/* a named lease: the name is the record's last word, and back */
	lease_name(&a, "home1", a.v[0].duid, a.v[0].duid_len, "vm1");
	assert_int_equal(leases_build(&a, &text, &len), 0);
	assert_has(text, "\nlease home1 000100012b3c4d5e525400120001 1 " ADDR_1 " 1700000000 vm1\n");
	assert_int_equal(parse_len(text, len, &b, err, sizeof(err)), 0);
	assert_string_equal(b.v[0].name, "vm1");
	assert_string_equal(b.v[1].name, a.v[1].name);
	free(text);

	/* a delegated prefix: its own record, apart from the client's
	 * address binding of the same IAID */
	{
		struct prefix pd = { .len = 60 };
		struct in6_addr via;

		inet_pton(AF_INET6, "2001:db8:48:210::", &pd.addr);
		inet_pton(AF_INET6, "fe80::5054:ff:fe00:1", &via);
		assert_int_equal(lease_commit_pd(&a, "home1", a.v[0].duid, a.v[0].duid_len, a.v[0].iaid,
		    &pd, &via, 1700000000), 0);
		assert_int_equal(a.n, 7);
		assert_true(lease_find(&a, "home1", a.v[0].duid, a.v[0].duid_len, a.v[0].iaid) == &a.v[0]);
		assert_true(lease_find_pd(&a, "home1", a.v[0].duid, a.v[0].duid_len, a.v[0].iaid) == &a.v[6]);
		assert_true(lease_by_prefix(&a, &pd) == &a.v[6]);
		assert_null(lease_by_addr(&a, &pd.addr));
		/* names are for hosts: the prefix keeps none */
		assert_string_equal(a.v[6].name, "");
		assert_int_equal(leases_build(&a, &text, &len), 0);
		assert_has(text, "\nprefix home1 000100012b3c4d5e525400120001 1 2001:db8:48:210::/60"
		    " fe80::5054:ff:fe00:1 1700000000\n");
		assert_int_equal(parse_len(text, len, &b, err, sizeof(err)), 0);
		assert_leases_equal(&a, &b);
		free(text);
		/* renewed: the same entry, a later expiry */
		assert_int_equal(lease_commit_pd(&a, "home1", a.v[0].duid, a.v[0].duid_len, a.v[0].iaid,
		    &pd, &via, 1800000000), 0);
		assert_int_equal(a.n, 7);
		assert_true(a.v[6].expires == 1800000000);
		/* a prefix another binding holds is not bound twice */
		assert_int_equal(lease_commit_pd(&a, "home1", a.v[0].duid, a.v[0].duid_len, 9, &pd, &via, 1), -1);
		assert_int_equal(a.n, 7);
		/* longer than /64 is no delegation */
		pd.len = 65;
		assert_int_equal(lease_commit_pd(&a, "home1", a.v[0].duid, a.v[0].duid_len, 9, &pd, &via, 1), -1);
	}

	/* parsing replaces what the table held before */
	parse_ok(HDR "lease other " DUID_HEX " 9 " ADDR_2 " 5\nend 1\n", &b);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.v[0].site, "other");
	assert_int_equal(b.v[0].iaid, 9);
	leases_free(&a);
	leases_free(&b);
}

/* An empty table (every lease released or expired) is a file too. Kept
 * apart: a buffer overrun here aborts the whole binary under ASan. */
static void
test_build_empty(void **state)
{
	struct leases a, b;
	char *text, err[256];
	size_t len;

	(void)state;
	leases_init(&a);
	leases_init(&b);
	assert_int_equal(leases_build(&a, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_has(text, HDR);
	assert_true(len >= 6 && strcmp(text + len - 6, "end 0\n") == 0);
	assert_int_equal(parse_len(text, len, &b, err, sizeof(err)), 0);
	assert_int_equal(b.n, 0);
	free(text);
	/* and after the last lease went */
	fill(&a);
	while (a.n > 0)
		lease_remove(&a, &a.v[0]);
	assert_int_equal(leases_build(&a, &text, &len), 0);
	assert_true(len >= 6 && strcmp(text + len - 6, "end 0\n") == 0);
	free(text);
	leases_free(&a);
	leases_free(&b);
}

static void
test_parse_accepts(void **state)
{
	static const char *const rows[] = {
		/* 1: comments and blank lines anywhere, also after end */
		"# written by hand\n\n" HDR "\n# a lease\nlease home1 " DUID_HEX " 1 " ADDR_1 " 100\n\n#\n"
		    "declined home1 " ADDR_2 " 200\n# closing\nend 2\n\n# trailing comment\n",
		/* 2: more than one space between words, and around them */
		"v6ext-leases 1\n  lease   home1 " DUID_HEX "  1 " ADDR_1 " 100  \n"
		    "declined  home1   " ADDR_2 "   200\n end   2 \n",
		/* 3: leading zeros, upper-case hex, the long address form */
		HDR "lease home1 000100012B3C4D5E525400123456 01 2001:0db8:0064:0001:0004:1234:5678:9abc 0100\n"
		    "declined home1 2001:db8:64:1:5:0:1:0 000200\nend 02\n",
	};
	struct leases l;
	struct in6_addr a = addr_ok(ADDR_1), b = addr_ok(ADDR_2);
	struct lease *e;

	(void)state;
	leases_init(&l);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		parse_ok(rows[i], &l);
		assert_int_equal(l.n, 2);
		assert_non_null(e = find(&l, "home1", 0x3456, 1));
		assert_memory_equal(&e->addr, &a, 16);
		assert_true(e->expires == 100);
		assert_non_null(e = lease_by_addr(&l, &b));
		assert_int_equal(e->duid_len, 0);
		assert_true(e->expires == 200);
	}
	/* the same client and IAID in two sites; the smallest DUID (3 bytes) */
	parse_ok(HDR "lease home1 " DUID_HEX " 1 " ADDR_1 " 1\nlease home2 " DUID_HEX " 1 " ADDR_2 " 1\n"
	    "lease home1 000300 4294967295 2001:db8:64:1:4::1:0 18446744073709551615\nend 3\n", &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[2].duid_len, 3);
	assert_int_equal(l.v[2].iaid, UINT32_MAX);
	assert_true(l.v[2].expires == UINT64_MAX);
	/* nothing but the header and the end line */
	parse_ok(HDR "end 0\n", &l);
	assert_int_equal(l.n, 0);
	leases_free(&l);
}

#define L1 "lease home1 " DUID_HEX " 1 " ADDR_1 " 100\n"
#define L2 "lease home1 " DUID_HEX " 2 " ADDR_2 " 100\n"

static void
test_parse_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} rows[] = {
		/* 1-3: empty, nothing but comments, no header */
		{ "", "empty or truncated (no header line)" },
		{ "# a comment\n\n", "no header line" },
		{ L1 "end 1\n", "line 1: not a v6ext leases file, version 1" },
		/* 4-7: a bad version or magic */
		{ "v6ext-leases 2\nend 0\n", "line 1: not a v6ext leases file, version 1" },
		{ "v6ext-leases 0\nend 0\n", "not a v6ext leases file" },
		{ "v6ext-leases\nend 0\n", "not a v6ext leases file" },
		{ "v6ext-sub-prefixes 1 78\nend 0\n", "not a v6ext leases file" },
		/* 8, 9: no end line */
		{ HDR L1 L2, "truncated (no end line)" },
		{ HDR, "truncated (no end line)" },
		/* 10-13: the end line does not count the records */
		{ HDR L1 L2 "end 3\n", "line 4: bad record" },
		{ HDR L1 L2 "end 1\n", "line 4: bad record" },
		{ HDR "end 1\n", "line 2: bad record" },
		{ HDR L1 "end 1x\n", "line 3: bad record" },
		/* 14, 15: no trailing newline */
		{ HDR L1 "end 1", "truncated (the last line has no newline)" },
		{ HDR "lease home1 0001", "the last line has no newline" },
		/* 16-18: an address twice (two leases, a lease and a declined
		 * one, two declined ones) */
		{ HDR L1 "lease home1 000300 2 " ADDR_1 " 100\nend 2\n", "line 3: bad record" },
		{ HDR L1 "declined home1 " ADDR_1 " 100\nend 2\n", "line 3: bad record" },
		{ HDR "declined home1 " ADDR_2 " 1\ndeclined home2 " ADDR_2 " 1\nend 2\n", "line 3: bad record" },
		/* 19: one client and IAID of one site twice */
		{ HDR L1 "lease home1 " DUID_HEX " 1 " ADDR_2 " 100\nend 2\n", "line 3: bad record" },
		/* 20-24: bad hex: a bad digit, odd length, under 3 bytes, over 130 */
		{ HDR "lease home1 zz0100012b3c 1 " ADDR_1 " 100\nend 1\n", "line 2: bad record" },
		{ HDR "lease home1 00010 1 " ADDR_1 " 100\nend 1\n", "bad record" },
		{ HDR "lease home1 0x0001 1 " ADDR_1 " 100\nend 1\n", "bad record" },
		{ HDR "lease home1 0001 1 " ADDR_1 " 100\nend 1\n", "bad record" },
		{ HDR "lease home1 "
		    "00010203040506070809000102030405060708090001020304050607080900010203040506070809"
		    "00010203040506070809000102030405060708090001020304050607080900010203040506070809"
		    "00010203040506070809000102030405060708090001020304050607080900010203040506070809"
		    "0001020304050607080900 1 " ADDR_1 " 100\nend 1\n", "bad record" },
		/* 25-28: bad site names */
		{ HDR "lease home/1 " DUID_HEX " 1 " ADDR_1 " 100\nend 1\n", "line 2: bad record" },
		{ HDR "lease abcdefghijklmnopqrstuvwxyz0123456 " DUID_HEX " 1 " ADDR_1 " 100\nend 1\n", "bad record" },
		{ HDR "declined h\xc3\xa9 " ADDR_2 " 100\nend 1\n", "bad record" },
		{ HDR "declined home\t1 " ADDR_2 " 100\nend 1\n", "bad record" },
		/* 29-32: bad addresses */
		{ HDR "lease home1 " DUID_HEX " 1 2001:db8::g 100\nend 1\n", "line 2: bad record" },
		{ HDR "lease home1 " DUID_HEX " 1 192.0.2.1 100\nend 1\n", "bad record" },
		{ HDR "declined home1 " ADDR_2 "/78 100\nend 1\n", "bad record" },
		{ HDR "declined home1 2001:db8:64:1:4::1::2 100\nend 1\n", "bad record" },
		/* 33-37: bad numbers */
		{ HDR "lease home1 " DUID_HEX " 4294967296 " ADDR_1 " 100\nend 1\n", "bad record" },
		{ HDR "lease home1 " DUID_HEX " -1 " ADDR_1 " 100\nend 1\n", "bad record" },
		{ HDR "lease home1 " DUID_HEX " 1 " ADDR_1 " 18446744073709551616\nend 1\n", "bad record" },
		{ HDR "declined home1 " ADDR_2 " 1x\nend 1\n", "bad record" },
		{ HDR "declined home1 " ADDR_2 " +1\nend 1\n", "bad record" },
		/* 38-43: the wrong number of words, an unknown record */
		{ HDR "lease home1 " DUID_HEX " 1 " ADDR_1 "\nend 1\n", "bad record" },
		{ HDR "lease home1 " DUID_HEX " 1 " ADDR_1 " 100 vm1 7\nend 1\n", "bad record" },
		{ HDR "lease home1 " DUID_HEX " 1 " ADDR_1 " 100 vm_1\nend 1\n", "bad record" },
		{ HDR "lease home1 " DUID_HEX " 1 " ADDR_1 " 100 -vm1\nend 1\n", "bad record" },
		{ HDR "declined home1 " ADDR_2 "\nend 1\n", "bad record" },
		{ HDR "declined home1 " DUID_HEX " 1 " ADDR_2 " 100\nend 1\n", "bad record" },
		{ HDR "end\n", "line 2: bad record" },
		{ HDR "bogus home1 " ADDR_2 " 100\nend 1\n", "bad record" },
		/* 43a-43h: delegated prefixes: a via that is not link-local, a
		 * length over 64 or missing, host bits, a prefix twice, one
		 * client's IA_PD twice, seven words needed */
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10::/60 2001:db8::1 100\nend 1\n", "bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10::/65 fe80::1 100\nend 1\n", "bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10:: fe80::1 100\nend 1\n", "bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:11::/60 fe80::1 100\nend 1\n", "bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10::/60 fe80::1 100\n"
		    "prefix home1 000300 2 2001:db8:48:10::/60 fe80::2 100\nend 2\n", "line 3: bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10::/60 fe80::1 100\n"
		    "prefix home1 " DUID_HEX " 1 2001:db8:48:20::/60 fe80::1 100\nend 2\n", "line 3: bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10::/60 100\nend 1\n", "bad record" },
		{ HDR "prefix home1 " DUID_HEX " 1 2001:db8:48:10::/60 fe80::1 100 x\nend 1\n", "bad record" },
		/* 44-46: text after the end line */
		{ HDR "end 0\n" L1, "line 3: text after the end line" },
		{ HDR "end 0\nend 0\n", "text after the end line" },
		{ HDR L1 "end 1\n\n" HDR, "line 5: text after the end line" },
	};
	struct leases l;
	char err[256];

	(void)state;
	leases_init(&l);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		if (parse_len(rows[i].text, strlen(rows[i].text), &l, err, sizeof(err)) != -1)
			fail_msg("row %zu accepted:\n%s", i + 1, rows[i].text);
		if (strstr(err, rows[i].want) == NULL)
			fail_msg("row %zu: \"%s\" does not say \"%s\"", i + 1, err, rows[i].want);
	}
	leases_free(&l);
}

static void
test_parse_rejects_lines(void **state)
{
	char text[1024], err[256];
	struct leases l;
	size_t n;

	(void)state;
	leases_init(&l);
	/* a 600-character line, even a comment */
	n = (size_t)snprintf(text, sizeof(text), "%s#", HDR);
	memset(text + n, 'x', 599);
	n += 599;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\nend 0\n");
	assert_int_equal(parse_len(text, n, &l, err, sizeof(err)), -1);
	assert_has(err, "line 2: too long or a NUL byte");
	/* 511 characters are still a line; 512 are not */
	n = (size_t)snprintf(text, sizeof(text), "%s#", HDR);
	memset(text + n, 'x', 510);
	n += 510;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\nend 0\n");
	assert_int_equal(parse_len(text, n, &l, err, sizeof(err)), 0);
	n = (size_t)snprintf(text, sizeof(text), "%s#", HDR);
	memset(text + n, 'x', 511);
	n += 511;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\nend 0\n");
	assert_int_equal(parse_len(text, n, &l, err, sizeof(err)), -1);
	assert_has(err, "too long");
	/* a NUL byte in a record: not the end of the line */
	memcpy(text, HDR "end 0\0x\n", sizeof(HDR) - 1 + 8);
	n = sizeof(HDR) - 1 + 8;
	assert_int_equal(parse_len(text, n, &l, err, sizeof(err)), -1);
	assert_has(err, "line 2: too long or a NUL byte");
	leases_free(&l);
}

static void
test_parse_every_truncation(void **state)
{
	struct leases a, b;
	char *text, err[256];
	size_t len;

	(void)state;
	leases_init(&a);
	leases_init(&b);
	fill(&a);
	assert_int_equal(leases_build(&a, &text, &len), 0);
	for (size_t cut = 0; cut < len; cut++)
		if (parse_len(text, cut, &b, err, sizeof(err)) != -1)
			fail_msg("cut at %zu of %zu accepted", cut, len);
	assert_int_equal(parse_len(text, len, &b, err, sizeof(err)), 0);
	free(text);
	leases_free(&a);
	leases_free(&b);
}

static void
test_save_load(void **state)
{
	struct tmpstate *t = *state;
	struct leases a, b;
	struct stat st;
	char err[512];

	leases_init(&a);
	leases_init(&b);
	fill(&a);
	/* the state directory does not exist yet: opening it makes it */
	if (leases_save(tmpstate_dir(t), &a, err, sizeof(err)) != 0)
		fail_msg("leases_save: %s", err);
	assert_int_equal(stat(t->file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	if (leases_load(tmpstate_dir(t), &b, err, sizeof(err)) != 0)
		fail_msg("leases_load: %s", err);
	assert_leases_equal(&a, &b);

	/* saved again after a change: the change is what loads */
	lease_remove(&a, &a.v[0]);
	assert_int_equal(leases_save(tmpstate_dir(t), &a, err, sizeof(err)), 0);
	assert_int_equal(stat(t->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(leases_load(tmpstate_dir(t), &b, err, sizeof(err)), 0);
	assert_leases_equal(&a, &b);
	leases_free(&a);
	leases_free(&b);
}

static void
test_load_missing(void **state)
{
	struct tmpstate *t = *state;
	struct leases l;
	char err[512] = "";

	leases_init(&l);
	fill(&l);
	/* a directory without the file: an error, since statedir_open writes an
	 * empty one on a first start (the table is emptied all the same) */
	assert_int_equal(leases_load(tmpstate_dir(t), &l, err, sizeof(err)), ENOENT);
	assert_has(err, LEASE_FILE ": missing");
	assert_int_equal(l.n, 0);
	leases_free(&l);
}

static void
test_load_refuses(void **state)
{
	struct tmpstate *t = *state;
	struct leases a, b;
	char *text, err[512], where[160];
	size_t len;

	leases_init(&a);
	leases_init(&b);
	fill(&a);
	snprintf(where, sizeof(where), "state-dir %s: " LEASE_FILE ": ", t->state);
	assert_int_equal(leases_save(tmpstate_dir(t), &a, err, sizeof(err)), 0);
	assert_int_equal(leases_build(&a, &text, &len), 0);
	/* cut mid-line, and at the start of the end line */
	write_file(t->file, text, len - 3);
	err[0] = '\0';
	assert_int_equal(leases_load(tmpstate_dir(t), &b, err, sizeof(err)), EINVAL);
	assert_has(err, where);
	assert_has(err, "no newline");
	write_file(t->file, text, len - strlen("end 6\n"));
	err[0] = '\0';
	assert_int_equal(leases_load(tmpstate_dir(t), &b, err, sizeof(err)), EINVAL);
	assert_has(err, where);
	assert_has(err, "no end line");
	/* an empty file */
	write_file(t->file, "", 0);
	assert_int_equal(leases_load(tmpstate_dir(t), &b, err, sizeof(err)), EINVAL);
	assert_has(err, "no header line");
	/* a directory where the file should be */
	assert_int_equal(unlink(t->file), 0);
	assert_int_equal(mkdir(t->file, 0700), 0);
	err[0] = '\0';
	assert_int_equal(leases_load(tmpstate_dir(t), &b, err, sizeof(err)), EISDIR);
	assert_has(err, where);
	assert_int_equal(rmdir(t->file), 0);
	/* the whole file again: fine */
	write_file(t->file, text, len);
	assert_int_equal(leases_load(tmpstate_dir(t), &b, err, sizeof(err)), 0);
	assert_leases_equal(&a, &b);
	free(text);
	leases_free(&a);
	leases_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_stable),
		cmocka_unit_test(test_pick_in_range),
		cmocka_unit_test(test_pick_distinct),
		cmocka_unit_test(test_pick_skips_taken),
		cmocka_unit_test(test_pick_all_refused),
		cmocka_unit_test(test_commit_find),
		cmocka_unit_test(test_site_max),
		cmocka_unit_test(test_decline),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_build_parse_round_trip),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_rejects_lines),
		cmocka_unit_test(test_parse_every_truncation),
		cmocka_unit_test_setup_teardown(test_save_load, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_load_refuses, tmp_setup, tmpstate_teardown),
		/* last: under ASan an overrun here ends the binary */
		cmocka_unit_test(test_build_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
