/* SPDX-License-Identifier: ISC */
/* gso: a TSO frame cut into segments gives frames a receiver accepts
 * (lengths, sequence numbers, flags and checksums right, payload in order);
 * glued back, the segments are the same TCP stream in one frame whose
 * virtio header cuts it the same way again; what must not be glued is not;
 * and no header, however bad, makes either read past a frame. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csum.h"
#include "frame.h"
#include "gso.h"

#define MSS 1000

/* RFC 1071 the slow way, to check csum_add against */
static uint16_t
naive_fold(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
test_csum(void **state)
{
	uint8_t buf[1100];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (size_t len = 0; len <= 1030; len++)
		for (size_t off = 0; off < 8; off += 2)
			assert_int_equal(csum_fold(csum_add(0, buf + off, len)), naive_fold(buf + off, len));
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(csum_fold(csum_add(0, buf, sizeof(buf))), 0xffff);
}

/* A TCP frame from aa:.. to bb:.., IPv6 2001:db8::1 -> 2001:db8::2 or
 * IPv4 192.0.2.1 -> 192.0.2.2, ports 5201 -> 40000, payload bytes i*7. */
static size_t
build_tcp(uint8_t *f, bool v6, uint32_t seq, uint8_t flags, size_t plen, uint32_t pat)
{
	size_t l4 = v6 ? 54 : 34, n = l4 + 32 + plen;
	uint8_t *ip = f + 14, *tcp = f + l4;

	memset(f, 0, n);
	memset(f, 0xbb, 6);
	memset(f + 6, 0xaa, 6);
	if (v6) {
		f[12] = 0x86; f[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (uint8_t)((n - 54) >> 8); ip[5] = (uint8_t)(n - 54);
		ip[6] = 6; ip[7] = 64;
		ip[8] = 0x20; ip[9] = 0x01; ip[10] = 0x0d; ip[11] = 0xb8; ip[23] = 1;
		memcpy(ip + 24, ip + 8, 16);
		ip[39] = 2;
	} else {
		f[12] = 0x08; f[13] = 0x00;
		ip[0] = 0x45;
		ip[2] = (uint8_t)((n - 14) >> 8); ip[3] = (uint8_t)(n - 14);
		ip[4] = 0x12; ip[5] = 0x34; ip[6] = 0x40;
		ip[8] = 64; ip[9] = 6;
		ip[12] = 192; ip[14] = 2; ip[15] = 1; ip[16] = 192; ip[18] = 2; ip[19] = 2;
		ip[10] = 0; ip[11] = 0;
		uint16_t c = (uint16_t)~csum_fold(csum_add(0, ip, 20));
		ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
	}
	tcp[0] = 0x14; tcp[1] = 0x51; tcp[2] = 0x9c; tcp[3] = 0x40;
	tcp[4] = (uint8_t)(seq >> 24); tcp[5] = (uint8_t)(seq >> 16); tcp[6] = (uint8_t)(seq >> 8); tcp[7] = (uint8_t)seq;
	tcp[8] = 0x11; tcp[11] = 0x22;                  /* ack */
	tcp[12] = 8 << 4;                               /* 32 bytes: timestamps */
	tcp[13] = flags;
	tcp[14] = 0x01; tcp[15] = 0xf6;                 /* window */
	tcp[20] = 1; tcp[21] = 1; tcp[22] = 8; tcp[23] = 10; tcp[27] = 0x55; tcp[31] = 0x66;
	for (size_t i = 0; i < plen; i++)
		tcp[32 + i] = (uint8_t)((pat + i) * 7);
	uint64_t s = (v6 ? csum_pseudo6(ip, n - l4, 6) : csum_pseudo4(ip, n - l4, 6)) + csum_add(0, tcp, n - l4);
	uint16_t c = (uint16_t)~csum_fold(s);
	tcp[16] = (uint8_t)(c >> 8); tcp[17] = (uint8_t)c;
	return n;
}

/* What a receiver checks of a segment: IP length, checksums; returns the
 * TCP header offset. */
static size_t
check_segment(const uint8_t *f, size_t n, bool v6)
{
	size_t l4 = v6 ? 54 : 34;

	if (v6) {
		assert_int_equal(f[18] << 8 | f[19], n - 54);
	} else {
		assert_int_equal(f[16] << 8 | f[17], n - 14);
		assert_int_equal(csum_fold(csum_add(0, f + 14, 20)), 0xffff);
	}
	uint64_t s = (v6 ? csum_pseudo6(f + 14, n - l4, 6) : csum_pseudo4(f + 14, n - l4, 6)) +
	    csum_add(0, f + l4, n - l4);
	assert_int_equal(csum_fold(s), 0xffff);
	return l4;
}

static struct virtio_net_hdr
tso_hdr(bool v6, size_t mss)
{
	struct virtio_net_hdr h;

	memset(&h, 0, sizeof(h));
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = (uint16_t)mss;
	h.csum_start = v6 ? 54 : 34;
	h.csum_offset = 16;
	h.hdr_len = (uint16_t)(h.csum_start + 32);
	return h;
}

/* Cut a 64 KB TSO frame; glue the pieces; the glued frame's header must
 * cut it into the very same pieces again. */
static void
roundtrip(bool v6, size_t plen)
{
	static uint8_t big[GSO_FRAME_MAX], seg[80][2048], again[2048];
	size_t seglen[80], n = build_tcp(big, v6, 0xfffff000, 0x18 /* ACK PSH */, plen, 0), count = 0, got = 0;
	struct virtio_net_hdr h = tso_hdr(v6, MSS), h2;
	struct gso_seg s;
	struct gso_merge m;
	const uint8_t *out;
	size_t outlen;

	assert_true(gso_seg_init(&s, &h, big, n));
	for (size_t len; (len = gso_seg_next_len(&s)) != 0; count++) {
		assert_true(count < 80);
		assert_true(len <= sizeof(seg[0]));
		gso_seg_next(&s, seg[count]);
		seglen[count] = len;
		size_t l4 = check_segment(seg[count], len, v6), pl = len - l4 - 32;
		const uint8_t *t = seg[count] + l4;
		uint32_t sq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];

		assert_int_equal(sq, (uint32_t)(0xfffff000 + got));      /* wraps, as TCP does */
		assert_memory_equal(t + 32, big + l4 + 32 + got, pl);
		assert_int_equal(t[13], gso_seg_next_len(&s) == 0 ? 0x18 : 0x10);
		if (gso_seg_next_len(&s) != 0)
			assert_int_equal(pl, MSS);
		got += pl;
	}
	assert_int_equal(got, plen);
	assert_int_equal(count, (plen + MSS - 1) / MSS);

	assert_int_equal(gso_merge_init(&m), 0);
	for (size_t i = 0; i < count; i++)
		if (!gso_merge_add(&m, seg[i], seglen[i])) fail_msg("segment %zu of %zu (%zu bytes) not glued", i, count, seglen[i]);
	out = gso_merge_take(&m, &outlen);
	assert_non_null(out);
	assert_false(gso_merge_pending(&m));
	assert_int_equal(outlen, GSO_HDR_LEN + n);
	memcpy(&h2, out, sizeof(h2));
	if (count > 1) {
		assert_int_equal(h2.gso_type, h.gso_type);
		assert_int_equal(h2.gso_size, MSS);
		assert_int_equal(h2.csum_start, h.csum_start);
		assert_int_equal(h2.csum_offset, 16);
		assert_int_equal(h2.hdr_len, h.hdr_len);
		assert_true(h2.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	} else {
		assert_int_equal(h2.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(h2.flags, 0);
	}
	/* the same stream: payload, and every header byte but the checksum */
	assert_memory_equal(out + GSO_HDR_LEN + h.hdr_len, big + h.hdr_len, plen);
	assert_memory_equal(out + GSO_HDR_LEN, big, h.csum_start + 16);
	/* cut again by its own header: the same segments */
	assert_true(gso_seg_init(&s, &h2, out + GSO_HDR_LEN, outlen - GSO_HDR_LEN));
	for (size_t i = 0; i < count; i++) {
		size_t len = gso_seg_next_len(&s);

		assert_int_equal(len, seglen[i]);
		gso_seg_next(&s, again);
		if (v6)
			assert_memory_equal(again, seg[i], len);
		else    /* IPv4: the same but for the IP ID, which counts from the first */
			assert_memory_equal(again + 34, seg[i] + 34, len - 34);
	}
	assert_int_equal(gso_seg_next_len(&s), 0);
	gso_merge_free(&m);
}

static void
test_roundtrip6(void **state)
{
	(void)state;
	roundtrip(true, 64000);
	roundtrip(true, 3 * MSS);        /* exact multiple: no short last segment */
	roundtrip(true, 10);             /* one segment */
}

static void
test_roundtrip4(void **state)
{
	(void)state;
	roundtrip(false, 65000);
	roundtrip(false, MSS + 1);
}

/* What must not be glued: another flow, a gap, a bad checksum, SYN/FIN,
 * a segment larger than the first; PSH and a short segment end a burst. */
static void
test_merge_refuses(void **state)
{
	uint8_t a[2048], b[2048];
	size_t na, nb, len;
	struct gso_merge m;
	const uint8_t *out;

	(void)state;
	assert_int_equal(gso_merge_init(&m), 0);
	na = build_tcp(a, true, 1000, 0x10, MSS, 0);
	assert_true(gso_merge_add(&m, a, na));

	nb = build_tcp(b, true, 1000 + MSS + 1, 0x10, MSS, 0);          /* a gap */
	assert_false(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 1000 + MSS, 0x10, MSS, 0);
	b[15 + 54] ^= 1;                                                 /* window differs */
	assert_false(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 1000 + MSS, 0x10, MSS, 0);
	b[54 + 1] ^= 1;                                                  /* another port */
	assert_false(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 1000 + MSS, 0x10, MSS, 0);
	b[nb - 1] ^= 0x40;                                               /* checksum wrong */
	assert_false(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 1000 + MSS, 0x11, MSS, 0);               /* FIN */
	assert_false(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 1000 + MSS, 0x10, MSS + 1, 0);           /* larger than the first */
	assert_false(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, false, 1000 + MSS, 0x10, MSS, 0);              /* IPv4 */
	assert_false(gso_merge_add(&m, b, nb));

	nb = build_tcp(b, true, 1000 + MSS, 0x18, MSS, MSS);             /* PSH: glued, then closed */
	assert_true(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 1000 + 2 * MSS, 0x10, MSS, 2 * MSS);
	assert_false(gso_merge_add(&m, b, nb));
	out = gso_merge_take(&m, &len);
	assert_int_equal(len, GSO_HDR_LEN + na + MSS);
	assert_int_equal(out[GSO_HDR_LEN + 54 + 13], 0x18);              /* PSH carried */
	assert_null(gso_merge_take(&m, &len));

	na = build_tcp(a, true, 5000, 0x10, 500, 0);                     /* the first sets the size */
	assert_true(gso_merge_add(&m, a, na));
	nb = build_tcp(b, true, 5500, 0x10, 200, 500);                   /* short: glued, then closed */
	assert_true(gso_merge_add(&m, b, nb));
	nb = build_tcp(b, true, 5700, 0x10, 200, 700);
	assert_false(gso_merge_add(&m, b, nb));
	(void)gso_merge_take(&m, &len);
	assert_int_equal(len, GSO_HDR_LEN + na + 200);

	na = build_tcp(a, true, 5000, 0x02, 0, 0);                       /* SYN, no data */
	assert_false(gso_merge_add(&m, a, na));
	na = build_tcp(a, true, 5000, 0x10, 100, 0);
	assert_false(gso_merge_add(&m, a, na - 1));                      /* length != IP length */
	/* an IPv6 frame too short for a TCP header, whose IP length agrees:
	 * refused without reading past it (ASan: the copy is exactly that long) */
	{
		uint8_t *shorty = malloc(55);

		memcpy(shorty, a, 55);
		shorty[18] = 0;
		shorty[19] = 1;
		assert_false(gso_merge_add(&m, shorty, 55));
		free(shorty);
	}
	gso_merge_free(&m);
}

/* Two flows interleaved: each burst is glued only with its own flow, and
 * the order within a flow is kept. */
static void
test_merge_interleaved(void **state)
{
	uint8_t f[2048];
	size_t n, len, frames = 0;
	struct gso_merge m;

	(void)state;
	assert_int_equal(gso_merge_init(&m), 0);
	for (int i = 0; i < 6; i++) {
		bool v6 = (i / 3) == 0;         /* three of one flow, then three of another */

		n = build_tcp(f, v6, (uint32_t)(i % 3) * MSS, 0x10, MSS, (uint32_t)(i % 3) * MSS);
		if (!gso_merge_add(&m, f, n)) {
			assert_non_null(gso_merge_take(&m, &len));
			frames++;
			assert_true(gso_merge_add(&m, f, n));
		}
	}
	assert_non_null(gso_merge_take(&m, &len));
	frames++;
	assert_int_equal(frames, 2);
	assert_int_equal(len, GSO_HDR_LEN + 34 + 32 + 3 * MSS);
	gso_merge_free(&m);
}

/* A single frame with CHECKSUM_PARTIAL: the checksum is completed. */
static void
test_partial_csum(void **state)
{
	uint8_t f[256], out[256];
	struct frame_udp6 u, v;
	struct virtio_net_hdr h;
	struct gso_seg s;
	static const uint8_t payload[] = "partial checksum";
	size_t n;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.src.s6_addr[0] = 0x20; u.src.s6_addr[15] = 1;
	u.dst.s6_addr[0] = 0x20; u.dst.s6_addr[15] = 2;
	u.sport = 1234; u.dport = 5678; u.hop_limit = 64;
	u.payload = payload; u.len = sizeof(payload);
	n = frame_udp6_build(&u, f, sizeof(f));
	assert_true(n > 0);
	/* what the kernel hands over: the pseudo-header's sum in the field */
	uint16_t seed = csum_fold(csum_pseudo6(f + 14, n - 54, 17));
	f[54 + 6] = (uint8_t)(seed >> 8);
	f[54 + 7] = (uint8_t)seed;
	memset(&h, 0, sizeof(h));
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.csum_start = 54;
	h.csum_offset = 6;
	assert_true(gso_seg_init(&s, &h, f, n));
	assert_int_equal(gso_seg_next_len(&s), n);
	gso_seg_next(&s, out);
	assert_int_equal(gso_seg_next_len(&s), 0);
	assert_int_equal(frame_udp6_parse(out, n, &v), 1);
	assert_true(frame_udp6_checksum_ok(&v));
	/* a checksum beyond the frame */
	h.csum_start = (uint16_t)(n - 7);
	assert_false(gso_seg_init(&s, &h, f, n));
}

/* Bad virtio headers are refused; every truncation of a TSO frame and
 * every header field value is safe (ASan watches). */
static void
test_hostile(void **state)
{
	static uint8_t big[8000], out[GSO_FRAME_MAX];
	size_t n = build_tcp(big, true, 1, 0x10, 5000, 0);
	struct virtio_net_hdr h = tso_hdr(true, MSS), bad;
	struct gso_seg s;

	(void)state;
	bad = h; bad.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	assert_false(gso_seg_init(&s, &bad, big, n));
	bad = h; bad.gso_size = 0;
	assert_false(gso_seg_init(&s, &bad, big, n));
	bad = h; bad.csum_start = 20;
	assert_false(gso_seg_init(&s, &bad, big, n));
	bad = h; bad.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	assert_false(gso_seg_init(&s, &bad, big, n));
	for (size_t l = 0; l <= n; l += (l < 200 ? 1 : 97)) {
		uint8_t *copy = malloc(l ? l : 1);

		memcpy(copy, big, l);
		for (unsigned cs = 0; cs < 120; cs += 2) {
			bad = h;
			bad.csum_start = (uint16_t)cs;
			for (int pass = 0; pass < 2; pass++) {
				if (gso_seg_init(&s, &bad, copy, l)) {
					size_t len, total = 0;

					while ((len = gso_seg_next_len(&s)) != 0) {
						assert_true(len <= sizeof(out));
						gso_seg_next(&s, out);
						total += len;
					}
					assert_true(total >= l || l < 100);
				}
				bad.gso_type = VIRTIO_NET_HDR_GSO_NONE;
			}
		}
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum),
		cmocka_unit_test(test_roundtrip6),
		cmocka_unit_test(test_roundtrip4),
		cmocka_unit_test(test_merge_refuses),
		cmocka_unit_test(test_merge_interleaved),
		cmocka_unit_test(test_partial_csum),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
