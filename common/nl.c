/* SPDX-License-Identifier: ISC */
/* nl: link, bridge and address changes with libnl-route-3. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "nl.h"

struct nl_sock *
nl_open(char *err, size_t errlen)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (sk == NULL) {
		snprintf(err, errlen, "netlink: out of memory");
		return NULL;
	}
	if ((rc = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		snprintf(err, errlen, "netlink: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void
nl_release(struct nl_sock *sk)
{
	if (sk != NULL)
		nl_socket_free(sk);
}

int
nl_link_index(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *link;
	int idx;

	if (rtnl_link_get_kernel(sk, 0, name, &link) < 0)
		return 0;
	idx = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return idx;
}

/* Apply change to link name; what says what, in the error. */
static int
nl_link_apply(struct nl_sock *sk, const char *name, struct rtnl_link *change, const char *what,
    char *err, size_t errlen)
{
	struct rtnl_link *link = NULL;
	int rc;

	if ((rc = rtnl_link_get_kernel(sk, 0, name, &link)) == 0)
		rc = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(link);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s%s", name, what, nl_geterror(rc));
	return rc < 0 ? -1 : 0;
}

int
nl_link_set(struct nl_sock *sk, const char *name, bool up, unsigned mtu,
    const uint8_t *mac, char *err, size_t errlen)
{
	struct rtnl_link *change;
	struct nl_addr *lladdr = NULL;
	int rc;

	if ((change = rtnl_link_alloc()) == NULL ||
	    (mac != NULL && (lladdr = nl_addr_build(AF_LLC, mac, 6)) == NULL)) {
		rtnl_link_put(change);
		snprintf(err, errlen, "%s: %s", name, nl_geterror(-NLE_NOMEM));
		return -1;
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	if (mtu)
		rtnl_link_set_mtu(change, mtu);
	if (lladdr != NULL)
		rtnl_link_set_addr(change, lladdr);
	rc = nl_link_apply(sk, name, change, "", err, errlen);
	nl_addr_put(lladdr);
	rtnl_link_put(change);
	return rc;
}

int
nl_bridge_ensure(struct nl_sock *sk, const char *name, char *err, size_t errlen)
{
	int rc;

	if (nl_link_index(sk, name) == 0 && (rc = rtnl_link_bridge_add(sk, name)) < 0 && rc != -NLE_EXIST) {
		snprintf(err, errlen, "bridge %s: %s", name, nl_geterror(rc));
		return -1;
	}
	return nl_link_set(sk, name, true, 0, NULL, err, errlen);
}

int
nl_link_enslave(struct nl_sock *sk, const char *port, const char *bridge, char *err, size_t errlen)
{
	struct rtnl_link *change;
	int idx, rc;

	if ((idx = nl_link_index(sk, bridge)) == 0) {
		snprintf(err, errlen, "bridge %s: no such link", bridge);
		return -1;
	}
	if ((change = rtnl_link_alloc()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", port);
		return -1;
	}
	rtnl_link_set_name(change, port);
	rtnl_link_set_master(change, idx);
	rc = rtnl_link_change(sk, change, change, 0);
	rtnl_link_put(change);
	if (rc < 0) {
		snprintf(err, errlen, "%s -> bridge %s: %s", port, bridge, nl_geterror(rc));
		return -1;
	}
	return 0;
}

int
nl_link_set_group(struct nl_sock *sk, const char *name, uint32_t group, char *err, size_t errlen)
{
	struct rtnl_link *change;
	int rc;

	if ((change = rtnl_link_alloc()) == NULL) {
		snprintf(err, errlen, "%s: group: %s", name, nl_geterror(-NLE_NOMEM));
		return -1;
	}
	rtnl_link_set_group(change, group);
	rc = nl_link_apply(sk, name, change, "group: ", err, errlen);
	rtnl_link_put(change);
	return rc;
}

int
nl_link_group_delete(struct nl_sock *sk, uint32_t group, char *err, size_t errlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;
	int rc = -NLE_NOMEM;

	/* rtnl_link_build_delete_request needs a name or an index; a group
	 * delete is RTM_DELLINK with index 0 and IFLA_GROUP (rtnl_group_dellink) */
	if ((msg = nlmsg_alloc_simple(RTM_DELLINK, 0)) != NULL &&
	    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    nla_put_u32(msg, IFLA_GROUP, group) == 0) {
		rc = nl_send_sync(sk, msg);     /* frees msg */
		msg = NULL;
	}
	nlmsg_free(msg);
	if (rc < 0 && rc != -NLE_NODEV && rc != -NLE_OBJ_NOTFOUND) {
		snprintf(err, errlen, "interface group %u: delete: %s", group, nl_geterror(rc));
		return -1;
	}
	return 0;
}

int
nl_link_mac(struct nl_sock *sk, const char *name, uint8_t mac[6])
{
	struct rtnl_link *link;
	struct nl_addr *a;
	int rc = -1;

	if (rtnl_link_get_kernel(sk, 0, name, &link) < 0)
		return -1;
	if ((a = rtnl_link_get_addr(link)) != NULL && nl_addr_get_len(a) == 6) {
		memcpy(mac, nl_addr_get_binary_addr(a), 6);
		rc = 0;
	}
	rtnl_link_put(link);
	return rc;
}

int
nl_addrs6(struct nl_sock *sk, int ifindex, struct nl_addr6 *out, size_t max, size_t *n,
    char *err, size_t errlen)
{
	struct nl_cache *cache;
	struct nl_object *o;
	int rc;

	*n = 0;
	if ((rc = rtnl_addr_alloc_cache(sk, &cache)) < 0) {
		snprintf(err, errlen, "netlink: addresses: %s", nl_geterror(rc));
		return -1;
	}
	for (o = nl_cache_get_first(cache); o != NULL && *n < max; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(ra);

		if (rtnl_addr_get_family(ra) != AF_INET6 || rtnl_addr_get_ifindex(ra) != ifindex ||
		    local == NULL || nl_addr_get_len(local) != 16)
			continue;
		memcpy(&out[*n].addr, nl_addr_get_binary_addr(local), 16);
		out[*n].plen = (uint8_t)rtnl_addr_get_prefixlen(ra);
		(*n)++;
	}
	nl_cache_free(cache);
	return 0;
}

int
nl_neigh6(struct nl_sock *sk, int ifindex, struct in6_addr *out, size_t max, size_t *n,
    char *err, size_t errlen)
{
	struct nl_cache *cache;
	struct nl_object *o;
	int rc;

	*n = 0;
	if ((rc = rtnl_neigh_alloc_cache(sk, &cache)) < 0) {
		snprintf(err, errlen, "netlink: neighbours: %s", nl_geterror(rc));
		return -1;
	}
	for (o = nl_cache_get_first(cache); o != NULL && *n < max; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
		struct nl_addr *dst = rtnl_neigh_get_dst(ne);

		if (rtnl_neigh_get_family(ne) != AF_INET6 || rtnl_neigh_get_ifindex(ne) != ifindex ||
		    dst == NULL || nl_addr_get_len(dst) != 16 ||
		    (rtnl_neigh_get_state(ne) & (NUD_FAILED | NUD_INCOMPLETE)))
			continue;
		memcpy(&out[(*n)++], nl_addr_get_binary_addr(dst), 16);
	}
	nl_cache_free(cache);
	return 0;
}

/* dst (alen bytes of family)/plen to ifindex in table, via gw (NULL: on
 * the link); added or replaced, or deleted (!add). */
static int
nl_route_change(struct nl_sock *sk, int family, int ifindex, const void *dst, unsigned alen,
    unsigned plen, const void *gw, uint32_t table, bool add, char *err, size_t errlen)
{
	struct rtnl_route *r = NULL;
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *d = NULL, *g = NULL;
	int rc = -NLE_NOMEM;

	if ((r = rtnl_route_alloc()) == NULL || (nh = rtnl_route_nh_alloc()) == NULL ||
	    (d = nl_addr_build(family, dst, alen)) == NULL ||
	    (gw != NULL && (g = nl_addr_build(family, gw, alen)) == NULL))
		goto out;
	nl_addr_set_prefixlen(d, (int)plen);
	rtnl_route_set_family(r, (uint8_t)family);
	rtnl_route_set_table(r, table);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
	if ((rc = rtnl_route_set_dst(r, d)) < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (g != NULL)
		rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL;              /* the route owns it now */
	rc = add ? rtnl_route_add(sk, r, NLM_F_REPLACE) : rtnl_route_delete(sk, r, 0);
	if (!add && rc == -NLE_OBJ_NOTFOUND)
		rc = 0;
out:
	if (rc < 0)
		snprintf(err, errlen, "route: %s", nl_geterror(rc));
	if (nh != NULL)
		rtnl_route_nh_free(nh);
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(r);
	return rc < 0 ? -1 : 0;
}

int
nl_route6_replace(struct nl_sock *sk, int ifindex, const struct in6_addr *dst, unsigned plen,
    char *err, size_t errlen)
{
	return nl_route_change(sk, AF_INET6, ifindex, dst, 16, plen, NULL, RT_TABLE_MAIN, true, err, errlen);
}

int
nl_route4_replace(struct nl_sock *sk, int ifindex, const struct in_addr *dst, unsigned plen,
    char *err, size_t errlen)
{
	return nl_route_change(sk, AF_INET, ifindex, dst, 4, plen, NULL, RT_TABLE_MAIN, true, err, errlen);
}

int
nl_route6_via(struct nl_sock *sk, int ifindex, const struct in6_addr *dst, unsigned plen,
    const struct in6_addr *gw, bool add, char *err, size_t errlen)
{
	return nl_route_change(sk, AF_INET6, ifindex, dst, 16, plen, gw, RT_TABLE_MAIN, add, err, errlen);
}

int
nl_route6_table(struct nl_sock *sk, int ifindex, const struct in6_addr *dst, unsigned plen,
    uint32_t table, bool add, char *err, size_t errlen)
{
	return nl_route_change(sk, AF_INET6, ifindex, dst, 16, plen, NULL, table, add, err, errlen);
}

int
nl_proxy4(struct nl_sock *sk, int ifindex, const struct in_addr *addr, bool add, char *err, size_t errlen)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	struct nl_addr *d = nl_addr_build(AF_INET, addr, 4);
	int rc = -NLE_NOMEM;

	if (n == NULL || d == NULL)
		goto out;
	rtnl_neigh_set_family(n, AF_INET);
	rtnl_neigh_set_ifindex(n, ifindex);
	rtnl_neigh_set_flags(n, NTF_PROXY);
	if ((rc = rtnl_neigh_set_dst(n, d)) < 0)
		goto out;
	rc = add ? rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_REPLACE) : rtnl_neigh_delete(sk, n, 0);
out:
	if (rc < 0)
		snprintf(err, errlen, "proxy neighbour: %s", nl_geterror(rc));
	nl_addr_put(d);
	rtnl_neigh_put(n);
	return rc < 0 ? -1 : 0;
}

int
nl_addrs4(struct nl_sock *sk, int ifindex, struct in_addr *out, size_t max, size_t *n, char *err,
    size_t errlen)
{
	struct nl_cache *cache;
	int rc;

	*n = 0;
	if ((rc = rtnl_addr_alloc_cache(sk, &cache)) < 0) {
		snprintf(err, errlen, "netlink: addresses: %s", nl_geterror(rc));
		return -1;
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o != NULL && *n < max; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(ra);

		if (rtnl_addr_get_family(ra) != AF_INET || rtnl_addr_get_ifindex(ra) != ifindex ||
		    local == NULL || nl_addr_get_len(local) != 4 || rtnl_addr_get_scope(ra) != RT_SCOPE_UNIVERSE)
			continue;
		memcpy(&out[(*n)++], nl_addr_get_binary_addr(local), 4);
	}
	nl_cache_free(cache);
	return 0;
}
