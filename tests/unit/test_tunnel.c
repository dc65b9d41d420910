/* SPDX-License-Identifier: ISC */
/* Cipher negotiation through the tunnel layer, without sockets: a client
 * peer and a server responder run tunnel_initiate,
 * tunnel_consume_initiation and tunnel_consume_response, then send data
 * both ways with tunnel_seal_data / tunnel_open_data. Feature bit 0 of the
 * handshake payloads picks AES-256-GCM only when both sides allow it
 * (docs/PROTOCOL.md section 3); otherwise, and for old peers that send 0,
 * ChaCha20-Poly1305. Unknown bits are ignored. AES-256-GCM cases say
 * "# skipped ...: why" and pass on a CPU without AES-NI and PCLMUL (as
 * test_session.c says why).
 * And every drop reason has a name. */
#include "config.h"

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "cookie.h"
#include "noise.h"
#include "session.h"
#include "transport.h"
#include "tunnel.h"
#include "util.h"
#include "wire.h"

#define NOW 1000000

struct world {
	uint8_t c_priv[32], c_pub[32], s_priv[32];
	struct tunnel_peer client;      /* the client's view of the server */
	struct tunnel_peer site;        /* the server's view of the client */
	struct tunnel_responder resp;
	struct cookie_checker client_cc;
	struct endpoint c_ep, s_ep;
	uint64_t now;                   /* a second on at every handshake: a peer's initiations are
	                                 * accepted at most every TUNNEL_INIT_MIN_MS */
};

static struct tunnel_peer *
lookup(void *ctx, const uint8_t pub[32])
{
	struct world *w = ctx;

	return memcmp(pub, w->c_pub, 32) == 0 ? &w->site : NULL;
}

static void
world_init(struct world *w, bool client_allows, bool server_allows)
{
	static const uint8_t psk[32] = { 7 };

	memset(w, 0, sizeof(*w));
	randombytes_buf(w->c_priv, 32);
	randombytes_buf(w->s_priv, 32);
	crypto_scalarmult_base(w->c_pub, w->c_priv);
	tunnel_responder_init(&w->resp, w->s_priv);
	tunnel_peer_init(&w->client, w->resp.pub, psk, 0);
	tunnel_peer_init(&w->site, w->c_pub, psk, 3);
	tunnel_peer_precompute(&w->site, &w->resp);
	w->now = NOW;
	cookie_checker_init(&w->client_cc, w->c_pub);
	/* both default to "if the CPU can" */
	assert_true(w->client.allow_aesgcm);
	assert_true(w->resp.allow_aesgcm);
	w->client.allow_aesgcm = client_allows;
	w->resp.allow_aesgcm = server_allows;
	w->c_ep.u.in6.sin6_family = AF_INET6;
	w->c_ep.u.in6.sin6_port = htons(40000);
	w->c_ep.u.in6.sin6_addr.s6_addr[0] = 0x20;
	w->c_ep.len = sizeof(struct sockaddr_in6);
	w->s_ep = w->c_ep;
	w->s_ep.u.in6.sin6_port = htons(51820);
}

static void
world_wipe(struct world *w)
{
	tunnel_peer_wipe(&w->client);
	tunnel_peer_wipe(&w->site);
	tunnel_responder_wipe(&w->resp);
	cookie_checker_wipe(&w->client_cc);
}

/* The server's half: the initiation in, the response out. */
static void
serve(struct world *w, const struct wire_initiation *init, uint8_t reply[WIRE_RESPONSE_LEN])
{
	struct tunnel_peer *peer;
	enum tunnel_reply kind;
	size_t reply_len;

	w->now += 1000;
	assert_int_equal(tunnel_consume_initiation(&w->resp, lookup, w, (const uint8_t *)init, sizeof(*init),
	    &w->c_ep, false, NULL, w->now, &peer, reply, &reply_len, &kind), TUNNEL_OK);
	assert_int_equal(kind, TUNNEL_REPLY_RESPONSE);
	assert_int_equal(reply_len, WIRE_RESPONSE_LEN);
	assert_ptr_equal(peer, &w->site);
}

/* The client's first data message on the new session (a keepalive, as
 * v6ext-client sends at once) confirms it to the server. */
static void
confirm(struct world *w)
{
	uint8_t pkt[WIRE_DATA_MIN_LEN];
	size_t len, flen;
	bool confirmed;

	assert_true(w->site.next.live);
	assert_int_equal(tunnel_seal_data(&w->client, pkt, 0, sizeof(pkt), w->now, &len), TUNNEL_OK);
	assert_int_equal(tunnel_open_data(&w->site, pkt, len, w->now, &flen, &confirmed), TUNNEL_OK);
	assert_true(confirmed);
	assert_false(w->site.next.live);
	assert_true(w->site.cur.live);
}

static void
handshake(struct world *w)
{
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN];

	assert_int_equal(tunnel_initiate(&w->client, w->c_priv, w->now, &init), 0);
	serve(w, &init, reply);
	assert_int_equal(tunnel_consume_response(&w->client, &w->client_cc, reply, sizeof(reply), &w->s_ep, w->now),
	    TUNNEL_OK);
	confirm(w);
}

/* Frames both ways through the tunnel layer. */
static void
data_both_ways(struct world *w)
{
	uint8_t pkt[2048];
	size_t len, flen;

	for (int round = 0; round < 20; round++) {
		struct tunnel_peer *tx = round % 2 ? &w->site : &w->client;
		struct tunnel_peer *rx = round % 2 ? &w->client : &w->site;
		size_t frame = 60 + (size_t)round * 67;

		memset(pkt + WIRE_DATA_HEADER_LEN, round, frame);
		assert_int_equal(tunnel_seal_data(tx, pkt, frame, sizeof(pkt), w->now, &len), TUNNEL_OK);
		assert_int_equal(tunnel_open_data(rx, pkt, len, w->now, &flen, NULL), TUNNEL_OK);
		assert_int_equal(flen, frame);
		for (size_t i = 0; i < frame; i++)
			assert_int_equal(pkt[WIRE_DATA_HEADER_LEN + i], round);
	}
}

static void
expect(struct world *w, enum session_cipher want)
{
	assert_int_equal(w->client.cur.cipher, want);
	assert_int_equal(w->site.cur.cipher, want);
	assert_string_equal(tunnel_peer_cipher(&w->client, w->now), session_cipher_name(want));
	assert_string_equal(tunnel_peer_cipher(&w->site, w->now), session_cipher_name(want));
	data_both_ways(w);
}

static bool
aes_runs(void)
{
	if (!crypto_aead_aes256gcm_is_available()) {
		printf("# skipped: no AES-NI/PCLMUL on this CPU, AES-256-GCM is never negotiated\n");
		return false;
	}
	return true;
}

/* The four combinations of "client offers" and "server accepts". */
static void
test_both_allow(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, true, true);
	handshake(&w);
	expect(&w, aes_runs() ? SESSION_AES256GCM : SESSION_CHACHA20POLY1305);
	world_wipe(&w);
}

static void
test_client_offers_server_lacks(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, true, false);
	handshake(&w);
	expect(&w, SESSION_CHACHA20POLY1305);
	world_wipe(&w);
}

static void
test_server_would_client_does_not_offer(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, false, true);
	handshake(&w);
	expect(&w, SESSION_CHACHA20POLY1305);
	world_wipe(&w);
}

static void
test_neither(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, false, false);
	handshake(&w);
	expect(&w, SESSION_CHACHA20POLY1305);
	world_wipe(&w);
}

/* What tunnel_initiate does, but with any features value: an old peer
 * (0) or a newer one with bits this build does not know. */
static void
initiate_with(struct world *w, uint32_t features, struct wire_initiation *init)
{
	uint8_t payload[WIRE_INIT_PAYLOAD_LEN];

	tunnel_timestamp(payload);
	util_put_le32(payload + WIRE_INIT_FEATURES_OFF, features);
	w->client.hs_index = randombytes_random();
	w->client.hs_offered_aesgcm = (features & WIRE_FEATURE_AESGCM) != 0;
	assert_int_equal(noise_init(&w->client.hs, NOISE_INITIATOR, true, (const uint8_t *)NOISE_PROLOGUE,
	    strlen(NOISE_PROLOGUE), w->c_priv, w->client.remote_pub), NOISE_OK);
	noise_set_psk(&w->client.hs, w->client.psk);
	assert_int_equal(noise_create_initiation(&w->client.hs, w->client.hs_index, payload, init), NOISE_OK);
	cookie_add_macs(&w->client.maker, (uint8_t *)init, sizeof(*init), w->now);
	w->client.hs_pending = true;
}

/* Unknown bits neither fail the handshake nor turn AES-GCM on; bit 0 among
 * them still does. */
static void
test_unknown_bits_ignored(void **state)
{
	const uint32_t cases[] = { 0, ~WIRE_FEATURE_AESGCM, UINT32_MAX, WIRE_FEATURE_AESGCM | (UINT32_C(1) << 31) };
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct world w;
		bool aes = (cases[i] & WIRE_FEATURE_AESGCM) && crypto_aead_aes256gcm_is_available();

		world_init(&w, true, true);
		initiate_with(&w, cases[i], &init);
		serve(&w, &init, reply);
		assert_int_equal(tunnel_consume_response(&w.client, &w.client_cc, reply, sizeof(reply), &w.s_ep, w.now),
		    TUNNEL_OK);
		confirm(&w);
		expect(&w, aes ? SESSION_AES256GCM : SESSION_CHACHA20POLY1305);
		world_wipe(&w);
	}
}

/* A responder that accepts AES-GCM the initiator did not offer breaks the
 * protocol: the initiator drops the response instead of running a session
 * whose every data message would fail. The pending handshake survives. */
static void
test_accept_without_offer_dropped(void **state)
{
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN];
	struct world w;

	(void)state;
	if (!aes_runs())
		return;
	world_init(&w, true, true);
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	serve(&w, &init, reply);
	assert_int_equal(w.site.next.cipher, SESSION_AES256GCM);
	w.client.hs_offered_aesgcm = false;
	assert_int_equal(tunnel_consume_response(&w.client, &w.client_cc, reply, sizeof(reply), &w.s_ep, w.now),
	    DROP_HANDSHAKE);
	assert_false(w.client.cur.live);
	assert_true(w.client.hs_pending);
	assert_string_equal(tunnel_peer_cipher(&w.client, w.now), "");
	w.client.hs_offered_aesgcm = true;
	assert_int_equal(tunnel_consume_response(&w.client, &w.client_cc, reply, sizeof(reply), &w.s_ep, w.now),
	    TUNNEL_OK);
	confirm(&w);
	expect(&w, SESSION_AES256GCM);
	world_wipe(&w);
}

/* A rekey may change the cipher: the new session runs the new one while
 * the previous session, still open for packets in flight, keeps its own. */
static void
test_rekey_changes_cipher(void **state)
{
	struct world w;
	uint8_t pkt[256];
	size_t len, flen;

	(void)state;
	if (!aes_runs())
		return;
	world_init(&w, true, true);
	handshake(&w);
	expect(&w, SESSION_AES256GCM);
	/* a packet sealed under the AES-GCM session, delivered after the rekey */
	memcpy(pkt + WIRE_DATA_HEADER_LEN, "in flight", 9);
	assert_int_equal(tunnel_seal_data(&w.client, pkt, 9, sizeof(pkt), w.now, &len), TUNNEL_OK);
	w.resp.allow_aesgcm = false;
	handshake(&w);
	expect(&w, SESSION_CHACHA20POLY1305);
	assert_int_equal(w.site.prev.cipher, SESSION_AES256GCM);
	assert_int_equal(tunnel_open_data(&w.site, pkt, len, w.now, &flen, NULL), TUNNEL_OK);
	assert_memory_equal(pkt + WIRE_DATA_HEADER_LEN, "in flight", 9);
	world_wipe(&w);
}

/* One initiation to the responder as it is: what comes back. */
static enum tunnel_drop
offer(struct world *w, const struct wire_initiation *init, const struct endpoint *from, bool under_load,
    struct ratelimit *rl, enum tunnel_reply *kind, uint8_t reply[WIRE_RESPONSE_LEN])
{
	struct tunnel_peer *peer;
	size_t reply_len = 0;

	return tunnel_consume_initiation(&w->resp, lookup, w, (const uint8_t *)init, sizeof(*init), from,
	    under_load, rl, w->now, &peer, reply, &reply_len, kind);
}

/* The responder keeps a new session as next and goes on sending with cur
 * until the initiator's data confirms it: a lost response costs nothing.
 * An initiation moves no endpoint. */
static void
test_next_until_confirmed(void **state)
{
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN], pkt[256];
	enum tunnel_reply kind;
	uint32_t old_index;
	size_t len, flen;
	struct world w;

	(void)state;
	world_init(&w, true, true);
	handshake(&w);
	old_index = w.site.cur.local_index;
	w.site.ep = w.c_ep;
	/* a rekey whose response is lost */
	w.now += 1000;
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	assert_int_equal(offer(&w, &init, &w.s_ep, false, NULL, &kind, reply), TUNNEL_OK);
	assert_int_equal(kind, TUNNEL_REPLY_RESPONSE);
	assert_true(w.site.next.live);
	assert_int_equal(w.site.cur.local_index, old_index);
	assert_true(endpoint_equal(&w.site.ep, &w.c_ep));      /* from s_ep, but not moved */
	/* the server still sends on cur, and the client still opens it */
	memcpy(pkt + WIRE_DATA_HEADER_LEN, "still here", 10);
	assert_int_equal(tunnel_seal_data(&w.site, pkt, 10, sizeof(pkt), w.now, &len), TUNNEL_OK);
	assert_int_equal(tunnel_open_data(&w.client, pkt, len, w.now, &flen, NULL), TUNNEL_OK);
	/* the client retries; the second response arrives; its data confirms */
	w.now += 1000;
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	serve(&w, &init, reply);
	assert_int_equal(tunnel_consume_response(&w.client, &w.client_cc, reply, sizeof(reply), &w.s_ep, w.now),
	    TUNNEL_OK);
	confirm(&w);
	assert_true(w.site.cur.local_index != old_index);
	assert_int_equal(w.site.prev.local_index, old_index);
	data_both_ways(&w);
	world_wipe(&w);
}

/* A replayed initiation is refused by its timestamp, also by a responder
 * that restarted and kept the greatest one it accepted (the state file);
 * one that forgot it would take it. A peer's second fresh initiation
 * within TUNNEL_INIT_MIN_MS is a flood. */
static void
test_replay_and_flood(void **state)
{
	struct wire_initiation init, second;
	uint8_t reply[WIRE_RESPONSE_LEN], kept[WIRE_TIMESTAMP_LEN];
	enum tunnel_reply kind;
	struct world w;

	(void)state;
	world_init(&w, true, true);
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	serve(&w, &init, reply);
	w.now += 1000;
	assert_int_equal(offer(&w, &init, &w.c_ep, false, NULL, &kind, reply), DROP_TIMESTAMP);
	assert_int_equal(kind, TUNNEL_REPLY_NONE);
	/* a restart: a new peer with the kept timestamp, and one without */
	memcpy(kept, w.site.last_timestamp, sizeof(kept));
	tunnel_peer_wipe(&w.site);
	tunnel_peer_init(&w.site, w.c_pub, (const uint8_t[32]){ 7 }, 3);
	tunnel_peer_precompute(&w.site, &w.resp);
	memcpy(w.site.last_timestamp, kept, sizeof(kept));
	assert_int_equal(offer(&w, &init, &w.c_ep, false, NULL, &kind, reply), DROP_TIMESTAMP);
	memset(w.site.last_timestamp, 0, sizeof(kept));
	assert_int_equal(offer(&w, &init, &w.c_ep, false, NULL, &kind, reply), TUNNEL_OK);
	/* a newer initiation 5 ms later: a flood; 25 ms later: fine */
	w.now += 5;
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &second), 0);
	assert_int_equal(offer(&w, &second, &w.c_ep, false, NULL, &kind, reply), DROP_FLOOD);
	w.now += 20;
	assert_int_equal(offer(&w, &second, &w.c_ep, false, NULL, &kind, reply), TUNNEL_OK);
	world_wipe(&w);
}

/* Under load: no mac2, a cookie reply; with it, Diffie-Hellman, but each
 * source (its /64) gets RATELIMIT_BURST at once and RATELIMIT_PER_SECOND a
 * second, cookie replies and handshakes alike; another /64 has its own. */
static void
test_under_load(void **state)
{
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN];
	enum tunnel_reply kind;
	struct ratelimit rl;
	struct endpoint other;
	struct world w;
	int allowed = 0;

	(void)state;
	world_init(&w, true, true);
	assert_int_equal(ratelimit_init(&rl), 0);
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	for (int i = 0; i < 20; i++) {
		enum tunnel_drop d = offer(&w, &init, &w.c_ep, true, &rl, &kind, reply);

		if (d == TUNNEL_OK) {
			assert_int_equal(kind, TUNNEL_REPLY_COOKIE);
			allowed++;
		} else {
			assert_int_equal(d, DROP_RATELIMITED);
		}
	}
	assert_int_equal(allowed, RATELIMIT_BURST);
	/* the client takes the last cookie and answers with mac2: its bucket
	 * is empty now, so it waits for a token */
	assert_int_equal(tunnel_consume_cookie(&w.client, reply, WIRE_COOKIE_REPLY_LEN, w.now), TUNNEL_OK);
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	assert_int_equal(offer(&w, &init, &w.c_ep, true, &rl, &kind, reply), DROP_RATELIMITED);
	w.now += 1000 / RATELIMIT_PER_SECOND;
	assert_int_equal(offer(&w, &init, &w.c_ep, true, &rl, &kind, reply), TUNNEL_OK);
	assert_int_equal(kind, TUNNEL_REPLY_RESPONSE);
	/* its cookie is its address's: from another one mac2 is wrong */
	other = w.c_ep;
	other.u.in6.sin6_addr.s6_addr[15] = 0x99;
	assert_int_equal(offer(&w, &init, &other, true, &rl, &kind, reply), DROP_MAC);
	/* the same /64 shares the bucket, another /64 has its own */
	assert_false(ratelimit_allow(&rl, &other, w.now));
	other.u.in6.sin6_addr.s6_addr[7] = 0x99;
	assert_true(ratelimit_allow(&rl, &other, w.now));
	ratelimit_free(&rl);
	world_wipe(&w);
}

/* An initiation from a key nobody configured costs one X25519 and is
 * counted as such; a low-order peer key can never complete. */
static void
test_unknown_key(void **state)
{
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN], other_priv[32];
	enum tunnel_reply kind;
	struct world w;

	(void)state;
	world_init(&w, true, true);
	randombytes_buf(other_priv, sizeof(other_priv));
	assert_int_equal(tunnel_initiate(&w.client, other_priv, w.now, &init), 0);
	assert_int_equal(offer(&w, &init, &w.c_ep, false, NULL, &kind, reply), DROP_UNKNOWN_KEY);
	w.site.ss_ok = false;
	w.now += 1000;
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	assert_int_equal(offer(&w, &init, &w.c_ep, false, NULL, &kind, reply), DROP_HANDSHAKE);
	world_wipe(&w);
}

/* The initiator's timestamps only grow, whatever the wall clock does: one
 * stepped back sends the last one plus a nanosecond. */
static void
test_timestamps_grow(void **state)
{
	struct wire_initiation init;
	uint8_t reply[WIRE_RESPONSE_LEN], want[WIRE_TIMESTAMP_LEN];
	struct world w;

	(void)state;
	world_init(&w, true, true);
	/* as if the last one sent were far in the future: the clock went back */
	memset(w.client.sent_timestamp, 0x7f, sizeof(w.client.sent_timestamp));
	memcpy(want, w.client.sent_timestamp, sizeof(want));
	want[WIRE_TIMESTAMP_LEN - 1]++;
	assert_int_equal(tunnel_initiate(&w.client, w.c_priv, w.now, &init), 0);
	serve(&w, &init, reply);
	assert_memory_equal(w.site.last_timestamp, want, sizeof(want));
	/* and the TAI64 label is 2^62 + 10 + Unix seconds */
	{
		uint8_t ts[WIRE_TIMESTAMP_LEN];
		uint64_t secs = 0;
		struct timespec before, after;

		/* the clock tunnel_timestamp reads: time() is glibc's coarse
		 * clock, up to a tick behind, so across a second's edge it
		 * could still say the second before */
		clock_gettime(CLOCK_REALTIME, &before);
		tunnel_timestamp(ts);
		clock_gettime(CLOCK_REALTIME, &after);
		for (int i = 0; i < 8; i++)
			secs = secs << 8 | ts[i];
		assert_true(secs >= (UINT64_C(1) << 62) + 10 + (uint64_t)before.tv_sec);
		assert_true(secs <= (UINT64_C(1) << 62) + 10 + (uint64_t)after.tv_sec);
	}
	world_wipe(&w);
}

/* Every drop reason has a name of its own: `v6ext show` and the metrics
 * print counters by it, and a reason added without one would print
 * "unknown". */
static void
test_drop_names(void **state)
{
	(void)state;
	for (int i = 0; i < DROP_MAX; i++) {
		const char *a = tunnel_drop_name((enum tunnel_drop)i);

		assert_non_null(a);
		if (a[0] == '\0' || strcmp(a, "unknown") == 0)
			fail_msg("reason %d has no name", i);
		for (int j = 0; j < i; j++)
			if (strcmp(a, tunnel_drop_name((enum tunnel_drop)j)) == 0)
				fail_msg("reasons %d and %d are both \"%s\"", j, i, a);
	}
	assert_string_equal(tunnel_drop_name(DROP_MAX), "unknown");
	assert_string_equal(tunnel_drop_name(DROP_HEADER_CHAIN), "bad_header_chain");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_names),
		cmocka_unit_test(test_both_allow),
		cmocka_unit_test(test_client_offers_server_lacks),
		cmocka_unit_test(test_server_would_client_does_not_offer),
		cmocka_unit_test(test_neither),
		cmocka_unit_test(test_unknown_bits_ignored),
		cmocka_unit_test(test_accept_without_offer_dropped),
		cmocka_unit_test(test_rekey_changes_cipher),
		cmocka_unit_test(test_next_until_confirmed),
		cmocka_unit_test(test_replay_and_flood),
		cmocka_unit_test(test_under_load),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_timestamps_grow),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
