/* SPDX-License-Identifier: ISC */
/* tunnel: what a datagram means for a peer, without sockets. The client is
 * always the initiator and the server always the responder:
 *
 *   client                              server
 *     initiation (1) ------------------>  mac1? (else silence)
 *                                          under load and no mac2? -> cookie (3)
 *                                          known key? fresh timestamp?
 *     <------------------ response (2)     new session "next" (index slot | random)
 *     data (4) ------------------------->  next confirmed: it becomes cur
 *     data (4) <------------------------> data (4), keepalives = empty data
 *
 * Sessions: "cur" carries traffic; after a rekey the old one stays as "prev"
 * until it expires, so packets in flight during the rekey still open. The
 * responder keeps the session an initiation made as "next" and goes on
 * sending with cur until the initiator's first data message on next proves
 * it got the response (WireGuard's next keypair): a lost response, or an
 * initiation replayed by someone else, never replaces a working session.
 * Only authenticated data moves a peer's endpoint, never an initiation. */
#ifndef V6EXT_TUNNEL_H
#define V6EXT_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cookie.h"
#include "noise.h"
#include "ratelimit.h"
#include "session.h"
#include "transport.h"
#include "wire.h"

/* Why a datagram or frame was dropped; each has a counter and a name that
 * `v6ext show` prints. */
enum tunnel_drop {
	TUNNEL_OK = 0,          /* not a drop */
	DROP_SHORT,             /* shorter than any message */
	DROP_TYPE,              /* unknown type, non-zero reserved bytes */
	DROP_LENGTH,            /* wrong size for its type */
	DROP_MAC,               /* mac1 or mac2 wrong: silence */
	DROP_UNKNOWN_KEY,       /* authenticated handshake from a key not configured */
	DROP_HANDSHAKE,         /* Noise failed (decrypt, low-order key, state) */
	DROP_TIMESTAMP,         /* initiation not newer than the last one (replayed) */
	DROP_INDEX,             /* data for no session of ours */
	DROP_REPLAY,            /* data counter seen or too old */
	DROP_DECRYPT,           /* data failed authentication */
	DROP_EXPIRED,           /* data for a session past reject-after */
	DROP_NO_SESSION,        /* frame to send but no live session */
	DROP_ROGUE_RA,          /* RA or DHCPv6 server message from the home side */
	DROP_TOO_BIG,           /* frame over the inner MTU */
	DROP_SOURCE,            /* source address outside the site */
	DROP_BAD_NDP,           /* invalid neighbor discovery message (RFC 4861 6.1, 7.1) */
	DROP_TAP,               /* tap write failed */
	DROP_SEND,              /* UDP send refused */
	DROP_HEADER_CHAIN,      /* IPv6 header chain the RA guard cannot clear (RFC 7113 3) */
	DROP_ETHERTYPE,         /* from a site: not untagged IPv6, ARP or IPv4, or a bad ARP/IPv4 header */
	DROP_RATELIMITED,       /* under load: over its source's handshake budget (ratelimit.h) */
	DROP_FLOOD,             /* a peer's second initiation within TUNNEL_INIT_MIN_MS */
	DROP_QUEUE_FULL,        /* an initiation the handshake queue had no room for */
	DROP_MAX
};

const char *tunnel_drop_name(enum tunnel_drop d);

/* The gate every datagram passes first: header and size for its type
 * (wire_classify), nothing else read. TUNNEL_OK with *type, or why not. */
enum tunnel_drop tunnel_gate(const uint8_t *msg, size_t len, enum wire_type *type);

struct tunnel_stats {
	uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets;
	uint64_t drops[DROP_MAX];
};

/* A peer's initiations accepted at most this often (WireGuard: 50 a
 * second): a replay flood of one valid initiation costs one handshake. */
#define TUNNEL_INIT_MIN_MS 20

struct tunnel_peer {
	uint8_t remote_pub[32];
	const uint8_t *psk;             /* 32 bytes the owner keeps (keyring.h), or NULL: none */
	struct cookie_maker maker;      /* MACs on what we send to this peer */
	struct session cur, prev;
	struct session next;            /* responder: made, not yet confirmed by data */
	struct endpoint ep;             /* where the peer was last heard from */
	/* initiator */
	bool allow_aesgcm;              /* offer AES-256-GCM if the CPU has AES-NI (default) */
	struct noise_handshake hs;
	uint32_t hs_index;
	bool hs_pending;
	bool hs_offered_aesgcm;         /* what the pending initiation offered */
	uint64_t hs_sent_ms;
	uint8_t sent_timestamp[WIRE_TIMESTAMP_LEN];     /* the last we sent: never again one as old */
	/* responder */
	uint8_t ss[32];                 /* static-static DH with this peer, computed once */
	bool ss_ok;                     /* false: rs is a low-order key, no handshake can succeed */
	uint8_t last_timestamp[WIRE_TIMESTAMP_LEN];     /* the greatest accepted: older ones are replays */
	uint64_t last_init_ms;          /* when the last initiation was accepted */
	uint16_t slot;                  /* low 16 bits of our session indices */
	uint64_t handshake_wall;        /* unix seconds of the last handshake */
	uint64_t last_rx_ms;            /* the last authenticated data (or response) */
	uint64_t last_tx_ms;
	struct tunnel_stats st;
};

/* psk (NULL: none, the zero key) must live as long as p: it is not copied. */
void tunnel_peer_init(struct tunnel_peer *p, const uint8_t remote_pub[32], const uint8_t *psk, uint16_t slot);
void tunnel_peer_wipe(struct tunnel_peer *p);
bool tunnel_peer_live(const struct tunnel_peer *p, uint64_t now_ms);
/* Wipe the sessions past their reject-after time. */
void tunnel_peer_expire(struct tunnel_peer *p, uint64_t now_ms);
/* The data cipher of the live session ("aes-256-gcm", "chacha20-poly1305"),
 * or "" when there is none. */
const char *tunnel_peer_cipher(const struct tunnel_peer *p, uint64_t now_ms);
/* Whether this side may run AES-256-GCM: allowed by its owner and the CPU
 * has AES-NI and PCLMUL (libsodium's AES-GCM needs both; without them
 * ChaCha20-Poly1305 is faster and constant-time anyway). */
bool tunnel_aesgcm_usable(bool allow);

/* TAI64N (cr.yp.to/libtai/tai64.html) of the wall clock: 12 bytes that
 * compare as big-endian numbers; the seconds are the TAI64 label
 * 2^62 + 10 + Unix seconds, as libtai and WireGuard write it. */
void tunnel_timestamp(uint8_t out[WIRE_TIMESTAMP_LEN]);

/* ---- initiator (client) */
/* Build an initiation to the peer into msg (with MACs). It offers
 * AES-256-GCM for the data messages when tunnel_aesgcm_usable(allow_aesgcm);
 * the session uses it if the response accepts. */
int tunnel_initiate(struct tunnel_peer *p, const uint8_t local_priv[32], uint64_t now_ms,
    struct wire_initiation *msg);
/* A response: mac1 with our key, then Noise; on success cur is the new
 * session and the old one is prev. */
enum tunnel_drop tunnel_consume_response(struct tunnel_peer *p, struct cookie_checker *cc,
    const uint8_t *msg, size_t len, const struct endpoint *from, uint64_t now_ms);
enum tunnel_drop tunnel_consume_cookie(struct tunnel_peer *p, const uint8_t *msg, size_t len,
    uint64_t now_ms);

/* ---- responder (server) */
struct tunnel_responder {
	uint8_t pub[32];
	struct noise_responder nr;      /* our key and the handshake's fixed start */
	struct cookie_checker cc;
	bool allow_aesgcm;              /* accept AES-256-GCM if the CPU has AES-NI (default) */
};

void tunnel_responder_init(struct tunnel_responder *r, const uint8_t priv[32]);
void tunnel_responder_wipe(struct tunnel_responder *r);
/* A configured peer of this responder: the static-static DH computed once. */
void tunnel_peer_precompute(struct tunnel_peer *p, const struct tunnel_responder *r);

/* Looks a public key up among the configured peers. */
typedef struct tunnel_peer *(*tunnel_lookup_fn)(void *ctx, const uint8_t pub[32]);

enum tunnel_reply { TUNNEL_REPLY_NONE, TUNNEL_REPLY_RESPONSE, TUNNEL_REPLY_COOKIE };

/* An initiation, in the order of its cost: MACs; under load (the caller
 * judges it: hsqueue.h) no mac2 gets a cookie reply and a valid one a token
 * from its source's bucket in rl, each refused as DROP_RATELIMITED when the
 * bucket is empty; the initiator's static key (one X25519); the peer, its
 * precomputed ss, the payload; a replayed timestamp or a second initiation
 * within TUNNEL_INIT_MIN_MS are refused. The session runs AES-256-GCM if the
 * initiation offers it and tunnel_aesgcm_usable(r->allow_aesgcm). On
 * success *peer is the peer, its next session is new, and reply (96 bytes)
 * is the response to send to from; or reply holds a cookie reply (64
 * bytes). Returns the drop reason when *kind is NONE and nothing may be
 * sent. */
enum tunnel_drop tunnel_consume_initiation(struct tunnel_responder *r, tunnel_lookup_fn lookup, void *ctx,
    const uint8_t *msg, size_t len, const struct endpoint *from, bool under_load, struct ratelimit *rl,
    uint64_t now_ms, struct tunnel_peer **peer, uint8_t *reply, size_t *reply_len, enum tunnel_reply *kind);

/* ---- data, both sides */
/* Open a type-4 datagram in place for peer p (found by the receiver index).
 * On success the frame is at pkt + WIRE_DATA_HEADER_LEN. The first one on
 * the next session confirms it: it becomes cur (and *confirmed is set,
 * when not NULL). */
enum tunnel_drop tunnel_open_data(struct tunnel_peer *p, uint8_t *pkt, size_t len, uint64_t now_ms,
    size_t *frame_len, bool *confirmed);
/* Seal the frame already at pkt + WIRE_DATA_HEADER_LEN with the current
 * session. */
enum tunnel_drop tunnel_seal_data(struct tunnel_peer *p, uint8_t *pkt, size_t frame_len, size_t cap,
    uint64_t now_ms, size_t *pkt_len);

#endif
