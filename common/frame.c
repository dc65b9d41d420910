/* SPDX-License-Identifier: ISC */
/* frame: classify Ethernet frames for the rogue-RA guard (RFC 7113) and
 * the checks on what a site sends; build the frames the daemons answer with. */
#include "config.h"

#include <string.h>

#include "frame.h"
#include "util.h"

#define ETHERTYPE_IPV4  0x0800
#define ETHERTYPE_ARP   0x0806
#define ETHERTYPE_VLAN  0x8100
#define ETHERTYPE_IPV6  0x86dd
#define ARP_LEN         28      /* RFC 826 for Ethernet and IPv4: 8 + 2 * (6 + 4) */
#define IPV4_HDR_LEN    20
#define IPV6_HDR_LEN    40
#define NH_HOPOPTS      0
#define NH_UDP          17
#define NH_ROUTING      43
#define NH_FRAGMENT     44
#define NH_AH           51
#define NH_ICMPV6       58
#define NH_DSTOPTS      60
#define NH_MOBILITY     135
#define NH_HIP          139
#define NH_SHIM6        140
#define ICMPV6_RA       134
/* extension headers one frame may carry; a longer chain is dropped */
#define FRAME_EXT_MAX   8

/* The upper-layer protocols the guard recognises, each with the fixed header
 * it must bring along: RFC 7112 5 wants the whole chain, upper-layer header
 * included, in the first fragment, and RFC 7113 3 drops a first fragment
 * without it. A Next Header that is neither here nor an extension header
 * frame_classify walks is unrecognised: RFC 7113 3 drops it too, as a guard
 * cannot tell what a host would find behind it. */
static const struct frame_upper {
	uint8_t nh, len;
} frame_uppers[] = {
	{ 4, 20 },              /* IPv4 in IPv6 (RFC 2473), RFC 791 header */
	{ 6, 20 },              /* TCP, RFC 9293 3.1 */
	{ NH_UDP, 8 },          /* RFC 768 */
	{ 33, 12 },             /* DCCP, RFC 4340 5.1 (short sequence numbers) */
	{ 41, 40 },             /* IPv6 in IPv6, RFC 2473 */
	{ 47, 4 },              /* GRE, RFC 2784 2 */
	{ 50, 8 },              /* ESP: SPI and sequence number (RFC 4303 2); RFC 7113 3
	                         * counts it as the upper layer, its payload is sealed */
	{ NH_ICMPV6, 4 },       /* type, code, checksum: RFC 4443 2.1 */
	{ 59, 0 },              /* No Next Header, RFC 8200 4.7 */
	{ 89, 16 },             /* OSPFv3, RFC 5340 A.3.1 */
	{ 103, 4 },             /* PIM, RFC 7761 4.9 */
	{ 112, 8 },             /* VRRP, RFC 9568 5.1 */
	{ 132, 12 },            /* SCTP common header, RFC 9260 3 */
	{ 136, 8 },             /* UDP-Lite, RFC 3828 3 */
	{ 137, 4 },             /* MPLS in IP: one label stack entry, RFC 4023 */
};

/* The upper-layer header at p (rem bytes left in the packet) is nh. */
static enum frame_kind
frame_classify_upper(uint8_t nh, const uint8_t *p, size_t rem)
{
	for (size_t i = 0; i < ARRAY_SIZE(frame_uppers); i++) {
		if (frame_uppers[i].nh != nh)
			continue;
		if (rem < frame_uppers[i].len)
			return FRAME_BAD_CHAIN;
		if (nh == NH_ICMPV6 && p[0] == ICMPV6_RA)
			return FRAME_RA;
		if (nh == NH_UDP && util_get_be16(p) == 547 && util_get_be16(p + 2) == 546)
			return FRAME_DHCP6_SERVER;
		return FRAME_IPV6;
	}
	return FRAME_BAD_CHAIN;
}

/* RFC 7113 3 (RA-Guard) and RFC 7610 5 (DHCPv6-Shield, the same rules for
 * DHCPv6 server messages): parse the entire header chain; drop a first
 * fragment that does not hold all of it, up to and including the
 * upper-layer header; drop an unrecognised Next Header; pass what is left.
 * Rules 1 and 2 of RFC 7113 3 would pass any packet not from a link-local
 * address or with a hop limit below 255 unparsed: we do not take that
 * allowance, since DHCPv6-Shield has none and nothing on a site needs an RA
 * that its hosts would ignore anyway. A packet cut short, a chain running
 * past the payload length and more than FRAME_EXT_MAX extension headers are
 * dropped as well: what cannot be read cannot be cleared. */
enum frame_kind
frame_classify(const uint8_t *buf, size_t len, struct in6_addr *src)
{
	const uint8_t *p;
	size_t off = 12, rem, hlen;
	uint16_t type;
	uint8_t nh;

	memset(src, 0, sizeof(*src));
	if (len < FRAME_ETH_LEN)
		return FRAME_OTHER;
	type = util_get_be16(buf + off);
	off += 2;
	if (type == ETHERTYPE_VLAN) {   /* one 802.1Q tag */
		if (len < off + 4)
			return FRAME_OTHER;
		type = util_get_be16(buf + off + 2);
		off += 4;
	}
	if (type != ETHERTYPE_IPV6)
		return FRAME_OTHER;
	/* IPv6 from here on: what does not parse is dropped */
	if (len - off < IPV6_HDR_LEN || (buf[off] >> 4) != 6)
		return FRAME_BAD_CHAIN;
	memcpy(src, buf + off + 8, sizeof(*src));
	nh = buf[off + 6];
	/* the payload length rules: Ethernet may pad a short frame, and
	 * the padding is no part of the packet (a jumbogram's 0, RFC 2675,
	 * cannot cross a tunnel of our MTU) */
	rem = util_get_be16(buf + off + 4);
	if (rem > len - off - IPV6_HDR_LEN)
		return FRAME_BAD_CHAIN;
	p = buf + off + IPV6_HDR_LEN;
	for (unsigned n = 0;; n++) {
		bool later = false;

		switch (nh) {
		case NH_HOPOPTS:
		case NH_ROUTING:
		case NH_DSTOPTS:
		case NH_MOBILITY:
		case NH_HIP:
		case NH_SHIM6:
			/* RFC 6564's uniform format: next header, then the
			 * length in 8-octet units after the first 8 (RFC 8200
			 * 4.3, 4.4, 4.6; RFC 6275 6.1.1; RFC 7401 5.1; RFC
			 * 5533 5.1) */
			if (rem < 2)
				return FRAME_BAD_CHAIN;
			hlen = ((size_t)p[1] + 1) * 8;
			break;
		case NH_AH:
			/* RFC 4302 2.2: the length in 4-octet units, minus 2 */
			if (rem < 2)
				return FRAME_BAD_CHAIN;
			hlen = ((size_t)p[1] + 2) * 4;
			break;
		case NH_FRAGMENT:
			/* RFC 8200 4.5; a later fragment carries no upper-layer
			 * header to judge, and passes (RFC 7113 3 rule 6) */
			if (rem < 8)
				return FRAME_BAD_CHAIN;
			later = (util_get_be16(p + 2) & 0xfff8) != 0;
			hlen = 8;
			break;
		default:
			return frame_classify_upper(nh, p, rem);
		}
		if (n == FRAME_EXT_MAX || rem < hlen)
			return FRAME_BAD_CHAIN;
		if (later)
			return FRAME_IPV6;
		nh = p[0];
		p += hlen;
		rem -= hlen;
	}
}

enum frame_l2
frame_classify_l2(const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf + FRAME_ETH_LEN;
	size_t rem, ihl, total;

	if (len < FRAME_ETH_LEN)
		return FRAME_L2_REFUSED;
	rem = len - FRAME_ETH_LEN;
	switch (util_get_be16(buf + 12)) {
	case ETHERTYPE_IPV6:
		return FRAME_L2_IPV6;
	case ETHERTYPE_ARP:
		/* RFC 826: hardware type 1 (Ethernet), protocol IPv4, their
		 * address lengths 6 and 4; RFC 5227 probes and announcements
		 * are requests too. Anything after the 28 bytes is padding. */
		if (rem < ARP_LEN || util_get_be16(p) != 1 || util_get_be16(p + 2) != ETHERTYPE_IPV4 ||
		    p[4] != 6 || p[5] != 4 || (util_get_be16(p + 6) != 1 && util_get_be16(p + 6) != 2))
			return FRAME_L2_REFUSED;
		return FRAME_L2_ARP;
	case ETHERTYPE_IPV4:
		/* RFC 791 3.1: the header length in 32-bit words, at least 5,
		 * and the total length, header included, within the frame */
		if (rem < IPV4_HDR_LEN || (p[0] >> 4) != 4)
			return FRAME_L2_REFUSED;
		ihl = (size_t)(p[0] & 0x0f) * 4;
		total = util_get_be16(p + 2);
		if (ihl < IPV4_HDR_LEN || total < ihl || total > rem)
			return FRAME_L2_REFUSED;
		return FRAME_L2_IPV4;
	default:
		/* 802.1Q and every other ethertype, and values below 0x0600,
		 * which are 802.3 lengths */
		return FRAME_L2_REFUSED;
	}
}

static uint32_t
frame_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

uint16_t
frame_l4_checksum(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t nh)
{
	/* RFC 8200 8.1: over the pseudo-header (source, destination, upper-
	 * layer length, next header) and the upper-layer message */
	uint32_t sum = frame_sum(0, ip + 8, 32);

	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
	sum = frame_sum(sum, l4, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t
frame_build_ptb(const uint8_t *buf, size_t len, uint32_t mtu, uint8_t *out, size_t cap)
{
	size_t l2 = FRAME_ETH_LEN, quote, icmp_len;
	const uint8_t *ip;
	uint8_t *oip, *icmp;
	uint16_t sum, type;

	if (len < FRAME_ETH_LEN || cap < FRAME_PTB_MAX)
		return 0;
	type = (uint16_t)(buf[12] << 8 | buf[13]);
	if (type == ETHERTYPE_VLAN) {
		if (len < FRAME_ETH_LEN + 4)
			return 0;
		type = (uint16_t)(buf[16] << 8 | buf[17]);
		l2 += 4;
	}
	if (type != ETHERTYPE_IPV6 || len < l2 + IPV6_HDR_LEN)
		return 0;
	ip = buf + l2;
	/* RFC 4443 2.4 (e): no error for multicast destinations (PTB is the
	 * one exception, but a tunnel has no business answering those), nor for
	 * an unspecified or multicast source, nor for ICMPv6 errors */
	if (ip[24] == 0xff || ip[8] == 0xff)
		return 0;
	{
		static const uint8_t unspec[16];

		if (memcmp(ip + 8, unspec, 16) == 0)
			return 0;
	}
	if (ip[6] == NH_ICMPV6 && len >= l2 + IPV6_HDR_LEN + 1 && ip[IPV6_HDR_LEN] < 128)
		return 0;

	memcpy(out, buf + 6, 6);                /* to the sender's MAC */
	memcpy(out + 6, buf, 6);                /* from the MAC it sent to */
	memcpy(out + 12, buf + 12, l2 - 12);    /* VLAN tag and ethertype */
	quote = len - l2;
	if (quote > 1280 - IPV6_HDR_LEN - 8)
		quote = 1280 - IPV6_HDR_LEN - 8;
	icmp_len = 8 + quote;
	oip = out + l2;
	memset(oip, 0, IPV6_HDR_LEN);
	oip[0] = 0x60;
	oip[4] = (uint8_t)(icmp_len >> 8);
	oip[5] = (uint8_t)icmp_len;
	oip[6] = NH_ICMPV6;
	oip[7] = 64;
	memcpy(oip + 8, ip + 24, 16);           /* src = the packet's destination */
	memcpy(oip + 24, ip + 8, 16);           /* dst = its source */
	icmp = oip + IPV6_HDR_LEN;
	icmp[0] = 2;                            /* Packet Too Big */
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)(mtu >> 24);
	icmp[5] = (uint8_t)(mtu >> 16);
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + 8, ip, quote);
	sum = frame_l4_checksum(oip, icmp, icmp_len, NH_ICMPV6);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	return l2 + IPV6_HDR_LEN + icmp_len;
}

uint8_t *
frame_put_ip6(uint8_t *out, const uint8_t eth_dst[6], const uint8_t eth_src[6],
    const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh, uint8_t hop_limit, size_t plen)
{
	uint8_t *ip = out + FRAME_ETH_LEN;

	memcpy(out, eth_dst, 6);
	memcpy(out + 6, eth_src, 6);
	out[12] = ETHERTYPE_IPV6 >> 8;
	out[13] = ETHERTYPE_IPV6 & 0xff;
	memset(ip, 0, IPV6_HDR_LEN);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = nh;
	ip[7] = hop_limit;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return ip + IPV6_HDR_LEN;
}

int
frame_udp6_parse(const uint8_t *buf, size_t len, struct frame_udp6 *u)
{
	const uint8_t *ip = buf + FRAME_ETH_LEN, *udp = ip + IPV6_HDR_LEN;
	size_t plen, ulen;

	if (len < FRAME_ETH_LEN + IPV6_HDR_LEN || (buf[12] << 8 | buf[13]) != ETHERTYPE_IPV6 ||
	    (ip[0] >> 4) != 6 || ip[6] != NH_UDP)
		return 0;
	plen = (size_t)(ip[4] << 8 | ip[5]);
	if (plen > len - FRAME_ETH_LEN - IPV6_HDR_LEN || plen < 8)
		return -1;
	/* the ports first: a broken datagram is still counted by its port */
	u->sport = (uint16_t)(udp[0] << 8 | udp[1]);
	u->dport = (uint16_t)(udp[2] << 8 | udp[3]);
	ulen = (size_t)(udp[4] << 8 | udp[5]);
	if (ulen != plen)
		return -1;
	memcpy(u->eth_dst, buf, 6);
	memcpy(u->eth_src, buf + 6, 6);
	memcpy(&u->src, ip + 8, 16);
	memcpy(&u->dst, ip + 24, 16);
	u->hop_limit = ip[7];
	u->payload = udp + 8;
	u->len = ulen - 8;
	return 1;
}

bool
frame_udp6_checksum_ok(const struct frame_udp6 *u)
{
	const uint8_t *udp = u->payload - 8, *ip = udp - IPV6_HDR_LEN;

	/* RFC 8200 8.1: in IPv6 a zero UDP checksum is wrong, not absent */
	return (udp[6] != 0 || udp[7] != 0) && frame_l4_checksum(ip, udp, u->len + 8, NH_UDP) == 0;
}

size_t
frame_udp6_build(const struct frame_udp6 *u, uint8_t *out, size_t cap)
{
	uint8_t *ip = out + FRAME_ETH_LEN, *udp = ip + IPV6_HDR_LEN;
	size_t ulen = 8 + u->len;
	uint16_t sum;

	if (ulen > 0xffff || cap < FRAME_ETH_LEN + IPV6_HDR_LEN + ulen)
		return 0;
	/* the payload may already sit where it goes: move it first */
	memmove(udp + 8, u->payload, u->len);
	frame_put_ip6(out, u->eth_dst, u->eth_src, &u->src, &u->dst, NH_UDP, u->hop_limit, ulen);
	udp[0] = (uint8_t)(u->sport >> 8);
	udp[1] = (uint8_t)u->sport;
	udp[2] = (uint8_t)(u->dport >> 8);
	udp[3] = (uint8_t)u->dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	udp[6] = udp[7] = 0;
	sum = frame_l4_checksum(ip, udp, ulen, NH_UDP);
	if (sum == 0)
		sum = 0xffff;   /* RFC 768: a computed 0 is sent as all ones */
	udp[6] = (uint8_t)(sum >> 8);
	udp[7] = (uint8_t)sum;
	return FRAME_ETH_LEN + IPV6_HDR_LEN + ulen;
}
