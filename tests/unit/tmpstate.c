/* SPDX-License-Identifier: ISC */
/* tmpstate: see tmpstate.h. */
#include "config.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tmpstate.h"

int
tmpstate_setup(void **state, const char *tag, const char *file)
{
	struct tmpstate *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/%s.XXXXXX", tag);
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	snprintf(t->state, sizeof(t->state), "%s/state", t->dir);
	if (file != NULL)
		snprintf(t->file, sizeof(t->file), "%s/%s", t->state, file);
	t->sd.fd = -1;
	*state = t;
	return 0;
}

static int
tmpstate_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
tmpstate_teardown(void **state)
{
	struct tmpstate *t = *state;
	int rc;

	statefile_dir_close(&t->sd);
	rc = nftw(t->dir, tmpstate_rm, 8, FTW_DEPTH | FTW_PHYS);
	free(t);
	return rc;
}

const struct statefile_dir *
tmpstate_dir(struct tmpstate *t)
{
	char err[512];

	if (t->sd.fd < 0 && statefile_dir_open(&t->sd, t->state, err, sizeof(err)) != 0)
		fail_msg("statefile_dir_open: %s", err);
	return &t->sd;
}
