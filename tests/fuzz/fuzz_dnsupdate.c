/* SPDX-License-Identifier: ISC */
/* Fuzz target: an answer to a DNS UPDATE, and a TSIG key file. Every
 * input goes to both dnsupdate_check (against one request built at the
 * first call) and dnsupdate_key_parse. Nothing made up here can carry our
 * key's MAC, so an answer that checks OK is a bug; a key that parses
 * parses again, the same, from its own text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsupdate.h"

#define FUZZ_ID 0x5eed          /* the seeds' answers carry it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *req;
static size_t reqlen;
static struct dnsupdate_key key;

static void
fuzz_setup(void)
{
	static const char text[] = "hmac-sha256:v6ext:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
	struct dnsupdate_rr rr = { .op = DNSUPDATE_ADD, .name = "vm1.home1.home.example.org",
	    .family = AF_INET6, .ttl = 300 };
	char err[256];

	rr.addr.v6.s6_addr[0] = 0x20;
	rr.addr.v6.s6_addr[1] = 0x01;
	if (dnsupdate_key_parse((const uint8_t *)text, sizeof(text) - 1, &key, err, sizeof(err)) != 0 ||
	    dnsupdate_build("home1.home.example.org", &rr, 1, FUZZ_ID, &key, &req, &reqlen, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_dnsupdate: %s\n", err);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsupdate_key k, again;
	char err[256], text[512];
	int n;

	if (req == NULL)
		fuzz_setup();
	err[0] = '\0';
	switch (dnsupdate_check(req, reqlen, data, size, &key, err, sizeof(err))) {
	case DNSUPDATE_OK:
		abort();
	case DNSUPDATE_NOT_OURS:
	case DNSUPDATE_REFUSED:
	case DNSUPDATE_BAD_TSIG:
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
		break;
	default:
		abort();
	}

	if (dnsupdate_key_parse(data, size, &k, err, sizeof(err)) == 0) {
		n = snprintf(text, sizeof(text), "hmac-sha256:%s:%s", k.name, k.secret_b64);
		if (n < 0 || (size_t)n >= sizeof(text) ||
		    dnsupdate_key_parse((const uint8_t *)text, (size_t)n, &again, err, sizeof(err)) != 0 ||
		    memcmp(&k, &again, sizeof(k)) != 0)
			abort();
		dnsupdate_key_wipe(&again);
	}
	dnsupdate_key_wipe(&k);
	return 0;
}
