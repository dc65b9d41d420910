/* SPDX-License-Identifier: ISC */
/* Fuzz target: a server configuration file. Whatever the bytes, parsing
 * returns 0 with a configuration that keeps every documented limit, or -1
 * with "NAME:..." and the output zeroed; and never leaks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* err is "fuzz.conf:LINE: message" or "fuzz.conf: message"; only the
 * message itself tells an internal error (values are echoed in it). */
static bool
well_formed(const char *err)
{
	const char *p = err + strlen("fuzz.conf");

	if (strncmp(err, "fuzz.conf", strlen("fuzz.conf")) != 0)
		return false;
	if (p[0] == ':' && p[1] >= '0' && p[1] <= '9')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (strncmp(p, ": ", 2) != 0)
		return false;
	return strncmp(p + 2, "internal error", strlen("internal error")) != 0;
}

static bool
zeroed(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
check(const struct conf_server *c)
{
	size_t n;

	if (c->private_key_file[0] != '/' || c->upstream[0] == '\0' ||
	    c->listen_port == 0 || c->mtu < CONF_MTU_MIN || c->n_dns > CONF_DNS_MAX ||
	    !prefix_sub_len_ok(conf_server_base_len(c), c->sub_prefix_len) ||
	    (conf_server_routed(c) && c->ndp_proxy != CONF_NDP_OFF) ||
	    c->n_peers > CONF_PEERS_MAX || (c->n_peers > 0) != (c->peers != NULL))
		abort();
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct conf_peer *p = &c->peers[i];

		n = strlen(p->tap);
		if (p->name[0] == '\0' || n == 0 || n > IFNAMSIZ - 1 || p->line < 1 ||
		    conf_server_find_peer(c, p->name) != p ||
		    (p->sub_kind == CONF_SUB_INDEX &&
		    (p->sub_index == 0 || p->sub_index >= prefix_sub_count(conf_server_base_len(c), c->sub_prefix_len))) ||
		    (p->sub_kind == CONF_SUB_PREFIX && p->sub_prefix.len != c->sub_prefix_len))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_server c;
	char err[CONF_ERR_LEN];

	if (conf_server_parse("fuzz.conf", data, size, &c, err, sizeof(err)) == 0) {
		check(&c);
		conf_server_free(&c);
	} else if (!well_formed(err) || !zeroed(&c, sizeof(c))) {
		abort();
	}
	return 0;
}
