/* SPDX-License-Identifier: ISC */
/* test_hosts: the table of host addresses learnt from a site.
 *
 * Proves, with explicit clock values (no sleeping), that an address is
 * fresh for HOSTS_FRESH_MS after it was last seen and not after, that
 * addresses silent for HOSTS_EXPIRE_MS are forgotten while re-learnt ones
 * stay, that repeats within a second are cheap yet a repeat after a second
 * moves the seen time, and that the table grows to HOSTS_MAX addresses,
 * finds every one, and refuses the next. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "hosts.h"

/* A start time well past HOSTS_EXPIRE_MS, as a monotonic clock would be. */
#define T0 (UINT64_C(1) << 32)

static struct in6_addr
addr_ok(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* Address number i in 2001:db8:64:1::/64, spread over the interface
 * identifier the way SLAAC and DHCPv6 addresses are. */
static struct in6_addr
addr_n(uint32_t i)
{
	struct in6_addr a = addr_ok("2001:db8:64:1::");
	uint64_t x = (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15) + 1;

	for (int b = 15; b >= 8; b--) {
		a.s6_addr[b] = (uint8_t)x;
		x >>= 8;
	}
	return a;
}

static void
assert_table_sane(const struct hosts *h)
{
	size_t used = 0;

	if (h->cap == 0) {
		assert_int_equal(h->n, 0);
		return;
	}
	assert_int_equal(h->cap & (h->cap - 1), 0);
	assert_true(h->cap >= 2 * h->n);
	for (size_t i = 0; i < h->cap; i++)
		if (h->v[i].seen_ms != 0)
			used++;
	assert_int_equal(used, h->n);
}

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void
test_empty(void **state)
{
	struct hosts h;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::1");

	(void)state;
	hosts_init(&h);
	assert_int_equal(hosts_count(&h), 0);
	assert_false(hosts_fresh(&h, &a, T0));
	assert_false(hosts_fresh(&h, &a, 0));
	hosts_expire(&h, T0);
	assert_int_equal(hosts_count(&h), 0);
	hosts_free(&h);
	/* hosts_free twice, and use after free-and-init, are fine */
	hosts_free(&h);
	assert_false(hosts_fresh(&h, &a, T0));
	assert_int_equal(hosts_learn(&h, &a, T0), 0);
	assert_true(hosts_fresh(&h, &a, T0));
	hosts_free(&h);
}

static void
test_learn_fresh(void **state)
{
	struct hosts h;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::1"), b = addr_ok("2001:db8:64:1:4::2");

	(void)state;
	hosts_init(&h);
	assert_int_equal(hosts_learn(&h, &a, T0), 0);
	assert_int_equal(hosts_count(&h), 1);
	assert_true(hosts_fresh(&h, &a, T0));
	assert_true(hosts_fresh(&h, &a, T0 + 1));
	assert_true(hosts_fresh(&h, &a, T0 + HOSTS_FRESH_MS - 1));
	assert_false(hosts_fresh(&h, &a, T0 + HOSTS_FRESH_MS));
	assert_false(hosts_fresh(&h, &a, T0 + HOSTS_EXPIRE_MS));
	/* an address never learnt */
	assert_false(hosts_fresh(&h, &b, T0));
	/* an address seen "later" than now is not fresh either */
	assert_false(hosts_fresh(&h, &a, T0 - 1));
	/* learning it again later makes it fresh again */
	assert_int_equal(hosts_learn(&h, &a, T0 + HOSTS_FRESH_MS + 5), 0);
	assert_true(hosts_fresh(&h, &a, T0 + 2 * HOSTS_FRESH_MS));
	assert_int_equal(hosts_count(&h), 1);
	/* a second address */
	assert_int_equal(hosts_learn(&h, &b, T0 + HOSTS_FRESH_MS + 6), 0);
	assert_int_equal(hosts_count(&h), 2);
	assert_true(hosts_fresh(&h, &b, T0 + HOSTS_FRESH_MS + 6));
	assert_table_sane(&h);
	hosts_free(&h);
}

/* The same address again within 1000 ms is not written; after 1000 ms it
 * is, and it is written at once when another address came in between. */
static void
test_repeat_within_a_second(void **state)
{
	struct hosts h;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::1"), b = addr_ok("2001:db8:64:1:4::2");

	(void)state;
	hosts_init(&h);
	assert_int_equal(hosts_learn(&h, &a, T0), 0);
	assert_int_equal(hosts_learn(&h, &a, T0 + 999), 0);
	/* seen is still T0 */
	assert_false(hosts_fresh(&h, &a, T0 + HOSTS_FRESH_MS));
	/* 1000 ms later it moves */
	assert_int_equal(hosts_learn(&h, &a, T0 + 1000), 0);
	assert_true(hosts_fresh(&h, &a, T0 + HOSTS_FRESH_MS));
	assert_true(hosts_fresh(&h, &a, T0 + 1000 + HOSTS_FRESH_MS - 1));
	assert_false(hosts_fresh(&h, &a, T0 + 1000 + HOSTS_FRESH_MS));
	/* and again, counted from the last write, not the last call */
	assert_int_equal(hosts_learn(&h, &a, T0 + 1500), 0);
	assert_int_equal(hosts_learn(&h, &a, T0 + 2000), 0);
	assert_true(hosts_fresh(&h, &a, T0 + 2000 + HOSTS_FRESH_MS - 1));
	assert_int_equal(hosts_count(&h), 1);

	/* another address in between: the repeat is written */
	assert_int_equal(hosts_learn(&h, &b, T0 + 2100), 0);
	assert_int_equal(hosts_learn(&h, &a, T0 + 2200), 0);
	assert_true(hosts_fresh(&h, &a, T0 + 2200 + HOSTS_FRESH_MS - 1));
	assert_false(hosts_fresh(&h, &a, T0 + 2200 + HOSTS_FRESH_MS));
	assert_int_equal(hosts_count(&h), 2);

	/* a long silence, then a repeat: written */
	assert_int_equal(hosts_learn(&h, &a, T0 + 100000), 0);
	assert_true(hosts_fresh(&h, &a, T0 + 100000));
	hosts_free(&h);
}

static void
test_expire(void **state)
{
	struct hosts h;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::a"), b = addr_ok("2001:db8:64:1:4::b"),
	    c = addr_ok("2001:db8:64:1:4::c");
	size_t cap;

	(void)state;
	hosts_init(&h);
	assert_int_equal(hosts_learn(&h, &a, T0), 0);
	assert_int_equal(hosts_learn(&h, &b, T0 + 5000), 0);
	assert_int_equal(hosts_learn(&h, &c, T0 + 6000), 0);
	assert_int_equal(hosts_count(&h), 3);
	/* a clock before HOSTS_EXPIRE_MS expires nothing */
	hosts_expire(&h, HOSTS_EXPIRE_MS - 1);
	assert_int_equal(hosts_count(&h), 3);
	/* one millisecond short of a's silence: all kept */
	hosts_expire(&h, T0 + HOSTS_EXPIRE_MS - 1);
	assert_int_equal(hosts_count(&h), 3);
	/* c is heard again just before its time */
	assert_int_equal(hosts_learn(&h, &c, T0 + 6000 + HOSTS_EXPIRE_MS - 1), 0);
	/* a's silence reached HOSTS_EXPIRE_MS: a goes */
	cap = h.cap;
	hosts_expire(&h, T0 + HOSTS_EXPIRE_MS);
	assert_int_equal(hosts_count(&h), 2);
	assert_int_equal(h.cap, cap);
	assert_table_sane(&h);
	/* b too, later; c, re-learnt, stays and is fresh */
	hosts_expire(&h, T0 + 6000 + HOSTS_EXPIRE_MS);
	assert_int_equal(hosts_count(&h), 1);
	assert_true(hosts_fresh(&h, &c, T0 + 6000 + HOSTS_EXPIRE_MS));
	assert_false(hosts_fresh(&h, &a, T0 + 6000 + HOSTS_EXPIRE_MS));
	assert_false(hosts_fresh(&h, &b, T0 + 6000 + HOSTS_EXPIRE_MS));
	assert_table_sane(&h);
	/* a forgotten address is learnt again as a new one */
	assert_int_equal(hosts_learn(&h, &a, T0 + 7000 + HOSTS_EXPIRE_MS), 0);
	assert_int_equal(hosts_count(&h), 2);
	assert_true(hosts_fresh(&h, &a, T0 + 7000 + HOSTS_EXPIRE_MS));
	/* everything silent: the table empties */
	hosts_expire(&h, T0 + 100 * HOSTS_EXPIRE_MS);
	assert_int_equal(hosts_count(&h), 0);
	assert_table_sane(&h);
	/* the last address, learnt again right after, is a new entry, not a
	 * skipped repeat of one that no longer exists */
	assert_int_equal(hosts_learn(&h, &a, T0 + 100 * HOSTS_EXPIRE_MS + 1), 0);
	assert_int_equal(hosts_count(&h), 1);
	assert_true(hosts_fresh(&h, &a, T0 + 100 * HOSTS_EXPIRE_MS + 1));
	hosts_free(&h);
}

/* The last address learnt expires, and comes back within a second of its
 * last learn (a clock that expire saw run ahead): it must be in the table. */
static void
test_expire_last_then_repeat(void **state)
{
	struct hosts h;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::a");

	(void)state;
	hosts_init(&h);
	assert_int_equal(hosts_learn(&h, &a, T0), 0);
	hosts_expire(&h, T0 + HOSTS_EXPIRE_MS);
	assert_int_equal(hosts_count(&h), 0);
	assert_int_equal(hosts_learn(&h, &a, T0 + 10), 0);
	assert_int_equal(hosts_count(&h), 1);
	assert_true(hosts_fresh(&h, &a, T0 + 10));
	hosts_free(&h);
}

/* HOSTS_MAX distinct addresses fit; the next is refused and not learnt;
 * known addresses are still refreshed; expiry makes room again. */
static void
test_full(void **state)
{
	struct hosts h;
	struct in6_addr extra = addr_n(HOSTS_MAX), a;

	(void)state;
	hosts_init(&h);
	for (uint32_t i = 0; i < HOSTS_MAX; i++) {
		a = addr_n(i);
		if (hosts_learn(&h, &a, T0 + i) != 0)
			fail_msg("address %u refused", i);
	}
	assert_int_equal(hosts_count(&h), HOSTS_MAX);
	assert_table_sane(&h);
	assert_int_equal(hosts_learn(&h, &extra, T0 + HOSTS_MAX), -1);
	assert_int_equal(hosts_count(&h), HOSTS_MAX);
	assert_false(hosts_fresh(&h, &extra, T0 + HOSTS_MAX));
	/* refused again, also as a repeat within a second */
	assert_int_equal(hosts_learn(&h, &extra, T0 + HOSTS_MAX + 1), -1);
	/* a known address is refreshed */
	a = addr_n(0);
	assert_int_equal(hosts_learn(&h, &a, T0 + HOSTS_MAX + 2), 0);
	assert_true(hosts_fresh(&h, &a, T0 + HOSTS_MAX + 2));
	assert_int_equal(hosts_count(&h), HOSTS_MAX);
	/* every address is still there */
	for (uint32_t i = 0; i < HOSTS_MAX; i++) {
		a = addr_n(i);
		if (!hosts_fresh(&h, &a, T0 + HOSTS_MAX + 2))
			fail_msg("address %u lost", i);
	}
	/* addresses 0 .. HOSTS_MAX/2 - 1 go silent (but 0, refreshed, stays):
	 * room for the refused one */
	hosts_expire(&h, T0 + HOSTS_MAX / 2 - 1 + HOSTS_EXPIRE_MS);
	assert_int_equal(hosts_count(&h), HOSTS_MAX / 2 + 1);
	assert_table_sane(&h);
	a = addr_n(0);
	assert_true(hosts_fresh(&h, &a, T0 + HOSTS_MAX + 2));
	a = addr_n(1);
	assert_false(hosts_fresh(&h, &a, T0 + HOSTS_MAX + 2));
	assert_int_equal(hosts_learn(&h, &extra, T0 + HOSTS_MAX / 2 + HOSTS_EXPIRE_MS), 0);
	assert_int_equal(hosts_count(&h), HOSTS_MAX / 2 + 2);
	hosts_free(&h);
}

/* Growth from the first 16 slots keeps every address findable. */
static void
test_many(void **state)
{
	enum { N = 3000 };
	struct hosts h;
	struct in6_addr a;

	(void)state;
	hosts_init(&h);
	for (uint32_t i = 0; i < N; i++) {
		a = addr_n(i);
		assert_int_equal(hosts_learn(&h, &a, T0 + i), 0);
		/* the one just learnt and the first one, during growth */
		assert_true(hosts_fresh(&h, &a, T0 + i));
		a = addr_n(0);
		assert_true(hosts_fresh(&h, &a, T0 + i));
	}
	assert_int_equal(hosts_count(&h), N);
	assert_table_sane(&h);
	for (uint32_t i = 0; i < N; i++) {
		a = addr_n(i);
		if (!hosts_fresh(&h, &a, T0 + N))
			fail_msg("address %u not fresh", i);
	}
	/* and nothing that was not learnt */
	for (uint32_t i = N; i < 2 * N; i++) {
		a = addr_n(i);
		assert_false(hosts_fresh(&h, &a, T0 + N));
	}
	/* learning them all again adds nothing */
	for (uint32_t i = 0; i < N; i++) {
		a = addr_n(i);
		assert_int_equal(hosts_learn(&h, &a, T0 + 2 * N + i), 0);
	}
	assert_int_equal(hosts_count(&h), N);
	hosts_free(&h);
}

/* Two tables have their own keys, and both work. */
static void
test_two_tables(void **state)
{
	struct hosts h1, h2;
	struct in6_addr a = addr_ok("2001:db8:64:1:4::1");

	(void)state;
	hosts_init(&h1);
	hosts_init(&h2);
	assert_memory_not_equal(h1.key, h2.key, sizeof(h1.key));
	assert_int_equal(hosts_learn(&h1, &a, T0), 0);
	assert_true(hosts_fresh(&h1, &a, T0));
	assert_false(hosts_fresh(&h2, &a, T0));
	hosts_free(&h1);
	hosts_free(&h2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_learn_fresh),
		cmocka_unit_test(test_repeat_within_a_second),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_expire_last_then_repeat),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_two_tables),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
