/* v6extd: the VPS daemon. One tap per configured peer ("site"), one UDP
 * socket per address family, a libevent loop. Datagrams are read in batches;
 * each is classified by type and size before anything else (tunnel.c). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <sodium.h>

#include "conf.h"
#include "ctl.h"
#include "frame.h"
#include "keys.h"
#include "log.h"
#include "nl.h"
#include "tap.h"
#include "transport.h"
#include "tunnel.h"
#include "util.h"

#define SITES_MAX 65536         /* slot is the low 16 bits of our indices */
#define PKT_CAP   (WIRE_DATA_MAX_LEN)

struct server;

struct site {
	struct server *srv;
	struct conf_peer conf;
	struct tunnel_peer tp;
	int tap_fd;
	struct event *ev_tap;
	bool carrier;
	bool in_use;
};

struct server {
	const char *conf_path;
	struct conf_server conf;
	struct event_base *base;
	struct tunnel_responder resp;
	struct nl_sock *nl;
	int udp6, udp4;
	struct event *ev_udp6, *ev_udp4, *ev_tick, *ev_sig[3];
	struct transport_batch rx, tx6, tx4;
	struct site **sites;            /* indexed by slot */
	size_t n_slots;
	struct tunnel_stats st;         /* drops before a peer is known */
	struct ctl *ctl;
};

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

static void
site_set_carrier(struct site *s, bool on)
{
	if (s->carrier == on)
		return;
	if (tap_set_carrier(s->tap_fd, on) != 0)
		log_warn("peer %s: tap %s: carrier", s->conf.name, s->conf.tap);
	s->carrier = on;
	log_info("peer %s: session %s", s->conf.name, on ? "up" : "down");
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

static int
site_add(struct server *srv, const struct conf_peer *cp)
{
	char err[256];
	uint8_t psk[KEY_LEN] = { 0 }, mac[6];
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
	tunnel_peer_init(&s->tp, cp->public_key, psk, (uint16_t)slot);
	sodium_memzero(psk, sizeof(psk));
	if ((s->tap_fd = tap_open(cp->tap)) < 0) {
		log_warn("peer %s: tap %s", cp->name, cp->tap);
		goto fail;
	}
	site_mac(srv, cp->name, mac);
	if (tap_set_carrier(s->tap_fd, false) != 0 ||
	    nl_link_set(srv->nl, cp->tap, true, srv->conf.mtu, mac, err, sizeof(err)) != 0) {
		log_warnx("peer %s: %s", cp->name, err);
		goto fail;
	}
	s->ev_tap = event_new(srv->base, s->tap_fd, EV_READ | EV_PERSIST, tap_read, s);
	event_add(s->ev_tap, NULL);
	s->in_use = true;
	srv->sites[slot] = s;
	log_info("peer %s: tap %s ready (slot %zu)", cp->name, cp->tap, slot);
	return 0;
fail:
	if (s->tap_fd >= 0)
		close(s->tap_fd);
	tunnel_peer_wipe(&s->tp);
	free(s);
	return -1;
}

static void
site_remove(struct server *srv, struct site *s)
{
	log_info("peer %s: removed", s->conf.name);
	srv->sites[s->tp.slot] = NULL;
	event_free(s->ev_tap);
	close(s->tap_fd);       /* a non-persistent tap goes with its last fd */
	tunnel_peer_wipe(&s->tp);
	free(s);
}

static void
server_send(struct server *srv, const struct endpoint *ep, const void *buf, size_t len)
{
	int fd = ep->u.sa.sa_family == AF_INET6 ? srv->udp6 : srv->udp4;

	if (fd < 0 || sendto(fd, buf, len, MSG_DONTWAIT, &ep->u.sa, ep->len) < 0)
		srv->st.drops[DROP_SEND]++;
}

static void
server_data(struct server *srv, uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	struct site *s;
	struct in6_addr src;
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
		s->tp.ep = *from;
	}
	site_set_carrier(s, true);
	if (flen == 0) {
		/* keepalive: answer, so the client can tell a dead path */
		uint8_t ka[WIRE_DATA_MIN_LEN];
		size_t kl;

		if (tunnel_seal_data(&s->tp, ka, 0, sizeof(ka), now, &kl) == TUNNEL_OK)
			server_send(srv, &s->tp.ep, ka, kl);
		return;
	}
	switch (frame_classify(pkt + WIRE_DATA_HEADER_LEN, flen, &src)) {
	case FRAME_RA:
	case FRAME_DHCP6_SERVER:
		s->tp.st.drops[DROP_ROGUE_RA]++;
		return;
	default:
		break;
	}
	if (write(s->tap_fd, pkt + WIRE_DATA_HEADER_LEN, flen) < 0)
		s->tp.st.drops[DROP_TAP]++;
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
		for (int i = 0; i < n; i++) {
			uint8_t *pkt = srv->rx.buf[i];
			size_t len = srv->rx.msgs[i].msg_len;

			if (len < 4) {
				srv->st.drops[DROP_SHORT]++;
				continue;
			}
			if (pkt[0] == WIRE_DATA)
				server_data(srv, pkt, len, &srv->rx.ep[i], now);
			else if (pkt[0] == WIRE_INITIATION)
				server_initiation(srv, pkt, len, &srv->rx.ep[i], now);
			else
				srv->st.drops[DROP_TYPE]++;
		}
		if (n < TRANSPORT_BATCH)
			break;
	}
}

static void
tap_read(evutil_socket_t fd, short what, void *arg)
{
	struct site *s = arg;
	struct server *srv = s->srv;
	uint64_t now = util_now_ms();
	struct transport_batch *tx;
	int ufd;

	(void)what;
	if (s->tp.ep.len == 0) {
		uint8_t sink[2048];

		while (read(fd, sink, sizeof(sink)) > 0)
			s->tp.st.drops[DROP_NO_SESSION]++;
		return;
	}
	tx = s->tp.ep.u.sa.sa_family == AF_INET6 ? &srv->tx6 : &srv->tx4;
	ufd = s->tp.ep.u.sa.sa_family == AF_INET6 ? srv->udp6 : srv->udp4;
	for (int i = 0; i < TRANSPORT_BATCH; i++) {
		uint8_t *pkt = tx->buf[tx->n];
		ssize_t n = read(fd, pkt + WIRE_DATA_HEADER_LEN, tx->cap - WIRE_DATA_MIN_LEN);
		size_t plen;
		enum tunnel_drop d;

		if (n <= 0)
			break;
		if ((d = tunnel_seal_data(&s->tp, pkt, (size_t)n, tx->cap, now, &plen)) != TUNNEL_OK) {
			s->tp.st.drops[d]++;
			continue;
		}
		transport_queue(tx, ufd, plen, &s->tp.ep);
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
	}
}

static int
ctl_handle(void *ctx, const char *req, struct evbuffer *out)
{
	struct server *srv = ctx;
	char key[KEY_B64_LEN + 1], ep[TRANSPORT_ADDRSTRLEN];
	uint64_t now = util_now_ms();

	if (strcmp(req, "show") != 0)
		return EINVAL;
	key_to_base64(key, srv->resp.pub);
	evbuffer_add_printf(out, "role=server\npublic_key=%s\nlisten_port=%u\n", key, srv->conf.listen_port);
	ctl_add_drops(out, &srv->st);
	for (size_t i = 0; i < srv->n_slots; i++) {
		struct site *s = srv->sites[i];

		if (s == NULL)
			continue;
		key_to_base64(key, s->tp.remote_pub);
		endpoint_format(&s->tp.ep, ep, sizeof(ep));
		evbuffer_add_printf(out, "peer=%s\npublic_key=%s\ntap=%s\nendpoint=%s\nlatest_handshake=%llu\n"
		    "session=%s\nrx_bytes=%llu\nrx_packets=%llu\ntx_bytes=%llu\ntx_packets=%llu\n",
		    s->conf.name, key, s->conf.tap, s->tp.ep.len ? ep : "", (unsigned long long)s->tp.handshake_wall,
		    tunnel_peer_live(&s->tp, now) ? "up" : "down",
		    (unsigned long long)s->tp.st.rx_bytes, (unsigned long long)s->tp.st.rx_packets,
		    (unsigned long long)s->tp.st.tx_bytes, (unsigned long long)s->tp.st.tx_packets);
		ctl_add_drops(out, &s->tp.st);
	}
	return 0;
}

/* SIGHUP: peers that are new are added, gone ones removed, changed ones
 * (key, PSK file or tap) replaced; the rest keep their sessions. */
static void
server_reload(struct server *srv)
{
	struct conf_server nc;
	char err[CONF_ERR_LEN];

	if (conf_server_load(srv->conf_path, &nc, err, sizeof(err)) != 0) {
		log_warnx("reload: %s; keeping the running configuration", err);
		return;
	}
	for (size_t i = 0; i < srv->n_slots; i++) {
		struct site *s = srv->sites[i];
		const struct conf_peer *cp;

		if (s == NULL)
			continue;
		cp = conf_server_find_peer(&nc, s->conf.name);
		if (cp == NULL || memcmp(cp->public_key, s->conf.public_key, KEY_LEN) != 0 ||
		    strcmp(cp->tap, s->conf.tap) != 0 || cp->has_psk != s->conf.has_psk ||
		    strcmp(cp->psk_file, s->conf.psk_file) != 0)
			site_remove(srv, s);
		else
			s->conf = *cp;
	}
	for (size_t i = 0; i < nc.n_peers; i++)
		if (server_site_by_name(srv, nc.peers[i].name) == NULL)
			(void)site_add(srv, &nc.peers[i]);
	conf_server_free(&srv->conf);
	srv->conf = nc;
	log_info("reloaded %s: %zu peers", srv->conf_path, nc.n_peers);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	if (sig == SIGHUP) {
		server_reload(srv);
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
	struct timeval one = { 1, 0 };

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
	if (!foreground && daemon(0, 0) != 0)
		fatal("daemon");
	tunnel_responder_init(&srv.resp, priv);
	sodium_memzero(priv, sizeof(priv));
	signal(SIGPIPE, SIG_IGN);
	if ((srv.base = event_base_new()) == NULL)
		fatalx("libevent: no event base");
	if ((srv.nl = nl_open(err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (transport_batch_init(&srv.rx, PKT_CAP) != 0 || transport_batch_init(&srv.tx6, PKT_CAP) != 0 ||
	    transport_batch_init(&srv.tx4, PKT_CAP) != 0)
		fatalx("out of memory");
	srv.udp6 = transport_open(AF_INET6, srv.conf.listen_port, err, sizeof(err));
	if (srv.udp6 < 0)
		log_warnx("%s", err);
	srv.udp4 = transport_open(AF_INET, srv.conf.listen_port, err, sizeof(err));
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
	for (size_t i = 0; i < srv.conf.n_peers; i++)
		if (site_add(&srv, &srv.conf.peers[i]) != 0)
			fatalx("peer %s: cannot start", srv.conf.peers[i].name);
	if ((srv.ctl = ctl_listen(srv.base, srv.conf.control_socket, ctl_handle, &srv, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	for (int i = 0; i < 3; i++) {
		srv.ev_sig[i] = evsignal_new(srv.base, sigs[i], on_signal, &srv);
		event_add(srv.ev_sig[i], NULL);
	}
	srv.ev_tick = event_new(srv.base, -1, EV_PERSIST, tick, &srv);
	event_add(srv.ev_tick, &one);
	log_info("listening on port %u, %zu peers", srv.conf.listen_port, srv.conf.n_peers);

	event_base_dispatch(srv.base);

	for (size_t i = 0; i < srv.n_slots; i++)
		if (srv.sites[i] != NULL)
			site_remove(&srv, srv.sites[i]);
	free(srv.sites);
	ctl_close(srv.ctl);
	for (int i = 0; i < 3; i++)
		event_free(srv.ev_sig[i]);
	event_free(srv.ev_tick);
	if (srv.ev_udp6)
		event_free(srv.ev_udp6);
	if (srv.ev_udp4)
		event_free(srv.ev_udp4);
	tunnel_responder_wipe(&srv.resp);
	transport_batch_free(&srv.rx);
	transport_batch_free(&srv.tx6);
	transport_batch_free(&srv.tx4);
	nl_close(srv.nl);
	event_base_free(srv.base);
	conf_server_free(&srv.conf);
	return 0;
}
