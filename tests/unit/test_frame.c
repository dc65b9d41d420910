/* frame_classify as a numbered table of frames: RAs and DHCPv6 server
 * messages (plain, behind extension headers, VLAN-tagged) are caught, other
 * traffic is not, a header chain the guard cannot follow is dropped
 * (RFC 7113 3), and no truncation of any frame turns a drop into a pass. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

#define F_MAX 512

struct row {
	bool vlan;
	const uint8_t *ext;     /* extension headers, each naming the next */
	size_t extlen;
	uint8_t first;          /* the IPv6 header's next header when ext is set */
	uint8_t nh;             /* ... and when it is not */
	const uint8_t *l4;
	size_t l4len;
	int plen_adj;           /* added to the true payload length */
	size_t pad;             /* zero bytes after the packet (Ethernet padding) */
	enum frame_kind want;
};

static size_t
build(uint8_t *f, const struct row *r)
{
	size_t o = 12, plen = r->extlen + r->l4len;

	memset(f, 0, F_MAX);
	if (r->vlan) {
		f[o++] = 0x81; f[o++] = 0x00; f[o++] = 0; f[o++] = 5;
	}
	f[o++] = 0x86; f[o++] = 0xdd;
	f[o] = 0x60;
	plen = (size_t)((int)plen + r->plen_adj);
	f[o + 4] = (uint8_t)(plen >> 8);
	f[o + 5] = (uint8_t)plen;
	f[o + 6] = r->extlen ? r->first : r->nh;
	f[o + 7] = 255;
	f[o + 8] = 0xfe; f[o + 9] = 0x80; f[o + 23] = 1;        /* src fe80::1 */
	o += 40;
	if (r->extlen != 0)
		memcpy(f + o, r->ext, r->extlen);
	o += r->extlen;
	if (r->l4len != 0)
		memcpy(f + o, r->l4, r->l4len);
	return o + r->l4len + r->pad;
}

static bool
is_drop(enum frame_kind k)
{
	return k == FRAME_RA || k == FRAME_DHCP6_SERVER || k == FRAME_BAD_CHAIN;
}

static void
test_table(void **state)
{
	static const uint8_t ra[16] = { 134, 0 }, rs[8] = { 133, 0 }, echo[8] = { 128, 0 };
	static const uint8_t tcp[20] = { 0x30, 0x39, 0, 80, [12] = 0x50, [13] = 0x02 };
	static const uint8_t dhcp_srv[8] = { 0x02, 0x23, 0x02, 0x22, 0, 8 };        /* 547 -> 546 */
	static const uint8_t dhcp_cli[8] = { 0x02, 0x22, 0x02, 0x23, 0, 8 };        /* 546 -> 547 */
	static const uint8_t esp[16] = { 0, 0, 1, 0, 0, 0, 0, 1 };                  /* SPI, sequence */
	static const uint8_t hbh_to_icmp[8] = { 58, 0, 1, 4 }, hbh_to_udp[8] = { 17, 0, 1, 4 };
	static const uint8_t hbh_to_200[8] = { 200, 0, 1, 4 };
	static const uint8_t hbh_long[8] = { 58, 1, 1, 4 };     /* says 16 bytes */
	static const uint8_t rt_to_icmp[8] = { 58, 0, 0, 0 };
	static const uint8_t mob_to_none[8] = { 59, 0, 0, 0 };
	static const uint8_t frag_first[8] = { 58, 0, 0, 0, 0, 0, 0, 7 };
	static const uint8_t frag_first_udp[8] = { 17, 0, 0, 0, 0, 0, 0, 7 };
	static const uint8_t frag_later[8] = { 58, 0, 0, 8, 0, 0, 0, 7 };
	static const uint8_t frag_later_253[8] = { 253, 0, 0, 8, 0, 0, 0, 7 };
	static const uint8_t frag_first_dst[16] = { 60, 0, 0, 1, 0, 0, 0, 7, 58, 1, 1, 4 };  /* dst says 16, has 8 */
	static const uint8_t hbh_frag_first[16] = { 44, 0, 1, 4, 0, 0, 0, 0, 58, 0, 0, 0, 0, 0, 0, 7 };
	/* AH (RFC 4302 2.2): 12 fixed bytes and a 12-byte ICV: length 24/4 - 2 */
	static const uint8_t ah_to_icmp[24] = { 58, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
	static uint8_t eight[64], nine[72];
	static const struct row rows[] = {
		/*  1 */ { .nh = 58, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/*  2 */ { .vlan = true, .nh = 58, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/*  3 */ { .ext = hbh_to_icmp, .extlen = 8, .first = 0, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/*  4 */ { .ext = frag_first, .extlen = 8, .first = 44, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/*  5 */ { .ext = frag_later, .extlen = 8, .first = 44, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_IPV6 },
		/*  6 */ { .nh = 58, .l4 = rs, .l4len = sizeof(rs), .want = FRAME_IPV6 },
		/*  7 */ { .nh = 58, .l4 = echo, .l4len = sizeof(echo), .want = FRAME_IPV6 },
		/*  8 */ { .nh = 17, .l4 = dhcp_srv, .l4len = sizeof(dhcp_srv), .want = FRAME_DHCP6_SERVER },
		/*  9 */ { .ext = hbh_to_udp, .extlen = 8, .first = 0, .l4 = dhcp_srv, .l4len = sizeof(dhcp_srv),
			   .want = FRAME_DHCP6_SERVER },
		/* 10 */ { .nh = 17, .l4 = dhcp_cli, .l4len = sizeof(dhcp_cli), .want = FRAME_IPV6 },
		/* 11 */ { .nh = 6, .l4 = tcp, .l4len = sizeof(tcp), .want = FRAME_IPV6 },
		/* RFC 7113 3: an unrecognised Next Header is dropped ... */
		/* 12 */ { .nh = 253, .l4 = echo, .l4len = sizeof(echo), .want = FRAME_BAD_CHAIN },
		/* 13 */ { .ext = hbh_to_200, .extlen = 8, .first = 0, .l4 = echo, .l4len = sizeof(echo),
			   .want = FRAME_BAD_CHAIN },
		/* 14 */ { .vlan = true, .nh = 253, .l4 = echo, .l4len = sizeof(echo), .want = FRAME_BAD_CHAIN },
		/* ... so is a first fragment without the whole chain: cut inside
		 * an extension header, inside the ICMPv6 header, before any */
		/* 15 */ { .ext = frag_first_dst, .extlen = 16, .first = 44, .want = FRAME_BAD_CHAIN },
		/* 16 */ { .ext = frag_first, .extlen = 8, .first = 44, .l4 = ra, .l4len = 2, .want = FRAME_BAD_CHAIN },
		/* 17 */ { .ext = frag_first, .extlen = 8, .first = 44, .want = FRAME_BAD_CHAIN },
		/* 18 */ { .ext = frag_first_udp, .extlen = 8, .first = 44, .l4 = dhcp_srv, .l4len = 4, .want = FRAME_BAD_CHAIN },
		/* ... but a later fragment passes, whatever it says follows */
		/* 19 */ { .ext = frag_later_253, .extlen = 8, .first = 44, .l4 = echo, .l4len = sizeof(echo),
			   .want = FRAME_IPV6 },
		/* an unfragmented chain cut short: the same */
		/* 20 */ { .ext = hbh_long, .extlen = 8, .first = 0, .want = FRAME_BAD_CHAIN },
		/* 21 */ { .nh = 17, .l4 = dhcp_srv, .l4len = 4, .want = FRAME_BAD_CHAIN },
		/* 22 */ { .nh = 6, .l4 = tcp, .l4len = 19, .want = FRAME_BAD_CHAIN },
		/* at most 8 extension headers */
		/* 23 */ { .ext = eight, .extlen = sizeof(eight), .first = 60, .l4 = echo, .l4len = sizeof(echo),
			   .want = FRAME_IPV6 },
		/* 24 */ { .ext = eight, .extlen = sizeof(eight), .first = 60, .l4 = ra, .l4len = sizeof(ra),
			   .want = FRAME_RA },
		/* 25 */ { .ext = nine, .extlen = sizeof(nine), .first = 60, .l4 = echo, .l4len = sizeof(echo),
			   .want = FRAME_BAD_CHAIN },
		/* the other extension headers are walked too */
		/* 26 */ { .ext = rt_to_icmp, .extlen = 8, .first = 43, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/* 27 */ { .ext = ah_to_icmp, .extlen = 24, .first = 51, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/* 28 */ { .ext = mob_to_none, .extlen = 8, .first = 135, .want = FRAME_IPV6 },
		/* 29 */ { .ext = hbh_frag_first, .extlen = 16, .first = 0, .l4 = ra, .l4len = sizeof(ra), .want = FRAME_RA },
		/* RFC 7113 3: ESP ends the chain; No Next Header is an empty one */
		/* 30 */ { .nh = 50, .l4 = esp, .l4len = sizeof(esp), .want = FRAME_IPV6 },
		/* 31 */ { .nh = 59, .want = FRAME_IPV6 },
		/* the payload length rules: a packet longer than the frame is
		 * dropped, padding after it is never read */
		/* 32 */ { .nh = 58, .l4 = ra, .l4len = sizeof(ra), .plen_adj = 1, .want = FRAME_BAD_CHAIN },
		/* 33 */ { .nh = 58, .l4 = ra, .l4len = sizeof(ra), .pad = 8, .want = FRAME_RA },
		/* 34 */ { .ext = hbh_long, .extlen = 8, .first = 0, .pad = 16, .want = FRAME_BAD_CHAIN },
		/* 35 */ { .nh = 58, .l4 = echo, .l4len = sizeof(echo), .plen_adj = -6, .pad = 6,
			   .want = FRAME_BAD_CHAIN },   /* ICMPv6 header cut at 2 bytes */
		/* 36 */ { .ext = hbh_to_icmp, .extlen = 8, .first = 0, .plen_adj = -8, .pad = 8,
			   .want = FRAME_BAD_CHAIN },   /* a jumbogram's payload length 0 */
	};
	uint8_t f[F_MAX];
	struct in6_addr src;

	(void)state;
	/* eight and nine destination options headers in a row, the last
	 * naming ICMPv6 */
	for (size_t i = 0; i < sizeof(nine); i += 8)
		nine[i] = i + 8 < sizeof(nine) ? 60 : 58;
	for (size_t i = 0; i < sizeof(eight); i += 8)
		eight[i] = i + 8 < sizeof(eight) ? 60 : 58;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = build(f, &rows[i]), l3 = rows[i].vlan ? 18 : 14;
		enum frame_kind k = frame_classify(f, len, &src);

		if (k != rows[i].want)
			fail_msg("row %zu: got %d, want %d", i + 1, k, rows[i].want);
		assert_int_equal(src.s6_addr[0], 0xfe);
		/* every truncation: read nothing past the end (ASan), never
		 * crash, and never let through what the whole frame would not:
		 * once the ethertype says IPv6, a cut is a drop */
		for (size_t l = 0; l < len; l++) {
			uint8_t *copy = malloc(l ? l : 1);

			memcpy(copy, f, l);
			k = frame_classify(copy, l, &src);
			free(copy);
			if (l >= l3 && !is_drop(k) && (is_drop(rows[i].want) || l < len - rows[i].pad))
				fail_msg("row %zu cut to %zu bytes: got %d", i + 1, l, k);
			if (l < l3 && k != FRAME_OTHER)
				fail_msg("row %zu cut to %zu bytes: got %d, not IPv6 yet", i + 1, l, k);
		}
	}
	/* 37: not IPv6 at all */
	memset(f, 0, 64);
	f[12] = 0x08;
	assert_int_equal(frame_classify(f, 64, &src), FRAME_OTHER);
	/* 38: the IPv6 ethertype with a version 4 header */
	build(f, &rows[0]);
	f[14] = 0x45;
	assert_int_equal(frame_classify(f, 14 + 40 + 16, &src), FRAME_BAD_CHAIN);
}

/* UDP in IPv6: frame_udp6_build and frame_udp6_parse are twins; the
 * checksum verifies, and fails after one flipped bit; a wrong UDP length
 * is -1 (ports still read), anything else 0. */
static void
test_udp6_roundtrip(void **state)
{
	static const uint8_t payload[] = { 1, 0, 0, 7, 0, 1, 0, 3, 'a', 'b', 'c' };
	struct frame_udp6 u = { .hop_limit = 255, .sport = 546, .dport = 547,
	    .payload = payload, .len = sizeof(payload) }, v;
	uint8_t f[256];
	size_t len;

	(void)state;
	memcpy(u.eth_dst, "\x33\x33\x00\x01\x00\x02", 6);
	memcpy(u.eth_src, "\x02\x00\x00\x00\x00\x01", 6);
	inet_pton(AF_INET6, "fe80::1", &u.src);
	inet_pton(AF_INET6, "ff02::1:2", &u.dst);
	assert_int_equal(frame_udp6_build(&u, f, 14 + 40 + 8), 0);
	len = frame_udp6_build(&u, f, sizeof(f));
	assert_int_equal(len, 14 + 40 + 8 + sizeof(payload));
	assert_int_equal(frame_udp6_parse(f, len, &v), 1);
	assert_true(frame_udp6_checksum_ok(&v));
	assert_memory_equal(v.eth_dst, u.eth_dst, 6);
	assert_memory_equal(v.eth_src, u.eth_src, 6);
	assert_memory_equal(&v.src, &u.src, 16);
	assert_memory_equal(&v.dst, &u.dst, 16);
	assert_int_equal(v.sport, 546);
	assert_int_equal(v.dport, 547);
	assert_int_equal(v.hop_limit, 255);
	assert_int_equal(v.len, sizeof(payload));
	assert_memory_equal(v.payload, payload, sizeof(payload));
	/* padding after the datagram is fine */
	memset(f + len, 0, 10);
	assert_int_equal(frame_udp6_parse(f, len + 10, &v), 1);
	f[len - 1] ^= 1;
	assert_int_equal(frame_udp6_parse(f, len, &v), 1);
	assert_false(frame_udp6_checksum_ok(&v));
	f[len - 1] ^= 1;
	f[14 + 40 + 6] = f[14 + 40 + 7] = 0;            /* no checksum: wrong in IPv6 */
	assert_int_equal(frame_udp6_parse(f, len, &v), 1);
	assert_false(frame_udp6_checksum_ok(&v));
	f[14 + 40 + 5]++;                               /* UDP length off by one */
	v.dport = 0;
	assert_int_equal(frame_udp6_parse(f, len, &v), -1);
	assert_int_equal(v.dport, 547);
	for (size_t n = 0; n < len; n++)               /* every cut: never 1 */
		assert_true(frame_udp6_parse(f, n, &v) != 1);
	f[14 + 6] = 58;                                 /* not UDP */
	assert_int_equal(frame_udp6_parse(f, len, &v), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp6_roundtrip),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
