/* SPDX-License-Identifier: ISC */
/* sandbox: a seccomp allow-list (libseccomp) for the processes that parse
 * the network: v6extd's engine and v6ext-client. Everything they do after
 * start-up is reading and writing fds they already hold, so the list is
 * short; what is not on it ends the process with a line naming the system
 * call (SIGSYS, exit status 128 + SIGSYS).
 *
 * V6EXT_SECCOMP=log in the environment lets every call through and has the
 * kernel log the ones off the list instead (audit): for a new platform, whose
 * libc may use calls this list lacks (docs/SECURITY.md). */
#ifndef V6EXT_SANDBOX_H
#define V6EXT_SANDBOX_H

#include <stddef.h>

enum sandbox_profile {
	SANDBOX_ENGINE,         /* v6extd's engine: no sockets, no files of its own */
	SANDBOX_CLIENT,         /* v6ext-client: the same, plus name resolution */
};

/* Load the filter for profile (no_new_privs is set first). -1 with why in
 * err. */
int sandbox_enter(enum sandbox_profile profile, char *err, size_t errlen);

#endif
