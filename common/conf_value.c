/* SPDX-License-Identifier: ISC */
/* conf_value: the typed values of the configuration files, each parsed and
 * checked by one helper where it is read (numbers and their ranges, paths,
 * interface names, keys, prefixes, host:port), and the setters the key
 * tables name for them. */
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

#include "conf.h"
#include "conf_internal.h"
#include "dname.h"
#include "privdrop.h"

/* ------------------------------------------------------ typed value helpers */

/* A decimal number: digits only, no sign, no white space, min..max. */
int
conf_parse_uint(struct conf_ctx *ctx, const char *what, const char *s,
    uint64_t min, uint64_t max, uint64_t *out)
{
	char vb[CONF_VIS_LEN];
	uint64_t n = 0;
	bool over = false;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (*p < '0' || *p > '9')
			break;
		if (n > (UINT64_MAX - d) / 10)
			over = true;
		else
			n = n * 10 + d;
	}
	if (p == s || *p != '\0') {
		conf_error(ctx, "%s '%s' is not a decimal number", what, conf_vis(vb, s));
		return -1;
	}
	if (over || n < min || n > max) {
		conf_error(ctx, "%s %s is not in %" PRIu64 "..%" PRIu64, what,
		    conf_vis(vb, s), min, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* on | off, nothing else, so that one spelling reads the same everywhere. */
int
conf_parse_bool(struct conf_ctx *ctx, const char *what, const char *s, bool *out)
{
	char vb[CONF_VIS_LEN];

	if (strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "off") == 0)
		*out = false;
	else {
		conf_error(ctx, "%s '%s' is not on or off", what, conf_vis(vb, s));
		return -1;
	}
	return 0;
}

static bool
conf_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* An absolute path that fits dst (size bytes with the NUL). Daemons chdir
 * to /, so a relative path would mean something else after start-up. */
int
conf_parse_path(struct conf_ctx *ctx, const char *what, const char *s, char *dst, size_t size)
{
	if (s[0] != '/') {
		conf_error(ctx, "%s must be an absolute path", what);
		return -1;
	}
	if (conf_has_control(s)) {
		conf_error(ctx, "%s contains a control character", what);
		return -1;
	}
	if (strlen(s) >= size) {
		conf_error(ctx, "%s is longer than %zu bytes", what, size - 1);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* An interface name as Linux's dev_valid_name() takes it: 1..IFNAMSIZ-1
 * bytes, no '/', ':' or white space, not "." or "..". Never cut to fit: a
 * cut name could be another device's. */
int
conf_parse_ifname(struct conf_ctx *ctx, const char *what, const char *s, char dst[IFNAMSIZ])
{
	char vb[CONF_VIS_LEN];
	size_t n = strlen(s);

	if (n > IFNAMSIZ - 1) {
		conf_error(ctx, "%s name '%s' is longer than %d bytes", what,
		    conf_vis(vb, s), IFNAMSIZ - 1);
		return -1;
	}
	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/: \t\n\v\f\r") != NULL || conf_has_control(s)) {
		conf_error(ctx, "%s name '%s' is not a valid interface name"
		    " (no '/', ':', white space, '.' or '..')", what, conf_vis(vb, s));
		return -1;
	}
	memcpy(dst, s, n + 1);
	return 0;
}

/* A 32-byte X25519 key in base64. The text is never echoed: a public key
 * is no secret, but a mistyped private key pasted here would be. */
int
conf_parse_key(struct conf_ctx *ctx, const char *what, const char *s, uint8_t dst[KEY_LEN])
{
	const char *why;

	if (key_from_base64(dst, s, &why) == -1) {
		if (ctx->section == CONF_SECTION_PEER)
			conf_error(ctx, "[peer %s]: %s is not a base64 X25519 key",
			    ctx->srv->peers[ctx->srv->n_peers - 1].name, what);
		else
			conf_error(ctx, "%s is not a base64 X25519 key", what);
		return -1;
	}
	return 0;
}

int
conf_parse_prefix(struct conf_ctx *ctx, const char *what, const char *s, struct prefix *dst)
{
	char vb[CONF_VIS_LEN];
	const char *why = "not a prefix";

	if (prefix_parse(s, dst, &why) == -1) {
		conf_error(ctx, "%s %s: %s", what, conf_vis(vb, s), why);
		return -1;
	}
	return 0;
}

/* Split "HOST:PORT", "[IPV6]:PORT", or the same without ":PORT" when
 * default_port is not 0. host gets the host without brackets. A bare IPv6
 * literal is refused: "2001:db8::1:51820" has no one reading. */
int
conf_parse_hostport(struct conf_ctx *ctx, const char *what, const char *s,
    char *host, size_t hostsize, bool *bracketed, uint16_t *port, uint16_t default_port)
{
	char buf[CONF_HOSTPORT_LEN], vb[CONF_VIS_LEN], pwhat[32];
	char *h, *p = NULL, *c;
	uint64_t n;

	if (strlen(s) >= sizeof(buf)) {
		conf_error(ctx, "%s '%s' is too long", what, conf_vis(vb, s));
		return -1;
	}
	memcpy(buf, s, strlen(s) + 1);
	if (buf[0] == '[') {
		if ((c = strchr(buf, ']')) == NULL) {
			conf_error(ctx, "%s '%s' has '[' without ']'", what, conf_vis(vb, s));
			return -1;
		}
		*c++ = '\0';
		if (*c == ':')
			p = c + 1;
		else if (*c != '\0') {
			conf_error(ctx, "%s '%s': expected ':' and a port after ']'", what, conf_vis(vb, s));
			return -1;
		}
		h = buf + 1;
		*bracketed = true;
	} else {
		if ((c = strchr(buf, ':')) != NULL) {
			if (strchr(c + 1, ':') != NULL) {
				conf_error(ctx, "%s '%s': an IPv6 address needs brackets,"
				    " as in [2001:db8::1]:%u", what, conf_vis(vb, s), CONF_DEFAULT_PORT);
				return -1;
			}
			*c = '\0';
			p = c + 1;
		}
		h = buf;
		*bracketed = false;
	}
	if (h[0] == '\0') {
		conf_error(ctx, "%s '%s' has no address", what, conf_vis(vb, s));
		return -1;
	}
	if (strlen(h) >= hostsize) {
		conf_error(ctx, "%s host is longer than %zu bytes", what, hostsize - 1);
		return -1;
	}
	if (p == NULL) {
		if (default_port == 0) {
			conf_error(ctx, "%s '%s' needs a port", what, conf_vis(vb, s));
			return -1;
		}
		*port = default_port;
	} else if (p[0] == '\0') {
		conf_error(ctx, "%s '%s' has ':' but no port", what, conf_vis(vb, s));
		return -1;
	} else {
		snprintf(pwhat, sizeof(pwhat), "%s port", what);
		if (conf_parse_uint(ctx, pwhat, p, 1, UINT16_MAX, &n) == -1)
			return -1;
		*port = (uint16_t)n;
	}
	memcpy(host, h, strlen(h) + 1);
	return 0;
}

/* ------------------------------------------------------------- key setters */

int
conf_parse_sockaddr(struct conf_ctx *ctx, const char *what, const char *v, struct sockaddr_storage *ss,
    uint16_t default_port)
{
	char host[INET6_ADDRSTRLEN], vb[CONF_VIS_LEN], hb[CONF_VIS_LEN];
	bool bracketed;
	uint16_t port;

	if (conf_parse_hostport(ctx, what, v, host, sizeof(host), &bracketed, &port, default_port) == -1)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (bracketed) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv6 address", what, conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv4 address"
			    " (an IPv6 one goes in brackets)", what, conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	}
	return 0;
}

void *
conf_field(void *base, const struct conf_key *k)
{
	return (char *)base + k->off;
}

int
conf_set_path(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_path(ctx, k->name, v, conf_field(base, k), k->size);
}

int
conf_set_ifname(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_ifname(ctx, k->name, v, conf_field(base, k));
}

int
conf_set_u8(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	uint64_t n;

	if (conf_parse_uint(ctx, k->name, v, k->min, k->max, &n) == -1)
		return -1;
	*(uint8_t *)conf_field(base, k) = (uint8_t)n;
	return 0;
}

int
conf_set_u16(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	uint64_t n;

	if (conf_parse_uint(ctx, k->name, v, k->min, k->max, &n) == -1)
		return -1;
	*(uint16_t *)conf_field(base, k) = (uint16_t)n;
	return 0;
}

int
conf_set_u32(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	uint64_t n;

	if (conf_parse_uint(ctx, k->name, v, k->min, k->max, &n) == -1)
		return -1;
	*(uint32_t *)conf_field(base, k) = (uint32_t)n;
	return 0;
}

/* dns-search = lab.example, example.org: kept in DHCPv6's wire form
 * (RFC 1035 names, RFC 3646 option 24). */
int
conf_set_search(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char vb[CONF_VIS_LEN];

	if (dname_encode_list(v, srv->dns_search, sizeof(srv->dns_search), &srv->dns_search_len) != 0 ||
	    srv->dns_search_len == 0) {
		conf_error(ctx, "%s '%s' is not a list of domain names (labels of 1..63 letters, digits,"
		    " '-', names up to 253, %zu bytes in all)", k->name, conf_vis(vb, v), sizeof(srv->dns_search));
		return -1;
	}
	return 0;
}

int
conf_set_bool(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_bool(ctx, k->name, v, conf_field(base, k));
}

int
conf_set_key(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	if (conf_parse_key(ctx, k->name, v, conf_field(base, k)) == -1)
		return -1;
	if (ctx->section == CONF_SECTION_PEER)
		ctx->plines[ctx->srv->n_peers - 1].public_key = ctx->line;
	return 0;
}

/* A system user or group name as useradd(8) and groupadd(8) take it by
 * default. */
static int
conf_parse_account(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v, const char *what)
{
	char vb[CONF_VIS_LEN];
	size_t n = strlen(v);

	if (n > CONF_USER_MAX || v[0] == '-' ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n) {
		conf_error(ctx, "%s '%s' is not a valid %s name (1..%d of A-Z a-z 0-9 _ . -,"
		    " not starting with '-')", k->name, conf_vis(vb, v), what, CONF_USER_MAX);
		return -1;
	}
	memcpy(conf_field(base, k), v, n + 1);
	return 0;
}

int
conf_set_user(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_account(ctx, k, base, v, "user");
}

/* control-group: who may read the control socket. Only the loaders look
 * it up, so the parsers (and their fuzzers) stay free of NSS. */
int
conf_set_group(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	gid_t *gid = ctx->srv != NULL ? &ctx->srv->control_gid : &ctx->cli->control_gid;
	char why[128];

	if (conf_parse_account(ctx, k, base, v, "group") != 0)
		return -1;
	if (ctx->lookup && privdrop_group_lookup(v, gid, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s '%s': %s", k->name, v, why);
		return -1;
	}
	return 0;
}
