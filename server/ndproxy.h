/* SPDX-License-Identifier: ISC */
/* ndproxy: the NDP proxy on the upstream interface. The upstream router
 * has the whole /64 on-link and asks for every address by neighbour
 * solicitation; we answer with the upstream MAC for addresses in a site, so
 * it sends their traffic to us and the kernel routes it into the site's tap.
 * Runs in the engine, on a packet socket the parent opened (parent.c: it
 * passes neighbour solicitations on upstream only).
 *
 *   static  answer for every address of a site whose session is live
 *   auto    answer at once for an address seen in use in its site within
 *           HOSTS_FRESH_MS; for any other, send an NS into the site and
 *           answer when the host does (the router retransmits its NS once a
 *           second, RFC 4861 10, so a silent host is reachable on the first
 *           try); a host that is gone never answers, and the router's entry
 *           fails as it should
 *
 * A scan of a site from the internet makes the router ask for address after
 * address (RFC 6583). Each site has a budget: at most NDPROXY_SITE_ASKS NSes
 * into it and NDPROXY_SITE_ANSWERS answers for it a second, and at most
 * NDPROXY_SITE_PENDING questions waiting; a question over its site's share
 * gives way to that site's own oldest, never to another site's. What a
 * budget refuses is counted (ndp_limited); the router asks again.
 *
 * Solicitations arrive on a packet socket (multicast to the solicited-node
 * group and unicast neighbour unreachability probes alike); the socket adds
 * an all-multicast membership so a real NIC passes them up. */
#ifndef V6EXT_NDPROXY_H
#define V6EXT_NDPROXY_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct engine;
struct site;

#define NDPROXY_PENDING_MAX  256        /* questions waiting, all sites */
#define NDPROXY_SITE_PENDING 16         /* of them for one site */
#define NDPROXY_SITE_ASKS    10         /* NSes into one site a second */
#define NDPROXY_SITE_ANSWERS 50         /* answers for one site a second */
#define NDPROXY_WAIT_MS      3000       /* how long a question waits */
#define NDPROXY_RESOLICIT_MS 1000       /* one NS per target per second */

struct ndproxy *ndproxy_open(struct engine *e, int fd, char *err, size_t errlen);
void ndproxy_close(struct ndproxy *p);
/* A host in site s advertised target (an NA from the site): answer the
 * router's questions about it. */
void ndproxy_site_answered(struct ndproxy *p, struct site *s, const struct in6_addr *target);
void ndproxy_tick(struct ndproxy *p, uint64_t now);

struct ndproxy_stats {
	uint64_t solicitations;         /* valid NSes for a site's address */
	uint64_t answered;              /* NAs sent upstream */
	uint64_t asked;                 /* NSes sent into a site */
	uint64_t invalid;               /* malformed NDP on the upstream link */
	uint64_t limited;               /* questions or answers a site's budget refused */
};
const struct ndproxy_stats *ndproxy_stats(const struct ndproxy *p);

#endif
