/* SPDX-License-Identifier: ISC */
/* dhcp6_server: a stateful DHCPv6 server's answers (RFC 8415 16, 18.3). */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "dhcp6_server.h"

void
dhcp6_server_duid(const uint8_t pub[32], uint8_t duid[DHCP6_SERVER_DUID_LEN])
{
	static const uint8_t ctx[] = "v6ext DHCPv6 server DUID";
	uint8_t uuid[16];

	crypto_generichash_blake2b(uuid, sizeof(uuid), pub, 32, ctx, sizeof(ctx) - 1);
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x50);   /* RFC 4122 4.1.3: name-based */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);   /* 4.1.1: the variant */
	duid[0] = 0;
	duid[1] = 4;                                    /* DUID-UUID */
	memcpy(duid + 2, uuid, sizeof(uuid));
}

/* RFC 8415 16: which messages must, may or must not carry our server ID. */
static enum dhcp6_drop
dhcp6_server_check(const struct dhcp6_server *srv, const struct dhcp6_msg *req)
{
	bool ours = req->server_id_len == srv->duid_len &&
	    memcmp(req->server_id, srv->duid, srv->duid_len) == 0;

	switch (req->type) {
	case DHCP6_SOLICIT:
	case DHCP6_CONFIRM:
	case DHCP6_REBIND:
		if (req->client_id_len == 0)
			return DHCP6_DROP_NO_CLIENT_ID;
		return req->server_id_len != 0 ? DHCP6_DROP_SERVER_ID : DHCP6_OK;
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		if (req->client_id_len == 0)
			return DHCP6_DROP_NO_CLIENT_ID;
		if (req->server_id_len == 0)
			return DHCP6_DROP_NO_SERVER_ID;
		return ours ? DHCP6_OK : DHCP6_DROP_OTHER_SERVER;
	case DHCP6_INFORMATION_REQUEST:
		return req->server_id_len != 0 && !ours ? DHCP6_DROP_OTHER_SERVER : DHCP6_OK;
	default:
		/* Advertise, Reply, Reconfigure: a server's messages */
		return DHCP6_DROP_TYPE;
	}
}

static void
dhcp6_ia_address(const struct dhcp6_server *srv, struct dhcp6_ia *out, const struct in6_addr *a,
    uint32_t preferred, uint32_t valid)
{
	if (out->n_addrs >= DHCP6_ADDR_MAX)
		return;
	out->addrs[out->n_addrs].addr = *a;
	out->addrs[out->n_addrs].preferred = preferred;
	out->addrs[out->n_addrs].valid = valid;
	out->n_addrs++;
	/* RFC 8415 21.4: T1 and T2 from the preferred lifetime */
	if (valid != 0) {
		out->t1 = srv->preferred / 2;
		out->t2 = (uint32_t)((uint64_t)srv->preferred * 4 / 5);
	}
}

/* One IA_NA of the request: the client's address (its binding, or a new
 * one; bound by the caller once the reply is known to fit), and every other
 * address the client listed back with lifetimes 0 (RFC 8415 18.3.4). */
struct dhcp6_in_use {
	const struct dhcp6_server *srv;
	const struct dhcp6_ia *ia;
};

/* In use by another host: seen on the data path, and not listed in the
 * asking client's own IA. A client that lists it is the host using it: it
 * renews a lease another gateway of the site gave (site-identity), and
 * gets the same address again rather than a new one. */
static bool
dhcp6_server_in_use(void *ctx, const struct in6_addr *a)
{
	const struct dhcp6_in_use *u = ctx;

	for (size_t i = 0; i < u->ia->n_addrs; i++)
		if (memcmp(&u->ia->addrs[i].addr, a, 16) == 0)
			return false;
	return u->srv->in_use != NULL && u->srv->in_use(u->srv->in_use_ctx, a);
}

static void
dhcp6_server_ia(const struct dhcp6_server *srv, struct leases *l, const struct dhcp6_msg *req,
    const struct dhcp6_ia *ia, bool commit, struct dhcp6_ia *out, bool *changed)
{
	struct lease *e = lease_find(l, srv->site, req->client_id, req->client_id_len, ia->iaid);
	struct dhcp6_in_use u = { .srv = srv, .ia = ia };
	struct in6_addr a;

	memset(out, 0, sizeof(*out));
	out->iaid = ia->iaid;
	/* a binding from another sub-prefix (the site was renumbered) is void */
	if (e != NULL && !prefix_contains(&srv->sub, &e->addr)) {
		lease_remove(l, e);
		*changed = true;
	}
	if (lease_pick(l, srv->key, srv->site, &srv->sub, req->client_id, req->client_id_len, ia->iaid,
	    dhcp6_server_in_use, &u, &a) != 0 ||
	    (commit && e == NULL && lease_count(l, srv->site) >= LEASE_SITE_MAX)) {
		out->has_status = true;
		out->status = DHCP6_NO_ADDRS_AVAIL;
		return;
	}
	dhcp6_ia_address(srv, out, &a, srv->preferred, srv->valid);
	for (size_t i = 0; i < ia->n_addrs; i++)
		if (memcmp(&ia->addrs[i].addr, &a, 16) != 0)
			dhcp6_ia_address(srv, out, &ia->addrs[i].addr, 0, 0);
}

/* Whether one of the first n IA_PDs of reply gives p. */
static bool
dhcp6_server_pd_given(const struct dhcp6_msg *reply, size_t n, const struct prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (reply->ia_pd[i].n_addrs > 0 && reply->ia_pd[i].addrs[0].plen == p->len &&
		    memcmp(&reply->ia_pd[i].addrs[0].addr, &p->addr, 16) == 0)
			return true;
	return false;
}

/* The prefix of (duid, iaid): its delegation, or the lowest free block of
 * pd_len in the site but block 0 (the link's /64 is there), free also of
 * the IA_PDs answered before it in this reply. -1: none. */
static int
dhcp6_server_pd_pick(const struct dhcp6_server *srv, const struct leases *l, const struct dhcp6_msg *req,
    uint32_t iaid, const struct dhcp6_msg *reply, size_t given, struct prefix *out)
{
	const struct lease *e = lease_find_pd(l, srv->site, req->client_id, req->client_id_len, iaid);
	uint64_t count = prefix_sub_count(srv->sub.len, srv->pd_len);

	if (e != NULL && e->plen == srv->pd_len) {
		out->addr = e->addr;
		out->len = e->plen;
		if (prefix_contains(&srv->sub, &out->addr))
			return 0;
	}
	/* at most one block per binding is taken: the walk is short */
	for (uint64_t b = 1; b < count; b++) {
		if (prefix_sub_get(&srv->sub, srv->pd_len, b, out) != 0)
			return -1;
		if (lease_by_prefix(l, out) == NULL && !dhcp6_server_pd_given(reply, given, out))
			return 0;
	}
	return -1;
}

/* One IA_PD: the client's delegated prefix, and every other prefix it
 * listed back with lifetimes 0 (RFC 8415 18.3.4, 18.3.5). */
static void
dhcp6_server_ia_pd(const struct dhcp6_server *srv, const struct leases *l, const struct dhcp6_msg *req,
    size_t i, bool commit, struct dhcp6_msg *reply)
{
	const struct dhcp6_ia *ia = &req->ia_pd[i];
	struct dhcp6_ia *out = &reply->ia_pd[i];
	struct prefix p;

	memset(out, 0, sizeof(*out));
	out->iaid = ia->iaid;
	if (srv->pd_len == 0 || srv->from == NULL ||
	    dhcp6_server_pd_pick(srv, l, req, ia->iaid, reply, i, &p) != 0 ||
	    (commit && lease_find_pd(l, srv->site, req->client_id, req->client_id_len, ia->iaid) == NULL &&
	    lease_count(l, srv->site) >= LEASE_SITE_MAX)) {
		out->has_status = true;
		out->status = DHCP6_NO_PREFIX_AVAIL;
		return;
	}
	dhcp6_ia_address(srv, out, &p.addr, srv->preferred, srv->valid);
	out->addrs[0].plen = p.len;
	for (size_t j = 0; j < ia->n_addrs && out->n_addrs < DHCP6_ADDR_MAX; j++) {
		const struct dhcp6_addr *a = &ia->addrs[j];

		/* a hint (RFC 8415 18.2.1: the prefix ::) is no prefix held */
		if (IN6_IS_ADDR_UNSPECIFIED(&a->addr) || (a->plen == p.len && memcmp(&a->addr, &p.addr, 16) == 0))
			continue;
		dhcp6_ia_address(srv, out, &a->addr, 0, 0);
		out->addrs[out->n_addrs - 1].plen = a->plen;
	}
}

/* Release and Decline: each address the client holds in each IA. */
static void
dhcp6_server_let_go(const struct dhcp6_server *srv, struct leases *l, const struct dhcp6_msg *req,
    uint64_t now, bool *changed)
{
	for (size_t i = 0; i < req->n_ia_na; i++) {
		const struct dhcp6_ia *ia = &req->ia_na[i];
		struct lease *e = lease_find(l, srv->site, req->client_id, req->client_id_len, ia->iaid);

		for (size_t j = 0; j < ia->n_addrs; j++) {
			if (e == NULL || memcmp(&e->addr, &ia->addrs[j].addr, 16) != 0)
				continue;
			if (req->type == DHCP6_DECLINE)
				(void)lease_decline(l, srv->site, &e->addr, now + srv->valid);
			else
				lease_remove(l, e);
			*changed = true;
			break;
		}
	}
	/* RFC 8415 18.3.7: a released prefix is routed no more */
	for (size_t i = 0; req->type == DHCP6_RELEASE && i < req->n_ia_pd; i++) {
		const struct dhcp6_ia *ia = &req->ia_pd[i];
		struct lease *e = lease_find_pd(l, srv->site, req->client_id, req->client_id_len, ia->iaid);

		for (size_t j = 0; e != NULL && j < ia->n_addrs; j++) {
			if (e->plen == ia->addrs[j].plen && memcmp(&e->addr, &ia->addrs[j].addr, 16) == 0) {
				lease_remove(l, e);
				*changed = true;
				break;
			}
		}
	}
}

/* The name a client's bindings have, or "". */
static const char *
dhcp6_server_name_of(const struct leases *l, const char *site, const struct dhcp6_msg *req)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lease *e = &l->v[i];

		if (e->name[0] != '\0' && e->duid_len == req->client_id_len &&
		    memcmp(e->duid, req->client_id, e->duid_len) == 0 && strcmp(e->site, site) == 0)
			return e->name;
	}
	return "";
}

enum dhcp6_drop
dhcp6_server_answer(const struct dhcp6_server *srv, struct leases *l,
    const struct dhcp6_msg *req, uint64_t now, struct dhcp6_msg *reply, bool *changed,
    enum names_verdict *named)
{
	uint8_t scratch[DHCP6_MSG_MAX];
	char host[NAMES_HOST_MAX + 1] = "";
	enum dhcp6_drop d;
	bool commit, bound = false;

	*changed = false;
	*named = NAMES_NONE;
	if ((d = dhcp6_server_check(srv, req)) != DHCP6_OK)
		return d;
	memset(reply, 0, sizeof(*reply));
	reply->type = DHCP6_REPLY;
	reply->xid = req->xid;
	memcpy(reply->client_id, req->client_id, req->client_id_len);
	reply->client_id_len = req->client_id_len;
	memcpy(reply->server_id, srv->duid, srv->duid_len);
	reply->server_id_len = srv->duid_len;
	reply->n_dns = srv->n_dns < DHCP6_DNS_MAX ? srv->n_dns : DHCP6_DNS_MAX;
	memcpy(reply->dns, srv->dns, reply->n_dns * sizeof(reply->dns[0]));
	if (srv->domains_len <= DHCP6_DOMAINS_MAX && srv->domains != NULL) {
		memcpy(reply->domains, srv->domains, srv->domains_len);
		reply->domains_len = srv->domains_len;
	}

	switch (req->type) {
	case DHCP6_SOLICIT:
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_REBIND:
		/* RFC 8415 18.3.1: with Rapid Commit a Solicit binds at once */
		commit = req->type != DHCP6_SOLICIT || req->rapid_commit;
		if (req->type == DHCP6_SOLICIT) {
			if (req->rapid_commit) {
				reply->rapid_commit = true;
			} else {
				reply->type = DHCP6_ADVERTISE;
				/* 18.2.9: 255 tells the client to stop collecting */
				reply->has_preference = true;
				reply->preference = 255;
			}
		}
		for (size_t i = 0; i < req->n_ia_na; i++)
			dhcp6_server_ia(srv, l, req, &req->ia_na[i], commit, &reply->ia_na[i], changed);
		reply->n_ia_na = req->n_ia_na;
		for (size_t i = 0; i < req->n_ia_ta; i++) {
			reply->ia_ta[i].iaid = req->ia_ta[i].iaid;
			reply->ia_ta[i].has_status = true;
			reply->ia_ta[i].status = DHCP6_NO_ADDRS_AVAIL;
		}
		reply->n_ia_ta = req->n_ia_ta;
		for (size_t i = 0; i < req->n_ia_pd; i++)
			dhcp6_server_ia_pd(srv, l, req, i, commit, reply);
		reply->n_ia_pd = req->n_ia_pd;
		if (srv->names != NULL) {
			*named = names_choose(srv->names, l, req, host);
			names_reply(srv->names, req, *named, host, reply);
		}
		/* bind only what the client will hear of: a reply that does not
		 * fit one message is never sent, so nothing may be bound for it */
		if (dhcp6_build(reply, scratch, sizeof(scratch)) == 0)
			return DHCP6_DROP_TOO_BIG;
		for (size_t i = 0; commit && i < reply->n_ia_na; i++) {
			const struct dhcp6_ia *ia = &reply->ia_na[i];

			if (ia->n_addrs == 0 || ia->addrs[0].valid == 0)
				continue;
			if (lease_commit(l, srv->site, req->client_id, req->client_id_len, ia->iaid,
			    &ia->addrs[0].addr, now + srv->valid) == 0)
				*changed = bound = true;
		}
		for (size_t i = 0; commit && i < reply->n_ia_pd; i++) {
			const struct dhcp6_ia *ia = &reply->ia_pd[i];
			struct prefix p;

			if (ia->n_addrs == 0 || ia->addrs[0].valid == 0)
				continue;
			p.addr = ia->addrs[0].addr;
			p.len = ia->addrs[0].plen;
			if (lease_commit_pd(l, srv->site, req->client_id, req->client_id_len, ia->iaid, &p,
			    srv->from, now + srv->valid) == 0)
				*changed = true;
		}
		/* the name goes with every binding of the client: it names the
		 * host, not one address. A message without the option (a Renew
		 * may lack it, RFC 4704 5 only says SHOULD) keeps the name the
		 * client has. */
		if (bound && srv->names != NULL) {
			if (!req->has_fqdn && *named == NAMES_NONE)
				snprintf(host, sizeof(host), "%s", dhcp6_server_name_of(l, srv->site, req));
			lease_name(l, srv->site, req->client_id, req->client_id_len, host);
		}
		return DHCP6_OK;
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		dhcp6_server_let_go(srv, l, req, now, changed);
		reply->has_status = true;
		reply->status = DHCP6_SUCCESS;
		return DHCP6_OK;
	case DHCP6_CONFIRM: {
		size_t n = 0;
		bool on_link = true;

		/* 18.3.3: are the client's addresses still on this link? */
		for (size_t i = 0; i < req->n_ia_na; i++) {
			for (size_t j = 0; j < req->ia_na[i].n_addrs; j++, n++)
				if (!prefix_contains(&srv->sub, &req->ia_na[i].addrs[j].addr))
					on_link = false;
		}
		if (n == 0)
			return DHCP6_DROP_NO_ADDRESS;
		reply->has_status = true;
		reply->status = on_link ? DHCP6_SUCCESS : DHCP6_NOT_ON_LINK;
		return DHCP6_OK;
	}
	default:
		/* Information-request: the options only; RFC 8415 16.12: one
		 * that carries an IA is discarded */
		if (req->n_ia_na || req->n_ia_ta || req->n_ia_pd)
			return DHCP6_DROP_INFORM_IA;
		return DHCP6_OK;
	}
}
