/* SPDX-License-Identifier: ISC */
/* stamps: the greatest handshake timestamp (TAI64N) accepted from each
 * peer, kept in state-dir so an initiation captured before a restart is
 * still a replay after it (docs/PROTOCOL.md section 3). Text, one peer a
 * line, parsed with every length checked:
 *
 *   # ...
 *   v6ext-timestamps 1
 *   peer NAME 24-HEX-DIGITS
 *   end N
 */
#ifndef V6EXT_STAMPS_H
#define V6EXT_STAMPS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "wire.h"

#define STAMPS_FILE     "timestamps"
#define STAMPS_VERSION  1
#define STAMPS_FILE_MAX (2u << 20)      /* 16 384 peers at about 70 bytes */

struct stamp {
	char name[CONF_NAME_MAX + 1];
	uint8_t ts[WIRE_TIMESTAMP_LEN];
};

struct stamps {
	struct stamp *v;                /* sorted by name */
	size_t n, cap;
};

void stamps_init(struct stamps *s);
void stamps_free(struct stamps *s);
/* Add or raise name's timestamp (the greater one stays): a binary search,
 * and an insert for a name not there yet. -1 when out of memory. */
int stamps_put(struct stamps *s, const char *name, const uint8_t ts[WIRE_TIMESTAMP_LEN]);
const struct stamp *stamps_find(const struct stamps *s, const char *name);

/* 0 with s filled (emptied first), or -1 with why in err: a line that is
 * not one of the three, a bad name or timestamp, a peer twice, no end line
 * or a wrong count. */
int stamps_parse(const uint8_t *buf, size_t len, struct stamps *s, char *err, size_t errlen);
int stamps_build(const struct stamps *s, char **out, size_t *outlen);

#endif
