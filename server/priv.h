/* SPDX-License-Identifier: ISC */
/* priv: the engine's requests to the privileged parent (privmsg.h). Most
 * wait for their answer (a tap, a key file: the parent answers at once);
 * state writes do not (fsync may take a while): their answers come back
 * through priv_read to the callback. Answers come in the order of the
 * requests, so a waiting request passes earlier answers on first. */
#ifndef V6EXT_PRIV_H
#define V6EXT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "privmsg.h"

/* The answer to an asynchronous request (its id and what it says), or a
 * STOP or RELOAD from the parent (reply false). */
typedef void (*priv_done_fn)(void *ctx, const struct privmsg *reply);

struct priv {
	int sock;
	uint32_t next_id;
	priv_done_fn done;
	void *ctx;
	unsigned pending;               /* asynchronous requests not yet answered */
};

void priv_init(struct priv *p, int sock, priv_done_fn done, void *ctx);

/* Send req (with fd alongside, or -1) and wait for its answer: 0 with
 * *reply and *fd (-1 when none came), -1 with errno set when the parent is
 * gone or answered nonsense. */
int priv_call(struct priv *p, struct privmsg *req, int sendfd, struct privmsg *reply, int *fd);
/* Send req without waiting; returns its id (its answer goes to done), 0
 * with errno set on failure. */
uint32_t priv_send(struct priv *p, struct privmsg *req, int sendfd);
/* Answers waiting on the socket go to done: 0, or -1 when the parent is
 * gone (end of file) or sent nonsense. */
int priv_read(struct priv *p);
/* Wait until every asynchronous request has its answer (at a stop). */
int priv_drain(struct priv *p);

/* The requests, as calls. Each returns the fd (or 0) on success, -1 with
 * the parent's reason in err. */
int priv_key_open(struct priv *p, const char *path, char *err, size_t errlen);
int priv_site_open(struct priv *p, const char *peer, const char *tap, uint64_t index,
    const uint8_t mac[6], bool *offload, char *err, size_t errlen);
/* -1 with errno ENOENT (and err) when the file does not exist. */
int priv_state_open(struct priv *p, enum privmsg_file file, char *err, size_t errlen);
int priv_used(struct priv *p, struct in6_addr *out, size_t max, size_t *n, char *err, size_t errlen);
int priv_conf_read(struct priv *p, char *err, size_t errlen);
/* prefix routed via a home router's link-local address on the site's tap
 * (add), or no more. */
int priv_route(struct priv *p, const char *peer, const char *tap, uint64_t index, const struct prefix *prefix,
    const struct in6_addr *via, bool add, char *err, size_t errlen);
/* A live site's sub-prefix on its tap in route-table (add), or no more. */
int priv_site_route(struct priv *p, const char *peer, const char *tap, uint64_t index, const struct prefix *sub,
    uint32_t table, bool add, char *err, size_t errlen);
/* The translator's table made anew with these DNATs (nftrules.h). */
int priv_nat64_rules(struct priv *p, const struct nftrules_dnat *d, size_t n, char *err, size_t errlen);

#endif
