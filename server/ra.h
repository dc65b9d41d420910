/* SPDX-License-Identifier: ISC */
/* ra: the router advertisements v6extd sends into each site: what they say
 * (ra_build) and when (ra_tick, ra_rs_allowed). Pure: the caller sends.
 *
 * When (RFC 4861 6.2.1, 6.2.4 and 10, with radvd's defaults): periodic at a
 * random interval of RA_INTERVAL_MIN_MS..RA_INTERVAL_MAX_MS; the first
 * RA_INITIAL_COUNT after a session comes up at most RA_INITIAL_MS apart;
 * and in answer to every valid RS, at most RA_RS_PER_SECOND a second.
 *
 * What: from the tap's link-local address, hop limit 255; M and O set when
 * DHCPv6 is on; the site's sub-prefix on-link (L=1), autonomous (A=1) only
 * when it is a /64 (SLAAC needs one, RFC 4862 5.5.3): a /78 is not, a /64
 * site of a routed prefix is; a site shorter than /64 puts its first /64 on
 * the link (prefix_link); the inner MTU; RDNSS (RFC 8106);
 * with the translator running, the NAT64 prefix as a route (RFC 4191, so a
 * host whose default route is its home line's still sends IPv4-bound
 * traffic here) and as PREF64 (RFC 8781, for CLAT and DNS64-less hosts).
 * A withdrawal (a site removed for good) has router and prefix lifetimes 0
 * (RFC 4861 6.2.5). */
#ifndef V6EXT_RA_H
#define V6EXT_RA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define RA_INTERVAL_MIN_MS  (200u * 1000)
#define RA_INTERVAL_MAX_MS  (600u * 1000)
#define RA_INITIAL_COUNT    3
#define RA_INITIAL_MS       (16u * 1000)
#define RA_ROUTER_LIFETIME  1800    /* s: 3 x the longest interval */
#define RA_PREFIX_VALID     86400   /* s: the on-link prefix */
#define RA_PREFIX_PREFERRED 14400
#define RA_RDNSS_LIFETIME   1800    /* s: RFC 8106 5.1, >= the interval */
#define RA_RS_PER_SECOND    10

/* What every site's RAs say alike. */
struct ra_conf {
	uint32_t mtu;
	bool managed;                   /* DHCPv6 on: M and O */
	const struct in6_addr *dns;
	size_t n_dns;
	const struct prefix *nat64;     /* NULL: no translator */
};

/* One site's link: its tap's MAC and link-local address, its sub-prefix. */
struct ra_link {
	uint8_t mac[6];
	struct in6_addr ll;
	struct prefix sub;
};

/* An RA frame into out (cap >= NDP_FRAME_MAX): to dst/dst_mac (the host
 * that asked), or to all nodes when dst is NULL. Returns its length, 0 if
 * it did not fit. */
size_t ra_build(const struct ra_conf *c, const struct ra_link *l, const struct in6_addr *dst,
    const uint8_t *dst_mac, bool withdraw, uint8_t *out, size_t cap);

/* One site's timing. */
struct ra_timer {
	uint64_t next_ms;               /* next periodic RA */
	unsigned initial;               /* fast initial RAs still due */
	uint64_t rs_window_ms;          /* RS answers in the current second */
	unsigned rs_answers;
};

/* The session came up: the fast initial RAs, the first one now. */
void ra_timer_start(struct ra_timer *t);
/* Whether a periodic RA is due at now; if so the next one is scheduled
 * (interval from rnd, a uniform random number below the interval range). */
bool ra_timer_due(struct ra_timer *t, uint64_t now, uint32_t rnd);
/* Whether an RS may be answered now (at most RA_RS_PER_SECOND a second). */
bool ra_rs_allowed(struct ra_timer *t, uint64_t now);

#endif
