/* SPDX-License-Identifier: ISC */
/* hook: the operator's program per record change; see hook.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "hook.h"
#include "log.h"
#include "util.h"

#define HOOK_EXEC_FAILED 127            /* the child's status when execve failed, as sh's */
#define HOOK_RETRY_MS    1000u          /* after fork failed */

/* One run: the argv and envp execve gets, built whole before the fork so
 * the child calls nothing but async-signal-safe functions. The strings
 * live in the same allocation, after the struct. */
struct hook_job {
	struct hook_job *next;
	char *argv[3];                  /* program, action, NULL */
	char *envp[HOOK_ENV_MAX + 2];   /* the run's strings, PATH, NULL */
	char action[HOOK_ACTION_MAX + 1];
	char label[HOOK_ACTION_MAX + 1 + HOOK_WHAT_MAX + 1];     /* "add vm1...", for log lines */
};

struct hook {
	struct event_base *base;
	char *program;
	unsigned timeout_ms;
	struct hook_job *head, *tail;   /* head is the one running while pid > 0 */
	size_t n;                       /* queued and running */
	pid_t pid;                      /* the running child, or 0 */
	int pidfd;                      /* watching it, or -1 */
	bool timed_out;                 /* we killed it */
	bool no_pidfd;                  /* pidfd_open said ENOSYS once: SIGCHLD from then on */
	struct event *ev_start;         /* start the next run, from the loop */
	struct event *ev_timeout;
	struct event *ev_child;         /* the pidfd readable: the child ended */
	struct event *ev_sigchld;       /* without pidfd: SIGCHLD */
	struct hook_stats stats;
};

static const char hook_path_env[] = HOOK_PATH_ENV;

static void hook_start(evutil_socket_t fd, short what, void *arg);
static void hook_timeout_cb(evutil_socket_t fd, short what, void *arg);

static int
hook_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	/* glibc has a wrapper only since 2.36 */
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

struct hook *
hook_new(struct event_base *base, const char *program, unsigned timeout_ms)
{
	struct hook *h;

	if (program == NULL || program[0] != '/') {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->base = base;
	h->timeout_ms = timeout_ms ? timeout_ms : HOOK_TIMEOUT_MS;
	h->pidfd = -1;
	h->no_pidfd = !util_env_on("V6EXT_PIDFD");
	if ((h->program = strdup(program)) == NULL ||
	    (h->ev_start = event_new(base, -1, 0, hook_start, h)) == NULL ||
	    (h->ev_timeout = evtimer_new(base, hook_timeout_cb, h)) == NULL) {
		hook_free(h);
		errno = ENOMEM;
		return NULL;
	}
	return h;
}

static bool
hook_action_ok(const char *action)
{
	size_t n = strnlen(action, HOOK_ACTION_MAX + 1);

	return n >= 1 && n <= HOOK_ACTION_MAX && strspn(action, "abcdefghijklmnopqrstuvwxyz") == n;
}

/* "KEY=value": a key the program can read, and not the PATH we set. */
static size_t
hook_env_len(const char *s)
{
	size_t n = strnlen(s, HOOK_ENV_LEN_MAX + 1);
	const char *eq = memchr(s, '=', n);

	if (n > HOOK_ENV_LEN_MAX || eq == NULL || eq == s || strncmp(s, "PATH=", 5) == 0)
		return 0;
	return n;
}

int
hook_run(struct hook *h, const char *action, const char *const *env, size_t n_env, const char *what)
{
	size_t len[HOOK_ENV_MAX], total = sizeof(struct hook_job);
	struct hook_job *j;
	char *p;

	if (h->n >= HOOK_QUEUE_MAX) {
		h->stats.dropped++;
		errno = ENOBUFS;
		return -1;
	}
	if (!hook_action_ok(action) || n_env > HOOK_ENV_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* measure first: one allocation holds the run and its strings */
	for (size_t i = 0; i < n_env; i++) {
		if ((len[i] = hook_env_len(env[i])) == 0) {
			errno = EINVAL;
			return -1;
		}
		total += len[i] + 1;
	}
	if ((j = calloc(1, total)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	p = (char *)(j + 1);
	for (size_t i = 0; i < n_env; i++) {
		memcpy(p, env[i], len[i]);
		p[len[i]] = '\0';
		j->envp[i] = p;
		p += len[i] + 1;
	}
	/* execve does not write through these: the casts only drop const */
	j->envp[n_env] = (char *)hook_path_env;
	j->envp[n_env + 1] = NULL;
	snprintf(j->action, sizeof(j->action), "%s", action);
	what = what ? what : "";
	snprintf(j->label, sizeof(j->label), "%s%s%.*s", action, what[0] ? " " : "", HOOK_WHAT_MAX, what);
	j->argv[0] = h->program;
	j->argv[1] = j->action;
	j->argv[2] = NULL;
	if (h->tail)
		h->tail->next = j;
	else
		h->head = j;
	h->tail = j;
	h->n++;
	if (h->pid == 0 && !event_pending(h->ev_start, EV_TIMEOUT, NULL))
		event_active(h->ev_start, EV_TIMEOUT, 0);
	return 0;
}

size_t
hook_pending(const struct hook *h)
{
	return h->n;
}

const struct hook_stats *
hook_stats(const struct hook *h)
{
	return &h->stats;
}

static void
hook_pop(struct hook *h)
{
	struct hook_job *j = h->head;

	if (j == NULL)
		return;
	h->head = j->next;
	if (h->head == NULL)
		h->tail = NULL;
	h->n--;
	free(j);
}

/* The child, between fork and execve: async-signal-safe calls only (the
 * parent may hold locks no one will release here), everything built
 * before the fork. */
static void __attribute__((noreturn))
hook_child(const struct hook_job *j, const sigset_t *empty, const struct sigaction *dfl)
{
	int fd;

	/* a group of its own, so a timeout kills what it started too */
	(void)setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDONLY)) < 0)
		_exit(HOOK_EXEC_FAILED);
	if (fd != STDIN_FILENO) {
		if (dup2(fd, STDIN_FILENO) < 0)
			_exit(HOOK_EXEC_FAILED);
		close(fd);
	}
#ifdef SYS_close_range
	/* ours are O_CLOEXEC; this is for any a library left without it
	 * (Linux 5.9; an older kernel says ENOSYS and we go on) */
	(void)syscall(SYS_close_range, 3u, ~0u, 0u);
#endif
	/* the parent may ignore SIGPIPE or block signals; execve keeps both,
	 * and a shell script misbehaves under either */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, dfl, NULL);
	(void)sigprocmask(SIG_SETMASK, empty, NULL);
	execve(j->argv[0], j->argv, j->envp);
	_exit(HOOK_EXEC_FAILED);
}

/* The run ended (st: its wait status; known false when waitpid failed):
 * log, count, and start the next. */
static void
hook_end(struct hook *h, int st, bool known)
{
	const struct hook_job *j = h->head;
	unsigned t = h->timeout_ms;

	if (!known)
		log_warnx("dns-hook %s: %s: its end could not be waited for", h->program, j->label);
	else if (h->timed_out) {
		if (t % 1000 == 0)
			log_warnx("dns-hook %s: %s: killed after %u s (timeout)", h->program, j->label,
			    t / 1000);
		else
			log_warnx("dns-hook %s: %s: killed after %u ms (timeout)", h->program, j->label,
			    t);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == HOOK_EXEC_FAILED)
		log_warnx("dns-hook %s: %s: could not be run (exit status 127)", h->program, j->label);
	else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		log_warnx("dns-hook %s: %s: exit status %d", h->program, j->label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		log_warnx("dns-hook %s: %s: killed by signal %d (%s)", h->program, j->label,
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		log_debug("dns-hook %s: %s: done", h->program, j->label);
	if (!known || h->timed_out || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		h->stats.failed++;
	if (h->timed_out)
		h->stats.timeouts++;

	evtimer_del(h->ev_timeout);
	if (h->ev_child) {
		event_free(h->ev_child);
		h->ev_child = NULL;
	}
	if (h->pidfd >= 0) {
		close(h->pidfd);
		h->pidfd = -1;
	}
	h->pid = 0;
	h->timed_out = false;
	hook_pop(h);
	if (h->head)
		event_active(h->ev_start, EV_TIMEOUT, 0);
}

/* Reap the child if it has ended; never blocks. */
static void
hook_reap(struct hook *h)
{
	pid_t r;
	int st = 0;

	if (h->pid == 0)
		return;
	do
		r = waitpid(h->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;         /* still running: a SIGCHLD for another child */
	if (r < 0)
		log_warn("dns-hook %s: waitpid %d", h->program, (int)h->pid);
	hook_end(h, st, r == h->pid);
}

static void
hook_child_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	hook_reap(arg);
}

static void
hook_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;

	(void)fd;
	(void)what;
	if (h->pid == 0)
		return;
	h->timed_out = true;
	/* the group first (what the program started), then the child itself
	 * in case it never got to setpgid; its end comes as any other */
	(void)kill(-h->pid, SIGKILL);
	(void)kill(h->pid, SIGKILL);
}

/* Watch the child: its pidfd, else SIGCHLD. 0, or -1 when neither can be
 * set up (out of memory). */
static int
hook_watch(struct hook *h)
{
	if (!h->no_pidfd) {
		if ((h->pidfd = hook_pidfd_open(h->pid)) >= 0) {
			h->ev_child = event_new(h->base, h->pidfd, EV_READ | EV_PERSIST, hook_child_cb, h);
			if (h->ev_child != NULL && event_add(h->ev_child, NULL) == 0)
				return 0;
			return -1;
		}
		if (errno != ENOSYS) {
			log_warn("dns-hook %s: pidfd_open", h->program);
			return -1;
		}
		log_info("dns-hook %s: no pidfd_open (Linux < 5.3): watching children through SIGCHLD",
		    h->program);
		h->no_pidfd = true;
	}
	if (h->ev_sigchld == NULL) {
		h->ev_sigchld = evsignal_new(h->base, SIGCHLD, hook_child_cb, h);
		if (h->ev_sigchld == NULL || evsignal_add(h->ev_sigchld, NULL) != 0)
			return -1;
	}
	/* it may have ended before the handler was there: look once now */
	event_active(h->ev_sigchld, EV_SIGNAL, 1);
	return 0;
}

static void
hook_start(evutil_socket_t fd, short what, void *arg)
{
	struct hook *h = arg;
	const struct hook_job *j = h->head;
	struct sigaction dfl;
	struct timeval tv;
	sigset_t empty;
	pid_t pid;

	(void)fd;
	(void)what;
	if (h->pid != 0 || j == NULL)
		return;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&empty);
	if ((pid = fork()) < 0) {
		/* EAGAIN or ENOMEM: the run waits, at the head, for a second */
		log_warn("dns-hook %s: %s: fork (again in %u ms)", h->program, j->label,
		    HOOK_RETRY_MS);
		tv.tv_sec = HOOK_RETRY_MS / 1000;
		tv.tv_usec = 0;
		event_add(h->ev_start, &tv);
		return;
	}
	if (pid == 0)
		hook_child(j, &empty, &dfl);
	/* as a shell does: whichever of us gets there first, the child's group
	 * exists before anything could kill it (EACCES: it already execve'd,
	 * having done it itself) */
	(void)setpgid(pid, pid);
	h->pid = pid;
	h->stats.runs++;
	log_debug("dns-hook %s: %s: pid %d", h->program, j->label, (int)pid);
	tv.tv_sec = h->timeout_ms / 1000;
	tv.tv_usec = (suseconds_t)(h->timeout_ms % 1000) * 1000;
	/* from now, not from the loop's cached time: the fork took a while */
	event_base_update_cache_time(h->base);
	evtimer_add(h->ev_timeout, &tv);
	if (hook_watch(h) != 0) {
		int st = 0;

		/* not watched, it would never be reaped: end it now (SIGKILL
		 * makes this wait short) */
		log_warnx("dns-hook %s: %s: cannot watch pid %d: killed", h->program, j->label,
		    (int)pid);
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		hook_end(h, st, true);
	}
}

void
hook_free(struct hook *h)
{
	if (h == NULL)
		return;
	if (h->pid > 0) {
		int st;

		(void)kill(-h->pid, SIGKILL);
		(void)kill(h->pid, SIGKILL);
		while (waitpid(h->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (h->pidfd >= 0)
		close(h->pidfd);
	while (h->head)
		hook_pop(h);
	if (h->ev_child)
		event_free(h->ev_child);
	if (h->ev_sigchld)
		event_free(h->ev_sigchld);
	if (h->ev_timeout)
		event_free(h->ev_timeout);
	if (h->ev_start)
		event_free(h->ev_start);
	free(h->program);
	free(h);
}
