/* SPDX-License-Identifier: ISC */
/* state: the engine's durable state, the files in state-dir (sub-prefixes,
 * leases, handshake timestamps). The engine builds a file's text and hands
 * it to the parent in a sealed memfd; the parent writes it (privmsg.h). A
 * file stays dirty until the parent says it was written, so a failed save
 * is tried again at the next flush; a full disk is logged once, and the
 * engine keeps serving. Runs in the engine. */
#ifndef V6EXT_STATE_H
#define V6EXT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "privmsg.h"
#include "statefile.h"

struct priv;

/* A state file's builder and parser (alloc_build, leases_parse, ...). */
typedef int (*state_build_fn)(const void *obj, char **out, size_t *len);
typedef int (*state_parse_fn)(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen);

struct state_file {
	state_build_fn build;
	const void *obj;
	bool dirty;                     /* changed since the last write that succeeded */
	uint32_t gen;                   /* changes so far */
	uint32_t inflight_id;           /* a write the parent has not answered, or 0 */
	uint32_t inflight_gen;          /* the gen it carries */
	struct statefile_saves saves;   /* failures logged once, retries spaced out */
};

struct state {
	struct priv *priv;
	struct state_file f[PRIV_FILE_MAX];
};

void state_init(struct state *st, struct priv *priv);
void state_register(struct state *st, enum privmsg_file file, state_build_fn build, const void *obj);

/* Read a file through the parent and parse it into obj: 0 (also when it
 * does not exist: obj untouched then), -1 with why in err. */
int state_load(struct state *st, enum privmsg_file file, size_t max, state_parse_fn parse, void *obj,
    char *err, size_t errlen);

/* file changed: written at the next flush. */
void state_touch(struct state *st, enum privmsg_file file);
/* Start writes of every dirty file that has none in flight. */
void state_flush(struct state *st);
/* Write file now and wait until it is on disk: for changes that are
 * answered only once durable (peer add). -1 with why in err. */
int state_save(struct state *st, enum privmsg_file file, char *err, size_t errlen);
/* priv's callback for the answers to state_flush's writes. */
void state_done(struct state *st, const struct privmsg *reply);
/* Nothing dirty and nothing in flight. */
bool state_clean(const struct state *st);

#endif
