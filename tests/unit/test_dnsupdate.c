/* SPDX-License-Identifier: ISC */
/* dnsupdate: the key file is one strict line; an UPDATE reads back (with
 * ldns, as a server would) with its zone, its records and a TSIG that
 * verifies; an answer is OK only when NOERROR and signed with our key over
 * our request's MAC; error answers, foreign and broken ones are told apart.
 * ldns signs with the wall clock, so no test pins a time. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "dnsupdate.h"

#define SECRET  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="      /* bytes 0..31 */
#define OTHER   "paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaU="      /* 32 x 0xa5 */
#define ZONE    "home1.home.example.org"

static struct dnsupdate_key
key(const char *secret)
{
	struct dnsupdate_key k;
	char line[256], err[256];

	snprintf(line, sizeof(line), "hmac-sha256:v6ext:%s\n", secret);
	assert_int_equal(dnsupdate_key_parse((const uint8_t *)line, strlen(line), &k, err, sizeof(err)), 0);
	return k;
}

static void
expect_key_bad(const char *text, const char *why)
{
	struct dnsupdate_key k;
	char err[256] = "";

	assert_int_equal(dnsupdate_key_parse((const uint8_t *)text, strlen(text), &k, err, sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\": got \"%s\", wanted \"%s\"", text, err, why);
	assert_null(strstr(err, "AAECAwQF"));                   /* never the secret */
	assert_int_equal(k.name[0], 0);                         /* wiped */
	assert_int_equal(k.secret_b64[0], 0);
}

static void
test_key_parse(void **state)
{
	struct dnsupdate_key k;
	char err[256];
	static const char good[] = "hmac-sha256:v6ext:" SECRET;
	static const char dot[] = "HMAC-SHA256:ddns.key.:" SECRET "\n";

	(void)state;
	assert_int_equal(dnsupdate_key_parse((const uint8_t *)good, strlen(good), &k, err, sizeof(err)), 0);
	assert_string_equal(k.name, "v6ext");
	assert_string_equal(k.secret_b64, SECRET);
	dnsupdate_key_wipe(&k);
	assert_int_equal(k.secret_b64[0], 0);
	assert_int_equal(dnsupdate_key_parse((const uint8_t *)dot, strlen(dot), &k, err, sizeof(err)), 0);
	assert_string_equal(k.name, "ddns.key");
	/* 16 and 64 bytes: the ends of the range */
	k = key("AAECAwQFBgcICQoLDA0ODw==");
	k = key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==");

	expect_key_bad("hmac-sha1:v6ext:" SECRET "\n", "not an hmac-sha256 key");
	expect_key_bad("hmac-sha256x:v6ext:" SECRET "\n", "not an hmac-sha256 key");
	expect_key_bad("v6ext:" SECRET "\n", "not an hmac-sha256 key");
	expect_key_bad("hmac-sha256:v6ext:!!!!" SECRET "\n", "not base64");
	expect_key_bad("hmac-sha256:v6ext:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", "not base64");
	expect_key_bad("hmac-sha256:v6ext:" SECRET ":x\n", "not base64");
	expect_key_bad("hmac-sha256::" SECRET "\n", "empty key name");
	expect_key_bad("hmac-sha256:v6..ext:" SECRET "\n", "not a DNS name");
	expect_key_bad("hmac-sha256:v6 ext:" SECRET "\n", "not a DNS name");
	expect_key_bad("hmac-sha256:v6ext:" SECRET "\n\n", "more than one line");
	expect_key_bad("hmac-sha256:v6ext:" SECRET "\nhmac-sha256:b:" SECRET "\n", "more than one line");
	expect_key_bad("# the key\nhmac-sha256:v6ext:" SECRET "\n", "more than one line");
	expect_key_bad("hmac-sha256:v6ext:" SECRET "\r\n", "more than one line");
	expect_key_bad("hmac-sha256:v6ext:AAECAwQFBgc=\n", "8 bytes, not 16..64");
	expect_key_bad("hmac-sha256:v6ext:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
	    "LS4vMDEyMzQ1Njc4OTo7PD0+P0A=\n", "65 bytes, not 16..64");
	expect_key_bad("hmac-sha256:v6ext:\n", "empty secret");
	expect_key_bad("hmac-sha256:v6ext\n", "no secret");
	expect_key_bad("", "empty");
	expect_key_bad("\n", "empty");
	{
		static const char nul[] = "hmac-sha256:v6\0ext:" SECRET;

		assert_int_equal(dnsupdate_key_parse((const uint8_t *)nul, sizeof(nul) - 1, &k, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "NUL"));
	}
}

static struct dnsupdate_rr
rr6(enum dnsupdate_op op, const char *name, const char *addr, uint32_t ttl)
{
	struct dnsupdate_rr r = { .op = op, .family = AF_INET6, .ttl = ttl };

	strcpy(r.name, name);
	assert_int_equal(inet_pton(AF_INET6, addr, &r.addr.v6), 1);
	return r;
}

static struct dnsupdate_rr
rr4(enum dnsupdate_op op, const char *name, const char *addr, uint32_t ttl)
{
	struct dnsupdate_rr r = { .op = op, .family = AF_INET, .ttl = ttl };

	strcpy(r.name, name);
	assert_int_equal(inet_pton(AF_INET, addr, &r.addr.v4), 1);
	return r;
}

static void
assert_name(const ldns_rdf *rdf, const char *want)
{
	ldns_rdf *w = ldns_dname_new_frm_str(want);

	assert_non_null(w);
	assert_int_equal(ldns_dname_compare(rdf, w), 0);
	ldns_rdf_deep_free(w);
}

/* Build rr, read it back, check the header, zone section and TSIG. */
static ldns_pkt *
build_and_read(const struct dnsupdate_rr *rr, size_t n, uint8_t **wire, size_t *len)
{
	struct dnsupdate_key k = key(SECRET);
	ldns_pkt *p = NULL;
	ldns_rr *z;
	char err[256] = "";

	if (dnsupdate_build(ZONE, rr, n, 0x1234, &k, wire, len, err, sizeof(err)) != 0)
		fail_msg("build: %s", err);
	assert_int_equal(ldns_wire2pkt(&p, *wire, *len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(p), 0x1234);
	assert_false(ldns_pkt_qr(p));
	assert_int_equal(ldns_pkt_get_opcode(p), LDNS_PACKET_UPDATE);
	assert_false(ldns_pkt_rd(p));                           /* RFC 2136 2.2: Z is zero */
	assert_int_equal(ldns_pkt_get_rcode(p), 0);
	/* zone section: ZONE SOA IN; no prerequisites */
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	z = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	assert_name(ldns_rr_owner(z), ZONE);
	assert_int_equal(ldns_rr_get_type(z), LDNS_RR_TYPE_SOA);
	assert_int_equal(ldns_rr_get_class(z), LDNS_RR_CLASS_IN);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), n);
	/* a TSIG, hmac-sha256, that a server holding the key accepts */
	assert_non_null(ldns_pkt_tsig(p));
	assert_name(ldns_rr_owner(ldns_pkt_tsig(p)), "v6ext");
	assert_name(ldns_rr_rdf(ldns_pkt_tsig(p), 0), "hmac-sha256");
	assert_int_equal(ldns_rdf2native_int16(ldns_rr_rdf(ldns_pkt_tsig(p), 2)), 300);
	assert_int_equal(ldns_rdf_size(ldns_rr_rdf(ldns_pkt_tsig(p), 3)), 2 + 32);
	assert_true(ldns_pkt_tsig_verify(p, *wire, *len, "v6ext", SECRET, NULL));
	assert_false(ldns_pkt_tsig_verify(p, *wire, *len, "v6ext", OTHER, NULL));
	return p;
}

static void
test_build_add(void **state)
{
	struct dnsupdate_rr rr[2] = {
		rr6(DNSUPDATE_ADD, "vm1." ZONE, "2001:db8:64:1:4::100", 300),
		rr4(DNSUPDATE_ADD, "vm1." ZONE, "192.0.2.7", 60),
	};
	struct in6_addr a6;
	uint8_t *wire;
	size_t len;
	ldns_pkt *p;
	ldns_rr *u;

	(void)state;
	p = build_and_read(rr, 2, &wire, &len);
	u = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
	assert_name(ldns_rr_owner(u), "vm1." ZONE);
	assert_int_equal(ldns_rr_get_type(u), LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_rr_get_class(u), LDNS_RR_CLASS_IN);
	assert_int_equal(ldns_rr_ttl(u), 300);
	assert_int_equal(ldns_rr_rd_count(u), 1);
	assert_int_equal(ldns_rdf_size(ldns_rr_rdf(u, 0)), 16);
	inet_pton(AF_INET6, "2001:db8:64:1:4::100", &a6);
	assert_memory_equal(ldns_rdf_data(ldns_rr_rdf(u, 0)), &a6, 16);
	u = ldns_rr_list_rr(ldns_pkt_authority(p), 1);
	assert_int_equal(ldns_rr_get_type(u), LDNS_RR_TYPE_A);
	assert_int_equal(ldns_rr_get_class(u), LDNS_RR_CLASS_IN);
	assert_int_equal(ldns_rr_ttl(u), 60);
	assert_memory_equal(ldns_rdf_data(ldns_rr_rdf(u, 0)), "\xc0\x00\x02\x07", 4);
	ldns_pkt_free(p);
	free(wire);
}

static void
test_build_delete(void **state)
{
	struct dnsupdate_rr rr = rr6(DNSUPDATE_DELETE, "vm1." ZONE, "2001:db8:64:1:4::100", 300);
	struct in6_addr a6;
	uint8_t *wire;
	size_t len;
	ldns_pkt *p;
	ldns_rr *u;

	(void)state;
	p = build_and_read(&rr, 1, &wire, &len);
	u = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
	assert_name(ldns_rr_owner(u), "vm1." ZONE);
	assert_int_equal(ldns_rr_get_type(u), LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_rr_get_class(u), LDNS_RR_CLASS_NONE);     /* RFC 2136 2.5.4 */
	assert_int_equal(ldns_rr_ttl(u), 0);
	inet_pton(AF_INET6, "2001:db8:64:1:4::100", &a6);
	assert_memory_equal(ldns_rdf_data(ldns_rr_rdf(u, 0)), &a6, 16);
	ldns_pkt_free(p);
	free(wire);
}

static void
expect_build_bad(const char *zone, const struct dnsupdate_rr *rr, size_t n, const char *why)
{
	struct dnsupdate_key k = key(SECRET);
	uint8_t *wire = (uint8_t *)"x";
	size_t len = 1;
	char err[256] = "";

	assert_int_equal(dnsupdate_build(zone, rr, n, 1, &k, &wire, &len, err, sizeof(err)), -1);
	assert_null(wire);
	assert_int_equal(len, 0);
	if (strstr(err, why) == NULL)
		fail_msg("got \"%s\", wanted \"%s\"", err, why);
}

static void
test_build_bad(void **state)
{
	struct dnsupdate_rr rr = rr6(DNSUPDATE_ADD, "vm1." ZONE, "2001:db8::1", 300);
	struct dnsupdate_rr out = rr6(DNSUPDATE_ADD, "vm1.example.com", "2001:db8::1", 300);
	struct dnsupdate_rr suffix = rr6(DNSUPDATE_ADD, "xhome1.home.example.org", "2001:db8::1", 300);
	struct dnsupdate_rr fam = rr;
	struct dnsupdate_rr ttl = rr;
	struct dnsupdate_rr many[DNSUPDATE_RR_MAX + 1];
	struct dnsupdate_key none;
	uint8_t *wire;
	size_t len;
	char err[256];

	(void)state;
	fam.family = AF_UNIX;
	ttl.ttl = 0x80000000u;
	for (size_t i = 0; i < DNSUPDATE_RR_MAX + 1; i++)
		many[i] = rr;
	expect_build_bad(ZONE, &out, 1, "not in the zone");
	expect_build_bad(ZONE, &suffix, 1, "not in the zone");
	expect_build_bad(ZONE, &fam, 1, "neither IPv6 nor IPv4");
	expect_build_bad(ZONE, &ttl, 1, "RFC 2181");
	expect_build_bad(ZONE, &rr, 0, "not 1..");
	expect_build_bad(ZONE, many, DNSUPDATE_RR_MAX + 1, "not 1..");
	expect_build_bad("", &rr, 1, "zone is not a DNS name");
	expect_build_bad("home1..example.org", &rr, 1, "zone is not a DNS name");
	/* the zone itself may carry records */
	strcpy(rr.name, ZONE);
	{
		struct dnsupdate_key k = key(SECRET);

		assert_int_equal(dnsupdate_build(ZONE, &rr, 1, 1, &k, &wire, &len, err, sizeof(err)), 0);
		free(wire);
	}
	memset(&none, 0, sizeof(none));
	assert_int_equal(dnsupdate_build(ZONE, &rr, 1, 1, &none, &wire, &len, err, sizeof(err)), -1);
}

/* What a server would answer req: rcode, signed (with secret, over the
 * request's MAC) unless secret is NULL. */
static uint8_t *
answer(const uint8_t *req, size_t reqlen, uint16_t id, ldns_pkt_rcode rcode, const char *secret, size_t *len)
{
	ldns_pkt *q = NULL, *a = ldns_pkt_new();
	ldns_rr *z;
	uint8_t *wire = NULL;

	assert_non_null(a);
	assert_int_equal(ldns_wire2pkt(&q, req, reqlen), LDNS_STATUS_OK);
	ldns_pkt_set_id(a, id);
	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_opcode(a, LDNS_PACKET_UPDATE);
	ldns_pkt_set_rcode(a, (uint8_t)rcode);
	z = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0));
	assert_true(ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, z));
	if (secret != NULL)
		assert_int_equal(ldns_pkt_tsig_sign(a, "v6ext", secret, 300, "hmac-sha256.",
		    ldns_rr_rdf(ldns_pkt_tsig(q), 3)), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt2wire(&wire, a, len), LDNS_STATUS_OK);
	ldns_pkt_free(a);
	ldns_pkt_free(q);
	return wire;
}

static void
request(uint8_t **wire, size_t *len)
{
	struct dnsupdate_rr rr = rr6(DNSUPDATE_ADD, "vm1." ZONE, "2001:db8::1", 300);
	struct dnsupdate_key k = key(SECRET);
	char err[256];

	assert_int_equal(dnsupdate_build(ZONE, &rr, 1, 0xbeef, &k, wire, len, err, sizeof(err)), 0);
}

static void
expect_answer(const uint8_t *req, size_t reqlen, const uint8_t *ans, size_t anslen,
    enum dnsupdate_result want, const char *why)
{
	struct dnsupdate_key k = key(SECRET);
	char err[256] = "";
	enum dnsupdate_result got = dnsupdate_check(req, reqlen, ans, anslen, &k, err, sizeof(err));

	if (got != want)
		fail_msg("result %d, wanted %d (%s)", got, want, err);
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("got \"%s\", wanted \"%s\"", err, why);
}

static void
test_check(void **state)
{
	uint8_t *req, *ans;
	size_t reqlen, anslen;
	static const uint8_t three[3] = { 0xbe, 0xef, 0xa8 };

	(void)state;
	request(&req, &reqlen);

	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOERROR, SECRET, &anslen);
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_OK, NULL);
	/* one flipped bit in the signed part (the zone's name), or in the MAC */
	ans[13] ^= 1;
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_BAD_TSIG, "MAC does not verify");
	ans[13] ^= 1;
	ans[anslen - 20] ^= 1;
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_BAD_TSIG, "MAC does not verify");
	free(ans);

	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOERROR, OTHER, &anslen);
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_BAD_TSIG, "MAC does not verify");
	free(ans);

	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOERROR, NULL, &anslen);
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_BAD_TSIG, "NOERROR but unsigned");
	free(ans);

	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOTAUTH, NULL, &anslen);
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_REFUSED, "NOTAUTH (unsigned)");
	free(ans);

	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_REFUSED, SECRET, &anslen);
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_REFUSED, "REFUSED (signed)");
	free(ans);

	ans = answer(req, reqlen, 0xbeee, LDNS_RCODE_NOERROR, SECRET, &anslen);
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_NOT_OURS, "another message id");
	free(ans);

	expect_answer(req, reqlen, three, sizeof(three), DNSUPDATE_NOT_OURS, "shorter than a DNS header");
	expect_answer(req, reqlen, NULL, 0, DNSUPDATE_NOT_OURS, NULL);

	/* the request itself: not a response */
	expect_answer(req, reqlen, req, reqlen, DNSUPDATE_NOT_OURS, "not a response");

	/* another opcode (QUERY) */
	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOERROR, SECRET, &anslen);
	ans[2] &= (uint8_t)~0x78;
	expect_answer(req, reqlen, ans, anslen, DNSUPDATE_NOT_OURS, "not UPDATE");
	free(ans);

	/* truncated: a record runs past the end */
	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOERROR, SECRET, &anslen);
	expect_answer(req, reqlen, ans, anslen - 1, DNSUPDATE_NOT_OURS, "unparsable");
	expect_answer(req, reqlen, ans, 13, DNSUPDATE_NOT_OURS, "unparsable");
	free(ans);
	free(req);
}

/* BADSIG the way RFC 8945 5.3.2 has a server send it: NOTAUTH, a TSIG with
 * the error set and a MAC of no bytes. */
static void
test_check_badsig(void **state)
{
	uint8_t *req, *ans, *wire = NULL;
	size_t reqlen, anslen, len;
	ldns_pkt *a = NULL;
	ldns_rr *t;

	(void)state;
	request(&req, &reqlen);
	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOTAUTH, SECRET, &anslen);
	assert_int_equal(ldns_wire2pkt(&a, ans, anslen), LDNS_STATUS_OK);
	t = ldns_pkt_tsig(a);
	ldns_rdf_deep_free(ldns_rr_set_rdf(t, ldns_native2rdf_int16_data(0, NULL), 3));
	ldns_rdf_deep_free(ldns_rr_set_rdf(t, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 16), 5));
	assert_int_equal(ldns_pkt2wire(&wire, a, &len), LDNS_STATUS_OK);
	expect_answer(req, reqlen, wire, len, DNSUPDATE_REFUSED, "NOTAUTH (TSIG error BADSIG; unsigned)");
	ldns_pkt_free(a);
	free(wire);
	free(ans);
	free(req);
}

/* Records after the TSIG: RFC 8945 5.1 has it last; ldns_wire2pkt alone
 * would stop reading at it. */
static void
test_check_tsig_not_last(void **state)
{
	static const uint8_t a_rr[] = { 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1 };
	uint8_t *req, *ans, *more;
	size_t reqlen, anslen;

	(void)state;
	request(&req, &reqlen);
	ans = answer(req, reqlen, 0xbeef, LDNS_RCODE_NOERROR, SECRET, &anslen);
	more = malloc(anslen + sizeof(a_rr));
	assert_non_null(more);
	memcpy(more, ans, anslen);
	memcpy(more + anslen, a_rr, sizeof(a_rr));
	more[11]++;                                             /* ARCOUNT */
	expect_answer(req, reqlen, more, anslen + sizeof(a_rr), DNSUPDATE_NOT_OURS, "not the last one");
	/* and bytes after the last record */
	more[11]--;
	expect_answer(req, reqlen, more, anslen + sizeof(a_rr), DNSUPDATE_NOT_OURS, "bytes after");
	free(more);
	free(ans);
	free(req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_build_add),
		cmocka_unit_test(test_build_delete),
		cmocka_unit_test(test_build_bad),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_badsig),
		cmocka_unit_test(test_check_tsig_not_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
