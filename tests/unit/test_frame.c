/* SPDX-License-Identifier: ISC */
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

/* frame_classify_l2, what a site may send: a numbered table of Ethernet
 * payloads under an ethertype (or an 802.1Q tag, or an 802.3 length). */
static void
test_l2_table(void **state)
{
	/* RFC 826 ARP request: Ethernet, IPv4, 6, 4, op 1, sha, spa, tha, tpa */
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 98, 0, 2,
	    0, 0, 0, 0, 0, 0, 10, 98, 0, 1 };
	/* RFC 791: version 4, IHL 5, total length 28 (UDP with no payload) */
	static const uint8_t ip4[28] = { 0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 98, 0, 2,
	    10, 98, 0, 1, 0x30, 0x39, 0, 9, 0, 8, 0, 0 };
	static const uint8_t ip4_opts[24] = { 0x46, 0, 0, 24, 0, 0, 0x40, 0, 1, 2, 0, 0, 10, 98, 0, 2,
	    224, 0, 0, 1, 0x94, 4, 0, 0 };                 /* IHL 6: a router alert option */
	static const uint8_t ip6[40] = { 0x60, 0, 0, 0, 0, 0, 59, 255 };
	static const uint8_t bpdu[38] = { 0x42, 0x42, 0x03 };   /* LLC for STP */
	static const struct {
		uint16_t type;          /* ethertype, or an 802.3 length */
		const uint8_t *body;
		size_t len;
		int op, byte, val;      /* byte at op, or none when op < 0, set to val */
		enum frame_l2 want;
	} rows[] = {
		/*  1 */ { 0x0806, arp, sizeof(arp), -1, 0, 0, FRAME_L2_ARP },
		/*  2 */ { 0x0806, arp, sizeof(arp), 7, 0, 2, FRAME_L2_ARP },      /* reply */
		/*  3 */ { 0x0806, arp, 27, -1, 0, 0, FRAME_L2_REFUSED },          /* cut short */
		/*  4 */ { 0x0806, arp, sizeof(arp), 1, 0, 6, FRAME_L2_REFUSED },  /* htype 6 (IEEE 802) */
		/*  5 */ { 0x0806, arp, sizeof(arp), 2, 0, 0x86, FRAME_L2_REFUSED },       /* ptype 0x86dd */
		/*  6 */ { 0x0806, arp, sizeof(arp), 4, 0, 8, FRAME_L2_REFUSED },  /* hlen 8 */
		/*  7 */ { 0x0806, arp, sizeof(arp), 5, 0, 16, FRAME_L2_REFUSED }, /* plen 16 */
		/*  8 */ { 0x0806, arp, sizeof(arp), 7, 0, 8, FRAME_L2_REFUSED },  /* InARP request (RFC 2390) */
		/*  9 */ { 0x0800, ip4, sizeof(ip4), -1, 0, 0, FRAME_L2_IPV4 },
		/* 10 */ { 0x0800, ip4_opts, sizeof(ip4_opts), -1, 0, 0, FRAME_L2_IPV4 },
		/* 11 */ { 0x0800, ip4, 19, -1, 0, 0, FRAME_L2_REFUSED },           /* cut in the header */
		/* 12 */ { 0x0800, ip4, 27, -1, 0, 0, FRAME_L2_REFUSED },           /* total length past the frame */
		/* 13 */ { 0x0800, ip4, sizeof(ip4), 0, 0, 0x65, FRAME_L2_REFUSED },       /* version 6 */
		/* 14 */ { 0x0800, ip4, sizeof(ip4), 0, 0, 0x44, FRAME_L2_REFUSED },       /* IHL 4 */
		/* 15 */ { 0x0800, ip4, sizeof(ip4), 3, 0, 19, FRAME_L2_REFUSED },  /* total length below IHL */
		/* 16 */ { 0x0800, ip4_opts, sizeof(ip4_opts), 0, 0, 0x47, FRAME_L2_REFUSED },    /* IHL 7 > 24 */
		/* 17 */ { 0x86dd, ip6, sizeof(ip6), -1, 0, 0, FRAME_L2_IPV6 },
		/* 18 */ { 0x86dd, ip6, 0, -1, 0, 0, FRAME_L2_IPV6 },   /* frame_classify's to judge */
		/* 19 */ { 0x8100, arp, sizeof(arp), -1, 0, 0, FRAME_L2_REFUSED },  /* tagged */
		/* 20 */ { 0x88a8, arp, sizeof(arp), -1, 0, 0, FRAME_L2_REFUSED },  /* 802.1ad */
		/* 21 */ { 38, bpdu, sizeof(bpdu), -1, 0, 0, FRAME_L2_REFUSED },    /* 802.3 length */
		/* 22 */ { 0x88cc, bpdu, sizeof(bpdu), -1, 0, 0, FRAME_L2_REFUSED },       /* LLDP */
		/* 23 */ { 0x8035, arp, sizeof(arp), -1, 0, 0, FRAME_L2_REFUSED },  /* RARP */
		/* 24 */ { 0x0000, arp, sizeof(arp), -1, 0, 0, FRAME_L2_REFUSED },
	};
	uint8_t f[128];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = 14 + rows[i].len;
		enum frame_l2 k;

		memset(f, 0, sizeof(f));
		memset(f, 0xff, 6);
		f[6] = 2;
		f[12] = (uint8_t)(rows[i].type >> 8);
		f[13] = (uint8_t)rows[i].type;
		memcpy(f + 14, rows[i].body, rows[i].len);
		if (rows[i].op >= 0)
			f[14 + rows[i].op] = (uint8_t)rows[i].val;
		if ((k = frame_classify_l2(f, len)) != rows[i].want)
			fail_msg("row %zu: got %d, want %d", i + 1, k, rows[i].want);
		/* Ethernet padding after what passes changes nothing */
		if (rows[i].want != FRAME_L2_REFUSED && (k = frame_classify_l2(f, len + 32)) != rows[i].want)
			fail_msg("row %zu padded: got %d, want %d", i + 1, k, rows[i].want);
		/* a cut never makes ARP or IPv4 out of what was refused, nor
		 * keeps ARP or IPv4 what lost its header (ASan: nothing read
		 * past the end) */
		for (size_t l = 0; l < len; l++) {
			uint8_t *copy = malloc(l ? l : 1);

			memcpy(copy, f, l);
			k = frame_classify_l2(copy, l);
			free(copy);
			if ((k == FRAME_L2_ARP || k == FRAME_L2_IPV4) && rows[i].want == FRAME_L2_REFUSED)
				fail_msg("row %zu cut to %zu bytes: got %d", i + 1, l, k);
			if (l >= 14 && rows[i].want != FRAME_L2_REFUSED &&
			    k != (rows[i].want == FRAME_L2_IPV6 ? FRAME_L2_IPV6 : FRAME_L2_REFUSED))
				fail_msg("row %zu cut to %zu bytes: got %d", i + 1, l, k);
			if (l < 14 && k != FRAME_L2_REFUSED)
				fail_msg("row %zu cut to %zu bytes: got %d", i + 1, l, k);
		}
	}
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
		cmocka_unit_test(test_l2_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
