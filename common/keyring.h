/* SPDX-License-Identifier: ISC */
/* keyring: 32-byte slots for long-lived secrets (pre-shared keys) in
 * memory of their own: sodium_malloc's, locked (never swapped), with guard
 * pages, and never in a core dump. One allocation holds KEYRING_CHUNK keys,
 * so 16 384 peers with a PSK each cost 128 chunks, not 16 384 times three
 * pages. */
#ifndef V6EXT_KEYRING_H
#define V6EXT_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#define KEYRING_CHUNK 128
#define KEYRING_KEY   32

struct keyring_chunk;

struct keyring {
	struct keyring_chunk *chunks;
};

void keyring_init(struct keyring *k);
/* A zeroed slot, or NULL when out of memory. */
uint8_t *keyring_get(struct keyring *k);
/* The slot is wiped and free again (NULL: nothing). */
void keyring_put(struct keyring *k, uint8_t *key);
/* Every slot wiped, every chunk freed. */
void keyring_free(struct keyring *k);

#endif
