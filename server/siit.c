/* SPDX-License-Identifier: ISC */
/* siit: IP/ICMP translation (RFC 7915), headers, TCP/UDP and fragments;
 * ICMP is in siit_icmp.c. See siit.h.
 *
 * Every input is parsed with a cursor and what remains; headers are copied
 * into local byte arrays and read with siit_get16/32, never through a
 * struct pointer into the packet (strict-alignment CPUs). What the output
 * carries of the input's upper layer is copied once: the first bytes (the
 * TCP/UDP/ICMP header, changed) from a local "head", the rest as is. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "csum.h"
#include "siit.h"
#include "siit_internal.h"

static const char *const siit_drop_names[SIIT_DROP_MAX] = {
	[SIIT_OK] = "ok",
	[SIIT_DROP_TRUNCATED] = "truncated",
	[SIIT_DROP_HEADER] = "header",
	[SIIT_DROP_OPTIONS] = "options",
	[SIIT_DROP_SOURCE] = "source",
	[SIIT_DROP_NO_MAPPING] = "no_mapping",
	[SIIT_DROP_HAIRPIN] = "hairpin",
	[SIIT_DROP_ICMP] = "icmp",
	[SIIT_DROP_FRAGMENT] = "fragment",
	[SIIT_DROP_TOO_BIG] = "too_big",
	[SIIT_DROP_TTL] = "ttl",
};

const char *
siit_drop_name(enum siit_drop d)
{
	return (unsigned)d < SIIT_DROP_MAX ? siit_drop_names[d] : "?";
}

void
siit_init(struct siit *s, const struct siit_conf *c, struct eam *map)
{
	memset(s, 0, sizeof(*s));
	s->c = *c;
	s->map = map;
}

void
siit_embed(const uint8_t prefix96[12], const struct in_addr *v4, struct in6_addr *v6)
{
	memcpy(v6->s6_addr, prefix96, 12);
	memcpy(v6->s6_addr + 12, &v4->s_addr, 4);
}

bool
siit_extract(const uint8_t prefix96[12], const struct in6_addr *v6, struct in_addr *v4)
{
	if (memcmp(v6->s6_addr, prefix96, 12) != 0)
		return false;
	memcpy(&v4->s_addr, v6->s6_addr + 12, 4);
	return true;
}

bool
siit_v4_special(const struct in_addr *a)
{
	uint32_t h = ntohl(a->s_addr);

	return (h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 0xe;
}

uint16_t
siit_csum_adjust(uint16_t hc, uint64_t old, uint64_t new)
{
	uint64_t sum = (uint16_t)~hc;

	sum += (uint16_t)~csum_fold(old);
	sum += new;
	return (uint16_t)~csum_fold(sum);
}

void
siit_l4_readdress(uint8_t proto, uint8_t *l4, size_t len, uint64_t old, uint64_t new)
{
	uint16_t cs;

	if (proto == IPPROTO_TCP && len >= 18) {
		siit_put16(l4 + 16, siit_csum_adjust(siit_get16(l4 + 16), old, new));
	} else if (proto == IPPROTO_UDP && len >= 8 && (cs = siit_get16(l4 + 6)) != 0) {
		/* RFC 768: a computed 0 is sent as all ones; 0 means none */
		cs = siit_csum_adjust(cs, old, new);
		siit_put16(l4 + 6, cs == 0 ? 0xffff : cs);
	}
}

enum siit_drop
siit_parse4(const uint8_t *pkt, size_t len, bool inner, struct siit_v4 *v)
{
	uint16_t fo;

	memset(v, 0, sizeof(*v));
	if (len < SIIT_IP4_LEN)
		return SIIT_DROP_TRUNCATED;
	if (pkt[0] >> 4 != 4 || (pkt[0] & 0x0f) < 5)
		return SIIT_DROP_HEADER;
	v->hlen = (size_t)(pkt[0] & 0x0f) * 4;
	if (len < v->hlen)
		return SIIT_DROP_TRUNCATED;
	memcpy(v->h, pkt, v->hlen);
	v->tot = siit_get16(v->h + 2);
	if (v->tot < v->hlen)
		return SIIT_DROP_HEADER;
	if (!inner) {
		if (v->tot > len)
			return SIIT_DROP_TRUNCATED;
		if (csum_fold(csum_add(0, v->h, v->hlen)) != 0xffff)
			return SIIT_DROP_HEADER;
	}
	v->tos = v->h[1];
	v->id = siit_get16(v->h + 4);
	fo = siit_get16(v->h + 6);
	v->df = (fo & 0x4000) != 0;
	v->mf = (fo & 0x2000) != 0;
	v->off = (uint16_t)((fo & 0x1fff) * 8);
	v->ttl = v->h[8];
	v->proto = v->h[9];
	memcpy(&v->src, v->h + 12, 4);
	memcpy(&v->dst, v->h + 16, 4);
	v->pl = pkt + v->hlen;
	v->pllen = (v->tot < len ? v->tot : len) - v->hlen;
	/* reassembled, a datagram is at most 65535 bytes (RFC 791) */
	if ((size_t)v->off + (v->tot - v->hlen) > 65535 - SIIT_IP4_LEN)
		return SIIT_DROP_HEADER;
	if (inner)
		return SIIT_OK;
	/* RFC 7915 4.1: options are not translated; but a source route must
	 * not be dropped silently in transit, so a packet with one is not
	 * translated either. One walk owns every option length rule. */
	for (size_t i = SIIT_IP4_LEN; i < v->hlen;) {
		uint8_t type = v->h[i], olen;

		if (type == 0)          /* end of options */
			break;
		if (type == 1) {        /* no operation */
			i++;
			continue;
		}
		if (i + 1 >= v->hlen || (olen = v->h[i + 1]) < 2 || i + olen > v->hlen)
			return SIIT_DROP_HEADER;
		if (type == 0x83 || type == 0x89)
			return SIIT_DROP_OPTIONS;
		i += olen;
	}
	return SIIT_OK;
}

#define SIIT_EXT_MAX 8          /* extension headers walked before giving up */

enum siit_drop
siit_parse6(const uint8_t *pkt, size_t len, bool inner, struct siit_v6 *v)
{
	const uint8_t *p;
	size_t plen, rem;
	uint8_t nh;
	int n;

	memset(v, 0, sizeof(*v));
	if (len < SIIT_IP6_LEN)
		return SIIT_DROP_TRUNCATED;
	memcpy(v->h, pkt, SIIT_IP6_LEN);
	if (v->h[0] >> 4 != 6)
		return SIIT_DROP_HEADER;
	plen = siit_get16(v->h + 4);
	if (plen == 0)          /* a jumbogram, or nothing */
		return SIIT_DROP_HEADER;
	if (!inner && SIIT_IP6_LEN + plen > len)
		return SIIT_DROP_TRUNCATED;
	v->tc = (uint8_t)((v->h[0] & 0x0f) << 4 | v->h[1] >> 4);
	v->hlim = v->h[7];
	memcpy(&v->src, v->h + 8, 16);
	memcpy(&v->dst, v->h + 24, 16);
	p = pkt + SIIT_IP6_LEN;
	rem = len - SIIT_IP6_LEN < plen ? len - SIIT_IP6_LEN : plen;
	nh = v->h[6];
	/* RFC 7915 5.1: hop-by-hop, destination options and routing headers
	 * are not translated; a routing header with segments left would be
	 * skipped in silence, so such a packet is dropped (5.1, 4th bullet).
	 * Anything else is the upper layer. */
	for (n = 0; n < SIIT_EXT_MAX; n++) {
		uint8_t e[8];
		size_t elen;

		if (nh == IPPROTO_FRAGMENT) {
			if (v->frag)
				return SIIT_DROP_HEADER;
			if (rem < SIIT_FRAG_LEN)
				return SIIT_DROP_TRUNCATED;
			memcpy(e, p, SIIT_FRAG_LEN);
			v->frag = true;
			v->off = siit_get16(e + 2) & 0xfff8;
			v->mf = (e[3] & 1) != 0;
			v->id = siit_get32(e + 4);
			nh = e[0];
			p += SIIT_FRAG_LEN;
			rem -= SIIT_FRAG_LEN;
			plen -= SIIT_FRAG_LEN;
			if (v->off != 0)        /* the rest is the middle of a payload */
				break;
			continue;
		}
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_DSTOPTS && nh != IPPROTO_ROUTING)
			break;
		/* RFC 8200 4.1: hop-by-hop options only right after the header */
		if (nh == IPPROTO_HOPOPTS && n != 0)
			return SIIT_DROP_HEADER;
		if (rem < 8)
			return SIIT_DROP_TRUNCATED;
		memcpy(e, p, 8);
		elen = ((size_t)e[1] + 1) * 8;
		if (rem < elen)
			return SIIT_DROP_TRUNCATED;
		if (nh == IPPROTO_ROUTING && e[3] != 0 && !inner)
			return SIIT_DROP_OPTIONS;
		nh = e[0];
		p += elen;
		rem -= elen;
		plen -= elen;
	}
	if (n == SIIT_EXT_MAX)
		return SIIT_DROP_HEADER;
	v->nh = nh;
	v->pl = p;
	v->pllen = rem;
	v->ulen = plen;
	return SIIT_OK;
}

void
siit_write4(uint8_t *o, uint8_t tos, uint16_t tot, uint16_t id, uint16_t flags_off, uint8_t ttl,
    uint8_t proto, const struct in_addr *src, const struct in_addr *dst)
{
	o[0] = 0x45;
	o[1] = tos;
	siit_put16(o + 2, tot);
	siit_put16(o + 4, id);
	siit_put16(o + 6, flags_off);
	o[8] = ttl;
	o[9] = proto;
	o[10] = o[11] = 0;
	memcpy(o + 12, &src->s_addr, 4);
	memcpy(o + 16, &dst->s_addr, 4);
	siit_put16(o + 10, (uint16_t)~csum_fold(csum_add(0, o, SIIT_IP4_LEN)));
}

void
siit_write6(uint8_t *o, uint8_t tc, uint16_t plen, uint8_t nh, uint8_t hlim,
    const struct in6_addr *src, const struct in6_addr *dst)
{
	/* RFC 7915 4.1: traffic class from the TOS, flow label 0 */
	o[0] = (uint8_t)(0x60 | tc >> 4);
	o[1] = (uint8_t)(tc << 4);
	o[2] = o[3] = 0;
	siit_put16(o + 4, plen);
	o[6] = nh;
	o[7] = hlim;
	memcpy(o + 8, src, 16);
	memcpy(o + 24, dst, 16);
}

/* The TCP/UDP header of a first (or only) fragment into head: its length
 * checked, nothing changed yet. 0 bytes for other protocols. */
static enum siit_drop
siit_l4_head(uint8_t proto, const uint8_t *pl, size_t pllen, uint8_t head[60], size_t *head_len)
{
	size_t hl = 0;

	if (proto == IPPROTO_UDP) {
		hl = 8;
	} else if (proto == IPPROTO_TCP) {
		if (pllen < 20)
			return SIIT_DROP_TRUNCATED;
		hl = (size_t)(pl[12] >> 4) * 4;
		if (hl < 20)
			return SIIT_DROP_HEADER;
	}
	if (pllen < hl)
		return SIIT_DROP_TRUNCATED;
	memcpy(head, pl, hl);
	*head_len = hl;
	return SIIT_OK;
}

/* RFC 7915 leaves MSS alone; we clamp a SYN's to what the sites' MTU
 * carries (IPv6 40 + TCP 20 less), so a connection starts without path
 * MTU discovery through the translator. */
static void
siit_mss_clamp(uint8_t *tcp, size_t hl, uint16_t max)
{
	if (hl < 20 || (tcp[13] & 0x02) == 0)
		return;
	for (size_t i = 20; i < hl;) {
		uint8_t kind = tcp[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || (olen = tcp[i + 1]) < 2 || i + olen > hl)
			break;
		if (kind == 2 && olen == 4 && siit_get16(tcp + i + 2) > max) {
			/* the checksum's words are at even offsets: sum the
			 * even-aligned bytes around the field, before and after */
			size_t a = (i + 2) & ~(size_t)1, n = ((i + 5) & ~(size_t)1) - a;
			uint64_t old = csum_add(0, tcp + a, n);

			siit_put16(tcp + i + 2, max);
			siit_put16(tcp + 16, siit_csum_adjust(siit_get16(tcp + 16), old, csum_add(0, tcp + a, n)));
		}
		i += olen;
	}
}

/* Copy n bytes from position from of head ++ rest. */
static void
siit_gather(uint8_t *o, const uint8_t *head, size_t head_len, const uint8_t *rest, size_t from, size_t n)
{
	if (from < head_len) {
		size_t k = head_len - from < n ? head_len - from : n;

		memcpy(o, head + from, k);
		o += k;
		n -= k;
		from = head_len;
	}
	memcpy(o, rest + (from - head_len), n);
}

/* The IPv6 packet(s) of one IPv4 packet: ip6 is the header (its payload
 * length and next header written here), the payload head ++ rest. frag: a
 * Fragment header is needed (the input was a fragment: id, off, mf are
 * its); a payload too big for mtu6 is cut into fragments of id, their
 * offsets from off, each but the last a multiple of 8 (RFC 8200 4.5). */
static enum siit_drop
siit_emit6(struct siit *s, struct siit_out *out, const uint8_t ip6[40], uint8_t nh, const uint8_t *head,
    size_t head_len, const uint8_t *rest, size_t total, bool frag, uint32_t id, uint16_t off, bool mf)
{
	size_t pos = 0, at = 0, max;

	if (!frag && SIIT_IP6_LEN + total <= s->c.mtu6) {
		if (total > out->cap || SIIT_IP6_LEN > out->cap - total)
			return SIIT_DROP_TOO_BIG;
		memcpy(out->buf, ip6, SIIT_IP6_LEN);
		siit_put16(out->buf + 4, (uint16_t)total);
		out->buf[6] = nh;
		siit_gather(out->buf + SIIT_IP6_LEN, head, head_len, rest, 0, total);
		out->off[0] = 0;
		out->len[0] = SIIT_IP6_LEN + total;
		out->n = 1;
		return SIIT_OK;
	}
	max = (s->c.mtu6 - SIIT_IP6_LEN - SIIT_FRAG_LEN) & ~(size_t)7;
	do {
		size_t chunk = total - pos < max ? total - pos : max;
		size_t plen = SIIT_FRAG_LEN + chunk;
		uint8_t *o = out->buf + at;

		if (out->n == SIIT_OUT_MAX || at > out->cap || SIIT_IP6_LEN + plen > out->cap - at) {
			out->n = 0;
			return SIIT_DROP_TOO_BIG;
		}
		memcpy(o, ip6, SIIT_IP6_LEN);
		siit_put16(o + 4, (uint16_t)plen);
		o[6] = IPPROTO_FRAGMENT;
		o[40] = nh;
		o[41] = 0;
		siit_put16(o + 42, (uint16_t)((off + pos) | (pos + chunk < total || mf ? 1 : 0)));
		siit_put32(o + 44, id);
		siit_gather(o + SIIT_IP6_LEN + SIIT_FRAG_LEN, head, head_len, rest, pos, chunk);
		out->off[out->n] = at;
		out->len[out->n] = SIIT_IP6_LEN + plen;
		out->n++;
		at += SIIT_IP6_LEN + plen;
		pos += chunk;
	} while (pos < total);
	return SIIT_OK;
}

static enum siit_drop
siit_do_4to6(struct siit *s, const uint8_t *pkt, size_t len, uint64_t now, struct siit_out *out)
{
	struct siit_v4 v;
	const struct eam_entry *e;
	struct in6_addr src6;
	uint8_t ip6[SIIT_IP6_LEN], head[60];
	size_t head_len = 0, size;
	bool frag;
	uint8_t nh;
	enum siit_drop r;

	if ((r = siit_parse4(pkt, len, false, &v)) != SIIT_OK)
		return r;
	if (v.ttl == 0)
		return SIIT_DROP_TTL;
	if (siit_v4_special(&v.src) || eam_in_pool(s->map, ntohl(v.src.s_addr)))
		return SIIT_DROP_SOURCE;
	if ((e = eam_find_v4(s->map, &v.dst)) == NULL)
		return SIIT_DROP_NO_MAPPING;
	siit_embed(s->c.prefix96, &v.src, &src6);
	frag = v.mf || v.off != 0;
	nh = v.proto;
	siit_write6(ip6, v.tos, 0, 0, v.ttl, &src6, &e->v6);

	if (v.proto == IPPROTO_ICMP4) {
		/* the ICMPv6 checksum covers a pseudo-header with the whole
		 * message's length, unknown from one fragment (RFC 7915 4.2) */
		if (frag)
			return SIIT_DROP_FRAGMENT;
		if (siit_icmp4_is_error(&v)) {
			if ((r = siit_icmp_error_4to6(s, &v, &e->v6, out)) == SIIT_OK)
				eam_by_v4(s->map, &v.dst, len, now);
			return r;
		}
		if ((r = siit_icmp_echo_4to6(&v, ip6, head)) != SIIT_OK)
			return r;
		head_len = SIIT_ICMP_LEN;
		nh = IPPROTO_ICMP6;
	} else if (v.proto == IPPROTO_ICMP6) {
		return SIIT_DROP_ICMP;          /* ICMPv6 in IPv4 is nobody's */
	} else if (v.proto == IPPROTO_HOPOPTS || v.proto == IPPROTO_ROUTING ||
	    v.proto == IPPROTO_FRAGMENT || v.proto == IPPROTO_DSTOPTS) {
		/* copied, these would make the payload an IPv6 extension
		 * header of the sender's choosing */
		return SIIT_DROP_HEADER;
	} else if (v.off == 0) {
		if ((r = siit_l4_head(v.proto, v.pl, v.pllen, head, &head_len)) != SIIT_OK)
			return r;
		if (v.proto == IPPROTO_UDP && siit_get16(head + 6) == 0) {
			/* RFC 7915 4.5: IPv6 has no UDP without a checksum;
			 * compute one, which takes the whole datagram */
			uint16_t cs;

			if (frag)
				return SIIT_DROP_FRAGMENT;
			cs = (uint16_t)~csum_fold(csum_pseudo6(ip6, v.pllen, IPPROTO_UDP) +
			    csum_add(0, v.pl, v.pllen));
			siit_put16(head + 6, cs == 0 ? 0xffff : cs);
		} else {
			siit_l4_readdress(v.proto, head, head_len, csum_add(0, v.h + 12, 8),
			    csum_add(0, ip6 + 8, 32));
		}
		if (v.proto == IPPROTO_TCP)
			siit_mss_clamp(head, head_len, (uint16_t)(s->c.mtu6 - 60));
	}

	/* RFC 7915 4.1: DF and too big for the next hop: Fragmentation
	 * Needed back, with the MTU an IPv4 packet has to fit (mtu6 - 20) */
	size = SIIT_IP6_LEN + (frag ? SIIT_FRAG_LEN : 0) + v.pllen;
	if (v.df && size > s->c.mtu6) {
		siit_icmp_frag_needed(s, pkt, &v, (uint16_t)(s->c.mtu6 - 20), out);
		return SIIT_DROP_TOO_BIG;
	}
	/* RFC 7915 4.1: a fragment keeps its IPv4 Identification; a whole
	 * packet we cut gets an Identification of ours */
	r = siit_emit6(s, out, ip6, nh, head, head_len, v.pl + head_len, v.pllen, frag || size > s->c.mtu6,
	    frag ? v.id : s->frag_id, v.off, v.mf);
	if (r == SIIT_OK && !frag && out->n > 1)
		s->frag_id++;
	if (r == SIIT_OK)
		eam_by_v4(s->map, &v.dst, len, now);
	return r;
}

/* An IPv4 destination a site may reach through the translator. */
static enum siit_drop
siit_dst4_check(const struct siit *s, const struct in_addr *dst4)
{
	if (eam_in_pool(s->map, ntohl(dst4->s_addr)) || eam_find_v4(s->map, dst4) != NULL ||
	    dst4->s_addr == s->c.public4.s_addr)
		return SIIT_DROP_HAIRPIN;
	if (siit_v4_special(dst4))
		return SIIT_DROP_NO_MAPPING;
	return SIIT_OK;
}

static enum siit_drop
siit_do_6to4(struct siit *s, const uint8_t *pkt, size_t len, uint64_t now, struct siit_out *out)
{
	struct siit_v6 v;
	const struct eam_entry *e;
	struct in_addr dst4;
	uint8_t head[60], proto, *o;
	size_t head_len = 0, tot;
	uint16_t flags_off, id;
	enum siit_drop r;

	if ((r = siit_parse6(pkt, len, false, &v)) != SIIT_OK)
		return r;
	if (v.hlim == 0)
		return SIIT_DROP_TTL;
	if (!siit_extract(s->c.prefix96, &v.dst, &dst4))
		return SIIT_DROP_NO_MAPPING;
	if ((r = siit_dst4_check(s, &dst4)) != SIIT_OK)
		return r;
	proto = v.nh;
	if (v.nh == IPPROTO_ICMP6) {
		struct in_addr src4 = s->c.public4, dummy;

		/* as in 4to6: the pseudo-header needs the whole message */
		if (v.frag)
			return SIIT_DROP_FRAGMENT;
		if (siit_icmp6_is_error(&v)) {
			/* RFC 7915 5.2: a host reports with its own address;
			 * anyone else on the way (a router of ours, a site's
			 * router without an entry) from public4 (RFC 6791) */
			if (siit_extract(s->c.prefix96, &v.src, &dummy))
				return SIIT_DROP_SOURCE;
			e = prefix_contains(&s->c.sites, &v.src) ? eam_find_v6(s->map, &v.src) : NULL;
			if (e != NULL)
				src4 = e->v4;
			if ((r = siit_icmp_error_6to4(s, &v, &src4, &dst4, out)) == SIIT_OK && e != NULL)
				eam_by_v6(s->map, &v.src, false, len, now);
			return r;
		}
		if (!prefix_contains(&s->c.sites, &v.src))
			return SIIT_DROP_SOURCE;
		if ((r = siit_icmp_echo_6to4(&v, v.h, head)) != SIIT_OK)
			return r;
		head_len = SIIT_ICMP_LEN;
		proto = IPPROTO_ICMP4;
	} else if (v.nh == IPPROTO_ICMP4) {
		return SIIT_DROP_ICMP;          /* ICMPv4 in IPv6 is nobody's */
	} else {
		if (!prefix_contains(&s->c.sites, &v.src))
			return SIIT_DROP_SOURCE;
		if (v.off == 0 && (r = siit_l4_head(v.nh, v.pl, v.pllen, head, &head_len)) != SIIT_OK)
			return r;
	}
	tot = SIIT_IP4_LEN + v.pllen;
	if (tot > 65535)
		return SIIT_DROP_HEADER;
	if (tot > out->cap)
		return SIIT_DROP_TOO_BIG;
	if ((e = eam_by_v6(s->map, &v.src, true, len, now)) == NULL)
		return SIIT_DROP_NO_MAPPING;
	if (head_len != 0 && proto != IPPROTO_ICMP4) {
		uint8_t a4[8];

		memcpy(a4, &e->v4, 4);
		memcpy(a4 + 4, &dst4, 4);
		siit_l4_readdress(proto, head, head_len, csum_add(0, v.h + 8, 32), csum_add(0, a4, 8));
		if (proto == IPPROTO_TCP)
			siit_mss_clamp(head, head_len, (uint16_t)(s->c.mtu6 - 60));
	}
	/* RFC 7915 5.1.1: a fragment keeps its place and the low 16 bits of
	 * its Identification, DF clear. 5.1: otherwise DF only above 1260
	 * bytes (what a 1280 IPv6 link carries translated), so smaller ones
	 * may still be fragmented by IPv4 routers; an Identification of ours.
	 * A packet larger than the sites' MTU cannot have left a site whole
	 * (connection tracking puts fragments together, and the kernel cuts
	 * them again before the TUN, but nothing promises that): it is
	 * treated as the fragments were, DF clear. */
	if (v.frag) {
		id = (uint16_t)v.id;
		flags_off = (uint16_t)((v.mf ? 0x2000 : 0) | v.off / 8);
	} else {
		id = s->ip_id++;
		flags_off = tot > 1260 && len <= s->c.mtu6 ? 0x4000 : 0;
	}
	o = out->buf;
	siit_write4(o, v.tc, (uint16_t)tot, id, flags_off, v.hlim, proto, &e->v4, &dst4);
	memcpy(o + SIIT_IP4_LEN, head, head_len);
	memcpy(o + SIIT_IP4_LEN + head_len, v.pl + head_len, v.pllen - head_len);
	out->off[0] = 0;
	out->len[0] = tot;
	out->n = 1;
	return SIIT_OK;
}

enum siit_drop
siit_4to6(struct siit *s, const uint8_t *pkt, size_t len, uint64_t now, struct siit_out *out)
{
	enum siit_drop r;

	out->n = 0;
	r = siit_do_4to6(s, pkt, len, now, out);
	if (r == SIIT_OK)
		s->packets_4to6++;
	else
		s->drops[r]++;
	return r;
}

enum siit_drop
siit_6to4(struct siit *s, const uint8_t *pkt, size_t len, uint64_t now, struct siit_out *out)
{
	enum siit_drop r;

	out->n = 0;
	r = siit_do_6to4(s, pkt, len, now, out);
	if (r == SIIT_OK)
		s->packets_6to4++;
	else
		s->drops[r]++;
	return r;
}
