/* SPDX-License-Identifier: ISC */
/* hsqueue: first in, first out; full at HSQUEUE_MAX (counted); under load
 * from HSQUEUE_LOAD_DEPTH waiting, and for a second after the last time;
 * one at a time, the queue never leaves its first slot. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hsqueue.h"

static void
test_queue(void **state)
{
	struct hsqueue q;
	uint8_t msg[WIRE_INITIATION_LEN];
	struct endpoint from = { .len = 1 };
	const struct hsqueue_item *it;
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(hsqueue_init(&q), 0);
	assert_false(hsqueue_under_load(&q, now));
	assert_null(hsqueue_pop(&q));
	for (uint32_t i = 0; i < HSQUEUE_MAX; i++) {
		memcpy(msg, &i, sizeof(i));
		assert_true(hsqueue_push(&q, msg, &from, now));
		if (i + 1 < HSQUEUE_LOAD_DEPTH)
			assert_false(hsqueue_under_load(&q, now));
	}
	assert_true(hsqueue_under_load(&q, now));
	assert_false(hsqueue_push(&q, msg, &from, now));
	assert_int_equal(q.dropped, 1);
	for (uint32_t i = 0; i < HSQUEUE_MAX; i++) {
		uint32_t v;

		assert_non_null(it = hsqueue_pop(&q));
		memcpy(&v, it->msg, sizeof(v));
		assert_int_equal(v, i);
	}
	assert_null(hsqueue_pop(&q));
	/* empty, but the load lasts a second */
	assert_true(hsqueue_under_load(&q, now + HSQUEUE_LOAD_MS - 1));
	assert_false(hsqueue_under_load(&q, now + HSQUEUE_LOAD_MS));
	/* the ring wraps */
	for (int round = 0; round < 3; round++) {
		assert_true(hsqueue_push(&q, msg, &from, now));
		assert_non_null(hsqueue_pop(&q));
	}
	hsqueue_free(&q);
}

/* Handshakes one at a time, as on a quiet server: each lands in slot 0, so
 * the ring's other pages are never touched (RSS stays flat for years). */
static void
test_quiet_front(void **state)
{
	struct hsqueue q;
	uint8_t msg[WIRE_INITIATION_LEN] = { 0 };
	struct endpoint from = { .len = 1 };

	(void)state;
	assert_int_equal(hsqueue_init(&q), 0);
	for (int i = 0; i < 3 * HSQUEUE_MAX; i++) {
		assert_true(hsqueue_push(&q, msg, &from, 1000));
		assert_ptr_equal(hsqueue_pop(&q), &q.v[0]);
	}
	/* two waiting: the second behind the first, then the front again */
	assert_true(hsqueue_push(&q, msg, &from, 1000));
	assert_true(hsqueue_push(&q, msg, &from, 1000));
	assert_ptr_equal(hsqueue_pop(&q), &q.v[0]);
	assert_ptr_equal(hsqueue_pop(&q), &q.v[1]);
	assert_true(hsqueue_push(&q, msg, &from, 1000));
	assert_ptr_equal(hsqueue_pop(&q), &q.v[0]);
	hsqueue_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_quiet_front),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
