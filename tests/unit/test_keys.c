/* SPDX-License-Identifier: ISC */
/* test_keys: base64 key text, X25519 public keys (RFC 7748 6.1 vectors)
 * and key files. Tables are numbered in comments so a failing row can be
 * named. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "keys.h"
#include "util.h"

/* RFC 7748 6.1 */
#define ALICE_PRIV_HEX "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define ALICE_PUB_HEX  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define BOB_PRIV_HEX   "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define BOB_PUB_HEX    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define ALICE_PRIV_B64 "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB_B64  "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define ZERO_B64       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

static void
hex_key(uint8_t key[KEY_LEN], const char *hex)
{
	size_t n = 0;

	assert_int_equal(util_hex_decode(key, KEY_LEN, &n, hex), 0);
	assert_int_equal(n, KEY_LEN);
}

/* ------------------------------------------------------------- base64 */

static void
test_base64_round_trip(void **state)
{
	uint8_t key[KEY_LEN], back[KEY_LEN];
	char b64[KEY_B64_LEN + 1];
	const char *why = NULL;

	(void)state;
	for (int row = 0; row < 260; row++) {
		/* 1: zeros, 2: 0xff, 3: counting bytes, 4..: random */
		if (row == 0)
			memset(key, 0, sizeof(key));
		else if (row == 1)
			memset(key, 0xff, sizeof(key));
		else if (row == 2)
			for (int i = 0; i < KEY_LEN; i++)
				key[i] = (uint8_t)i;
		else
			randombytes_buf(key, sizeof(key));
		memset(b64, 'x', sizeof(b64));
		key_to_base64(b64, key);
		assert_int_equal(strlen(b64), KEY_B64_LEN);
		assert_int_equal(b64[KEY_B64_LEN - 1], '=');
		if (key_from_base64(back, b64, &why) != 0)
			fail_msg("row %d: %s: %s", row + 1, b64, why);
		assert_memory_equal(key, back, KEY_LEN);
		assert_int_equal(key_from_base64_buf(back, (const uint8_t *)b64,
		    KEY_B64_LEN, &why), 0);
		assert_memory_equal(key, back, KEY_LEN);
	}
}

static void
test_base64_known(void **state)
{
	static const struct {
		const char *hex;
		const char *b64;
	} rows[] = {
		/* 1 */ { ALICE_PRIV_HEX, ALICE_PRIV_B64 },
		/* 2 */ { ALICE_PUB_HEX, ALICE_PUB_B64 },
		/* 3 */ { BOB_PRIV_HEX, "XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os=" },
		/* 4 */ { BOB_PUB_HEX, "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=" },
		/* 5 */ { "0000000000000000000000000000000000000000000000000000000000000000",
			  ZERO_B64 },
		/* 6 */ { "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
			  "//////////////////////////////////////////8=" },
	};
	uint8_t key[KEY_LEN], back[KEY_LEN];
	char b64[KEY_B64_LEN + 1];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		hex_key(key, rows[i].hex);
		key_to_base64(b64, key);
		assert_string_equal(b64, rows[i].b64);
		assert_int_equal(key_from_base64(back, rows[i].b64, NULL), 0);
		assert_memory_equal(back, key, KEY_LEN);
	}
}

static void
test_base64_malformed(void **state)
{
	static const struct {
		const char *b64;
	} rows[] = {
		/* 1: empty */
		{ "" },
		/* 2: 43 characters, no '=' */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
		/* 3: 43 characters with '=' */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		/* 4: 45 characters */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		/* 5: a trailing newline is not part of a key */
		{ ZERO_B64 "\n" },
		/* 6: missing '=': 44 digits are 33 bytes */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
		/* 7: "==" is 31 bytes */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==" },
		/* 8-11: characters outside the alphabet */
		{ "AAAAAAAAAA!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ "AAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ "AAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ "AAAAAAAAAA\xc3\xa9" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		/* 12, 13: bytes over 0x7f (libsodium 1.0.18 reads them as '/') */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x80" "A=" },
		{ "\xff" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		/* 14-17: whitespace anywhere */
		{ "AAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ "AAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\t=" },
		/* 18, 19: non-canonical last digit (its two spare bits set,
		 * RFC 4648 3.5): same bytes as ZERO_B64 and ALICE_PRIV_B64 */
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=" },
		{ "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=" },
		/* 20: '=' in the middle */
		{ "AAAAAAAAAA=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		/* 21: hex is not base64 */
		{ ALICE_PRIV_HEX },
	};
	uint8_t key[KEY_LEN];
	const char *why;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		/* rows 6-20 are the right length, so they test what they say */
		if (i >= 5 && i < 20 && strlen(rows[i].b64) != KEY_B64_LEN)
			fail_msg("row %zu is not 44 bytes long", i + 1);
		why = NULL;
		memset(key, 0xa5, sizeof(key));
		if (key_from_base64(key, rows[i].b64, &why) != -1)
			fail_msg("row %zu: \"%s\" accepted", i + 1, rows[i].b64);
		assert_non_null(why);
		/* a refused key leaves nothing behind */
		assert_true(sodium_is_zero(key, sizeof(key)));
		assert_int_equal(key_from_base64_buf(key, (const uint8_t *)rows[i].b64,
		    strlen(rows[i].b64), NULL), -1);
	}
	/* 22: NULL */
	assert_int_equal(key_from_base64(key, NULL, &why), -1);
	assert_int_equal(key_from_base64_buf(key, NULL, KEY_B64_LEN, &why), -1);
}

/* A NUL in place of each character, in a heap block of exactly 44 bytes. */
static void
test_base64_buf_nul(void **state)
{
	uint8_t *buf = malloc(KEY_B64_LEN);
	uint8_t key[KEY_LEN];

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < KEY_B64_LEN; i++) {
		memcpy(buf, ALICE_PRIV_B64, KEY_B64_LEN);
		buf[i] = '\0';
		assert_int_equal(key_from_base64_buf(key, buf, KEY_B64_LEN, NULL), -1);
	}
	/* truncations: only the whole key parses */
	memcpy(buf, ALICE_PRIV_B64, KEY_B64_LEN);
	for (size_t n = 0; n < KEY_B64_LEN; n++)
		assert_int_equal(key_from_base64_buf(key, buf, n, NULL), -1);
	assert_int_equal(key_from_base64_buf(key, buf, KEY_B64_LEN, NULL), 0);
	free(buf);
}

/* ------------------------------------------------------------- X25519 */

static void
test_public_rfc7748(void **state)
{
	static const struct {
		const char *priv;
		const char *pub;
	} rows[] = {
		/* 1: RFC 7748 6.1, Alice */
		{ ALICE_PRIV_HEX, ALICE_PUB_HEX },
		/* 2: RFC 7748 6.1, Bob */
		{ BOB_PRIV_HEX, BOB_PUB_HEX },
	};
	uint8_t priv[KEY_LEN], pub[KEY_LEN], want[KEY_LEN];
	char b64[KEY_B64_LEN + 1];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		hex_key(priv, rows[i].priv);
		hex_key(want, rows[i].pub);
		assert_int_equal(key_public(pub, priv), 0);
		assert_memory_equal(pub, want, KEY_LEN);
	}
	/* 3: the same from the base64 text, as "v6ext pubkey" does */
	assert_int_equal(key_from_base64(priv, ALICE_PRIV_B64, NULL), 0);
	assert_int_equal(key_public(pub, priv), 0);
	key_to_base64(b64, pub);
	assert_string_equal(b64, ALICE_PUB_B64);
}

static void
test_generate(void **state)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], pa[KEY_LEN], pa2[KEY_LEN];

	(void)state;
	for (int i = 0; i < 64; i++) {
		key_generate(a);
		key_generate(b);
		assert_memory_not_equal(a, b, KEY_LEN);
		/* RFC 7748 5: clamped */
		assert_int_equal(a[0] & 7, 0);
		assert_int_equal(a[31] & 0x80, 0);
		assert_int_equal(a[31] & 0x40, 0x40);
		assert_int_equal(key_public(pa, a), 0);
		assert_int_equal(key_public(pa2, a), 0);
		assert_memory_equal(pa, pa2, KEY_LEN);
	}
}

/* ------------------------------------------------------------- key files */

struct keyfile {
	char dir[64];
	char path[96];
};

static void
keyfile_make(struct keyfile *kf, const char *content, size_t len, mode_t mode)
{
	int fd;

	strcpy(kf->path, "/tmp/v6ext-test-keys.XXXXXX");
	kf->dir[0] = '\0';
	fd = mkstemp(kf->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
keyfile_dir(struct keyfile *kf)
{
	strcpy(kf->dir, "/tmp/v6ext-test-keys.XXXXXX");
	assert_non_null(mkdtemp(kf->dir));
	snprintf(kf->path, sizeof(kf->path), "%s/key", kf->dir);
}

static void
keyfile_clean(struct keyfile *kf)
{
	unlink(kf->path);
	if (kf->dir[0] != '\0')
		rmdir(kf->dir);
}

static void
test_read_file_good(void **state)
{
	static const struct {
		const char *content;
		mode_t mode;
	} rows[] = {
		/* 1-3: the key, with "\n", without, with "\r\n" */
		{ ALICE_PRIV_B64 "\n", 0600 },
		{ ALICE_PRIV_B64, 0600 },
		{ ALICE_PRIV_B64 "\r\n", 0600 },
		/* 4: read-only for the owner */
		{ ALICE_PRIV_B64 "\n", 0400 },
	};
	uint8_t key[KEY_LEN], want[KEY_LEN];
	char err[256];
	struct keyfile kf;

	(void)state;
	hex_key(want, ALICE_PRIV_HEX);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		keyfile_make(&kf, rows[i].content, strlen(rows[i].content), rows[i].mode);
		err[0] = '\0';
		if (key_read_file(kf.path, key, err, sizeof(err)) != 0)
			fail_msg("row %zu: %s", i + 1, err);
		assert_memory_equal(key, want, KEY_LEN);
		keyfile_clean(&kf);
	}
}

/* The message names the file and says what to do; no key text in it. */
static void
test_read_file_modes(void **state)
{
	static const mode_t rows[] = {
		/* 1 */ 0640,
		/* 2 */ 0644,
		/* 3 */ 0604,
		/* 4 */ 0620,
		/* 5 */ 0602,
		/* 6 */ 0610,
		/* 7 */ 0601,
		/* 8 */ 0666,
		/* 9 */ 0777,
	};
	uint8_t key[KEY_LEN];
	char err[256], want[64];
	struct keyfile kf;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		keyfile_make(&kf, ALICE_PRIV_B64 "\n", KEY_B64_LEN + 1, rows[i]);
		memset(key, 0xa5, sizeof(key));
		err[0] = '\0';
		assert_int_equal(key_read_file(kf.path, key, err, sizeof(err)), -1);
		assert_true(sodium_is_zero(key, sizeof(key)));
		assert_true(strncmp(err, kf.path, strlen(kf.path)) == 0);
		snprintf(want, sizeof(want), "permissions %04o are too open", (unsigned int)rows[i]);
		assert_non_null(strstr(err, want));
		assert_non_null(strstr(err, "chmod 600"));
		assert_null(strstr(err, "dwdtCnMY"));
		keyfile_clean(&kf);
	}
}

static void
test_read_file_content(void **state)
{
	static const struct {
		const char *content;
		size_t len;
	} rows[] = {
#define ROW(s) { s, sizeof(s) - 1 }
		/* 1: empty */
		ROW(""),
		/* 2: just a newline */
		ROW("\n"),
		/* 3: two keys */
		ROW(ALICE_PRIV_B64 "\n" ALICE_PRIV_B64 "\n"),
		/* 4-8: trailing garbage */
		ROW(ALICE_PRIV_B64 "x"),
		ROW(ALICE_PRIV_B64 "\n\n"),
		ROW(ALICE_PRIV_B64 " \n"),
		ROW(ALICE_PRIV_B64 "\r"),
		ROW(ALICE_PRIV_B64 "\n#"),
		/* 9: leading whitespace */
		ROW(" " ALICE_PRIV_B64),
		/* 10: a short key */
		ROW("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC=\n"),
		/* 11: non-canonical */
		ROW("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=\n"),
		/* 12: a NUL after the key */
		ROW(ALICE_PRIV_B64 "\0"),
		/* 13: hex, not base64 */
		ROW(ALICE_PRIV_HEX "\n"),
		/* 14: a config file given by mistake */
		ROW("[server]\nprivate-key-file = /etc/v6ext/server.key\n"),
#undef ROW
	};
	uint8_t key[KEY_LEN];
	char err[256], want[160];
	struct keyfile kf;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		keyfile_make(&kf, rows[i].content, rows[i].len, 0600);
		memset(key, 0xa5, sizeof(key));
		err[0] = '\0';
		if (key_read_file(kf.path, key, err, sizeof(err)) != -1)
			fail_msg("row %zu accepted", i + 1);
		assert_true(sodium_is_zero(key, sizeof(key)));
		snprintf(want, sizeof(want), "%s: not a base64 X25519 key", kf.path);
		assert_string_equal(err, want);
		keyfile_clean(&kf);
	}
}

static void
test_read_file_kinds(void **state)
{
	uint8_t key[KEY_LEN];
	char err[256], missing[128];
	struct keyfile kf, target;

	(void)state;
	/* 1: a directory */
	keyfile_dir(&kf);
	assert_int_equal(key_read_file(kf.dir, key, err, sizeof(err)), -1);
	assert_true(strncmp(err, kf.dir, strlen(kf.dir)) == 0);
	assert_non_null(strstr(err, "not a regular file"));

	/* 2: a symbolic link to a good key file */
	keyfile_make(&target, ALICE_PRIV_B64 "\n", KEY_B64_LEN + 1, 0600);
	assert_int_equal(key_read_file(target.path, key, err, sizeof(err)), 0);
	assert_int_equal(symlink(target.path, kf.path), 0);
	assert_int_equal(key_read_file(kf.path, key, err, sizeof(err)), -1);
	assert_true(strncmp(err, kf.path, strlen(kf.path)) == 0);
	assert_non_null(strstr(err, "symbolic link"));
	assert_null(strstr(err, "dwdtCnMY"));
	unlink(kf.path);
	keyfile_clean(&target);

	/* 3: a FIFO is refused at once, without waiting for a writer */
	assert_int_equal(mkfifo(kf.path, 0600), 0);
	assert_int_equal(key_read_file(kf.path, key, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(kf.path);

	/* 4: missing */
	assert_int_equal(key_read_file(kf.path, key, err, sizeof(err)), -1);
	assert_true(strncmp(err, kf.path, strlen(kf.path)) == 0);
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* 5: /dev/null is not a regular file either */
	assert_int_equal(key_read_file("/dev/null", key, err, sizeof(err)), -1);
	assert_string_equal(err, "/dev/null: not a regular file");
	keyfile_clean(&kf);

	/* 6: a small or missing error buffer is fine */
	snprintf(missing, sizeof(missing), "%s", "/nonexistent/v6ext.key");
	assert_int_equal(key_read_file(missing, key, err, 8), -1);
	assert_string_equal(err, "/nonexi");
	assert_int_equal(key_read_file(missing, key, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_base64_known),
		cmocka_unit_test(test_base64_malformed),
		cmocka_unit_test(test_base64_buf_nul),
		cmocka_unit_test(test_public_rfc7748),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_read_file_good),
		cmocka_unit_test(test_read_file_modes),
		cmocka_unit_test(test_read_file_content),
		cmocka_unit_test(test_read_file_kinds),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
