/* SPDX-License-Identifier: ISC */
/* nl: the netlink changes the daemons make, through libnl-route-3: links up
 * with an MTU and a MAC, bridges and their ports, addresses, routes. Errors
 * return -1 and write a message with nl_geterror()'s text into err. */
#ifndef V6EXT_NL_H
#define V6EXT_NL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_sock;

struct nl_sock *nl_open(char *err, size_t errlen);
/* Closes and frees what nl_open made. Not nl_close: that is libnl's own
 * (it closes the socket, keeping the object), and ours took its place. */
void nl_release(struct nl_sock *sk);

/* ifindex of name, or 0 if there is no such link. */
int nl_link_index(struct nl_sock *sk, const char *name);
/* Set up/down, MTU (0 = leave) and MAC (NULL = leave) of link name. */
int nl_link_set(struct nl_sock *sk, const char *name, bool up, unsigned mtu,
    const uint8_t *mac, char *err, size_t errlen);
/* Create bridge name if it does not exist, and bring it up. */
int nl_bridge_ensure(struct nl_sock *sk, const char *name, char *err, size_t errlen);
/* Make port a port of bridge. */
int nl_link_enslave(struct nl_sock *sk, const char *port, const char *bridge, char *err, size_t errlen);
/* Put link name into interface group (IFLA_GROUP). */
int nl_link_set_group(struct nl_sock *sk, const char *name, uint32_t group, char *err, size_t errlen);
/* Delete every link of a group in one request: the kernel unregisters them
 * as one batch (unregister_netdevice_many), where closing taps one by one
 * waits for an RCU grace period each (about 35 ms: 35 s for 1000). */
int nl_link_group_delete(struct nl_sock *sk, uint32_t group, char *err, size_t errlen);

/* The MAC of link name; -1 if it has none of 6 bytes. */
int nl_link_mac(struct nl_sock *sk, const char *name, uint8_t mac[6]);

struct nl_addr6 {
	struct in6_addr addr;
	uint8_t plen;
};
/* The IPv6 addresses on ifindex (at most max), and its IPv6 neighbours
 * (all but failed and incomplete entries). */
int nl_addrs6(struct nl_sock *sk, int ifindex, struct nl_addr6 *out, size_t max, size_t *n,
    char *err, size_t errlen);
int nl_neigh6(struct nl_sock *sk, int ifindex, struct in6_addr *out, size_t max, size_t *n,
    char *err, size_t errlen);
/* Route dst/plen to ifindex in the main table, replacing any route to it. */
int nl_route6_replace(struct nl_sock *sk, int ifindex, const struct in6_addr *dst, unsigned plen,
    char *err, size_t errlen);

int nl_route4_replace(struct nl_sock *sk, int ifindex, const struct in_addr *dst, unsigned plen,
    char *err, size_t errlen);
/* Route dst/plen via gw on ifindex in the main table (add: replacing any
 * route to it), or delete that route (gone already is no error). */
int nl_route6_via(struct nl_sock *sk, int ifindex, const struct in6_addr *dst, unsigned plen,
    const struct in6_addr *gw, bool add, char *err, size_t errlen);
/* Route dst/plen to ifindex in kernel table `table` (add, replacing), or
 * delete it (gone already is no error). */
int nl_route6_table(struct nl_sock *sk, int ifindex, const struct in6_addr *dst, unsigned plen,
    uint32_t table, bool add, char *err, size_t errlen);
/* Answer ARP for addr on ifindex (a proxy neighbour entry: the kernel
 * answers for an address it routes out of another interface), or stop. */
int nl_proxy4(struct nl_sock *sk, int ifindex, const struct in_addr *addr, bool add, char *err, size_t errlen);
/* The global-scope IPv4 addresses on ifindex, at most max. */
int nl_addrs4(struct nl_sock *sk, int ifindex, struct in_addr *out, size_t max, size_t *n, char *err,
    size_t errlen);

#endif
