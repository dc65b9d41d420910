/* SPDX-License-Identifier: ISC */
/* statedir: which files v6extd keeps in state-dir, and their start-up check.
 * statefile does the work; this module only knows the daemon's kinds of
 * file and what an empty one of each looks like. */
#ifndef V6EXT_STATEDIR_H
#define V6EXT_STATEDIR_H

#include <stddef.h>
#include <stdint.h>

#include "statefile.h"

/* Open state-dir as statefile_dir_open does, then statefile_start with the
 * daemon's files: the first start writes every one of them empty (and the
 * manifest); a later start refuses, with ENOENT and the way out in err,
 * when one it held is gone. Afterwards every file is there for the
 * engine's state_load (state.h), which reads it through the parent. For
 * the privileged parent, at start, before it forks the engine.
 * 0 or an errno; d is closed on error. */
int statedir_open(struct statefile_dir *d, const char *path, uint8_t base_len, uint8_t sub_len, char *err, size_t errlen);

#endif
