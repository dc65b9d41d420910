/* SPDX-License-Identifier: ISC */
/* keys: 32-byte X25519 keys, base64 (44 characters) like wg(8). */
#ifndef V6EXT_KEYS_H
#define V6EXT_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEY_LEN     32
#define KEY_B64_LEN 44          /* without NUL */

/* Strict: exactly 44 base64 characters ending in one '=', decoding to 32
 * bytes; no whitespace. -1 with *why set otherwise. */
int key_from_base64(uint8_t key[KEY_LEN], const char *b64, const char **why);
/* Same from a raw buffer (no NUL needed). */
int key_from_base64_buf(uint8_t key[KEY_LEN], const uint8_t *buf, size_t len, const char **why);
void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[KEY_LEN]);

/* A fresh private key, clamped as RFC 7748 5 says. */
void key_generate(uint8_t priv[KEY_LEN]);
/* The public key of priv; -1 only if libsodium refuses. */
int key_public(uint8_t pub[KEY_LEN], const uint8_t priv[KEY_LEN]);

/* Read a key file holding one base64 key (a trailing newline is allowed).
 * Refused when the file is readable or writable by group or others, is not a
 * regular file, or does not hold exactly one key. On error returns -1 and
 * writes "PATH: reason" into err. The key never reaches a log. */
int key_read_file(const char *path, uint8_t key[KEY_LEN], char *err, size_t errlen);
/* The same in two steps, for a process that may open the file (root) and
 * one that reads it (v6extd's engine): key_open_file returns the fd (or -1
 * with "PATH: why" in err), key_read_fd makes every check but the symlink
 * one on it. path is for messages only. */
int key_open_file(const char *path, char *err, size_t errlen);
int key_read_fd(int fd, const char *path, uint8_t key[KEY_LEN], char *err, size_t errlen);
/* A secret file of another kind (a TSIG key): the same checks of the
 * file, up to cap bytes of it into buf (*len); the caller parses and wipes
 * them. */
int key_read_secret_fd(int fd, const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen);

#endif
