/* SPDX-License-Identifier: ISC */
/* ndp: every message type survives ndp_build then ndp_parse field for
 * field, in a frame with hop limit 255 and a checksum that verifies; a
 * frame written out by hand (checksum computed outside this code) parses;
 * each rule of RFC 4861 6.1.1 / 6.1.2 / 7.1.1 / 7.1.2 and RFC 8106 5.1 has
 * a frame that breaks it alone (checksum recomputed) and gets its own
 * error; every truncation is safe; Ethernet padding is ignored; the
 * address helpers give the addresses Linux uses. */
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
#include "ndp.h"

#define IP      FRAME_ETH_LEN           /* offset of the IPv6 header */
#define ICMP    (FRAME_ETH_LEN + 40)    /* offset of the ICMPv6 message */

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static struct in6_addr
addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad address literal %s", s);
	return a;
}

static size_t
get_plen(const uint8_t *f)
{
	return (size_t)(f[IP + 4] << 8 | f[IP + 5]);
}

static void
set_plen(uint8_t *f, size_t plen)
{
	f[IP + 4] = (uint8_t)(plen >> 8);
	f[IP + 5] = (uint8_t)plen;
}

/* Write a correct ICMPv6 checksum over the payload length the IPv6 header
 * states, so that a mutated frame trips the check under test and not the
 * checksum check. */
static void
fix_checksum(uint8_t *f)
{
	uint16_t sum;

	f[ICMP + 2] = 0;
	f[ICMP + 3] = 0;
	sum = frame_l4_checksum(f + IP, f + ICMP, get_plen(f), 58);
	f[ICMP + 2] = (uint8_t)(sum >> 8);
	f[ICMP + 3] = (uint8_t)sum;
}

static bool
checksum_ok(const uint8_t *f)
{
	return frame_l4_checksum(f + IP, f + ICMP, get_plen(f), 58) == 0;
}

/* Parse a copy of exactly len bytes (so ASan sees any read past the end)
 * and check the result. */
static enum ndp_err
parse_exact(const uint8_t *f, size_t len, struct ndp_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum ndp_err e;

	assert_non_null(copy);
	memcpy(copy, f, len);
	e = ndp_parse(copy, len, m);
	free(copy);
	return e;
}

static void
expect(const uint8_t *f, size_t len, enum ndp_err want, const char *what)
{
	struct ndp_msg m;
	enum ndp_err got = parse_exact(f, len, &m);

	if (got != want)
		fail_msg("%s: got %s (%d), want %s (%d)", what, ndp_err_name(got), got,
		    ndp_err_name(want), want);
}

static void
assert_addr_equal(const struct in6_addr *a, const struct in6_addr *b, const char *what)
{
	char sa[INET6_ADDRSTRLEN], sb[INET6_ADDRSTRLEN];

	if (memcmp(a, b, 16) != 0) {
		inet_ntop(AF_INET6, a, sa, sizeof(sa));
		inet_ntop(AF_INET6, b, sb, sizeof(sb));
		fail_msg("%s: %s != %s", what, sa, sb);
	}
}

static void
assert_msg_equal(const struct ndp_msg *a, const struct ndp_msg *b)
{
	assert_int_equal(a->type, b->type);
	assert_memory_equal(a->eth_dst, b->eth_dst, 6);
	assert_memory_equal(a->eth_src, b->eth_src, 6);
	assert_addr_equal(&a->src, &b->src, "src");
	assert_addr_equal(&a->dst, &b->dst, "dst");
	assert_addr_equal(&a->target, &b->target, "target");
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->has_lla, b->has_lla);
	if (a->has_lla)
		assert_memory_equal(a->lla, b->lla, 6);
	assert_int_equal(a->cur_hop_limit, b->cur_hop_limit);
	assert_int_equal(a->router_lifetime, b->router_lifetime);
	assert_int_equal(a->reachable_ms, b->reachable_ms);
	assert_int_equal(a->retrans_ms, b->retrans_ms);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->has_prefix, b->has_prefix);
	if (a->has_prefix) {
		assert_addr_equal(&a->prefix.addr, &b->prefix.addr, "prefix");
		assert_int_equal(a->prefix.len, b->prefix.len);
		assert_int_equal(a->prefix_flags, b->prefix_flags);
		assert_int_equal(a->valid_lifetime, b->valid_lifetime);
		assert_int_equal(a->preferred_lifetime, b->preferred_lifetime);
	}
	assert_int_equal(a->n_rdnss, b->n_rdnss);
	for (size_t i = 0; i < a->n_rdnss; i++)
		assert_addr_equal(&a->rdnss[i], &b->rdnss[i], "rdnss");
	if (a->n_rdnss)
		assert_int_equal(a->rdnss_lifetime, b->rdnss_lifetime);
}

/* The messages of the round trip, also the base of the hostile frames. */
static void
msg_rs(struct ndp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = NDP_RS;
	memcpy(m->eth_dst, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 2 }), 6);
	memcpy(m->eth_src, mac_b, 6);
	m->src = addr("fe80::5054:ff:feab:cdef");
	m->dst = addr("ff02::2");
	m->has_lla = true;
	memcpy(m->lla, mac_b, 6);
}

static void
msg_ra(struct ndp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = NDP_RA;
	memcpy(m->eth_dst, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }), 6);
	memcpy(m->eth_src, mac_a, 6);
	m->src = addr("fe80::5054:ff:fe12:3456");
	m->dst = addr("ff02::1");
	m->flags = NDP_RA_MANAGED | NDP_RA_OTHER;
	m->has_lla = true;
	memcpy(m->lla, mac_a, 6);
	m->cur_hop_limit = 64;
	m->router_lifetime = 1800;
	m->reachable_ms = 30000;
	m->retrans_ms = 1000;
	m->mtu = 1420;
	m->has_prefix = true;
	m->prefix.addr = addr("2001:db8:64:1:4::");
	m->prefix.len = 78;
	m->prefix_flags = NDP_PIO_ONLINK;
	m->valid_lifetime = 86400;
	m->preferred_lifetime = 14400;
	m->n_rdnss = 2;
	m->rdnss[0] = addr("2001:db8:64:1:4::1");
	m->rdnss[1] = addr("2001:db8::53");
	m->rdnss_lifetime = 600;
}

static void
msg_ns(struct ndp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = NDP_NS;
	memcpy(m->eth_dst, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0x12, 0x34, 0x56 }), 6);
	memcpy(m->eth_src, mac_b, 6);
	m->src = addr("fe80::5054:ff:feab:cdef");
	m->dst = addr("ff02::1:ff12:3456");
	m->target = addr("2001:db8:64:1:4:5054:ff12:3456");
	m->has_lla = true;
	memcpy(m->lla, mac_b, 6);
}

static void
msg_na(struct ndp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = NDP_NA;
	memcpy(m->eth_dst, mac_b, 6);
	memcpy(m->eth_src, mac_a, 6);
	m->src = addr("2001:db8:64:1:4::1");
	m->dst = addr("fe80::5054:ff:feab:cdef");
	m->target = addr("2001:db8:64:1:4::1");
	m->flags = NDP_NA_ROUTER | NDP_NA_SOLICITED | NDP_NA_OVERRIDE;
	m->has_lla = true;
	memcpy(m->lla, mac_a, 6);
}

static size_t
build_ok(const struct ndp_msg *m, uint8_t *f)
{
	size_t len = ndp_build(m, f, NDP_FRAME_MAX);

	assert_true(len >= ICMP + 8);
	assert_true(len <= NDP_FRAME_MAX);
	return len;
}

/* Build, check the frame as a receiver would, parse back, compare. */
static size_t
round_trip(const struct ndp_msg *m, uint8_t *f)
{
	struct ndp_msg back;
	size_t len = build_ok(m, f);

	assert_int_equal(f[12], 0x86);
	assert_int_equal(f[13], 0xdd);
	assert_int_equal(f[IP] >> 4, 6);
	assert_int_equal(f[IP + 6], 58);        /* ICMPv6, no extension header */
	assert_int_equal(f[IP + 7], 255);       /* hop limit (RFC 4861 6.1) */
	assert_int_equal(get_plen(f), len - ICMP);
	assert_int_equal(f[ICMP], m->type);
	assert_int_equal(f[ICMP + 1], 0);
	assert_true(checksum_ok(f));
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_msg_equal(m, &back);
	return len;
}

static void
test_round_trip_rs(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_rs(&m);
	len = round_trip(&m, f);
	assert_int_equal(len, ICMP + 8 + 8);
	assert_int_equal(f[ICMP + 8], 1);       /* SLLA */
	assert_int_equal(f[ICMP + 9], 1);
	/* without the SLLA, and from :: (RFC 4861 6.3.7 before DAD) */
	m.has_lla = false;
	m.src = addr("::");
	assert_int_equal(round_trip(&m, f), ICMP + 8);
}

static void
test_round_trip_ra(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	const uint8_t *o = f + ICMP + 16;
	size_t len;

	(void)state;
	msg_ra(&m);
	len = round_trip(&m, f);
	/* options in the order LLA, MTU, prefix, RDNSS */
	assert_int_equal(len, ICMP + 16 + 8 + 8 + 32 + 8 + 2 * 16);
	assert_int_equal(o[0], 1);
	assert_int_equal(o[1], 1);
	assert_memory_equal(o + 2, mac_a, 6);
	o += 8;
	assert_int_equal(o[0], 5);
	assert_int_equal(o[1], 1);
	assert_memory_equal(o + 4, ((const uint8_t[4]){ 0, 0, 0x05, 0x8c }), 4);
	o += 8;
	assert_int_equal(o[0], 3);
	assert_int_equal(o[1], 4);
	assert_int_equal(o[2], 78);
	assert_int_equal(o[3], 0x80);           /* L=1, A=0: no SLAAC in a /78 */
	o += 32;
	assert_int_equal(o[0], 25);
	assert_int_equal(o[1], 5);              /* 3 + 2 per address (RFC 8106) */
	/* the M and O bits where RFC 4861 4.2 puts them */
	assert_int_equal(f[ICMP + 5], 0xc0);
	assert_int_equal(f[ICMP + 6] << 8 | f[ICMP + 7], 1800);

	/* the bare minimum: no options at all */
	memset(&m, 0, sizeof(m));
	m.type = NDP_RA;
	m.src = addr("fe80::1");
	m.dst = addr("ff02::1");
	assert_int_equal(round_trip(&m, f), ICMP + 16);
}

static void
test_round_trip_ns(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];

	(void)state;
	msg_ns(&m);
	assert_int_equal(round_trip(&m, f), ICMP + 24 + 8);
	assert_int_equal(f[ICMP + 24], 1);      /* SLLA */
	/* unicast (neighbor unreachability detection) */
	memcpy(m.eth_dst, mac_a, 6);
	m.dst = m.target;
	round_trip(&m, f);
	/* DAD: from ::, to the solicited-node group, no SLLA */
	m.src = addr("::");
	m.dst = addr("ff02::1:ff12:3456");
	m.has_lla = false;
	assert_int_equal(round_trip(&m, f), ICMP + 24);
}

static void
test_round_trip_na(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];

	(void)state;
	msg_na(&m);
	assert_int_equal(round_trip(&m, f), ICMP + 24 + 8);
	assert_int_equal(f[ICMP + 4], 0xe0);    /* R, S, O */
	assert_int_equal(f[ICMP + 24], 2);      /* TLLA */
	/* unsolicited, to all nodes: no S flag */
	m.dst = addr("ff02::1");
	m.flags = NDP_NA_OVERRIDE;
	round_trip(&m, f);
}

/* An RS written out byte for byte: fe80::1 -> ff02::2 with an SLLA. The
 * checksum 0xf570 was computed with a separate Python script (RFC 8200 8.1
 * pseudo-header, one's complement sum), not with frame_l4_checksum. */
static const uint8_t hand_rs[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x02,             /* eth dst */
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56,             /* eth src */
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0xff, /* plen 16, ICMPv6, 255 */
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* src fe80::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* dst ff02::2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x85, 0x00, 0xf5, 0x70, 0x00, 0x00, 0x00, 0x00, /* RS, code 0, cksum */
	0x01, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, /* SLLA */
};

static void
test_known_good_rs(void **state)
{
	struct ndp_msg m, want;
	uint8_t f[NDP_FRAME_MAX];

	(void)state;
	assert_int_equal(parse_exact(hand_rs, sizeof(hand_rs), &m), NDP_OK);
	memset(&want, 0, sizeof(want));
	want.type = NDP_RS;
	memcpy(want.eth_dst, hand_rs, 6);
	memcpy(want.eth_src, mac_a, 6);
	want.src = addr("fe80::1");
	want.dst = addr("ff02::2");
	want.has_lla = true;
	memcpy(want.lla, mac_a, 6);
	assert_msg_equal(&want, &m);
	/* and the builder writes exactly these bytes, checksum included */
	assert_int_equal(ndp_build(&want, f, sizeof(f)), sizeof(hand_rs));
	assert_memory_equal(f, hand_rs, sizeof(hand_rs));
	/* one bit off anywhere in the message breaks the checksum */
	memcpy(f, hand_rs, sizeof(hand_rs));
	f[sizeof(hand_rs) - 1] ^= 0x01;
	expect(f, sizeof(hand_rs), NDP_BAD_CHECKSUM, "flipped SLLA bit");
}

static void
test_bad_hoplimit(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_ns(&m);
	len = build_ok(&m, f);
	expect(f, len, NDP_OK, "base NS");
	f[IP + 7] = 254;
	fix_checksum(f);
	expect(f, len, NDP_BAD_HOPLIMIT, "NS with hop limit 254");
	f[IP + 7] = 1;
	fix_checksum(f);
	expect(f, len, NDP_BAD_HOPLIMIT, "NS with hop limit 1");
	msg_ra(&m);
	len = build_ok(&m, f);
	f[IP + 7] = 64;
	fix_checksum(f);
	expect(f, len, NDP_BAD_HOPLIMIT, "RA with hop limit 64");
}

static void
test_bad_code(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_rs(&m);
	len = build_ok(&m, f);
	f[ICMP + 1] = 1;
	fix_checksum(f);
	expect(f, len, NDP_BAD_CODE, "RS with code 1");
	msg_na(&m);
	len = build_ok(&m, f);
	f[ICMP + 1] = 0xff;
	fix_checksum(f);
	expect(f, len, NDP_BAD_CODE, "NA with code 255");
}

static void
test_bad_checksum(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_ra(&m);
	len = build_ok(&m, f);
	f[ICMP + 3] ^= 0x01;
	expect(f, len, NDP_BAD_CHECKSUM, "RA checksum off by one bit");
	f[ICMP + 3] ^= 0x01;
	expect(f, len, NDP_OK, "RA checksum restored");
	f[len - 1] ^= 0x80;                     /* last RDNSS byte */
	expect(f, len, NDP_BAD_CHECKSUM, "RA payload changed");
	f[len - 1] ^= 0x80;
	f[IP + 8 + 15] ^= 0x01;                 /* source, in the pseudo-header */
	expect(f, len, NDP_BAD_CHECKSUM, "RA source changed");
}

static void
test_bad_length(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	/* the payload length claims more than the frame holds: the last 8
	 * bytes are missing (the checksum is right for the whole message) */
	msg_ra(&m);
	len = build_ok(&m, f);
	expect(f, len - 8, NDP_BAD_LENGTH, "RA missing its last 8 bytes");
	expect(f, len - 1, NDP_BAD_LENGTH, "RA missing its last byte");
	/* or the payload length is simply one too large */
	set_plen(f, len - ICMP + 1);
	expect(f, len, NDP_BAD_LENGTH, "RA payload length one past the frame");
	set_plen(f, 0xffff);
	expect(f, len, NDP_BAD_LENGTH, "RA payload length 65535");

	/* RS of 1 to 7 bytes: the reserved field cut */
	msg_rs(&m);
	m.has_lla = false;
	len = build_ok(&m, f);
	assert_int_equal(len, ICMP + 8);
	for (size_t plen = 1; plen < 8; plen++) {
		set_plen(f, plen);
		fix_checksum(f);
		expect(f, ICMP + plen, NDP_BAD_LENGTH, "RS shorter than 8 bytes");
	}
	/* NS of 16 and 23 bytes: the target cut */
	msg_ns(&m);
	m.has_lla = false;
	len = build_ok(&m, f);
	assert_int_equal(len, ICMP + 24);
	set_plen(f, 16);
	fix_checksum(f);
	expect(f, ICMP + 16, NDP_BAD_LENGTH, "NS of 16 bytes");
	set_plen(f, 23);
	fix_checksum(f);
	expect(f, ICMP + 23, NDP_BAD_LENGTH, "NS of 23 bytes");
	/* RA of 15 bytes, NA of 8 */
	msg_ra(&m);
	len = build_ok(&m, f);
	set_plen(f, 15);
	fix_checksum(f);
	expect(f, ICMP + 15, NDP_BAD_LENGTH, "RA of 15 bytes");
	msg_na(&m);
	len = build_ok(&m, f);
	set_plen(f, 8);
	fix_checksum(f);
	expect(f, ICMP + 8, NDP_BAD_LENGTH, "NA of 8 bytes");
}

static void
test_bad_option(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	/* zero-length SLLA: would loop forever if accepted */
	msg_rs(&m);
	len = build_ok(&m, f);
	f[ICMP + 9] = 0;
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RS with zero-length option");
	/* an SLLA of 16 bytes where 8 remain */
	f[ICMP + 9] = 2;
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RS with option past the end");
	f[ICMP + 9] = 255;
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RS with option length 255");
	/* a zero-length option of a type the parser does not know */
	f[ICMP + 8] = 14;
	f[ICMP + 9] = 0;
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RS with zero-length unknown option");
	/* an SLLA of 16 bytes that fits: not an Ethernet address (RFC 2464) */
	msg_rs(&m);
	len = build_ok(&m, f);
	memset(f + len, 0, 8);
	f[ICMP + 9] = 2;
	len += 8;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RS with a 16-byte SLLA");
	/* a zero-length option after valid ones, in an RA */
	msg_ra(&m);
	len = build_ok(&m, f);
	f[ICMP + 16 + 8 + 1] = 0;               /* the MTU option */
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RA with zero-length MTU option");

	/* a 1-byte fragment of an option after the RS header */
	msg_rs(&m);
	m.has_lla = false;
	len = build_ok(&m, f);
	f[len] = 1;
	set_plen(f, 9);
	fix_checksum(f);
	expect(f, len + 1, NDP_BAD_OPTION, "RS with a 1-byte trailing option");
	/* and after a whole SLLA */
	msg_ns(&m);
	len = build_ok(&m, f);
	f[len] = 14;
	set_plen(f, len + 1 - ICMP);
	fix_checksum(f);
	expect(f, len + 1, NDP_BAD_OPTION, "NS with a 1-byte trailing option");

	/* RDNSS of length 2: a header and half an address (RFC 8106 5.1
	 * wants 3 or more); cut the frame so it is the last option */
	msg_ra(&m);
	m.n_rdnss = 1;
	len = build_ok(&m, f);
	assert_int_equal(f[len - 24], 25);
	assert_int_equal(f[len - 23], 3);
	f[len - 23] = 2;
	len -= 8;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RDNSS option of length 2");
	/* RDNSS of length 1: no address at all */
	msg_ra(&m);
	m.n_rdnss = 1;
	len = build_ok(&m, f);
	f[len - 23] = 1;
	len -= 16;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RDNSS option of length 1");
	/* RDNSS of length 4: one address and a half */
	msg_ra(&m);
	len = build_ok(&m, f);
	f[len - 40 + 1] = 4;
	len -= 8;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "RDNSS option of length 4");

	/* prefix length 129 */
	msg_ra(&m);
	len = build_ok(&m, f);
	f[ICMP + 16 + 8 + 8 + 2] = 129;
	fix_checksum(f);
	expect(f, len, NDP_BAD_OPTION, "prefix length 129");
}

/* Unknown options are skipped, and an LLA of the wrong kind for the
 * message is ignored (RFC 4861 4.3, 4.4, 4.6). */
static void
test_ignored_options(void **state)
{
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_na(&m);
	len = build_ok(&m, f);
	f[ICMP + 24] = 1;                       /* TLLA becomes SLLA */
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_false(back.has_lla);
	msg_rs(&m);
	len = build_ok(&m, f);
	f[ICMP + 8] = 2;                        /* SLLA becomes TLLA */
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_false(back.has_lla);
	/* from :: too: a TLLA is not an SLLA */
	memset(f + IP + 8, 0, 16);
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	f[ICMP + 8] = 14;                       /* a Nonce (RFC 3971) */
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_false(back.has_lla);
}

static void
test_bad_field(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	/* RS from :: carrying an SLLA (RFC 4861 6.1.1) */
	msg_rs(&m);
	m.src = addr("::");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "RS from :: with SLLA");

	/* NS for a multicast target (7.1.1) */
	msg_ns(&m);
	m.target = addr("ff02::1");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NS with multicast target");
	/* NS from :: (DAD) must go to the target's solicited-node group */
	msg_ns(&m);
	m.src = addr("::");
	m.has_lla = false;
	m.dst = addr("ff02::1");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NS from :: to all-nodes");
	m.dst = m.target;
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NS from :: to the target itself");
	m.dst = addr("ff02::1:ff12:3457");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NS from :: to another solicited-node group");
	m.dst = addr("ff02::1:ff12:3456");
	len = build_ok(&m, f);
	expect(f, len, NDP_OK, "NS from :: to the right group");
	/* ... and carries no SLLA */
	m.has_lla = true;
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NS from :: with SLLA");

	/* NA to a multicast destination with S set (7.1.2) */
	msg_na(&m);
	m.dst = addr("ff02::1");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NA to ff02::1 with S");
	m.flags = NDP_NA_SOLICITED;
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NA to ff02::1 with S alone");
	/* NA for a multicast target */
	msg_na(&m);
	m.target = addr("ff02::1:2");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "NA with multicast target");

	/* RA from anything but a link-local address (6.1.2) */
	msg_ra(&m);
	m.src = addr("2001:db8:64:1::1");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "RA from a global address");
	m.src = addr("::");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "RA from ::");
	m.src = addr("ff02::1");
	len = build_ok(&m, f);
	expect(f, len, NDP_BAD_FIELD, "RA from a multicast address");
}

static void
test_not_ndp(void **state)
{
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX + 4];
	size_t len;

	(void)state;
	/* UDP */
	msg_ns(&m);
	len = build_ok(&m, f);
	f[IP + 6] = 17;
	expect(f, len, NDP_NOT_NDP, "UDP");
	/* ICMPv6 behind a fragment header (RFC 6980) or hop-by-hop */
	f[IP + 6] = 44;
	expect(f, len, NDP_NOT_NDP, "fragment header");
	f[IP + 6] = 0;
	expect(f, len, NDP_NOT_NDP, "hop-by-hop header");
	/* ICMPv6 echo request and reply, redirect, MLD */
	f[IP + 6] = 58;
	f[ICMP] = 128;
	fix_checksum(f);
	expect(f, len, NDP_NOT_NDP, "echo request");
	f[ICMP] = 129;
	fix_checksum(f);
	expect(f, len, NDP_NOT_NDP, "echo reply");
	f[ICMP] = 137;
	fix_checksum(f);
	expect(f, len, NDP_NOT_NDP, "redirect");
	f[ICMP] = 143;
	fix_checksum(f);
	expect(f, len, NDP_NOT_NDP, "MLDv2 report");
	/* IPv6 ethertype but an IPv4 header */
	f[ICMP] = NDP_NS;
	fix_checksum(f);
	expect(f, len, NDP_OK, "NS again");
	f[IP] = 0x45;
	expect(f, len, NDP_NOT_NDP, "version 4 in an IPv6 frame");
	/* a valid NS under another ethertype */
	f[IP] = 0x60;
	f[12] = 0x08;
	f[13] = 0x00;
	expect(f, len, NDP_NOT_NDP, "NS with ethertype 0x0800");
	f[12] = 0x88;
	f[13] = 0xb5;
	expect(f, len, NDP_NOT_NDP, "NS with ethertype 0x88b5");

	/* IPv4: ethertype 0x0800, a 20-byte header, ICMP echo */
	memset(f, 0, sizeof(f));
	memcpy(f, mac_a, 6);
	memcpy(f + 6, mac_b, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[IP] = 0x45;
	f[IP + 3] = 28;
	f[IP + 8] = 64;
	f[IP + 9] = 1;
	f[IP + 20] = 8;
	expect(f, 64, NDP_NOT_NDP, "IPv4 ping");
	/* ARP, padded to 60 */
	f[13] = 0x06;
	expect(f, 60, NDP_NOT_NDP, "ARP");

	/* a valid NS behind an 802.1Q tag */
	msg_ns(&m);
	len = build_ok(&m, f);
	memmove(f + 16, f + 12, len - 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = 0x00;
	f[15] = 0x05;
	expect(f, len + 4, NDP_NOT_NDP, "VLAN-tagged NS");
	/* and a frame too short for an IPv6 header */
	expect(hand_rs, ICMP - 1, NDP_NOT_NDP, "53 bytes");
	expect(hand_rs, 0, NDP_NOT_NDP, "empty");
}

/* Every truncation of each frame: no read past the end (the copy is
 * exactly l bytes, ASan watches) and never NDP_OK, as the IPv6 payload is
 * always cut. */
static void
test_truncation(void **state)
{
	void (*const msgs[])(struct ndp_msg *) = { msg_ra, msg_rs, msg_ns, msg_na };
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		size_t len;

		msgs[i](&m);
		len = build_ok(&m, f);
		for (size_t l = 0; l < len; l++) {
			enum ndp_err e = parse_exact(f, l, &back);

			if (e == NDP_OK)
				fail_msg("type %d cut to %zu of %zu bytes parsed OK", m.type, l, len);
			if (l < ICMP && e != NDP_NOT_NDP)
				fail_msg("type %d cut to %zu bytes: %s", m.type, l, ndp_err_name(e));
			if (l > ICMP && e != NDP_BAD_LENGTH)
				fail_msg("type %d cut to %zu bytes: %s", m.type, l, ndp_err_name(e));
		}
	}
}

/* The RA cut inside its options with a payload length and checksum that
 * agree: the option walk alone must catch it. Cuts on an option boundary
 * are valid messages with fewer options. */
static void
test_option_cuts(void **state)
{
	static const size_t bounds[] = { 16, 24, 32, 64, 104 };
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_ra(&m);
	len = build_ok(&m, f);
	assert_int_equal(len - ICMP, 104);
	for (size_t plen = 16; plen < 104; plen++) {
		bool boundary = false;
		enum ndp_err e;

		for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++)
			boundary |= plen == bounds[b];
		set_plen(f, plen);
		fix_checksum(f);
		e = parse_exact(f, ICMP + plen, &back);
		if (e != (boundary ? NDP_OK : NDP_BAD_OPTION))
			fail_msg("RA cut to %zu bytes of ICMPv6: %s", plen, ndp_err_name(e));
	}
	set_plen(f, 64);
	fix_checksum(f);
	assert_int_equal(parse_exact(f, ICMP + 64, &back), NDP_OK);
	assert_true(back.has_lla);
	assert_int_equal(back.mtu, 1420);
	assert_true(back.has_prefix);
	assert_int_equal(back.n_rdnss, 0);
}

/* Ethernet pads short frames, and some drivers hand over more than the
 * IPv6 packet: the payload length says where the message ends. */
static void
test_padding(void **state)
{
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX];
	size_t len;

	(void)state;
	msg_ns(&m);
	len = build_ok(&m, f);
	memset(f + len, 0, sizeof(f) - len);
	assert_int_equal(parse_exact(f, len + 4, &back), NDP_OK);
	assert_msg_equal(&m, &back);
	assert_int_equal(parse_exact(f, len + 100, &back), NDP_OK);
	assert_msg_equal(&m, &back);
	/* padding that is not zero is not an option either */
	memset(f + len, 0xff, 20);
	assert_int_equal(parse_exact(f, len + 20, &back), NDP_OK);
	assert_msg_equal(&m, &back);

	/* the shortest ND frame, an RS of 62 bytes, padded to 64 */
	msg_rs(&m);
	m.has_lla = false;
	len = build_ok(&m, f);
	assert_int_equal(len, 62);
	f[62] = f[63] = 0;
	assert_int_equal(parse_exact(f, 64, &back), NDP_OK);
	assert_msg_equal(&m, &back);
}

static void
test_addresses(void **state)
{
	struct in6_addr a, group, want;
	uint8_t mac[6];

	(void)state;
	ndp_link_local(mac_a, &a);
	want = addr("fe80::5054:ff:fe12:3456");
	assert_addr_equal(&a, &want, "link-local of 52:54:00:12:34:56");
	/* the U/L bit is inverted, not set */
	ndp_link_local((const uint8_t[6]){ 0x02, 0, 0, 0, 0, 1 }, &a);
	want = addr("fe80::ff:fe00:1");
	assert_addr_equal(&a, &want, "link-local of 02:00:00:00:00:01");

	a = addr("2001:db8::1:2:3");
	ndp_solicited_node(&a, &group, mac);
	want = addr("ff02::1:ff02:3");
	assert_addr_equal(&group, &want, "solicited-node of 2001:db8::1:2:3");
	assert_memory_equal(mac, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0x02, 0x00, 0x03 }), 6);
	a = addr("fe80::5054:ff:fe12:3456");
	ndp_solicited_node(&a, &group, mac);
	want = addr("ff02::1:ff12:3456");
	assert_addr_equal(&group, &want, "solicited-node of fe80::5054:ff:fe12:3456");
	assert_memory_equal(mac, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0x12, 0x34, 0x56 }), 6);

	a = addr("ff02::1");
	ndp_multicast_mac(&a, mac);
	assert_memory_equal(mac, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }), 6);
	a = addr("ff02::2");
	ndp_multicast_mac(&a, mac);
	assert_memory_equal(mac, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 2 }), 6);
}

/* ndp_build with too little room returns 0 and writes nothing; with
 * exactly enough it fits. Not an ND type: 0. */
static void
test_build_cap(void **state)
{
	void (*const msgs[])(struct ndp_msg *) = { msg_ra, msg_rs, msg_ns, msg_na };
	struct ndp_msg m;
	uint8_t f[NDP_FRAME_MAX], guard[NDP_FRAME_MAX];

	(void)state;
	memset(guard, 0xa5, sizeof(guard));
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		size_t need;

		msgs[i](&m);
		need = ndp_build(&m, f, sizeof(f));
		assert_true(need > 0);
		for (size_t cap = 0; cap < need; cap++) {
			memset(f, 0xa5, sizeof(f));
			assert_int_equal(ndp_build(&m, f, cap), 0);
			assert_memory_equal(f, guard, sizeof(f));
		}
		assert_int_equal(ndp_build(&m, f, need), need);
	}
	msg_ns(&m);
	m.type = 128;
	assert_int_equal(ndp_build(&m, f, sizeof(f)), 0);
	m.type = 0;
	assert_int_equal(ndp_build(&m, f, sizeof(f)), 0);
	/* the largest message fits in NDP_FRAME_MAX */
	msg_ra(&m);
	m.n_rdnss = NDP_RDNSS_MAX;
	for (size_t i = 0; i < NDP_RDNSS_MAX; i++)
		m.rdnss[i] = addr("2001:db8::53");
	assert_true(ndp_build(&m, f, NDP_FRAME_MAX) > 0);
}

/* An RA with more RDNSS addresses than NDP_RDNSS_MAX keeps the first ones,
 * across options too. */
static void
test_rdnss_max(void **state)
{
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX + 256];
	size_t len, n = NDP_RDNSS_MAX + 2;
	uint8_t *o;

	(void)state;
	msg_ra(&m);
	m.n_rdnss = 0;
	len = build_ok(&m, f);
	o = f + len;
	memset(o, 0, 8 + 16 * n);
	o[0] = 25;
	o[1] = (uint8_t)(1 + 2 * n);
	o[7] = 60;                              /* lifetime 60 s */
	for (size_t i = 0; i < n; i++) {
		o[8 + 16 * i] = 0x20;
		o[8 + 16 * i + 1] = 0x01;
		o[8 + 16 * i + 2] = 0x0d;
		o[8 + 16 * i + 3] = 0xb8;
		o[8 + 16 * i + 15] = (uint8_t)(i + 1);  /* 2001:db8::1, ::2, ... */
	}
	len += 8 + 16 * n;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_int_equal(back.n_rdnss, NDP_RDNSS_MAX);
	for (size_t i = 0; i < NDP_RDNSS_MAX; i++) {
		struct in6_addr want = addr("2001:db8::");

		want.s6_addr[15] = (uint8_t)(i + 1);
		assert_addr_equal(&back.rdnss[i], &want, "rdnss");
	}
	assert_int_equal(back.rdnss_lifetime, 60);
	assert_true(back.has_prefix);           /* options before it still read */

	/* two options of 3 addresses: 3 from the first, 1 from the second */
	msg_ra(&m);
	m.n_rdnss = 3;
	m.rdnss[2] = addr("2001:db8::3");
	len = build_ok(&m, f);
	memcpy(f + len, f + len - 56, 56);
	f[len + 8 + 15] ^= 0x10;                /* 2001:db8:64:1:4::11 */
	len += 56;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_int_equal(back.n_rdnss, NDP_RDNSS_MAX);
	assert_addr_equal(&back.rdnss[2], &m.rdnss[2], "third of the first option");
	{
		struct in6_addr want = addr("2001:db8:64:1:4::11");

		assert_addr_equal(&back.rdnss[3], &want, "first of the second option");
	}
}

/* A Prefix Information option with host bits set still gives a clean
 * struct prefix (host bits always zero). */
static void
test_prefix_host_bits(void **state)
{
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX];
	struct in6_addr want = addr("2001:db8:64:1:4::");
	size_t len;

	(void)state;
	msg_ra(&m);
	m.prefix.addr = addr("2001:db8:64:1:7:ffff::1");
	len = build_ok(&m, f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_int_equal(back.prefix.len, 78);
	assert_addr_equal(&back.prefix.addr, &want, "prefix with host bits cleared");
}

/* Of two Prefix Information options the first is the one kept. */
static void
test_first_prefix(void **state)
{
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX + 32];
	struct in6_addr want = addr("2001:db8:64:1:4::");
	size_t len, pio = ICMP + 16 + 8 + 8;

	(void)state;
	msg_ra(&m);
	len = build_ok(&m, f);
	assert_int_equal(f[pio], 3);
	memcpy(f + len, f + pio, 32);
	f[len + 2] = 64;                        /* 2001:db8:64:1::/64, L and A */
	f[len + 3] = NDP_PIO_ONLINK | NDP_PIO_AUTO;
	f[len + 16 + 9] = 0;
	len += 32;
	set_plen(f, len - ICMP);
	fix_checksum(f);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_int_equal(back.prefix.len, 78);
	assert_int_equal(back.prefix_flags, NDP_PIO_ONLINK);
	assert_addr_equal(&back.prefix.addr, &want, "first prefix");
}

/* The NAT64 options of an RA: the route to the prefix (RFC 4191 2.3) and
 * PREF64 (RFC 8781 4) as the RFCs lay them out, read back alike; bad ones
 * refused. */
static void
test_nat64_options(void **state)
{
	struct ndp_msg m, back;
	uint8_t f[NDP_FRAME_MAX], g[NDP_FRAME_MAX];
	const uint8_t *o;
	size_t len, rio;
	static const uint8_t pfx[12] = { 0, 0x64, 0xff, 0x9b, 0, 1 };

	(void)state;
	msg_ra(&m);
	m.has_route = true;
	m.route.addr = addr("64:ff9b:1::");
	m.route.len = 96;
	m.route_lifetime = 1800;
	m.has_pref64 = true;
	m.pref64 = m.route;
	m.pref64_lifetime = 1800;
	len = build_ok(&m, f);
	assert_true(len <= NDP_FRAME_MAX);
	rio = len - 16 - 24;
	o = f + rio;
	assert_int_equal(o[0], 24);
	assert_int_equal(o[1], 3);              /* 24 bytes: a /96 needs the long form */
	assert_int_equal(o[2], 96);
	assert_int_equal(o[3], 0);              /* preference medium */
	assert_memory_equal(o + 4, ((const uint8_t[4]){ 0, 0, 0x07, 0x08 }), 4);
	assert_memory_equal(o + 8, pfx, 12);
	o += 24;
	assert_int_equal(o[0], 38);
	assert_int_equal(o[1], 2);
	assert_int_equal(o[2] << 8 | o[3], 1800);       /* 1800 = 225 x 8, PLC 0: /96 */
	assert_memory_equal(o + 4, pfx, 12);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_true(back.has_route && back.has_pref64);
	assert_int_equal(back.route.len, 96);
	assert_addr_equal(&back.route.addr, &m.route.addr, "route");
	assert_int_equal(back.route_lifetime, 1800);
	assert_int_equal(back.pref64.len, 96);
	assert_addr_equal(&back.pref64.addr, &m.route.addr, "pref64");
	assert_int_equal(back.pref64_lifetime, 1800);

	/* a lifetime that is no multiple of 8 is rounded down; PLC 5 is a /32 */
	m.pref64_lifetime = 1805;
	m.pref64.len = 32;
	len = build_ok(&m, f);
	assert_int_equal(f[len - 16 + 3] & 7, 5);
	assert_int_equal(parse_exact(f, len, &back), NDP_OK);
	assert_int_equal(back.pref64.len, 32);
	assert_int_equal(back.pref64_lifetime, 1800);
	struct in6_addr want = addr("64:ff9b::");
	assert_addr_equal(&back.pref64.addr, &want, "pref64 /32 keeps 32 bits");

	/* PLC 6 and 7 are undefined; PREF64 of length 3; a /96 route in a
	 * length-2 option */
	memcpy(g, f, len);
	g[len - 16 + 3] |= 7;
	fix_checksum(g);
	expect(g, len, NDP_BAD_OPTION, "PREF64 with PLC 7");
	memcpy(g, f, len);
	g[len - 16 + 1] = 3;
	fix_checksum(g);
	expect(g, len, NDP_BAD_OPTION, "PREF64 of 24 bytes running past the end");
	memcpy(g, f, len);
	g[rio + 1] = 2;                         /* 16 bytes: the PREF64 follows at +16 */
	fix_checksum(g);
	expect(g, len, NDP_BAD_OPTION, "a /96 route in 16 bytes");
	memcpy(g, f, len);
	g[rio + 2] = 129;
	fix_checksum(g);
	expect(g, len, NDP_BAD_OPTION, "a route of length 129");
}

static void
test_err_names(void **state)
{
	(void)state;
	for (int a = NDP_OK; a <= NDP_BAD_FIELD; a++) {
		assert_non_null(ndp_err_name((enum ndp_err)a));
		assert_string_not_equal(ndp_err_name((enum ndp_err)a), "unknown");
		for (int b = NDP_OK; b < a; b++)
			assert_string_not_equal(ndp_err_name((enum ndp_err)a), ndp_err_name((enum ndp_err)b));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_rs),
		cmocka_unit_test(test_round_trip_ra),
		cmocka_unit_test(test_round_trip_ns),
		cmocka_unit_test(test_round_trip_na),
		cmocka_unit_test(test_known_good_rs),
		cmocka_unit_test(test_bad_hoplimit),
		cmocka_unit_test(test_bad_code),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_bad_option),
		cmocka_unit_test(test_ignored_options),
		cmocka_unit_test(test_bad_field),
		cmocka_unit_test(test_not_ndp),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_option_cuts),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_build_cap),
		cmocka_unit_test(test_rdnss_max),
		cmocka_unit_test(test_prefix_host_bits),
		cmocka_unit_test(test_first_prefix),
		cmocka_unit_test(test_nat64_options),
		cmocka_unit_test(test_err_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
