/* SPDX-License-Identifier: ISC */
/* v6ext: the administration tool. One table of subcommands, each with a
 * one-line help, in the shape of wg(8):
 *
 *	v6ext [-s SOCKET] COMMAND [--json] [ARGS...]
 *
 * Global options come before the command; --json may stand anywhere after
 * it and is taken out before the command sees its arguments. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"

struct v6ext_cmd {
	const char *name;
	int (*run)(const struct cli *cli, int argc, char *argv[]);
	const char *help;
};

static int v6ext_help(const struct cli *cli, int argc, char *argv[]);

static const struct v6ext_cmd v6ext_cmds[] = {
	{ "show", cli_show, "Shows the daemon's peers, sessions, traffic and drops" },
	{ "leases", cli_leases, "Lists the DHCPv6 leases v6extd holds, per site" },
	{ "peer", cli_peer, "peer add NAME PUBKEY [SUB-PREFIX] | peer remove NAME: changes v6extd's peers at run time" },
	{ "forward", cli_forward, "forward add SITE tcp|udp PORT [IPV6]:PORT | forward remove SITE tcp|udp PORT:"
	    " forwards a port of the VPS's public IPv4 to a site host at run time" },
	{ "reload", cli_reload, "Makes v6extd read its configuration again (as SIGHUP does)" },
	{ "genkey", cli_genkey, "Generates a new private key and writes it to stdout" },
	{ "pubkey", cli_pubkey, "Reads a private key from stdin and writes its public key to stdout" },
	{ "help", v6ext_help, "Shows this help" },
};

static void
v6ext_usage(FILE *f)
{
	fprintf(f, "Usage: %s [-s SOCKET] COMMAND [--json] [ARGS...]\n\n", CLI_PROG);
	fprintf(f, "Available commands:\n");
	for (size_t i = 0; i < sizeof(v6ext_cmds) / sizeof(v6ext_cmds[0]); i++)
		fprintf(f, "  %s: %s\n", v6ext_cmds[i].name, v6ext_cmds[i].help);
	fprintf(f, "\nOptions:\n"
	    "  -s SOCKET  the control socket of the daemon to talk to\n"
	    "  --json     print one JSON object instead of text\n"
	    "\nYou may pass '--help' to any command for its usage.\n");
}

static int
v6ext_help(const struct cli *cli, int argc, char *argv[])
{
	(void)cli;
	(void)argc;
	(void)argv;
	v6ext_usage(stdout);
	return 0;
}

static const struct v6ext_cmd *
v6ext_find(const char *name)
{
	for (size_t i = 0; i < sizeof(v6ext_cmds) / sizeof(v6ext_cmds[0]); i++)
		if (strcmp(v6ext_cmds[i].name, name) == 0)
			return &v6ext_cmds[i];
	return NULL;
}

/* Take every --json out of argv (up to a "--"); returns the new argc. */
static int
v6ext_strip_json(struct cli *cli, int argc, char *argv[])
{
	int i, j;

	for (i = j = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--json") == 0) {
			cli->json = true;
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return j;
}

int
main(int argc, char *argv[])
{
	struct cli cli = { .socket = NULL, .json = false };
	const struct v6ext_cmd *cmd;

	if (sodium_init() < 0) {
		fprintf(stderr, "%s: libsodium could not be initialised\n", CLI_PROG);
		return 1;
	}

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (strcmp(argv[0], "--") == 0) {
			argc--;
			argv++;
			break;
		} else if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
			v6ext_usage(stdout);
			return 0;
		} else if (strcmp(argv[0], "--json") == 0) {
			cli.json = true;
		} else if (strncmp(argv[0], "-s", 2) == 0) {
			/* "-s PATH" or "-sPATH", as getopt would take it */
			if (argv[0][2] != '\0') {
				cli.socket = argv[0] + 2;
			} else if (argc > 1 && argv[1][0] != '\0') {
				cli.socket = argv[1];
				argc--;
				argv++;
			} else {
				fprintf(stderr, "%s: option -s needs a socket path\n\n", CLI_PROG);
				v6ext_usage(stderr);
				return 1;
			}
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n\n", CLI_PROG, argv[0]);
			v6ext_usage(stderr);
			return 1;
		}
		argc--;
		argv++;
	}

	if (argc == 0) {
		/* a bare "v6ext" means "v6ext show", as with wg */
		static char show[] = "show";
		static char *show_argv[] = { show, NULL };

		return cli_show(&cli, 1, show_argv);
	}
	if ((cmd = v6ext_find(argv[0])) == NULL) {
		fprintf(stderr, "%s: unknown command '%s'\n\n", CLI_PROG, argv[0]);
		v6ext_usage(stderr);
		return 1;
	}
	argc = v6ext_strip_json(&cli, argc, argv);
	return cmd->run(&cli, argc, argv);
}
