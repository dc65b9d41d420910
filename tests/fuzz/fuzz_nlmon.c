/* SPDX-License-Identifier: ISC */
/* Fuzz target: a netlink batch as recv() hands it to nlmon (the kernel's,
 * but read as if anyone's). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "nlmon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
nlmon_sink(void *ctx, const struct nlmon_event *ev)
{
	unsigned *n = ctx;

	(*n)++;
	if (ev->kind == NLMON_ADDR && ev->family != 2 /* AF_INET */ && ev->family != 10 /* AF_INET6 */)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned n = 0;

	(void)nlmon_parse(data, size, nlmon_sink, &n);
	return 0;
}
