/* SPDX-License-Identifier: ISC */
/* hook: the operator's program, run once per record change, as dnsmasq
 * runs its --dhcp-script: `PROGRAM ACTION` with the record in the
 * environment, one run at a time and in order, inside a libevent loop that
 * it never blocks. A run that takes longer than its timeout is killed with
 * its whole process group; a run that fails is logged and counted, never
 * retried: the next change runs the program again anyway.
 *
 * The child is watched through a pidfd (Linux 5.3); where there is none
 * (ENOSYS, or V6EXT_PIDFD=off in the environment, which the unit test uses
 * to cover that path) a SIGCHLD event and waitpid(pid, WNOHANG) instead,
 * which needs SIGCHLD neither blocked nor ignored in the calling process.
 * Either way only our own child's pid is waited for. */
#ifndef V6EXT_HOOK_H
#define V6EXT_HOOK_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

#define HOOK_TIMEOUT_MS  10000
#define HOOK_QUEUE_MAX   4096           /* runs queued or running */
#define HOOK_ENV_MAX     12             /* "KEY=value" strings per run */
#define HOOK_ENV_LEN_MAX 1024           /* bytes of one of them */
#define HOOK_ACTION_MAX  15             /* "add", "del", "old": [a-z] */
#define HOOK_WHAT_MAX    255            /* kept of `what` for log lines */
#define HOOK_PATH_ENV    "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

struct hook;

struct hook_stats {
	uint64_t runs;                  /* started (forked) */
	uint64_t failed;                /* ended other than with exit status 0, timeouts
	                                 * included, and runs that could not be started */
	uint64_t timeouts;              /* killed after timeout_ms */
	uint64_t dropped;               /* hook_run refused: the queue was full */
};

/* program: an absolute path, run without a shell (execve), argv =
 * { program, action, NULL }, envp = the run's strings plus HOOK_PATH_ENV.
 * stdin /dev/null; stdout and stderr inherited; every other descriptor
 * closed. timeout_ms (0: HOOK_TIMEOUT_MS): a run that takes longer is
 * killed (SIGKILL to its process group: the child makes its own). NULL with
 * errno ENOMEM, or EINVAL when program is not an absolute path. */
struct hook *hook_new(struct event_base *base, const char *program, unsigned timeout_ms);

/* Queue one run: action (1..HOOK_ACTION_MAX of [a-z]) and up to
 * HOOK_ENV_MAX "KEY=value" strings (copied; KEY not empty and not PATH,
 * each at most HOOK_ENV_LEN_MAX bytes). what names the record in log
 * lines ("vm1.home1.example.org AAAA 2001:db8::1"; NULL: none). Runs are
 * one at a time, in order, started from the loop. 0; or -1 with errno
 * ENOBUFS when HOOK_QUEUE_MAX runs are pending (the run is dropped and
 * counted: the caller logs), EINVAL for a bad action or env, ENOMEM. */
int hook_run(struct hook *h, const char *action, const char *const *env, size_t n_env, const char *what);

/* Runs queued or running. */
size_t hook_pending(const struct hook *h);

const struct hook_stats *hook_stats(const struct hook *h);

/* Kill a running child (SIGKILL to its group), reap it, free the queue. */
void hook_free(struct hook *h);

#endif
