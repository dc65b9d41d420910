/* SPDX-License-Identifier: ISC */
/* statefile: whole-file reads and atomic replacement in state-dir, relative
 * to a directory descriptor; the start-up census of what the directory
 * holds. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "statefile.h"
#include "util.h"

#define STATEFILE_MAGIC    "v6ext-state 1"
#define STATEFILE_TMP      ".tmp-"     /* ".NAME.tmp-HEX": a write in progress */
#define STATEFILE_TRIES    8           /* random temporary names tried */
#define STATEFILE_RETRY_MS 1000u
#define STATEFILE_RETRY_SHIFT_MAX 6    /* 1 s << 6 = 64 s between retries at most */

static int statefile_fail(const struct statefile_dir *d, int rc, char *err, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "state-dir PATH: " and the message; returns rc, the errno kept. */
static int
statefile_fail(const struct statefile_dir *d, int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "state-dir %s: ", d->path);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* The names v6extd gives its files: no '/', no dot file, nothing a shell
 * or a log line would need quoting for. */
static bool
statefile_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= STATEFILE_NAME_MAX && name[0] != '-' &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* A temporary file: ours (".NAME.tmp-HEX"), or the fixed "NAME.tmp" of
 * the versions before this one. */
static bool
statefile_is_temp(const char *name)
{
	size_t n = strlen(name);

	return (name[0] == '.' && strstr(name, STATEFILE_TMP) != NULL) ||
	    (n > 4 && strcmp(name + n - 4, ".tmp") == 0);
}

/* errno values with which openat(O_TMPFILE) says "not here" rather than
 * "cannot": a kernel without it (EISDIR), a file system without it. */
static bool
statefile_no_tmpfile_errno(int e)
{
	return e == EOPNOTSUPP || e == EISDIR || e == EINVAL;
}

/* ------------------------------------------------------------ directory */

/* The directory, then every regular file in it, owned by us and not
 * writable by group or others. Changed on descriptors, never by name: a
 * name could be swapped for a link between a check and a chown. */
static int
statefile_dir_own(struct statefile_dir *d, char *err, size_t errlen)
{
	uid_t me = geteuid();
	gid_t my_gid = getegid();
	char who[32];
	struct stat st;

	snprintf(who, sizeof(who), me == 0 ? "root's" : "uid %u's", (unsigned)me);
	if (fstat(d->fd, &st) != 0)
		return statefile_fail(d, errno, err, errlen, "%s", strerror(errno));
	if (st.st_uid != me) {
		if (fchown(d->fd, me, my_gid) != 0)
			return statefile_fail(d, errno, err, errlen, "owned by uid %u, and cannot be made %s: %s",
			    (unsigned)st.st_uid, who, strerror(errno));
		log_warnx("state-dir %s: was uid %u's (an earlier v6extd handed it to its user): now %s,"
		    " since only the privileged parent writes it", d->path, (unsigned)st.st_uid, who);
	}
	if ((st.st_mode & 022) != 0) {
		if (fchmod(d->fd, 0700) != 0)
			return statefile_fail(d, errno, err, errlen, "mode %04o: %s", (unsigned)(st.st_mode & 07777),
			    strerror(errno));
		log_warnx("state-dir %s: mode %04o let group or others write it: now 0700", d->path,
		    (unsigned)(st.st_mode & 07777));
	}
	return 0;
}

static int
statefile_file_own(struct statefile_dir *d, const char *name, const struct stat *seen, size_t *fixed,
    char *err, size_t errlen)
{
	uid_t me = geteuid();
	struct stat st;
	int fd, rc = 0;

	/* more than one link: not a file we wrote (we only ever rename new
	 * files in); changing it would change the other name's file too */
	if (seen->st_nlink != 1) {
		log_warnx("state-dir %s: %s has %u links and is uid %u's: left alone; the next write replaces it",
		    d->path, name, (unsigned)seen->st_nlink, (unsigned)seen->st_uid);
		return 0;
	}
	fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return statefile_fail(d, errno, err, errlen, "%s: %s", name, strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino) {
		close(fd);
		return statefile_fail(d, EAGAIN, err, errlen, "%s: changed while being looked at", name);
	}
	if (st.st_uid != me && fchown(fd, me, getegid()) != 0)
		rc = errno;
	else if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0)
		rc = errno;
	close(fd);
	if (rc != 0)
		return statefile_fail(d, rc, err, errlen, "%s (uid %u, mode %04o): %s", name, (unsigned)st.st_uid,
		    (unsigned)(st.st_mode & 07777), strerror(rc));
	(*fixed)++;
	return 0;
}

/* Remove what interrupted writes left, take back files another user owns. */
static int
statefile_dir_sweep(struct statefile_dir *d, char *err, size_t errlen)
{
	size_t fixed = 0, swept = 0;
	struct dirent *de;
	DIR *dir;
	int fd, rc = 0;

	if ((fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || (dir = fdopendir(fd)) == NULL) {
		rc = errno;
		if (fd >= 0)
			close(fd);
		return statefile_fail(d, rc, err, errlen, "%s", strerror(rc));
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(d->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (statefile_is_temp(de->d_name) && !S_ISDIR(st.st_mode)) {
			if (unlinkat(d->fd, de->d_name, 0) == 0)
				swept++;
			continue;
		}
		if (S_ISREG(st.st_mode) && (st.st_uid != geteuid() || (st.st_mode & 077) != 0))
			rc = statefile_file_own(d, de->d_name, &st, &fixed, err, errlen);
	}
	closedir(dir);
	if (swept > 0)
		log_info("state-dir %s: removed %zu temporary files an interrupted write left", d->path, swept);
	if (fixed > 0)
		log_warnx("state-dir %s: %zu %s another user's or open to others: now %s, mode 0600",
		    d->path, fixed, fixed == 1 ? "file was" : "files were", geteuid() == 0 ? "root's" : "ours");
	return rc;
}

int
statefile_dir_open(struct statefile_dir *d, const char *path, char *err, size_t errlen)
{
	size_t n = strlen(path);
	int rc, fd;

	d->fd = -1;
	d->no_tmpfile = false;
	/* "/var/lib/v6ext/" would follow a link at v6ext despite O_NOFOLLOW */
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(d->path)) {
		snprintf(err, errlen, "state-dir %.64s: path empty or too long", path);
		return ENAMETOOLONG;
	}
	memcpy(d->path, path, n);
	d->path[n] = '\0';
	if (mkdir(d->path, 0700) == 0)
		log_info("state-dir %s: created", d->path);
	else if (errno != EEXIST)
		return statefile_fail(d, errno, err, errlen, "%s", strerror(errno));
	if ((d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		struct stat st;

		/* with O_DIRECTORY a link says ENOTDIR: tell the two apart */
		rc = errno;
		if ((rc == ENOTDIR || rc == ELOOP) && lstat(d->path, &st) == 0)
			rc = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
		return statefile_fail(d, rc, err, errlen, "%s", rc == ELOOP ? "a symbolic link, not a directory" :
		    rc == ENOTDIR ? "not a directory" : strerror(rc));
	}
	if ((rc = statefile_dir_own(d, err, errlen)) != 0 || (rc = statefile_dir_sweep(d, err, errlen)) != 0) {
		statefile_dir_close(d);
		return rc;
	}
	/* tmpfs, ext4, xfs, btrfs have it; some FUSE and network ones not */
	if ((fd = openat(d->fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	else
		d->no_tmpfile = statefile_no_tmpfile_errno(errno);
	return 0;
}

void
statefile_dir_close(struct statefile_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* ------------------------------------------------------------ read, write */

int
statefile_read(const struct statefile_dir *d, const char *name, size_t max, uint8_t **buf, size_t *len,
    char *err, size_t errlen)
{
	struct stat seen, st;
	size_t got = 0;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if (!statefile_name_ok(name))
		return statefile_fail(d, EINVAL, err, errlen, "'%.40s' is not a state file name", name);
	/* look before opening: a fifo would block an open, a device could act */
	if (fstatat(d->fd, name, &seen, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = errno;
		return statefile_fail(d, rc, err, errlen, "%s: %s", name, rc == ENOENT ? "missing" : strerror(rc));
	}
	if (S_ISLNK(seen.st_mode))
		return statefile_fail(d, ELOOP, err, errlen, "%s: a symbolic link, which v6extd never makes", name);
	if (S_ISDIR(seen.st_mode))
		return statefile_fail(d, EISDIR, err, errlen, "%s: a directory, not a regular file", name);
	if (!S_ISREG(seen.st_mode))
		return statefile_fail(d, EINVAL, err, errlen, "%s: not a regular file", name);
	if ((uint64_t)seen.st_size > max)
		return statefile_fail(d, EFBIG, err, errlen, "%s: %lld bytes, more than the %zu it may be", name,
		    (long long)seen.st_size, max);
	if ((fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
		return statefile_fail(d, errno, err, errlen, "%s: %s", name, strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_dev != seen.st_dev || st.st_ino != seen.st_ino || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		close(fd);
		return statefile_fail(d, EAGAIN, err, errlen, "%s: changed while being opened", name);
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return statefile_fail(d, ENOMEM, err, errlen, "%s: out of memory", name);
	}
	rc = 0;
	while (rc == 0 && got < (size_t)st.st_size) {
		ssize_t r = read(fd, *buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			rc = r < 0 ? errno : EIO;       /* EIO: it shrank under us */
		else
			got += (size_t)r;
	}
	close(fd);
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
		return statefile_fail(d, rc, err, errlen, "%s: read %zu of %lld bytes: %s", name, got,
		    (long long)st.st_size, strerror(rc));
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

/* ".NAME.tmp-" and 16 hex digits. Unpredictable, though only O_EXCL and
 * O_NOFOLLOW are what keeps a planted name from being followed. */
static void
statefile_tmp_name(char *out, size_t outlen, const char *name)
{
	static unsigned counter;
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 48;
	}
	snprintf(out, outlen, ".%s" STATEFILE_TMP "%016llx", name, (unsigned long long)(r + counter++));
}

/* Give the unnamed file fd a temporary name in d. linkat(AT_EMPTY_PATH)
 * needs CAP_DAC_READ_SEARCH; the /proc path, open(2)'s own example, needs
 * none, so it is tried first. */
static int
statefile_link_tmpfile(const struct statefile_dir *d, int fd, const char *name, char *tmp, size_t tmplen)
{
	char proc[64];
	int rc = EEXIST;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	for (int i = 0; i < STATEFILE_TRIES && rc == EEXIST; i++) {
		statefile_tmp_name(tmp, tmplen, name);
		rc = 0;
		if (linkat(AT_FDCWD, proc, d->fd, tmp, AT_SYMLINK_FOLLOW) != 0 &&
		    (errno != ENOENT || linkat(fd, "", d->fd, tmp, AT_EMPTY_PATH) != 0))
			rc = errno;
	}
	return rc;
}

int
statefile_write(const struct statefile_dir *d, const char *name, const void *text, size_t len,
    char *err, size_t errlen)
{
	char tmp[STATEFILE_NAME_MAX + 32] = "";
	const char *step = "creating a temporary file";
	bool named = false;
	int fd = -1, rc = 0;

	if (!statefile_name_ok(name))
		return statefile_fail(d, EINVAL, err, errlen, "'%.40s' is not a state file name", name);
	if (!d->no_tmpfile && (fd = openat(d->fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) < 0 &&
	    !statefile_no_tmpfile_errno(errno)) {
		rc = errno;
		goto out;
	}
	for (int i = 0; fd < 0 && i < STATEFILE_TRIES; i++) {
		statefile_tmp_name(tmp, sizeof(tmp), name);
		fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			named = true;
		else if (errno != EEXIST) {
			rc = errno;
			goto out;
		}
	}
	if (fd < 0) {
		rc = EEXIST;
		goto out;
	}
	step = "writing";
	if ((rc = util_write_all(fd, text, len)) != 0)
		goto out;
	step = "fsync";
	if (fsync(fd) != 0) {
		rc = errno;
		goto out;
	}
	step = "linking";
	if (!named && (rc = statefile_link_tmpfile(d, fd, name, tmp, sizeof(tmp))) != 0)
		goto out;
	named = true;
	step = "closing";
	rc = close(fd) != 0 ? errno : 0;
	fd = -1;
	if (rc != 0)
		goto out;
	step = "renaming";
	if (renameat(d->fd, tmp, d->fd, name) != 0) {
		rc = errno;
		goto out;
	}
	named = false;
	/* the rename itself is durable only once the directory is synced */
	step = "fsync of the directory";
	if (fsync(d->fd) != 0)
		rc = errno;
out:
	if (fd >= 0)
		close(fd);
	if (named)
		(void)unlinkat(d->fd, tmp, 0);
	if (rc != 0)
		return statefile_fail(d, rc, err, errlen, "%s: %s: %s", name, step, strerror(rc));
	return 0;
}

int
statefile_load(const struct statefile_dir *d, const char *name, size_t max, statefile_parse_fn parse, void *obj,
    char *err, size_t errlen)
{
	char why[256];
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = statefile_read(d, name, max, &buf, &len, err, errlen)) != 0)
		return rc;
	rc = parse(buf, len, obj, why, sizeof(why)) == 0 ? 0 : EINVAL;
	if (rc != 0)
		statefile_fail(d, rc, err, errlen, "%s: %s", name, why);
	free(buf);
	return rc;
}

int
statefile_save(const struct statefile_dir *d, const char *name, statefile_build_fn build, const void *obj,
    char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (build(obj, &text, &len) != 0)
		return statefile_fail(d, ENOMEM, err, errlen, "%s: out of memory", name);
	rc = statefile_write(d, name, text, len, err, errlen);
	free(text);
	return rc;
}

/* ------------------------------------------------------------ failed saves */

int
statefile_parse_lines(const uint8_t *buf, size_t len, const char *header, const char *what,
    int (*record)(void *ctx, char *line, bool *end), void *ctx, char *err, size_t errlen)
{
	char line[512];
	size_t off = 0;
	int n = 0;
	bool seen_header = false, end = false;

	if (len > 0 && buf[len - 1] != '\n')
		return util_errorf(err, errlen, "truncated (the last line has no newline)");
	while (off < len) {
		const uint8_t *nl = memchr(buf + off, '\n', len - off);
		size_t ll = (size_t)(nl - (buf + off));

		n++;
		if (ll >= sizeof(line) || memchr(buf + off, '\0', ll) != NULL)
			return util_errorf(err, errlen, "line %d: too long or a NUL byte", n);
		memcpy(line, buf + off, ll);
		line[ll] = '\0';
		off += ll + 1;
		if (ll == 0 || line[0] == '#')
			continue;
		if (end)
			return util_errorf(err, errlen, "line %d: text after the end line", n);
		if (!seen_header) {
			if (strcmp(line, header) != 0)
				return util_errorf(err, errlen, "line %d: not a v6ext %s file, version 1", n, what);
			seen_header = true;
			continue;
		}
		if (record(ctx, line, &end) != 0)
			return util_errorf(err, errlen, "line %d: bad record", n);
	}
	if (!seen_header)
		return util_errorf(err, errlen, "empty or truncated (no header line)");
	if (!end)
		return util_errorf(err, errlen, "truncated (no end line)");
	return 0;
}

bool
statefile_disk_full(int err)
{
	return err == ENOSPC || err == EDQUOT;
}

bool
statefile_save_due(const struct statefile_saves *s, uint64_t now_ms)
{
	return s->last_err == 0 || now_ms >= s->next_ms;
}

int
statefile_save_done(struct statefile_saves *s, const char *name, int rc, const char *err, uint64_t now_ms)
{
	unsigned shift;

	if (rc == 0) {
		if (s->last_err != 0)
			log_info("%s: saved again, after %u failed attempts", name, s->failures);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	/* once per kind of failure, not once a second */
	if (rc != s->last_err)
		log_warnx("%s%s", err, statefile_disk_full(rc) ?
		    "; serving on from memory, retrying, and saying so again once it is saved" :
		    "; retrying, and saying so again once it is saved or fails otherwise");
	s->last_err = rc;
	shift = s->failures < STATEFILE_RETRY_SHIFT_MAX ? s->failures : STATEFILE_RETRY_SHIFT_MAX;
	s->failures++;
	s->next_ms = now_ms + ((uint64_t)STATEFILE_RETRY_MS << shift);
	return rc;
}

/* ------------------------------------------------------------ start-up */

enum statefile_census
statefile_census(const struct statefile_kind *kinds, size_t n, bool manifest, const bool *listed,
    const bool *exists, enum statefile_action *action)
{
	bool any = false, lost = false;

	for (size_t i = 0; i < n; i++)
		any |= exists[i];
	if (!manifest && !any) {
		for (size_t i = 0; i < n; i++)
			action[i] = STATEFILE_CREATE;
		return STATEFILE_FIRST;
	}
	for (size_t i = 0; i < n; i++) {
		if (exists[i])
			action[i] = STATEFILE_KEEP;
		else if (manifest ? !listed[i] : kinds[i].optional_before)
			action[i] = STATEFILE_CREATE;   /* new in this version, or never written before */
		else
			action[i] = STATEFILE_LOST;
		lost |= action[i] == STATEFILE_LOST;
	}
	return lost ? STATEFILE_MISSING : STATEFILE_READY;
}

static int statefile_manifest_error(char *err, size_t errlen, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
statefile_manifest_error(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "line %u: ", line);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
statefile_manifest_parse(const uint8_t *buf, size_t len, char names[][STATEFILE_NAME_MAX + 1], size_t *n,
    char *err, size_t errlen)
{
	const char *p = (const char *)buf;
	size_t rem = len;
	unsigned line = 0;
	bool ended = false;

	*n = 0;
	while (rem > 0) {
		const char *nl = memchr(p, '\n', rem);
		size_t ll;
		char text[64];

		line++;
		if (nl == NULL)
			return statefile_manifest_error(err, errlen, line, "no newline: the file was cut short");
		ll = (size_t)(nl - p);
		if (ll >= sizeof(text) || memchr(p, '\0', ll) != NULL)
			return statefile_manifest_error(err, errlen, line, "not a manifest line");
		memcpy(text, p, ll);
		text[ll] = '\0';
		p = nl + 1;
		rem -= ll + 1;
		if (ended)
			return statefile_manifest_error(err, errlen, line, "text after end");
		if (line == 1) {
			if (strcmp(text, STATEFILE_MAGIC) != 0)
				return statefile_manifest_error(err, errlen, line, "not a v6ext manifest (want \""
				    STATEFILE_MAGIC "\")");
		} else if (strncmp(text, "file ", 5) == 0) {
			const char *name = text + 5;

			if (!statefile_name_ok(name))
				return statefile_manifest_error(err, errlen, line, "'%s' is not a state file name", name);
			for (size_t i = 0; i < *n; i++)
				if (strcmp(names[i], name) == 0)
					return statefile_manifest_error(err, errlen, line, "%s twice", name);
			if (*n == STATEFILE_KINDS_MAX)
				return statefile_manifest_error(err, errlen, line, "more than %d files",
				    STATEFILE_KINDS_MAX);
			snprintf(names[(*n)++], STATEFILE_NAME_MAX + 1, "%s", name);
		} else {
			char count[24];

			snprintf(count, sizeof(count), "end %zu", *n);
			if (strcmp(text, count) != 0)
				return statefile_manifest_error(err, errlen, line, "want \"file NAME\" or \"%s\"", count);
			ended = true;
		}
	}
	if (!ended)
		return statefile_manifest_error(err, errlen, line + 1, "no end line: the file was cut short");
	return 0;
}

int
statefile_manifest_build(const char *const *names, size_t n, char **out, size_t *len)
{
	size_t cap = sizeof(STATEFILE_MAGIC "\nend \n") + 24 + n * (STATEFILE_NAME_MAX + 6);
	char *buf = malloc(cap), *p = buf;

	if (buf == NULL)
		return -1;
	p += sprintf(p, "%s\n", STATEFILE_MAGIC);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "file %.*s\n", STATEFILE_NAME_MAX, names[i]);
	p += sprintf(p, "end %zu\n", n);
	*out = buf;
	*len = (size_t)(p - buf);
	return 0;
}

/* "a, b and c" of the kinds whose action is want; returns how many. */
static size_t
statefile_list(char *out, size_t outlen, const struct statefile_kind *kinds, size_t n,
    const enum statefile_action *action, enum statefile_action want)
{
	size_t total = 0, k = 0, used = 0;

	for (size_t i = 0; i < n; i++)
		total += action[i] == want;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < outlen; i++) {
		if (action[i] != want)
			continue;
		k++;
		used += (size_t)snprintf(out + used, outlen - used, "%s%s", k == 1 ? "" : k == total ? " and " : ", ",
		    kinds[i].name);
	}
	return total;
}

/* The manifest: what it listed (names this version does not know stay
 * listed, for a later upgrade) and every kind of this version. */
static int
statefile_manifest_write(const struct statefile_dir *d, const struct statefile_kind *kinds, size_t n,
    char listed[][STATEFILE_NAME_MAX + 1], size_t n_listed, char *err, size_t errlen)
{
	const char *names[2 * STATEFILE_KINDS_MAX];
	size_t k = 0;
	char *text;
	size_t len;
	int rc;

	for (size_t i = 0; i < n_listed; i++)
		names[k++] = listed[i];
	for (size_t i = 0; i < n; i++) {
		bool have = false;

		for (size_t j = 0; j < n_listed && !have; j++)
			have = strcmp(listed[j], kinds[i].name) == 0;
		if (!have)
			names[k++] = kinds[i].name;
	}
	if (k > STATEFILE_KINDS_MAX)
		return statefile_fail(d, EINVAL, err, errlen, STATEFILE_MANIFEST ": more than %d files",
		    STATEFILE_KINDS_MAX);
	if (statefile_manifest_build(names, k, &text, &len) != 0)
		return statefile_fail(d, ENOMEM, err, errlen, STATEFILE_MANIFEST ": out of memory");
	rc = statefile_write(d, STATEFILE_MANIFEST, text, len, err, errlen);
	free(text);
	return rc;
}

int
statefile_start(const struct statefile_dir *d, const struct statefile_kind *kinds, size_t n, size_t *created,
    char *err, size_t errlen)
{
	char listed_names[STATEFILE_KINDS_MAX][STATEFILE_NAME_MAX + 1], what[256], why[128];
	bool listed[STATEFILE_KINDS_MAX] = { false }, exists[STATEFILE_KINDS_MAX] = { false }, relist = false;
	enum statefile_action action[STATEFILE_KINDS_MAX];
	enum statefile_census census;
	size_t n_listed = 0, made = 0;
	bool manifest;
	uint8_t *buf;
	size_t len;
	int rc;

	if (created != NULL)
		*created = 0;
	if (n > STATEFILE_KINDS_MAX)
		return statefile_fail(d, EINVAL, err, errlen, "more than %d kinds of state file", STATEFILE_KINDS_MAX);
	rc = statefile_read(d, STATEFILE_MANIFEST, STATEFILE_MANIFEST_MAX, &buf, &len, err, errlen);
	if (rc != 0 && rc != ENOENT)
		return rc;
	if ((manifest = rc == 0)) {
		rc = statefile_manifest_parse(buf, len, listed_names, &n_listed, why, sizeof(why));
		free(buf);
		if (rc != 0)
			return statefile_fail(d, EINVAL, err, errlen, STATEFILE_MANIFEST ": %s", why);
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		for (size_t j = 0; j < n_listed && !listed[i]; j++)
			listed[i] = strcmp(listed_names[j], kinds[i].name) == 0;
		relist |= !listed[i];
		/* a link or a fifo counts as there: reading it then says what is wrong */
		exists[i] = fstatat(d->fd, kinds[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (!exists[i] && errno != ENOENT)
			return statefile_fail(d, errno, err, errlen, "%s: %s", kinds[i].name, strerror(errno));
	}
	census = statefile_census(kinds, n, manifest, listed, exists, action);
	if (census == STATEFILE_MISSING) {
		bool many = statefile_list(what, sizeof(what), kinds, n, action, STATEFILE_LOST) > 1;

		return statefile_fail(d, ENOENT, err, errlen, "%s %s missing, though %s; restore %s from a backup,"
		    " or, to start afresh (sites with sub-prefix = auto may get other sub-prefixes), move the"
		    " directory away: mv %s %s.old", what, many ? "are" : "is",
		    manifest ? (many ? "the manifest lists them" : "the manifest lists it") : "other state files are there",
		    many ? "them" : "it", d->path, d->path);
	}
	for (size_t i = 0; i < n; i++) {
		if (action[i] != STATEFILE_CREATE)
			continue;
		if ((rc = statefile_write(d, kinds[i].name, kinds[i].empty, kinds[i].empty_len, err, errlen)) != 0)
			return rc;
		made++;
	}
	/* the manifest last: a crash before it leaves a directory that the
	 * rules for one without a manifest take as it is */
	if ((!manifest || relist) &&
	    (rc = statefile_manifest_write(d, kinds, n, listed_names, n_listed, err, errlen)) != 0)
		return rc;
	if (made > 0) {
		statefile_list(what, sizeof(what), kinds, n, action, STATEFILE_CREATE);
		log_info("state-dir %s: %s: wrote %s, empty", d->path, census == STATEFILE_FIRST ? "first start" :
		    manifest ? "new kinds of state" : "from a v6extd that wrote files only once it had something to keep",
		    what);
	}
	if (created != NULL)
		*created = made;
	return 0;
}
