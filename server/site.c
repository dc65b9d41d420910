/* SPDX-License-Identifier: ISC */
/* site: one home site in the engine; see site.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "datapath.h"
#include "dhcp6_server.h"
#include "engine_data.h"
#include "frame.h"
#include "keyring.h"
#include "keys.h"
#include "log.h"
#include "namesync.h"
#include "leasecarry.h"
#include "ndp.h"
#include "priv.h"
#include "site.h"
#include "util.h"

#define SITE_FRAME_MAX   1514   /* what the engine itself sends into a site */
#define DHCP6_PER_SECOND 20     /* messages answered per site and second */

void
site_mac(const uint8_t ident[32], const char *name, uint8_t mac[6])
{
	uint8_t h[32];

	crypto_generichash_blake2b(h, sizeof(h), (const uint8_t *)name, strlen(name), ident, 32);
	memcpy(mac, h, 6);
	/* IEEE 802: locally administered (U/L bit), unicast */
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

static void
site_tap_read(evutil_socket_t fd, short what, void *arg)
{
	struct site *s = arg;

	(void)what;
	datapath_tap_read(&s->e->dp, fd, s->offload, &s->tp, NULL, NULL, util_now_ms());
}

struct site *
site_open(struct engine *e, const struct conf_peer *cp, uint64_t index, uint16_t slot, char *err, size_t errlen)
{
	uint8_t *psk = NULL;
	struct site *s;
	int fd;

	if (cp->has_psk) {
		/* read straight into locked memory of its own */
		if ((psk = keyring_get(&e->keys)) == NULL) {
			snprintf(err, errlen, "out of memory for keys");
			return NULL;
		}
		if ((fd = priv_key_open(&e->priv, cp->psk_file, err, errlen)) < 0) {
			keyring_put(&e->keys, psk);
			return NULL;
		}
		if (key_read_fd(fd, cp->psk_file, psk, err, errlen) != 0) {
			close(fd);
			keyring_put(&e->keys, psk);
			return NULL;
		}
		close(fd);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		keyring_put(&e->keys, psk);
		return NULL;
	}
	s->e = e;
	s->conf = *cp;
	s->index = index;
	s->tap_fd = -1;
	prefix_sub_get(&e->prefix, e->conf.sub_prefix_len, index, &s->link.sub);
	site_mac(e->ident, cp->name, s->link.mac);
	ndp_link_local(s->link.mac, &s->link.ll);
	hosts_init(&s->hosts);
	pdroutes_init(&s->pd);
	tunnel_peer_init(&s->tp, cp->public_key, psk, slot);
	tunnel_peer_precompute(&s->tp, e->resp);
	{
		/* what it sent before a restart is a replay after it */
		const struct stamp *st = stamps_find(&e->stamps, cp->name);

		if (st != NULL)
			memcpy(s->tp.last_timestamp, st->ts, WIRE_TIMESTAMP_LEN);
	}
	s->offload = e->dp.offload;
	if ((s->tap_fd = priv_site_open(&e->priv, cp->name, cp->tap, index, s->link.mac, &s->offload,
	    err, errlen)) < 0)
		goto fail;
	if ((s->ev_tap = event_new(e->base, s->tap_fd, EV_READ | EV_PERSIST, site_tap_read, s)) == NULL ||
	    event_add(s->ev_tap, NULL) != 0 || sitetab_insert(&e->sites, s) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* a new tap has no routes but its sub-prefix: the delegations the
	 * leases kept are routed again */
	site_pd_sync(s);
	return s;
fail:
	if (s->ev_tap != NULL)
		event_free(s->ev_tap);
	if (s->tap_fd >= 0)
		close(s->tap_fd);
	tunnel_peer_wipe(&s->tp);
	keyring_put(&e->keys, psk);
	hosts_free(&s->hosts);
	free(s);
	return NULL;
}

/* One RA: to dst (an RS's source) or to all nodes. */
static void
site_send_ra(struct site *s, const struct in6_addr *dst, const uint8_t *dst_mac, bool withdraw, uint64_t now)
{
	const struct conf_server *c = &s->e->conf;
	struct ra_conf rc = { .mtu = c->mtu, .managed = c->dhcpv6, .dns = c->dns, .n_dns = c->n_dns,
	    .nat64 = s->e->nat64 };
	uint8_t frame[NDP_FRAME_MAX];
	size_t len;

	if ((len = ra_build(&rc, &s->link, dst, dst_mac, withdraw, frame, sizeof(frame))) != 0)
		(void)site_send_frame(s, frame, len, now);
}

void
site_close(struct site *s, bool withdraw)
{
	if (withdraw) {
		site_send_ra(s, NULL, NULL, true, util_now_ms());
		log_info("peer %s: removed", s->conf.name);
	}
	sitetab_remove(&s->e->sites, s);
	event_free(s->ev_tap);
	close(s->tap_fd);       /* a non-persistent tap goes with its last fd */
	keyring_put(&s->e->keys, (uint8_t *)s->tp.psk);
	tunnel_peer_wipe(&s->tp);
	hosts_free(&s->hosts);
	pdroutes_free(&s->pd);          /* the tap took its routes with it */
	free(s);
}

/* The site's delegations to its client, which carries them to the next
 * gateway it connects to (leasecarry.h). */
static void
site_carry_send(struct site *s, uint64_t now)
{
	struct leasecarry_rec r[LEASECARRY_MAX];
	uint8_t frame[SITE_FRAME_MAX];
	size_t n, built, len;

	if (s->conf.pd_len == 0)
		return;
	n = leasecarry_collect(&s->e->leases, s->conf.name, (uint64_t)time(NULL), r, LEASECARRY_MAX);
	len = leasecarry_build(r, n, s->link.mac, frame, sizeof(frame), &built);
	if (built < n)
		log_warnx("peer %s: %zu of %zu delegations fit the frame its client carries", s->conf.name, built, n);
	if (len != 0)
		(void)site_send_frame(s, frame, len, now);
}

/* Delegations another gateway made, from the client: each taken that our
 * own DHCPv6 server could have made and that is newer than ours. */
static void
site_carry_take(struct site *s, const uint8_t *frame, size_t len)
{
	struct engine *e = s->e;
	struct leasecarry_rec r[LEASECARRY_MAX];
	uint64_t now = (uint64_t)time(NULL);
	size_t n, taken = 0;
	const char *why;

	/* a client sends one when its session comes up: more than one a
	 * second is no failover, and each costs a state write */
	if (util_now_ms() - s->carry_ms < 1000)
		return;
	s->carry_ms = util_now_ms();
	if (leasecarry_parse(frame, len, r, LEASECARRY_MAX, &n, &why) != 0) {
		log_warnx("peer %s: delegations from the client: %s", s->conf.name, why);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct prefix p = { .addr = r[i].prefix, .len = r[i].plen }, link;
		const struct lease *have = lease_find_pd(&e->leases, s->conf.name, r[i].duid, r[i].duid_len, r[i].iaid);
		char pb[PREFIX_STRLEN];

		prefix_link(&s->link.sub, &link);
		if (leasecarry_check(&r[i], &s->link.sub, &link, s->conf.pd_len, now, e->conf.dhcpv6_valid, &why) != 0) {
			prefix_format(&p, pb, sizeof(pb));
			log_warnx("peer %s: delegation of %s from the client refused: %s", s->conf.name, pb, why);
			continue;
		}
		if (have != NULL && have->expires >= r[i].expires)
			continue;       /* ours is as new */
		if (lease_commit_pd(&e->leases, s->conf.name, r[i].duid, r[i].duid_len, r[i].iaid, &p, &r[i].via,
		    r[i].expires) != 0) {
			prefix_format(&p, pb, sizeof(pb));
			log_warnx("peer %s: delegation of %s from the client refused: held by another binding",
			    s->conf.name, pb);
			continue;
		}
		taken++;
	}
	if (taken == 0)
		return;
	log_info("peer %s: %zu delegation%s carried over from another gateway", s->conf.name, taken,
	    taken == 1 ? "" : "s");
	state_touch(&e->state, PRIV_FILE_LEASES);
	site_pd_sync(s);
}

void
site_pd_sync(struct site *s)
{
	struct pdroutes del, add;
	char err[PRIV_TEXT_MAX], pb[PREFIX_STRLEN];

	/* nothing delegated, nothing routed: no walk over every lease */
	if (s->conf.pd_len == 0 && s->pd.n == 0)
		return;
	pdroutes_init(&del);
	pdroutes_init(&add);
	if (pdroutes_plan(&s->pd, &s->e->leases, s->conf.name, &del, &add) != 0) {
		log_warnx("peer %s: delegated prefixes: out of memory", s->conf.name);
		goto out;
	}
	for (size_t i = 0; i < del.n; i++) {
		if (priv_route(&s->e->priv, s->conf.name, s->conf.tap, s->index, &del.v[i].prefix, &del.v[i].via,
		    false, err, sizeof(err)) == 0) {
			pdroutes_drop(&s->pd, &del.v[i]);
		} else {
			prefix_format(&del.v[i].prefix, pb, sizeof(pb));
			log_warnx("peer %s: delegated prefix %s: route not deleted: %s", s->conf.name, pb, err);
		}
	}
	for (size_t i = 0; i < add.n; i++) {
		if (priv_route(&s->e->priv, s->conf.name, s->conf.tap, s->index, &add.v[i].prefix, &add.v[i].via,
		    true, err, sizeof(err)) != 0) {
			prefix_format(&add.v[i].prefix, pb, sizeof(pb));
			log_warnx("peer %s: delegated prefix %s: not routed: %s", s->conf.name, pb, err);
		} else if (pdroutes_put(&s->pd, &add.v[i]) != 0) {
			log_warnx("peer %s: delegated prefixes: out of memory", s->conf.name);
		}
	}
out:
	pdroutes_free(&del);
	pdroutes_free(&add);
	/* the client keeps the latest copy for the next gateway */
	site_carry_send(s, util_now_ms());
}

bool
site_send_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now)
{
	if (len > SITE_FRAME_MAX || !tunnel_peer_live(&s->tp, now))
		return false;
	return datapath_send_frame(&s->e->dp, &s->tp, frame, len, now);
}

/* The site's sub-prefix into route-table (a live site) or out of it; a
 * refusal is logged once and tried again every tick (site_tick). */
static void
site_table_route(struct site *s, bool add)
{
	char err[PRIV_TEXT_MAX];

	if (s->e->conf.route_table == 0 || s->in_table == add)
		return;
	if (priv_site_route(&s->e->priv, s->conf.name, s->conf.tap, s->index, &s->link.sub,
	    s->e->conf.route_table, add, err, sizeof(err)) != 0) {
		if (!s->table_failed)
			log_warnx("peer %s: route-table %u: %s", s->conf.name, s->e->conf.route_table, err);
		s->table_failed = true;
		return;
	}
	s->table_failed = false;
	s->in_table = add;
}

bool
site_live(const struct site *s, uint64_t now)
{
	uint64_t silence = (uint64_t)s->e->conf.dead_after * 1000;

	return tunnel_peer_live(&s->tp, now) && (silence == 0 || now - s->tp.last_rx_ms < silence);
}

void
site_set_carrier(struct site *s, bool on)
{
	if (s->carrier == on)
		return;
	if (tap_set_carrier(s->tap_fd, on) != 0)
		log_warn("peer %s: tap %s: carrier", s->conf.name, s->conf.tap);
	s->carrier = on;
	log_info("peer %s: session %s", s->conf.name, on ? "up" : "down");
	if (on) {
		ra_timer_start(&s->ra);
		site_table_route(s, true);
		site_carry_send(s, util_now_ms());
	} else {
		s->down_ms = util_now_ms();
	}
}

void
site_tick(struct site *s, uint64_t now)
{
	tunnel_peer_expire(&s->tp, now);
	site_set_carrier(s, site_live(s, now));
	/* in route-table while live and route-hold after; out when down
	 * longer, so the routing daemon stops announcing the site here and
	 * another gateway may */
	site_table_route(s, s->carrier || (s->in_table && now - s->down_ms < (uint64_t)s->e->conf.route_hold * 1000));
	if (s->carrier && ra_timer_due(&s->ra, now, randombytes_random()))
		site_send_ra(s, NULL, NULL, false, now);
	hosts_expire(&s->hosts, now);
}

/* Whether an IPv6 source may come from this site: :: (RFC 4862 DAD),
 * link-local, or inside the site's own sub-prefix. Nothing else: no site
 * speaks with another site's addresses or the VPS's. */
static bool
site_source_ok(const struct site *s, const struct in6_addr *src)
{
	return IN6_IS_ADDR_UNSPECIFIED(src) || IN6_IS_ADDR_LINKLOCAL(src) || prefix_contains(&s->link.sub, src);
}

/* An RS from the site: answered at once, to the asker when it has an
 * address (RFC 4861 6.2.6), rate-limited. */
static void
site_answer_rs(struct site *s, const struct ndp_msg *m, uint64_t now)
{
	if (!ra_rs_allowed(&s->ra, now))
		return;
	if (IN6_IS_ADDR_UNSPECIFIED(&m->src))
		site_send_ra(s, NULL, NULL, false, now);
	else
		site_send_ra(s, &m->src, m->eth_src, false, now);
}

/* All DHCP relay agents and servers (RFC 8415 7.1), or our address. */
static bool
site_dhcp6_for_us(const struct site *s, const struct in6_addr *dst)
{
	static const uint8_t all[16] = { 0xff, 0x02, [13] = 0x01, [15] = 0x02 };

	return memcmp(dst, all, 16) == 0 || memcmp(dst, &s->link.ll, 16) == 0;
}

static bool
site_addr_in_use(void *ctx, const struct in6_addr *addr)
{
	return hosts_known(&((struct site *)ctx)->hosts, addr);
}

/* A name a client asked for and did not get, for the operator. */
static void
site_name_refused(const struct site *s, const struct dhcp6_msg *req, enum names_verdict v)
{
	char hex[2 * DHCP6_DUID_MAX + 1], host[NAMES_HOST_MAX + 1];

	util_hex_encode(hex, req->client_id, req->client_id_len);
	if (v == NAMES_TAKEN && names_fqdn_host(req->fqdn, req->fqdn_len, host) == NAMES_OK)
		log_info("site %s: DHCPv6 client %s: name %s refused: another host of the site has it", s->conf.name,
		    hex, host);
	else
		log_info("site %s: DHCPv6 client %s: its Client FQDN refused: %s", s->conf.name, hex,
		    v == NAMES_LONG ? "too long" : "not a host name, or a malformed name");
}

/* A DHCPv6 client message from the site (RFC 8415 7.1: to ff02::1:2, or
 * to us): answered here, never passed to the kernel. Returns the drop
 * reason, or DHCP6_OK when answered. */
static enum dhcp6_drop
site_dhcp6(struct site *s, const struct frame_udp6 *u, uint64_t now)
{
	struct engine *e = s->e;
	const struct conf_server *c = &e->conf;
	struct dhcp6_server ds = {
		.site = s->conf.name, .sub = s->link.sub,
		.duid = e->duid, .duid_len = sizeof(e->duid),
		.dns = c->dns, .n_dns = c->n_dns,
		.domains = c->dns_search, .domains_len = c->dns_search_len,
		.preferred = c->dhcpv6_preferred, .valid = c->dhcpv6_valid,
		.key = e->ident, .in_use = site_addr_in_use, .in_use_ctx = s,
		.pd_len = s->conf.pd_len, .from = &u->src,
	};
	struct names_site nsite;
	struct dhcp6_msg req, reply;
	struct frame_udp6 out = {
		.src = s->link.ll, .dst = u->src, .hop_limit = 255,
		.sport = DHCP6_SERVER_PORT, .dport = DHCP6_CLIENT_PORT,
	};
	uint8_t msg[DHCP6_MSG_MAX], frame[SITE_FRAME_MAX];
	enum names_verdict named;
	enum dhcp6_drop d;
	bool changed;
	size_t len;

	namesync_names_site(e, s->conf.name, &nsite);
	ds.names = &nsite;
	/* RFC 8415 13.1: clients speak from their link-local address */
	if (!IN6_IS_ADDR_LINKLOCAL(&u->src))
		return DHCP6_DROP_NOT_LINK_LOCAL;
	/* a site spraying messages must not cost the VPS more than this */
	if (now - s->dhcp6_window_ms >= 1000) {
		s->dhcp6_window_ms = now;
		s->dhcp6_count = 0;
	}
	if (s->dhcp6_count++ >= DHCP6_PER_SECOND)
		return DHCP6_DROP_RATE;
	if ((d = dhcp6_parse(u->payload, u->len, &req)) != DHCP6_OK ||
	    (d = dhcp6_server_answer(&ds, &e->leases, &req, (uint64_t)time(NULL), &reply, &changed,
	    &named)) != DHCP6_OK)
		return d;
	if (named > NAMES_OK) {
		s->names_refused[named]++;
		/* once per binding, not per Solicit */
		if (reply.type == DHCP6_REPLY)
			site_name_refused(s, &req, named);
	}
	if (changed) {
		state_touch(&e->state, PRIV_FILE_LEASES);
		namesync_site(e, s->conf.name);
		site_pd_sync(s);
	}
	/* what is bound is reachable from the internet before the host
	 * sends a packet: the NDP proxy knows it now */
	for (size_t i = 0; reply.type == DHCP6_REPLY && i < reply.n_ia_na; i++)
		for (size_t j = 0; j < reply.ia_na[i].n_addrs; j++)
			if (reply.ia_na[i].addrs[j].valid != 0)
				(void)hosts_learn(&s->hosts, &reply.ia_na[i].addrs[j].addr, now);
	if ((len = dhcp6_build(&reply, msg, sizeof(msg))) == 0)
		return DHCP6_OK;
	memcpy(out.eth_dst, u->eth_src, 6);
	memcpy(out.eth_src, s->link.mac, 6);
	out.payload = msg;
	out.len = len;
	if ((len = frame_udp6_build(&out, frame, sizeof(frame))) != 0)
		(void)site_send_frame(s, frame, len, now);
	return DHCP6_OK;
}

/* UDP to the DHCPv6 server port: ours to answer when it is for us. */
static void
site_check_udp(struct site *s, const uint8_t *frame, size_t len, uint64_t now, struct site_verdict *v)
{
	struct frame_udp6 u;
	enum dhcp6_drop d;
	int r;

	u.dport = 0;
	if (!s->e->conf.dhcpv6 || (r = frame_udp6_parse(frame, len, &u)) == 0 || u.dport != DHCP6_SERVER_PORT)
		return;
	if (r < 0)
		d = DHCP6_DROP_BAD_UDP;
	else if (!site_dhcp6_for_us(s, &u.dst))
		return;         /* to a server of the home's own */
	else if (!frame_udp6_checksum_ok(&u))
		d = DHCP6_DROP_BAD_UDP;
	else
		d = site_dhcp6(s, &u, now);
	if (d != DHCP6_OK)
		s->dhcp6_drops[d]++;
	v->consumed = true;
}

void
site_check_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now, struct site_verdict *v)
{
	struct in6_addr src;
	struct ndp_msg m;
	enum ndp_err e;

	memset(v, 0, sizeof(*v));
	if (leasecarry_is(frame, len)) {
		/* from the client itself: it drops this ethertype from the
		 * home bridge */
		site_carry_take(s, frame, len);
		v->consumed = true;
		return;
	}
	/* untagged IPv6, ARP and IPv4 only: nothing else has a use on the tap */
	if (frame_classify_l2(frame, len) == FRAME_L2_REFUSED) {
		v->drop = DROP_ETHERTYPE;
		return;
	}
	switch (frame_classify(frame, len, &src)) {
	case FRAME_RA:
	case FRAME_DHCP6_SERVER:
		v->drop = DROP_ROGUE_RA;
		return;
	case FRAME_BAD_CHAIN:
		v->drop = DROP_HEADER_CHAIN;
		return;
	case FRAME_OTHER:       /* ARP or IPv4, checked just above */
		return;
	case FRAME_IPV6:
		break;
	}
	if (!site_source_ok(s, &src)) {
		v->drop = DROP_SOURCE;
		return;
	}
	if (!IN6_IS_ADDR_UNSPECIFIED(&src) && !IN6_IS_ADDR_LINKLOCAL(&src))
		(void)hosts_learn(&s->hosts, &src, now);
	if ((e = ndp_parse(frame, len, &m)) == NDP_NOT_NDP) {
		site_check_udp(s, frame, len, now, v);
		return;
	}
	if (e != NDP_OK) {
		log_debug("peer %s: neighbor discovery dropped: %s", s->conf.name, ndp_err_name(e));
		v->drop = DROP_BAD_NDP;
		return;
	}
	switch (m.type) {
	case NDP_RS:
		site_answer_rs(s, &m, now);
		v->consumed = true;
		return;
	case NDP_NA:
		/* a host claims target: only an address of this site */
		if (IN6_IS_ADDR_LINKLOCAL(&m.target))
			return;
		if (!prefix_contains(&s->link.sub, &m.target)) {
			v->drop = DROP_SOURCE;
			return;
		}
		(void)hosts_learn(&s->hosts, &m.target, now);
		v->advertised = true;
		v->target = m.target;
		return;
	default:
		return;
	}
}
