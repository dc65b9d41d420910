/* SPDX-License-Identifier: ISC */
/* nlmon: link and address events from the kernel (rtnetlink multicast
 * groups), read with libmnl: every message and attribute is checked before
 * it is read. v6extd's engine watches its upstream link with it;
 * v6ext-client notices that its own addresses changed (a new underlay path)
 * and handshakes again at once rather than waiting for the dead-path timer. */
#ifndef V6EXT_NLMON_H
#define V6EXT_NLMON_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nlmon_kind {
	NLMON_LINK,
	NLMON_ADDR,
	NLMON_DONE,             /* the end of nlmon_dump_addrs's answer */
};

struct nlmon_event {
	enum nlmon_kind kind;
	int ifindex;
	bool removed;                   /* RTM_DELLINK, RTM_DELADDR */
	/* links */
	bool up;                        /* IFF_UP and IFF_RUNNING: carrier too */
	/* addresses */
	int family;                     /* AF_INET6 or AF_INET */
	union {
		struct in6_addr a6;
		struct in_addr a4;
	} addr;
	uint8_t plen;
	uint8_t scope;                  /* RT_SCOPE_UNIVERSE for global ones */
};

/* A netlink socket subscribed to link and IPv4/IPv6 address events,
 * non-blocking. No privilege needed. -1 with why in err. */
int nlmon_open(char *err, size_t errlen);

/* Ask for every address there is now: they come as NLMON_ADDR events,
 * then NLMON_DONE, so a watcher knows what is new later. -1 with errno. */
int nlmon_dump_addrs(int fd);

/* Every link and address event in buf (what one recv returned) goes to fn;
 * other messages and malformed ones are skipped. Returns the events seen,
 * or -1 when buf is not a well-formed netlink batch. */
typedef void (*nlmon_fn)(void *ctx, const struct nlmon_event *ev);
int nlmon_parse(const uint8_t *buf, size_t len, nlmon_fn fn, void *ctx);

/* Drain fd through nlmon_parse. */
void nlmon_read(int fd, nlmon_fn fn, void *ctx);

#endif
