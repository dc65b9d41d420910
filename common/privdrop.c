/* SPDX-License-Identifier: ISC */
/* privdrop: user, capabilities, no_new_privs, dumpable (capabilities(7),
 * prctl(2)). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

int
privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);

	if (res == NULL) {
		snprintf(err, errlen, "user %s: %s", user, rc ? strerror(rc) : "no such user");
		return -1;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

int
privdrop_group_lookup(const char *group, gid_t *gid, char *err, size_t errlen)
{
	struct group gr, *res = NULL;
	char buf[16384];
	int rc = getgrnam_r(group, &gr, buf, sizeof(buf), &res);

	if (res == NULL) {
		snprintf(err, errlen, "%s", rc ? strerror(rc) : "no such group");
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}

static int
privdrop_capset(uint32_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { .effective = keep, .permitted = keep } };

	/* no libc wrapper: the raw system call, as libcap itself does */
	return (int)syscall(SYS_capset, &hdr, data);
}

int
privdrop_to(uid_t uid, gid_t gid, uint32_t keep, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	/* the bounding set first: dropping needs CAP_SETPCAP, which goes next */
	for (int cap = 0; cap <= 63; cap++) {
		if (cap < 32 && (keep & (1u << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
			snprintf(err, errlen, "dropping capability %d: %s", cap, strerror(errno));
			return -1;
		}
	}
	if (uid != 0) {
		/* keep the permitted set across the change of user */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(1, &gid) != 0 ||
		    setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
			snprintf(err, errlen, "becoming uid %u: %s", (unsigned)uid, strerror(errno));
			return -1;
		}
		(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	if (privdrop_capset(keep) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* nothing to gain by execve, and no ptrace or core dump by our own
	 * uid: the process holds keys (a change of uid resets dumpable, so
	 * this comes last) */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		snprintf(err, errlen, "prctl: %s", strerror(errno));
		return -1;
	}
	/* trust, but verify: what the kernel now says we hold */
	if (syscall(SYS_capget, &hdr, data) != 0 || data[0].effective != keep ||
	    data[0].permitted != keep || data[1].effective != 0 || data[1].permitted != 0 ||
	    getuid() != uid || geteuid() != uid || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
		snprintf(err, errlen, "privileges were not dropped as asked");
		return -1;
	}
	return 0;
}
