/* SPDX-License-Identifier: ISC */
/* pdroutes: the routes a site's delegated prefixes (DHCPv6-PD) need, kept
 * as its leases say. Each delegated prefix is routed via the link-local
 * address of the router it was delegated to, on the site's tap (RFC 8415
 * 6.3: the delegating router installs the route). Pure: pdroutes_plan says
 * what to delete and what to add; the engine asks the parent (privmsg
 * ROUTE) and records here what was done. */
#ifndef V6EXT_PDROUTES_H
#define V6EXT_PDROUTES_H

#include <netinet/in.h>
#include <stddef.h>

#include "lease.h"
#include "prefix.h"

struct pdroute {
	struct prefix prefix;
	struct in6_addr via;
};

struct pdroutes {
	struct pdroute *v;
	size_t n, cap;
};

void pdroutes_init(struct pdroutes *r);
void pdroutes_free(struct pdroutes *r);
/* Record a route installed (replacing one to the same prefix); -1 when
 * out of memory. */
int pdroutes_put(struct pdroutes *r, const struct pdroute *x);
/* Forget the route to x's prefix. */
void pdroutes_drop(struct pdroutes *r, const struct pdroute *x);
/* What site's leases want against what have holds: del gets the routes
 * whose prefix is no longer delegated or whose router changed, add the
 * delegations not routed (or routed elsewhere). del and add are reset
 * first. -1 when out of memory. */
int pdroutes_plan(const struct pdroutes *have, const struct leases *l, const char *site,
    struct pdroutes *del, struct pdroutes *add);

#endif
