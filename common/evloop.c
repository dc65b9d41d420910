/* SPDX-License-Identifier: ISC */
/* evloop: libevent's loop with optional busy polling. */
#include "config.h"

#include <time.h>

#include "evloop.h"

static uint64_t
evloop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
evloop_run(struct event_base *base, unsigned spin_us, const uint64_t *activity)
{
	if (spin_us == 0) {
		event_base_dispatch(base);
		return;
	}
	while (!event_base_got_break(base) && !event_base_got_exit(base)) {
		uint64_t seen, until;

		/* sleep until something happens, handle it */
		if (event_base_loop(base, EVLOOP_ONCE) != 0)
			return;
		seen = *activity;
		until = evloop_now_us() + spin_us;
		/* then poll without sleeping while traffic keeps coming */
		while (!event_base_got_break(base) && !event_base_got_exit(base)) {
			uint64_t now;

			(void)event_base_loop(base, EVLOOP_NONBLOCK);
			now = evloop_now_us();
			if (*activity != seen) {
				seen = *activity;
				until = now + spin_us;
			} else if (now >= until) {
				break;
			}
		}
	}
}

