/* SPDX-License-Identifier: ISC */
/* keyring: slots are zeroed, distinct, reused after put (and wiped then),
 * and many chunks' worth come and go. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "keyring.h"

static void
test_slots(void **state)
{
	static uint8_t *k[3 * KEYRING_CHUNK];
	static const uint8_t zero[KEYRING_KEY];
	struct keyring kr;

	(void)state;
	keyring_init(&kr);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		assert_non_null(k[i] = keyring_get(&kr));
		assert_memory_equal(k[i], zero, KEYRING_KEY);
		memset(k[i], (int)(i & 0xff) | 1, KEYRING_KEY);
	}
	for (size_t i = 1; i < sizeof(k) / sizeof(k[0]); i++)
		assert_true(k[i] != k[i - 1]);
	/* a put slot is wiped, and with every other one taken the next get
	 * takes it */
	keyring_put(&kr, k[200]);
	assert_memory_equal(k[200], zero, KEYRING_KEY);
	assert_ptr_equal(keyring_get(&kr), k[200]);
	keyring_put(&kr, NULL);
	keyring_free(&kr);
	assert_null(kr.chunks);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
