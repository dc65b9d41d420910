/* SPDX-License-Identifier: ISC */
/* frame: what the tunnel needs to know about an Ethernet frame, read with
 * every length checked: is it a router advertisement or a DHCPv6 server
 * message (never allowed from the home side), and its IPv6 source. */
#ifndef V6EXT_FRAME_H
#define V6EXT_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_ETH_LEN 14
/* IEEE 802 local experimental ethertype 1: v6ext's own frames between a
 * gateway and its client (server/leasecarry.h), never on a LAN: the client
 * neither passes one from the home bridge nor writes one onto it. */
#define FRAME_ETHERTYPE_V6EXT 0x88b5

static inline bool
frame_is_v6ext(const uint8_t *frame, size_t len)
{
	return len >= FRAME_ETH_LEN && frame[12] == (FRAME_ETHERTYPE_V6EXT >> 8) &&
	    frame[13] == (FRAME_ETHERTYPE_V6EXT & 0xff);
}

enum frame_kind {
	FRAME_OTHER,            /* not IPv6: another ethertype (under at most one 802.1Q tag) */
	FRAME_IPV6,             /* IPv6 the guard lets pass */
	FRAME_RA,               /* ICMPv6 router advertisement (RFC 4861 4.2) */
	FRAME_DHCP6_SERVER,     /* UDP from port 547 to 546 (RFC 8415 7.2) */
	FRAME_BAD_CHAIN,        /* IPv6 whose header chain does not lead to an upper
	                         * layer the guard recognises (RFC 7113 3) */
};

/* The rogue-RA guard (RFC 7113 3, and RFC 7610 5 for DHCPv6 servers): walks
 * the whole IPv6 header chain, at most 8 extension headers, within the
 * payload length. FRAME_RA, FRAME_DHCP6_SERVER and FRAME_BAD_CHAIN are to be
 * dropped; FRAME_BAD_CHAIN is an IPv6 header cut short or not version 6, a
 * chain cut short (a first fragment included: RFC 7112 5 wants the whole
 * chain in it, upper-layer header and all), an unrecognised Next Header, or
 * too many extension headers. A later fragment (offset not 0) is FRAME_IPV6:
 * it has no upper-layer header to judge. *src is the IPv6 source when the
 * IPv6 header is there, :: otherwise. */
enum frame_kind frame_classify(const uint8_t *buf, size_t len, struct in6_addr *src);

/* What a site may send at layer 2 (the server side): untagged Ethernet II
 * (RFC 894) carrying IPv6, ARP or IPv4. Nothing else has a use on a site's
 * tap: not another ethertype, not an 802.1Q tag (a priority tag, VLAN 0,
 * would be taken as untagged by the kernel past the server's own checks),
 * not an 802.3 length field (LLC, STP). */
enum frame_l2 {
	FRAME_L2_REFUSED,       /* anything else, or an ARP or IPv4 header that does not check out */
	FRAME_L2_IPV6,          /* untagged IPv6: frame_classify judges the rest */
	FRAME_L2_ARP,           /* ARP for IPv4 over Ethernet (RFC 826), request or reply */
	FRAME_L2_IPV4,          /* IPv4 (RFC 791): version 4, IHL >= 5, total length in the frame */
};
enum frame_l2 frame_classify_l2(const uint8_t *buf, size_t len);

/* RFC 4443 3.2: an ICMPv6 Packet Too Big answering the IPv6 frame in buf,
 * addressed back to its sender (Ethernet and IP addresses swapped, the
 * packet's destination as source, as a router on that path would), quoting
 * as much of the packet as fits in the IPv6 minimum MTU. Returns the frame
 * length written to out (cap >= FRAME_PTB_MAX), or 0 when no answer is due
 * (not IPv6, from :: or multicast, to multicast, or itself ICMPv6 error). */
#define FRAME_PTB_MAX (FRAME_ETH_LEN + 4 + 1280)
size_t frame_build_ptb(const uint8_t *buf, size_t len, uint32_t mtu, uint8_t *out, size_t cap);

/* A UDP datagram in an untagged IPv6 frame, UDP right after the IPv6
 * header (what DHCPv6 on a link looks like). */
struct frame_udp6 {
	uint8_t eth_dst[6], eth_src[6];
	struct in6_addr src, dst;
	uint8_t hop_limit;
	uint16_t sport, dport;
	const uint8_t *payload;         /* into the parsed frame */
	size_t len;
};
/* 1: u describes the datagram, its UDP length checked; 0: not such a
 * frame; -1: UDP, but its length is wrong (the ports are set when the UDP
 * header is there at all, so such a datagram can be counted by its port).
 * The checksum is left to frame_udp6_checksum_ok: most UDP through a site
 * is not ours to read, and costs nothing this way. */
int frame_udp6_parse(const uint8_t *buf, size_t len, struct frame_udp6 *u);
bool frame_udp6_checksum_ok(const struct frame_udp6 *u);
/* Write u as a frame into out, checksum set. 0 if it does not fit cap. */
size_t frame_udp6_build(const struct frame_udp6 *u, uint8_t *out, size_t cap);

/* Write an untagged Ethernet header and an IPv6 header (no flow label,
 * payload length plen) at out, which must hold FRAME_ETH_LEN + 40 bytes;
 * returns where the payload goes. */
uint8_t *frame_put_ip6(uint8_t *out, const uint8_t eth_dst[6], const uint8_t eth_src[6],
    const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh, uint8_t hop_limit, size_t plen);

/* RFC 8200 8.1: the Internet checksum of an upper-layer message l4 (len
 * bytes, its checksum field zero, or as received to verify: then the result
 * is 0) with the pseudo-header taken from the IPv6 header at ip. */
uint16_t frame_l4_checksum(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t nh);

#endif
