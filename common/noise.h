/* SPDX-License-Identifier: ISC */
/* noise: the handshake Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b (and plain
 * Noise_IK_25519_ChaChaPoly_BLAKE2b, which the published vectors also use),
 * as a pure state machine: no sockets, no clocks, no allocation.
 *
 *   IK:     <- s
 *           ...
 *           -> e, es, s, ss
 *           <- e, ee, se            (psk2 adds ", psk" here)
 *
 * The generic layer (noise_write_message1 ... noise_split) takes payloads of
 * any length, as the vectors need. The wire layer (noise_create_initiation
 * ... noise_consume_response) fixes the payload sizes and lays the Noise
 * messages into the structs of wire.h. */
#ifndef V6EXT_NOISE_H
#define V6EXT_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define NOISE_PROTOCOL_IK     "Noise_IK_25519_ChaChaPoly_BLAKE2b"
#define NOISE_PROTOCOL_IKPSK2 "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b"
/* The prologue every v6ext handshake mixes in: a version bump changes it,
 * so peers of different protocol versions fail the handshake cleanly. */
#define NOISE_PROLOGUE        "v6ext protocol 1"

#define NOISE_DH_LEN    32
#define NOISE_KEY_LEN   32
#define NOISE_HASH_LEN  64
#define NOISE_TAG_LEN   16
/* Noise 5: message length limit */
#define NOISE_MAX_MSG   65535

enum noise_role { NOISE_INITIATOR, NOISE_RESPONDER };

enum noise_state {
	NOISE_STATE_START,      /* initialized, nothing sent or received */
	NOISE_STATE_MSG1_STATIC, /* responder: message 1 read up to the initiator's static key */
	NOISE_STATE_MSG1,       /* message 1 written (initiator) or read (responder) */
	NOISE_STATE_DONE,       /* message 2 done: noise_split may run */
	NOISE_STATE_FAILED,     /* any error: secrets wiped, only noise_wipe applies */
};

enum noise_error {
	NOISE_OK = 0,
	NOISE_ERR_STATE = -1,   /* call out of order */
	NOISE_ERR_LENGTH = -2,  /* message too short or output too small */
	NOISE_ERR_DECRYPT = -3, /* AEAD authentication failed */
	NOISE_ERR_DH = -4,      /* low-order public key (all-zero shared secret) */
	NOISE_ERR_PSK = -5,     /* psk mode but no PSK set before it was needed */
};

struct noise_handshake {
	enum noise_role role;
	enum noise_state state;
	bool psk_mode;
	bool psk_set;
	bool e_fixed;
	bool has_k;
	uint64_t n;
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t h[NOISE_HASH_LEN];
	uint8_t k[NOISE_KEY_LEN];
	uint8_t s[NOISE_DH_LEN], s_pub[NOISE_DH_LEN];
	uint8_t e[NOISE_DH_LEN], e_pub[NOISE_DH_LEN];
	uint8_t rs[NOISE_DH_LEN];       /* initiator: known; responder: learned in message 1 */
	uint8_t re[NOISE_DH_LEN];
	uint8_t psk[NOISE_KEY_LEN];
};

/* Start a handshake. s is our static private key; rs the responder's static
 * public key (initiator only; NULL for the responder). psk_mode selects
 * IKpsk2; the PSK itself may be set later (the responder learns who the
 * initiator is only from message 1). */
int noise_init(struct noise_handshake *hs, enum noise_role role, bool psk_mode,
    const uint8_t *prologue, size_t prologue_len,
    const uint8_t s[NOISE_DH_LEN], const uint8_t rs[NOISE_DH_LEN]);
/* A responder's part of every handshake, computed once: its static key
 * pair and the hash and chaining key after Initialize, the prologue and the
 * pre-message "<- s". A daemon answering initiations starts each from it
 * (noise_init_responder) instead of noise_init, which would compute the
 * public key (an X25519) and three hashes every time. */
struct noise_responder {
	uint8_t s[NOISE_DH_LEN], s_pub[NOISE_DH_LEN];
	uint8_t h[NOISE_HASH_LEN], ck[NOISE_HASH_LEN];
	bool psk_mode;
};

void noise_responder_init(struct noise_responder *r, bool psk_mode, const uint8_t *prologue, size_t prologue_len,
    const uint8_t s[NOISE_DH_LEN]);
void noise_responder_wipe(struct noise_responder *r);
/* hs as noise_init(RESPONDER, ...) would leave it, from r. */
void noise_init_responder(struct noise_handshake *hs, const struct noise_responder *r);
/* The static-static DH of a pair (X25519(s, rs)): the same in every
 * handshake of that pair, so a responder computes it once per peer. -1
 * (NOISE_ERR_DH) for a low-order rs. */
int noise_static_static(uint8_t ss[NOISE_DH_LEN], const uint8_t s[NOISE_DH_LEN], const uint8_t rs[NOISE_DH_LEN]);

/* Tests only: use this ephemeral private key instead of a random one. */
void noise_set_ephemeral(struct noise_handshake *hs, const uint8_t e[NOISE_DH_LEN]);
void noise_set_psk(struct noise_handshake *hs, const uint8_t psk[NOISE_KEY_LEN]);
/* The initiator's static public key, valid on the responder after message 1. */
const uint8_t *noise_remote_static(const struct noise_handshake *hs);

/* Generic Noise messages. Output size: message 1 is 96 + plen bytes,
 * message 2 is 48 + plen. Read functions write len - 96 (len - 48) bytes of
 * payload. On any error the handshake is FAILED and wiped. */
int noise_write_message1(struct noise_handshake *hs, const uint8_t *payload, size_t plen,
    uint8_t *out, size_t cap, size_t *outlen);
int noise_read_message1(struct noise_handshake *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *plen);
int noise_write_message2(struct noise_handshake *hs, const uint8_t *payload, size_t plen,
    uint8_t *out, size_t cap, size_t *outlen);
int noise_read_message2(struct noise_handshake *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *plen);

/* After message 2: the transport keys (Noise 5.2 Split: the initiator sends
 * with c1, the responder with c2) and, if hash is not NULL, the handshake
 * hash. Wipes the handshake state. */
int noise_split(struct noise_handshake *hs, uint8_t send_key[NOISE_KEY_LEN],
    uint8_t recv_key[NOISE_KEY_LEN], uint8_t hash[NOISE_HASH_LEN]);
void noise_wipe(struct noise_handshake *hs);

/* Transport encryption (Noise CipherState with an explicit nonce):
 * ChaCha20-Poly1305 IETF, nonce = 4 zero bytes || 64-bit LE counter.
 * out holds len + NOISE_TAG_LEN bytes; in and out may be the same. */
void noise_encrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t counter,
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len, uint8_t *out);
/* len includes the tag; writes len - NOISE_TAG_LEN bytes. -1 on a bad tag. */
int noise_decrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t counter,
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len, uint8_t *out);

/* Wire layer: message 1 into a type-1 message (MACs left to cookie.c). */
int noise_create_initiation(struct noise_handshake *hs, uint32_t sender,
    const uint8_t payload[WIRE_INIT_PAYLOAD_LEN], struct wire_initiation *msg);
int noise_consume_initiation(struct noise_handshake *hs, const struct wire_initiation *msg,
    uint8_t payload[WIRE_INIT_PAYLOAD_LEN]);
/* The same in two steps, so the responder knows the initiator (its
 * static key, noise_remote_static) before the second Diffie-Hellman: an
 * unknown key costs one X25519 (es), a known one the precomputed ss. ss
 * NULL computes it. */
int noise_consume_initiation_static(struct noise_handshake *hs, const struct wire_initiation *msg);
int noise_consume_initiation_payload(struct noise_handshake *hs, const uint8_t ss[NOISE_DH_LEN],
    const struct wire_initiation *msg, uint8_t payload[WIRE_INIT_PAYLOAD_LEN]);
int noise_create_response(struct noise_handshake *hs, uint32_t sender, uint32_t receiver,
    const uint8_t payload[WIRE_RESP_PAYLOAD_LEN], struct wire_response *msg);
int noise_consume_response(struct noise_handshake *hs, const struct wire_response *msg,
    uint8_t payload[WIRE_RESP_PAYLOAD_LEN]);

const char *noise_strerror(int err);

#endif
