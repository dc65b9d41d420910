/* SPDX-License-Identifier: ISC */
/* fuzz_dhcp6: UDP payloads from a site's DHCPv6 clients through dhcp6_parse
 * and the server that answers them.
 *
 * Invariants (abort() when broken):
 *  - a message that parses is written again by dhcp6_build (into
 *    DHCP6_MSG_MAX + 512 bytes, or 0 exactly when it needs more) and parses
 *    back to the same message: type, transaction ID, client and server IDs,
 *    the numbers of IAs and every other field;
 *  - dhcp6_server_answer on it, from a small leases table (a binding of
 *    the seed corpus's client, a declined address, a binding in another
 *    site), answers with a known drop reason or with an Advertise/Reply to
 *    the same transaction and client, from our DUID, that builds and parses
 *    back, whose live addresses lie in the sub-prefix; "changed" is false
 *    whenever the table did not change;
 *  - afterwards no two entries of the table hold one address and every
 *    entry of the site lies in its sub-prefix. */
#include "config.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6.h"
#include "dhcp6_server.h"
#include "lease.h"
#include "names.h"
#include "prefix.h"

#define FUZZ_NOW  UINT64_C(1700000000)
#define FUZZ_SITE "home1"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* bytes 0..31: the seed corpus's server ID is derived from it */
static const uint8_t fuzz_key[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};
/* the seed corpus's client: a DUID-LLT */
static const uint8_t fuzz_client[14] = {
	0x00, 0x01, 0x00, 0x01, 0x2b, 0x3c, 0x4d, 0x5e, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};
/* 2001:db8:64:1:4::/78 */
static const struct prefix fuzz_sub = {
	.addr = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x64, 0x00, 0x01, 0x00, 0x04 } },
	.len = 78,
};
static const struct in6_addr fuzz_dns[2] = {
	{ .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x64, 0x00, 0x01, [15] = 0x53 } },
	{ .s6_addr = { 0x26, 0x06, 0x47, 0x00, 0x47, 0x00, [15] = 0x11 } },
};
/* "lab.example" */
static const uint8_t fuzz_domains[] = { 3, 'l', 'a', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };

static bool
fuzz_in_use(void *ctx, const struct in6_addr *a)
{
	(void)ctx;
	return a->s6_addr[15] == 0x42;  /* some candidates are taken */
}

static void
fuzz_same_ia(const struct dhcp6_ia *x, const struct dhcp6_ia *y)
{
	if (x->iaid != y->iaid || x->t1 != y->t1 || x->t2 != y->t2 || x->n_addrs != y->n_addrs ||
	    x->has_status != y->has_status || (x->has_status && x->status != y->status))
		abort();
	for (size_t i = 0; i < x->n_addrs; i++)
		if (memcmp(&x->addrs[i].addr, &y->addrs[i].addr, 16) != 0 ||
		    x->addrs[i].preferred != y->addrs[i].preferred || x->addrs[i].valid != y->addrs[i].valid)
			abort();
}

static void
fuzz_same(const struct dhcp6_msg *x, const struct dhcp6_msg *y)
{
	if (x->type != y->type || x->xid != y->xid ||
	    x->client_id_len != y->client_id_len || memcmp(x->client_id, y->client_id, x->client_id_len) != 0 ||
	    x->server_id_len != y->server_id_len || memcmp(x->server_id, y->server_id, x->server_id_len) != 0 ||
	    x->n_ia_na != y->n_ia_na || x->n_ia_ta != y->n_ia_ta || x->n_ia_pd != y->n_ia_pd)
		abort();
	if (x->rapid_commit != y->rapid_commit || x->has_status != y->has_status ||
	    (x->has_status && x->status != y->status) || x->has_preference != y->has_preference ||
	    (x->has_preference && x->preference != y->preference) || x->has_elapsed != y->has_elapsed ||
	    (x->has_elapsed && x->elapsed != y->elapsed))
		abort();
	for (size_t i = 0; i < x->n_ia_na; i++)
		fuzz_same_ia(&x->ia_na[i], &y->ia_na[i]);
	for (size_t i = 0; i < x->n_ia_ta; i++)
		fuzz_same_ia(&x->ia_ta[i], &y->ia_ta[i]);
	for (size_t i = 0; i < x->n_ia_pd; i++)
		fuzz_same_ia(&x->ia_pd[i], &y->ia_pd[i]);
	if (x->n_oro != y->n_oro || memcmp(x->oro, y->oro, x->n_oro * sizeof(x->oro[0])) != 0 ||
	    x->n_dns != y->n_dns || memcmp(x->dns, y->dns, x->n_dns * sizeof(x->dns[0])) != 0 ||
	    x->domains_len != y->domains_len || memcmp(x->domains, y->domains, x->domains_len) != 0)
		abort();
}

/* m written out and parsed back; returns its length. */
static size_t
fuzz_round_trip(const struct dhcp6_msg *m)
{
	static uint8_t big[8192];
	static struct dhcp6_msg back;
	uint8_t out[DHCP6_MSG_MAX + 512];
	size_t len, blen;

	/* everything dhcp6_parse keeps fits in 8 KB */
	if ((blen = dhcp6_build(m, big, sizeof(big))) == 0)
		abort();
	len = dhcp6_build(m, out, sizeof(out));
	if (len != (blen <= sizeof(out) ? blen : 0) || (len != 0 && memcmp(out, big, len) != 0))
		abort();
	if (dhcp6_parse(big, blen, &back) != DHCP6_OK)
		abort();
	fuzz_same(m, &back);
	return blen;
}

static void
fuzz_table(struct leases *l, const struct dhcp6_server *srv)
{
	static const uint8_t other[] = { 0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	struct in6_addr a;

	leases_init(l);
	if (lease_pick(l, srv->key, FUZZ_SITE, &srv->sub, fuzz_client, sizeof(fuzz_client), 1, NULL, NULL,
	    &a) != 0 || lease_commit(l, FUZZ_SITE, fuzz_client, sizeof(fuzz_client), 1, &a, FUZZ_NOW + 3600) != 0)
		abort();
	if (lease_pick(l, srv->key, FUZZ_SITE, &srv->sub, other, sizeof(other), 1, NULL, NULL, &a) != 0 ||
	    lease_decline(l, FUZZ_SITE, &a, FUZZ_NOW + 60) != 0)
		abort();
	/* the same client in another site: not this server's business */
	a = srv->sub.addr;
	a.s6_addr[9] = 0x08;
	a.s6_addr[13] = 0x01;
	if (lease_commit(l, "home2", fuzz_client, sizeof(fuzz_client), 1, &a, FUZZ_NOW + 3600) != 0)
		abort();
}

static void
fuzz_check_table(const struct leases *l, const struct dhcp6_server *srv)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lease *e = &l->v[i];

		if (strcmp(e->site, FUZZ_SITE) == 0 && !prefix_contains(&srv->sub, &e->addr))
			abort();
		for (size_t j = 0; j < i; j++)
			if (memcmp(&l->v[j].addr, &e->addr, 16) == 0)
				abort();
	}
	if (lease_count(l, FUZZ_SITE) > LEASE_SITE_MAX)
		abort();
}

/* A snapshot of the table, to tell whether it changed. */
static bool
fuzz_table_equal(const struct lease *v, size_t n, const struct leases *l)
{
	return n == l->n && (n == 0 || memcmp(v, l->v, n * sizeof(*v)) == 0);
}

static void
fuzz_server(const struct dhcp6_msg *m)
{
	static struct dhcp6_msg reply;
	static struct lease before[8];
	uint8_t duid[DHCP6_SERVER_DUID_LEN];
	struct dhcp6_server srv = {
		.site = FUZZ_SITE, .sub = fuzz_sub, .duid = duid, .duid_len = sizeof(duid),
		.dns = fuzz_dns, .n_dns = 2, .domains = fuzz_domains, .domains_len = sizeof(fuzz_domains),
		.preferred = 43200, .valid = 86400, .key = fuzz_key, .in_use = fuzz_in_use,
	};
	struct conf_host host = { .peer = FUZZ_SITE, .name = "nas" };
	struct conf_server conf = { .hosts = &host, .n_hosts = 1 };
	struct names_site ns = { .site = FUZZ_SITE, .zone = "home.example.org", .publish = true, .conf = &conf };
	struct leases l;
	enum names_verdict named;
	enum dhcp6_drop d;
	bool changed = false;
	size_t n;

	srv.names = &ns;
	dhcp6_server_duid(fuzz_key, duid);
	fuzz_table(&l, &srv);
	n = l.n;
	if (n > sizeof(before) / sizeof(before[0]))
		abort();
	memcpy(before, l.v, n * sizeof(before[0]));
	d = dhcp6_server_answer(&srv, &l, m, FUZZ_NOW, &reply, &changed, &named);
	if (d >= DHCP6_DROP_MAX || named >= NAMES_VERDICT_MAX)
		abort();
	/* a name given is a host label, never the static host's */
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].name[0] != '\0' && (!names_label_ok(l.v[i].name) || strcmp(l.v[i].name, "nas") == 0))
			abort();
	/* RFC 4704: the option answered exactly when asked, N and S never both */
	if (d == DHCP6_OK && (m->type == DHCP6_SOLICIT || m->type == DHCP6_REQUEST || m->type == DHCP6_RENEW ||
	    m->type == DHCP6_REBIND) && (reply.has_fqdn != m->has_fqdn ||
	    (reply.has_fqdn && (reply.fqdn_flags & DHCP6_FQDN_N) && (reply.fqdn_flags & DHCP6_FQDN_S))))
		abort();
	if (!changed && !fuzz_table_equal(before, n, &l))
		abort();
	if (d != DHCP6_OK) {
		if (changed || !fuzz_table_equal(before, n, &l))
			abort();
	} else {
		if (reply.type != DHCP6_ADVERTISE && reply.type != DHCP6_REPLY)
			abort();
		if (reply.xid != m->xid || reply.client_id_len != m->client_id_len ||
		    memcmp(reply.client_id, m->client_id, m->client_id_len) != 0 ||
		    reply.server_id_len != sizeof(duid) || memcmp(reply.server_id, duid, sizeof(duid)) != 0)
			abort();
		if (reply.type == DHCP6_ADVERTISE && changed)
			abort();
		for (size_t i = 0; i < reply.n_ia_na; i++)
			for (size_t j = 0; j < reply.ia_na[i].n_addrs; j++)
				if (reply.ia_na[i].addrs[j].valid != 0 &&
				    !prefix_contains(&srv.sub, &reply.ia_na[i].addrs[j].addr))
					abort();
		(void)fuzz_round_trip(&reply);
	}
	fuzz_check_table(&l, &srv);
	leases_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp6_msg m;

	if (dhcp6_parse(data, size, &m) != DHCP6_OK)
		return 0;
	(void)fuzz_round_trip(&m);
	fuzz_server(&m);
	return 0;
}
