/* SPDX-License-Identifier: ISC */
/* siit_icmp: ICMPv4 <-> ICMPv6 (RFC 7915 4.2, 4.3, 5.2, 5.3): echo, the
 * errors with the packet inside them translated too, and the Fragmentation
 * Needed the translator sends itself. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "csum.h"
#include "siit.h"
#include "siit_internal.h"

/* ICMPv4 and ICMPv6 echo (RFC 792, RFC 4443 4.1/4.2) */
#define ICMP4_ECHO_REPLY        0
#define ICMP4_UNREACH           3
#define ICMP4_ECHO              8
#define ICMP4_TIME_EXCEEDED     11
#define ICMP4_PARAM_PROBLEM     12
#define ICMP4_UNREACH_NEEDFRAG  4
#define ICMP6_UNREACH           1
#define ICMP6_PACKET_TOO_BIG    2
#define ICMP6_TIME_EXCEEDED     3
#define ICMP6_PARAM_PROBLEM     4
#define ICMP6_ECHO              128
#define ICMP6_ECHO_REPLY        129

static uint64_t
siit_word(uint8_t hi, uint8_t lo)
{
	return (uint64_t)hi << 8 | lo;
}

bool
siit_icmp4_is_error(const struct siit_v4 *v)
{
	return v->pllen > 0 && v->pl[0] != ICMP4_ECHO && v->pl[0] != ICMP4_ECHO_REPLY;
}

bool
siit_icmp6_is_error(const struct siit_v6 *v)
{
	return v->pllen > 0 && v->pl[0] != ICMP6_ECHO && v->pl[0] != ICMP6_ECHO_REPLY;
}

/* RFC 7915 4.2: echo request 8 -> 128, reply 0 -> 129. The ICMPv4
 * checksum is checked first (translated, a damaged message would get a
 * good checksum), then adjusted: the type word changes and the ICMPv6
 * pseudo-header joins the sum. */
enum siit_drop
siit_icmp_echo_4to6(const struct siit_v4 *v, const uint8_t *ip6, uint8_t head[8])
{
	uint8_t type;

	if (v->pllen < SIIT_ICMP_LEN)
		return SIIT_DROP_TRUNCATED;
	if (csum_fold(csum_add(0, v->pl, v->pllen)) != 0xffff)
		return SIIT_DROP_ICMP;
	memcpy(head, v->pl, SIIT_ICMP_LEN);
	type = head[0] == ICMP4_ECHO ? ICMP6_ECHO : ICMP6_ECHO_REPLY;
	siit_put16(head + 2, siit_csum_adjust(siit_get16(head + 2), siit_word(head[0], head[1]),
	    csum_pseudo6(ip6, v->pllen, IPPROTO_ICMP6) + siit_word(type, head[1])));
	head[0] = type;
	return SIIT_OK;
}

/* RFC 7915 5.2: echo request 128 -> 8, reply 129 -> 0; the pseudo-header
 * leaves the sum. */
enum siit_drop
siit_icmp_echo_6to4(const struct siit_v6 *v, const uint8_t *ip6, uint8_t head[8])
{
	uint64_t pseudo;
	uint8_t type;

	if (v->pllen < SIIT_ICMP_LEN)
		return SIIT_DROP_TRUNCATED;
	pseudo = csum_pseudo6(ip6, v->pllen, IPPROTO_ICMP6);
	if (csum_fold(pseudo + csum_add(0, v->pl, v->pllen)) != 0xffff)
		return SIIT_DROP_ICMP;
	memcpy(head, v->pl, SIIT_ICMP_LEN);
	type = head[0] == ICMP6_ECHO ? ICMP4_ECHO : ICMP4_ECHO_REPLY;
	siit_put16(head + 2, siit_csum_adjust(siit_get16(head + 2), pseudo + siit_word(head[0], head[1]),
	    siit_word(type, head[1])));
	head[0] = type;
	return SIIT_OK;
}

/* RFC 7915 4.2, Figure 3: the IPv4 header's fields to the IPv6 header's;
 * -1: no counterpart, the error is dropped. */
static const int8_t siit_ptr_4to6[20] = {
	0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1, -1, 8, 8, 8, 8, 24, 24, 24, 24,
};

/* RFC 7915 5.2, Figure 6, the other way. */
static int
siit_ptr_6to4(uint8_t p)
{
	if (p <= 1)
		return p;
	if (p == 4 || p == 5)
		return 2;
	if (p == 6)
		return 9;
	if (p == 7)
		return 8;
	if (p >= 8 && p <= 23)
		return 12;
	if (p >= 24 && p <= 39)
		return 16;
	return -1;
}

/* RFC 7915 4.2: ICMPv4 error type/code to ICMPv6; false: dropped. *ptr:
 * where the pointer of a Parameter Problem goes (Protocol Unreachable
 * becomes one pointing at Next Header). */
static bool
siit_map_4to6(const uint8_t icmp[8], uint8_t *type, uint8_t *code, uint32_t *param)
{
	*param = 0;
	switch (icmp[0]) {
	case ICMP4_UNREACH:
		*type = ICMP6_UNREACH;
		switch (icmp[1]) {
		case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12:
			*code = 0;      /* no route to destination */
			return true;
		case 2:                 /* protocol unreachable */
			*type = ICMP6_PARAM_PROBLEM;
			*code = 1;
			*param = 6;
			return true;
		case 3:
			*code = 4;      /* port unreachable */
			return true;
		case ICMP4_UNREACH_NEEDFRAG:
			*type = ICMP6_PACKET_TOO_BIG;
			*code = 0;
			return true;
		case 9: case 10: case 13: case 15:
			*code = 1;      /* administratively prohibited */
			return true;
		default:                /* 14, host precedence violation; unknown */
			return false;
		}
	case ICMP4_TIME_EXCEEDED:
		*type = ICMP6_TIME_EXCEEDED;
		*code = icmp[1];
		return icmp[1] <= 1;
	case ICMP4_PARAM_PROBLEM:
		if ((icmp[1] != 0 && icmp[1] != 2) || icmp[4] >= sizeof(siit_ptr_4to6) ||
		    siit_ptr_4to6[icmp[4]] < 0)
			return false;
		*type = ICMP6_PARAM_PROBLEM;
		*code = 0;
		*param = (uint32_t)siit_ptr_4to6[icmp[4]];
		return true;
	default:                        /* redirects, source quench, ... */
		return false;
	}
}

/* RFC 7915 4.2: the Packet Too Big MTU, IPv6 sized: the IPv4 MTU + 20, at
 * most the sites' MTU, at least 1280. A router that says 0 (before RFC
 * 1191) gets the greatest RFC 1191 plateau below the returned packet's
 * Total Length, but not below 1280. */
static uint32_t
siit_ptb_mtu(const struct siit *s, uint16_t mtu4, size_t inner_tot)
{
	static const uint32_t plateau[] = { 65535, 32000, 17914, 8166, 4352, 2002, 1492 };
	uint32_t mtu = 1280;

	if (mtu4 == 0) {
		for (size_t i = 0; i < sizeof(plateau) / sizeof(plateau[0]); i++)
			if (plateau[i] < inner_tot) {
				mtu = plateau[i];
				break;
			}
	} else {
		mtu = (uint32_t)mtu4 + 20;
	}
	if (mtu > s->c.mtu6)
		mtu = s->c.mtu6;
	return mtu < 1280 ? 1280 : mtu;
}

enum siit_drop
siit_icmp_error_4to6(struct siit *s, const struct siit_v4 *v, const struct in6_addr *dst6,
    struct siit_out *out)
{
	uint8_t icmp[8], type, code, nh, *o = out->buf, *in6, *ipl;
	uint32_t param;
	struct siit_v4 in;
	const struct eam_entry *host;
	struct in6_addr src6, idst6;
	size_t hdrs, room, n, icmplen;
	bool ifrag;

	if (v->pllen < SIIT_ICMP_LEN)
		return SIIT_DROP_TRUNCATED;
	memcpy(icmp, v->pl, SIIT_ICMP_LEN);
	if (csum_fold(csum_add(0, v->pl, v->pllen)) != 0xffff)
		return SIIT_DROP_ICMP;
	if (!siit_map_4to6(icmp, &type, &code, &param))
		return SIIT_DROP_ICMP;
	/* RFC 7915 4.3: the packet inside, one we sent: from a host's
	 * address, to anyone; translated like the outer one, but it may be
	 * cut short and its checksums are not ours to judge */
	if (siit_parse4(v->pl + SIIT_ICMP_LEN, v->pllen - SIIT_ICMP_LEN, true, &in) != SIIT_OK)
		return SIIT_DROP_ICMP;
	if ((host = eam_find_v4(s->map, &in.src)) == NULL || in.proto == IPPROTO_ICMP6)
		return SIIT_DROP_ICMP;
	ifrag = in.mf || in.off != 0;
	nh = in.proto == IPPROTO_ICMP4 ? IPPROTO_ICMP6 : in.proto;
	if (in.proto == IPPROTO_ICMP4 && in.off == 0 &&
	    (in.pllen < SIIT_ICMP_LEN || (in.pl[0] != ICMP4_ECHO && in.pl[0] != ICMP4_ECHO_REPLY)))
		return SIIT_DROP_ICMP;  /* RFC 7915 4.3: no error about an error */
	if (type == ICMP6_PACKET_TOO_BIG)
		param = siit_ptb_mtu(s, siit_get16(icmp + 6), in.tot);

	hdrs = SIIT_IP6_LEN + SIIT_ICMP_LEN + SIIT_IP6_LEN + (ifrag ? SIIT_FRAG_LEN : 0);
	room = out->cap < SIIT_ICMP6_MAX ? out->cap : SIIT_ICMP6_MAX;
	if (room < hdrs)
		return SIIT_DROP_TOO_BIG;
	n = in.pllen < room - hdrs ? in.pllen : room - hdrs;
	icmplen = hdrs - SIIT_IP6_LEN + n;

	siit_embed(s->c.prefix96, &v->src, &src6);
	siit_write6(o, v->tos, (uint16_t)icmplen, IPPROTO_ICMP6, v->ttl, &src6, dst6);
	o[40] = type;
	o[41] = code;
	o[42] = o[43] = 0;
	siit_put32(o + 44, param);
	in6 = o + SIIT_IP6_LEN + SIIT_ICMP_LEN;
	siit_embed(s->c.prefix96, &in.dst, &idst6);
	siit_write6(in6, in.tos, (uint16_t)(in.tot - in.hlen + (ifrag ? SIIT_FRAG_LEN : 0)),
	    ifrag ? IPPROTO_FRAGMENT : nh, in.ttl, &host->v6, &idst6);
	if (ifrag) {
		in6[40] = nh;
		in6[41] = 0;
		siit_put16(in6 + 42, (uint16_t)(in.off | (in.mf ? 1 : 0)));
		siit_put32(in6 + 44, in.id);
	}
	ipl = o + hdrs;
	memcpy(ipl, in.pl, n);
	if (in.off == 0 && in.proto == IPPROTO_ICMP4 && n >= SIIT_ICMP_LEN) {
		/* its echo header, adjusted as a whole one would be (the
		 * pseudo-header only when its length is known) */
		uint8_t t6 = ipl[0] == ICMP4_ECHO ? ICMP6_ECHO : ICMP6_ECHO_REPLY;
		uint64_t add = siit_word(t6, ipl[1]);

		if (!ifrag)
			add += csum_pseudo6(in6, in.tot - in.hlen, IPPROTO_ICMP6);
		siit_put16(ipl + 2, siit_csum_adjust(siit_get16(ipl + 2), siit_word(ipl[0], ipl[1]), add));
		ipl[0] = t6;
	} else if (in.off == 0) {
		siit_l4_readdress(in.proto, ipl, n, csum_add(0, in.h + 12, 8), csum_add(0, in6 + 8, 32));
	}
	siit_put16(o + 42, (uint16_t)~csum_fold(csum_pseudo6(o, icmplen, IPPROTO_ICMP6) +
	    csum_add(0, o + SIIT_IP6_LEN, icmplen)));
	out->off[0] = 0;
	out->len[0] = SIIT_IP6_LEN + icmplen;
	out->n = 1;
	return SIIT_OK;
}

/* RFC 7915 5.2: ICMPv6 error type/code to ICMPv4; false: dropped. */
static bool
siit_map_6to4(const uint8_t icmp[8], uint8_t *type, uint8_t *code, uint8_t *ptr)
{
	int p;

	*ptr = 0;
	switch (icmp[0]) {
	case ICMP6_UNREACH:
		*type = ICMP4_UNREACH;
		switch (icmp[1]) {
		case 0: case 2: case 3:
			*code = 1;      /* host unreachable */
			return true;
		case 1:
			*code = 10;     /* administratively prohibited */
			return true;
		case 4:
			*code = 3;      /* port unreachable */
			return true;
		default:
			return false;
		}
	case ICMP6_PACKET_TOO_BIG:
		*type = ICMP4_UNREACH;
		*code = ICMP4_UNREACH_NEEDFRAG;
		return icmp[1] == 0;
	case ICMP6_TIME_EXCEEDED:
		*type = ICMP4_TIME_EXCEEDED;
		*code = icmp[1];
		return icmp[1] <= 1;
	case ICMP6_PARAM_PROBLEM:
		if (icmp[1] == 1) {     /* unrecognized next header */
			*type = ICMP4_UNREACH;
			*code = 2;
			return true;
		}
		/* the pointer is 32 bits; only 0..39 point into the header */
		if (icmp[1] != 0 || siit_get32(icmp + 4) > 39 || (p = siit_ptr_6to4(icmp[7])) < 0)
			return false;
		*type = ICMP4_PARAM_PROBLEM;
		*code = 0;
		*ptr = (uint8_t)p;
		return true;
	default:
		return false;
	}
}

enum siit_drop
siit_icmp_error_6to4(struct siit *s, const struct siit_v6 *v, const struct in_addr *src4,
    const struct in_addr *dst4, struct siit_out *out)
{
	uint8_t icmp[8], type, code, ptr, proto, *o = out->buf, *in4, *ipl;
	struct siit_v6 in;
	const struct eam_entry *host;
	struct in_addr isrc4;
	size_t hdrs = SIIT_IP4_LEN + SIIT_ICMP_LEN + SIIT_IP4_LEN, room, n, icmplen;
	uint16_t mtu = 0;

	if (v->pllen < SIIT_ICMP_LEN)
		return SIIT_DROP_TRUNCATED;
	memcpy(icmp, v->pl, SIIT_ICMP_LEN);
	if (csum_fold(csum_pseudo6(v->h, v->pllen, IPPROTO_ICMP6) + csum_add(0, v->pl, v->pllen)) != 0xffff)
		return SIIT_DROP_ICMP;
	if (!siit_map_6to4(icmp, &type, &code, &ptr))
		return SIIT_DROP_ICMP;
	/* RFC 7915 5.3: the packet inside, one we sent: from the NAT64
	 * prefix to a host with an entry */
	if (siit_parse6(v->pl + SIIT_ICMP_LEN, v->pllen - SIIT_ICMP_LEN, true, &in) != SIIT_OK)
		return SIIT_DROP_ICMP;
	if (!siit_extract(s->c.prefix96, &in.src, &isrc4) || (host = eam_find_v6(s->map, &in.dst)) == NULL ||
	    in.nh == IPPROTO_ICMP4 || SIIT_IP4_LEN + in.ulen > 65535)
		return SIIT_DROP_ICMP;
	proto = in.nh == IPPROTO_ICMP6 ? IPPROTO_ICMP4 : in.nh;
	if (in.nh == IPPROTO_ICMP6 && in.off == 0 &&
	    (in.pllen < SIIT_ICMP_LEN || (in.pl[0] != ICMP6_ECHO && in.pl[0] != ICMP6_ECHO_REPLY)))
		return SIIT_DROP_ICMP;
	if (type == ICMP4_UNREACH && code == ICMP4_UNREACH_NEEDFRAG) {
		/* RFC 7915 5.2: minimum(MTU - 20, the sites' MTU - 20); an
		 * MTU below IPv6's minimum is not believed (RFC 8201 5) */
		uint32_t adv = siit_get32(icmp + 4);

		if (adv < 1280)
			adv = 1280;
		if (adv > s->c.mtu6)
			adv = s->c.mtu6;
		mtu = (uint16_t)(adv - 20);
	}

	room = out->cap < SIIT_ICMP4_MAX ? out->cap : SIIT_ICMP4_MAX;
	if (room < hdrs)
		return SIIT_DROP_TOO_BIG;
	n = in.pllen < room - hdrs ? in.pllen : room - hdrs;
	icmplen = hdrs - SIIT_IP4_LEN + n;

	siit_write4(o, v->tc, (uint16_t)(SIIT_IP4_LEN + icmplen), s->ip_id++, 0, v->hlim, IPPROTO_ICMP4,
	    src4, dst4);
	o[20] = type;
	o[21] = code;
	o[22] = o[23] = 0;
	o[24] = ptr;
	o[25] = 0;
	siit_put16(o + 26, mtu);
	in4 = o + SIIT_IP4_LEN + SIIT_ICMP_LEN;
	/* RFC 7915 5.3: the packet inside translated as 5.1 does the outer
	 * one: a fragment keeps its place, DF clear, else DF above 1260 bytes */
	siit_write4(in4, in.tc, (uint16_t)(SIIT_IP4_LEN + in.ulen), in.frag ? (uint16_t)in.id : 0,
	    in.frag ? (uint16_t)((in.mf ? 0x2000 : 0) | in.off / 8) : SIIT_IP4_LEN + in.ulen > 1260 ? 0x4000 : 0,
	    in.hlim, proto, &isrc4, &host->v4);
	ipl = o + hdrs;
	memcpy(ipl, in.pl, n);
	if (in.off == 0 && in.nh == IPPROTO_ICMP6 && n >= SIIT_ICMP_LEN) {
		uint8_t t4 = ipl[0] == ICMP6_ECHO ? ICMP4_ECHO : ICMP4_ECHO_REPLY;
		uint64_t old = siit_word(ipl[0], ipl[1]);

		if (!in.frag)
			old += csum_pseudo6(in.h, in.ulen, IPPROTO_ICMP6);
		siit_put16(ipl + 2, siit_csum_adjust(siit_get16(ipl + 2), old, siit_word(t4, ipl[1])));
		ipl[0] = t4;
	} else if (in.off == 0) {
		siit_l4_readdress(proto, ipl, n, csum_add(0, in.h + 8, 32), csum_add(0, in4 + 12, 8));
	}
	siit_put16(o + 22, (uint16_t)~csum_fold(csum_add(0, o + SIIT_IP4_LEN, icmplen)));
	out->off[0] = 0;
	out->len[0] = SIIT_IP4_LEN + icmplen;
	out->n = 1;
	return SIIT_OK;
}

/* RFC 1191 3 (RFC 792's Destination Unreachable with the next-hop MTU in
 * the low 16 bits of the unused word); RFC 1812 4.3.2.3: at most 576 bytes,
 * carrying as much of the packet as fits. */
void
siit_icmp_frag_needed(struct siit *s, const uint8_t *pkt, const struct siit_v4 *v, uint16_t mtu,
    struct siit_out *out)
{
	size_t max = SIIT_ICMP4_MAX - SIIT_IP4_LEN - SIIT_ICMP_LEN;
	size_t n = v->tot < max ? v->tot : max;
	uint8_t *o = out->buf;

	if (out->cap < SIIT_IP4_LEN + SIIT_ICMP_LEN + n)
		return;
	o[20] = ICMP4_UNREACH;
	o[21] = ICMP4_UNREACH_NEEDFRAG;
	memset(o + 22, 0, 4);
	siit_put16(o + 26, mtu);
	memcpy(o + 28, pkt, n);
	siit_put16(o + 22, (uint16_t)~csum_fold(csum_add(0, o + SIIT_IP4_LEN, SIIT_ICMP_LEN + n)));
	siit_write4(o, 0, (uint16_t)(SIIT_IP4_LEN + SIIT_ICMP_LEN + n), s->ip_id++, 0, 64, IPPROTO_ICMP4,
	    &s->c.public4, &v->src);
	out->off[0] = 0;
	out->len[0] = SIIT_IP4_LEN + SIIT_ICMP_LEN + n;
	out->n = 1;
	s->errors_sent++;
}
