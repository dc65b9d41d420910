/* SPDX-License-Identifier: ISC */
/* namesync: the engine's side of publishing names; see namesync.h. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "engine_data.h"
#include "log.h"
#include "namesync.h"
#include "pubmsg.h"
#include "site.h"
#include "xlat.h"

/* Messages waiting for the publisher beyond this are dropped (and sent
 * again at the next start: the state file still holds them). */
#define NAMESYNC_QUEUE_MAX (16u << 20)

struct namesync {
	struct engine *e;
	int fd;                         /* the publisher, or -1 */
	struct event *ev_read, *ev_write;
	struct evbuffer *out;           /* 1-byte length, message; ... */
	struct names_set pub;           /* may be published: the state file */
	bool lost;                      /* messages were dropped: logged */
};

static int
namesync_build_state(const void *obj, char **out, size_t *len)
{
	return names_build(obj, out, len);
}

static int
namesync_parse_state(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	return names_parse(buf, len, obj, err, errlen);
}

static void
namesync_flush(struct namesync *ns)
{
	uint8_t msg[PUBMSG_MAX + 1];

	while (evbuffer_get_length(ns->out) > 0) {
		size_t n;

		evbuffer_copyout(ns->out, msg, 1);
		n = msg[0];
		evbuffer_copyout(ns->out, msg, 1 + n);
		if (send(ns->fd, msg + 1, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				event_add(ns->ev_write, NULL);
				return;
			}
			log_warn("names: the publisher is gone: names are not published until a restart");
			evbuffer_drain(ns->out, evbuffer_get_length(ns->out));
			event_del(ns->ev_read);
			ns->fd = -1;
			return;
		}
		evbuffer_drain(ns->out, 1 + n);
	}
}

static void
namesync_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	namesync_flush(arg);
}

static void
namesync_op(void *ctx, enum names_op op, const struct names_rec *r)
{
	struct namesync *ns = ctx;
	uint8_t msg[1 + PUBMSG_MAX];
	char what[128];

	if (ns->fd < 0)
		return;
	names_rec_format(r, what, sizeof(what));
	log_debug("names: site %s: %s %s", r->site, op == NAMES_ADD ? "add" : op == NAMES_DEL ? "delete" : "have", what);
	if (evbuffer_get_length(ns->out) > NAMESYNC_QUEUE_MAX) {
		if (!ns->lost)
			log_warnx("names: the publisher falls behind: changes dropped until the next start");
		ns->lost = true;
		return;
	}
	msg[0] = (uint8_t)pubmsg_build((enum pubmsg_type)op, r, msg + 1);
	evbuffer_add(ns->out, msg, 1 + (size_t)msg[0]);
}

/* The publisher's answers: deletes carried out. */
static void
namesync_readable(evutil_socket_t fd, short what, void *arg)
{
	struct namesync *ns = arg;
	enum pubmsg_type type;
	struct names_rec r;

	(void)what;
	for (int i = 0; i < 64; i++) {
		switch (pubmsg_recv(fd, &type, &r)) {
		case PUBMSG_NONE:
			return;
		case PUBMSG_GONE:
			log_warnx("names: the publisher is gone: names are not published until a restart");
			event_del(ns->ev_read);
			event_del(ns->ev_write);
			ns->fd = -1;
			return;
		case PUBMSG_BAD:
			log_warnx("names: a malformed message from the publisher, ignored");
			continue;
		case PUBMSG_GOT:
			if (type == PUBMSG_DONE && names_deleted(&ns->pub, &r))
				state_touch(&ns->e->state, PRIV_FILE_NAMES);
			continue;
		}
	}
}

struct namesync *
namesync_open(struct engine *e, int fd)
{
	struct namesync *ns = calloc(1, sizeof(*ns));
	char err[CONF_ERR_LEN];

	if (ns == NULL || (ns->out = evbuffer_new()) == NULL)
		fatalx("out of memory");
	ns->e = e;
	ns->fd = fd;
	if (fd < 0)
		return ns;
	if ((ns->ev_read = event_new(e->base, fd, EV_READ | EV_PERSIST, namesync_readable, ns)) == NULL ||
	    (ns->ev_write = event_new(e->base, fd, EV_WRITE, namesync_writable, ns)) == NULL ||
	    event_add(ns->ev_read, NULL) != 0)
		fatalx("libevent: cannot add the publisher's events");
	state_register(&e->state, PRIV_FILE_NAMES, namesync_build_state, &ns->pub);
	if (state_load(&e->state, PRIV_FILE_NAMES, NAMES_FILE_MAX, namesync_parse_state, &ns->pub, err,
	    sizeof(err)) != 0)
		fatalx("%s", err);
	return ns;
}

void
namesync_close(struct namesync *ns)
{
	if (ns == NULL)
		return;
	if (ns->fd >= 0)
		namesync_flush(ns);
	if (ns->ev_read != NULL)
		event_free(ns->ev_read);
	if (ns->ev_write != NULL)
		event_free(ns->ev_write);
	evbuffer_free(ns->out);
	names_set_free(&ns->pub);
	free(ns);
}

void
namesync_names_site(const struct engine *e, const char *site, struct names_site *out)
{
	*out = (struct names_site){
		.site = site,
		.zone = e->conf.dns_zone[0] != '\0' ? e->conf.dns_zone : NULL,
		.publish = conf_dns_publishes(&e->conf),
		.conf = &e->conf,
	};
}

/* A records: a forward's target gets the public address, an ipv4-map's
 * host its mapped one. */
static size_t
namesync_v4(void *ctx, const char *site, const struct in6_addr *a, struct in_addr out[2])
{
	const struct engine *e = ctx;
	size_t n = 0;

	if (e->xlat == NULL)
		return 0;
	for (size_t i = 0; i < e->xlat->fw.n; i++) {
		const struct forward *f = &e->xlat->fw.v[i];

		if (memcmp(&f->f.addr, a, 16) == 0 && strcmp(f->f.peer, site) == 0) {
			out[n++] = e->xlat->siit.c.public4;
			break;
		}
	}
	for (size_t i = 0; i < e->conf.n_maps && n < 2; i++)
		if (memcmp(&e->conf.maps[i].v6, a, 16) == 0 && strcmp(e->conf.maps[i].peer, site) == 0)
			out[n++] = e->conf.maps[i].v4;
	return n;
}

static bool
namesync_is_site(void *ctx, const char *site)
{
	return conf_server_find_peer(&((struct namesync *)ctx)->e->conf, site) != NULL;
}

static void
namesync_sync(struct engine *e, const char *site, bool start)
{
	struct namesync *ns = e->names;
	struct names_site nsite;
	struct names_set want = { 0 };
	bool changed = false;

	if (ns == NULL || ns->fd < 0)
		return;
	namesync_names_site(e, site, &nsite);
	if (names_site_records(&nsite, &e->leases, namesync_v4, e, &want) != 0)
		log_warnx("names: out of memory or over %u records: some names not published", NAMES_MAX);
	if (site != NULL) {
		changed = names_sync_site(&ns->pub, site, &want, start, namesync_op, ns) ||
		    (conf_server_find_peer(&e->conf, site) == NULL &&
		    names_sync_gone(&ns->pub, namesync_is_site, namesync_op, ns));
	} else {
		for (size_t i = 0; i < e->conf.n_peers; i++) {
			struct names_set slice = names_slice(&want, e->conf.peers[i].name);

			changed |= names_sync_site(&ns->pub, e->conf.peers[i].name, &slice, start, namesync_op, ns);
		}
		changed |= names_sync_gone(&ns->pub, namesync_is_site, namesync_op, ns);
	}
	names_set_free(&want);
	if (changed)
		state_touch(&e->state, PRIV_FILE_NAMES);
	namesync_flush(ns);
}

void
namesync_start(struct engine *e)
{
	namesync_sync(e, NULL, true);
}

void
namesync_site(struct engine *e, const char *site)
{
	namesync_sync(e, site, false);
}

void
namesync_all(struct engine *e)
{
	namesync_sync(e, NULL, false);
}

size_t
namesync_count(const struct namesync *ns, const char *site)
{
	struct names_set slice;
	size_t n = 0;

	if (ns == NULL)
		return 0;
	slice = names_slice(&ns->pub, site);
	for (size_t i = 0; i < slice.n; i++)
		n += !slice.v[i].deleting;
	return n;
}
