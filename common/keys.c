/* SPDX-License-Identifier: ISC */
/* keys: 32-byte X25519 keys (RFC 7748) and their base64 text (RFC 4648 4,
 * the standard alphabet with padding, 44 characters), as wg(8) writes them.
 *
 * The text form is strict: one spelling per key. Every buffer that held a
 * private key, in binary or in base64, is wiped with sodium_memzero before
 * it goes out of scope, and no error message ever quotes key text.
 *
 * Each entry point that needs libsodium's internal state calls
 * sodium_init() itself (it is idempotent and thread-safe), so callers need
 * not; programs still call it first thing in main. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keys.h"
#include "log.h"

/* A key file holds 44 characters and "\n" or "\r\n"; read one byte more
 * than the longest so that anything longer is seen and refused. */
#define KEY_FILE_MAX (KEY_B64_LEN + 2)

static void
keys_init(void)
{
	if (sodium_init() < 0)
		fatalx("libsodium could not be initialised");
}

static void
keys_fail(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
}

static void keys_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
keys_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
key_from_base64_buf(uint8_t key[KEY_LEN], const uint8_t *buf, size_t len, const char **why)
{
	uint8_t tmp[KEY_LEN];
	char canon[KEY_B64_LEN + 1];
	const char *end = NULL;
	size_t binlen = 0;
	int ret = -1;

	/* Length first: nothing below reads more than KEY_B64_LEN bytes. */
	if (buf == NULL || len != KEY_B64_LEN) {
		keys_fail(why, "key is not 44 base64 characters");
		goto out;
	}
	/* 32 bytes are 43 base64 digits and exactly one '=' (RFC 4648 4). */
	if (buf[KEY_B64_LEN - 1] != '=' || buf[KEY_B64_LEN - 2] == '=') {
		keys_fail(why, "key does not end in exactly one '='");
		goto out;
	}
	/* ignore == NULL: whitespace is an invalid character, not skipped. */
	if (sodium_base642bin(tmp, sizeof(tmp), (const char *)buf, len, NULL,
	    &binlen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    binlen != KEY_LEN || end != (const char *)buf + len) {
		keys_fail(why, "key is not valid base64");
		goto out;
	}
	/* One spelling per key: re-encode and compare. This refuses set spare
	 * bits in the last digit (RFC 4648 3.5) whatever the libsodium
	 * version does, and it is what refuses bytes 0x80..0xff, which
	 * libsodium 1.0.18 decodes as if they were '/'. */
	sodium_bin2base64(canon, sizeof(canon), tmp, sizeof(tmp),
	    sodium_base64_VARIANT_ORIGINAL);
	if (sodium_memcmp(canon, buf, KEY_B64_LEN) != 0) {
		keys_fail(why, "key is not valid base64");
		goto out;
	}
	memcpy(key, tmp, KEY_LEN);
	ret = 0;
out:
	if (ret != 0 && key != NULL)
		sodium_memzero(key, KEY_LEN);
	sodium_memzero(tmp, sizeof(tmp));
	sodium_memzero(canon, sizeof(canon));
	return ret;
}

int
key_from_base64(uint8_t key[KEY_LEN], const char *b64, const char **why)
{
	if (b64 == NULL) {
		keys_fail(why, "key is not 44 base64 characters");
		if (key != NULL)
			sodium_memzero(key, KEY_LEN);
		return -1;
	}
	/* strnlen: look at no more than one byte past a key's length */
	return key_from_base64_buf(key, (const uint8_t *)b64,
	    strnlen(b64, KEY_B64_LEN + 1), why);
}

void
key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[KEY_LEN])
{
	sodium_bin2base64(out, KEY_B64_LEN + 1, key, KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
}

void
key_generate(uint8_t priv[KEY_LEN])
{
	keys_init();
	randombytes_buf(priv, KEY_LEN);
	/* RFC 7748 5: clear the three low bits (the cofactor), clear the top
	 * bit and set the second highest. X25519 clamps again when it uses
	 * the key; storing it clamped gives one text form per scalar, as wg. */
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
}

int
key_public(uint8_t pub[KEY_LEN], const uint8_t priv[KEY_LEN])
{
	if (sodium_init() < 0)
		return -1;
	return crypto_scalarmult_base(pub, priv) == 0 ? 0 : -1;
}

int
key_open_file(const char *path, char *err, size_t errlen)
{
	int fd;

	/* O_NOFOLLOW: a key file is never a symlink (someone who can change
	 * the link could point it anywhere). O_NONBLOCK: opening a FIFO must
	 * not hang start-up; key_read_fd's fstat refuses it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ELOOP)
			keys_err(err, errlen, "%s: is a symbolic link; refusing to follow it", path);
		else
			keys_err(err, errlen, "%s: %s", path, strerror(errno));
	}
	return fd;
}

int
key_read_secret_fd(int fd, const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t n = 0;
	ssize_t r;

	*len = 0;
	if (fstat(fd, &st) == -1)
		return keys_err(err, errlen, "%s: %s", path, strerror(errno)), -1;
	if (!S_ISREG(st.st_mode))
		return keys_err(err, errlen, "%s: not a regular file", path), -1;
	if ((st.st_mode & 077) != 0)
		return keys_err(err, errlen, "%s: permissions %04o are too open; chmod 600 %s",
		    path, (unsigned int)(st.st_mode & 07777), path), -1;
	while (n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			sodium_memzero(buf, n);
			return keys_err(err, errlen, "%s: %s", path, strerror(errno)), -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

int
key_read_fd(int fd, const char *path, uint8_t key[KEY_LEN], char *err, size_t errlen)
{
	uint8_t buf[KEY_FILE_MAX + 1];
	size_t n;
	int ret = -1;

	sodium_memzero(key, KEY_LEN);
	if (key_read_secret_fd(fd, path, buf, sizeof(buf), &n, err, errlen) != 0)
		goto out;
	/* The key, then nothing, "\n" or "\r\n"; anything else is refused
	 * without saying what was found. */
	if (!(n == KEY_B64_LEN ||
	    (n == KEY_B64_LEN + 1 && buf[KEY_B64_LEN] == '\n') ||
	    (n == KEY_B64_LEN + 2 && buf[KEY_B64_LEN] == '\r' &&
	    buf[KEY_B64_LEN + 1] == '\n')) ||
	    key_from_base64_buf(key, buf, KEY_B64_LEN, NULL) != 0) {
		keys_err(err, errlen, "%s: not a base64 X25519 key", path);
		goto out;
	}
	ret = 0;
out:
	if (ret != 0)
		sodium_memzero(key, KEY_LEN);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

int
key_read_file(const char *path, uint8_t key[KEY_LEN], char *err, size_t errlen)
{
	int fd, rc;

	if (key != NULL)
		sodium_memzero(key, KEY_LEN);
	if (path == NULL || key == NULL) {
		keys_err(err, errlen, "%s: no key file given", path ? path : "(null)");
		return -1;
	}
	if ((fd = key_open_file(path, err, errlen)) < 0)
		return -1;
	rc = key_read_fd(fd, path, key, err, errlen);
	close(fd);
	return rc;
}
