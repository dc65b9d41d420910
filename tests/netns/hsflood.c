/* SPDX-License-Identifier: ISC */
/* hsflood: a handshake flood that knows the server's public key, for
 * flood-cookie.test and tests/bench/flood.sh. Built on libv6ext like the
 * real client, only as a check program, never installed.
 *
 *   hsflood [-r RATE] [-t SECONDS] [-p POOL] [-f] SERVER PORT SERVER-PUB SOURCE COUNT
 *
 * Sends initiations to [SERVER]:PORT from COUNT source addresses (SOURCE,
 * SOURCE+1, ...: one UDP socket bound to each; the addresses must be
 * configured) for SECONDS (default 10), RATE a second in all (default 0: as
 * fast as it can). Every initiation carries a valid mac1 and comes from a
 * random static key that is no peer of the server's, so each one that the
 * server lets through costs it the Noise Diffie-Hellman (es and ss) before
 * the lookup of the key fails (drop unknown_key).
 *
 * Cookies: each source keeps a cookie_maker (cookie.h), as a real client
 * does. A cookie reply names the initiation it answers (receiver = that
 * initiation's sender index); its mac1, the reply's AD, is found in a
 * table per source, the cookie taken, and from then on every initiation of
 * that source carries a valid mac2, which a server under load must answer
 * with Diffie-Hellman rather than another cookie reply.
 *
 * The initiations come from a pool of POOL (default 1024) built at start,
 * each with its own static and ephemeral key; a send gives one a fresh
 * sender index, so its MACs are new. The server keeps nothing of an unknown
 * key's handshake, so a repeated body costs it the same Diffie-Hellman as a
 * new one, and the flood costs this program little CPU. -f builds every
 * initiation anew instead (four X25519 here per initiation).
 *
 * Prints one line of key=value: sources, seconds, sent, sent_mac2 (with a
 * cookie), rate (sent a second), cookies (replies taken), cookie_bad
 * (replies that did not open), responses (type 2: must stay 0, no key of
 * ours is a peer), other (anything else received), blocked (sends the
 * socket refused: a full buffer), cpu_s (this program's CPU), per_second
 * (sent in each second, comma-separated). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "cookie.h"
#include "keys.h"
#include "tunnel.h"
#include "util.h"
#include "wire.h"

#define HSFLOOD_SOURCES_MAX 4096
#define HSFLOOD_SECONDS_MAX 3600
#define HSFLOOD_POOL_MAX    65536
#define HSFLOOD_SENT_SLOTS  1024    /* recent sender indices per source (a power of 2) */
#define HSFLOOD_BURST       32      /* sends per source and pass at most */

struct hsflood_sent {
	uint32_t index;
	uint8_t mac1[WIRE_MAC_LEN];
	bool used;
};

struct hsflood_source {
	int fd;
	struct cookie_maker cm;
	struct hsflood_sent sent[HSFLOOD_SENT_SLOTS];
};

struct hsflood {
	struct sockaddr_storage server;
	socklen_t server_len;
	struct hsflood_source *src;
	size_t n_src;
	struct wire_initiation *pool;
	size_t n_pool, next_pool;
	struct tunnel_peer tp;          /* builds the pool's (and -f's) initiations */
	bool fresh;
	uint64_t sent, sent_mac2, cookies, cookie_bad, responses, other, blocked;
};

static void
usage(void)
{
	fprintf(stderr, "usage: hsflood [-r RATE] [-t SECONDS] [-p POOL] [-f] SERVER PORT SERVER-PUB SOURCE COUNT\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

/* An initiation from a new random static key. */
static int
hsflood_build(struct hsflood *h, struct wire_initiation *msg)
{
	uint8_t priv[KEY_LEN];
	int rc;

	key_generate(priv);
	rc = tunnel_initiate(&h->tp, priv, util_now_ms(), msg);
	sodium_memzero(priv, sizeof(priv));
	return rc;
}

/* SOURCE + i: the last 32 bits of an IPv6 address, or an IPv4 address. */
static void
hsflood_source_addr(const struct sockaddr_storage *base, size_t i, struct sockaddr_storage *out)
{
	*out = *base;
	if (out->ss_family == AF_INET6) {
		uint8_t *a = ((struct sockaddr_in6 *)out)->sin6_addr.s6_addr + 12;
		uint32_t v = ((uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3]) + (uint32_t)i;

		a[0] = (uint8_t)(v >> 24); a[1] = (uint8_t)(v >> 16); a[2] = (uint8_t)(v >> 8); a[3] = (uint8_t)v;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)out;

		s4->sin_addr.s_addr = htonl(ntohl(s4->sin_addr.s_addr) + (uint32_t)i);
	}
}

static int
hsflood_parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return 0;
	}
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	return -1;
}

static void
hsflood_send(struct hsflood *h, struct hsflood_source *s, uint64_t now)
{
	struct wire_initiation msg;
	struct hsflood_sent *slot;
	uint32_t index;

	if (h->fresh) {
		if (hsflood_build(h, &msg) != 0) {
			h->other++;
			return;
		}
	} else {
		msg = h->pool[h->next_pool];
		h->next_pool = (h->next_pool + 1) % h->n_pool;
	}
	index = randombytes_random();
	util_put_le32(msg.sender, index);
	/* mac1 for the server's key; mac2 once this source holds a cookie */
	cookie_add_macs(&s->cm, (uint8_t *)&msg, sizeof(msg), now);
	if (sendto(s->fd, &msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&h->server, h->server_len) < 0) {
		h->blocked++;
		return;
	}
	slot = &s->sent[index & (HSFLOOD_SENT_SLOTS - 1)];
	slot->index = index;
	memcpy(slot->mac1, msg.mac1, WIRE_MAC_LEN);
	slot->used = true;
	h->sent++;
	if (!sodium_is_zero(msg.mac2, WIRE_MAC_LEN))
		h->sent_mac2++;
}

static void
hsflood_receive(struct hsflood *h, struct hsflood_source *s, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct wire_cookie_reply reply;
	struct hsflood_sent *slot;
	enum wire_type type;
	uint32_t index;

	if (wire_classify(pkt, len, &type) != WIRE_OK) {
		h->other++;
		return;
	}
	if (type == WIRE_RESPONSE) {
		h->responses++;
		return;
	}
	if (type != WIRE_COOKIE) {
		h->other++;
		return;
	}
	memcpy(&reply, pkt, sizeof(reply));
	index = util_get_le32(reply.receiver);
	slot = &s->sent[index & (HSFLOOD_SENT_SLOTS - 1)];
	if (!slot->used || slot->index != index) {
		h->cookie_bad++;
		return;
	}
	/* the reply is sealed with the mac1 of the initiation it answers */
	memcpy(s->cm.last_mac1, slot->mac1, WIRE_MAC_LEN);
	s->cm.have_last_mac1 = true;
	if (cookie_consume_reply(&s->cm, &reply, now) != 0)
		h->cookie_bad++;
	else
		h->cookies++;
}

static void
hsflood_drain(struct hsflood *h, struct pollfd *pfd, int timeout_ms)
{
	uint8_t buf[2048];

	if (poll(pfd, h->n_src, timeout_ms) <= 0)
		return;
	for (size_t i = 0; i < h->n_src; i++) {
		ssize_t n;

		if (!(pfd[i].revents & POLLIN))
			continue;
		while ((n = recv(h->src[i].fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
			hsflood_receive(h, &h->src[i], buf, (size_t)n, util_now_ms());
	}
}

int
main(int argc, char **argv)
{
	static uint64_t per_second[HSFLOOD_SECONDS_MAX];
	struct sockaddr_storage base;
	socklen_t base_len;
	struct hsflood h = { 0 };
	struct pollfd *pfd;
	struct rusage ru;
	uint8_t spub[KEY_LEN];
	uint64_t start, end, now, last_sent = 0;
	long rate = 0, seconds = 10, pool = 1024;
	size_t rr = 0;
	const char *why;
	int c;

	while ((c = getopt(argc, argv, "r:t:p:f")) != -1) {
		switch (c) {
		case 'r': rate = number(optarg, 0, 10000000); break;
		case 't': seconds = number(optarg, 1, HSFLOOD_SECONDS_MAX); break;
		case 'p': pool = number(optarg, 1, HSFLOOD_POOL_MAX); break;
		case 'f': h.fresh = true; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 5 || sodium_init() < 0)
		usage();
	if (hsflood_parse_addr(argv[0], (uint16_t)number(argv[1], 1, 65535), &h.server, &h.server_len) != 0 ||
	    hsflood_parse_addr(argv[3], 0, &base, &base_len) != 0 || base.ss_family != h.server.ss_family) {
		fprintf(stderr, "hsflood: SERVER and SOURCE must be addresses of one family\n");
		return 2;
	}
	if (key_from_base64(spub, argv[2], &why) != 0) {
		fprintf(stderr, "hsflood: server key: %s\n", why);
		return 2;
	}
	h.n_src = (size_t)number(argv[4], 1, HSFLOOD_SOURCES_MAX);
	tunnel_peer_init(&h.tp, spub, NULL, 0);
	if ((h.src = calloc(h.n_src, sizeof(*h.src))) == NULL || (pfd = calloc(h.n_src, sizeof(*pfd))) == NULL)
		return 1;
	for (size_t i = 0; i < h.n_src; i++) {
		struct sockaddr_storage a;
		char text[INET6_ADDRSTRLEN];

		hsflood_source_addr(&base, i, &a);
		cookie_maker_init(&h.src[i].cm, spub);
		if ((h.src[i].fd = socket(a.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0 ||
		    bind(h.src[i].fd, (struct sockaddr *)&a, base_len) != 0) {
			inet_ntop(a.ss_family, a.ss_family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&a)->sin6_addr :
			    (void *)&((struct sockaddr_in *)&a)->sin_addr, text, sizeof(text));
			fprintf(stderr, "hsflood: source %s: %s\n", text, strerror(errno));
			return 1;
		}
		pfd[i].fd = h.src[i].fd;
		pfd[i].events = POLLIN;
	}
	if (!h.fresh) {
		h.n_pool = (size_t)pool;
		if ((h.pool = calloc(h.n_pool, sizeof(*h.pool))) == NULL)
			return 1;
		for (size_t i = 0; i < h.n_pool; i++)
			if (hsflood_build(&h, &h.pool[i]) != 0)
				return 1;
	}

	start = util_now_ms();
	end = start + (uint64_t)seconds * 1000;
	while ((now = util_now_ms()) < end) {
		/* what is due by now at RATE, or a burst per source */
		uint64_t due = rate ? (uint64_t)rate * (now - start) / 1000 + 1 : h.sent + h.blocked +
		    h.n_src * HSFLOOD_BURST;
		size_t n = 0, s0 = (size_t)((now - start) / 1000);

		while (h.sent + h.blocked < due && n < h.n_src * HSFLOOD_BURST) {
			hsflood_send(&h, &h.src[rr], now);
			rr = (rr + 1) % h.n_src;
			n++;
		}
		per_second[s0] += h.sent - last_sent;
		last_sent = h.sent;
		hsflood_drain(&h, pfd, n == 0 ? 1 : 0);
	}
	/* replies still on their way */
	for (int i = 0; i < 20; i++)
		hsflood_drain(&h, pfd, 10);
	now = util_now_ms();
	getrusage(RUSAGE_SELF, &ru);
	printf("sources=%zu seconds=%.3f sent=%llu sent_mac2=%llu rate=%.0f cookies=%llu cookie_bad=%llu responses=%llu"
	    " other=%llu blocked=%llu cpu_s=%.2f per_second=", h.n_src, (double)(end - start) / 1000,
	    (unsigned long long)h.sent, (unsigned long long)h.sent_mac2,
	    (double)h.sent * 1000 / (double)(end - start), (unsigned long long)h.cookies,
	    (unsigned long long)h.cookie_bad, (unsigned long long)h.responses, (unsigned long long)h.other,
	    (unsigned long long)h.blocked,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	for (long i = 0; i < seconds; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)per_second[i]);
	printf("\n");
	for (size_t i = 0; i < h.n_src; i++) {
		cookie_maker_wipe(&h.src[i].cm);
		close(h.src[i].fd);
	}
	tunnel_peer_wipe(&h.tp);
	free(h.pool);
	free(h.src);
	free(pfd);
	return 0;
}
