/* SPDX-License-Identifier: ISC */
/* failover: which gateway the client uses, as pure logic (no sockets, no
 * clock of its own: the caller passes now in ms). Gateways are numbered in
 * priority order, 0 being `server` and then each `standby-server`.
 *
 *   the active gateway dies       -> the next one in order (wrapping)
 *   while on a worse gateway      -> every better one is probed (a
 *                                    handshake, no data) every 5 s
 *   a better gateway has answered -> back to it, once; a missed probe
 *   every probe for failback-after   starts its count again, so a gateway
 *                                    that comes and goes is not taken
 *
 * A probe's handshake makes no session at the gateway: its "next" session
 * waits for data that only a failback sends (tunnel.h), so a gateway being
 * probed never believes the site is live there and never announces it. */
#ifndef V6EXT_FAILOVER_H
#define V6EXT_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAILOVER_MAX      4
#define FAILOVER_PROBE_MS 5000

struct failover {
	size_t n;                               /* gateways, 1..FAILOVER_MAX */
	size_t active;
	uint64_t failback_ms;
	uint64_t next_probe_ms;
	uint64_t answering_since[FAILOVER_MAX]; /* 0: missed its last probe */
	bool outstanding[FAILOVER_MAX];         /* a probe sent, no answer yet */
};

void failover_init(struct failover *f, size_t n, uint64_t failback_ms);
/* The active gateway is dead: the next one is active; returned. */
size_t failover_dead(struct failover *f, uint64_t now);
/* The gateways to probe now, as a bit mask (bit i: gateway i): each better
 * than the active one, every FAILOVER_PROBE_MS. An unanswered probe of the
 * round before counts as a miss. */
unsigned failover_probes_due(struct failover *f, uint64_t now);
/* Gateway i answered its probe. */
void failover_answered(struct failover *f, size_t i, uint64_t now);
/* Whether to go back to a better gateway now: the best that has answered
 * every probe for failback_ms becomes active (*to), true. */
bool failover_failback(struct failover *f, uint64_t now, size_t *to);

#endif
