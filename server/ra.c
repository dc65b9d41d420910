/* SPDX-License-Identifier: ISC */
/* ra: router advertisements into a site; see ra.h. */
#include "config.h"

#include <string.h>

#include "ndp.h"
#include "ra.h"

/* ff02::1, all nodes (RFC 4291 2.7.1) */
static const struct in6_addr ra_all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } };

size_t
ra_build(const struct ra_conf *c, const struct ra_link *l, const struct in6_addr *dst,
    const uint8_t *dst_mac, bool withdraw, uint8_t *out, size_t cap)
{
	struct ndp_msg ra = {
		.type = NDP_RA,
		.src = l->ll,
		.cur_hop_limit = 64,
		.flags = c->managed ? NDP_RA_MANAGED | NDP_RA_OTHER : 0,
		.router_lifetime = withdraw ? 0 : RA_ROUTER_LIFETIME,
		.has_lla = true,
		.mtu = c->mtu,
		.has_prefix = true,
		.prefix_flags = NDP_PIO_ONLINK,
		.valid_lifetime = withdraw ? 0 : RA_PREFIX_VALID,
		.preferred_lifetime = withdraw ? 0 : RA_PREFIX_PREFERRED,
		.n_rdnss = c->n_dns < NDP_RDNSS_MAX ? c->n_dns : NDP_RDNSS_MAX,
		/* RFC 8106 5.1: lifetime 0 withdraws the servers */
		.rdnss_lifetime = withdraw ? 0 : RA_RDNSS_LIFETIME,
	};

	/* the link's prefix: the site, or the first /64 of a shorter one;
	 * autonomous (SLAAC) exactly when it is a /64 */
	prefix_link(&l->sub, &ra.prefix);
	if (ra.prefix.len == PREFIX_BASE_LEN)
		ra.prefix_flags |= NDP_PIO_AUTO;
	if (c->nat64 != NULL) {
		/* both live as long as the router: RFC 4191 3.1 (the route
		 * expires with its router), RFC 8781 4.1 (3 x MaxRtrAdvInterval) */
		ra.has_route = ra.has_pref64 = true;
		ra.route = ra.pref64 = *c->nat64;
		ra.route_lifetime = ra.pref64_lifetime = withdraw ? 0 : RA_ROUTER_LIFETIME;
	}
	memcpy(ra.eth_src, l->mac, 6);
	memcpy(ra.lla, l->mac, 6);
	if (ra.n_rdnss > 0)
		memcpy(ra.rdnss, c->dns, ra.n_rdnss * sizeof(ra.rdnss[0]));
	if (dst != NULL) {
		ra.dst = *dst;
		memcpy(ra.eth_dst, dst_mac, 6);
	} else {
		ra.dst = ra_all_nodes;
		ndp_multicast_mac(&ra.dst, ra.eth_dst);
	}
	return ndp_build(&ra, out, cap);
}

void
ra_timer_start(struct ra_timer *t)
{
	/* hosts that asked while the tunnel was down hear now */
	t->initial = RA_INITIAL_COUNT;
	t->next_ms = 0;
}

bool
ra_timer_due(struct ra_timer *t, uint64_t now, uint32_t rnd)
{
	uint64_t next;

	if (now < t->next_ms)
		return false;
	next = RA_INTERVAL_MIN_MS + rnd % (RA_INTERVAL_MAX_MS - RA_INTERVAL_MIN_MS);
	if (t->initial > 0) {
		t->initial--;
		if (next > RA_INITIAL_MS)
			next = RA_INITIAL_MS;
	}
	t->next_ms = now + next;
	return true;
}

bool
ra_rs_allowed(struct ra_timer *t, uint64_t now)
{
	if (now - t->rs_window_ms >= 1000) {
		t->rs_window_ms = now;
		t->rs_answers = 0;
	}
	return t->rs_answers++ < RA_RS_PER_SECOND;
}
