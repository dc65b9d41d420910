/* statefile: the daemon's files in state-dir, read whole and replaced
 * atomically (a temporary file, fsync, rename, fsync of the directory), so
 * a crash leaves either the old file or the new one, never half of one. */
#ifndef V6EXT_STATEFILE_H
#define V6EXT_STATEFILE_H

#include <stddef.h>
#include <stdint.h>

/* Read dir/name into a new heap buffer (NUL-terminated, *len without the
 * NUL). Returns 0, 1 when the file does not exist (*buf NULL), or -1 with
 * "PATH: why" in err (not a regular file, over max bytes, read error). */
int statefile_read(const char *dir, const char *name, size_t max, uint8_t **buf, size_t *len,
    char *err, size_t errlen);
/* Replace dir/name with len bytes of text; dir is created (0700) if
 * missing. -1 with "PATH: why" in err. */
int statefile_write(const char *dir, const char *name, const char *text, size_t len,
    char *err, size_t errlen);

#endif
