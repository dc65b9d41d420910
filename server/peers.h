/* SPDX-License-Identifier: ISC */
/* peers: the configured peers as running sites. At start-up every peer of
 * the configuration and every one added at run time (kept in the state
 * file) gets its sub-prefix index and its site; a reload (SIGHUP, `v6ext
 * reload`) adds what is new, removes what is gone and replaces what changed,
 * leaving the other sessions alone; `v6ext peer add/remove` change one peer.
 * A site's index is kept in the state file before anything depends on it.
 * Runs in the engine. */
#ifndef V6EXT_PEERS_H
#define V6EXT_PEERS_H

#include <stddef.h>

struct engine;
struct site;

/* At start-up: e->conf's peers and the run-time ones. -1 with why in err. */
int peers_start(struct engine *e, char *err, size_t errlen);
/* Read the configuration again (through the parent) and apply it. On
 * error nothing changes: -1 with why in err. */
int peers_reload(struct engine *e, char *err, size_t errlen);
/* v6ext peer add NAME PUBKEY SUB (SUB: auto, an index or a prefix): 0 with
 * *added, or an errno value with why in err. */
int peers_add(struct engine *e, const char *name, const char *pubkey, const char *sub, struct site **added,
    char *err, size_t errlen);
/* v6ext peer remove NAME: only a peer added at run time. 0, or an errno
 * value with why in err. */
int peers_remove(struct engine *e, const char *name, char *err, size_t errlen);

#endif
