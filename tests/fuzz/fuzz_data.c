/* SPDX-License-Identifier: ISC */
/* Fuzz target: data messages. A fixed session opens whatever arrives (the
 * header, counter and lengths are what the fuzzer controls), and the input
 * as a frame survives an encrypt/decrypt round trip byte for byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "session.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t k1[32] = { 1 }, k2[32] = { 2 };
	static struct session rx;
	static int ready;
	struct session a, b;
	uint8_t *pkt;
	size_t len, flen;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		session_init(&rx, SESSION_CHACHA20POLY1305, k1, k2, 7, 8, false, 0);
		ready = 1;
	}
	/* 1: hostile datagram into a live session (the window keeps state) */
	pkt = malloc(size ? size : 1);
	if (pkt == NULL)
		return 0;
	memcpy(pkt, data, size);
	(void)session_decrypt(&rx, 1, pkt, size, &flen);
	free(pkt);

	/* 2: round trip */
	if (size > WIRE_FRAME_MAX)
		return 0;
	session_init(&a, SESSION_CHACHA20POLY1305, k1, k2, 1, 2, true, 0);
	session_init(&b, SESSION_CHACHA20POLY1305, k2, k1, 2, 1, false, 0);
	pkt = malloc(size + WIRE_DATA_MIN_LEN);
	if (pkt == NULL)
		return 0;
	memcpy(pkt + WIRE_DATA_HEADER_LEN, data, size);
	if (session_encrypt(&a, 0, pkt, size, size + WIRE_DATA_MIN_LEN, &len) != SESSION_OK ||
	    session_decrypt(&b, 0, pkt, len, &flen) != SESSION_OK || flen != size ||
	    memcmp(pkt + WIRE_DATA_HEADER_LEN, data, size) != 0)
		abort();
	free(pkt);
	return 0;
}
