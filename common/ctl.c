/* SPDX-License-Identifier: ISC */
/* ctl: control socket server (libevent), its access rule, and client
 * (blocking). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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
#include "util.h"

#define CTL_BACKLOG        16
#define CTL_GROUPS_INLINE  64           /* supplementary groups read without malloc */
#define CTL_REFUSALS_MS    1000         /* one refusal logged a second at most */

struct ctl {
	struct evconnlistener *listener;
	ctl_handler_fn fn;
	void *ctx;
	struct ctl_access access;
	uint64_t refusal_ms;            /* when the last refusal was logged */
	unsigned refusals;              /* refusals not logged since */
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

/* Who is at the other end of fd, and may it run a request of class cls?
 * The credentials are the peer's at connect(): a process that drops
 * privileges later still counts as what it was. */
static int
ctl_peer_check(const struct ctl *c, int fd, enum ctl_class cls, char *why, size_t whylen)
{
	gid_t inline_groups[CTL_GROUPS_INLINE], *groups = inline_groups;
	socklen_t len = sizeof(struct ucred);
	struct ucred cred;
	size_t n = 0;
	int rc;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
		snprintf(why, whylen, "cannot tell who is asking: %s", strerror(errno));
		return EACCES;
	}
	/* supplementary groups only matter for a read by a non-member */
	if (cred.uid != 0 && cls == CTL_CLASS_READ && c->access.has_group && cred.gid != c->access.gid) {
		len = sizeof(inline_groups);
		rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0 ? 0 : errno;
		/* ERANGE: len is what it takes (NGROUPS_MAX at most) */
		if (rc == ERANGE && len <= 65536 * sizeof(gid_t) && (groups = malloc(len)) != NULL)
			rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0 ? 0 : errno;
		if (groups == NULL)
			groups = inline_groups;
		/* ENOPROTOOPT before Linux 4.13: the primary group alone counts */
		n = rc == 0 ? len / sizeof(gid_t) : 0;
	}
	rc = ctl_access_check(&c->access, cred.uid, cred.gid, groups, n, cls, why, whylen);
	if (groups != inline_groups)
		free(groups);
	return rc;
}

/* A local user hammering the socket must not flood the log. */
static void
ctl_log_refusal(struct ctl *c, const char *cmd, const char *why)
{
	uint64_t now = util_now_ms();

	if (now - c->refusal_ms < CTL_REFUSALS_MS && c->refusal_ms != 0) {
		c->refusals++;
		return;
	}
	if (c->refusals > 0)
		log_info("control socket: %s refused: %s (and %u more refused)", cmd, why, c->refusals);
	else
		log_info("control socket: %s refused: %s", cmd, why);
	c->refusal_ms = now;
	c->refusals = 0;
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
	struct evbuffer *out = bufferevent_get_output(bev);
	struct evbuffer *reply;
	char cmd[CTL_CMD_MAX + 1], why[128];
	enum ctl_class cls;
	size_t n;
	char *line;
	int rc;

	line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
	if (line == NULL) {
		if (evbuffer_get_length(in) >= CTL_REQUEST_MAX)
			bufferevent_free(bev);  /* no newline within the limit */
		return;
	}
	cls = ctl_classify(line, cmd, sizeof(cmd));
	if ((rc = ctl_peer_check(c, bufferevent_getfd(bev), cls, why, sizeof(why))) != 0) {
		ctl_log_refusal(c, cmd, why);
		evbuffer_add_printf(out, "error=%s: permission denied: %s\n", cmd, why);
	} else {
		reply = evbuffer_new();
		rc = reply != NULL ? c->fn(c->ctx, line, reply) : ENOMEM;
		if (reply != NULL) {
			evbuffer_add_buffer(out, reply);
			evbuffer_free(reply);
		}
	}
	free(line);
	evbuffer_add_printf(out, "errno=%d\n", rc);
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

/* The directory path names: ours, not writable by group or others (nobody
 * else may replace the socket), made 0755 if missing. */
static int
ctl_bind_dir(const char *path, gid_t gid, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *slash = strrchr(path, '/');
	struct stat st;

	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (mkdir(dir, 0755) == 0)
		log_info("control socket %s: made the directory %s", path, dir);
	else if (errno != EEXIST) {
		snprintf(err, errlen, "control socket %s: directory %s: %s", path, dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "control socket %s: %s is not a directory", path, dir);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "control socket %s: directory %s is uid %u's, mode %04o: it must be %s"
		    " and not writable by group or others, or another user could replace the socket", path, dir,
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), geteuid() == 0 ? "root's" : "ours");
		return -1;
	}
	if (gid != CTL_NO_GROUP && (st.st_mode & 001) == 0 && !(st.st_gid == gid && (st.st_mode & 010) != 0))
		log_warnx("control socket %s: directory %s is mode %04o: control-group cannot reach the socket"
		    " (make it 0755)", path, dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Something at path: a socket nobody answers on is a dead daemon's and
 * goes; a live socket or anything else stays, and is an error. */
static int
ctl_bind_stale(const char *path, const struct sockaddr_un *sun, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s: exists and is not a socket; remove it", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ? 0 : errno;
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "control socket %s: another daemon answers on it", path);
		return -1;
	}
	if (rc != ECONNREFUSED) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(rc));
		return -1;
	}
	if (unlink(path) != 0) {
		snprintf(err, errlen, "control socket %s: removing the stale socket: %s", path, strerror(errno));
		return -1;
	}
	log_info("control socket %s: removed a stale socket", path);
	return 0;
}

int
ctl_bind(const char *path, gid_t gid, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (path[0] != '/' || strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket %s: not an absolute path of at most %zu bytes", path,
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (ctl_bind_dir(path, gid, err, errlen) != 0 || ctl_bind_stale(path, &sun, err, errlen) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		goto fail;
	old = umask(0177);      /* made 0600: never open to all, not even for a moment */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	/* the directory is ours alone: nobody swapped what bind made */
	if ((gid != CTL_NO_GROUP && fchownat(AT_FDCWD, path, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) != 0) ||
	    chmod(path, gid != CTL_NO_GROUP ? 0660 : 0600) != 0 || listen(fd, CTL_BACKLOG) != 0) {
		int e = errno;

		(void)unlink(path);
		errno = e;
		goto fail;
	}
	return fd;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

void
ctl_unbind(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(path);
}

struct ctl *
ctl_listen_fd(struct event_base *base, int fd, ctl_handler_fn fn, void *ctx, const struct ctl_access *access,
    char *err, size_t errlen)
{
	int domain = 0, type = 0, listening = 0;
	socklen_t len = sizeof(int);
	struct ctl *c;

	/* a descriptor from another process: make sure it is what we serve */
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_UNIX ||
	    (len = sizeof(int), getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)) != 0 || type != SOCK_STREAM ||
	    (len = sizeof(int), getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len)) != 0 || !listening) {
		snprintf(err, errlen, "control socket: descriptor %d is not a listening UNIX stream socket", fd);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL || evutil_make_socket_nonblocking(fd) != 0) {
		snprintf(err, errlen, "control socket: %s", c == NULL ? "out of memory" : strerror(errno));
		free(c);
		close(fd);
		return NULL;
	}
	c->fn = fn;
	c->ctx = ctx;
	if (access != NULL)
		c->access = *access;
	else
		ctl_access_init(&c->access, NULL, CTL_NO_GROUP);
	/* backlog 0: ctl_bind listens already */
	c->listener = evconnlistener_new(base, ctl_accept, c, LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (c->listener == NULL) {
		snprintf(err, errlen, "control socket: libevent: cannot listen");
		free(c);
		close(fd);
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
		/* the path's start only: its length is unbounded (and on 32-bit
		 * gcc's -Wformat-truncation says so) */
		snprintf(err, errlen, "%.64s...: path too long (%zu bytes, at most %zu)", path, strlen(path),
		    sizeof(sun.sun_path) - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s%s", path, strerror(e), e == EACCES ?
		    ": run as root, or, for show and leases, as a member of the daemon's control-group" :
		    e == ENOENT || e == ECONNREFUSED ? " (is the daemon running?)" : "");
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
