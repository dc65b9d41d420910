/* test_ctl: who may use the control socket.
 *
 * Proves that requests are classed by one table (read-only: show, leases;
 * anything else, unknown words included, a change); that the access rule
 * gives changes to root alone and reads to root and control-group, by
 * primary or supplementary group, as its numbered table says. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_access),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
