/* SPDX-License-Identifier: ISC */
/* nftrules: the table replaces itself in one transaction, each forward is
 * one DNAT rule to its mapped address, the pool is masqueraded on upstream
 * only, the translator's device never forwards into itself; a buffer too
 * small gives nothing rather than half a ruleset. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nftrules.h"

static struct nftrules
fixture(const struct nftrules_dnat *d, size_t n)
{
	struct nftrules r = { .pool_len = 16, .dnat = d, .n_dnat = n };

	strcpy(r.upstream, "eth0");
	strcpy(r.dev, "v6ext-nat64");
	inet_pton(AF_INET, "203.0.113.1", &r.public4);
	inet_pton(AF_INET, "198.18.0.0", &r.pool);
	return r;
}

static void
test_build(void **state)
{
	struct nftrules_dnat d[2] = {
		{ .proto = IPPROTO_TCP, .port = 443, .to_port = 8443 },
		{ .proto = IPPROTO_UDP, .port = 3478, .to_port = 3478 },
	};
	struct nftrules r;
	static char buf[NFTRULES_TEXT_MAX];
	size_t len;

	(void)state;
	inet_pton(AF_INET, "198.18.0.2", &d[0].to);
	inet_pton(AF_INET, "203.0.113.11", &d[1].to);
	r = fixture(d, 2);
	len = nftrules_build(&r, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(strlen(buf), len);
	/* the first lines make the replacement atomic and harmless when the
	 * table does not exist yet */
	assert_true(strncmp(buf, "table inet v6ext\ndelete table inet v6ext\ntable inet v6ext {\n", 58) == 0);
	assert_non_null(strstr(buf, "\t\tip daddr 203.0.113.1 tcp dport 443 dnat ip to 198.18.0.2:8443\n"));
	assert_non_null(strstr(buf, "\t\tip daddr 203.0.113.1 udp dport 3478 dnat ip to 203.0.113.11:3478\n"));
	assert_non_null(strstr(buf, "oifname \"eth0\" ip saddr 198.18.0.0/16 masquerade\n"));
	assert_non_null(strstr(buf, "iifname \"v6ext-nat64\" oifname \"v6ext-nat64\" drop\n"));
	assert_non_null(strstr(buf, "type nat hook prerouting priority dstnat;"));
	assert_non_null(strstr(buf, "type nat hook postrouting priority srcnat;"));
	assert_string_equal(buf + len - 4, "}\n}\n");        /* the forward chain, the table */

	/* no forwards: the chains stay (egress needs them) */
	r = fixture(NULL, 0);
	len = nftrules_build(&r, buf, sizeof(buf));
	assert_true(len > 0);
	assert_null(strstr(buf, "dnat"));
	assert_non_null(strstr(buf, "masquerade"));
}

static void
test_cap(void **state)
{
	struct nftrules_dnat d = { .proto = IPPROTO_TCP, .port = 80, .to_port = 80 };
	struct nftrules r = fixture(&d, 1);
	char buf[512];
	size_t full;

	(void)state;
	full = nftrules_build(&r, buf, sizeof(buf));
	assert_true(full > 0);
	for (size_t cap = 0; cap <= full; cap++)
		assert_int_equal(nftrules_build(&r, buf, cap), 0);
	assert_int_equal(nftrules_build(&r, buf, full + 1), full);
	assert_string_equal(nftrules_delete(), "table inet v6ext\ndelete table inet v6ext\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
