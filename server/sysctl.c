/* SPDX-License-Identifier: ISC */
/* sysctl: read and write /proc/sys/net/ipv{6,4}/conf/IF/KEY. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

static int
sysctl_open(const char *fam, const char *ifname, const char *key, int flags, char *err, size_t errlen)
{
	char path[128];
	int fd;

	/* an interface name never holds '/', but a config error must not
	 * turn into a path outside the tree */
	if (strchr(ifname, '/') != NULL || strstr(ifname, "..") != NULL) {
		snprintf(err, errlen, "net.%s.conf.%s.%s: bad interface name", fam, ifname, key);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", fam, ifname, key);
	if ((fd = open(path, flags | O_CLOEXEC)) < 0)
		snprintf(err, errlen, "net.%s.conf.%s.%s: %s", fam, ifname, key, strerror(errno));
	return fd;
}

static int
sysctl_get(const char *fam, const char *ifname, const char *key, int *value, char *err, size_t errlen)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	if ((fd = sysctl_open(fam, ifname, key, O_RDONLY, err, errlen)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		snprintf(err, errlen, "net.%s.conf.%s.%s: cannot read", fam, ifname, key);
		return -1;
	}
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf) {
		snprintf(err, errlen, "net.%s.conf.%s.%s: not a number", fam, ifname, key);
		return -1;
	}
	*value = (int)v;
	return 0;
}

static int
sysctl_set(const char *fam, const char *ifname, const char *key, int value, char *err, size_t errlen)
{
	char buf[32];
	int fd, len;

	if ((fd = sysctl_open(fam, ifname, key, O_WRONLY, err, errlen)) < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d\n", value);
	if (write(fd, buf, (size_t)len) != len) {
		snprintf(err, errlen, "net.%s.conf.%s.%s = %d: %s", fam, ifname, key, value, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
sysctl_ipv6_get(const char *ifname, const char *key, int *value, char *err, size_t errlen)
{
	return sysctl_get("ipv6", ifname, key, value, err, errlen);
}

int
sysctl_ipv6_set(const char *ifname, const char *key, int value, char *err, size_t errlen)
{
	return sysctl_set("ipv6", ifname, key, value, err, errlen);
}

int
sysctl_ipv4_get(const char *ifname, const char *key, int *value, char *err, size_t errlen)
{
	return sysctl_get("ipv4", ifname, key, value, err, errlen);
}

int
sysctl_ipv4_set(const char *ifname, const char *key, int value, char *err, size_t errlen)
{
	return sysctl_set("ipv4", ifname, key, value, err, errlen);
}
