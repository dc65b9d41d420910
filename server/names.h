/* SPDX-License-Identifier: ISC */
/* names: the DNS names of the sites' hosts (docs/DNS.md). A host is named
 * by the configuration (host = NAME IPV6, host-duid = NAME DUID) or by the
 * Client FQDN option its DHCPv6 client sends (RFC 4704); a name is one
 * label, published as <host>.<site>.<dns-zone>. This module checks and
 * chooses names, answers the option, and keeps the records that must exist
 * and those that may (the state file state-dir/names): pure, run in the
 * engine, which hands the changes to the publisher (publisher.h).
 *
 * The file, one record per line:
 *
 *   v6ext-names 1
 *   name SITE HOST AAAA|A ADDRESS [deleting]   published, or being deleted
 *   end N                                      the number of records
 */
#ifndef V6EXT_NAMES_H
#define V6EXT_NAMES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct leases;
struct dhcp6_msg;

#define NAMES_HOST_MAX   63                     /* one label (RFC 1035 2.3.4) */
#define NAMES_FILE       "names"
#define NAMES_MAX        (2 * 65536 + 4096)     /* leases, their A records, static hosts */
#define NAMES_FILE_MAX   (NAMES_MAX * 128u + 256)
#define NAMES_TTL        300                    /* seconds, every record */

enum names_verdict {
	NAMES_NONE,             /* no name: no option, an empty one, or N set */
	NAMES_OK,
	NAMES_BAD,              /* not a host name, or a broken or compressed wire name */
	NAMES_LONG,             /* over 255 bytes, or <host>.<site>.<zone> over 253 */
	NAMES_TAKEN,            /* another host's */
	NAMES_VERDICT_MAX
};
const char *names_verdict_name(enum names_verdict v);

/* A host name label (RFC 1123 2.1): 1..63 letters, digits and hyphens, no
 * hyphen at either end. */
bool names_label_ok(const char *s);

/* The host of a Client FQDN's name (name, len bytes of wire form): its
 * first label, lower-cased. The whole name is checked first: RFC 4704 4.1
 * wants it uncompressed, so a pointer (or an extended label type) is BAD,
 * as is a label past len or anything after the root label; over 255 bytes
 * is LONG. An empty name is NONE (the client asks for one). */
enum names_verdict names_fqdn_host(const uint8_t *name, size_t len, char host[NAMES_HOST_MAX + 1]);

/* What naming one site's hosts needs. */
struct names_site {
	const char *site;
	const char *zone;               /* dns-zone, or NULL */
	bool publish;                   /* something publishes: the server does the updates */
	const struct conf_server *conf; /* host, host-duid */
};

/* The full name of host in ns: "host.site.zone" (or "host.site"), 0, or
 * -1 when it is over 253 characters. */
int names_fqdn(const struct names_site *ns, const char *host, char *out, size_t cap);

/* The name of the client of req: its host-duid, else the first label of
 * its Client FQDN if no other host of the site holds it (a static host, a
 * host-duid of another DUID, another DUID's lease). */
enum names_verdict names_choose(const struct names_site *ns, const struct leases *l, const struct dhcp6_msg *req,
    char host[NAMES_HOST_MAX + 1]);

/* The Client FQDN option of the reply to req, when req has one (RFC 4704
 * 5): S set when the server publishes host (O when the client had it
 * clear), N set when it publishes nothing; the name the server uses. */
void names_reply(const struct names_site *ns, const struct dhcp6_msg *req, enum names_verdict v, const char *host,
    struct dhcp6_msg *reply);

/* ------------------------------------------------------------ the records */

struct names_rec {
	char site[CONF_NAME_MAX + 1];
	char host[NAMES_HOST_MAX + 1];
	uint8_t family;                 /* AF_INET6 (AAAA) or AF_INET (A) */
	uint8_t addr[16];               /* an in6_addr, or an in_addr in the first 4 */
	bool deleting;                  /* in the published set: a delete not yet confirmed */
};

/* Records sorted by (site, host, family, addr), each once. */
struct names_set {
	struct names_rec *v;
	size_t n, cap;
};

void names_set_free(struct names_set *s);
int names_rec_cmp(const struct names_rec *a, const struct names_rec *b);
/* Insert r (kept sorted; a record already there is left as it is). -1 on
 * ENOMEM or at NAMES_MAX. */
int names_set_add(struct names_set *s, const struct names_rec *r);
struct names_rec *names_set_find(const struct names_set *s, const struct names_rec *r);

/* The IPv4 addresses an A record of a site host's address points to (a
 * forward's public address, an ipv4-map's): up to 2 into out. */
typedef size_t (*names_v4_fn)(void *ctx, const char *site, const struct in6_addr *a, struct in_addr out[2]);

/* Every record ns's site should have (every site's, when ns->site is
 * NULL): a static host's AAAA, a named lease's AAAA, and an A for each of
 * their addresses that v4 maps. */
int names_site_records(const struct names_site *ns, const struct leases *l, names_v4_fn v4, void *ctx,
    struct names_set *out);

/* The records of site in s, as a set that borrows s's memory (cap 0: not
 * to be grown or freed). */
struct names_set names_slice(const struct names_set *s, const char *site);

enum names_op { NAMES_ADD = 1, NAMES_DEL, NAMES_OLD };
typedef void (*names_op_fn)(void *ctx, enum names_op op, const struct names_rec *r);

/* Make the published set pub agree with want for site (want's records all
 * of site): a wanted record not published (or being deleted) is added, a
 * published one not wanted is deleted (kept, marked, until confirmed). At
 * start-up (start), a record in both is announced as NAMES_OLD and one
 * being deleted is deleted again. Returns whether pub changed. */
bool names_sync_site(struct names_set *pub, const char *site, const struct names_set *want, bool start,
    names_op_fn op, void *ctx);
/* Delete every published record whose site is_site says is gone. */
bool names_sync_gone(struct names_set *pub, bool (*is_site)(void *ctx, const char *site), names_op_fn op,
    void *ctx);
/* The publisher deleted r: forget it, unless it was wanted again since. */
bool names_deleted(struct names_set *pub, const struct names_rec *r);

/* The state file, through statefile. */
int names_parse(const uint8_t *buf, size_t len, struct names_set *s, char *err, size_t errlen);
int names_build(const struct names_set *s, char **out, size_t *len);

/* "vm1 AAAA 2001:db8::1" for log lines. */
void names_rec_format(const struct names_rec *r, char *out, size_t cap);

#endif
