/* SPDX-License-Identifier: ISC */
/* test_dhcp6: the DHCPv6 message parser and its builder twin.
 *
 * Proves that a Solicit and an Advertise/Reply with every option the
 * server uses survive dhcp6_build then dhcp6_parse field for field; that a
 * Solicit written out byte by byte (the way dhclient sends one) parses with
 * the right fields; that each hostile input is dropped for its own exact
 * reason (short, truncated at every level of nesting, wrong option
 * lengths, option bombs counted across nesting, duplicate IDs, relay and
 * unknown types); that every truncation of a valid Solicit is handled;
 * that IAs past DHCP6_IA_MAX are checked but not kept; that dhcp6_build
 * never writes past cap; that dname_encode_list writes RFC 1035 names
 * and refuses bad ones; and that every drop reason has its own name.
 * Input buffers are heap blocks of exactly their length, so
 * AddressSanitizer sees any read past the end. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dhcp6.h"
#include "dname.h"
#include "util.h"

/* DUID-LLT (RFC 8415 11.2): type 1, hardware type 1, time, a MAC */
static const uint8_t duid_llt[14] = {
	0x00, 0x01, 0x00, 0x01, 0x2b, 0x3c, 0x4d, 0x5e, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};
/* DUID-UUID (RFC 6355), as dhcp6_server_duid writes one */
static const uint8_t duid_uuid[18] = {
	0x00, 0x04, 0x6f, 0x1e, 0x0b, 0x3a, 0x9d, 0x42, 0x5c, 0x11,
	0x8a, 0x07, 0xd3, 0x29, 0x44, 0xe0, 0xb5, 0x61,
};

/* ----------------------------------------------------------------- helpers */

static struct in6_addr
addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad address literal %s", s);
	return a;
}

/* dhcp6_parse on a heap copy of exactly len bytes. */
static enum dhcp6_drop
parse_len(const uint8_t *buf, size_t len, struct dhcp6_msg *m)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	enum dhcp6_drop d;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, buf, len);
	d = dhcp6_parse(copy, len, m);
	free(copy);
	return d;
}

static void
assert_drop(const uint8_t *buf, size_t len, enum dhcp6_drop want, const char *what)
{
	struct dhcp6_msg m;
	enum dhcp6_drop d = parse_len(buf, len, &m);

	if (d != want)
		fail_msg("%s: got %s, want %s", what, dhcp6_drop_name(d), dhcp6_drop_name(want));
}

/* A growing byte buffer for hand-made messages. */
struct bytes {
	uint8_t b[65536 + 4096];
	size_t n;
};

static void
put8(struct bytes *w, uint8_t v)
{
	assert_true(w->n < sizeof(w->b));
	w->b[w->n++] = v;
}

static void
put16(struct bytes *w, uint16_t v)
{
	put8(w, (uint8_t)(v >> 8));
	put8(w, (uint8_t)v);
}

static void
put32(struct bytes *w, uint32_t v)
{
	put16(w, (uint16_t)(v >> 16));
	put16(w, (uint16_t)v);
}

static void
put_raw(struct bytes *w, const void *p, size_t len)
{
	assert_true(len <= sizeof(w->b) - w->n);
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

static void
put_header(struct bytes *w, uint8_t type, uint32_t xid)
{
	w->n = 0;
	put8(w, type);
	put8(w, (uint8_t)(xid >> 16));
	put8(w, (uint8_t)(xid >> 8));
	put8(w, (uint8_t)xid);
}

/* An option header; returns where its length is, for put_close. */
static size_t
put_open(struct bytes *w, uint16_t code)
{
	size_t at;

	put16(w, code);
	at = w->n;
	put16(w, 0);
	return at;
}

/* Set the length of the option opened at `at` to what follows it. */
static void
put_close(struct bytes *w, size_t at)
{
	size_t len = w->n - at - 2;

	assert_true(len <= 0xffff);
	w->b[at] = (uint8_t)(len >> 8);
	w->b[at + 1] = (uint8_t)len;
}

static void
put_option(struct bytes *w, uint16_t code, const void *data, size_t len)
{
	put16(w, code);
	put16(w, (uint16_t)len);
	if (len)
		put_raw(w, data, len);
}

static void
put_client_id(struct bytes *w)
{
	put_option(w, DHCP6_OPT_CLIENTID, duid_llt, sizeof(duid_llt));
}

static void
ia_addr(struct dhcp6_ia *ia, const char *a, uint32_t preferred, uint32_t valid)
{
	assert_true(ia->n_addrs < DHCP6_ADDR_MAX);
	ia->addrs[ia->n_addrs].addr = addr(a);
	ia->addrs[ia->n_addrs].preferred = preferred;
	ia->addrs[ia->n_addrs].valid = valid;
	ia->n_addrs++;
}

static void
assert_ia_equal(const struct dhcp6_ia *x, const struct dhcp6_ia *y, const char *what, size_t i)
{
	if (x->iaid != y->iaid || x->t1 != y->t1 || x->t2 != y->t2)
		fail_msg("%s %zu: iaid/t1/t2 %u/%u/%u, want %u/%u/%u", what, i, x->iaid, x->t1, x->t2,
		    y->iaid, y->t1, y->t2);
	assert_int_equal(x->n_addrs, y->n_addrs);
	for (size_t j = 0; j < x->n_addrs; j++) {
		assert_memory_equal(&x->addrs[j].addr, &y->addrs[j].addr, 16);
		assert_int_equal(x->addrs[j].preferred, y->addrs[j].preferred);
		assert_int_equal(x->addrs[j].valid, y->addrs[j].valid);
		assert_int_equal(x->addrs[j].plen, y->addrs[j].plen);
	}
	assert_int_equal(x->has_status, y->has_status);
	assert_int_equal(x->status, y->status);
}

static void
assert_msg_equal(const struct dhcp6_msg *x, const struct dhcp6_msg *y)
{
	assert_int_equal(x->type, y->type);
	assert_int_equal(x->xid, y->xid);
	assert_int_equal(x->client_id_len, y->client_id_len);
	assert_memory_equal(x->client_id, y->client_id, x->client_id_len);
	assert_int_equal(x->server_id_len, y->server_id_len);
	assert_memory_equal(x->server_id, y->server_id, x->server_id_len);
	assert_int_equal(x->rapid_commit, y->rapid_commit);
	assert_int_equal(x->has_status, y->has_status);
	assert_int_equal(x->status, y->status);
	assert_int_equal(x->has_preference, y->has_preference);
	assert_int_equal(x->preference, y->preference);
	assert_int_equal(x->has_elapsed, y->has_elapsed);
	assert_int_equal(x->elapsed, y->elapsed);
	assert_int_equal(x->n_ia_na, y->n_ia_na);
	assert_int_equal(x->n_ia_ta, y->n_ia_ta);
	assert_int_equal(x->n_ia_pd, y->n_ia_pd);
	for (size_t i = 0; i < x->n_ia_na; i++)
		assert_ia_equal(&x->ia_na[i], &y->ia_na[i], "IA_NA", i);
	for (size_t i = 0; i < x->n_ia_ta; i++)
		assert_ia_equal(&x->ia_ta[i], &y->ia_ta[i], "IA_TA", i);
	for (size_t i = 0; i < x->n_ia_pd; i++)
		assert_ia_equal(&x->ia_pd[i], &y->ia_pd[i], "IA_PD", i);
	assert_int_equal(x->n_oro, y->n_oro);
	for (size_t i = 0; i < x->n_oro; i++)
		assert_int_equal(x->oro[i], y->oro[i]);
	assert_int_equal(x->n_dns, y->n_dns);
	assert_memory_equal(x->dns, y->dns, x->n_dns * sizeof(x->dns[0]));
	assert_int_equal(x->domains_len, y->domains_len);
	assert_memory_equal(x->domains, y->domains, x->domains_len);
	assert_int_equal(x->has_fqdn, y->has_fqdn);
	if (x->has_fqdn) {
		assert_int_equal(x->fqdn_flags, y->fqdn_flags);
		assert_int_equal(x->fqdn_len, y->fqdn_len);
		assert_memory_equal(x->fqdn, y->fqdn, x->fqdn_len);
	}
}

/* Build m, check the length fits DHCP6_MSG_MAX, parse it back into *back. */
static size_t
round_trip(const struct dhcp6_msg *m, uint8_t *out, struct dhcp6_msg *back)
{
	size_t len = dhcp6_build(m, out, DHCP6_MSG_MAX);
	enum dhcp6_drop d;

	assert_true(len >= 4);
	assert_int_equal(out[0], m->type);
	if ((d = parse_len(out, len, back)) != DHCP6_OK)
		fail_msg("built message does not parse: %s", dhcp6_drop_name(d));
	assert_msg_equal(back, m);
	return len;
}

/* The Solicit of the round trip: every option a client sends. */
static void
full_solicit(struct dhcp6_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = DHCP6_SOLICIT;
	m->xid = 0xabcdef;
	memcpy(m->client_id, duid_llt, sizeof(duid_llt));
	m->client_id_len = sizeof(duid_llt);
	m->has_elapsed = true;
	m->elapsed = 0x1234;
	m->oro[0] = DHCP6_OPT_DNS_SERVERS;
	m->oro[1] = DHCP6_OPT_DOMAIN_LIST;
	m->n_oro = 2;
	m->rapid_commit = true;
	m->n_ia_na = 2;
	m->ia_na[0].iaid = 0x54001234;
	ia_addr(&m->ia_na[0], "2001:db8:64:1:4::1:2345", 3600, 7200);
	ia_addr(&m->ia_na[0], "2001:db8:64:1:7:ffff:ffff:ff7f", 0, 0);
	m->ia_na[1].iaid = 2;
	m->ia_na[1].t1 = 1800;
	m->ia_na[1].t2 = 2880;
	ia_addr(&m->ia_na[1], "2001:db8:64:1:5::42", UINT32_MAX, UINT32_MAX);
	m->n_ia_ta = 1;
	m->ia_ta[0].iaid = 0xdeadbeef;
	ia_addr(&m->ia_ta[0], "fe80::1", 1, 2);
	m->n_ia_pd = 1;
	m->ia_pd[0].iaid = 7;
	m->ia_pd[0].t1 = 100;
	m->ia_pd[0].t2 = 200;
	/* a router's hint (RFC 8415 18.2.1): the length it wants, no prefix */
	ia_addr(&m->ia_pd[0], "::", 0, 0);
	m->ia_pd[0].addrs[0].plen = 60;
}

/* ------------------------------------------------------------- round trips */

static void
test_solicit_round_trip(void **state)
{
	struct dhcp6_msg m, back;
	uint8_t out[DHCP6_MSG_MAX];
	size_t len;

	(void)state;
	full_solicit(&m);
	len = round_trip(&m, out, &back);
	/* header 4, client ID 18, elapsed 6, ORO 8, rapid commit 4,
	 * IA_NA 16 + 2 * 28 and 16 + 28, IA_TA 8 + 28, IA_PD 16 + 29 */
	assert_int_equal(len, 4 + 18 + 6 + 8 + 4 + 72 + 44 + 36 + 45);
	/* the IAPREFIX as RFC 8415 21.22 lays it out: code 26, length 25,
	 * preferred, valid, prefix length 60, the prefix */
	assert_memory_equal(out + len - 29, "\x00\x1a\x00\x19\0\0\0\0\0\0\0\0\x3c", 13);
	assert_int_equal(out[1], 0xab);
	assert_int_equal(out[2], 0xcd);
	assert_int_equal(out[3], 0xef);
	assert_true(dhcp6_oro_has(&back, DHCP6_OPT_DNS_SERVERS));
	assert_true(dhcp6_oro_has(&back, DHCP6_OPT_DOMAIN_LIST));
	assert_false(dhcp6_oro_has(&back, DHCP6_OPT_IA_PD));

	/* a Client FQDN (RFC 4704 4.1): flags, then "vm1" as a partial name
	 * (no root label); and an empty name, which asks the server for one */
	m.has_fqdn = true;
	m.fqdn_flags = DHCP6_FQDN_S;
	memcpy(m.fqdn, "\003vm1", 4);
	m.fqdn_len = 4;
	len = round_trip(&m, out, &back);
	assert_memory_equal(out + len - 9, "\x00\x27\x00\x05\x01\003vm1", 9);
	m.fqdn_len = 0;
	len = round_trip(&m, out, &back);
	assert_memory_equal(out + len - 5, "\x00\x27\x00\x01\x01", 5);
	m.has_fqdn = false;

	/* a status code in an IA and at the top level come back too */
	m.ia_na[1].has_status = true;
	m.ia_na[1].status = DHCP6_NO_BINDING;
	m.ia_pd[0].has_status = true;
	m.ia_pd[0].status = DHCP6_NO_PREFIX_AVAIL;
	m.has_status = true;
	m.status = DHCP6_USE_MULTICAST;
	(void)round_trip(&m, out, &back);
}

static void
test_reply_round_trip(void **state)
{
	static const uint8_t types[] = { DHCP6_ADVERTISE, DHCP6_REPLY };
	struct dhcp6_msg m, back;
	uint8_t out[DHCP6_MSG_MAX];

	(void)state;
	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		memset(&m, 0, sizeof(m));
		m.type = types[t];
		m.xid = 0x000001;
		memcpy(m.client_id, duid_llt, sizeof(duid_llt));
		m.client_id_len = sizeof(duid_llt);
		memcpy(m.server_id, duid_uuid, sizeof(duid_uuid));
		m.server_id_len = sizeof(duid_uuid);
		m.has_preference = true;
		m.preference = 255;
		m.has_status = true;
		m.status = DHCP6_SUCCESS;
		m.n_ia_na = 1;
		m.ia_na[0].iaid = 1;
		m.ia_na[0].t1 = 21600;
		m.ia_na[0].t2 = 34560;
		ia_addr(&m.ia_na[0], "2001:db8:64:1:4:1234:5678:9abc", 43200, 86400);
		ia_addr(&m.ia_na[0], "2001:db8:64:1:4::99", 0, 0);
		m.ia_na[0].has_status = true;
		m.ia_na[0].status = DHCP6_SUCCESS;
		m.dns[0] = addr("2001:db8:64:1::53");
		m.dns[1] = addr("2606:4700:4700::1111");
		m.n_dns = 2;
		assert_int_equal(dname_encode_list("lab.example, example.org", m.domains,
		    sizeof(m.domains), &m.domains_len), 0);
		/* a delegated prefix (RFC 8415 21.22) */
		m.n_ia_pd = 1;
		m.ia_pd[0].iaid = 0x0a0b0c0d;
		m.ia_pd[0].t1 = 21600;
		m.ia_pd[0].t2 = 34560;
		ia_addr(&m.ia_pd[0], "2001:db8:48:210::", 43200, 86400);
		m.ia_pd[0].addrs[0].plen = 60;
		(void)round_trip(&m, out, &back);
		assert_int_equal(back.type, types[t]);
		assert_int_equal(back.preference, 255);
		assert_int_equal(back.ia_na[0].n_addrs, 2);
		assert_int_equal(back.ia_pd[0].n_addrs, 1);
		assert_int_equal(back.ia_pd[0].addrs[0].plen, 60);
		assert_int_equal(back.n_dns, 2);
		assert_int_equal(back.domains_len, 26);
	}
}

/* ----------------------------------------------------- a Solicit by hand */

/* What dhclient -6 sends: its DUID-LLT, one IA_NA whose IAID is the end of
 * the MAC with T1 and T2 0 (no preference), ORO 23 and the elapsed time. */
static const uint8_t dhclient_solicit[] = {
	0x01, 0x10, 0x08, 0x74,                         /* Solicit, xid 0x100874 */
	0x00, 0x01, 0x00, 0x0e,                         /* client ID, 14 bytes */
	0x00, 0x01, 0x00, 0x01,                         /*   DUID-LLT, Ethernet */
	0x2b, 0x3c, 0x4d, 0x5e,                         /*   time */
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56,             /*   MAC */
	0x00, 0x03, 0x00, 0x0c,                         /* IA_NA, 12 bytes */
	0x00, 0x12, 0x34, 0x56,                         /*   IAID */
	0x00, 0x00, 0x00, 0x00,                         /*   T1 */
	0x00, 0x00, 0x00, 0x00,                         /*   T2 */
	0x00, 0x06, 0x00, 0x02,                         /* ORO, 2 bytes */
	0x00, 0x17,                                     /*   DNS servers */
	0x00, 0x08, 0x00, 0x02,                         /* elapsed time, 2 bytes */
	0x00, 0x00,                                     /*   0 */
};

static void
test_solicit_by_hand(void **state)
{
	struct dhcp6_msg m;

	(void)state;
	assert_int_equal(parse_len(dhclient_solicit, sizeof(dhclient_solicit), &m), DHCP6_OK);
	assert_int_equal(m.type, DHCP6_SOLICIT);
	assert_int_equal(m.xid, 0x100874);
	assert_int_equal(m.client_id_len, 14);
	assert_memory_equal(m.client_id, duid_llt, 14);
	assert_int_equal(m.server_id_len, 0);
	assert_int_equal(m.n_ia_na, 1);
	assert_int_equal(m.ia_na[0].iaid, 0x123456);
	assert_int_equal(m.ia_na[0].t1, 0);
	assert_int_equal(m.ia_na[0].t2, 0);
	assert_int_equal(m.ia_na[0].n_addrs, 0);
	assert_false(m.ia_na[0].has_status);
	assert_int_equal(m.n_ia_ta, 0);
	assert_int_equal(m.n_ia_pd, 0);
	assert_int_equal(m.n_oro, 1);
	assert_int_equal(m.oro[0], 23);
	assert_true(dhcp6_oro_has(&m, DHCP6_OPT_DNS_SERVERS));
	assert_false(dhcp6_oro_has(&m, DHCP6_OPT_DOMAIN_LIST));
	assert_true(m.has_elapsed);
	assert_int_equal(m.elapsed, 0);
	assert_false(m.rapid_commit);
	assert_false(m.has_preference);
	assert_false(m.has_status);
	assert_int_equal(m.n_dns, 0);
	assert_int_equal(m.domains_len, 0);
}

/* Unknown options (here a Client FQDN, 39, and a vendor class, 16) are
 * skipped, at the top level and inside an IA and an address. */
static void
test_unknown_options_skipped(void **state)
{
	static const uint8_t fqdn[] = { 0x01, 0x04, 'h', 'o', 's', 't', 0x00 };
	struct bytes *w = calloc(1, sizeof(*w));
	struct dhcp6_msg m;
	size_t ia, ad;

	(void)state;
	assert_non_null(w);
	put_header(w, DHCP6_REQUEST, 7);
	put_option(w, 39, fqdn, sizeof(fqdn));
	put_client_id(w);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 9);
	put32(w, 0);
	put32(w, 0);
	put_option(w, 16, "vendor", 6);
	ad = put_open(w, DHCP6_OPT_IAADDR);
	put_raw(w, &(struct in6_addr){ .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } }, 16);
	put32(w, 10);
	put32(w, 20);
	put_option(w, 0x7777, NULL, 0);
	put_option(w, DHCP6_OPT_STATUS_CODE, "\0\0ok", 4);
	put_close(w, ad);
	put_close(w, ia);
	put_option(w, 0xffff, "x", 1);
	assert_int_equal(parse_len(w->b, w->n, &m), DHCP6_OK);
	assert_int_equal(m.client_id_len, sizeof(duid_llt));
	assert_int_equal(m.n_ia_na, 1);
	assert_int_equal(m.ia_na[0].iaid, 9);
	assert_int_equal(m.ia_na[0].n_addrs, 1);
	assert_int_equal(m.ia_na[0].addrs[0].preferred, 10);
	assert_int_equal(m.ia_na[0].addrs[0].valid, 20);
	/* a status inside an address is not the IA's */
	assert_false(m.ia_na[0].has_status);
	free(w);
}

/* ------------------------------------------------------------ hostile input */

static void
test_short_and_truncated(void **state)
{
	static const uint8_t empty[1] = { 0 };
	static const uint8_t three[] = { 0x01, 0x00, 0x00 };
	/* an option header of 3 bytes */
	static const uint8_t header_cut[] = { 0x01, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00 };
	/* an elapsed time of 2 bytes with 1 there */
	static const uint8_t past_end[] = { 0x01, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x02, 0x00 };
	/* a client ID that claims 0xffff bytes */
	static const uint8_t huge[] = { 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0xff, 0xff, 0x00, 0x01, 0x00 };
	struct bytes *w = calloc(1, sizeof(*w));
	size_t ia, ad;

	(void)state;
	assert_non_null(w);
	assert_drop(empty, 0, DHCP6_DROP_SHORT, "0 bytes");
	assert_drop(three, 1, DHCP6_DROP_SHORT, "1 byte");
	assert_drop(three, 3, DHCP6_DROP_SHORT, "3 bytes");
	assert_drop(header_cut, sizeof(header_cut), DHCP6_DROP_TRUNCATED, "option header cut");
	assert_drop(header_cut, 5, DHCP6_DROP_TRUNCATED, "option header of 1 byte");
	assert_drop(past_end, sizeof(past_end), DHCP6_DROP_TRUNCATED, "option past the end");
	assert_drop(huge, sizeof(huge), DHCP6_DROP_TRUNCATED, "option of 0xffff");
	/* the bare header is a (useless) message */
	assert_drop(header_cut, 4, DHCP6_OK, "a header alone");

	/* an IAADDR that runs past its IA_NA, though the message has the
	 * bytes (an elapsed time follows): the IA is the container */
	put_header(w, DHCP6_SOLICIT, 1);
	put_client_id(w);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 1);
	put32(w, 0);
	put32(w, 0);
	put16(w, DHCP6_OPT_IAADDR);
	put16(w, 24);
	put_raw(w, "0123456789", 10);
	put_close(w, ia);
	put_option(w, DHCP6_OPT_ELAPSED_TIME, "\0\0", 2);
	put_option(w, 0x1234, "0123456789abcdef", 16);
	assert_drop(w->b, w->n, DHCP6_DROP_TRUNCATED, "IAADDR past its IA_NA");

	/* an option inside an IAADDR that runs past the IAADDR */
	put_header(w, DHCP6_SOLICIT, 1);
	put_client_id(w);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 1);
	put32(w, 0);
	put32(w, 0);
	ad = put_open(w, DHCP6_OPT_IAADDR);
	put_raw(w, "0123456789abcdef", 16);
	put32(w, 0);
	put32(w, 0);
	put16(w, DHCP6_OPT_STATUS_CODE);
	put16(w, 8);
	put16(w, 0);
	put_close(w, ad);
	put_raw(w, "abcdef", 6);        /* in the IA, after the IAADDR */
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_TRUNCATED, "status past its IAADDR");

	/* an IA_NA with 3 stray bytes after its options */
	put_header(w, DHCP6_SOLICIT, 1);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 1);
	put32(w, 0);
	put32(w, 0);
	put_raw(w, "\0\x0d\0", 3);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_TRUNCATED, "3 stray bytes in an IA_NA");
	free(w);
}

static void
test_option_lengths(void **state)
{
	static const uint8_t big[DHCP6_DUID_MAX + 1] = { 0x00, 0x02 };
	struct bytes *w = calloc(1, sizeof(*w));
	uint8_t zeros[32] = { 0 };
	size_t ia, ad;

	(void)state;
	assert_non_null(w);

	/* an IA_NA of 11 bytes; an IA_PD of 11; an IA_TA of 3 */
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_IA_NA, zeros, 11);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "IA_NA of 11");
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_IA_PD, zeros, 11);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "IA_PD of 11");
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_IA_TA, zeros, 3);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "IA_TA of 3");
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_IA_TA, zeros, 4);
	assert_drop(w->b, w->n, DHCP6_OK, "IA_TA of 4");

	/* an IAADDR of 23 in an IA_NA */
	put_header(w, DHCP6_SOLICIT, 1);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put_raw(w, zeros, 12);
	put_option(w, DHCP6_OPT_IAADDR, zeros, 23);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "IAADDR of 23");
	/* and in an IA_TA */
	put_header(w, DHCP6_SOLICIT, 1);
	ia = put_open(w, DHCP6_OPT_IA_TA);
	put_raw(w, zeros, 4);
	put_option(w, DHCP6_OPT_IAADDR, zeros, 20);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "IAADDR of 20 in an IA_TA");
	/* an IAPREFIX of 24 in an IA_PD */
	put_header(w, DHCP6_SOLICIT, 1);
	ia = put_open(w, DHCP6_OPT_IA_PD);
	put_raw(w, zeros, 12);
	put_option(w, DHCP6_OPT_IAPREFIX, zeros, 24);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "IAPREFIX of 24");

	/* client and server IDs: 0, 2 and 131 bytes are wrong; 3 and 130 fit */
	for (size_t i = 0; i < 2; i++) {
		uint16_t code = i == 0 ? DHCP6_OPT_CLIENTID : DHCP6_OPT_SERVERID;

		put_header(w, DHCP6_REQUEST, 1);
		put_option(w, code, big, 0);
		assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "ID of 0");
		put_header(w, DHCP6_REQUEST, 1);
		put_option(w, code, big, 2);
		assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "ID of 2");
		put_header(w, DHCP6_REQUEST, 1);
		put_option(w, code, big, DHCP6_DUID_MAX + 1);
		assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "ID of 131");
		put_header(w, DHCP6_REQUEST, 1);
		put_option(w, code, big, 3);
		assert_drop(w->b, w->n, DHCP6_OK, "ID of 3");
		put_header(w, DHCP6_REQUEST, 1);
		put_option(w, code, big, DHCP6_DUID_MAX);
		assert_drop(w->b, w->n, DHCP6_OK, "ID of 130");
	}

	/* elapsed time of 3 (and 1); rapid commit of 1; preference of 2 */
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_ELAPSED_TIME, zeros, 3);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "elapsed time of 3");
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_ELAPSED_TIME, zeros, 1);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "elapsed time of 1");
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_RAPID_COMMIT, zeros, 1);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "rapid commit of 1");
	put_header(w, DHCP6_ADVERTISE, 1);
	put_option(w, DHCP6_OPT_PREFERENCE, zeros, 2);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "preference of 2");

	/* an ORO of 3 and of 1 */
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_ORO, "\0\x17\0", 3);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "ORO of 3");
	put_header(w, DHCP6_SOLICIT, 1);
	put_option(w, DHCP6_OPT_ORO, "\0", 1);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "ORO of 1");

	/* DNS servers of 17 and 8 bytes */
	put_header(w, DHCP6_REPLY, 1);
	put_option(w, DHCP6_OPT_DNS_SERVERS, zeros, 17);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "DNS of 17");
	put_header(w, DHCP6_REPLY, 1);
	put_option(w, DHCP6_OPT_DNS_SERVERS, zeros, 8);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "DNS of 8");

	/* a status code of 1: top level, in an IA, in an address */
	put_header(w, DHCP6_REPLY, 1);
	put_option(w, DHCP6_OPT_STATUS_CODE, zeros, 1);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "status of 1");
	put_header(w, DHCP6_REPLY, 1);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put_raw(w, zeros, 12);
	put_option(w, DHCP6_OPT_STATUS_CODE, zeros, 1);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "status of 1 in an IA_NA");
	put_header(w, DHCP6_REPLY, 1);
	ia = put_open(w, DHCP6_OPT_IA_PD);
	put_raw(w, zeros, 12);
	put_option(w, DHCP6_OPT_STATUS_CODE, zeros, 1);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "status of 1 in an IA_PD");
	put_header(w, DHCP6_REPLY, 1);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put_raw(w, zeros, 12);
	ad = put_open(w, DHCP6_OPT_IAADDR);
	put_raw(w, zeros, 24);
	put_option(w, DHCP6_OPT_STATUS_CODE, zeros, 1);
	put_close(w, ad);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "status of 1 in an IAADDR");
	free(w);
}

static void
test_option_bomb(void **state)
{
	struct bytes *w = calloc(1, sizeof(*w));
	size_t ia, ad;
	struct dhcp6_msg m;

	(void)state;
	assert_non_null(w);
	/* 128 empty unknown options are fine, 129 are a bomb */
	put_header(w, DHCP6_SOLICIT, 1);
	for (int i = 0; i < DHCP6_OPTIONS_MAX; i++)
		put_option(w, 0x4242, NULL, 0);
	assert_drop(w->b, w->n, DHCP6_OK, "128 options");
	put_option(w, 0x4242, NULL, 0);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_BOMB, "129 options");

	/* thousands: 16000 empty options (64 KB) */
	put_header(w, DHCP6_SOLICIT, 1);
	for (int i = 0; i < 16000; i++)
		put_option(w, 0x4242, NULL, 0);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_BOMB, "16000 options");

	/* nested ones count: a client ID, an IA_NA and 126 options in the IA
	 * make 128; one more in the IA is a bomb */
	put_header(w, DHCP6_SOLICIT, 1);
	put_client_id(w);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 1);
	put32(w, 0);
	put32(w, 0);
	for (int i = 0; i < DHCP6_OPTIONS_MAX - 2; i++)
		put_option(w, 0x4242, NULL, 0);
	put_close(w, ia);
	assert_int_equal(parse_len(w->b, w->n, &m), DHCP6_OK);
	assert_int_equal(m.n_ia_na, 1);
	put_header(w, DHCP6_SOLICIT, 1);
	put_client_id(w);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 1);
	put32(w, 0);
	put32(w, 0);
	for (int i = 0; i < DHCP6_OPTIONS_MAX - 1; i++)
		put_option(w, 0x4242, NULL, 0);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_BOMB, "129 options, most in an IA_NA");

	/* two levels down: 4 IA_NAs, each with an IAADDR holding 30 options
	 * (4 * 32 = 128), then one more empty option at the top */
	put_header(w, DHCP6_SOLICIT, 1);
	for (int i = 0; i < 4; i++) {
		ia = put_open(w, DHCP6_OPT_IA_NA);
		put32(w, (uint32_t)i);
		put32(w, 0);
		put32(w, 0);
		ad = put_open(w, DHCP6_OPT_IAADDR);
		put_raw(w, "0123456789abcdef01234567", 24);
		for (int j = 0; j < 30; j++)
			put_option(w, 0x4242, NULL, 0);
		put_close(w, ad);
		put_close(w, ia);
	}
	assert_drop(w->b, w->n, DHCP6_OK, "128 options, nested 3 deep");
	put_option(w, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_BOMB, "129 options, nested 3 deep");
	free(w);
}

static void
test_duplicates_and_types(void **state)
{
	/* Relay-forward (RFC 8415 9.1): hop count, link and peer address,
	 * then a relay message option holding a Solicit */
	static const uint8_t relay_forw[] = {
		0x0c, 0x00,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
		0x00, 0x09, 0x00, 0x04, 0x01, 0x00, 0x00, 0x01,
	};
	struct bytes *w = calloc(1, sizeof(*w));
	uint8_t b[4] = { 0 };

	(void)state;
	assert_non_null(w);
	put_header(w, DHCP6_SOLICIT, 1);
	put_client_id(w);
	put_client_id(w);
	assert_drop(w->b, w->n, DHCP6_DROP_DUPLICATE, "two client IDs");
	put_header(w, DHCP6_REQUEST, 1);
	put_client_id(w);
	put_option(w, DHCP6_OPT_SERVERID, duid_uuid, sizeof(duid_uuid));
	put_option(w, DHCP6_OPT_ELAPSED_TIME, "\0\0", 2);
	put_option(w, DHCP6_OPT_SERVERID, duid_llt, sizeof(duid_llt));
	assert_drop(w->b, w->n, DHCP6_DROP_DUPLICATE, "two server IDs");

	assert_drop(relay_forw, sizeof(relay_forw), DHCP6_DROP_RELAY, "relay-forward");
	b[0] = DHCP6_RELAY_FORW;
	assert_drop(b, 4, DHCP6_DROP_RELAY, "bare relay-forward");
	b[0] = DHCP6_RELAY_REPL;
	assert_drop(b, 4, DHCP6_DROP_RELAY, "relay-reply");
	b[0] = 0;
	assert_drop(b, 4, DHCP6_DROP_TYPE, "type 0");
	b[0] = 200;
	assert_drop(b, 4, DHCP6_DROP_TYPE, "type 200");
	b[0] = 14;
	assert_drop(b, 4, DHCP6_DROP_TYPE, "type 14");
	b[0] = 255;
	assert_drop(b, 4, DHCP6_DROP_TYPE, "type 255");
	/* every type from Solicit to Information-request parses; which of
	 * them a server answers is dhcp6_server's business */
	for (uint8_t t = DHCP6_SOLICIT; t <= DHCP6_INFORMATION_REQUEST; t++) {
		struct dhcp6_msg m;

		b[0] = t;
		assert_int_equal(parse_len(b, 4, &m), DHCP6_OK);
		assert_int_equal(m.type, t);
	}
	free(w);
}

/* Offsets where a top-level option ends in buf (after the header). */
static bool
at_boundary(const uint8_t *buf, size_t len, size_t cut)
{
	size_t off = 4;

	while (off < len) {
		if (off == cut)
			return true;
		off += 4 + (size_t)(buf[off + 2] << 8 | buf[off + 3]);
	}
	return off == cut;
}

static void
test_every_truncation(void **state)
{
	struct dhcp6_msg m, back;
	uint8_t out[DHCP6_MSG_MAX];
	size_t len;

	(void)state;
	full_solicit(&m);
	m.ia_na[0].has_status = true;
	m.ia_na[0].status = DHCP6_SUCCESS;
	len = dhcp6_build(&m, out, sizeof(out));
	assert_true(len > 0);
	for (size_t cut = 0; cut < len; cut++) {
		enum dhcp6_drop d = parse_len(out, cut, &back);
		enum dhcp6_drop want = cut < 4 ? DHCP6_DROP_SHORT :
		    at_boundary(out, len, cut) ? DHCP6_OK : DHCP6_DROP_TRUNCATED;

		if (d != want)
			fail_msg("cut at %zu of %zu: got %s, want %s", cut, len, dhcp6_drop_name(d),
			    dhcp6_drop_name(want));
	}
	/* the same for the hand-written Solicit */
	for (size_t cut = 0; cut < sizeof(dhclient_solicit); cut++) {
		enum dhcp6_drop d = parse_len(dhclient_solicit, cut, &back);

		assert_true(d == DHCP6_DROP_SHORT || d == DHCP6_DROP_TRUNCATED || d == DHCP6_OK);
		assert_int_equal(d == DHCP6_OK,
		    cut >= 4 && at_boundary(dhclient_solicit, sizeof(dhclient_solicit), cut));
	}
}

/* ------------------------------------------------------------------- limits */

static void
test_ia_max(void **state)
{
	struct bytes *w = calloc(1, sizeof(*w));
	struct dhcp6_msg m;
	size_t ia;

	(void)state;
	assert_non_null(w);
	/* DHCP6_IA_MAX + 2 IA_NAs and as many IA_TAs: the first of each kept */
	put_header(w, DHCP6_SOLICIT, 1);
	put_client_id(w);
	for (uint32_t i = 1; i <= DHCP6_IA_MAX + 2; i++) {
		ia = put_open(w, DHCP6_OPT_IA_NA);
		put32(w, i);
		put32(w, 100 * i);
		put32(w, 200 * i);
		put_close(w, ia);
		put_option(w, DHCP6_OPT_IA_TA, (uint8_t[4]){ 0, 0, 0, (uint8_t)i }, 4);
	}
	assert_int_equal(parse_len(w->b, w->n, &m), DHCP6_OK);
	assert_int_equal(m.n_ia_na, DHCP6_IA_MAX);
	assert_int_equal(m.n_ia_ta, DHCP6_IA_MAX);
	for (uint32_t i = 0; i < DHCP6_IA_MAX; i++) {
		assert_int_equal(m.ia_na[i].iaid, i + 1);
		assert_int_equal(m.ia_na[i].t1, 100 * (i + 1));
		assert_int_equal(m.ia_na[i].t2, 200 * (i + 1));
		assert_int_equal(m.ia_ta[i].iaid, i + 1);
	}

	/* one past the limit is still checked: a bad IAADDR in it drops */
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 99);
	put32(w, 0);
	put32(w, 0);
	put_option(w, DHCP6_OPT_IAADDR, "short", 5);
	put_close(w, ia);
	assert_drop(w->b, w->n, DHCP6_DROP_OPTION_LENGTH, "bad IAADDR in an IA past the limit");

	/* addresses past DHCP6_ADDR_MAX in one IA: the first kept */
	put_header(w, DHCP6_REQUEST, 1);
	ia = put_open(w, DHCP6_OPT_IA_NA);
	put32(w, 1);
	put32(w, 0);
	put32(w, 0);
	for (uint8_t i = 1; i <= DHCP6_ADDR_MAX + 3; i++) {
		uint8_t a[24] = { 0x20, 0x01, 0x0d, 0xb8, [15] = i, [19] = i, [23] = i };

		put_option(w, DHCP6_OPT_IAADDR, a, sizeof(a));
	}
	put_close(w, ia);
	assert_int_equal(parse_len(w->b, w->n, &m), DHCP6_OK);
	assert_int_equal(m.ia_na[0].n_addrs, DHCP6_ADDR_MAX);
	for (size_t i = 0; i < DHCP6_ADDR_MAX; i++) {
		assert_int_equal(m.ia_na[0].addrs[i].addr.s6_addr[15], i + 1);
		assert_int_equal(m.ia_na[0].addrs[i].valid, i + 1);
	}

	/* more than DHCP6_ORO_MAX codes, more than DHCP6_DNS_MAX servers: kept
	 * up to the limit, the message is fine */
	put_header(w, DHCP6_REPLY, 1);
	ia = put_open(w, DHCP6_OPT_ORO);
	for (uint16_t i = 0; i < DHCP6_ORO_MAX + 5; i++)
		put16(w, (uint16_t)(100 + i));
	put_close(w, ia);
	ia = put_open(w, DHCP6_OPT_DNS_SERVERS);
	for (uint8_t i = 0; i < DHCP6_DNS_MAX + 2; i++)
		put_raw(w, (uint8_t[16]){ 0x20, 0x01, [15] = i }, 16);
	put_close(w, ia);
	assert_int_equal(parse_len(w->b, w->n, &m), DHCP6_OK);
	assert_int_equal(m.n_oro, DHCP6_ORO_MAX);
	assert_int_equal(m.oro[DHCP6_ORO_MAX - 1], 100 + DHCP6_ORO_MAX - 1);
	assert_int_equal(m.n_dns, DHCP6_DNS_MAX);
	assert_int_equal(m.dns[DHCP6_DNS_MAX - 1].s6_addr[15], DHCP6_DNS_MAX - 1);
	free(w);
}

static void
test_build_cap(void **state)
{
	struct dhcp6_msg m, back;
	uint8_t full[DHCP6_MSG_MAX];
	size_t len;

	(void)state;
	full_solicit(&m);
	len = dhcp6_build(&m, full, sizeof(full));
	assert_true(len > 4);
	/* every cap short of the length: 0, and nothing written past cap
	 * (each buffer is a heap block of exactly cap bytes) */
	for (size_t cap = 0; cap < len; cap++) {
		uint8_t *out = malloc(cap > 0 ? cap : 1);

		assert_non_null(out);
		if (dhcp6_build(&m, out, cap) != 0)
			fail_msg("dhcp6_build wrote %zu bytes into %zu", len, cap);
		free(out);
	}
	/* exactly the length: the same bytes */
	{
		uint8_t *out = malloc(len);

		assert_non_null(out);
		assert_int_equal(dhcp6_build(&m, out, len), len);
		assert_memory_equal(out, full, len);
		assert_int_equal(parse_len(out, len, &back), DHCP6_OK);
		free(out);
	}
	/* DHCP6_IA_MAX IA_NAs of DHCP6_ADDR_MAX addresses each, with the
	 * longest client ID, a server ID and two DNS servers fit DHCP6_MSG_MAX */
	memset(&m, 0, sizeof(m));
	m.type = DHCP6_REPLY;
	m.client_id_len = DHCP6_DUID_MAX;
	m.server_id_len = 18;
	m.has_status = true;
	m.rapid_commit = true;
	m.n_ia_na = DHCP6_IA_MAX;
	for (size_t i = 0; i < DHCP6_IA_MAX; i++)
		m.ia_na[i].n_addrs = DHCP6_ADDR_MAX;
	m.n_dns = 2;
	len = dhcp6_build(&m, full, sizeof(full));
	assert_true(len > 0 && len <= DHCP6_MSG_MAX);
	assert_int_equal(parse_len(full, len, &back), DHCP6_OK);
	assert_int_equal(back.n_ia_na, DHCP6_IA_MAX);
}

/* ------------------------------------------------------------- domain list */

/* The FQDN option's own checks: a flags byte at least, one option, and a
 * name over 255 bytes noted, not kept, the message still served. */
static void
test_fqdn_option(void **state)
{
	uint8_t buf[600] = { DHCP6_SOLICIT, 0, 0, 1, 0, 1, 0, 10, 0, 1, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t n = 18;
	struct dhcp6_msg m;

	(void)state;
	/* length 0: no flags */
	memcpy(buf + n, "\x00\x27\x00\x00", 4);
	assert_int_equal(dhcp6_parse(buf, n + 4, &m), DHCP6_DROP_OPTION_LENGTH);
	/* twice */
	memcpy(buf + n, "\x00\x27\x00\x01\x01\x00\x27\x00\x01\x01", 10);
	assert_int_equal(dhcp6_parse(buf, n + 10, &m), DHCP6_DROP_DUPLICATE);
	/* 300 bytes of name */
	memcpy(buf + n, "\x00\x27\x01\x2d\x01", 5);
	memset(buf + n + 5, 'a', 300);
	assert_int_equal(dhcp6_parse(buf, n + 305, &m), DHCP6_OK);
	assert_true(m.has_fqdn);
	assert_true(m.fqdn_too_long);
	assert_int_equal(m.fqdn_len, 0);
	assert_int_equal(m.fqdn_flags, 1);
}

static void
test_encode_domains(void **state)
{
	static const uint8_t want[] = {
		3, 'l', 'a', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
	};
	char name[300];
	uint8_t out[DHCP6_DOMAINS_MAX];
	size_t len = 12345;

	(void)state;
	assert_int_equal(dname_encode_list("lab.example, example.org", out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* other separators and a trailing dot give the same bytes */
	assert_int_equal(dname_encode_list("lab.example.,example.org.", out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(dname_encode_list("  lab.example   example.org ,", out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* nothing at all: an empty list */
	assert_int_equal(dname_encode_list("", out, sizeof(out), &len), 0);
	assert_int_equal(len, 0);

	/* empty labels */
	assert_int_equal(dname_encode_list("a..b", out, sizeof(out), &len), -1);
	assert_int_equal(dname_encode_list(".example", out, sizeof(out), &len), -1);
	assert_int_equal(dname_encode_list("example.org, .", out, sizeof(out), &len), -1);
	/* a label of 63 is fine, 64 is not */
	memset(name, 'a', 63);
	strcpy(name + 63, ".example");
	assert_int_equal(dname_encode_list(name, out, sizeof(out), &len), 0);
	assert_int_equal(len, 1 + 63 + 1 + 7 + 1);
	assert_int_equal(out[0], 63);
	memset(name, 'a', 64);
	strcpy(name + 64, ".example");
	assert_int_equal(dname_encode_list(name, out, sizeof(out), &len), -1);
	/* a name of 253 characters (255 on the wire) is fine, 254 is not */
	memset(name, 'b', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(dname_encode_list(name, out, sizeof(out), &len), 0);
	assert_int_equal(len, 255);
	name[253] = 'b';
	name[254] = '\0';
	assert_int_equal(dname_encode_list(name, out, sizeof(out), &len), -1);
	/* does not fit cap: exactly the length fits, one byte less does not */
	assert_int_equal(dname_encode_list("lab.example, example.org", out, sizeof(want), &len), 0);
	assert_int_equal(dname_encode_list("lab.example, example.org", out, sizeof(want) - 1, &len), -1);
	assert_int_equal(dname_encode_list("lab.example", out, 4, &len), -1);
}

/* ---------------------------------------------------------------- the names */

static void
test_drop_names(void **state)
{
	(void)state;
	for (int i = 0; i < DHCP6_DROP_MAX; i++) {
		const char *a = dhcp6_drop_name((enum dhcp6_drop)i);

		assert_non_null(a);
		if (a[0] == '\0' || strcmp(a, "dhcp6_unknown") == 0)
			fail_msg("reason %d has no name", i);
		for (int j = 0; j < i; j++)
			if (strcmp(a, dhcp6_drop_name((enum dhcp6_drop)j)) == 0)
				fail_msg("reasons %d and %d are both \"%s\"", j, i, a);
	}
	assert_string_equal(dhcp6_drop_name(DHCP6_DROP_MAX), "dhcp6_unknown");
	assert_string_equal(dhcp6_drop_name((enum dhcp6_drop)1000), "dhcp6_unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_solicit_round_trip),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_solicit_by_hand),
		cmocka_unit_test(test_unknown_options_skipped),
		cmocka_unit_test(test_short_and_truncated),
		cmocka_unit_test(test_option_lengths),
		cmocka_unit_test(test_option_bomb),
		cmocka_unit_test(test_duplicates_and_types),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_ia_max),
		cmocka_unit_test(test_build_cap),
		cmocka_unit_test(test_encode_domains),
		cmocka_unit_test(test_fqdn_option),
		cmocka_unit_test(test_drop_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
