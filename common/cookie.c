/* SPDX-License-Identifier: ISC */
/* cookie: handshake MACs and cookie replies; see cookie.h for the scheme. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cookie.h"
#include "util.h"

#define COOKIE_LABEL_MAC1   "mac1----"
#define COOKIE_LABEL_COOKIE "cookie--"

static void
cookie_derive(uint8_t out[32], const char *label, const uint8_t pub[32])
{
	crypto_generichash_blake2b_state st;

	crypto_generichash_blake2b_init(&st, NULL, 0, 32);
	crypto_generichash_blake2b_update(&st, (const uint8_t *)label, 8);
	crypto_generichash_blake2b_update(&st, pub, 32);
	crypto_generichash_blake2b_final(&st, out, 32);
}

static void
cookie_mac(uint8_t out[WIRE_MAC_LEN], const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len)
{
	crypto_generichash_blake2b(out, WIRE_MAC_LEN, msg, len, key, keylen);
}

static void
cookie_from_secret(uint8_t cookie[WIRE_COOKIE_LEN], const uint8_t secret[32], const uint8_t *src, size_t srclen)
{
	crypto_generichash_blake2b(cookie, WIRE_COOKIE_LEN, src, srclen, secret, 32);
}

void
cookie_checker_init(struct cookie_checker *cc, const uint8_t local_pub[32])
{
	sodium_memzero(cc, sizeof(*cc));
	cookie_derive(cc->mac1_key, COOKIE_LABEL_MAC1, local_pub);
	cookie_derive(cc->cookie_key, COOKIE_LABEL_COOKIE, local_pub);
}

void
cookie_checker_wipe(struct cookie_checker *cc)
{
	sodium_memzero(cc, sizeof(*cc));
}

/* A fresh secret every COOKIE_SECRET_MS; the previous one still checks, so a
 * cookie handed out just before a rotation stays good for its whole use. */
static void
cookie_rotate(struct cookie_checker *cc, uint64_t now_ms)
{
	if (cc->have_secret && now_ms - cc->secret_born_ms < COOKIE_SECRET_MS)
		return;
	if (cc->have_secret) {
		memcpy(cc->prev_secret, cc->secret, sizeof(cc->secret));
		cc->have_prev = now_ms - cc->secret_born_ms < 2 * COOKIE_SECRET_MS;
	}
	randombytes_buf(cc->secret, sizeof(cc->secret));
	cc->secret_born_ms = now_ms;
	cc->have_secret = true;
}

static bool
cookie_mac2_valid(const struct cookie_checker *cc, const uint8_t *msg, size_t len,
    const uint8_t *src, size_t srclen, uint64_t now_ms)
{
	uint8_t cookie[WIRE_COOKIE_LEN], mac2[WIRE_MAC_LEN];
	bool ok = false;
	uint64_t age = now_ms - cc->secret_born_ms;

	if (cc->have_secret && age < 2 * COOKIE_SECRET_MS) {
		cookie_from_secret(cookie, cc->secret, src, srclen);
		cookie_mac(mac2, cookie, sizeof(cookie), msg, len - WIRE_MAC_LEN);
		ok = sodium_memcmp(mac2, msg + len - WIRE_MAC_LEN, WIRE_MAC_LEN) == 0;
	}
	if (!ok && cc->have_prev && age < COOKIE_SECRET_MS) {
		cookie_from_secret(cookie, cc->prev_secret, src, srclen);
		cookie_mac(mac2, cookie, sizeof(cookie), msg, len - WIRE_MAC_LEN);
		ok = sodium_memcmp(mac2, msg + len - WIRE_MAC_LEN, WIRE_MAC_LEN) == 0;
	}
	sodium_memzero(cookie, sizeof(cookie));
	return ok;
}

enum cookie_mac
cookie_check(struct cookie_checker *cc, const uint8_t *msg, size_t len,
    const uint8_t *src, size_t srclen, bool under_load, uint64_t now_ms)
{
	static const uint8_t zero[WIRE_MAC_LEN];
	uint8_t mac1[WIRE_MAC_LEN];

	if (len < 2 * WIRE_MAC_LEN)
		return COOKIE_MAC1_BAD;
	cookie_mac(mac1, cc->mac1_key, sizeof(cc->mac1_key), msg, len - 2 * WIRE_MAC_LEN);
	if (sodium_memcmp(mac1, msg + len - 2 * WIRE_MAC_LEN, WIRE_MAC_LEN) != 0)
		return COOKIE_MAC1_BAD;
	if (sodium_memcmp(msg + len - WIRE_MAC_LEN, zero, WIRE_MAC_LEN) == 0)
		return under_load ? COOKIE_MAC2_NEEDED : COOKIE_MAC_OK;
	return cookie_mac2_valid(cc, msg, len, src, srclen, now_ms) ? COOKIE_MAC_OK : COOKIE_MAC2_BAD;
}

void
cookie_create_reply(struct cookie_checker *cc, const uint8_t *msg, size_t len, uint32_t receiver,
    const uint8_t *src, size_t srclen, uint64_t now_ms, struct wire_cookie_reply *reply)
{
	uint8_t cookie[WIRE_COOKIE_LEN];

	cookie_rotate(cc, now_ms);
	cookie_from_secret(cookie, cc->secret, src, srclen);
	memset(reply, 0, sizeof(*reply));
	wire_set_type(reply->type_reserved, WIRE_COOKIE);
	util_put_le32(reply->receiver, receiver);
	randombytes_buf(reply->nonce, sizeof(reply->nonce));
	/* AD = the triggering message's mac1: only its sender can use the reply */
	crypto_aead_xchacha20poly1305_ietf_encrypt(reply->cookie_enc, NULL, cookie, sizeof(cookie),
	    msg + len - 2 * WIRE_MAC_LEN, WIRE_MAC_LEN, NULL, reply->nonce, cc->cookie_key);
	sodium_memzero(cookie, sizeof(cookie));
}

void
cookie_maker_init(struct cookie_maker *cm, const uint8_t remote_pub[32])
{
	sodium_memzero(cm, sizeof(*cm));
	cookie_derive(cm->mac1_key, COOKIE_LABEL_MAC1, remote_pub);
	cookie_derive(cm->cookie_key, COOKIE_LABEL_COOKIE, remote_pub);
}

void
cookie_maker_wipe(struct cookie_maker *cm)
{
	sodium_memzero(cm, sizeof(*cm));
}

void
cookie_add_macs(struct cookie_maker *cm, uint8_t *msg, size_t len, uint64_t now_ms)
{
	uint8_t *mac1 = msg + len - 2 * WIRE_MAC_LEN, *mac2 = msg + len - WIRE_MAC_LEN;

	cookie_mac(mac1, cm->mac1_key, sizeof(cm->mac1_key), msg, len - 2 * WIRE_MAC_LEN);
	memcpy(cm->last_mac1, mac1, WIRE_MAC_LEN);
	cm->have_last_mac1 = true;
	if (cm->have_cookie && now_ms - cm->cookie_born_ms < COOKIE_USE_MS)
		cookie_mac(mac2, cm->cookie, sizeof(cm->cookie), msg, len - WIRE_MAC_LEN);
	else
		memset(mac2, 0, WIRE_MAC_LEN);
}

int
cookie_consume_reply(struct cookie_maker *cm, const struct wire_cookie_reply *reply, uint64_t now_ms)
{
	uint8_t cookie[WIRE_COOKIE_LEN];

	if (!cm->have_last_mac1)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(cookie, NULL, NULL, reply->cookie_enc,
	    sizeof(reply->cookie_enc), cm->last_mac1, WIRE_MAC_LEN, reply->nonce, cm->cookie_key) != 0)
		return -1;
	memcpy(cm->cookie, cookie, sizeof(cookie));
	cm->cookie_born_ms = now_ms;
	cm->have_cookie = true;
	cm->have_last_mac1 = false;     /* one reply per message sent */
	sodium_memzero(cookie, sizeof(cookie));
	return 0;
}
