/* SPDX-License-Identifier: ISC */
/* sitetab: the engine's sites by slot, key, index and name; see sitetab.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "site.h"
#include "sitetab.h"
#include "util.h"

#define SITETAB_INDEX_MIN 64    /* buckets of the index hash, a power of two */

int
sitetab_init(struct sitetab *t, const struct prefix *prefix, uint8_t sub_len)
{
	memset(t, 0, sizeof(*t));
	t->prefix = *prefix;
	t->sub_len = sub_len;
	randombytes_buf(t->sipkey, sizeof(t->sipkey));
	if ((t->by_index = calloc(SITETAB_INDEX_MIN, sizeof(*t->by_index))) == NULL ||
	    (t->by_key = calloc(SITETAB_INDEX_MIN, sizeof(*t->by_key))) == NULL ||
	    (t->by_name = calloc(SITETAB_INDEX_MIN, sizeof(*t->by_name))) == NULL) {
		free(t->by_index);
		free(t->by_key);
		return -1;
	}
	t->index_mask = SITETAB_INDEX_MIN - 1;
	return 0;
}

void
sitetab_free(struct sitetab *t)
{
	free(t->slots);
	free(t->by_index);
	free(t->by_key);
	free(t->by_name);
	memset(t, 0, sizeof(*t));
}

/* Fibonacci hashing: indices are mostly small and consecutive, which this
 * spreads evenly; only configured indices are in the table, so a lookup of
 * any address walks one short chain. */
static size_t
sitetab_hash(const struct sitetab *t, uint64_t index)
{
	return (size_t)((index * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & t->index_mask;
}

/* Public keys are anyone's choice (a peer added at run time): SipHash with
 * a key of our own, so nobody can line keys up in one chain. */
static size_t
sitetab_key_hash(const struct sitetab *t, const uint8_t pub[32])
{
	return (size_t)util_keyed_hash(t->sipkey, pub, 32) & t->index_mask;
}

/* Names come from the configuration and from `peer add`: hashed like keys. */
static size_t
sitetab_name_hash(const struct sitetab *t, const char *name)
{
	return (size_t)util_keyed_hash(t->sipkey, name, strlen(name)) & t->index_mask;
}

/* s at the head of its chain in each of the three hashes. */
static void
sitetab_link(struct sitetab *t, struct site *s)
{
	size_t h = sitetab_hash(t, s->index);

	s->index_next = t->by_index[h];
	t->by_index[h] = s;
	h = sitetab_key_hash(t, s->tp.remote_pub);
	s->key_next = t->by_key[h];
	t->by_key[h] = s;
	h = sitetab_name_hash(t, s->conf.name);
	s->name_next = t->by_name[h];
	t->by_name[h] = s;
}

static int
sitetab_rehash(struct sitetab *t, size_t buckets)
{
	struct site **ni = calloc(buckets, sizeof(*ni)), **nk = calloc(buckets, sizeof(*nk));
	struct site **nn = calloc(buckets, sizeof(*nn));

	if (ni == NULL || nk == NULL || nn == NULL) {
		free(ni);
		free(nk);
		free(nn);
		return -1;
	}
	free(t->by_index);
	free(t->by_key);
	free(t->by_name);
	t->by_index = ni;
	t->by_key = nk;
	t->by_name = nn;
	t->index_mask = buckets - 1;
	for (size_t i = 0; i < t->n_slots; i++)
		if (t->slots[i] != NULL)
			sitetab_link(t, t->slots[i]);
	return 0;
}

uint16_t
sitetab_free_slot(struct sitetab *t)
{
	size_t slot;

	for (slot = 1; slot < t->n_slots && t->slots[slot] != NULL; slot++)
		;
	if (slot >= SITETAB_SLOTS_MAX)
		return 0;
	if (slot >= t->n_slots) {
		size_t n = t->n_slots ? t->n_slots * 2 : 64;
		struct site **ns;

		if (n > SITETAB_SLOTS_MAX)
			n = SITETAB_SLOTS_MAX;
		if ((ns = realloc(t->slots, n * sizeof(*ns))) == NULL)
			return 0;
		memset(ns + t->n_slots, 0, (n - t->n_slots) * sizeof(*ns));
		t->slots = ns;
		t->n_slots = n;
	}
	return (uint16_t)slot;
}

int
sitetab_insert(struct sitetab *t, struct site *s)
{
	if (s->tp.slot == 0 || s->tp.slot >= t->n_slots || t->slots[s->tp.slot] != NULL)
		return -1;
	if (t->n + 1 > t->index_mask + 1 && sitetab_rehash(t, (t->index_mask + 1) * 2) != 0)
		return -1;
	t->slots[s->tp.slot] = s;
	sitetab_link(t, s);
	t->n++;
	return 0;
}

void
sitetab_remove(struct sitetab *t, struct site *s)
{
	struct site **pp = &t->by_index[sitetab_hash(t, s->index)];

	if (s->tp.slot >= t->n_slots || t->slots[s->tp.slot] != s)
		return;
	t->slots[s->tp.slot] = NULL;
	for (; *pp != NULL; pp = &(*pp)->index_next) {
		if (*pp == s) {
			*pp = s->index_next;
			break;
		}
	}
	for (pp = &t->by_key[sitetab_key_hash(t, s->tp.remote_pub)]; *pp != NULL; pp = &(*pp)->key_next) {
		if (*pp == s) {
			*pp = s->key_next;
			break;
		}
	}
	for (pp = &t->by_name[sitetab_name_hash(t, s->conf.name)]; *pp != NULL; pp = &(*pp)->name_next) {
		if (*pp == s) {
			*pp = s->name_next;
			break;
		}
	}
	t->n--;
}

struct site *
sitetab_by_slot(const struct sitetab *t, size_t slot)
{
	return slot < t->n_slots ? t->slots[slot] : NULL;
}

struct site *
sitetab_by_key(const struct sitetab *t, const uint8_t pub[32])
{
	for (struct site *s = t->by_key[sitetab_key_hash(t, pub)]; s != NULL; s = s->key_next)
		if (sodium_memcmp(s->tp.remote_pub, pub, 32) == 0)
			return s;
	return NULL;
}

struct site *
sitetab_by_index(const struct sitetab *t, uint64_t index)
{
	struct site *s = t->by_index[sitetab_hash(t, index)];

	while (s != NULL && s->index != index)
		s = s->index_next;
	return s;
}

struct site *
sitetab_by_addr(const struct sitetab *t, const struct in6_addr *addr)
{
	uint64_t index;

	if (prefix_sub_index(&t->prefix, t->sub_len, addr, &index) != 0)
		return NULL;
	return sitetab_by_index(t, index);
}

struct site *
sitetab_by_name(const struct sitetab *t, const char *name)
{
	for (struct site *s = t->by_name[sitetab_name_hash(t, name)]; s != NULL; s = s->name_next)
		if (strcmp(s->conf.name, name) == 0)
			return s;
	return NULL;
}

struct site *
sitetab_first(const struct sitetab *t)
{
	for (size_t i = 0; i < t->n_slots; i++)
		if (t->slots[i] != NULL)
			return t->slots[i];
	return NULL;
}

struct site *
sitetab_next(const struct sitetab *t, const struct site *s)
{
	for (size_t i = (size_t)s->tp.slot + 1; i < t->n_slots; i++)
		if (t->slots[i] != NULL)
			return t->slots[i];
	return NULL;
}
