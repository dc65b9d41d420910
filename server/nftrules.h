/* SPDX-License-Identifier: ISC */
/* nftrules: the translator's nftables ruleset as text for `nft -f -`, one
 * table of our own (inet v6ext), replaced whole in one transaction: the
 * kernel applies all of it or none, and no other table is touched. Pure:
 * the parent runs nft (xlatdev.h).
 *
 *   prerouting (dstnat): each forward, PUBLIC:PORT DNATed to the address
 *     the translator maps to the site host (a pool address or an ipv4-map)
 *   postrouting (srcnat): the pool leaving upstream masqueraded behind the
 *     public address (stateful NAT64 egress: the hosts borrow pool addresses)
 *   forward (filter): nothing from the translator's device back into it,
 *     so no site reaches another's forward or mapping through it
 *
 * Why text for nft rather than libnftables or libnftnl: nft parses and
 * checks the rules and says what is wrong in its own words (we log them),
 * the table is replaced atomically with `delete table` in the same file,
 * and the daemon links no GPL library. */
#ifndef V6EXT_NFTRULES_H
#define V6EXT_NFTRULES_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define NFTRULES_TABLE "v6ext"
/* Enough for CONF_FORWARDS_MAX rules of at most 80 bytes each. */
#define NFTRULES_TEXT_MAX (4096 * 80 + 2048)

struct nftrules_dnat {
	uint8_t proto;                  /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;                  /* public */
	struct in_addr to;
	uint16_t to_port;
};

struct nftrules {
	char upstream[IFNAMSIZ];
	char dev[IFNAMSIZ];             /* the translator's TUN */
	struct in_addr public4;
	struct in_addr pool;
	uint8_t pool_len;
	const struct nftrules_dnat *dnat;
	size_t n_dnat;
};

/* The ruleset that replaces our table with r; its length, or 0 when it
 * does not fit cap. */
size_t nftrules_build(const struct nftrules *r, char *buf, size_t cap);
/* The text that deletes our table, whether it exists or not. */
const char *nftrules_delete(void);

#endif
