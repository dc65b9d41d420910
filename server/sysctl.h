/* sysctl: the per-interface IPv6 settings the server needs
 * (/proc/sys/net/ipv6/conf/IF/KEY). */
#ifndef V6EXT_SYSCTL_H
#define V6EXT_SYSCTL_H

#include <stddef.h>

/* Read or write net.ipv6.conf.IF.KEY ("all" for every interface). -1 with
 * "net.ipv6.conf.IF.KEY: why" in err. */
int sysctl_ipv6_get(const char *ifname, const char *key, int *value, char *err, size_t errlen);
int sysctl_ipv6_set(const char *ifname, const char *key, int value, char *err, size_t errlen);

#endif
