/* SPDX-License-Identifier: ISC */
/* sitetab: the engine's sites, found four ways, each without walking them
 * all: by slot (the low 16 bits of our session indices, from a data
 * message's header), by public key (an initiation), by sub-prefix index (an
 * address the upstream router asks for), and by name (the control socket). */
#ifndef V6EXT_SITETAB_H
#define V6EXT_SITETAB_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

struct site;

#define SITETAB_SLOTS_MAX 65536         /* a slot is 16 bits; slot 0 is never used */

struct sitetab {
	struct site **slots;            /* by slot, NULL where free */
	size_t n_slots;
	size_t n;                       /* sites */
	struct site **by_index;         /* hash of sub-prefix indices, chained through site->index_next */
	struct site **by_key;           /* hash of public keys (SipHash, random key), through site->key_next */
	struct site **by_name;          /* hash of names (the same SipHash), through site->name_next */
	size_t index_mask;              /* all three have index_mask + 1 buckets */
	uint8_t sipkey[16];
	struct prefix prefix;           /* the /64 and the sites' prefix length, for by_addr */
	uint8_t sub_len;
};

int sitetab_init(struct sitetab *t, const struct prefix *prefix, uint8_t sub_len);
void sitetab_free(struct sitetab *t);
/* A free slot (the table grows to make one), or 0 when all are taken. */
uint16_t sitetab_free_slot(struct sitetab *t);
/* s (its tp.slot, index, conf.name and tp.remote_pub set) joins the table;
 * -1 when out of memory. */
int sitetab_insert(struct sitetab *t, struct site *s);
void sitetab_remove(struct sitetab *t, struct site *s);

struct site *sitetab_by_slot(const struct sitetab *t, size_t slot);
struct site *sitetab_by_key(const struct sitetab *t, const uint8_t pub[32]);
struct site *sitetab_by_index(const struct sitetab *t, uint64_t index);
/* The site whose sub-prefix holds addr, or NULL. */
struct site *sitetab_by_addr(const struct sitetab *t, const struct in6_addr *addr);
struct site *sitetab_by_name(const struct sitetab *t, const char *name);

/* for (struct site *s = sitetab_first(t); s; s = sitetab_next(t, s)) */
struct site *sitetab_first(const struct sitetab *t);
struct site *sitetab_next(const struct sitetab *t, const struct site *s);

#endif
