/* SPDX-License-Identifier: ISC */
/* engine: v6extd's unprivileged process. It parses everything that comes
 * from the network (the tunnel's datagrams, every site's frames, the
 * upstream link's neighbour solicitations, DHCPv6, metrics requests) and
 * from the control socket, as `user`, with no capabilities, no new
 * privileges and a seccomp allow-list; what needs privilege it asks of the
 * parent (priv.h). Its fds come from the parent.
 *
 * This header is what the parent needs to start it; engine_data.h holds the
 * engine's data, which the modules that run in it share. */
#ifndef V6EXT_ENGINE_H
#define V6EXT_ENGINE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "prefix.h"

/* What the parent hands the engine at the fork. */
struct engine_start {
	const char *conf_path;
	struct conf_server conf;        /* parsed by the parent; the engine owns it now */
	int verbose;
	bool to_syslog;
	uid_t uid;                      /* `user` */
	gid_t gid;
	struct prefix prefix;           /* the /64 */
	int upstream_index;
	uint8_t upstream_mac[6];
	bool offload;
	pid_t parent;
	int priv;                       /* the socket to the parent */
	int udp6, udp4;                 /* the tunnel's sockets, -1 where none */
	int packet;                     /* the NDP proxy's packet socket on upstream, or -1 */
	int monitor;                    /* netlink: upstream's link and address events */
	int control;                    /* the control socket, listening */
	int metrics;                    /* metrics-listen, listening, or -1 */
	int nat64;                      /* the translator's TUN, or -1 (xlatdev.h) */
	int names;                      /* the publisher's socket, or -1 (publisher.h) */
	bool nat64_offload;             /* with a virtio_net_hdr (TSO, partial checksums) */
	struct in_addr public4;         /* its public address */
};

/* The engine process: never returns. */
void engine_main(struct engine_start *start) __attribute__((noreturn));

#endif
