/* The server's state, shared by v6extd.c (tunnel, sites, router
 * advertisements) and ndproxy.c (the NDP proxy on the upstream link). */
#ifndef V6EXT_SERVER_H
#define V6EXT_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "alloc.h"
#include "conf.h"
#include "dhcp6.h"
#include "dhcp6_server.h"
#include "lease.h"
#include "statefile.h"
#include "hosts.h"
#include "prefix.h"
#include "tap.h"
#include "transport.h"
#include "tunnel.h"

struct ndproxy;
struct metrics;

struct site {
	struct server *srv;
	struct conf_peer conf;
	struct tunnel_peer tp;
	int tap_fd;
	bool offload;                   /* the tap has a virtio_net_hdr */
	struct event *ev_tap;
	bool carrier;
	uint64_t index;                 /* sub-prefix index in the /64 */
	struct prefix sub;              /* the site's sub-prefix */
	uint8_t mac[6];                 /* the tap's: stable across restarts */
	struct in6_addr ll;             /* the tap's link-local address */
	struct hosts hosts;             /* addresses seen in use in the site */
	uint64_t next_ra_ms;            /* next periodic RA */
	unsigned ra_initial;            /* fast initial RAs still due */
	uint64_t rs_window_ms;          /* RS answers in the current second */
	unsigned rs_answers;
	uint64_t dhcp6_drops[DHCP6_DROP_MAX];
	uint64_t dhcp6_window_ms;       /* DHCPv6 messages in the current second */
	unsigned dhcp6_count;
};

struct server {
	const char *conf_path;
	struct conf_server conf;
	struct event_base *base;
	struct tunnel_responder resp;
	struct nl_sock *nl;
	int udp6, udp4;
	struct event *ev_udp6, *ev_udp4, *ev_tick, *ev_sig[3];
	struct transport_rx rx;
	struct transport_tx tx6, tx4;
	bool offload;                   /* taps with TSO, UDP GSO/GRO (V6EXT_OFFLOAD=off: none) */
	struct tap_out tap_out;         /* frames to taps, TCP bursts glued */
	uint8_t *tap_in;                /* one frame read from a tap, virtio_net_hdr first */
	uint64_t activity;              /* reads that found traffic, for busy polling */
	uint32_t tap_group;             /* interface group of our taps: deleted at once on a stop */
	struct site **sites;            /* indexed by slot */
	size_t n_slots;
	struct tunnel_stats st;         /* drops before a peer is known */
	struct ctl *ctl;
	struct prefix prefix;           /* the /64 */
	struct alloc alloc;             /* sub-prefix index per site name */
	int upstream_index;
	uint8_t upstream_mac[6];
	struct ndproxy *proxy;          /* NULL with ndp-proxy = off */
	struct metrics *metrics;        /* NULL without metrics-listen */
	struct leases leases;           /* DHCPv6 bindings of every site */
	struct statefile_dir state;     /* state-dir, opened by state_open */
	uint8_t duid[DHCP6_SERVER_DUID_LEN];
	uint64_t next_expire_ms;        /* next sweep of expired leases */
	bool leases_dirty;              /* written at the next tick: one fsync a second at most */
};

/* The site whose sub-prefix holds addr, or NULL. */
struct site *server_site_of_addr(struct server *srv, const struct in6_addr *addr);
/* Seal a frame and send it to the site's peer; false without a session. */
bool site_send_frame(struct site *s, const uint8_t *frame, size_t len, uint64_t now);

#endif
