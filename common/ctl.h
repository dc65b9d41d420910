/* ctl: the daemons' control socket (UNIX stream, mode 0600). */
#ifndef V6EXT_CTL_H
#define V6EXT_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "tap.h"
#include "transport.h"

struct event_base;
struct evbuffer;
struct ctl;
struct tunnel_stats;

/* handler(ctx, request line without newline, reply): write key=value lines;
 * return the errno for the closing "errno=" line. */
typedef int (*ctl_handler_fn)(void *ctx, const char *request, struct evbuffer *reply);

/* The listening socket at path, made by a privileged process: mode 0600,
 * or 0660 with group gid (-1: none). Returns the fd, or -1 with why. */
int ctl_bind(const char *path, int gid, char *err, size_t errlen);
/* Serve the listening socket fd (ctl_bind's) with fn. The socket file is
 * not ours to remove: the process that made it does. */
struct ctl *ctl_listen_fd(struct event_base *base, int fd, ctl_handler_fn fn, void *ctx,
    char *err, size_t errlen);
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
