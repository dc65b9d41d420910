/* SPDX-License-Identifier: ISC */
/* tap: Linux tap devices (/dev/net/tun, IFF_TAP | IFF_NO_PI). */
#ifndef V6EXT_TAP_H
#define V6EXT_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "gso.h"

/* Create (or attach to) tap NAME, non-blocking. Returns the fd, or -1 with
 * errno set. A name of IFNAMSIZ bytes or more is refused, never cut.
 * With *offload true, the tap has a virtio_net_hdr in front of every frame
 * both ways and takes TCP segmentation and checksum offloads (frames of up
 * to 64 KB: see gso.h); *offload says whether the kernel agreed. */
int tap_open(const char *name, bool *offload);
/* Create (or attach to) the TUN device NAME (IFF_TUN | IFF_NO_PI: bare IPv4
 * and IPv6 packets, the version nibble tells which), non-blocking. With
 * *offload, a virtio_net_hdr comes before every packet both ways and the
 * device takes TCP bursts (TSO4, TSO6) and checksums left to it; *offload
 * says whether the kernel agreed. The fd, or -1 with errno set. */
int tap_open_tun(const char *name, bool *offload);
/* One frame to a tap, behind an empty virtio_net_hdr when it has one. */
ssize_t tap_write(int fd, bool offload, const uint8_t *frame, size_t len);

/* Frames to taps, TCP segments of one flow glued into one write when the
 * taps have offloads. Written in the order given. */
struct tap_out {
	struct gso_merge m;
	int fd;                 /* the tap the pending frame goes to */
	uint64_t *fail;         /* and the counter of its failed writes */
	bool offload;
	uint64_t writes, frames;        /* for the benchmark's figures */
};

int tap_out_init(struct tap_out *o, bool offload);
void tap_out_free(struct tap_out *o);
/* Frame to tap fd (offload: the tap has a virtio_net_hdr); a failed write
 * counts in *fail. What is pending leaves at the next flush at the latest:
 * flush after every batch. */
void tap_out_frame(struct tap_out *o, int fd, bool offload, const uint8_t *frame, size_t len, uint64_t *fail);
void tap_out_flush(struct tap_out *o);
/* Carrier on or off (TUNSETCARRIER): the link is "up" to the kernel only
 * while a peer's session is live. */
int tap_set_carrier(int fd, bool on);

#endif
