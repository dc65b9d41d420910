/* SPDX-License-Identifier: ISC */
/* ratelimit: token buckets per source prefix; see ratelimit.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ratelimit.h"
#include "util.h"

#define RATELIMIT_COST_MS  (1000u / RATELIMIT_PER_SECOND)
#define RATELIMIT_MAX_MS   (RATELIMIT_COST_MS * RATELIMIT_BURST)
#define RATELIMIT_BUCKETS  (RATELIMIT_ENTRIES * 2)     /* a power of two */

int
ratelimit_init(struct ratelimit *r)
{
	memset(r, 0, sizeof(*r));
	randombytes_buf(r->sipkey, sizeof(r->sipkey));
	r->buckets = malloc(RATELIMIT_BUCKETS * sizeof(*r->buckets));
	r->v = calloc(RATELIMIT_ENTRIES, sizeof(*r->v));
	if (r->buckets == NULL || r->v == NULL) {
		ratelimit_free(r);
		return -1;
	}
	for (size_t i = 0; i < RATELIMIT_BUCKETS; i++)
		r->buckets[i] = -1;
	for (int32_t i = 0; i < RATELIMIT_ENTRIES; i++)
		r->v[i].next = i + 1 < RATELIMIT_ENTRIES ? i + 1 : -1;
	r->free_list = 0;
	return 0;
}

void
ratelimit_free(struct ratelimit *r)
{
	free(r->buckets);
	free(r->v);
	r->buckets = NULL;
	r->v = NULL;
}

/* The source: an IPv6 /64, an IPv4 /32 (an IPv4-mapped address as IPv4). */
static void
ratelimit_key(const struct endpoint *ep, uint8_t key[9])
{
	memset(key, 0, 9);
	if (ep->u.sa.sa_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(&ep->u.in6.sin6_addr)) {
		key[0] = 6;
		memcpy(key + 1, &ep->u.in6.sin6_addr, 8);
	} else if (ep->u.sa.sa_family == AF_INET6) {
		key[0] = 4;
		memcpy(key + 1, ep->u.in6.sin6_addr.s6_addr + 12, 4);
	} else {
		key[0] = 4;
		memcpy(key + 1, &ep->u.in4.sin_addr, 4);
	}
}

static size_t
ratelimit_bucket(const struct ratelimit *r, const uint8_t key[9])
{
	return (size_t)(util_keyed_hash(r->sipkey, key, 9) & (RATELIMIT_BUCKETS - 1));
}

void
ratelimit_gc(struct ratelimit *r, uint64_t now_ms)
{
	r->next_gc_ms = now_ms + RATELIMIT_IDLE_MS;
	if (r->n == 0)
		return;
	for (size_t b = 0; b < RATELIMIT_BUCKETS; b++) {
		int32_t *pp = &r->buckets[b];

		while (*pp >= 0) {
			struct ratelimit_entry *e = &r->v[*pp];

			if (now_ms - e->last_ms >= RATELIMIT_IDLE_MS) {
				int32_t i = *pp;

				*pp = e->next;
				e->next = r->free_list;
				r->free_list = i;
				r->n--;
			} else {
				pp = &e->next;
			}
		}
	}
}

bool
ratelimit_allow(struct ratelimit *r, const struct endpoint *ep, uint64_t now_ms)
{
	uint8_t key[9];
	size_t b;
	int32_t i;
	struct ratelimit_entry *e;

	if (now_ms >= r->next_gc_ms)
		ratelimit_gc(r, now_ms);
	ratelimit_key(ep, key);
	b = ratelimit_bucket(r, key);
	for (i = r->buckets[b]; i >= 0; i = r->v[i].next) {
		e = &r->v[i];
		if (memcmp(e->key, key, sizeof(key)) != 0)
			continue;
		e->tokens += now_ms - e->last_ms;
		if (e->tokens > RATELIMIT_MAX_MS)
			e->tokens = RATELIMIT_MAX_MS;
		e->last_ms = now_ms;
		if (e->tokens < RATELIMIT_COST_MS)
			return false;
		e->tokens -= RATELIMIT_COST_MS;
		return true;
	}
	/* a new source: a full bucket less this packet, if there is room */
	if ((i = r->free_list) < 0)
		return false;
	e = &r->v[i];
	r->free_list = e->next;
	memcpy(e->key, key, sizeof(key));
	e->last_ms = now_ms;
	e->tokens = RATELIMIT_MAX_MS - RATELIMIT_COST_MS;
	e->next = r->buckets[b];
	r->buckets[b] = i;
	r->n++;
	return true;
}
