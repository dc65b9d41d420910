/* SPDX-License-Identifier: ISC */
/* hsload: the scale benchmark's helper (tests/bench/scale.sh), built on
 * libv6ext like the real client, never installed and not built by `make all`.
 *
 *   hsload keygen DIR N
 *       writes N private keys DIR/p0001.key .. (mode 0600) and prints
 *       "I PUBLIC-KEY" per key: 1 000 keys without 2 000 runs of v6ext.
 *
 *   hsload run ADDR PORT SERVER-PUB SECONDS WINDOW KEY-FILE...
 *       keeps WINDOW initiations outstanding towards v6extd at [ADDR]:PORT,
 *       each from a different one of the keys (a key has at most one
 *       handshake in flight: the server refuses an initiation whose
 *       timestamp is not newer than the last one of that key), for SECONDS.
 *       A response completes a handshake and the key's next initiation goes
 *       out at once; a cookie reply (the server is under load) is consumed
 *       and the initiation repeated with mac2, as v6ext-client does; an
 *       initiation unanswered for 1 s is replaced by a new one. Prints one
 *       line of key=value: handshakes, seconds, rate (handshakes/s), the
 *       initiations sent, cookie replies, timeouts, data packets (the
 *       RAs a server sends when a session comes up), replies that did not
 *       match or verify, this program's own CPU seconds, and per_second
 *       (the handshakes completed in each second, comma-separated).
 *
 * The keys must be configured peers of the server: handshakes from unknown
 * keys cost the server the same Diffie-Hellman but get no answer. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keys.h"
#include "tunnel.h"
#include "util.h"

#define HSLOAD_TIMEOUT_MS   1000
#define HSLOAD_SECONDS_MAX  600

struct hsload_key {
	uint8_t priv[KEY_LEN];
	struct tunnel_peer tp;          /* the initiator's state towards the server */
	struct cookie_checker cc;       /* mac1 of responses, keyed by our public key */
	bool busy;                      /* an initiation is outstanding */
};

struct hsload {
	int fd;
	struct endpoint server;
	struct hsload_key *keys;
	size_t n_keys, next;            /* next: where the search for an idle key starts */
	uint64_t handshakes, initiations, cookies, timeouts, data, bad;
};

static void
usage(void)
{
	fprintf(stderr, "usage: hsload keygen DIR N\n"
	    "       hsload run ADDR PORT SERVER-PUB SECONDS WINDOW KEY-FILE...\n");
	exit(2);
}

static int
hsload_keygen(const char *dir, const char *count)
{
	char path[4096], b64[KEY_B64_LEN + 1];
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	long n = strtol(count, NULL, 10);

	if (n < 1 || n > 16384)
		usage();
	for (long i = 1; i <= n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/p%05ld.key", dir, i);
		key_generate(priv);
		key_to_base64(b64, priv);
		/* 0600 from the start, as `umask 077; v6ext genkey > FILE` makes it */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600)) < 0 ||
		    write(fd, b64, KEY_B64_LEN) != KEY_B64_LEN || write(fd, "\n", 1) != 1 || close(fd) != 0) {
			fprintf(stderr, "hsload: %s: %s\n", path, strerror(errno));
			return 1;
		}
		key_public(pub, priv);
		key_to_base64(b64, pub);
		printf("%ld %s\n", i, b64);
	}
	sodium_memzero(priv, sizeof(priv));
	return 0;
}

static void
hsload_send(struct hsload *h, struct hsload_key *k, uint64_t now)
{
	struct wire_initiation msg;

	if (tunnel_initiate(&k->tp, k->priv, now, &msg) != 0) {
		h->bad++;
		return;
	}
	k->busy = true;
	h->initiations++;
	/* a full socket buffer is a timeout later, not an error now */
	(void)sendto(h->fd, &msg, sizeof(msg), MSG_DONTWAIT, &h->server.u.sa, h->server.len);
}

/* The next idle key after the last one started, round-robin. */
static struct hsload_key *
hsload_idle(struct hsload *h)
{
	for (size_t i = 0; i < h->n_keys; i++) {
		struct hsload_key *k = &h->keys[(h->next + i) % h->n_keys];

		if (!k->busy) {
			h->next = (h->next + i + 1) % h->n_keys;
			return k;
		}
	}
	return NULL;
}

/* The key a response or cookie reply is for: the receiver index is the
 * sender index of our initiation. */
static struct hsload_key *
hsload_by_index(struct hsload *h, uint32_t index)
{
	for (size_t i = 0; i < h->n_keys; i++)
		if (h->keys[i].busy && h->keys[i].tp.hs_index == index)
			return &h->keys[i];
	return NULL;
}

static void
hsload_receive(struct hsload *h, const uint8_t *pkt, size_t len, uint64_t now, bool counting)
{
	struct hsload_key *k, *next;
	enum wire_type type;

	if (wire_classify(pkt, len, &type) == WIRE_OK && type == WIRE_DATA) {
		/* a new session's first RAs: the server sends them into the tunnel */
		h->data++;
		return;
	}
	if (wire_classify(pkt, len, &type) != WIRE_OK || (type != WIRE_RESPONSE && type != WIRE_COOKIE) ||
	    (k = hsload_by_index(h, util_get_le32(pkt + (type == WIRE_RESPONSE ?
	    offsetof(struct wire_response, receiver) : offsetof(struct wire_cookie_reply, receiver))))) == NULL) {
		h->bad++;
		return;
	}
	if (type == WIRE_COOKIE) {
		/* the server is under load: mac2 from now on, and again at once */
		if (tunnel_consume_cookie(&k->tp, pkt, len, now) != TUNNEL_OK) {
			h->bad++;
			return;
		}
		h->cookies++;
		hsload_send(h, k, now);
		return;
	}
	if (tunnel_consume_response(&k->tp, &k->cc, pkt, len, &h->server, now) != TUNNEL_OK) {
		h->bad++;
		return;
	}
	k->busy = false;
	if (!counting)
		return;
	h->handshakes++;
	if ((next = hsload_idle(h)) != NULL)
		hsload_send(h, next, now);
}

static int
hsload_run(int argc, char **argv)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct hsload h = { .fd = -1 };
	uint8_t spub[KEY_LEN], buf[2048];
	uint64_t start, end, now, per_second[HSLOAD_SECONDS_MAX] = { 0 }, last = 0;
	long seconds, window;
	struct rusage ru;
	char err[512];
	const char *why;

	if (argc < 8 || inet_pton(AF_INET6, argv[2], &sa.sin6_addr) != 1)
		usage();
	sa.sin6_port = htons((uint16_t)strtol(argv[3], NULL, 10));
	seconds = strtol(argv[5], NULL, 10);
	window = strtol(argv[6], NULL, 10);
	if (key_from_base64(spub, argv[4], &why) != 0 || seconds < 1 || seconds > HSLOAD_SECONDS_MAX ||
	    window < 1)
		usage();
	h.n_keys = (size_t)(argc - 7);
	if ((size_t)window > h.n_keys)
		window = (long)h.n_keys;
	if ((h.keys = calloc(h.n_keys, sizeof(*h.keys))) == NULL)
		return 1;
	for (size_t i = 0; i < h.n_keys; i++) {
		struct hsload_key *k = &h.keys[i];
		uint8_t pub[KEY_LEN];

		if (key_read_file(argv[7 + i], k->priv, err, sizeof(err)) != 0) {
			fprintf(stderr, "hsload: %s\n", err);
			return 1;
		}
		key_public(pub, k->priv);
		cookie_checker_init(&k->cc, pub);
		tunnel_peer_init(&k->tp, spub, NULL, 0);
	}
	memcpy(&h.server.u.in6, &sa, sizeof(sa));
	h.server.len = sizeof(sa);
	if ((h.fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0) {
		perror("hsload: socket");
		return 1;
	}
	start = util_now_ms();
	end = start + (uint64_t)seconds * 1000;
	for (long i = 0; i < window; i++)
		hsload_send(&h, hsload_idle(&h), start);
	while ((now = util_now_ms()) < end) {
		ssize_t n;

		if (poll(&(struct pollfd){ .fd = h.fd, .events = POLLIN }, 1, 10) < 0 && errno != EINTR)
			break;
		/* at most a window's worth per pass, with the clock read per
		 * datagram: under a steady stream the loop would otherwise never
		 * reach the timeouts and the per-second counts below */
		for (long i = 0; i < window && (n = recv(h.fd, buf, sizeof(buf), 0)) > 0; i++) {
			now = util_now_ms();
			hsload_receive(&h, buf, (size_t)n, now, now < end);
		}
		now = util_now_ms();
		for (size_t i = 0; i < h.n_keys; i++) {
			struct hsload_key *k = &h.keys[i];

			if (k->busy && now - k->tp.hs_sent_ms > HSLOAD_TIMEOUT_MS) {
				h.timeouts++;
				hsload_send(&h, k, now);
			}
		}
		if (now < end) {
			size_t s = (size_t)((now - start) / 1000);

			per_second[s] += h.handshakes - last;
			last = h.handshakes;
		}
	}
	now = util_now_ms();
	getrusage(RUSAGE_SELF, &ru);
	printf("handshakes=%llu seconds=%.3f rate=%.1f initiations=%llu cookies=%llu timeouts=%llu data=%llu"
	    " bad=%llu cpu_s=%.2f per_second=", (unsigned long long)h.handshakes, (double)(now - start) / 1000,
	    (double)h.handshakes * 1000 / (double)(now - start), (unsigned long long)h.initiations,
	    (unsigned long long)h.cookies, (unsigned long long)h.timeouts, (unsigned long long)h.data, (unsigned long long)h.bad,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	for (long s = 0; s < seconds; s++)
		printf("%s%llu", s ? "," : "", (unsigned long long)per_second[s]);
	printf("\n");
	for (size_t i = 0; i < h.n_keys; i++) {
		sodium_memzero(h.keys[i].priv, KEY_LEN);
		tunnel_peer_wipe(&h.keys[i].tp);
		cookie_checker_wipe(&h.keys[i].cc);
	}
	free(h.keys);
	close(h.fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || sodium_init() < 0)
		usage();
	if (strcmp(argv[1], "keygen") == 0 && argc == 4)
		return hsload_keygen(argv[2], argv[3]);
	if (strcmp(argv[1], "run") == 0)
		return hsload_run(argc, argv);
	usage();
	return 2;
}
