/* SPDX-License-Identifier: ISC */
/* test_dhcp6_server: what the DHCPv6 server answers (RFC 8415 16, 18.3).
 *
 * Proves, for a site "home1" on 2001:db8:64:1:4::/78: that a Solicit gets
 * an Advertise (preference 255, an address per IA_NA with T1 and T2 from
 * the preferred lifetime, the DNS servers and search list) and binds
 * nothing, while a Solicit with Rapid Commit gets a Reply and binds; that
 * Request, Renew (after a restart, from the file and without it) and
 * Rebind give the address the Advertise offered, and Rebind returns
 * addresses it does not know with lifetimes 0; that Release frees and
 * Decline takes the address out of the pool for every client; that
 * Confirm says Success or NotOnLink; that Information-request gets the
 * options and no IA, and one that carries an IA is not answered (RFC 8415
 * 16.12); that IA_TA and IA_PD are told NoAddrsAvail and
 * NoPrefixAvail where nothing is delegated, and that a site that delegates
 * gives routers its /60s (test_prefix_delegation); that every message a server must not answer is dropped
 * for its own reason with the leases untouched; and that the server DUID
 * is an 18-byte DUID-UUID fixed by the key. Every request goes through
 * dhcp6_build and dhcp6_parse first, every reply after, so what is tested
 * is what crosses the wire. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "dhcp6.h"
#include "dhcp6_server.h"
#include "dname.h"
#include "lease.h"
#include "prefix.h"
#include "tmpstate.h"
#include "util.h"

#define SITE     "home1"
#define SUB_TEXT "2001:db8:64:1:4::/78"
#define NOW      UINT64_C(1700000000)
#define OUTSIDE  "2001:db8:64:1:8::1:0"        /* in the next /78 */

static const uint8_t server_key[32] = {
	0x9a, 0x41, 0x0c, 0x77, 0x5e, 0x12, 0xd3, 0x08, 0x6b, 0xf0, 0x2c, 0x91, 0x44, 0xae, 0x37, 0xc5,
	0x18, 0x7d, 0xe2, 0x53, 0xb9, 0x06, 0x8f, 0x3a, 0x61, 0xcd, 0x24, 0x9e, 0x70, 0x0b, 0xf5, 0x4a,
};
static const uint8_t other_key[32] = { 1 };

/* The server of one site, its leases and a directory for the file. */
struct fx {
	struct dhcp6_server srv;
	uint8_t duid[DHCP6_SERVER_DUID_LEN];
	struct in6_addr dns[2];
	uint8_t domains[DHCP6_DOMAINS_MAX];
	size_t domains_len;
	struct leases l;
	struct tmpstate *tmp;           /* its state directory holds the lease file */
	enum names_verdict named;       /* of the last answer */
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

static const char *
addr_str(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int next;
	char *b = buf[next++ % 4];

	inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN);
	return b;
}

static bool
never_in_use(void *ctx, const struct in6_addr *a)
{
	(void)ctx;
	(void)a;
	return false;
}

static bool
always_in_use(void *ctx, const struct in6_addr *a)
{
	(void)ctx;
	(void)a;
	return true;
}

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *why = NULL;

	if (f == NULL)
		return -1;
	if (tmpstate_setup((void **)&f->tmp, "test_dhcp6_server", NULL) != 0) {
		free(f);
		return -1;
	}
	tmpstate_dir(f->tmp);
	dhcp6_server_duid(server_key, f->duid);
	if (inet_pton(AF_INET6, "2001:db8:64:1::53", &f->dns[0]) != 1 ||
	    inet_pton(AF_INET6, "2606:4700:4700::1111", &f->dns[1]) != 1 ||
	    dname_encode_list("lab.example, example.org", f->domains, sizeof(f->domains),
	    &f->domains_len) != 0 ||
	    prefix_parse(SUB_TEXT, &f->srv.sub, &why) != 0)
		return -1;
	f->srv.site = SITE;
	f->srv.duid = f->duid;
	f->srv.duid_len = sizeof(f->duid);
	f->srv.dns = f->dns;
	f->srv.n_dns = 2;
	f->srv.domains = f->domains;
	f->srv.domains_len = f->domains_len;
	f->srv.preferred = 43200;
	f->srv.valid = 86400;
	f->srv.key = server_key;
	f->srv.in_use = never_in_use;
	leases_init(&f->l);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;
	int rc;

	rc = tmpstate_teardown((void **)&f->tmp);
	leases_free(&f->l);
	free(f);
	return rc;
}

/* A DUID-LLT whose MAC ends in n. */
static void
set_client_id(struct dhcp6_msg *m, uint16_t n)
{
	static const uint8_t llt[14] = {
		0x00, 0x01, 0x00, 0x01, 0x2b, 0x3c, 0x4d, 0x5e, 0x52, 0x54, 0x00, 0x12, 0, 0,
	};

	memcpy(m->client_id, llt, sizeof(llt));
	m->client_id[12] = (uint8_t)(n >> 8);
	m->client_id[13] = (uint8_t)n;
	m->client_id_len = sizeof(llt);
}

/* A message from client n, with what every client sends. */
static void
client_msg(struct dhcp6_msg *m, uint8_t type, uint16_t n)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->xid = 0x5a0000u | n;
	set_client_id(m, n);
	m->has_elapsed = true;
	m->oro[m->n_oro++] = DHCP6_OPT_DNS_SERVERS;
	m->oro[m->n_oro++] = DHCP6_OPT_DOMAIN_LIST;
}

static void
with_server_id(struct dhcp6_msg *m, const struct fx *f)
{
	memcpy(m->server_id, f->duid, sizeof(f->duid));
	m->server_id_len = sizeof(f->duid);
}

static struct dhcp6_ia *
add_ia_na(struct dhcp6_msg *m, uint32_t iaid)
{
	struct dhcp6_ia *ia = &m->ia_na[m->n_ia_na++];

	assert_true(m->n_ia_na <= DHCP6_IA_MAX);
	memset(ia, 0, sizeof(*ia));
	ia->iaid = iaid;
	return ia;
}

static void
ia_add(struct dhcp6_ia *ia, const struct in6_addr *a)
{
	assert_true(ia->n_addrs < DHCP6_ADDR_MAX);
	ia->addrs[ia->n_addrs].addr = *a;
	ia->addrs[ia->n_addrs].preferred = 43200;
	ia->addrs[ia->n_addrs].valid = 86400;
	ia->n_addrs++;
}

/* m through dhcp6_build and dhcp6_parse. */
static void
over_the_wire(const struct dhcp6_msg *m, struct dhcp6_msg *out)
{
	uint8_t buf[DHCP6_MSG_MAX];
	size_t len = dhcp6_build(m, buf, sizeof(buf));
	enum dhcp6_drop d;

	assert_true(len >= 4);
	if ((d = dhcp6_parse(buf, len, out)) != DHCP6_OK)
		fail_msg("a built message does not parse: %s", dhcp6_drop_name(d));
}

static enum dhcp6_drop
answer(struct fx *f, const struct dhcp6_msg *req, uint64_t now, struct dhcp6_msg *reply, bool *changed)
{
	struct dhcp6_msg wire;

	over_the_wire(req, &wire);
	return dhcp6_server_answer(&f->srv, &f->l, &wire, now, reply, changed, &f->named);
}

/* An answer that must come; checked for what every answer holds. */
static void
answer_ok(struct fx *f, const struct dhcp6_msg *req, uint64_t now, struct dhcp6_msg *reply, bool *changed)
{
	struct dhcp6_msg raw;
	enum dhcp6_drop d = answer(f, req, now, &raw, changed);

	if (d != DHCP6_OK)
		fail_msg("message type %u dropped: %s", req->type, dhcp6_drop_name(d));
	over_the_wire(&raw, reply);
	assert_true(reply->type == DHCP6_ADVERTISE || reply->type == DHCP6_REPLY);
	assert_int_equal(reply->xid, req->xid);
	assert_int_equal(reply->client_id_len, req->client_id_len);
	assert_memory_equal(reply->client_id, req->client_id, req->client_id_len);
	assert_int_equal(reply->server_id_len, DHCP6_SERVER_DUID_LEN);
	assert_memory_equal(reply->server_id, f->duid, DHCP6_SERVER_DUID_LEN);
	/* the options every answer carries */
	assert_int_equal(reply->n_dns, 2);
	assert_memory_equal(reply->dns, f->dns, sizeof(f->dns));
	assert_int_equal(reply->domains_len, f->domains_len);
	assert_memory_equal(reply->domains, f->domains, f->domains_len);
	assert_false(reply->has_elapsed);
	assert_int_equal(reply->n_oro, 0);
}

static void
assert_dropped(struct fx *f, const struct dhcp6_msg *req, enum dhcp6_drop want, const char *what)
{
	struct dhcp6_msg reply;
	size_t n = f->l.n;
	bool changed = true;
	enum dhcp6_drop d = answer(f, req, NOW, &reply, &changed);

	if (d != want)
		fail_msg("%s: got %s, want %s", what, dhcp6_drop_name(d), dhcp6_drop_name(want));
	assert_false(changed);
	assert_int_equal(f->l.n, n);
}

/* The one address of a bound IA_NA, with its lifetimes and T1, T2. */
static struct in6_addr
bound(const struct fx *f, const struct dhcp6_ia *ia, uint32_t iaid)
{
	assert_int_equal(ia->iaid, iaid);
	if (ia->has_status)
		fail_msg("IA %u has status %u", iaid, ia->status);
	assert_true(ia->n_addrs >= 1);
	if (!prefix_contains(&f->srv.sub, &ia->addrs[0].addr))
		fail_msg("IA %u: %s is outside " SUB_TEXT, iaid, addr_str(&ia->addrs[0].addr));
	assert_int_equal(ia->addrs[0].preferred, 43200);
	assert_int_equal(ia->addrs[0].valid, 86400);
	assert_int_equal(ia->t1, 21600);
	assert_int_equal(ia->t2, 34560);
	return ia->addrs[0].addr;
}

static const struct lease *
binding(const struct fx *f, uint16_t client, uint32_t iaid)
{
	struct dhcp6_msg m;

	memset(&m, 0, sizeof(m));
	set_client_id(&m, client);
	return lease_find(&f->l, SITE, m.client_id, m.client_id_len, iaid);
}

/* Request from client n for its IA iaid, listing a (if not NULL). */
static struct in6_addr
request(struct fx *f, uint16_t n, uint32_t iaid, const struct in6_addr *a, uint64_t now)
{
	struct dhcp6_msg req, reply;
	struct dhcp6_ia *ia;
	bool changed;

	client_msg(&req, DHCP6_REQUEST, n);
	with_server_id(&req, f);
	ia = add_ia_na(&req, iaid);
	if (a != NULL)
		ia_add(ia, a);
	answer_ok(f, &req, now, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(changed);
	assert_int_equal(reply.n_ia_na, 1);
	assert_int_equal(reply.ia_na[0].n_addrs, 1);
	return bound(f, &reply.ia_na[0], iaid);
}

static struct in6_addr
solicit(struct fx *f, uint16_t n, uint32_t iaid)
{
	struct dhcp6_msg req, reply;
	bool changed;

	client_msg(&req, DHCP6_SOLICIT, n);
	add_ia_na(&req, iaid);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_ADVERTISE);
	assert_false(changed);
	assert_int_equal(reply.n_ia_na, 1);
	return bound(f, &reply.ia_na[0], iaid);
}

/* ----------------------------------------------------------------- Solicit */

static void
test_solicit_advertise(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr a1, a2;
	bool changed = true;

	assert_int_equal(DHCP6_DEFAULT_PREFERRED, 43200);
	assert_int_equal(DHCP6_DEFAULT_VALID, 86400);
	client_msg(&req, DHCP6_SOLICIT, 1);
	add_ia_na(&req, 1);
	add_ia_na(&req, 2);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_ADVERTISE);
	assert_true(reply.has_preference);
	assert_int_equal(reply.preference, 255);
	assert_false(reply.rapid_commit);
	assert_false(reply.has_status);
	assert_int_equal(reply.n_ia_na, 2);
	assert_int_equal(reply.n_ia_ta, 0);
	assert_int_equal(reply.n_ia_pd, 0);
	a1 = bound(f, &reply.ia_na[0], 1);
	a2 = bound(f, &reply.ia_na[1], 2);
	assert_int_equal(reply.ia_na[0].n_addrs, 1);
	assert_int_equal(reply.ia_na[1].n_addrs, 1);
	assert_memory_not_equal(&a1, &a2, 16);
	/* an Advertise binds nothing */
	assert_false(changed);
	assert_int_equal(f->l.n, 0);
	/* asked again, the same offer */
	answer_ok(f, &req, NOW + 5, &reply, &changed);
	assert_memory_equal(&reply.ia_na[0].addrs[0].addr, &a1, 16);
	assert_memory_equal(&reply.ia_na[1].addrs[0].addr, &a2, 16);
	/* another client: other addresses */
	{
		struct in6_addr b = solicit(f, 2, 1);

		assert_memory_not_equal(&b, &a1, 16);
		assert_memory_not_equal(&b, &a2, 16);
	}
	assert_int_equal(f->l.n, 0);
}

static void
test_solicit_rapid_commit(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr offered, a;
	const struct lease *e;
	bool changed = false;

	offered = solicit(f, 1, 1);
	client_msg(&req, DHCP6_SOLICIT, 1);
	req.rapid_commit = true;
	add_ia_na(&req, 1);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(reply.rapid_commit);
	assert_false(reply.has_preference);
	assert_true(changed);
	a = bound(f, &reply.ia_na[0], 1);
	assert_memory_equal(&a, &offered, 16);
	assert_non_null(e = binding(f, 1, 1));
	assert_memory_equal(&e->addr, &a, 16);
	assert_true(e->expires == NOW + 86400);
	assert_int_equal(f->l.n, 1);
	/* again later: the same binding, extended */
	answer_ok(f, &req, NOW + 100, &reply, &changed);
	assert_true(changed);
	assert_memory_equal(&reply.ia_na[0].addrs[0].addr, &a, 16);
	assert_int_equal(f->l.n, 1);
	assert_true(binding(f, 1, 1)->expires == NOW + 100 + 86400);
}

/* ------------------------------------------------- Request, Renew, Rebind */

static void
test_request_same_address(void **state)
{
	struct fx *f = *state;
	struct in6_addr offered, offered2, a;
	const struct lease *e;

	offered = solicit(f, 1, 1);
	offered2 = solicit(f, 1, 2);
	/* listing the offered address, as a client does */
	a = request(f, 1, 1, &offered, NOW);
	assert_memory_equal(&a, &offered, 16);
	assert_non_null(e = binding(f, 1, 1));
	assert_memory_equal(&e->addr, &offered, 16);
	assert_true(e->expires == NOW + 86400);
	/* listing nothing: the offered one too */
	a = request(f, 1, 2, NULL, NOW);
	assert_memory_equal(&a, &offered2, 16);
	assert_int_equal(f->l.n, 2);
	/* now bound, a Solicit offers the same again */
	a = solicit(f, 1, 1);
	assert_memory_equal(&a, &offered, 16);
	assert_int_equal(f->l.n, 2);
}

static void
test_renew_after_restart(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr a, b;
	char err[512];
	bool changed;

	a = request(f, 1, 1, NULL, NOW);
	(void)request(f, 2, 1, NULL, NOW);
	if (leases_save(&f->tmp->sd, &f->l, err, sizeof(err)) != 0)
		fail_msg("leases_save: %s", err);
	/* a restart: a new table from the file */
	leases_free(&f->l);
	leases_init(&f->l);
	if (leases_load(&f->tmp->sd, &f->l, err, sizeof(err)) != 0)
		fail_msg("leases_load: %s", err);
	assert_int_equal(f->l.n, 2);

	client_msg(&req, DHCP6_RENEW, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	answer_ok(f, &req, NOW + 21600, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(changed);
	b = bound(f, &reply.ia_na[0], 1);
	assert_memory_equal(&a, &b, 16);
	assert_int_equal(reply.ia_na[0].n_addrs, 1);
	assert_true(binding(f, 1, 1)->expires == NOW + 21600 + 86400);
	assert_int_equal(f->l.n, 2);

	/* a restart that lost the file: the binding comes back, same address */
	leases_free(&f->l);
	leases_init(&f->l);
	answer_ok(f, &req, NOW + 43200, &reply, &changed);
	assert_true(changed);
	b = bound(f, &reply.ia_na[0], 1);
	assert_memory_equal(&a, &b, 16);
	assert_non_null(binding(f, 1, 1));

	/* another gateway of the site (same site-identity), no binding, and
	 * the host already seen using its address on the data path: it is
	 * the host itself that uses it, and it keeps it */
	leases_free(&f->l);
	leases_init(&f->l);
	f->srv.in_use = always_in_use;
	answer_ok(f, &req, NOW + 43200, &reply, &changed);
	assert_true(changed);
	b = bound(f, &reply.ia_na[0], 1);
	assert_memory_equal(&a, &b, 16);
	/* but another client does not get it, nor anything in use */
	client_msg(&req, DHCP6_RENEW, 3);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	answer_ok(f, &req, NOW + 43200, &reply, &changed);
	for (size_t i = 0; i < reply.ia_na[0].n_addrs; i++)
		assert_int_equal(reply.ia_na[0].addrs[i].valid, 0);
}

static void
test_rebind(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr a, b, extra = addr_ok("2001:db8:64:1:4::1:0"), outside = addr_ok(OUTSIDE);
	struct dhcp6_ia *ia;
	bool changed;

	a = request(f, 1, 1, NULL, NOW);
	client_msg(&req, DHCP6_REBIND, 1);
	ia = add_ia_na(&req, 1);
	ia_add(ia, &extra);
	ia_add(ia, &a);
	ia_add(ia, &outside);
	answer_ok(f, &req, NOW + 34560, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(changed);
	b = bound(f, &reply.ia_na[0], 1);
	assert_memory_equal(&a, &b, 16);
	/* what it listed besides: lifetimes 0 (RFC 8415 18.3.5) */
	assert_int_equal(reply.ia_na[0].n_addrs, 3);
	assert_memory_equal(&reply.ia_na[0].addrs[1].addr, &extra, 16);
	assert_int_equal(reply.ia_na[0].addrs[1].preferred, 0);
	assert_int_equal(reply.ia_na[0].addrs[1].valid, 0);
	assert_memory_equal(&reply.ia_na[0].addrs[2].addr, &outside, 16);
	assert_int_equal(reply.ia_na[0].addrs[2].preferred, 0);
	assert_int_equal(reply.ia_na[0].addrs[2].valid, 0);
	/* and only the one is bound */
	assert_null(lease_by_addr(&f->l, &extra));
	assert_int_equal(f->l.n, 1);
	assert_true(binding(f, 1, 1)->expires == NOW + 34560 + 86400);
}

/* ---------------------------------------------------- Release and Decline */

static void
test_release(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr a, b, c;
	bool changed;

	a = request(f, 1, 1, NULL, NOW);
	b = request(f, 1, 2, NULL, NOW);
	c = request(f, 2, 1, NULL, NOW);
	client_msg(&req, DHCP6_RELEASE, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	answer_ok(f, &req, NOW + 10, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(reply.has_status);
	assert_int_equal(reply.status, DHCP6_SUCCESS);
	assert_int_equal(reply.n_ia_na, 0);
	assert_true(changed);
	assert_null(binding(f, 1, 1));
	assert_null(lease_by_addr(&f->l, &a));
	assert_non_null(binding(f, 1, 2));
	assert_non_null(binding(f, 2, 1));
	assert_int_equal(f->l.n, 2);

	/* releasing what it does not hold (another client's address, an IA
	 * it never had): Success, nothing changes */
	client_msg(&req, DHCP6_RELEASE, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &c);
	ia_add(add_ia_na(&req, 9), &b);
	answer_ok(f, &req, NOW + 10, &reply, &changed);
	assert_int_equal(reply.status, DHCP6_SUCCESS);
	assert_false(changed);
	assert_int_equal(f->l.n, 2);
	assert_non_null(binding(f, 2, 1));

	/* the last one of client 1 */
	client_msg(&req, DHCP6_RELEASE, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 2), &b);
	answer_ok(f, &req, NOW + 10, &reply, &changed);
	assert_true(changed);
	assert_int_equal(f->l.n, 1);
	assert_non_null(binding(f, 2, 1));
}

static void
test_decline(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr a, b;
	const struct lease *e;
	bool changed;

	a = request(f, 1, 1, NULL, NOW);
	(void)request(f, 2, 1, NULL, NOW);
	/* the client found a on the link (DAD) and declines it */
	client_msg(&req, DHCP6_DECLINE, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	answer_ok(f, &req, NOW + 1, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(reply.has_status);
	assert_int_equal(reply.status, DHCP6_SUCCESS);
	assert_true(changed);
	assert_null(binding(f, 1, 1));
	assert_int_equal(f->l.n, 2);
	/* a is held by a declined entry until the valid lifetime is over */
	if ((e = lease_by_addr(&f->l, &a)) == NULL) {
		for (size_t i = 0; i < f->l.n; i++)
			if (f->l.v[i].duid_len == 0)
				fail_msg("the declined entry holds %s, not the declined %s",
				    addr_str(&f->l.v[i].addr), addr_str(&a));
		fail_msg("no entry holds the declined %s", addr_str(&a));
	}
	assert_int_equal(e->duid_len, 0);
	assert_string_equal(e->site, SITE);
	assert_true(e->expires == NOW + 1 + 86400);

	/* the declining client is offered another address, and binds it */
	b = solicit(f, 1, 1);
	assert_memory_not_equal(&b, &a, 16);
	b = request(f, 1, 1, NULL, NOW + 2);
	assert_memory_not_equal(&b, &a, 16);
	/* no other client gets a, with Rapid Commit or not */
	for (uint16_t n = 3; n < 100; n++) {
		struct dhcp6_msg s;

		client_msg(&s, DHCP6_SOLICIT, n);
		s.rapid_commit = n % 2 == 0;
		add_ia_na(&s, 1);
		add_ia_na(&s, 2);
		answer_ok(f, &s, NOW + 3, &reply, &changed);
		for (size_t i = 0; i < reply.n_ia_na; i++)
			for (size_t j = 0; j < reply.ia_na[i].n_addrs; j++)
				if (memcmp(&reply.ia_na[i].addrs[j].addr, &a, 16) == 0)
					fail_msg("client %u was given the declined %s", n, addr_str(&a));
	}
	/* once the declined entry expires, a is free again */
	assert_true(lease_expire(&f->l, NOW + 1 + 86400) >= 1);
	assert_null(lease_by_addr(&f->l, &a));
}

/* ------------------------------------------------------------------ Confirm */

static void
test_confirm(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr a, inside = addr_ok("2001:db8:64:1:7::1:0"), outside = addr_ok(OUTSIDE);
	bool changed;

	a = request(f, 1, 1, NULL, NOW);
	/* its own address, and any other of the sub-prefix: on link */
	client_msg(&req, DHCP6_CONFIRM, 1);
	ia_add(add_ia_na(&req, 1), &a);
	ia_add(&req.ia_na[0], &inside);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(reply.has_status);
	assert_int_equal(reply.status, DHCP6_SUCCESS);
	assert_int_equal(reply.n_ia_na, 0);
	assert_false(changed);
	assert_int_equal(f->l.n, 1);
	/* from another link */
	client_msg(&req, DHCP6_CONFIRM, 2);
	ia_add(add_ia_na(&req, 1), &outside);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.status, DHCP6_NOT_ON_LINK);
	assert_false(changed);
	/* one address in, one out (in a second IA): NotOnLink */
	client_msg(&req, DHCP6_CONFIRM, 1);
	ia_add(add_ia_na(&req, 1), &a);
	ia_add(add_ia_na(&req, 2), &outside);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.status, DHCP6_NOT_ON_LINK);
	/* nothing to confirm: no answer at all (RFC 8415 18.3.3) */
	client_msg(&req, DHCP6_CONFIRM, 1);
	add_ia_na(&req, 1);
	assert_dropped(f, &req, DHCP6_DROP_NO_ADDRESS, "Confirm with an empty IA_NA");
	client_msg(&req, DHCP6_CONFIRM, 1);
	assert_dropped(f, &req, DHCP6_DROP_NO_ADDRESS, "Confirm without an IA");
	assert_int_equal(f->l.n, 1);
}

/* ------------------------------------------- Information-request, IA_TA/PD */

static void
test_information_request(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	bool changed = true;

	/* RFC 8415 18.2.6: the client ID is optional here */
	client_msg(&req, DHCP6_INFORMATION_REQUEST, 1);
	req.client_id_len = 0;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_false(changed);
	assert_false(reply.has_status);
	assert_false(reply.has_preference);
	assert_false(reply.rapid_commit);
	assert_int_equal(reply.n_ia_na, 0);
	assert_int_equal(reply.n_ia_ta, 0);
	assert_int_equal(reply.n_ia_pd, 0);
	assert_int_equal(reply.client_id_len, 0);
	/* with one, and with our server ID: the same */
	client_msg(&req, DHCP6_INFORMATION_REQUEST, 1);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.n_ia_na, 0);
	with_server_id(&req, f);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.n_ia_na, 0);
	assert_int_equal(f->l.n, 0);
	/* RFC 8415 16.12: "Servers MUST discard any received
	 * Information-request message that [...] includes an IA option" (an
	 * IA_NA or IA_PD here; IA_TA is obsolete and may be ignored) */
	for (int kind = 0; kind < 2; kind++) {
		enum dhcp6_drop d;

		client_msg(&req, DHCP6_INFORMATION_REQUEST, 1);
		if (kind == 0) {
			add_ia_na(&req, 1);
		} else {
			req.n_ia_pd = 1;
			req.ia_pd[0].iaid = 1;
		}
		changed = true;
		d = answer(f, &req, NOW, &reply, &changed);
		if (d == DHCP6_OK)
			fail_msg("an Information-request with an %s is answered", kind == 0 ? "IA_NA" : "IA_PD");
		assert_false(changed);
		assert_int_equal(f->l.n, 0);
	}
}

static void
test_ia_ta_pd(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	bool changed;

	client_msg(&req, DHCP6_SOLICIT, 1);
	add_ia_na(&req, 1);
	req.n_ia_ta = 1;
	req.ia_ta[0].iaid = 5;
	req.n_ia_pd = 2;
	req.ia_pd[0].iaid = 6;
	req.ia_pd[1].iaid = 7;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_ADVERTISE);
	(void)bound(f, &reply.ia_na[0], 1);
	assert_int_equal(reply.n_ia_ta, 1);
	assert_int_equal(reply.ia_ta[0].iaid, 5);
	assert_true(reply.ia_ta[0].has_status);
	assert_int_equal(reply.ia_ta[0].status, DHCP6_NO_ADDRS_AVAIL);
	assert_int_equal(reply.ia_ta[0].n_addrs, 0);
	assert_int_equal(reply.n_ia_pd, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(reply.ia_pd[i].iaid, 6 + i);
		assert_true(reply.ia_pd[i].has_status);
		assert_int_equal(reply.ia_pd[i].status, DHCP6_NO_PREFIX_AVAIL);
		assert_int_equal(reply.ia_pd[i].t1, 0);
		assert_int_equal(reply.ia_pd[i].t2, 0);
	}
	/* a Request for a prefix only: the status, nothing bound */
	client_msg(&req, DHCP6_REQUEST, 1);
	with_server_id(&req, f);
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 6;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_false(changed);
	assert_int_equal(reply.n_ia_na, 0);
	assert_int_equal(reply.n_ia_pd, 1);
	assert_int_equal(reply.ia_pd[0].status, DHCP6_NO_PREFIX_AVAIL);
	assert_int_equal(f->l.n, 0);
}

/* Prefix delegation (RFC 8415 6.3) from a routed /56 site, /60s: a
 * router's Solicit is offered block 1 (block 0 holds the link's /64), its
 * Request binds it routed to its link-local address, a second router gets
 * block 2, a Renew keeps the prefix, a Release frees it, and without a
 * source address or with delegation off the answer is NoPrefixAvail. */
static void
test_prefix_delegation(void **state)
{
	struct fx *f = *state;
	struct in6_addr r1 = addr_ok("fe80::5054:ff:fe00:1"), r2 = addr_ok("fe80::5054:ff:fe00:2");
	struct dhcp6_msg req, reply;
	const struct lease *e;
	const char *why;
	bool changed;

	assert_int_equal(prefix_parse("2001:db8:48:200::/56", &f->srv.sub, &why), 0);
	f->srv.pd_len = 60;
	f->srv.from = &r1;
	/* a hint for a /48 (RFC 8415 18.2.1) is heard, and the /60 given */
	client_msg(&req, DHCP6_SOLICIT, 1);
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 6;
	req.ia_pd[0].n_addrs = 1;
	req.ia_pd[0].addrs[0].plen = 48;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_ADVERTISE);
	assert_false(changed);
	assert_int_equal(reply.n_ia_pd, 1);
	assert_false(reply.ia_pd[0].has_status);
	assert_int_equal(reply.ia_pd[0].n_addrs, 1);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[0].addr), "2001:db8:48:210::");
	assert_int_equal(reply.ia_pd[0].addrs[0].plen, 60);
	assert_int_equal(reply.ia_pd[0].addrs[0].valid, 86400);
	assert_int_equal(reply.ia_pd[0].t1, 21600);
	assert_int_equal(f->l.n, 0);

	/* the Request binds it, routed to the router that asked */
	client_msg(&req, DHCP6_REQUEST, 1);
	with_server_id(&req, f);
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 6;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_true(changed);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[0].addr), "2001:db8:48:210::");
	e = lease_find_pd(&f->l, SITE, req.client_id, req.client_id_len, 6);
	assert_non_null(e);
	assert_int_equal(e->plen, 60);
	assert_memory_equal(&e->via, &r1, 16);
	assert_true(e->expires == NOW + 86400);
	/* the same IAID in an IA_NA is another binding */
	assert_null(lease_find(&f->l, SITE, req.client_id, req.client_id_len, 6));

	/* a second router: the next block */
	f->srv.from = &r2;
	client_msg(&req, DHCP6_SOLICIT, 2);
	req.rapid_commit = true;
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 1;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_REPLY);
	assert_true(changed);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[0].addr), "2001:db8:48:220::");

	/* the first renews from its prefix: the same, extended; a prefix it
	 * lists that is not its own comes back with lifetimes 0 */
	f->srv.from = &r1;
	client_msg(&req, DHCP6_RENEW, 1);
	with_server_id(&req, f);
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 6;
	req.ia_pd[0].n_addrs = 2;
	req.ia_pd[0].addrs[0].addr = addr_ok("2001:db8:48:210::");
	req.ia_pd[0].addrs[0].plen = 60;
	req.ia_pd[0].addrs[1].addr = addr_ok("2001:db8:48:2f0::");
	req.ia_pd[0].addrs[1].plen = 60;
	answer_ok(f, &req, NOW + 100, &reply, &changed);
	assert_int_equal(reply.ia_pd[0].n_addrs, 2);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[0].addr), "2001:db8:48:210::");
	assert_int_equal(reply.ia_pd[0].addrs[0].valid, 86400);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[1].addr), "2001:db8:48:2f0::");
	assert_int_equal(reply.ia_pd[0].addrs[1].valid, 0);
	e = lease_find_pd(&f->l, SITE, req.client_id, req.client_id_len, 6);
	assert_true(e != NULL && e->expires == NOW + 100 + 86400);

	/* Release: gone, and its block is free again */
	client_msg(&req, DHCP6_RELEASE, 1);
	with_server_id(&req, f);
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 6;
	req.ia_pd[0].n_addrs = 1;
	req.ia_pd[0].addrs[0].addr = addr_ok("2001:db8:48:210::");
	req.ia_pd[0].addrs[0].plen = 60;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_true(changed);
	assert_null(lease_find_pd(&f->l, SITE, req.client_id, req.client_id_len, 6));
	client_msg(&req, DHCP6_SOLICIT, 3);
	req.n_ia_pd = 1;
	req.ia_pd[0].iaid = 1;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[0].addr), "2001:db8:48:210::");

	/* one Request with two IA_PDs: two prefixes, both bound (the second
	 * must not be given the block the first was given in this reply) */
	client_msg(&req, DHCP6_REQUEST, 4);
	with_server_id(&req, f);
	req.n_ia_pd = 2;
	req.ia_pd[0].iaid = 1;
	req.ia_pd[1].iaid = 2;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.n_ia_pd, 2);
	assert_string_equal(addr_str(&reply.ia_pd[0].addrs[0].addr), "2001:db8:48:210::");
	assert_string_equal(addr_str(&reply.ia_pd[1].addrs[0].addr), "2001:db8:48:230::");
	assert_non_null(lease_find_pd(&f->l, SITE, req.client_id, req.client_id_len, 1));
	assert_non_null(lease_find_pd(&f->l, SITE, req.client_id, req.client_id_len, 2));

	/* no source to route to, or no delegation: NoPrefixAvail */
	f->srv.from = NULL;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_true(reply.ia_pd[0].has_status);
	assert_int_equal(reply.ia_pd[0].status, DHCP6_NO_PREFIX_AVAIL);
	f->srv.from = &r1;
	f->srv.pd_len = 0;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.ia_pd[0].status, DHCP6_NO_PREFIX_AVAIL);
}

static void
test_no_addrs_avail(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	bool changed;

	/* every candidate is in use on the data path */
	f->srv.in_use = always_in_use;
	client_msg(&req, DHCP6_SOLICIT, 1);
	add_ia_na(&req, 1);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.type, DHCP6_ADVERTISE);
	assert_int_equal(reply.n_ia_na, 1);
	assert_int_equal(reply.ia_na[0].iaid, 1);
	assert_int_equal(reply.ia_na[0].n_addrs, 0);
	assert_true(reply.ia_na[0].has_status);
	assert_int_equal(reply.ia_na[0].status, DHCP6_NO_ADDRS_AVAIL);
	client_msg(&req, DHCP6_REQUEST, 1);
	with_server_id(&req, f);
	add_ia_na(&req, 1);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(reply.ia_na[0].status, DHCP6_NO_ADDRS_AVAIL);
	assert_int_equal(reply.ia_na[0].n_addrs, 0);
	assert_false(changed);
	assert_int_equal(f->l.n, 0);
}

/* The site was renumbered: a binding outside the sub-prefix is void. */
static void
test_renumbered(void **state)
{
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	struct in6_addr old = addr_ok(OUTSIDE), a, offered;
	bool changed;

	offered = solicit(f, 1, 1);
	memset(&req, 0, sizeof(req));
	set_client_id(&req, 1);
	assert_int_equal(lease_commit(&f->l, SITE, req.client_id, req.client_id_len, 1, &old, NOW), 0);
	client_msg(&req, DHCP6_RENEW, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &old);
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_true(changed);
	a = bound(f, &reply.ia_na[0], 1);
	assert_memory_equal(&a, &offered, 16);
	/* the old address goes back with lifetimes 0 */
	assert_int_equal(reply.ia_na[0].n_addrs, 2);
	assert_memory_equal(&reply.ia_na[0].addrs[1].addr, &old, 16);
	assert_int_equal(reply.ia_na[0].addrs[1].valid, 0);
	assert_null(lease_by_addr(&f->l, &old));
	assert_memory_equal(&binding(f, 1, 1)->addr, &a, 16);
	assert_int_equal(f->l.n, 1);
}

/* -------------------------------------------------------------------- drops */

static void
test_drops(void **state)
{
	static const uint8_t need_ours[] = { DHCP6_REQUEST, DHCP6_RENEW, DHCP6_RELEASE, DHCP6_DECLINE };
	static const uint8_t never_ours[] = { DHCP6_SOLICIT, DHCP6_REBIND, DHCP6_CONFIRM };
	static const uint8_t servers[] = { DHCP6_ADVERTISE, DHCP6_REPLY, DHCP6_RECONFIGURE };
	static const uint8_t relays[] = { DHCP6_RELAY_FORW, DHCP6_RELAY_REPL };
	struct fx *f = *state;
	struct dhcp6_msg req, reply;
	uint8_t other[DHCP6_SERVER_DUID_LEN];
	struct in6_addr a;
	bool changed = true;

	dhcp6_server_duid(other_key, other);
	a = request(f, 1, 1, NULL, NOW);
	assert_int_equal(f->l.n, 1);

	/* no client ID: every client message but Information-request */
	for (uint8_t t = DHCP6_SOLICIT; t <= DHCP6_DECLINE; t++) {
		if (t == DHCP6_ADVERTISE || t == DHCP6_REPLY)
			continue;
		client_msg(&req, t, 1);
		req.client_id_len = 0;
		with_server_id(&req, f);
		ia_add(add_ia_na(&req, 1), &a);
		assert_dropped(f, &req, DHCP6_DROP_NO_CLIENT_ID, "no client ID, with a server ID");
		req.server_id_len = 0;
		assert_dropped(f, &req, DHCP6_DROP_NO_CLIENT_ID, "no client ID, no server ID");
	}
	for (size_t i = 0; i < ARRAY_SIZE(need_ours); i++) {
		client_msg(&req, need_ours[i], 1);
		ia_add(add_ia_na(&req, 1), &a);
		assert_dropped(f, &req, DHCP6_DROP_NO_SERVER_ID, "no server ID");
		memcpy(req.server_id, other, sizeof(other));
		req.server_id_len = sizeof(other);
		assert_dropped(f, &req, DHCP6_DROP_OTHER_SERVER, "another server's ID");
		/* ours, one byte short or one byte longer */
		with_server_id(&req, f);
		req.server_id_len--;
		assert_dropped(f, &req, DHCP6_DROP_OTHER_SERVER, "our ID cut short");
		req.server_id_len += 2;
		assert_dropped(f, &req, DHCP6_DROP_OTHER_SERVER, "our ID and a byte");
	}
	for (size_t i = 0; i < ARRAY_SIZE(never_ours); i++) {
		client_msg(&req, never_ours[i], 1);
		ia_add(add_ia_na(&req, 1), &a);
		with_server_id(&req, f);
		assert_dropped(f, &req, DHCP6_DROP_SERVER_ID, "our server ID where it must not be");
		memcpy(req.server_id, other, sizeof(other));
		assert_dropped(f, &req, DHCP6_DROP_SERVER_ID, "a server ID where it must not be");
		req.rapid_commit = true;
		assert_dropped(f, &req, DHCP6_DROP_SERVER_ID, "a server ID with rapid commit");
	}
	client_msg(&req, DHCP6_INFORMATION_REQUEST, 1);
	memcpy(req.server_id, other, sizeof(other));
	req.server_id_len = sizeof(other);
	assert_dropped(f, &req, DHCP6_DROP_OTHER_SERVER, "Information-request for another server");
	for (size_t i = 0; i < ARRAY_SIZE(servers); i++) {
		client_msg(&req, servers[i], 1);
		ia_add(add_ia_na(&req, 1), &a);
		with_server_id(&req, f);
		assert_dropped(f, &req, DHCP6_DROP_TYPE, "a server's message");
		req.server_id_len = 0;
		assert_dropped(f, &req, DHCP6_DROP_TYPE, "a server's message without server ID");
	}
	/* what dhcp6_parse never lets through is still refused */
	for (size_t i = 0; i < ARRAY_SIZE(relays); i++) {
		client_msg(&req, relays[i], 1);
		changed = true;
		assert_int_equal(dhcp6_server_answer(&f->srv, &f->l, &req, NOW, &reply, &changed, &f->named), DHCP6_DROP_TYPE);
		assert_false(changed);
	}
	client_msg(&req, 0, 1);
	assert_int_equal(dhcp6_server_answer(&f->srv, &f->l, &req, NOW, &reply, &changed, &f->named), DHCP6_DROP_TYPE);
	/* the binding is still there, unchanged */
	assert_int_equal(f->l.n, 1);
	assert_memory_equal(&binding(f, 1, 1)->addr, &a, 16);
	assert_true(binding(f, 1, 1)->expires == NOW + 86400);
}

/* -------------------------------------------------------------- server DUID */

static void
test_server_duid(void **state)
{
	uint8_t a[DHCP6_SERVER_DUID_LEN], b[DHCP6_SERVER_DUID_LEN], c[DHCP6_SERVER_DUID_LEN];

	(void)state;
	assert_int_equal(DHCP6_SERVER_DUID_LEN, 18);
	memset(a, 0xaa, sizeof(a));
	memset(b, 0x55, sizeof(b));
	dhcp6_server_duid(server_key, a);
	dhcp6_server_duid(server_key, b);
	assert_memory_equal(a, b, sizeof(a));
	dhcp6_server_duid(other_key, c);
	assert_memory_not_equal(a, c, sizeof(a));
	assert_memory_not_equal(a + 2, c + 2, 16);
	for (size_t i = 0; i < 2; i++) {
		const uint8_t *d = i == 0 ? a : c;

		/* DUID-UUID (RFC 6355), a name-based UUID of the RFC 4122 variant */
		assert_int_equal(d[0], 0x00);
		assert_int_equal(d[1], 0x04);
		assert_int_equal(d[2 + 6] >> 4, 5);
		assert_int_equal(d[2 + 8] >> 6, 2);
	}
	/* it fits where a DUID goes, and parses as a server ID */
	{
		struct dhcp6_msg m, back;
		uint8_t buf[64];
		size_t len;

		memset(&m, 0, sizeof(m));
		m.type = DHCP6_ADVERTISE;
		memcpy(m.server_id, a, sizeof(a));
		m.server_id_len = sizeof(a);
		len = dhcp6_build(&m, buf, sizeof(buf));
		assert_int_equal(len, 4 + 4 + 18);
		assert_int_equal(dhcp6_parse(buf, len, &back), DHCP6_OK);
		assert_int_equal(back.server_id_len, 18);
		assert_memory_equal(back.server_id, a, 18);
	}
}

/* ------------------------------------------------------ Client FQDN */

/* A client names itself (RFC 4704): the lease keeps the name, the answer
 * says the server publishes it; another client cannot take it; Release
 * takes it away with the binding. */
static void
test_client_fqdn(void **state)
{
	struct fx *f = *state;
	struct conf_server conf = { 0 };
	struct names_site ns = { .site = SITE, .zone = "home.example.org", .publish = true, .conf = &conf };
	static const char full[] = "\003vm1\005home1\004home\007example\003org";
	struct dhcp6_msg req, reply;
	struct in6_addr a;
	bool changed;

	f->srv.names = &ns;
	client_msg(&req, DHCP6_SOLICIT, 1);
	req.rapid_commit = true;
	add_ia_na(&req, 1);
	req.has_fqdn = true;
	req.fqdn_flags = DHCP6_FQDN_S;
	memcpy(req.fqdn, "\003VM1\007example\003com", 17);
	req.fqdn_len = 17;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(f->named, NAMES_OK);
	assert_true(reply.has_fqdn);
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_S);
	assert_int_equal(reply.fqdn_len, sizeof(full));
	assert_memory_equal(reply.fqdn, full, sizeof(full));
	assert_string_equal(binding(f, 1, 1)->name, "vm1");
	a = binding(f, 1, 1)->addr;

	/* a Renew without the option keeps the name (RFC 4704 5: SHOULD
	 * send it, not must); a second IA gets it too */
	client_msg(&req, DHCP6_RENEW, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	add_ia_na(&req, 2);
	answer_ok(f, &req, NOW + 100, &reply, &changed);
	assert_int_equal(f->named, NAMES_NONE);
	assert_false(reply.has_fqdn);
	assert_string_equal(binding(f, 1, 1)->name, "vm1");
	assert_string_equal(binding(f, 1, 2)->name, "vm1");
	/* N: the client wants no name published any more */
	client_msg(&req, DHCP6_RENEW, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 2), &binding(f, 1, 2)->addr);
	req.has_fqdn = true;
	req.fqdn_flags = DHCP6_FQDN_N;
	answer_ok(f, &req, NOW + 100, &reply, &changed);
	assert_string_equal(binding(f, 1, 1)->name, "");
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_N);
	/* and back */
	client_msg(&req, DHCP6_REQUEST, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	req.has_fqdn = true;
	req.fqdn_flags = DHCP6_FQDN_S;
	memcpy(req.fqdn, "\003vm1", 4);
	req.fqdn_len = 4;
	answer_ok(f, &req, NOW + 100, &reply, &changed);
	assert_string_equal(binding(f, 1, 2)->name, "vm1");

	/* client 2 asks for vm1: its address, no name, N in the answer */
	client_msg(&req, DHCP6_SOLICIT, 2);
	req.rapid_commit = true;
	add_ia_na(&req, 1);
	req.has_fqdn = true;
	req.fqdn_flags = DHCP6_FQDN_S;
	memcpy(req.fqdn, "\003vm1", 4);
	req.fqdn_len = 4;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(f->named, NAMES_TAKEN);
	assert_int_equal(reply.ia_na[0].n_addrs, 1);
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_N | DHCP6_FQDN_O);
	assert_string_equal(binding(f, 2, 1)->name, "");

	/* a compressed name: refused the same way */
	client_msg(&req, DHCP6_SOLICIT, 3);
	req.rapid_commit = true;
	add_ia_na(&req, 1);
	req.has_fqdn = true;
	memcpy(req.fqdn, "\003vm3\xc0\x0c", 6);
	req.fqdn_len = 6;
	answer_ok(f, &req, NOW, &reply, &changed);
	assert_int_equal(f->named, NAMES_BAD);
	assert_string_equal(binding(f, 3, 1)->name, "");

	/* client 1 releases: the name goes with its bindings, and client 2
	 * may have it */
	client_msg(&req, DHCP6_RELEASE, 1);
	with_server_id(&req, f);
	ia_add(add_ia_na(&req, 1), &a);
	ia_add(add_ia_na(&req, 2), &binding(f, 1, 2)->addr);
	answer_ok(f, &req, NOW + 10, &reply, &changed);
	assert_null(binding(f, 1, 1));
	assert_null(binding(f, 1, 2));
	assert_false(reply.has_fqdn);
	client_msg(&req, DHCP6_SOLICIT, 2);
	req.rapid_commit = true;
	add_ia_na(&req, 1);
	req.has_fqdn = true;
	memcpy(req.fqdn, "\003vm1", 4);
	req.fqdn_len = 4;
	answer_ok(f, &req, NOW + 20, &reply, &changed);
	assert_int_equal(f->named, NAMES_OK);
	assert_string_equal(binding(f, 2, 1)->name, "vm1");
	f->srv.names = NULL;
}

#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FX(test_solicit_advertise),
		FX(test_solicit_rapid_commit),
		FX(test_request_same_address),
		FX(test_renew_after_restart),
		FX(test_rebind),
		FX(test_release),
		FX(test_decline),
		FX(test_confirm),
		FX(test_information_request),
		FX(test_ia_ta_pd),
		FX(test_prefix_delegation),
		FX(test_no_addrs_avail),
		FX(test_renumbered),
		FX(test_drops),
		FX(test_client_fqdn),
		cmocka_unit_test(test_server_duid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
