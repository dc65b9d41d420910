/* SPDX-License-Identifier: ISC */
/* hostsfile: one hosts file per site, /etc/hosts format, in a directory
 * dnsmasq watches (--hostsdir), so a site's host names resolve the moment
 * the publisher rewrites the file. Each file is replaced whole and
 * atomically (a temporary file renamed over it): dnsmasq reads either the
 * old list or the new one, never half of one.
 *
 *   # v6ext: site home1, written by v6extd; do not edit
 *   2001:db8:64:1:4::100 vm1.home1.home.example.org vm1.home1
 *   192.0.2.10 nas.home1.home.example.org
 */
#ifndef V6EXT_HOSTSFILE_H
#define V6EXT_HOSTSFILE_H

#include <netinet/in.h>
#include <stddef.h>

#include "conf.h"

#define HOSTSFILE_SITE_MAX CONF_NAME_MAX        /* a site is a peer: its name */
#define HOSTSFILE_NAME_MAX 253                  /* a DNS name, as text */

struct hostsfile_entry {
	int family;                     /* AF_INET6 or AF_INET */
	union { struct in6_addr v6; struct in_addr v4; } addr;
	const char *name;               /* full name, "vm1.home1.home.example.org" */
	const char *alias;              /* "vm1.home1", or NULL */
};

/* The file's text: a comment line "# v6ext: site SITE, written by v6extd;
 * do not edit\n", then one line per entry "ADDRESS NAME [ALIAS]\n" in the
 * order given. 0 with a malloc'd *out (NUL-terminated, *len bytes before
 * the NUL), -1 with errno ENOMEM, or EINVAL when an entry would not be one
 * line of the format: a family other than the two, a name or alias empty,
 * longer than HOSTSFILE_NAME_MAX, or holding a space, '#' or a control
 * byte (a newline in a name would add a line of someone else's choosing). */
int hostsfile_build(const char *site, const struct hostsfile_entry *e, size_t n, char **out, size_t *len);

/* Write text as DIR/SITE atomically: a temporary file DIR/.SITE.XXXXXX
 * (mode 0644: dnsmasq reads it as its own user), written whole, fsynced,
 * renamed over DIR/SITE, then the directory fsynced. dirfd: the directory,
 * opened once by the caller with O_RDONLY | O_DIRECTORY (an O_PATH
 * descriptor cannot create files); dirname: its path, for messages only.
 * site: 1..HOSTSFILE_SITE_MAX bytes of [A-Za-z0-9_.-], not starting with
 * '.' (else EINVAL). 0, or an errno with "DIR/SITE: why" in err; on failure
 * the old file stays and no temporary file is left. A site with no entries
 * is the caller's business: it calls hostsfile_remove. */
int hostsfile_write(int dirfd, const char *dirname, const char *site, const char *text, size_t len,
    char *err, size_t errlen);
/* Unlink DIR/SITE; one that is not there is fine. 0 or an errno, as above. */
int hostsfile_remove(int dirfd, const char *dirname, const char *site, char *err, size_t errlen);

#endif
