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
#include "dname.h"
#include "privdrop.h"

/* The largest file conf_*_load() reads. */
/* inih's section buffer (MAX_SECTION in ini.c): its handler sees the first
 * 49 bytes of a section name. */
#define CONF_INI_SECTION    50
/* Longest section header text between '[' and ']' we look at. */
#define CONF_SECTION_TEXT   128
/* Most keys one section takes (bits of the per-section seen table). */
#define CONF_SECTION_KEYS   24
/* A value echoed in a message: 64 bytes, each at most "\xHH", then "...". */
#define CONF_VIS_BYTES      64
#define CONF_VIS_LEN        (CONF_VIS_BYTES + 4 + 3 + 1)
/* A host:port value: a host name or literal plus brackets and a port. */
#define CONF_HOSTPORT_LEN   (CONF_HOST_MAX + 16)
#define CONF_TAP_PREFIX     "v6x-"

enum conf_file {
	CONF_FILE_SERVER,
	CONF_FILE_CLIENT,
};

enum conf_section {
	CONF_SECTION_NONE,
	CONF_SECTION_SERVER,
	CONF_SECTION_PEER,
	CONF_SECTION_CLIENT,
};

/* What conf_line_classify() made of the line inih is about to parse. */
enum conf_line {
	CONF_LINE_BLANK,        /* empty or a comment */
	CONF_LINE_HEADER,       /* [section] */
	CONF_LINE_KEY,          /* key = value */
	CONF_LINE_CONT,         /* indented: inih continues the previous key */
};

enum conf_dup {
	CONF_DUP_NAME,
	CONF_DUP_KEY,
	CONF_DUP_TAP,
	CONF_DUP_SUB,
};

struct conf_ctx;

/* One key of a section. set() parses value into the field at off (size
 * bytes) of base, the section's struct; min and max bound numbers. */
struct conf_key {
	const char *name;
	int (*set)(struct conf_ctx *, const struct conf_key *, void *, const char *);
	size_t off;
	size_t size;
	uint64_t min;
	uint64_t max;
	bool required;
	bool repeatable;                /* forward, ipv4-map: once per value */
};

/* Where a peer's keys were set (0: not set), for the checks across peers. */
struct conf_peer_lines {
	int public_key;
	int sub_prefix;
	int tap;
};

struct conf_ctx {
	const char *name;               /* the file, for messages */
	enum conf_file file;
	struct conf_server *srv;
	struct conf_client *cli;

	/* conf_read_line() */
	const uint8_t *buf;
	size_t len;
	size_t pos;
	int line;                       /* the line inih is parsing */
	enum conf_line kind;
	bool have_key;                  /* inih's prev_name is set */
	bool eof;                       /* every line read, no error on the way */

	/* the open section */
	enum conf_section section;
	char section_ini[CONF_INI_SECTION];     /* as inih's handler sees it */
	const struct conf_key *keys;
	size_t n_keys;
	int section_line;
	int seen[CONF_SECTION_KEYS];    /* line of each key, 0: not yet */
	int server_line;                /* [server] / [client] header, 0: none */
	int client_line;

	struct conf_peer_lines *plines; /* parallel to srv->peers */
	size_t peer_cap;

	bool lookup;                    /* conf_*_load: resolve names on the system */

	bool failed;
	int err_rank;                   /* line of the error; INT_MAX: no line */
	char err[CONF_ERR_LEN];
};

/* An entry sorted to find duplicates across peers. */
struct conf_sort {
	const void *key;
	uint64_t idx;
	size_t peer;
};

static int conf_set_path(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_ifname(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_u8(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_u16(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_u32(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_search(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_bool(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_key(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_user(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_group(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_ndp(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_prefix(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_dns(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_metrics(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_sub_prefix(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_server(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_public4(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_nat64(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_pool(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_forward(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_map(struct conf_ctx *, const struct conf_key *, void *, const char *);

#define CONF_FIELD(type, field) \
	.off = offsetof(type, field), .size = sizeof(((type *)0)->field)

static const struct conf_key conf_server_keys[] = {
	{ "private-key-file", conf_set_path, CONF_FIELD(struct conf_server, private_key_file), .required = true },
	{ "listen-port", conf_set_u16, CONF_FIELD(struct conf_server, listen_port), .min = 1, .max = UINT16_MAX },
	{ "upstream", conf_set_ifname, CONF_FIELD(struct conf_server, upstream), .required = true },
	{ "prefix", conf_set_prefix, CONF_FIELD(struct conf_server, prefix) },
	{ "sub-prefix-length", conf_set_u8, CONF_FIELD(struct conf_server, sub_prefix_len),
	    .min = PREFIX_SUB_MIN, .max = PREFIX_SUB_MAX },
	{ "dns", conf_set_dns, CONF_FIELD(struct conf_server, dns) },
	{ "mtu", conf_set_u16, CONF_FIELD(struct conf_server, mtu), .min = CONF_MTU_MIN, .max = CONF_MTU_MAX },
	{ "ndp-proxy", conf_set_ndp, CONF_FIELD(struct conf_server, ndp_proxy) },
	{ "dhcpv6", conf_set_bool, CONF_FIELD(struct conf_server, dhcpv6) },
	{ "dns-search", conf_set_search, CONF_FIELD(struct conf_server, dns_search) },
	{ "dhcpv6-preferred-lifetime", conf_set_u32, CONF_FIELD(struct conf_server, dhcpv6_preferred),
	    .min = CONF_LIFETIME_MIN, .max = CONF_LIFETIME_MAX },
	{ "dhcpv6-valid-lifetime", conf_set_u32, CONF_FIELD(struct conf_server, dhcpv6_valid),
	    .min = CONF_LIFETIME_MIN, .max = CONF_LIFETIME_MAX },
	{ "state-dir", conf_set_path, CONF_FIELD(struct conf_server, state_dir) },
	{ "control-socket", conf_set_path, CONF_FIELD(struct conf_server, control_socket) },
	{ "metrics-listen", conf_set_metrics, CONF_FIELD(struct conf_server, metrics_listen) },
	{ "user", conf_set_user, CONF_FIELD(struct conf_server, user) },
	{ "busy-poll", conf_set_u16, CONF_FIELD(struct conf_server, busy_poll), .min = 0, .max = CONF_BUSY_POLL_MAX },
	{ "control-group", conf_set_group, CONF_FIELD(struct conf_server, control_group) },
	{ "public-ipv4", conf_set_public4, CONF_FIELD(struct conf_server, public_ipv4) },
	{ "nat64-prefix", conf_set_nat64, CONF_FIELD(struct conf_server, nat64_prefix) },
	{ "ipv4-pool", conf_set_pool, CONF_FIELD(struct conf_server, ipv4_pool) },
};

/* Indices into conf_peer_keys, for the lines kept per peer. */
enum {
	CONF_PEER_PUBLIC_KEY,
	CONF_PEER_PSK,
	CONF_PEER_SUB_PREFIX,
	CONF_PEER_TAP,
	CONF_PEER_FORWARD,
	CONF_PEER_MAP,
};

static const struct conf_key conf_peer_keys[] = {
	[CONF_PEER_PUBLIC_KEY] = { "public-key", conf_set_key, CONF_FIELD(struct conf_peer, public_key),
	    .required = true },
	[CONF_PEER_PSK] = { "preshared-key-file", conf_set_path, CONF_FIELD(struct conf_peer, psk_file) },
	[CONF_PEER_SUB_PREFIX] = { "sub-prefix", conf_set_sub_prefix, CONF_FIELD(struct conf_peer, sub_prefix) },
	[CONF_PEER_TAP] = { "tap", conf_set_ifname, CONF_FIELD(struct conf_peer, tap) },
	[CONF_PEER_FORWARD] = { "forward", conf_set_forward, .repeatable = true },
	[CONF_PEER_MAP] = { "ipv4-map", conf_set_map, .repeatable = true },
};

enum {
	CONF_CLIENT_PRIVATE_KEY,
	CONF_CLIENT_SERVER,
	CONF_CLIENT_SERVER_KEY,
	CONF_CLIENT_PSK,
	CONF_CLIENT_TAP,
	CONF_CLIENT_BRIDGE,
	CONF_CLIENT_KEEPALIVE,
	CONF_CLIENT_MTU,
	CONF_CLIENT_SOCKET,
	CONF_CLIENT_USER,
	CONF_CLIENT_BUSY_POLL,
	CONF_CLIENT_CONTROL_GROUP,
};

static const struct conf_key conf_client_keys[] = {
	[CONF_CLIENT_PRIVATE_KEY] = { "private-key-file", conf_set_path,
	    CONF_FIELD(struct conf_client, private_key_file), .required = true },
	[CONF_CLIENT_SERVER] = { "server", conf_set_server, CONF_FIELD(struct conf_client, server_host),
	    .required = true },
	[CONF_CLIENT_SERVER_KEY] = { "server-public-key", conf_set_key,
	    CONF_FIELD(struct conf_client, server_public_key), .required = true },
	[CONF_CLIENT_PSK] = { "preshared-key-file", conf_set_path, CONF_FIELD(struct conf_client, psk_file) },
	[CONF_CLIENT_TAP] = { "tap", conf_set_ifname, CONF_FIELD(struct conf_client, tap) },
	[CONF_CLIENT_BRIDGE] = { "bridge", conf_set_ifname, CONF_FIELD(struct conf_client, bridge) },
	[CONF_CLIENT_KEEPALIVE] = { "keepalive", conf_set_u16, CONF_FIELD(struct conf_client, keepalive),
	    .min = 0, .max = 3600 },
	[CONF_CLIENT_MTU] = { "mtu", conf_set_u16, CONF_FIELD(struct conf_client, mtu),
	    .min = CONF_MTU_MIN, .max = CONF_MTU_MAX },
	[CONF_CLIENT_SOCKET] = { "control-socket", conf_set_path, CONF_FIELD(struct conf_client, control_socket) },
	[CONF_CLIENT_USER] = { "user", conf_set_user, CONF_FIELD(struct conf_client, user) },
	[CONF_CLIENT_BUSY_POLL] = { "busy-poll", conf_set_u16, CONF_FIELD(struct conf_client, busy_poll),
	    .min = 0, .max = CONF_BUSY_POLL_MAX },
	[CONF_CLIENT_CONTROL_GROUP] = { "control-group", conf_set_group,
	    CONF_FIELD(struct conf_client, control_group) },
};

_Static_assert(sizeof(conf_server_keys) / sizeof(conf_server_keys[0]) <= CONF_SECTION_KEYS,
    "[server] has more keys than the seen table holds");
_Static_assert(sizeof(conf_client_keys) / sizeof(conf_client_keys[0]) <= CONF_SECTION_KEYS,
    "[client] has more keys than the seen table holds");

/* ------------------------------------------------------------------ errors */

static void conf_verror(struct conf_ctx *, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));
static void conf_error(struct conf_ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void conf_error_at(struct conf_ctx *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

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
static void
conf_error(struct conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(ctx, ctx->line, fmt, ap);
	va_end(ap);
}

/* An error on another line; 0: the file as a whole. */
static void
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
static const char *
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

/* ------------------------------------------------------ typed value helpers */

/* A decimal number: digits only, no sign, no white space, min..max. */
static int
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
static int
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
static int
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
static int
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
static int
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

static int
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

static bool
conf_is_ipv4_text(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789.") == strlen(s);
}

/* A DNS name: labels of 1..63 letters, digits, '-' or '_', separated by
 * dots, an optional final dot. */
static bool
conf_is_hostname(const char *s)
{
	size_t label = 0;

	if (s[0] == '\0' || s[0] == '.' || strlen(s) > CONF_HOST_MAX)
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* Split "HOST:PORT", "[IPV6]:PORT", or the same without ":PORT" when
 * default_port is not 0. host gets the host without brackets. A bare IPv6
 * literal is refused: "2001:db8::1:51820" has no one reading. */
static int
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

static void *
conf_field(void *base, const struct conf_key *k)
{
	return (char *)base + k->off;
}

static int
conf_set_path(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_path(ctx, k->name, v, conf_field(base, k), k->size);
}

static int
conf_set_ifname(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_ifname(ctx, k->name, v, conf_field(base, k));
}

static int
conf_set_u8(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	uint64_t n;

	if (conf_parse_uint(ctx, k->name, v, k->min, k->max, &n) == -1)
		return -1;
	*(uint8_t *)conf_field(base, k) = (uint8_t)n;
	return 0;
}

static int
conf_set_u16(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	uint64_t n;

	if (conf_parse_uint(ctx, k->name, v, k->min, k->max, &n) == -1)
		return -1;
	*(uint16_t *)conf_field(base, k) = (uint16_t)n;
	return 0;
}

static int
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
static int
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

static int
conf_set_bool(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_bool(ctx, k->name, v, conf_field(base, k));
}

static int
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

static int
conf_set_user(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	return conf_parse_account(ctx, k, base, v, "user");
}

/* control-group: who may read the control socket. Only the loaders look
 * it up, so the parsers (and their fuzzers) stay free of NSS. */
static int
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

static int
conf_set_ndp(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	enum conf_ndp_mode *mode = conf_field(base, k);
	char vb[CONF_VIS_LEN];

	if (strcmp(v, "auto") == 0)
		*mode = CONF_NDP_AUTO;
	else if (strcmp(v, "static") == 0)
		*mode = CONF_NDP_STATIC;
	else if (strcmp(v, "off") == 0)
		*mode = CONF_NDP_OFF;
	else {
		conf_error(ctx, "%s '%s' is not auto, static or off", k->name, conf_vis(vb, v));
		return -1;
	}
	return 0;
}

/* prefix = auto | a /64 */
static int
conf_set_prefix(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;

	if (strcmp(v, "auto") == 0) {
		srv->prefix_auto = true;
		memset(&srv->prefix, 0, sizeof(srv->prefix));
		return 0;
	}
	if (conf_parse_prefix(ctx, k->name, v, &srv->prefix) == -1)
		return -1;
	if (srv->prefix.len != PREFIX_BASE_LEN) {
		conf_error(ctx, "%s must be a /%d (got /%u)", k->name, PREFIX_BASE_LEN,
		    (unsigned int)srv->prefix.len);
		return -1;
	}
	srv->prefix_auto = false;
	return 0;
}

/* dns = ADDR[, ADDR]... : up to CONF_DNS_MAX unicast IPv6 addresses. */
static int
conf_set_dns(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char addr[INET6_ADDRSTRLEN], vb[CONF_VIS_LEN];
	const char *p = v, *end, *comma;
	size_t n = 0, len;

	for (;;) {
		comma = strchr(p, ',');
		end = comma != NULL ? comma : p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (p == end) {
			conf_error(ctx, "%s has an empty entry", k->name);
			return -1;
		}
		if (n == CONF_DNS_MAX) {
			conf_error(ctx, "%s has more than %d addresses", k->name, CONF_DNS_MAX);
			return -1;
		}
		/* a longer entry is no address; its start is enough for the message */
		len = (size_t)(end - p) < sizeof(addr) ? (size_t)(end - p) : sizeof(addr) - 1;
		memcpy(addr, p, len);
		addr[len] = '\0';
		if (len < (size_t)(end - p) || inet_pton(AF_INET6, addr, &srv->dns[n]) != 1) {
			conf_error(ctx, "%s '%s' is not an IPv6 address", k->name, conf_vis(vb, addr));
			return -1;
		}
		/* RFC 8106 5.1: RDNSS carries unicast addresses of servers */
		if (IN6_IS_ADDR_UNSPECIFIED(&srv->dns[n]) || IN6_IS_ADDR_MULTICAST(&srv->dns[n])) {
			conf_error(ctx, "%s %s is not a unicast address", k->name, addr);
			return -1;
		}
		n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	srv->n_dns = n;
	return 0;
}

/* metrics-listen = [IPV6]:PORT | IPV4:PORT, literals only: the daemon
 * binds it before any resolver is up. */
static int
conf_set_metrics(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char host[INET6_ADDRSTRLEN], vb[CONF_VIS_LEN], hb[CONF_VIS_LEN];
	bool bracketed;
	uint16_t port;

	if (conf_parse_hostport(ctx, k->name, v, host, sizeof(host), &bracketed, &port, 0) == -1)
		return -1;
	memset(&srv->metrics_listen, 0, sizeof(srv->metrics_listen));
	if (bracketed) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&srv->metrics_listen;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv6 address", k->name,
			    conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&srv->metrics_listen;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv4 address"
			    " (an IPv6 one goes in brackets)", k->name, conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	}
	srv->metrics_enabled = true;
	return 0;
}

/* sub-prefix = auto | INDEX | PREFIX. Bounds that depend on
 * sub-prefix-length and prefix are checked once the file is read
 * (conf_check_subs), since [server] may come after the peers. */
static int
conf_set_sub_prefix(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_peer *peer = base;
	char vb[CONF_VIS_LEN];
	uint64_t n;

	if (strcmp(v, "auto") == 0) {
		peer->sub_kind = CONF_SUB_AUTO;
	} else if (strchr(v, '/') != NULL) {
		if (conf_parse_prefix(ctx, k->name, v, &peer->sub_prefix) == -1)
			return -1;
		peer->sub_kind = CONF_SUB_PREFIX;
	} else if (v[0] >= '0' && v[0] <= '9') {
		if (conf_parse_uint(ctx, k->name, v, 0, UINT64_MAX, &n) == -1)
			return -1;
		if (n == 0) {
			conf_error(ctx, "%s index 0 is reserved (the /64's own addresses)", k->name);
			return -1;
		}
		peer->sub_kind = CONF_SUB_INDEX;
		peer->sub_index = n;
	} else {
		conf_error(ctx, "%s '%s' is not auto, an index or a prefix", k->name, conf_vis(vb, v));
		return -1;
	}
	return 0;
}

/* server = NAME[:PORT] | IPV4[:PORT] | [IPV6][:PORT] */
static int
conf_set_server(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_client *cli = base;
	char host[CONF_HOST_MAX + 1], vb[CONF_VIS_LEN], hb[CONF_VIS_LEN];
	struct in6_addr a6;
	struct in_addr a4;
	bool bracketed;
	uint16_t port;

	if (conf_parse_hostport(ctx, k->name, v, host, sizeof(host), &bracketed, &port,
	    CONF_DEFAULT_PORT) == -1)
		return -1;
	if (bracketed) {
		if (inet_pton(AF_INET6, host, &a6) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv6 address", k->name,
			    conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
	} else if (conf_is_ipv4_text(host)) {
		/* digits and dots only is no host name anyone can resolve */
		if (inet_pton(AF_INET, host, &a4) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv4 address", k->name,
			    conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
	} else if (!conf_is_hostname(host)) {
		conf_error(ctx, "%s '%s': '%s' is not a valid host name", k->name,
		    conf_vis(vb, v), conf_vis(hb, host));
		return -1;
	}
	memcpy(cli->server_host, host, strlen(host) + 1);
	cli->server_port = port;
	return 0;
}

/* ---------------------------------------------------------------- sections */

/* public-ipv4 = auto | off | A.B.C.D */
static int
conf_set_public4(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char vb[CONF_VIS_LEN];

	if (strcmp(v, "auto") == 0 || strcmp(v, "off") == 0) {
		srv->public_ipv4_mode = v[1] == 'u' ? CONF_IPV4_AUTO : CONF_IPV4_OFF;
		return 0;
	}
	if (!conf_ipv4_parse(v, &srv->public_ipv4) || !conf_ipv4_unicast(&srv->public_ipv4)) {
		conf_error(ctx, "%s %s: not auto, off or a unicast IPv4 address", k->name, conf_vis(vb, v));
		return -1;
	}
	srv->public_ipv4_mode = CONF_IPV4_ADDR;
	return 0;
}

/* nat64-prefix: a /96 (RFC 6052 2.2: the IPv4 address in its last 32 bits;
 * the shorter layouts with the u octet are not used) */
static int
conf_set_nat64(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;

	if (conf_parse_prefix(ctx, k->name, v, &srv->nat64_prefix) == -1)
		return -1;
	if (srv->nat64_prefix.len != 96) {
		conf_error(ctx, "%s must be a /96 (got /%u)", k->name, (unsigned)srv->nat64_prefix.len);
		return -1;
	}
	if (IN6_IS_ADDR_MULTICAST(&srv->nat64_prefix.addr) || IN6_IS_ADDR_LINKLOCAL(&srv->nat64_prefix.addr) ||
	    IN6_IS_ADDR_V4MAPPED(&srv->nat64_prefix.addr) || IN6_IS_ADDR_UNSPECIFIED(&srv->nat64_prefix.addr)) {
		conf_error(ctx, "%s %s: not a unicast prefix", k->name, v);
		return -1;
	}
	return 0;
}

static int
conf_set_pool(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char vb[CONF_VIS_LEN], why[CONF_ERR_LEN];

	if (conf_ipv4_prefix_parse(v, &srv->ipv4_pool, &srv->ipv4_pool_len, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s %s: %s", k->name, conf_vis(vb, v), why);
		return -1;
	}
	if (srv->ipv4_pool_len < CONF_POOL_LEN_MIN || srv->ipv4_pool_len > CONF_POOL_LEN_MAX ||
	    !conf_ipv4_unicast(&srv->ipv4_pool)) {
		conf_error(ctx, "%s %s: a unicast /%d to /%d", k->name, v, CONF_POOL_LEN_MIN, CONF_POOL_LEN_MAX);
		return -1;
	}
	return 0;
}

/* Room for one more of n entries of size in *v (doubling). */
static void *
conf_grow(struct conf_ctx *ctx, void *v, size_t n, size_t size, size_t max, const char *what)
{
	void *nv;

	if (n >= max) {
		conf_error(ctx, "more than %zu %s", max, what);
		return NULL;
	}
	if ((n & (n - 1)) != 0)
		return v;               /* capacity doubles at each power of two: room */
	if ((nv = realloc(v, (n ? n * 2 : 1) * size)) == NULL)
		conf_error(ctx, "out of memory");
	return nv;
}

static int
conf_set_forward(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = ctx->srv;
	const struct conf_peer *peer = base;
	struct conf_forward *f, *nv;
	char why[CONF_ERR_LEN];

	(void)k;
	if ((nv = conf_grow(ctx, srv->forwards, srv->n_forwards, sizeof(*nv), CONF_FORWARDS_MAX, "forwards")) == NULL)
		return -1;
	srv->forwards = nv;
	f = &srv->forwards[srv->n_forwards];
	memset(f, 0, sizeof(*f));
	if (conf_forward_parse(v, f, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s", why);
		return -1;
	}
	memcpy(f->peer, peer->name, sizeof(f->peer));
	f->line = ctx->line;
	srv->n_forwards++;
	return 0;
}

static int
conf_set_map(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = ctx->srv;
	const struct conf_peer *peer = base;
	struct conf_map *m, *nv;
	char why[CONF_ERR_LEN];

	(void)k;
	if ((nv = conf_grow(ctx, srv->maps, srv->n_maps, sizeof(*nv), CONF_MAPS_MAX, "ipv4-maps")) == NULL)
		return -1;
	srv->maps = nv;
	m = &srv->maps[srv->n_maps];
	memset(m, 0, sizeof(*m));
	if (conf_map_parse(v, m, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s", why);
		return -1;
	}
	memcpy(m->peer, peer->name, sizeof(m->peer));
	m->line = ctx->line;
	srv->n_maps++;
	return 0;
}

static const char *
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
	ctx->n_keys = sizeof(conf_peer_keys) / sizeof(conf_peer_keys[0]);
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
		ctx->n_keys = sizeof(conf_server_keys) / sizeof(conf_server_keys[0]);
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
		ctx->n_keys = sizeof(conf_client_keys) / sizeof(conf_client_keys[0]);
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
static void
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

static void
conf_ctx_init(struct conf_ctx *ctx, const char *name, const uint8_t *buf, size_t len,
    enum conf_file file)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->name = name != NULL ? name : "(config)";
	ctx->buf = buf;
	ctx->len = buf != NULL ? len : 0;
	ctx->file = file;
}

static void
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

/* ------------------------------------------------------ checks across peers */

static int
conf_sort_key_cmp(enum conf_dup what, const struct conf_sort *a, const struct conf_sort *b)
{
	switch (what) {
	case CONF_DUP_NAME:
	case CONF_DUP_TAP:
		return strcmp(a->key, b->key);
	case CONF_DUP_KEY:
		return memcmp(a->key, b->key, KEY_LEN);
	case CONF_DUP_SUB:
		return a->idx < b->idx ? -1 : a->idx > b->idx;
	}
	return 0;
}

/* Same keys sort in file order, so the first of a run is the original. */
static int
conf_sort_tie(int c, const struct conf_sort *a, const struct conf_sort *b)
{
	if (c != 0)
		return c;
	return a->peer < b->peer ? -1 : a->peer > b->peer;
}

static int
conf_sort_name(const void *a, const void *b)
{
	return conf_sort_tie(conf_sort_key_cmp(CONF_DUP_NAME, a, b), a, b);
}

static int
conf_sort_pubkey(const void *a, const void *b)
{
	return conf_sort_tie(conf_sort_key_cmp(CONF_DUP_KEY, a, b), a, b);
}

static int
conf_sort_index(const void *a, const void *b)
{
	return conf_sort_tie(conf_sort_key_cmp(CONF_DUP_SUB, a, b), a, b);
}

static void
conf_dup_report(struct conf_ctx *ctx, enum conf_dup what, size_t first, size_t dup, uint64_t idx)
{
	const struct conf_peer *a = &ctx->srv->peers[first], *b = &ctx->srv->peers[dup];
	const struct conf_peer_lines *bl = &ctx->plines[dup];

	switch (what) {
	case CONF_DUP_NAME:
		conf_error_at(ctx, b->line, "duplicate peer '%s' (first at line %d)", b->name, a->line);
		break;
	case CONF_DUP_KEY:
		conf_error_at(ctx, bl->public_key, "peer %s has the same public-key as peer %s (line %d)",
		    b->name, a->name, a->line);
		break;
	case CONF_DUP_TAP:
		conf_error_at(ctx, bl->tap != 0 ? bl->tap : b->line,
		    "peer %s has the same tap '%s' as peer %s (line %d)", b->name, b->tap, a->name, a->line);
		break;
	case CONF_DUP_SUB:
		conf_error_at(ctx, bl->sub_prefix, "peer %s has the same sub-prefix index %" PRIu64
		    " as peer %s (line %d)", b->name, idx, a->name, a->line);
		break;
	}
}

/* Sort v and report every entry equal to an earlier one. */
static void
conf_check_dups(struct conf_ctx *ctx, enum conf_dup what, struct conf_sort *v, size_t n)
{
	int (*cmp)(const void *, const void *);
	size_t first = 0;

	switch (what) {
	case CONF_DUP_NAME:
	case CONF_DUP_TAP:
		cmp = conf_sort_name;
		break;
	case CONF_DUP_KEY:
		cmp = conf_sort_pubkey;
		break;
	case CONF_DUP_SUB:
	default:
		cmp = conf_sort_index;
		break;
	}
	if (n < 2)
		return;
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 1; i < n; i++) {
		if (conf_sort_key_cmp(what, &v[first], &v[i]) != 0)
			first = i;
		else
			conf_dup_report(ctx, what, v[first].peer, v[i].peer, v[i].idx);
	}
}

/* Sub-prefixes against sub-prefix-length, prefix and each other. Needs
 * the whole file: [server] may follow the peers. */
static void
conf_check_subs(struct conf_ctx *ctx, struct conf_sort *v)
{
	const struct conf_server *srv = ctx->srv;
	unsigned int sub_len = srv->sub_prefix_len;
	uint64_t count = prefix_sub_count(srv->sub_prefix_len), idx;
	char sb[PREFIX_STRLEN], pb[PREFIX_STRLEN];
	size_t n = 0, first_prefix = SIZE_MAX;
	struct prefix base;

	for (size_t i = 0; i < srv->n_peers; i++) {
		const struct conf_peer *peer = &srv->peers[i];
		int line = ctx->plines[i].sub_prefix;

		switch (peer->sub_kind) {
		case CONF_SUB_AUTO:
			continue;
		case CONF_SUB_INDEX:
			if (peer->sub_index >= count) {
				conf_error_at(ctx, line, "sub-prefix %" PRIu64 " is not below %" PRIu64
				    " (2^%u sub-prefixes of /%u)", peer->sub_index, count,
				    sub_len - PREFIX_BASE_LEN, sub_len);
				continue;
			}
			idx = peer->sub_index;
			break;
		case CONF_SUB_PREFIX:
		default:
			prefix_format(&peer->sub_prefix, sb, sizeof(sb));
			if (peer->sub_prefix.len != sub_len) {
				conf_error_at(ctx, line, "sub-prefix %s is not a /%u (sub-prefix-length)",
				    sb, sub_len);
				continue;
			}
			if (!srv->prefix_auto) {
				base = srv->prefix;
				if (!prefix_contains(&base, &peer->sub_prefix.addr)) {
					prefix_format(&base, pb, sizeof(pb));
					conf_error_at(ctx, line, "sub-prefix %s is not inside prefix %s", sb, pb);
					continue;
				}
			} else {
				/* the /64 is learnt at run time, but there is only one */
				memset(&base, 0, sizeof(base));
				memcpy(base.addr.s6_addr, peer->sub_prefix.addr.s6_addr, 8);
				base.len = PREFIX_BASE_LEN;
				if (first_prefix == SIZE_MAX) {
					first_prefix = i;
				} else if (!prefix_contains(&base, &srv->peers[first_prefix].sub_prefix.addr)) {
					prefix_format(&srv->peers[first_prefix].sub_prefix, pb, sizeof(pb));
					conf_error_at(ctx, line, "sub-prefix %s is not in the same /64 as"
					    " peer %s's sub-prefix %s (line %d)", sb,
					    srv->peers[first_prefix].name, pb,
					    ctx->plines[first_prefix].sub_prefix);
					continue;
				}
			}
			if (prefix_sub_index(&base, srv->sub_prefix_len, &peer->sub_prefix.addr, &idx) == -1)
				continue;
			if (idx == 0) {
				conf_error_at(ctx, line, "sub-prefix %s is index 0, which is reserved"
				    " (the /64's own addresses)", sb);
				continue;
			}
			break;
		}
		v[n].key = NULL;
		v[n].idx = idx;
		v[n].peer = i;
		n++;
	}
	conf_check_dups(ctx, CONF_DUP_SUB, v, n);
}

/* Peer names and public keys are checked even after an error (an earlier
 * duplicate is the first error); taps and sub-prefixes only when the whole
 * file was read. */
static void
conf_check_peers(struct conf_ctx *ctx, bool complete)
{
	struct conf_server *srv = ctx->srv;
	struct conf_sort *v;
	size_t n, i;

	if (srv->n_peers < 1)
		return;
	if ((v = calloc(srv->n_peers, sizeof(*v))) == NULL) {
		conf_error_at(ctx, 0, "out of memory");
		return;
	}
	for (i = 0; i < srv->n_peers; i++) {
		v[i].key = srv->peers[i].name;
		v[i].peer = i;
	}
	conf_check_dups(ctx, CONF_DUP_NAME, v, srv->n_peers);

	for (i = n = 0; i < srv->n_peers; i++) {
		if (ctx->plines[i].public_key == 0)
			continue;
		v[n].key = srv->peers[i].public_key;
		v[n++].peer = i;
	}
	conf_check_dups(ctx, CONF_DUP_KEY, v, n);

	if (complete) {
		for (i = n = 0; i < srv->n_peers; i++) {
			const struct conf_peer *peer = &srv->peers[i];

			if (peer->tap[0] == '\0')
				continue;
			if (strcmp(peer->tap, srv->upstream) == 0) {
				conf_error_at(ctx, ctx->plines[i].tap != 0 ? ctx->plines[i].tap : peer->line,
				    "peer %s's tap '%s' is the upstream interface", peer->name, peer->tap);
			}
			v[n].key = peer->tap;
			v[n++].peer = i;
		}
		conf_check_dups(ctx, CONF_DUP_TAP, v, n);
		conf_check_subs(ctx, v);
	}
	free(v);
}

/* The sub-prefix of peer, when the file fixes it (a literal sub-prefix, or
 * an index of a literal /64). */
static bool
conf_peer_sub(const struct conf_server *srv, const struct conf_peer *peer, struct prefix *out)
{
	if (peer->sub_kind == CONF_SUB_PREFIX) {
		*out = peer->sub_prefix;
		return true;
	}
	return peer->sub_kind == CONF_SUB_INDEX && !srv->prefix_auto &&
	    prefix_sub_get(&srv->prefix, srv->sub_prefix_len, peer->sub_index, out) == 0;
}

/* A site host of a forward or a mapping (what, at line) must be where its
 * peer's site is, as far as the file tells. */
static void
conf_check_host(struct conf_ctx *ctx, const char *what, const char *peer_name, const struct in6_addr *a, int line)
{
	const struct conf_server *srv = ctx->srv;
	const struct conf_peer *peer = conf_server_find_peer(srv, peer_name);
	char ab[INET6_ADDRSTRLEN], pb[PREFIX_STRLEN];
	struct prefix sub;

	inet_ntop(AF_INET6, a, ab, sizeof(ab));
	if (prefix_contains(&srv->nat64_prefix, a)) {
		conf_error_at(ctx, line, "%s: %s is inside nat64-prefix", what, ab);
	} else if (!srv->prefix_auto && !prefix_contains(&srv->prefix, a)) {
		prefix_format(&srv->prefix, pb, sizeof(pb));
		conf_error_at(ctx, line, "%s: %s is not inside prefix %s", what, ab, pb);
	} else if (peer != NULL && conf_peer_sub(srv, peer, &sub) && !prefix_contains(&sub, a)) {
		prefix_format(&sub, pb, sizeof(pb));
		conf_error_at(ctx, line, "%s: %s is not in peer %s's sub-prefix %s", what, ab, peer->name, pb);
	}
}

static int
conf_sort_forward(const void *a, const void *b)
{
	const struct conf_forward *x = *(const struct conf_forward *const *)a, *y = *(const struct conf_forward *const *)b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* IPv4 reach across the file: every forward's and mapping's host in its
 * site, a public port forwarded once, each mapped address once on either
 * side, clear of the pool and the public address. */
static void
conf_check_ipv4(struct conf_ctx *ctx)
{
	const struct conf_server *srv = ctx->srv;
	const struct conf_forward **v;
	char text[CONF_FORWARD_TEXT], what[CONF_FORWARD_TEXT + 16], a4[INET_ADDRSTRLEN];

	if (!srv->prefix_auto && prefix_contains(&srv->prefix, &srv->nat64_prefix.addr))
		conf_error_at(ctx, ctx->server_line, "nat64-prefix is inside prefix: it must be a prefix of its own");
	for (size_t i = 0; i < srv->n_forwards; i++) {
		conf_forward_format(&srv->forwards[i], text, sizeof(text));
		snprintf(what, sizeof(what), "forward %s", text);
		conf_check_host(ctx, what, srv->forwards[i].peer, &srv->forwards[i].addr, srv->forwards[i].line);
	}
	if (srv->n_forwards > 1 && (v = calloc(srv->n_forwards, sizeof(*v))) != NULL) {
		for (size_t i = 0; i < srv->n_forwards; i++)
			v[i] = &srv->forwards[i];
		qsort(v, srv->n_forwards, sizeof(*v), conf_sort_forward);
		for (size_t i = 1; i < srv->n_forwards; i++)
			if (v[i]->proto == v[i - 1]->proto && v[i]->port == v[i - 1]->port)
				conf_error_at(ctx, v[i]->line, "forward %s %u: already forwarded by peer %s (line %d)",
				    v[i]->proto == IPPROTO_TCP ? "tcp" : "udp", v[i]->port, v[i - 1]->peer, v[i - 1]->line);
		free(v);
	}
	for (size_t i = 0; i < srv->n_maps; i++) {
		const struct conf_map *m = &srv->maps[i];

		inet_ntop(AF_INET, &m->v4, a4, sizeof(a4));
		snprintf(what, sizeof(what), "ipv4-map %s", a4);
		conf_check_host(ctx, what, m->peer, &m->v6, m->line);
		if (conf_ipv4_in(&m->v4, &srv->ipv4_pool, srv->ipv4_pool_len))
			conf_error_at(ctx, m->line, "%s: inside ipv4-pool", what);
		if (srv->public_ipv4_mode == CONF_IPV4_ADDR && m->v4.s_addr == srv->public_ipv4.s_addr)
			conf_error_at(ctx, m->line, "%s: that is public-ipv4, which forwards use", what);
		/* a few maps at most: pairs */
		for (size_t j = 0; j < i; j++) {
			if (srv->maps[j].v4.s_addr == m->v4.s_addr)
				conf_error_at(ctx, m->line, "%s: mapped already (line %d)", what, srv->maps[j].line);
			else if (memcmp(&srv->maps[j].v6, &m->v6, 16) == 0)
				conf_error_at(ctx, m->line, "%s: that host has a mapping already (line %d)", what,
				    srv->maps[j].line);
		}
	}
}

/* ------------------------------------------------------------------ server */

static int
conf_server_parse_lookup(const char *name, const uint8_t *buf, size_t len, bool lookup,
    struct conf_server *out, char *err, size_t errlen)
{
	struct conf_ctx ctx;

	conf_ctx_init(&ctx, name, buf, len, CONF_FILE_SERVER);
	ctx.lookup = lookup;
	memset(out, 0, sizeof(*out));
	out->control_gid = (gid_t)-1;
	snprintf(out->path, sizeof(out->path), "%s", ctx.name);
	out->listen_port = CONF_DEFAULT_PORT;
	out->prefix_auto = true;
	out->sub_prefix_len = PREFIX_SUB_DEFAULT;
	out->mtu = CONF_DEFAULT_MTU;
	out->ndp_proxy = CONF_NDP_AUTO;
	out->dhcpv6 = true;
	out->dhcpv6_preferred = CONF_DEFAULT_PREFERRED;
	out->dhcpv6_valid = CONF_DEFAULT_VALID;
	snprintf(out->state_dir, sizeof(out->state_dir), "%s", CONF_DEFAULT_STATE_DIR);
	snprintf(out->control_socket, sizeof(out->control_socket), "%s", CONF_DEFAULT_SERVER_SOCK);
	snprintf(out->user, sizeof(out->user), "%s", CONF_DEFAULT_USER);
	(void)prefix_parse(CONF_DEFAULT_NAT64_PREFIX, &out->nat64_prefix, NULL);
	(void)conf_ipv4_prefix_parse(CONF_DEFAULT_IPV4_POOL, &out->ipv4_pool, &out->ipv4_pool_len, NULL, 0);
	ctx.srv = out;

	conf_run(&ctx);
	if (ctx.eof && ctx.server_line == 0)
		conf_error_at(&ctx, 0, "[server] needs %s", conf_server_keys[0].name);
	conf_check_peers(&ctx, ctx.eof);
	if (ctx.eof)
		conf_check_ipv4(&ctx);
	if (ctx.eof && out->dhcpv6_preferred > out->dhcpv6_valid)
		conf_error_at(&ctx, ctx.server_line, "dhcpv6-preferred-lifetime %" PRIu32
		    " is longer than dhcpv6-valid-lifetime %" PRIu32 " (RFC 8415 21.6)",
		    out->dhcpv6_preferred, out->dhcpv6_valid);

	conf_ctx_done(&ctx, err, errlen);
	if (ctx.failed) {
		conf_server_free(out);
		return -1;
	}
	return 0;
}

int
conf_server_parse(const char *name, const uint8_t *buf, size_t len,
    struct conf_server *out, char *err, size_t errlen)
{
	return conf_server_parse_lookup(name, buf, len, false, out, err, errlen);
}

const char *
conf_server_reload_fixed(const struct conf_server *a, const struct conf_server *b)
{
	if (strcmp(a->private_key_file, b->private_key_file) != 0)
		return "private-key-file";
	if (a->listen_port != b->listen_port)
		return "listen-port";
	if (strcmp(a->upstream, b->upstream) != 0)
		return "upstream";
	if (a->prefix_auto != b->prefix_auto || (!a->prefix_auto && memcmp(&a->prefix, &b->prefix, sizeof(a->prefix)) != 0))
		return "prefix";
	if (a->sub_prefix_len != b->sub_prefix_len)
		return "sub-prefix-length";
	if (a->mtu != b->mtu)
		return "mtu";
	if (a->ndp_proxy != b->ndp_proxy)
		return "ndp-proxy";
	if (strcmp(a->state_dir, b->state_dir) != 0)
		return "state-dir";
	if (strcmp(a->control_socket, b->control_socket) != 0)
		return "control-socket";
	if (a->busy_poll != b->busy_poll)
		return "busy-poll";
	if (strcmp(a->user, b->user) != 0)
		return "user";
	if (strcmp(a->control_group, b->control_group) != 0)
		return "control-group";
	if (a->metrics_enabled != b->metrics_enabled ||
	    memcmp(&a->metrics_listen, &b->metrics_listen, sizeof(a->metrics_listen)) != 0)
		return "metrics-listen";
	if (a->public_ipv4_mode != b->public_ipv4_mode ||
	    (a->public_ipv4_mode == CONF_IPV4_ADDR && a->public_ipv4.s_addr != b->public_ipv4.s_addr))
		return "public-ipv4";
	if (memcmp(&a->nat64_prefix, &b->nat64_prefix, sizeof(a->nat64_prefix)) != 0)
		return "nat64-prefix";
	if (a->ipv4_pool.s_addr != b->ipv4_pool.s_addr || a->ipv4_pool_len != b->ipv4_pool_len)
		return "ipv4-pool";
	return NULL;
}

void
conf_server_free(struct conf_server *c)
{
	if (c == NULL)
		return;
	free(c->peers);
	free(c->forwards);
	free(c->maps);
	memset(c, 0, sizeof(*c));
}

const struct conf_peer *
conf_server_find_peer(const struct conf_server *c, const char *name)
{
	if (c == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < c->n_peers; i++)
		if (strcmp(c->peers[i].name, name) == 0)
			return &c->peers[i];
	return NULL;
}

/* ------------------------------------------------------------------ client */

static int
conf_client_parse_lookup(const char *name, const uint8_t *buf, size_t len, bool lookup,
    struct conf_client *out, char *err, size_t errlen)
{
	struct conf_ctx ctx;

	conf_ctx_init(&ctx, name, buf, len, CONF_FILE_CLIENT);
	ctx.lookup = lookup;
	memset(out, 0, sizeof(*out));
	out->control_gid = (gid_t)-1;
	snprintf(out->path, sizeof(out->path), "%s", ctx.name);
	out->server_port = CONF_DEFAULT_PORT;
	snprintf(out->tap, sizeof(out->tap), "%s", CONF_DEFAULT_CLIENT_TAP);
	snprintf(out->bridge, sizeof(out->bridge), "%s", CONF_DEFAULT_BRIDGE);
	out->keepalive = CONF_DEFAULT_KEEPALIVE;
	out->mtu = CONF_DEFAULT_MTU;
	snprintf(out->control_socket, sizeof(out->control_socket), "%s", CONF_DEFAULT_CLIENT_SOCK);
	snprintf(out->user, sizeof(out->user), "%s", CONF_DEFAULT_USER);
	ctx.cli = out;

	conf_run(&ctx);
	if (ctx.eof && ctx.client_line == 0)
		conf_error_at(&ctx, 0, "[client] needs %s", conf_client_keys[0].name);
	if (ctx.eof && strcmp(out->tap, out->bridge) == 0) {
		int tl = ctx.seen[CONF_CLIENT_TAP], bl = ctx.seen[CONF_CLIENT_BRIDGE];

		/* the tap is enslaved to the bridge: they cannot be one device */
		conf_error_at(&ctx, tl > bl ? tl : bl, "tap and bridge are both '%s'", out->tap);
	}

	conf_ctx_done(&ctx, err, errlen);
	if (ctx.failed) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int
conf_client_parse(const char *name, const uint8_t *buf, size_t len,
    struct conf_client *out, char *err, size_t errlen)
{
	return conf_client_parse_lookup(name, buf, len, false, out, err, errlen);
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

int
conf_server_load(const char *path, struct conf_server *out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return -1;
	ret = conf_server_parse_lookup(path, buf, len, true, out, err, errlen);
	free(buf);
	return ret;
}

int
conf_client_load(const char *path, struct conf_client *out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return -1;
	ret = conf_client_parse_lookup(path, buf, len, true, out, err, errlen);
	free(buf);
	return ret;
}
