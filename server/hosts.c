/* SPDX-License-Identifier: ISC */
/* hosts: learnt host addresses per site, open addressing with linear probing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hosts.h"
#include "util.h"

void
hosts_init(struct hosts *h)
{
	memset(h, 0, sizeof(*h));
	randombytes_buf(h->key, sizeof(h->key));
}

void
hosts_free(struct hosts *h)
{
	free(h->v);
	h->v = NULL;
	h->cap = h->n = 0;
}

static size_t
hosts_slot(const struct hosts *h, const struct in6_addr *addr)
{
	uint64_t x = util_keyed_hash(h->key, addr->s6_addr, 16);

	for (size_t i = x & (h->cap - 1);; i = (i + 1) & (h->cap - 1))
		if (h->v[i].seen_ms == 0 || memcmp(&h->v[i].addr, addr, 16) == 0)
			return i;
}

/* Rebuild into a table of cap slots, dropping what expired before cutoff. */
static int
hosts_rebuild(struct hosts *h, size_t cap, uint64_t cutoff)
{
	struct hosts_entry *old = h->v;
	size_t old_cap = h->cap;

	if ((h->v = calloc(cap, sizeof(*h->v))) == NULL) {
		h->v = old;
		return -1;
	}
	h->cap = cap;
	h->n = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].seen_ms == 0 || old[i].seen_ms < cutoff)
			continue;
		h->v[hosts_slot(h, &old[i].addr)] = old[i];
		h->n++;
	}
	free(old);
	return 0;
}

int
hosts_learn(struct hosts *h, const struct in6_addr *addr, uint64_t now)
{
	size_t i;

	if (now == 0)
		now = 1;        /* 0 marks an empty slot */
	/* a stream of frames from one host costs one compare per frame */
	if (h->last_ms != 0 && now - h->last_ms < 1000 && memcmp(&h->last, addr, 16) == 0)
		return 0;
	if (h->cap == 0 && hosts_rebuild(h, 16, 0) != 0)
		return -1;
	i = hosts_slot(h, addr);
	if (h->v[i].seen_ms == 0) {
		if (h->n >= HOSTS_MAX)
			return -1;
		if (2 * (h->n + 1) > h->cap) {
			if (hosts_rebuild(h, h->cap * 2, 0) != 0)
				return -1;
			i = hosts_slot(h, addr);
		}
		h->v[i].addr = *addr;
		h->n++;
	}
	h->v[i].seen_ms = now;
	h->last = *addr;
	h->last_ms = now;
	return 0;
}

bool
hosts_fresh(const struct hosts *h, const struct in6_addr *addr, uint64_t now)
{
	size_t i;

	if (h->cap == 0)
		return false;
	i = hosts_slot(h, addr);
	return h->v[i].seen_ms != 0 && now - h->v[i].seen_ms < HOSTS_FRESH_MS;
}

bool
hosts_known(const struct hosts *h, const struct in6_addr *addr)
{
	return h->cap != 0 && h->v[hosts_slot(h, addr)].seen_ms != 0;
}

void
hosts_expire(struct hosts *h, uint64_t now)
{
	size_t live = 0;

	if (h->cap == 0 || now < HOSTS_EXPIRE_MS)
		return;
	for (size_t i = 0; i < h->cap; i++)
		if (h->v[i].seen_ms != 0 && now - h->v[i].seen_ms < HOSTS_EXPIRE_MS)
			live++;
	if (live == h->n)
		return;
	(void)hosts_rebuild(h, h->cap, now - HOSTS_EXPIRE_MS + 1);
	if (h->last_ms != 0 && now - h->last_ms >= HOSTS_EXPIRE_MS)
		h->last_ms = 0;
}
