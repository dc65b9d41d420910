/* SPDX-License-Identifier: ISC */
/* cli: what the v6ext subcommands share. v6ext.c parses the global options
 * (v6ext [-s SOCKET] COMMAND [--json]) and dispatches; each subcommand is
 * one cli_<name>() that gets its own argv (argv[0] is the command name,
 * --json already removed) and returns the process exit status. */
#ifndef V6EXT_CLI_H
#define V6EXT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_PROG "v6ext"

struct cli {
	const char *socket;     /* -s SOCKET, or NULL for the daemon's default */
	bool json;              /* --json: one JSON object on stdout */
};

/* genkey.c */
int cli_genkey(const struct cli *cli, int argc, char *argv[]);
int cli_pubkey(const struct cli *cli, int argc, char *argv[]);
/* show.c */
int cli_show(const struct cli *cli, int argc, char *argv[]);
/* One line of a daemon's reply, split at '='. */
struct kv {
	char *key, *val;
};
/* Send req to the daemon (cli->socket or the default) and split its reply,
 * checked line by line, into *kv (n pairs, pointing into *reply; free
 * both). -1 after printing why. */
int cli_request(const struct cli *cli, const char *req, struct kv **kv, size_t *n, char **reply);
bool cli_is_number(const char *s);
/* A reply's value in JSON: a number for counters and times, a string for
 * the keys that name things and for anything not a plain integer. */
void cli_json_value(const char *key, const char *val);
/* s as a JSON string, escaped. */
void cli_json_string(const char *s);
/* peer.c */
int cli_peer(const struct cli *cli, int argc, char *argv[]);
int cli_forward(const struct cli *cli, int argc, char *argv[]);
int cli_reload(const struct cli *cli, int argc, char *argv[]);
/* leases.c */
int cli_leases(const struct cli *cli, int argc, char *argv[]);

#endif
