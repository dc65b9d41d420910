/* SPDX-License-Identifier: ISC */
/* keyring: secrets in sodium_malloc'd chunks; see keyring.h. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keyring.h"

struct keyring_chunk {
	struct keyring_chunk *next;
	uint8_t (*keys)[KEYRING_KEY];   /* KEYRING_CHUNK of them, sodium_malloc */
	bool used[KEYRING_CHUNK];
};

void
keyring_init(struct keyring *k)
{
	k->chunks = NULL;
}

uint8_t *
keyring_get(struct keyring *k)
{
	struct keyring_chunk *c;

	for (c = k->chunks; c != NULL; c = c->next)
		for (size_t i = 0; i < KEYRING_CHUNK; i++)
			if (!c->used[i]) {
				c->used[i] = true;
				return c->keys[i];
			}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->keys = sodium_allocarray(KEYRING_CHUNK, KEYRING_KEY)) == NULL) {
		free(c);
		return NULL;
	}
	sodium_memzero(c->keys, KEYRING_CHUNK * KEYRING_KEY);
	c->next = k->chunks;
	k->chunks = c;
	c->used[0] = true;
	return c->keys[0];
}

void
keyring_put(struct keyring *k, uint8_t *key)
{
	if (key == NULL)
		return;
	for (struct keyring_chunk *c = k->chunks; c != NULL; c = c->next) {
		if (key < c->keys[0] || key > c->keys[KEYRING_CHUNK - 1])
			continue;
		size_t i = (size_t)(key - c->keys[0]) / KEYRING_KEY;

		sodium_memzero(c->keys[i], KEYRING_KEY);
		c->used[i] = false;
		return;
	}
}

void
keyring_free(struct keyring *k)
{
	while (k->chunks != NULL) {
		struct keyring_chunk *c = k->chunks;

		k->chunks = c->next;
		sodium_free(c->keys);   /* wipes before it frees */
		free(c);
	}
}
