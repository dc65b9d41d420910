/* SPDX-License-Identifier: ISC */
/* test_pdroutes: the routes of delegated prefixes follow the leases: a new
 * delegation is added, one released or expired is deleted, one whose
 * router changed is deleted and added again, another site's and plain
 * address bindings are left alone, and nothing is planned twice. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lease.h"
#include "pdroutes.h"

static const uint8_t duid1[] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t duid2[] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 2 };

static struct prefix
pfx(const char *a, uint8_t len)
{
	struct prefix p = { .len = len };

	assert_int_equal(inet_pton(AF_INET6, a, &p.addr), 1);
	return p;
}

static struct in6_addr
ll(const char *a)
{
	struct in6_addr x;

	assert_int_equal(inet_pton(AF_INET6, a, &x), 1);
	return x;
}

/* Apply a plan as the engine does once the parent said yes. */
static void
apply(struct pdroutes *have, const struct pdroutes *del, const struct pdroutes *add)
{
	for (size_t i = 0; i < del->n; i++)
		pdroutes_drop(have, &del->v[i]);
	for (size_t i = 0; i < add->n; i++)
		assert_int_equal(pdroutes_put(have, &add->v[i]), 0);
}

static void
test_follow_leases(void **state)
{
	struct pdroutes have, del, add;
	struct leases l;
	struct prefix p1 = pfx("2001:db8:48:210::", 60), p2 = pfx("2001:db8:48:220::", 60);
	struct prefix other = pfx("2001:db8:48:310::", 60);
	struct in6_addr r1 = ll("fe80::1"), r2 = ll("fe80::2"), a;

	(void)state;
	pdroutes_init(&have);
	pdroutes_init(&del);
	pdroutes_init(&add);
	leases_init(&l);
	/* nothing delegated: nothing to do */
	assert_int_equal(pdroutes_plan(&have, &l, "home2", &del, &add), 0);
	assert_int_equal(del.n + add.n, 0);

	/* two delegations in home2, one in home3, an address binding */
	assert_int_equal(lease_commit_pd(&l, "home2", duid1, sizeof(duid1), 1, &p1, &r1, 100), 0);
	assert_int_equal(lease_commit_pd(&l, "home2", duid2, sizeof(duid2), 1, &p2, &r2, 100), 0);
	assert_int_equal(lease_commit_pd(&l, "home3", duid1, sizeof(duid1), 1, &other, &r1, 100), 0);
	a = ll("fe80::99");
	assert_int_equal(lease_commit(&l, "home2", duid1, sizeof(duid1), 1, &a, 100), 0);
	assert_int_equal(pdroutes_plan(&have, &l, "home2", &del, &add), 0);
	assert_int_equal(del.n, 0);
	assert_int_equal(add.n, 2);
	apply(&have, &del, &add);
	assert_int_equal(have.n, 2);
	/* done: the same plan is empty */
	assert_int_equal(pdroutes_plan(&have, &l, "home2", &del, &add), 0);
	assert_int_equal(del.n + add.n, 0);

	/* p1's router came back with another address: delete, add */
	assert_int_equal(lease_commit_pd(&l, "home2", duid1, sizeof(duid1), 1, &p1, &r2, 200), 0);
	assert_int_equal(pdroutes_plan(&have, &l, "home2", &del, &add), 0);
	assert_int_equal(del.n, 1);
	assert_memory_equal(&del.v[0].via, &r1, 16);
	assert_int_equal(add.n, 1);
	assert_memory_equal(&add.v[0].via, &r2, 16);
	assert_memory_equal(&add.v[0].prefix, &p1, sizeof(p1));
	apply(&have, &del, &add);
	assert_int_equal(have.n, 2);

	/* p2 released (its binding gone): delete only it */
	lease_remove(&l, lease_find_pd(&l, "home2", duid2, sizeof(duid2), 1));
	assert_int_equal(pdroutes_plan(&have, &l, "home2", &del, &add), 0);
	assert_int_equal(del.n, 1);
	assert_memory_equal(&del.v[0].prefix, &p2, sizeof(p2));
	assert_int_equal(add.n, 0);
	apply(&have, &del, &add);

	/* everything expired: the last route goes */
	assert_true(lease_expire(&l, 1000) == 3);
	assert_int_equal(pdroutes_plan(&have, &l, "home2", &del, &add), 0);
	assert_int_equal(del.n, 1);
	apply(&have, &del, &add);
	assert_int_equal(have.n, 0);

	pdroutes_free(&have);
	pdroutes_free(&del);
	pdroutes_free(&add);
	leases_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_leases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
