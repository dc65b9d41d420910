/* SPDX-License-Identifier: ISC */
/* tmpstate: a fresh directory under /tmp for a unit test that reads and
 * writes state files, removed with all it holds when the test ends. */
#ifndef V6EXT_TMPSTATE_H
#define V6EXT_TMPSTATE_H

#include "statefile.h"

struct tmpstate {
	char dir[64];                   /* mkdtemp */
	char state[96];                 /* dir/state, not created */
	char file[128];                 /* dir/state/FILE, when a file was named */
	struct statefile_dir sd;        /* dir/state, once tmpstate_dir opened it */
};

/* A new tmpstate in *state; tag names the directory, file (or NULL) fills
 * ->file. -1 when /tmp refuses. */
int tmpstate_setup(void **state, const char *tag, const char *file);
/* Close ->sd, remove dir and everything below it, free the tmpstate. */
int tmpstate_teardown(void **state);
/* Open (and so create) dir/state once; the test fails if it cannot. */
const struct statefile_dir *tmpstate_dir(struct tmpstate *t);

#endif
