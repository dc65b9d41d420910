/* SPDX-License-Identifier: ISC */
/* forwards: the translator's forwards and their state file; see forwards.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forwards.h"
#include "util.h"

#define FORWARDS_MAGIC "v6ext-forwards"

void
forwards_init(struct forwards *fw)
{
	memset(fw, 0, sizeof(*fw));
}

void
forwards_free(struct forwards *fw)
{
	free(fw->v);
	forwards_init(fw);
}

struct forward *
forwards_find(const struct forwards *fw, uint8_t proto, uint16_t port)
{
	/* a few thousand at most, looked up at a change, never per packet */
	for (size_t i = 0; i < fw->n; i++)
		if (fw->v[i].f.proto == proto && fw->v[i].f.port == port)
			return &fw->v[i];
	return NULL;
}

int
forwards_add(struct forwards *fw, const struct conf_forward *f, bool runtime)
{
	if (forwards_find(fw, f->proto, f->port) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if (fw->n >= CONF_FORWARDS_MAX) {
		errno = ENOSPC;
		return -1;
	}
	if (fw->n == fw->cap) {
		size_t cap = fw->cap ? fw->cap * 2 : 16;
		struct forward *v = realloc(fw->v, cap * sizeof(*v));

		if (v == NULL) {
			errno = ENOMEM;
			return -1;
		}
		fw->v = v;
		fw->cap = cap;
	}
	memset(&fw->v[fw->n], 0, sizeof(fw->v[0]));
	fw->v[fw->n].f = *f;
	fw->v[fw->n].runtime = runtime;
	fw->n++;
	return 0;
}

int
forwards_remove(struct forwards *fw, uint8_t proto, uint16_t port)
{
	struct forward *x = forwards_find(fw, proto, port);

	if (x == NULL) {
		errno = ENOENT;
		return -1;
	}
	/* keep the order: show lists forwards as they were added */
	memmove(x, x + 1, (size_t)(fw->v + fw->n - (x + 1)) * sizeof(*x));
	fw->n--;
	return 0;
}

int
forwards_build(const struct forwards *fw, char **out, size_t *len)
{
	size_t cap = 160 + fw->n * (CONF_NAME_MAX + CONF_FORWARD_TEXT + 16), n = 0;
	char *buf, *p;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	p = buf;
	p += sprintf(p, "# forwards added with v6ext forward add, kept by v6extd; do not edit while it runs\n"
	    "%s %d\n", FORWARDS_MAGIC, FORWARDS_VERSION);
	for (size_t i = 0; i < fw->n; i++) {
		char text[CONF_FORWARD_TEXT];

		if (!fw->v[i].runtime)
			continue;
		conf_forward_format(&fw->v[i].f, text, sizeof(text));
		p += sprintf(p, "forward %s %s\n", fw->v[i].f.peer, text);
		n++;
	}
	p += sprintf(p, "end %zu\n", n);
	*out = buf;
	*len = (size_t)(p - buf);
	return 0;
}

int
forwards_parse(const uint8_t *buf, size_t len, struct forwards *fw, char *err, size_t errlen)
{
	const char *text = (const char *)buf;
	bool header = false, end = false;
	size_t off = 0, count;
	int line = 0;

	fw->n = 0;
	if (len > 0 && buf[len - 1] != '\n')
		return util_errorf(err, errlen, "truncated (the last line has no newline)");
	while (off < len) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = (size_t)(nl - l);
		char s[CONF_NAME_MAX + CONF_FORWARD_TEXT + 16], *rest, why[CONF_ERR_LEN];
		struct conf_forward f;

		off += n + 1;
		line++;
		if (memchr(l, '\0', n) != NULL)
			return util_errorf(err, errlen, "line %d: a NUL byte", line);
		if (n == 0 || l[0] == '#')
			continue;
		if (end)
			return util_errorf(err, errlen, "line %d: text after the end line", line);
		if (n >= sizeof(s))
			return util_errorf(err, errlen, "line %d: too long", line);
		memcpy(s, l, n);
		s[n] = '\0';
		if (!header) {
			if (strcmp(s, FORWARDS_MAGIC " 1") != 0)
				return util_errorf(err, errlen, "line %d: not a v6ext forwards file of version %d",
				    line, FORWARDS_VERSION);
			header = true;
			continue;
		}
		if (strncmp(s, "end ", 4) == 0) {
			if (util_count(s + 4, strlen(s + 4), &count) != 0 || count != fw->n)
				return util_errorf(err, errlen, "line %d: the end line does not count %zu forwards",
				    line, fw->n);
			end = true;
			continue;
		}
		/* forward PEER REST: the peer a name, the rest the config key's value */
		if (strncmp(s, "forward ", 8) != 0 || (rest = strchr(s + 8, ' ')) == NULL)
			return util_errorf(err, errlen, "line %d: expected 'forward PEER PROTO PORT [IPV6]:PORT' or 'end N'",
			    line);
		*rest++ = '\0';
		memset(&f, 0, sizeof(f));
		if (!conf_peer_name_valid(s + 8))
			return util_errorf(err, errlen, "line %d: not a peer name", line);
		if (conf_forward_parse(rest, &f, why, sizeof(why)) != 0)
			return util_errorf(err, errlen, "line %d: %s", line, why);
		memcpy(f.peer, s + 8, strlen(s + 8) + 1);       /* checked: fits */
		if (forwards_add(fw, &f, true) != 0)
			return util_errorf(err, errlen, "line %d: %s", line,
			    errno == EEXIST ? "a public port forwarded twice" :
			    errno == ENOSPC ? "too many forwards" : "out of memory");
	}
	if (!header || !end)
		return util_errorf(err, errlen, "%s", header ? "no end line" : "empty");
	return 0;
}
