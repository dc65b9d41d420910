/* SPDX-License-Identifier: ISC */
/* metrics: the Prometheus text format (exposition format 0.0.4) on
 * metrics-listen, served by libevent's HTTP server. Every family is written
 * whole, with its HELP and TYPE, before the next: what `promtool check
 * metrics` asks for. Peer names are [A-Za-z0-9_.-], so label values need no
 * escaping.
 *
 * Whoever reaches the port is a stranger, so the server has limits: GET and
 * HEAD only (405 otherwise), no request body, METRICS_HEADERS_MAX bytes of
 * request line and headers (413 beyond), METRICS_IDLE_S seconds without a
 * byte either way, METRICS_LIFE_MS for a connection whatever it does (a
 * header sent a byte at a time is never idle), and METRICS_CONNS_MAX
 * connections at once. libevent 2.1 (Debian 12 has 2.1.12) has a setting
 * for each but the last: evhttp_set_max_connections and
 * evhttp_set_newreqcb came with 2.2. So connections are counted here:
 * evhttp_set_bevcb hands us the bufferevent of each one accepted, evhttp
 * then makes it its connection's (the bufferevent's callback argument is
 * the evhttp_connection), and a close callback on that connection gives
 * the slot back. At the limit the oldest connection is closed for the new
 * one: a hundred idle connections cannot keep a scrape out, they only
 * take each other's place. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "metrics.h"
#include "namesync.h"
#include "ndproxy.h"
#include "engine_data.h"
#include "site.h"
#include "util.h"
#include "xlat.h"

#define METRICS_CONNS_MAX       16      /* connections at once; the oldest goes for a new one */
#define METRICS_HEADERS_MAX     8192    /* request line and headers, bytes */
#define METRICS_IDLE_S          5       /* nothing read or written for this long: closed */
#define METRICS_LIFE_MS         10000   /* no connection lasts longer (a scrape takes milliseconds) */

struct metrics_conn {
	struct bufferevent *bev;                /* NULL: the slot is free */
	struct evhttp_connection *evcon;        /* NULL until metrics_adopt */
	uint64_t since_ms;
};

struct metrics {
	struct engine *e;
	struct evhttp *http;
	uint64_t start_wall;
	struct event *adopt;    /* made active for each new connection */
	struct event *reap;     /* every second while there are connections */
	struct metrics_conn conns[METRICS_CONNS_MAX];
	size_t n_conns;
};

static void
metrics_family(struct evbuffer *b, const char *name, const char *type, const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A counter of every forward, in and out: the uint64_t fields at in and out
 * of struct forward. */
static void
metrics_forwards(struct evbuffer *b, const struct xlat *x, const char *name, const char *help, size_t in,
    size_t out)
{
	char text[CONF_FORWARD_TEXT];
	uint64_t v;

	metrics_family(b, name, "counter", help);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < x->fw.n; i++) {
			conf_forward_format(&x->fw.v[i].f, text, sizeof(text));
			memcpy(&v, (const uint8_t *)&x->fw.v[i] + (k ? out : in), sizeof(v));
			evbuffer_add_printf(b, "%s{peer=\"%s\",forward=\"%s\",direction=\"%s\"} %llu\n", name,
			    x->fw.v[i].f.peer, text, k ? "out" : "in", (unsigned long long)v);
		}
}

/* The translator: its packets and drops by reason, each forward's traffic. */
static void
metrics_xlat(struct evbuffer *b, const struct xlat *x)
{
	char text[CONF_FORWARD_TEXT];

	metrics_family(b, "v6ext_nat64_packets_total", "counter",
	    "Packets translated: in = IPv4 to the sites, out = from the sites to IPv4.");
	evbuffer_add_printf(b, "v6ext_nat64_packets_total{direction=\"in\"} %llu\n"
	    "v6ext_nat64_packets_total{direction=\"out\"} %llu\n",
	    (unsigned long long)x->siit.packets_4to6, (unsigned long long)x->siit.packets_6to4);
	metrics_family(b, "v6ext_nat64_drops_total", "counter", "Packets the translator dropped, by reason.");
	for (int d = 1; d < SIIT_DROP_MAX; d++)
		evbuffer_add_printf(b, "v6ext_nat64_drops_total{reason=\"%s\"} %llu\n",
		    siit_drop_name((enum siit_drop)d), (unsigned long long)x->siit.drops[d]);
	metrics_forwards(b, x, "v6ext_forward_packets_total", "Packets through each forward, by direction.",
	    offsetof(struct forward, packets_in), offsetof(struct forward, packets_out));
	metrics_family(b, "v6ext_forward_drops_total", "counter", "Packets of each forward the translator dropped, by reason.");
	for (size_t i = 0; i < x->fw.n; i++) {
		conf_forward_format(&x->fw.v[i].f, text, sizeof(text));
		for (int d = 1; d < SIIT_DROP_MAX; d++)
			evbuffer_add_printf(b, "v6ext_forward_drops_total{peer=\"%s\",forward=\"%s\",reason=\"%s\"} %llu\n",
			    x->fw.v[i].f.peer, text, siit_drop_name((enum siit_drop)d),
			    (unsigned long long)x->fw.v[i].drops[d]);
	}
	metrics_forwards(b, x, "v6ext_forward_bytes_total", "Bytes through each forward, by direction.",
	    offsetof(struct forward, bytes_in), offsetof(struct forward, bytes_out));
}

/* One sample per site of a per-site value. */
typedef uint64_t (*metrics_value_fn)(const struct site *s, uint64_t now);

static uint64_t m_rx_bytes(const struct site *s, uint64_t now) { (void)now; return s->tp.st.rx_bytes; }
static uint64_t m_tx_bytes(const struct site *s, uint64_t now) { (void)now; return s->tp.st.tx_bytes; }
static uint64_t m_rx_packets(const struct site *s, uint64_t now) { (void)now; return s->tp.st.rx_packets; }
static uint64_t m_tx_packets(const struct site *s, uint64_t now) { (void)now; return s->tp.st.tx_packets; }
static uint64_t m_hosts(const struct site *s, uint64_t now) { (void)now; return hosts_count(&s->hosts); }
static uint64_t m_up(const struct site *s, uint64_t now) { return site_live(s, now); }
static uint64_t m_leases(const struct site *s, uint64_t now)
{
	(void)now;
	return lease_count(&s->e->leases, s->conf.name);
}

static uint64_t m_names(const struct site *s, uint64_t now)
{
	(void)now;
	return namesync_count(s->e->names, s->conf.name);
}

static void
metrics_per_site(struct evbuffer *b, const struct engine *e, const char *name, const char *type,
    const char *help, metrics_value_fn fn, uint64_t now)
{
	metrics_family(b, name, type, help);
	for (const struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s))
		evbuffer_add_printf(b, "%s{peer=\"%s\"} %llu\n", name, s->conf.name, (unsigned long long)fn(s, now));
}

static const struct metrics_site_family {
	const char *name, *type, *help;
	metrics_value_fn fn;
} metrics_site_families[] = {
	{ "v6ext_peer_rx_bytes_total", "counter", "Bytes of frames received from the peer.", m_rx_bytes },
	{ "v6ext_peer_tx_bytes_total", "counter", "Bytes of frames sent to the peer.", m_tx_bytes },
	{ "v6ext_peer_rx_packets_total", "counter", "Frames received from the peer.", m_rx_packets },
	{ "v6ext_peer_tx_packets_total", "counter", "Frames sent to the peer.", m_tx_packets },
	{ "v6ext_peer_session_up", "gauge", "1 while the peer has a live session.", m_up },
	{ "v6ext_peer_hosts", "gauge", "Host addresses seen in use in the site.", m_hosts },
	{ "v6ext_peer_leases", "gauge", "DHCPv6 leases held in the site (declined addresses included).", m_leases },
	{ "v6ext_peer_names", "gauge", "DNS records published for the site's hosts (docs/DNS.md).", m_names },
};

static void
metrics_write(struct metrics *m, struct evbuffer *b)
{
	const struct engine *e = m->e;
	uint64_t now = util_now_ms(), wall = (uint64_t)time(NULL);

	metrics_family(b, "v6ext_build_info", "gauge", "Version of v6extd, always 1.");
	evbuffer_add_printf(b, "v6ext_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	metrics_family(b, "v6ext_start_time_seconds", "gauge", "Unix time v6extd started.");
	evbuffer_add_printf(b, "v6ext_start_time_seconds %llu\n", (unsigned long long)m->start_wall);
	metrics_family(b, "v6ext_drops_total", "counter",
	    "Datagrams dropped before a peer was known, by reason.");
	for (int d = 1; d < DROP_MAX; d++)
		evbuffer_add_printf(b, "v6ext_drops_total{reason=\"%s\"} %llu\n",
		    tunnel_drop_name((enum tunnel_drop)d), (unsigned long long)e->st.drops[d]);
	metrics_family(b, "v6ext_cookie_replies_total", "counter",
	    "Cookie replies sent: initiations refused under load until they prove their address.");
	evbuffer_add_printf(b, "v6ext_cookie_replies_total %llu\n", (unsigned long long)e->cookies_sent);
	if (e->proxy != NULL) {
		const struct ndproxy_stats *ps = ndproxy_stats(e->proxy);

		metrics_family(b, "v6ext_ndp_solicitations_total", "counter",
		    "Neighbour solicitations from upstream for a site's address.");
		evbuffer_add_printf(b, "v6ext_ndp_solicitations_total %llu\n", (unsigned long long)ps->solicitations);
		metrics_family(b, "v6ext_ndp_advertisements_total", "counter",
		    "Neighbour advertisements sent upstream by the proxy.");
		evbuffer_add_printf(b, "v6ext_ndp_advertisements_total %llu\n", (unsigned long long)ps->answered);
		metrics_family(b, "v6ext_ndp_site_solicitations_total", "counter",
		    "Neighbour solicitations the proxy sent into sites.");
		evbuffer_add_printf(b, "v6ext_ndp_site_solicitations_total %llu\n", (unsigned long long)ps->asked);
		metrics_family(b, "v6ext_ndp_limited_total", "counter",
		    "Neighbour solicitations left unanswered or unasked by a site's budget.");
		evbuffer_add_printf(b, "v6ext_ndp_limited_total %llu\n", (unsigned long long)ps->limited);
	}
	for (size_t i = 0; i < ARRAY_SIZE(metrics_site_families); i++) {
		const struct metrics_site_family *f = &metrics_site_families[i];

		metrics_per_site(b, e, f->name, f->type, f->help, f->fn, now);
	}
	metrics_family(b, "v6ext_peer_handshake_age_seconds", "gauge",
	    "Seconds since the peer's latest handshake (peers that never had one are absent).");
	for (const struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s)) {
		if (s->tp.handshake_wall != 0)
			evbuffer_add_printf(b, "v6ext_peer_handshake_age_seconds{peer=\"%s\"} %llu\n", s->conf.name,
			    (unsigned long long)(wall > s->tp.handshake_wall ? wall - s->tp.handshake_wall : 0));
	}
	metrics_family(b, "v6ext_peer_drops_total", "counter", "Frames and messages dropped, by peer and reason.");
	for (const struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s)) {
		for (int d = 1; d < DROP_MAX; d++)
			evbuffer_add_printf(b, "v6ext_peer_drops_total{peer=\"%s\",reason=\"%s\"} %llu\n", s->conf.name,
			    tunnel_drop_name((enum tunnel_drop)d), (unsigned long long)s->tp.st.drops[d]);
		for (int d = 1; d < DHCP6_DROP_MAX; d++)
			evbuffer_add_printf(b, "v6ext_peer_drops_total{peer=\"%s\",reason=\"%s\"} %llu\n", s->conf.name,
			    dhcp6_drop_name((enum dhcp6_drop)d), (unsigned long long)s->dhcp6_drops[d]);
	}
	metrics_family(b, "v6ext_peer_names_refused_total", "counter",
	    "Names DHCPv6 clients asked for and did not get, by peer and reason.");
	for (const struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s))
		for (int v = NAMES_OK + 1; v < NAMES_VERDICT_MAX; v++)
			evbuffer_add_printf(b, "v6ext_peer_names_refused_total{peer=\"%s\",reason=\"%s\"} %llu\n", s->conf.name,
			    names_verdict_name((enum names_verdict)v), (unsigned long long)s->names_refused[v]);
	if (e->xlat != NULL)
		metrics_xlat(b, e->xlat);
}

/* Send body b with its type. RFC 9110 9.3.2: the answer to HEAD has the
 * header fields of the answer to GET and no content; libevent 2.1 would
 * send the content all the same, so it is left out here, its length kept. */
static void
metrics_reply(struct evhttp_request *req, int code, const char *reason, const char *type, struct evbuffer *b)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		char n[24];

		snprintf(n, sizeof(n), "%zu", evbuffer_get_length(b));
		evhttp_add_header(h, "Content-Length", n);
		evhttp_send_reply(req, code, reason, NULL);
		return;
	}
	evhttp_send_reply(req, code, reason, b);
}

static void
metrics_request(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	struct evbuffer *b;

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		metrics_write(m, b);
		metrics_reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", b);
		break;
	default:
		/* RFC 9110 15.5.6: a 405 lists the methods the resource allows
		 * (evhttp_send_error would drop that header) */
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		evbuffer_add_printf(b, "only GET and HEAD\n");
		metrics_reply(req, 405, "Method Not Allowed", "text/plain; charset=utf-8", b);
		break;
	}
	evbuffer_free(b);
}

static void
metrics_other(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();

	(void)arg;
	if (b == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add_printf(b, "try /metrics\n");
	metrics_reply(req, 404, "Not Found", "text/plain; charset=utf-8", b);
	evbuffer_free(b);
}

/* evhttp frees a connection: its slot is free again. */
static void
metrics_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct metrics *m = arg;

	for (size_t i = 0; i < METRICS_CONNS_MAX; i++)
		if (m->conns[i].bev != NULL && m->conns[i].evcon == evcon) {
			memset(&m->conns[i], 0, sizeof(m->conns[i]));
			m->n_conns--;
			return;
		}
}

/* Connections metrics_bevcb saw, now set up by evhttp: each gets the close
 * callback, and our hold on its bufferevent ends. The hold is there for
 * evhttp's error paths, which free a new connection before we see it: its
 * callbacks are then cleared, and the memory is still ours to look at. */
static void
metrics_adopt(struct metrics *m)
{
	for (size_t i = 0; i < METRICS_CONNS_MAX; i++) {
		struct metrics_conn *c = &m->conns[i];
		bufferevent_data_cb readcb;
		void *cbarg;

		if (c->bev == NULL || c->evcon != NULL)
			continue;
		bufferevent_getcb(c->bev, &readcb, NULL, NULL, &cbarg);
		bufferevent_decref(c->bev);
		if (readcb == NULL) {
			memset(c, 0, sizeof(*c));
			m->n_conns--;
			continue;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon, metrics_conn_closed, m);
	}
}

static void
metrics_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	metrics_adopt(arg);
}

/* Close an adopted connection. The close callback frees its slot; should
 * evhttp not call it (it does for every connection it accepted), the slot
 * is freed here all the same. */
static void
metrics_drop(struct metrics *m, struct metrics_conn *c)
{
	struct evhttp_connection *evcon = c->evcon;

	evhttp_connection_free(evcon);
	if (c->bev != NULL && c->evcon == evcon) {
		memset(c, 0, sizeof(*c));
		m->n_conns--;
	}
}

static void
metrics_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct metrics *m = arg;
	uint64_t now = util_now_ms();

	(void)fd;
	(void)what;
	metrics_adopt(m);
	for (size_t i = 0; i < METRICS_CONNS_MAX; i++)
		if (m->conns[i].evcon != NULL && now - m->conns[i].since_ms >= METRICS_LIFE_MS)
			metrics_drop(m, &m->conns[i]);
	if (m->n_conns > 0)
		evtimer_add(m->reap, &(struct timeval){ .tv_sec = 1 });
}

/* evhttp accepted a connection and asks for its bufferevent. */
static struct bufferevent *
metrics_bevcb(struct event_base *base, void *arg)
{
	struct metrics *m = arg;
	struct metrics_conn *c = NULL;
	struct bufferevent *bev;

	/* the connections accepted before this one are evhttp's by now */
	metrics_adopt(m);
	if (m->n_conns == METRICS_CONNS_MAX) {
		struct metrics_conn *oldest = &m->conns[0];

		for (size_t i = 1; i < METRICS_CONNS_MAX; i++)
			if (m->conns[i].since_ms < oldest->since_ms)
				oldest = &m->conns[i];
		metrics_drop(m, oldest);
	}
	/* what evhttp makes when we do not: no fd yet, closed by evhttp.
	 * NULL lets evhttp try itself, uncounted, as it would when out of
	 * memory anyway */
	if ((bev = bufferevent_socket_new(base, -1, 0)) == NULL)
		return NULL;
	for (size_t i = 0; i < METRICS_CONNS_MAX && c == NULL; i++)
		if (m->conns[i].bev == NULL)
			c = &m->conns[i];
	if (c == NULL)          /* cannot be: the oldest just went */
		return bev;
	bufferevent_incref(bev);
	c->bev = bev;
	c->evcon = NULL;
	c->since_ms = util_now_ms();
	m->n_conns++;
	event_active(m->adopt, EV_TIMEOUT, 0);
	if (!evtimer_pending(m->reap, NULL))
		evtimer_add(m->reap, &(struct timeval){ .tv_sec = 1 });
	return bev;
}

struct metrics *
metrics_open(struct engine *e, int fd, char *err, size_t errlen)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		snprintf(err, errlen, "metrics: out of memory");
		close(fd);
		return NULL;
	}
	m->e = e;
	m->start_wall = (uint64_t)time(NULL);
	if ((m->adopt = event_new(e->base, -1, 0, metrics_adopt_cb, m)) == NULL ||
	    (m->reap = evtimer_new(e->base, metrics_reap_cb, m)) == NULL) {
		snprintf(err, errlen, "metrics: out of memory");
		goto fail;
	}
	if ((m->http = evhttp_new(e->base)) == NULL || evhttp_accept_socket(m->http, fd) != 0) {
		snprintf(err, errlen, "metrics: libevent HTTP server failed");
		if (m->http != NULL)
			evhttp_free(m->http);
		goto fail;
	}
	/* every method evhttp knows reaches metrics_request, which answers
	 * 405 to all but GET and HEAD; no request has a body */
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(m->http, METRICS_HEADERS_MAX);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_timeout(m->http, METRICS_IDLE_S);
	evhttp_set_bevcb(m->http, metrics_bevcb, m);
	evhttp_set_cb(m->http, "/metrics", metrics_request, m);
	evhttp_set_gencb(m->http, metrics_other, m);
	return m;
fail:
	close(fd);
	if (m->adopt != NULL)
		event_free(m->adopt);
	if (m->reap != NULL)
		event_free(m->reap);
	free(m);
	return NULL;
}

void
metrics_close(struct metrics *m)
{
	if (m == NULL)
		return;
	/* connections not yet adopted hold a reference to their
	 * bufferevent: adopt them, so evhttp_free frees them whole */
	metrics_adopt(m);
	evhttp_free(m->http);   /* closes the bound socket and the connections */
	event_free(m->adopt);
	event_free(m->reap);
	free(m);
}
