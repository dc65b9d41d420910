/* SPDX-License-Identifier: ISC */
/* v6ext-client: the home-side daemon. One tunnel to a gateway at a time
 * (`server`, or a `standby-server` while the better ones are dead:
 * failover.h), its tap a port of the home bridge. The client always
 * initiates: at start, after a silent path, when its own addresses change,
 * and every REKEY_AFTER seconds.
 *
 * Privilege: as root it reads its key, makes the tap and the bridge, opens
 * its sockets and the control socket; then it becomes `user` with no
 * capabilities at all (carrier on its own tap needs none) and enters its
 * seccomp filter, before it reads a byte from the network.
 *
 * Timers (checked every 250 ms):
 *   handshake retry   5 s without a response -> next address, back-off
 *   back-off          1, 2, 4, ... 30 s between rounds; re-resolve each round
 *   keepalive         empty data after `keepalive` s without sending
 *   probe             empty data after 1 s of hearing nothing (the gateway
 *                     answers each), so a live path is never silent long
 *   dead path         heard nothing for `dead-after` s -> the next gateway
 *                     (or the same again, when it is the only one); with
 *                     dead-after 0, sent but heard nothing for keepalive + 5 s
 *   hand-over         the site's delegations to a new session, 3 times 1 s
 *                     apart (leasecarry.h)
 *   failback          a better gateway answered every 5 s probe for
 *                     `failback-after` s -> back to it
 *   path change       an address of ours came or went -> handshake now
 *                     (at most one a second) */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <sodium.h>

#include "conf.h"
#include "ctl.h"
#include "datapath.h"
#include "evloop.h"
#include "failover.h"
#include "frame.h"
#include "keyring.h"
#include "keys.h"
#include "log.h"
#include "nl.h"
#include "nlmon.h"
#include "privdrop.h"
#include "sandbox.h"
#include "tap.h"
#include "transport.h"
#include "tunnel.h"
#include "util.h"

#define RETRY_MS       5000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define PATH_CHANGE_MS 1000     /* at most one handshake per second for address changes */
#define PROBE_MS       1000     /* hearing nothing this long: ask */
#define CANDIDATES_MAX 8
#define ADDRS_MAX      64       /* our global addresses, watched for changes */
/* Receive buffers per recvmmsg: 64 KB each, as a GRO burst fills one */
#define CLIENT_RX_BUFS 2
/* The home side's tap takes any frame the bridge passes, so an oversize one
 * reaches us and can be answered with a Packet Too Big (a bridge drops frames
 * over a port's MTU silently); the inner MTU is enforced in client_guard. */
#define CLIENT_TAP_MTU 65521  /* the tun driver's maximum */

/* A gateway: where it is, and our sessions with it. */
struct client_gw {
	struct conf_gateway conf;
	const char *name;               /* "server", "standby1", ... */
	struct tunnel_peer *tp;         /* sodium_malloc: the session keys */
	struct endpoint cand[CANDIDATES_MAX];   /* resolved addresses, v6 first */
	size_t n_cand, cur_cand;
};

struct client {
	const char *conf_path;
	struct conf_client conf;
	struct event_base *base;
	uint8_t *priv;                  /* sodium_malloc: our private key */
	struct keyring keys;            /* the pre-shared key, likewise */
	struct client_gw gw[FAILOVER_MAX];
	size_t n_gw;
	struct failover fo;             /* which one is active */
	struct client_gw *act;          /* gw[fo.active] */
	struct tunnel_peer *tp;         /* act->tp: the one the data path uses */
	struct cookie_checker cc;       /* mac1 on responses is keyed by our key */
	struct datapath dp;
	int tap_fd, tap_index, monitor;
	struct event *ev_udp6, *ev_udp4, *ev_tap, *ev_tick, *ev_sig[3], *ev_monitor;
	uint64_t backoff_ms, next_try_ms;
	uint64_t probe_ms;              /* the last probe of the active gateway */
	uint8_t carry[DATAPATH_FRAME_MAX];      /* the site's delegations, as the */
	size_t carry_len;                       /* last gateway sent them (leasecarry.h) */
	uint8_t handover[DATAPATH_FRAME_MAX];   /* what goes to a new session: the */
	size_t handover_len;                    /* copy as it was when it came up, */
	unsigned handover_left;                 /* sent this many more times, */
	uint64_t handover_ms;                   /* a second apart */
	uint64_t path_change_ms;        /* the last handshake an address change made */
	struct nlmon_event addrs[ADDRS_MAX];    /* our global addresses (not the tap's) */
	size_t n_addrs;
	bool addrs_known;               /* the first dump is in: changes are changes */
	bool carrier;
	struct tunnel_stats st;         /* drops before the server is known */
	struct ctl *ctl;
};

/* Resolve a gateway: IPv6 addresses first (a native IPoE path beats
 * MAP-E / DS-Lite), IPv4 after them as the fallback. */
static void
client_resolve(struct client *c, struct client_gw *g)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_ADDRCONFIG }, *res, *ai;
	char port[8];
	int rc;

	snprintf(port, sizeof(port), "%u", g->conf.port);
	if ((rc = getaddrinfo(g->conf.host, port, &hints, &res)) != 0) {
		/* AI_ADDRCONFIG hides everything in a namespace with only lo */
		hints.ai_flags = 0;
		rc = getaddrinfo(g->conf.host, port, &hints, &res);
	}
	if (rc != 0) {
		log_warnx("%s %s: %s", g->name, g->conf.host, gai_strerror(rc));
		return;
	}
	g->n_cand = 0;
	g->cur_cand = 0;
	for (int fam = 0; fam < 2; fam++)
		for (ai = res; ai != NULL && g->n_cand < CANDIDATES_MAX; ai = ai->ai_next) {
			if (ai->ai_family != (fam == 0 ? AF_INET6 : AF_INET))
				continue;
			if ((ai->ai_family == AF_INET6 ? c->dp.udp6 : c->dp.udp4) < 0)
				continue;
			memcpy(&g->cand[g->n_cand].u, ai->ai_addr, ai->ai_addrlen);
			g->cand[g->n_cand].len = ai->ai_addrlen;
			g->n_cand++;
		}
	freeaddrinfo(res);
}

static void
client_set_carrier(struct client *c, bool on)
{
	if (c->carrier == on)
		return;
	if (tap_set_carrier(c->tap_fd, on) != 0)
		log_warn("tap %s: carrier", c->conf.tap);
	c->carrier = on;
	log_info("session %s", on ? "up" : "down");
}

static void
client_initiate(struct client *c, struct client_gw *g, const struct endpoint *ep, uint64_t now)
{
	struct wire_initiation msg;
	char a[TRANSPORT_ADDRSTRLEN];

	if (tunnel_initiate(g->tp, c->priv, now, &msg) != 0) {
		log_warnx("%s: handshake: cannot build an initiation", g->name);
		return;
	}
	endpoint_format(ep, a, sizeof(a));
	log_debug("%s: handshake: initiation to %s", g->name, a);
	g->tp->ep = *ep;
	datapath_send(&c->dp, ep, &msg, sizeof(msg), &g->tp->st.drops[DROP_SEND]);
}

#define HANDOVER_TIMES 3       /* one datagram lost is no lost delegation */

static void client_carry_tick(struct client *c, uint64_t now);

/* The site's delegations, as a gateway last sent them, to the active one:
 * after a failover it routes the home router's prefixes at once. The copy
 * is taken now, before the new gateway's own (it sends one as the session
 * comes up) replaces it, and sent again twice, a second apart. */
static void
client_carry_start(struct client *c, uint64_t now)
{
	memcpy(c->handover, c->carry, c->carry_len);
	c->handover_len = c->carry_len;
	c->handover_left = c->carry_len != 0 ? HANDOVER_TIMES : 0;
	c->handover_ms = 0;
	client_carry_tick(c, now);
}

static void
client_carry_tick(struct client *c, uint64_t now)
{
	if (c->handover_left == 0 || now - c->handover_ms < 1000)
		return;
	c->handover_left--;
	c->handover_ms = now;
	if (datapath_send_frame(&c->dp, c->tp, c->handover, c->handover_len, now))
		log_debug("%s: delegations handed over (%zu bytes)", c->act->name, c->handover_len);
}

/* g is the active gateway from now on: the data path sends through it. */
static void
client_activate(struct client *c, size_t i)
{
	c->act = &c->gw[i];
	c->tp = c->act->tp;
	c->probe_ms = 0;
}

/* The gateway a message is for, by the index it names (wire.h: a response
 * or cookie reply names our pending handshake, data one of our sessions);
 * NULL when none. */
static struct client_gw *
client_gw_by_index(struct client *c, const uint8_t *pkt, enum wire_type type)
{
	/* the receiver index: after the sender in a response, first otherwise */
	uint32_t idx = util_get_le32(pkt + (type == WIRE_RESPONSE ? 8 : 4));

	for (size_t i = 0; i < c->n_gw; i++) {
		const struct tunnel_peer *tp = c->gw[i].tp;

		if (type == WIRE_DATA ? (tp->cur.live && tp->cur.local_index == idx) ||
		    (tp->prev.live && tp->prev.local_index == idx) :
		    tp->hs_pending && tp->hs_index == idx)
			return &c->gw[i];
	}
	return NULL;
}

/* One datagram from the server: it passes the gate first. */
static void
client_datagram(void *ctx, uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	struct client *c = ctx;
	struct client_gw *g;
	enum wire_type type;
	enum tunnel_drop d;
	size_t flen;

	if ((d = tunnel_gate(pkt, len, &type)) != TUNNEL_OK) {
		c->st.drops[d]++;
		return;
	}
	if (type != WIRE_RESPONSE && type != WIRE_COOKIE && type != WIRE_DATA) {
		c->st.drops[DROP_TYPE]++;
		return;
	}
	if ((g = client_gw_by_index(c, pkt, type)) == NULL) {
		c->st.drops[DROP_INDEX]++;
		return;
	}
	switch (type) {
	case WIRE_RESPONSE:
		if ((d = tunnel_consume_response(g->tp, &c->cc, pkt, len, from, now)) != TUNNEL_OK) {
			c->st.drops[d]++;
			break;
		}
		if (g != c->act) {
			/* a probe answered: no data, so the gateway keeps
			 * the session unconfirmed and the site down there */
			log_debug("%s: answers", g->name);
			failover_answered(&c->fo, (size_t)(g - c->gw), now);
			break;
		}
		log_info("%s: handshake complete", g->name);
		c->backoff_ms = 0;
		client_set_carrier(c, true);
		/* confirm the session to the gateway at once */
		datapath_keepalive(&c->dp, g->tp, now);
		client_carry_start(c, now);
		break;
	case WIRE_COOKIE:
		/* the gateway is under load: retry at once with mac2 */
		if ((d = tunnel_consume_cookie(g->tp, pkt, len, now)) != TUNNEL_OK)
			c->st.drops[d]++;
		else
			client_initiate(c, g, &g->tp->ep, now);
		break;
	case WIRE_DATA:
		/* data from any gateway we have a session with: after a
		 * failback the other may still be where the internet sends
		 * the site's traffic for a while (route-hold) */
		if ((d = tunnel_open_data(g->tp, pkt, len, now, &flen, NULL)) != TUNNEL_OK) {
			c->st.drops[d]++;
			break;
		}
		if (frame_is_v6ext(pkt + WIRE_DATA_HEADER_LEN, flen)) {
			/* the gateway's own, for us to keep: not the LAN's */
			if (flen <= sizeof(c->carry)) {
				memcpy(c->carry, pkt + WIRE_DATA_HEADER_LEN, flen);
				c->carry_len = flen;
			}
		} else if (flen != 0) {
			tap_out_frame(&c->dp.tap_out, c->tap_fd, c->dp.offload, pkt + WIRE_DATA_HEADER_LEN, flen,
			    &g->tp->st.drops[DROP_TAP]);
		}
		break;
	default:
		c->st.drops[DROP_TYPE]++;
	}
}

static void
client_udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;

	(void)what;
	datapath_udp_read(&c->dp, fd, client_datagram, c);
}

/* The largest frame the tunnel carries: inner MTU plus the Ethernet header
 * (and an 802.1Q tag when the frame has one). */
static size_t
client_frame_max(const struct client *c, const uint8_t *frame, size_t len)
{
	size_t max = (size_t)c->conf.mtu + FRAME_ETH_LEN;

	if (len >= FRAME_ETH_LEN && frame[12] == 0x81 && frame[13] == 0x00)
		max += 4;
	return max;
}

/* A frame from the home bridge, before it is sealed: never lost in silence
 * when too big, never an RA or a DHCPv6 server message. */
static bool
client_guard(void *ctx, uint8_t *frame, size_t n)
{
	struct client *c = ctx;
	struct in6_addr src;

	if (n > client_frame_max(c, frame, n)) {
		/* IPv6 senders get a Packet Too Big, so PMTUD works from the
		 * home side */
		uint8_t ptb[FRAME_PTB_MAX];
		size_t plen = frame_build_ptb(frame, n, c->conf.mtu, ptb, sizeof(ptb));

		c->tp->st.drops[DROP_TOO_BIG]++;
		if (plen != 0 && tap_write(c->tap_fd, c->dp.offload, ptb, plen) < 0)
			c->tp->st.drops[DROP_TAP]++;
		return false;
	}
	if (frame_is_v6ext(frame, n)) {
		/* the tunnel's own ethertype: no home host speaks for a gateway */
		c->tp->st.drops[DROP_ETHERTYPE]++;
		return false;
	}
	switch (frame_classify(frame, n, &src)) {
	case FRAME_RA:
	case FRAME_DHCP6_SERVER:
		/* rogue-RA guard: the home LAN's router must not reach the site */
		c->tp->st.drops[DROP_ROGUE_RA]++;
		return false;
	case FRAME_BAD_CHAIN:
		c->tp->st.drops[DROP_HEADER_CHAIN]++;
		return false;
	default:
		return true;
	}
}

static void
client_tap_read(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;

	(void)what;
	datapath_tap_read(&c->dp, fd, c->dp.offload, c->tp, client_guard, c, util_now_ms());
}

/* Another gateway becomes the active one (i): its session, when a probe
 * left one, is confirmed at once; otherwise a handshake starts. */
static void
client_switch(struct client *c, size_t i, uint64_t now)
{
	client_activate(c, i);
	c->backoff_ms = 0;
	c->next_try_ms = now;
	if (c->act->n_cand == 0)
		client_resolve(c, c->act);
	if (tunnel_peer_live(c->tp, now)) {
		datapath_keepalive(&c->dp, c->tp, now);
		client_carry_start(c, now);
		client_set_carrier(c, true);
	} else {
		client_set_carrier(c, false);
		c->tp->hs_pending = false;
		c->act->cur_cand = 0;
	}
}

/* While on a worse gateway: probe the better ones, and go back to the
 * best that has answered long enough. */
static void
client_failback(struct client *c, uint64_t now)
{
	unsigned due = failover_probes_due(&c->fo, now);
	size_t to;

	for (size_t i = 0; i < c->n_gw; i++) {
		struct client_gw *g = &c->gw[i];

		if (!(due & (1u << i)))
			continue;
		if (g->n_cand == 0)
			client_resolve(c, g);
		if (g->n_cand != 0)
			client_initiate(c, g, &g->cand[g->cur_cand++ % g->n_cand], now);
	}
	if (failover_failback(&c->fo, now, &to)) {
		log_info("%s answered every probe for %u s: back to it from %s", c->gw[to].name,
		    c->conf.failback_after, c->act->name);
		client_switch(c, to, now);
	}
}

static void
client_tick(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;
	struct tunnel_peer *tp = c->tp;
	uint64_t now = util_now_ms(), silence = (uint64_t)c->conf.dead_after * 1000;
	bool live, dead;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < c->n_gw; i++)
		tunnel_peer_expire(c->gw[i].tp, now);
	live = tunnel_peer_live(tp, now);
	/* dead path: the gateway answers every probe, and none came back;
	 * without probes (dead-after 0): it answers keepalives, and did not
	 * for keepalive + 5 s */
	if (silence != 0)
		dead = now - tp->last_rx_ms > silence;
	else
		dead = c->conf.keepalive && tp->last_tx_ms > tp->last_rx_ms &&
		    now - tp->last_rx_ms > (uint64_t)c->conf.keepalive * 1000 + 5000;
	if (live && dead) {
		log_info("%s: silent for %llu s: dead", c->act->name,
		    (unsigned long long)(now - tp->last_rx_ms) / 1000);
		session_wipe(&tp->cur);
		session_wipe(&tp->prev);
		live = false;
		if (c->n_gw > 1) {
			size_t from = c->fo.active, to = failover_dead(&c->fo, now);

			log_info("failing over from %s to %s", c->gw[from].name, c->gw[to].name);
			client_switch(c, to, now);
			tp = c->tp;
			live = tunnel_peer_live(tp, now);
		} else {
			c->next_try_ms = now;
		}
	}
	client_set_carrier(c, live);
	if (c->fo.active != 0 && live)
		client_failback(c, now);
	tp = c->tp;
	live = tunnel_peer_live(tp, now);

	if (live) {
		client_carry_tick(c, now);
		if (!tp->hs_pending && session_needs_rekey(&tp->cur, now))
			client_initiate(c, c->act, &tp->ep, now);
		else if (tp->hs_pending && now - tp->hs_sent_ms > RETRY_MS)
			client_initiate(c, c->act, &tp->ep, now);
		if (silence != 0 && now - tp->last_rx_ms >= PROBE_MS && now - c->probe_ms >= PROBE_MS) {
			c->probe_ms = now;
			datapath_keepalive(&c->dp, tp, now);
		} else if (c->conf.keepalive && now - tp->last_tx_ms >= (uint64_t)c->conf.keepalive * 1000) {
			datapath_keepalive(&c->dp, tp, now);
		}
		return;
	}
	/* not connected: one initiation per address, then the next gateway
	 * (if any), backing off after a round over all of them */
	if (tp->hs_pending && now - tp->hs_sent_ms < RETRY_MS)
		return;
	if (now < c->next_try_ms)
		return;
	if (tp->hs_pending)
		c->act->cur_cand++;     /* no answer from that address: next one */
	if (c->act->cur_cand >= c->act->n_cand) {
		tp->hs_pending = false;
		if (c->n_gw > 1) {
			size_t from = c->fo.active, to = failover_dead(&c->fo, now);

			if (c->act->n_cand != 0)
				log_info("%s does not answer: trying %s", c->gw[from].name, c->gw[to].name);
			client_activate(c, to);
			if (to != 0) {
				client_resolve(c, c->act);
				c->next_try_ms = now;
				return;
			}
		}
		c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (c->backoff_ms > BACKOFF_MAX_MS)
			c->backoff_ms = BACKOFF_MAX_MS;
		c->next_try_ms = now + c->backoff_ms;
		client_resolve(c, c->act);      /* the name may point elsewhere now */
		c->act->cur_cand = 0;
		return;
	}
	client_initiate(c, c->act, &c->act->cand[c->act->cur_cand], now);
}

/* Whether ev changes the set of our global addresses (kept in c->addrs):
 * the kernel repeats RTM_NEWADDR for an address it has (lifetimes renewed
 * by every RA), and that is no change. */
static bool
client_addr_changed(struct client *c, const struct nlmon_event *ev)
{
	size_t i;

	for (i = 0; i < c->n_addrs; i++)
		if (c->addrs[i].ifindex == ev->ifindex && c->addrs[i].family == ev->family &&
		    memcmp(&c->addrs[i].addr, &ev->addr, sizeof(ev->addr)) == 0)
			break;
	if (ev->removed) {
		if (i == c->n_addrs)
			return false;
		c->addrs[i] = c->addrs[--c->n_addrs];
		return true;
	}
	if (i < c->n_addrs)
		return false;
	if (c->n_addrs < ADDRS_MAX)
		c->addrs[c->n_addrs++] = *ev;
	return true;
}

/* Our addresses changed (a new underlay address, a lost one): the path to
 * the server may be another one now. A live session handshakes again from
 * wherever the kernel now sends from, so the server follows within a round
 * trip; a dead one retries at once, back-off forgotten. A link coming back
 * with the addresses it had makes no event here: the dead-path timer sees
 * to that. */
static void
client_nlmon(void *ctx, const struct nlmon_event *ev)
{
	struct client *c = ctx;
	uint64_t now = util_now_ms();

	if (ev->kind == NLMON_DONE) {
		c->addrs_known = true;
		return;
	}
	/* link-local and host addresses make no path; the tap has none */
	if (ev->kind != NLMON_ADDR || ev->scope != RT_SCOPE_UNIVERSE || ev->ifindex == c->tap_index ||
	    !client_addr_changed(c, ev) || !c->addrs_known)
		return;
	if (now - c->path_change_ms < PATH_CHANGE_MS)
		return;
	c->path_change_ms = now;
	if (tunnel_peer_live(c->tp, now)) {
		log_info("our addresses changed: handshaking again");
		client_initiate(c, c->act, &c->tp->ep, now);
	} else {
		c->backoff_ms = 0;
		c->next_try_ms = now;
	}
}

static void
client_monitor_read(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	nlmon_read(fd, client_nlmon, arg);
}

static int
client_ctl(void *ctx, const char *req, struct evbuffer *out)
{
	struct client *c = ctx;
	char key[KEY_B64_LEN + 1], ep[TRANSPORT_ADDRSTRLEN];
	uint8_t pub[KEY_LEN];
	uint64_t now = util_now_ms();

	if (strcmp(req, "show") != 0)
		return EINVAL;
	key_public(pub, c->priv);
	key_to_base64(key, pub);
	evbuffer_add_printf(out, "role=client\npublic_key=%s\ntap=%s\nbridge=%s\n", key, c->conf.tap, c->conf.bridge);
	ctl_add_offload(out, c->dp.offload, &c->dp.rx, &c->dp.tx6, &c->dp.tx4, &c->dp.tap_out);
	for (size_t i = 0; i < c->n_gw; i++) {
		const struct client_gw *g = &c->gw[i];
		struct tunnel_stats all = g->tp->st;

		/* what was dropped before it was known whose, with the first */
		for (int d = 0; i == 0 && d < DROP_MAX; d++)
			all.drops[d] += c->st.drops[d];
		key_to_base64(key, g->tp->remote_pub);
		endpoint_format(&g->tp->ep, ep, sizeof(ep));
		/* a gateway we are not using is down, whatever a probe left */
		evbuffer_add_printf(out, "peer=%s\nserver=%s\nactive=%s\npublic_key=%s\nendpoint=%s\n"
		    "latest_handshake=%llu\nsession=%s\n"
		    "rx_bytes=%llu\nrx_packets=%llu\ntx_bytes=%llu\ntx_packets=%llu\n",
		    g->name, g->conf.host, g == c->act ? "yes" : "no", key, g->tp->ep.len ? ep : "",
		    (unsigned long long)g->tp->handshake_wall,
		    g == c->act && tunnel_peer_live(g->tp, now) ? "up" : "down",
		    (unsigned long long)all.rx_bytes, (unsigned long long)all.rx_packets,
		    (unsigned long long)all.tx_bytes, (unsigned long long)all.tx_packets);
		evbuffer_add_printf(out, "cipher=%s\n", g == c->act ? tunnel_peer_cipher(g->tp, now) : "");
		ctl_add_drops(out, &all);
	}
	return 0;
}

static void
client_signal(evutil_socket_t sig, short what, void *arg)
{
	struct client *c = arg;

	(void)what;
	if (sig == SIGHUP) {
		/* nothing of the client's can change at run time */
		log_info("SIGHUP: nothing to reload; restart v6ext-client to apply a new configuration");
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(c->base);
}

static void
usage(void)
{
	fprintf(stderr, "usage: v6ext-client -c FILE [-f] [-n] [-v]\n"
	    "  -c FILE  configuration file\n"
	    "  -f       stay in the foreground\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       more logging (debug)\n");
	exit(2);
}

/* The keys, into memory of their own (sodium_malloc: guard pages, locked). */
static int
client_keys(struct client *c, char *err, size_t errlen)
{
	uint8_t *psk = NULL;
	int rc = -1;

	static const char *const names[FAILOVER_MAX] = { "server", "standby1", "standby2", "standby3" };

	c->priv = sodium_malloc(KEY_LEN);
	if (c->priv == NULL || (c->conf.has_psk && (psk = keyring_get(&c->keys)) == NULL)) {
		snprintf(err, errlen, "out of memory for keys");
		goto out;
	}
	if (key_read_file(c->conf.private_key_file, c->priv, err, errlen) != 0 ||
	    (c->conf.has_psk && key_read_file(c->conf.psk_file, psk, err, errlen) != 0))
		goto out;
	/* `server` first, then the standbys in the order written */
	c->n_gw = 1 + c->conf.n_standby;
	memcpy(c->gw[0].conf.host, c->conf.server_host, sizeof(c->gw[0].conf.host));
	c->gw[0].conf.port = c->conf.server_port;
	memcpy(c->gw[0].conf.public_key, c->conf.server_public_key, KEY_LEN);
	for (size_t i = 0; i < c->n_gw; i++) {
		struct client_gw *g = &c->gw[i];

		if (i > 0)
			g->conf = c->conf.standby[i - 1];
		g->name = names[i];
		if ((g->tp = sodium_malloc(sizeof(*g->tp))) == NULL) {
			snprintf(err, errlen, "out of memory for keys");
			goto out;
		}
		tunnel_peer_init(g->tp, g->conf.public_key, psk, 0);
		g->tp->allow_aesgcm = util_env_on("V6EXT_AESGCM");
	}
	failover_init(&c->fo, c->n_gw, (uint64_t)c->conf.failback_after * 1000);
	client_activate(c, 0);
	rc = 0;
out:
	return rc;
}

/* As root: the tap, the bridge, the sockets, the control socket. */
static void
client_setup(struct client *c)
{
	char err[CONF_ERR_LEN] = "";
	struct nl_sock *nl;

	if ((c->base = event_base_new()) == NULL ||
	    datapath_init(&c->dp, CLIENT_RX_BUFS, transport_offload_enabled()) != 0)
		fatalx("out of memory");
	c->dp.udp6 = transport_open(AF_INET6, 0, c->dp.offload, err, sizeof(err));
	c->dp.udp4 = transport_open(AF_INET, 0, c->dp.offload, err, sizeof(err));
	if (c->dp.udp6 < 0 && c->dp.udp4 < 0)
		fatalx("%s", err);
	if ((c->tap_fd = tap_open(c->conf.tap, &c->dp.offload)) < 0)
		fatal("tap %s", c->conf.tap);
	if ((nl = nl_open(err, sizeof(err))) == NULL || tap_set_carrier(c->tap_fd, false) != 0 ||
	    nl_bridge_ensure(nl, c->conf.bridge, err, sizeof(err)) != 0 ||
	    nl_link_set(nl, c->conf.tap, true, CLIENT_TAP_MTU, NULL, err, sizeof(err)) != 0 ||
	    nl_link_enslave(nl, c->conf.tap, c->conf.bridge, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("tap %s is a port of bridge %s", c->conf.tap, c->conf.bridge);
	if ((c->tap_index = nl_link_index(nl, c->conf.tap)) == 0)
		fatalx("tap %s: gone", c->conf.tap);
	nl_release(nl);           /* nothing changes at run time */
	if ((c->monitor = nlmon_open(err, sizeof(err))) < 0 || nlmon_dump_addrs(c->monitor) != 0)
		fatalx("netlink monitor: %s", err[0] ? err : strerror(errno));
	{
		struct ctl_access acc;
		int fd;

		/* the socket stays root's, served through its descriptor */
		ctl_access_init(&acc, c->conf.control_group, c->conf.control_gid);
		if ((fd = ctl_bind(c->conf.control_socket, acc.gid, err, sizeof(err))) < 0 ||
		    (c->ctl = ctl_listen_fd(c->base, fd, client_ctl, c, &acc, err, sizeof(err))) == NULL)
			fatalx("%s", err);
	}
}

static struct event *
client_event(struct client *c, int fd, event_callback_fn fn)
{
	struct event *ev = event_new(c->base, fd, EV_READ | EV_PERSIST, fn, c);

	if (ev == NULL || event_add(ev, NULL) != 0)
		fatalx("libevent: cannot add an event");
	return ev;
}

int
main(int argc, char **argv)
{
	static struct client cl = { .tap_fd = -1, .monitor = -1 };
	struct client *c = &cl;
	bool check_only = false, foreground = false;
	char err[CONF_ERR_LEN];
	uint8_t pub[KEY_LEN];
	int verbose = 0, ch, sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct timeval quarter = { 0, 250000 };
	uid_t uid = 0;
	gid_t gid = 0;

	while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
		switch (ch) {
		case 'c': c->conf_path = optarg; break;
		case 'f': foreground = true; break;
		case 'n': check_only = true; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (c->conf_path == NULL || optind != argc)
		usage();
	log_init("v6ext-client", verbose, false);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if (conf_client_load(c->conf_path, &c->conf, err, sizeof(err)) != 0 ||
	    client_keys(c, err, sizeof(err)) != 0 ||
	    (strcmp(c->conf.user, "root") != 0 && privdrop_lookup(c->conf.user, &uid, &gid, err, sizeof(err)) != 0)) {
		log_warnx("%s", err);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration OK\n", c->conf_path);
		return 0;
	}
	if (!foreground) {
		if (daemon(0, 0) != 0)
			fatal("daemon");
		log_init("v6ext-client", verbose, true);     /* stderr is /dev/null now */
	}
	key_public(pub, c->priv);
	cookie_checker_init(&c->cc, pub);
	signal(SIGPIPE, SIG_IGN);
	client_setup(c);
	/* a first resolution as root loads what the resolver needs (NSS
	 * modules) before the filter forbids executable mappings */
	for (size_t i = 0; i < c->n_gw; i++)
		client_resolve(c, &c->gw[i]);
	if (privdrop_to(uid, gid, 0, err, sizeof(err)) != 0)
		fatalx("%s", err);
	for (int i = 0; i < 2; i++) {
		int fd = i == 0 ? c->dp.udp6 : c->dp.udp4;

		if (fd >= 0)
			*(i == 0 ? &c->ev_udp6 : &c->ev_udp4) = client_event(c, fd, client_udp_read);
	}
	c->ev_tap = client_event(c, c->tap_fd, client_tap_read);
	c->ev_monitor = client_event(c, c->monitor, client_monitor_read);
	for (int i = 0; i < 3; i++) {
		c->ev_sig[i] = evsignal_new(c->base, sigs[i], client_signal, c);
		if (c->ev_sig[i] == NULL || event_add(c->ev_sig[i], NULL) != 0)
			fatalx("libevent: cannot add a signal event");
	}
	if ((c->ev_tick = event_new(c->base, -1, EV_PERSIST, client_tick, c)) == NULL ||
	    event_add(c->ev_tick, &quarter) != 0)
		fatalx("libevent: cannot add the tick");
	if (sandbox_enter(SANDBOX_CLIENT, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("running as %s with no capabilities", c->conf.user);
	client_tick(-1, 0, c);

	evloop_run(c->base, c->conf.busy_poll, &c->dp.activity);

	ctl_close(c->ctl);      /* the socket file stays: as `user` we cannot remove it; the next start does */
	for (int i = 0; i < 3; i++)
		event_free(c->ev_sig[i]);
	event_free(c->ev_tick);
	event_free(c->ev_tap);
	event_free(c->ev_monitor);
	if (c->ev_udp6)
		event_free(c->ev_udp6);
	if (c->ev_udp4)
		event_free(c->ev_udp4);
	close(c->tap_fd);
	close(c->monitor);
	for (size_t i = 0; i < c->n_gw; i++) {
		tunnel_peer_wipe(c->gw[i].tp);
		sodium_free(c->gw[i].tp);
	}
	keyring_free(&c->keys);
	cookie_checker_wipe(&c->cc);
	sodium_free(c->priv);
	datapath_free(&c->dp);
	event_base_free(c->base);
	return 0;
}
