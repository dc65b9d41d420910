/* SPDX-License-Identifier: ISC */
/* forwards: a public port is forwarded once; removal keeps the order; the
 * state file keeps exactly the run-time forwards and reads back the same;
 * a hostile file is refused with the line that is wrong. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forwards.h"

static struct conf_forward
fwd(const char *peer, uint8_t proto, uint16_t port, const char *addr, uint16_t to_port)
{
	struct conf_forward f = { .proto = proto, .port = port, .to_port = to_port };

	strcpy(f.peer, peer);
	assert_int_equal(inet_pton(AF_INET6, addr, &f.addr), 1);
	return f;
}

static void
test_add_find_remove(void **state)
{
	struct forwards fw;
	struct conf_forward a = fwd("home1", IPPROTO_TCP, 443, "2001:db8:64:1:4::100", 443);
	struct conf_forward b = fwd("home1", IPPROTO_UDP, 443, "2001:db8:64:1:4::100", 443);
	struct conf_forward c = fwd("home2", IPPROTO_TCP, 80, "2001:db8:64:1:8::1", 8080);

	(void)state;
	forwards_init(&fw);
	assert_int_equal(forwards_add(&fw, &a, false), 0);
	assert_int_equal(forwards_add(&fw, &b, true), 0);       /* UDP 443 is another port */
	assert_int_equal(forwards_add(&fw, &c, true), 0);
	c.peer[4] = '3';
	assert_int_equal(forwards_add(&fw, &c, true), -1);      /* tcp 80 taken, by any peer */
	assert_int_equal(errno, EEXIST);
	assert_non_null(forwards_find(&fw, IPPROTO_TCP, 443));
	assert_string_equal(forwards_find(&fw, IPPROTO_TCP, 80)->f.peer, "home2");
	assert_null(forwards_find(&fw, IPPROTO_UDP, 80));
	assert_int_equal(forwards_remove(&fw, IPPROTO_UDP, 443), 0);
	assert_int_equal(fw.n, 2);
	assert_int_equal(fw.v[0].f.port, 443);                  /* the order stays */
	assert_int_equal(fw.v[1].f.port, 80);
	assert_int_equal(forwards_remove(&fw, IPPROTO_UDP, 443), -1);
	assert_int_equal(errno, ENOENT);
	forwards_free(&fw);
}

static void
test_state_round_trip(void **state)
{
	struct forwards fw, back;
	struct conf_forward a = fwd("home1", IPPROTO_TCP, 443, "2001:db8:64:1:4::100", 443);
	struct conf_forward b = fwd("home-2.x", IPPROTO_UDP, 3478, "2001:db8:64:1:8::1", 3479);
	char *text, err[256];
	size_t len;

	(void)state;
	forwards_init(&fw);
	forwards_init(&back);
	assert_int_equal(forwards_add(&fw, &a, false), 0);      /* the configuration's: not kept */
	assert_int_equal(forwards_add(&fw, &b, true), 0);
	assert_int_equal(forwards_build(&fw, &text, &len), 0);
	assert_non_null(strstr(text, "\nv6ext-forwards 1\nforward home-2.x udp 3478 [2001:db8:64:1:8::1]:3479\nend 1\n"));
	assert_null(strstr(text, "home1"));
	assert_int_equal(forwards_parse((const uint8_t *)text, len, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 1);
	assert_true(back.v[0].runtime);
	assert_string_equal(back.v[0].f.peer, "home-2.x");
	assert_int_equal(back.v[0].f.proto, IPPROTO_UDP);
	assert_int_equal(back.v[0].f.port, 3478);
	assert_int_equal(back.v[0].f.to_port, 3479);
	assert_memory_equal(&back.v[0].f.addr, &b.addr, 16);
	/* every cut of the file is refused, none read past its end */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, text, cut);
		assert_int_equal(forwards_parse(copy, cut, &back, err, sizeof(err)), -1);
		free(copy);
	}
	free(text);
	forwards_free(&fw);
	forwards_free(&back);
}

static void
expect_bad(const char *text, const char *why)
{
	struct forwards fw;
	char err[256] = "";

	forwards_init(&fw);
	if (forwards_parse((const uint8_t *)text, strlen(text), &fw, err, sizeof(err)) != -1)
		fail_msg("accepted: %s", text);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': got '%s', want '%s'", text, err, why);
	forwards_free(&fw);
}

static void
test_hostile(void **state)
{
	(void)state;
	expect_bad("v6ext-forwards 2\nend 0\n", "line 1: not a v6ext forwards file");
	expect_bad("v6ext-forwards 1\nforward home1 tcp 443 [2001:db8::1]:443\nend 2\n", "line 3: the end line");
	expect_bad("v6ext-forwards 1\nforward home1 tcp 443 [2001:db8::1]:443\nforward home2 tcp 443 [2001:db8::2]:443\nend 2\n",
	    "line 3: a public port forwarded twice");
	expect_bad("v6ext-forwards 1\nforward home/1 tcp 443 [2001:db8::1]:443\nend 1\n", "line 2: not a peer name");
	expect_bad("v6ext-forwards 1\nforward home1 icmp 443 [2001:db8::1]:443\nend 1\n", "line 2: ");
	expect_bad("v6ext-forwards 1\nforward home1\nend 0\n", "line 2: expected");
	expect_bad("v6ext-forwards 1\nend 0\nforward home1 tcp 1 [2001:db8::1]:1\n", "line 3: text after the end line");
	expect_bad("v6ext-forwards 1\n", "no end line");
	expect_bad("", "empty");
	expect_bad("v6ext-forwards 1\nend 0", "truncated");
	{
		static const char nul[] = "v6ext-forwards 1\nend 0\0\n";
		struct forwards fw;
		char err[256] = "";

		forwards_init(&fw);
		assert_int_equal(forwards_parse((const uint8_t *)nul, sizeof(nul) - 1, &fw, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "line 2: a NUL byte"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_remove),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
