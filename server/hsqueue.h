/* SPDX-License-Identifier: ISC */
/* hsqueue: initiations waiting for the engine's handshake work, and what
 * "under load" means (WireGuard's receive.c is the model). Datagrams come
 * in at line rate; each initiation may cost a Diffie-Hellman, so they wait
 * here, at most HSQUEUE_MAX of them, and the engine takes a bounded number
 * per loop turn: taps, timers and the control socket keep their turn
 * whatever arrives. The responder is under load while HSQUEUE_LOAD_DEPTH
 * or more wait, and for HSQUEUE_LOAD_MS after the last time they did: then
 * initiations without a cookie (mac2) get a cookie reply instead of a
 * Diffie-Hellman, and those with one are rate-limited by source
 * (ratelimit.h). WireGuard's bar is an eighth of its queue, with a worker
 * per CPU; the engine is one thread that also carries the data, so its bar
 * is two of its turns' worth: more than that waiting means initiations
 * arrive faster than it takes them while the sites keep their share.
 * Pure: the caller gives the time. */
#ifndef V6EXT_HSQUEUE_H
#define V6EXT_HSQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "wire.h"

#define HSQUEUE_MAX        4096
#define HSQUEUE_PER_TURN   16      /* taken per loop turn: a millisecond or two of X25519 */
#define HSQUEUE_LOAD_DEPTH (2 * HSQUEUE_PER_TURN)
#define HSQUEUE_LOAD_MS    1000

struct hsqueue_item {
	uint8_t msg[WIRE_INITIATION_LEN];
	struct endpoint from;
	uint64_t arrived_ms;
};

struct hsqueue {
	struct hsqueue_item *v;         /* HSQUEUE_MAX, a ring */
	size_t head, n;
	uint64_t loaded_ms;             /* the last time the queue was deep: 0 never */
	uint64_t dropped;               /* initiations refused: the queue was full */
};

int hsqueue_init(struct hsqueue *q);
void hsqueue_free(struct hsqueue *q);
/* An initiation of WIRE_INITIATION_LEN bytes from from, at now: false
 * (and counted) when the queue is full. */
bool hsqueue_push(struct hsqueue *q, const uint8_t *msg, const struct endpoint *from, uint64_t now_ms);
/* The oldest, or NULL; valid until the next push. */
const struct hsqueue_item *hsqueue_pop(struct hsqueue *q);
/* Whether the responder is under load at now (see the top). */
bool hsqueue_under_load(struct hsqueue *q, uint64_t now_ms);

#endif
