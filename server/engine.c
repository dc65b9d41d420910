/* SPDX-License-Identifier: ISC */
/* engine: v6extd's unprivileged process; see engine.h. It drops to `user`
 * with no capabilities first thing, reads its keys through fds the parent
 * opens, sets up, and enters its seccomp filter before it reads a byte from
 * the network. One libevent loop: the tunnel's sockets, every site's tap,
 * the NDP proxy's packet socket, the control socket, metrics, the parent's
 * socket, the netlink monitor and a one-second tick. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "control.h"
#include "ctl.h"
#include "engine.h"
#include "engine_data.h"
#include "evloop.h"
#include "keys.h"
#include "log.h"
#include "namesync.h"
#include "metrics.h"
#include "ndproxy.h"
#include "nlmon.h"
#include "peers.h"
#include "privdrop.h"
#include "sandbox.h"
#include "site.h"
#include "util.h"
#include "xlat.h"

/* Receive buffers per recvmmsg: 64 KB each, as a GRO burst fills one */
#define ENGINE_RX_BUFS 2
#define LEASE_SWEEP_MS (10u * 1000)
/* Event priorities: every event gets the middle one (libevent's default),
 * the handshake queue the lowest. */
#define ENGINE_PRIOS           3
#define ENGINE_PRIO_HANDSHAKES 2

static struct tunnel_peer *
engine_lookup_key(void *ctx, const uint8_t pub[32])
{
	struct site *s = sitetab_by_key(&((struct engine *)ctx)->sites, pub);

	return s != NULL ? &s->tp : NULL;
}

static struct site *
engine_site_of(struct tunnel_peer *tp)
{
	return (struct site *)((char *)tp - offsetof(struct site, tp));
}

/* A data message: found by its slot, opened, and its frame checked before
 * it reaches the site's tap. */
static void
engine_data(struct engine *e, uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	struct site_verdict v;
	struct site *s;
	enum tunnel_drop d;
	bool confirmed;
	size_t flen;

	if ((s = sitetab_by_slot(&e->sites, util_get_le32(pkt + 4) & 0xffff)) == NULL) {
		e->st.drops[DROP_INDEX]++;
		return;
	}
	if ((d = tunnel_open_data(&s->tp, pkt, len, now, &flen, &confirmed)) != TUNNEL_OK) {
		/* an unauthenticated datagram is not the peer's fault */
		e->st.drops[d]++;
		return;
	}
	if (confirmed)
		log_info("peer %s: handshake confirmed", s->conf.name);
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
		datapath_keepalive(&e->dp, &s->tp, now);
		return;
	}
	site_check_frame(s, pkt + WIRE_DATA_HEADER_LEN, flen, now, &v);
	if (v.advertised)
		ndproxy_site_answered(e->proxy, s, &v.target);
	if (v.drop != TUNNEL_OK) {
		s->tp.st.drops[v.drop]++;
		return;
	}
	if (v.consumed)
		return;
	tap_out_frame(&e->dp.tap_out, s->tap_fd, s->offload, pkt + WIRE_DATA_HEADER_LEN, flen,
	    &s->tp.st.drops[DROP_TAP]);
}

/* One queued initiation: cookie or token under load, then Diffie-Hellman. */
static void
engine_initiation(struct engine *e, const struct hsqueue_item *it, bool under_load, uint64_t now)
{
	uint8_t reply[WIRE_RESPONSE_LEN];
	size_t rlen = 0;
	struct tunnel_peer *tp;
	enum tunnel_reply kind;
	enum tunnel_drop d;

	d = tunnel_consume_initiation(e->resp, engine_lookup_key, e, it->msg, sizeof(it->msg), &it->from,
	    under_load, &e->rl, now, &tp, reply, &rlen, &kind);
	if (d != TUNNEL_OK) {
		e->st.drops[d]++;
		return;
	}
	if (kind == TUNNEL_REPLY_COOKIE)
		e->cookies_sent++;
	if (kind != TUNNEL_REPLY_NONE)
		datapath_send(&e->dp, &it->from, reply, rlen, &e->st.drops[DROP_SEND]);
	if (kind == TUNNEL_REPLY_RESPONSE) {
		struct site *s = engine_site_of(tp);
		char a[TRANSPORT_ADDRSTRLEN];

		endpoint_format(&it->from, a, sizeof(a));
		log_info("peer %s: handshake from %s", s->conf.name, a);
		/* its timestamp is the one a replay must beat, after a restart too */
		if (stamps_put(&e->stamps, s->conf.name, tp->last_timestamp) == 0)
			state_touch(&e->state, PRIV_FILE_TIMESTAMPS);
	}
}

/* The queued initiations, at most HSQUEUE_PER_TURN a turn (then the taps,
 * timers and control have theirs); the event stays active while more wait. */
static void
engine_handshakes(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	uint64_t now = util_now_ms();
	const struct hsqueue_item *it;

	(void)fd;
	(void)what;
	for (int i = 0; i < HSQUEUE_PER_TURN && (it = hsqueue_pop(&e->hsq)) != NULL; i++)
		engine_initiation(e, it, hsqueue_under_load(&e->hsq, now), now);
	if (e->hsq.n > 0)
		event_active(e->ev_handshakes, EV_TIMEOUT, 0);
}

/* Every datagram passes the gate (header and size for its type) first. */
static void
engine_datagram(void *ctx, uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	struct engine *e = ctx;
	enum wire_type type;
	enum tunnel_drop d;

	if ((d = tunnel_gate(pkt, len, &type)) != TUNNEL_OK) {
		e->st.drops[d]++;
		return;
	}
	switch (type) {
	case WIRE_DATA:
		engine_data(e, pkt, len, from, now);
		break;
	case WIRE_INITIATION:
		/* each may cost a Diffie-Hellman: it waits its turn */
		if (!hsqueue_push(&e->hsq, pkt, from, now))
			e->st.drops[DROP_QUEUE_FULL]++;
		else if (e->hsq.n == 1)
			event_active(e->ev_handshakes, EV_TIMEOUT, 0);
		(void)hsqueue_under_load(&e->hsq, now);        /* the depth is seen at its peak */
		break;
	default:
		/* responses and cookie replies go to clients, not to us */
		e->st.drops[DROP_TYPE]++;
		break;
	}
}

static void
engine_udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;

	(void)what;
	datapath_udp_read(&e->dp, fd, engine_datagram, e);
}

static void
engine_tick(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	uint64_t now = util_now_ms();

	(void)fd;
	(void)what;
	for (struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s))
		site_tick(s, now);
	ndproxy_tick(e->proxy, now);
	xlat_tick(e->xlat, now);
	if (now >= e->next_expire_ms) {
		e->next_expire_ms = now + LEASE_SWEEP_MS;
		if (lease_expire(&e->leases, (uint64_t)time(NULL)) != 0) {
			state_touch(&e->state, PRIV_FILE_LEASES);
			namesync_all(e);
			for (struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s))
				site_pd_sync(s);
		}
	}
	/* at most one write per file a second */
	state_flush(&e->state);
}

static void
engine_priv_read(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;

	(void)fd;
	(void)what;
	if (priv_read(&e->priv) != 0)
		fatalx("the parent is gone (%s): stopping", strerror(errno));
}

static void
engine_reload(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	char err[CONF_ERR_LEN];

	(void)fd;
	(void)what;
	if (peers_reload(e, err, sizeof(err)) != 0)
		log_warnx("reload: %s; keeping the running configuration", err);
	else
		namesync_all(e);
}

/* The parent's word: answers to state writes, STOP, RELOAD. A reload runs
 * from the loop, never inside a request that waits for its answer. */
static void
engine_priv_done(void *ctx, const struct privmsg *m)
{
	struct engine *e = ctx;

	if (m->reply && m->type == PRIV_STATE_WRITE) {
		state_done(&e->state, m);
	} else if (!m->reply && m->type == PRIV_STOP) {
		e->stopping = true;
		event_base_loopbreak(e->base);
	} else if (!m->reply && m->type == PRIV_RELOAD) {
		event_active(e->ev_reload, EV_TIMEOUT, 0);
	}
}

/* The upstream link's events: logged, so an operator sees the link flap
 * or the /64 go; the proxy's packet socket and the sites' routes survive
 * both. */
static void
engine_nlmon(void *ctx, const struct nlmon_event *ev)
{
	struct engine *e = ctx;
	char a[INET6_ADDRSTRLEN];

	if (ev->ifindex != e->upstream_index)
		return;
	if (ev->kind == NLMON_LINK) {
		const char *state = ev->removed ? "removed" : ev->up ? "up" : "down";

		/* a change comes as several messages (admin state, then carrier):
		 * one line per change */
		if (e->upstream_link == NULL || strcmp(e->upstream_link, state) != 0)
			log_info("upstream %s: link %s", e->conf.upstream, state);
		e->upstream_link = state;
		return;
	}
	if (ev->family != AF_INET6 || !prefix_contains(&e->prefix, &ev->addr.a6))
		return;
	inet_ntop(AF_INET6, &ev->addr.a6, a, sizeof(a));
	if (ev->removed)
		log_warnx("upstream %s: address %s/%u of the sites' /64 removed", e->conf.upstream, a, ev->plen);
	else
		log_info("upstream %s: address %s/%u", e->conf.upstream, a, ev->plen);
}

static void
engine_monitor_read(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	nlmon_read(fd, engine_nlmon, arg);
}

static void
engine_signal(evutil_socket_t sig, short what, void *arg)
{
	struct engine *e = arg;

	(void)what;
	if (sig == SIGHUP) {
		event_active(e->ev_reload, EV_TIMEOUT, 0);
		return;
	}
	e->stopping = true;
	event_base_loopbreak(e->base);
}

/* Our private key, read from the fd the parent opened, into memory of its
 * own (sodium_malloc: guard pages, locked, never swapped). */
static void
engine_read_key(struct engine *e)
{
	char err[CONF_ERR_LEN];
	uint8_t *key;
	int fd;

	if ((e->resp = sodium_malloc(sizeof(*e->resp))) == NULL || (key = sodium_malloc(KEY_LEN)) == NULL)
		fatalx("out of memory for keys");
	if ((fd = priv_key_open(&e->priv, e->conf.private_key_file, err, sizeof(err))) < 0 ||
	    key_read_fd(fd, e->conf.private_key_file, key, err, sizeof(err)) != 0)
		fatalx("%s", err);
	close(fd);
	tunnel_responder_init(e->resp, key);
	e->resp->allow_aesgcm = util_env_on("V6EXT_AESGCM");
	sodium_free(key);
}

/* The state files' builders and parsers, typed for state.h. */
static int
engine_build_alloc(const void *obj, char **out, size_t *len)
{
	return alloc_build(obj, out, len);
}

static int
engine_build_leases(const void *obj, char **out, size_t *len)
{
	return leases_build(obj, out, len);
}

/* The timestamps of the sites there are now: a removed one's goes. */
static int
engine_build_stamps(const void *obj, char **out, size_t *len)
{
	const struct engine *e = obj;
	struct stamps now;
	int rc = 0;

	stamps_init(&now);
	for (size_t i = 0; rc == 0 && i < e->stamps.n; i++)
		if (sitetab_by_name(&e->sites, e->stamps.v[i].name) != NULL)
			rc = stamps_put(&now, e->stamps.v[i].name, e->stamps.v[i].ts);
	if (rc == 0)
		rc = stamps_build(&now, out, len);
	stamps_free(&now);
	return rc;
}

static int
engine_parse_stamps(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	return stamps_parse(buf, len, obj, err, errlen);
}

static int
engine_parse_alloc(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	return alloc_parse(buf, len, obj, err, errlen);
}

static int
engine_parse_leases(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	return leases_parse(buf, len, obj, err, errlen);
}

/* The state files, as the last run left them. */
static void
engine_load_state(struct engine *e)
{
	char err[CONF_ERR_LEN];

	state_init(&e->state, &e->priv);
	state_register(&e->state, PRIV_FILE_SUBPREFIXES, engine_build_alloc, &e->alloc);
	state_register(&e->state, PRIV_FILE_LEASES, engine_build_leases, &e->leases);
	state_register(&e->state, PRIV_FILE_TIMESTAMPS, engine_build_stamps, e);
	/* the run-time forwards: only a running translator keeps them */
	if (e->xlat != NULL) {
		state_register(&e->state, PRIV_FILE_FORWARDS, xlat_build_state, e->xlat);
		if (state_load(&e->state, PRIV_FILE_FORWARDS, FORWARDS_FILE_MAX, xlat_parse_state, e->xlat,
		    err, sizeof(err)) != 0)
			fatalx("%s", err);
	}
	if (state_load(&e->state, PRIV_FILE_SUBPREFIXES, ALLOC_FILE_MAX, engine_parse_alloc,
	    &e->alloc, err, sizeof(err)) != 0 ||
	    state_load(&e->state, PRIV_FILE_LEASES, LEASE_FILE_MAX, engine_parse_leases,
	    &e->leases, err, sizeof(err)) != 0 ||
	    state_load(&e->state, PRIV_FILE_TIMESTAMPS, STAMPS_FILE_MAX, engine_parse_stamps,
	    &e->stamps, err, sizeof(err)) != 0)
		fatalx("%s", err);
}

static struct event *
engine_event(struct engine *e, int fd, short what, event_callback_fn fn)
{
	struct event *ev = event_new(e->base, fd, what, fn, e);

	if (ev == NULL || event_add(ev, NULL) != 0)
		fatalx("libevent: cannot add an event");
	return ev;
}

static void
engine_stop(struct engine *e)
{
	struct site *s, *next;

	/* what changed since the last tick is written before we go */
	state_flush(&e->state);
	if (priv_drain(&e->priv) != 0 || !state_clean(&e->state))
		log_warnx("stopping with state not written");
	for (s = sitetab_first(&e->sites); s != NULL; s = next) {
		next = sitetab_next(&e->sites, s);
		site_close(s, false);
	}
	ndproxy_close(e->proxy);
	namesync_close(e->names);
	xlat_close(e->xlat);
	metrics_close(e->metrics);
	ctl_close(e->ctl);
	tunnel_responder_wipe(e->resp);
	sodium_free(e->resp);
	keyring_free(&e->keys);
}

void
engine_main(struct engine_start *start)
{
	static struct engine eng;
	struct engine *e = &eng;
	int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct timeval one = { 1, 0 };
	char err[CONF_ERR_LEN];

	/* nothing of the parent's may linger: it is root */
	if (privdrop_to(start->uid, start->gid, 0, err, sizeof(err)) != 0)
		fatalx("engine: %s", err);
	/* ended with the parent; set after the change of uid, which clears it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != start->parent)
		fatalx("engine: the parent is gone");
	e->conf_path = start->conf_path;
	e->conf = start->conf;
	e->prefix = start->prefix;
	e->upstream_index = start->upstream_index;
	memcpy(e->upstream_mac, start->upstream_mac, 6);
	signal(SIGPIPE, SIG_IGN);
	if ((e->base = event_base_new()) == NULL || event_base_priority_init(e->base, ENGINE_PRIOS) != 0 || datapath_init(&e->dp, ENGINE_RX_BUFS, start->offload) != 0 ||
	    sitetab_init(&e->sites, &e->prefix, e->conf.sub_prefix_len) != 0)
		fatalx("out of memory");
	e->dp.udp6 = start->udp6;
	e->dp.udp4 = start->udp4;
	priv_init(&e->priv, start->priv, engine_priv_done, e);
	e->ev_priv = engine_event(e, start->priv, EV_READ | EV_PERSIST, engine_priv_read);
	/* handshakes run when nothing else is waiting: the queue (and so the
	 * load, hsqueue.h) grows exactly when the sites keep the engine busy */
	if ((e->ev_reload = event_new(e->base, -1, 0, engine_reload, e)) == NULL ||
	    (e->ev_handshakes = event_new(e->base, -1, 0, engine_handshakes, e)) == NULL ||
	    event_priority_set(e->ev_handshakes, ENGINE_PRIO_HANDSHAKES) != 0 ||
	    hsqueue_init(&e->hsq) != 0 || ratelimit_init(&e->rl) != 0)
		fatalx("out of memory");
	engine_read_key(e);
	if (start->nat64 >= 0) {
		if ((e->xlat = xlat_open(e, start->nat64, start->nat64_offload, &start->public4, err, sizeof(err))) == NULL)
			fatalx("%s", err);
		e->nat64 = &e->xlat->nat64;
	}
	alloc_init(&e->alloc, conf_server_base_len(&e->conf), e->conf.sub_prefix_len);
	leases_init(&e->leases);
	stamps_init(&e->stamps);
	e->ident = e->conf.has_site_identity ? e->conf.site_identity : e->resp->pub;
	dhcp6_server_duid(e->ident, e->duid);
	engine_load_state(e);
	e->names = namesync_open(e, start->names);
	if (peers_start(e, err, sizeof(err)) != 0 || (e->xlat != NULL && xlat_start(e, err, sizeof(err)) != 0))
		fatalx("%s", err);
	namesync_start(e);
	if (start->packet >= 0 && (e->proxy = ndproxy_open(e, start->packet, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (start->metrics >= 0 && (e->metrics = metrics_open(e, start->metrics, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if ((e->ctl = control_open(e, start->control, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (e->dp.udp6 >= 0)
		e->ev_udp6 = engine_event(e, e->dp.udp6, EV_READ | EV_PERSIST, engine_udp_read);
	if (e->dp.udp4 >= 0)
		e->ev_udp4 = engine_event(e, e->dp.udp4, EV_READ | EV_PERSIST, engine_udp_read);
	e->monitor = start->monitor;
	e->ev_monitor = engine_event(e, e->monitor, EV_READ | EV_PERSIST, engine_monitor_read);
	for (int i = 0; i < 3; i++) {
		e->ev_sig[i] = evsignal_new(e->base, sigs[i], engine_signal, e);
		if (e->ev_sig[i] == NULL || event_add(e->ev_sig[i], NULL) != 0)
			fatalx("libevent: cannot add a signal event");
	}
	if ((e->ev_tick = event_new(e->base, -1, EV_PERSIST, engine_tick, e)) == NULL ||
	    event_add(e->ev_tick, &one) != 0)
		fatalx("libevent: cannot add the tick");
	/* from here on, only what the network needs */
	if (sandbox_enter(SANDBOX_ENGINE, err, sizeof(err)) != 0)
		fatalx("engine: %s", err);
	log_info("listening on port %u, %zu peers", e->conf.listen_port, e->conf.n_peers);

	evloop_run(e->base, e->conf.busy_poll, &e->dp.activity);

	engine_stop(e);
	exit(0);
}
