/* SPDX-License-Identifier: ISC */
/* noise-pipe: our handshake (common/noise.c) against an independent one,
 * tests/interop/noise-peer/ik-peer.js (npm noise-protocol on libsodium),
 * which runs as a child driven over two pipes with its line protocol:
 *
 *   to the peer:    set NAME VALUE | send HEX | recv HEX | quit
 *   from the peer:  msg HEX | payload HEX | remote_static HEX |
 *                   handshake_hash HEX | keys SEND RECV | error TEXT
 *
 * noise.c plays one role, the peer the other. noise-pipe relays the two
 * handshake messages, then three transport messages each way, and checks
 * every payload where it arrives, the peer's handshake hash against ours
 * and its transport keys against our Split (Noise 5.2: the initiator sends
 * with c1). With --tamper N it flips one bit of message N in transit; the
 * receiving side must refuse it.
 *
 * usage: noise-pipe --ours initiator|responder --isk HEX --rsk HEX
 *            [--prologue HEX] [--psk HEX] [--ie HEX --re HEX]
 *            [--tamper 1|2] [--flip BYTE] -- COMMAND [ARG...]
 *
 * --isk/--rsk are the initiator's and responder's static private keys,
 * --ie/--re fixed ephemerals (both or neither), --flip the byte whose low
 * bit --tamper flips (negative: from the end; default 0). Keys are fixed
 * test values; they reach the peer as "set" lines on its stdin.
 *
 * stdout is a transcript: "msg1 HEX", "msg2 HEX", "hash HEX", "peer_hash
 * HEX", "t i2r|r2i N HEX" per transport message, "refused ours|theirs: WHY"
 * after a tamper, then "result ok" (exit 0) or "result fail: WHY" (exit 1).
 * Bad usage exits 2. Two runs with the same keys and ephemerals but the
 * roles swapped must print the same msg1, msg2, hash and t lines: then each
 * implementation wrote byte for byte what the other wrote. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "noise.h"
#include "util.h"

#define MSG_MAX         4096
#define TRANSPORT_COUNT 3
/* a whole run, node's start-up included, takes well under a second */
#define RUN_TIMEOUT_S   60

static const char payload1[] = "noise-pipe handshake message 1";
static const char payload2[] = "noise-pipe handshake message 2";
/* transport payload sizes: empty, small, one IPv6 minimum MTU */
static const size_t transport_len[TRANSPORT_COUNT] = { 0, 5, 1280 };

struct ikpeer {
	pid_t pid;
	FILE *to;               /* its stdin */
	FILE *from;             /* its stdout */
	char *line;
	size_t linecap;
};

struct run {
	bool ours_initiator;
	bool psk_mode;
	bool fixed_e;
	int tamper;             /* 0, or the message to flip a bit of */
	long flip;
	uint8_t isk[NOISE_DH_LEN], ipub[NOISE_DH_LEN];
	uint8_t rsk[NOISE_DH_LEN], rpub[NOISE_DH_LEN];
	uint8_t ie[NOISE_DH_LEN], re[NOISE_DH_LEN];
	uint8_t psk[NOISE_KEY_LEN];
	uint8_t prologue[256];
	size_t prologue_len;
	struct noise_handshake hs;
	struct ikpeer peer;
};

static struct ikpeer *the_peer;         /* ended by run_fail */

static void
ikpeer_kill(void)
{
	if (the_peer == NULL || the_peer->pid <= 0)
		return;
	kill(the_peer->pid, SIGTERM);
	waitpid(the_peer->pid, NULL, 0);
	the_peer->pid = 0;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
run_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("result fail: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	ikpeer_kill();
	exit(1);
}

static void __attribute__((noreturn))
usage(const char *why)
{
	fprintf(stderr, "noise-pipe: %s\n"
	    "usage: noise-pipe --ours initiator|responder --isk HEX --rsk HEX [--prologue HEX]\n"
	    "           [--psk HEX] [--ie HEX --re HEX] [--tamper 1|2] [--flip BYTE] -- COMMAND [ARG...]\n",
	    why);
	exit(2);
}

/* ---------------------------------------------------------------- hex */

/* The peer's hex: lower case, "-" for empty. Returns a malloc'd string. */
static char *
hex_of(const uint8_t *buf, size_t len)
{
	char *s = malloc(len ? 2 * len + 1 : 2);

	if (s == NULL)
		run_fail("out of memory");
	if (len == 0)
		strcpy(s, "-");
	else
		util_hex_encode(s, buf, len);
	return s;
}

static void
print_hex(const char *label, const uint8_t *buf, size_t len)
{
	char *s = hex_of(buf, len);

	printf("%s %s\n", label, s);
	free(s);
}

/* Decodes the peer's hex (or an option) into at most cap bytes; -1 if bad. */
static int
hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "-") == 0) {
		*len = 0;
		return 0;
	}
	return util_hex_decode(out, cap, len, s);
}

static void
opt_key(const char *s, uint8_t key[32])
{
	size_t len;

	if (hex_decode(s, key, 32, &len) != 0 || len != 32)
		usage("a key is 64 hex digits");
}

/* ---------------------------------------------------------------- the peer */

static void
ikpeer_spawn(struct ikpeer *p, char **argv)
{
	int to[2], from[2];

	if (pipe(to) == -1 || pipe(from) == -1) {
		perror("noise-pipe: pipe");
		exit(2);
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid == -1) {
		perror("noise-pipe: fork");
		exit(2);
	}
	if (p->pid == 0) {
		if (dup2(to[0], STDIN_FILENO) == -1 || dup2(from[1], STDOUT_FILENO) == -1)
			_exit(127);
		close(to[0]); close(to[1]); close(from[0]); close(from[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "noise-pipe: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	if ((p->to = fdopen(to[1], "w")) == NULL || (p->from = fdopen(from[0], "r")) == NULL) {
		perror("noise-pipe: fdopen");
		exit(2);
	}
	the_peer = p;
}

/* One line to the peer. A peer that has exited shows at the next read. */
static void __attribute__((format(printf, 2, 3)))
ikpeer_say(struct ikpeer *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->to, fmt, ap);
	va_end(ap);
	fputc('\n', p->to);
	fflush(p->to);
}

/* The next line from the peer, split into verb and the rest (arg). */
static bool
ikpeer_next(struct ikpeer *p, char **verb, char **arg)
{
	ssize_t n = getline(&p->line, &p->linecap, p->from);
	char *sp;

	if (n <= 0)
		return false;
	while (n > 0 && (p->line[n - 1] == '\n' || p->line[n - 1] == '\r'))
		p->line[--n] = '\0';
	*verb = p->line;
	sp = strchr(p->line, ' ');
	if (sp != NULL) {
		*sp = '\0';
		*arg = sp + 1;
	} else {
		*arg = NULL;
	}
	return true;
}

/* The next line must be "verb HEX"; returns HEX. */
static char *
ikpeer_expect(struct ikpeer *p, const char *verb)
{
	char *v, *arg;

	if (!ikpeer_next(p, &v, &arg))
		run_fail("peer: output ended, expected \"%s\"", verb);
	if (strcmp(v, "error") == 0)
		run_fail("peer: error %s (expected \"%s\")", arg ? arg : "", verb);
	if (strcmp(v, verb) != 0 || arg == NULL)
		run_fail("peer said \"%s\", expected \"%s HEX\"", v, verb);
	return arg;
}

/* Like ikpeer_expect, then decodes exactly want bytes (want 0: any length). */
static size_t
ikpeer_expect_hex(struct ikpeer *p, const char *verb, uint8_t *out, size_t cap, size_t want)
{
	char *arg = ikpeer_expect(p, verb);
	size_t len;

	if (hex_decode(arg, out, cap, &len) != 0)
		run_fail("peer: \"%s\" with bad hex", verb);
	if (want != 0 && len != want)
		run_fail("peer: \"%s\" of %zu bytes, expected %zu", verb, len, want);
	return len;
}

/* Closes the peer's stdin, drains its stdout, returns its exit status. */
static int
ikpeer_wait(struct ikpeer *p)
{
	char *v, *arg;
	int status;

	fclose(p->to);
	p->to = NULL;
	while (ikpeer_next(p, &v, &arg))
		;
	fclose(p->from);
	p->from = NULL;
	if (waitpid(p->pid, &status, 0) == -1)
		run_fail("waitpid: %s", strerror(errno));
	p->pid = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* The peer plays the role we do not; its keys go in as "set" lines. */
static void
ikpeer_setup(struct run *r)
{
	struct ikpeer *p = &r->peer;
	char *h;

	ikpeer_say(p, "set role %s", r->ours_initiator ? "responder" : "initiator");
	h = hex_of(r->ours_initiator ? r->rsk : r->isk, NOISE_DH_LEN);
	ikpeer_say(p, "set static %s", h);
	free(h);
	/* initiator: the responder's key; responder: the initiator it expects */
	h = hex_of(r->ours_initiator ? r->ipub : r->rpub, NOISE_DH_LEN);
	ikpeer_say(p, "set remote_static %s", h);
	free(h);
	h = hex_of(r->prologue, r->prologue_len);
	ikpeer_say(p, "set prologue %s", h);
	free(h);
	if (r->psk_mode) {
		h = hex_of(r->psk, NOISE_KEY_LEN);
		ikpeer_say(p, "set psk %s", h);
		free(h);
	}
	if (r->fixed_e) {
		h = hex_of(r->ours_initiator ? r->re : r->ie, NOISE_DH_LEN);
		ikpeer_say(p, "set ephemeral %s", h);
		free(h);
	}
	ikpeer_say(p, "set print_keys");
}

/* ---------------------------------------------------------------- the two sides */

static size_t
ours_write(struct run *r, int msgno, const uint8_t *payload, size_t plen, uint8_t *msg)
{
	size_t len;
	int rc;

	if (msgno == 1)
		rc = noise_write_message1(&r->hs, payload, plen, msg, MSG_MAX, &len);
	else
		rc = noise_write_message2(&r->hs, payload, plen, msg, MSG_MAX, &len);
	if (rc != NOISE_OK)
		run_fail("ours: writing message %d: %s", msgno, noise_strerror(rc));
	return len;
}

/* Returns the noise.c error (NOISE_OK when the message was accepted). */
static int
ours_read(struct run *r, int msgno, const uint8_t *msg, size_t len, uint8_t *payload, size_t *plen)
{
	int rc;

	if (msgno == 1) {
		rc = noise_read_message1(&r->hs, msg, len, payload, MSG_MAX, plen);
		if (rc == NOISE_OK && sodium_memcmp(noise_remote_static(&r->hs), r->ipub, NOISE_DH_LEN) != 0)
			run_fail("ours: message 1 carries an initiator key that is not --isk's");
		/* the responder learns whom to take the PSK of from message 1 */
		if (rc == NOISE_OK && r->psk_mode)
			noise_set_psk(&r->hs, r->psk);
	} else {
		rc = noise_read_message2(&r->hs, msg, len, payload, MSG_MAX, plen);
	}
	return rc;
}

static size_t
theirs_write(struct run *r, const uint8_t *payload, size_t plen, uint8_t *msg)
{
	char *h = hex_of(payload, plen);

	ikpeer_say(&r->peer, "send %s", h);
	free(h);
	return ikpeer_expect_hex(&r->peer, "msg", msg, MSG_MAX, 0);
}

/* Hands msg to the peer; returns what it says the payload was. */
static size_t
theirs_read(struct run *r, int msgno, const uint8_t *msg, size_t len, uint8_t *payload)
{
	uint8_t rs[NOISE_DH_LEN];
	char *h = hex_of(msg, len);

	ikpeer_say(&r->peer, "recv %s", h);
	free(h);
	if (msgno == 1) {
		ikpeer_expect_hex(&r->peer, "remote_static", rs, sizeof(rs), NOISE_DH_LEN);
		if (memcmp(rs, r->ipub, NOISE_DH_LEN) != 0)
			run_fail("theirs: message 1 carries an initiator key that is not --isk's");
	}
	return ikpeer_expect_hex(&r->peer, "payload", payload, MSG_MAX, 0);
}

/* A tampered message must make the peer print "error ..." and exit 2. */
static void
theirs_refuses(struct run *r, int msgno, const uint8_t *msg, size_t len)
{
	char *v, *arg, why[200];
	char *h = hex_of(msg, len);
	int status;

	ikpeer_say(&r->peer, "recv %s", h);
	free(h);
	if (!ikpeer_next(&r->peer, &v, &arg))
		run_fail("theirs: output ended without an error for tampered message %d", msgno);
	if (strcmp(v, "error") != 0)
		run_fail("theirs: accepted tampered message %d (said \"%s\")", msgno, v);
	snprintf(why, sizeof(why), "%s", arg ? arg : "");
	if ((status = ikpeer_wait(&r->peer)) != 2)
		run_fail("theirs: exit %d after tampered message %d, expected 2", status, msgno);
	printf("refused theirs: %s (exit 2)\n", why);
}

static void
flip_bit(uint8_t *msg, size_t len, long at)
{
	long i = at < 0 ? (long)len + at : at;

	if (i < 0 || (size_t)i >= len)
		run_fail("--flip %ld is outside a %zu-byte message", at, len);
	msg[i] ^= 0x01;
}

/* Message msgno written by one side, read by the other. Returns false when
 * the run ends here (a tampered message was refused). */
static bool
run_message(struct run *r, int msgno)
{
	const char *text = msgno == 1 ? payload1 : payload2;
	const uint8_t *want = (const uint8_t *)text;
	size_t wlen = strlen(text), len, plen;
	uint8_t msg[MSG_MAX], got[MSG_MAX];
	bool ours_writes = (msgno == 1) == r->ours_initiator;
	int rc;

	if (ours_writes)
		len = ours_write(r, msgno, want, wlen, msg);
	else
		len = theirs_write(r, want, wlen, msg);
	if (len != (msgno == 1 ? 96u : 48u) + wlen)
		run_fail("message %d is %zu bytes, expected %zu", msgno, len,
		    (msgno == 1 ? 96u : 48u) + wlen);
	print_hex(msgno == 1 ? "msg1" : "msg2", msg, len);

	if (r->tamper == msgno) {
		flip_bit(msg, len, r->flip);
		if (ours_writes) {
			theirs_refuses(r, msgno, msg, len);
		} else {
			if ((rc = ours_read(r, msgno, msg, len, got, &plen)) == NOISE_OK)
				run_fail("ours: accepted tampered message %d", msgno);
			printf("refused ours: %s\n", noise_strerror(rc));
		}
		return false;
	}

	if (ours_writes) {
		plen = theirs_read(r, msgno, msg, len, got);
	} else if ((rc = ours_read(r, msgno, msg, len, got, &plen)) != NOISE_OK) {
		run_fail("ours: refused message %d: %s", msgno, noise_strerror(rc));
	}
	if (plen != wlen || memcmp(got, want, wlen) != 0)
		run_fail("%s: message %d payload differs", ours_writes ? "theirs" : "ours", msgno);
	return true;
}

/* Transport payload number n (direction dir, 0 = i2r) of transport_len[n] bytes. */
static void
transport_payload(uint8_t *buf, int n, int dir)
{
	for (size_t k = 0; k < transport_len[n]; k++)
		buf[k] = (uint8_t)(n * 31 + dir * 7 + k);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ours", required_argument, NULL, 'o' },
		{ "isk", required_argument, NULL, 'i' },
		{ "rsk", required_argument, NULL, 'r' },
		{ "prologue", required_argument, NULL, 'p' },
		{ "psk", required_argument, NULL, 'k' },
		{ "ie", required_argument, NULL, 'I' },
		{ "re", required_argument, NULL, 'R' },
		{ "tamper", required_argument, NULL, 't' },
		{ "flip", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct run *r;
	uint8_t send_key[NOISE_KEY_LEN], recv_key[NOISE_KEY_LEN], hash[NOISE_HASH_LEN];
	uint8_t peer_hash[NOISE_HASH_LEN], peer_send[NOISE_KEY_LEN], peer_recv[NOISE_KEY_LEN];
	uint8_t pt[MSG_MAX], ct[MSG_MAX + NOISE_TAG_LEN], got[MSG_MAX + NOISE_TAG_LEN];
	bool have_role = false, have_i = false, have_r = false, have_ie = false, have_re = false;
	char *arg, *end, label[32];
	size_t len;
	int c, rc, status;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return 2;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strcmp(optarg, "initiator") != 0 && strcmp(optarg, "responder") != 0)
				usage("--ours initiator|responder");
			r->ours_initiator = strcmp(optarg, "initiator") == 0;
			have_role = true;
			break;
		case 'i': opt_key(optarg, r->isk); have_i = true; break;
		case 'r': opt_key(optarg, r->rsk); have_r = true; break;
		case 'k': opt_key(optarg, r->psk); r->psk_mode = true; break;
		case 'I': opt_key(optarg, r->ie); have_ie = true; break;
		case 'R': opt_key(optarg, r->re); have_re = true; break;
		case 'p':
			if (hex_decode(optarg, r->prologue, sizeof(r->prologue), &r->prologue_len) != 0)
				usage("--prologue: hex of at most 256 bytes, or -");
			break;
		case 't':
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
				usage("--tamper 1|2");
			r->tamper = optarg[0] - '0';
			break;
		case 'f':
			errno = 0;
			r->flip = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg)
				usage("--flip: a byte offset");
			break;
		default:
			usage("unknown option");
		}
	}
	if (!have_role || !have_i || !have_r)
		usage("--ours, --isk and --rsk are required");
	if (have_ie != have_re)
		usage("--ie and --re go together");
	if (optind >= argc)
		usage("no peer command after the options");
	r->fixed_e = have_ie;

	if (sodium_init() < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);       /* a peer that exits shows as EOF instead */
	alarm(RUN_TIMEOUT_S);           /* a peer that hangs ends the run */
	setvbuf(stdout, NULL, _IOLBF, 0);
	crypto_scalarmult_base(r->ipub, r->isk);
	crypto_scalarmult_base(r->rpub, r->rsk);

	ikpeer_spawn(&r->peer, argv + optind);
	ikpeer_setup(r);

	if (r->ours_initiator)
		rc = noise_init(&r->hs, NOISE_INITIATOR, r->psk_mode, r->prologue, r->prologue_len, r->isk, r->rpub);
	else
		rc = noise_init(&r->hs, NOISE_RESPONDER, r->psk_mode, r->prologue, r->prologue_len, r->rsk, NULL);
	if (rc != NOISE_OK)
		run_fail("ours: noise_init: %s", noise_strerror(rc));
	if (r->fixed_e)
		noise_set_ephemeral(&r->hs, r->ours_initiator ? r->ie : r->re);
	if (r->psk_mode && r->ours_initiator)
		noise_set_psk(&r->hs, r->psk);

	if (!run_message(r, 1) || !run_message(r, 2)) {
		/* a tampered message was refused; the peer has exited or quits now */
		if (r->peer.pid > 0) {
			ikpeer_say(&r->peer, "quit");
			if ((status = ikpeer_wait(&r->peer)) != 0)
				run_fail("theirs: exit %d after quit", status);
		}
		printf("result ok\n");
		return 0;
	}

	/* the handshake is complete on both sides: hashes and Split */
	ikpeer_expect_hex(&r->peer, "handshake_hash", peer_hash, sizeof(peer_hash), NOISE_HASH_LEN);
	arg = ikpeer_expect(&r->peer, "keys");
	if ((end = strchr(arg, ' ')) == NULL)
		run_fail("peer: \"keys\" needs two keys");
	*end++ = '\0';
	if (hex_decode(arg, peer_send, sizeof(peer_send), &len) != 0 || len != NOISE_KEY_LEN ||
	    hex_decode(end, peer_recv, sizeof(peer_recv), &len) != 0 || len != NOISE_KEY_LEN)
		run_fail("peer: bad \"keys\" line");
	if ((rc = noise_split(&r->hs, send_key, recv_key, hash)) != NOISE_OK)
		run_fail("ours: noise_split: %s", noise_strerror(rc));
	print_hex("hash", hash, sizeof(hash));
	print_hex("peer_hash", peer_hash, sizeof(peer_hash));
	if (memcmp(hash, peer_hash, sizeof(hash)) != 0)
		run_fail("the handshake hashes differ");
	if (memcmp(send_key, peer_recv, NOISE_KEY_LEN) != 0 || memcmp(recv_key, peer_send, NOISE_KEY_LEN) != 0)
		run_fail("the transport keys differ (ours send/recv vs theirs recv/send)");
	printf("keys agree\n");

	/* transport messages, alternating: i2r 0, r2i 0, i2r 1, ... The
	 * counter is the message's number in its direction (Noise 5.1: n from 0). */
	for (int n = 0; n < TRANSPORT_COUNT; n++) {
		for (int dir = 0; dir < 2; dir++) {
			bool ours_sends = (dir == 0) == r->ours_initiator;
			size_t plen = transport_len[n], clen;
			char *h;

			transport_payload(pt, n, dir);
			if (ours_sends) {
				noise_encrypt(send_key, (uint64_t)n, NULL, 0, pt, plen, ct);
				clen = plen + NOISE_TAG_LEN;
				h = hex_of(ct, clen);
				ikpeer_say(&r->peer, "recv %s", h);
				free(h);
				len = ikpeer_expect_hex(&r->peer, "payload", got, sizeof(got), 0);
				if (len != plen || memcmp(got, pt, plen) != 0)
					run_fail("theirs: transport %s %d decrypts to other bytes", dir ? "r2i" : "i2r", n);
			} else {
				h = hex_of(pt, plen);
				ikpeer_say(&r->peer, "send %s", h);
				free(h);
				clen = ikpeer_expect_hex(&r->peer, "msg", ct, sizeof(ct), plen + NOISE_TAG_LEN);
				if (noise_decrypt(recv_key, (uint64_t)n, NULL, 0, ct, clen, got) != 0 ||
				    memcmp(got, pt, plen) != 0)
					run_fail("ours: transport %s %d does not decrypt", dir ? "r2i" : "i2r", n);
			}
			snprintf(label, sizeof(label), "t %s %d", dir ? "r2i" : "i2r", n);
			print_hex(label, ct, clen);
		}
	}

	ikpeer_say(&r->peer, "quit");
	if ((status = ikpeer_wait(&r->peer)) != 0)
		run_fail("theirs: exit %d after quit", status);
	sodium_memzero(send_key, sizeof(send_key));
	sodium_memzero(recv_key, sizeof(recv_key));
	printf("result ok\n");
	return 0;
}
