/* SPDX-License-Identifier: ISC */
/* test_ctl: who may use the control socket.
 *
 * Proves that requests are classed by one table (read-only: show, leases;
 * anything else, unknown words included, a change); that the access rule
 * gives changes to root alone and reads to root and control-group, by
 * primary or supplementary group, as its numbered table says; that
 * ctl_bind makes the socket 0600, or 0660 with the group, in a directory
 * only we write, removes a dead daemon's socket and nothing else; that
 * ctl_listen_fd refuses a descriptor that is not a listening UNIX socket;
 * and, as root, that real clients of another uid (fork, setresuid to
 * nobody) get what the rule says over a real socket, with the error line
 * the CLI prints. Tests that need root say "# skipped ...: why" and pass. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "ctl.h"
#include "util.h"

#define NOBODY 65534            /* uid and gid (nogroup), as Debian and Fedora have them */

static void
assert_has(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", s, want);
}

static bool
skip_unless_root(const char *what)
{
	if (geteuid() == 0)
		return false;
	printf("# skipped %s: needs root (to connect as another uid), and this is uid %u\n", what,
	    (unsigned)geteuid());
	return true;
}

/* ----------------------------------------------------------------- classes */

static void
test_classify(void **state)
{
	static const struct {
		const char *req;
		enum ctl_class cls;
		const char *cmd;
	} t[] = {
		/*  1 */ { "show", CTL_CLASS_READ, "show" },
		/*  2 */ { "leases", CTL_CLASS_READ, "leases" },
		/*  3 */ { "show extra", CTL_CLASS_READ, "show" },
		/*  4 */ { "showx", CTL_CLASS_CHANGE, "showx" },
		/*  5 */ { "reload", CTL_CLASS_CHANGE, "reload" },
		/*  6 */ { "peer add home1 KEY auto", CTL_CLASS_CHANGE, "peer add" },
		/*  7 */ { "peer remove home1", CTL_CLASS_CHANGE, "peer remove" },
		/*  8 */ { "peer", CTL_CLASS_CHANGE, "peer" },
		/*  9 */ { "peer list", CTL_CLASS_CHANGE, "peer" },
		/* 10: a command of a later version is a change until listed */
		/*    */ { "forward add home1 tcp 443 [2001:db8::1]:443", CTL_CLASS_CHANGE, "forward" },
		/* 11 */ { "", CTL_CLASS_CHANGE, "request" },
		/* 12 */ { "SHOW", CTL_CLASS_CHANGE, "request" },
		/* 13 */ { " show", CTL_CLASS_CHANGE, "request" },
		/* 14 */ { "x\x01y=z", CTL_CLASS_CHANGE, "x" },
		/* 15 */ { "abcdefghijklmnopqrstuvwxyz0123", CTL_CLASS_CHANGE, "abcdefghijklmnopqrstuvwx" },
		/* 16 */ { "leases\n", CTL_CLASS_CHANGE, "leases" },
	};
	char cmd[CTL_CMD_MAX + 1];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		enum ctl_class cls = ctl_classify(t[i].req, cmd, sizeof(cmd));

		if (cls != t[i].cls || strcmp(cmd, t[i].cmd) != 0)
			fail_msg("row %zu: class %d \"%s\", want %d \"%s\"", i + 1, (int)cls, cmd, (int)t[i].cls,
			    t[i].cmd);
	}
}

/* ------------------------------------------------------------------ access */

static void
test_access(void **state)
{
	static const gid_t g7_100[] = { 7, 100 }, g7[] = { 7 };
	static const struct {
		bool group;             /* control-group = admin (gid 100) */
		uid_t uid;
		gid_t gid;
		const gid_t *groups;
		size_t n;
		enum ctl_class cls;
		int rc;
		const char *why;
	} t[] = {
		/*  1 root changes, no group */
		{ false, 0, 0, NULL, 0, CTL_CLASS_CHANGE, 0, "" },
		/*  2 root reads, no group */
		{ false, 0, 0, NULL, 0, CTL_CLASS_READ, 0, "" },
		/*  3 a user reads, no group */
		{ false, 1000, 100, NULL, 0, CTL_CLASS_READ, EACCES, "uid 1000 is not root, and no control-group is set" },
		/*  4 a user changes, no group */
		{ false, 1000, 100, NULL, 0, CTL_CLASS_CHANGE, EACCES, "uid 1000 is not root" },
		/*  5 a member by primary group reads */
		{ true, 1000, 100, NULL, 0, CTL_CLASS_READ, 0, "" },
		/*  6 a member by supplementary group reads */
		{ true, 1000, 5, g7_100, 2, CTL_CLASS_READ, 0, "" },
		/*  7 not a member */
		{ true, 1000, 5, g7, 1, CTL_CLASS_READ, EACCES, "uid 1000 is not root and not in control-group admin" },
		/*  8 a member changes */
		{ true, 1000, 100, g7_100, 2, CTL_CLASS_CHANGE, EACCES, "uid 1000 is not root" },
		/*  9 the daemon's own user, not a member */
		{ true, 999, 999, NULL, 0, CTL_CLASS_READ, EACCES, "uid 999 is not root and not in control-group admin" },
		/* 10 the daemon's own user changes */
		{ true, 999, 999, NULL, 0, CTL_CLASS_CHANGE, EACCES, "uid 999 is not root" },
		/* 11 root in any group */
		{ true, 0, 5, g7, 1, CTL_CLASS_CHANGE, 0, "" },
		/* 12 gid 0 is not uid 0 */
		{ true, 1000, 0, NULL, 0, CTL_CLASS_CHANGE, EACCES, "uid 1000 is not root" },
	};
	struct ctl_access none, admin;
	char why[128];

	(void)state;
	ctl_access_init(&none, "", 100);
	assert_false(none.has_group);
	ctl_access_init(&none, "admin", CTL_NO_GROUP);
	assert_false(none.has_group);
	ctl_access_init(&admin, "admin", 100);
	assert_true(admin.has_group);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		int rc;

		why[0] = '\0';
		rc = ctl_access_check(t[i].group ? &admin : &none, t[i].uid, t[i].gid, t[i].groups, t[i].n, t[i].cls,
		    why, sizeof(why));
		if (rc != t[i].rc || (rc != 0 && strcmp(why, t[i].why) != 0))
			fail_msg("row %zu: %d \"%s\", want %d \"%s\"", i + 1, rc, why, t[i].rc, t[i].why);
	}
	/* no policy at all: root only */
	assert_int_equal(ctl_access_check(NULL, 1000, 100, NULL, 0, CTL_CLASS_READ, why, sizeof(why)), EACCES);
	assert_int_equal(ctl_access_check(NULL, 0, 0, NULL, 0, CTL_CLASS_CHANGE, why, sizeof(why)), 0);
}

/* ------------------------------------------------------------------- bind */

struct tmp {
	char dir[64];
	char sock[128];
};

static int
tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_ctl.XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	snprintf(t->sock, sizeof(t->sock), "%s/ctl.sock", t->dir);
	*state = t;
	return 0;
}

static int
tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];
	int rc;

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	rc = system(cmd);
	free(t);
	return rc;
}

static void
test_bind(void **state)
{
	struct tmp *t = *state;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char err[512], sub[128];
	struct stat st;
	int fd;

	/* 0600 and ours without a group */
	if ((fd = ctl_bind(t->sock, CTL_NO_GROUP, err, sizeof(err))) < 0)
		fail_msg("ctl_bind: %s", err);
	assert_int_equal(lstat(t->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(st.st_gid, getegid());
	/* a daemon answers on it: left alone */
	assert_int_equal(ctl_bind(t->sock, CTL_NO_GROUP, err, sizeof(err)), -1);
	assert_has(err, "another daemon answers on it");
	/* closed without unlinking: stale, so removed and made again */
	close(fd);
	if ((fd = ctl_bind(t->sock, CTL_NO_GROUP, err, sizeof(err))) < 0)
		fail_msg("ctl_bind over a stale socket: %s", err);
	close(fd);
	ctl_unbind(t->sock);
	assert_int_equal(lstat(t->sock, &st), -1);
	/* anything but a socket at the path stays, and is an error */
	assert_int_equal(close(open(t->sock, O_WRONLY | O_CREAT, 0600)), 0);
	assert_int_equal(ctl_bind(t->sock, CTL_NO_GROUP, err, sizeof(err)), -1);
	assert_has(err, "exists and is not a socket; remove it");
	ctl_unbind(t->sock);            /* not a socket: not removed */
	assert_int_equal(lstat(t->sock, &st), 0);
	assert_int_equal(unlink(t->sock), 0);
	/* with a group: 0660 and that group (not root: one of ours) */
	if ((fd = ctl_bind(t->sock, geteuid() == 0 ? 4242 : getegid(), err, sizeof(err))) < 0)
		fail_msg("ctl_bind with a group: %s", err);
	assert_int_equal(lstat(t->sock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(st.st_gid, geteuid() == 0 ? 4242 : getegid());
	close(fd);
	ctl_unbind(t->sock);
	/* a missing directory is made, one level, 0755 */
	snprintf(sub, sizeof(sub), "%s/run/ctl.sock", t->dir);
	if ((fd = ctl_bind(sub, CTL_NO_GROUP, err, sizeof(err))) < 0)
		fail_msg("ctl_bind in a new directory: %s", err);
	close(fd);
	snprintf(sub, sizeof(sub), "%s/run", t->dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	snprintf(sub, sizeof(sub), "%s/no/such/ctl.sock", t->dir);
	assert_int_equal(ctl_bind(sub, CTL_NO_GROUP, err, sizeof(err)), -1);
	/* a directory others may write: anyone could replace the socket */
	assert_int_equal(chmod(t->dir, 01777), 0);
	assert_int_equal(ctl_bind(t->sock, CTL_NO_GROUP, err, sizeof(err)), -1);
	assert_has(err, "mode 1777: it must be");
	assert_int_equal(chmod(t->dir, 0700), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(t->dir, NOBODY, NOBODY), 0);
		assert_int_equal(ctl_bind(t->sock, CTL_NO_GROUP, err, sizeof(err)), -1);
		assert_has(err, "is uid 65534's, mode 0700: it must be root's");
		assert_int_equal(chown(t->dir, 0, 0), 0);
	}
	/* paths: relative, too long */
	assert_int_equal(ctl_bind("ctl.sock", CTL_NO_GROUP, err, sizeof(err)), -1);
	assert_has(err, "not an absolute path");
	memset(sub, 'a', sizeof(sub) - 1);
	sub[0] = '/';
	sub[sizeof(sub) - 1] = '\0';
	assert_int_equal(ctl_bind(sub, CTL_NO_GROUP, err, sizeof(err)), -1);

	/* ctl_listen_fd checks what it is given, and closes it on error */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_null(ctl_listen_fd(NULL, fd, NULL, NULL, NULL, err, sizeof(err)));
	assert_has(err, "is not a listening UNIX stream socket");
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(sun.sun_path, t->sock, strlen(t->sock) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_null(ctl_listen_fd(NULL, fd, NULL, NULL, NULL, err, sizeof(err)));
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_null(ctl_listen_fd(NULL, -1, NULL, NULL, NULL, err, sizeof(err)));
}

/* ---------------------------------------------- real clients of other uids */

struct server {
	struct event_base *base;
	struct ctl *ctl;
	unsigned calls;
	char buf[4096];                 /* what the child sent back */
	size_t len;
};

static int
handler(void *ctx, const char *req, struct evbuffer *out)
{
	struct server *s = ctx;

	s->calls++;
	evbuffer_add_printf(out, "result=ran %s\n", req);
	return 0;
}

static void
on_child(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	ssize_t n;

	(void)what;
	n = read(fd, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
	if (n > 0) {
		s->len += (size_t)n;
		return;
	}
	event_base_loopbreak(s->base);
}

/* Run request as uid/gid/groups in a child, the daemon's loop in the
 * parent; the reply (or "ERR why") into s->buf. */
static const char *
ask(struct server *s, const char *path, uid_t uid, gid_t gid, const gid_t *groups, size_t n, const char *request)
{
	struct timeval five = { 5, 0 };
	struct event *ev;
	int p[2], status;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		char err[512], *reply;

		close(p[0]);
		if (uid != 0 && (setgroups(n, groups) != 0 || setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0))
			_exit(2);
		if ((reply = ctl_request(path, request, err, sizeof(err))) != NULL)
			(void)!write(p[1], reply, strlen(reply));
		else
			(void)!dprintf(p[1], "ERR %s", err);
		_exit(0);
	}
	assert_true(pid > 0);
	close(p[1]);
	s->len = 0;
	ev = event_new(s->base, p[0], EV_READ | EV_PERSIST, on_child, s);
	event_add(ev, NULL);
	event_base_loopexit(s->base, &five);
	event_base_dispatch(s->base);
	event_free(ev);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	s->buf[s->len] = '\0';
	return s->buf;
}

static void
serve(struct server *s, const char *path, gid_t gid, const char *group)
{
	struct ctl_access acc;
	char err[512];
	int fd;

	ctl_access_init(&acc, group, gid);
	if ((fd = ctl_bind(path, gid, err, sizeof(err))) < 0)
		fail_msg("ctl_bind: %s", err);
	if ((s->ctl = ctl_listen_fd(s->base, fd, handler, s, &acc, err, sizeof(err))) == NULL)
		fail_msg("ctl_listen_fd: %s", err);
}

/* Whether getsockopt tells a peer's supplementary groups here: a child in
 * groups 1234 and nobody asks for its own. (qemu-user passes the option on
 * with room for one int: ERANGE for two groups.) */
static bool
peergroups_work(void)
{
	int status;
	pid_t pid;

	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		static const gid_t want[] = { 1234, NOBODY };
		gid_t got[64];
		socklen_t len = sizeof(got);
		int sv[2];

		if (setgroups(2, want) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
		    getsockopt(sv[0], SOL_SOCKET, SO_PEERGROUPS, got, &len) != 0)
			_exit(1);
		_exit(len == sizeof(want) && memcmp(got, want, sizeof(want)) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
test_other_uids(void **state)
{
	static const gid_t supp[] = { 1234, NOBODY };
	struct tmp *t = *state;
	struct server s = { 0 };
	struct group *gr;
	char want[256], group[64];

	if (skip_unless_root("test_other_uids"))
		return;
	assert_non_null(gr = getgrgid(NOBODY));
	snprintf(group, sizeof(group), "%s", gr->gr_name);
	/* nobody passes through the directory to the socket */
	assert_int_equal(chmod(t->dir, 0711), 0);
	assert_non_null(s.base = event_base_new());
	serve(&s, t->sock, NOBODY, group);

	/* 1 a member (primary group) reads */
	assert_string_equal(ask(&s, t->sock, NOBODY, NOBODY, NULL, 0, "show"), "result=ran show\nerrno=0\n");
	/* 2 ... and may not change anything: the handler never runs */
	assert_string_equal(ask(&s, t->sock, NOBODY, NOBODY, NULL, 0, "peer add lab KEY auto"),
	    "error=peer add: permission denied: uid 65534 is not root\nerrno=13\n");
	assert_string_equal(ask(&s, t->sock, NOBODY, NOBODY, NULL, 0, "reload"),
	    "error=reload: permission denied: uid 65534 is not root\nerrno=13\n");
	assert_string_equal(ask(&s, t->sock, NOBODY, NOBODY, NULL, 0, "forward add home1 tcp 443 [::1]:443"),
	    "error=forward: permission denied: uid 65534 is not root\nerrno=13\n");
	assert_int_equal(s.calls, 1);
	/* 3 a member by a supplementary group (SO_PEERGROUPS) reads; where
	 * the kernel cannot tell them (ENOPROTOOPT before Linux 4.13; qemu-user,
	 * which make cross runs this under, cannot either), the primary group
	 * alone counts and the handler does not run */
	if (peergroups_work()) {
		assert_string_equal(ask(&s, t->sock, NOBODY, 1234, supp, 2, "leases"), "result=ran leases\nerrno=0\n");
	} else {
		printf("# SO_PEERGROUPS: not here: a supplementary member is refused\n");
		snprintf(want, sizeof(want), "error=leases: permission denied: uid 65534 is not root and not in"
		    " control-group %s\nerrno=13\n", group);
		assert_string_equal(ask(&s, t->sock, NOBODY, 1234, supp, 2, "leases"), want);
		s.calls++; /* as if it had, for the counts below */
	}
	/* 4 root does anything */
	assert_string_equal(ask(&s, t->sock, 0, 0, NULL, 0, "peer remove lab"),
	    "result=ran peer remove lab\nerrno=0\n");
	/* 5 the mode alone no longer decides: a socket open to all still
	 * refuses a non-member */
	assert_int_equal(chmod(t->sock, 0666), 0);
	snprintf(want, sizeof(want), "error=show: permission denied: uid 65534 is not root and not in"
	    " control-group %s\nerrno=13\n", group);
	assert_string_equal(ask(&s, t->sock, NOBODY, 1234, NULL, 0, "show"), want);
	assert_int_equal(s.calls, 3);
	ctl_close(s.ctl);
	ctl_unbind(t->sock);

	/* 6 no control-group: 0600, so the file system refuses first, and the
	 * CLI says what to do */
	serve(&s, t->sock, CTL_NO_GROUP, "");
	assert_has(ask(&s, t->sock, NOBODY, NOBODY, NULL, 0, "show"), "ERR ");
	assert_has(s.buf, ": Permission denied: run as root, or, for show and leases, as a member of the"
	    " daemon's control-group");
	/* 7 ... and with the mode opened, the daemon refuses all the same */
	assert_int_equal(chmod(t->sock, 0666), 0);
	assert_string_equal(ask(&s, t->sock, NOBODY, NOBODY, NULL, 0, "show"),
	    "error=show: permission denied: uid 65534 is not root, and no control-group is set\nerrno=13\n");
	assert_int_equal(s.calls, 3);
	ctl_close(s.ctl);
	ctl_unbind(t->sock);
	event_base_free(s.base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_access),
		cmocka_unit_test_setup_teardown(test_bind, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_other_uids, tmp_setup, tmp_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
