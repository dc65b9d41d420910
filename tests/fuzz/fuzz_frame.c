/* SPDX-License-Identifier: ISC */
/* Fuzz target: Ethernet frames from the home side through frame_classify
 * (the rogue-RA guard), frame_classify_l2 (what a site may send), and
 * frame_udp6_parse and its twin. The guard's two promises are checked as it
 * goes: bytes after the IPv6 payload (Ethernet padding) never change its
 * verdict, and cutting a frame it drops never makes one it lets through.
 * frame_classify_l2 must agree with it on what is IPv6. */
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
fuzz_is_drop(enum frame_kind k)
{
	return k == FRAME_RA || k == FRAME_DHCP6_SERVER || k == FRAME_BAD_CHAIN;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr src, src2;
	struct frame_udp6 u;
	enum frame_kind k;
	uint8_t out[2048];

	k = frame_classify(data, size, &src);
	switch (frame_classify_l2(data, size)) {
	case FRAME_L2_IPV6:
		if (k == FRAME_OTHER)
			abort();
		break;
	case FRAME_L2_ARP:
	case FRAME_L2_IPV4:
		if (k != FRAME_OTHER)
			abort();
		break;
	case FRAME_L2_REFUSED:
		break;
	}
	/* padding: a verdict reached within the packet stays */
	if (k != FRAME_BAD_CHAIN && size + 16 <= sizeof(out)) {
		memcpy(out, data, size);
		memset(out + size, 0xa5, 16);
		if (frame_classify(out, size + 16, &src2) != k || memcmp(&src, &src2, sizeof(src)) != 0)
			abort();
	}
	/* truncation: a drop stays a drop (or stops being IPv6 at all) */
	if (fuzz_is_drop(k) && size <= 512)
		for (size_t l = 0; l < size; l++)
			if (frame_classify(data, l, &src2) == FRAME_IPV6)
				abort();
	/* the UDP twins: what parses rebuilds to the same datagram */
	if (frame_udp6_parse(data, size, &u) == 1 && frame_udp6_checksum_ok(&u)) {
		struct frame_udp6 v;
		size_t n = frame_udp6_build(&u, out, sizeof(out));

		if (n != 0 && (frame_udp6_parse(out, n, &v) != 1 || !frame_udp6_checksum_ok(&v) ||
		    v.len != u.len || memcmp(v.payload, u.payload, u.len) != 0 || v.dport != u.dport))
			abort();
	}
	return 0;
}
