/* SPDX-License-Identifier: ISC */
/* publisher: v6extd's third process, which publishes the sites' host names
 * (docs/DNS.md): RFC 2136 updates signed with TSIG to dns-update-server
 * (dnsupdate.h), a hosts file per site in dns-hosts-dir (hostsfile.h), and
 * dns-hook run for each change (hook.h). The engine tells it what to add
 * and delete (pubmsg.h); it answers when a delete is done, so the engine's
 * state file keeps what is not. It runs as `user` with no capabilities; it
 * holds the TSIG key and nothing of the tunnel's. It has no seccomp filter:
 * the hook it runs would inherit one (docs/SECURITY.md). Forked by the
 * parent at start-up when anything publishes. */
#ifndef V6EXT_PUBLISHER_H
#define V6EXT_PUBLISHER_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"

#define PUBLISHER_ANSWER_MS   2000      /* an update unanswered this long is sent again */
#define PUBLISHER_BACKOFF_MS  1000      /* first wait after a failure, doubling */
#define PUBLISHER_BACKOFF_MAX (300u * 1000)
#define PUBLISHER_QUEUE_MAX   (1u << 20)  /* updates waiting */

struct publisher_start {
	struct conf_server conf;        /* the fork's copy */
	uid_t uid;                      /* `user` */
	gid_t gid;
	pid_t parent;
	int engine;                     /* the socket to the engine */
};

/* The process: reads the TSIG key (still root), drops to user, serves
 * the engine until its socket closes. Never returns. */
void publisher_main(struct publisher_start *st) __attribute__((noreturn));

#endif
