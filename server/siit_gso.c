/* SPDX-License-Identifier: ISC */
/* siit_gso: TCP bursts through the translator in one piece, and checksums
 * left for the device completed; see siit.h. The headers of a burst go
 * through siit_4to6/siit_6to4 as a segment without payload would (every
 * check and mapping of theirs applies), then the payload is put back. */
#include "config.h"

#include <string.h>

#include "csum.h"
#include "siit.h"
#include "siit_internal.h"

#define SIIT_TCP_MIN 20
#define SIIT_TCP_CSUM 16

bool
siit_csum_complete(uint8_t *pkt, size_t len, size_t start, size_t offset)
{
	uint16_t sum;

	if (start > len || offset > len - start || len - start - offset < 2)
		return false;
	/* the field holds the pseudo-header's sum: add the rest to it */
	sum = (uint16_t)~csum_fold(csum_add(0, pkt + start, len - start));
	siit_put16(pkt + start + offset, sum);
	return true;
}

/* The TCP header length of the segment at tcp (rem bytes on), or 0. */
static size_t
siit_gso_thl(const uint8_t *tcp, size_t rem)
{
	size_t thl;

	if (rem < SIIT_TCP_MIN)
		return 0;
	thl = (size_t)(tcp[12] >> 4) * 4;
	return thl >= SIIT_TCP_MIN && thl <= rem ? thl : 0;
}

/* out's one packet (headers only, hlen bytes) is told its payload of n
 * bytes, which stays where it is: the lengths of the whole burst, the
 * checksum field its pseudo-header sum. */
static enum siit_drop
siit_gso_finish(struct siit_out *out, size_t ip_len, size_t n, bool v6)
{
	uint8_t *o = out->buf + out->off[0];
	size_t hlen = out->len[0], tot = hlen + n;

	if (out->n != 1 || hlen < ip_len + SIIT_TCP_MIN || tot > 65535 + (v6 ? 40 : 0))
		return SIIT_DROP_HEADER;
	if (v6) {
		siit_put16(o + 4, (uint16_t)(tot - SIIT_IP6_LEN));
		siit_put16(o + ip_len + SIIT_TCP_CSUM,
		    csum_fold(csum_pseudo6(o, tot - ip_len, IPPROTO_TCP)));
	} else {
		siit_put16(o + 2, (uint16_t)tot);
		siit_put16(o + 10, 0);
		siit_put16(o + 10, (uint16_t)~csum_fold(csum_add(0, o, SIIT_IP4_LEN)));
		siit_put16(o + ip_len + SIIT_TCP_CSUM,
		    csum_fold(csum_pseudo4(o, tot - ip_len, IPPROTO_TCP)));
	}
	return SIIT_OK;
}

enum siit_drop
siit_gso_4to6(struct siit *s, const uint8_t *pkt, size_t len, uint16_t size, uint64_t now,
    struct siit_out *out, struct siit_gso *g)
{
	uint8_t h[60 + 60];
	size_t ihl, thl, room;
	enum siit_drop r;

	out->n = 0;
	if (len < SIIT_IP4_LEN || (pkt[0] >> 4) != 4 || (ihl = (size_t)(pkt[0] & 15) * 4) < SIIT_IP4_LEN ||
	    len < ihl || pkt[9] != IPPROTO_TCP || (thl = siit_gso_thl(pkt + ihl, len - ihl)) == 0 ||
	    siit_get16(pkt + 2) != len || (siit_get16(pkt + 6) & 0x3fff) != 0 || size == 0) {
		s->drops[SIIT_DROP_HEADER]++;
		return SIIT_DROP_HEADER;
	}
	/* the headers alone, as one empty segment with DF */
	memcpy(h, pkt, ihl + thl);
	siit_put16(h + 2, (uint16_t)(ihl + thl));
	siit_put16(h + 6, 0x4000);
	siit_put16(h + 10, 0);
	siit_put16(h + 10, (uint16_t)~csum_fold(csum_add(0, h, ihl)));
	if ((r = siit_4to6(s, h, ihl + thl, now, out)) != SIIT_OK)
		return r;
	if ((r = siit_gso_finish(out, SIIT_IP6_LEN, len - ihl - thl, true)) != SIIT_OK) {
		s->drops[r]++;
		return r;
	}
	/* segments that fit the sites' MTU: the kernel cuts at any size */
	room = s->c.mtu6 - SIIT_IP6_LEN - thl;
	g->hdr_len = (uint16_t)(SIIT_IP6_LEN + thl);
	g->size = size < room ? size : (uint16_t)room;
	g->payload = pkt + ihl + thl;
	g->payload_len = len - ihl - thl;
	return SIIT_OK;
}

enum siit_drop
siit_gso_6to4(struct siit *s, const uint8_t *pkt, size_t len, uint16_t size, uint64_t now,
    struct siit_out *out, struct siit_gso *g)
{
	uint8_t h[SIIT_IP6_LEN + 60];
	size_t thl;
	enum siit_drop r;
	uint8_t *o;

	out->n = 0;
	/* a burst the kernel made: TCP right after the header */
	if (len < SIIT_IP6_LEN || (pkt[0] >> 4) != 6 || pkt[6] != IPPROTO_TCP ||
	    (thl = siit_gso_thl(pkt + SIIT_IP6_LEN, len - SIIT_IP6_LEN)) == 0 ||
	    (size_t)siit_get16(pkt + 4) + SIIT_IP6_LEN != len || size == 0) {
		s->drops[SIIT_DROP_HEADER]++;
		return SIIT_DROP_HEADER;
	}
	memcpy(h, pkt, SIIT_IP6_LEN + thl);
	siit_put16(h + 4, (uint16_t)thl);
	if ((r = siit_6to4(s, h, SIIT_IP6_LEN + thl, now, out)) != SIIT_OK)
		return r;
	/* RFC 7915 5.1: DF by the size of what leaves, a segment */
	o = out->buf + out->off[0];
	if (out->n == 1 && SIIT_IP4_LEN + thl + size > 1260)
		siit_put16(o + 6, (uint16_t)(siit_get16(o + 6) | 0x4000));
	if ((r = siit_gso_finish(out, SIIT_IP4_LEN, len - SIIT_IP6_LEN - thl, false)) != SIIT_OK) {
		s->drops[r]++;
		return r;
	}
	g->hdr_len = (uint16_t)(SIIT_IP4_LEN + thl);
	g->size = size;
	g->payload = pkt + SIIT_IP6_LEN + thl;
	g->payload_len = len - SIIT_IP6_LEN - thl;
	return SIIT_OK;
}
