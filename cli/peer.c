/* SPDX-License-Identifier: ISC */
/* peer, forward, reload: run-time changes to v6extd. `peer add` prints a client
 * configuration ready to paste at home (the endpoint is the one line to
 * fill in: the daemon cannot know the name the home will reach it by). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "ctl_proto.h"

static const char *
peer_get(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return "";
}

/* The reply as one JSON object of its key=value lines. */
static void
peer_json(const struct kv *kv, size_t n)
{
	putchar('{');
	for (size_t i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		cli_json_string(kv[i].key);
		putchar(':');
		cli_json_value(kv[i].key, kv[i].val);
	}
	printf("}\n");
}

static int
peer_request(const struct cli *cli, const char *req, bool print_client)
{
	struct kv *kv;
	char *reply;
	size_t n;

	if (cli_request(cli, req, &kv, &n, &reply) != 0)
		return 1;
	if (cli->json) {
		peer_json(kv, n);
	} else if (print_client) {
		printf("# peer %s: sub-prefix %s, tap %s\n"
		    "# The home's configuration (/etc/v6ext/client.conf); make its key with\n"
		    "#   umask 077; v6ext genkey > /etc/v6ext/client.key\n"
		    "[client]\n"
		    "private-key-file  = /etc/v6ext/client.key\n"
		    "server            = VPS-ADDRESS:%s   ; fill in: the VPS's name or address\n"
		    "server-public-key = %s\n"
		    "tap               = %s\n"
		    "bridge            = %s\n"
		    "keepalive         = %d\n",
		    peer_get(kv, n, "peer"), peer_get(kv, n, "sub_prefix"), peer_get(kv, n, "tap"),
		    peer_get(kv, n, "listen_port"), peer_get(kv, n, "server_public_key"),
		    CONF_DEFAULT_CLIENT_TAP, CONF_DEFAULT_BRIDGE, CONF_DEFAULT_KEEPALIVE);
	} else {
		printf("%s\n", peer_get(kv, n, "result"));
	}
	free(kv);
	free(reply);
	return 0;
}

int
cli_peer(const struct cli *cli, int argc, char *argv[])
{
	char req[CTL_REQUEST_LINE];

	if (argc >= 4 && argc <= 5 && strcmp(argv[1], "add") == 0) {
		/* the daemon checks every word; here only that they fit */
		if ((size_t)snprintf(req, sizeof(req), "peer add %s %s %s", argv[2], argv[3],
		    argc == 5 ? argv[4] : "auto") >= sizeof(req) || strpbrk(argv[2], " \n") != NULL ||
		    strpbrk(argv[3], " \n") != NULL || (argc == 5 && strpbrk(argv[4], " \n") != NULL)) {
			fprintf(stderr, "%s: peer add: arguments too long or with spaces\n", CLI_PROG);
			return 1;
		}
		return peer_request(cli, req, true);
	}
	if (argc == 3 && strcmp(argv[1], "remove") == 0) {
		if ((size_t)snprintf(req, sizeof(req), "peer remove %s", argv[2]) >= sizeof(req) ||
		    strpbrk(argv[2], " \n") != NULL) {
			fprintf(stderr, "%s: peer remove: bad name\n", CLI_PROG);
			return 1;
		}
		return peer_request(cli, req, false);
	}
	fprintf(stderr, "Usage: %s [-s SOCKET] peer add NAME PUBLIC-KEY [SUB-PREFIX] [--json]\n"
	    "       %s [-s SOCKET] peer remove NAME [--json]\n"
	    "SUB-PREFIX: auto (default), an index (5) or a prefix (2001:db8:64:1:14::/78)\n",
	    CLI_PROG, CLI_PROG);
	return 1;
}

int
cli_forward(const struct cli *cli, int argc, char *argv[])
{
	char req[CTL_REQUEST_LINE];
	int len = -1;

	/* the daemon checks every word; here only that they are words */
	for (int i = 1; i < argc; i++) {
		if (strpbrk(argv[i], " \n") != NULL || argv[i][0] == '\0') {
			fprintf(stderr, "%s: forward: empty arguments or with spaces\n", CLI_PROG);
			return 1;
		}
	}
	if (argc == 6 && strcmp(argv[1], "add") == 0)
		len = snprintf(req, sizeof(req), "forward add %s %s %s %s", argv[2], argv[3], argv[4], argv[5]);
	else if (argc == 5 && strcmp(argv[1], "remove") == 0)
		len = snprintf(req, sizeof(req), "forward remove %s %s %s", argv[2], argv[3], argv[4]);
	if (len < 0) {
		fprintf(stderr, "Usage: %s [-s SOCKET] forward add SITE tcp|udp PORT [IPV6]:PORT [--json]\n"
		    "       %s [-s SOCKET] forward remove SITE tcp|udp PORT [--json]\n",
		    CLI_PROG, CLI_PROG);
		return 1;
	}
	if ((size_t)len >= sizeof(req)) {
		fprintf(stderr, "%s: forward: arguments too long\n", CLI_PROG);
		return 1;
	}
	return peer_request(cli, req, false);
}

int
cli_reload(const struct cli *cli, int argc, char *argv[])
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "Usage: %s [-s SOCKET] reload [--json]\n", CLI_PROG);
		return 1;
	}
	return peer_request(cli, "reload", false);
}
