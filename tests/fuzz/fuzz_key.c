/* SPDX-License-Identifier: ISC */
/* fuzz_key: key_from_base64_buf on arbitrary bytes.
 *
 * Invariants (abort() when broken): a refusal says why and leaves the
 * output zeroed; an accepted key re-encodes to exactly the input text
 * (one spelling per key) and that text parses back to the same bytes. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t key[KEY_LEN], back[KEY_LEN];
	char text[KEY_B64_LEN + 1];
	const char *why = NULL;

	memset(key, 0xa5, sizeof(key));
	if (key_from_base64_buf(key, data, size, &why) != 0) {
		if (why == NULL || !sodium_is_zero(key, sizeof(key)))
			abort();
		return 0;
	}
	if (size != KEY_B64_LEN)
		abort();
	key_to_base64(text, key);
	if (strlen(text) != KEY_B64_LEN || memcmp(text, data, KEY_B64_LEN) != 0)
		abort();
	if (key_from_base64(back, text, &why) != 0 || memcmp(key, back, KEY_LEN) != 0)
		abort();
	return 0;
}
