/* SPDX-License-Identifier: ISC */
/* Fuzz target: handshake messages past the MAC check. The harness writes a
 * correct mac1 over whatever the fuzzer made (a fuzzer cannot find one), so
 * the Noise parsing itself is what gets exercised: the responder consumes a
 * type-1 message, the initiator (in state MSG1) a type-2 message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cookie.h"
#include "noise.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ini_s[32] = { 1, 2, 3, 4 }, resp_s[32] = { 5, 6, 7, 8 };
static uint8_t ini_pub[32], resp_pub[32];
static struct noise_handshake ini_after_msg1;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct noise_handshake hs;
	struct cookie_maker cm;
	struct cookie_checker cc;
	static const uint8_t src[18] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t buf[WIRE_INITIATION_LEN];
	bool psk = size > 0 && (data[size - 1] & 1);

	if (!ready) {
		uint8_t payload[WIRE_INIT_PAYLOAD_LEN] = { 0 };
		struct wire_initiation m;

		if (sodium_init() < 0)
			abort();
		crypto_scalarmult_base(ini_pub, ini_s);
		crypto_scalarmult_base(resp_pub, resp_s);
		noise_init(&ini_after_msg1, NOISE_INITIATOR, false, (const uint8_t *)NOISE_PROLOGUE,
		    strlen(NOISE_PROLOGUE), ini_s, resp_pub);
		if (noise_create_initiation(&ini_after_msg1, 1, payload, &m) != NOISE_OK)
			abort();
		ready = 1;
	}

	if (size == WIRE_INITIATION_LEN) {
		struct wire_initiation m;
		uint8_t payload[WIRE_INIT_PAYLOAD_LEN];

		memcpy(buf, data, size);
		wire_set_type(buf, WIRE_INITIATION);
		cookie_maker_init(&cm, resp_pub);
		cookie_add_macs(&cm, buf, size, 0);
		cookie_checker_init(&cc, resp_pub);
		if (cookie_check(&cc, buf, size, src, sizeof(src), false, 0) != COOKIE_MAC_OK)
			abort();        /* the harness made mac1 itself */
		memcpy(&m, buf, sizeof(m));
		noise_init(&hs, NOISE_RESPONDER, psk, (const uint8_t *)NOISE_PROLOGUE,
		    strlen(NOISE_PROLOGUE), resp_s, NULL);
		if (noise_consume_initiation(&hs, &m, payload) == NOISE_OK) {
			struct wire_response r;
			uint8_t rp[WIRE_RESP_PAYLOAD_LEN] = { 0 };

			noise_set_psk(&hs, resp_s);
			if (noise_create_response(&hs, 2, 1, rp, &r) != NOISE_OK)
				abort();
		}
		noise_wipe(&hs);
	} else if (size == WIRE_RESPONSE_LEN) {
		struct wire_response r;
		uint8_t payload[WIRE_RESP_PAYLOAD_LEN];

		memcpy(buf, data, size);
		wire_set_type(buf, WIRE_RESPONSE);
		cookie_maker_init(&cm, ini_pub);
		cookie_add_macs(&cm, buf, size, 0);
		memcpy(&r, buf, sizeof(r));
		hs = ini_after_msg1;
		if (noise_consume_response(&hs, &r, payload) == NOISE_OK) {
			uint8_t k1[32], k2[32];

			if (noise_split(&hs, k1, k2, NULL) != NOISE_OK)
				abort();
		}
		noise_wipe(&hs);
	} else {
		/* any other length goes to the generic layer as message 1 */
		uint8_t payload[256];
		size_t n;

		noise_init(&hs, NOISE_RESPONDER, psk, NULL, 0, resp_s, NULL);
		(void)noise_read_message1(&hs, data, size, payload, sizeof(payload), &n);
		noise_wipe(&hs);
	}
	return 0;
}
