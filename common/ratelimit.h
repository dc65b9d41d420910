/* SPDX-License-Identifier: ISC */
/* ratelimit: a token bucket per source, for what a handshake costs the
 * responder under load (WireGuard's ratelimiter is the model). A source is
 * an IPv6 /64 (what one subscriber holds) or an IPv4 /32; each may spend
 * RATELIMIT_PER_SECOND a second with bursts of RATELIMIT_BURST. Sources live
 * in a table keyed with SipHash and a random key, so nobody can aim
 * collisions at it; it holds at most RATELIMIT_ENTRIES, and a source that
 * has been quiet for a second is forgotten (its bucket would be full
 * anyway). When the table is full, a new source is refused until entries
 * age out: refusing an unknown source costs the flood, evicting a known one
 * would cost a peer. Pure: the caller gives the time. */
#ifndef V6EXT_RATELIMIT_H
#define V6EXT_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"

#define RATELIMIT_PER_SECOND 20
#define RATELIMIT_BURST      5
#define RATELIMIT_ENTRIES    8192
#define RATELIMIT_IDLE_MS    1000

struct ratelimit_entry {
	uint8_t key[9];                 /* family byte, then 8 bytes of /64 or 4 of /32 */
	int32_t next;                   /* chain or free list, -1: end */
	uint64_t last_ms;
	uint64_t tokens;                /* in ms of credit: one packet costs 1000 / PER_SECOND */
};

struct ratelimit {
	uint8_t sipkey[16];
	int32_t *buckets;               /* RATELIMIT_ENTRIES * 2 chain heads */
	struct ratelimit_entry *v;      /* RATELIMIT_ENTRIES */
	int32_t free_list;
	size_t n;
	uint64_t next_gc_ms;
};

int ratelimit_init(struct ratelimit *r);
void ratelimit_free(struct ratelimit *r);
/* May the source of ep spend one packet at now? */
bool ratelimit_allow(struct ratelimit *r, const struct endpoint *ep, uint64_t now_ms);
/* Forget the sources idle for RATELIMIT_IDLE_MS (ratelimit_allow runs it
 * once a second by itself). */
void ratelimit_gc(struct ratelimit *r, uint64_t now_ms);

#endif
