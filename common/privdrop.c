/* privdrop: capabilities and user after start-up (capabilities(7)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

#define PRIVDROP_KEEP ((1u << CAP_NET_ADMIN) | (1u << CAP_NET_RAW))

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
	size_t cap = 4096;
	char *buf = NULL;
	int rc;

	/* a group with many members needs more than one page; 1 MiB at most */
	do {
		char *nb = realloc(buf, cap);

		if (nb == NULL) {
			rc = ENOMEM;
			break;
		}
		buf = nb;
		rc = getgrnam_r(group, &gr, buf, cap, &res);
		cap *= 2;
	} while (rc == ERANGE && cap <= (1u << 20));
	if (res != NULL)
		*gid = gr.gr_gid;
	else
		snprintf(err, errlen, "%s", rc != 0 ? strerror(rc) : "no such group");
	free(buf);
	return res != NULL ? 0 : -1;
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
privdrop(const char *user, const char *const *paths, char *err, size_t errlen)
{
	return privdrop_to(user, PRIVDROP_KEEP, paths, err, errlen);
}

int
privdrop_to(const char *user, uint32_t keep, const char *const *paths, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	uid_t uid = 0;
	gid_t gid = 0;

	if (user != NULL && user[0] != '\0' && privdrop_lookup(user, &uid, &gid, err, errlen) != 0)
		return -1;
	/* the bounding set first: dropping needs CAP_SETPCAP, which goes next */
	for (int cap = 0; cap <= 63; cap++) {
		if (cap < 32 && (keep & (1u << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
			snprintf(err, errlen, "dropping capability %d: %s", cap, strerror(errno));
			return -1;
		}
	}
	for (size_t i = 0; uid != 0 && paths != NULL && paths[i] != NULL; i++) {
		/* never through a link: one planted at a path would hand its
		 * target (say /etc/shadow) to the user */
		if (fchownat(AT_FDCWD, paths[i], uid, gid, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: chown to %s: %s", paths[i], user, strerror(errno));
			return -1;
		}
	}
	if (uid != 0) {
		/* keep the permitted set across the change of user */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(1, &gid) != 0 ||
		    setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
			snprintf(err, errlen, "becoming user %s: %s", user, strerror(errno));
			return -1;
		}
		(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	if (privdrop_capset(keep) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* trust, but verify: what the kernel now says we hold */
	if (syscall(SYS_capget, &hdr, data) != 0 || data[0].effective != keep ||
	    data[0].permitted != keep || data[1].effective != 0 || data[1].permitted != 0 ||
	    (uid != 0 && (getuid() != uid || geteuid() != uid))) {
		snprintf(err, errlen, "capabilities were not dropped as asked");
		return -1;
	}
	return 0;
}
