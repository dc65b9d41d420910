/* SPDX-License-Identifier: ISC */
/* siit_fixture: the translator both fuzz targets drive: nat64-prefix
 * 64:ff9b::/96, sites 2001:db8:64:1::/64, public 192.0.2.1, pool
 * 198.18.0.0/16, MTU 1280; host ::7 has the ipv4-map 203.0.113.7, host ::8
 * a forward (a pool address, 198.18.0.1 on a fresh table); others get
 * dynamic ones. Output checks abort on anything malformed. */
#ifndef V6EXT_SIIT_FIXTURE_H
#define V6EXT_SIIT_FIXTURE_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "csum.h"
#include "siit.h"

struct fuzz_siit {
	struct eam m;
	struct siit s;
	struct siit_out out, back;
	uint64_t now;
};

static uint8_t fuzz_siit_buf[SIIT_OUT_BYTES], fuzz_siit_buf2[SIIT_OUT_BYTES], fuzz_siit_pkt[SIIT_OUT_BYTES];

static struct fuzz_siit *
fuzz_siit_get(void)
{
	static struct fuzz_siit f;
	static bool ready;
	struct siit_conf c = { .mtu6 = 1280 };
	struct in_addr v4, fwd;
	struct in6_addr h;

	if (ready)
		return &f;
	if (sodium_init() < 0)
		abort();
	inet_pton(AF_INET6, "64:ff9b::", &h);
	memcpy(c.prefix96, &h, 12);
	inet_pton(AF_INET6, "2001:db8:64:1::", &c.sites.addr);
	c.sites.len = 64;
	inet_pton(AF_INET, "192.0.2.1", &c.public4);
	if (eam_init(&f.m, 0xc6120000u, 16) < 0)
		abort();
	inet_pton(AF_INET, "203.0.113.7", &v4);
	inet_pton(AF_INET6, "2001:db8:64:1::7", &h);
	if (eam_add_map(&f.m, &v4, &h) < 0)
		abort();
	inet_pton(AF_INET6, "2001:db8:64:1::8", &h);
	if (eam_forward_get(&f.m, &h, 0, &fwd) < 0)
		abort();
	siit_init(&f.s, &c, &f.m);
	f.out.buf = fuzz_siit_buf;
	f.out.cap = sizeof(fuzz_siit_buf);
	f.back.buf = fuzz_siit_buf2;
	f.back.cap = sizeof(fuzz_siit_buf2);
	f.now = 1;
	ready = true;
	return &f;
}

static uint16_t
fuzz_g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
fuzz_siit_check4_one(const uint8_t *p, size_t len)
{
	if (len < 20 || p[0] != 0x45 || fuzz_g16(p + 2) != len || csum_fold(csum_add(0, p, 20)) != 0xffff)
		abort();
}

/* out after siit_4to6: IPv6 packets within the MTU, or one ICMPv4 error */
static void
fuzz_siit_check6(const struct fuzz_siit *f, enum siit_drop r)
{
	const struct siit_out *o = &f->out;

	if (r == SIIT_DROP_TOO_BIG) {
		if (o->n != 1 || o->len[0] > 576)
			abort();
		fuzz_siit_check4_one(o->buf + o->off[0], o->len[0]);
		return;
	}
	if ((r == SIIT_OK) != (o->n > 0) || o->n > SIIT_OUT_MAX)
		abort();
	for (size_t i = 0; i < o->n; i++) {
		const uint8_t *p = o->buf + o->off[i];

		if (o->len[i] < 40 || o->len[i] > f->s.c.mtu6 || p[0] >> 4 != 6 ||
		    (size_t)fuzz_g16(p + 4) + 40 != o->len[i] || o->off[i] + o->len[i] > o->cap)
			abort();
	}
}

static void
fuzz_siit_check4(const struct fuzz_siit *f, enum siit_drop r)
{
	const struct siit_out *o = &f->out;

	if ((r == SIIT_OK) != (o->n > 0) || o->n > 1)
		abort();
	if (o->n == 1)
		fuzz_siit_check4_one(o->buf + o->off[0], o->len[0]);
}

/* Each output turned round (the other side's reply) and translated back;
 * the result is checked like a first translation. */
static void
fuzz_siit_reply(struct fuzz_siit *f, bool was_4to6)
{
	for (size_t i = 0; i < f->out.n; i++) {
		uint8_t *p = fuzz_siit_pkt, tmp[16];
		size_t len = f->out.len[i];
		struct siit_out save = f->out;
		enum siit_drop r;

		memcpy(p, f->out.buf + f->out.off[i], len);
		if (was_4to6) {
			memcpy(tmp, p + 8, 16);
			memcpy(p + 8, p + 24, 16);
			memcpy(p + 24, tmp, 16);
			f->out = f->back;
			r = siit_6to4(&f->s, p, len, f->now, &f->out);
			fuzz_siit_check4(f, r);
		} else {
			memcpy(tmp, p + 12, 4);
			memcpy(p + 12, p + 16, 4);
			memcpy(p + 16, tmp, 4);
			f->out = f->back;
			r = siit_4to6(&f->s, p, len, f->now, &f->out);
			fuzz_siit_check6(f, r);
		}
		f->back = f->out;
		f->out = save;
	}
}

#endif
