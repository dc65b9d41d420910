/* SPDX-License-Identifier: ISC */
/* Fuzz target: the forwards state file. What parses builds back to text
 * that parses to the same forwards. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forwards.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct forwards a, b;
	char err[256], *text;
	size_t len;

	forwards_init(&a);
	forwards_init(&b);
	if (forwards_parse(data, size, &a, err, sizeof(err)) == 0) {
		if (forwards_build(&a, &text, &len) != 0)
			abort();
		if (forwards_parse((const uint8_t *)text, len, &b, err, sizeof(err)) != 0 || b.n != a.n)
			abort();
		for (size_t i = 0; i < a.n; i++) {
			const struct conf_forward *x = &a.v[i].f, *y = &b.v[i].f;

			if (strcmp(x->peer, y->peer) != 0 || x->proto != y->proto || x->port != y->port ||
			    memcmp(&x->addr, &y->addr, 16) != 0 || x->to_port != y->to_port || !b.v[i].runtime)
				abort();
		}
		free(text);
	}
	forwards_free(&a);
	forwards_free(&b);
	return 0;
}
