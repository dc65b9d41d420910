/* SPDX-License-Identifier: ISC */
/* The handshake and data path in memory: initiator and responder exchange
 * real wire messages (with MACs), then data both ways. Every single flipped
 * bit of every message is rejected; replays are rejected; wrong keys, a wrong
 * PSK and out-of-order calls fail; cookies work under load. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "cookie.h"
#include "noise.h"
#include "session.h"
#include "wire.h"

#define NOW 1000000

static const uint8_t src_addr[18] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1, 0xca, 0x6c };

struct pair {
	uint8_t i_s[32], i_pub[32], r_s[32], r_pub[32], psk[32];
	bool psk_mode;
	struct noise_handshake ini, resp;
	struct cookie_maker ini_maker, resp_maker;      /* MACs towards the other side */
	struct cookie_checker ini_checker, resp_checker;
	struct wire_initiation init_msg;
	struct wire_response resp_msg;
	struct session ini_sess, resp_sess;
};

static void
pair_keys(struct pair *p, bool psk_mode)
{
	memset(p, 0, sizeof(*p));
	randombytes_buf(p->i_s, 32);
	randombytes_buf(p->r_s, 32);
	randombytes_buf(p->psk, 32);
	crypto_scalarmult_base(p->i_pub, p->i_s);
	crypto_scalarmult_base(p->r_pub, p->r_s);
	p->psk_mode = psk_mode;
	cookie_maker_init(&p->ini_maker, p->r_pub);
	cookie_maker_init(&p->resp_maker, p->i_pub);
	cookie_checker_init(&p->resp_checker, p->r_pub);
	cookie_checker_init(&p->ini_checker, p->i_pub);
}

static int
responder_accepts(struct pair *p, const uint8_t *msg, size_t len)
{
	enum wire_type type;
	struct wire_initiation m;
	uint8_t payload[WIRE_INIT_PAYLOAD_LEN];

	if (wire_classify(msg, len, &type) != WIRE_OK || type != WIRE_INITIATION)
		return -1;
	if (cookie_check(&p->resp_checker, msg, len, src_addr, sizeof(src_addr), false, NOW) != COOKIE_MAC_OK)
		return -2;
	memcpy(&m, msg, sizeof(m));
	noise_init(&p->resp, NOISE_RESPONDER, p->psk_mode, (const uint8_t *)NOISE_PROLOGUE,
	    strlen(NOISE_PROLOGUE), p->r_s, NULL);
	if (noise_consume_initiation(&p->resp, &m, payload) != NOISE_OK)
		return -3;
	if (memcmp(noise_remote_static(&p->resp), p->i_pub, 32) != 0)
		return -4;
	return 0;
}

static int
initiator_accepts(struct pair *p, const struct noise_handshake *saved, const uint8_t *msg, size_t len)
{
	enum wire_type type;
	struct wire_response m;
	uint8_t payload[WIRE_RESP_PAYLOAD_LEN];

	p->ini = *saved;
	if (wire_classify(msg, len, &type) != WIRE_OK || type != WIRE_RESPONSE)
		return -1;
	if (cookie_check(&p->ini_checker, msg, len, src_addr, sizeof(src_addr), false, NOW) != COOKIE_MAC_OK)
		return -2;
	memcpy(&m, msg, sizeof(m));
	if (noise_consume_response(&p->ini, &m, payload) != NOISE_OK)
		return -3;
	return 0;
}

/* Message 1 and 2 over the wire structs; leaves ini in MSG1->DONE state. */
static void
handshake(struct pair *p, struct noise_handshake *ini_after_msg1)
{
	uint8_t ipayload[WIRE_INIT_PAYLOAD_LEN] = { 1, 2, 3 }, rpayload[WIRE_RESP_PAYLOAD_LEN] = { 9 };

	assert_int_equal(noise_init(&p->ini, NOISE_INITIATOR, p->psk_mode, (const uint8_t *)NOISE_PROLOGUE,
	    strlen(NOISE_PROLOGUE), p->i_s, p->r_pub), NOISE_OK);
	if (p->psk_mode)
		noise_set_psk(&p->ini, p->psk);
	assert_int_equal(noise_create_initiation(&p->ini, 0x11223344, ipayload, &p->init_msg), NOISE_OK);
	cookie_add_macs(&p->ini_maker, (uint8_t *)&p->init_msg, sizeof(p->init_msg), NOW);
	*ini_after_msg1 = p->ini;

	assert_int_equal(responder_accepts(p, (uint8_t *)&p->init_msg, sizeof(p->init_msg)), 0);
	if (p->psk_mode)
		noise_set_psk(&p->resp, p->psk);
	assert_int_equal(noise_create_response(&p->resp, 0x55667788, 0x11223344, rpayload, &p->resp_msg), NOISE_OK);
	cookie_add_macs(&p->resp_maker, (uint8_t *)&p->resp_msg, sizeof(p->resp_msg), NOW);
}

static void
finish(struct pair *p, const struct noise_handshake *ini_after_msg1)
{
	uint8_t is[32], ir[32], rs[32], rr[32], ih[64], rh[64];

	assert_int_equal(initiator_accepts(p, ini_after_msg1, (uint8_t *)&p->resp_msg, sizeof(p->resp_msg)), 0);
	assert_int_equal(noise_split(&p->ini, is, ir, ih), NOISE_OK);
	assert_int_equal(noise_split(&p->resp, rs, rr, rh), NOISE_OK);
	assert_memory_equal(ih, rh, 64);
	assert_memory_equal(is, rr, 32);
	assert_memory_equal(ir, rs, 32);
	session_init(&p->ini_sess, SESSION_CHACHA20POLY1305, is, ir, 0x11223344, 0x55667788, true, NOW);
	session_init(&p->resp_sess, SESSION_CHACHA20POLY1305, rs, rr, 0x55667788, 0x11223344, false, NOW);
}

static void
data_both_ways(struct pair *p)
{
	uint8_t pkt[2048];
	size_t len, flen;

	for (int round = 0; round < 50; round++) {
		struct session *tx = round % 2 ? &p->resp_sess : &p->ini_sess;
		struct session *rx = round % 2 ? &p->ini_sess : &p->resp_sess;
		size_t frame = (size_t)round * 29;

		memset(pkt + WIRE_DATA_HEADER_LEN, round, frame);
		assert_int_equal(session_encrypt(tx, NOW, pkt, frame, sizeof(pkt), &len), SESSION_OK);
		assert_int_equal(len, frame + WIRE_DATA_MIN_LEN);
		assert_int_equal(session_decrypt(rx, NOW, pkt, len, &flen), SESSION_OK);
		assert_int_equal(flen, frame);
		for (size_t i = 0; i < frame; i++)
			assert_int_equal(pkt[WIRE_DATA_HEADER_LEN + i], round);
	}
}

static void
test_handshake_and_data(void **state)
{
	struct pair p;
	struct noise_handshake saved;

	(void)state;
	for (int psk = 0; psk <= 1; psk++) {
		pair_keys(&p, psk);
		handshake(&p, &saved);
		finish(&p, &saved);
		data_both_ways(&p);
	}
}

/* Every bit of message 1: flipped alone, the responder rejects it. */
static void
test_initiation_bitflips(void **state)
{
	struct pair p;
	struct noise_handshake saved;
	uint8_t msg[WIRE_INITIATION_LEN];
	unsigned rejected = 0;

	(void)state;
	pair_keys(&p, true);
	handshake(&p, &saved);
	for (size_t bit = 0; bit < sizeof(msg) * 8; bit++) {
		memcpy(msg, &p.init_msg, sizeof(msg));
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (responder_accepts(&p, msg, sizeof(msg)) != 0)
			rejected++;
	}
	assert_int_equal(rejected, sizeof(msg) * 8);
	/* without the MACs in front, Noise alone rejects every flip of its body */
	rejected = 0;
	for (size_t bit = 8 * 8; bit < WIRE_INIT_MAC1_OFF * 8; bit++) {
		struct wire_initiation m = p.init_msg;
		uint8_t payload[WIRE_INIT_PAYLOAD_LEN];

		((uint8_t *)&m)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		noise_init(&p.resp, NOISE_RESPONDER, true, (const uint8_t *)NOISE_PROLOGUE,
		    strlen(NOISE_PROLOGUE), p.r_s, NULL);
		if (noise_consume_initiation(&p.resp, &m, payload) != NOISE_OK)
			rejected++;
	}
	assert_int_equal(rejected, (WIRE_INIT_MAC1_OFF - 8) * 8);
	/* and the unmodified message still works */
	assert_int_equal(responder_accepts(&p, (uint8_t *)&p.init_msg, sizeof(msg)), 0);
}

/* Every bit of message 2: flipped alone, the initiator rejects it. */
static void
test_response_bitflips(void **state)
{
	struct pair p;
	struct noise_handshake saved;
	uint8_t msg[WIRE_RESPONSE_LEN];
	unsigned rejected = 0;

	(void)state;
	pair_keys(&p, true);
	handshake(&p, &saved);
	for (size_t bit = 0; bit < sizeof(msg) * 8; bit++) {
		memcpy(msg, &p.resp_msg, sizeof(msg));
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (initiator_accepts(&p, &saved, msg, sizeof(msg)) != 0)
			rejected++;
	}
	assert_int_equal(rejected, sizeof(msg) * 8);
	finish(&p, &saved);
}

/* Every bit of a data message: rejected; the original still opens once. */
static void
test_data_bitflips_and_replay(void **state)
{
	struct pair p;
	struct noise_handshake saved;
	uint8_t pkt[256], copy[256];
	size_t len, flen;
	unsigned rejected = 0;

	(void)state;
	pair_keys(&p, false);
	handshake(&p, &saved);
	finish(&p, &saved);
	memcpy(pkt + WIRE_DATA_HEADER_LEN, "an ethernet frame", 17);
	assert_int_equal(session_encrypt(&p.ini_sess, NOW, pkt, 17, sizeof(pkt), &len), SESSION_OK);
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(copy, pkt, len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (session_decrypt(&p.resp_sess, NOW, copy, len, &flen) != SESSION_OK)
			rejected++;
	}
	assert_int_equal(rejected, len * 8);
	memcpy(copy, pkt, len);
	assert_int_equal(session_decrypt(&p.resp_sess, NOW, copy, len, &flen), SESSION_OK);
	assert_memory_equal(copy + WIRE_DATA_HEADER_LEN, "an ethernet frame", 17);
	/* the same datagram again is a replay */
	memcpy(copy, pkt, len);
	assert_int_equal(session_decrypt(&p.resp_sess, NOW, copy, len, &flen), SESSION_ERR_REPLAY);
	/* truncated: every shorter length is refused */
	for (size_t l = 0; l < len; l++) {
		memcpy(copy, pkt, len);
		assert_int_not_equal(session_decrypt(&p.resp_sess, NOW, copy, l, &flen), SESSION_OK);
	}
}

static void
test_replayed_initiation_is_a_new_handshake_only(void **state)
{
	struct pair p;
	struct noise_handshake saved;
	uint8_t payload[WIRE_INIT_PAYLOAD_LEN];

	(void)state;
	/* Noise itself accepts a replayed message 1 (the daemon refuses it by
	 * its TAI64N timestamp); a replayed response must fail, because the
	 * initiator's state has moved on. */
	pair_keys(&p, false);
	handshake(&p, &saved);
	finish(&p, &saved);
	assert_int_equal(noise_consume_response(&p.ini, &p.resp_msg, payload), NOISE_ERR_STATE);
}

static void
test_wrong_keys(void **state)
{
	struct pair p, q;
	struct noise_handshake saved;
	uint8_t other[32], other_pub[32];

	(void)state;
	/* initiator believes in another responder key: mac1 already fails, so
	 * the responder never does a DH for it */
	pair_keys(&p, false);
	randombytes_buf(other, 32);
	crypto_scalarmult_base(other_pub, other);
	memcpy(p.r_pub, other_pub, 32);
	cookie_maker_init(&p.ini_maker, other_pub);
	memcpy(p.r_pub, other_pub, 32);
	assert_int_equal(noise_init(&p.ini, NOISE_INITIATOR, false, (const uint8_t *)NOISE_PROLOGUE,
	    strlen(NOISE_PROLOGUE), p.i_s, p.r_pub), NOISE_OK);
	{
		uint8_t payload[WIRE_INIT_PAYLOAD_LEN] = { 0 };

		assert_int_equal(noise_create_initiation(&p.ini, 1, payload, &p.init_msg), NOISE_OK);
	}
	cookie_add_macs(&p.ini_maker, (uint8_t *)&p.init_msg, sizeof(p.init_msg), NOW);
	assert_int_equal(responder_accepts(&p, (uint8_t *)&p.init_msg, sizeof(p.init_msg)), -2);

	/* PSK mismatch: message 1 is fine, message 2 fails at the initiator */
	pair_keys(&q, true);
	handshake(&q, &saved);
	saved.psk[0] ^= 1;
	assert_int_equal(initiator_accepts(&q, &saved, (uint8_t *)&q.resp_msg, sizeof(q.resp_msg)), -3);
}

static void
test_low_order_and_state(void **state)
{
	struct pair p;
	struct noise_handshake hs;
	uint8_t msg[WIRE_INITIATION_LEN], payload[64], out[256];
	size_t n;

	(void)state;
	pair_keys(&p, false);
	/* an all-zero ephemeral is a low-order point: DH result is zero */
	memset(msg, 0, sizeof(msg));
	noise_init(&hs, NOISE_RESPONDER, false, NULL, 0, p.r_s, NULL);
	assert_int_equal(noise_read_message1(&hs, msg + 8, 112, payload, sizeof(payload), &n), NOISE_ERR_DH);
	assert_int_equal(hs.state, NOISE_STATE_FAILED);
	/* out of order: responder cannot write message 1, initiator cannot read it */
	noise_init(&hs, NOISE_RESPONDER, false, NULL, 0, p.r_s, NULL);
	assert_int_equal(noise_write_message1(&hs, NULL, 0, out, sizeof(out), &n), NOISE_ERR_STATE);
	noise_init(&hs, NOISE_INITIATOR, false, NULL, 0, p.i_s, p.r_pub);
	assert_int_equal(noise_split(&hs, out, out + 32, NULL), NOISE_ERR_STATE);
	/* short messages and small buffers */
	noise_init(&hs, NOISE_RESPONDER, false, NULL, 0, p.r_s, NULL);
	assert_int_equal(noise_read_message1(&hs, msg, 95, payload, sizeof(payload), &n), NOISE_ERR_LENGTH);
	noise_init(&hs, NOISE_INITIATOR, false, NULL, 0, p.i_s, p.r_pub);
	assert_int_equal(noise_write_message1(&hs, payload, 10, out, 105, &n), NOISE_ERR_LENGTH);
	/* psk mode without a PSK */
	noise_init(&hs, NOISE_INITIATOR, true, NULL, 0, p.i_s, p.r_pub);
	assert_int_equal(noise_write_message1(&hs, NULL, 0, out, sizeof(out), &n), NOISE_OK);
	assert_int_equal(noise_read_message2(&hs, out, 48, payload, sizeof(payload), &n), NOISE_ERR_PSK);
	/* an initiator needs the responder's key */
	assert_int_equal(noise_init(&hs, NOISE_INITIATOR, false, NULL, 0, p.i_s, NULL), NOISE_ERR_STATE);
}

static void
test_secrets_wiped(void **state)
{
	struct pair p;
	struct noise_handshake saved;
	static const uint8_t zero[sizeof(struct noise_handshake)];

	(void)state;
	pair_keys(&p, true);
	handshake(&p, &saved);
	finish(&p, &saved);
	/* after split nothing but role and state remains */
	p.ini.role = 0; p.ini.state = 0;
	assert_memory_equal(&p.ini, zero, sizeof(p.ini));
	session_wipe(&p.ini_sess);
	assert_memory_equal(p.ini_sess.send_key, zero, 32);
	assert_memory_equal(p.ini_sess.recv_key, zero, 32);
	assert_false(p.ini_sess.live);
}

static void
test_cookie_under_load(void **state)
{
	struct pair p;
	struct noise_handshake saved;
	struct wire_cookie_reply reply;
	uint8_t *msg;
	static const uint8_t other_src[18] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2, 0xca, 0x6c };

	(void)state;
	pair_keys(&p, false);
	handshake(&p, &saved);
	msg = (uint8_t *)&p.init_msg;
	/* under load, no mac2: a cookie reply instead of DH */
	assert_int_equal(cookie_check(&p.resp_checker, msg, WIRE_INITIATION_LEN, src_addr, 18, true, NOW),
	    COOKIE_MAC2_NEEDED);
	cookie_create_reply(&p.resp_checker, msg, WIRE_INITIATION_LEN, 0x11223344, src_addr, 18, NOW, &reply);
	assert_int_equal(wire_classify((uint8_t *)&reply, sizeof(reply), &(enum wire_type){0}), WIRE_OK);
	assert_int_equal(cookie_consume_reply(&p.ini_maker, &reply, NOW), 0);
	/* a second copy of the same reply is refused */
	assert_int_equal(cookie_consume_reply(&p.ini_maker, &reply, NOW), -1);
	cookie_add_macs(&p.ini_maker, msg, WIRE_INITIATION_LEN, NOW + 1);
	assert_int_equal(cookie_check(&p.resp_checker, msg, WIRE_INITIATION_LEN, src_addr, 18, true, NOW + 1),
	    COOKIE_MAC_OK);
	/* the cookie is bound to the source address */
	assert_int_equal(cookie_check(&p.resp_checker, msg, WIRE_INITIATION_LEN, other_src, 18, true, NOW + 1),
	    COOKIE_MAC2_BAD);
	/* after a secret rotation the old cookie still checks for one period */
	cookie_create_reply(&p.resp_checker, msg, WIRE_INITIATION_LEN, 1, other_src, 18, NOW + COOKIE_SECRET_MS, &reply);
	assert_int_equal(cookie_check(&p.resp_checker, msg, WIRE_INITIATION_LEN, src_addr, 18, true,
	    NOW + COOKIE_SECRET_MS + 1), COOKIE_MAC_OK);
	assert_int_equal(cookie_check(&p.resp_checker, msg, WIRE_INITIATION_LEN, src_addr, 18, true,
	    NOW + 2 * COOKIE_SECRET_MS + 1), COOKIE_MAC2_BAD);
	/* the maker stops using an old cookie by itself */
	cookie_add_macs(&p.ini_maker, msg, WIRE_INITIATION_LEN, NOW + COOKIE_USE_MS + 2);
	assert_int_equal(cookie_check(&p.resp_checker, msg, WIRE_INITIATION_LEN, src_addr, 18, false,
	    NOW + COOKIE_USE_MS + 2), COOKIE_MAC_OK);
	/* a reply that is not for our last message does not decrypt */
	reply.cookie_enc[0] ^= 1;
	assert_int_equal(cookie_consume_reply(&p.ini_maker, &reply, NOW), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_and_data),
		cmocka_unit_test(test_initiation_bitflips),
		cmocka_unit_test(test_response_bitflips),
		cmocka_unit_test(test_data_bitflips_and_replay),
		cmocka_unit_test(test_replayed_initiation_is_a_new_handshake_only),
		cmocka_unit_test(test_wrong_keys),
		cmocka_unit_test(test_low_order_and_state),
		cmocka_unit_test(test_secrets_wiped),
		cmocka_unit_test(test_cookie_under_load),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
