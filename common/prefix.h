/* SPDX-License-Identifier: ISC */
/* prefix: IPv6 prefix math. A /64 is split into 2^(L-64) sub-prefixes of
 * length L (65..120); sub-prefix index i is the top L-64 bits of the
 * interface identifier. For 2001:db8:64:1::/64 and L = 78, index 1 is
 * 2001:db8:64:1:4::/78 and index 5 is 2001:db8:64:1:14::/78. */
#ifndef V6EXT_PREFIX_H
#define V6EXT_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREFIX_BASE_LEN    64
#define PREFIX_SUB_MIN     65
#define PREFIX_SUB_MAX     120
#define PREFIX_SUB_DEFAULT 78
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

/* How many sub-prefixes of sub_len a /64 holds (2^(sub_len-64)); 0 when
 * sub_len is outside PREFIX_SUB_MIN..PREFIX_SUB_MAX. */
uint64_t prefix_sub_count(uint8_t sub_len);
/* Sub-prefix number index of base (which must be a /64). -1 if base is not
 * a /64, sub_len is out of range or index >= prefix_sub_count(). */
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

/* prefix = auto: the one global unicast /64 among an interface's addresses
 * (addrs[i] with prefix length plens[i]; link-local, ULA and other lengths
 * do not count). Returns how many distinct /64s there are (0, 1, or 2 for
 * "more than one"); *out is the first. */
int prefix_base_pick(const struct in6_addr *addrs, const uint8_t *plens, size_t n, struct prefix *out);

#endif
