/* SPDX-License-Identifier: ISC */
/* hostsfile: a site's hosts file for dnsmasq --hostsdir; see hostsfile.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "hostsfile.h"
#include "util.h"

#define HOSTSFILE_HEAD_FMT "# v6ext: site %s, written by v6extd; do not edit\n"
#define HOSTSFILE_TMP_X    6            /* random characters, as mkstemp's XXXXXX */
#define HOSTSFILE_TRIES    8            /* temporary names tried */

/* Site names become file names: no '/', no dot file (dnsmasq skips
 * nothing, but ours start with '.' while being written), nothing a log
 * line would need quoting for. */
static bool
hostsfile_site_ok(const char *site)
{
	size_t n = strnlen(site, HOSTSFILE_SITE_MAX + 1);

	return n >= 1 && n <= HOSTSFILE_SITE_MAX && site[0] != '.' &&
	    strspn(site, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* A name as one field of a hosts line: dnsmasq splits at blanks and stops
 * at '#', and a newline would start a line the caller never meant. The
 * caller checked DNS syntax; this only guards the format. Its length, or 0
 * when it cannot be a field. */
static size_t
hostsfile_field_len(const char *s)
{
	size_t n = strnlen(s, HOSTSFILE_NAME_MAX + 1);

	if (n == 0 || n > HOSTSFILE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '#' || c >= 0x7f)
			return 0;
	}
	return n;
}

int
hostsfile_build(const char *site, const struct hostsfile_entry *e, size_t n, char **out, size_t *len)
{
	char addr[INET6_ADDRSTRLEN];
	size_t total, at;
	char *buf;
	int w;

	*out = NULL;
	*len = 0;
	if (!hostsfile_site_ok(site)) {
		errno = EINVAL;
		return -1;
	}
	/* measure first: every line's length is known before a byte is written */
	total = sizeof(HOSTSFILE_HEAD_FMT) + strlen(site);
	for (size_t i = 0; i < n; i++) {
		size_t nl = e[i].name ? hostsfile_field_len(e[i].name) : 0;
		size_t al = e[i].alias ? hostsfile_field_len(e[i].alias) : 0;

		if ((e[i].family != AF_INET6 && e[i].family != AF_INET) || nl == 0 ||
		    (e[i].alias != NULL && al == 0)) {
			errno = EINVAL;
			return -1;
		}
		/* address, ' ', name, [' ', alias], '\n': a bounded sum per
		 * entry, and n is the caller's array, so no overflow short of
		 * an array bigger than memory */
		total += INET6_ADDRSTRLEN + 1 + nl + (e[i].alias ? 1 + al : 0) + 1;
	}
	if ((buf = malloc(total)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	w = snprintf(buf, total, HOSTSFILE_HEAD_FMT, site);
	if (w < 0 || (size_t)w >= total)
		goto overrun;
	at = (size_t)w;
	for (size_t i = 0; i < n; i++) {
		const void *a = e[i].family == AF_INET6 ? (const void *)&e[i].addr.v6 : (const void *)&e[i].addr.v4;

		if (inet_ntop(e[i].family, a, addr, sizeof(addr)) == NULL)
			goto overrun;
		if (e[i].alias)
			w = snprintf(buf + at, total - at, "%s %s %s\n", addr, e[i].name, e[i].alias);
		else
			w = snprintf(buf + at, total - at, "%s %s\n", addr, e[i].name);
		if (w < 0 || (size_t)w >= total - at)
			goto overrun;
		at += (size_t)w;
	}
	*out = buf;
	*len = at;
	return 0;
overrun:
	/* cannot happen: the measure above bounds every line */
	free(buf);
	errno = EINVAL;
	return -1;
}

static int hostsfile_fail(int rc, char *err, size_t errlen, const char *dirname, const char *site,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "DIR/SITE: " and the message into err; returns rc. */
static int
hostsfile_fail(int rc, char *err, size_t errlen, const char *dirname, const char *site, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (errlen == 0)
		return rc;
	n = snprintf(err, errlen, "%s/%.*s: ", dirname, HOSTSFILE_SITE_MAX, site);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ".SITE.XXXXXX" with six random characters, as mkstemp makes them. */
static void
hostsfile_tmp_name(char *tmp, size_t tmplen, const char *site)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char x[HOSTSFILE_TMP_X + 1];

	for (size_t i = 0; i < HOSTSFILE_TMP_X; i++)
		x[i] = set[randombytes_uniform(sizeof(set) - 1)];
	x[HOSTSFILE_TMP_X] = '\0';
	snprintf(tmp, tmplen, ".%s.%s", site, x);
}

int
hostsfile_write(int dirfd, const char *dirname, const char *site, const char *text, size_t len,
    char *err, size_t errlen)
{
	char tmp[HOSTSFILE_SITE_MAX + HOSTSFILE_TMP_X + 3];
	const char *step = "creating a temporary file";
	bool named = false;
	int fd = -1, rc = 0;

	if (!hostsfile_site_ok(site))
		return hostsfile_fail(EINVAL, err, errlen, dirname, site, "not a site name a file may have");
	for (int i = 0; fd < 0 && i < HOSTSFILE_TRIES; i++) {
		hostsfile_tmp_name(tmp, sizeof(tmp), site);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST) {
			rc = errno;
			goto out;
		}
	}
	if (fd < 0) {
		rc = EEXIST;
		goto out;
	}
	named = true;
	/* dnsmasq reads the file as its own user: 0644 whatever our umask is */
	step = "setting mode 0644";
	if (fchmod(fd, 0644) != 0) {
		rc = errno;
		goto out;
	}
	step = "writing";
	if ((rc = util_write_all(fd, text, len)) != 0)
		goto out;
	step = "fsync";
	if (fsync(fd) != 0) {
		rc = errno;
		goto out;
	}
	step = "closing";
	rc = close(fd) != 0 ? errno : 0;
	fd = -1;
	if (rc != 0)
		goto out;
	step = "renaming";
	if (renameat(dirfd, tmp, dirfd, site) != 0) {
		rc = errno;
		goto out;
	}
	named = false;
	/* the rename is durable only once the directory is synced */
	step = "fsync of the directory";
	if (fsync(dirfd) != 0)
		rc = errno;
out:
	if (fd >= 0)
		close(fd);
	if (named)
		(void)unlinkat(dirfd, tmp, 0);
	if (rc != 0)
		return hostsfile_fail(rc, err, errlen, dirname, site, "%s: %s", step, strerror(rc));
	return 0;
}

int
hostsfile_remove(int dirfd, const char *dirname, const char *site, char *err, size_t errlen)
{
	if (!hostsfile_site_ok(site))
		return hostsfile_fail(EINVAL, err, errlen, dirname, site, "not a site name a file may have");
	if (unlinkat(dirfd, site, 0) != 0 && errno != ENOENT) {
		int rc = errno;

		return hostsfile_fail(rc, err, errlen, dirname, site, "removing: %s", strerror(rc));
	}
	return 0;
}
