/* SPDX-License-Identifier: ISC */
/* Fuzz target: the timestamps state file. What parses builds back to text
 * that parses to the same table. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stamps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stamps a, b;
	char err[256], *text;
	size_t len;

	stamps_init(&a);
	stamps_init(&b);
	if (stamps_parse(data, size, &a, err, sizeof(err)) == 0) {
		if (stamps_build(&a, &text, &len) != 0)
			abort();
		if (stamps_parse((const uint8_t *)text, len, &b, err, sizeof(err)) != 0 || b.n != a.n)
			abort();
		for (size_t i = 0; i < a.n; i++)
			if (strcmp(a.v[i].name, b.v[i].name) != 0 || memcmp(a.v[i].ts, b.v[i].ts, WIRE_TIMESTAMP_LEN) != 0)
				abort();
		free(text);
	}
	stamps_free(&a);
	stamps_free(&b);
	return 0;
}
