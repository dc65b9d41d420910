/* SPDX-License-Identifier: ISC */
/* lease: DHCPv6 bindings, address choice and the leases file. */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lease.h"
#include "names.h"
#include "statefile.h"
#include "util.h"

#define LEASE_MAGIC "v6ext-leases"

void
leases_init(struct leases *l)
{
	memset(l, 0, sizeof(*l));
}

void
leases_free(struct leases *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The binding of (site, duid, iaid): an address one (pd false) or a
 * delegated prefix (pd true); IA_NA and IA_PD number their IAIDs apart. */
static struct lease *
lease_match(const struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid,
    bool pd)
{
	for (size_t i = 0; i < l->n; i++) {
		struct lease *e = &l->v[i];

		if ((e->plen != 0) == pd && e->duid_len == duid_len && duid_len != 0 && e->iaid == iaid &&
		    memcmp(e->duid, duid, duid_len) == 0 && strcmp(e->site, site) == 0)
			return e;
	}
	return NULL;
}

struct lease *
lease_find(const struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid)
{
	return lease_match(l, site, duid, duid_len, iaid, false);
}

struct lease *
lease_by_addr(const struct leases *l, const struct in6_addr *addr)
{
	/* an address binding is a "prefix" of length 0 in the table */
	const struct prefix p = { .addr = *addr, .len = 0 };

	return lease_by_prefix(l, &p);
}

struct lease *
lease_find_pd(const struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid)
{
	return lease_match(l, site, duid, duid_len, iaid, true);
}

struct lease *
lease_by_prefix(const struct leases *l, const struct prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].plen == p->len && memcmp(&l->v[i].addr, &p->addr, 16) == 0)
			return &l->v[i];
	return NULL;
}

size_t
lease_count(const struct leases *l, const char *site)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].site, site) == 0)
			n++;
	return n;
}

/* The host part of addr below a prefix of plen (65..127), as a number. */
static uint64_t
lease_host(const struct in6_addr *addr, unsigned plen, uint64_t *mask)
{
	unsigned bits = 128 - plen;

	*mask = bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
	return util_get_be64(addr->s6_addr + 8) & *mask;
}

int
lease_pick(const struct leases *l, const uint8_t key[32], const char *site, const struct prefix *sub,
    const uint8_t *duid, size_t duid_len, uint32_t iaid, lease_in_use_fn in_use, void *ctx,
    struct in6_addr *out)
{
	const struct lease *e = lease_find(l, site, duid, duid_len, iaid);
	crypto_generichash_blake2b_state st;
	uint64_t mask, host, min;
	uint8_t h[8], v[4];

	if (e != NULL) {
		*out = e->addr;
		return 0;
	}
	if (sub->len < PREFIX_SUB_MIN || sub->len > PREFIX_SUB_MAX)
		return -1;
	(void)lease_host(&sub->addr, sub->len, &mask);
	/* small sub-prefixes keep only the lowest 16 host parts for statics */
	min = mask > (uint64_t)LEASE_HOST_MIN * 16 ? LEASE_HOST_MIN : 16;
	util_put_le32(v, iaid);
	for (uint8_t try = 0; try < LEASE_TRIES; try++) {
		struct in6_addr a = sub->addr;

		crypto_generichash_blake2b_init(&st, key, 32, sizeof(h));
		crypto_generichash_blake2b_update(&st, (const uint8_t *)site, strlen(site) + 1);
		crypto_generichash_blake2b_update(&st, duid, duid_len);
		crypto_generichash_blake2b_update(&st, v, sizeof(v));
		crypto_generichash_blake2b_update(&st, &try, 1);
		crypto_generichash_blake2b_final(&st, h, sizeof(h));
		host = util_get_be64(h) & mask;
		/* RFC 2526: the top 128 host parts are reserved anycast */
		if (host < min || host > mask - 128)
			continue;
		util_put_be64(a.s6_addr + 8, util_get_be64(a.s6_addr + 8) | host);
		if (lease_by_addr(l, &a) != NULL || (in_use != NULL && in_use(ctx, &a)))
			continue;
		*out = a;
		return 0;
	}
	return -1;
}

static struct lease *
lease_add(struct leases *l)
{
	if (l->n >= LEASE_TOTAL_MAX)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct lease *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* The binding of (site, duid, iaid) of its kind, made when there is none:
 * NULL when the DUID is no DUID, or the site or the table is full. */
static struct lease *
lease_bind(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid, bool pd)
{
	struct lease *e = lease_match(l, site, duid, duid_len, iaid, pd);

	if (duid_len == 0 || duid_len > DHCP6_DUID_MAX)
		return NULL;
	if (e == NULL) {
		if (lease_count(l, site) >= LEASE_SITE_MAX || (e = lease_add(l)) == NULL)
			return NULL;
		snprintf(e->site, sizeof(e->site), "%s", site);
		memcpy(e->duid, duid, duid_len);
		e->duid_len = duid_len;
		e->iaid = iaid;
	}
	return e;
}

int
lease_commit(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid,
    const struct in6_addr *addr, uint64_t expires)
{
	struct lease *e = lease_bind(l, site, duid, duid_len, iaid, false);

	if (e == NULL)
		return -1;
	e->addr = *addr;
	e->expires = expires;
	return 0;
}

int
lease_commit_pd(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid,
    const struct prefix *p, const struct in6_addr *via, uint64_t expires)
{
	const struct lease *held = lease_by_prefix(l, p);
	struct lease *e;

	/* one binding per prefix, as leases_parse insists: a file with two
	 * would not load */
	if (p->len == 0 || p->len > 64 ||
	    (held != NULL && held != lease_match(l, site, duid, duid_len, iaid, true)) ||
	    (e = lease_bind(l, site, duid, duid_len, iaid, true)) == NULL)
		return -1;
	e->addr = p->addr;
	e->plen = p->len;
	e->via = *via;
	e->expires = expires;
	return 0;
}

/* Names go with addresses: a delegated prefix is no host's. */
void
lease_name(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		struct lease *e = &l->v[i];

		if (e->plen == 0 && e->duid_len == duid_len && memcmp(e->duid, duid, duid_len) == 0 && strcmp(e->site, site) == 0)
			snprintf(e->name, sizeof(e->name), "%s", name);
	}
}

void
lease_remove(struct leases *l, struct lease *e)
{
	*e = l->v[--l->n];
}

int
lease_decline(struct leases *l, const char *site, const struct in6_addr *addr_in, uint64_t until)
{
	struct in6_addr addr = *addr_in;        /* addr_in may point into the entry cleared below */
	struct lease *e = lease_by_addr(l, &addr);

	if (e == NULL) {
		if (lease_count(l, site) >= LEASE_SITE_MAX || (e = lease_add(l)) == NULL)
			return -1;
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->site, sizeof(e->site), "%s", site);
	e->addr = addr;
	e->expires = until;
	return 0;
}

size_t
lease_expire(struct leases *l, uint64_t now)
{
	size_t removed = 0;

	for (size_t i = 0; i < l->n;) {
		if (l->v[i].expires <= now) {
			lease_remove(l, &l->v[i]);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}

static int
lease_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || strlen(s) > 20)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* One record line, split at spaces (at most 7 words). */
static int
lease_record(void *ctx, char *line, bool *end)
{
	struct leases *l = ctx;
	char *w[7], *save = NULL, *t;
	const char *name = "";
	uint8_t duid[DHCP6_DUID_MAX];
	size_t n = 0, dl = 0;
	uint64_t v, iaid = 0, expires;
	struct in6_addr addr;
	struct lease *e;
	const char *site;

	for (t = strtok_r(line, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
		if (n == 7)
			return -1;
		w[n++] = t;
	}
	if (n == 2 && strcmp(w[0], "end") == 0) {
		if (lease_number(w[1], SIZE_MAX, &v) != 0 || v != l->n)
			return -1;
		*end = true;
		return 0;
	}
	if ((n == 6 || n == 7) && strcmp(w[0], "lease") == 0) {
		site = w[1];
		/* a name, as names_label_ok checks it */
		if (n == 7 && (strlen(w[6]) >= sizeof(e->name) || !names_label_ok(w[6])))
			return -1;
		if (n == 7)
			name = w[6];
		if (util_hex_decode(duid, sizeof(duid), &dl, w[2]) != 0 || dl < 3 ||
		    lease_number(w[3], UINT32_MAX, &iaid) != 0 || inet_pton(AF_INET6, w[4], &addr) != 1 ||
		    lease_number(w[5], UINT64_MAX, &expires) != 0)
			return -1;
	} else if (n == 7 && strcmp(w[0], "prefix") == 0) {
		const char *why;
		struct prefix p;

		site = w[1];
		if (util_hex_decode(duid, sizeof(duid), &dl, w[2]) != 0 || dl < 3 ||
		    lease_number(w[3], UINT32_MAX, &iaid) != 0 || prefix_parse(w[4], &p, &why) != 0 ||
		    p.len == 0 || p.len > 64 || inet_pton(AF_INET6, w[5], &addr) != 1 ||
		    !IN6_IS_ADDR_LINKLOCAL(&addr) || lease_number(w[6], UINT64_MAX, &expires) != 0 ||
		    !conf_peer_name_valid(site) || lease_by_prefix(l, &p) != NULL ||
		    lease_find_pd(l, site, duid, dl, (uint32_t)iaid) != NULL || (e = lease_add(l)) == NULL)
			return -1;
		snprintf(e->site, sizeof(e->site), "%s", site);
		memcpy(e->duid, duid, dl);
		e->duid_len = dl;
		e->iaid = (uint32_t)iaid;
		e->addr = p.addr;
		e->plen = p.len;
		e->via = addr;
		e->expires = expires;
		return 0;
	} else if (n == 4 && strcmp(w[0], "declined") == 0) {
		site = w[1];
		if (inet_pton(AF_INET6, w[2], &addr) != 1 || lease_number(w[3], UINT64_MAX, &expires) != 0)
			return -1;
	} else {
		return -1;
	}
	if (!conf_peer_name_valid(site) || lease_by_addr(l, &addr) != NULL ||
	    (dl != 0 && lease_find(l, site, duid, dl, (uint32_t)iaid) != NULL) || (e = lease_add(l)) == NULL)
		return -1;
	snprintf(e->site, sizeof(e->site), "%s", site);
	e->addr = addr;
	e->expires = expires;
	memcpy(e->duid, duid, dl);
	e->duid_len = dl;
	e->iaid = (uint32_t)iaid;
	snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

int
leases_parse(const uint8_t *buf, size_t len, struct leases *l, char *err, size_t errlen)
{
	l->n = 0;
	return statefile_parse_lines(buf, len, LEASE_MAGIC " 1", "leases", lease_record, l, err, errlen);
}

int
leases_build(const struct leases *l, char **out, size_t *outlen)
{
	size_t cap = 256 + l->n * (CONF_NAME_MAX + 2 * DHCP6_DUID_MAX + 2 * INET6_ADDRSTRLEN + 64 + 64);
	char *buf = malloc(cap), *p = buf, a[INET6_ADDRSTRLEN], hex[2 * DHCP6_DUID_MAX + 1];

	if (buf == NULL)
		return -1;
	p += sprintf(p, "# DHCPv6 leases, kept by v6extd; do not edit while it runs\n%s 1\n", LEASE_MAGIC);
	for (size_t i = 0; i < l->n; i++) {
		const struct lease *e = &l->v[i];

		inet_ntop(AF_INET6, &e->addr, a, sizeof(a));
		if (e->plen != 0) {
			char via[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, &e->via, via, sizeof(via));
			util_hex_encode(hex, e->duid, e->duid_len);
			p += sprintf(p, "prefix %s %s %" PRIu32 " %s/%u %s %" PRIu64 "\n", e->site, hex, e->iaid,
			    a, e->plen, via, e->expires);
			continue;
		}
		if (e->duid_len == 0) {
			p += sprintf(p, "declined %s %s %" PRIu64 "\n", e->site, a, e->expires);
			continue;
		}
		util_hex_encode(hex, e->duid, e->duid_len);
		p += sprintf(p, "lease %s %s %" PRIu32 " %s %" PRIu64 "%s%s\n", e->site, hex, e->iaid, a, e->expires,
		    e->name[0] != '\0' ? " " : "", e->name);
	}
	p += sprintf(p, "end %zu\n", l->n);
	*out = buf;
	*outlen = (size_t)(p - buf);
	return 0;
}

static int
leases_parse_obj(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	return leases_parse(buf, len, obj, err, errlen);
}

static int
leases_build_obj(const void *obj, char **out, size_t *len)
{
	return leases_build(obj, out, len);
}

int
leases_load(const struct statefile_dir *d, struct leases *x, char *err, size_t errlen)
{
	x->n = 0;
	return statefile_load(d, LEASE_FILE, LEASE_FILE_MAX, leases_parse_obj, x, err, errlen);
}

int
leases_save(const struct statefile_dir *d, const struct leases *x, char *err, size_t errlen)
{
	return statefile_save(d, LEASE_FILE, leases_build_obj, x, err, errlen);
}
