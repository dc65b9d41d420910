/* session: the transport half of a tunnel after a handshake: two keys, the
 * send counter, the replay window, and the limits after which the keys are
 * renewed or refused. Data messages are built and opened in place:
 *
 *   [ wire_data_header 16 | frame ... | tag 16 ]
 *
 * the header is the AEAD's associated data, so every bit is authenticated. */
#ifndef V6EXT_SESSION_H
#define V6EXT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

struct session {
	uint8_t send_key[NOISE_KEY_LEN];
	uint8_t recv_key[NOISE_KEY_LEN];
	uint64_t send_counter;
	struct replay replay;
	uint64_t born_ms;
	uint32_t local_index;   /* receivers put this in their data headers to us */
	uint32_t remote_index;  /* we put this in ours */
	bool initiator;
	bool live;
};

/* Takes the keys from a finished handshake (noise_split's output). */
void session_init(struct session *s, const uint8_t send_key[NOISE_KEY_LEN],
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
/* Zero the keys; the session is dead. */
void session_wipe(struct session *s);
const char *session_result_name(enum session_result r);

#endif
