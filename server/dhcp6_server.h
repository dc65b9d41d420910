/* SPDX-License-Identifier: ISC */
/* dhcp6_server: what a stateful DHCPv6 server (RFC 8415 16, 18.3) answers
 * on one site's link, without sockets: a parsed request in, a reply (or the
 * reason to stay silent) out, the leases table updated.
 *
 *   Solicit          -> Advertise (preference 255), or Reply with Rapid Commit
 *   Request          -> Reply, addresses bound
 *   Renew, Rebind    -> Reply, bindings extended (re-created after a loss)
 *   Release, Decline -> Reply Success; bindings freed, or declined addresses
 *                       taken out of the pool
 *   Confirm          -> Reply Success or NotOnLink
 *   Information-req  -> Reply with DNS servers and search list
 * IA_TA is answered NoAddrsAvail. IA_PD (RFC 8415 6.3) gets a /pd_len of
 * the site when the site delegates (prefix-delegation): the client's own
 * binding, or the lowest free block of that length but the first, which
 * holds the link's /64; routed to the router's link-local address (the
 * message's source) by the caller. Otherwise NoPrefixAvail: a router that
 * asks hears so instead of waiting. */
#ifndef V6EXT_DHCP6_SERVER_H
#define V6EXT_DHCP6_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "dhcp6.h"
#include "lease.h"
#include "names.h"
#include "prefix.h"

#define DHCP6_DEFAULT_PREFERRED 43200   /* s: 12 h; T1 is half, T2 0.8 of it */
#define DHCP6_DEFAULT_VALID     86400   /* s: 1 day */

struct dhcp6_server {
	const char *site;               /* the site's name, the lease key */
	struct prefix sub;              /* its sub-prefix */
	const uint8_t *duid;            /* the server's DUID */
	size_t duid_len;
	const struct in6_addr *dns;
	size_t n_dns;
	const uint8_t *domains;         /* RFC 1035 wire form, or NULL */
	size_t domains_len;
	uint32_t preferred, valid;      /* address lifetimes, seconds */
	const uint8_t *key;             /* 32 bytes: keys the address choice */
	lease_in_use_fn in_use;         /* addresses seen on the data path */
	void *in_use_ctx;
	const struct names_site *names; /* host names (names.h), or NULL */
	uint8_t pd_len;                 /* prefixes delegated: 0 none, else sub.len+1..64 */
	const struct in6_addr *from;    /* the client's link-local address */
};

/* The server's DUID: DUID-UUID (RFC 6355), derived from its public key (or
 * site-identity), so it is the same across restarts without a file, and
 * two gateways of one site answer a Renew of the other's (RFC 8415 18.3.4
 * has a server drop a Renew for another server's DUID). */
#define DHCP6_SERVER_DUID_LEN 18
void dhcp6_server_duid(const uint8_t pub[32], uint8_t duid[DHCP6_SERVER_DUID_LEN]);

/* Answer req at unix time now. DHCP6_OK: *reply is to be sent; *changed
 * says the leases changed (save them); *named what became of the name
 * the client asked for (names.h; NAMES_NONE when it asked none). Otherwise
 * the drop reason. */
enum dhcp6_drop dhcp6_server_answer(const struct dhcp6_server *srv, struct leases *l,
    const struct dhcp6_msg *req, uint64_t now, struct dhcp6_msg *reply, bool *changed,
    enum names_verdict *named);

#endif
