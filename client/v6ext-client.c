/* v6ext-client: the home-side daemon. One tunnel to the server, its tap a
 * port of the home bridge. The client always initiates: at start, after a
 * silent path, and every REKEY_AFTER seconds.
 *
 * Timers (checked every 250 ms):
 *   handshake retry   5 s without a response -> next address, back-off
 *   back-off          1, 2, 4, ... 30 s between rounds; re-resolve each round
 *   keepalive         empty data after `keepalive` s without sending
 *   dead path         sent but heard nothing for keepalive + 5 s -> reconnect */
#include "config.h"

#include <errno.h>
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
#include "evloop.h"
#include "frame.h"
#include "keys.h"
#include "log.h"
#include "nl.h"
#include "privdrop.h"
#include "tap.h"
#include "transport.h"
#include "tunnel.h"
#include "util.h"

#define RETRY_MS       5000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define CANDIDATES_MAX 8
/* Receive buffers per recvmmsg: 64 KB each, as a GRO burst fills one */
#define CLIENT_RX_BUFS 2
/* The home side's tap takes any frame the bridge passes, so an oversize one
 * reaches us and can be answered with a Packet Too Big (a bridge drops frames
 * over a port's MTU silently); the inner MTU is enforced in tap_read. */
#define CLIENT_TAP_MTU 65521  /* the tun driver's maximum */

struct client {
	const char *conf_path;
	struct conf_client conf;
	struct event_base *base;
	uint8_t priv[KEY_LEN];
	struct cookie_checker cc;       /* mac1 on responses is keyed by our key */
	struct tunnel_peer tp;
	struct nl_sock *nl;
	int udp6, udp4, tap_fd;
	struct event *ev_udp6, *ev_udp4, *ev_tap, *ev_tick, *ev_sig[3];
	struct transport_rx rx;
	struct transport_tx tx;
	bool offload;                   /* TSO on the tap, UDP GSO/GRO */
	struct tap_out tap_out;         /* frames to the tap, TCP bursts glued */
	uint8_t *tap_in;                /* one frame read from the tap, virtio_net_hdr first */
	uint64_t activity;              /* reads that found traffic, for busy polling */
	struct endpoint cand[CANDIDATES_MAX];   /* resolved server addresses, v6 first */
	size_t n_cand, cur_cand;
	uint64_t backoff_ms, next_try_ms;
	bool carrier;
	struct tunnel_stats st;
	struct ctl *ctl;
};

/* Resolve "server": IPv6 addresses first (a native IPoE path beats MAP-E /
 * DS-Lite), IPv4 after them as the fallback. */
static void
client_resolve(struct client *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_ADDRCONFIG }, *res, *ai;
	char port[8];
	int rc;

	snprintf(port, sizeof(port), "%u", c->conf.server_port);
	if ((rc = getaddrinfo(c->conf.server_host, port, &hints, &res)) != 0) {
		/* AI_ADDRCONFIG hides everything in a namespace with only lo */
		hints.ai_flags = 0;
		rc = getaddrinfo(c->conf.server_host, port, &hints, &res);
	}
	if (rc != 0) {
		log_warnx("server %s: %s", c->conf.server_host, gai_strerror(rc));
		return;
	}
	c->n_cand = 0;
	c->cur_cand = 0;
	for (int fam = 0; fam < 2; fam++)
		for (ai = res; ai != NULL && c->n_cand < CANDIDATES_MAX; ai = ai->ai_next) {
			if (ai->ai_family != (fam == 0 ? AF_INET6 : AF_INET))
				continue;
			if ((ai->ai_family == AF_INET6 ? c->udp6 : c->udp4) < 0)
				continue;
			memcpy(&c->cand[c->n_cand].u, ai->ai_addr, ai->ai_addrlen);
			c->cand[c->n_cand].len = ai->ai_addrlen;
			c->n_cand++;
		}
	freeaddrinfo(res);
}

static int
client_fd(struct client *c, const struct endpoint *ep)
{
	return ep->u.sa.sa_family == AF_INET6 ? c->udp6 : c->udp4;
}

static void
client_send(struct client *c, const struct endpoint *ep, const void *buf, size_t len)
{
	if (sendto(client_fd(c, ep), buf, len, MSG_DONTWAIT, &ep->u.sa, ep->len) < 0)
		c->tp.st.drops[DROP_SEND]++;
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
client_initiate(struct client *c, const struct endpoint *ep, uint64_t now)
{
	struct wire_initiation msg;
	char a[TRANSPORT_ADDRSTRLEN];

	if (tunnel_initiate(&c->tp, c->priv, now, &msg) != 0) {
		log_warnx("handshake: cannot build an initiation");
		return;
	}
	endpoint_format(ep, a, sizeof(a));
	log_debug("handshake: initiation to %s", a);
	c->tp.ep = *ep;
	client_send(c, ep, &msg, sizeof(msg));
}

/* One datagram from the server. */
static void
client_datagram(struct client *c, uint8_t *pkt, size_t len, const struct endpoint *from, uint64_t now)
{
	enum tunnel_drop d;
	size_t flen;

	if (len < 4) {
		c->st.drops[DROP_SHORT]++;
		return;
	}
	switch (pkt[0]) {
	case WIRE_RESPONSE:
		if ((d = tunnel_consume_response(&c->tp, &c->cc, pkt, len, from, now)) != TUNNEL_OK) {
			c->st.drops[d]++;
			break;
		}
		log_info("handshake complete");
		c->backoff_ms = 0;
		client_set_carrier(c, true);
		/* confirm the session to the server at once */
		{
			uint8_t ka[WIRE_DATA_MIN_LEN];
			size_t kl;

			if (tunnel_seal_data(&c->tp, ka, 0, sizeof(ka), now, &kl) == TUNNEL_OK)
				client_send(c, &c->tp.ep, ka, kl);
		}
		break;
	case WIRE_COOKIE:
		/* the server is under load: retry at once with mac2 */
		if ((d = tunnel_consume_cookie(&c->tp, pkt, len, now)) != TUNNEL_OK)
			c->st.drops[d]++;
		else
			client_initiate(c, &c->tp.ep, now);
		break;
	case WIRE_DATA:
		if ((d = tunnel_open_data(&c->tp, pkt, len, now, &flen)) != TUNNEL_OK) {
			c->st.drops[d]++;
			break;
		}
		if (flen != 0)
			tap_out_frame(&c->tap_out, c->tap_fd, c->offload, pkt + WIRE_DATA_HEADER_LEN, flen,
			    &c->tp.st.drops[DROP_TAP]);
		break;
	default:
		c->st.drops[DROP_TYPE]++;
	}
}

static void
udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;
	uint64_t now = util_now_ms();
	int n;

	(void)what;
	while ((n = transport_recv(fd, &c->rx)) > 0) {
		c->activity++;
		for (int i = 0; i < n; i++) {
			size_t total = c->rx.msgs[i].msg_len, seg = c->rx.seg[i], off = 0;

			/* one datagram, or a GRO burst of them */
			do {
				uint8_t *pkt = c->rx.buf[i] + off;
				size_t len = total - off < seg ? total - off : seg;

				off += seg;
				client_datagram(c, pkt, len, &c->rx.ep[i], now);
			} while (off < total);
		}
		tap_out_flush(&c->tap_out);
		if ((unsigned)n < c->rx.nbuf)
			break;
	}
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

/* One frame from the tap, at pkt + WIRE_DATA_HEADER_LEN where
 * transport_reserve made room: guarded, sealed and queued. */
static void
client_queue_frame(struct client *c, uint8_t *pkt, size_t n, uint64_t now)
{
	uint8_t *frame = pkt + WIRE_DATA_HEADER_LEN;
	struct in6_addr src;
	enum tunnel_drop d;
	size_t plen;

	if (n > client_frame_max(c, frame, n)) {
		/* too big for the tunnel: never lost in silence. IPv6 senders
		 * get a Packet Too Big, so PMTUD works from the home side */
		uint8_t ptb[FRAME_PTB_MAX];
		size_t plen2 = frame_build_ptb(frame, n, c->conf.mtu, ptb, sizeof(ptb));

		c->tp.st.drops[DROP_TOO_BIG]++;
		if (plen2 != 0 && tap_write(c->tap_fd, c->offload, ptb, plen2) < 0)
			c->tp.st.drops[DROP_TAP]++;
		return;
	}
	switch (frame_classify(frame, n, &src)) {
	case FRAME_RA:
	case FRAME_DHCP6_SERVER:
		/* rogue-RA guard: the home LAN's router must not reach the site */
		c->tp.st.drops[DROP_ROGUE_RA]++;
		return;
	default:
		break;
	}
	if ((d = tunnel_seal_data(&c->tp, pkt, n, n + WIRE_DATA_MIN_LEN, now, &plen)) != TUNNEL_OK) {
		c->tp.st.drops[d]++;
		return;
	}
	transport_commit(&c->tx, plen, &c->tp.ep);
}

static void
tap_read(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;
	uint64_t now = util_now_ms();
	int ufd = client_fd(c, &c->tp.ep);

	(void)what;
	/* a batch of frames, sealed in place, leaves in one sendmmsg */
	for (int i = 0; i < TRANSPORT_BATCH; i++) {
		struct virtio_net_hdr vh;
		struct gso_seg seg;
		ssize_t n;
		size_t len;

		if (!c->offload) {
			uint8_t *pkt = transport_reserve(&c->tx, ufd, WIRE_DATA_MAX_LEN);

			if ((n = read(fd, pkt + WIRE_DATA_HEADER_LEN, WIRE_FRAME_MAX)) <= 0)
				break;
			c->activity++;
			client_queue_frame(c, pkt, (size_t)n, now);
			continue;
		}
		/* a burst of TCP in one frame: cut into segments, each sealed
		 * where it will leave from */
		if ((n = read(fd, c->tap_in, GSO_HDR_LEN + GSO_FRAME_MAX)) <= 0)
			break;
		c->activity++;
		memcpy(&vh, c->tap_in, sizeof(vh));
		if ((size_t)n < GSO_HDR_LEN ||
		    !gso_seg_init(&seg, &vh, c->tap_in + GSO_HDR_LEN, (size_t)n - GSO_HDR_LEN)) {
			c->tp.st.drops[DROP_TOO_BIG]++;
			continue;
		}
		while ((len = gso_seg_next_len(&seg)) != 0) {
			uint8_t *pkt = transport_reserve(&c->tx, ufd, len + WIRE_DATA_MIN_LEN);

			gso_seg_next(&seg, pkt + WIRE_DATA_HEADER_LEN);
			client_queue_frame(c, pkt, len, now);
		}
	}
	c->tp.st.drops[DROP_SEND] += transport_flush(&c->tx, ufd);
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;
	uint64_t now = util_now_ms();
	bool live;

	(void)fd;
	(void)what;
	if (c->tp.prev.live && session_expired(&c->tp.prev, now))
		session_wipe(&c->tp.prev);
	live = tunnel_peer_live(&c->tp, now);
	/* dead path: we sent, the server (which answers keepalives) stayed silent */
	if (live && c->conf.keepalive && c->tp.last_tx_ms > c->tp.last_rx_ms &&
	    now - c->tp.last_rx_ms > (uint64_t)c->conf.keepalive * 1000 + 5000) {
		log_info("no answer from the server for %llu s: reconnecting",
		    (unsigned long long)(now - c->tp.last_rx_ms) / 1000);
		session_wipe(&c->tp.cur);
		session_wipe(&c->tp.prev);
		live = false;
	}
	if (!live && session_expired(&c->tp.cur, now) && c->tp.cur.live)
		session_wipe(&c->tp.cur);       /* keys zeroed on expiry */
	client_set_carrier(c, live);

	if (live) {
		if (!c->tp.hs_pending && session_needs_rekey(&c->tp.cur, now))
			client_initiate(c, &c->tp.ep, now);
		else if (c->tp.hs_pending && now - c->tp.hs_sent_ms > RETRY_MS)
			client_initiate(c, &c->tp.ep, now);
		if (c->conf.keepalive && now - c->tp.last_tx_ms >= (uint64_t)c->conf.keepalive * 1000) {
			uint8_t ka[WIRE_DATA_MIN_LEN];
			size_t kl;

			if (tunnel_seal_data(&c->tp, ka, 0, sizeof(ka), now, &kl) == TUNNEL_OK)
				client_send(c, &c->tp.ep, ka, kl);
		}
		return;
	}
	/* not connected: one initiation per address, then back off */
	if (c->tp.hs_pending && now - c->tp.hs_sent_ms < RETRY_MS)
		return;
	if (now < c->next_try_ms)
		return;
	if (c->tp.hs_pending)
		c->cur_cand++;          /* no answer from that address: next one */
	if (c->cur_cand >= c->n_cand) {
		c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (c->backoff_ms > BACKOFF_MAX_MS)
			c->backoff_ms = BACKOFF_MAX_MS;
		c->next_try_ms = now + c->backoff_ms;
		c->tp.hs_pending = false;
		client_resolve(c);      /* the name may point elsewhere now */
		c->cur_cand = 0;
		return;
	}
	client_initiate(c, &c->cand[c->cur_cand], now);
}

static int
ctl_handle(void *ctx, const char *req, struct evbuffer *out)
{
	struct client *c = ctx;
	char key[KEY_B64_LEN + 1], ep[TRANSPORT_ADDRSTRLEN];
	uint8_t pub[KEY_LEN];
	struct tunnel_stats all = c->tp.st;

	if (strcmp(req, "show") != 0)
		return EINVAL;
	key_public(pub, c->priv);
	key_to_base64(key, pub);
	evbuffer_add_printf(out, "role=client\npublic_key=%s\ntap=%s\nbridge=%s\n", key, c->conf.tap, c->conf.bridge);
	ctl_add_offload(out, c->offload, &c->rx, &c->tx, NULL, &c->tap_out);
	for (int d = 0; d < DROP_MAX; d++)
		all.drops[d] += c->st.drops[d];
	key_to_base64(key, c->tp.remote_pub);
	endpoint_format(&c->tp.ep, ep, sizeof(ep));
	evbuffer_add_printf(out, "peer=server\npublic_key=%s\nendpoint=%s\nlatest_handshake=%llu\nsession=%s\n"
	    "rx_bytes=%llu\nrx_packets=%llu\ntx_bytes=%llu\ntx_packets=%llu\n",
	    key, c->tp.ep.len ? ep : "", (unsigned long long)c->tp.handshake_wall,
	    tunnel_peer_live(&c->tp, util_now_ms()) ? "up" : "down",
	    (unsigned long long)all.rx_bytes, (unsigned long long)all.rx_packets,
	    (unsigned long long)all.tx_bytes, (unsigned long long)all.tx_packets);
	evbuffer_add_printf(out, "cipher=%s\n", tunnel_peer_cipher(&c->tp, util_now_ms()));
	ctl_add_drops(out, &all);
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
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

int
main(int argc, char **argv)
{
	struct client c = { .udp6 = -1, .udp4 = -1, .tap_fd = -1 };
	bool check_only = false, foreground = false;
	char err[CONF_ERR_LEN];
	uint8_t pub[KEY_LEN], psk[KEY_LEN] = { 0 };
	int verbose = 0, ch, ctl_fd, sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct timeval quarter = { 0, 250000 };
	struct ctl_access acc;

	while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
		switch (ch) {
		case 'c': c.conf_path = optarg; break;
		case 'f': foreground = true; break;
		case 'n': check_only = true; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (c.conf_path == NULL || optind != argc)
		usage();
	log_init("v6ext-client", verbose, false);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if (conf_client_load(c.conf_path, &c.conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (key_read_file(c.conf.private_key_file, c.priv, err, sizeof(err)) != 0 ||
	    (c.conf.has_psk && key_read_file(c.conf.psk_file, psk, err, sizeof(err)) != 0)) {
		log_warnx("%s", err);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration OK\n", c.conf_path);
		sodium_memzero(c.priv, sizeof(c.priv));
		sodium_memzero(psk, sizeof(psk));
		return 0;
	}
	if (!foreground) {
		if (daemon(0, 0) != 0)
			fatal("daemon");
		log_init("v6ext-client", verbose, true);     /* stderr is /dev/null now */
	}
	key_public(pub, c.priv);
	cookie_checker_init(&c.cc, pub);
	tunnel_peer_init(&c.tp, c.conf.server_public_key, psk, 0);
	c.tp.allow_aesgcm = util_env_on("V6EXT_AESGCM");
	sodium_memzero(psk, sizeof(psk));
	signal(SIGPIPE, SIG_IGN);
	if ((c.base = event_base_new()) == NULL)
		fatalx("libevent: no event base");
	if ((c.nl = nl_open(err, sizeof(err))) == NULL)
		fatalx("%s", err);
	c.offload = transport_offload_enabled();
	if (transport_rx_init(&c.rx, CLIENT_RX_BUFS, WIRE_DATA_MAX_LEN) != 0 || transport_tx_init(&c.tx, c.offload) != 0 ||
	    tap_out_init(&c.tap_out, c.offload) != 0 || (c.tap_in = malloc(GSO_HDR_LEN + GSO_FRAME_MAX)) == NULL)
		fatalx("out of memory");
	c.udp6 = transport_open(AF_INET6, 0, c.offload, err, sizeof(err));
	c.udp4 = transport_open(AF_INET, 0, c.offload, err, sizeof(err));
	if (c.udp6 < 0 && c.udp4 < 0)
		fatalx("%s", err);
	if ((c.tap_fd = tap_open(c.conf.tap, &c.offload)) < 0)
		fatal("tap %s", c.conf.tap);
	if (tap_set_carrier(c.tap_fd, false) != 0 ||
	    nl_bridge_ensure(c.nl, c.conf.bridge, err, sizeof(err)) != 0 ||
	    nl_link_set(c.nl, c.conf.tap, true, CLIENT_TAP_MTU, NULL, err, sizeof(err)) != 0 ||
	    nl_link_enslave(c.nl, c.conf.tap, c.conf.bridge, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("tap %s is a port of bridge %s", c.conf.tap, c.conf.bridge);
	client_resolve(&c);
	for (int i = 0; i < 2; i++) {
		int fd = i == 0 ? c.udp6 : c.udp4;
		struct event **ev = i == 0 ? &c.ev_udp6 : &c.ev_udp4;

		if (fd < 0)
			continue;
		*ev = event_new(c.base, fd, EV_READ | EV_PERSIST, udp_read, &c);
		event_add(*ev, NULL);
	}
	c.ev_tap = event_new(c.base, c.tap_fd, EV_READ | EV_PERSIST, tap_read, &c);
	event_add(c.ev_tap, NULL);
	ctl_access_init(&acc, c.conf.control_group, c.conf.control_gid);
	if ((ctl_fd = ctl_bind(c.conf.control_socket, acc.gid, err, sizeof(err))) < 0 ||
	    (c.ctl = ctl_listen_fd(c.base, ctl_fd, ctl_handle, &c, &acc, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	for (int i = 0; i < 3; i++) {
		c.ev_sig[i] = evsignal_new(c.base, sigs[i], on_signal, &c);
		event_add(c.ev_sig[i], NULL);
	}
	c.ev_tick = event_new(c.base, -1, EV_PERSIST, tick, &c);
	event_add(c.ev_tick, &quarter);
	tick(-1, 0, &c);
	/* nothing to hand over: the control socket stays root's, served
	 * through its descriptor */
	if (privdrop(c.conf.user, NULL, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("running as %s with CAP_NET_ADMIN and CAP_NET_RAW only", c.conf.user[0] ? c.conf.user : "root");

	evloop_run(c.base, c.conf.busy_poll, &c.activity);

	ctl_close(c.ctl);
	ctl_unbind(c.conf.control_socket);      /* as `user` it stays, and the next start removes it */
	for (int i = 0; i < 3; i++)
		event_free(c.ev_sig[i]);
	event_free(c.ev_tick);
	event_free(c.ev_tap);
	if (c.ev_udp6)
		event_free(c.ev_udp6);
	if (c.ev_udp4)
		event_free(c.ev_udp4);
	close(c.tap_fd);
	tunnel_peer_wipe(&c.tp);
	cookie_checker_wipe(&c.cc);
	sodium_memzero(c.priv, sizeof(c.priv));
	transport_rx_free(&c.rx);
	transport_tx_free(&c.tx);
	tap_out_free(&c.tap_out);
	free(c.tap_in);
	nl_close(c.nl);
	event_base_free(c.base);
	return 0;
}
