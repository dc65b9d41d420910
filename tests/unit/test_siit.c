/* SPDX-License-Identifier: ISC */
/* siit: packets built by hand, translated, and checked the way a user
 * would: addresses, ports, protocol, lengths, TTL/hop limit, checksums
 * recomputed over the whole result, fragment fields and offsets, ICMP
 * type/code/MTU; a reply translated back; and every hostile case dropped
 * for its reason.
 *
 * Setup: nat64-prefix 64:ff9b::/96, sites 2001:db8:64:1::/64, public
 * 192.0.2.1, pool 198.18.0.0/16, MTU 1280; host ::7 has the ipv4-map
 * 203.0.113.7; the remote IPv4 host is 198.51.100.1. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "csum.h"
#include "siit.h"

#define HOST6   "2001:db8:64:1::7"
#define MAP4    "203.0.113.7"
#define REMOTE4 "198.51.100.1"
#define REMOTE6 "64:ff9b::c633:6401"
#define PUBLIC4 "192.0.2.1"

struct fix {
	struct eam m;
	struct siit s;
	struct siit_out out;
	uint8_t buf[SIIT_OUT_BYTES];
	uint64_t now;
};

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static uint16_t
g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
p16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static struct fix *
fix_new(uint16_t mtu6)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct siit_conf c = { .mtu6 = mtu6 };
	struct in_addr v4 = a4(MAP4);
	struct in6_addr h = a6(HOST6), p = a6("64:ff9b::");

	assert_non_null(f);
	memcpy(c.prefix96, &p, 12);
	c.sites.addr = a6("2001:db8:64:1::");
	c.sites.len = 64;
	c.public4 = a4(PUBLIC4);
	assert_int_equal(eam_init(&f->m, 0xc6120000u, 16), 0);
	assert_int_equal(eam_add_map(&f->m, &v4, &h), 0);
	siit_init(&f->s, &c, &f->m);
	f->out.buf = f->buf;
	f->out.cap = sizeof(f->buf);
	f->now = 1000;
	return f;
}

static void
fix_free(struct fix *f)
{
	eam_free(&f->m);
	free(f);
}

/* ---------------------------------------------------------------- builders */

/* An IPv4 packet: header (ihl 5) then pl; flags_off as on the wire. */
static size_t
mk4(uint8_t *o, uint8_t proto, const char *src, const char *dst, uint16_t flags_off, uint16_t id,
    const uint8_t *pl, size_t n)
{
	struct in_addr s = a4(src), d = a4(dst);

	memset(o, 0, 20);
	o[0] = 0x45;
	o[1] = 0x28;
	p16(o + 2, (uint16_t)(20 + n));
	p16(o + 4, id);
	p16(o + 6, flags_off);
	o[8] = 63;
	o[9] = proto;
	memcpy(o + 12, &s, 4);
	memcpy(o + 16, &d, 4);
	p16(o + 10, (uint16_t)~csum_fold(csum_add(0, o, 20)));
	memcpy(o + 20, pl, n);
	return 20 + n;
}

static void
fix4(uint8_t *ip)
{
	p16(ip + 10, 0);
	p16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, (size_t)(ip[0] & 15) * 4)));
}

/* An IPv6 packet: header, then ext (ext_n bytes of extension headers,
 * their chain ending in nh), then pl. */
static size_t
mk6(uint8_t *o, uint8_t first, const char *src, const char *dst, const uint8_t *ext, size_t ext_n,
    const uint8_t *pl, size_t n)
{
	struct in6_addr s = a6(src), d = a6(dst);

	memset(o, 0, 40);
	o[0] = 0x60;
	p16(o + 4, (uint16_t)(ext_n + n));
	o[6] = first;
	o[7] = 61;
	memcpy(o + 8, &s, 16);
	memcpy(o + 24, &d, 16);
	if (ext_n != 0)
		memcpy(o + 40, ext, ext_n);
	if (n != 0)
		memcpy(o + 40 + ext_n, pl, n);
	return 40 + ext_n + n;
}

/* The checksum of an upper-layer message of n bytes at l4 (its field at
 * cs_at), with the pseudo-header of ip (4 or 6; none for ICMPv4). */
static void
l4_csum(const uint8_t *ip, uint8_t proto, uint8_t *l4, size_t n, size_t cs_at)
{
	uint64_t sum = 0;

	p16(l4 + cs_at, 0);
	if (ip != NULL && ip[0] >> 4 == 4)
		sum = csum_pseudo4(ip, n, proto);
	else if (ip != NULL)
		sum = csum_pseudo6(ip, n, proto);
	p16(l4 + cs_at, (uint16_t)~csum_fold(sum + csum_add(0, l4, n)));
}

/* UDP from sport to dport with n bytes of data (a pattern) */
static size_t
mk_udp(uint8_t *l4, uint16_t sport, uint16_t dport, size_t n)
{
	p16(l4, sport);
	p16(l4 + 2, dport);
	p16(l4 + 4, (uint16_t)(8 + n));
	p16(l4 + 6, 0);
	for (size_t i = 0; i < n; i++)
		l4[8 + i] = (uint8_t)(i * 7 + 3);
	return 8 + n;
}

/* Whole IPv4 UDP/TCP/ICMP packets with good checksums */
static size_t
pkt4(uint8_t *o, uint8_t proto, const char *src, const char *dst, uint16_t flags_off, const uint8_t *l4,
    size_t n)
{
	size_t len = mk4(o, proto, src, dst, flags_off, 0x1234, l4, n);

	if (proto == IPPROTO_UDP)
		l4_csum(o, proto, o + 20, n, 6);
	else if (proto == IPPROTO_TCP)
		l4_csum(o, proto, o + 20, n, 16);
	else if (proto == IPPROTO_ICMP)
		l4_csum(NULL, proto, o + 20, n, 2);
	return len;
}

static size_t
pkt6(uint8_t *o, uint8_t proto, const char *src, const char *dst, const uint8_t *l4, size_t n)
{
	size_t len = mk6(o, proto, src, dst, NULL, 0, l4, n);

	l4_csum(o, proto, o + 40, n, proto == IPPROTO_UDP ? 6 : proto == IPPROTO_TCP ? 16 : 2);
	return len;
}

/* TCP SYN with options opt (olen, a multiple of 4) */
static size_t
mk_tcp_syn(uint8_t *l4, const uint8_t *opt, size_t olen)
{
	memset(l4, 0, 20);
	p16(l4, 40000);
	p16(l4 + 2, 443);
	l4[12] = (uint8_t)((20 + olen) / 4 << 4);
	l4[13] = 0x02;
	p16(l4 + 14, 65535);
	memcpy(l4 + 20, opt, olen);
	return 20 + olen;
}

static size_t
mk_echo(uint8_t *l4, uint8_t type, size_t n)
{
	memset(l4, 0, 8);
	l4[0] = type;
	p16(l4 + 4, 0x77);
	p16(l4 + 6, 1);
	for (size_t i = 0; i < n; i++)
		l4[8 + i] = (uint8_t)i;
	return 8 + n;
}

/* ---------------------------------------------------------------- verifiers */

/* An IPv4 packet as a receiver checks it: header checksum, total length,
 * and (unfragmented) the upper layer's checksum. */
static void
verify4(const uint8_t *p, size_t len)
{
	size_t hl = (size_t)(p[0] & 15) * 4;

	assert_true(len >= 20);
	assert_int_equal(p[0] >> 4, 4);
	assert_int_equal(g16(p + 2), len);
	assert_int_equal(csum_fold(csum_add(0, p, hl)), 0xffff);
	if ((g16(p + 6) & 0x3fff) != 0)
		return;
	if (p[9] == IPPROTO_UDP || p[9] == IPPROTO_TCP)
		assert_int_equal(csum_fold(csum_pseudo4(p, len - hl, p[9]) + csum_add(0, p + hl, len - hl)), 0xffff);
	else if (p[9] == IPPROTO_ICMP)
		assert_int_equal(csum_fold(csum_add(0, p + hl, len - hl)), 0xffff);
}

static void
verify6(const uint8_t *p, size_t len)
{
	assert_true(len >= 40);
	assert_int_equal(p[0] >> 4, 6);
	assert_int_equal(g16(p + 4) + 40, len);
	if (p[6] == IPPROTO_FRAGMENT)
		return;
	if (p[6] == IPPROTO_UDP || p[6] == IPPROTO_TCP || p[6] == IPPROTO_ICMPV6)
		assert_int_equal(csum_fold(csum_pseudo6(p, len - 40, p[6]) + csum_add(0, p + 40, len - 40)), 0xffff);
}

static void
assert_a4(const uint8_t *p, const char *s)
{
	struct in_addr a = a4(s);

	assert_memory_equal(p, &a, 4);
}

static void
assert_a6(const uint8_t *p, const char *s)
{
	struct in6_addr a = a6(s);

	assert_memory_equal(p, &a, 16);
}

#define OUT(f, i) ((f)->out.buf + (f)->out.off[i])

/* ---------------------------------------------------------------- tests */

static void
test_embed(void **state)
{
	uint8_t pfx[12];
	struct in6_addr v6, p = a6("64:ff9b::"), other = a6("64:ff9c::1");
	struct in_addr v4 = a4(REMOTE4), back;

	(void)state;
	memcpy(pfx, &p, 12);
	siit_embed(pfx, &v4, &v6);
	assert_a6(v6.s6_addr, REMOTE6);
	assert_true(siit_extract(pfx, &v6, &back));
	assert_int_equal(back.s_addr, v4.s_addr);
	assert_false(siit_extract(pfx, &other, &back));
	assert_string_equal(siit_drop_name(SIIT_DROP_NO_MAPPING), "no_mapping");
	assert_string_equal(siit_drop_name(SIIT_DROP_TOO_BIG), "too_big");
	assert_string_equal(siit_drop_name(SIIT_DROP_TRUNCATED), "truncated");
}

/* UDP in, the reply out: both translated, both checksums good */
static void
test_udp_round_trip(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[200], pkt[300], reply[300];
	size_t n = mk_udp(l4, 5353, 53, 100), len;
	const uint8_t *o;

	(void)state;
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0x4000, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.n, 1);
	o = OUT(f, 0);
	assert_int_equal(f->out.len[0], 40 + n);
	verify6(o, f->out.len[0]);
	assert_int_equal(o[6], IPPROTO_UDP);
	assert_int_equal(o[7], 63);                     /* hop limit = TTL */
	assert_int_equal((o[0] & 15) << 4 | o[1] >> 4, 0x28);   /* traffic class = TOS */
	assert_a6(o + 8, REMOTE6);
	assert_a6(o + 24, HOST6);
	assert_int_equal(g16(o + 40), 5353);
	assert_int_equal(g16(o + 42), 53);
	assert_memory_equal(o + 48, l4 + 8, 100);
	assert_int_equal(f->s.packets_4to6, 1);
	assert_int_equal(eam_find_v6(&f->m, &(struct in6_addr){ 0 }) == NULL, 1);

	/* the host answers */
	n = mk_udp(l4, 53, 5353, 60);
	len = pkt6(reply, IPPROTO_UDP, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, reply, len, f->now, &f->out), SIIT_OK);
	o = OUT(f, 0);
	assert_int_equal(f->out.len[0], 20 + n);
	verify4(o, f->out.len[0]);
	assert_a4(o + 12, MAP4);
	assert_a4(o + 16, REMOTE4);
	assert_int_equal(o[8], 61);
	assert_int_equal(o[9], IPPROTO_UDP);
	assert_int_equal(g16(o + 6), 0);                /* small: DF clear (RFC 7915 5.1) */
	assert_int_equal(g16(o + 20), 53);
	assert_int_equal(f->s.packets_6to4, 1);
	fix_free(f);
}

static void
test_udp_zero_checksum(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[64], pkt[128];
	size_t n = mk_udp(l4, 1, 2, 21), len;

	(void)state;
	/* 1: whole: computed (RFC 7915 4.5) */
	len = mk4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0, 1, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_not_equal(g16(OUT(f, 0) + 46), 0);
	verify6(OUT(f, 0), f->out.len[0]);
	/* 2: a first fragment: it cannot be */
	len = mk4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0x2000, 1, l4, 24);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_FRAGMENT);
	assert_int_equal(f->s.drops[SIIT_DROP_FRAGMENT], 1);
	fix_free(f);
}

/* MSS clamped to mtu6 - 60 both ways; once after a NOP, so the field sits
 * at an odd offset of the checksummed words */
static void
test_tcp_mss(void **state)
{
	struct fix *f = fix_new(1280);
	const uint8_t opt_even[] = { 2, 4, 0x05, 0xb4, 1, 1, 1, 0 };
	const uint8_t opt_odd[] = { 1, 2, 4, 0x05, 0xb4, 1, 1, 0 };
	const uint8_t opt_small[] = { 2, 4, 0x02, 0x00 };
	uint8_t l4[64], pkt[128];
	size_t n, len;

	(void)state;
	n = mk_tcp_syn(l4, opt_even, sizeof(opt_even));
	len = pkt4(pkt, IPPROTO_TCP, REMOTE4, MAP4, 0x4000, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	verify6(OUT(f, 0), f->out.len[0]);
	assert_int_equal(g16(OUT(f, 0) + 40 + 22), 1220);
	assert_int_equal(g16(OUT(f, 0) + 40 + 2), 443);

	n = mk_tcp_syn(l4, opt_odd, sizeof(opt_odd));
	len = pkt6(pkt, IPPROTO_TCP, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	verify4(OUT(f, 0), f->out.len[0]);
	assert_int_equal(g16(OUT(f, 0) + 20 + 23), 1220);

	/* a smaller one stays */
	n = mk_tcp_syn(l4, opt_small, sizeof(opt_small));
	len = pkt4(pkt, IPPROTO_TCP, REMOTE4, MAP4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	verify6(OUT(f, 0), f->out.len[0]);
	assert_int_equal(g16(OUT(f, 0) + 40 + 22), 512);
	fix_free(f);
}

static void
test_echo(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[128], pkt[256];
	size_t n, len;

	(void)state;
	/* 1: request in: 8 -> 128 */
	n = mk_echo(l4, 8, 56);
	len = pkt4(pkt, IPPROTO_ICMP, REMOTE4, MAP4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	verify6(OUT(f, 0), f->out.len[0]);
	assert_int_equal(OUT(f, 0)[6], IPPROTO_ICMPV6);
	assert_int_equal(OUT(f, 0)[40], 128);
	assert_int_equal(g16(OUT(f, 0) + 44), 0x77);
	/* 2: reply out: 129 -> 0 */
	n = mk_echo(l4, 129, 56);
	len = pkt6(pkt, IPPROTO_ICMPV6, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	verify4(OUT(f, 0), f->out.len[0]);
	assert_int_equal(OUT(f, 0)[9], IPPROTO_ICMP);
	assert_int_equal(OUT(f, 0)[20], 0);
	/* 3: a damaged one is not given a good checksum */
	pkt[60] ^= 1;
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	/* 4: in fragments: no */
	n = mk_echo(l4, 8, 56);
	len = pkt4(pkt, IPPROTO_ICMP, REMOTE4, MAP4, 0x2000, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_FRAGMENT);
	/* 5: types without a translation */
	n = mk_echo(l4, 13, 12);        /* timestamp */
	len = pkt4(pkt, IPPROTO_ICMP, REMOTE4, MAP4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	n = mk_echo(l4, 135, 16);       /* neighbour solicitation */
	len = pkt6(pkt, IPPROTO_ICMPV6, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	fix_free(f);
}

static void
test_hostile4(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[64], pkt[128], bad[128];
	size_t n = mk_udp(l4, 1, 2, 12), len;
	const char *srcs[] = { "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.1.1.1", "255.255.255.255", "198.18.0.5" };

	(void)state;
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0, l4, n);
	/* 1: cut at every length up to the whole: the header says more */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(siit_4to6(&f->s, pkt, i, f->now, &f->out), SIIT_DROP_TRUNCATED);
	assert_int_equal(f->out.n, 0);
	/* 2: bad version, IHL below 5, IHL past the packet */
	memcpy(bad, pkt, len);
	bad[0] = 0x65;
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	bad[0] = 0x44;
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	bad[0] = 0x4f;
	assert_int_equal(siit_4to6(&f->s, bad, 40, f->now, &f->out), SIIT_DROP_TRUNCATED);
	/* 3: total length below the header, above the packet */
	memcpy(bad, pkt, len);
	p16(bad + 2, 19);
	fix4(bad);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	p16(bad + 2, (uint16_t)(len + 1));
	fix4(bad);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TRUNCATED);
	/* 4: header checksum */
	memcpy(bad, pkt, len);
	bad[10] ^= 0x40;
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	/* 5: source routes; other options ignored, not translated */
	for (int lsrr = 0; lsrr < 2; lsrr++) {
		uint8_t opt[8] = { 1, lsrr ? 0x83 : 0x89, 7, 4, 192, 0, 2, 9 };

		bad[0] = 0x47;
		memcpy(bad + 20, opt, 8);
		memcpy(bad + 28, pkt + 20, len - 20);
		p16(bad + 2, (uint16_t)(len + 8));
		fix4(bad);
		assert_int_equal(siit_4to6(&f->s, bad, len + 8, f->now, &f->out), SIIT_DROP_OPTIONS);
	}
	bad[21] = 7;                    /* record route */
	fix4(bad);
	assert_int_equal(siit_4to6(&f->s, bad, len + 8, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.len[0], 40 + n);
	verify6(OUT(f, 0), f->out.len[0]);
	bad[22] = 9;                    /* an option running past the header */
	fix4(bad);
	assert_int_equal(siit_4to6(&f->s, bad, len + 8, f->now, &f->out), SIIT_DROP_HEADER);
	/* 6: TTL 0 */
	memcpy(bad, pkt, len);
	bad[8] = 0;
	fix4(bad);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TTL);
	/* 7: sources never translated */
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		len = pkt4(bad, IPPROTO_UDP, srcs[i], MAP4, 0, l4, n);
		assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_SOURCE);
	}
	/* 8: a destination nothing maps, the public address included */
	len = pkt4(bad, IPPROTO_UDP, REMOTE4, "203.0.113.8", 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_NO_MAPPING);
	len = pkt4(bad, IPPROTO_UDP, REMOTE4, PUBLIC4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_NO_MAPPING);
	/* 9: ICMPv6 in IPv4; an IPv6 extension header number */
	len = pkt4(bad, 58, REMOTE4, MAP4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = pkt4(bad, 44, REMOTE4, MAP4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	/* 10: a TCP header cut short */
	len = mk4(bad, IPPROTO_TCP, REMOTE4, MAP4, 0, 1, l4, 19);
	assert_int_equal(siit_4to6(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TRUNCATED);
	assert_int_equal(f->s.packets_4to6, 1);
	fix_free(f);
}

static void
test_hostile6(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[64], pkt[200], bad[200];
	size_t n = mk_udp(l4, 1, 2, 12), len;
	const char *hairpin[] = { "64:ff9b::c612:0005", "64:ff9b::cb00:7107", "64:ff9b::c000:0201" };
	const char *nomap[] = { "2001:db8::1", "64:ff9b::7f00:1", "64:ff9b::e000:1", "64:ff9b::ffff:ffff",
		"64:ff9b::1" };
	const uint8_t rh[8] = { IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 0 };
	const uint8_t hbh[8] = { IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };
	const uint8_t two_hbh[16] = { IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0, IPPROTO_HOPOPTS, 0, 1, 4, 0, 0, 0, 0 };

	(void)state;
	len = pkt6(pkt, IPPROTO_UDP, HOST6, REMOTE6, l4, n);
	/* 1: cut at every length */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(siit_6to4(&f->s, pkt, i, f->now, &f->out), SIIT_DROP_TRUNCATED);
	/* 2: version; payload length 0 */
	memcpy(bad, pkt, len);
	bad[0] = 0x40;
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	bad[0] = 0x60;
	p16(bad + 4, 0);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	/* 3: hop limit 0 */
	memcpy(bad, pkt, len);
	bad[7] = 0;
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TTL);
	/* 4: a source outside the sites */
	len = pkt6(bad, IPPROTO_UDP, "2001:db8:64:2::7", REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_SOURCE);
	/* 5: the pool, a mapped address, the public address: hairpins */
	for (size_t i = 0; i < sizeof(hairpin) / sizeof(hairpin[0]); i++) {
		len = pkt6(bad, IPPROTO_UDP, HOST6, hairpin[i], l4, n);
		assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HAIRPIN);
	}
	/* 6: outside the prefix, loopback, multicast, broadcast, 0/8 */
	for (size_t i = 0; i < sizeof(nomap) / sizeof(nomap[0]); i++) {
		len = pkt6(bad, IPPROTO_UDP, HOST6, nomap[i], l4, n);
		assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_NO_MAPPING);
	}
	assert_int_equal(f->s.drops[SIIT_DROP_NO_MAPPING], 5);
	/* 7: a routing header with segments left; hop-by-hop passes, but
	 * only first */
	len = mk6(bad, IPPROTO_ROUTING, HOST6, REMOTE6, rh, sizeof(rh), l4, n);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_OPTIONS);
	memcpy(l4 + 8, "0123456789ab", 12);
	len = mk6(bad, IPPROTO_HOPOPTS, HOST6, REMOTE6, hbh, sizeof(hbh), l4, n);
	l4_csum(bad, IPPROTO_UDP, bad + 48, n, 6);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.len[0], 20 + n);
	assert_int_equal(OUT(f, 0)[9], IPPROTO_UDP);
	verify4(OUT(f, 0), f->out.len[0]);
	len = mk6(bad, IPPROTO_DSTOPTS, HOST6, REMOTE6, two_hbh, sizeof(two_hbh), l4, n);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_HEADER);
	/* 8: an extension header past the payload */
	len = mk6(bad, IPPROTO_HOPOPTS, HOST6, REMOTE6, hbh, 4, NULL, 0);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TRUNCATED);
	/* 9: headers cut short by the sender, the lengths consistent: a
	 * 3-byte UDP header, a 10-byte TCP header */
	len = pkt6(bad, IPPROTO_UDP, HOST6, REMOTE6, l4, 3);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TRUNCATED);
	len = pkt6(bad, IPPROTO_TCP, HOST6, REMOTE6, l4, 10);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_TRUNCATED);
	/* 10: ICMPv4 in IPv6 */
	len = pkt6(bad, IPPROTO_ICMP, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, bad, len, f->now, &f->out), SIIT_DROP_ICMP);
	fix_free(f);
}

/* DF and too big: Fragmentation Needed from the public address, MTU
 * mtu6 - 20, at most 576 bytes */
static void
test_too_big_df(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[1500], pkt[1600];
	size_t n = mk_udp(l4, 1, 2, 1300 - 28 + 1), len;        /* 1301 bytes: 1321 in IPv6 */
	const uint8_t *o;

	(void)state;
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0x4000, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_TOO_BIG);
	assert_int_equal(f->out.n, 1);
	o = OUT(f, 0);
	assert_int_equal(f->out.len[0], 576);
	verify4(o, f->out.len[0]);
	assert_a4(o + 12, PUBLIC4);
	assert_a4(o + 16, REMOTE4);
	assert_int_equal(o[9], IPPROTO_ICMP);
	assert_int_equal(o[20], 3);
	assert_int_equal(o[21], 4);
	assert_int_equal(g16(o + 26), 1260);
	assert_memory_equal(o + 28, pkt, 576 - 28);
	assert_int_equal(f->s.errors_sent, 1);
	assert_int_equal(f->s.drops[SIIT_DROP_TOO_BIG], 1);
	/* one that fits exactly passes */
	n = mk_udp(l4, 1, 2, 1260 - 28);
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0x4000, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.len[0], 1280);
	fix_free(f);
}

/* Reassemble IPv6 fragments: each <= mtu, one Identification, offsets
 * consistent; returns the payload length and its next header. */
static size_t
reassemble6(const struct fix *f, uint8_t *pl, uint32_t *id, uint8_t *nh, uint16_t first_off, bool last_m)
{
	size_t total = 0;

	for (size_t i = 0; i < f->out.n; i++) {
		const uint8_t *o = f->out.buf + f->out.off[i];
		size_t fl = f->out.len[i] - 48;
		uint16_t fo = g16(o + 42);

		verify6(o, f->out.len[i]);
		assert_true(f->out.len[i] <= f->s.c.mtu6);
		assert_int_equal(o[6], IPPROTO_FRAGMENT);
		if (i == 0) {
			*id = (uint32_t)g16(o + 44) << 16 | g16(o + 46);
			*nh = o[40];
		}
		assert_int_equal((uint32_t)g16(o + 44) << 16 | g16(o + 46), *id);
		assert_int_equal(o[40], *nh);
		assert_int_equal(fo & 0xfff8, first_off + total);
		assert_int_equal(fo & 1, i + 1 < f->out.n ? 1 : last_m);
		if (i + 1 < f->out.n)
			assert_int_equal(fl % 8, 0);
		memcpy(pl + total, o + 48, fl);
		total += fl;
	}
	return total;
}

/* DF clear and too big: fragments that reassemble to the datagram */
static void
test_fragment_4to6(void **state)
{
	struct fix *f = fix_new(1280);
	static uint8_t l4[3000], pkt[3100], pl[3200], ip6[40];
	size_t n = mk_udp(l4, 1, 2, 2900), len, total;
	uint32_t id, id2;
	uint8_t nh;

	(void)state;
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.n, 3);
	total = reassemble6(f, pl, &id, &nh, 0, false);
	assert_int_equal(total, n);
	assert_int_equal(nh, IPPROTO_UDP);
	assert_memory_equal(pl + 8, l4 + 8, n - 8);
	/* the checksum holds over the reassembled datagram */
	memcpy(ip6, OUT(f, 0), 40);
	assert_int_equal(csum_fold(csum_pseudo6(ip6, total, IPPROTO_UDP) + csum_add(0, pl, total)), 0xffff);
	/* the next one has another Identification */
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	reassemble6(f, pl, &id2, &nh, 0, false);
	assert_int_not_equal(id, id2);

	/* an IPv4 fragment: a Fragment header with its Identification, cut
	 * further to fit; its offset and MF kept */
	len = mk4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0x2000 | 185, 0xbeef, l4 + 8, 1480);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.n, 2);
	total = reassemble6(f, pl, &id, &nh, 1480, true);
	assert_int_equal(id, 0xbeef);
	assert_int_equal(total, 1480);
	assert_memory_equal(pl, l4 + 8, 1480);
	/* a small first fragment: one packet, the checksum adjusted */
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0, l4, 96);
	p16(pkt + 6, 0x2000);
	fix4(pkt);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.n, 1);
	assert_int_equal(f->out.len[0], 48 + 96);
	assert_int_equal(OUT(f, 0)[6], IPPROTO_FRAGMENT);
	assert_int_equal(g16(OUT(f, 0) + 42), 1);
	assert_int_equal(g16(OUT(f, 0) + 46), 0x1234);
	/* the same datagram unfragmented has the same UDP checksum */
	{
		uint16_t cs = g16(OUT(f, 0) + 48 + 6);

		p16(pkt + 6, 0);
		fix4(pkt);
		assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
		assert_int_equal(g16(OUT(f, 0) + 40 + 6), cs);
	}
	fix_free(f);
}

static void
test_fragment_6to4(void **state)
{
	struct fix *f = fix_new(1380);
	static uint8_t l4[1400], pkt[1500];
	uint8_t fh[8] = { IPPROTO_UDP, 0, 0x05, 0xa9, 0x12, 0x34, 0x56, 0x78 };     /* offset 1448, M */
	size_t n, len;
	const uint8_t *o;

	(void)state;
	n = mk_udp(l4, 1, 2, 200);
	len = mk6(pkt, IPPROTO_FRAGMENT, HOST6, REMOTE6, fh, 8, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	o = OUT(f, 0);
	verify4(o, f->out.len[0]);
	assert_int_equal(f->out.len[0], 20 + n);
	assert_int_equal(g16(o + 4), 0x5678);
	assert_int_equal(g16(o + 6), 0x2000 | 1448 / 8);   /* MF, DF clear */
	assert_memory_equal(o + 20, l4, n);                 /* not a header: as is */
	/* a first fragment's checksum is adjusted like a whole one's */
	fh[2] = 0;
	fh[3] = 1;
	len = mk6(pkt, IPPROTO_FRAGMENT, HOST6, REMOTE6, fh, 8, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(g16(OUT(f, 0) + 6), 0x2000);
	/* RFC 7915 5.1: whole and over 1260 bytes: DF */
	n = mk_udp(l4, 1, 2, 1232 - 8);
	len = pkt6(pkt, IPPROTO_UDP, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.len[0], 1252);
	assert_int_equal(g16(OUT(f, 0) + 6), 0);
	n = mk_udp(l4, 1, 2, 1260 - 28 + 1);
	len = pkt6(pkt, IPPROTO_UDP, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(g16(OUT(f, 0) + 6), 0x4000);
	verify4(OUT(f, 0), f->out.len[0]);
	/* larger than the sites' MTU: it came in fragments the kernel put
	 * together, so it may be cut again (DF clear) */
	n = mk_udp(l4, 1, 2, 1380 - 48 + 1);
	len = pkt6(pkt, IPPROTO_UDP, HOST6, REMOTE6, l4, n);
	assert_int_equal(len, 1381);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(g16(OUT(f, 0) + 6), 0);
	verify4(OUT(f, 0), f->out.len[0]);
	/* ICMPv6 in fragments */
	n = mk_echo(l4, 128, 16);
	fh[0] = IPPROTO_ICMPV6;
	len = mk6(pkt, IPPROTO_FRAGMENT, HOST6, REMOTE6, fh, 8, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_FRAGMENT);
	fix_free(f);
}

/* An ICMPv4 error about a packet the host sent: the host's UDP to the
 * remote, as it left the translator */
static size_t
mk_error4(uint8_t *pkt, uint8_t type, uint8_t code, uint32_t rest, const char *from, const char *inner_src,
    size_t inner_data, size_t cut)
{
	uint8_t l4[600], inner[700], icmp[800];
	size_t n = mk_udp(l4, 5000, 53, inner_data), in_len;

	in_len = pkt4(inner, IPPROTO_UDP, inner_src, REMOTE4, 0, l4, n);
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	p16(icmp + 4, (uint16_t)(rest >> 16));
	p16(icmp + 6, (uint16_t)rest);
	memcpy(icmp + 8, inner, in_len - cut);
	return pkt4(pkt, IPPROTO_ICMP, from, MAP4, 0, icmp, 8 + in_len - cut);
}

static void
test_icmp_errors_4to6(void **state)
{
	struct fix *f = fix_new(1280), *big = fix_new(1500);
	uint8_t pkt[1000];
	size_t len;
	const uint8_t *o, *in;
	struct {
		uint8_t type, code;
		uint32_t rest;
		uint8_t type6, code6;
		uint32_t param6;
	} map[] = {
		{ 3, 0, 0, 1, 0, 0 },
		{ 3, 1, 0, 1, 0, 0 },
		{ 3, 2, 0, 4, 1, 6 },
		{ 3, 3, 0, 1, 4, 0 },
		{ 3, 4, 1400, 2, 0, 1280 },
		{ 3, 4, 1000, 2, 0, 1280 },
		{ 3, 10, 0, 1, 1, 0 },
		{ 3, 13, 0, 1, 1, 0 },
		{ 11, 0, 0, 3, 0, 0 },
		{ 11, 1, 0, 3, 1, 0 },
		{ 12, 0, 8u << 24, 4, 0, 7 },           /* TTL -> hop limit */
		{ 12, 0, 16u << 24, 4, 0, 24 },         /* destination */
		{ 12, 2, 9u << 24, 4, 0, 6 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		len = mk_error4(pkt, map[i].type, map[i].code, map[i].rest, "198.51.100.99", MAP4, 40, 0);
		assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
		o = OUT(f, 0);
		verify6(o, f->out.len[0]);
		assert_a6(o + 8, "64:ff9b::c633:6463");
		assert_a6(o + 24, HOST6);
		assert_int_equal(o[6], IPPROTO_ICMPV6);
		assert_int_equal(o[40], map[i].type6);
		assert_int_equal(o[41], map[i].code6);
		assert_int_equal((uint32_t)g16(o + 44) << 16 | g16(o + 46), map[i].param6);
		/* the packet inside: the host's, to the remote, IPv6 now */
		in = o + 48;
		assert_int_equal(f->out.len[0], 48 + 40 + 48);
		assert_int_equal(in[0] >> 4, 6);
		assert_int_equal(g16(in + 4), 48);
		assert_int_equal(in[6], IPPROTO_UDP);
		assert_a6(in + 8, HOST6);
		assert_a6(in + 24, REMOTE6);
		assert_int_equal(g16(in + 40), 5000);
		verify6(in, 88);        /* its checksum adjusted too */
	}
	/* MTU arithmetic with a larger site MTU: + 20; 0: the plateau below
	 * the returned length */
	len = mk_error4(pkt, 3, 4, 1400, REMOTE4, MAP4, 40, 0);
	assert_int_equal(siit_4to6(&big->s, pkt, len, big->now, &big->out), SIIT_OK);
	assert_int_equal(g16(big->out.buf + 46), 1420);
	len = mk_error4(pkt, 3, 4, 0, REMOTE4, MAP4, 40, 0);
	p16(pkt + 28 + 2, 1500);        /* the returned Total Length */
	fix4(pkt + 28);
	p16(pkt + 22, 0);
	p16(pkt + 22, (uint16_t)~csum_fold(csum_add(0, pkt + 20, len - 20)));
	assert_int_equal(siit_4to6(&big->s, pkt, len, big->now, &big->out), SIIT_OK);
	assert_int_equal(g16(big->out.buf + 46), 1492);
	assert_int_equal(g16(big->out.buf + 48 + 4), 1480);    /* its payload length, from the header */
	/* a truncated inner packet: what is there, lengths from its header */
	len = mk_error4(pkt, 3, 3, 0, REMOTE4, MAP4, 500, 400);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.len[0], 48 + 40 + 508 - 400);
	assert_int_equal(g16(OUT(f, 0) + 48 + 4), 508);
	verify6(OUT(f, 0), f->out.len[0]);
	/* at most 1280 bytes */
	len = mk_error4(pkt, 3, 3, 0, REMOTE4, MAP4, 560, 0);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_true(f->out.len[0] <= 1280);
	/* drops: about a packet we never sent, types and codes with no
	 * counterpart, a pointer into the checksum, a cut inner header, a
	 * damaged message */
	len = mk_error4(pkt, 3, 3, 0, REMOTE4, "203.0.113.99", 40, 0);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error4(pkt, 5, 0, 0, REMOTE4, MAP4, 40, 0);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error4(pkt, 3, 14, 0, REMOTE4, MAP4, 40, 0);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error4(pkt, 12, 0, 10u << 24, REMOTE4, MAP4, 40, 0);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error4(pkt, 3, 3, 0, REMOTE4, MAP4, 40, 60);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error4(pkt, 3, 3, 0, REMOTE4, MAP4, 40, 0);
	pkt[len - 1] ^= 1;
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	assert_int_equal(f->s.drops[SIIT_DROP_ICMP], 6);
	assert_int_equal(f->s.errors_sent, 0);
	fix_free(f);
	fix_free(big);
}

/* An ICMPv6 error about a packet the host received: from the remote, as
 * the translator delivered it */
static size_t
mk_error6(uint8_t *pkt, uint8_t type, uint8_t code, uint32_t rest, const char *from, const char *inner_dst,
    size_t inner_data)
{
	uint8_t l4[1300], inner[1400], icmp[1500];
	size_t n = mk_udp(l4, 53, 5000, inner_data), in_len;

	in_len = pkt6(inner, IPPROTO_UDP, REMOTE6, inner_dst, l4, n);
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	p16(icmp + 4, (uint16_t)(rest >> 16));
	p16(icmp + 6, (uint16_t)rest);
	memcpy(icmp + 8, inner, in_len);
	return pkt6(pkt, IPPROTO_ICMPV6, from, REMOTE6, icmp, 8 + in_len);
}

static void
test_icmp_errors_6to4(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t pkt[1400];
	size_t len;
	const uint8_t *o, *in;
	struct {
		uint8_t type, code;
		uint32_t rest;
		uint8_t type4, code4;
		uint32_t rest4;
	} map[] = {
		{ 1, 0, 0, 3, 1, 0 },
		{ 1, 1, 0, 3, 10, 0 },
		{ 1, 3, 0, 3, 1, 0 },
		{ 1, 4, 0, 3, 3, 0 },
		{ 2, 0, 1280, 3, 4, 1260 },
		{ 2, 0, 9000, 3, 4, 1260 },
		{ 3, 0, 0, 11, 0, 0 },
		{ 4, 0, 7, 12, 0, 8u << 24 },
		{ 4, 0, 24, 12, 0, 16u << 24 },
		{ 4, 1, 6, 3, 2, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		len = mk_error6(pkt, map[i].type, map[i].code, map[i].rest, HOST6, HOST6, 40);
		assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
		o = OUT(f, 0);
		verify4(o, f->out.len[0]);
		assert_a4(o + 12, MAP4);
		assert_a4(o + 16, REMOTE4);
		assert_int_equal(o[20], map[i].type4);
		assert_int_equal(o[21], map[i].code4);
		assert_int_equal((uint32_t)g16(o + 24) << 16 | g16(o + 26), map[i].rest4);
		in = o + 28;
		assert_int_equal(f->out.len[0], 28 + 20 + 48);
		verify4(in, 68);
		assert_a4(in + 12, REMOTE4);
		assert_a4(in + 16, MAP4);
		assert_int_equal(g16(in + 20), 53);
	}
	/* a router not in the sites (one of the VPS's): from public4 */
	len = mk_error6(pkt, 3, 0, 0, "2001:db8:ffff::1", HOST6, 40);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_a4(OUT(f, 0) + 12, PUBLIC4);
	/* at most 576 bytes */
	len = mk_error6(pkt, 1, 4, 0, HOST6, HOST6, 1000);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(f->out.len[0], 576);
	assert_int_equal(g16(OUT(f, 0) + 28 + 2), 20 + 1008);
	/* RFC 7915 5.3: the packet inside is translated as the outer one is
	 * (5.1): DF clear up to 1260 bytes, set above */
	assert_int_equal(g16(OUT(f, 0) + 28 + 6), 0);
	len = mk_error6(pkt, 1, 4, 0, HOST6, HOST6, 1232);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(g16(OUT(f, 0) + 28 + 2), 20 + 1240);
	assert_int_equal(g16(OUT(f, 0) + 28 + 6), 0);
	len = mk_error6(pkt, 1, 4, 0, HOST6, HOST6, 1233);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_int_equal(g16(OUT(f, 0) + 28 + 2), 20 + 1241);
	assert_int_equal(g16(OUT(f, 0) + 28 + 6), 0x4000);
	verify4(OUT(f, 0), f->out.len[0]);
	/* drops: about a packet never sent (a host without an entry), from
	 * inside the NAT64 prefix, informational types, a pointer past the
	 * header */
	len = mk_error6(pkt, 1, 4, 0, HOST6, "2001:db8:64:1::99", 40);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error6(pkt, 3, 0, 0, "2001:db8:ffff::1", "2001:db8:64:1::99", 40);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error6(pkt, 1, 4, 0, "64:ff9b::808:808", HOST6, 40);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_SOURCE);
	len = mk_error6(pkt, 4, 0, 40, HOST6, HOST6, 40);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error6(pkt, 4, 2, 0, HOST6, HOST6, 40);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	len = mk_error6(pkt, 137, 0, 0, HOST6, HOST6, 40);  /* redirect */
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_ICMP);
	fix_free(f);
}

/* a dynamic host: its first packet lends a pool address, the reply
 * finds it, an error about it is translated */
static void
test_dynamic_round_trip(void **state)
{
	struct fix *f = fix_new(1280);
	uint8_t l4[64], pkt[200];
	size_t n = mk_echo(l4, 128, 8), len;
	char pool4[INET_ADDRSTRLEN];
	struct in_addr a;

	(void)state;
	len = pkt6(pkt, IPPROTO_ICMPV6, "2001:db8:64:1::42", REMOTE6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	memcpy(&a, OUT(f, 0) + 12, 4);
	assert_true(eam_in_pool(&f->m, ntohl(a.s_addr)));
	inet_ntop(AF_INET, &a, pool4, sizeof(pool4));
	n = mk_echo(l4, 0, 8);
	len = pkt4(pkt, IPPROTO_ICMP, REMOTE4, pool4, 0, l4, n);
	assert_int_equal(siit_4to6(&f->s, pkt, len, f->now, &f->out), SIIT_OK);
	assert_a6(OUT(f, 0) + 24, "2001:db8:64:1::42");
	assert_int_equal(OUT(f, 0)[40], 129);
	verify6(OUT(f, 0), f->out.len[0]);
	/* a site cannot reach it through the translator */
	char dst6[INET6_ADDRSTRLEN];
	struct in6_addr d6;
	uint8_t pfx[12];

	memcpy(pfx, f->s.c.prefix96, 12);
	siit_embed(pfx, &a, &d6);
	inet_ntop(AF_INET6, &d6, dst6, sizeof(dst6));
	n = mk_udp(l4, 1, 2, 4);
	len = pkt6(pkt, IPPROTO_UDP, HOST6, dst6, l4, n);
	assert_int_equal(siit_6to4(&f->s, pkt, len, f->now, &f->out), SIIT_DROP_HAIRPIN);
	fix_free(f);
}

/* A TCP burst of the device's TSO through siit_gso_*: one packet whose
 * headers are a segment's translated and whose payload is as it was; the
 * checksum field holds the pseudo-header sum, to which the kernel adds each
 * segment's data (completed here as it would be); the segment size cut to
 * the sites' MTU toward them. Anything but a whole TCP burst is refused. */
static void
test_gso(void **state)
{
	struct fix *f = fix_new(1380);
	static uint8_t l4[20 + 20000], pkt[60 + 20000], c[60 + 20000];
	size_t n = sizeof(l4), len;
	struct siit_gso g;
	struct in6_addr h6 = a6(HOST6), r6 = a6(REMOTE6);
	const uint8_t *o;

	(void)state;
	memset(l4, 0, 20);
	p16(l4, 40000);
	p16(l4 + 2, 443);
	l4[12] = 5 << 4;
	l4[13] = 0x10;                          /* ACK */
	for (size_t i = 20; i < n; i++)
		l4[i] = (uint8_t)(i * 13);
	/* in: IPv4 from the internet to the mapped host */
	len = pkt4(pkt, IPPROTO_TCP, REMOTE4, MAP4, 0x4000, l4, n);
	assert_int_equal(siit_gso_4to6(&f->s, pkt, len, 1448, f->now, &f->out, &g), SIIT_OK);
	assert_int_equal(f->out.n, 1);
	o = OUT(f, 0);
	assert_int_equal(f->out.len[0], 60);    /* the headers; the payload stays */
	assert_ptr_equal(g.payload, pkt + 40);
	assert_int_equal(g.payload_len, n - 20);
	assert_int_equal(g16(o + 4), n);
	assert_int_equal(o[6], IPPROTO_TCP);
	assert_memory_equal(o + 8, &r6, 16);
	assert_memory_equal(o + 24, &h6, 16);
	assert_int_equal(g.hdr_len, 60);
	assert_int_equal(g.size, 1380 - 60);    /* 1448 would not fit a site */
	memcpy(c, o, 60);
	memcpy(c + 60, g.payload, g.payload_len);
	assert_true(siit_csum_complete(c, 40 + n, 40, 16));
	verify6(c, 40 + n);
	/* out: the host's burst to the client, with DF (its segments > 1260) */
	len = pkt6(pkt, IPPROTO_TCP, HOST6, REMOTE6, l4, n);
	assert_int_equal(siit_gso_6to4(&f->s, pkt, len, 1320, f->now, &f->out, &g), SIIT_OK);
	o = OUT(f, 0);
	assert_int_equal(f->out.len[0], 40);
	assert_ptr_equal(g.payload, pkt + 60);
	assert_int_equal(g.payload_len, n - 20);
	assert_int_equal(g16(o + 2), 20 + n);
	assert_int_equal(g16(o + 6) & 0x4000, 0x4000);
	assert_a4(o + 12, MAP4);
	assert_a4(o + 16, REMOTE4);
	assert_int_equal(g.hdr_len, 40);
	assert_int_equal(g.size, 1320);
	memcpy(c, o, 40);
	memcpy(c + 40, g.payload, g.payload_len);
	assert_true(siit_csum_complete(c, 20 + n, 20, 16));
	verify4(c, 20 + n);
	assert_memory_equal(c + 40, l4 + 20, n - 20);
	/* the burst's mapping rules are a segment's: a hairpin stays one */
	len = pkt6(pkt, IPPROTO_TCP, HOST6, "64:ff9b::c000:0201", l4, n);
	assert_int_equal(siit_gso_6to4(&f->s, pkt, len, 1320, f->now, &f->out, &g), SIIT_DROP_HAIRPIN);
	/* not a TCP burst: UDP, a fragment, a length that disagrees, size 0 */
	len = pkt4(pkt, IPPROTO_UDP, REMOTE4, MAP4, 0x4000, l4, 100);
	assert_int_equal(siit_gso_4to6(&f->s, pkt, len, 1448, f->now, &f->out, &g), SIIT_DROP_HEADER);
	len = pkt4(pkt, IPPROTO_TCP, REMOTE4, MAP4, 0x2000, l4, 100);
	assert_int_equal(siit_gso_4to6(&f->s, pkt, len, 1448, f->now, &f->out, &g), SIIT_DROP_HEADER);
	len = pkt4(pkt, IPPROTO_TCP, REMOTE4, MAP4, 0x4000, l4, 100);
	assert_int_equal(siit_gso_4to6(&f->s, pkt, len - 1, 1448, f->now, &f->out, &g), SIIT_DROP_HEADER);
	assert_int_equal(siit_gso_4to6(&f->s, pkt, len, 0, f->now, &f->out, &g), SIIT_DROP_HEADER);
	for (size_t cut = 0; cut < 60; cut++)
		assert_int_equal(siit_gso_4to6(&f->s, pkt, cut, 1448, f->now, &f->out, &g), SIIT_DROP_HEADER);
	/* a checksum left to the device: offsets inside the packet only */
	assert_false(siit_csum_complete(c, 10, 8, 1));
	assert_false(siit_csum_complete(c, 10, 11, 0));
	assert_true(siit_csum_complete(c, 10, 8, 0));
	fix_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embed),
		cmocka_unit_test(test_udp_round_trip),
		cmocka_unit_test(test_udp_zero_checksum),
		cmocka_unit_test(test_tcp_mss),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_hostile4),
		cmocka_unit_test(test_hostile6),
		cmocka_unit_test(test_too_big_df),
		cmocka_unit_test(test_fragment_4to6),
		cmocka_unit_test(test_fragment_6to4),
		cmocka_unit_test(test_icmp_errors_4to6),
		cmocka_unit_test(test_icmp_errors_6to4),
		cmocka_unit_test(test_dynamic_round_trip),
		cmocka_unit_test(test_gso),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
