/* SPDX-License-Identifier: ISC */
/* ndp: Neighbor Discovery (RFC 4861) messages as whole Ethernet frames.
 * One struct describes RS, RA, NS and NA; ndp_parse reads one with every
 * length checked and applies the validity rules of RFC 4861 6.1 and 7.1;
 * ndp_build is its twin and writes what the server sends: RAs and NSes into
 * a site, NAs on the upstream link. */
#ifndef V6EXT_NDP_H
#define V6EXT_NDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define NDP_RS 133
#define NDP_RA 134
#define NDP_NS 135
#define NDP_NA 136

#define NDP_RA_MANAGED   0x80   /* RFC 4861 4.2 M flag */
#define NDP_RA_OTHER     0x40   /* O flag */
#define NDP_NA_ROUTER    0x80   /* RFC 4861 4.4 R, S and O flags */
#define NDP_NA_SOLICITED 0x40
#define NDP_NA_OVERRIDE  0x20
#define NDP_PIO_ONLINK   0x80   /* RFC 4861 4.6.2 L and A flags */
#define NDP_PIO_AUTO     0x40

#define NDP_RDNSS_MAX    4      /* what we send and keep; more are skipped */
#define NDP_FRAME_MAX    256    /* the longest frame ndp_build writes (230) */
#define NDP_PREF64_LIFETIME_MAX 65528   /* RFC 8781 4.1: 13 bits of 8-second units */

enum ndp_err {
	NDP_OK = 0,
	NDP_NOT_NDP,            /* not an RS, RA, NS or NA: nothing to judge */
	NDP_BAD_LENGTH,         /* IPv6 or ICMPv6 length wrong or truncated */
	NDP_BAD_HOPLIMIT,       /* not 255: it crossed a router (6.1.1) */
	NDP_BAD_CHECKSUM,
	NDP_BAD_CODE,           /* ICMP code not 0 */
	NDP_BAD_OPTION,         /* zero-length option or one past the end */
	NDP_BAD_FIELD,          /* multicast target, SLLA with source ::, ... */
};

struct ndp_msg {
	uint8_t type;                   /* NDP_RS .. NDP_NA */
	uint8_t eth_dst[6], eth_src[6];
	struct in6_addr src, dst;
	struct in6_addr target;         /* NS, NA */
	uint8_t flags;                  /* RA: M, O; NA: R, S, O */
	bool has_lla;                   /* source (RS, RA, NS) or target (NA) */
	uint8_t lla[6];                 /* link-layer address option */
	/* RA only */
	uint8_t cur_hop_limit;
	uint16_t router_lifetime;       /* seconds */
	uint32_t reachable_ms, retrans_ms;
	uint32_t mtu;                   /* 0: no MTU option */
	bool has_prefix;                /* the first Prefix Information option */
	struct prefix prefix;
	uint8_t prefix_flags;           /* L, A */
	uint32_t valid_lifetime, preferred_lifetime;
	size_t n_rdnss;                 /* RFC 8106 RDNSS, 0: none */
	struct in6_addr rdnss[NDP_RDNSS_MAX];
	uint32_t rdnss_lifetime;
	bool has_route;                 /* RFC 4191 2.3 Route Information, the first */
	struct prefix route;
	uint32_t route_lifetime;        /* seconds; preference medium */
	bool has_pref64;                /* RFC 8781 4 PREF64, the first */
	struct prefix pref64;           /* /32, /40, /48, /56, /64 or /96 */
	uint16_t pref64_lifetime;       /* seconds, a multiple of 8, at most 65528 */
};

/* Parse the Ethernet frame in buf. NDP_NOT_NDP for anything but an
 * untagged IPv6 frame carrying ICMPv6 types 133..136 directly (RFC 6980:
 * ND messages carry no fragment header); other errors say why a message
 * that is ND was invalid and must be dropped. *out is left untouched for
 * NDP_NOT_NDP (the data path calls this on every frame). */
enum ndp_err ndp_parse(const uint8_t *buf, size_t len, struct ndp_msg *out);
const char *ndp_err_name(enum ndp_err e);

/* Write m as an Ethernet frame into out: hop limit 255, options in the
 * order LLA, MTU, prefix, RDNSS, route, PREF64, checksum set. Returns the frame length,
 * or 0 when cap is too small or m->type is not an ND type. */
size_t ndp_build(const struct ndp_msg *m, uint8_t *out, size_t cap);

/* fe80::/64 with the modified EUI-64 of mac (RFC 4291 2.5.1, appendix A):
 * the link-local address Linux gives an interface with that MAC. */
void ndp_link_local(const uint8_t mac[6], struct in6_addr *out);
/* RFC 4291 2.7.1: ff02::1:ffXX:XXXX, and RFC 2464 7: its 33:33:xx MAC. */
void ndp_solicited_node(const struct in6_addr *addr, struct in6_addr *group, uint8_t mac[6]);
/* RFC 2464 7: the Ethernet address of an IPv6 multicast group. */
void ndp_multicast_mac(const struct in6_addr *group, uint8_t mac[6]);

#endif
