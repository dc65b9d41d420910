/* SPDX-License-Identifier: ISC */
/* siit_internal: what siit.c (headers, TCP/UDP, fragments) and siit_icmp.c
 * (ICMP echo and errors) share. Not for the engine: it calls siit.h. */
#ifndef V6EXT_SIIT_INTERNAL_H
#define V6EXT_SIIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siit.h"

#define SIIT_IP4_LEN    20
#define SIIT_IP6_LEN    40
#define SIIT_FRAG_LEN   8
#define SIIT_ICMP_LEN   8
#define SIIT_ICMP6_MAX  1280    /* RFC 7915 4.2: an ICMPv6 error fits the minimum MTU */
#define SIIT_ICMP4_MAX  576     /* RFC 1812 4.3.2.3: an ICMPv4 error's size */

#define IPPROTO_ICMP4   1
#define IPPROTO_ICMP6   58

/* An IPv4 packet, parsed: the header copied out (aligned, options and
 * all), the payload where it is in the input. */
struct siit_v4 {
	uint8_t h[60];
	size_t hlen;
	size_t tot;                     /* the Total Length field */
	uint8_t tos, ttl, proto;
	uint16_t id, off;               /* off in bytes */
	bool df, mf;
	struct in_addr src, dst;
	const uint8_t *pl;
	size_t pllen;                   /* payload present (inner: maybe truncated) */
};

/* An IPv6 packet, parsed past its extension headers. */
struct siit_v6 {
	uint8_t h[40];
	struct in6_addr src, dst;
	uint8_t tc, hlim, nh;           /* nh: the upper layer's */
	bool frag, mf;                  /* a Fragment header; its M flag */
	uint16_t off;                   /* its offset in bytes */
	uint32_t id;
	const uint8_t *pl;              /* the upper layer */
	size_t pllen;                   /* present (inner: maybe truncated) */
	size_t ulen;                    /* what the header says it is */
};

static inline uint16_t
siit_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
siit_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
siit_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
siit_put32(uint8_t *p, uint32_t v)
{
	siit_put16(p, (uint16_t)(v >> 16));
	siit_put16(p + 2, (uint16_t)v);
}

/* inner: a packet inside an ICMP error, which may be cut short; its
 * lengths are taken as they are, its header checksum is not checked. */
enum siit_drop siit_parse4(const uint8_t *pkt, size_t len, bool inner, struct siit_v4 *v);
enum siit_drop siit_parse6(const uint8_t *pkt, size_t len, bool inner, struct siit_v6 *v);

/* Headers written in place; siit_write4 computes the header checksum. */
void siit_write4(uint8_t *o, uint8_t tos, uint16_t tot, uint16_t id, uint16_t flags_off, uint8_t ttl,
    uint8_t proto, const struct in_addr *src, const struct in_addr *dst);
void siit_write6(uint8_t *o, uint8_t tc, uint16_t plen, uint8_t nh, uint8_t hlim,
    const struct in6_addr *src, const struct in6_addr *dst);

/* RFC 1624 eqn. 3: checksum hc of a message in which words summing to old
 * became words summing to new (unfolded sums). */
uint16_t siit_csum_adjust(uint16_t hc, uint64_t old, uint64_t new);
/* The TCP or UDP checksum at its place in l4 (len bytes present) after
 * the pseudo-header's addresses changed from old to new; nothing when the
 * field is not there (a short inner packet). */
void siit_l4_readdress(uint8_t proto, uint8_t *l4, size_t len, uint64_t old, uint64_t new);

/* Whether an IPv4 address is never a source or destination we translate:
 * 0/8, 127/8, 224/4 and above (multicast, reserved, broadcast). */
bool siit_v4_special(const struct in_addr *a);

/* ICMP, siit_icmp.c. The echo head: the 8-byte ICMP header of the other
 * family, checksum included, for a whole (unfragmented) message. ip6: the
 * translated (4to6) or original (6to4) IPv6 header, for the pseudo-header. */
enum siit_drop siit_icmp_echo_4to6(const struct siit_v4 *v, const uint8_t *ip6, uint8_t head[8]);
enum siit_drop siit_icmp_echo_6to4(const struct siit_v6 *v, const uint8_t *ip6, uint8_t head[8]);
/* Whether an ICMP message is an error (translated by siit_icmp_error_*)
 * rather than an echo. */
bool siit_icmp4_is_error(const struct siit_v4 *v);
bool siit_icmp6_is_error(const struct siit_v6 *v);
/* An ICMPv4 error toward host dst6 as one ICMPv6 error in out. */
enum siit_drop siit_icmp_error_4to6(struct siit *s, const struct siit_v4 *v, const struct in6_addr *dst6,
    struct siit_out *out);
/* An ICMPv6 error from a host or a router as one ICMPv4 error from src4
 * (the host's address, or public4) to dst4 in out. */
enum siit_drop siit_icmp_error_6to4(struct siit *s, const struct siit_v6 *v, const struct in_addr *src4,
    const struct in_addr *dst4, struct siit_out *out);
/* ICMPv4 Fragmentation Needed (RFC 1191) from public4 back to v's source. */
void siit_icmp_frag_needed(struct siit *s, const uint8_t *pkt, const struct siit_v4 *v, uint16_t mtu,
    struct siit_out *out);

#endif
