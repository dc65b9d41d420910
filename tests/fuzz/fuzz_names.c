/* SPDX-License-Identifier: ISC */
/* Fuzz target: names. The first byte picks what the rest is:
 *   0  a Client FQDN option's value (RFC 4704 4.1: flags, then a name):
 *      the host chosen is a host label or nothing, the answer's option is
 *      well-formed and its name the host's under site and zone;
 *   1  the names state file: what parses builds back to the same records;
 *   2  a pubmsg: what parses builds back to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6.h"
#include "lease.h"
#include "names.h"
#include "pubmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_fqdn(const uint8_t *data, size_t size)
{
	static struct conf_host nas = { .peer = "home1", .name = "nas" };
	static struct conf_server conf = { .hosts = &nas, .n_hosts = 1 };
	struct names_site ns = { .site = "home1", .zone = "home.example.org", .publish = true, .conf = &conf };
	static struct dhcp6_msg req, reply, back;
	uint8_t wire[DHCP6_MSG_MAX], again[NAMES_HOST_MAX + 1];
	char host[NAMES_HOST_MAX + 1];
	struct leases l;
	enum names_verdict v;
	size_t n;

	if (size < 1)
		return;
	memset(&req, 0, sizeof(req));
	req.type = DHCP6_REQUEST;
	memcpy(req.client_id, "\0\1\0\1abcd", 8);
	req.client_id_len = 8;
	req.has_fqdn = true;
	req.fqdn_flags = data[0];
	req.fqdn_too_long = size - 1 > DHCP6_FQDN_MAX;
	req.fqdn_len = req.fqdn_too_long ? 0 : size - 1;
	memcpy(req.fqdn, data + 1, req.fqdn_len);
	leases_init(&l);
	v = names_choose(&ns, &l, &req, host);
	if (v >= NAMES_VERDICT_MAX || (v == NAMES_OK) != (host[0] != '\0'))
		abort();
	if (v == NAMES_OK && (!names_label_ok(host) || strcmp(host, "nas") == 0))
		abort();
	/* the host is the name's first label, lower-cased */
	if (v == NAMES_OK) {
		n = strlen(host);
		if (names_fqdn_host(req.fqdn, req.fqdn_len, (char *)again) != NAMES_OK || strcmp((char *)again, host) != 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if (host[i] >= 'A' && host[i] <= 'Z')
				abort();
	}
	memset(&reply, 0, sizeof(reply));
	reply.type = DHCP6_REPLY;
	names_reply(&ns, &req, v, host, &reply);
	if (!reply.has_fqdn || ((reply.fqdn_flags & DHCP6_FQDN_N) && (reply.fqdn_flags & DHCP6_FQDN_S)) ||
	    (reply.fqdn_flags & ~7) != 0)
		abort();
	/* the answer's name reads back as the same host */
	if (v == NAMES_OK && (names_fqdn_host(reply.fqdn, reply.fqdn_len, (char *)again) != NAMES_OK ||
	    strcmp((char *)again, host) != 0))
		abort();
	if ((n = dhcp6_build(&reply, wire, sizeof(wire))) == 0 || dhcp6_parse(wire, n, &back) != DHCP6_OK ||
	    !back.has_fqdn || back.fqdn_len != reply.fqdn_len || memcmp(back.fqdn, reply.fqdn, reply.fqdn_len) != 0)
		abort();
	leases_free(&l);
}

static void
fuzz_state(const uint8_t *data, size_t size)
{
	struct names_set a = { 0 }, b = { 0 };
	char err[256], *text;
	size_t len;

	if (names_parse(data, size, &a, err, sizeof(err)) == 0) {
		if (names_build(&a, &text, &len) != 0 || names_parse((const uint8_t *)text, len, &b, err, sizeof(err)) != 0 ||
		    a.n != b.n || (a.n > 0 && memcmp(a.v, b.v, a.n * sizeof(a.v[0])) != 0))
			abort();
		free(text);
	}
	names_set_free(&a);
	names_set_free(&b);
}

static void
fuzz_pubmsg(const uint8_t *data, size_t size)
{
	uint8_t out[PUBMSG_MAX];
	enum pubmsg_type t;
	struct names_rec r;

	if (pubmsg_parse(data, size, &t, &r) == 0 &&
	    (pubmsg_build(t, &r, out) != size || memcmp(out, data, size) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: fuzz_fqdn(data + 1, size - 1); break;
	case 1: fuzz_state(data + 1, size - 1); break;
	default: fuzz_pubmsg(data + 1, size - 1); break;
	}
	return 0;
}
