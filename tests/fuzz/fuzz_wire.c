/* SPDX-License-Identifier: ISC */
/* Fuzz target: a datagram as the server's socket sees it. Classify it, and
 * for handshake messages run the MAC check the daemon runs first. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "cookie.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cookie_checker cc;
	static struct cookie_maker cm;
	static int ready;
	static const uint8_t src[18] = { 0x20, 0x01, 0x0d, 0xb8 };
	enum wire_type type;

	if (!ready) {
		uint8_t pub[32] = { 9 };

		if (sodium_init() < 0)
			abort();
		cookie_checker_init(&cc, pub);
		cookie_maker_init(&cm, pub);
		ready = 1;
	}
	if (wire_classify(data, size, &type) != WIRE_OK)
		return 0;
	switch (type) {
	case WIRE_INITIATION:
	case WIRE_RESPONSE:
		(void)cookie_check(&cc, data, size, src, sizeof(src), size & 1, 1000);
		break;
	case WIRE_COOKIE: {
		struct wire_cookie_reply r;

		__builtin_memcpy(&r, data, sizeof(r));
		(void)cookie_consume_reply(&cm, &r, 1000);
		break;
	}
	case WIRE_DATA:
		break;
	}
	return 0;
}
