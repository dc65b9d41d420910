/* SPDX-License-Identifier: ISC */
/* ctl: the daemons' control socket, a UNIX stream socket in a directory
 * only root writes.
 *
 * The socket's mode is not the whole defence: every request is checked
 * against who sent it (SO_PEERCRED, SO_PEERGROUPS). Changes are root's
 * only; read-only commands (show, leases) are root's and, with
 * control-group = GROUP, that group's members'. Any other uid, the
 * daemon's own included, gets "error=CMD: permission denied: WHY" and
 * errno=EACCES.
 *
 * The two halves of the listening side fit the split daemon: the
 * privileged parent makes the socket (ctl_bind) and hands its descriptor
 * to the unprivileged engine, which serves it (ctl_listen_fd). */
#ifndef V6EXT_CTL_H
#define V6EXT_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tap.h"
#include "transport.h"

struct event_base;
struct evbuffer;
struct ctl;
struct tunnel_stats;

/* handler(ctx, request line without newline, reply): write key=value lines;
 * return the errno for the closing "errno=" line. */
typedef int (*ctl_handler_fn)(void *ctx, const char *request, struct evbuffer *reply);

#define CTL_NO_GROUP ((gid_t)-1)
#define CTL_GROUP_MAX 32                /* as CONF_USER_MAX */
#define CTL_CMD_MAX   24                /* "peer remove": a request's command words */

/* What a request may do to the daemon. */
enum ctl_class {
	CTL_CLASS_READ,                 /* show, leases */
	CTL_CLASS_CHANGE,               /* peer ..., reload, and whatever is not
	                                 * known to be read-only */
};

/* Who besides root may use the socket: members of one group may read. */
struct ctl_access {
	bool has_group;
	gid_t gid;
	char group[CTL_GROUP_MAX + 1];  /* its name, for messages */
};

/* From control-group and the gid conf_*_load found for it; no group when
 * name is empty or gid is CTL_NO_GROUP. */
void ctl_access_init(struct ctl_access *a, const char *name, gid_t gid);

/* The class of a request line, from one table of read-only commands; the
 * rest are changes. cmd receives its command words for messages ("peer
 * add"; for an unknown request its first word, or "request"). */
enum ctl_class ctl_classify(const char *request, char *cmd, size_t cmdlen);

/* The decision, pure: 0 when a peer of uid, gid and supplementary groups
 * may run a request of class cls; EACCES with why ("uid 1000 is not root",
 * "uid 1000 is not root and not in control-group v6ext-admin"). */
int ctl_access_check(const struct ctl_access *a, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
    enum ctl_class cls, char *why, size_t whylen);

/* Parent, as root, before the engine starts: make the listening socket at
 * path and return its descriptor (-1 with why in err). The directory is
 * made (0755, one level) if missing and must be ours and not writable by
 * group or others; a stale socket is removed only when nobody answers on
 * it; anything else at path is an error. The socket is 0660 ours:gid, or
 * 0600 with CTL_NO_GROUP. */
int ctl_bind(const char *path, gid_t gid, char *err, size_t errlen);
/* Parent, at stop: remove path if it is a socket. */
void ctl_unbind(const char *path);
/* Engine: serve fd, a listening UNIX stream socket (from ctl_bind, maybe
 * received over SCM_RIGHTS: it is checked), under access (NULL: root
 * only). Takes fd, closing it on error too. */
struct ctl *ctl_listen_fd(struct event_base *base, int fd, ctl_handler_fn fn, void *ctx,
    const struct ctl_access *access, char *err, size_t errlen);
/* Stop serving and close the socket; the path stays (ctl_unbind). */
void ctl_close(struct ctl *c);

/* "drop_REASON=N" for every drop reason, in enum order. */
void ctl_add_drops(struct evbuffer *out, const struct tunnel_stats *st);
/* What the offloads did: datagrams against the sends and receives that
 * carried them, frames against the tap writes (see gso.h). */
void ctl_add_offload(struct evbuffer *out, bool offload, const struct transport_rx *rx,
    const struct transport_tx *tx6, const struct transport_tx *tx4, const struct tap_out *o);

/* Client side: send request, return the reply (malloc'd, NUL-terminated)
 * or NULL with err set. */
char *ctl_request(const char *path, const char *request, char *err, size_t errlen);

#endif
