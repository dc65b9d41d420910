/* SPDX-License-Identifier: ISC */
/* alloc: which sub-prefix index each site holds, and the state file that
 * keeps it across restarts. A site's index never changes once given: its
 * hosts' addresses and AAAA records depend on it. Names stay in the file
 * after their peer leaves the config, so a re-added peer gets its old
 * sub-prefix back and no new peer inherits traffic meant for an old one.
 *
 * The file (state-dir/sub-prefixes) is text, one record per line:
 *
 *   # comment
 *   v6ext-sub-prefixes 1 78          version, sub-prefix length (and, for a
 *                                    routed prefix, its length: "1 64 48")
 *   site home1 1
 *   site home2 5
 *   site lab 6 <base64 public key>   a peer added at run time (v6ext peer
 *                                    add): the file is its only record
 *   end 3                            the number of site lines: a file cut
 *                                    short is detected, never half-read
 */
#ifndef V6EXT_ALLOC_H
#define V6EXT_ALLOC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "prefix.h"
#include "statefile.h"

#define ALLOC_FILE     "sub-prefixes"
#define ALLOC_VERSION  1
#define ALLOC_FILE_MAX (4u << 20)

struct alloc_entry {
	char name[CONF_NAME_MAX + 1];
	uint64_t index;
	bool runtime;                   /* added at run time, not in the config */
	uint8_t pub[KEY_LEN];           /* its public key, when runtime */
};

struct alloc {
	uint8_t base_len;               /* the prefix's length: 64, or 40..63 routed */
	uint8_t sub_len;
	struct alloc_entry *v;
	size_t n, cap;
};

void alloc_init(struct alloc *a, uint8_t base_len, uint8_t sub_len);
void alloc_free(struct alloc *a);
/* dst (uninitialised) becomes a copy of src; -1 when out of memory. */
int alloc_copy(struct alloc *dst, const struct alloc *src);
const struct alloc_entry *alloc_find(const struct alloc *a, const char *name);
/* Mark name's entry as a peer added at run time with key pub, or (pub
 * NULL) as no longer one; the index stays. -1 if name has no entry. */
int alloc_set_runtime(struct alloc *a, const char *name, const uint8_t *pub);

/* Parse a state file held in memory (a, initialised, receives it). On error
 * returns -1 with "line N: why" in err. */
int alloc_parse(const uint8_t *buf, size_t len, struct alloc *a, char *err, size_t errlen);
/* The file text for a, NUL-terminated, into a new heap buffer (*out, its
 * length in *outlen). -1 when out of memory. */
int alloc_build(const struct alloc *a, char **out, size_t *outlen);

/* Read state-dir/sub-prefixes into a. A file that is missing (ENOENT:
 * statefile_start has made it, so it was lost), cannot be read or parsed,
 * or was written for another sub-prefix length is an error: an errno and
 * "state-dir PATH: sub-prefixes: why" in err. */
int alloc_load(const struct statefile_dir *d, struct alloc *a, char *err, size_t errlen);
/* Replace state-dir/sub-prefixes with a (statefile_write): 0 or an errno. */
int alloc_save(const struct statefile_dir *d, const struct alloc *a, char *err, size_t errlen);

/* Give every peer its index (out[i] for peers[i]) and record it in a:
 *   - sub-prefix = INDEX or PREFIX in the config: that index; an error if
 *     it is reserved (0, or holds one of used[]) or two peers name it;
 *   - auto: the index the state file holds for the name, unless a
 *     configured peer now claims it; else the lowest free one.
 * base is the /64; used[] are the upstream interface's addresses and
 * neighbours. *changed says whether a differs from before. */
int alloc_assign(struct alloc *a, const struct conf_peer *peers, size_t n_peers,
    const struct prefix *base, const struct in6_addr *used, size_t n_used,
    uint64_t *out, bool *changed, char *err, size_t errlen);

#endif
