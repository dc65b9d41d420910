/* SPDX-License-Identifier: ISC */
/* Fuzz target: what a compromised engine could send the parent. Parse it;
 * what parses must build back to the same bytes, and the parent's policy
 * checks must cope with whatever parsed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct privmsg m;
	static uint8_t out[PRIV_MSG_MAX];
	static struct conf_peer peer = { .name = "home1", .tap = "v6x-home1", .has_psk = true,
	    .psk_file = "/etc/v6ext/home1.psk" };
	static struct conf_server conf = { .private_key_file = "/etc/v6ext/server.key",
	    .sub_prefix_len = 78, .peers = &peer, .n_peers = 1 };
	struct privmsg_policy pol = { .conf = &conf, .prefix = { .addr = { { { 0x20, 0x01, 0x0d, 0xb8 } } }, .len = 64 } };
	const char *why;
	size_t len;

	if (privmsg_parse(data, size, &m, &why) != 0)
		return 0;
	/* a round trip: the builder writes exactly what the parser read */
	len = privmsg_build(&m, out, sizeof(out));
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	if (!m.reply && m.type == PRIV_SITE_OPEN)
		(void)privmsg_site_allowed(&pol, &m, &why);
	if (!m.reply && m.type == PRIV_KEY_OPEN)
		(void)privmsg_key_allowed(&pol, &m, &why);
	return 0;
}
