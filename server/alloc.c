/* SPDX-License-Identifier: ISC */
/* alloc: sub-prefix indices per site and their state file. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "keys.h"
#include "log.h"
#include "statefile.h"
#include "util.h"

#define ALLOC_MAGIC "v6ext-sub-prefixes"

void
alloc_init(struct alloc *a, uint8_t base_len, uint8_t sub_len)
{
	memset(a, 0, sizeof(*a));
	a->base_len = base_len;
	a->sub_len = sub_len;
}

void
alloc_free(struct alloc *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

static struct alloc_entry *
alloc_lookup(const struct alloc *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return &a->v[i];
	return NULL;
}

int
alloc_copy(struct alloc *dst, const struct alloc *src)
{
	alloc_init(dst, src->base_len, src->sub_len);
	if (src->n == 0)
		return 0;
	if ((dst->v = malloc(src->n * sizeof(*dst->v))) == NULL)
		return -1;
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = dst->cap = src->n;
	return 0;
}

const struct alloc_entry *
alloc_find(const struct alloc *a, const char *name)
{
	return alloc_lookup(a, name);
}

static int
alloc_put(struct alloc *a, const char *name, uint64_t index)
{
	struct alloc_entry *e = alloc_lookup(a, name);

	if (e == NULL) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 16;
			struct alloc_entry *v = realloc(a->v, cap * sizeof(*v));

			if (v == NULL)
				return -1;
			a->v = v;
			a->cap = cap;
		}
		e = &a->v[a->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	e->index = index;
	return 0;
}

int
alloc_set_runtime(struct alloc *a, const char *name, const uint8_t *pub)
{
	struct alloc_entry *e = alloc_lookup(a, name);

	if (e == NULL)
		return -1;
	e->runtime = pub != NULL;
	if (pub != NULL)
		memcpy(e->pub, pub, KEY_LEN);
	else
		memset(e->pub, 0, KEY_LEN);
	return 0;
}

static void
alloc_remove_at(struct alloc *a, size_t i)
{
	a->v[i] = a->v[--a->n];
}

/* A decimal number of at most 20 digits, nothing else. */
static int
alloc_number(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Split line into at most 4 space-separated words. */
static size_t
alloc_words(const char *line, size_t len, const char *w[4], size_t wl[4])
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start;

		while (i < len && line[i] == ' ')
			i++;
		if (i == len)
			break;
		if (n == 4)
			return 5;
		start = i;
		while (i < len && line[i] != ' ')
			i++;
		w[n] = line + start;
		wl[n++] = i - start;
	}
	return n;
}

int
alloc_parse(const uint8_t *buf, size_t len, struct alloc *a, char *err, size_t errlen)
{
	const char *text = (const char *)buf;
	uint64_t count = prefix_sub_count(a->base_len, a->sub_len), v, sites = 0;
	bool header = false, end = false;
	size_t off = 0;
	int line = 0;

	a->n = 0;
	if (len > 0 && buf[len - 1] != '\n')
		return util_errorf(err, errlen, "truncated (the last line has no newline)");
	while (off < len) {
		const char *s = text + off, *nl = memchr(s, '\n', len - off), *w[4];
		size_t n = (size_t)(nl - s), wl[4], nw;
		char name[CONF_NAME_MAX + 1];

		off += n + 1;
		line++;
		if (memchr(s, '\0', n) != NULL)
			return util_errorf(err, errlen, "line %d: a NUL byte", line);
		if (n == 0 || s[0] == '#')
			continue;
		if (end)
			return util_errorf(err, errlen, "line %d: text after the end line", line);
		nw = alloc_words(s, n, w, wl);
		if (!header) {
			if ((nw != 3 && nw != 4) || wl[0] != strlen(ALLOC_MAGIC) ||
			    memcmp(w[0], ALLOC_MAGIC, wl[0]) != 0)
				return util_errorf(err, errlen, "line %d: not a v6ext sub-prefix state file", line);
			if (alloc_number(w[1], wl[1], &v) != 0 || v != ALLOC_VERSION)
				return util_errorf(err, errlen, "line %d: unknown version", line);
			if (alloc_number(w[2], wl[2], &v) != 0 || v != a->sub_len)
				return util_errorf(err, errlen, "line %d: written for another sub-prefix-length than"
				    " /%u; renumbering every site is never done silently", line, a->sub_len);
			/* no fourth word: an on-link /64, as every file before
			 * routed prefixes */
			if (nw == 4 ? alloc_number(w[3], wl[3], &v) != 0 : (v = PREFIX_BASE_LEN, false))
				return util_errorf(err, errlen, "line %d: bad prefix length", line);
			if (v != a->base_len)
				return util_errorf(err, errlen, "line %d: written for a /%" PRIu64 " prefix, not"
				    " the /%u configured; renumbering every site is never done silently",
				    line, v, a->base_len);
			header = true;
			continue;
		}
		if (nw == 2 && wl[0] == 3 && memcmp(w[0], "end", 3) == 0) {
			if (alloc_number(w[1], wl[1], &v) != 0 || v != sites)
				return util_errorf(err, errlen, "line %d: the end line counts %.*s sites,"
				    " the file has %" PRIu64, line, (int)wl[1], w[1], sites);
			end = true;
			continue;
		}
		if (nw < 3 || wl[0] != 4 || memcmp(w[0], "site", 4) != 0)
			return util_errorf(err, errlen, "line %d: expected 'site NAME INDEX [PUBLIC-KEY]'"
			    " or 'end N'", line);
		if (wl[1] > CONF_NAME_MAX)
			return util_errorf(err, errlen, "line %d: bad site name", line);
		memcpy(name, w[1], wl[1]);
		name[wl[1]] = '\0';
		if (!conf_peer_name_valid(name))
			return util_errorf(err, errlen, "line %d: bad site name", line);
		if (alloc_number(w[2], wl[2], &v) != 0 || v == 0 || v >= count)
			return util_errorf(err, errlen, "line %d: bad index for /%u", line, a->sub_len);
		if (alloc_lookup(a, name) != NULL)
			return util_errorf(err, errlen, "line %d: site %s appears twice", line, name);
		for (size_t i = 0; i < a->n; i++)
			if (a->v[i].index == v)
				return util_errorf(err, errlen, "line %d: index %" PRIu64 " is given twice", line, v);
		if (alloc_put(a, name, v) != 0)
			return util_errorf(err, errlen, "out of memory");
		if (nw == 4) {
			/* a peer added at run time: the file is its only record */
			struct alloc_entry *e = &a->v[a->n - 1];
			const char *why;

			if (key_from_base64_buf(e->pub, (const uint8_t *)w[3], wl[3], &why) != 0)
				return util_errorf(err, errlen, "line %d: public key: %s", line, why);
			e->runtime = true;
		}
		sites++;
	}
	if (!header)
		return util_errorf(err, errlen, "empty or truncated (no header line)");
	if (!end)
		return util_errorf(err, errlen, "truncated (no end line)");
	return 0;
}

int
alloc_build(const struct alloc *a, char **out, size_t *outlen)
{
	char *buf, *p;
	size_t cap = 128 + a->n * (CONF_NAME_MAX + KEY_B64_LEN + 32);

	if ((buf = malloc(cap)) == NULL)
		return -1;
	p = buf;
	p += sprintf(p, "# sub-prefix index of every site, kept by v6extd; do not edit while it runs\n"
	    "%s %d %u", ALLOC_MAGIC, ALLOC_VERSION, a->sub_len);
	p += a->base_len == PREFIX_BASE_LEN ? sprintf(p, "\n") : sprintf(p, " %u\n", a->base_len);
	for (size_t i = 0; i < a->n; i++) {
		char key[KEY_B64_LEN + 1];

		p += sprintf(p, "site %s %" PRIu64, a->v[i].name, a->v[i].index);
		if (a->v[i].runtime) {
			key_to_base64(key, a->v[i].pub);
			p += sprintf(p, " %s", key);
		}
		*p++ = '\n';
	}
	p += sprintf(p, "end %zu\n", a->n);
	*out = buf;
	*outlen = (size_t)(p - buf);
	return 0;
}

static int
alloc_parse_obj(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	return alloc_parse(buf, len, obj, err, errlen);
}

static int
alloc_build_obj(const void *obj, char **out, size_t *len)
{
	return alloc_build(obj, out, len);
}

int
alloc_load(const struct statefile_dir *d, struct alloc *x, char *err, size_t errlen)
{
	x->n = 0;
	return statefile_load(d, ALLOC_FILE, ALLOC_FILE_MAX, alloc_parse_obj, x, err, errlen);
}

int
alloc_save(const struct statefile_dir *d, const struct alloc *x, char *err, size_t errlen)
{
	return statefile_save(d, ALLOC_FILE, alloc_build_obj, x, err, errlen);
}

static int
alloc_cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

static bool
alloc_taken(const uint64_t *v, size_t n, uint64_t idx)
{
	return bsearch(&idx, v, n, sizeof(*v), alloc_cmp_u64) != NULL;
}

/* The index a configured sub-prefix (INDEX or PREFIX) names. */
static int
alloc_configured(const struct conf_peer *p, const struct prefix *base, uint8_t sub_len,
    uint64_t *idx, char *err, size_t errlen)
{
	char sb[PREFIX_STRLEN], bb[PREFIX_STRLEN];

	if (p->sub_kind == CONF_SUB_INDEX) {
		*idx = p->sub_index;
		return 0;
	}
	if (prefix_sub_index(base, sub_len, &p->sub_prefix.addr, idx) != 0) {
		prefix_format(&p->sub_prefix, sb, sizeof(sb));
		prefix_format(base, bb, sizeof(bb));
		return util_errorf(err, errlen, "peer %s: sub-prefix %s is not inside the prefix %s",
		    p->name, sb, bb);
	}
	return 0;
}

int
alloc_assign(struct alloc *a, const struct conf_peer *peers, size_t n_peers,
    const struct prefix *base, const struct in6_addr *used, size_t n_used,
    uint64_t *out, bool *changed, char *err, size_t errlen)
{
	uint64_t count = prefix_sub_count(a->base_len, a->sub_len), next = 1, *claimed, *taken;
	size_t n_claimed = 0, n_taken = 0;
	int rc = -1;

	*changed = false;
	claimed = calloc(n_peers + 1, sizeof(*claimed));
	taken = calloc(n_peers + a->n + 1, sizeof(*taken));
	if (claimed == NULL || taken == NULL) {
		util_errorf(err, errlen, "out of memory");
		goto out;
	}
	/* configured sub-prefixes win over the state file */
	for (size_t i = 0; i < n_peers; i++) {
		const struct conf_peer *p = &peers[i];
		const struct alloc_entry *e;
		uint64_t idx;

		if (p->sub_kind == CONF_SUB_AUTO)
			continue;
		if (alloc_configured(p, base, a->sub_len, &idx, err, errlen) != 0)
			goto out;
		if (idx >= count) {
			util_errorf(err, errlen, "peer %s: sub-prefix index %" PRIu64 " is not below %" PRIu64
			    " (/%u)", p->name, idx, count, a->sub_len);
			goto out;
		}
		if (prefix_sub_reserved(base, a->sub_len, idx, used, n_used)) {
			struct prefix sp;
			char sb[PREFIX_STRLEN];

			prefix_sub_get(base, a->sub_len, idx, &sp);
			prefix_format(&sp, sb, sizeof(sb));
			util_errorf(err, errlen, "peer %s: sub-prefix %s (index %" PRIu64 ") is reserved:"
			    " it is index 0 or holds an address or neighbour of the upstream interface",
			    p->name, sb, idx);
			goto out;
		}
		out[i] = idx;
		claimed[n_claimed++] = idx;
		e = alloc_find(a, p->name);
		if (e == NULL || e->index != idx) {
			if (alloc_put(a, p->name, idx) != 0) {
				util_errorf(err, errlen, "out of memory");
				goto out;
			}
			*changed = true;
		}
	}
	qsort(claimed, n_claimed, sizeof(*claimed), alloc_cmp_u64);
	for (size_t i = 1; i < n_claimed; i++) {
		if (claimed[i] == claimed[i - 1]) {
			util_errorf(err, errlen, "two peers are configured with sub-prefix index %" PRIu64,
			    claimed[i]);
			goto out;
		}
	}
	/* a name holding an index a configured peer now claims gives it up */
	for (size_t i = 0; i < a->n;) {
		const struct conf_peer *p = NULL;

		if (alloc_taken(claimed, n_claimed, a->v[i].index))
			for (size_t j = 0; j < n_peers && p == NULL; j++)
				if (strcmp(peers[j].name, a->v[i].name) == 0)
					p = &peers[j];
		if (alloc_taken(claimed, n_claimed, a->v[i].index) && (p == NULL || p->sub_kind == CONF_SUB_AUTO)) {
			if (p != NULL)
				log_warnx("peer %s: its sub-prefix index %" PRIu64 " is now configured for"
				    " another peer; it gets a new one", a->v[i].name, a->v[i].index);
			alloc_remove_at(a, i);
			*changed = true;
			continue;
		}
		taken[n_taken++] = a->v[i].index;
		i++;
	}
	qsort(taken, n_taken, sizeof(*taken), alloc_cmp_u64);
	for (size_t i = 0; i < n_peers; i++) {
		const struct conf_peer *p = &peers[i];
		const struct alloc_entry *e;

		if (p->sub_kind != CONF_SUB_AUTO)
			continue;
		if ((e = alloc_find(a, p->name)) != NULL) {
			out[i] = e->index;
			if (prefix_sub_reserved(base, a->sub_len, e->index, used, n_used))
				log_warnx("peer %s: sub-prefix index %" PRIu64 " now holds an address or"
				    " neighbour of the upstream interface; kept, as the state file says",
				    p->name, e->index);
			continue;
		}
		/* everything below next is taken or reserved */
		while (next < count && (alloc_taken(taken, n_taken, next) ||
		    prefix_sub_reserved(base, a->sub_len, next, used, n_used)))
			next++;
		if (next >= count) {
			util_errorf(err, errlen, "peer %s: no free sub-prefix left (%" PRIu64 " of /%u)",
			    p->name, count, a->sub_len);
			goto out;
		}
		if (alloc_put(a, p->name, next) != 0) {
			util_errorf(err, errlen, "out of memory");
			goto out;
		}
		out[i] = next++;
		*changed = true;
	}
	rc = 0;
out:
	free(claimed);
	free(taken);
	return rc;
}
