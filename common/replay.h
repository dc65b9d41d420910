/* SPDX-License-Identifier: ISC */
/* replay: the sliding anti-replay window of RFC 6479: a ring of 64-bit
 * words, cleared a whole word at a time as the window moves, so the cost of
 * a check does not depend on how far the counter jumps. */
#ifndef V6EXT_REPLAY_H
#define V6EXT_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_WORDS   64
#define REPLAY_BITS    (REPLAY_WORDS * 64)          /* 4096 */
/* Counters this far behind the newest are always judged exactly; one word of
 * the ring is the one being filled, so the window is one word short. */
#define REPLAY_WINDOW  (REPLAY_BITS - 64)           /* 4032 */

struct replay {
	uint64_t newest;        /* highest counter accepted */
	bool any;               /* whether anything was accepted yet */
	uint64_t ring[REPLAY_WORDS];
};

void replay_init(struct replay *r);
/* Would counter be accepted? limit is the first counter never accepted
 * (the session's reject-after-messages). Changes nothing: run it before the
 * expensive decrypt, then replay_update after the message authenticated. */
bool replay_check(const struct replay *r, uint64_t counter, uint64_t limit);
/* Accept counter: false (and no change) if replay_check would say no. */
bool replay_update(struct replay *r, uint64_t counter, uint64_t limit);

#endif
