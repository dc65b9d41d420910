/* ndproxy: the NDP proxy on the upstream interface. The upstream router
 * has the whole /64 on-link and asks for every address by neighbour
 * solicitation; we answer with the upstream MAC for addresses in a site, so
 * it sends their traffic to us and the kernel routes it into the site's tap.
 *
 *   static  answer for every address of every site's sub-prefix
 *   auto    answer at once for an address seen in use in its site within
 *           HOSTS_FRESH_MS; for any other, send an NS into the site and
 *           answer when the host does (the router retransmits its NS once a
 *           second, RFC 4861 10, so a silent host is reachable on the first
 *           try); a host that is gone never answers, and the router's entry
 *           fails as it should
 *
 * Solicitations arrive on a packet socket (multicast to the solicited-node
 * group and unicast neighbour unreachability probes alike); the socket adds
 * an all-multicast membership so a real NIC passes them up. */
#ifndef V6EXT_NDPROXY_H
#define V6EXT_NDPROXY_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct server;
struct site;

#define NDPROXY_PENDING_MAX 256         /* questions waiting for a site */
#define NDPROXY_WAIT_MS     3000        /* how long a question waits */
#define NDPROXY_RESOLICIT_MS 1000       /* one NS per target per second */

struct ndproxy *ndproxy_open(struct server *srv, char *err, size_t errlen);
void ndproxy_close(struct ndproxy *p);
/* A host in site s advertised target (an NA from the site): answer the
 * router's questions about it. */
void ndproxy_site_answered(struct ndproxy *p, struct site *s, const struct in6_addr *target);
/* Site s is going away: forget its questions. */
void ndproxy_forget_site(struct ndproxy *p, const struct site *s);
void ndproxy_tick(struct ndproxy *p, uint64_t now);

struct ndproxy_stats {
	uint64_t solicitations;         /* valid NSes for a site's address */
	uint64_t answered;              /* NAs sent upstream */
	uint64_t asked;                 /* NSes sent into a site */
	uint64_t invalid;               /* malformed NDP on the upstream link */
	uint64_t overflow;              /* questions dropped: table full */
};
const struct ndproxy_stats *ndproxy_stats(const struct ndproxy *p);

#endif
