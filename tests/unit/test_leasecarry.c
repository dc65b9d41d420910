/* SPDX-License-Identifier: ISC */
/* test_leasecarry: a site's delegations as the frame its client carries:
 * collected from the leases (that site's, delegations only, not expired),
 * built and parsed back the same, cut at what fits; every truncation and
 * trailing byte refused; and a gateway takes only what its own DHCPv6
 * server could have given (length, inside the site and outside its link,
 * aligned, link-local router, a DUID, lifetime). */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leasecarry.h"

static const uint8_t duid1[] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t duid2[] = { 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct prefix
pfx(const char *a, uint8_t len)
{
	struct prefix p = { .len = len };

	assert_int_equal(inet_pton(AF_INET6, a, &p.addr), 1);
	return p;
}

static struct in6_addr
a6(const char *a)
{
	struct in6_addr x;

	assert_int_equal(inet_pton(AF_INET6, a, &x), 1);
	return x;
}

static void
fill(struct leases *l)
{
	struct prefix p1 = pfx("2001:db8:48:10::", 60), p2 = pfx("2001:db8:48:20::", 60),
	    p3 = pfx("2001:db8:48:30::", 60), p4 = pfx("2001:db8:49:10::", 60);
	struct in6_addr r1 = a6("fe80::1"), r2 = a6("fe80::2"), na = a6("2001:db8:48:0:1::5");

	leases_init(l);
	assert_int_equal(lease_commit_pd(l, "home1", duid1, sizeof(duid1), 7, &p1, &r1, 5000), 0);
	assert_int_equal(lease_commit_pd(l, "home1", duid2, sizeof(duid2), 1, &p2, &r2, 6000), 0);
	assert_int_equal(lease_commit_pd(l, "home1", duid2, sizeof(duid2), 2, &p3, &r2, 900), 0);   /* expired */
	assert_int_equal(lease_commit_pd(l, "home2", duid1, sizeof(duid1), 7, &p4, &r1, 5000), 0);  /* another site */
	assert_int_equal(lease_commit(l, "home1", duid1, sizeof(duid1), 1, &na, 5000), 0);          /* an address */
}

static void
test_round_trip(void **state)
{
	struct leases l;
	struct leasecarry_rec r[LEASECARRY_MAX], back[LEASECARRY_MAX];
	uint8_t frame[1514];
	size_t n, nb, built, len;
	const char *why;

	(void)state;
	fill(&l);
	n = leasecarry_collect(&l, "home1", 1000, r, LEASECARRY_MAX);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].iaid, 7);
	assert_int_equal(r[1].iaid, 1);
	assert_int_equal(r[1].duid_len, sizeof(duid2));
	len = leasecarry_build(r, n, mac, frame, sizeof(frame), &built);
	assert_int_equal(built, 2);
	assert_int_equal(len, LEASECARRY_HEADER_LEN + 2 * LEASECARRY_REC_MIN + sizeof(duid1) + sizeof(duid2));
	assert_true(leasecarry_is(frame, len));
	assert_int_equal(leasecarry_parse(frame, len, back, LEASECARRY_MAX, &nb, &why), 0);
	assert_int_equal(nb, 2);
	assert_memory_equal(back, r, 2 * sizeof(r[0]));
	/* every cut is refused, and so is a byte more */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(leasecarry_parse(frame, cut, back, LEASECARRY_MAX, &nb, &why), -1);
	frame[len] = 0;
	assert_int_equal(leasecarry_parse(frame, len + 1, back, LEASECARRY_MAX, &nb, &why), -1);
	assert_string_equal(why, "bytes after the last record");
	/* room for one: one is built, and says so */
	len = leasecarry_build(r, n, mac, frame, LEASECARRY_HEADER_LEN + LEASECARRY_REC_MIN + sizeof(duid1), &built);
	assert_int_equal(built, 1);
	assert_int_equal(leasecarry_parse(frame, len, back, LEASECARRY_MAX, &nb, &why), 0);
	assert_int_equal(nb, 1);
	/* more records than the reader takes */
	len = leasecarry_build(r, n, mac, frame, sizeof(frame), &built);
	assert_int_equal(leasecarry_parse(frame, len, back, 1, &nb, &why), -1);
	/* another ethertype, another version */
	frame[13] ^= 1;
	assert_false(leasecarry_is(frame, len));
	frame[13] ^= 1;
	frame[18] = 2;
	assert_int_equal(leasecarry_parse(frame, len, back, LEASECARRY_MAX, &nb, &why), -1);
	assert_string_equal(why, "unknown version");
	leases_free(&l);
}

static void
test_check(void **state)
{
	struct prefix sub = pfx("2001:db8:48::", 56), link = pfx("2001:db8:48::", 64);
	struct leasecarry_rec ok = { .plen = 60, .iaid = 1, .expires = 2000, .via = a6("fe80::1"), .duid_len = 4 },
	    r;
	const char *why;

	(void)state;
	ok.prefix = a6("2001:db8:48:10::");
	assert_int_equal(leasecarry_check(&ok, &sub, &link, 60, 1000, 3600, &why), 0);
	r = ok;
	assert_int_equal(leasecarry_check(&r, &sub, &link, 0, 1000, 3600, &why), -1);      /* delegates nothing */
	assert_int_equal(leasecarry_check(&r, &sub, &link, 62, 1000, 3600, &why), -1);     /* another length */
	assert_string_equal(why, "not the peer's prefix-delegation length");
	r.prefix = a6("2001:db8:48::");                                                     /* holds the link */
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 1000, 3600, &why), -1);
	assert_string_equal(why, "not a delegable prefix of the site");
	r.prefix = a6("2001:db8:49:10::");                                                  /* another site's */
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 1000, 3600, &why), -1);
	r.prefix = a6("2001:db8:48:10::1");                                                 /* host bits */
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 1000, 3600, &why), -1);
	r = ok;
	r.via = a6("2001:db8::1");
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 1000, 3600, &why), -1);
	assert_string_equal(why, "router not link-local");
	r = ok;
	r.duid_len = 0;
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 1000, 3600, &why), -1);
	r = ok;
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 2000, 3600, &why), -1);     /* expired */
	assert_int_equal(leasecarry_check(&r, &sub, &link, 60, 1000, 999, &why), -1);      /* too long */
	assert_string_equal(why, "expired, or longer than this server gives");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
