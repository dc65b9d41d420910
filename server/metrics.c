/* metrics: the Prometheus text format (exposition format 0.0.4) on
 * metrics-listen, served by libevent's HTTP server. Every family is written
 * whole, with its HELP and TYPE, before the next: what `promtool check
 * metrics` asks for. Peer names are [A-Za-z0-9_.-], so label values need no
 * escaping. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "metrics.h"
#include "ndproxy.h"
#include "engine.h"
#include "site.h"
#include "util.h"

struct metrics {
	struct engine *e;
	struct evhttp *http;
	uint64_t start_wall;
};

static void
metrics_family(struct evbuffer *b, const char *name, const char *type, const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample per site of a per-site value. */
typedef uint64_t (*metrics_value_fn)(const struct site *s, uint64_t now);

static uint64_t m_rx_bytes(const struct site *s, uint64_t now) { (void)now; return s->tp.st.rx_bytes; }
static uint64_t m_tx_bytes(const struct site *s, uint64_t now) { (void)now; return s->tp.st.tx_bytes; }
static uint64_t m_rx_packets(const struct site *s, uint64_t now) { (void)now; return s->tp.st.rx_packets; }
static uint64_t m_tx_packets(const struct site *s, uint64_t now) { (void)now; return s->tp.st.tx_packets; }
static uint64_t m_hosts(const struct site *s, uint64_t now) { (void)now; return hosts_count(&s->hosts); }
static uint64_t m_up(const struct site *s, uint64_t now) { return tunnel_peer_live(&s->tp, now); }
static uint64_t m_leases(const struct site *s, uint64_t now)
{
	(void)now;
	return lease_count(&s->e->leases, s->conf.name);
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
}

static void
metrics_request(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	struct evbuffer *b;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	metrics_write(m, b);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
metrics_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, "try /metrics");
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
	if ((m->http = evhttp_new(e->base)) == NULL || evhttp_accept_socket(m->http, fd) != 0) {
		snprintf(err, errlen, "metrics: libevent HTTP server failed");
		if (m->http != NULL)
			evhttp_free(m->http);
		close(fd);
		free(m);
		return NULL;
	}
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET);
	evhttp_set_timeout(m->http, 10);
	evhttp_set_cb(m->http, "/metrics", metrics_request, m);
	evhttp_set_gencb(m->http, metrics_other, m);
	return m;
}

void
metrics_close(struct metrics *m)
{
	if (m == NULL)
		return;
	evhttp_free(m->http);   /* closes the bound socket too */
	free(m);
}
