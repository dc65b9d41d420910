/* SPDX-License-Identifier: ISC */
/* Fuzz target: a lease frame from a site's client (leasecarry.h). Parse
 * it; what parses must build back to the same bytes (the MAC aside), and
 * the gateway's check must cope with whatever parsed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leasecarry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct leasecarry_rec r[LEASECARRY_MAX];
	static uint8_t out[4096];
	struct prefix sub = { .addr = { { { 0x20, 0x01, 0x0d, 0xb8, 0, 0x48 } } }, .len = 56 }, link = sub;
	const char *why;
	size_t n, built, len;

	link.len = 64;
	if (leasecarry_parse(data, size, r, LEASECARRY_MAX, &n, &why) != 0)
		return 0;
	len = leasecarry_build(r, n, data + 6, out, sizeof(out), &built);
	if (built != n || len != size || memcmp(out + 6, data + 6, size - 6) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		(void)leasecarry_check(&r[i], &sub, &link, 60, 1000, 86400, &why);
	return 0;
}
