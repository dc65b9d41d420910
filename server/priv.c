/* SPDX-License-Identifier: ISC */
/* priv: the engine's side of the channel to the parent; see priv.h. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

void
priv_init(struct priv *p, int sock, priv_done_fn done, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->sock = sock;
	p->next_id = 1;
	p->done = done;
	p->ctx = ctx;
}

static uint32_t
priv_post(struct priv *p, struct privmsg *req, int sendfd)
{
	req->reply = false;
	req->id = p->next_id++;
	if (p->next_id == 0)
		p->next_id = 1;
	if (privmsg_send(p->sock, req, sendfd) != 0)
		return 0;
	return req->id;
}

uint32_t
priv_send(struct priv *p, struct privmsg *req, int sendfd)
{
	uint32_t id = priv_post(p, req, sendfd);

	if (id != 0)
		p->pending++;
	return id;
}

/* The next answer, waiting for it when block. 1, 0 when none waits (not
 * blocking), -1 with errno when the parent is gone or sent nonsense. */
static int
priv_next(struct priv *p, bool block, struct privmsg *m, int *fd)
{
	for (;;) {
		int rc = privmsg_recv(p->sock, m, fd);

		if (rc == 1) {
			if (!m->reply && (!privmsg_from_parent(m->type) || *fd >= 0)) {
				/* the parent answers, stops or reloads us */
				if (*fd >= 0)
					close(*fd);
				errno = EBADMSG;
				return -1;
			}
			return 1;
		}
		if (rc == 0) {
			errno = EPIPE;
			return -1;
		}
		if (errno != EAGAIN)
			return -1;
		if (!block)
			return 0;
		if (poll(&(struct pollfd){ .fd = p->sock, .events = POLLIN }, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
}

/* An answer nobody waits for here (an asynchronous one), or the parent's
 * STOP or RELOAD. */
static void
priv_deliver(struct priv *p, const struct privmsg *m, int fd)
{
	if (fd >= 0)
		close(fd);      /* asynchronous answers carry none */
	if (m->reply && p->pending > 0)
		p->pending--;
	if (p->done != NULL)
		p->done(p->ctx, m);
}

int
priv_call(struct priv *p, struct privmsg *req, int sendfd, struct privmsg *reply, int *fd)
{
	uint32_t id = priv_post(p, req, sendfd);

	*fd = -1;
	if (id == 0)
		return -1;
	for (;;) {
		if (priv_next(p, true, reply, fd) < 0)
			return -1;
		if (reply->reply && reply->id == id && reply->type == req->type)
			return 0;
		priv_deliver(p, reply, *fd);
		*fd = -1;
	}
}

int
priv_read(struct priv *p)
{
	struct privmsg m;
	int fd, rc;

	while ((rc = priv_next(p, false, &m, &fd)) == 1)
		priv_deliver(p, &m, fd);
	return rc;
}

int
priv_drain(struct priv *p)
{
	struct privmsg m;
	int fd;

	while (p->pending > 0) {
		if (priv_next(p, true, &m, &fd) < 0)
			return -1;
		priv_deliver(p, &m, fd);
	}
	return 0;
}

/* A call that answers with an fd or an error. */
static int
priv_call_fd(struct priv *p, struct privmsg *req, char *err, size_t errlen)
{
	struct privmsg reply;
	int fd;

	if (priv_call(p, req, -1, &reply, &fd) != 0) {
		snprintf(err, errlen, "parent: %s: %s", privmsg_type_name(req->type), strerror(errno));
		return -1;
	}
	if (reply.err != 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s", reply.text[0] ? reply.text : strerror(reply.err ? reply.err : EBADMSG));
		errno = reply.err ? reply.err : EBADMSG;
		return -1;
	}
	return fd;
}

int
priv_key_open(struct priv *p, const char *path, char *err, size_t errlen)
{
	struct privmsg req;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_KEY_OPEN;
	snprintf(req.path, sizeof(req.path), "%s", path);
	return priv_call_fd(p, &req, err, errlen);
}

int
priv_site_open(struct priv *p, const char *peer, const char *tap, uint64_t index,
    const uint8_t mac[6], bool *offload, char *err, size_t errlen)
{
	struct privmsg req, reply;
	int fd;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_SITE_OPEN;
	snprintf(req.peer, sizeof(req.peer), "%s", peer);
	snprintf(req.tap, sizeof(req.tap), "%s", tap);
	req.index = index;
	memcpy(req.mac, mac, 6);
	req.offload = *offload;
	if (priv_call(p, &req, -1, &reply, &fd) != 0) {
		snprintf(err, errlen, "parent: %s", strerror(errno));
		return -1;
	}
	if (reply.err != 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s", reply.text[0] ? reply.text : strerror(reply.err ? reply.err : EBADMSG));
		return -1;
	}
	*offload = reply.offload;
	return fd;
}

int
priv_state_open(struct priv *p, enum privmsg_file file, char *err, size_t errlen)
{
	struct privmsg req;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_STATE_OPEN;
	req.file = file;
	return priv_call_fd(p, &req, err, errlen);
}

int
priv_used(struct priv *p, struct in6_addr *out, size_t max, size_t *n, char *err, size_t errlen)
{
	struct privmsg req, reply;
	int fd;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_USED;
	if (priv_call(p, &req, -1, &reply, &fd) != 0) {
		snprintf(err, errlen, "parent: %s", strerror(errno));
		return -1;
	}
	if (fd >= 0)
		close(fd);
	if (reply.err != 0) {
		snprintf(err, errlen, "%s", reply.text[0] ? reply.text : strerror(reply.err));
		return -1;
	}
	*n = reply.n_addrs < max ? reply.n_addrs : max;
	memcpy(out, reply.addrs, *n * sizeof(*out));
	return 0;
}

int
priv_conf_read(struct priv *p, char *err, size_t errlen)
{
	struct privmsg req;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_CONF_READ;
	return priv_call_fd(p, &req, err, errlen);
}

/* A request whose answer is a yes or a no with the parent's reason: 0, or
 * -1 with the reason in err. */
static int
priv_call_done(struct priv *p, struct privmsg *req, struct privmsg *reply, char *err, size_t errlen)
{
	int fd;

	if (priv_call(p, req, -1, reply, &fd) != 0) {
		snprintf(err, errlen, "parent: %s", strerror(errno));
		return -1;
	}
	if (fd >= 0)
		close(fd);
	if (reply->err != 0) {
		snprintf(err, errlen, "%s", reply->text[0] ? reply->text : strerror(reply->err));
		return -1;
	}
	return 0;
}

/* A ROUTE: via (a delegated prefix's router) or table (the site's own
 * prefix in route-table), one of them. */
static int
priv_route_call(struct priv *p, const char *peer, const char *tap, uint64_t index, const struct prefix *prefix,
    const struct in6_addr *via, uint32_t table, bool add, char *err, size_t errlen)
{
	struct privmsg req;
	static struct privmsg reply;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_ROUTE;
	snprintf(req.peer, sizeof(req.peer), "%s", peer);
	snprintf(req.tap, sizeof(req.tap), "%s", tap);
	req.index = index;
	req.route = *prefix;
	if (via != NULL)
		req.via = *via;
	req.table = table;
	req.add = add;
	return priv_call_done(p, &req, &reply, err, errlen);
}

int
priv_route(struct priv *p, const char *peer, const char *tap, uint64_t index, const struct prefix *prefix,
    const struct in6_addr *via, bool add, char *err, size_t errlen)
{
	return priv_route_call(p, peer, tap, index, prefix, via, 0, add, err, errlen);
}

int
priv_site_route(struct priv *p, const char *peer, const char *tap, uint64_t index, const struct prefix *sub,
    uint32_t table, bool add, char *err, size_t errlen)
{
	return priv_route_call(p, peer, tap, index, sub, NULL, table, add, err, errlen);
}

int
priv_nat64_rules(struct priv *p, const struct nftrules_dnat *d, size_t n, char *err, size_t errlen)
{
	/* static: the forwards make these two the largest messages */
	static struct privmsg req, reply;

	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_NAT64_RULES;
	if (n > PRIV_DNAT_MAX) {
		snprintf(err, errlen, "%zu forwards: at most %d", n, PRIV_DNAT_MAX);
		return -1;
	}
	req.n_dnat = n;
	memcpy(req.dnat, d, n * sizeof(*d));
	return priv_call_done(p, &req, &reply, err, errlen);
}
