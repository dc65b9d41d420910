/* SPDX-License-Identifier: ISC */
/* The replay window as a numbered table of counters fed in order; each row
 * says whether that counter must be accepted. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "replay.h"
#include "session.h"

#define LIMIT SESSION_REJECT_AFTER_MESSAGES
#define W     REPLAY_WINDOW

struct row {
	uint64_t counter;
	bool accept;
};

static const struct row table[] = {
	/*  1 */ { 0, true },                   /* first message */
	/*  2 */ { 0, false },                  /* duplicate */
	/*  3 */ { 1, true },                   /* in order */
	/*  4 */ { 1, false },
	/*  5 */ { 3, true },                   /* gap */
	/*  6 */ { 2, true },                   /* out of order inside the window */
	/*  7 */ { 2, false },
	/*  8 */ { 63, true },                  /* last bit of word 0 */
	/*  9 */ { 64, true },                  /* first bit of word 1 */
	/* 10 */ { 62, true },
	/* 11 */ { W + 64, true },              /* newest = W + 64 */
	/* 12 */ { 64, false },                 /* exactly W behind the newest: just outside */
	/* 13 */ { 65, true },                  /* W - 1 behind: the oldest inside, unseen */
	/* 14 */ { 65, false },                 /* duplicate at the window's edge */
	/* 15 */ { 63, false },                 /* seen long ago and now outside */
	/* 16 */ { W + 63, true },              /* inside, unseen */
	/* 17 */ { W + 63, false },             /* duplicate */
	/* 18 */ { W + 64 + 4 * REPLAY_BITS, true },   /* huge jump clears the ring */
	/* 19 */ { W + 64, false },             /* now far outside */
	/* 20 */ { W + 64 + 4 * REPLAY_BITS - 1, true },
	/* 21 */ { W + 64 + 4 * REPLAY_BITS - W + 1, true },  /* the oldest inside */
	/* 22 */ { W + 64 + 4 * REPLAY_BITS - W, false },     /* just outside */
	/* 23 */ { LIMIT - 1, true },           /* the last counter allowed */
	/* 24 */ { LIMIT, false },              /* the counter limit */
	/* 25 */ { UINT64_MAX, false },
	/* 26 */ { LIMIT - 2, true },           /* behind the newest, inside */
	/* 27 */ { LIMIT - 1, false },
};

static void
test_table(void **state)
{
	struct replay r;

	(void)state;
	replay_init(&r);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		bool check = replay_check(&r, table[i].counter, LIMIT);
		bool got = replay_update(&r, table[i].counter, LIMIT);

		if (got != table[i].accept || check != got)
			fail_msg("row %zu: counter %llu: got %d (check %d), want %d", i + 1,
			    (unsigned long long)table[i].counter, got, check, table[i].accept);
	}
}

/* Every order inside the window: a full window delivered backwards is all
 * accepted once, and all refused the second time. */
static void
test_reverse_window(void **state)
{
	struct replay r;
	uint64_t top = 10 * REPLAY_BITS + 17;

	(void)state;
	replay_init(&r);
	assert_true(replay_update(&r, top, LIMIT));
	for (uint64_t c = top - 1; c > top - W; c--)
		assert_true(replay_update(&r, c, LIMIT));
	for (uint64_t c = top; c > top - W; c--)
		assert_false(replay_update(&r, c, LIMIT));
	assert_false(replay_update(&r, top - W, LIMIT));
}

/* Sliding word by word: a counter one ring ahead must not see stale bits. */
static void
test_ring_wrap(void **state)
{
	struct replay r;

	(void)state;
	replay_init(&r);
	for (uint64_t c = 0; c < 3 * REPLAY_BITS; c += 3)
		assert_true(replay_update(&r, c, LIMIT));
	for (uint64_t c = 3 * REPLAY_BITS; c < 3 * REPLAY_BITS + 200; c++)
		assert_true(replay_update(&r, c, LIMIT));
	assert_true(W >= 2048);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_reverse_window),
		cmocka_unit_test(test_ring_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
