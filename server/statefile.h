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

/* A state file's parser and builder, for statefile_load and _save. */
typedef int (*statefile_parse_fn)(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen);
typedef int (*statefile_build_fn)(const void *obj, char **out, size_t *len);

/* Read dir/name and parse it into obj: 0 when it parsed or does not exist
 * (obj untouched then), -1 with "PATH: why" in err. */
int statefile_load(const char *dir, const char *name, size_t max, statefile_parse_fn parse, void *obj,
    char *err, size_t errlen);
/* Build obj's text and replace dir/name with it. */
int statefile_save(const char *dir, const char *name, statefile_build_fn build, const void *obj,
    char *err, size_t errlen);

#endif
