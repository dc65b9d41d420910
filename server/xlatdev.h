/* SPDX-License-Identifier: ISC */
/* xlatdev: what the kernel needs around the translator, made by v6extd's
 * parent (root, CAP_NET_ADMIN): the TUN device v6ext-nat64 whose fd the
 * engine reads and writes (siit.h), the NAT64 prefix, the pool and each
 * ipv4-map routed into it, ARP answered on upstream for the ipv4-maps,
 * IPv4 forwarding on, and the nftables table (nftrules.h) applied with
 * nft(8). A stop removes the table and the proxy entries; the device and
 * its routes go when the engine's fd closes.
 *
 * The device takes its own public address as a source (accept_local: the
 * translator's ICMP errors come from public-ipv4) and no reverse-path
 * check (its IPv4 sources are the whole internet). */
#ifndef V6EXT_XLATDEV_H
#define V6EXT_XLATDEV_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "nftrules.h"

#define XLATDEV_NAME "v6ext-nat64"
/* The largest: the translator, not the kernel, decides what is too big. It
 * knows the sites' MTU, answers a DF packet with the MTU it needs (site MTU
 * - 20) and cuts the others into fragments that fit; a smaller device MTU
 * would have the kernel answer first, with its own figure. */
#define XLATDEV_MTU 65535

struct nl_sock;

struct xlatdev {
	bool on;                        /* a translator runs */
	int ifindex;
	int upstream_index;
	char upstream[IFNAMSIZ];
	struct in_addr public4;
	struct conf_map *maps;          /* the ipv4-maps routed and proxied, heap */
	size_t n_maps;
};

/* Start-up, before capabilities are dropped (nft may load modules). With
 * public-ipv4 = off, or auto and no IPv4 on upstream (logged), x->on is
 * false and *fd -1; likewise when the set-up fails (nft missing...) with
 * public-ipv4 = auto and no forward or map configured (logged). Else the device is up with its routes and an empty
 * table (no forwards yet: the engine sends them) and *fd is the TUN, with
 * offloads (TSO, partial checksums) if *offload asked and the kernel gave. -1
 * with why in err. */
int xlatdev_open(struct xlatdev *x, struct nl_sock *nl, const struct conf_server *c, int upstream_index,
    int *fd, bool *offload, char *err, size_t errlen);
/* Replace the table with one DNATing these forwards. -1 with nft's own
 * words in err. */
int xlatdev_rules(struct xlatdev *x, const struct conf_server *c, const struct nftrules_dnat *d, size_t n,
    char *err, size_t errlen);
/* The stop: the table and the proxy entries removed (errors logged). */
void xlatdev_close(struct xlatdev *x, struct nl_sock *nl);

#endif
