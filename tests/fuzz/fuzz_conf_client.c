/* SPDX-License-Identifier: ISC */
/* Fuzz target: a client configuration file. Whatever the bytes, parsing
 * returns 0 with a configuration that keeps every documented limit, or -1
 * with "NAME:..." and the output zeroed. */
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_client c;
	char err[CONF_ERR_LEN];

	if (conf_client_parse("fuzz.conf", data, size, &c, err, sizeof(err)) == 0) {
		if (c.private_key_file[0] != '/' || c.server_host[0] == '\0' ||
		    c.server_port == 0 || c.tap[0] == '\0' || c.bridge[0] == '\0' ||
		    strcmp(c.tap, c.bridge) == 0 || c.keepalive > 3600 || c.mtu < CONF_MTU_MIN ||
		    c.control_socket[0] != '/' || (c.has_psk && c.psk_file[0] != '/'))
			abort();
	} else if (!well_formed(err) || !zeroed(&c, sizeof(c))) {
		abort();
	}
	return 0;
}
