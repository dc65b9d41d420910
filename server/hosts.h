/* SPDX-License-Identifier: ISC */
/* hosts: the addresses a site's hosts use, learnt from the data path (the
 * source of every frame from the site, the target of its neighbour
 * advertisements). The NDP proxy answers the upstream router at once for a
 * fresh address and asks the site first for any other. A hash table keyed
 * with SipHash and a random key, so a hostile site cannot make lookups slow,
 * and bounded, so it cannot make them big. */
#ifndef V6EXT_HOSTS_H
#define V6EXT_HOSTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOSTS_FRESH_MS  (30u * 1000)        /* answered without asking */
#define HOSTS_EXPIRE_MS (10u * 60 * 1000)   /* forgotten after this silence */
#define HOSTS_MAX       4096                /* per site */

struct hosts_entry {
	struct in6_addr addr;
	uint64_t seen_ms;               /* 0: empty slot */
};

struct hosts {
	struct hosts_entry *v;
	size_t cap, n;                  /* cap: 0 or a power of two >= 2n */
	uint8_t key[16];
	struct in6_addr last;           /* the address learnt last, and when */
	uint64_t last_ms;
};

void hosts_init(struct hosts *h);
void hosts_free(struct hosts *h);
/* addr was seen at now. -1 when the table is full (the address is not
 * learnt; the proxy then asks the site about it). */
int hosts_learn(struct hosts *h, const struct in6_addr *addr, uint64_t now);
/* Seen within HOSTS_FRESH_MS. */
bool hosts_fresh(const struct hosts *h, const struct in6_addr *addr, uint64_t now);
/* In the table at all (seen within HOSTS_EXPIRE_MS). */
bool hosts_known(const struct hosts *h, const struct in6_addr *addr);
/* Forget addresses silent for HOSTS_EXPIRE_MS. */
void hosts_expire(struct hosts *h, uint64_t now);
static inline size_t hosts_count(const struct hosts *h) { return h->n; }

#endif
