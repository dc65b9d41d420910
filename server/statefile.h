/* SPDX-License-Identifier: ISC */
/* statefile: the daemon's files in state-dir, read whole and replaced
 * atomically, relative to one directory descriptor.
 *
 * Only root writes state-dir (v6extd's privileged parent, parent.c):
 * statefile_dir_open() takes the directory back if an earlier v6extd left
 * it to its user, so no unprivileged process can plant a link where root
 * writes. Nothing here follows a symbolic link: reads use O_NOFOLLOW and
 * refuse anything but a regular file of bounded size; writes make an
 * unnamed file (O_TMPFILE, or a random name with O_CREAT | O_EXCL |
 * O_NOFOLLOW where the file system lacks it), fsync it, link and rename it
 * over the old one and fsync the directory, so a crash leaves the old file
 * or the new one, never half of one, and an error leaves no temporary file.
 *
 * Every function returns 0 or an errno value (never -1 with errno on the
 * side), and writes "state-dir PATH: ..." into err: a caller tells a full
 * disk (statefile_disk_full) from the rest and keeps its state dirty. */
#ifndef V6EXT_STATEFILE_H
#define V6EXT_STATEFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The file that lists what the directory holds (statefile_start). */
#define STATEFILE_MANIFEST     "manifest"
#define STATEFILE_MANIFEST_MAX 4096
#define STATEFILE_KINDS_MAX    16          /* names a manifest may list */
#define STATEFILE_NAME_MAX     32          /* [a-z0-9-], not starting with '-' */

struct statefile_dir {
	int fd;                         /* O_DIRECTORY | O_NOFOLLOW; -1: closed */
	bool no_tmpfile;                /* the file system lacks O_TMPFILE (tests set it
	                                 * to take the fallback path) */
	char path[PATH_MAX];            /* as configured, for messages */
};

/* Open state-dir (created 0700 if missing, one level only) for the
 * functions below. It must end up owned by this process's user (root in the
 * daemon) and not writable by group or others: an owner or a mode an
 * earlier v6extd left (it handed the directory to `user`) is changed on the
 * descriptor and logged, and so are the owners of the regular files in it;
 * temporary files a crash left are removed. A symbolic link or a
 * non-directory at path is an error. */
int statefile_dir_open(struct statefile_dir *d, const char *path, char *err, size_t errlen);
void statefile_dir_close(struct statefile_dir *d);

/* d/name into a new heap buffer (NUL-terminated, *len without the NUL).
 * ENOENT when it does not exist; ELOOP for a symbolic link, EISDIR for a
 * directory, EINVAL for any other non-regular file, EFBIG over max bytes. */
int statefile_read(const struct statefile_dir *d, const char *name, size_t max, uint8_t **buf, size_t *len,
    char *err, size_t errlen);
/* Replace d/name with len bytes. Whatever non-directory was at name (a
 * link, a fifo) is replaced, never followed or opened. */
int statefile_write(const struct statefile_dir *d, const char *name, const void *text, size_t len,
    char *err, size_t errlen);

/* A state file's parser and builder, for statefile_load and _save. */
typedef int (*statefile_parse_fn)(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen);
typedef int (*statefile_build_fn)(const void *obj, char **out, size_t *len);

/* Read d/name and parse it into obj: ENOENT when missing (obj untouched),
 * EINVAL with "state-dir PATH: NAME: line N: why" when it does not parse. */
int statefile_load(const struct statefile_dir *d, const char *name, size_t max, statefile_parse_fn parse,
    void *obj, char *err, size_t errlen);
/* Build obj's text and replace d/name with it. */
int statefile_save(const struct statefile_dir *d, const char *name, statefile_build_fn build, const void *obj,
    char *err, size_t errlen);

/* ENOSPC or EDQUOT: the daemon keeps serving from memory and retries. */
bool statefile_disk_full(int err);

/* The line-oriented files (leases, names): a header line, then records,
 * then "end N"; blank lines and '#' comments anywhere. The walk is shared,
 * each record is record's: it parses one line (a NUL-terminated copy it
 * may cut up), sets *end at the end line, and returns -1 for a bad one.
 * 0, or -1 with "line N: why" (or why the whole is wrong) in err. */
int statefile_parse_lines(const uint8_t *buf, size_t len, const char *header, const char *what,
    int (*record)(void *ctx, char *line, bool *end), void *ctx, char *err, size_t errlen);

/* The saves of one file, for a caller that keeps its state dirty until a
 * save succeeds: logs a failure once (not every retry), the recovery once,
 * and spaces the retries out (1 s doubling to 64 s) so a full disk is not
 * hammered with a 16 MiB build every second. */
struct statefile_saves {
	int last_err;                   /* errno of the last save; 0: it succeeded */
	unsigned failures;              /* in a row */
	uint64_t next_ms;               /* no retry before (util_now_ms) */
};

/* Is a save of a dirty file due at now_ms? */
bool statefile_save_due(const struct statefile_saves *s, uint64_t now_ms);
/* Record what a save of name returned (rc, its message in err) at now_ms
 * and log as above. Returns rc. */
int statefile_save_done(struct statefile_saves *s, const char *name, int rc, const char *err, uint64_t now_ms);

/* ------------------------------------------------------------ start-up
 *
 * A missing state file must not pass for a first start: a lost
 * sub-prefixes would renumber every site without a word. So the first
 * start writes every file the daemon keeps (empty where it has nothing to
 * keep) and a manifest naming them; a later start refuses when a file the
 * manifest names is gone. A kind added by a later version is not in an
 * older manifest: it is created empty and added. A directory without a
 * manifest but with files was written by a v6extd from before the
 * manifest, which wrote a file only once it had something in it: there a
 * missing file that may be legitimately absent (optional_before) is
 * created empty, any other is missing. */
struct statefile_kind {
	const char *name;
	const char *empty;              /* the text of an empty file of this kind */
	size_t empty_len;
	bool optional_before;           /* may be absent from a directory without a manifest */
};

enum statefile_census {
	STATEFILE_READY,                /* every file it needs is there, or may be created */
	STATEFILE_FIRST,                /* neither manifest nor files: the first start */
	STATEFILE_MISSING,              /* a file the directory held is gone: refuse */
};

enum statefile_action {
	STATEFILE_KEEP,                 /* there: load it */
	STATEFILE_CREATE,               /* write it empty */
	STATEFILE_LOST,                 /* gone: the reason to refuse */
};

/* The testable core: from whether a manifest exists, which kinds it lists
 * (listed[i], all false without one) and which files exist, the outcome
 * and what to do with each kind (action[i]). Touches nothing. */
enum statefile_census statefile_census(const struct statefile_kind *kinds, size_t n, bool manifest,
    const bool *listed, const bool *exists, enum statefile_action *action);

/* Look at d, decide with statefile_census and act: create what must be
 * created, then write the manifest. On STATEFILE_MISSING returns ENOENT with
 * the missing files and the ways out in err. A manifest that cannot be read
 * or parsed is an error too. *created (may be NULL) counts the files made. */
int statefile_start(const struct statefile_dir *d, const struct statefile_kind *kinds, size_t n,
    size_t *created, char *err, size_t errlen);

/* The manifest text is a state file like the others:
 *
 *   v6ext-state 1
 *   file sub-prefixes
 *   file leases
 *   end 2
 *
 * Parse it into names[] (*n of at most STATEFILE_KINDS_MAX), or build it. */
int statefile_manifest_parse(const uint8_t *buf, size_t len, char names[][STATEFILE_NAME_MAX + 1], size_t *n,
    char *err, size_t errlen);
int statefile_manifest_build(const char *const *names, size_t n, char **out, size_t *len);

#endif
