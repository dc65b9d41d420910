/* privdrop: after start-up a daemon keeps only CAP_NET_ADMIN and CAP_NET_RAW
 * (taps, routes, sysctls of its own interfaces, the packet socket), with
 * every other capability gone from its bounding set too, and runs as the
 * configured user when there is one. Nothing it does later needs more:
 * /dev/net/tun is open to all, and net sysctls are writable with
 * CAP_NET_ADMIN. */
#ifndef V6EXT_PRIVDROP_H
#define V6EXT_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* uid and gid of user; -1 with "user NAME: why" in err. */
int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen);
/* gid of group (getgrnam_r, so NSS groups too); -1 with why ("no such
 * group", or the lookup's error) in err. */
int privdrop_group_lookup(const char *group, gid_t *gid, char *err, size_t errlen);
/* Drop to user (NULL or "": stay uid 0) keeping only the two capabilities,
 * and check that it took. Before that, hand user the files it must write
 * later: each path of the NULL-terminated list that exists. A symbolic
 * link at a path is changed itself, never its target; the directories on
 * the way must be root's, or a user could swap one. -1 with why in err. */
int privdrop(const char *user, const char *const *paths, char *err, size_t errlen);
/* The same with another set of capabilities to keep (a mask of 1 << CAP_*,
 * the first 32 only). */
int privdrop_to(const char *user, uint32_t keep, const char *const *paths, char *err, size_t errlen);

#endif
