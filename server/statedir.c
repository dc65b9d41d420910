/* SPDX-License-Identifier: ISC */
/* statedir: v6extd's files in state-dir. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "forwards.h"
#include "lease.h"
#include "names.h"
#include "stamps.h"
#include "statedir.h"
#include "util.h"

int
statedir_open(struct statefile_dir *d, const char *path, uint8_t base_len, uint8_t sub_len, char *err, size_t errlen)
{
	/* sub-prefixes first: it is written first on a first start, so a
	 * crash half-way leaves it, and the rules for a directory without a
	 * manifest then take the rest as never written */
	struct statefile_kind kinds[] = {
		{ .name = ALLOC_FILE, .optional_before = false },
		/* before the manifest, leases was written with the first lease */
		{ .name = LEASE_FILE, .optional_before = true },
		/* no version before the manifest wrote it */
		{ .name = STAMPS_FILE, .optional_before = true },
		/* likewise */
		{ .name = FORWARDS_FILE, .optional_before = true },
		{ .name = NAMES_FILE, .optional_before = true },
	};
	char *text[ARRAY_SIZE(kinds)] = { NULL };
	struct alloc a;
	struct leases l;
	struct stamps st;
	struct forwards fw;
	struct names_set ns = { 0 };
	int rc;

	if ((rc = statefile_dir_open(d, path, err, errlen)) != 0)
		return rc;
	alloc_init(&a, base_len, sub_len);
	leases_init(&l);
	stamps_init(&st);
	forwards_init(&fw);
	if (alloc_build(&a, &text[0], &kinds[0].empty_len) != 0 || leases_build(&l, &text[1], &kinds[1].empty_len) != 0 ||
	    stamps_build(&st, &text[2], &kinds[2].empty_len) != 0 ||
	    forwards_build(&fw, &text[3], &kinds[3].empty_len) != 0 ||
	    names_build(&ns, &text[4], &kinds[4].empty_len) != 0) {
		snprintf(err, errlen, "state-dir %s: out of memory", d->path);
		rc = ENOMEM;
	} else {
		kinds[0].empty = text[0];
		kinds[1].empty = text[1];
		kinds[2].empty = text[2];
		kinds[3].empty = text[3];
		kinds[4].empty = text[4];
		rc = statefile_start(d, kinds, ARRAY_SIZE(kinds), NULL, err, errlen);
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		free(text[i]);
	alloc_free(&a);
	leases_free(&l);
	if (rc != 0)
		statefile_dir_close(d);
	return rc;
}
