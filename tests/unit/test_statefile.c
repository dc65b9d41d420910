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
 * promised.
 *
 * Tests that need root (chown, mount) say "# skipped ...: why" and pass
 * when not root: cmocka 1.1 reports skip() as "not ok # SKIP", which
 * automake's TAP driver counts as a failure. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "statefile.h"
#include "util.h"

#define NOBODY 65534            /* uid and gid, as Debian and Fedora have them */

struct tmp {
	char dir[64];                   /* mkdtemp */
	char state[96];                 /* dir/state, not created */
	struct statefile_dir sd;
};

static int
tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_statefile.XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	snprintf(t->state, sizeof(t->state), "%s/state", t->dir);
	t->sd.fd = -1;
	*state = t;
	return 0;
}

static int
tmp_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
tmp_teardown(void **state)
{
	struct tmp *t = *state;
	int rc;

	statefile_dir_close(&t->sd);
	rc = nftw(t->dir, tmp_rm, 8, FTW_DEPTH | FTW_PHYS);
	free(t);
	return rc;
}

static void
open_ok(struct tmp *t)
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
round_trip(struct tmp *t, bool fallback)
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
	struct tmp *t = *state;
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
	struct tmp *t = *state;
	char err[512], want[256];

	open_ok(t);
	assert_int_equal(statefile_load(&t->sd, "a", 100, parse_fail, NULL, err, sizeof(err)), ENOENT);
	put(t->state, "a", "x\n");
	assert_int_equal(statefile_load(&t->sd, "a", 100, parse_fail, NULL, err, sizeof(err)), EINVAL);
	snprintf(want, sizeof(want), "state-dir %s: a: line 1: no", t->state);
	assert_string_equal(err, want);
}

static void
write_over(struct tmp *t, bool fallback)
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
	struct tmp *t = *state;

	open_ok(t);
	write_over(t, false);
	write_over(t, true);
}

static void
test_dir_open_refuses(void **state)
{
	struct tmp *t = *state;
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
	struct tmp *t = *state;
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
	struct tmp *t = *state;
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
	struct tmp *t = *state;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_fallback, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_read_refuses, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_write_over_hostile, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_dir_open_refuses, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_dir_fixed_up, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_dir_taken_back, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_saves),
		/* last: it leaves the process in a mount namespace of its own */
		cmocka_unit_test_setup_teardown(test_disk_full, tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
