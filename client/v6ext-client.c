/* v6ext-client: the home-side daemon. */
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
	fprintf(stderr, "usage: v6ext-client -c FILE [-f] [-n] [-v]\n"
	    "  -c FILE  configuration file\n"
	    "  -f       stay in the foreground\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       more logging (debug)\n");
	exit(2);
}

static int
client_check(const char *path, struct conf_client *conf)
{
	char err[CONF_ERR_LEN];
	uint8_t key[KEY_LEN];

	if (conf_client_load(path, conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (key_read_file(conf->private_key_file, key, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return -1;
	}
	sodium_memzero(key, sizeof(key));
	if (conf->has_psk) {
		if (key_read_file(conf->psk_file, key, err, sizeof(err)) != 0) {
			log_warnx("%s", err);
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
	struct conf_client conf;

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
	log_init("v6ext-client", verbose, false);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if (client_check(path, &conf) != 0)
		return 1;
	if (check_only) {
		printf("%s: configuration OK\n", path);
		return 0;
	}
	log_warnx("the tunnel service is not built yet; only -n works in this version");
	return 1;
}
