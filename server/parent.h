/* SPDX-License-Identifier: ISC */
/* parent: v6extd's privileged process. It stays uid 0 with CAP_NET_ADMIN
 * only and does what needs privilege, nothing else: at start-up it sets up
 * the upstream interface (accept_ra, forwarding), opens the sockets (UDP,
 * the NDP proxy's packet socket, netlink monitor, control, metrics) and the
 * state directory, and forks the engine, which it then serves: taps made
 * and configured, key files opened, state files read and written, the
 * configuration read again (privmsg.h) — each request checked against its
 * own configuration first. It reads no key and no datagram. At a stop it
 * deletes the taps in one request and removes the control socket. */
#ifndef V6EXT_PARENT_H
#define V6EXT_PARENT_H

#include <stdbool.h>

#include "conf.h"

/* Run v6extd with conf (read from conf_path; the parent owns it now).
 * Returns the exit status. */
int parent_main(const char *conf_path, struct conf_server *conf, int verbose, bool to_syslog);

#endif
