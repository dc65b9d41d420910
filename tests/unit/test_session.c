/* Session limits: rekey after time and messages, refusal and key wiping
 * after reject-after time and messages, lengths at and past their limits. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "session.h"
#include "wire.h"

#define T0 5000000

static const uint8_t zero32[32];

static void
pair(struct session *a, struct session *b)
{
	uint8_t k1[32], k2[32];

	randombytes_buf(k1, 32);
	randombytes_buf(k2, 32);
	session_init(a, k1, k2, 1, 2, true, T0);
	session_init(b, k2, k1, 2, 1, false, T0);
}

static void
test_rekey_after_time(void **state)
{
	struct session a, b;

	(void)state;
	pair(&a, &b);
	assert_false(session_needs_rekey(&a, T0 + SESSION_REKEY_AFTER_MS - 1));
	assert_true(session_needs_rekey(&a, T0 + SESSION_REKEY_AFTER_MS));
	/* only the initiator starts a rekey (no thundering herd from both ends) */
	assert_false(session_needs_rekey(&b, T0 + SESSION_REKEY_AFTER_MS));
}

static void
test_rekey_after_messages(void **state)
{
	struct session a, b;

	(void)state;
	pair(&a, &b);
	a.send_counter = SESSION_REKEY_AFTER_MESSAGES - 1;
	assert_false(session_needs_rekey(&a, T0));
	a.send_counter = SESSION_REKEY_AFTER_MESSAGES;
	assert_true(session_needs_rekey(&a, T0));
}

static void
test_reject_after_time_wipes(void **state)
{
	struct session a, b;
	uint8_t pkt[64];
	size_t len, flen;

	(void)state;
	pair(&a, &b);
	assert_int_equal(session_encrypt(&a, T0 + SESSION_REJECT_AFTER_MS - 1, pkt, 0, sizeof(pkt), &len), SESSION_OK);
	assert_int_equal(session_decrypt(&b, T0 + SESSION_REJECT_AFTER_MS, pkt, len, &flen), SESSION_ERR_EXPIRED);
	assert_memory_equal(b.recv_key, zero32, 32);
	assert_memory_equal(b.send_key, zero32, 32);
	assert_int_equal(session_encrypt(&a, T0 + SESSION_REJECT_AFTER_MS, pkt, 0, sizeof(pkt), &len), SESSION_ERR_EXPIRED);
	assert_memory_equal(a.send_key, zero32, 32);
	assert_false(a.live);
	/* dead stays dead */
	assert_int_equal(session_encrypt(&a, T0, pkt, 0, sizeof(pkt), &len), SESSION_ERR_EXPIRED);
}

static void
test_reject_after_messages(void **state)
{
	struct session a, b;
	uint8_t pkt[64];
	size_t len, flen;

	(void)state;
	pair(&a, &b);
	a.send_counter = SESSION_REJECT_AFTER_MESSAGES - 1;
	assert_int_equal(session_encrypt(&a, T0, pkt, 0, sizeof(pkt), &len), SESSION_OK);
	/* the receiver takes the last counter allowed */
	assert_int_equal(session_decrypt(&b, T0, pkt, len, &flen), SESSION_OK);
	assert_int_equal(session_encrypt(&a, T0, pkt, 0, sizeof(pkt), &len), SESSION_ERR_EXPIRED);
	assert_memory_equal(a.send_key, zero32, 32);
}

static void
test_lengths(void **state)
{
	struct session a, b;
	uint8_t *pkt = malloc(WIRE_DATA_MAX_LEN + 1);
	size_t len, flen;

	(void)state;
	assert_non_null(pkt);
	pair(&a, &b);
	/* no room for the tag */
	assert_int_equal(session_encrypt(&a, T0, pkt, 100, WIRE_DATA_MIN_LEN + 99, &len), SESSION_ERR_LENGTH);
	/* the largest frame, and one byte more */
	memset(pkt, 0xab, WIRE_DATA_MAX_LEN + 1);
	assert_int_equal(session_encrypt(&a, T0, pkt, WIRE_FRAME_MAX + 1, WIRE_DATA_MAX_LEN + 1, &len), SESSION_ERR_LENGTH);
	assert_int_equal(session_encrypt(&a, T0, pkt, WIRE_FRAME_MAX, WIRE_DATA_MAX_LEN, &len), SESSION_OK);
	assert_int_equal(len, WIRE_DATA_MAX_LEN);
	assert_int_equal(session_decrypt(&b, T0, pkt, len, &flen), SESSION_OK);
	assert_int_equal(flen, WIRE_FRAME_MAX);
	assert_int_equal(session_decrypt(&b, T0, pkt, WIRE_DATA_MAX_LEN + 1, &flen), SESSION_ERR_LENGTH);
	assert_int_equal(session_decrypt(&b, T0, pkt, WIRE_DATA_MIN_LEN - 1, &flen), SESSION_ERR_LENGTH);
	/* a keepalive is the shortest valid message */
	assert_int_equal(session_encrypt(&a, T0, pkt, 0, WIRE_DATA_MIN_LEN, &len), SESSION_OK);
	assert_int_equal(len, WIRE_DATA_MIN_LEN);
	assert_int_equal(session_decrypt(&b, T0, pkt, len, &flen), SESSION_OK);
	assert_int_equal(flen, 0);
	free(pkt);
}

static void
test_wrong_index_and_direction(void **state)
{
	struct session a, b;
	uint8_t pkt[64];
	size_t len, flen;

	(void)state;
	pair(&a, &b);
	assert_int_equal(session_encrypt(&a, T0, pkt, 4, sizeof(pkt), &len), SESSION_OK);
	/* the sender's own session refuses its own message (reflection) */
	assert_int_equal(session_decrypt(&a, T0, pkt, len, &flen), SESSION_ERR_INDEX);
	b.local_index = 7;
	assert_int_equal(session_decrypt(&b, T0, pkt, len, &flen), SESSION_ERR_INDEX);
	b.local_index = 2;
	assert_int_equal(session_decrypt(&b, T0, pkt, len, &flen), SESSION_OK);
}

/* Out-of-order delivery inside the window works end to end. */
static void
test_reordering(void **state)
{
	struct session a, b;
	uint8_t pkts[100][64];
	size_t lens[100], flen;

	(void)state;
	pair(&a, &b);
	for (int i = 0; i < 100; i++)
		assert_int_equal(session_encrypt(&a, T0, pkts[i], 8, sizeof(pkts[i]), &lens[i]), SESSION_OK);
	for (int i = 99; i >= 0; i--)
		assert_int_equal(session_decrypt(&b, T0, pkts[i], lens[i], &flen), SESSION_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_after_time),
		cmocka_unit_test(test_rekey_after_messages),
		cmocka_unit_test(test_reject_after_time_wipes),
		cmocka_unit_test(test_reject_after_messages),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_wrong_index_and_direction),
		cmocka_unit_test(test_reordering),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
