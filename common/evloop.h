/* SPDX-License-Identifier: ISC */
/* evloop: the daemons' main loop. libevent's own, plus optional busy
 * polling: after traffic, keep looking for more without sleeping for a
 * while, so a reply that comes back within that time is handled at once
 * instead of after a wake-up (what SO_BUSY_POLL does for sockets, which
 * taps do not have). It trades CPU for latency, so it is off by default. */
#ifndef V6EXT_EVLOOP_H
#define V6EXT_EVLOOP_H

#include <stdint.h>

#include <event2/event.h>

/* Run base until event_base_loopbreak. spin_us: microseconds to keep
 * polling after the last change of *activity (0: never poll). */
void evloop_run(struct event_base *base, unsigned spin_us, const uint64_t *activity);

#endif
