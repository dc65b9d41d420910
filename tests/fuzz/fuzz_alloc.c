/* SPDX-License-Identifier: ISC */
/* fuzz_alloc: alloc_parse on arbitrary bytes, as the sub-prefix state file
 * of a /78 server.
 *
 * Invariants (abort() when broken):
 *  - a refusal always says why;
 *  - a parsed file holds valid, distinct names and distinct indices in
 *    1 .. 2^14 - 1;
 *  - alloc_build of it parses back to the same entries in the same order,
 *    and building that again gives the same text;
 *  - alloc_assign with those names as auto peers (in reverse order) gives
 *    every peer its stored index and changes nothing. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "conf.h"
#include "prefix.h"

#define FUZZ_SUB_LEN 78

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_entries(const struct alloc *a)
{
	uint64_t count = prefix_sub_count(PREFIX_BASE_LEN, FUZZ_SUB_LEN);

	for (size_t i = 0; i < a->n; i++) {
		if (!conf_peer_name_valid(a->v[i].name))
			abort();
		if (a->v[i].index == 0 || a->v[i].index >= count)
			abort();
		if (alloc_find(a, a->v[i].name) != &a->v[i])
			abort();
		for (size_t j = 0; j < i; j++)
			if (a->v[j].index == a->v[i].index)
				abort();
	}
}

static void
fuzz_same(const struct alloc *x, const struct alloc *y)
{
	if (x->n != y->n || x->sub_len != y->sub_len)
		abort();
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i].name, y->v[i].name) != 0 || x->v[i].index != y->v[i].index)
			abort();
}

static void
fuzz_assign(struct alloc *a)
{
	struct conf_peer *peers;
	uint64_t *out;
	struct prefix base;
	bool changed = true;
	char err[512];

	if (a->n == 0)
		return;
	peers = calloc(a->n, sizeof(*peers));
	out = calloc(a->n, sizeof(*out));
	if (peers == NULL || out == NULL)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		struct conf_peer *p = &peers[a->n - 1 - i];

		memcpy(p->name, a->v[i].name, sizeof(p->name));
		p->sub_kind = CONF_SUB_AUTO;
	}
	memset(&base, 0, sizeof(base));
	base.addr.s6_addr[0] = 0x20;
	base.addr.s6_addr[1] = 0x01;
	base.addr.s6_addr[2] = 0x0d;
	base.addr.s6_addr[3] = 0xb8;
	base.len = PREFIX_BASE_LEN;
	if (alloc_assign(a, peers, a->n, &base, NULL, 0, out, &changed, err, sizeof(err)) != 0)
		abort();
	if (changed)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		const struct alloc_entry *e = alloc_find(a, peers[i].name);

		if (e == NULL || e->index != out[i])
			abort();
	}
	free(peers);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alloc a, b;
	char err[256], *text = NULL, *again = NULL;
	size_t len, len2;

	alloc_init(&a, PREFIX_BASE_LEN, FUZZ_SUB_LEN);
	alloc_init(&b, PREFIX_BASE_LEN, FUZZ_SUB_LEN);
	err[0] = '\0';
	if (alloc_parse(data, size, &a, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		goto out;
	}
	fuzz_check_entries(&a);
	if (alloc_build(&a, &text, &len) != 0)
		abort();
	if (strlen(text) != len)
		abort();
	if (alloc_parse((const uint8_t *)text, len, &b, err, sizeof(err)) != 0)
		abort();
	fuzz_same(&a, &b);
	if (alloc_build(&b, &again, &len2) != 0)
		abort();
	if (len2 != len || memcmp(text, again, len) != 0)
		abort();
	fuzz_assign(&b);
	fuzz_same(&a, &b);
out:
	free(text);
	free(again);
	alloc_free(&a);
	alloc_free(&b);
	return 0;
}
