/* SPDX-License-Identifier: ISC */
/* lease: the DHCPv6 bindings of every site and the state file that keeps
 * them. A client's address is a function of (server key, site, DUID, IAID)
 * so the same client gets the same address after a restart and after its
 * lease expired; the file keeps what was given, what was declined, and
 * until when.
 *
 * The file (state-dir/leases), one record per line:
 *
 *   v6ext-leases 1
 *   lease SITE DUID-HEX IAID ADDRESS EXPIRES [NAME]   EXPIRES in unix seconds;
 *                                                NAME the host's (names.h)
 *   declined SITE ADDRESS EXPIRES                out of the pool until then
 *   prefix SITE DUID-HEX IAID PREFIX/LEN VIA EXPIRES
 *                                                a delegated prefix (IA_PD,
 *                                                RFC 8415 6.3), routed to the
 *                                                router at link-local VIA
 *   end N                                         the number of records
 */
#ifndef V6EXT_LEASE_H
#define V6EXT_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "dhcp6.h"
#include "prefix.h"
#include "statefile.h"

#define LEASE_FILE      "leases"
#define LEASE_FILE_MAX  (16u << 20)
#define LEASE_SITE_MAX  1024            /* bindings per site */
#define LEASE_TOTAL_MAX 65536           /* in all: the file stays under 16 MiB */
#define LEASE_TRIES     16              /* candidate addresses per client */
/* Host parts below this are never handed out: they are for static
 * addresses (2001:db8:64:1:4::10), and the router's own would be there. */
#define LEASE_HOST_MIN  0x10000

struct lease {
	char site[CONF_NAME_MAX + 1];
	size_t duid_len;                /* 0: a declined address */
	uint8_t duid[DHCP6_DUID_MAX];
	uint32_t iaid;
	struct in6_addr addr;           /* an address, or a delegated prefix's */
	uint8_t plen;                   /* 0: an address; else a delegated addr/plen */
	struct in6_addr via;            /* a delegated prefix's router (link-local) */
	uint64_t expires;               /* unix seconds */
	char name[64];                  /* the host's name (names.h), "" for none */
};

struct leases {
	struct lease *v;
	size_t n, cap;
};

void leases_init(struct leases *l);
void leases_free(struct leases *l);

/* An address binding (IA_NA) of (site, duid, iaid); delegated prefixes
 * are not addresses and never match. */
struct lease *lease_find(const struct leases *l, const char *site, const uint8_t *duid, size_t duid_len,
    uint32_t iaid);
struct lease *lease_by_addr(const struct leases *l, const struct in6_addr *addr);
/* The delegated prefix of (site, duid, iaid) (IA_PD: its IAIDs are apart
 * from IA_NA's, RFC 8415 21.21), and the delegation of a prefix. */
struct lease *lease_find_pd(const struct leases *l, const char *site, const uint8_t *duid, size_t duid_len,
    uint32_t iaid);
struct lease *lease_by_prefix(const struct leases *l, const struct prefix *p);
size_t lease_count(const struct leases *l, const char *site);

/* Is addr in use by a host on the data path? (The NDP proxy's table.) */
typedef bool (*lease_in_use_fn)(void *ctx, const struct in6_addr *addr);

/* The address for (site, duid, iaid) in sub: the one its lease holds, or
 * the first of LEASE_TRIES candidates that is a valid host part, held by no
 * other lease (declined ones included) and not in use. -1 when none is. */
int lease_pick(const struct leases *l, const uint8_t key[32], const char *site, const struct prefix *sub,
    const uint8_t *duid, size_t duid_len, uint32_t iaid, lease_in_use_fn in_use, void *ctx,
    struct in6_addr *out);
/* Record (or extend) a binding. -1 when the site holds LEASE_SITE_MAX or
 * the table LEASE_TOTAL_MAX. */
int lease_commit(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid,
    const struct in6_addr *addr, uint64_t expires);
/* Record (or extend) a delegation of p to the router at via. -1 as
 * lease_commit, and when another binding holds p. */
int lease_commit_pd(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, uint32_t iaid,
    const struct prefix *p, const struct in6_addr *via, uint64_t expires);
/* Take addr out of the pool until `until` (a Decline, RFC 8415 18.3.8): any
 * binding of it goes. */
int lease_decline(struct leases *l, const char *site, const struct in6_addr *addr, uint64_t until);
void lease_remove(struct leases *l, struct lease *e);
/* Name every binding of (site, duid): name, or "" for none. */
void lease_name(struct leases *l, const char *site, const uint8_t *duid, size_t duid_len, const char *name);
/* Drop what expired at or before now; returns how many. */
size_t lease_expire(struct leases *l, uint64_t now);

int leases_parse(const uint8_t *buf, size_t len, struct leases *l, char *err, size_t errlen);
int leases_build(const struct leases *l, char **out, size_t *outlen);
/* state-dir/leases, through statefile: 0 or an errno, with "state-dir
 * PATH: leases: why" in err. A missing file (ENOENT) is an error, as
 * statefile_start has made it: it was lost. */
int leases_load(const struct statefile_dir *d, struct leases *l, char *err, size_t errlen);
int leases_save(const struct statefile_dir *d, const struct leases *l, char *err, size_t errlen);

#endif
