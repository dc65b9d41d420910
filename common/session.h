/* SPDX-License-Identifier: ISC */
/* session: the transport half of a tunnel after a handshake: two keys, the
 * send counter, the replay window, and the limits after which the keys are
 * renewed or refused. Data messages are built and opened in place:
 *
 *   [ wire_data_header 16 | frame ... | tag 16 ]
 *
 * the header is the AEAD's associated data, so every bit is authenticated.
 * The AEAD is ChaCha20-Poly1305 (the Noise handshake's own cipher, and the
 * fallback) or AES-256-GCM when both peers offered it in the handshake
 * (docs/PROTOCOL.md section 3, "features"). Both have a 16-byte tag, so the
 * wire layout is the same. */
#ifndef V6EXT_SESSION_H
#define V6EXT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "noise.h"
#include "replay.h"
#include "wire.h"

/* Limits (the values WireGuard uses; see docs/PROTOCOL.md "Timers"). */
#define SESSION_REKEY_AFTER_MESSAGES  (UINT64_C(1) << 60)
#define SESSION_REJECT_AFTER_MESSAGES (UINT64_MAX - (UINT64_C(1) << 13))
#define SESSION_REKEY_AFTER_MS        120000
#define SESSION_REJECT_AFTER_MS       180000

enum session_result {
	SESSION_OK = 0,
	SESSION_ERR_EXPIRED,    /* past reject-after time or messages: keys wiped */
	SESSION_ERR_LENGTH,     /* too short, too long, or no room for the tag */
	SESSION_ERR_INDEX,      /* receiver index is not this session's */
	SESSION_ERR_REPLAY,     /* seen before, or older than the window */
	SESSION_ERR_DECRYPT,    /* authentication failed */
};

enum session_cipher {
	SESSION_CHACHA20POLY1305 = 0,   /* the fallback; what a zeroed session has */
	SESSION_AES256GCM,              /* only where crypto_aead_aes256gcm_is_available() */
};

struct session {
	/* AES-256-GCM only: the expanded keys and GHASH powers, computed once
	 * per session by crypto_aead_aes256gcm_beforenm(). The AES-NI code
	 * needs them 16-byte aligned (the type says so too). */
	_Alignas(16) crypto_aead_aes256gcm_state send_gcm;
	_Alignas(16) crypto_aead_aes256gcm_state recv_gcm;
	uint8_t send_key[NOISE_KEY_LEN];
	uint8_t recv_key[NOISE_KEY_LEN];
	uint64_t send_counter;
	struct replay replay;
	uint64_t born_ms;
	uint32_t local_index;   /* receivers put this in their data headers to us */
	uint32_t remote_index;  /* we put this in ours */
	enum session_cipher cipher;
	bool initiator;
	bool live;
};

/* Takes the keys from a finished handshake (noise_split's output) and the
 * cipher the handshake agreed on. -1 (and a dead session) if the cipher is
 * AES-256-GCM but this CPU cannot run it: negotiation never asks for that,
 * and libsodium's AES code would fault rather than fail. */
int session_init(struct session *s, enum session_cipher cipher, const uint8_t send_key[NOISE_KEY_LEN],
    const uint8_t recv_key[NOISE_KEY_LEN], uint32_t local_index, uint32_t remote_index,
    bool initiator, uint64_t now_ms);
/* The frame (frame_len bytes, 0 = keepalive) is already at
 * pkt + WIRE_DATA_HEADER_LEN; pkt has room for cap bytes. Writes the header
 * and the tag around it, encrypting in place; *pkt_len is the datagram. */
enum session_result session_encrypt(struct session *s, uint64_t now_ms, uint8_t *pkt,
    size_t frame_len, size_t cap, size_t *pkt_len);
/* Opens a type-4 datagram in place: on success the frame is at
 * pkt + WIRE_DATA_HEADER_LEN, *frame_len bytes long. The replay window is
 * checked before decrypting and moved only after the tag verified. */
enum session_result session_decrypt(struct session *s, uint64_t now_ms, uint8_t *pkt,
    size_t len, size_t *frame_len);
/* The initiator starts a new handshake after REKEY_AFTER time or messages. */
bool session_needs_rekey(const struct session *s, uint64_t now_ms);
bool session_expired(const struct session *s, uint64_t now_ms);
/* Zero the keys (and the AES-GCM states); the session is dead. */
void session_wipe(struct session *s);
/* "chacha20-poly1305" or "aes-256-gcm", as `v6ext show` prints it. */
const char *session_cipher_name(enum session_cipher c);

#endif
