/* SPDX-License-Identifier: ISC */
/* conf_ipv4: the values of the IPv4-reach keys (forward, ipv4-map,
 * public-ipv4, ipv4-pool), shared by the configuration parser, the
 * daemon's control socket (v6ext forward add) and its state file. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_internal.h"
#include "util.h"

bool
conf_ipv4_parse(const char *s, struct in_addr *out)
{
	/* inet_pton takes exactly four decimal parts (no octal, no short forms) */
	return inet_pton(AF_INET, s, out) == 1;
}

bool
conf_ipv4_unicast(const struct in_addr *a)
{
	uint32_t h = ntohl(a->s_addr);

	/* RFC 1122 3.2.1.3: 0/8 "this network", 127/8 loopback; RFC 5771
	 * multicast 224/4 and RFC 1112 reserved 240/4 (with the broadcast) */
	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 29) != 7;
}

bool
conf_ipv4_in(const struct in_addr *a, const struct in_addr *net, uint8_t len)
{
	uint32_t mask = len == 0 ? 0 : ~(uint32_t)0 << (32 - len);

	return ((ntohl(a->s_addr) ^ ntohl(net->s_addr)) & mask) == 0;
}

int
conf_ipv4_prefix_parse(const char *s, struct in_addr *addr, uint8_t *len, char *err, size_t errlen)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	unsigned long l;

	if (strlen(s) >= sizeof(buf) || (slash = strchr(strcpy(buf, s), '/')) == NULL)
		return util_errorf(err, errlen, "not A.B.C.D/LEN");
	*slash = '\0';
	l = strtoul(slash + 1, &end, 10);
	if (!conf_ipv4_parse(buf, addr) || slash[1] < '0' || slash[1] > '9' || *end != '\0' || l > 32)
		return util_errorf(err, errlen, "not A.B.C.D/LEN");
	*len = (uint8_t)l;
	if (l < 32 && (ntohl(addr->s_addr) & (~(uint32_t)0 >> l)) != 0)
		return util_errorf(err, errlen, "host bits are set");
	return 0;
}

/* A port: 1..65535 in decimal, nothing else. */
static bool
conf_port_parse(const char *s, size_t n, uint16_t *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* A host of a site: a global unicast IPv6 address (not ::, loopback,
 * link-local, multicast, nor an IPv4-mapped one). */
static bool
conf_host6(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
	    !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_V4MAPPED(a);
}

int
conf_forward_parse(const char *s, struct conf_forward *f, char *err, size_t errlen)
{
	char buf[CONF_FORWARD_TEXT + 16], *w[3], *save = NULL, *close, vb[CONF_VIS_LEN], hb[CONF_VIS_LEN];
	size_t n = 0;

	if (strlen(s) >= sizeof(buf))
		return util_errorf(err, errlen, "forward: too long (PROTO PORT [IPV6]:PORT)");
	/* the value reaches messages escaped (a control socket's, a log's) */
	conf_vis(vb, s);
	strcpy(buf, s);
	for (char *t = strtok_r(buf, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			return util_errorf(err, errlen, "forward '%s': not PROTO PORT [IPV6]:PORT", vb);
		w[n++] = t;
	}
	if (n != 3)
		return util_errorf(err, errlen, "forward '%s': not PROTO PORT [IPV6]:PORT", vb);
	if (strcmp(w[0], "tcp") == 0)
		f->proto = IPPROTO_TCP;
	else if (strcmp(w[0], "udp") == 0)
		f->proto = IPPROTO_UDP;
	else
		return util_errorf(err, errlen, "forward '%s': the protocol is tcp or udp", vb);
	if (!conf_port_parse(w[1], strlen(w[1]), &f->port))
		return util_errorf(err, errlen, "forward '%s': the public port is 1..65535", vb);
	if (w[2][0] != '[' || (close = strchr(w[2], ']')) == NULL || close[1] != ':')
		return util_errorf(err, errlen, "forward '%s': the host is [IPV6]:PORT", vb);
	*close = '\0';
	if (inet_pton(AF_INET6, w[2] + 1, &f->addr) != 1)
		return util_errorf(err, errlen, "forward '%s': '%s' is not an IPv6 address", vb, conf_vis(hb, w[2] + 1));
	if (!conf_host6(&f->addr))
		return util_errorf(err, errlen, "forward '%s': not a global unicast address", vb);
	if (!conf_port_parse(close + 2, strlen(close + 2), &f->to_port))
		return util_errorf(err, errlen, "forward '%s': the host's port is 1..65535", vb);
	return 0;
}

void
conf_forward_format(const struct conf_forward *f, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &f->addr, a, sizeof(a));
	snprintf(buf, len, "%s %u [%s]:%u", f->proto == IPPROTO_TCP ? "tcp" : "udp", f->port, a, f->to_port);
}

int
conf_map_parse(const char *s, struct conf_map *m, char *err, size_t errlen)
{
	char buf[INET_ADDRSTRLEN + INET6_ADDRSTRLEN + 8], *sp, vb[CONF_VIS_LEN], ab[CONF_VIS_LEN];

	conf_vis(vb, s);
	/* white space between the two, as between a forward's words */
	if (strlen(s) >= sizeof(buf) || (sp = strpbrk(strcpy(buf, s), " \t")) == NULL)
		return util_errorf(err, errlen, "ipv4-map '%s': not IPV4 IPV6", vb);
	*sp++ = '\0';
	sp += strspn(sp, " \t");
	if (!conf_ipv4_parse(buf, &m->v4) || !conf_ipv4_unicast(&m->v4))
		return util_errorf(err, errlen, "ipv4-map '%s': '%s' is not a unicast IPv4 address", vb,
		    conf_vis(ab, buf));
	if (inet_pton(AF_INET6, sp, &m->v6) != 1 || !conf_host6(&m->v6))
		return util_errorf(err, errlen, "ipv4-map '%s': '%s' is not a global unicast IPv6 address", vb,
		    conf_vis(ab, sp));
	return 0;
}
