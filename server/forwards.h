/* SPDX-License-Identifier: ISC */
/* forwards: every forward the translator serves (a public TCP or UDP port
 * of the VPS to a port of a site host), the configuration's and those
 * added at run time (v6ext forward add), and the state file that keeps the
 * run-time ones across restarts. Pure; runs in the engine. Text, one
 * forward a line, parsed with every length checked:
 *
 *   # ...
 *   v6ext-forwards 1
 *   forward PEER PROTO PORT [IPV6]:PORT
 *   end N
 */
#ifndef V6EXT_FORWARDS_H
#define V6EXT_FORWARDS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "siit.h"

#define FORWARDS_FILE     "forwards"
#define FORWARDS_VERSION  1
#define FORWARDS_FILE_MAX (CONF_FORWARDS_MAX * 128u + 256)

struct forward {
	struct conf_forward f;          /* peer, proto, port, host, to_port */
	bool runtime;                   /* added by forward add: kept in the state file */
	struct in_addr to;              /* where the kernel DNATs it: the host's address
	                                 * in the translator's map (eam.h), once mapped */
	uint64_t packets_in, bytes_in;  /* toward the host, as translated */
	uint64_t packets_out, bytes_out;
	uint64_t drops[SIIT_DROP_MAX];  /* the translator's drops of its packets, by reason */
};

struct forwards {
	struct forward *v;              /* in the order added */
	size_t n, cap;
};

void forwards_init(struct forwards *fw);
void forwards_free(struct forwards *fw);
/* The forward of a public port, or NULL. */
struct forward *forwards_find(const struct forwards *fw, uint8_t proto, uint16_t port);
/* Add f: -1 with errno EEXIST (its public port is taken), ENOSPC (there
 * are CONF_FORWARDS_MAX), ENOMEM. */
int forwards_add(struct forwards *fw, const struct conf_forward *f, bool runtime);
/* Remove the forward of a public port: -1 with ENOENT when there is none. */
int forwards_remove(struct forwards *fw, uint8_t proto, uint16_t port);

/* The run-time forwards of fw as the state file's text (heap, *len bytes).
 * -1 when out of memory. */
int forwards_build(const struct forwards *fw, char **out, size_t *len);
/* The state file into fw (emptied first; every entry a run-time one): 0, or
 * -1 with "line N: why" in err: a line that is not one of the three, a
 * forward conf_forward_parse refuses, a public port twice, a wrong count. */
int forwards_parse(const uint8_t *buf, size_t len, struct forwards *fw, char *err, size_t errlen);

#endif
