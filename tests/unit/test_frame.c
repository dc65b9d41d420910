/* frame_classify as a numbered table of frames: RAs and DHCPv6 server
 * messages (plain, behind extension headers, VLAN-tagged) are caught, other
 * traffic is not, and every truncation of each frame is safe. */
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

static size_t
build(uint8_t *f, bool vlan, const uint8_t *ext, size_t extlen, uint8_t first_nh, uint8_t nh,
    const uint8_t *l4, size_t l4len)
{
	size_t o = 12;

	memset(f, 0, 256);
	if (vlan) {
		f[o++] = 0x81; f[o++] = 0x00; f[o++] = 0; f[o++] = 5;
	}
	f[o++] = 0x86; f[o++] = 0xdd;
	f[o] = 0x60;
	f[o + 6] = extlen ? first_nh : nh;
	f[o + 7] = 255;
	f[o + 8] = 0xfe; f[o + 9] = 0x80; f[o + 23] = 1;        /* src fe80::1 */
	o += 40;
	if (extlen != 0)
		memcpy(f + o, ext, extlen);
	o += extlen;
	memcpy(f + o, l4, l4len);
	return o + l4len;
}

static void
test_table(void **state)
{
	static const uint8_t ra[16] = { 134, 0 }, rs[8] = { 133, 0 }, echo[8] = { 128, 0 };
	static const uint8_t dhcp_srv[8] = { 0x02, 0x23, 0x02, 0x22 };     /* 547 -> 546 */
	static const uint8_t dhcp_cli[8] = { 0x02, 0x22, 0x02, 0x23 };     /* 546 -> 547 */
	static const uint8_t hbh_to_icmp[8] = { 58, 0 }, hbh_to_udp[8] = { 17, 0 };
	static const uint8_t frag_first[8] = { 58, 0, 0, 0 }, frag_later[8] = { 58, 0, 0, 8 };
	static const struct {
		bool vlan; const uint8_t *ext; size_t extlen; uint8_t first; uint8_t nh;
		const uint8_t *l4; size_t l4len; enum frame_kind want;
	} rows[] = {
		/*  1 */ { false, NULL, 0, 0, 58, ra, sizeof(ra), FRAME_RA },
		/*  2 */ { true, NULL, 0, 0, 58, ra, sizeof(ra), FRAME_RA },
		/*  3 */ { false, hbh_to_icmp, 8, 0, 58, ra, sizeof(ra), FRAME_RA },       /* behind hop-by-hop */
		/*  4 */ { false, frag_first, 8, 44, 58, ra, sizeof(ra), FRAME_RA },       /* first fragment */
		/*  5 */ { false, frag_later, 8, 44, 58, ra, sizeof(ra), FRAME_IPV6 },     /* later fragment */
		/*  6 */ { false, NULL, 0, 0, 58, rs, sizeof(rs), FRAME_IPV6 },
		/*  7 */ { false, NULL, 0, 0, 58, echo, sizeof(echo), FRAME_IPV6 },
		/*  8 */ { false, NULL, 0, 0, 17, dhcp_srv, sizeof(dhcp_srv), FRAME_DHCP6_SERVER },
		/*  9 */ { false, hbh_to_udp, 8, 0, 17, dhcp_srv, sizeof(dhcp_srv), FRAME_DHCP6_SERVER },
		/* 10 */ { false, NULL, 0, 0, 17, dhcp_cli, sizeof(dhcp_cli), FRAME_IPV6 },
		/* 11 */ { false, NULL, 0, 0, 6, echo, sizeof(echo), FRAME_IPV6 },
	};
	uint8_t f[256];
	struct in6_addr src;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = build(f, rows[i].vlan, rows[i].ext, rows[i].extlen, rows[i].first, rows[i].nh,
		    rows[i].l4, rows[i].l4len);
		enum frame_kind k = frame_classify(f, len, &src);

		if (k != rows[i].want)
			fail_msg("row %zu: got %d, want %d", i + 1, k, rows[i].want);
		assert_int_equal(src.s6_addr[0], 0xfe);
		/* every truncation: read nothing past the end (ASan), never crash */
		for (size_t l = 0; l < len; l++) {
			uint8_t *copy = malloc(l ? l : 1);

			memcpy(copy, f, l);
			(void)frame_classify(copy, l, &src);
			free(copy);
		}
	}
	/* not IPv6 at all */
	memset(f, 0, 64);
	f[12] = 0x08;
	assert_int_equal(frame_classify(f, 64, &src), FRAME_OTHER);
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
