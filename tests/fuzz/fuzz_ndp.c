/* SPDX-License-Identifier: ISC */
/* Fuzz target: Ethernet frames through ndp_parse (what the server reads
 * from a site and from the upstream link). A message that parses is built
 * again with ndp_build and must parse back to the same type, addresses and
 * flags (RDNSS past NDP_RDNSS_MAX and repeated options may be dropped, so
 * only those are compared). */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndp_msg m, back;
	uint8_t out[NDP_FRAME_MAX];
	size_t len;

	if (ndp_parse(data, size, &m) != NDP_OK)
		return 0;
	/* whatever parses fits in NDP_FRAME_MAX when written again */
	if ((len = ndp_build(&m, out, sizeof(out))) == 0)
		abort();
	if (ndp_parse(out, len, &back) != NDP_OK)
		abort();
	if (back.type != m.type || back.flags != m.flags ||
	    memcmp(&back.src, &m.src, sizeof(m.src)) != 0 ||
	    memcmp(&back.dst, &m.dst, sizeof(m.dst)) != 0 ||
	    memcmp(&back.target, &m.target, sizeof(m.target)) != 0)
		abort();
	return 0;
}
