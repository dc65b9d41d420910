/* SPDX-License-Identifier: ISC */
/* pubmsg: the messages between the engine and the publisher (publisher.h)
 * on their SOCK_SEQPACKET pair, one record each:
 *
 *   type 1 | family 1 | address 16 | site length 1 | site | host length 1 | host
 *
 * engine -> publisher: ADD, DEL, OLD (names.h's operations);
 * publisher -> engine: DONE, a DEL carried out (the record may be forgotten).
 * pubmsg_parse checks everything: the publisher trusts the engine no more
 * than it must, and the engine the publisher no more than that. */
#ifndef V6EXT_PUBMSG_H
#define V6EXT_PUBMSG_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"

enum pubmsg_type {
	PUBMSG_ADD = NAMES_ADD,
	PUBMSG_DEL = NAMES_DEL,
	PUBMSG_OLD = NAMES_OLD,
	PUBMSG_DONE,
	PUBMSG_TYPE_MAX
};

#define PUBMSG_MAX (1 + 1 + 16 + 1 + CONF_NAME_MAX + 1 + NAMES_HOST_MAX)

/* r as a message of type into out (PUBMSG_MAX bytes): its length. */
size_t pubmsg_build(enum pubmsg_type type, const struct names_rec *r, uint8_t *out);
/* 0 and the message in *type and *r, or -1 when it is not one. */
int pubmsg_parse(const uint8_t *buf, size_t len, enum pubmsg_type *type, struct names_rec *r);

enum pubmsg_recv {
	PUBMSG_GOT,             /* a message in *type, *r */
	PUBMSG_NONE,            /* nothing waiting */
	PUBMSG_BAD,             /* one that does not parse: dropped */
	PUBMSG_GONE,            /* the other side closed its end (or an error) */
};
/* One message from fd, without blocking. */
enum pubmsg_recv pubmsg_recv(int fd, enum pubmsg_type *type, struct names_rec *r);

#endif
