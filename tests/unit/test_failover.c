/* SPDX-License-Identifier: ISC */
/* test_failover: the client's choice of gateway. A dead gateway hands over
 * to the next in order and the last wraps to the first; nothing is probed
 * on the best one; a better gateway is probed every 5 s and taken back
 * only after it answered every probe for failback-after; one missed probe
 * starts the count again (no flapping); a single gateway stays itself. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "failover.h"

#define S 1000  /* ms */

static void
test_dead_moves_on_in_order(void **state)
{
	struct failover f;

	(void)state;
	failover_init(&f, 3, 30 * S);
	assert_int_equal(f.active, 0);
	assert_int_equal(failover_dead(&f, 10 * S), 1);
	assert_int_equal(failover_dead(&f, 20 * S), 2);
	assert_int_equal(failover_dead(&f, 30 * S), 0);
	failover_init(&f, 1, 30 * S);
	assert_int_equal(failover_dead(&f, 10 * S), 0);
}

static void
test_no_probes_on_the_best(void **state)
{
	struct failover f;
	size_t to = 9;

	(void)state;
	failover_init(&f, 2, 30 * S);
	for (uint64_t t = 0; t < 100 * S; t += S)
		assert_int_equal(failover_probes_due(&f, t), 0);
	assert_false(failover_failback(&f, 100 * S, &to));
	assert_int_equal(to, 9);
}

/* Probes every FAILOVER_PROBE_MS from t0, each answered at once
 * unless miss(t) says so; returns when failback happened, 0 if never
 * within limit. */
static uint64_t
run(struct failover *f, uint64_t t0, uint64_t limit, bool (*miss)(uint64_t))
{
	size_t to;

	for (uint64_t t = t0; t < limit; t += 100) {
		unsigned due = failover_probes_due(f, t);

		if (due != 0)
			assert_int_equal(due, (1u << f->active) - 1);
		if (due != 0 && !miss(t))
			for (size_t i = 0; i < FAILOVER_MAX; i++)
				if (due & (1u << i))
					failover_answered(f, i, t);
		if (failover_failback(f, t, &to)) {
			assert_int_equal(to, 0);
			return t;
		}
	}
	return 0;
}

static bool never(uint64_t t) { (void)t; return false; }
static bool once_at_20s(uint64_t t) { return t / S == 40; }
static bool every_other(uint64_t t) { return (t / FAILOVER_PROBE_MS) % 2 == 0; }

static void
test_failback_after_stable_period(void **state)
{
	struct failover f;
	uint64_t back;

	(void)state;
	failover_init(&f, 2, 30 * S);
	failover_dead(&f, 10 * S);
	assert_int_equal(f.active, 1);
	/* first probe at 15 s answered: back 30 s later, not before */
	back = run(&f, 10 * S, 200 * S, never);
	assert_int_equal(back, 45 * S);
	assert_int_equal(f.active, 0);
	assert_int_equal(failover_probes_due(&f, back + 10 * S), 0);
}

static void
test_a_miss_starts_again(void **state)
{
	struct failover f;
	uint64_t back;

	(void)state;
	failover_init(&f, 2, 30 * S);
	failover_dead(&f, 10 * S);
	/* the probe at 40 s is lost: counting starts at 45 s, back at 75 s */
	back = run(&f, 10 * S, 200 * S, once_at_20s);
	assert_int_equal(back, 75 * S);
	/* one that answers every other probe is never taken back */
	failover_init(&f, 2, 30 * S);
	failover_dead(&f, 10 * S);
	assert_int_equal(run(&f, 10 * S, 1000 * S, every_other), 0);
	assert_int_equal(f.active, 1);
}

static void
test_probes_only_better_ones(void **state)
{
	struct failover f;
	size_t to;

	(void)state;
	failover_init(&f, 3, 10 * S);
	failover_dead(&f, 0);
	failover_dead(&f, 0);
	assert_int_equal(f.active, 2);
	assert_int_equal(failover_probes_due(&f, FAILOVER_PROBE_MS), 3);
	/* an answer nobody asked for counts for nothing */
	failover_answered(&f, 2, FAILOVER_PROBE_MS);
	failover_answered(&f, 3, FAILOVER_PROBE_MS);
	/* gateway 1 answers, 0 does not: 1 is taken, the best that answers */
	failover_answered(&f, 1, FAILOVER_PROBE_MS + 10);
	for (uint64_t t = 2 * FAILOVER_PROBE_MS; t <= 3 * FAILOVER_PROBE_MS; t += FAILOVER_PROBE_MS) {
		assert_int_equal(failover_probes_due(&f, t), 3);
		failover_answered(&f, 1, t + 10);
	}
	assert_false(failover_failback(&f, FAILOVER_PROBE_MS + 9 * S, &to));
	assert_true(failover_failback(&f, FAILOVER_PROBE_MS + 10 * S + 10, &to));
	assert_int_equal(to, 1);
	assert_int_equal(f.active, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dead_moves_on_in_order),
		cmocka_unit_test(test_no_probes_on_the_best),
		cmocka_unit_test(test_failback_after_stable_period),
		cmocka_unit_test(test_a_miss_starts_again),
		cmocka_unit_test(test_probes_only_better_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
