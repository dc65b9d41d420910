/* SPDX-License-Identifier: ISC */
/* stamps: the timestamps file round-trips; the greater timestamp stays;
 * a file in any order loads, and a whole /64 of peers is found again;
 * hostile files are refused with the line and the reason. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stamps.h"

static void
test_roundtrip(void **state)
{
	struct stamps a, b;
	uint8_t ts[WIRE_TIMESTAMP_LEN] = { 0x40, 0, 0, 0, 0x69, 0x2f };
	char *text, err[256];
	size_t len;

	(void)state;
	stamps_init(&a);
	stamps_init(&b);
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "home%d", i);
		ts[11] = (uint8_t)i;
		assert_int_equal(stamps_put(&a, name, ts), 0);
	}
	/* an older one does not lower it, a newer one raises it */
	ts[11] = 0;
	assert_int_equal(stamps_put(&a, "home5", ts), 0);
	assert_int_equal(stamps_find(&a, "home5")->ts[11], 5);
	ts[11] = 200;
	assert_int_equal(stamps_put(&a, "home5", ts), 0);
	assert_int_equal(stamps_find(&a, "home5")->ts[11], 200);
	assert_int_equal(stamps_build(&a, &text, &len), 0);
	if (stamps_parse((const uint8_t *)text, len, &b, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(b.n, a.n);
	for (size_t i = 0; i < a.n; i++)
		assert_memory_equal(stamps_find(&b, a.v[i].name)->ts, a.v[i].ts, WIRE_TIMESTAMP_LEN);
	free(text);
	/* an empty table, too */
	stamps_free(&a);
	assert_int_equal(stamps_build(&a, &text, &len), 0);
	assert_int_equal(stamps_parse((const uint8_t *)text, len, &b, err, sizeof(err)), 0);
	assert_int_equal(b.n, 0);
	free(text);
	stamps_free(&b);
}

/* 16 384 peers (a /64 of /78s), written in descending order, the way no
 * build writes them: all found, each with its own timestamp; a name twice,
 * far apart, is refused by name. */
static void
test_any_order(void **state)
{
	enum { N = 16384 };
	size_t cap = 64 + N * 48, len = 0;
	char *text = malloc(cap), err[256];
	struct stamps s;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len, "v6ext-timestamps 1\n");
	for (int i = N - 1; i >= 0; i--)
		len += (size_t)snprintf(text + len, cap - len, "peer p%05d 4000000069%014x\n", i, (unsigned)i);
	len += (size_t)snprintf(text + len, cap - len, "end %d\n", N);
	stamps_init(&s);
	if (stamps_parse((const uint8_t *)text, len, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(s.n, N);
	for (int i = 0; i < N; i++) {
		char name[16];
		const struct stamp *st;

		snprintf(name, sizeof(name), "p%05d", i);
		assert_non_null(st = stamps_find(&s, name));
		assert_int_equal(st->ts[10] << 8 | st->ts[11], i & 0xffff);
	}
	assert_null(stamps_find(&s, "p99999"));
	/* the first line's peer once more, just before the end line */
	len -= strlen("end 16384\n");
	len += (size_t)snprintf(text + len, cap - len, "peer p%05d 400000006900000000000000\nend %d\n", N - 1, N + 1);
	assert_int_equal(stamps_parse((const uint8_t *)text, len, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "peer p16383 appears twice"));
	stamps_free(&s);
	free(text);
}

static void
test_hostile(void **state)
{
	static const char *const bad[] = {
		/*  1 */ "",
		/*  2 */ "v6ext-timestamps 2\nend 0\n",
		/*  3 */ "v6ext-timestamps 1\n",
		/*  4 */ "v6ext-timestamps 1\nend 1\n",
		/*  5 */ "v6ext-timestamps 1\npeer a 000000000000000000000000\nend 0\n",
		/*  6 */ "v6ext-timestamps 1\npeer a 00000000000000000000000\nend 1\n",
		/*  7 */ "v6ext-timestamps 1\npeer a 00000000000000000000000g\nend 1\n",
		/*  8 */ "v6ext-timestamps 1\npeer a/b 000000000000000000000000\nend 1\n",
		/*  9 */ "v6ext-timestamps 1\npeer a 000000000000000000000000\npeer a 000000000000000000000001\nend 2\n",
		/* 10 */ "v6ext-timestamps 1\npeer a  000000000000000000000000\nend 1\n",
		/* 11 */ "v6ext-timestamps 1\nend 0\njunk\n",
		/* 12 */ "v6ext-timestamps 1\nend 0",
		/* 13 */ "v6ext-timestamps 1\npeer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 000000000000000000000000\nend 1\n",
		/* 14 */ "v6ext-timestamps 1\nsite a 1\nend 1\n",
	};
	struct stamps s;
	char err[256];

	(void)state;
	stamps_init(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (stamps_parse((const uint8_t *)bad[i], strlen(bad[i]), &s, err, sizeof(err)) != -1)
			fail_msg("row %zu parsed", i + 1);
		assert_true(err[0] != '\0');
	}
	/* a NUL inside a line */
	{
		const char t[] = "v6ext-timestamps 1\npeer a\0 000000000000000000000000\nend 1\n";

		assert_int_equal(stamps_parse((const uint8_t *)t, sizeof(t) - 1, &s, err, sizeof(err)), -1);
	}
	stamps_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
