/* SPDX-License-Identifier: ISC */
/* site: one home site as the engine runs it: its tap (made by the parent),
 * its tunnel peer, and the IPv6 service inside it: router advertisements,
 * DHCPv6, the neighbour discovery it answers, source validation, the hosts
 * it has seen (for the NDP proxy). Runs in the engine. */
#ifndef V6EXT_SITE_H
#define V6EXT_SITE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "conf.h"
#include "dhcp6.h"
#include "hosts.h"
#include "names.h"
#include "pdroutes.h"
#include "prefix.h"
#include "ra.h"
#include "tunnel.h"

struct engine;

struct site {
	struct engine *e;
	struct conf_peer conf;
	struct tunnel_peer tp;
	int tap_fd;
	bool offload;                   /* the tap has a virtio_net_hdr */
	struct event *ev_tap;
	bool carrier;
	uint64_t index;                 /* sub-prefix index in the /64 */
	struct site *index_next;        /* sitetab's chains */
	struct site *key_next;
	struct site *name_next;
	struct ra_link link;            /* MAC (stable across restarts), link-local, sub-prefix */
	struct hosts hosts;             /* addresses seen in use in the site */
	struct ra_timer ra;
	uint64_t dhcp6_drops[DHCP6_DROP_MAX];
	uint64_t names_refused[NAMES_VERDICT_MAX];      /* Client FQDNs refused, by why */
	uint64_t dhcp6_window_ms;       /* DHCPv6 messages in the current second */
	unsigned dhcp6_count;
	uint64_t ndp_window_ms;         /* the NDP proxy's budget for this site (ndproxy.h): */
	unsigned ndp_asks, ndp_answers; /* NSes into it and answers for it this second */
	struct pdroutes pd;             /* delegated prefixes routed on its tap */
	bool in_table;                  /* its sub-prefix is in route-table */
	bool table_failed;              /* the last change was refused (logged once) */
	uint64_t carry_ms;              /* the last delegations taken from the client */
	uint64_t down_ms;               /* when its session went down */
};

/* A site for peer cp at sub-prefix index, data slot slot: its PSK read,
 * its tap made by the parent. NULL with why in err. */
struct site *site_open(struct engine *e, const struct conf_peer *cp, uint64_t index, uint16_t slot,
    char *err, size_t errlen);
/* withdraw: the site is gone for good, so its hosts hear one last RA with
 * lifetime 0 and drop their routes; not on a stop, so hosts keep their
 * routes through a restart. */
void site_close(struct site *s, bool withdraw);

/* The MAC of a site's tap: derived from the server's site identity (its
 * public key, or site-identity) and the site name, so it never changes
 * across restarts, and two gateways of one site share it; locally
 * administered. */
void site_mac(const uint8_t ident[32], const char *name, uint8_t mac[6]);

/* Whether the site's session is up: a session not expired whose client was
 * heard from within dead-after (a live client probes every second when it
 * hears nothing). Its carrier, `show`, the metrics and route-table follow
 * it; a gateway the client left goes down within dead-after. */
bool site_live(const struct site *s, uint64_t now);

/* Seal a frame of the engine's own (an RA, a DHCPv6 reply, an NS) and
 * send it to the site; false without a session. */
bool site_send_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now);
/* The routes of the site's delegated prefixes made to match its leases
 * (pdroutes.h), through the parent; a refusal is logged and tried again at
 * the next change. Nothing to do (and no walk over the leases) for a site
 * that delegates nothing and has nothing routed. */
void site_pd_sync(struct site *s);
/* Carrier follows the session; an RA goes out when it comes up. */
void site_set_carrier(struct site *s, bool on);
/* Once a second: session expiry, carrier, periodic RAs, host expiry. */
void site_tick(struct site *s, uint64_t now);

/* What site_check_frame found. */
struct site_verdict {
	enum tunnel_drop drop;          /* TUNNEL_OK: pass the frame to the tap */
	bool consumed;                  /* answered here (RS, DHCPv6): not for the tap */
	bool advertised;                /* a host advertised target (an NA) */
	struct in6_addr target;
};
/* A frame from the site, before it reaches the tap: the rogue-RA guard,
 * source validation, host learning, and what the engine answers itself. */
void site_check_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now, struct site_verdict *v);

#endif
