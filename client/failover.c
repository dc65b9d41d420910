/* SPDX-License-Identifier: ISC */
/* failover: the choice of gateway (failover.h). */
#include "config.h"

#include <string.h>

#include "failover.h"

static void
failover_forget(struct failover *f, uint64_t now)
{
	memset(f->answering_since, 0, sizeof(f->answering_since));
	memset(f->outstanding, 0, sizeof(f->outstanding));
	f->next_probe_ms = now + FAILOVER_PROBE_MS;
}

void
failover_init(struct failover *f, size_t n, uint64_t failback_ms)
{
	memset(f, 0, sizeof(*f));
	f->n = n == 0 ? 1 : n > FAILOVER_MAX ? FAILOVER_MAX : n;
	f->failback_ms = failback_ms;
}

size_t
failover_dead(struct failover *f, uint64_t now)
{
	f->active = (f->active + 1) % f->n;
	failover_forget(f, now);
	return f->active;
}

unsigned
failover_probes_due(struct failover *f, uint64_t now)
{
	unsigned due = 0;

	if (f->active == 0 || now < f->next_probe_ms)
		return 0;
	f->next_probe_ms = now + FAILOVER_PROBE_MS;
	for (size_t i = 0; i < f->active; i++) {
		if (f->outstanding[i])
			f->answering_since[i] = 0;      /* a miss: start again */
		f->outstanding[i] = true;
		due |= 1u << i;
	}
	return due;
}

void
failover_answered(struct failover *f, size_t i, uint64_t now)
{
	if (i >= f->active || !f->outstanding[i])
		return;
	f->outstanding[i] = false;
	if (f->answering_since[i] == 0)
		f->answering_since[i] = now == 0 ? 1 : now;
}

bool
failover_failback(struct failover *f, uint64_t now, size_t *to)
{
	for (size_t i = 0; i < f->active; i++) {
		if (f->answering_since[i] != 0 && now >= f->answering_since[i] &&
		    now - f->answering_since[i] >= f->failback_ms) {
			f->active = i;
			failover_forget(f, now);
			*to = i;
			return true;
		}
	}
	return false;
}
