/* SPDX-License-Identifier: ISC */
/* gso: cut TSO frames from a tap into segments, glue segments back into one
 * frame for a tap. See gso.h; the rules follow what the kernel's own TCP
 * segmentation (tcp_gso_segment) and GRO (tcp_gro_receive) do. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "gso.h"
#include "util.h"

#define ETHERTYPE_IP4   0x0800
#define ETHERTYPE_IP6   0x86dd
#define ETHERTYPE_VLAN  0x8100
#define PROTO_TCP       6
#define TCP_FIN         0x01
#define TCP_PSH         0x08
#define TCP_ACK         0x10
#define TCP_CWR         0x80

/* RFC 791 3.1: the IPv4 header checksum, over the header at ip. */
static void
gso_ip4_check(uint8_t *ip, size_t ihl)
{
	ip[10] = ip[11] = 0;
	util_put_be16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, ihl)));
}

static uint64_t
gso_pseudo(bool v6, const uint8_t *ip, size_t l4len)
{
	return v6 ? csum_pseudo6(ip, l4len, PROTO_TCP) : csum_pseudo4(ip, l4len, PROTO_TCP);
}

bool
gso_seg_init(struct gso_seg *s, const struct virtio_net_hdr *hdr, const uint8_t *f, size_t len)
{
	unsigned type = hdr->gso_type & (unsigned)~VIRTIO_NET_HDR_GSO_ECN;
	uint16_t ethertype;
	size_t thl;

	memset(s, 0, sizeof(*s));
	s->frame = f;
	s->len = len;
	if (len < 14 || len > GSO_FRAME_MAX)
		return false;
	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		/* a single frame whose TCP or UDP checksum the kernel left to us
		 * (CHECKSUM_PARTIAL): the field holds the pseudo-header's sum */
		if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			if ((size_t)hdr->csum_start + hdr->csum_offset + 2 > len)
				return false;
			s->l4 = hdr->csum_start;
			s->csum_at = s->l4 + hdr->csum_offset;
		}
		return true;
	}
	if (type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6)
		return false;
	if (!(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || hdr->csum_offset != 16 || hdr->gso_size == 0)
		return false;
	s->v6 = type == VIRTIO_NET_HDR_GSO_TCPV6;
	s->l3 = 14;
	ethertype = util_get_be16(f + 12);
	if (ethertype == ETHERTYPE_VLAN) {
		if (len < 18)
			return false;
		s->l3 = 18;
		ethertype = util_get_be16(f + 16);
	}
	s->l4 = hdr->csum_start;
	if (s->v6) {
		if (ethertype != ETHERTYPE_IP6 || s->l4 < s->l3 + 40 || s->l4 > len || f[s->l3] >> 4 != 6)
			return false;
	} else {
		if (ethertype != ETHERTYPE_IP4 || s->l3 + 20 > len || f[s->l3] >> 4 != 4 ||
		    s->l4 != s->l3 + (size_t)(f[s->l3] & 0x0f) * 4 || s->l4 < s->l3 + 20)
			return false;
	}
	if (s->l4 + 20 > len)
		return false;
	thl = (size_t)(f[s->l4 + 12] >> 4) * 4;
	if (thl < 20 || s->l4 + thl > len)
		return false;
	s->hlen = s->l4 + thl;
	s->mss = hdr->gso_size;
	/* a segment's IP length must fit its 16-bit field */
	if (s->hlen - s->l3 + (len - s->hlen < s->mss ? len - s->hlen : s->mss) > 65535)
		return false;
	s->off = s->hlen;
	s->seq = util_get_be32(f + s->l4 + 4);
	s->ip_id = s->v6 ? 0 : util_get_be16(f + s->l3 + 4);
	return true;
}

size_t
gso_seg_next_len(const struct gso_seg *s)
{
	size_t rest;

	if (s->done)
		return 0;
	if (s->mss == 0)
		return s->len;
	rest = s->len - s->off;
	return s->hlen + (rest < s->mss ? rest : s->mss);
}

void
gso_seg_next(struct gso_seg *s, uint8_t *out)
{
	size_t chunk, n;
	uint8_t *ip, *tcp;
	bool last;

	if (s->done)
		return;
	if (s->mss == 0) {
		memcpy(out, s->frame, s->len);
		if (s->csum_at != 0) {
			uint16_t c = (uint16_t)~csum_fold(csum_add(0, out + s->l4, s->len - s->l4));

			/* 0 goes out as 0xffff: a UDP checksum of 0 means "none" */
			util_put_be16(out + s->csum_at, c != 0 ? c : 0xffff);
		}
		s->done = true;
		return;
	}
	chunk = s->len - s->off < s->mss ? s->len - s->off : s->mss;
	last = s->off + chunk >= s->len;
	n = s->hlen + chunk;
	memcpy(out, s->frame, s->hlen);
	memcpy(out + s->hlen, s->frame + s->off, chunk);
	ip = out + s->l3;
	tcp = out + s->l4;
	if (s->v6) {
		util_put_be16(ip + 4, (uint16_t)(n - s->l3 - 40));
	} else {
		util_put_be16(ip + 2, (uint16_t)(n - s->l3));
		util_put_be16(ip + 4, (uint16_t)(s->ip_id + s->i));
		gso_ip4_check(ip, s->l4 - s->l3);
	}
	util_put_be32(tcp + 4, s->seq + (uint32_t)(s->off - s->hlen));
	/* FIN and PSH belong to the last segment, CWR to the first (RFC 3168 6.1.2) */
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (s->i > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
	tcp[16] = tcp[17] = 0;
	util_put_be16(tcp + 16, (uint16_t)~csum_fold(gso_pseudo(s->v6, ip, n - s->l4) + csum_add(0, tcp, n - s->l4)));
	s->off += chunk;
	s->i++;
	s->done = last;
}

/* ---- glue */

struct gso_tcp {
	size_t l4, hlen, plen;
	uint32_t seq;
	uint8_t flags;
	bool v6;
};

/* An untagged IPv4 (no options, not a fragment) or IPv6 (TCP right after
 * the header) frame holding a TCP segment with data, flags ACK or ACK+PSH,
 * exactly as long as its IP header says, with good checksums. */
static bool
gso_tcp_parse(const uint8_t *f, size_t len, struct gso_tcp *t)
{
	size_t thl;

	if (len < 14 + 20 + 20 || len > GSO_FRAME_MAX)
		return false;
	switch (util_get_be16(f + 12)) {
	case ETHERTYPE_IP6:
		if (len < 14 + 40 + 20 || f[14] >> 4 != 6 || f[20] != PROTO_TCP || 14 + 40 + (size_t)util_get_be16(f + 18) != len)
			return false;
		t->v6 = true;
		t->l4 = 54;
		break;
	case ETHERTYPE_IP4:
		if (f[14] != 0x45 || 14 + (size_t)util_get_be16(f + 16) != len || (util_get_be16(f + 20) & 0x3fff) != 0 ||
		    f[23] != PROTO_TCP || csum_fold(csum_add(0, f + 14, 20)) != 0xffff)
			return false;
		t->v6 = false;
		t->l4 = 34;
		break;
	default:
		return false;
	}
	thl = (size_t)(f[t->l4 + 12] >> 4) * 4;
	if (thl < 20 || t->l4 + thl >= len)
		return false;
	t->hlen = t->l4 + thl;
	t->plen = len - t->hlen;
	t->flags = f[t->l4 + 13];
	t->seq = util_get_be32(f + t->l4 + 4);
	if ((t->flags & TCP_ACK) == 0 || (t->flags & (uint8_t)~(TCP_ACK | TCP_PSH)) != 0)
		return false;
	return csum_fold(gso_pseudo(t->v6, f + 14, len - t->l4) + csum_add(0, f + t->l4, len - t->l4)) == 0xffff;
}

/* Does segment f (parsed as t) continue the pending frame p? Everything
 * but lengths, IPv4 ID and checksums must be the same, and the sequence
 * number the next expected. */
static bool
gso_merge_fits(const struct gso_merge *m, const uint8_t *p, const uint8_t *f, const struct gso_tcp *t)
{
	size_t l4 = m->l4;

	if (m->closed || t->v6 != m->v6 || t->hlen != m->hlen || t->plen > m->mss || t->seq != m->next_seq ||
	    m->len + t->plen - m->l3 > 65535)
		return false;
	if (memcmp(p, f, 14) != 0)
		return false;
	if (m->v6) {
		/* version, traffic class, flow label; next header, hop limit; addresses */
		if (memcmp(p + 14, f + 14, 4) != 0 || memcmp(p + 20, f + 20, 2 + 32) != 0)
			return false;
	} else {
		/* TOS; flags; TTL, protocol; addresses */
		if (p[15] != f[15] || memcmp(p + 20, f + 20, 4) != 0 || memcmp(p + 26, f + 26, 8) != 0)
			return false;
	}
	/* ports; ack; data offset; window; options (timestamps equal) */
	return memcmp(p + l4, f + l4, 4) == 0 && memcmp(p + l4 + 8, f + l4 + 8, 5) == 0 &&
	    memcmp(p + l4 + 14, f + l4 + 14, 2) == 0 && memcmp(p + l4 + 20, f + l4 + 20, m->hlen - l4 - 20) == 0;
}

int
gso_merge_init(struct gso_merge *m)
{
	memset(m, 0, sizeof(*m));
	if ((m->buf = malloc(GSO_HDR_LEN + GSO_FRAME_MAX)) == NULL)
		return -1;
	m->cap = GSO_FRAME_MAX;
	return 0;
}

void
gso_merge_free(struct gso_merge *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

bool
gso_merge_pending(const struct gso_merge *m)
{
	return m->len != 0;
}

bool
gso_merge_add(struct gso_merge *m, const uint8_t *f, size_t len)
{
	uint8_t *p = m->buf + GSO_HDR_LEN;
	struct gso_tcp t;

	if (!gso_tcp_parse(f, len, &t))
		return false;
	if (m->len == 0) {
		memcpy(p, f, len);
		m->len = len;
		m->l3 = 14;
		m->l4 = t.l4;
		m->hlen = t.hlen;
		m->mss = t.plen;
		m->segs = 1;
		m->next_seq = t.seq + (uint32_t)t.plen;
		m->v6 = t.v6;
		m->closed = (t.flags & TCP_PSH) != 0;
		return true;
	}
	if (!gso_merge_fits(m, p, f, &t) || m->len + t.plen > m->cap)
		return false;
	memcpy(p + m->len, f + t.hlen, t.plen);
	m->len += t.plen;
	m->segs++;
	m->next_seq += (uint32_t)t.plen;
	/* a short segment or PSH ends the burst, as in tcp_gro_receive */
	if (t.flags & TCP_PSH) {
		p[m->l4 + 13] |= TCP_PSH;
		m->closed = true;
	}
	if (t.plen < m->mss)
		m->closed = true;
	return true;
}

const uint8_t *
gso_merge_take(struct gso_merge *m, size_t *len)
{
	struct virtio_net_hdr h;
	uint8_t *p = m->buf + GSO_HDR_LEN;

	if (m->len == 0)
		return NULL;
	memset(&h, 0, sizeof(h));
	if (m->segs > 1) {
		uint8_t *ip = p + m->l3, *tcp = p + m->l4;

		if (m->v6) {
			util_put_be16(ip + 4, (uint16_t)(m->len - m->l3 - 40));
		} else {
			util_put_be16(ip + 2, (uint16_t)(m->len - m->l3));
			gso_ip4_check(ip, 20);
		}
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header's sum and
		 * the kernel (or the NIC) completes it per segment */
		util_put_be16(tcp + 16, csum_fold(gso_pseudo(m->v6, ip, m->len - m->l4)));
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = m->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
		h.hdr_len = (uint16_t)m->hlen;
		h.gso_size = (uint16_t)m->mss;
		h.csum_start = (uint16_t)m->l4;
		h.csum_offset = 16;
	}
	memcpy(m->buf, &h, sizeof(h));
	*len = GSO_HDR_LEN + m->len;
	m->len = 0;
	m->segs = 0;
	return m->buf;
}
