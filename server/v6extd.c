/* v6extd: the VPS daemon. One tap per configured peer ("site"), one UDP
 * socket per address family, a libevent loop. Datagrams are read in batches;
 * each is classified by type and size before anything else (tunnel.c). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <sodium.h>

#include "alloc.h"
#include "conf.h"
#include "ctl.h"
#include "ctl_proto.h"
#include "dhcp6.h"
#include "dhcp6_server.h"
#include "evloop.h"
#include "frame.h"
#include "hosts.h"
#include "keys.h"
#include "lease.h"
#include "log.h"
#include "metrics.h"
#include "ndp.h"
#include "ndproxy.h"
#include "nl.h"
#include "privdrop.h"
#include "state.h"
#include "server.h"
#include "sysctl.h"
#include "tap.h"
#include "transport.h"
#include "tunnel.h"
#include "util.h"

#define SITES_MAX 65536         /* slot is the low 16 bits of our indices */
#define PKT_CAP   (WIRE_DATA_MAX_LEN)
/* Receive buffers per recvmmsg: 64 KB each, as a GRO burst fills one */
#define SERVER_RX_BUFS 2
#define USED_MAX  1024          /* upstream addresses and neighbours read */
#define SITE_FRAME_MAX 1514     /* what the daemon itself sends into a site */
#define LEASE_SWEEP_MS (60u * 1000)
#define DHCP6_PER_SECOND 20     /* messages answered per site and second */

/* Router advertisements into each site (RFC 4861 6.2.1 and 10, with
 * radvd's defaults): periodic at a random interval of 200..600 s, the
 * first three after a session comes up at most 16 s apart, and in answer
 * to every valid RS (at most RA_RS_PER_SECOND per site). */
#define RA_INTERVAL_MIN_MS  (200u * 1000)
#define RA_INTERVAL_MAX_MS  (600u * 1000)
#define RA_INITIAL_COUNT    3
#define RA_INITIAL_MS       (16u * 1000)
#define RA_ROUTER_LIFETIME  1800    /* s: 3 x the longest interval */
#define RA_PREFIX_VALID     86400   /* s: the on-link prefix */
#define RA_PREFIX_PREFERRED 14400
#define RA_RDNSS_LIFETIME   1800    /* s: RFC 8106 5.1, >= the interval */
#define RA_RS_PER_SECOND    10

static struct site *
server_site_by_name(struct server *srv, const char *name)
{
	for (size_t i = 0; i < srv->n_slots; i++)
		if (srv->sites[i] != NULL && strcmp(srv->sites[i]->conf.name, name) == 0)
			return srv->sites[i];
	return NULL;
}

static struct tunnel_peer *
server_lookup_key(void *ctx, const uint8_t pub[32])
{
	struct server *srv = ctx;

	for (size_t i = 0; i < srv->n_slots; i++)
		if (srv->sites[i] != NULL && sodium_memcmp(srv->sites[i]->tp.remote_pub, pub, 32) == 0)
			return &srv->sites[i]->tp;
	return NULL;
}

static struct site *
server_site_of(struct tunnel_peer *tp)
{
	return (struct site *)((char *)tp - offsetof(struct site, tp));
}

struct site *
server_site_of_addr(struct server *srv, const struct in6_addr *addr)
{
	uint64_t idx;

	if (prefix_sub_index(&srv->prefix, srv->conf.sub_prefix_len, addr, &idx) != 0)
		return NULL;
	for (size_t i = 0; i < srv->n_slots; i++)
		if (srv->sites[i] != NULL && srv->sites[i]->index == idx)
			return srv->sites[i];
	return NULL;
}

static void
server_send(struct server *srv, const struct endpoint *ep, const void *buf, size_t len)
{
	int fd = ep->u.sa.sa_family == AF_INET6 ? srv->udp6 : srv->udp4;

	if (fd < 0 || transport_send(fd, ep, buf, len) < 0)
		srv->st.drops[DROP_SEND]++;
}

bool
site_send_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now)
{
	uint8_t pkt[WIRE_DATA_MIN_LEN + SITE_FRAME_MAX];
	size_t plen;

	if (len > SITE_FRAME_MAX || s->tp.ep.len == 0 || !tunnel_peer_live(&s->tp, now))
		return false;
	memcpy(pkt + WIRE_DATA_HEADER_LEN, frame, len);
	if (tunnel_seal_data(&s->tp, pkt, len, sizeof(pkt), now, &plen) != TUNNEL_OK)
		return false;
	server_send(s->srv, &s->tp.ep, pkt, plen);
	return true;
}

/* One RA from the tap's link-local address: to dst (an RS's source) or to
 * all nodes. withdraw: router and prefix lifetimes 0, for a removed site
 * (RFC 4861 6.2.5). */
static void
site_send_ra(struct site *s, const struct in6_addr *dst, const uint8_t *dst_mac, bool withdraw, uint64_t now)
{
	const struct conf_server *c = &s->srv->conf;
	struct ndp_msg ra = {
		.type = NDP_RA,
		.src = s->ll,
		.cur_hop_limit = 64,
		.flags = c->dhcpv6 ? NDP_RA_MANAGED | NDP_RA_OTHER : 0,
		.router_lifetime = withdraw ? 0 : RA_ROUTER_LIFETIME,
		.has_lla = true,
		.mtu = c->mtu,
		.has_prefix = true,
		.prefix = s->sub,
		/* L=1: the /78 is on-link; A=0: SLAAC needs a /64 (RFC 4862 5.5.3) */
		.prefix_flags = NDP_PIO_ONLINK,
		.valid_lifetime = withdraw ? 0 : RA_PREFIX_VALID,
		.preferred_lifetime = withdraw ? 0 : RA_PREFIX_PREFERRED,
		.n_rdnss = c->n_dns < NDP_RDNSS_MAX ? c->n_dns : NDP_RDNSS_MAX,
		.rdnss_lifetime = withdraw ? 0 : RA_RDNSS_LIFETIME,
	};
	uint8_t frame[NDP_FRAME_MAX];
	size_t len;

	memcpy(ra.eth_src, s->mac, 6);
	memcpy(ra.lla, s->mac, 6);
	memcpy(ra.rdnss, c->dns, ra.n_rdnss * sizeof(ra.rdnss[0]));
	if (dst != NULL) {
		ra.dst = *dst;
		memcpy(ra.eth_dst, dst_mac, 6);
	} else {
		inet_pton(AF_INET6, "ff02::1", &ra.dst);
		ndp_multicast_mac(&ra.dst, ra.eth_dst);
	}
	if ((len = ndp_build(&ra, frame, sizeof(frame))) != 0)
		(void)site_send_frame(s, frame, len, now);
}

static uint64_t
ra_interval_ms(void)
{
	return RA_INTERVAL_MIN_MS + randombytes_uniform(RA_INTERVAL_MAX_MS - RA_INTERVAL_MIN_MS);
}

/* Periodic RAs: the fast initial ones after a session comes up, then the
 * slow ones. */
static void
site_ra_tick(struct site *s, uint64_t now)
{
	uint64_t next;

	if (!s->carrier || now < s->next_ra_ms)
		return;
	site_send_ra(s, NULL, NULL, false, now);
	next = ra_interval_ms();
	if (s->ra_initial > 0) {
		s->ra_initial--;
		if (next > RA_INITIAL_MS)
			next = RA_INITIAL_MS;
	}
	s->next_ra_ms = now + next;
}

static void
site_set_carrier(struct site *s, bool on)
{
	if (s->carrier == on)
		return;
	if (tap_set_carrier(s->tap_fd, on) != 0)
		log_warn("peer %s: tap %s: carrier", s->conf.name, s->conf.tap);
	s->carrier = on;
	log_info("peer %s: session %s", s->conf.name, on ? "up" : "down");
	if (on) {
		/* hosts that asked while the tunnel was down hear now */
		s->ra_initial = RA_INITIAL_COUNT;
		s->next_ra_ms = 0;
		site_ra_tick(s, util_now_ms());
	}
}

/* A MAC that never changes across restarts: derived from the server's key
 * and the site name, locally administered (IEEE 802 U/L bit), unicast. */
static void
site_mac(const struct server *srv, const char *name, uint8_t mac[6])
{
	uint8_t h[32];

	crypto_generichash_blake2b(h, sizeof(h), (const uint8_t *)name, strlen(name), srv->resp.pub, 32);
	memcpy(mac, h, 6);
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

static void tap_read(evutil_socket_t fd, short what, void *arg);

/* The tap's IPv6 settings, before it comes up: no RAs accepted (we are the
 * router here), no DAD (the MAC and so the link-local address are ours and
 * stable), and the EUI-64 link-local address our RAs are sent from. */
static int
site_tap_sysctls(const char *tap, char *err, size_t errlen)
{
	return sysctl_ipv6_set(tap, "accept_ra", 0, err, errlen) != 0 ||
	    sysctl_ipv6_set(tap, "accept_dad", 0, err, errlen) != 0 ||
	    sysctl_ipv6_set(tap, "addr_gen_mode", 0, err, errlen) != 0 ? -1 : 0;
}

static int
site_add(struct server *srv, const struct conf_peer *cp, uint64_t index)
{
	char err[256], sb[PREFIX_STRLEN];
	uint8_t psk[KEY_LEN] = { 0 };
	struct site *s;
	size_t slot;

	for (slot = 1; slot < srv->n_slots && srv->sites[slot] != NULL; slot++)
		;
	if (slot >= SITES_MAX) {
		log_warnx("peer %s: no free slot", cp->name);
		return -1;
	}
	if (slot >= srv->n_slots) {
		size_t n = srv->n_slots ? srv->n_slots * 2 : 64;
		struct site **ns = realloc(srv->sites, n * sizeof(*ns));

		if (ns == NULL)
			return -1;
		memset(ns + srv->n_slots, 0, (n - srv->n_slots) * sizeof(*ns));
		srv->sites = ns;
		srv->n_slots = n;
	}
	if (cp->has_psk && key_read_file(cp->psk_file, psk, err, sizeof(err)) != 0) {
		log_warnx("peer %s: %s", cp->name, err);
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->srv = srv;
	s->conf = *cp;
	s->index = index;
	prefix_sub_get(&srv->prefix, srv->conf.sub_prefix_len, index, &s->sub);
	prefix_format(&s->sub, sb, sizeof(sb));
	hosts_init(&s->hosts);
	tunnel_peer_init(&s->tp, cp->public_key, psk, (uint16_t)slot);
	sodium_memzero(psk, sizeof(psk));
	s->offload = srv->offload;
	if ((s->tap_fd = tap_open(cp->tap, &s->offload)) < 0) {
		log_warn("peer %s: tap %s", cp->name, cp->tap);
		goto fail;
	}
	site_mac(srv, cp->name, s->mac);
	ndp_link_local(s->mac, &s->ll);
	if (tap_set_carrier(s->tap_fd, false) != 0 ||
	    site_tap_sysctls(cp->tap, err, sizeof(err)) != 0 ||
	    nl_link_set(srv->nl, cp->tap, true, srv->conf.mtu, s->mac, err, sizeof(err)) != 0 ||
	    nl_link_set_group(srv->nl, cp->tap, srv->tap_group, err, sizeof(err)) != 0 ||
	    nl_route6_replace(srv->nl, nl_link_index(srv->nl, cp->tap), &s->sub.addr, s->sub.len,
	    err, sizeof(err)) != 0) {
		log_warnx("peer %s: %s", cp->name, err);
		goto fail;
	}
	s->ev_tap = event_new(srv->base, s->tap_fd, EV_READ | EV_PERSIST, tap_read, s);
	event_add(s->ev_tap, NULL);
	srv->sites[slot] = s;
	log_info("peer %s: tap %s ready, sub-prefix %s (index %llu)", cp->name, cp->tap, sb,
	    (unsigned long long)index);
	return 0;
fail:
	if (s->tap_fd >= 0)
		close(s->tap_fd);
	tunnel_peer_wipe(&s->tp);
	hosts_free(&s->hosts);
	free(s);
	return -1;
}

/* withdraw: the site is gone for good (removed from the config), so its
 * hosts hear one last RA with lifetime 0 and drop their routes. Not on a
 * daemon stop: hosts keep their routes through a restart. */
static void
site_remove(struct server *srv, struct site *s, bool withdraw)
{
	if (withdraw) {
		site_send_ra(s, NULL, NULL, true, util_now_ms());
		log_info("peer %s: removed", s->conf.name);
	}
	ndproxy_forget_site(srv->proxy, s);
	srv->sites[s->tp.slot] = NULL;
	event_free(s->ev_tap);
	close(s->tap_fd);       /* a non-persistent tap goes with its last fd */
	tunnel_peer_wipe(&s->tp);
	hosts_free(&s->hosts);
	free(s);
}

/* Whether an IPv6 source may come from this site: :: (RFC 4862 DAD),
 * link-local, or inside the site's own sub-prefix. Nothing else: no site
 * speaks with another site's addresses or the VPS's. */
static bool
site_source_ok(const struct site *s, const struct in6_addr *src)
{
	return IN6_IS_ADDR_UNSPECIFIED(src) || IN6_IS_ADDR_LINKLOCAL(src) || prefix_contains(&s->sub, src);
}

/* An RS from the site: answered at once, to the asker when it has an
 * address (RFC 4861 6.2.6), rate-limited. */
static void
site_answer_rs(struct site *s, const struct ndp_msg *m, uint64_t now)
{
	if (now - s->rs_window_ms >= 1000) {
		s->rs_window_ms = now;
		s->rs_answers = 0;
	}
	if (s->rs_answers++ >= RA_RS_PER_SECOND)
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

	return memcmp(dst, all, 16) == 0 || memcmp(dst, &s->ll, 16) == 0;
}

static bool
site_addr_in_use(void *ctx, const struct in6_addr *addr)
{
	return hosts_known(&((struct site *)ctx)->hosts, addr);
}

static void
server_save_leases(struct server *srv)
{
	char err[512];

	if (leases_save(&srv->state, &srv->leases, err, sizeof(err)) != 0)
		log_warnx("DHCPv6: %s", err);
}

/* A DHCPv6 client message from the site (RFC 8415 7.1: to ff02::1:2, or
 * to us): answered here, never passed to the kernel. Returns the drop
 * reason, or DHCP6_OK when answered. */
static enum dhcp6_drop
site_dhcp6(struct site *s, const struct frame_udp6 *u, uint64_t now)
{
	struct server *srv = s->srv;
	const struct conf_server *c = &srv->conf;
	struct dhcp6_server ds = {
		.site = s->conf.name, .sub = s->sub,
		.duid = srv->duid, .duid_len = sizeof(srv->duid),
		.dns = c->dns, .n_dns = c->n_dns,
		.domains = c->dns_search, .domains_len = c->dns_search_len,
		.preferred = c->dhcpv6_preferred, .valid = c->dhcpv6_valid,
		.key = srv->resp.pub, .in_use = site_addr_in_use, .in_use_ctx = s,
	};
	struct dhcp6_msg req, reply;
	struct frame_udp6 out = {
		.src = s->ll, .dst = u->src, .hop_limit = 255,
		.sport = DHCP6_SERVER_PORT, .dport = DHCP6_CLIENT_PORT,
	};
	uint8_t msg[DHCP6_MSG_MAX], frame[SITE_FRAME_MAX];
	enum dhcp6_drop d;
	bool changed;
	size_t len;

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
	    (d = dhcp6_server_answer(&ds, &srv->leases, &req, (uint64_t)time(NULL), &reply, &changed)) != DHCP6_OK)
		return d;
	srv->leases_dirty |= changed;
	/* what is bound is reachable from the internet before the host
	 * sends a packet: the NDP proxy knows it now */
	for (size_t i = 0; reply.type == DHCP6_REPLY && i < reply.n_ia_na; i++)
		for (size_t j = 0; j < reply.ia_na[i].n_addrs; j++)
			if (reply.ia_na[i].addrs[j].valid != 0)
				(void)hosts_learn(&s->hosts, &reply.ia_na[i].addrs[j].addr, now);
	if ((len = dhcp6_build(&reply, msg, sizeof(msg))) == 0)
		return DHCP6_OK;
	memcpy(out.eth_dst, u->eth_src, 6);
	memcpy(out.eth_src, s->mac, 6);
	out.payload = msg;
	out.len = len;
	if ((len = frame_udp6_build(&out, frame, sizeof(frame))) != 0)
		(void)site_send_frame(s, frame, len, now);
	return DHCP6_OK;
}

/* A frame from the site, before it reaches the tap: the rogue-RA guard,
 * source validation, host learning for the NDP proxy, and neighbor
 * discovery we answer ourselves. Returns TUNNEL_OK to pass the frame on,
 * a drop reason, or DROP_MAX for a frame consumed here. */
static enum tunnel_drop
site_check_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now)
{
	struct in6_addr src;
	struct ndp_msg m;
	enum ndp_err e;

	switch (frame_classify(frame, len, &src)) {
	case FRAME_RA:
	case FRAME_DHCP6_SERVER:
		return DROP_ROGUE_RA;
	case FRAME_OTHER:
		return TUNNEL_OK;
	case FRAME_IPV6:
		break;
	}
	if (!site_source_ok(s, &src))
		return DROP_SOURCE;
	if (!IN6_IS_ADDR_UNSPECIFIED(&src) && !IN6_IS_ADDR_LINKLOCAL(&src))
		(void)hosts_learn(&s->hosts, &src, now);
	if ((e = ndp_parse(frame, len, &m)) == NDP_NOT_NDP) {
		struct frame_udp6 u;
		enum dhcp6_drop d;
		int r;

		u.dport = 0;
		if (!s->srv->conf.dhcpv6 || (r = frame_udp6_parse(frame, len, &u)) == 0 ||
		    u.dport != DHCP6_SERVER_PORT)
			return TUNNEL_OK;
		if (r < 0)
			d = DHCP6_DROP_BAD_UDP;
		else if (!site_dhcp6_for_us(s, &u.dst))
			return TUNNEL_OK;       /* to a server of the home's own */
		else if (!frame_udp6_checksum_ok(&u))
			d = DHCP6_DROP_BAD_UDP;
		else
			d = site_dhcp6(s, &u, now);
		if (d != DHCP6_OK)
			s->dhcp6_drops[d]++;
		return DROP_MAX;
	}
	if (e != NDP_OK) {
		log_debug("peer %s: neighbor discovery dropped: %s", s->conf.name, ndp_err_name(e));
		return DROP_BAD_NDP;
	}
	switch (m.type) {
	case NDP_RS:
		site_answer_rs(s, &m, now);
		return DROP_MAX;
	case NDP_NA:
		/* a host claims target: only an address of this site */
		if (IN6_IS_ADDR_LINKLOCAL(&m.target))
			return TUNNEL_OK;
		if (!prefix_contains(&s->sub, &m.target))
			return DROP_SOURCE;
		(void)hosts_learn(&s->hosts, &m.target, now);
		ndproxy_site_answered(s->srv->proxy, s, &m.target);
		return TUNNEL_OK;
	default:
		return TUNNEL_OK;
	}
}

static void
server_data(struct server *srv, uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	struct site *s;
	size_t flen, slot;
	enum tunnel_drop d;

	if (len < WIRE_DATA_MIN_LEN) {
		srv->st.drops[DROP_LENGTH]++;
		return;
	}
	slot = util_get_le32(pkt + 4) & 0xffff;
	if (slot >= srv->n_slots || (s = srv->sites[slot]) == NULL) {
		srv->st.drops[DROP_INDEX]++;
		return;
	}
	if ((d = tunnel_open_data(&s->tp, pkt, len, now, &flen)) != TUNNEL_OK) {
		/* an unauthenticated datagram is not the peer's fault */
		srv->st.drops[d]++;
		return;
	}
	/* roaming: follow the peer to where its authenticated packets come from */
	if (!endpoint_equal(&s->tp.ep, from)) {
		char a[TRANSPORT_ADDRSTRLEN], b[TRANSPORT_ADDRSTRLEN];

		endpoint_format(&s->tp.ep, a, sizeof(a));
		endpoint_format(from, b, sizeof(b));
		log_info("peer %s: endpoint %s -> %s", s->conf.name, a, b);
	}
	s->tp.ep = *from;       /* and the address it came to */
	site_set_carrier(s, true);
	if (flen == 0) {
		/* keepalive: answer, so the client can tell a dead path */
		uint8_t ka[WIRE_DATA_MIN_LEN];
		size_t kl;

		if (tunnel_seal_data(&s->tp, ka, 0, sizeof(ka), now, &kl) == TUNNEL_OK)
			server_send(srv, &s->tp.ep, ka, kl);
		return;
	}
	if ((d = site_check_frame(s, pkt + WIRE_DATA_HEADER_LEN, flen, now)) != TUNNEL_OK) {
		if (d != DROP_MAX)
			s->tp.st.drops[d]++;
		return;
	}
	tap_out_frame(&srv->tap_out, s->tap_fd, s->offload, pkt + WIRE_DATA_HEADER_LEN, flen,
	    &s->tp.st.drops[DROP_TAP]);
}

static void
server_initiation(struct server *srv, const uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	uint8_t reply[WIRE_RESPONSE_LEN];
	size_t rlen = 0;
	struct tunnel_peer *tp;
	enum tunnel_reply kind;
	enum tunnel_drop d;

	d = tunnel_consume_initiation(&srv->resp, server_lookup_key, srv, pkt, len, from, now, &tp, reply, &rlen, &kind);
	if (d != TUNNEL_OK) {
		srv->st.drops[d]++;
		return;
	}
	if (kind != TUNNEL_REPLY_NONE)
		server_send(srv, from, reply, rlen);
	if (kind == TUNNEL_REPLY_RESPONSE) {
		struct site *s = server_site_of(tp);
		char a[TRANSPORT_ADDRSTRLEN];

		endpoint_format(from, a, sizeof(a));
		log_info("peer %s: handshake from %s", s->conf.name, a);
		site_set_carrier(s, true);
	}
}

static void
udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	uint64_t now = util_now_ms();
	int n;

	(void)what;
	while ((n = transport_recv(fd, &srv->rx)) > 0) {
		srv->activity++;
		for (int i = 0; i < n; i++) {
			size_t total = srv->rx.msgs[i].msg_len, seg = srv->rx.seg[i], off = 0;

			/* one datagram, or a GRO burst of them from one sender */
			do {
				uint8_t *pkt = srv->rx.buf[i] + off;
				size_t len = total - off < seg ? total - off : seg;

				off += seg;
				if (len < 4)
					srv->st.drops[DROP_SHORT]++;
				else if (pkt[0] == WIRE_DATA)
					server_data(srv, pkt, len, &srv->rx.ep[i], now);
				else if (pkt[0] == WIRE_INITIATION)
					server_initiation(srv, pkt, len, &srv->rx.ep[i], now);
				else
					srv->st.drops[DROP_TYPE]++;
			} while (off < total);
		}
		tap_out_flush(&srv->tap_out);
		if ((unsigned)n < srv->rx.nbuf)
			break;
	}
}

/* Seal one frame (len bytes, at pkt + WIRE_DATA_HEADER_LEN, where
 * transport_reserve put room for it) and queue it. */
static void
site_queue_frame(struct site *s, struct transport_tx *tx, uint8_t *pkt, size_t len, uint64_t now)
{
	size_t plen;
	enum tunnel_drop d;

	if ((d = tunnel_seal_data(&s->tp, pkt, len, len + WIRE_DATA_MIN_LEN, now, &plen)) != TUNNEL_OK)
		s->tp.st.drops[d]++;
	else
		transport_commit(tx, plen, &s->tp.ep);
}

static void
tap_read(evutil_socket_t fd, short what, void *arg)
{
	struct site *s = arg;
	struct server *srv = s->srv;
	uint64_t now = util_now_ms();
	struct transport_tx *tx;
	int ufd;

	(void)what;
	if (s->tp.ep.len == 0) {
		while (read(fd, srv->tap_in, GSO_HDR_LEN + GSO_FRAME_MAX) > 0)
			s->tp.st.drops[DROP_NO_SESSION]++;
		return;
	}
	tx = s->tp.ep.u.sa.sa_family == AF_INET6 ? &srv->tx6 : &srv->tx4;
	ufd = s->tp.ep.u.sa.sa_family == AF_INET6 ? srv->udp6 : srv->udp4;
	for (int i = 0; i < TRANSPORT_BATCH; i++) {
		struct virtio_net_hdr vh;
		struct gso_seg seg;
		ssize_t n;
		size_t len;

		if (!s->offload) {
			uint8_t *pkt = transport_reserve(tx, ufd, WIRE_DATA_MAX_LEN);

			if ((n = read(fd, pkt + WIRE_DATA_HEADER_LEN, WIRE_FRAME_MAX)) <= 0)
				break;
			srv->activity++;
			site_queue_frame(s, tx, pkt, (size_t)n, now);
			continue;
		}
		/* a burst of TCP in one frame: cut into segments, each sealed
		 * where it will leave from */
		if ((n = read(fd, srv->tap_in, GSO_HDR_LEN + GSO_FRAME_MAX)) <= 0)
			break;
		srv->activity++;
		memcpy(&vh, srv->tap_in, sizeof(vh));
		if ((size_t)n < GSO_HDR_LEN ||
		    !gso_seg_init(&seg, &vh, srv->tap_in + GSO_HDR_LEN, (size_t)n - GSO_HDR_LEN)) {
			s->tp.st.drops[DROP_TOO_BIG]++;
			continue;
		}
		while ((len = gso_seg_next_len(&seg)) != 0) {
			uint8_t *pkt = transport_reserve(tx, ufd, len + WIRE_DATA_MIN_LEN);

			gso_seg_next(&seg, pkt + WIRE_DATA_HEADER_LEN);
			site_queue_frame(s, tx, pkt, len, now);
		}
	}
	s->tp.st.drops[DROP_SEND] += transport_flush(tx, ufd);
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	uint64_t now = util_now_ms();

	(void)fd;
	(void)what;
	for (size_t i = 0; i < srv->n_slots; i++) {
		struct site *s = srv->sites[i];

		if (s == NULL)
			continue;
		if (s->tp.prev.live && session_expired(&s->tp.prev, now))
			session_wipe(&s->tp.prev);
		if (s->tp.cur.live && session_expired(&s->tp.cur, now))
			session_wipe(&s->tp.cur);       /* keys zeroed on expiry */
		site_set_carrier(s, tunnel_peer_live(&s->tp, now));
		site_ra_tick(s, now);
		hosts_expire(&s->hosts, now);
	}
	ndproxy_tick(srv->proxy, now);
	if (now >= srv->next_expire_ms) {
		srv->next_expire_ms = now + LEASE_SWEEP_MS;
		srv->leases_dirty |= lease_expire(&srv->leases, (uint64_t)time(NULL)) != 0;
	}
	if (srv->leases_dirty) {
		server_save_leases(srv);
		srv->leases_dirty = false;
	}
}

static int server_reload(struct server *srv, char *err, size_t errlen);
static int server_peer_add(struct server *srv, const char *name, const char *b64, const char *sub,
    struct evbuffer *out, char *err, size_t errlen);
static int server_peer_remove(struct server *srv, const char *name, struct evbuffer *out, char *err,
    size_t errlen);

/* reload, peer add NAME KEY SUB, peer remove NAME: each reply ends with
 * error=WHY on failure. */
static int
ctl_change(struct server *srv, const char *req, struct evbuffer *out)
{
	char buf[CTL_REQUEST_MAX], err[CONF_ERR_LEN] = "", *w[6], *save = NULL;
	size_t n = 0;
	int rc;

	snprintf(buf, sizeof(buf), "%s", req);
	for (char *t = strtok_r(buf, " ", &save); t != NULL && n < 6; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n == 1 && strcmp(w[0], "reload") == 0) {
		rc = server_reload(srv, err, sizeof(err)) == 0 ? 0 : EINVAL;
		if (rc == 0)
			evbuffer_add_printf(out, "result=reloaded %s: %zu peers\n", srv->conf_path, srv->conf.n_peers);
	} else if (n == 5 && strcmp(w[1], "add") == 0) {
		rc = server_peer_add(srv, w[2], w[3], w[4], out, err, sizeof(err));
	} else if (n == 3 && strcmp(w[1], "remove") == 0) {
		rc = server_peer_remove(srv, w[2], out, err, sizeof(err));
	} else {
		snprintf(err, sizeof(err), "usage: reload | peer add NAME PUBKEY SUB-PREFIX | peer remove NAME");
		rc = EINVAL;
	}
	if (rc != 0) {
		/* one line: a config error names FILE:LINE, never a newline */
		for (char *p = err; *p; p++)
			if (*p == '\n' || (unsigned char)*p < 0x20)
				*p = ' ';
		evbuffer_add_printf(out, "error=%s: %s\n", n ? w[0] : "request", err[0] ? err : strerror(rc));
	}
	return rc;
}

/* "leases": one block per binding, sorted by nothing in particular. */
static int
ctl_leases(struct server *srv, struct evbuffer *out)
{
	char a[INET6_ADDRSTRLEN], hex[2 * DHCP6_DUID_MAX + 1];

	for (size_t i = 0; i < srv->leases.n; i++) {
		const struct lease *e = &srv->leases.v[i];

		inet_ntop(AF_INET6, &e->addr, a, sizeof(a));
		util_hex_encode(hex, e->duid, e->duid_len);
		evbuffer_add_printf(out, "lease=%s\nsite=%s\nstate=%s\nduid=%s\niaid=%u\nexpires=%llu\n",
		    a, e->site, e->duid_len ? "bound" : "declined", hex, (unsigned)e->iaid,
		    (unsigned long long)e->expires);
	}
	return 0;
}

static int
ctl_handle(void *ctx, const char *req, struct evbuffer *out)
{
	struct server *srv = ctx;
	char key[KEY_B64_LEN + 1], ep[TRANSPORT_ADDRSTRLEN], pb[PREFIX_STRLEN];
	uint64_t now = util_now_ms();

	if (strcmp(req, "leases") == 0)
		return ctl_leases(srv, out);
	if (strcmp(req, "reload") == 0 || strncmp(req, "peer ", 5) == 0)
		return ctl_change(srv, req, out);
	if (strcmp(req, "show") != 0)
		return EINVAL;
	key_to_base64(key, srv->resp.pub);
	prefix_format(&srv->prefix, pb, sizeof(pb));
	evbuffer_add_printf(out, "role=server\npublic_key=%s\nlisten_port=%u\nprefix=%s\nupstream=%s\n"
	    "ndp_proxy=%s\n", key, srv->conf.listen_port, pb, srv->conf.upstream,
	    srv->conf.ndp_proxy == CONF_NDP_AUTO ? "auto" : srv->conf.ndp_proxy == CONF_NDP_STATIC ? "static" : "off");
	if (srv->proxy != NULL) {
		const struct ndproxy_stats *ps = ndproxy_stats(srv->proxy);

		evbuffer_add_printf(out, "ndp_solicitations=%llu\nndp_answered=%llu\nndp_asked=%llu\n"
		    "ndp_invalid=%llu\n", (unsigned long long)ps->solicitations,
		    (unsigned long long)ps->answered, (unsigned long long)ps->asked,
		    (unsigned long long)ps->invalid);
	}
	ctl_add_offload(out, srv->offload, &srv->rx, &srv->tx6, &srv->tx4, &srv->tap_out);
	ctl_add_drops(out, &srv->st);
	for (size_t i = 0; i < srv->n_slots; i++) {
		struct site *s = srv->sites[i];

		if (s == NULL)
			continue;
		key_to_base64(key, s->tp.remote_pub);
		endpoint_format(&s->tp.ep, ep, sizeof(ep));
		prefix_format(&s->sub, pb, sizeof(pb));
		evbuffer_add_printf(out, "peer=%s\npublic_key=%s\nsub_prefix=%s\ntap=%s\nendpoint=%s\n"
		    "latest_handshake=%llu\nhosts=%zu\nleases=%zu\n"
		    "session=%s\nrx_bytes=%llu\nrx_packets=%llu\ntx_bytes=%llu\ntx_packets=%llu\n",
		    s->conf.name, key, pb, s->conf.tap, s->tp.ep.len ? ep : "",
		    (unsigned long long)s->tp.handshake_wall, hosts_count(&s->hosts),
		    lease_count(&srv->leases, s->conf.name),
		    tunnel_peer_live(&s->tp, now) ? "up" : "down",
		    (unsigned long long)s->tp.st.rx_bytes, (unsigned long long)s->tp.st.rx_packets,
		    (unsigned long long)s->tp.st.tx_bytes, (unsigned long long)s->tp.st.tx_packets);
		evbuffer_add_printf(out, "cipher=%s\n", tunnel_peer_cipher(&s->tp, now));
		ctl_add_drops(out, &s->tp.st);
		for (int d = 1; d < DHCP6_DROP_MAX; d++)
			evbuffer_add_printf(out, "drop_%s=%llu\n", dhcp6_drop_name((enum dhcp6_drop)d),
			    (unsigned long long)s->dhcp6_drops[d]);
	}
	return 0;
}

/* What the upstream interface uses of the /64: its own addresses and its
 * neighbours' (the gateway's global address, say). Those sub-prefixes are
 * never handed out. */
static int
server_used(struct server *srv, struct in6_addr *used, size_t *n_used, char *err, size_t errlen)
{
	struct nl_addr6 addrs[USED_MAX / 2];
	size_t n_addrs, n_neigh;

	if (nl_addrs6(srv->nl, srv->upstream_index, addrs, ARRAY_SIZE(addrs), &n_addrs, err, errlen) != 0 ||
	    nl_neigh6(srv->nl, srv->upstream_index, used + n_addrs, USED_MAX - n_addrs, &n_neigh,
	    err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n_addrs; i++)
		used[i] = addrs[i].addr;
	*n_used = n_addrs + n_neigh;
	return 0;
}

/* Every peer of c its sub-prefix index (out), kept in a and, when that
 * changed, in the state file. */
static int
server_assign(struct server *srv, const struct conf_server *c, struct alloc *a, uint64_t *out,
    char *err, size_t errlen)
{
	struct in6_addr used[USED_MAX];
	size_t n_used;
	bool changed;

	if (server_used(srv, used, &n_used, err, errlen) != 0 ||
	    alloc_assign(a, c->peers, c->n_peers, &srv->prefix, used, n_used, out, &changed, err, errlen) != 0)
		return -1;
	return changed ? alloc_save(&srv->state, a, err, errlen) : 0;
}

/* Settings a reload cannot change under running sites. */
static const char *
server_reload_fixed(const struct conf_server *a, const struct conf_server *b)
{
	if (strcmp(a->private_key_file, b->private_key_file) != 0)
		return "private-key-file";
	if (a->listen_port != b->listen_port)
		return "listen-port";
	if (strcmp(a->upstream, b->upstream) != 0)
		return "upstream";
	if (a->prefix_auto != b->prefix_auto || (!a->prefix_auto && memcmp(&a->prefix, &b->prefix, sizeof(a->prefix)) != 0))
		return "prefix";
	if (a->sub_prefix_len != b->sub_prefix_len)
		return "sub-prefix-length";
	if (a->mtu != b->mtu)
		return "mtu";
	if (a->ndp_proxy != b->ndp_proxy)
		return "ndp-proxy";
	if (strcmp(a->state_dir, b->state_dir) != 0)
		return "state-dir";
	if (strcmp(a->control_group, b->control_group) != 0)
		return "control-group";
	if (strcmp(a->control_socket, b->control_socket) != 0)
		return "control-socket";
	if (a->busy_poll != b->busy_poll)
		return "busy-poll";
	return NULL;
}

/* Peers added at run time (v6ext peer add) live in the state file, not the
 * config: add them to c's peers. A name the config now has is the
 * config's, and no longer a run-time peer. */
static int
server_merge_runtime(struct conf_server *c, struct alloc *a, char *err, size_t errlen)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct alloc_entry *e = &a->v[i];
		struct conf_peer *np, *p;

		if (!e->runtime)
			continue;
		if (conf_server_find_peer(c, e->name) != NULL) {
			(void)alloc_set_runtime(a, e->name, NULL);
			continue;
		}
		if ((np = realloc(c->peers, (c->n_peers + 1) * sizeof(*np))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		c->peers = np;
		p = &np[c->n_peers++];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", e->name);
		memcpy(p->public_key, e->pub, KEY_LEN);
		/* peer add allows names that fit; a longer one was edited in */
		if (strlen(e->name) > IFNAMSIZ - 1 - 4) {
			snprintf(err, errlen, "state file: run-time peer %s: name too long for a tap", e->name);
			return -1;
		}
		snprintf(p->tap, sizeof(p->tap), "v6x-%.11s", e->name);
		p->sub_kind = CONF_SUB_AUTO;    /* its index is in the state file */
	}
	return 0;
}

/* SIGHUP or v6ext reload: peers that are new are added, gone ones removed
 * (with a last RA of lifetime 0), changed ones (key, PSK file, tap or
 * sub-prefix) replaced; the rest keep their sessions. dns, dns-search and
 * the DHCPv6 settings apply from the next message on. Peers added at run
 * time stay. On error nothing changes and err says why. */
static int
server_reload(struct server *srv, char *err, size_t errlen)
{
	struct conf_server nc;
	struct alloc na;
	const char *fixed;
	uint64_t *idx = NULL;

	if (conf_server_load(srv->conf_path, &nc, err, errlen) != 0)
		return -1;
	if ((fixed = server_reload_fixed(&srv->conf, &nc)) != NULL) {
		snprintf(err, errlen, "%s changed, which needs a restart", fixed);
		conf_server_free(&nc);
		return -1;
	}
	if (alloc_copy(&na, &srv->alloc) != 0) {
		snprintf(err, errlen, "out of memory");
		conf_server_free(&nc);
		return -1;
	}
	if (server_merge_runtime(&nc, &na, err, errlen) != 0 ||
	    (idx = calloc(nc.n_peers + 1, sizeof(*idx))) == NULL ||
	    server_assign(srv, &nc, &na, idx, err, errlen) != 0 ||
	    alloc_save(&srv->state, &na, err, errlen) != 0) {
		if (idx == NULL)
			snprintf(err, errlen, "out of memory");
		alloc_free(&na);
		free(idx);
		conf_server_free(&nc);
		return -1;
	}
	alloc_free(&srv->alloc);
	srv->alloc = na;
	for (size_t i = 0; i < srv->n_slots; i++) {
		struct site *s = srv->sites[i];
		const struct conf_peer *cp;

		if (s == NULL)
			continue;
		cp = conf_server_find_peer(&nc, s->conf.name);
		if (cp == NULL || idx[cp - nc.peers] != s->index)
			site_remove(srv, s, true);      /* its sub-prefix is gone */
		else if (memcmp(cp->public_key, s->conf.public_key, KEY_LEN) != 0 ||
		    strcmp(cp->tap, s->conf.tap) != 0 || cp->has_psk != s->conf.has_psk ||
		    strcmp(cp->psk_file, s->conf.psk_file) != 0)
			site_remove(srv, s, false);
		else
			s->conf = *cp;
	}
	for (size_t i = 0; i < nc.n_peers; i++)
		if (server_site_by_name(srv, nc.peers[i].name) == NULL)
			(void)site_add(srv, &nc.peers[i], idx[i]);
	free(idx);
	conf_server_free(&srv->conf);
	srv->conf = nc;
	log_info("reloaded %s: %zu peers", srv->conf_path, nc.n_peers);
	return 0;
}

/* v6ext peer add NAME PUBKEY SUB: a site that lives in the state file. */
static int
server_peer_add(struct server *srv, const char *name, const char *b64, const char *sub,
    struct evbuffer *out, char *err, size_t errlen)
{
	struct conf_peer p = { .sub_kind = CONF_SUB_AUTO };
	struct conf_peer *np;
	char key[KEY_B64_LEN + 1], pb[PREFIX_STRLEN];
	const char *why;
	struct alloc na;
	uint64_t *idx;
	struct site *s;

	if (!conf_peer_name_valid(name) || strlen(name) > IFNAMSIZ - 1 - 4) {
		snprintf(err, errlen, "peer name '%.40s' is not 1..%d characters of A-Z a-z 0-9 _ . -",
		    name, IFNAMSIZ - 1 - 4);
		return EINVAL;
	}
	if (key_from_base64(p.public_key, b64, &why) != 0) {
		snprintf(err, errlen, "public key: %s", why);
		return EINVAL;
	}
	if (strcmp(sub, "auto") != 0) {
		char *end;
		unsigned long long v = strtoull(sub, &end, 10);

		if (*end == '\0' && end != sub && sub[0] != '-') {
			p.sub_kind = CONF_SUB_INDEX;
			p.sub_index = v;
		} else if (prefix_parse(sub, &p.sub_prefix, &why) == 0 &&
		    p.sub_prefix.len == srv->conf.sub_prefix_len) {
			p.sub_kind = CONF_SUB_PREFIX;
		} else {
			snprintf(err, errlen, "sub-prefix '%.60s' is not auto, an index or a /%u inside %s",
			    sub, srv->conf.sub_prefix_len, (prefix_format(&srv->prefix, pb, sizeof(pb)), pb));
			return EINVAL;
		}
	}
	if (p.sub_kind != CONF_SUB_AUTO) {
		/* at run time a taken index is an error: the config's rule (the
		 * configured peer wins) would renumber a live site */
		uint64_t want = p.sub_index;

		if (p.sub_kind == CONF_SUB_PREFIX &&
		    prefix_sub_index(&srv->prefix, srv->conf.sub_prefix_len, &p.sub_prefix.addr, &want) != 0) {
			snprintf(err, errlen, "sub-prefix %.60s is not inside %s", sub,
			    (prefix_format(&srv->prefix, pb, sizeof(pb)), pb));
			return EINVAL;
		}
		for (size_t i = 0; i < srv->alloc.n; i++) {
			if (srv->alloc.v[i].index == want && strcmp(srv->alloc.v[i].name, name) != 0) {
				snprintf(err, errlen, "sub-prefix index %llu belongs to %s",
				    (unsigned long long)want, srv->alloc.v[i].name);
				return EEXIST;
			}
		}
	}
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.tap, sizeof(p.tap), "v6x-%.11s", name);
	if (conf_server_find_peer(&srv->conf, name) != NULL) {
		snprintf(err, errlen, "peer %s exists", name);
		return EEXIST;
	}
	for (size_t i = 0; i < srv->conf.n_peers; i++) {
		if (sodium_memcmp(srv->conf.peers[i].public_key, p.public_key, KEY_LEN) == 0) {
			snprintf(err, errlen, "peer %s has that public key", srv->conf.peers[i].name);
			return EEXIST;
		}
	}
	if ((np = realloc(srv->conf.peers, (srv->conf.n_peers + 1) * sizeof(*np))) == NULL)
		return ENOMEM;
	srv->conf.peers = np;
	np[srv->conf.n_peers++] = p;
	if ((idx = calloc(srv->conf.n_peers, sizeof(*idx))) == NULL || alloc_copy(&na, &srv->alloc) != 0) {
		free(idx);
		srv->conf.n_peers--;
		return ENOMEM;
	}
	if (server_assign(srv, &srv->conf, &na, idx, err, errlen) != 0 ||
	    alloc_set_runtime(&na, name, p.public_key) != 0 ||
	    alloc_save(&srv->state, &na, err, errlen) != 0) {
		alloc_free(&na);
		free(idx);
		srv->conf.n_peers--;
		return EINVAL;
	}
	alloc_free(&srv->alloc);
	srv->alloc = na;
	if (site_add(srv, &p, idx[srv->conf.n_peers - 1]) != 0) {
		char serr[CONF_ERR_LEN];

		free(idx);
		srv->conf.n_peers--;
		/* the peer is not kept: the state file must not bring it back */
		(void)alloc_set_runtime(&srv->alloc, name, NULL);
		if (alloc_save(&srv->state, &srv->alloc, serr, sizeof(serr)) != 0)
			log_warnx("peer %s: %s", name, serr);
		snprintf(err, errlen, "peer %s: the site could not start (see the daemon's log)", name);
		return EIO;
	}
	free(idx);
	s = server_site_by_name(srv, name);
	key_to_base64(key, srv->resp.pub);
	prefix_format(&s->sub, pb, sizeof(pb));
	evbuffer_add_printf(out, "peer=%s\nsub_prefix=%s\ntap=%s\nserver_public_key=%s\nlisten_port=%u\n",
	    name, pb, s->conf.tap, key, srv->conf.listen_port);
	log_info("peer %s: added at run time", name);
	return 0;
}

/* v6ext peer remove NAME: only a peer added at run time; one from the
 * config file goes by editing it and reloading. */
static int
server_peer_remove(struct server *srv, const char *name, struct evbuffer *out, char *err, size_t errlen)
{
	const struct alloc_entry *e = alloc_find(&srv->alloc, name);
	struct site *s = server_site_by_name(srv, name);
	struct conf_peer *p = (struct conf_peer *)conf_server_find_peer(&srv->conf, name);

	if (s == NULL || p == NULL) {
		snprintf(err, errlen, "no peer %.40s", name);
		return ENOENT;
	}
	if (e == NULL || !e->runtime) {
		snprintf(err, errlen, "peer %s is in %s: remove it there, then v6ext reload", name, srv->conf_path);
		return EPERM;
	}
	(void)alloc_set_runtime(&srv->alloc, name, NULL);
	if (alloc_save(&srv->state, &srv->alloc, err, errlen) != 0) {
		(void)alloc_set_runtime(&srv->alloc, name, p->public_key);
		return EIO;
	}
	site_remove(srv, s, true);
	*p = srv->conf.peers[--srv->conf.n_peers];
	evbuffer_add_printf(out, "result=peer %s removed\n", name);
	return 0;
}

/* The upstream interface: its index and MAC, the /64 (prefix = auto: the
 * one global /64 on it), and the sysctls a router needs. Forwarding makes
 * Linux ignore RAs and purge the RA-learnt default route unless accept_ra
 * is 2 (the ndppd-on-a-VPS outage), so an interface that takes RAs
 * (accept_ra = 1) is switched to 2 first, and this is logged; one that
 * takes none (0, a static default route) is left alone. */
static int
server_upstream(struct server *srv, char *err, size_t errlen)
{
	const char *up = srv->conf.upstream;
	char pb[PREFIX_STRLEN];
	int accept_ra, fwd;

	if ((srv->upstream_index = nl_link_index(srv->nl, up)) == 0) {
		snprintf(err, errlen, "upstream %s: no such interface", up);
		return -1;
	}
	if (nl_link_mac(srv->nl, up, srv->upstream_mac) != 0) {
		snprintf(err, errlen, "upstream %s: not an Ethernet interface", up);
		return -1;
	}
	if (srv->conf.prefix_auto) {
		struct nl_addr6 a[USED_MAX / 2];
		struct in6_addr addrs[USED_MAX / 2];
		uint8_t plens[USED_MAX / 2];
		size_t n;
		int found;

		if (nl_addrs6(srv->nl, srv->upstream_index, a, ARRAY_SIZE(a), &n, err, errlen) != 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			addrs[i] = a[i].addr;
			plens[i] = a[i].plen;
		}
		found = prefix_base_pick(addrs, plens, n, &srv->prefix);
		if (found != 1) {
			snprintf(err, errlen, "prefix = auto: upstream %s has %s global /64 address;"
			    " set prefix = <the /64> in the config", up, found == 0 ? "no" : "more than one");
			return -1;
		}
	} else {
		srv->prefix = srv->conf.prefix;
	}
	prefix_format(&srv->prefix, pb, sizeof(pb));
	log_info("upstream %s: prefix %s, sub-prefixes /%u", up, pb, srv->conf.sub_prefix_len);
	if (sysctl_ipv6_get(up, "accept_ra", &accept_ra, err, errlen) != 0 ||
	    sysctl_ipv6_get("all", "forwarding", &fwd, err, errlen) != 0)
		return -1;
	if (accept_ra == 1) {
		if (sysctl_ipv6_set(up, "accept_ra", 2, err, errlen) != 0)
			return -1;
		log_info("upstream %s: accept_ra 1 -> 2, so its RA-learnt default route survives forwarding", up);
	}
	if (fwd != 1) {
		if (sysctl_ipv6_set("all", "forwarding", 1, err, errlen) != 0)
			return -1;
		log_info("IPv6 forwarding on");
	}
	return 0;
}

/* Everything that needs root is open: keep CAP_NET_ADMIN and CAP_NET_RAW
 * only, as the configured user if any. The state files must stay writable
 * for peer add and leases, so they are handed over first. */
static int
server_drop_privileges(struct server *srv, char *err, size_t errlen)
{
	/* Until the privileged parent does the writing, the directory (not its
	 * files: a write replaces them) goes to the user, and
	 * statefile_dir_open takes it back at the next start. The control
	 * socket stays root's: serving it needs only its descriptor. */
	const char *paths[] = { srv->state.path, NULL };

	/* as another user, /dev/net/tun may be out of reach for peer add */
	if (srv->conf.user[0] != '\0' && tap_helper_start() != 0) {
		snprintf(err, errlen, "tap helper: %s", strerror(errno));
		return -1;
	}
	if (privdrop(srv->conf.user, paths, err, errlen) != 0)
		return -1;
	log_info("running as %s with CAP_NET_ADMIN and CAP_NET_RAW only",
	    srv->conf.user[0] ? srv->conf.user : "root");
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	if (sig == SIGHUP) {
		char err[CONF_ERR_LEN];

		if (server_reload(srv, err, sizeof(err)) != 0)
			log_warnx("reload: %s; keeping the running configuration", err);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(srv->base);
}

static void
usage(void)
{
	fprintf(stderr, "usage: v6extd -c FILE [-f] [-n] [-v]\n"
	    "  -c FILE  configuration file\n"
	    "  -f       stay in the foreground\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       more logging (debug)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct server srv = { .udp6 = -1, .udp4 = -1 };
	bool check_only = false, foreground = false;
	char err[CONF_ERR_LEN];
	uint8_t priv[KEY_LEN];
	int verbose = 0, ch, sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	uint64_t *idx;
	struct timeval one = { 1, 0 };
	struct ctl_access acc;
	int ctl_fd;

	while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
		switch (ch) {
		case 'c': srv.conf_path = optarg; break;
		case 'f': foreground = true; break;
		case 'n': check_only = true; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (srv.conf_path == NULL || optind != argc)
		usage();
	log_init("v6extd", verbose, false);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if (conf_server_load(srv.conf_path, &srv.conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (key_read_file(srv.conf.private_key_file, priv, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	for (size_t i = 0; i < srv.conf.n_peers; i++) {
		uint8_t psk[KEY_LEN];

		if (srv.conf.peers[i].has_psk &&
		    key_read_file(srv.conf.peers[i].psk_file, psk, err, sizeof(err)) != 0) {
			log_warnx("peer %s: %s", srv.conf.peers[i].name, err);
			return 1;
		}
		sodium_memzero(psk, sizeof(psk));
	}
	if (check_only) {
		printf("%s: configuration OK (%zu peers)\n", srv.conf_path, srv.conf.n_peers);
		sodium_memzero(priv, sizeof(priv));
		conf_server_free(&srv.conf);
		return 0;
	}
	if (!foreground) {
		if (daemon(0, 0) != 0)
			fatal("daemon");
		log_init("v6extd", verbose, true);     /* stderr is /dev/null now */
	}
	tunnel_responder_init(&srv.resp, priv);
	srv.resp.allow_aesgcm = util_env_on("V6EXT_AESGCM");
	sodium_memzero(priv, sizeof(priv));
	signal(SIGPIPE, SIG_IGN);
	if ((srv.base = event_base_new()) == NULL)
		fatalx("libevent: no event base");
	if ((srv.nl = nl_open(err, sizeof(err))) == NULL)
		fatalx("%s", err);
	srv.offload = transport_offload_enabled();
	/* a group of our own (the high bit keeps clear of the small numbers
	 * operators use), so a stop deletes exactly our taps */
	srv.tap_group = 0x80000000u | randombytes_uniform(0x80000000u);
	if (transport_rx_init(&srv.rx, SERVER_RX_BUFS, PKT_CAP) != 0 ||
	    transport_tx_init(&srv.tx6, srv.offload) != 0 || transport_tx_init(&srv.tx4, srv.offload) != 0 ||
	    tap_out_init(&srv.tap_out, srv.offload) != 0 ||
	    (srv.tap_in = malloc(GSO_HDR_LEN + GSO_FRAME_MAX)) == NULL)
		fatalx("out of memory");
	srv.udp6 = transport_open(AF_INET6, srv.conf.listen_port, srv.offload, err, sizeof(err));
	if (srv.udp6 < 0)
		log_warnx("%s", err);
	srv.udp4 = transport_open(AF_INET, srv.conf.listen_port, srv.offload, err, sizeof(err));
	if (srv.udp4 < 0)
		log_warnx("%s", err);
	if (srv.udp6 < 0 && srv.udp4 < 0)
		fatalx("no UDP socket: cannot listen on port %u", srv.conf.listen_port);
	if (srv.udp6 >= 0) {
		srv.ev_udp6 = event_new(srv.base, srv.udp6, EV_READ | EV_PERSIST, udp_read, &srv);
		event_add(srv.ev_udp6, NULL);
	}
	if (srv.udp4 >= 0) {
		srv.ev_udp4 = event_new(srv.base, srv.udp4, EV_READ | EV_PERSIST, udp_read, &srv);
		event_add(srv.ev_udp4, NULL);
	}
	if (server_upstream(&srv, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if ((idx = calloc(srv.conf.n_peers + 1, sizeof(*idx))) == NULL)
		fatalx("out of memory");
	alloc_init(&srv.alloc, srv.conf.sub_prefix_len);
	leases_init(&srv.leases);
	dhcp6_server_duid(srv.resp.pub, srv.duid);
	if (state_open(&srv.state, srv.conf.state_dir, srv.conf.sub_prefix_len, err, sizeof(err)) != 0 ||
	    leases_load(&srv.state, &srv.leases, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (alloc_load(&srv.state, &srv.alloc, err, sizeof(err)) != 0 ||
	    server_merge_runtime(&srv.conf, &srv.alloc, err, sizeof(err)) != 0)
		fatalx("%s", err);
	free(idx);
	if ((idx = calloc(srv.conf.n_peers + 1, sizeof(*idx))) == NULL)
		fatalx("out of memory");
	if (server_assign(&srv, &srv.conf, &srv.alloc, idx, err, sizeof(err)) != 0)
		fatalx("%s", err);
	for (size_t i = 0; i < srv.conf.n_peers; i++)
		if (site_add(&srv, &srv.conf.peers[i], idx[i]) != 0)
			fatalx("peer %s: cannot start", srv.conf.peers[i].name);
	free(idx);
	if (srv.conf.ndp_proxy != CONF_NDP_OFF && (srv.proxy = ndproxy_open(&srv, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (srv.conf.metrics_enabled && (srv.metrics = metrics_open(&srv, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	ctl_access_init(&acc, srv.conf.control_group, srv.conf.control_gid);
	if ((ctl_fd = ctl_bind(srv.conf.control_socket, acc.gid, err, sizeof(err))) < 0 ||
	    (srv.ctl = ctl_listen_fd(srv.base, ctl_fd, ctl_handle, &srv, &acc, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	for (int i = 0; i < 3; i++) {
		srv.ev_sig[i] = evsignal_new(srv.base, sigs[i], on_signal, &srv);
		event_add(srv.ev_sig[i], NULL);
	}
	srv.ev_tick = event_new(srv.base, -1, EV_PERSIST, tick, &srv);
	event_add(srv.ev_tick, &one);
	if (server_drop_privileges(&srv, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("listening on port %u, %zu peers", srv.conf.listen_port, srv.conf.n_peers);

	evloop_run(srv.base, srv.conf.busy_poll, &srv.activity);

	ndproxy_close(srv.proxy);
	metrics_close(srv.metrics);
	if (srv.leases_dirty)
		server_save_leases(&srv);
	/* all taps in one batch; closing them one by one takes 35 ms each */
	if (nl_link_group_delete(srv.nl, srv.tap_group, err, sizeof(err)) != 0)
		log_warnx("%s", err);
	for (size_t i = 0; i < srv.n_slots; i++)
		if (srv.sites[i] != NULL)
			site_remove(&srv, srv.sites[i], false);
	alloc_free(&srv.alloc);
	leases_free(&srv.leases);
	statefile_dir_close(&srv.state);
	free(srv.sites);
	ctl_close(srv.ctl);
	ctl_unbind(srv.conf.control_socket);    /* as `user` it stays, and the next start removes it */
	for (int i = 0; i < 3; i++)
		event_free(srv.ev_sig[i]);
	event_free(srv.ev_tick);
	if (srv.ev_udp6)
		event_free(srv.ev_udp6);
	if (srv.ev_udp4)
		event_free(srv.ev_udp4);
	tunnel_responder_wipe(&srv.resp);
	transport_rx_free(&srv.rx);
	transport_tx_free(&srv.tx6);
	transport_tx_free(&srv.tx4);
	tap_out_free(&srv.tap_out);
	free(srv.tap_in);
	nl_close(srv.nl);
	event_base_free(srv.base);
	conf_server_free(&srv.conf);
	return 0;
}
