/* SPDX-License-Identifier: ISC */
/* conf_internal: what the configuration parser's files share (conf.c the
 * file, its sections and lines; conf_value.c the typed values; conf_server.c
 * and conf_client.c each file's keys and checks). Not for other modules:
 * conf.h is the parser's interface. */
#ifndef V6EXT_CONF_INTERNAL_H
#define V6EXT_CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* The largest file conf_*_load() reads. */
/* inih's section buffer (MAX_SECTION in ini.c): its handler sees the first
 * 49 bytes of a section name. */
#define CONF_INI_SECTION    50
/* Longest section header text between '[' and ']' we look at. */
#define CONF_SECTION_TEXT   128
/* Most keys one section takes (bits of the per-section seen table). */
#define CONF_SECTION_KEYS   32
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
	int pd;                         /* prefix-delegation */
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

	/* lines of [server] keys checked against each other once the whole
	 * file is read (0: not in the file) */
	int prefix_line, sub_len_line, ndp_line;

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

#define CONF_FIELD(type, field) \
	.off = offsetof(type, field), .size = sizeof(((type *)0)->field)

/* Indices into conf_peer_keys, for the lines kept per peer. */
enum {
	CONF_PEER_PUBLIC_KEY,
	CONF_PEER_PSK,
	CONF_PEER_SUB_PREFIX,
	CONF_PEER_TAP,
	CONF_PEER_FORWARD,
	CONF_PEER_MAP,
	CONF_PEER_HOST,
	CONF_PEER_HOST_DUID,
	CONF_PEER_PD,
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
	CONF_CLIENT_STANDBY,
	CONF_CLIENT_DEAD_AFTER,
	CONF_CLIENT_FAILBACK,
};

/* Each file's key tables (conf_server.c, conf_client.c). */
extern const struct conf_key conf_server_keys[];
extern const size_t conf_server_n_keys;
extern const struct conf_key conf_peer_keys[];
extern const size_t conf_peer_n_keys;
extern const struct conf_key conf_client_keys[];
extern const size_t conf_client_n_keys;

/* conf.c: errors ("FILE:LINE: message", the earliest line wins), a value
 * echoed safely, the sections, the run over a buffer. */
void conf_error(struct conf_ctx *, const char *, ...) __attribute__((format(printf, 2, 3)));
void conf_error_at(struct conf_ctx *, int, const char *, ...) __attribute__((format(printf, 3, 4)));
const char *conf_vis(char out[CONF_VIS_LEN], const char *s);
const char *conf_section_label(struct conf_ctx *ctx, char *buf, size_t buflen);
void conf_ctx_init(struct conf_ctx *ctx, const char *name, const uint8_t *buf, size_t len, enum conf_file file);
void conf_run(struct conf_ctx *ctx);
void conf_ctx_done(struct conf_ctx *ctx, char *err, size_t errlen);

/* conf_value.c: one helper per kind of value, an error reported where it
 * fails; and the setters the key tables name. */
int conf_parse_uint(struct conf_ctx *ctx, const char *what, const char *s, uint64_t min, uint64_t max,
    uint64_t *out);
int conf_parse_bool(struct conf_ctx *ctx, const char *what, const char *s, bool *out);
int conf_parse_path(struct conf_ctx *ctx, const char *what, const char *s, char *dst, size_t size);
int conf_parse_ifname(struct conf_ctx *ctx, const char *what, const char *s, char dst[IFNAMSIZ]);
int conf_parse_key(struct conf_ctx *ctx, const char *what, const char *s, uint8_t dst[KEY_LEN]);
int conf_parse_prefix(struct conf_ctx *ctx, const char *what, const char *s, struct prefix *dst);
int conf_parse_hostport(struct conf_ctx *ctx, const char *what, const char *s, char *host, size_t hostsize,
    bool *bracketed, uint16_t *port, uint16_t default_port);
/* [IPV6]:PORT or IPV4:PORT, literals only; default_port 0: the port is required. */
int conf_parse_sockaddr(struct conf_ctx *ctx, const char *what, const char *v, struct sockaddr_storage *ss,
    uint16_t default_port);
void *conf_field(void *base, const struct conf_key *k);
int conf_set_path(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_ifname(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_u8(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_u16(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_u32(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_search(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_bool(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_key(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_user(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_group(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);

/* conf_dns.c: the DNS names' keys and their checks across the file. */
int conf_set_dns_zone(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_dns_update(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_host(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
int conf_set_host_duid(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v);
void conf_check_dns(struct conf_ctx *ctx);
const char *conf_dns_reload_fixed(const struct conf_server *a, const struct conf_server *b);
/* conf_server.c: what the DNS checks share with the IPv4 ones. */
void conf_check_host(struct conf_ctx *ctx, const char *what, const char *peer_name, const struct in6_addr *a,
    int line);
void *conf_grow(struct conf_ctx *ctx, void *v, size_t n, size_t size, size_t max, const char *what);

#endif
