/* SPDX-License-Identifier: ISC */
/* sitetab: 16 383 sites (a whole /64 of /78s) found by slot, key, index,
 * address and name; removal and re-insertion; slots reused; an address
 * outside the /64 or in no site finds nothing. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "site.h"
#include "sitetab.h"

#define N 16383

static struct site *
mk(struct sitetab *t, uint64_t index)
{
	struct site *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->index = index;
	s->tp.slot = sitetab_free_slot(t);
	assert_true(s->tp.slot != 0);
	snprintf(s->conf.name, sizeof(s->conf.name), "site%llu", (unsigned long long)index);
	memcpy(s->tp.remote_pub, &index, sizeof(index));
	s->tp.remote_pub[31] = 0x77;
	assert_int_equal(sitetab_insert(t, s), 0);
	return s;
}

static void
test_many(void **state)
{
	static struct site *v[N + 1];
	struct sitetab t;
	struct prefix p;
	struct in6_addr a;
	size_t count = 0;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:64:1::", &p.addr);
	p.len = 64;
	assert_int_equal(sitetab_init(&t, &p, 78), 0);
	for (uint64_t i = 1; i <= N; i++)
		v[i] = mk(&t, i);
	for (uint64_t i = 1; i <= N; i++) {
		uint8_t key[32] = { 0 };
		char name[16];

		assert_ptr_equal(sitetab_by_slot(&t, v[i]->tp.slot), v[i]);
		assert_ptr_equal(sitetab_by_index(&t, i), v[i]);
		memcpy(key, &i, sizeof(i));
		key[31] = 0x77;
		assert_ptr_equal(sitetab_by_key(&t, key), v[i]);
		snprintf(name, sizeof(name), "site%llu", (unsigned long long)i);
		assert_ptr_equal(sitetab_by_name(&t, name), v[i]);
	}
	/* addresses: index 5 is 2001:db8:64:1:14::/78 */
	inet_pton(AF_INET6, "2001:db8:64:1:14::abcd", &a);
	assert_ptr_equal(sitetab_by_addr(&t, &a), v[5]);
	inet_pton(AF_INET6, "2001:db8:64:1:17:ffff:ffff:ffff", &a);
	assert_ptr_equal(sitetab_by_addr(&t, &a), v[5]);
	inet_pton(AF_INET6, "2001:db8:64:1::1", &a);        /* index 0: nobody's */
	assert_null(sitetab_by_addr(&t, &a));
	inet_pton(AF_INET6, "2001:db8:64:2:14::1", &a);     /* another /64 */
	assert_null(sitetab_by_addr(&t, &a));
	assert_null(sitetab_by_index(&t, N + 1));
	assert_null(sitetab_by_slot(&t, 0));
	assert_null(sitetab_by_slot(&t, 70000));
	for (struct site *s = sitetab_first(&t); s != NULL; s = sitetab_next(&t, s))
		count++;
	assert_int_equal(count, N);

	/* removal: gone every way; its slot is reused */
	{
		uint16_t slot = v[100]->tp.slot;

		sitetab_remove(&t, v[100]);
		assert_null(sitetab_by_index(&t, 100));
		assert_null(sitetab_by_slot(&t, slot));
		assert_null(sitetab_by_name(&t, "site100"));
		assert_ptr_equal(sitetab_by_index(&t, 101), v[101]);
		free(v[100]);
		v[100] = mk(&t, 100);
		assert_int_equal(v[100]->tp.slot, slot);
		assert_ptr_equal(sitetab_by_index(&t, 100), v[100]);
	}
	/* a slot taken twice is refused */
	{
		struct site dup = *v[7];

		assert_int_equal(sitetab_insert(&t, &dup), -1);
	}
	for (uint64_t i = 1; i <= N; i++) {
		sitetab_remove(&t, v[i]);
		free(v[i]);
	}
	assert_int_equal(t.n, 0);
	assert_null(sitetab_first(&t));
	sitetab_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
