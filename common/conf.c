/* SPDX-License-Identifier: ISC */
/* conf: the server and client configuration files.
 *
 * inih (ini_parse_stream) splits a file into sections and "key = value"
 * pairs. Every value then goes through one typed helper (conf_parse_uint,
 * conf_parse_path, conf_parse_ifname, ...) that checks its syntax and its
 * range where it is parsed. One error is reported, "FILE:LINE: message",
 * the one on the earliest line.
 *
 * inih tells its handler neither the line number nor where a section
 * starts: built without INI_CALL_HANDLER_ON_NEW_SECTION (as Debian builds
 * it) an empty "[peer x]" would pass unseen. So the file reaches inih
 * through conf_read_line(), which hands out one line at a time and, before
 * inih sees the line, classifies it by inih's own rules
 * (conf_line_classify): it counts lines, refuses NUL bytes (inih would end
 * the line there) and lines longer than inih's buffer (inih would split
 * them), and opens each section itself, so a section is known from its
 * header line on and is checked when it closes. The handler cross-checks
 * the section inih reports against ours.
 *
 * Checks across peers (names, public keys, taps, sub-prefixes) run once the
 * whole file is read, by sorting, so that 16384 peers cost n log n and the
 * [server] section may come before or after the peers. */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "conf.h"
#include "conf_internal.h"

/* ------------------------------------------------------------------ errors */

static void conf_verror(struct conf_ctx *, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
conf_verror(struct conf_ctx *ctx, int line, const char *fmt, va_list ap)
{
	char msg[CONF_ERR_LEN];
	int rank = line > 0 ? line : INT_MAX;

	/* Keep the error on the earliest line (the first one on a tie): the
	 * checks across peers run after later lines have been read. */
	if (ctx->failed && rank >= ctx->err_rank)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0) {
		if (snprintf(ctx->err, sizeof(ctx->err), "%s:%d: %s", ctx->name, line, msg) < 0)
			ctx->err[0] = '\0';
	} else {
		if (snprintf(ctx->err, sizeof(ctx->err), "%s: %s", ctx->name, msg) < 0)
			ctx->err[0] = '\0';
	}
	ctx->failed = true;
	ctx->err_rank = rank;
}

/* An error on the line being parsed. */
void
conf_error(struct conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(ctx, ctx->line, fmt, ap);
	va_end(ap);
}

/* An error on another line; 0: the file as a whole. */
void
conf_error_at(struct conf_ctx *ctx, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(ctx, line, fmt, ap);
	va_end(ap);
}

/* s as it may appear in a message: printable ASCII as is, any other byte
 * as \xHH, at most CONF_VIS_BYTES of it, so that a hostile value reaches
 * neither a terminal nor a log raw. */
const char *
conf_vis(char out[CONF_VIS_LEN], const char *s)
{
	size_t o = 0;

	for (; *s != '\0' && o < CONF_VIS_BYTES; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	if (*s != '\0') {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

const char *
conf_section_label(struct conf_ctx *ctx, char *buf, size_t buflen)
{
	switch (ctx->section) {
	case CONF_SECTION_SERVER:
		return "[server]";
	case CONF_SECTION_CLIENT:
		return "[client]";
	case CONF_SECTION_PEER:
		snprintf(buf, buflen, "[peer %s]", ctx->srv->peers[ctx->srv->n_peers - 1].name);
		return buf;
	case CONF_SECTION_NONE:
		break;
	}
	return "no section";
}

/* Checks that need the whole section: required keys, defaults. */
static void
conf_section_close(struct conf_ctx *ctx)
{
	char label[CONF_NAME_MAX + 8];
	struct conf_peer *peer;
	size_t i;

	if (ctx->failed || ctx->section == CONF_SECTION_NONE)
		return;
	for (i = 0; i < ctx->n_keys; i++) {
		if (ctx->keys[i].required && ctx->seen[i] == 0) {
			conf_error_at(ctx, ctx->section_line, "%s needs %s",
			    conf_section_label(ctx, label, sizeof(label)), ctx->keys[i].name);
			return;
		}
	}
	switch (ctx->section) {
	case CONF_SECTION_PEER:
		i = ctx->srv->n_peers - 1;
		peer = &ctx->srv->peers[i];
		peer->has_psk = ctx->seen[CONF_PEER_PSK] != 0;
		ctx->plines[i].sub_prefix = ctx->seen[CONF_PEER_SUB_PREFIX];
		ctx->plines[i].tap = ctx->seen[CONF_PEER_TAP];
		ctx->plines[i].pd = ctx->seen[CONF_PEER_PD];
		if (ctx->seen[CONF_PEER_TAP] == 0) {
			char tap[sizeof(CONF_TAP_PREFIX) + CONF_NAME_MAX];

			snprintf(tap, sizeof(tap), CONF_TAP_PREFIX "%s", peer->name);
			if (strlen(tap) > IFNAMSIZ - 1) {
				conf_error_at(ctx, ctx->section_line, "[peer %s]: default tap name"
				    " '%s' is longer than %d bytes; set tap = explicitly",
				    peer->name, tap, IFNAMSIZ - 1);
				return;
			}
			memcpy(peer->tap, tap, strlen(tap) + 1);
		}
		break;
	case CONF_SECTION_CLIENT:
		ctx->cli->has_psk = ctx->seen[CONF_CLIENT_PSK] != 0;
		break;
	case CONF_SECTION_SERVER:
	case CONF_SECTION_NONE:
		break;
	}
}

bool
conf_peer_name_valid(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CONF_NAME_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static void
conf_peer_open(struct conf_ctx *ctx, const char *name)
{
	struct conf_server *srv = ctx->srv;
	struct conf_peer *peer;
	char vb[CONF_VIS_LEN];

	if (name[0] == '\0') {
		conf_error(ctx, "[peer] needs a name, as in [peer home1]");
		return;
	}
	if (!conf_peer_name_valid(name)) {
		conf_error(ctx, "peer name '%s' is not 1..%d characters of A-Z a-z 0-9 _ . -",
		    conf_vis(vb, name), CONF_NAME_MAX);
		return;
	}
	if (srv->n_peers == CONF_PEERS_MAX) {
		conf_error(ctx, "too many peers (at most %d)", CONF_PEERS_MAX);
		return;
	}
	if (srv->n_peers == ctx->peer_cap) {
		size_t cap = ctx->peer_cap == 0 ? 16 : ctx->peer_cap * 2;
		struct conf_peer *np;
		struct conf_peer_lines *nl;

		if (cap > CONF_PEERS_MAX)
			cap = CONF_PEERS_MAX;
		if ((np = realloc(srv->peers, cap * sizeof(*np))) == NULL) {
			conf_error(ctx, "out of memory");
			return;
		}
		srv->peers = np;
		if ((nl = realloc(ctx->plines, cap * sizeof(*nl))) == NULL) {
			conf_error(ctx, "out of memory");
			return;
		}
		ctx->plines = nl;
		ctx->peer_cap = cap;
	}
	peer = &srv->peers[srv->n_peers];
	memset(peer, 0, sizeof(*peer));
	memcpy(peer->name, name, strlen(name) + 1);
	peer->sub_kind = CONF_SUB_AUTO;
	peer->line = ctx->line;
	memset(&ctx->plines[srv->n_peers], 0, sizeof(ctx->plines[0]));
	srv->n_peers++;
	ctx->section = CONF_SECTION_PEER;
	ctx->keys = conf_peer_keys;
	ctx->n_keys = conf_peer_n_keys;
}

/* A section header: text is what stands between '[' and ']'. */
static void
conf_section_open(struct conf_ctx *ctx, const char *text, size_t len)
{
	char buf[CONF_SECTION_TEXT], vb[CONF_VIS_LEN];
	char *s, *e;

	conf_section_close(ctx);
	if (ctx->failed)
		return;
	/* what inih's handler will be given from now on: strncpy0() */
	memcpy(ctx->section_ini, text, len < CONF_INI_SECTION - 1 ? len : CONF_INI_SECTION - 1);
	ctx->section_ini[len < CONF_INI_SECTION - 1 ? len : CONF_INI_SECTION - 1] = '\0';
	ctx->section = CONF_SECTION_NONE;
	ctx->have_key = false;
	ctx->section_line = ctx->line;
	memset(ctx->seen, 0, sizeof(ctx->seen));

	if (len >= sizeof(buf)) {
		conf_error(ctx, "section header is longer than %zu bytes", sizeof(buf) - 1);
		return;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (s = buf; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';

	if (ctx->file == CONF_FILE_SERVER && strcmp(s, "server") == 0) {
		if (ctx->server_line != 0) {
			conf_error(ctx, "duplicate section [server] (first at line %d)", ctx->server_line);
			return;
		}
		ctx->server_line = ctx->line;
		ctx->section = CONF_SECTION_SERVER;
		ctx->keys = conf_server_keys;
		ctx->n_keys = conf_server_n_keys;
	} else if (ctx->file == CONF_FILE_SERVER && strncmp(s, "peer", 4) == 0 &&
	    (s[4] == '\0' || isspace((unsigned char)s[4]))) {
		for (s += 4; isspace((unsigned char)*s); s++)
			;
		conf_peer_open(ctx, s);
	} else if (ctx->file == CONF_FILE_CLIENT && strcmp(s, "client") == 0) {
		if (ctx->client_line != 0) {
			conf_error(ctx, "duplicate section [client] (first at line %d)", ctx->client_line);
			return;
		}
		ctx->client_line = ctx->line;
		ctx->section = CONF_SECTION_CLIENT;
		ctx->keys = conf_client_keys;
		ctx->n_keys = conf_client_n_keys;
	} else {
		conf_error(ctx, "unknown section [%s]", conf_vis(vb, s));
	}
}

/* ------------------------------------------------------ lines, inih's side */

/* inih's find_chars_or_comment(): the first of chars, or an inline comment
 * (a prefix character after white space), or end. */
static const char *
conf_find(const char *s, const char *end, const char *chars)
{
	bool was_space = false;

	for (; s < end; s++) {
		if (chars != NULL && strchr(chars, *s) != NULL)
			break;
		if (INI_ALLOW_INLINE_COMMENTS && was_space &&
		    strchr(INI_INLINE_COMMENT_PREFIXES, *s) != NULL)
			break;
		was_space = isspace((unsigned char)*s) != 0;
	}
	return s;
}

/* Classify line (n bytes, no NUL inside) exactly as ini_parse_stream()
 * will, and open sections here, where the header's line is known. */
static void
conf_line_classify(struct conf_ctx *ctx, const char *line, size_t n)
{
	const char *start = line, *end = line + n, *close, *rest;

	ctx->kind = CONF_LINE_BLANK;
	if (INI_ALLOW_BOM && ctx->line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		start += 3;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	while (start < end && isspace((unsigned char)*start))
		start++;
	if (start == end || strchr(INI_START_COMMENT_PREFIXES, *start) != NULL)
		return;
	if (INI_ALLOW_MULTILINE && ctx->have_key && start > line) {
		ctx->kind = CONF_LINE_CONT;
		return;
	}
	if (*start == '[') {
		close = conf_find(start + 1, end, "]");
		if (close == end || *close != ']') {
			conf_error(ctx, "section header without ']'");
			return;
		}
		/* inih ignores what follows ']'; a typo there should not pass */
		for (rest = close + 1; rest < end && isspace((unsigned char)*rest); rest++)
			;
		if (rest < end && (rest == close + 1 ||
		    strchr(INI_INLINE_COMMENT_PREFIXES, *rest) == NULL)) {
			conf_error(ctx, "unexpected text after ']'");
			return;
		}
		ctx->kind = CONF_LINE_HEADER;
		conf_section_open(ctx, start + 1, (size_t)(close - start - 1));
		return;
	}
	close = conf_find(start, end, "=:");
	if (close == end || (*close != '=' && *close != ':')) {
		conf_error(ctx, "expected 'key = value', '[section]' or a comment");
		return;
	}
	ctx->kind = CONF_LINE_KEY;
}

/* ini_reader: one line of the buffer per call, as fgets() would give it,
 * with "\r\n" ended like "\n". Returning NULL ends the parse: at the end of
 * the buffer, and at the first error (the one that is reported). */
static char *
conf_read_line(char *str, int num, void *stream)
{
	struct conf_ctx *ctx = stream;
	const uint8_t *p, *nl;
	size_t rem, n;

	if (ctx->failed)
		return NULL;
	if (ctx->pos >= ctx->len) {
		ctx->eof = true;
		return NULL;
	}
	p = ctx->buf + ctx->pos;
	rem = ctx->len - ctx->pos;
	nl = memchr(p, '\n', rem);
	n = nl != NULL ? (size_t)(nl - p) : rem;
	ctx->pos += nl != NULL ? n + 1 : n;
	if (ctx->line == INT_MAX) {
		conf_error_at(ctx, 0, "too many lines");
		return NULL;
	}
	ctx->line++;
	if (memchr(p, '\0', n) != NULL) {
		conf_error(ctx, "NUL byte");
		return NULL;
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	/* inih reads a longer line in pieces, as several lines */
	if (num < 1 || n > (size_t)num - 1) {
		conf_error(ctx, "line too long (the limit is %d bytes)", num - 1);
		return NULL;
	}
	memcpy(str, p, n);
	str[n] = '\0';
	conf_line_classify(ctx, str, n);
	return ctx->failed ? NULL : str;
}

static int
conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_ctx *ctx = user;
	const struct conf_key *k;
	char vb[CONF_VIS_LEN], label[CONF_NAME_MAX + 8];
	void *base;
	size_t i;

	if (ctx->failed)
		return 0;
	if (ctx->kind == CONF_LINE_CONT) {
		conf_error(ctx, "duplicate key '%s' (indented lines continue the previous key)",
		    conf_vis(vb, name));
		return 0;
	}
	ctx->have_key = name[0] != '\0';
	if (ctx->kind != CONF_LINE_KEY || strcmp(section, ctx->section_ini) != 0) {
		/* conf_line_classify() and inih disagree about this line */
		conf_error(ctx, "internal error: line not in the expected section");
		return 0;
	}
	if (ctx->section == CONF_SECTION_NONE) {
		conf_error(ctx, "'%s' is not inside a section (the file starts with [%s])",
		    conf_vis(vb, name), ctx->file == CONF_FILE_SERVER ? "server" : "client");
		return 0;
	}
	for (i = 0; i < ctx->n_keys; i++)
		if (strcmp(ctx->keys[i].name, name) == 0)
			break;
	if (i == ctx->n_keys) {
		conf_error(ctx, "unknown key '%s' in %s", conf_vis(vb, name),
		    conf_section_label(ctx, label, sizeof(label)));
		return 0;
	}
	k = &ctx->keys[i];
	if (ctx->seen[i] != 0 && !k->repeatable) {
		conf_error(ctx, "duplicate key '%s' (first at line %d)", k->name, ctx->seen[i]);
		return 0;
	}
	ctx->seen[i] = ctx->line;
	if (value[0] == '\0') {
		conf_error(ctx, "empty value for '%s'", k->name);
		return 0;
	}
	if (ctx->section == CONF_SECTION_SERVER)
		base = ctx->srv;
	else if (ctx->section == CONF_SECTION_PEER)
		base = &ctx->srv->peers[ctx->srv->n_peers - 1];
	else
		base = ctx->cli;
	return k->set(ctx, k, base, value) == 0;
}

/* Parse the whole buffer; close the last section when it was all read. */
void
conf_run(struct conf_ctx *ctx)
{
	int ret;

	ret = ini_parse_stream(conf_read_line, ctx, conf_handler, ctx);
	if (ret == -2)
		conf_error_at(ctx, 0, "out of memory");
	else if (ret > 0)
		/* ours on that line, unless inih saw what we did not */
		conf_error_at(ctx, ret, "syntax error");
	if (ctx->eof)
		conf_section_close(ctx);
}

void
conf_ctx_init(struct conf_ctx *ctx, const char *name, const uint8_t *buf, size_t len,
    enum conf_file file)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->name = name != NULL ? name : "(config)";
	ctx->buf = buf;
	ctx->len = buf != NULL ? len : 0;
	ctx->file = file;
}

void
conf_ctx_done(struct conf_ctx *ctx, char *err, size_t errlen)
{
	free(ctx->plines);
	ctx->plines = NULL;
	if (err != NULL && errlen > 0) {
		if (ctx->failed)
			snprintf(err, errlen, "%s", ctx->err);
		else
			err[0] = '\0';
	}
}

/* ------------------------------------------------------------------- files */

int
conf_read_file(const char *path, uint8_t **bufp, size_t *lenp, char *err, size_t errlen)
{
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	*bufp = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			/* one byte over the limit tells a too large file */
			if (cap > CONF_FILE_MAX) {
				snprintf(err, errlen, "%s: file too large", path);
				goto fail;
			}
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > CONF_FILE_MAX + 1)
				cap = CONF_FILE_MAX + 1;
			if ((nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return -1;
}
