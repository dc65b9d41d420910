/* engine: v6extd's unprivileged process. It parses everything that comes
 * from the network (the tunnel's datagrams, every site's frames, the
 * upstream link's neighbour solicitations, DHCPv6, metrics requests) and
 * from the control socket, as `user`, with no capabilities, no new
 * privileges and a seccomp allow-list; what needs privilege it asks of the
 * parent (priv.h). Its fds come from the parent.
 *
 * This header is the engine's data: the modules that run in the engine
 * (site, control, ndproxy, metrics, state) read it; only engine.c runs it. */
#ifndef V6EXT_ENGINE_H
#define V6EXT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include "alloc.h"
#include "conf.h"
#include "datapath.h"
#include "dhcp6_server.h"
#include "hsqueue.h"
#include "keyring.h"
#include "lease.h"
#include "prefix.h"
#include "priv.h"
#include "ratelimit.h"
#include "sitetab.h"
#include "stamps.h"
#include "state.h"
#include "tunnel.h"

struct ctl;
struct ndproxy;
struct metrics;

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
};

struct engine {
	const char *conf_path;
	struct conf_server conf;
	struct event_base *base;
	struct tunnel_responder *resp;  /* in sodium_malloc memory: our private key */
	struct keyring keys;            /* the peers' pre-shared keys, likewise */
	struct datapath dp;
	struct event *ev_udp6, *ev_udp4, *ev_tick, *ev_sig[3], *ev_priv, *ev_monitor, *ev_reload;
	struct event *ev_handshakes;    /* active while initiations wait */
	struct hsqueue hsq;             /* initiations waiting for their Diffie-Hellman */
	struct ratelimit rl;            /* handshake work per source under load */
	struct tunnel_stats st;         /* drops before a peer is known */
	uint64_t cookies_sent;          /* cookie replies: handshakes refused under load */
	struct sitetab sites;
	struct ctl *ctl;
	struct prefix prefix;           /* the /64 */
	struct alloc alloc;             /* sub-prefix index per site name */
	int upstream_index;
	uint8_t upstream_mac[6];
	const char *upstream_link;      /* its last state logged: "up", "down"... or NULL */
	int monitor;                    /* netlink socket for upstream's events */
	struct ndproxy *proxy;          /* NULL with ndp-proxy = off */
	struct metrics *metrics;        /* NULL without metrics-listen */
	struct leases leases;           /* DHCPv6 bindings of every site */
	struct stamps stamps;           /* every peer's greatest handshake timestamp */
	uint8_t duid[DHCP6_SERVER_DUID_LEN];
	uint64_t next_expire_ms;        /* next sweep of expired leases */
	struct priv priv;               /* requests to the parent */
	struct state state;             /* the state files: what must be written */
	bool stopping;
};

/* The engine process: never returns. */
void engine_main(struct engine_start *start) __attribute__((noreturn));

#endif
