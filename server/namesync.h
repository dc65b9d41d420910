/* SPDX-License-Identifier: ISC */
/* namesync: keeps what the publisher publishes in step with the hosts'
 * names (names.h): after every change of leases, forwards or
 * configuration the records a site should have are worked out again and
 * the difference goes to the publisher (pubmsg.h); the records that may be
 * published are kept in state-dir/names, so a start deletes what a past
 * run could not and announces the rest. Runs in the engine. */
#ifndef V6EXT_NAMESYNC_H
#define V6EXT_NAMESYNC_H

#include <stdbool.h>

#include "names.h"

struct engine;
struct namesync;

/* On fd, the publisher's socket (-1 when nothing publishes: then names
 * are chosen and kept in leases, and nothing else happens). The state
 * file is read here; fatal when it cannot be. */
struct namesync *namesync_open(struct engine *e, int fd);
void namesync_close(struct namesync *ns);
/* Once the sites and forwards are up: every record announced (NAMES_OLD),
 * added or deleted, whatever the last run left. */
void namesync_start(struct engine *e);
/* site's hosts changed (a lease, a forward). */
void namesync_site(struct engine *e, const char *site);
/* Anything may have changed (a reload, leases expired, a peer removed). */
void namesync_all(struct engine *e);
/* What a site's DHCPv6 server needs to name its clients. */
void namesync_names_site(const struct engine *e, const char *site, struct names_site *out);
/* The records published or being published, for show. */
size_t namesync_count(const struct namesync *ns, const char *site);

#endif
