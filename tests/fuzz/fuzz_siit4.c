/* SPDX-License-Identifier: ISC */
/* Fuzz target: IPv4 packets through siit_4to6 (what the translator reads
 * from its TUN). What comes out must be well formed: each IPv6 packet's
 * payload length matches its size and fits the sites' MTU; a Fragmentation
 * Needed is a whole IPv4 packet of at most 576 bytes. Each IPv6 packet is
 * then turned round (source and destination swapped: the host's reply) and
 * translated back with siit_6to4, which must hold to the same rules. The
 * input is also taken for a TCP burst (siit_gso_4to6). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "siit_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_siit *f = fuzz_siit_get();
	enum siit_drop r;

	struct siit_gso g;

	r = siit_4to6(&f->s, data, size, f->now++, &f->out);
	fuzz_siit_check6(f, r);
	if (r == SIIT_OK)
		fuzz_siit_reply(f, true);
	/* the same bytes as a TCP burst of the device's TSO: headers whose
	 * IPv4 part (options and all) became 40 bytes, the payload the rest of
	 * the input, segments that fit */
	if (siit_gso_4to6(&f->s, data, size, 1448, f->now, &f->out, &g) == SIIT_OK &&
	    (f->out.n != 1 || f->out.len[0] != g.hdr_len || g.size == 0 || g.size > f->s.c.mtu6 - 60 ||
	    g.hdr_len < 60 || g.payload + g.payload_len != data + size ||
	    g.hdr_len - 40 + (size_t)(data[0] & 15) * 4 + g.payload_len != size))
		abort();
	return 0;
}
