/* SPDX-License-Identifier: ISC */
/* gso: large TCP frames through a tap with IFF_VNET_HDR.
 *
 * With offloads on, the kernel hands the tap one frame of up to 64 KB that
 * stands for many TCP segments (TSO; the virtio_net_hdr in front of it,
 * virtio 1.1 5.1.6, says how to cut it), and takes such frames from us as
 * one packet (what GRO makes of a burst). The tunnel itself carries only
 * ordinary Ethernet frames, so each side does half of the work:
 *
 *   sender:   gso_seg cuts a frame from its tap into frames of one segment
 *             each, with lengths, sequence numbers and checksums right;
 *   receiver: gso_merge glues consecutive segments of one TCP flow back
 *             into one frame for one write to its tap.
 *
 * Both are pure functions over buffers; tap.c does the I/O. */
#ifndef V6EXT_GSO_H
#define V6EXT_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#define GSO_HDR_LEN     sizeof(struct virtio_net_hdr)   /* 10 */
#define GSO_FRAME_MAX   (65535 + 14 + 4)                /* largest frame a tap passes */

/* ---- sender: cut */
struct gso_seg {
	const uint8_t *frame;
	size_t len;
	size_t l3, l4, hlen;    /* offsets of the IP header, TCP header, payload */
	size_t mss;             /* payload bytes per segment; 0: one frame as it is */
	size_t off;             /* payload offset of the next segment */
	size_t csum_at;         /* checksum to complete (single frame): field offset, 0 none */
	uint32_t seq;
	uint16_t ip_id;
	bool v6, done;
	unsigned i;
};

/* Start on a frame read from a tap (hdr, then len bytes of frame). False for
 * a frame to drop: offsets outside it, or a GSO type other than TCP. */
bool gso_seg_init(struct gso_seg *s, const struct virtio_net_hdr *hdr, const uint8_t *frame, size_t len);
/* Length of the next frame, 0 when all are out. */
size_t gso_seg_next_len(const struct gso_seg *s);
/* Write the next frame (gso_seg_next_len bytes) to out. */
void gso_seg_next(struct gso_seg *s, uint8_t *out);

/* ---- receiver: glue */
struct gso_merge {
	uint8_t *buf;           /* virtio_net_hdr, then the frame */
	size_t cap;             /* frame bytes buf holds */
	size_t len;             /* frame bytes pending, 0: none */
	size_t l3, l4, hlen, mss;
	unsigned segs;
	uint32_t next_seq;
	bool v6, closed;
};

int gso_merge_init(struct gso_merge *m);
void gso_merge_free(struct gso_merge *m);
/* Offer a frame. True: it is now part of the pending frame (or started it).
 * False: it does not continue what is pending, or is no TCP segment that
 * could be glued; the caller takes what is pending, then offers the frame
 * again or writes it alone. Only segments whose checksum verifies are glued:
 * a bad one goes through unchanged and is dropped by its receiver. */
bool gso_merge_add(struct gso_merge *m, const uint8_t *frame, size_t len);
/* The pending frame behind its virtio_net_hdr, *len bytes in all (header
 * included), for one write to a tap; NULL when nothing is pending. m is
 * empty afterwards. */
const uint8_t *gso_merge_take(struct gso_merge *m, size_t *len);
bool gso_merge_pending(const struct gso_merge *m);

#endif
