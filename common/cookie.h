/* SPDX-License-Identifier: ISC */
/* cookie: the MACs on handshake messages and the cookie reply that replaces
 * a handshake answer under load (the scheme of WireGuard's cookie.c, with
 * BLAKE2b and XChaCha20-Poly1305 from libsodium).
 *
 *   mac1 = BLAKE2b-128(key = BLAKE2b-256("mac1----" ‖ receiver's public key),
 *                      message up to mac1)
 *   mac2 = BLAKE2b-128(key = cookie, message up to mac2), or 16 zero bytes
 *   cookie = BLAKE2b-128(key = responder secret (rotated every 2 min),
 *                        sender's address ‖ port)
 *   cookie reply = XChaCha20-Poly1305(key = BLAKE2b-256("cookie--" ‖
 *                  responder's public key), random nonce, AD = mac1, cookie)
 *
 * mac1 proves the sender knows our public key: without it a datagram gets no
 * answer at all. mac2 proves the sender can receive at its address: under
 * load, handshakes without it get a cookie reply instead of Diffie-Hellman. */
#ifndef V6EXT_COOKIE_H
#define V6EXT_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define COOKIE_SECRET_MS    120000  /* a secret makes cookies for 2 minutes */
#define COOKIE_USE_MS       115000  /* a maker drops its cookie a little sooner */
#define COOKIE_SOURCE_MAX   18      /* IPv6 address + port */

enum cookie_mac {
	COOKIE_MAC_OK,
	COOKIE_MAC1_BAD,        /* does not know our key: stay silent */
	COOKIE_MAC2_NEEDED,     /* under load and no mac2: send a cookie reply */
	COOKIE_MAC2_BAD,        /* mac2 present but wrong or from an expired secret */
};

struct cookie_checker {
	uint8_t mac1_key[32];
	uint8_t cookie_key[32];
	uint8_t secret[32], prev_secret[32];
	uint64_t secret_born_ms;
	bool have_secret, have_prev;
};

struct cookie_maker {
	uint8_t mac1_key[32];
	uint8_t cookie_key[32];
	uint8_t cookie[WIRE_COOKIE_LEN];
	uint64_t cookie_born_ms;
	bool have_cookie;
	uint8_t last_mac1[WIRE_MAC_LEN];        /* AD of the reply we expect */
	bool have_last_mac1;
};

/* Responder side, keyed by our own public key. */
void cookie_checker_init(struct cookie_checker *cc, const uint8_t local_pub[32]);
/* msg is a whole type-1 or type-2 message of len bytes (mac1, mac2 last).
 * src is the sender's address and port in network order. mac2, when not
 * zero, must be valid even when not under load, so no bit of a handshake
 * message goes unauthenticated. */
enum cookie_mac cookie_check(struct cookie_checker *cc, const uint8_t *msg, size_t len,
    const uint8_t *src, size_t srclen, bool under_load, uint64_t now_ms);
void cookie_create_reply(struct cookie_checker *cc, const uint8_t *msg, size_t len, uint32_t receiver,
    const uint8_t *src, size_t srclen, uint64_t now_ms, struct wire_cookie_reply *reply);
void cookie_checker_wipe(struct cookie_checker *cc);

/* Initiator side (and the responder for its responses), keyed by the
 * remote's public key. */
void cookie_maker_init(struct cookie_maker *cm, const uint8_t remote_pub[32]);
/* Fill mac1 and mac2 of a whole type-1 or type-2 message. */
void cookie_add_macs(struct cookie_maker *cm, uint8_t *msg, size_t len, uint64_t now_ms);
/* -1 if it does not decrypt with the mac1 we last sent. */
int cookie_consume_reply(struct cookie_maker *cm, const struct wire_cookie_reply *reply, uint64_t now_ms);
void cookie_maker_wipe(struct cookie_maker *cm);

#endif
