/* SPDX-License-Identifier: ISC */
/* wire_classify: every type at its exact size, one byte short and long,
 * non-zero reserved bytes, unknown types, and the data size limits. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire.h"

static void
test_sizes(void **state)
{
	(void)state;
	/* the layouts docs/PROTOCOL.md gives */
	assert_int_equal(WIRE_INITIATION_LEN, 152);
	assert_int_equal(WIRE_RESPONSE_LEN, 96);
	assert_int_equal(WIRE_COOKIE_REPLY_LEN, 64);
	assert_int_equal(WIRE_DATA_HEADER_LEN, 16);
	assert_int_equal(WIRE_DATA_MIN_LEN, 32);
	assert_int_equal(WIRE_INIT_MAC1_OFF, 120);
	assert_int_equal(WIRE_RESP_MAC1_OFF, 64);
}

static void
test_classify(void **state)
{
	static const struct { uint8_t type; size_t len; enum wire_drop want; } rows[] = {
		/*  1 */ { 1, 152, WIRE_OK },
		/*  2 */ { 1, 151, WIRE_DROP_LENGTH },
		/*  3 */ { 1, 153, WIRE_DROP_LENGTH },
		/*  4 */ { 2, 96, WIRE_OK },
		/*  5 */ { 2, 95, WIRE_DROP_LENGTH },
		/*  6 */ { 2, 97, WIRE_DROP_LENGTH },
		/*  7 */ { 3, 64, WIRE_OK },
		/*  8 */ { 3, 63, WIRE_DROP_LENGTH },
		/*  9 */ { 3, 65, WIRE_DROP_LENGTH },
		/* 10 */ { 4, 32, WIRE_OK },                    /* keepalive */
		/* 11 */ { 4, 31, WIRE_DROP_LENGTH },
		/* 12 */ { 4, 1500, WIRE_OK },
		/* 13 */ { 4, WIRE_DATA_MAX_LEN, WIRE_OK },
		/* 14 */ { 4, WIRE_DATA_MAX_LEN + 1, WIRE_DROP_LENGTH },
		/* 15 */ { 0, 152, WIRE_DROP_TYPE },
		/* 16 */ { 5, 152, WIRE_DROP_TYPE },
		/* 17 */ { 255, 32, WIRE_DROP_TYPE },
		/* 18 */ { 1, 3, WIRE_DROP_SHORT },
		/* 19 */ { 4, 0, WIRE_DROP_SHORT },
	};
	uint8_t *buf = calloc(1, WIRE_DATA_MAX_LEN + 1);

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum wire_type t = 0;
		enum wire_drop d;

		buf[0] = rows[i].type;
		d = wire_classify(buf, rows[i].len, &t);
		if (d != rows[i].want)
			fail_msg("row %zu: type %u len %zu: got %s, want %s", i + 1, rows[i].type,
			    rows[i].len, wire_drop_name(d), wire_drop_name(rows[i].want));
		if (d == WIRE_OK)
			assert_int_equal(t, rows[i].type);
	}
	/* any non-zero reserved byte */
	for (int b = 1; b < 4; b++) {
		buf[0] = 1;
		buf[b] = 0x80;
		assert_int_equal(wire_classify(buf, 152, &(enum wire_type){0}), WIRE_DROP_TYPE);
		buf[b] = 0;
	}
	free(buf);
}

/* Every length from 0 to 200 for every type byte: only the exact sizes pass,
 * and nothing past len is read (ASan checks the heap copy). */
static void
test_all_lengths(void **state)
{
	unsigned ok = 0;

	(void)state;
	for (unsigned type = 0; type < 256; type++) {
		for (size_t len = 0; len <= 200; len++) {
			uint8_t *buf = calloc(1, len ? len : 1);
			enum wire_type t;

			assert_non_null(buf);
			if (len)
				buf[0] = (uint8_t)type;
			if (wire_classify(buf, len, &t) == WIRE_OK)
				ok++;
			free(buf);
		}
	}
	/* 152, 96, 64, and data 32..200 */
	assert_int_equal(ok, 3 + (200 - 32 + 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_all_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
