/* SPDX-License-Identifier: ISC */
/* Fuzz target: the offload cut and glue (gso.c). Input: a struct
 * virtio_net_hdr (10 bytes), then a frame, as read from a tap with
 * IFF_VNET_HDR.
 *
 *   1. gso_seg cuts the frame; every segment is written to the end of a
 *      buffer of GSO_FRAME_MAX bytes (so ASan sees any write past the
 *      length gso_seg_next_len announced) and fed to a gso_merge.
 *   2. Every frame the merge gives back must be one its own virtio header
 *      cuts again.
 *   3. Round trip: when all the segments of a TSO frame were glued into one
 *      frame, that frame cut by its own header gives the very same segments
 *      (IPv4: but for the ID and so the header checksum), as test_gso.c's
 *      roundtrip checks for a few frames.
 *   4. The raw frame is offered to gso_merge_add too: what a peer sends
 *      through the tunnel reaches it unchecked.
 * Any broken rule abort()s. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *seg_buf, *again_buf;
static struct gso_merge merge;

/* Cut frame by hdr, segment by segment, into the end of buf; returns the
 * number of segments, or -1 if gso_seg_init refuses the frame. */
static long
cut_all(const struct virtio_net_hdr *hdr, const uint8_t *frame, size_t len)
{
	struct gso_seg s;
	size_t n;
	long count = 0;

	if (!gso_seg_init(&s, hdr, frame, len))
		return -1;
	while ((n = gso_seg_next_len(&s)) != 0) {
		/* every segment carries at least one byte the one before did not,
		 * but for a lone header: more than len + 1 is a loop */
		if (n > GSO_FRAME_MAX || ++count > (long)len + 1)
			abort();
		gso_seg_next(&s, seg_buf + GSO_FRAME_MAX - n);
	}
	return count;
}

/* Take what the merge holds; it must be a frame its own header cuts. */
static void
take_and_check(void)
{
	struct virtio_net_hdr h;
	const uint8_t *out;
	size_t len;

	if ((out = gso_merge_take(&merge, &len)) == NULL)
		return;
	if (len < GSO_HDR_LEN + 14 || len > GSO_HDR_LEN + GSO_FRAME_MAX || gso_merge_pending(&merge))
		abort();
	memcpy(&h, out, sizeof(h));
	if (cut_all(&h, out + GSO_HDR_LEN, len - GSO_HDR_LEN) < 1)
		abort();
}

/* The glued frame (behind its header) against the first cut of frame by
 * hdr: the same segments, one by one. */
static void
roundtrip(const struct virtio_net_hdr *hdr, const uint8_t *frame, size_t len, const uint8_t *glued,
    size_t glen)
{
	struct virtio_net_hdr h2;
	struct gso_seg a, b;
	size_t n;

	memcpy(&h2, glued, sizeof(h2));
	if (!gso_seg_init(&a, hdr, frame, len) ||
	    !gso_seg_init(&b, &h2, glued + GSO_HDR_LEN, glen - GSO_HDR_LEN))
		abort();
	do {
		uint8_t *x = seg_buf + GSO_FRAME_MAX, *y = again_buf + GSO_FRAME_MAX;

		n = gso_seg_next_len(&a);
		if (gso_seg_next_len(&b) != n)
			abort();
		if (n == 0)
			break;
		gso_seg_next(&a, x - n);
		gso_seg_next(&b, y - n);
		x -= n;
		y -= n;
		if (n >= 26 && x[12] == 0x08 && x[13] == 0x00) {
			/* IPv4 (the glue takes untagged frames only): bytes
			 * 18-19 are the ID, 24-25 the header checksum */
			if (memcmp(x, y, 18) != 0 || memcmp(x + 20, y + 20, 4) != 0 ||
			    memcmp(x + 26, y + 26, n - 26) != 0)
				abort();
		} else if (memcmp(x, y, n) != 0) {
			abort();
		}
	} while (n != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_net_hdr hdr;
	struct gso_seg s;
	const uint8_t *frame = data + GSO_HDR_LEN;
	size_t len, n, taken = 0, count = 0;
	bool all_glued = true;

	if (seg_buf == NULL) {
		/* exactly GSO_FRAME_MAX: segments end at the end of the allocation */
		if ((seg_buf = malloc(GSO_FRAME_MAX)) == NULL || (again_buf = malloc(GSO_FRAME_MAX)) == NULL ||
		    gso_merge_init(&merge) != 0)
			abort();
	}
	if (size < GSO_HDR_LEN)
		return 0;
	memcpy(&hdr, data, sizeof(hdr));
	len = size - GSO_HDR_LEN;

	/* 1, 2: cut, glue what can be glued, check what comes out */
	if (gso_seg_init(&s, &hdr, frame, len)) {
		while ((n = gso_seg_next_len(&s)) != 0) {
			uint8_t *seg = seg_buf + GSO_FRAME_MAX - n;

			if (n > GSO_FRAME_MAX || ++count > len + 1)
				abort();
			gso_seg_next(&s, seg);
			if (gso_merge_add(&merge, seg, n))
				continue;
			all_glued = false;
			if (gso_merge_pending(&merge)) {
				take_and_check();
				taken++;
				/* as tap_out_frame: offered again to an empty merge */
				if (gso_merge_add(&merge, seg, n))
					continue;
			}
		}
		/* 3: one TSO frame in, one glued frame out */
		if (all_glued && count > 0 && taken == 0 && gso_merge_pending(&merge)) {
			const uint8_t *out;
			uint8_t *glued;
			size_t olen;

			if ((out = gso_merge_take(&merge, &olen)) == NULL || olen > GSO_HDR_LEN + GSO_FRAME_MAX)
				abort();
			/* a copy of exactly olen bytes, so ASan sees a cut read past it */
			if ((glued = malloc(olen)) == NULL)
				abort();
			memcpy(glued, out, olen);
			roundtrip(&hdr, frame, len, glued, olen);
			free(glued);
		}
		take_and_check();
	}

	/* 4: the raw frame, as a peer could send it through the tunnel; twice,
	 * so that it also meets a pending frame */
	(void)gso_merge_add(&merge, frame, len);
	(void)gso_merge_add(&merge, frame, len);
	take_and_check();
	return 0;
}
