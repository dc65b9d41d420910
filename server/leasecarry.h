/* SPDX-License-Identifier: ISC */
/* leasecarry: a site's prefix delegations, carried by its own client from
 * one gateway to the next (docs/ROUTING.md). Two gateways of one site share
 * nothing but the site; when the client fails over, the new gateway has no
 * binding for the home router's delegated prefix, so the internet could
 * reach the site's /64 but not the LANs behind the router until it renews
 * (hours: T1). Each gateway therefore sends the client a copy of the site's
 * delegations whenever they change and when the session comes up; the
 * client keeps the latest and hands it to whichever gateway it connects to.
 * That gateway takes each record only as its own DHCPv6 server could have
 * made it (inside the site, the peer's prefix-delegation length, outside
 * the link's /64, via a link-local router, not another's prefix, not
 * expired): a client can claim nothing it could not claim by DHCPv6-PD.
 *
 * The frame, inside the tunnel only (the client drops this ethertype from
 * the home bridge, and never writes it there):
 *
 *   Ethernet header, ethertype 0x88b5 (IEEE 802 local experimental 1)
 *   "v6xL" (4)  version 1 (1)  count (1)
 *   count records: plen (1)  iaid (4)  expires (8, unix seconds)
 *                  prefix (16)  via (16)  duid-len (1)  duid (duid-len)
 *   (big-endian; nothing after the last record)
 */
#ifndef V6EXT_LEASECARRY_H
#define V6EXT_LEASECARRY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp6.h"
#include "lease.h"
#include "prefix.h"

#define LEASECARRY_HEADER_LEN (14 + 6)
#define LEASECARRY_REC_MIN    (1 + 4 + 8 + 16 + 16 + 1)
#define LEASECARRY_MAX        32        /* records in one frame */

struct leasecarry_rec {
	uint8_t plen;
	uint32_t iaid;
	uint64_t expires;
	struct in6_addr prefix, via;
	uint8_t duid_len;
	uint8_t duid[DHCP6_DUID_MAX];
};

/* Whether frame is one of ours (ethertype and magic). */
bool leasecarry_is(const uint8_t *frame, size_t len);
/* The frame with n records (as many as fit in cap: *n_out), from mac.
 * Its length, 0 when not even the header fits. */
size_t leasecarry_build(const struct leasecarry_rec *r, size_t n, const uint8_t mac[6], uint8_t *out, size_t cap,
    size_t *n_out);
/* Parse a frame: every length checked; -1 with why. */
int leasecarry_parse(const uint8_t *frame, size_t len, struct leasecarry_rec *out, size_t max, size_t *n,
    const char **why);
/* The site's delegations in l that have not expired at now. */
size_t leasecarry_collect(const struct leases *l, const char *site, uint64_t now, struct leasecarry_rec *out,
    size_t max);
/* Whether r is one the site's DHCPv6 server could have made: inside sub,
 * pd_len long, outside link (the site's on-link /64), via a link-local
 * address, a DUID, expiring after now and no later than now + valid.
 * -1 with why. */
int leasecarry_check(const struct leasecarry_rec *r, const struct prefix *sub, const struct prefix *link,
    uint8_t pd_len, uint64_t now, uint32_t valid, const char **why);

#endif
