/* SPDX-License-Identifier: ISC */
/* sandbox: seccomp allow-lists, see sandbox.h. Names, not numbers: a name
 * the architecture does not have (mmap2 on x86_64, newfstatat on armhf) is
 * skipped, so one list serves every architecture Debian builds for. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox.h"
#include "util.h"

/* What both profiles do after start-up: I/O on fds they hold, the event
 * loop, memory, time, randomness, and leaving. */
static const char *const sandbox_common[] = {
	"read", "readv", "write", "writev", "pread64", "pwrite64", "lseek", "_llseek", "close",
	"recvmsg", "recvmmsg", "recvmmsg_time64", "sendmsg", "sendmmsg", "recvfrom", "sendto",
	"recv", "send", "accept", "accept4", "getsockopt", "shutdown", "getsockname", "getpeername",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl", "poll", "ppoll", "ppoll_time64",
	"clock_gettime", "clock_gettime64", "gettimeofday", "time", "clock_nanosleep",
	"clock_nanosleep_time64", "nanosleep",
	"munmap", "mremap", "brk", "madvise", "mlock", "munlock",
	"getrandom", "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"rt_sigreturn", "sigreturn", "rt_sigprocmask", "restart_syscall", "futex", "futex_time64",
	"exit", "exit_group",
	"fstat", "fstat64", "newfstatat", "fstatat64", "statx",
	"memfd_create",
};

/* Name resolution (getaddrinfo: /etc/hosts, resolv.conf, DNS over UDP and
 * TCP, netlink for AI_ADDRCONFIG): the client re-resolves its server. The
 * NSS modules it needs were loaded by a first resolution before the filter. */
static const char *const sandbox_resolver[] = {
	"connect", "bind", "stat", "stat64", "lstat", "lstat64", "access", "faccessat", "faccessat2",
	"uname", "setsockopt",
};

static void
sandbox_sigsys(int sig, siginfo_t *si, void *uctx)
{
	char line[128];
	int n;

	(void)sig;
	(void)uctx;
	/* async-signal-safe: snprintf of integers, write, _exit */
	n = snprintf(line, sizeof(line), "seccomp: system call %d is not allowed (scmp_sys_resolver %d names it); stopping\n",
	    si->si_syscall, si->si_syscall);
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n);
	_exit(128 + SIGSYS);
}

/* One argument test. Field by field, not libseccomp's SCMP_Ax macros: those
 * leave datum_b to the compiler, which clang's -Wextra refuses. */
static struct scmp_arg_cmp
sandbox_arg(unsigned int arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp cmp = { .arg = arg, .op = op, .datum_a = a, .datum_b = b };

	return cmp;
}

static int
sandbox_allow(scmp_filter_ctx ctx, const char *name, unsigned n_args, const struct scmp_arg_cmp *args)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;       /* not a system call of this architecture */
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n_args, args);
}

static int
sandbox_deny(scmp_filter_ctx ctx, const char *name, int errnum)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)errnum), nr, 0);
}

int
sandbox_enter(enum sandbox_profile profile, char *err, size_t errlen)
{
	const char *mode = getenv("V6EXT_SECCOMP");
	bool log_only = mode != NULL && strcmp(mode, "log") == 0;
	scmp_filter_ctx ctx;
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO };
	/* no executable memory: mmap and mprotect only without PROT_EXEC */
	struct scmp_arg_cmp no_exec = sandbox_arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	/* fcntl: the flags libevent and libc set, seals on our memfds */
	static const int fcntl_ops[] = { F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_ADD_SEALS, F_GET_SEALS };
	/* ioctl: carrier of our taps, bytes waiting on a socket (evbuffer) */
	static const unsigned long ioctl_ops[] = { TUNSETCARRIER, FIONREAD };
	int rc = 0;

	if (mode != NULL && !log_only && strcmp(mode, "on") != 0) {
		snprintf(err, errlen, "V6EXT_SECCOMP=%s: only on and log are known", mode);
		return -1;
	}
	if ((ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_TRAP)) == NULL) {
		snprintf(err, errlen, "seccomp: out of memory");
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(sandbox_common); i++)
		rc = sandbox_allow(ctx, sandbox_common[i], 0, NULL);
	rc = rc ? rc : sandbox_allow(ctx, "mmap", 1, &no_exec);
	rc = rc ? rc : sandbox_allow(ctx, "mmap2", 1, &no_exec);
	rc = rc ? rc : sandbox_allow(ctx, "mprotect", 1, &no_exec);
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(fcntl_ops); i++) {
		struct scmp_arg_cmp a = sandbox_arg(1, SCMP_CMP_EQ, (scmp_datum_t)fcntl_ops[i], 0);

		rc = sandbox_allow(ctx, "fcntl", 1, &a);
		rc = rc ? rc : sandbox_allow(ctx, "fcntl64", 1, &a);
	}
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(ioctl_ops); i++) {
		struct scmp_arg_cmp a = sandbox_arg(1, SCMP_CMP_EQ, (scmp_datum_t)ioctl_ops[i], 0);

		rc = sandbox_allow(ctx, "ioctl", 1, &a);
	}
	/* raise/abort: signals to ourselves only */
	{
		struct scmp_arg_cmp self = sandbox_arg(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);

		rc = rc ? rc : sandbox_allow(ctx, "tgkill", 1, &self);
	}
	/* signal handlers may change (libevent restores them when its signal
	 * events are freed at shutdown), except the SIGSYS one set here */
	{
		struct scmp_arg_cmp not_sigsys = sandbox_arg(0, SCMP_CMP_NE, SIGSYS, 0);

		rc = rc ? rc : sandbox_allow(ctx, "rt_sigaction", 1, &not_sigsys);
		rc = rc ? rc : sandbox_allow(ctx, "sigaction", 1, &not_sigsys);
	}
	if (profile == SANDBOX_CLIENT) {
		static const int families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
		/* files: read-only opens (the resolver's configuration) */
		struct scmp_arg_cmp ro = sandbox_arg(1, SCMP_CMP_MASKED_EQ, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC, 0);
		struct scmp_arg_cmp ro_at = sandbox_arg(2, SCMP_CMP_MASKED_EQ, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC, 0);

		for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(sandbox_resolver); i++)
			rc = sandbox_allow(ctx, sandbox_resolver[i], 0, NULL);
		for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(families); i++) {
			struct scmp_arg_cmp a = sandbox_arg(0, SCMP_CMP_EQ, (scmp_datum_t)families[i], 0);

			rc = sandbox_allow(ctx, "socket", 1, &a);
		}
		rc = rc ? rc : sandbox_allow(ctx, "open", 1, &ro);
		rc = rc ? rc : sandbox_allow(ctx, "openat", 1, &ro_at);
	} else {
		/* glibc's syslog reconnects to /dev/log after a syslog restart,
		 * and localtime may look at /etc/localtime: refused quietly,
		 * not fatal; anything else opened or made is off the list */
		rc = rc ? rc : sandbox_deny(ctx, "socket", EACCES);
		rc = rc ? rc : sandbox_deny(ctx, "connect", EACCES);
		rc = rc ? rc : sandbox_deny(ctx, "open", EACCES);
		rc = rc ? rc : sandbox_deny(ctx, "openat", EACCES);
	}
	if (rc == 0 && sigaction(SIGSYS, &sa, NULL) != 0)
		rc = -errno;
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
