/* SPDX-License-Identifier: ISC */
/* eam: the translator's address map (RFC 7757); see eam.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "eam.h"
#include "util.h"

/* Both tables have cap chain heads; cap (EAM_ENTRIES) is a power of two. */
static size_t
eam_hash4(const struct eam *m, const struct in_addr *v4)
{
	uint8_t key[5] = { 4 };

	memcpy(key + 1, v4, 4);
	return (size_t)(util_keyed_hash(m->sipkey, key, sizeof(key)) & (m->cap - 1));
}

static size_t
eam_hash6(const struct eam *m, const struct in6_addr *v6)
{
	uint8_t key[17] = { 6 };

	memcpy(key + 1, v6, 16);
	return (size_t)(util_keyed_hash(m->sipkey, key, sizeof(key)) & (m->cap - 1));
}

int
eam_init(struct eam *m, uint32_t pool, uint8_t pool_len)
{
	memset(m, 0, sizeof(*m));
	if (pool_len < EAM_POOL_LEN_MIN || pool_len > EAM_POOL_LEN_MAX)
		return -1;
	randombytes_buf(m->sipkey, sizeof(m->sipkey));
	m->pool_len = pool_len;
	m->pool = pool & ~(UINT32_MAX >> pool_len);
	m->cap = EAM_ENTRIES;
	m->v = calloc(m->cap, sizeof(*m->v));
	m->head4 = malloc(m->cap * sizeof(*m->head4));
	m->head6 = malloc(m->cap * sizeof(*m->head6));
	if (m->v == NULL || m->head4 == NULL || m->head6 == NULL) {
		eam_free(m);
		return -1;
	}
	for (uint32_t i = 0; i < m->cap; i++) {
		m->head4[i] = m->head6[i] = -1;
		m->v[i].next4 = i + 1 < m->cap ? (int32_t)i + 1 : -1;
		m->v[i].next6 = -1;
	}
	m->free_list = 0;
	m->next_pool = 1;
	return 0;
}

void
eam_free(struct eam *m)
{
	free(m->v);
	free(m->head4);
	free(m->head6);
	sodium_memzero(m, sizeof(*m));
}

static uint32_t
eam_pool_size(const struct eam *m)
{
	return UINT32_C(1) << (32 - m->pool_len);
}

bool
eam_in_pool(const struct eam *m, uint32_t v4)
{
	return m->pool_len != 0 && (v4 & ~(UINT32_MAX >> m->pool_len)) == m->pool;
}

static int32_t
eam_index4(const struct eam *m, const struct in_addr *v4)
{
	for (int32_t i = m->head4[eam_hash4(m, v4)]; i >= 0; i = m->v[i].next4)
		if (m->v[i].v4.s_addr == v4->s_addr)
			return i;
	return -1;
}

static int32_t
eam_index6(const struct eam *m, const struct in6_addr *v6)
{
	for (int32_t i = m->head6[eam_hash6(m, v6)]; i >= 0; i = m->v[i].next6)
		if (memcmp(&m->v[i].v6, v6, sizeof(*v6)) == 0)
			return i;
	return -1;
}

const struct eam_entry *
eam_find_v4(const struct eam *m, const struct in_addr *v4)
{
	int32_t i = eam_index4(m, v4);

	return i < 0 ? NULL : &m->v[i];
}

const struct eam_entry *
eam_find_v6(const struct eam *m, const struct in6_addr *v6)
{
	int32_t i = eam_index6(m, v6);

	return i < 0 ? NULL : &m->v[i];
}

/* An entry from the free list, linked into both tables; -1 when full. */
static int32_t
eam_insert(struct eam *m, const struct in_addr *v4, const struct in6_addr *v6, enum eam_kind kind,
    uint64_t now)
{
	int32_t i = m->free_list;
	struct eam_entry *e;
	size_t h4, h6;

	if (i < 0)
		return -1;
	e = &m->v[i];
	m->free_list = e->next4;
	memset(e, 0, sizeof(*e));
	e->v4 = *v4;
	e->v6 = *v6;
	e->kind = kind;
	e->last_ms = now;
	h4 = eam_hash4(m, v4);
	h6 = eam_hash6(m, v6);
	e->next4 = m->head4[h4];
	m->head4[h4] = i;
	e->next6 = m->head6[h6];
	m->head6[h6] = i;
	if (kind == EAM_DYNAMIC)
		m->n_dynamic++;
	return i;
}

static void
eam_remove(struct eam *m, int32_t i)
{
	struct eam_entry *e = &m->v[i];
	int32_t *pp;

	for (pp = &m->head4[eam_hash4(m, &e->v4)]; *pp != i; pp = &m->v[*pp].next4)
		;
	*pp = e->next4;
	for (pp = &m->head6[eam_hash6(m, &e->v6)]; *pp != i; pp = &m->v[*pp].next6)
		;
	*pp = e->next6;
	if (e->kind == EAM_DYNAMIC)
		m->n_dynamic--;
	memset(e, 0, sizeof(*e));
	e->next4 = m->free_list;
	e->next6 = -1;
	m->free_list = i;
}

/* A pool address nobody holds, searched from next_pool on so addresses are
 * reused as late as possible; never the pool's first (the network) or last
 * (broadcast) address. False when every one is taken. */
static bool
eam_pool_free_addr(struct eam *m, struct in_addr *v4)
{
	uint32_t size = eam_pool_size(m), off = m->next_pool;

	for (uint32_t tries = 0; tries < size - 2; tries++) {
		if (off == 0 || off >= size - 1)
			off = 1;
		v4->s_addr = htonl(m->pool + off);
		off++;
		if (eam_index4(m, v4) < 0) {
			m->next_pool = off;
			return true;
		}
	}
	return false;
}

/* Lend a pool address to v6; when the pool or the table is full, the idle
 * dynamic entries go first. -1 when still full. */
static int32_t
eam_lend(struct eam *m, const struct in6_addr *v6, enum eam_kind kind, uint64_t now)
{
	struct in_addr v4;

	for (int pass = 0; pass < 2; pass++) {
		if (m->free_list >= 0 && eam_pool_free_addr(m, &v4))
			return eam_insert(m, &v4, v6, kind, now);
		if (pass == 0)
			eam_expire(m, now);
	}
	return -1;
}

int
eam_add_map(struct eam *m, const struct in_addr *v4, const struct in6_addr *v6)
{
	if (eam_in_pool(m, ntohl(v4->s_addr))) {
		errno = EINVAL;
		return -1;
	}
	if (eam_index4(m, v4) >= 0 || eam_index6(m, v6) >= 0) {
		errno = EEXIST;
		return -1;
	}
	if (eam_insert(m, v4, v6, EAM_MAP, 0) < 0) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

int
eam_forward_get(struct eam *m, const struct in6_addr *v6, uint64_t now, struct in_addr *v4)
{
	int32_t i = eam_index6(m, v6);
	struct eam_entry *e;

	if (i < 0 && (i = eam_lend(m, v6, EAM_FORWARD, now)) < 0) {
		errno = ENOSPC;
		return -1;
	}
	e = &m->v[i];
	if (e->kind == EAM_DYNAMIC) {
		e->kind = EAM_FORWARD;
		m->n_dynamic--;
	}
	if (e->kind == EAM_FORWARD) {
		e->refs++;
		e->last_ms = now;
	}
	*v4 = e->v4;
	return 0;
}

void
eam_forward_put(struct eam *m, const struct in6_addr *v6)
{
	int32_t i = eam_index6(m, v6);
	struct eam_entry *e;

	if (i < 0)
		return;
	e = &m->v[i];
	if (e->kind != EAM_FORWARD || e->refs == 0)
		return;
	/* the last forward gone: the address stays while the host uses it,
	 * and ages out from its last packet like any dynamic one */
	if (--e->refs == 0) {
		e->kind = EAM_DYNAMIC;
		m->n_dynamic++;
	}
}

static void
eam_count(struct eam_entry *e, bool in, size_t bytes, uint64_t now)
{
	if (in) {
		e->st.packets_in++;
		e->st.bytes_in += bytes;
	} else {
		e->st.packets_out++;
		e->st.bytes_out += bytes;
	}
	e->last_ms = now;
}

struct eam_entry *
eam_by_v4(struct eam *m, const struct in_addr *v4, size_t bytes, uint64_t now)
{
	int32_t i = eam_index4(m, v4);

	if (i < 0)
		return NULL;
	eam_count(&m->v[i], true, bytes, now);
	return &m->v[i];
}

struct eam_entry *
eam_by_v6(struct eam *m, const struct in6_addr *v6, bool create, size_t bytes, uint64_t now)
{
	int32_t i = eam_index6(m, v6);

	if (i < 0 && (!create || (i = eam_lend(m, v6, EAM_DYNAMIC, now)) < 0))
		return NULL;
	eam_count(&m->v[i], false, bytes, now);
	return &m->v[i];
}

void
eam_expire(struct eam *m, uint64_t now)
{
	for (uint32_t i = 0; i < m->cap && m->n_dynamic > 0; i++) {
		const struct eam_entry *e = &m->v[i];

		if (e->kind == EAM_DYNAMIC && now >= e->last_ms && now - e->last_ms >= EAM_IDLE_MS)
			eam_remove(m, (int32_t)i);
	}
}

const struct eam_entry *
eam_next(const struct eam *m, uint32_t *pos)
{
	while (*pos < m->cap) {
		const struct eam_entry *e = &m->v[(*pos)++];

		if (e->kind != 0)
			return e;
	}
	return NULL;
}
