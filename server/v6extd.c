/* SPDX-License-Identifier: ISC */
/* v6extd: the VPS daemon. Two processes (docs/SECURITY.md has the drawing):
 *
 *   parent.c   root, CAP_NET_ADMIN only: taps, routes, sysctls, sockets,
 *              state-dir; serves the engine's requests (privmsg.h)
 *   engine.c   `user`, no capabilities, seccomp: the tunnel, every site's
 *              IPv6 service (site.c, ra.c, DHCPv6), the NDP proxy, control,
 *              metrics, the state it keeps (state.c)
 *
 * This file reads the options and the configuration, checks it (-n), and
 * starts the parent. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "keys.h"
#include "log.h"
#include "parent.h"
#include "privdrop.h"

static void
usage(void)
{
	fprintf(stderr, "usage: v6extd -c FILE [-f] [-n] [-v]\n"
	    "  -c FILE  configuration file\n"
	    "  -f       stay in the foreground\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       more logging (debug)\n");
	exit(2);
}

/* -n: everything the start would check before it touches the system: the
 * file, the keys it names, the user. */
static int
check(const char *path, const struct conf_server *c)
{
	char err[CONF_ERR_LEN];
	uint8_t key[KEY_LEN];
	uid_t uid;
	gid_t gid;

	if (key_read_file(c->private_key_file, key, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	for (size_t i = 0; i < c->n_peers; i++) {
		if (c->peers[i].has_psk && key_read_file(c->peers[i].psk_file, key, err, sizeof(err)) != 0) {
			log_warnx("peer %s: %s", c->peers[i].name, err);
			return 1;
		}
	}
	sodium_memzero(key, sizeof(key));
	if (strcmp(c->user, "root") != 0 && privdrop_lookup(c->user, &uid, &gid, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	printf("%s: configuration OK (%zu peers)\n", path, c->n_peers);
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf_server conf;
	const char *path = NULL;
	bool check_only = false, foreground = false;
	char err[CONF_ERR_LEN];
	int verbose = 0, ch, rc;

	while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'f': foreground = true; break;
		case 'n': check_only = true; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (path == NULL || optind != argc)
		usage();
	log_init("v6extd", verbose, false);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if (conf_server_load(path, &conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (check_only) {
		rc = check(path, &conf);
		conf_server_free(&conf);
		return rc;
	}
	if (getuid() != 0)
		fatalx("v6extd starts as root (it makes taps and routes), then runs its engine as %s", conf.user);
	if (!foreground) {
		if (daemon(0, 0) != 0)
			fatal("daemon");
		log_init("v6extd", verbose, true);     /* stderr is /dev/null now */
	}
	return parent_main(path, &conf, verbose, !foreground);
}
