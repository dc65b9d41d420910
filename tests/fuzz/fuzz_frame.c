/* Fuzz target: Ethernet frames from the home side through frame_classify
 * (the rogue-RA guard), and through frame_udp6_parse and its twin. */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr src;
	struct frame_udp6 u;
	uint8_t out[2048];

	(void)frame_classify(data, size, &src);
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
