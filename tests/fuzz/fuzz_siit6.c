/* SPDX-License-Identifier: ISC */
/* Fuzz target: IPv6 packets through siit_6to4 (what the sites send to the
 * NAT64 prefix). What comes out must be one well-formed IPv4 packet; it is
 * then turned round (the remote's reply) and translated back with
 * siit_4to6, whose output must be well formed too. */
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

	r = siit_6to4(&f->s, data, size, f->now++, &f->out);
	fuzz_siit_check4(f, r);
	if (r == SIIT_OK)
		fuzz_siit_reply(f, false);
	/* the same bytes as a TCP burst: IPv4 headers 20 bytes shorter, the
	 * payload the rest of the input */
	if (siit_gso_6to4(&f->s, data, size, 1320, f->now, &f->out, &g) == SIIT_OK &&
	    (f->out.n != 1 || f->out.len[0] != g.hdr_len || g.hdr_len < 40 ||
	    g.payload + g.payload_len != data + size || g.hdr_len + 20 + g.payload_len != size))
		abort();
	return 0;
}
