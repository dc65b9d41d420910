/* SPDX-License-Identifier: ISC */
/* engine_data: struct engine, the data of v6extd's unprivileged process
 * (engine.h). The modules that run in the engine (site, peers, control,
 * ndproxy, metrics) read and change it; engine.c runs the loop and calls
 * them, and none of them calls back into engine.c. */
#ifndef V6EXT_ENGINE_DATA_H
#define V6EXT_ENGINE_DATA_H

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
struct xlat;
struct namesync;

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
	struct xlat *xlat;              /* the translator, NULL when none runs */
	struct namesync *names;         /* what the publisher publishes (namesync.h) */
	const struct prefix *nat64;     /* its prefix, for the RAs; NULL likewise */
	struct leases leases;           /* DHCPv6 bindings of every site */
	struct stamps stamps;           /* every peer's greatest handshake timestamp */
	uint8_t duid[DHCP6_SERVER_DUID_LEN];
	const uint8_t *ident;           /* site-identity, or our public key: what hosts see derives from it */
	uint64_t next_expire_ms;        /* next sweep of expired leases */
	struct priv priv;               /* requests to the parent */
	struct state state;             /* the state files: what must be written */
	bool stopping;
};

#endif
