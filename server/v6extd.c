/* v6extd: the VPS daemon. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "keys.h"
#include "log.h"

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

/* Everything -n checks: the file, the key files it names. */
static int
v6extd_check(const char *path, struct conf_server *conf)
{
	char err[CONF_ERR_LEN];
	uint8_t key[KEY_LEN];

	if (conf_server_load(path, conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (key_read_file(conf->private_key_file, key, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		conf_server_free(conf);
		return -1;
	}
	sodium_memzero(key, sizeof(key));
	for (size_t i = 0; i < conf->n_peers; i++) {
		if (!conf->peers[i].has_psk)
			continue;
		if (key_read_file(conf->peers[i].psk_file, key, err, sizeof(err)) != 0) {
			log_warnx("peer %s: %s", conf->peers[i].name, err);
			conf_server_free(conf);
			return -1;
		}
		sodium_memzero(key, sizeof(key));
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	bool check_only = false;
	int verbose = 0, ch;
	struct conf_server conf;

	while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'f': break;
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
	if (v6extd_check(path, &conf) != 0)
		return 1;
	if (check_only) {
		printf("%s: configuration OK (%zu peers)\n", path, conf.n_peers);
		conf_server_free(&conf);
		return 0;
	}
	conf_server_free(&conf);
	log_warnx("the tunnel service is not built yet; only -n works in this version");
	return 1;
}
