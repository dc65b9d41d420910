/* SPDX-License-Identifier: ISC */
/* util: small helpers shared by every module. */
#ifndef V6EXT_UTIL_H
#define V6EXT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void util_hex_encode(char *out, const uint8_t *buf, size_t len);
/* Decode an even-length hex string; -1 on a bad digit, odd length or if
 * it does not fit in cap bytes. */
int util_hex_decode(uint8_t *out, size_t cap, size_t *outlen, const char *hex);

/* All len bytes of buf to fd (a file: a short write is tried again, as
 * is EINTR): 0, or an errno (EIO for a write of nothing). */
int util_write_all(int fd, const void *buf, size_t len);

/* Milliseconds on CLOCK_MONOTONIC (never jumps with the wall clock). */
uint64_t util_now_ms(void);

/* fmt into err (errlen bytes, cut short if it must); returns -1, so a
 * parser's `return util_errorf(err, errlen, "line %d: ...", n);` says why
 * and fails in one step. */
int util_errorf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* SipHash-2-4 of buf under a secret 16-byte key (libsodium's shorthash):
 * for the hash tables whose keys a peer picks, so nobody can line keys up
 * in one bucket without the key. */
/* A count in a state file: 1 to 9 decimal digits at w (wl bytes), nothing
 * else. 0, or -1 when it is not one. */
int util_count(const char *w, size_t wl, size_t *out);

uint64_t util_keyed_hash(const uint8_t key[16], const void *buf, size_t len);

/* Little-endian loads and stores on unaligned wire bytes. */
static inline uint32_t util_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void util_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline uint64_t util_get_le64(const uint8_t *p)
{
	return (uint64_t)util_get_le32(p) | (uint64_t)util_get_le32(p + 4) << 32;
}

static inline void util_put_le64(uint8_t *p, uint64_t v)
{
	util_put_le32(p, (uint32_t)v);
	util_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Big-endian (network order) loads and stores. */
static inline uint16_t util_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t util_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void util_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

static inline void util_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline uint64_t util_get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void util_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* False only when the environment has name=off: the switches that turn a
 * speed-up off, to measure what it gains or to rule it out (docs/PERFORMANCE.md). */
bool util_env_on(const char *name);

#endif
