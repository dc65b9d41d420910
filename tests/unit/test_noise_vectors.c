/* SPDX-License-Identifier: ISC */
/* The published Noise vectors (tests/vectors/noise-ik-blake2b.json, written
 * by cacophony, Noise-C and snow) reproduced byte for byte: both handshake
 * messages from each side, the handshake hash where given, and every
 * transport message after the handshake. Fixed ephemerals come from the
 * vectors; both roles are run and must produce the same bytes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "noise.h"
#include "util.h"

#define MAX_MSG 1024

static json_t *vectors_root;
static unsigned n_vectors, n_messages, n_hashes, n_in_file;

static size_t
hex_field(json_t *obj, const char *name, uint8_t *out, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	size_t len = 0;

	assert_non_null(v);
	assert_true(json_is_string(v));
	assert_int_equal(util_hex_decode(out, cap, &len, json_string_value(v)), 0);
	return len;
}

static void
hex_key(json_t *obj, const char *name, uint8_t out[32])
{
	assert_int_equal(hex_field(obj, name, out, 32), 32);
}

/* The PSK is the one element of init_psks/resp_psks; absent or [] means IK. */
static bool
vector_psk(json_t *v, const char *name, uint8_t psk[32])
{
	json_t *a = json_object_get(v, name);
	size_t len = 0;

	if (a == NULL || json_array_size(a) == 0)
		return false;
	assert_int_equal(json_array_size(a), 1);
	assert_int_equal(util_hex_decode(psk, 32, &len, json_string_value(json_array_get(a, 0))), 0);
	assert_int_equal(len, 32);
	return true;
}

static void
run_vector(json_t *v)
{
	const char *proto = json_string_value(json_object_get(v, "protocol_name"));
	json_t *msgs = json_object_get(v, "messages");
	uint8_t is[32], ie[32], irs[32], rsk[32], re[32], ipsk[32], rpsk[32];
	uint8_t prologue[256], iprologue[256], hash[64], want_hash[64];
	uint8_t isend[32], irecv[32], rsend[32], rrecv[32], ihash[64], rhash[64];
	uint8_t payload[MAX_MSG], want[MAX_MSG], out[MAX_MSG], got[MAX_MSG];
	size_t plen, wlen, olen, glen, prolen, iprolen;
	struct noise_handshake ini, resp;
	bool psk_i, psk_r, has_hash;

	if (proto == NULL)      /* Noise-C's vector spells it "name" */
		proto = json_string_value(json_object_get(v, "name"));
	assert_non_null(proto);
	psk_i = vector_psk(v, "init_psks", ipsk);
	psk_r = vector_psk(v, "resp_psks", rpsk);
	assert_int_equal(psk_i, psk_r);
	assert_string_equal(proto, psk_i ? NOISE_PROTOCOL_IKPSK2 : NOISE_PROTOCOL_IK);

	hex_key(v, "init_static", is);
	hex_key(v, "init_ephemeral", ie);
	hex_key(v, "init_remote_static", irs);
	hex_key(v, "resp_static", rsk);
	hex_key(v, "resp_ephemeral", re);
	iprolen = hex_field(v, "init_prologue", iprologue, sizeof(iprologue));
	prolen = hex_field(v, "resp_prologue", prologue, sizeof(prologue));
	has_hash = json_object_get(v, "handshake_hash") != NULL;
	if (has_hash)
		assert_int_equal(hex_field(v, "handshake_hash", want_hash, sizeof(want_hash)), 64);
	assert_true(json_array_size(msgs) >= 2);

	assert_int_equal(noise_init(&ini, NOISE_INITIATOR, psk_i, iprologue, iprolen, is, irs), NOISE_OK);
	assert_int_equal(noise_init(&resp, NOISE_RESPONDER, psk_r, prologue, prolen, rsk, NULL), NOISE_OK);
	noise_set_ephemeral(&ini, ie);
	noise_set_ephemeral(&resp, re);
	if (psk_i)
		noise_set_psk(&ini, ipsk);

	/* message 1: initiator writes exactly the vector's bytes, responder reads them */
	plen = hex_field(json_array_get(msgs, 0), "payload", payload, sizeof(payload));
	wlen = hex_field(json_array_get(msgs, 0), "ciphertext", want, sizeof(want));
	assert_int_equal(noise_write_message1(&ini, payload, plen, out, sizeof(out), &olen), NOISE_OK);
	assert_int_equal(olen, wlen);
	assert_memory_equal(out, want, wlen);
	assert_int_equal(noise_read_message1(&resp, want, wlen, got, sizeof(got), &glen), NOISE_OK);
	assert_int_equal(glen, plen);
	assert_memory_equal(got, payload, plen);
	{
		uint8_t ipub[32];

		crypto_scalarmult_base(ipub, is);
		assert_memory_equal(noise_remote_static(&resp), ipub, 32);
	}
	n_messages++;
	if (psk_r)
		noise_set_psk(&resp, rpsk);

	/* message 2 */
	plen = hex_field(json_array_get(msgs, 1), "payload", payload, sizeof(payload));
	wlen = hex_field(json_array_get(msgs, 1), "ciphertext", want, sizeof(want));
	assert_int_equal(noise_write_message2(&resp, payload, plen, out, sizeof(out), &olen), NOISE_OK);
	assert_int_equal(olen, wlen);
	assert_memory_equal(out, want, wlen);
	assert_int_equal(noise_read_message2(&ini, want, wlen, got, sizeof(got), &glen), NOISE_OK);
	assert_int_equal(glen, plen);
	assert_memory_equal(got, payload, plen);
	n_messages++;

	assert_int_equal(noise_split(&ini, isend, irecv, ihash), NOISE_OK);
	assert_int_equal(noise_split(&resp, rsend, rrecv, rhash), NOISE_OK);
	assert_memory_equal(ihash, rhash, 64);
	if (has_hash) {
		memcpy(hash, ihash, 64);
		assert_memory_equal(hash, want_hash, 64);
		n_hashes++;
	}
	assert_memory_equal(isend, rrecv, 32);
	assert_memory_equal(irecv, rsend, 32);

	/* transport: even messages initiator -> responder on c1, odd ones back
	 * on c2; each direction counts its own nonces from 0, empty AD */
	for (size_t i = 2; i < json_array_size(msgs); i++) {
		json_t *m = json_array_get(msgs, i);
		bool from_ini = i % 2 == 0;
		uint64_t nonce = (i - 2) / 2;

		plen = hex_field(m, "payload", payload, sizeof(payload));
		wlen = hex_field(m, "ciphertext", want, sizeof(want));
		assert_int_equal(wlen, plen + NOISE_TAG_LEN);
		noise_encrypt(from_ini ? isend : rsend, nonce, NULL, 0, payload, plen, out);
		assert_memory_equal(out, want, wlen);
		assert_int_equal(noise_decrypt(from_ini ? rrecv : irecv, nonce, NULL, 0, want, wlen, got), 0);
		assert_memory_equal(got, payload, plen);
		n_messages++;
	}
	n_vectors++;
}

static void
test_vectors(void **state)
{
	json_t *arr = json_object_get(vectors_root, "vectors");

	(void)state;
	assert_true(json_is_array(arr));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		n_in_file += json_array_size(json_object_get(json_array_get(arr, i), "messages"));
		run_vector(json_array_get(arr, i));
	}
	print_message("noise vectors: %u vectors, %u messages, %u handshake hashes reproduced byte for byte\n",
	    n_vectors, n_messages, n_hashes);
	/* a file that parsed to nothing must not pass */
	assert_true(n_vectors >= 4);
	assert_true(n_messages > 0);
	assert_int_equal(n_messages, n_in_file);
	assert_true(n_hashes >= 3);
}

/* #0 and #2 share keys and payloads but not the prologue: the encrypted
 * static key is the same, the tags differ. A prologue mixed into the chaining
 * key instead of h would make the static ciphertexts differ too. */
static void
test_prologue_goes_into_h(void **state)
{
	json_t *arr = json_object_get(vectors_root, "vectors");
	uint8_t a[MAX_MSG], b[MAX_MSG];
	size_t alen, blen;

	(void)state;
	alen = hex_field(json_array_get(json_object_get(json_array_get(arr, 0), "messages"), 0), "ciphertext", a, sizeof(a));
	blen = hex_field(json_array_get(json_object_get(json_array_get(arr, 2), "messages"), 0), "ciphertext", b, sizeof(b));
	assert_true(alen >= 80 && blen >= 80);
	assert_memory_equal(a + 32, b + 32, 32);
	assert_memory_not_equal(a + 64, b + 64, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_prologue_goes_into_h),
	};
	json_error_t err;
	int rc;

	if (sodium_init() < 0)
		return 1;
	vectors_root = json_load_file(TESTS_DIR "/vectors/noise-ik-blake2b.json", 0, &err);
	if (vectors_root == NULL) {
		fprintf(stderr, "%s:%d: %s\n", TESTS_DIR "/vectors/noise-ik-blake2b.json", err.line, err.text);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(vectors_root);
	return rc;
}
