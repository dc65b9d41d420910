/* SPDX-License-Identifier: ISC */
/* sysctl: the per-interface IPv6 and IPv4 settings the server needs
 * (/proc/sys/net/ipv6/conf/IF/KEY, /proc/sys/net/ipv4/conf/IF/KEY). */
#ifndef V6EXT_SYSCTL_H
#define V6EXT_SYSCTL_H

#include <stddef.h>

/* Read or write net.ipv6.conf.IF.KEY ("all" for every interface). -1 with
 * "net.ipv6.conf.IF.KEY: why" in err. */
int sysctl_ipv6_get(const char *ifname, const char *key, int *value, char *err, size_t errlen);
int sysctl_ipv6_set(const char *ifname, const char *key, int value, char *err, size_t errlen);
/* The same for net.ipv4.conf.IF.KEY (all.forwarding is ip_forward). */
int sysctl_ipv4_get(const char *ifname, const char *key, int *value, char *err, size_t errlen);
int sysctl_ipv4_set(const char *ifname, const char *key, int value, char *err, size_t errlen);

#endif
