/* SPDX-License-Identifier: ISC */
/* privdrop: a process gives up what it will never need again: its user
 * becomes `user`, its capabilities the few it keeps (often none), its
 * bounding set is emptied of the rest, it can gain nothing by execve
 * (no_new_privs) and cannot be ptraced or dumped by its own uid
 * (PR_SET_DUMPABLE 0: the keys stay in the process). */
#ifndef V6EXT_PRIVDROP_H
#define V6EXT_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* uid and gid of user ("root" is uid 0); -1 with "user NAME: why" in err. */
int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen);
/* gid of group (NSS groups too); -1 with why ("no such group", or the
 * lookup's error) in err. */
int privdrop_group_lookup(const char *group, gid_t *gid, char *err, size_t errlen);
/* Become uid/gid (uid 0: stay root) with only the capabilities of keep (a
 * mask of 1 << CAP_*, the first 32 only) effective and permitted, the rest
 * gone from the bounding set too, then check with the kernel that it took.
 * -1 with why in err. */
int privdrop_to(uid_t uid, gid_t gid, uint32_t keep, char *err, size_t errlen);

#endif
