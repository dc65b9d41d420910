/* SPDX-License-Identifier: ISC */
/* stamps: the handshake timestamps file; see stamps.h. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stamps.h"
#include "util.h"

#define STAMPS_MAGIC "v6ext-timestamps"

void
stamps_init(struct stamps *s)
{
	memset(s, 0, sizeof(*s));
}

void
stamps_free(struct stamps *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Where name is in s (sorted by name), or where it would go: a binary
 * search, so 16 384 peers cost 14 comparisons a lookup. */
static size_t
stamps_index(const struct stamps *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, s->v[mid].name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

const struct stamp *
stamps_find(const struct stamps *s, const char *name)
{
	bool found;
	size_t i = stamps_index(s, name, &found);

	return found ? &s->v[i] : NULL;
}

static int
stamps_grow(struct stamps *s)
{
	size_t cap = s->cap ? s->cap * 2 : 16;
	struct stamp *v;

	if (s->n < s->cap)
		return 0;
	if ((v = realloc(s->v, cap * sizeof(*v))) == NULL)
		return -1;
	s->v = v;
	s->cap = cap;
	return 0;
}

int
stamps_put(struct stamps *s, const char *name, const uint8_t ts[WIRE_TIMESTAMP_LEN])
{
	bool found;
	size_t i = stamps_index(s, name, &found);
	struct stamp *e;

	if (found) {
		if (memcmp(ts, s->v[i].ts, WIRE_TIMESTAMP_LEN) > 0)
			memcpy(s->v[i].ts, ts, WIRE_TIMESTAMP_LEN);
		return 0;
	}
	if (stamps_grow(s) != 0)
		return -1;
	/* a peer's first handshake: the only insert that moves others */
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(s->v[0]));
	s->n++;
	e = &s->v[i];
	snprintf(e->name, sizeof(e->name), "%s", name);
	memcpy(e->ts, ts, WIRE_TIMESTAMP_LEN);
	return 0;
}

static int
stamps_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stamp *)a)->name, ((const struct stamp *)b)->name);
}

/* The line's words: at most 3, separated by single spaces. */
static size_t
stamps_words(const char *line, size_t len, const char *w[3], size_t wl[3])
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start = i;

		if (n == 3)
			return 4;
		while (i < len && line[i] != ' ')
			i++;
		w[n] = line + start;
		wl[n++] = i - start;
		if (i < len)
			i++;    /* the space */
	}
	return n;
}

static bool
stamps_word_is(const char *w, size_t wl, const char *s)
{
	return wl == strlen(s) && memcmp(w, s, wl) == 0;
}

int
stamps_parse(const uint8_t *buf, size_t len, struct stamps *s, char *err, size_t errlen)
{
	const char *text = (const char *)buf;
	bool header = false, end = false;
	size_t off = 0, count;
	int line = 0;

	s->n = 0;
	if (len > 0 && buf[len - 1] != '\n')
		return util_errorf(err, errlen, "truncated (the last line has no newline)");
	while (off < len) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off), *w[3];
		size_t n = (size_t)(nl - l), wl[3], nw;
		char name[CONF_NAME_MAX + 1], hex[2 * WIRE_TIMESTAMP_LEN + 1];
		uint8_t ts[WIRE_TIMESTAMP_LEN];
		size_t tl;

		off += n + 1;
		line++;
		if (memchr(l, '\0', n) != NULL)
			return util_errorf(err, errlen, "line %d: a NUL byte", line);
		if (n == 0 || l[0] == '#')
			continue;
		if (end)
			return util_errorf(err, errlen, "line %d: text after the end line", line);
		nw = stamps_words(l, n, w, wl);
		if (!header) {
			if (nw != 2 || !stamps_word_is(w[0], wl[0], STAMPS_MAGIC) || !stamps_word_is(w[1], wl[1], "1"))
				return util_errorf(err, errlen, "line %d: not a v6ext timestamps file of version %d",
				    line, STAMPS_VERSION);
			header = true;
			continue;
		}
		if (nw == 2 && stamps_word_is(w[0], wl[0], "end")) {
			if (util_count(w[1], wl[1], &count) != 0 || count != s->n)
				return util_errorf(err, errlen, "line %d: the end line does not count %zu peers", line, s->n);
			end = true;
			continue;
		}
		if (nw != 3 || !stamps_word_is(w[0], wl[0], "peer"))
			return util_errorf(err, errlen, "line %d: expected 'peer NAME TIMESTAMP' or 'end N'", line);
		if (wl[1] > CONF_NAME_MAX)
			return util_errorf(err, errlen, "line %d: bad peer name", line);
		memcpy(name, w[1], wl[1]);
		name[wl[1]] = '\0';
		if (!conf_peer_name_valid(name))
			return util_errorf(err, errlen, "line %d: bad peer name", line);
		if (wl[2] != 2 * WIRE_TIMESTAMP_LEN)
			return util_errorf(err, errlen, "line %d: a timestamp is %d hex digits", line,
			    2 * WIRE_TIMESTAMP_LEN);
		memcpy(hex, w[2], wl[2]);
		hex[wl[2]] = '\0';
		if (util_hex_decode(ts, sizeof(ts), &tl, hex) != 0 || tl != WIRE_TIMESTAMP_LEN)
			return util_errorf(err, errlen, "line %d: bad timestamp", line);
		/* appended here, sorted once at the end: a file in any order
		 * loads in n log n */
		if (stamps_grow(s) != 0)
			return util_errorf(err, errlen, "out of memory");
		snprintf(s->v[s->n].name, sizeof(s->v[s->n].name), "%s", name);
		memcpy(s->v[s->n++].ts, ts, WIRE_TIMESTAMP_LEN);
	}
	if (!header)
		return util_errorf(err, errlen, "empty or truncated (no header line)");
	if (!end)
		return util_errorf(err, errlen, "truncated (no end line)");
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(s->v[0]), stamps_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->v[i - 1].name, s->v[i].name) == 0)
			return util_errorf(err, errlen, "peer %s appears twice", s->v[i].name);
	return 0;
}

int
stamps_build(const struct stamps *s, char **out, size_t *outlen)
{
	size_t cap = 160 + s->n * (CONF_NAME_MAX + 2 * WIRE_TIMESTAMP_LEN + 8);
	char *buf, *p;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	p = buf;
	p += sprintf(p, "# the greatest handshake timestamp of every peer, kept by v6extd; do not edit while it runs\n"
	    "%s %d\n", STAMPS_MAGIC, STAMPS_VERSION);
	for (size_t i = 0; i < s->n; i++) {
		char hex[2 * WIRE_TIMESTAMP_LEN + 1];

		util_hex_encode(hex, s->v[i].ts, WIRE_TIMESTAMP_LEN);
		p += sprintf(p, "peer %s %s\n", s->v[i].name, hex);
	}
	p += sprintf(p, "end %zu\n", s->n);
	*out = buf;
	*outlen = (size_t)(p - buf);
	return 0;
}
