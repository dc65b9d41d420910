/* ctl: control socket server (libevent) and client (blocking). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/types.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "ctl.h"
#include "ctl_proto.h"
#include "log.h"
#include "tunnel.h"

struct ctl {
	struct evconnlistener *listener;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler_fn fn;
	void *ctx;
};

/* The read-only commands; every other request is a change. A command
 * added later is a change (root's) until it is listed here. */
static const struct {
	const char *cmd;
	enum ctl_class cls;
} ctl_commands[] = {
	{ "show", CTL_CLASS_READ },
	{ "leases", CTL_CLASS_READ },
	{ "reload", CTL_CLASS_CHANGE },
	{ "peer add", CTL_CLASS_CHANGE },
	{ "peer remove", CTL_CLASS_CHANGE },
};

void
ctl_access_init(struct ctl_access *a, const char *name, gid_t gid)
{
	memset(a, 0, sizeof(*a));
	a->gid = CTL_NO_GROUP;
	if (name == NULL || name[0] == '\0' || gid == CTL_NO_GROUP)
		return;
	a->has_group = true;
	a->gid = gid;
	snprintf(a->group, sizeof(a->group), "%s", name);
}

enum ctl_class
ctl_classify(const char *request, char *cmd, size_t cmdlen)
{
	size_t n;

	for (size_t i = 0; i < sizeof(ctl_commands) / sizeof(ctl_commands[0]); i++) {
		n = strlen(ctl_commands[i].cmd);
		if (strncmp(request, ctl_commands[i].cmd, n) == 0 && (request[n] == '\0' || request[n] == ' ')) {
			snprintf(cmd, cmdlen, "%s", ctl_commands[i].cmd);
			return ctl_commands[i].cls;
		}
	}
	/* the request is the peer's: only its plain first word goes in a reply */
	n = strspn(request, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	if (n > CTL_CMD_MAX)
		n = CTL_CMD_MAX;
	if (n > 0)
		snprintf(cmd, cmdlen, "%.*s", (int)n, request);
	else
		snprintf(cmd, cmdlen, "request");
	return CTL_CLASS_CHANGE;
}

int
ctl_access_check(const struct ctl_access *a, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
    enum ctl_class cls, char *why, size_t whylen)
{
	if (uid == 0)
		return 0;
	if (cls != CTL_CLASS_READ) {
		snprintf(why, whylen, "uid %u is not root", (unsigned)uid);
		return EACCES;
	}
	if (a == NULL || !a->has_group) {
		snprintf(why, whylen, "uid %u is not root, and no control-group is set", (unsigned)uid);
		return EACCES;
	}
	if (gid == a->gid)
		return 0;
	for (size_t i = 0; i < n_groups; i++)
		if (groups[i] == a->gid)
			return 0;
	snprintf(why, whylen, "uid %u is not root and not in control-group %s", (unsigned)uid, a->group);
	return EACCES;
}

static void
ctl_write_done(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void
ctl_event(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

static void
ctl_read(struct bufferevent *bev, void *arg)
{
	struct ctl *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *reply;
	size_t n;
	char *line;
	int rc;

	line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
	if (line == NULL) {
		if (evbuffer_get_length(in) >= CTL_REQUEST_MAX)
			bufferevent_free(bev);  /* no newline within the limit */
		return;
	}
	reply = evbuffer_new();
	rc = reply != NULL ? c->fn(c->ctx, line, reply) : ENOMEM;
	free(line);
	if (reply != NULL) {
		evbuffer_add_buffer(bufferevent_get_output(bev), reply);
		evbuffer_free(reply);
	}
	evbuffer_add_printf(bufferevent_get_output(bev), "errno=%d\n", rc);
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, ctl_write_done, ctl_event, c);
}

static void
ctl_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	struct ctl *c = arg;
	struct bufferevent *bev;
	struct timeval tv = { CTL_TIMEOUT_SEC, 0 };

	(void)sa;
	(void)salen;
	bev = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	bufferevent_setwatermark(bev, EV_READ, 0, CTL_REQUEST_MAX);
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_setcb(bev, ctl_read, NULL, ctl_event, c);
	bufferevent_enable(bev, EV_READ);
}

static void
ctl_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evconnlistener_enable(arg);
}

static void
ctl_accept_error(struct evconnlistener *l, void *arg)
{
	struct timeval tv = { 1, 0 };

	(void)arg;
	/* EMFILE and friends: pause accepting for a second, do not spin */
	log_warn("control socket: accept");
	evconnlistener_disable(l);
	event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT, ctl_resume, l, &tv);
}

struct ctl *
ctl_listen(struct event_base *base, const char *path, ctl_handler_fn fn, void *ctx, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *c;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket %s: path too long", path);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "control socket: out of memory");
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	memcpy(c->path, path, strlen(path));
	c->fn = fn;
	c->ctx = ctx;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		goto fail;
	(void)unlink(path);     /* a socket left by a daemon that died */
	old = umask(0077);      /* created 0600: only root talks to the daemon */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(old);
		close(fd);
		goto fail;
	}
	umask(old);
	/* a socket's mode is 0777 less the umask: make it exactly 0600 */
	if (chmod(path, 0600) != 0) {
		close(fd);
		goto fail;
	}
	c->listener = evconnlistener_new(base, ctl_accept, c, LEV_OPT_CLOSE_ON_FREE, 16, fd);
	if (c->listener == NULL) {
		close(fd);
		goto fail;
	}
	evconnlistener_set_error_cb(c->listener, ctl_accept_error);
	return c;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	free(c);
	return NULL;
}

void
ctl_close(struct ctl *c)
{
	if (c == NULL)
		return;
	evconnlistener_free(c->listener);
	(void)unlink(c->path);
	free(c);
}

void
ctl_add_drops(struct evbuffer *out, const struct tunnel_stats *st)
{
	for (int d = 1; d < DROP_MAX; d++)
		evbuffer_add_printf(out, "drop_%s=%llu\n", tunnel_drop_name((enum tunnel_drop)d),
		    (unsigned long long)st->drops[d]);
}

void
ctl_add_offload(struct evbuffer *out, bool offload, const struct transport_rx *rx,
    const struct transport_tx *tx6, const struct transport_tx *tx4, const struct tap_out *o)
{
	evbuffer_add_printf(out, "offload=%s\nudp_datagrams_in=%llu\nudp_receives=%llu\n"
	    "udp_datagrams_out=%llu\nudp_sends=%llu\ntap_frames_out=%llu\ntap_writes=%llu\n",
	    offload ? "on" : "off", (unsigned long long)rx->datagrams, (unsigned long long)rx->receives,
	    (unsigned long long)(tx6->datagrams + (tx4 != NULL ? tx4->datagrams : 0)),
	    (unsigned long long)(tx6->trains + (tx4 != NULL ? tx4->trains : 0)),
	    (unsigned long long)o->frames, (unsigned long long)o->writes);
}

char *
ctl_request(const char *path, const char *request, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	ssize_t n;
	int fd = -1;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		snprintf(err, errlen, "%s: %s (is the daemon running?)", path, strerror(errno));
		goto fail;
	}
	if (dprintf(fd, "%s\n", request) < 0) {
		snprintf(err, errlen, "%s: write: %s", path, strerror(errno));
		goto fail;
	}
	if ((buf = malloc(cap)) == NULL)
		goto nomem;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			char *nb;

			if (cap >= CTL_REPLY_MAX) {
				snprintf(err, errlen, "%s: reply larger than %d bytes", path, CTL_REPLY_MAX);
				goto fail;
			}
			if ((nb = realloc(buf, cap * 2)) == NULL)
				goto nomem;
			buf = nb;
			cap *= 2;
		}
	}
	if (n < 0) {
		snprintf(err, errlen, "%s: read: %s", path, strerror(errno));
		goto fail;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}
