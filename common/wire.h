/* SPDX-License-Identifier: ISC */
/* wire: every message on the tunnel's UDP socket, with its exact size.
 * docs/PROTOCOL.md describes the same layouts for someone writing a peer.
 *
 * All messages start with a 4-byte header: type (1 byte) and three reserved
 * bytes that must be zero. Multi-byte integers are little-endian; indices
 * are opaque 32-bit values chosen by their owner. Structs are byte arrays
 * only, so they have no padding and may be memcpy'd from any offset. */
#ifndef V6EXT_WIRE_H
#define V6EXT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_KEY_LEN        32      /* X25519 public key */
#define WIRE_TAG_LEN        16      /* ChaCha20-Poly1305 or AES-256-GCM tag */
#define WIRE_MAC_LEN        16      /* BLAKE2b-128 */
#define WIRE_COOKIE_LEN     16
#define WIRE_COOKIE_NONCE_LEN 24    /* XChaCha20-Poly1305 */
#define WIRE_TIMESTAMP_LEN  12      /* TAI64N */

enum wire_type {
	WIRE_INITIATION = 1,
	WIRE_RESPONSE   = 2,
	WIRE_COOKIE     = 3,
	WIRE_DATA       = 4,
};

/* Handshake payloads (inside the Noise messages). */
#define WIRE_INIT_PAYLOAD_LEN   (WIRE_TIMESTAMP_LEN + 4)  /* TAI64N + features */
#define WIRE_RESP_PAYLOAD_LEN   4                         /* features */
#define WIRE_INIT_FEATURES_OFF  WIRE_TIMESTAMP_LEN
#define WIRE_RESP_FEATURES_OFF  0

/* Feature bits (32-bit little-endian field in both payloads). A receiver
 * ignores bits it does not know, so old peers, which send 0, interoperate.
 * AESGCM: from the initiator, "I can run AES-256-GCM fast"; from the
 * responder, "so can I: this session's data messages use it". A responder
 * sets it only if the initiation did (docs/PROTOCOL.md section 3). */
#define WIRE_FEATURE_AESGCM     (UINT32_C(1) << 0)

/* Type 1, initiator -> responder: Noise message 1 (-> e, es, s, ss). */
struct wire_initiation {
	uint8_t type_reserved[4];
	uint8_t sender[4];
	uint8_t ephemeral[WIRE_KEY_LEN];
	uint8_t static_enc[WIRE_KEY_LEN + WIRE_TAG_LEN];
	uint8_t payload_enc[WIRE_INIT_PAYLOAD_LEN + WIRE_TAG_LEN];
	uint8_t mac1[WIRE_MAC_LEN];
	uint8_t mac2[WIRE_MAC_LEN];
};

/* Type 2, responder -> initiator: Noise message 2 (<- e, ee, se, psk). */
struct wire_response {
	uint8_t type_reserved[4];
	uint8_t sender[4];
	uint8_t receiver[4];
	uint8_t ephemeral[WIRE_KEY_LEN];
	uint8_t payload_enc[WIRE_RESP_PAYLOAD_LEN + WIRE_TAG_LEN];
	uint8_t mac1[WIRE_MAC_LEN];
	uint8_t mac2[WIRE_MAC_LEN];
};

/* Type 3, responder -> initiator under load instead of a response. */
struct wire_cookie_reply {
	uint8_t type_reserved[4];
	uint8_t receiver[4];
	uint8_t nonce[WIRE_COOKIE_NONCE_LEN];
	uint8_t cookie_enc[WIRE_COOKIE_LEN + WIRE_TAG_LEN];
};

/* Type 4, both ways: header, then AEAD(frame) with the header as AD. An
 * empty frame is a keepalive. */
struct wire_data_header {
	uint8_t type_reserved[4];
	uint8_t receiver[4];
	uint8_t counter[8];
};

#define WIRE_INITIATION_LEN  sizeof(struct wire_initiation)     /* 152 */
#define WIRE_RESPONSE_LEN    sizeof(struct wire_response)       /* 96 */
#define WIRE_COOKIE_REPLY_LEN sizeof(struct wire_cookie_reply)  /* 64 */
#define WIRE_DATA_HEADER_LEN sizeof(struct wire_data_header)    /* 16 */
#define WIRE_DATA_MIN_LEN    (WIRE_DATA_HEADER_LEN + WIRE_TAG_LEN)
/* Largest Ethernet frame carried: 65535-byte IP packet + Ethernet header
 * + one 802.1Q tag. */
#define WIRE_FRAME_MAX       (65535 + 14 + 4)
#define WIRE_DATA_MAX_LEN    (WIRE_DATA_MIN_LEN + WIRE_FRAME_MAX)

/* Offsets of the MACs: mac1 covers every byte before it, mac2 every byte
 * before mac2 (so mac1 too). */
#define WIRE_INIT_MAC1_OFF   offsetof(struct wire_initiation, mac1)
#define WIRE_INIT_MAC2_OFF   offsetof(struct wire_initiation, mac2)
#define WIRE_RESP_MAC1_OFF   offsetof(struct wire_response, mac1)
#define WIRE_RESP_MAC2_OFF   offsetof(struct wire_response, mac2)

/* Why a datagram was dropped before or during parsing: each reason has its
 * own counter in the daemons. */
enum wire_drop {
	WIRE_OK = 0,
	WIRE_DROP_SHORT,        /* shorter than any message */
	WIRE_DROP_TYPE,         /* unknown type or non-zero reserved bytes */
	WIRE_DROP_LENGTH,       /* wrong size for its type */
};

/* Classify a datagram by its header and size alone; reads nothing past len.
 * Returns WIRE_OK and the type in *type, or the drop reason. */
enum wire_drop wire_classify(const uint8_t *buf, size_t len, enum wire_type *type);
void wire_set_type(uint8_t type_reserved[4], enum wire_type type);
const char *wire_drop_name(enum wire_drop d);

#endif
