/* SPDX-License-Identifier: ISC */
/* ndp: parse and build Neighbor Discovery frames (RFC 4861; options of
 * RFC 8106, RFC 4191, RFC 8781). */
#include "config.h"

#include <string.h>

#include "frame.h"
#include "ndp.h"
#include "util.h"

#define ETHERTYPE_IPV6  0x86dd
#define IP6_LEN         40
#define NH_ICMPV6       58
#define HOPLIMIT_ND     255

#define OPT_SLLA        1
#define OPT_TLLA        2
#define OPT_PREFIX      3
#define OPT_MTU         5
#define OPT_ROUTE       24      /* RFC 4191 2.3 */
#define OPT_RDNSS       25
#define OPT_PREF64      38      /* RFC 8781 4 */

/* Fixed part of each message before its options (RFC 4861 4.1-4.4). */
static size_t
ndp_fixed_len(uint8_t type)
{
	switch (type) {
	case NDP_RS: return 8;
	case NDP_RA: return 16;
	case NDP_NS:
	case NDP_NA: return 24;
	default: return 0;
	}
}

const char *
ndp_err_name(enum ndp_err e)
{
	switch (e) {
	case NDP_OK: return "ok";
	case NDP_NOT_NDP: return "not neighbor discovery";
	case NDP_BAD_LENGTH: return "bad length";
	case NDP_BAD_HOPLIMIT: return "hop limit is not 255";
	case NDP_BAD_CHECKSUM: return "bad checksum";
	case NDP_BAD_CODE: return "ICMP code is not 0";
	case NDP_BAD_OPTION: return "zero-length or truncated option";
	case NDP_BAD_FIELD: return "invalid field";
	}
	return "unknown";
}

static enum ndp_err
ndp_parse_option(struct ndp_msg *m, const uint8_t *o, size_t olen)
{
	switch (o[0]) {
	case OPT_SLLA:
	case OPT_TLLA:
		/* RFC 2464 8: 8 bytes on Ethernet; the wrong kind for the
		 * message is ignored (RFC 4861 4.3, 4.4: "MUST ignore") */
		if (olen != 8)
			return NDP_BAD_OPTION;
		if ((o[0] == OPT_TLLA) == (m->type == NDP_NA)) {
			m->has_lla = true;
			memcpy(m->lla, o + 2, 6);
		}
		return NDP_OK;
	case OPT_MTU:
		if (olen != 8)
			return NDP_BAD_OPTION;
		if (m->type == NDP_RA)
			m->mtu = util_get_be32(o + 4);
		return NDP_OK;
	case OPT_PREFIX:
		if (olen != 32 || o[2] > 128)
			return NDP_BAD_OPTION;
		if (m->type == NDP_RA && !m->has_prefix) {
			m->has_prefix = true;
			m->prefix.len = o[2];
			memcpy(&m->prefix.addr, o + 16, 16);
			prefix_mask(&m->prefix);
			m->prefix_flags = o[3];
			m->valid_lifetime = util_get_be32(o + 4);
			m->preferred_lifetime = util_get_be32(o + 8);
		}
		return NDP_OK;
	case OPT_RDNSS:
		/* RFC 8106 5.1: length 3 + 2 per address, at least one */
		if (olen < 24 || (olen - 8) % 16 != 0)
			return NDP_BAD_OPTION;
		if (m->type == NDP_RA) {
			m->rdnss_lifetime = util_get_be32(o + 4);
			for (size_t off = 8; off < olen && m->n_rdnss < NDP_RDNSS_MAX; off += 16)
				memcpy(&m->rdnss[m->n_rdnss++], o + off, 16);
		}
		return NDP_OK;
	case OPT_ROUTE:
		/* RFC 4191 2.3: length 1..3 as the prefix needs; longer than
		 * the option holds is invalid */
		if (olen < 8 || olen > 24 || o[2] > 128 || (o[2] > 64 && olen < 24) ||
		    (o[2] > 0 && olen < 16))
			return NDP_BAD_OPTION;
		if (m->type == NDP_RA && !m->has_route) {
			m->has_route = true;
			memset(&m->route, 0, sizeof(m->route));
			m->route.len = o[2];
			memcpy(&m->route.addr, o + 8, olen - 8);
			prefix_mask(&m->route);
			m->route_lifetime = util_get_be32(o + 4);
		}
		return NDP_OK;
	case OPT_PREF64: {
		/* RFC 8781 4: length 2; PLC 0..5 name /96 /64 /56 /48 /40 /32 */
		static const uint8_t plc_len[] = { 96, 64, 56, 48, 40, 32 };
		unsigned plc = o[3] & 7;

		if (olen != 16 || plc >= sizeof(plc_len))
			return NDP_BAD_OPTION;
		if (m->type == NDP_RA && !m->has_pref64) {
			m->has_pref64 = true;
			memset(&m->pref64, 0, sizeof(m->pref64));
			m->pref64.len = plc_len[plc];
			memcpy(&m->pref64.addr, o + 4, 12);
			prefix_mask(&m->pref64);
			m->pref64_lifetime = (uint16_t)((o[2] << 8 | o[3]) & 0xfff8);
		}
		return NDP_OK;
	}
	default:
		return NDP_OK;  /* RFC 4861 4.6: unknown options are skipped */
	}
}

/* RFC 8781 4: the Prefix Length Code of a NAT64 prefix length. */
static uint8_t
ndp_pref64_plc(uint8_t len)
{
	switch (len) {
	case 64: return 1;
	case 56: return 2;
	case 48: return 3;
	case 40: return 4;
	case 32: return 5;
	default: return 0;      /* 96 */
	}
}

enum ndp_err
ndp_parse(const uint8_t *buf, size_t len, struct ndp_msg *m)
{
	const uint8_t *ip, *icmp;
	size_t plen, fixed, off;
	enum ndp_err e;

	if (len < FRAME_ETH_LEN + IP6_LEN || (buf[12] << 8 | buf[13]) != ETHERTYPE_IPV6)
		return NDP_NOT_NDP;
	ip = buf + FRAME_ETH_LEN;
	if ((ip[0] >> 4) != 6 || ip[6] != NH_ICMPV6)
		return NDP_NOT_NDP;
	plen = (size_t)(ip[4] << 8 | ip[5]);
	icmp = ip + IP6_LEN;
	/* no ICMPv6 type byte at all: nothing to judge (the kernel drops it) */
	if (plen < 1 || len == FRAME_ETH_LEN + IP6_LEN || (fixed = ndp_fixed_len(icmp[0])) == 0)
		return NDP_NOT_NDP;
	/* every data frame passes here: the struct is cleared only for ND */
	memset(m, 0, sizeof(*m));
	m->type = icmp[0];
	/* Ethernet may pad a short frame; the IPv6 payload length rules */
	if (plen > len - FRAME_ETH_LEN - IP6_LEN || plen < fixed)
		return NDP_BAD_LENGTH;
	if (ip[7] != HOPLIMIT_ND)
		return NDP_BAD_HOPLIMIT;
	if (frame_l4_checksum(ip, icmp, plen, NH_ICMPV6) != 0)
		return NDP_BAD_CHECKSUM;
	if (icmp[1] != 0)
		return NDP_BAD_CODE;
	memcpy(m->eth_dst, buf, 6);
	memcpy(m->eth_src, buf + 6, 6);
	memcpy(&m->src, ip + 8, 16);
	memcpy(&m->dst, ip + 24, 16);
	switch (m->type) {
	case NDP_RA:
		m->cur_hop_limit = icmp[4];
		m->flags = icmp[5];
		m->router_lifetime = (uint16_t)(icmp[6] << 8 | icmp[7]);
		m->reachable_ms = util_get_be32(icmp + 8);
		m->retrans_ms = util_get_be32(icmp + 12);
		break;
	case NDP_NA:
		m->flags = icmp[4];
		/* fall through */
	case NDP_NS:
		memcpy(&m->target, icmp + 8, 16);
		break;
	default:
		break;
	}
	/* RFC 4861 6.1, 7.1: every option has a length above zero and lies
	 * within the message */
	for (off = fixed; off < plen; off += (size_t)icmp[off + 1] * 8) {
		if (plen - off < 2 || icmp[off + 1] == 0 || (size_t)icmp[off + 1] * 8 > plen - off)
			return NDP_BAD_OPTION;
		if ((e = ndp_parse_option(m, icmp + off, (size_t)icmp[off + 1] * 8)) != NDP_OK)
			return e;
	}
	switch (m->type) {
	case NDP_RS:
		if (IN6_IS_ADDR_UNSPECIFIED(&m->src) && m->has_lla)
			return NDP_BAD_FIELD;
		break;
	case NDP_RA:
		if (!IN6_IS_ADDR_LINKLOCAL(&m->src))
			return NDP_BAD_FIELD;
		break;
	case NDP_NS:
		if (IN6_IS_ADDR_MULTICAST(&m->target))
			return NDP_BAD_FIELD;
		if (IN6_IS_ADDR_UNSPECIFIED(&m->src)) {
			struct in6_addr group;
			uint8_t mac[6];

			ndp_solicited_node(&m->target, &group, mac);
			if (m->has_lla || memcmp(&m->dst, &group, 16) != 0)
				return NDP_BAD_FIELD;
		}
		break;
	case NDP_NA:
		if (IN6_IS_ADDR_MULTICAST(&m->target) ||
		    (IN6_IS_ADDR_MULTICAST(&m->dst) && (m->flags & NDP_NA_SOLICITED)))
			return NDP_BAD_FIELD;
		break;
	}
	return NDP_OK;
}

static uint8_t *
ndp_put_option(uint8_t *p, uint8_t type, size_t len)
{
	memset(p, 0, len);
	p[0] = type;
	p[1] = (uint8_t)(len / 8);
	return p;
}

size_t
ndp_build(const struct ndp_msg *m, uint8_t *out, size_t cap)
{
	size_t fixed = ndp_fixed_len(m->type), plen, n_rdnss = m->n_rdnss;
	uint8_t *ip = out + FRAME_ETH_LEN, *icmp = ip + IP6_LEN, *o;
	uint16_t sum;

	if (fixed == 0)
		return 0;
	if (n_rdnss > NDP_RDNSS_MAX)
		n_rdnss = NDP_RDNSS_MAX;
	plen = fixed + (m->has_lla ? 8 : 0);
	if (m->type == NDP_RA)
		plen += (m->mtu ? 8 : 0) + (m->has_prefix ? 32 : 0) + (n_rdnss ? 8 + 16 * n_rdnss : 0) +
		    (m->has_route ? 24 : 0) + (m->has_pref64 ? 16 : 0);
	if (cap < FRAME_ETH_LEN + IP6_LEN + plen)
		return 0;
	frame_put_ip6(out, m->eth_dst, m->eth_src, &m->src, &m->dst, NH_ICMPV6, HOPLIMIT_ND, plen);
	memset(icmp, 0, fixed);
	icmp[0] = m->type;
	switch (m->type) {
	case NDP_RA:
		icmp[4] = m->cur_hop_limit;
		icmp[5] = m->flags;
		icmp[6] = (uint8_t)(m->router_lifetime >> 8);
		icmp[7] = (uint8_t)m->router_lifetime;
		util_put_be32(icmp + 8, m->reachable_ms);
		util_put_be32(icmp + 12, m->retrans_ms);
		break;
	case NDP_NA:
		icmp[4] = m->flags;
		/* fall through */
	case NDP_NS:
		memcpy(icmp + 8, &m->target, 16);
		break;
	default:
		break;
	}
	o = icmp + fixed;
	if (m->has_lla) {
		memcpy(ndp_put_option(o, m->type == NDP_NA ? OPT_TLLA : OPT_SLLA, 8) + 2, m->lla, 6);
		o += 8;
	}
	if (m->type == NDP_RA && m->mtu) {
		util_put_be32(ndp_put_option(o, OPT_MTU, 8) + 4, m->mtu);
		o += 8;
	}
	if (m->type == NDP_RA && m->has_prefix) {
		ndp_put_option(o, OPT_PREFIX, 32);
		o[2] = m->prefix.len;
		o[3] = m->prefix_flags;
		util_put_be32(o + 4, m->valid_lifetime);
		util_put_be32(o + 8, m->preferred_lifetime);
		memcpy(o + 16, &m->prefix.addr, 16);
		o += 32;
	}
	if (m->type == NDP_RA && n_rdnss) {
		ndp_put_option(o, OPT_RDNSS, 8 + 16 * n_rdnss);
		util_put_be32(o + 4, m->rdnss_lifetime);
		for (size_t i = 0; i < n_rdnss; i++)
			memcpy(o + 8 + 16 * i, &m->rdnss[i], 16);
		o += 8 + 16 * n_rdnss;
	}
	if (m->type == NDP_RA && m->has_route) {
		/* always the long form (length 3): any prefix fits */
		ndp_put_option(o, OPT_ROUTE, 24);
		o[2] = m->route.len;
		util_put_be32(o + 4, m->route_lifetime);
		memcpy(o + 8, &m->route.addr, 16);
		o += 24;
	}
	if (m->type == NDP_RA && m->has_pref64) {
		uint16_t life = m->pref64_lifetime > NDP_PREF64_LIFETIME_MAX ? NDP_PREF64_LIFETIME_MAX :
		    m->pref64_lifetime;

		ndp_put_option(o, OPT_PREF64, 16);
		o[2] = (uint8_t)(life >> 8);
		o[3] = (uint8_t)((life & 0xf8) | ndp_pref64_plc(m->pref64.len));
		memcpy(o + 4, &m->pref64.addr, 12);
	}
	sum = frame_l4_checksum(ip, icmp, plen, NH_ICMPV6);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	return FRAME_ETH_LEN + IP6_LEN + plen;
}

void
ndp_link_local(const uint8_t mac[6], struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	out->s6_addr[8] = mac[0] ^ 0x02;        /* invert the U/L bit */
	out->s6_addr[9] = mac[1];
	out->s6_addr[10] = mac[2];
	out->s6_addr[11] = 0xff;
	out->s6_addr[12] = 0xfe;
	out->s6_addr[13] = mac[3];
	out->s6_addr[14] = mac[4];
	out->s6_addr[15] = mac[5];
}

void
ndp_multicast_mac(const struct in6_addr *group, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->s6_addr + 12, 4);
}

void
ndp_solicited_node(const struct in6_addr *addr, struct in6_addr *group, uint8_t mac[6])
{
	static const uint8_t head[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	memcpy(group->s6_addr, head, 13);
	memcpy(group->s6_addr + 13, addr->s6_addr + 13, 3);
	ndp_multicast_mac(group, mac);
}
