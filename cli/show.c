/* SPDX-License-Identifier: ISC */
/* show: what a daemon reports on its control socket, for people (like
 * `wg show`) or, with --json, for scripts. The reply is checked line by line
 * before anything is printed: a daemon's words are input like any other. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "ctl.h"
#include "ctl_proto.h"

bool
cli_is_number(const char *s)
{
	if (*s == '\0' || strlen(s) > 20)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Split the reply into key=value pairs in place; -1 on a malformed line. */
static int
show_parse(char *reply, struct kv **out, size_t *n, int *err_no)
{
	size_t cap = 0;
	char *line, *save = NULL;

	*out = NULL;
	*n = 0;
	*err_no = -1;
	for (line = strtok_r(reply, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (eq == NULL || eq == line || strlen(line) > CTL_LINE_MAX)
			return -1;
		*eq = '\0';
		for (char *p = line; *p; p++)
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
				return -1;
		for (char *p = eq + 1; *p; p++)
			if (!isprint((unsigned char)*p))
				return -1;
		if (strcmp(line, "errno") == 0) {
			if (!cli_is_number(eq + 1))
				return -1;
			*err_no = atoi(eq + 1);
			continue;
		}
		if (*n == cap) {
			struct kv *nk = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof(**out));

			if (nk == NULL)
				return -1;
			*out = nk;
		}
		(*out)[*n].key = line;
		(*out)[(*n)++].val = eq + 1;
	}
	return *err_no < 0 ? -1 : 0;
}

/* Keys whose values are names, keys, addresses or identifiers: strings in
 * JSON even when all digits (a peer "007", a DUID "00010001..."). */
static const char *const cli_string_keys[] = {
	"bridge", "cipher", "duid", "endpoint", "error", "lease", "name", "ndp_proxy", "peer", "prefix",
	"public_key", "result", "role", "server_public_key", "session", "site", "state",
	"sub_prefix", "tap", "upstream", "via",
};

void
cli_json_value(const char *key, const char *val)
{
	bool number = cli_is_number(val) && (val[0] != '0' || val[1] == '\0');

	for (size_t i = 0; number && i < sizeof(cli_string_keys) / sizeof(cli_string_keys[0]); i++)
		number = strcmp(key, cli_string_keys[i]) != 0;
	if (number)
		printf("%s", val);
	else
		cli_json_string(val);
}

void
cli_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* The keys that start a block of the reply, and the JSON array each
 * block goes to: peers, then the translator's forwards and mappings. */
static const struct {
	const char *key, *array, *name;
} show_blocks[] = {
	{ "peer", "peers", "name" },
	{ "forward", "forwards", "forward" },
	{ "mapping", "mappings", "address" },
};

static int
show_block_of(const char *key)
{
	for (size_t i = 0; i < sizeof(show_blocks) / sizeof(show_blocks[0]); i++)
		if (strcmp(key, show_blocks[i].key) == 0)
			return (int)i;
	return -1;
}

static void
show_json(const struct kv *kv, size_t n)
{
	bool first = true, drops_open = false, any_peers = false;
	int array = -1;         /* the block array open, or -1 */

	printf("{");
	for (size_t i = 0; i < n; i++) {
		bool drop = strncmp(kv[i].key, "drop_", 5) == 0;
		int b = show_block_of(kv[i].key);

		if (b >= 0) {
			if (drops_open)
				printf("}");
			if (array >= 0)
				printf("}");
			if (b != array)
				printf("%s\"%s\":[", array >= 0 ? "]," : ",", show_blocks[b].array);
			else
				printf(",");
			printf("{\"%s\":", show_blocks[b].name);
			cli_json_string(kv[i].val);
			any_peers |= b == 0;
			array = b;
			drops_open = false;
			first = false;
			continue;
		}
		if (drop && !drops_open) {
			printf("%s\"drops\":{", first ? "" : ",");
			drops_open = true;
			first = true;
		} else if (!drop && drops_open) {
			printf("}");
			drops_open = false;
			first = false;
		}
		printf("%s", first ? "" : ",");
		cli_json_string(drop ? kv[i].key + 5 : kv[i].key);
		putchar(':');
		cli_json_value(kv[i].key, kv[i].val);
		first = false;
	}
	if (drops_open)
		printf("}");
	if (array >= 0)
		printf("}]");
	if (!any_peers)
		printf(",\"peers\":[]");
	printf("}\n");
}

static const char *
show_get(const struct kv *kv, size_t from, size_t to, const char *key)
{
	for (size_t i = from; i < to; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return "";
}

static void
show_block(const struct kv *kv, size_t from, size_t to)
{
	const char *hs = show_get(kv, from, to, "latest_handshake");
	bool any = false;

	for (size_t i = from; i < to; i++) {
		const char *k = kv[i].key;

		if (show_block_of(k) >= 0 || strcmp(k, "role") == 0 || strncmp(k, "drop_", 5) == 0 ||
		    strcmp(k, "latest_handshake") == 0 || strncmp(k, "rx_", 3) == 0 || strncmp(k, "tx_", 3) == 0)
			continue;
		if (*kv[i].val == '\0')
			continue;
		printf("  %s: %s\n", k, kv[i].val);
	}
	if (cli_is_number(hs) && strcmp(hs, "0") != 0)
		printf("  latest handshake: %lld seconds ago\n", (long long)time(NULL) - atoll(hs));
	if (*show_get(kv, from, to, "rx_bytes"))
		printf("  transfer: %s B received (%s packets), %s B sent (%s packets)\n",
		    show_get(kv, from, to, "rx_bytes"), show_get(kv, from, to, "rx_packets"),
		    show_get(kv, from, to, "tx_bytes"), show_get(kv, from, to, "tx_packets"));
	for (size_t i = from; i < to; i++) {
		if (strncmp(kv[i].key, "drop_", 5) != 0 || strcmp(kv[i].val, "0") == 0)
			continue;
		printf("%s%s %s", any ? ", " : "  drops: ", kv[i].key + 5, kv[i].val);
		any = true;
	}
	if (any)
		putchar('\n');
}

static void
show_text(const struct kv *kv, size_t n)
{
	size_t start = 0;

	printf("interface: %s\n", show_get(kv, 0, n, "role"));
	for (size_t i = 0; i <= n; i++) {
		if (i < n && show_block_of(kv[i].key) < 0)
			continue;
		show_block(kv, start, i);
		if (i < n)
			printf("\n%s: %s\n", kv[i].key, kv[i].val);
		start = i;
	}
}

int
cli_request(const struct cli *cli, const char *req, struct kv **kv, size_t *n, char **reply)
{
	const char *path = cli->socket;
	char err[512];
	int err_no;

	*kv = NULL;
	if (path == NULL)
		path = access(CONF_DEFAULT_SERVER_SOCK, F_OK) == 0 ? CONF_DEFAULT_SERVER_SOCK : CONF_DEFAULT_CLIENT_SOCK;
	if ((*reply = ctl_request(path, req, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", CLI_PROG, err);
		return -1;
	}
	if (show_parse(*reply, kv, n, &err_no) != 0) {
		fprintf(stderr, "%s: %s: malformed reply from the daemon\n", CLI_PROG, path);
		free(*kv);
		free(*reply);
		return -1;
	}
	if (err_no != 0) {
		const char *why = NULL;

		/* the daemon's own words, when it gave any */
		for (size_t i = 0; i < *n && why == NULL; i++)
			if (strcmp((*kv)[i].key, "error") == 0)
				why = (*kv)[i].val;
		if (why == NULL)
			why = err_no == EINVAL ? "this daemon does not know the command" : strerror(err_no);
		fprintf(stderr, "%s: %s\n", CLI_PROG, why);
		free(*kv);
		free(*reply);
		return -1;
	}
	return 0;
}

int
cli_show(const struct cli *cli, int argc, char *argv[])
{
	struct kv *kv;
	char *reply;
	size_t n;

	if (argc > 1) {
		fprintf(stderr, "Usage: %s [-s SOCKET] show [--json]\n", CLI_PROG);
		return 1;
	}
	(void)argv;
	if (cli_request(cli, "show", &kv, &n, &reply) != 0)
		return 1;
	if (cli->json)
		show_json(kv, n);
	else
		show_text(kv, n);
	free(kv);
	free(reply);
	return 0;
}
