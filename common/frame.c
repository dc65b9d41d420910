/* frame: classify Ethernet frames for the rogue-RA guard. */
#include "config.h"

#include <string.h>

#include "frame.h"

#define ETHERTYPE_VLAN  0x8100
#define ETHERTYPE_IPV6  0x86dd
#define IPV6_HDR_LEN    40
#define NH_HOPOPTS      0
#define NH_UDP          17
#define NH_ROUTING      43
#define NH_FRAGMENT     44
#define NH_ICMPV6       58
#define NH_DSTOPTS      60
#define ICMPV6_RA       134

enum frame_kind
frame_classify(const uint8_t *buf, size_t len, struct in6_addr *src)
{
	size_t off = 12, rem;
	uint16_t type;
	uint8_t nh;

	if (len < FRAME_ETH_LEN)
		return FRAME_OTHER;
	type = (uint16_t)(buf[off] << 8 | buf[off + 1]);
	off += 2;
	if (type == ETHERTYPE_VLAN) {   /* one 802.1Q tag */
		if (len < off + 4)
			return FRAME_OTHER;
		type = (uint16_t)(buf[off + 2] << 8 | buf[off + 3]);
		off += 4;
	}
	if (type != ETHERTYPE_IPV6 || len - off < IPV6_HDR_LEN)
		return FRAME_OTHER;
	memcpy(src, buf + off + 8, sizeof(*src));
	nh = buf[off + 6];
	off += IPV6_HDR_LEN;
	/* RFC 8200 4.1: walk the extension headers, a bounded number of them */
	for (int i = 0; i < 8; i++) {
		rem = len - off;
		switch (nh) {
		case NH_HOPOPTS:
		case NH_ROUTING:
		case NH_DSTOPTS:
			if (rem < 2 || rem < (size_t)(buf[off + 1] + 1) * 8)
				return FRAME_IPV6;
			nh = buf[off];
			off += (size_t)(buf[off + 1] + 1) * 8;
			continue;
		case NH_FRAGMENT:
			/* RFC 6980: NDP must not be fragmented; a non-first
			 * fragment has no upper-layer header to judge */
			if (rem < 8)
				return FRAME_IPV6;
			if ((buf[off + 2] << 8 | buf[off + 3]) & 0xfff8)
				return FRAME_IPV6;
			nh = buf[off];
			off += 8;
			continue;
		case NH_ICMPV6:
			return rem >= 1 && buf[off] == ICMPV6_RA ? FRAME_RA : FRAME_IPV6;
		case NH_UDP:
			if (rem >= 4 && (buf[off] << 8 | buf[off + 1]) == 547 && (buf[off + 2] << 8 | buf[off + 3]) == 546)
				return FRAME_DHCP6_SERVER;
			return FRAME_IPV6;
		default:
			return FRAME_IPV6;
		}
	}
	return FRAME_IPV6;
}
