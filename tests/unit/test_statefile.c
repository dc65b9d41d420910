/* SPDX-License-Identifier: ISC */
/* test_statefile: state-dir, its files and its start-up census.
 *
 * Proves, in real temporary directories, that files round-trip through
 * both write paths (O_TMPFILE and the random-name fallback) with nothing
 * left behind; that nothing hostile in the directory is followed or opened
 * (a symbolic link at a file or at the old fixed temporary name, a fifo, a
 * directory, a file over its size limit); that the directory and its files
 * are taken back from another uid and from a mode open to others; that a
 * full disk (a small tmpfs) comes back as ENOSPC, keeps the old file and
 * leaves no temporary file; that failed saves are logged and retried as
 * promised; that statefile_census decides as its table says; and that
 * statefile_start writes a first start whole, refuses a lost file with the
 * way out, and takes in an older directory and a new kind of file.
 *
 * Tests that need root (chown, mount) say "# skipped ...: why" and pass
 * when not root: cmocka 1.1 reports skip() as "not ok # SKIP", which
 * automake's TAP driver counts as a failure. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "forwards.h"
#include "names.h"
#include "lease.h"
#include "stamps.h"
#include "statedir.h"
#include "statefile.h"
#include "tmpstate.h"
#include "util.h"

#define NOBODY 65534            /* uid and gid, as Debian and Fedora have them */

static int
tmp_setup(void **state)
{
	return tmpstate_setup(state, "test_statefile", NULL);
}

static void
open_ok(struct tmpstate *t)
{
	char err[512];

	statefile_dir_close(&t->sd);
	if (statefile_dir_open(&t->sd, t->state, err, sizeof(err)) != 0)
		fail_msg("statefile_dir_open: %s", err);
}

static void
assert_has(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", s, want);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

/* d/name holds exactly text. */
static void
assert_holds(const struct statefile_dir *d, const char *name, const char *text)
{
	char err[512];
	uint8_t *buf;
	size_t len;

	if (statefile_read(d, name, 1 << 20, &buf, &len, err, sizeof(err)) != 0)
		fail_msg("statefile_read: %s", err);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(buf, text, len);
	free(buf);
}

/* Nothing but the listed names (NULL-terminated) in dir: no temporary file. */
static void
assert_only(const char *dir, const char *const *names)
{
	char cmd[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -A %s", dir);
	assert_non_null(f = popen(cmd, "r"));
	while (fgets(cmd, sizeof(cmd), f) != NULL) {
		bool known = false;

		cmd[strcspn(cmd, "\n")] = '\0';
		for (size_t i = 0; names[i] != NULL && !known; i++)
			known = strcmp(cmd, names[i]) == 0;
		if (!known)
			fail_msg("%s: unexpected %s", dir, cmd);
		n++;
	}
	pclose(f);
	for (size_t i = 0; names[i] != NULL; i++)
		n -= 1;
	assert_int_equal(n, 0);
}

static bool
skip_unless_root(const char *what)
{
	if (geteuid() == 0)
		return false;
	printf("# skipped %s: needs root (to chown and mount), and this is uid %u\n", what, (unsigned)geteuid());
	return true;
}

/* -------------------------------------------------------------- round trip */

static void
round_trip(struct tmpstate *t, bool fallback)
{
	static const char *const only[] = { "a", NULL };
	char err[512];
	struct stat st;

	open_ok(t);
	t->sd.no_tmpfile = fallback;
	assert_int_equal(stat(t->state, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(statefile_write(&t->sd, "a", "one\n", 4, err, sizeof(err)), 0);
	assert_holds(&t->sd, "a", "one\n");
	assert_int_equal(statefile_write(&t->sd, "a", "two, longer\n", 12, err, sizeof(err)), 0);
	assert_holds(&t->sd, "a", "two, longer\n");
	assert_int_equal(statefile_write(&t->sd, "a", "", 0, err, sizeof(err)), 0);
	assert_holds(&t->sd, "a", "");
	assert_only(t->state, only);
	assert_int_equal(fstatat(t->sd.fd, "a", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	/* names that are not ours are refused before anything is made */
	assert_int_equal(statefile_write(&t->sd, "../x", "x", 1, err, sizeof(err)), EINVAL);
	assert_int_equal(statefile_write(&t->sd, ".hidden", "x", 1, err, sizeof(err)), EINVAL);
	assert_int_equal(statefile_write(&t->sd, "", "x", 1, err, sizeof(err)), EINVAL);
	assert_only(t->state, only);
}

static void
test_round_trip(void **state)
{
	round_trip(*state, false);
}

static void
test_round_trip_fallback(void **state)
{
	round_trip(*state, true);
}

/* --------------------------------------------------------- hostile entries */

static void
test_read_refuses(void **state)
{
	struct tmpstate *t = *state;
	char err[512], victim[128], path[128];
	uint8_t *buf = (uint8_t *)"x";
	size_t len = 7;

	open_ok(t);
	snprintf(victim, sizeof(victim), "%s/victim", t->dir);
	put(t->dir, "victim", "secret\n");
	/* missing */
	assert_int_equal(statefile_read(&t->sd, "a", 100, &buf, &len, err, sizeof(err)), ENOENT);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_has(err, "state-dir ");
	assert_has(err, "a: missing");
	/* a symbolic link to a file outside: not followed */
	snprintf(path, sizeof(path), "%s/a", t->state);
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(statefile_read(&t->sd, "a", 100, &buf, &len, err, sizeof(err)), ELOOP);
	assert_has(err, "a: a symbolic link");
	assert_int_equal(unlink(path), 0);
	/* a directory */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(statefile_read(&t->sd, "a", 100, &buf, &len, err, sizeof(err)), EISDIR);
	assert_int_equal(rmdir(path), 0);
	/* a fifo: refused without opening it (an open would block) */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(statefile_read(&t->sd, "a", 100, &buf, &len, err, sizeof(err)), EINVAL);
	assert_has(err, "a: not a regular file");
	assert_int_equal(unlink(path), 0);
	/* over the limit, and exactly at it */
	put(t->state, "a", "0123456789");
	assert_int_equal(statefile_read(&t->sd, "a", 9, &buf, &len, err, sizeof(err)), EFBIG);
	assert_has(err, "a: 10 bytes, more than the 9");
	assert_int_equal(statefile_read(&t->sd, "a", 10, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 10);
	assert_int_equal(buf[10], '\0');
	free(buf);
	/* load passes the errno through, and a parse error is EINVAL */
	assert_int_equal(statefile_read(&t->sd, "../victim", 100, &buf, &len, err, sizeof(err)), EINVAL);
}

static int
parse_fail(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	(void)buf;
	(void)len;
	(void)obj;
	snprintf(err, errlen, "line 1: no");
	return -1;
}

static void
test_load_errors(void **state)
{
	struct tmpstate *t = *state;
	char err[512], want[256];

	open_ok(t);
	assert_int_equal(statefile_load(&t->sd, "a", 100, parse_fail, NULL, err, sizeof(err)), ENOENT);
	put(t->state, "a", "x\n");
	assert_int_equal(statefile_load(&t->sd, "a", 100, parse_fail, NULL, err, sizeof(err)), EINVAL);
	snprintf(want, sizeof(want), "state-dir %s: a: line 1: no", t->state);
	assert_string_equal(err, want);
}

static void
write_over(struct tmpstate *t, bool fallback)
{
	static const char *const only[] = { "a", "sub-prefixes.tmp", NULL };
	char err[512], victim[128], path[128];
	struct stat st;

	snprintf(victim, sizeof(victim), "%s/victim", t->dir);
	put(t->dir, "victim", "secret\n");
	/* the fixed temporary name the old code opened with O_TRUNC, and the
	 * file itself, as links to the victim */
	snprintf(path, sizeof(path), "%s/sub-prefixes.tmp", t->state);
	assert_int_equal(symlink(victim, path), 0);
	snprintf(path, sizeof(path), "%s/a", t->state);
	assert_int_equal(symlink(victim, path), 0);
	t->sd.no_tmpfile = fallback;
	assert_int_equal(statefile_write(&t->sd, "a", "new\n", 4, err, sizeof(err)), 0);
	/* the link was replaced, its target not touched */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_holds(&t->sd, "a", "new\n");
	assert_int_equal(lstat(victim, &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_only(t->state, only);
	/* a fifo is replaced the same way, never opened */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(statefile_write(&t->sd, "a", "fifo\n", 5, err, sizeof(err)), 0);
	assert_holds(&t->sd, "a", "fifo\n");
	/* a directory cannot be replaced: an error, and no temporary file */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(statefile_write(&t->sd, "a", "dir\n", 4, err, sizeof(err)), EISDIR);
	assert_has(err, "a: renaming: ");
	assert_only(t->state, only);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(unlink(victim), 0);
	snprintf(path, sizeof(path), "%s/sub-prefixes.tmp", t->state);
	assert_int_equal(unlink(path), 0);
}

static void
test_write_over_hostile(void **state)
{
	struct tmpstate *t = *state;

	open_ok(t);
	write_over(t, false);
	write_over(t, true);
}

static void
test_dir_open_refuses(void **state)
{
	struct tmpstate *t = *state;
	char err[512], path[128];
	struct statefile_dir d;

	/* a link where the directory should be */
	snprintf(path, sizeof(path), "%s/real", t->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(symlink(path, t->state), 0);
	assert_int_equal(statefile_dir_open(&d, t->state, err, sizeof(err)), ELOOP);
	assert_has(err, "a symbolic link");
	assert_int_equal(d.fd, -1);
	/* the same with a trailing slash, which would follow it */
	snprintf(path, sizeof(path), "%s/", t->state);
	assert_int_equal(statefile_dir_open(&d, path, err, sizeof(err)), ELOOP);
	assert_int_equal(unlink(t->state), 0);
	/* a file */
	put(t->dir, "state", "x");
	assert_int_equal(statefile_dir_open(&d, t->state, err, sizeof(err)), ENOTDIR);
	assert_has(err, "not a directory");
}

static void
test_dir_fixed_up(void **state)
{
	static const char *const only[] = { "a", "b", "c", NULL };
	struct tmpstate *t = *state;
	char path[128];
	struct stat st;

	/* mode 0777, a stale temporary file of each kind, a file open to all */
	assert_int_equal(mkdir(t->state, 0700), 0);
	assert_int_equal(chmod(t->state, 0777), 0);
	put(t->state, "a", "a\n");
	put(t->state, "b", "b\n");
	put(t->state, "c", "c\n");
	put(t->state, "leases.tmp", "old\n");
	put(t->state, ".a.tmp-0123456789abcdef", "half\n");
	snprintf(path, sizeof(path), "%s/b", t->state);
	assert_int_equal(chmod(path, 0666), 0);
	open_ok(t);
	assert_int_equal(fstat(t->sd.fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_only(t->state, only);
}

static void
test_dir_taken_back(void **state)
{
	static const char *const only[] = { "a", "b", "c", NULL };
	struct tmpstate *t = *state;
	char a[128], b[128], c[128], link2[128];
	struct stat st;

	if (skip_unless_root("test_dir_taken_back"))
		return;
	/* as an earlier v6extd left it: the directory and its files nobody's */
	assert_int_equal(mkdir(t->state, 0700), 0);
	put(t->state, "a", "a\n");
	put(t->state, "b", "b\n");
	snprintf(a, sizeof(a), "%s/a", t->state);
	snprintf(b, sizeof(b), "%s/b", t->state);
	snprintf(c, sizeof(c), "%s/c", t->state);
	snprintf(link2, sizeof(link2), "%s/b2", t->dir);
	assert_int_equal(chown(t->state, NOBODY, NOBODY), 0);
	assert_int_equal(chown(a, NOBODY, NOBODY), 0);
	assert_int_equal(chown(b, NOBODY, NOBODY), 0);
	/* b has a second name outside: not ours to change */
	assert_int_equal(link(b, link2), 0);
	/* c is a link nobody planted at root's /etc-like file: left alone */
	assert_int_equal(symlink(link2, c), 0);
	assert_int_equal(lchown(c, NOBODY, NOBODY), 0);
	open_ok(t);
	assert_int_equal(fstat(t->sd.fd, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(a, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(lstat(b, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(lstat(c, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(link2, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_only(t->state, only);
	/* a mode 0777 directory of nobody's */
	statefile_dir_close(&t->sd);
	assert_int_equal(chown(t->state, NOBODY, NOBODY), 0);
	assert_int_equal(chmod(t->state, 0777), 0);
	open_ok(t);
	assert_int_equal(fstat(t->sd.fd, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

/* ------------------------------------------------------------- disk full */

static void
test_disk_full(void **state)
{
	static const char *const only[] = { "a", NULL };
	struct tmpstate *t = *state;
	char err[512], mnt[128];
	size_t big = 1 << 20;
	char *text;
	int rc;

	if (skip_unless_root("test_disk_full"))
		return;
	/* a mount namespace of our own: whatever happens, the host never sees
	 * the tmpfs, and it goes when the test process does */
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("# skipped test_disk_full: no mount namespace here: %s\n", strerror(errno));
		return;
	}
	snprintf(mnt, sizeof(mnt), "%s", t->dir);
	if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700") != 0) {
		printf("# skipped test_disk_full: cannot mount a tmpfs: %s\n", strerror(errno));
		return;
	}
	assert_non_null(text = malloc(big));
	memset(text, 'x', big);
	for (int fallback = 0; fallback < 2; fallback++) {
		open_ok(t);
		t->sd.no_tmpfile = fallback;
		assert_int_equal(statefile_write(&t->sd, "a", "old\n", 4, err, sizeof(err)), 0);
		rc = statefile_write(&t->sd, "a", text, big, err, sizeof(err));
		assert_int_equal(rc, ENOSPC);
		assert_true(statefile_disk_full(rc));
		assert_has(err, "a: writing: ");
		/* the old file stays, and no temporary file does */
		assert_holds(&t->sd, "a", "old\n");
		assert_only(t->state, only);
		statefile_dir_close(&t->sd);
	}
	free(text);
	assert_int_equal(umount2(mnt, MNT_DETACH), 0);
}

static void
test_saves(void **state)
{
	struct statefile_saves s = { 0 };

	(void)state;
	assert_false(statefile_disk_full(EIO));
	assert_true(statefile_disk_full(EDQUOT));
	assert_true(statefile_save_due(&s, 0));
	/* failures: the retry waits 1, 2, 4 ... 64 s, never longer */
	assert_int_equal(statefile_save_done(&s, "leases", ENOSPC, "state-dir /x: leases: writing: full", 1000),
	    ENOSPC);
	assert_false(statefile_save_due(&s, 1999));
	assert_true(statefile_save_due(&s, 2000));
	(void)statefile_save_done(&s, "leases", ENOSPC, "same", 2000);
	assert_false(statefile_save_due(&s, 3999));
	assert_true(statefile_save_due(&s, 4000));
	for (int i = 0; i < 20; i++)
		(void)statefile_save_done(&s, "leases", EIO, "other", 10000);
	assert_int_equal(s.failures, 22);
	assert_int_equal(s.last_err, EIO);
	assert_true(s.next_ms == 10000 + 64000);
	/* a success clears it all */
	assert_int_equal(statefile_save_done(&s, "leases", 0, "", 80000), 0);
	assert_int_equal(s.failures, 0);
	assert_true(statefile_save_due(&s, 0));
}

/* ----------------------------------------------------------------- census */

static const struct statefile_kind kinds3[] = {
	{ .name = "a", .empty = "A0\n", .empty_len = 3, .optional_before = false },
	{ .name = "b", .empty = "B0\n", .empty_len = 3, .optional_before = true },
	{ .name = "c", .empty = "C0\n", .empty_len = 3, .optional_before = true },
};

#define K STATEFILE_KEEP
#define C STATEFILE_CREATE
#define L STATEFILE_LOST

static void
test_census(void **state)
{
	static const struct {
		bool manifest;
		bool listed[3], exists[3];
		enum statefile_census want;
		enum statefile_action act[3];
	} t[] = {
		/*  1 nothing at all: the first start */
		{ false, { 0, 0, 0 }, { 0, 0, 0 }, STATEFILE_FIRST, { C, C, C } },
		/*  2 all listed, all there */
		{ true, { 1, 1, 1 }, { 1, 1, 1 }, STATEFILE_READY, { K, K, K } },
		/*  3 one listed file gone */
		{ true, { 1, 1, 1 }, { 1, 0, 1 }, STATEFILE_MISSING, { K, L, K } },
		/*  4 a manifest and nothing else: every file gone, not a first start */
		{ true, { 1, 1, 1 }, { 0, 0, 0 }, STATEFILE_MISSING, { L, L, L } },
		/*  5 c is new in this version */
		{ true, { 1, 1, 0 }, { 1, 1, 0 }, STATEFILE_READY, { K, K, C } },
		/*  6 c there but not listed (a crash before the manifest was written) */
		{ true, { 1, 1, 0 }, { 1, 1, 1 }, STATEFILE_READY, { K, K, K } },
		/*  7 before the manifest: sub-prefixes alone is normal */
		{ false, { 0, 0, 0 }, { 1, 0, 0 }, STATEFILE_READY, { K, C, C } },
		/*  8 before the manifest: b without a is a lost a */
		{ false, { 0, 0, 0 }, { 0, 1, 0 }, STATEFILE_MISSING, { L, K, C } },
		/*  9 before the manifest, both old files */
		{ false, { 0, 0, 0 }, { 1, 1, 0 }, STATEFILE_READY, { K, K, C } },
		/* 10 an empty manifest: every kind is new */
		{ true, { 0, 0, 0 }, { 0, 0, 0 }, STATEFILE_READY, { C, C, C } },
		/* 11 a listed file gone while an unlisted one is there */
		{ true, { 1, 0, 0 }, { 0, 1, 0 }, STATEFILE_MISSING, { L, K, C } },
		/* 12 only the optional ones listed and gone */
		{ true, { 1, 1, 1 }, { 1, 0, 0 }, STATEFILE_MISSING, { K, L, L } },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		enum statefile_action act[3];
		enum statefile_census got = statefile_census(kinds3, 3, t[i].manifest, t[i].listed, t[i].exists, act);

		if (got != t[i].want)
			fail_msg("row %zu: census %d, want %d", i + 1, (int)got, (int)t[i].want);
		for (size_t k = 0; k < 3; k++)
			if (act[k] != t[i].act[k])
				fail_msg("row %zu: %s: action %d, want %d", i + 1, kinds3[k].name, (int)act[k],
				    (int)t[i].act[k]);
	}
}

#undef K
#undef C
#undef L

/* ---------------------------------------------------------------- manifest */

static void
test_manifest_text(void **state)
{
	static const char *const names[] = { "sub-prefixes", "leases", "timestamps" };
	static const char good[] = "v6ext-state 1\nfile sub-prefixes\nfile leases\nfile timestamps\nend 3\n";
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{ "v6ext-state 2\nend 0\n", "line 1: not a v6ext manifest" },
		{ "v6ext-state 1\nfile ../etc\nend 1\n", "line 2: '../etc' is not a state file name" },
		{ "v6ext-state 1\nfile a\nfile a\nend 2\n", "line 3: a twice" },
		{ "v6ext-state 1\nfile a\nend 2\n", "line 3: want \"file NAME\" or \"end 1\"" },
		{ "v6ext-state 1\nend 0\nfile a\n", "line 3: text after end" },
		{ "v6ext-state 1\nfile a\0b\nend 1\n", "line 2: not a manifest line" },
		{ "v6ext-state 1\nfile \nend 1\n", "line 2: '' is not a state file name" },
		{ "", "line 1: no end line" },
	};
	char names_out[STATEFILE_KINDS_MAX][STATEFILE_NAME_MAX + 1], err[256], *text, many[2048];
	size_t len, n;

	(void)state;
	assert_int_equal(statefile_manifest_build(names, 3, &text, &len), 0);
	assert_int_equal(len, strlen(good));
	assert_memory_equal(text, good, len);
	assert_int_equal(statefile_manifest_parse((uint8_t *)text, len, names_out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names_out[2], "timestamps");
	/* every cut is refused */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *part = malloc(cut + 1);

		memcpy(part, text, cut);
		if (statefile_manifest_parse(part, cut, names_out, &n, err, sizeof(err)) == 0)
			fail_msg("a manifest cut at %zu of %zu parsed", cut, len);
		free(part);
	}
	free(text);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t blen = strlen(bad[i].text);

		if (i == 5)
			blen = sizeof("v6ext-state 1\nfile a\0b\nend 1\n") - 1;
		err[0] = '\0';
		assert_int_equal(statefile_manifest_parse((const uint8_t *)bad[i].text, blen, names_out, &n, err,
		    sizeof(err)), -1);
		assert_has(err, bad[i].why);
	}
	/* at most STATEFILE_KINDS_MAX names */
	len = (size_t)sprintf(many, "v6ext-state 1\n");
	for (int i = 0; i <= STATEFILE_KINDS_MAX; i++)
		len += (size_t)sprintf(many + len, "file k%d\n", i);
	len += (size_t)sprintf(many + len, "end %d\n", STATEFILE_KINDS_MAX + 1);
	assert_int_equal(statefile_manifest_parse((uint8_t *)many, len, names_out, &n, err, sizeof(err)), -1);
	assert_has(err, "more than");
}

/* ------------------------------------------------------------------ start */

static void
test_start(void **state)
{
	static const char *const all[] = { "a", "b", "c", "manifest", NULL };
	struct tmpstate *t = *state;
	char err[1024], path[128], want[512];
	size_t made;

	open_ok(t);
	/* the first start writes every file and the manifest */
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), 0);
	assert_int_equal(made, 3);
	assert_only(t->state, all);
	assert_holds(&t->sd, "b", "B0\n");
	assert_holds(&t->sd, "manifest", "v6ext-state 1\nfile a\nfile b\nfile c\nend 3\n");
	/* the next start finds it all */
	assert_int_equal(statefile_write(&t->sd, "a", "A1\n", 3, err, sizeof(err)), 0);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), 0);
	assert_int_equal(made, 0);
	assert_holds(&t->sd, "a", "A1\n");
	/* one gone: refused, with the way out, and nothing written */
	snprintf(path, sizeof(path), "%s/b", t->state);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), ENOENT);
	snprintf(want, sizeof(want), "state-dir %s: b is missing, though the manifest lists it; restore it"
	    " from a backup, or, to start afresh (sites with sub-prefix = auto may get other sub-prefixes),"
	    " move the directory away: mv %s %s.old", t->state, t->state, t->state);
	assert_string_equal(err, want);
	assert_int_equal(access(path, F_OK), -1);
	/* two gone */
	snprintf(path, sizeof(path), "%s/c", t->state);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), ENOENT);
	assert_has(err, ": b and c are missing, though the manifest lists them; restore them");
	/* a manifest that is not one */
	put(t->state, "manifest", "v6ext-state 1\nfile a\n");
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), EINVAL);
	assert_has(err, "manifest: line 3: no end line");
	/* the documented way out: move it away, and it is a first start */
	statefile_dir_close(&t->sd);
	snprintf(path, sizeof(path), "%s.old", t->state);
	assert_int_equal(rename(t->state, path), 0);
	open_ok(t);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), 0);
	assert_int_equal(made, 3);
}

static void
test_start_older(void **state)
{
	struct tmpstate *t = *state;
	char err[1024];
	size_t made;

	/* written by a v6extd before the manifest: a alone, as it wrote it */
	assert_int_equal(mkdir(t->state, 0700), 0);
	put(t->state, "a", "A1\n");
	open_ok(t);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), 0);
	assert_int_equal(made, 2);
	assert_holds(&t->sd, "a", "A1\n");
	assert_holds(&t->sd, "c", "C0\n");
	assert_holds(&t->sd, "manifest", "v6ext-state 1\nfile a\nfile b\nfile c\nend 3\n");
	/* from now on a lost b is noticed */
	assert_int_equal(unlinkat(t->sd.fd, "b", 0), 0);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), ENOENT);
	/* before the manifest, b without a means a was lost */
	assert_int_equal(unlinkat(t->sd.fd, "manifest", 0), 0);
	assert_int_equal(unlinkat(t->sd.fd, "a", 0), 0);
	assert_int_equal(unlinkat(t->sd.fd, "c", 0), 0);
	put(t->state, "b", "B1\n");
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), ENOENT);
	assert_has(err, ": a is missing, though other state files are there");
	assert_int_equal(faccessat(t->sd.fd, "c", F_OK, 0), -1);
}

static void
test_start_new_kind(void **state)
{
	struct tmpstate *t = *state;
	char err[1024];
	size_t made;

	/* a manifest of an older version (a, b) and of a newer one (zz) */
	assert_int_equal(mkdir(t->state, 0700), 0);
	put(t->state, "a", "A1\n");
	put(t->state, "b", "B1\n");
	put(t->state, "manifest", "v6ext-state 1\nfile a\nfile zz\nfile b\nend 3\n");
	open_ok(t);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), 0);
	assert_int_equal(made, 1);
	assert_holds(&t->sd, "c", "C0\n");
	/* zz stays listed for the version that knows it */
	assert_holds(&t->sd, "manifest", "v6ext-state 1\nfile a\nfile zz\nfile b\nfile c\nend 4\n");
	/* a link as the manifest is refused like any state file */
	assert_int_equal(unlinkat(t->sd.fd, "manifest", 0), 0);
	assert_int_equal(symlinkat("/etc/passwd", t->sd.fd, "manifest"), 0);
	assert_int_equal(statefile_start(&t->sd, kinds3, 3, &made, err, sizeof(err)), ELOOP);
}

/* The daemon's own files: empty ones that load as empty tables. */
static void
test_state_open(void **state)
{
	static const char *const all[] = { ALLOC_FILE, LEASE_FILE, STAMPS_FILE, FORWARDS_FILE, NAMES_FILE, STATEFILE_MANIFEST,
	    NULL };
	struct tmpstate *t = *state;
	struct statefile_dir d;
	struct alloc a;
	struct leases l;
	char err[1024];

	alloc_init(&a, 64, 78);
	leases_init(&l);
	if (statedir_open(&d, t->state, 64, 78, err, sizeof(err)) != 0)
		fail_msg("state_open: %s", err);
	assert_only(t->state, all);
	assert_int_equal(alloc_load(&d, &a, err, sizeof(err)), 0);
	assert_int_equal(a.n, 0);
	assert_int_equal(leases_load(&d, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	statefile_dir_close(&d);
	/* a lost sub-prefixes is refused, not taken for a first start */
	snprintf(err, sizeof(err), "%s/" ALLOC_FILE, t->state);
	assert_int_equal(unlink(err), 0);
	assert_int_equal(statedir_open(&d, t->state, 64, 78, err, sizeof(err)), ENOENT);
	assert_has(err, ALLOC_FILE " is missing");
	assert_int_equal(d.fd, -1);
	alloc_free(&a);
	leases_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_fallback, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_read_refuses, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_write_over_hostile, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_dir_open_refuses, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_dir_fixed_up, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_dir_taken_back, tmp_setup, tmpstate_teardown),
		cmocka_unit_test(test_saves),
		cmocka_unit_test(test_census),
		cmocka_unit_test(test_manifest_text),
		cmocka_unit_test_setup_teardown(test_start, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_start_older, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_start_new_kind, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_state_open, tmp_setup, tmpstate_teardown),
		/* last: it leaves the process in a mount namespace of its own */
		cmocka_unit_test_setup_teardown(test_disk_full, tmp_setup, tmpstate_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
