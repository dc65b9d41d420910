/* SPDX-License-Identifier: ISC */
/* datapath: the tunnel's data path, one for both daemons. Datagrams come in
 * batches (recvmmsg), a GRO burst is cut back into its datagrams, and frames
 * for taps leave glued (tap_out); frames from a tap are cut from TSO bursts
 * into segments, each sealed where it will leave from, and leave as UDP GSO
 * trains (transport_tx). See docs/PERFORMANCE.md.
 *
 * A read takes at most DATAPATH_RECV_BATCHES batches: a socket that never
 * runs dry (a flood) must leave the loop's other events (taps, timers,
 * control) their turn. The socket stays readable, so the rest comes at the
 * next turn. */
#ifndef V6EXT_DATAPATH_H
#define V6EXT_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tap.h"
#include "transport.h"
#include "tunnel.h"

#define DATAPATH_RECV_BATCHES 4

struct datapath {
	int udp6, udp4;                 /* -1 when that family is not in use */
	bool offload;                   /* TSO on taps, UDP GSO/GRO (V6EXT_OFFLOAD=off: none) */
	struct transport_rx rx;
	struct transport_tx tx6, tx4;
	struct tap_out tap_out;         /* frames to taps, TCP bursts glued */
	uint8_t *tap_in;                /* one frame read from a tap, virtio_net_hdr first */
	uint64_t activity;              /* reads that found traffic, for busy polling */
};

/* rx_bufs receive buffers of 64 KB (a GRO burst fills one). The sockets are
 * set by the caller. -1 when out of memory. */
int datapath_init(struct datapath *dp, unsigned rx_bufs, bool offload);
void datapath_free(struct datapath *dp);

/* The socket for ep's family, or -1. */
int datapath_fd(const struct datapath *dp, const struct endpoint *ep);
/* One datagram to ep; a refusal counts in *fail. */
void datapath_send(struct datapath *dp, const struct endpoint *ep, const void *buf, size_t len, uint64_t *fail);

/* Every datagram read from fd goes to fn with its sender; a datagram is
 * at least 0 bytes, fn checks the rest (wire_data_check and friends). */
typedef void (*datapath_datagram_fn)(void *ctx, uint8_t *pkt, size_t len, const struct endpoint *from,
    uint64_t now);
void datapath_udp_read(struct datapath *dp, int fd, datapath_datagram_fn fn, void *ctx);

/* A frame read from a tap, at frame (len bytes) inside the datagram being
 * built: return false to drop it (the guard counts why). */
typedef bool (*datapath_guard_fn)(void *ctx, uint8_t *frame, size_t len);
/* Frames from tap (tap_offload: it has a virtio_net_hdr) to peer tp, one
 * batch: guarded (NULL: no guard), sealed and sent. Without an endpoint the
 * tap is drained and the frames counted as no_session. */
void datapath_tap_read(struct datapath *dp, int tap, bool tap_offload, struct tunnel_peer *tp,
    datapath_guard_fn guard, void *ctx, uint64_t now);

/* An empty data message (a keepalive) to tp's endpoint. */
void datapath_keepalive(struct datapath *dp, struct tunnel_peer *tp, uint64_t now);
/* One frame of our own (len <= DATAPATH_FRAME_MAX) sealed to tp's
 * endpoint; false without a session or an endpoint. */
#define DATAPATH_FRAME_MAX 1518
bool datapath_send_frame(struct datapath *dp, struct tunnel_peer *tp, const uint8_t *frame, size_t len,
    uint64_t now);

#endif
