/* SPDX-License-Identifier: ISC */
/* leases: the DHCPv6 leases v6extd holds, per site (`v6ext leases`): the
 * addresses, the declined ones, the delegated prefixes; or as one JSON
 * object with --json. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void
leases_json(const struct kv *kv, size_t n)
{
	bool open = false;

	printf("{\"leases\":[");
	for (size_t i = 0; i < n; i++) {
		bool start = strcmp(kv[i].key, "lease") == 0;

		if (start)
			printf("%s{\"address\":", open ? "}," : "");
		else if (!open)
			continue;       /* nothing before the first lease */
		else {
			printf(",");
			cli_json_string(kv[i].key);
			putchar(':');
		}
		if (start)
			cli_json_string(kv[i].val);
		else
			cli_json_value(kv[i].key, kv[i].val);
		open = true;
	}
	printf("%s]}\n", open ? "}" : "");
}

static const char *
leases_get(const struct kv *kv, size_t from, size_t to, const char *key)
{
	for (size_t i = from; i < to; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return "";
}

static void
leases_text(const struct kv *kv, size_t n)
{
	const char *site = NULL;
	long long now = (long long)time(NULL);
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		size_t end = i + 1;
		const char *s, *exp;

		if (strcmp(kv[i].key, "lease") != 0)
			continue;
		while (end < n && strcmp(kv[end].key, "lease") != 0)
			end++;
		s = leases_get(kv, i, end, "site");
		exp = leases_get(kv, i, end, "expires");
		if (site == NULL || strcmp(site, s) != 0)
			printf("%ssite: %s\n", site == NULL ? "" : "\n", s);
		site = s;
		if (strcmp(leases_get(kv, i, end, "state"), "declined") == 0)
			printf("  %s  declined, back in the pool in %lld s\n", kv[i].val, atoll(exp) - now);
		else if (strcmp(leases_get(kv, i, end, "state"), "delegated") == 0)
			printf("  %s  delegated to %s  duid %s  iaid %s  expires in %lld s\n", kv[i].val,
			    leases_get(kv, i, end, "via"), leases_get(kv, i, end, "duid"),
			    leases_get(kv, i, end, "iaid"), atoll(exp) - now);
		else
			printf("  %s  %s  duid %s  iaid %s  expires in %lld s\n", kv[i].val,
			    leases_get(kv, i, end, "name")[0] ? leases_get(kv, i, end, "name") : "-",
			    leases_get(kv, i, end, "duid"), leases_get(kv, i, end, "iaid"), atoll(exp) - now);
		count++;
	}
	if (count == 0)
		printf("no leases\n");
}

int
cli_leases(const struct cli *cli, int argc, char *argv[])
{
	struct kv *kv;
	char *reply;
	size_t n;

	if (argc > 1) {
		fprintf(stderr, "Usage: %s [-s SOCKET] leases [--json]\n", CLI_PROG);
		return 1;
	}
	(void)argv;
	if (cli_request(cli, "leases", &kv, &n, &reply) != 0)
		return 1;
	if (cli->json)
		leases_json(kv, n);
	else
		leases_text(kv, n);
	free(kv);
	free(reply);
	return 0;
}
