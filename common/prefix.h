/* SPDX-License-Identifier: ISC */
/* prefix: IPv6 prefix math. The server's prefix (the base) is split into
 * 2^(L-B) sub-prefixes of length L; sub-prefix index i is bits B..L-1.
 * On-link, the default: a /64 into L = 65..120, i the top L-64 bits of the
 * interface identifier (for 2001:db8:64:1::/64 and L = 78, index 1 is
 * 2001:db8:64:1:4::/78 and index 5 is 2001:db8:64:1:14::/78). Routed: a
 * /40../63 into L = 48..120, at most 2^56 of them (a /48 into /64s: index 1
 * of 2001:db8:48::/48 is 2001:db8:48:1::/64). */
#ifndef V6EXT_PREFIX_H
#define V6EXT_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREFIX_BASE_LEN    64   /* the on-link /64 */
#define PREFIX_ROUTED_MIN  40   /* a routed prefix: /40 ... */
#define PREFIX_ROUTED_MAX  63   /* ... to /63 */
#define PREFIX_SUB_MIN     48   /* a site: /48 (routed) ... */
#define PREFIX_SUB_ONLINK_MIN 65 /* ... or /65 (on-link) ... */
#define PREFIX_SUB_MAX     120  /* ... to /120 */
#define PREFIX_SUB_DEFAULT 78
#define PREFIX_INDEX_BITS_MAX 56 /* at most 2^56 sites */
/* "ffff:...:ffff/128" plus NUL */
#define PREFIX_STRLEN      (INET6_ADDRSTRLEN + 4)

struct prefix {
	struct in6_addr addr;   /* host bits always zero */
	uint8_t len;            /* 0..128 */
};

/* Parse "ADDR/LEN". Rejects a missing or non-decimal length, a length over
 * 128, and set host bits. On error returns -1 and points *why at a static
 * message ("host bits are set", ...). Input is a NUL-terminated string of
 * at most PREFIX_STRLEN - 1 characters; longer input is rejected. */
int prefix_parse(const char *s, struct prefix *out, const char **why);
/* Same for a raw byte buffer (fuzzing, wire); no NUL needed. */
int prefix_parse_buf(const uint8_t *buf, size_t len, struct prefix *out, const char **why);
/* "2001:db8:64:1:4::/78" into buf (at least PREFIX_STRLEN bytes). */
void prefix_format(const struct prefix *p, char *buf, size_t buflen);

bool prefix_contains(const struct prefix *p, const struct in6_addr *addr);
/* Clear the bits of p->addr past p->len (a prefix read off the wire). */
void prefix_mask(struct prefix *p);

/* Whether a base of base_len splits into sub-prefixes of sub_len: base_len
 * 64 with sub_len 65..120 (on-link), or base_len 40..63 with sub_len 48..120,
 * longer than base_len and at most 56 bits longer (routed). */
bool prefix_sub_len_ok(uint8_t base_len, uint8_t sub_len);
/* How many sub-prefixes of sub_len a base of base_len holds
 * (2^(sub_len-base_len)); 0 when !prefix_sub_len_ok. */
uint64_t prefix_sub_count(uint8_t base_len, uint8_t sub_len);
/* Sub-prefix number index of base. -1 if !prefix_sub_len_ok(base->len,
 * sub_len) or index >= prefix_sub_count(). */
int prefix_sub_get(const struct prefix *base, uint8_t sub_len, uint64_t index, struct prefix *out);
/* Index of the sub-prefix of base holding addr; -1 if addr is outside base
 * or the lengths are invalid. */
int prefix_sub_index(const struct prefix *base, uint8_t sub_len, const struct in6_addr *addr, uint64_t *index);
/* Whether index is never handed out: index 0 (it holds the /64's subnet-
 * router anycast address and, usually, the VPS itself) and every index
 * holding one of the used addresses (addresses on, or neighbours of, the
 * upstream interface). */
bool prefix_sub_reserved(const struct prefix *base, uint8_t sub_len, uint64_t index,
    const struct in6_addr *used, size_t n_used);

/* The prefix a site's link is numbered from: the site itself when it is a
 * /64 or longer, its first /64 when it is shorter (a routed /48../63 site:
 * the rest is for prefix delegation). Hosts do SLAAC in it exactly when it
 * is a /64 (RFC 4862 5.5.3 d: the interface identifier is 64 bits). */
void prefix_link(const struct prefix *site, struct prefix *out);

/* prefix = auto: the one global unicast /64 among an interface's addresses
 * (addrs[i] with prefix length plens[i]; link-local, ULA and other lengths
 * do not count). Returns how many distinct /64s there are (0, 1, or 2 for
 * "more than one"); *out is the first. */
int prefix_base_pick(const struct in6_addr *addrs, const uint8_t *plens, size_t n, struct prefix *out);

#endif
