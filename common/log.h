/* SPDX-License-Identifier: ISC */
/* log: one line per event, to stderr (journal) or syslog. */
#ifndef V6EXT_LOG_H
#define V6EXT_LOG_H

#include <stdbool.h>

/* verbose: 0 = info, 1 = debug. to_syslog: LOG_DAEMON facility. */
void log_init(const char *progname, int verbose, bool to_syslog);

/* log_warn appends ": strerror(errno)". fatal/fatalx are for broken
 * invariants only, never for bad input. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
