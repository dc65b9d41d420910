/* frame_classify as a numbered table of frames: RAs and DHCPv6 server
 * messages (plain, behind extension headers, VLAN-tagged) are caught, other
 * traffic is not, and every truncation of each frame is safe. */
#include "config.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
