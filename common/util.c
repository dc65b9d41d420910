/* SPDX-License-Identifier: ISC */
/* util: hex and time helpers. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "util.h"

void
util_hex_encode(char *out, const uint8_t *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
util_hex_decode(uint8_t *out, size_t cap, size_t *outlen, const char *hex)
{
	size_t n = 0;

	while (hex[0] != '\0') {
		int hi, lo;

		if (hex[1] == '\0')
			return -1;
		hi = hex_nibble(hex[0]);
		lo = hex_nibble(hex[1]);
		if (hi < 0 || lo < 0 || n >= cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	*outlen = n;
	return 0;
}

uint64_t
util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool
util_env_on(const char *name)
{
	const char *v = getenv(name);

	return v == NULL || strcmp(v, "off") != 0;
}

uint64_t
util_keyed_hash(const uint8_t key[16], const void *buf, size_t len)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, buf, len, key);
	memcpy(&v, h, sizeof(v));
	return v;
}

int
util_count(const char *w, size_t wl, size_t *out)
{
	size_t v = 0;

	if (wl == 0 || wl > 9)
		return -1;
	for (size_t i = 0; i < wl; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		v = v * 10 + (size_t)(w[i] - '0');
	}
	*out = v;
	return 0;
}

int
util_errorf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
util_write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, (const uint8_t *)buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		done += (size_t)w;
	}
	return 0;
}
