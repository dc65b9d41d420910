/* SPDX-License-Identifier: ISC */
/* replay: RFC 6479 anti-replay window. */
#include "config.h"

#include <string.h>

#include "replay.h"

void
replay_init(struct replay *r)
{
	memset(r, 0, sizeof(*r));
}

bool
replay_check(const struct replay *r, uint64_t counter, uint64_t limit)
{
	if (counter >= limit)
		return false;
	if (!r->any || counter > r->newest)
		return true;
	if (r->newest - counter >= REPLAY_WINDOW)
		return false;
	return !(r->ring[(counter / 64) % REPLAY_WORDS] & (UINT64_C(1) << (counter % 64)));
}

bool
replay_update(struct replay *r, uint64_t counter, uint64_t limit)
{
	if (!replay_check(r, counter, limit))
		return false;
	if (!r->any) {
		memset(r->ring, 0, sizeof(r->ring));
	} else if (counter > r->newest) {
		/* clear the words the window slides over (at most the whole ring) */
		uint64_t from = r->newest / 64, to = counter / 64;
		uint64_t n = to - from > REPLAY_WORDS ? REPLAY_WORDS : to - from;

		for (uint64_t i = 1; i <= n; i++)
			r->ring[(from + i) % REPLAY_WORDS] = 0;
	}
	if (!r->any || counter > r->newest)
		r->newest = counter;
	r->any = true;
	r->ring[(counter / 64) % REPLAY_WORDS] |= UINT64_C(1) << (counter % 64);
	return true;
}
