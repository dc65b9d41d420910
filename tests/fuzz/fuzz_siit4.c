/* Fuzz target: IPv4 packets through siit_4to6 (what the translator reads
 * from its TUN). What comes out must be well formed: each IPv6 packet's
 * payload length matches its size and fits the sites' MTU; a Fragmentation
 * Needed is a whole IPv4 packet of at most 576 bytes. Each IPv6 packet is
 * then turned round (source and destination swapped: the host's reply) and
 * translated back with siit_6to4, which must hold to the same rules. */
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

	r = siit_4to6(&f->s, data, size, f->now++, &f->out);
	fuzz_siit_check6(f, r);
	if (r == SIIT_OK)
		fuzz_siit_reply(f, true);
	return 0;
}
