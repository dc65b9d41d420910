/* SPDX-License-Identifier: ISC */
/* eam: maps are found both ways; a host has one entry; pool addresses skip
 * the network and broadcast addresses; forwards hold their address while
 * they have refs; dynamic entries age out, and make room when the pool is
 * full; the table never takes more than EAM_ENTRIES. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "eam.h"

#define POOL 0xc6120000u        /* 198.18.0.0 */

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* host number i of the site /64 */
static struct in6_addr
host(uint32_t i)
{
	struct in6_addr a = a6("2001:db8:64:1::");

	a.s6_addr[12] = (uint8_t)(i >> 24);
	a.s6_addr[13] = (uint8_t)(i >> 16);
	a.s6_addr[14] = (uint8_t)(i >> 8);
	a.s6_addr[15] = (uint8_t)i;
	return a;
}

static void
test_init(void **state)
{
	struct eam m;

	(void)state;
	/* 1: pool lengths outside 16..28 */
	assert_int_equal(eam_init(&m, POOL, 15), -1);
	assert_int_equal(eam_init(&m, POOL, 29), -1);
	/* 2: host bits of the pool are ignored */
	assert_int_equal(eam_init(&m, POOL | 5, 24), 0);
	assert_true(eam_in_pool(&m, POOL));
	assert_true(eam_in_pool(&m, POOL + 255));
	assert_false(eam_in_pool(&m, POOL + 256));
	assert_false(eam_in_pool(&m, POOL - 1));
	eam_free(&m);
}

static void
test_map(void **state)
{
	struct eam m;
	struct in_addr v4 = a4("203.0.113.7"), v4b = a4("203.0.113.8"), pool1 = a4("198.18.0.9");
	struct in6_addr h = host(1), h2 = host(2);
	struct eam_entry *e;
	struct in_addr got;

	(void)state;
	assert_int_equal(eam_init(&m, POOL, 16), 0);
	assert_int_equal(eam_add_map(&m, &v4, &h), 0);
	/* 1: either side taken */
	assert_int_equal(eam_add_map(&m, &v4, &h2), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(eam_add_map(&m, &v4b, &h), -1);
	assert_int_equal(errno, EEXIST);
	/* 2: a pool address is no map */
	assert_int_equal(eam_add_map(&m, &pool1, &h2), -1);
	assert_int_equal(errno, EINVAL);
	/* 3: both ways, counted */
	e = eam_by_v4(&m, &v4, 100, 5);
	assert_non_null(e);
	assert_memory_equal(&e->v6, &h, 16);
	assert_int_equal(e->kind, EAM_MAP);
	assert_int_equal(e->st.packets_in, 1);
	assert_int_equal(e->st.bytes_in, 100);
	e = eam_by_v6(&m, &h, true, 60, 5);
	assert_non_null(e);
	assert_int_equal(e->v4.s_addr, v4.s_addr);
	assert_int_equal(e->st.packets_out, 1);
	assert_int_equal(e->st.bytes_out, 60);
	/* 4: the read-only lookups count nothing */
	assert_non_null(eam_find_v4(&m, &v4));
	assert_non_null(eam_find_v6(&m, &h));
	assert_int_equal(eam_find_v4(&m, &v4)->st.packets_in, 1);
	assert_null(eam_find_v4(&m, &v4b));
	/* 5: a mapped host's forwards use its map, no ref */
	assert_int_equal(eam_forward_get(&m, &h, 5, &got), 0);
	assert_int_equal(got.s_addr, v4.s_addr);
	assert_int_equal(eam_find_v6(&m, &h)->refs, 0);
	/* 6: maps never expire */
	eam_expire(&m, 5 + 10 * (uint64_t)EAM_IDLE_MS);
	assert_non_null(eam_find_v4(&m, &v4));
	eam_free(&m);
}

static void
test_dynamic(void **state)
{
	struct eam m;
	struct in6_addr h = host(1), h2 = host(2);
	struct eam_entry *e;
	struct in_addr first;
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(eam_init(&m, POOL, 24), 0);
	/* 1: no entry without create */
	assert_null(eam_by_v6(&m, &h, false, 1, now));
	/* 2: a pool address, never the network one */
	e = eam_by_v6(&m, &h, true, 1, now);
	assert_non_null(e);
	assert_int_equal(e->kind, EAM_DYNAMIC);
	assert_true(eam_in_pool(&m, ntohl(e->v4.s_addr)));
	assert_int_not_equal(ntohl(e->v4.s_addr), POOL);
	first = e->v4;
	assert_int_equal(m.n_dynamic, 1);
	/* 3: the same host keeps it; another gets another */
	assert_int_equal(eam_by_v6(&m, &h, true, 1, now)->v4.s_addr, first.s_addr);
	e = eam_by_v6(&m, &h2, true, 1, now);
	assert_int_not_equal(e->v4.s_addr, first.s_addr);
	/* 4: traffic toward it keeps it alive */
	assert_non_null(eam_by_v4(&m, &first, 1, now + EAM_IDLE_MS - 1));
	eam_expire(&m, now + EAM_IDLE_MS);
	assert_non_null(eam_find_v6(&m, &h));
	assert_null(eam_find_v6(&m, &h2));
	assert_int_equal(m.n_dynamic, 1);
	/* 5: and quiet ages it out */
	eam_expire(&m, now + 2 * (uint64_t)EAM_IDLE_MS);
	assert_null(eam_find_v6(&m, &h));
	assert_null(eam_find_v4(&m, &first));
	assert_int_equal(m.n_dynamic, 0);
	eam_free(&m);
}

static void
test_pool_full(void **state)
{
	struct eam m;
	uint64_t now = 1000;
	uint32_t seen[16] = { 0 };
	struct in6_addr h;

	(void)state;
	/* a /28: 16 addresses, 14 lent (not .0, not .15) */
	assert_int_equal(eam_init(&m, POOL, 28), 0);
	for (uint32_t i = 0; i < 14; i++) {
		struct eam_entry *e;

		h = host(100 + i);
		e = eam_by_v6(&m, &h, true, 1, now + i);
		assert_non_null(e);
		uint32_t off = ntohl(e->v4.s_addr) - POOL;
		assert_true(off >= 1 && off <= 14);
		assert_int_equal(seen[off], 0);
		seen[off] = 1;
	}
	/* 1: full, nothing idle: refused */
	h = host(200);
	assert_null(eam_by_v6(&m, &h, true, 1, now + 100));
	/* 2: a forward cannot have one either */
	struct in_addr got;
	assert_int_equal(eam_forward_get(&m, &h, now + 100, &got), -1);
	assert_int_equal(errno, ENOSPC);
	/* 3: once the first is idle, it makes room */
	assert_non_null(eam_by_v6(&m, &h, true, 1, now + EAM_IDLE_MS));
	h = host(100);
	assert_null(eam_find_v6(&m, &h));
	h = host(101);
	assert_non_null(eam_find_v6(&m, &h));
	eam_free(&m);
}

static void
test_forward(void **state)
{
	struct eam m;
	struct in6_addr h = host(1), h2 = host(2);
	struct in_addr v4, v4b, dyn;
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(eam_init(&m, POOL, 16), 0);
	/* 1: a forward lends a pool address, two refs */
	assert_int_equal(eam_forward_get(&m, &h, now, &v4), 0);
	assert_true(eam_in_pool(&m, ntohl(v4.s_addr)));
	assert_int_equal(eam_forward_get(&m, &h, now, &v4b), 0);
	assert_int_equal(v4.s_addr, v4b.s_addr);
	assert_int_equal(eam_find_v6(&m, &h)->refs, 2);
	assert_int_equal(eam_find_v6(&m, &h)->kind, EAM_FORWARD);
	/* 2: held while referenced, however quiet */
	eam_expire(&m, now + 10 * (uint64_t)EAM_IDLE_MS);
	assert_non_null(eam_find_v4(&m, &v4));
	/* 3: the host's egress uses the same address */
	assert_int_equal(eam_by_v6(&m, &h, true, 1, now)->v4.s_addr, v4.s_addr);
	/* 4: a dynamic host that gets a forward keeps its address */
	dyn = eam_by_v6(&m, &h2, true, 1, now)->v4;
	assert_int_equal(m.n_dynamic, 1);
	assert_int_equal(eam_forward_get(&m, &h2, now, &v4b), 0);
	assert_int_equal(v4b.s_addr, dyn.s_addr);
	assert_int_equal(m.n_dynamic, 0);
	/* 5: the last put makes it dynamic, then it ages out */
	eam_forward_put(&m, &h);
	assert_int_equal(eam_find_v6(&m, &h)->kind, EAM_FORWARD);
	eam_forward_put(&m, &h);
	assert_int_equal(eam_find_v6(&m, &h)->kind, EAM_DYNAMIC);
	eam_forward_put(&m, &h);        /* one too many: harmless */
	eam_expire(&m, now + EAM_IDLE_MS);
	assert_null(eam_find_v6(&m, &h));
	assert_non_null(eam_find_v6(&m, &h2));
	/* 6: put for an unknown host */
	eam_forward_put(&m, &h);
	eam_free(&m);
}

static void
test_table_full(void **state)
{
	struct eam m;
	struct in6_addr h;
	uint32_t pos = 0, n = 0;
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(eam_init(&m, POOL, 16), 0);
	for (uint32_t i = 0; i < EAM_ENTRIES; i++) {
		h = host(i + 1);
		assert_non_null(eam_by_v6(&m, &h, true, 1, now));
	}
	/* 1: EAM_ENTRIES, then no more */
	h = host(EAM_ENTRIES + 1);
	assert_null(eam_by_v6(&m, &h, true, 1, now + 1));
	/* 2: every entry is listed once */
	while (eam_next(&m, &pos) != NULL)
		n++;
	assert_int_equal(n, EAM_ENTRIES);
	/* 3: a map when full */
	struct in_addr v4 = a4("203.0.113.1");
	assert_int_equal(eam_add_map(&m, &v4, &h), -1);
	assert_int_equal(errno, ENOSPC);
	/* 4: all idle: the next lend clears them */
	assert_non_null(eam_by_v6(&m, &h, true, 1, now + EAM_IDLE_MS));
	assert_int_equal(m.n_dynamic, 1);
	eam_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_pool_full),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_table_full),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
