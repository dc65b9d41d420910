/* SPDX-License-Identifier: ISC */
/* publisher: the process that publishes names; see publisher.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "dnsupdate.h"
#include "hook.h"
#include "hostsfile.h"
#include "keys.h"
#include "log.h"
#include "names.h"
#include "privdrop.h"
#include "publisher.h"
#include "pubmsg.h"

#define PUBLISHER_KEY_FILE_MAX 512

struct pub_op {
	enum pubmsg_type type;
	struct names_rec r;
};

struct publisher {
	struct event_base *base;
	const struct conf_server *conf;
	int engine;
	struct event *ev_engine;
	char server[INET6_ADDRSTRLEN + 8];      /* dns-update-server, for messages */

	/* RFC 2136: one update in flight, the rest waiting in order */
	bool dns;
	struct dnsupdate_key key;
	int sock;
	struct event *ev_sock, *ev_timer;
	struct pub_op *q;               /* ring of q_cap */
	size_t q_head, q_n, q_cap;
	uint8_t *req;                   /* the update in flight, or NULL */
	size_t req_len;
	unsigned backoff_ms;            /* 0: not waiting after a failure */
	char failing[256];              /* the failure logged last, "" when none */

	/* hosts files */
	int hosts_dir;
	struct names_set cur;           /* every record published now */
	char (*dirty)[CONF_NAME_MAX + 1];
	size_t n_dirty, dirty_cap;
	struct event *ev_hosts;

	struct hook *hook;
};

static void publisher_send_head(struct publisher *p);

/* "vm1.home1.home.example.org"; names_choose and the configuration's
 * checks keep it within 253 characters, so a cut one is never sent. */
static int
publisher_fqdn(const struct publisher *p, const struct names_rec *r, char *out, size_t cap)
{
	int n;

	if (p->conf->dns_zone[0] != '\0')
		n = snprintf(out, cap, "%s.%s.%s", r->host, r->site, p->conf->dns_zone);
	else
		n = snprintf(out, cap, "%s.%s", r->host, r->site);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void
publisher_what(const struct publisher *p, const struct names_rec *r, char *out, size_t cap)
{
	char name[256], a[INET6_ADDRSTRLEN];

	(void)publisher_fqdn(p, r, name, sizeof(name));
	inet_ntop(r->family, r->addr, a, sizeof(a));
	snprintf(out, cap, "%s %s %s", name, r->family == AF_INET6 ? "AAAA" : "A", a);
}

/* A delete is done everywhere it goes: the engine may forget it. */
static void
publisher_done(struct publisher *p, const struct names_rec *r)
{
	uint8_t msg[PUBMSG_MAX];
	size_t n = pubmsg_build(PUBMSG_DONE, r, msg);

	if (send(p->engine, msg, n, MSG_NOSIGNAL) < 0)
		log_warn("dns: telling the engine a delete is done");
}

/* ------------------------------------------------------------ RFC 2136 */

static void
publisher_fail(struct publisher *p, const char *why)
{
	/* a failure is logged when it starts or changes, not at each retry */
	if (strcmp(p->failing, why) != 0) {
		log_warnx("%s", why);
		snprintf(p->failing, sizeof(p->failing), "%s", why);
	}
	free(p->req);
	p->req = NULL;
	p->backoff_ms = p->backoff_ms == 0 ? PUBLISHER_BACKOFF_MS :
	    p->backoff_ms * 2 > PUBLISHER_BACKOFF_MAX ? PUBLISHER_BACKOFF_MAX : p->backoff_ms * 2;
	event_add(p->ev_timer, &(struct timeval){ p->backoff_ms / 1000, (p->backoff_ms % 1000) * 1000 });
}

static void
publisher_pop(struct publisher *p)
{
	const struct pub_op *op = &p->q[p->q_head];

	if (op->type == PUBMSG_DEL)
		publisher_done(p, &op->r);
	p->q_head = (p->q_head + 1) % p->q_cap;
	p->q_n--;
}

static void
publisher_send_head(struct publisher *p)
{
	const struct pub_op *op;
	struct dnsupdate_rr rr = { 0 };
	char err[768], what[384];

	if (p->q_n == 0 || p->req != NULL)
		return;
	op = &p->q[p->q_head];
	rr.op = op->type == PUBMSG_DEL ? DNSUPDATE_DELETE : DNSUPDATE_ADD;
	if (publisher_fqdn(p, &op->r, rr.name, sizeof(rr.name)) != 0) {
		publisher_pop(p);
		publisher_send_head(p);
		return;
	}
	rr.family = op->r.family;
	memcpy(&rr.addr, op->r.addr, op->r.family == AF_INET6 ? 16 : 4);
	rr.ttl = NAMES_TTL;
	if (dnsupdate_build(p->conf->dns_zone, &rr, 1, (uint16_t)randombytes_uniform(65536), &p->key, &p->req,
	    &p->req_len, err, sizeof(err)) != 0) {
		/* cannot happen for a record the engine checked: skipped, not retried */
		publisher_what(p, &op->r, what, sizeof(what));
		log_warnx("dns update %s: %s; skipped", what, err);
		publisher_pop(p);
		publisher_send_head(p);
		return;
	}
	if (send(p->sock, p->req, p->req_len, MSG_NOSIGNAL) < 0) {
		publisher_what(p, &op->r, what, sizeof(what));
		snprintf(err, sizeof(err), "dns update %s to %s: %s; trying again", what, p->server, strerror(errno));
		publisher_fail(p, err);
		return;
	}
	event_add(p->ev_timer, &(struct timeval){ PUBLISHER_ANSWER_MS / 1000, (PUBLISHER_ANSWER_MS % 1000) * 1000 });
}

/* The answer timer, or the end of a wait after a failure. */
static void
publisher_timer(evutil_socket_t fd, short what, void *arg)
{
	struct publisher *p = arg;
	char why[512], rec[384];

	(void)fd;
	(void)what;
	if (p->req != NULL) {
		publisher_what(p, &p->q[p->q_head].r, rec, sizeof(rec));
		snprintf(why, sizeof(why), "dns update %s: no answer from %s; trying again", rec, p->server);
		publisher_fail(p, why);
		return;
	}
	publisher_send_head(p);
}

static void
publisher_answer(evutil_socket_t fd, short what, void *arg)
{
	struct publisher *p = arg;
	uint8_t ans[4096];
	char err[256], why[768], rec[384];
	ssize_t n;

	(void)what;
	while ((n = recv(fd, ans, sizeof(ans), MSG_DONTWAIT)) >= 0 || errno == EINTR) {
		if (n < 0 || p->req == NULL)
			continue;
		switch (dnsupdate_check(p->req, p->req_len, ans, (size_t)n, &p->key, err, sizeof(err))) {
		case DNSUPDATE_NOT_OURS:
			continue;
		case DNSUPDATE_OK:
			publisher_what(p, &p->q[p->q_head].r, rec, sizeof(rec));
			if (p->failing[0] != '\0')
				log_info("dns updates to %s go through again", p->server);
			log_debug("dns update %s: done", rec);
			p->failing[0] = '\0';
			p->backoff_ms = 0;
			event_del(p->ev_timer);
			free(p->req);
			p->req = NULL;
			publisher_pop(p);
			publisher_send_head(p);
			continue;
		case DNSUPDATE_REFUSED:
		case DNSUPDATE_BAD_TSIG:
			event_del(p->ev_timer);
			publisher_what(p, &p->q[p->q_head].r, rec, sizeof(rec));
			snprintf(why, sizeof(why), "dns update %s: %s: %s; trying again", rec, p->server, err);
			publisher_fail(p, why);
			continue;
		}
	}
	/* a refused datagram (ICMP port unreachable) reads as ECONNREFUSED */
	if (errno == ECONNREFUSED && p->req != NULL) {
		event_del(p->ev_timer);
		publisher_what(p, &p->q[p->q_head].r, rec, sizeof(rec));
		snprintf(why, sizeof(why), "dns update %s: %s: connection refused; trying again", rec, p->server);
		publisher_fail(p, why);
	}
}

static void
publisher_queue(struct publisher *p, enum pubmsg_type type, const struct names_rec *r)
{
	char what[384];

	if (p->q_n == p->q_cap) {
		size_t cap = p->q_cap ? p->q_cap * 2 : 64;
		struct pub_op *q;

		if (cap > PUBLISHER_QUEUE_MAX || (q = malloc(cap * sizeof(*q))) == NULL) {
			/* the engine sends it again at the next start */
			publisher_what(p, r, what, sizeof(what));
			log_warnx("dns update %s: %zu updates wait already; dropped", what, p->q_n);
			return;
		}
		for (size_t i = 0; i < p->q_n; i++)
			q[i] = p->q[(p->q_head + i) % p->q_cap];
		free(p->q);
		p->q = q;
		p->q_cap = cap;
		p->q_head = 0;
	}
	p->q[(p->q_head + p->q_n) % p->q_cap] = (struct pub_op){ .type = type, .r = *r };
	p->q_n++;
	if (p->backoff_ms == 0)
		publisher_send_head(p);
}

/* ---------------------------------------------------------- hosts files */

static void
publisher_dirty(struct publisher *p, const char *site)
{
	for (size_t i = 0; i < p->n_dirty; i++)
		if (strcmp(p->dirty[i], site) == 0)
			return;
	if (p->n_dirty == p->dirty_cap) {
		size_t cap = p->dirty_cap ? p->dirty_cap * 2 : 16;
		void *v = realloc(p->dirty, cap * sizeof(*p->dirty));

		if (v == NULL) {
			log_warnx("hosts files: out of memory");
			return;
		}
		p->dirty = v;
		p->dirty_cap = cap;
	}
	snprintf(p->dirty[p->n_dirty++], sizeof(p->dirty[0]), "%s", site);
	event_active(p->ev_hosts, EV_TIMEOUT, 0);
}

static void
publisher_write_hosts(evutil_socket_t fd, short what, void *arg)
{
	struct publisher *p = arg;
	char err[512];

	(void)fd;
	(void)what;
	for (size_t d = 0; d < p->n_dirty; d++) {
		const char *site = p->dirty[d];
		struct names_set s = names_slice(&p->cur, site);
		struct hostsfile_entry *e = calloc(s.n ? s.n : 1, sizeof(*e));
		char (*names)[2][256] = calloc(s.n ? s.n : 1, sizeof(*names));
		char *text = NULL;
		size_t len;
		int rc = 0;

		if (e == NULL || names == NULL) {
			log_warnx("hosts file %s/%s: out of memory", p->conf->dns_hosts_dir, site);
			free(e);
			free(names);
			continue;
		}
		for (size_t i = 0; i < s.n; i++) {
			(void)publisher_fqdn(p, &s.v[i], names[i][0], sizeof(names[i][0]));
			snprintf(names[i][1], sizeof(names[i][1]), "%s.%s", s.v[i].host, site);
			e[i].family = s.v[i].family;
			memcpy(&e[i].addr, s.v[i].addr, s.v[i].family == AF_INET6 ? 16 : 4);
			e[i].name = names[i][0];
			/* without a zone the name is the alias already */
			e[i].alias = p->conf->dns_zone[0] != '\0' ? names[i][1] : NULL;
		}
		if (s.n == 0)
			rc = hostsfile_remove(p->hosts_dir, p->conf->dns_hosts_dir, site, err, sizeof(err));
		else if (hostsfile_build(site, e, s.n, &text, &len) != 0)
			snprintf(err, sizeof(err), "%s/%s: out of memory", p->conf->dns_hosts_dir, site), rc = ENOMEM;
		else
			rc = hostsfile_write(p->hosts_dir, p->conf->dns_hosts_dir, site, text, len, err, sizeof(err));
		if (rc != 0)
			log_warnx("hosts file %s", err);
		free(text);
		free(e);
		free(names);
	}
	p->n_dirty = 0;
}

/* ----------------------------------------------------------------- hook */

static void
publisher_hook(struct publisher *p, enum pubmsg_type type, const struct names_rec *r)
{
	const char *action = type == PUBMSG_ADD ? "add" : type == PUBMSG_DEL ? "del" : "old";
	char env[8][300], name[256], a[INET6_ADDRSTRLEN], what[384];
	const char *envp[8];

	(void)publisher_fqdn(p, r, name, sizeof(name));
	inet_ntop(r->family, r->addr, a, sizeof(a));
	snprintf(env[0], sizeof(env[0]), "ACTION=%s", action);
	snprintf(env[1], sizeof(env[1]), "SITE=%s", r->site);
	snprintf(env[2], sizeof(env[2]), "HOST=%s", r->host);
	snprintf(env[3], sizeof(env[3]), "NAME=%s", name);
	snprintf(env[4], sizeof(env[4]), "TYPE=%s", r->family == AF_INET6 ? "AAAA" : "A");
	snprintf(env[5], sizeof(env[5]), "ADDRESS=%s", a);
	snprintf(env[6], sizeof(env[6]), "ZONE=%s", p->conf->dns_zone);
	snprintf(env[7], sizeof(env[7]), "TTL=%d", NAMES_TTL);
	for (int i = 0; i < 8; i++)
		envp[i] = env[i];
	publisher_what(p, r, what, sizeof(what));
	if (hook_run(p->hook, action, envp, 8, what) != 0)
		log_warnx("dns-hook %s: %s %s: %zu runs wait already; not run", p->conf->dns_hook, action, what,
		    hook_pending(p->hook));
}

/* --------------------------------------------------------------- engine */

static void
publisher_op(struct publisher *p, enum pubmsg_type type, const struct names_rec *r)
{
	struct names_rec *have;

	if (p->hosts_dir >= 0) {
		if (type == PUBMSG_DEL) {
			struct names_rec d = *r;

			d.deleting = true;
			if ((have = names_set_find(&p->cur, r)) != NULL)
				have->deleting = true;
			(void)names_deleted(&p->cur, &d);
		} else if (names_set_add(&p->cur, r) != 0) {
			log_warnx("hosts files: out of memory");
		}
		publisher_dirty(p, r->site);
	}
	if (p->hook != NULL)
		publisher_hook(p, type, r);
	if (p->dns)
		publisher_queue(p, type, r);
	else if (type == PUBMSG_DEL)
		publisher_done(p, r);
}

static void
publisher_engine(evutil_socket_t fd, short what, void *arg)
{
	struct publisher *p = arg;
	enum pubmsg_type type;
	struct names_rec r;

	(void)what;
	for (int i = 0; i < 256; i++) {
		switch (pubmsg_recv(fd, &type, &r)) {
		case PUBMSG_NONE:
			return;
		case PUBMSG_GONE:
			/* the engine is gone: so is the daemon */
			event_base_loopbreak(p->base);
			return;
		case PUBMSG_BAD:
			log_warnx("names: a malformed message from the engine, ignored");
			continue;
		case PUBMSG_GOT:
			if (type == PUBMSG_DONE)
				log_warnx("names: a malformed message from the engine, ignored");
			else
				publisher_op(p, type, &r);
			continue;
		}
	}
}

/* The TSIG key, read while we are still root; its file checked as the
 * other key files are. */
static void
publisher_read_key(struct publisher *p)
{
	const char *path = p->conf->dns_tsig_key_file;
	uint8_t buf[PUBLISHER_KEY_FILE_MAX];
	char err[CONF_ERR_LEN];
	size_t len;
	int fd;

	if ((fd = key_open_file(path, err, sizeof(err))) < 0 ||
	    key_read_secret_fd(fd, path, buf, sizeof(buf), &len, err, sizeof(err)) != 0)
		fatalx("dns-tsig-key-file %s", err);
	close(fd);
	if (dnsupdate_key_parse(buf, len, &p->key, err, sizeof(err)) != 0)
		fatalx("dns-tsig-key-file %s: %s", path, err);
	sodium_memzero(buf, sizeof(buf));
}

static void
publisher_dns_open(struct publisher *p)
{
	const struct sockaddr_storage *ss = &p->conf->dns_update_server;
	socklen_t sl = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		snprintf(p->server, sizeof(p->server), "[%s]:%u", a, ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(p->server, sizeof(p->server), "%s:%u", a, ntohs(((const struct sockaddr_in *)ss)->sin_port));
	}
	/* connected: only the server's datagrams reach us, and ICMP errors
	 * about ours come back as errors */
	if ((p->sock = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(p->sock, (const struct sockaddr *)ss, sl) != 0)
		fatal("dns-update-server %s", p->server);
	if ((p->ev_sock = event_new(p->base, p->sock, EV_READ | EV_PERSIST, publisher_answer, p)) == NULL ||
	    event_add(p->ev_sock, NULL) != 0 || (p->ev_timer = evtimer_new(p->base, publisher_timer, p)) == NULL)
		fatalx("libevent: cannot add the update server's events");
}

void
publisher_main(struct publisher_start *st)
{
	static struct publisher pub;
	struct publisher *p = &pub;
	const struct conf_server *c = &st->conf;
	char err[CONF_ERR_LEN];

	p->conf = c;
	p->engine = st->engine;
	p->sock = p->hosts_dir = -1;
	p->dns = c->dns_update;
	if (p->dns)
		publisher_read_key(p);
	if (privdrop_to(st->uid, st->gid, 0, err, sizeof(err)) != 0)
		fatalx("publisher: %s", err);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != st->parent)
		fatalx("publisher: the parent is gone");
	/* a ^C in a terminal reaches the whole group: we end with the engine */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((p->base = event_base_new()) == NULL)
		fatalx("out of memory");
	if (p->dns)
		publisher_dns_open(p);
	if (c->dns_hosts_dir[0] != '\0') {
		if ((p->hosts_dir = open(c->dns_hosts_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			fatal("dns-hosts-dir %s", c->dns_hosts_dir);
		if ((p->ev_hosts = event_new(p->base, -1, 0, publisher_write_hosts, p)) == NULL)
			fatalx("out of memory");
	}
	if (c->dns_hook[0] != '\0' && (p->hook = hook_new(p->base, c->dns_hook, HOOK_TIMEOUT_MS)) == NULL)
		fatalx("out of memory");
	if ((p->ev_engine = event_new(p->base, p->engine, EV_READ | EV_PERSIST, publisher_engine, p)) == NULL ||
	    event_add(p->ev_engine, NULL) != 0)
		fatalx("libevent: cannot add the engine's socket");
	log_info("publisher %d runs as %s with no capabilities:%s%s%s%s", (int)getpid(), c->user,
	    p->dns ? " dns updates to " : "", p->dns ? p->server : "", p->hosts_dir >= 0 ? " hosts files" : "",
	    p->hook != NULL ? " hook" : "");

	event_base_dispatch(p->base);

	if (p->q_n > 0)
		log_info("dns: %zu updates not sent at the stop; the next start sends them", p->q_n);
	hook_free(p->hook);
	dnsupdate_key_wipe(&p->key);
	exit(0);
}
