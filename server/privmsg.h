/* SPDX-License-Identifier: ISC */
/* privmsg: the messages between v6extd's engine (unprivileged, parses the
 * network) and its parent (root, CAP_NET_ADMIN), over a SOCK_SEQPACKET
 * socketpair, one message per packet, an fd alongside where a type has one.
 *
 *   engine -> parent             parent -> engine (reply, same id)
 *   KEY_OPEN    path             fd of that key file (the engine reads it)
 *   SITE_OPEN   peer tap index   fd of the tap, made and configured: MAC,
 *               mac offload        MTU, sysctls, interface group, the
 *                                  sub-prefix routed to it; offload granted
 *   STATE_OPEN  file             fd of the state file, or err ENOENT
 *   STATE_WRITE file + fd        err: the file replaced with the fd's bytes
 *   USED        -                the addresses upstream has and sees in the /64
 *   CONF_READ   -                fd of a sealed copy of the configuration
 *   NAT64_RULES forwards         err: the translator's nftables table made
 *               (proto port        anew with these DNATs (nftrules.h)
 *               to to-port)
 *   ROUTE       peer tap index   err: a prefix delegated to a home router
 *               prefix via add     routed via its link-local address on
 *               table              the site's tap, or that route deleted;
 *                                  with table: the site's own prefix in
 *                                  route-table (a live site, for BGP)
 *
 *   parent -> engine (no reply)
 *   STOP        flush the state files and exit (SIGTERM, SIGINT)
 *   RELOAD      read the configuration again (SIGHUP)
 *
 * The parent tells the engine rather than signalling it: it keeps no
 * CAP_KILL, and the engine runs as another uid. If the engine does not
 * stop, the parent exits anyway and the kernel ends the engine
 * (PR_SET_PDEATHSIG).
 *
 * The parent trusts nothing it is sent: privmsg_parse checks every length and
 * string, privmsg_site_allowed and privmsg_key_allowed check a request against
 * what the configuration allows. Both sides are one binary, so integers travel
 * in host byte order. */
#ifndef V6EXT_PRIVMSG_H
#define V6EXT_PRIVMSG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "nftrules.h"
#include "prefix.h"

enum privmsg_type {
	PRIV_KEY_OPEN = 1,
	PRIV_SITE_OPEN,
	PRIV_STATE_OPEN,
	PRIV_STATE_WRITE,
	PRIV_USED,
	PRIV_CONF_READ,
	PRIV_STOP,
	PRIV_RELOAD,
	PRIV_NAT64_RULES,
	PRIV_ROUTE,
	PRIV_TYPE_MAX
};

/* The state files in state-dir, by number on the wire. */
enum privmsg_file {
	PRIV_FILE_SUBPREFIXES, PRIV_FILE_LEASES, PRIV_FILE_TIMESTAMPS, PRIV_FILE_FORWARDS, PRIV_FILE_NAMES, PRIV_FILE_MAX
};

#define PRIV_HDR_LEN    8
#define PRIV_TEXT_MAX   256             /* an error's text, with its NUL */
#define PRIV_ADDRS_MAX  1024            /* USED: upstream's addresses and neighbours */
#define PRIV_DNAT_MAX   4096            /* NAT64_RULES: CONF_FORWARDS_MAX */
#define PRIV_MSG_MAX    (PRIV_HDR_LEN + 65535)  /* the body's length is 16 bits */

struct privmsg {
	enum privmsg_type type;
	bool reply;
	uint32_t id;
	/* requests */
	char path[CONF_PATH_MAX];               /* KEY_OPEN */
	char peer[CONF_NAME_MAX + 1];           /* SITE_OPEN */
	char tap[IFNAMSIZ];
	uint64_t index;
	uint8_t mac[6];
	bool offload;                           /* SITE_OPEN: asked, and in the reply: granted */
	enum privmsg_file file;                 /* STATE_OPEN, STATE_WRITE */
	struct prefix route;                    /* ROUTE (with peer, tap, index) */
	struct in6_addr via;
	bool add;
	uint32_t table;                         /* ROUTE: 0, or route-table */
	/* replies */
	int err;                                /* 0 or an errno value */
	char text[PRIV_TEXT_MAX];               /* why, for the log */
	size_t n_addrs;                         /* USED */
	struct in6_addr addrs[PRIV_ADDRS_MAX];
	size_t n_dnat;                          /* NAT64_RULES */
	struct nftrules_dnat dnat[PRIV_DNAT_MAX];
};

const char *privmsg_type_name(enum privmsg_type t);
const char *privmsg_file_name(enum privmsg_file f);
/* The most bytes a state file may have (what its parser accepts). */
size_t privmsg_file_max(enum privmsg_file f);

/* Whether type is one the parent sends (STOP, RELOAD) rather than a
 * request of the engine's. */
bool privmsg_from_parent(enum privmsg_type type);

/* Write m; returns its length, 0 if it does not fit cap or m is not a
 * message privmsg_parse would take. */
size_t privmsg_build(const struct privmsg *m, uint8_t *out, size_t cap);
/* 0 with *m filled, or -1 with the reason in why (a fixed string). */
int privmsg_parse(const uint8_t *buf, size_t len, struct privmsg *m, const char **why);

/* What the parent allows: from the configuration it read itself. */
struct privmsg_policy {
	const struct conf_server *conf;
	struct prefix prefix;                   /* the /64 */
	const struct in6_addr *used;            /* upstream's addresses and neighbours: */
	size_t n_used;                          /* their sub-prefixes are never routed away */
};

/* A SITE_OPEN may make tap for peer: the tap the configuration names for
 * that peer, or v6x-NAME for a peer added at run time; a sub-prefix index
 * inside the /64, not 0, holding none of upstream's own addresses; a
 * locally administered unicast MAC. -1 with why (fixed string). */
int privmsg_site_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why);
/* A ROUTE may route, for a configured peer that delegates prefixes (its
 * tap, its sub-prefix index as SITE_OPEN would take it), a prefix of its
 * prefix-delegation length inside its site but outside the site's first
 * /64 (the link's), via a link-local address. -1 with why. */
int privmsg_route_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why);
/* A ROUTE with a table may put a site's own sub-prefix (its index, as
 * SITE_OPEN takes it, on its tap) into route-table, and nothing else. */
int privmsg_site_route_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why);
/* NAT64_RULES may DNAT a port at most once, TCP or UDP, to an address the
 * translator lends (inside ipv4-pool, neither its first nor its last) or
 * to an ipv4-map of the configuration. */
int privmsg_rules_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why);
/* A KEY_OPEN may open only private-key-file or a peer's preshared-key-file. */
int privmsg_key_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why);

/* One message on a SOCK_SEQPACKET socket, with fd (or -1) alongside.
 * -1 with errno set. */
int privmsg_send(int sock, const struct privmsg *m, int fd);
/* The next message: 1 with *m and *fd (-1 when none came), 0 on end of
 * file, -1 with errno set (EAGAIN when nothing waits, EBADMSG when it does
 * not parse; a message that came with more than one fd is refused and its
 * fds closed). */
int privmsg_recv(int sock, struct privmsg *m, int *fd);

#endif
