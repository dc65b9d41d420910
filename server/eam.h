/* SPDX-License-Identifier: ISC */
/* eam: the translator's address map, one IPv4 address to one IPv6 host
 * and back (RFC 7757, Explicit Address Mappings). Runs in the engine; pure:
 * the caller gives the time.
 *
 * Three kinds of entry, one table:
 *   - EAM_MAP: an ipv4-map of the configuration, a spare public IPv4 of the
 *     VPS for one site host, every port;
 *   - EAM_FORWARD: a pool address lent to a host that forwards point at (the
 *     kernel DNATs the public port to it); held while forwards use it
 *     (refs), so the pool address of a forward does not change under it;
 *   - EAM_DYNAMIC: a pool address lent to a site host that sends to the
 *     IPv4 internet through the NAT64 prefix (stateful NAT64: the kernel
 *     masquerades the pool behind the public IPv4); forgotten after
 *     EAM_IDLE_MS without a packet either way.
 * A host has at most one entry: a host with an ipv4-map uses it for
 * everything, a forwarded host keeps its pool address for egress too.
 *
 * The pool (ipv4-pool, default 198.18.0.0/16: RFC 2544's benchmarking
 * range, never routed on the internet) is internal: its first address is
 * never lent (the network), nor its last. Entries live in two hash tables
 * keyed with SipHash and a random key, so a site cannot aim collisions at
 * them. */
#ifndef V6EXT_EAM_H
#define V6EXT_EAM_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EAM_IDLE_MS      (2u * 3600 * 1000)    /* a dynamic entry's idle life */
#define EAM_POOL_LEN_MIN 16                     /* pool sizes: /16 .. /28 */
#define EAM_POOL_LEN_MAX 28
#define EAM_ENTRIES      8192                   /* entries of all kinds */

enum eam_kind { EAM_MAP = 1, EAM_FORWARD, EAM_DYNAMIC };

/* Traffic through one entry, for show and metrics. */
struct eam_stats {
	uint64_t packets_in, bytes_in;          /* IPv4 -> IPv6: toward the host */
	uint64_t packets_out, bytes_out;        /* IPv6 -> IPv4: from the host */
};

struct eam_entry {
	struct in_addr v4;
	struct in6_addr v6;
	enum eam_kind kind;
	uint32_t refs;                  /* EAM_FORWARD: the forwards using it */
	uint64_t last_ms;               /* EAM_DYNAMIC: last packet */
	struct eam_stats st;
	int32_t next4, next6;           /* hash chains, or the free list (next4) */
};

struct eam {
	uint8_t sipkey[16];
	uint32_t pool;                  /* host order */
	uint8_t pool_len;
	uint32_t cap;                   /* EAM_ENTRIES */
	struct eam_entry *v;
	int32_t *head4, *head6;         /* cap chain heads each */
	int32_t free_list;
	uint32_t n_dynamic;
	uint32_t next_pool;             /* where the search for a free pool address starts */
};

/* pool/pool_len: the internal pool (host order). -1 when out of memory or
 * the pool length is outside EAM_POOL_LEN_MIN..MAX. */
int eam_init(struct eam *m, uint32_t pool, uint8_t pool_len);
void eam_free(struct eam *m);

/* Whether v4 (host order) is inside the pool. */
bool eam_in_pool(const struct eam *m, uint32_t v4);

/* An ipv4-map: v4 (outside the pool) for host v6. -1 with EEXIST when
 * either side is taken already (the configuration check refuses that
 * first), EINVAL when v4 is inside the pool, ENOSPC when the table is
 * full. */
int eam_add_map(struct eam *m, const struct in_addr *v4, const struct in6_addr *v6);
/* The IPv4 address forwards to host v6 DNAT to: a pool address lent now or
 * already the host's (an EAM_DYNAMIC entry becomes EAM_FORWARD), one more
 * ref; for a host with an ipv4-map, its map address (no ref needed). -1
 * with ENOSPC when the pool or the table is full. */
int eam_forward_get(struct eam *m, const struct in6_addr *v6, uint64_t now, struct in_addr *v4);
/* One ref fewer; at none the entry becomes EAM_DYNAMIC (it ages out). */
void eam_forward_put(struct eam *m, const struct in6_addr *v6);

/* Lookups for the translator; a hit counts its packet in the entry's stats
 * and, for a dynamic entry, keeps it alive. NULL when none. */
struct eam_entry *eam_by_v4(struct eam *m, const struct in_addr *v4, size_t bytes, uint64_t now);
/* create: lend a pool address to a host that has none (a dynamic entry);
 * NULL when the pool is full. */
struct eam_entry *eam_by_v6(struct eam *m, const struct in6_addr *v6, bool create, size_t bytes,
    uint64_t now);
/* Read-only lookups that count nothing (ICMP errors' inner packets, show). */
const struct eam_entry *eam_find_v4(const struct eam *m, const struct in_addr *v4);
const struct eam_entry *eam_find_v6(const struct eam *m, const struct in6_addr *v6);

/* Forget the dynamic entries idle for EAM_IDLE_MS. */
void eam_expire(struct eam *m, uint64_t now);

/* Every entry in use, in table order, for show: call with *pos = 0 until it
 * returns NULL. */
const struct eam_entry *eam_next(const struct eam *m, uint32_t *pos);

#endif
