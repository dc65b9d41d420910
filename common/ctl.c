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
	ctl_handler_fn fn;
	void *ctx;
};

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

int
ctl_bind(const char *path, int gid, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket %s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		goto fail;
	(void)unlink(path);     /* a socket left by a daemon that died */
	old = umask(0077);      /* created 0600: only root talks to the daemon */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	/* a socket's mode is 0777 less the umask: make it exactly 0600, or
	 * 0660 for a group that may read */
	if ((gid >= 0 && chown(path, 0, (gid_t)gid) != 0) || chmod(path, gid >= 0 ? 0660 : 0600) != 0 ||
	    listen(fd, 16) != 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

struct ctl *
ctl_listen_fd(struct event_base *base, int fd, ctl_handler_fn fn, void *ctx, char *err, size_t errlen)
{
	struct ctl *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "control socket: out of memory");
		close(fd);
		return NULL;
	}
	c->fn = fn;
	c->ctx = ctx;
	c->listener = evconnlistener_new(base, ctl_accept, c, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (c->listener == NULL) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		close(fd);
		free(c);
		return NULL;
	}
	evconnlistener_set_error_cb(c->listener, ctl_accept_error);
	return c;
}

void
ctl_close(struct ctl *c)
{
	if (c == NULL)
		return;
	evconnlistener_free(c->listener);
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
