/* SPDX-License-Identifier: ISC */
/* ratelimit: a source (an IPv6 /64, an IPv4 /32) gets its burst at once,
 * then RATELIMIT_PER_SECOND a second, never more however long it waited;
 * sources do not share; quiet ones are forgotten; a full table refuses new
 * sources but keeps serving the ones it has. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "ratelimit.h"

static struct endpoint
ep6(const char *addr)
{
	struct endpoint ep = { .len = sizeof(struct sockaddr_in6) };

	ep.u.in6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, addr, &ep.u.in6.sin6_addr);
	return ep;
}

static struct endpoint
ep4(const char *addr)
{
	struct endpoint ep = { .len = sizeof(struct sockaddr_in) };

	ep.u.in4.sin_family = AF_INET;
	inet_pton(AF_INET, addr, &ep.u.in4.sin_addr);
	return ep;
}

static int
burst(struct ratelimit *r, const struct endpoint *ep, uint64_t now, int tries)
{
	int n = 0;

	for (int i = 0; i < tries; i++)
		n += ratelimit_allow(r, ep, now);
	return n;
}

static void
test_rates(void **state)
{
	struct ratelimit r;
	struct endpoint a = ep6("2001:db8:1:2::1"), a2 = ep6("2001:db8:1:2:ffff::9"), b = ep6("2001:db8:1:3::1");
	struct endpoint v4 = ep4("192.0.2.1"), v4b = ep4("192.0.2.2"), mapped = ep6("::ffff:192.0.2.1");
	uint64_t now = 1000000;
	int total = 0;

	(void)state;
	assert_int_equal(ratelimit_init(&r), 0);
	/* 1: the burst */
	assert_int_equal(burst(&r, &a, now, 100), RATELIMIT_BURST);
	/* 2: the same /64 shares it; 3: another /64 has its own */
	assert_int_equal(burst(&r, &a2, now, 10), 0);
	assert_int_equal(burst(&r, &b, now, 100), RATELIMIT_BURST);
	/* 4: IPv4 by address; an IPv4-mapped IPv6 address is that IPv4 */
	assert_int_equal(burst(&r, &v4, now, 100), RATELIMIT_BURST);
	assert_int_equal(burst(&r, &mapped, now, 10), 0);
	assert_int_equal(burst(&r, &v4b, now, 10), RATELIMIT_BURST);
	/* 5: then PER_SECOND a second, trying every millisecond for 10 s */
	for (uint64_t t = 1; t <= 10000; t++)
		total += ratelimit_allow(&r, &a, now + t);
	assert_true(total >= 10 * RATELIMIT_PER_SECOND - 1 && total <= 10 * RATELIMIT_PER_SECOND + 1);
	/* 6: an hour of quiet buys no more than the burst */
	now += 3600 * 1000;
	assert_int_equal(burst(&r, &a, now, 100), RATELIMIT_BURST);
	ratelimit_free(&r);
}

static void
test_table(void **state)
{
	struct ratelimit r;
	uint64_t now = 5000;
	struct endpoint ep = ep6("2001:db8::1");

	(void)state;
	assert_int_equal(ratelimit_init(&r), 0);
	/* fill it with distinct /64s */
	for (uint32_t i = 0; i < RATELIMIT_ENTRIES; i++) {
		memcpy(&ep.u.in6.sin6_addr.s6_addr[4], &i, 4);
		assert_true(ratelimit_allow(&r, &ep, now));
	}
	assert_int_equal(r.n, RATELIMIT_ENTRIES);
	/* a new source is refused while the table is full; a known one is served */
	ep.u.in6.sin6_addr.s6_addr[2] = 0x77;
	assert_false(ratelimit_allow(&r, &ep, now + 100));
	ep.u.in6.sin6_addr.s6_addr[2] = 0x0d;
	assert_true(ratelimit_allow(&r, &ep, now + 100));
	/* a second later the quiet ones are gone and there is room */
	ep.u.in6.sin6_addr.s6_addr[2] = 0x77;
	assert_true(ratelimit_allow(&r, &ep, now + 100 + RATELIMIT_IDLE_MS));
	assert_true(r.n <= 2);
	ratelimit_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_table),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
