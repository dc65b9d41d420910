/* SPDX-License-Identifier: ISC */
/* conf_server: v6extd's file: the [server] and [peer] keys, the checks
 * across peers (names, keys, taps, sub-prefixes, forwards and maps), and
 * conf_server_parse/load/free/reload_fixed. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_internal.h"
#include "dname.h"
#include "privdrop.h"

static int conf_set_ndp(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_sub_len(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_identity(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_route_table(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_prefix(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_dns(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_metrics(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_sub_prefix(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_public4(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_nat64(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_pool(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_forward(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_map(struct conf_ctx *, const struct conf_key *, void *, const char *);

const struct conf_key conf_server_keys[] = {
	{ "private-key-file", conf_set_path, CONF_FIELD(struct conf_server, private_key_file), .required = true },
	{ "listen-port", conf_set_u16, CONF_FIELD(struct conf_server, listen_port), .min = 1, .max = UINT16_MAX },
	{ "upstream", conf_set_ifname, CONF_FIELD(struct conf_server, upstream), .required = true },
	{ "prefix", conf_set_prefix, CONF_FIELD(struct conf_server, prefix) },
	{ "sub-prefix-length", conf_set_sub_len, CONF_FIELD(struct conf_server, sub_prefix_len),
	    .min = PREFIX_SUB_MIN, .max = PREFIX_SUB_MAX },
	{ "dns", conf_set_dns, CONF_FIELD(struct conf_server, dns) },
	{ "mtu", conf_set_u16, CONF_FIELD(struct conf_server, mtu), .min = CONF_MTU_MIN, .max = CONF_MTU_MAX },
	{ "ndp-proxy", conf_set_ndp, CONF_FIELD(struct conf_server, ndp_proxy) },
	{ "dhcpv6", conf_set_bool, CONF_FIELD(struct conf_server, dhcpv6) },
	{ "dns-search", conf_set_search, CONF_FIELD(struct conf_server, dns_search) },
	{ "dhcpv6-preferred-lifetime", conf_set_u32, CONF_FIELD(struct conf_server, dhcpv6_preferred),
	    .min = CONF_LIFETIME_MIN, .max = CONF_LIFETIME_MAX },
	{ "dhcpv6-valid-lifetime", conf_set_u32, CONF_FIELD(struct conf_server, dhcpv6_valid),
	    .min = CONF_LIFETIME_MIN, .max = CONF_LIFETIME_MAX },
	{ "state-dir", conf_set_path, CONF_FIELD(struct conf_server, state_dir) },
	{ "control-socket", conf_set_path, CONF_FIELD(struct conf_server, control_socket) },
	{ "metrics-listen", conf_set_metrics, CONF_FIELD(struct conf_server, metrics_listen) },
	{ "user", conf_set_user, CONF_FIELD(struct conf_server, user) },
	{ "busy-poll", conf_set_u16, CONF_FIELD(struct conf_server, busy_poll), .min = 0, .max = CONF_BUSY_POLL_MAX },
	{ "route-table", conf_set_route_table, CONF_FIELD(struct conf_server, route_table), .min = 1, .max = UINT32_MAX },
	{ "route-hold", conf_set_u16, CONF_FIELD(struct conf_server, route_hold), .min = 0, .max = CONF_ROUTE_HOLD_MAX },
	{ "site-identity", conf_set_identity, CONF_FIELD(struct conf_server, site_identity) },
	{ "dead-after", conf_set_u16, CONF_FIELD(struct conf_server, dead_after), .min = 0, .max = CONF_DEAD_AFTER_MAX },
	{ "control-group", conf_set_group, CONF_FIELD(struct conf_server, control_group) },
	{ "public-ipv4", conf_set_public4, CONF_FIELD(struct conf_server, public_ipv4) },
	{ "nat64-prefix", conf_set_nat64, CONF_FIELD(struct conf_server, nat64_prefix) },
	{ "ipv4-pool", conf_set_pool, CONF_FIELD(struct conf_server, ipv4_pool) },
	{ "dns-zone", conf_set_dns_zone, CONF_FIELD(struct conf_server, dns_zone) },
	{ "dns-update-server", conf_set_dns_update, CONF_FIELD(struct conf_server, dns_update_server) },
	{ "dns-tsig-key-file", conf_set_path, CONF_FIELD(struct conf_server, dns_tsig_key_file) },
	{ "dns-hosts-dir", conf_set_path, CONF_FIELD(struct conf_server, dns_hosts_dir) },
	{ "dns-hook", conf_set_path, CONF_FIELD(struct conf_server, dns_hook) },
};

const size_t conf_server_n_keys = sizeof(conf_server_keys) / sizeof(conf_server_keys[0]);

const struct conf_key conf_peer_keys[] = {
	[CONF_PEER_PUBLIC_KEY] = { "public-key", conf_set_key, CONF_FIELD(struct conf_peer, public_key),
	    .required = true },
	[CONF_PEER_PSK] = { "preshared-key-file", conf_set_path, CONF_FIELD(struct conf_peer, psk_file) },
	[CONF_PEER_SUB_PREFIX] = { "sub-prefix", conf_set_sub_prefix, CONF_FIELD(struct conf_peer, sub_prefix) },
	[CONF_PEER_TAP] = { "tap", conf_set_ifname, CONF_FIELD(struct conf_peer, tap) },
	[CONF_PEER_FORWARD] = { "forward", conf_set_forward, .repeatable = true },
	[CONF_PEER_MAP] = { "ipv4-map", conf_set_map, .repeatable = true },
	[CONF_PEER_HOST] = { "host", conf_set_host, .repeatable = true },
	[CONF_PEER_HOST_DUID] = { "host-duid", conf_set_host_duid, .repeatable = true },
	[CONF_PEER_PD] = { "prefix-delegation", conf_set_u8, CONF_FIELD(struct conf_peer, pd_len),
	    .min = PREFIX_SUB_MIN, .max = 128 },
};

const size_t conf_peer_n_keys = sizeof(conf_peer_keys) / sizeof(conf_peer_keys[0]);

_Static_assert(sizeof(conf_server_keys) / sizeof(conf_server_keys[0]) <= CONF_SECTION_KEYS,
    "[server] has more keys than the seen table holds");

static int
conf_set_ndp(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	enum conf_ndp_mode *mode = conf_field(base, k);
	char vb[CONF_VIS_LEN];

	ctx->ndp_line = ctx->line;
	if (strcmp(v, "auto") == 0)
		*mode = CONF_NDP_AUTO;
	else if (strcmp(v, "static") == 0)
		*mode = CONF_NDP_STATIC;
	else if (strcmp(v, "off") == 0)
		*mode = CONF_NDP_OFF;
	else {
		conf_error(ctx, "%s '%s' is not auto, static or off", k->name, conf_vis(vb, v));
		return -1;
	}
	return 0;
}

/* sub-prefix-length = 48..120; checked against prefix once the file is read */
static int
conf_set_sub_len(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	ctx->sub_len_line = ctx->line;
	return conf_set_u8(ctx, k, base, v);
}

/* site-identity = a public key (base64): gateways that serve the same
 * sites set the same one, the first gateway's public key say, so that a
 * home host sees one router across a failover: the same MAC and
 * link-local address, DHCPv6 server DUID and DHCPv6 addresses. */
static int
conf_set_identity(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	if (conf_set_key(ctx, k, base, v) != 0)
		return -1;
	ctx->srv->has_site_identity = true;
	return 0;
}

/* route-table = 1..2^32-1 but the kernel's own: live sites' prefixes go
 * there for a routing daemon to announce (docs/ROUTING.md) */
static int
conf_set_route_table(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	uint32_t *t = conf_field(base, k);

	if (conf_set_u32(ctx, k, base, v) != 0)
		return -1;
	/* linux/rtnetlink.h: 253 default, 254 main, 255 local */
	if (*t >= 253 && *t <= 255) {
		conf_error(ctx, "%s %u is the kernel's own table: take another (100, say)", k->name, *t);
		return -1;
	}
	return 0;
}

/* prefix = auto | a /64 (on-link) | a routed /40../63 */
static int
conf_set_prefix(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;

	ctx->prefix_line = ctx->line;
	if (strcmp(v, "auto") == 0) {
		srv->prefix_auto = true;
		memset(&srv->prefix, 0, sizeof(srv->prefix));
		return 0;
	}
	if (conf_parse_prefix(ctx, k->name, v, &srv->prefix) == -1)
		return -1;
	if (srv->prefix.len != PREFIX_BASE_LEN &&
	    (srv->prefix.len < PREFIX_ROUTED_MIN || srv->prefix.len > PREFIX_ROUTED_MAX)) {
		conf_error(ctx, "%s must be a /%d on the upstream link or a routed /%d../%d (got /%u)",
		    k->name, PREFIX_BASE_LEN, PREFIX_ROUTED_MIN, PREFIX_ROUTED_MAX,
		    (unsigned int)srv->prefix.len);
		return -1;
	}
	srv->prefix_auto = false;
	return 0;
}

/* dns = ADDR[, ADDR]... : up to CONF_DNS_MAX unicast IPv6 addresses. */
static int
conf_set_dns(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char addr[INET6_ADDRSTRLEN], vb[CONF_VIS_LEN];
	const char *p = v, *end, *comma;
	size_t n = 0, len;

	for (;;) {
		comma = strchr(p, ',');
		end = comma != NULL ? comma : p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (p == end) {
			conf_error(ctx, "%s has an empty entry", k->name);
			return -1;
		}
		if (n == CONF_DNS_MAX) {
			conf_error(ctx, "%s has more than %d addresses", k->name, CONF_DNS_MAX);
			return -1;
		}
		/* a longer entry is no address; its start is enough for the message */
		len = (size_t)(end - p) < sizeof(addr) ? (size_t)(end - p) : sizeof(addr) - 1;
		memcpy(addr, p, len);
		addr[len] = '\0';
		if (len < (size_t)(end - p) || inet_pton(AF_INET6, addr, &srv->dns[n]) != 1) {
			conf_error(ctx, "%s '%s' is not an IPv6 address", k->name, conf_vis(vb, addr));
			return -1;
		}
		/* RFC 8106 5.1: RDNSS carries unicast addresses of servers */
		if (IN6_IS_ADDR_UNSPECIFIED(&srv->dns[n]) || IN6_IS_ADDR_MULTICAST(&srv->dns[n])) {
			conf_error(ctx, "%s %s is not a unicast address", k->name, addr);
			return -1;
		}
		n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	srv->n_dns = n;
	return 0;
}

/* metrics-listen = [IPV6]:PORT | IPV4:PORT, literals only: the daemon
 * binds it before any resolver is up. */
static int
conf_set_metrics(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;

	if (conf_parse_sockaddr(ctx, k->name, v, &srv->metrics_listen, 0) == -1)
		return -1;
	srv->metrics_enabled = true;
	return 0;
}

/* sub-prefix = auto | INDEX | PREFIX. Bounds that depend on
 * sub-prefix-length and prefix are checked once the file is read
 * (conf_check_subs), since [server] may come after the peers. */
static int
conf_set_sub_prefix(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_peer *peer = base;
	char vb[CONF_VIS_LEN];
	uint64_t n;

	if (strcmp(v, "auto") == 0) {
		peer->sub_kind = CONF_SUB_AUTO;
	} else if (strchr(v, '/') != NULL) {
		if (conf_parse_prefix(ctx, k->name, v, &peer->sub_prefix) == -1)
			return -1;
		peer->sub_kind = CONF_SUB_PREFIX;
	} else if (v[0] >= '0' && v[0] <= '9') {
		if (conf_parse_uint(ctx, k->name, v, 0, UINT64_MAX, &n) == -1)
			return -1;
		if (n == 0) {
			conf_error(ctx, "%s index 0 is reserved (the /64's own addresses)", k->name);
			return -1;
		}
		peer->sub_kind = CONF_SUB_INDEX;
		peer->sub_index = n;
	} else {
		conf_error(ctx, "%s '%s' is not auto, an index or a prefix", k->name, conf_vis(vb, v));
		return -1;
	}
	return 0;
}

/* public-ipv4 = auto | off | A.B.C.D */
static int
conf_set_public4(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char vb[CONF_VIS_LEN];

	if (strcmp(v, "auto") == 0 || strcmp(v, "off") == 0) {
		srv->public_ipv4_mode = v[1] == 'u' ? CONF_IPV4_AUTO : CONF_IPV4_OFF;
		return 0;
	}
	if (!conf_ipv4_parse(v, &srv->public_ipv4) || !conf_ipv4_unicast(&srv->public_ipv4)) {
		conf_error(ctx, "%s %s: not auto, off or a unicast IPv4 address", k->name, conf_vis(vb, v));
		return -1;
	}
	srv->public_ipv4_mode = CONF_IPV4_ADDR;
	return 0;
}

/* nat64-prefix: a /96 (RFC 6052 2.2: the IPv4 address in its last 32 bits;
 * the shorter layouts with the u octet are not used) */
static int
conf_set_nat64(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;

	if (conf_parse_prefix(ctx, k->name, v, &srv->nat64_prefix) == -1)
		return -1;
	if (srv->nat64_prefix.len != 96) {
		conf_error(ctx, "%s must be a /96 (got /%u)", k->name, (unsigned)srv->nat64_prefix.len);
		return -1;
	}
	if (IN6_IS_ADDR_MULTICAST(&srv->nat64_prefix.addr) || IN6_IS_ADDR_LINKLOCAL(&srv->nat64_prefix.addr) ||
	    IN6_IS_ADDR_V4MAPPED(&srv->nat64_prefix.addr) || IN6_IS_ADDR_UNSPECIFIED(&srv->nat64_prefix.addr)) {
		conf_error(ctx, "%s %s: not a unicast prefix", k->name, v);
		return -1;
	}
	return 0;
}

static int
conf_set_pool(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char vb[CONF_VIS_LEN], why[CONF_ERR_LEN];

	if (conf_ipv4_prefix_parse(v, &srv->ipv4_pool, &srv->ipv4_pool_len, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s %s: %s", k->name, conf_vis(vb, v), why);
		return -1;
	}
	if (srv->ipv4_pool_len < CONF_POOL_LEN_MIN || srv->ipv4_pool_len > CONF_POOL_LEN_MAX ||
	    !conf_ipv4_unicast(&srv->ipv4_pool)) {
		conf_error(ctx, "%s %s: a unicast /%d to /%d", k->name, v, CONF_POOL_LEN_MIN, CONF_POOL_LEN_MAX);
		return -1;
	}
	return 0;
}

/* Room for one more of n entries of size in *v (doubling). */
void *
conf_grow(struct conf_ctx *ctx, void *v, size_t n, size_t size, size_t max, const char *what)
{
	void *nv;

	if (n >= max) {
		conf_error(ctx, "more than %zu %s", max, what);
		return NULL;
	}
	if ((n & (n - 1)) != 0)
		return v;               /* capacity doubles at each power of two: room */
	if ((nv = realloc(v, (n ? n * 2 : 1) * size)) == NULL)
		conf_error(ctx, "out of memory");
	return nv;
}

static int
conf_set_forward(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = ctx->srv;
	const struct conf_peer *peer = base;
	struct conf_forward *f, *nv;
	char why[CONF_ERR_LEN];

	(void)k;
	if ((nv = conf_grow(ctx, srv->forwards, srv->n_forwards, sizeof(*nv), CONF_FORWARDS_MAX, "forwards")) == NULL)
		return -1;
	srv->forwards = nv;
	f = &srv->forwards[srv->n_forwards];
	memset(f, 0, sizeof(*f));
	if (conf_forward_parse(v, f, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s", why);
		return -1;
	}
	memcpy(f->peer, peer->name, sizeof(f->peer));
	f->line = ctx->line;
	srv->n_forwards++;
	return 0;
}

static int
conf_set_map(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = ctx->srv;
	const struct conf_peer *peer = base;
	struct conf_map *m, *nv;
	char why[CONF_ERR_LEN];

	(void)k;
	if ((nv = conf_grow(ctx, srv->maps, srv->n_maps, sizeof(*nv), CONF_MAPS_MAX, "ipv4-maps")) == NULL)
		return -1;
	srv->maps = nv;
	m = &srv->maps[srv->n_maps];
	memset(m, 0, sizeof(*m));
	if (conf_map_parse(v, m, why, sizeof(why)) != 0) {
		conf_error(ctx, "%s", why);
		return -1;
	}
	memcpy(m->peer, peer->name, sizeof(m->peer));
	m->line = ctx->line;
	srv->n_maps++;
	return 0;
}

/* ------------------------------------------------------ checks across peers */

static int
conf_sort_key_cmp(enum conf_dup what, const struct conf_sort *a, const struct conf_sort *b)
{
	switch (what) {
	case CONF_DUP_NAME:
	case CONF_DUP_TAP:
		return strcmp(a->key, b->key);
	case CONF_DUP_KEY:
		return memcmp(a->key, b->key, KEY_LEN);
	case CONF_DUP_SUB:
		return a->idx < b->idx ? -1 : a->idx > b->idx;
	}
	return 0;
}

/* Same keys sort in file order, so the first of a run is the original. */
static int
conf_sort_tie(int c, const struct conf_sort *a, const struct conf_sort *b)
{
	if (c != 0)
		return c;
	return a->peer < b->peer ? -1 : a->peer > b->peer;
}

static int
conf_sort_name(const void *a, const void *b)
{
	return conf_sort_tie(conf_sort_key_cmp(CONF_DUP_NAME, a, b), a, b);
}

static int
conf_sort_pubkey(const void *a, const void *b)
{
	return conf_sort_tie(conf_sort_key_cmp(CONF_DUP_KEY, a, b), a, b);
}

static int
conf_sort_index(const void *a, const void *b)
{
	return conf_sort_tie(conf_sort_key_cmp(CONF_DUP_SUB, a, b), a, b);
}

static void
conf_dup_report(struct conf_ctx *ctx, enum conf_dup what, size_t first, size_t dup, uint64_t idx)
{
	const struct conf_peer *a = &ctx->srv->peers[first], *b = &ctx->srv->peers[dup];
	const struct conf_peer_lines *bl = &ctx->plines[dup];

	switch (what) {
	case CONF_DUP_NAME:
		conf_error_at(ctx, b->line, "duplicate peer '%s' (first at line %d)", b->name, a->line);
		break;
	case CONF_DUP_KEY:
		conf_error_at(ctx, bl->public_key, "peer %s has the same public-key as peer %s (line %d)",
		    b->name, a->name, a->line);
		break;
	case CONF_DUP_TAP:
		conf_error_at(ctx, bl->tap != 0 ? bl->tap : b->line,
		    "peer %s has the same tap '%s' as peer %s (line %d)", b->name, b->tap, a->name, a->line);
		break;
	case CONF_DUP_SUB:
		conf_error_at(ctx, bl->sub_prefix, "peer %s has the same sub-prefix index %" PRIu64
		    " as peer %s (line %d)", b->name, idx, a->name, a->line);
		break;
	}
}

/* Sort v and report every entry equal to an earlier one. */
static void
conf_check_dups(struct conf_ctx *ctx, enum conf_dup what, struct conf_sort *v, size_t n)
{
	int (*cmp)(const void *, const void *);
	size_t first = 0;

	switch (what) {
	case CONF_DUP_NAME:
	case CONF_DUP_TAP:
		cmp = conf_sort_name;
		break;
	case CONF_DUP_KEY:
		cmp = conf_sort_pubkey;
		break;
	case CONF_DUP_SUB:
	default:
		cmp = conf_sort_index;
		break;
	}
	if (n < 2)
		return;
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 1; i < n; i++) {
		if (conf_sort_key_cmp(what, &v[first], &v[i]) != 0)
			first = i;
		else
			conf_dup_report(ctx, what, v[first].peer, v[i].peer, v[i].idx);
	}
}

/* sub-prefix-length against prefix, and the NDP proxy of a routed prefix:
 * none, since the provider routes the prefix to the VPS rather than
 * resolving its addresses on the upstream link. -1 after an error. */
static int
conf_check_prefix(struct conf_ctx *ctx)
{
	struct conf_server *srv = ctx->srv;
	uint8_t base_len = conf_server_base_len(srv);

	if (!prefix_sub_len_ok(base_len, srv->sub_prefix_len)) {
		if (base_len == PREFIX_BASE_LEN)
			conf_error_at(ctx, ctx->sub_len_line != 0 ? ctx->sub_len_line : ctx->prefix_line,
			    "sub-prefix-length %u does not split a /%u on the upstream link: %u..%u",
			    srv->sub_prefix_len, base_len, PREFIX_SUB_ONLINK_MIN, PREFIX_SUB_MAX);
		else
			conf_error_at(ctx, ctx->sub_len_line != 0 ? ctx->sub_len_line : ctx->prefix_line,
			    "sub-prefix-length %u does not split the routed /%u: %u..%u, longer than"
			    " the prefix and at most %u bits longer", srv->sub_prefix_len, base_len,
			    base_len < PREFIX_SUB_MIN ? PREFIX_SUB_MIN : base_len + 1,
			    base_len + PREFIX_INDEX_BITS_MAX < PREFIX_SUB_MAX ?
			    base_len + PREFIX_INDEX_BITS_MAX : PREFIX_SUB_MAX, PREFIX_INDEX_BITS_MAX);
		return -1;
	}
	if (conf_server_routed(srv)) {
		if (ctx->ndp_line != 0 && srv->ndp_proxy != CONF_NDP_OFF) {
			conf_error_at(ctx, ctx->ndp_line, "ndp-proxy: the routed /%u needs none"
			    " (its provider routes it to this host); leave ndp-proxy out or set it off",
			    base_len);
			return -1;
		}
		srv->ndp_proxy = CONF_NDP_OFF;
	}
	return 0;
}

uint8_t
conf_server_base_len(const struct conf_server *srv)
{
	return srv->prefix_auto ? PREFIX_BASE_LEN : srv->prefix.len;
}

bool
conf_server_routed(const struct conf_server *srv)
{
	return conf_server_base_len(srv) != PREFIX_BASE_LEN;
}

/* prefix-delegation = LEN: a /LEN of the site for a home router (DHCPv6-PD),
 * so the site must be shorter; and no longer than /64: a router numbers a
 * LAN with a /64 from it, and OpenWrt's odhcp6c takes nothing longer. */
static int
conf_check_pd(struct conf_ctx *ctx, const struct conf_peer *peer, int line)
{
	const struct conf_server *srv = ctx->srv;

	if (peer->pd_len > PREFIX_BASE_LEN) {
		conf_error_at(ctx, line, "peer %s: prefix-delegation /%u is longer than /64: a home router"
		    " numbers its LANs with /64s from it (OpenWrt cannot use a longer one)", peer->name,
		    peer->pd_len);
		return -1;
	}
	if (peer->pd_len <= srv->sub_prefix_len) {
		conf_error_at(ctx, line, "peer %s: prefix-delegation /%u needs sites shorter than /%u, and they"
		    " are /%u (a routed prefix, sub-prefix-length below %u)", peer->name, peer->pd_len,
		    peer->pd_len, srv->sub_prefix_len, peer->pd_len);
		return -1;
	}
	return 0;
}

/* Sub-prefixes against sub-prefix-length, prefix and each other. Needs
 * the whole file: [server] may follow the peers. */
static void
conf_check_subs(struct conf_ctx *ctx, struct conf_sort *v)
{
	const struct conf_server *srv = ctx->srv;
	unsigned int sub_len = srv->sub_prefix_len;
	uint64_t count = prefix_sub_count(conf_server_base_len(srv), srv->sub_prefix_len), idx;
	char sb[PREFIX_STRLEN], pb[PREFIX_STRLEN];
	size_t n = 0, first_prefix = SIZE_MAX;
	struct prefix base;

	for (size_t i = 0; i < srv->n_peers; i++) {
		const struct conf_peer *peer = &srv->peers[i];
		int line = ctx->plines[i].sub_prefix;

		if (peer->pd_len != 0 && conf_check_pd(ctx, peer, ctx->plines[i].pd) != 0)
			continue;
		switch (peer->sub_kind) {
		case CONF_SUB_AUTO:
			continue;
		case CONF_SUB_INDEX:
			if (peer->sub_index >= count) {
				conf_error_at(ctx, line, "sub-prefix %" PRIu64 " is not below %" PRIu64
				    " (2^%u sub-prefixes of /%u)", peer->sub_index, count,
				    sub_len - conf_server_base_len(srv), sub_len);
				continue;
			}
			idx = peer->sub_index;
			break;
		case CONF_SUB_PREFIX:
		default:
			prefix_format(&peer->sub_prefix, sb, sizeof(sb));
			if (peer->sub_prefix.len != sub_len) {
				conf_error_at(ctx, line, "sub-prefix %s is not a /%u (sub-prefix-length)",
				    sb, sub_len);
				continue;
			}
			if (!srv->prefix_auto) {
				base = srv->prefix;
				if (!prefix_contains(&base, &peer->sub_prefix.addr)) {
					prefix_format(&base, pb, sizeof(pb));
					conf_error_at(ctx, line, "sub-prefix %s is not inside prefix %s", sb, pb);
					continue;
				}
			} else {
				/* the /64 is learnt at run time, but there is only one */
				memset(&base, 0, sizeof(base));
				memcpy(base.addr.s6_addr, peer->sub_prefix.addr.s6_addr, 8);
				base.len = PREFIX_BASE_LEN;
				if (first_prefix == SIZE_MAX) {
					first_prefix = i;
				} else if (!prefix_contains(&base, &srv->peers[first_prefix].sub_prefix.addr)) {
					prefix_format(&srv->peers[first_prefix].sub_prefix, pb, sizeof(pb));
					conf_error_at(ctx, line, "sub-prefix %s is not in the same /64 as"
					    " peer %s's sub-prefix %s (line %d)", sb,
					    srv->peers[first_prefix].name, pb,
					    ctx->plines[first_prefix].sub_prefix);
					continue;
				}
			}
			if (prefix_sub_index(&base, srv->sub_prefix_len, &peer->sub_prefix.addr, &idx) == -1)
				continue;
			if (idx == 0) {
				conf_error_at(ctx, line, "sub-prefix %s is index 0, which is reserved"
				    " (the prefix's own addresses)", sb);
				continue;
			}
			break;
		}
		v[n].key = NULL;
		v[n].idx = idx;
		v[n].peer = i;
		n++;
	}
	conf_check_dups(ctx, CONF_DUP_SUB, v, n);
}

/* Peer names and public keys are checked even after an error (an earlier
 * duplicate is the first error); taps and sub-prefixes only when the whole
 * file was read and its prefix and sub-prefix-length go together
 * (complete). */
static void
conf_check_peers(struct conf_ctx *ctx, bool complete)
{
	struct conf_server *srv = ctx->srv;
	struct conf_sort *v;
	size_t n, i;

	if (srv->n_peers < 1)
		return;
	if ((v = calloc(srv->n_peers, sizeof(*v))) == NULL) {
		conf_error_at(ctx, 0, "out of memory");
		return;
	}
	for (i = 0; i < srv->n_peers; i++) {
		v[i].key = srv->peers[i].name;
		v[i].peer = i;
	}
	conf_check_dups(ctx, CONF_DUP_NAME, v, srv->n_peers);

	for (i = n = 0; i < srv->n_peers; i++) {
		if (ctx->plines[i].public_key == 0)
			continue;
		v[n].key = srv->peers[i].public_key;
		v[n++].peer = i;
	}
	conf_check_dups(ctx, CONF_DUP_KEY, v, n);

	if (complete) {
		for (i = n = 0; i < srv->n_peers; i++) {
			const struct conf_peer *peer = &srv->peers[i];

			if (peer->tap[0] == '\0')
				continue;
			if (strcmp(peer->tap, srv->upstream) == 0) {
				conf_error_at(ctx, ctx->plines[i].tap != 0 ? ctx->plines[i].tap : peer->line,
				    "peer %s's tap '%s' is the upstream interface", peer->name, peer->tap);
			}
			v[n].key = peer->tap;
			v[n++].peer = i;
		}
		conf_check_dups(ctx, CONF_DUP_TAP, v, n);
		conf_check_subs(ctx, v);
	}
	free(v);
}

/* The sub-prefix of peer, when the file fixes it (a literal sub-prefix, or
 * an index of a literal /64). */
static bool
conf_peer_sub(const struct conf_server *srv, const struct conf_peer *peer, struct prefix *out)
{
	if (peer->sub_kind == CONF_SUB_PREFIX) {
		*out = peer->sub_prefix;
		return true;
	}
	return peer->sub_kind == CONF_SUB_INDEX && !srv->prefix_auto &&
	    prefix_sub_get(&srv->prefix, srv->sub_prefix_len, peer->sub_index, out) == 0;
}

/* A site host of a forward or a mapping (what, at line) must be where its
 * peer's site is, as far as the file tells. */
void
conf_check_host(struct conf_ctx *ctx, const char *what, const char *peer_name, const struct in6_addr *a, int line)
{
	const struct conf_server *srv = ctx->srv;
	const struct conf_peer *peer = conf_server_find_peer(srv, peer_name);
	char ab[INET6_ADDRSTRLEN], pb[PREFIX_STRLEN];
	struct prefix sub;

	inet_ntop(AF_INET6, a, ab, sizeof(ab));
	if (prefix_contains(&srv->nat64_prefix, a)) {
		conf_error_at(ctx, line, "%s: %s is inside nat64-prefix", what, ab);
	} else if (!srv->prefix_auto && !prefix_contains(&srv->prefix, a)) {
		prefix_format(&srv->prefix, pb, sizeof(pb));
		conf_error_at(ctx, line, "%s: %s is not inside prefix %s", what, ab, pb);
	} else if (peer != NULL && conf_peer_sub(srv, peer, &sub) && !prefix_contains(&sub, a)) {
		prefix_format(&sub, pb, sizeof(pb));
		conf_error_at(ctx, line, "%s: %s is not in peer %s's sub-prefix %s", what, ab, peer->name, pb);
	}
}

static int
conf_sort_forward(const void *a, const void *b)
{
	const struct conf_forward *x = *(const struct conf_forward *const *)a, *y = *(const struct conf_forward *const *)b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* IPv4 reach across the file: every forward's and mapping's host in its
 * site, a public port forwarded once, each mapped address once on either
 * side, clear of the pool and the public address; the public address
 * clear of the pool. */
static void
conf_check_ipv4(struct conf_ctx *ctx)
{
	const struct conf_server *srv = ctx->srv;
	const struct conf_forward **v;
	char text[CONF_FORWARD_TEXT], what[CONF_FORWARD_TEXT + 16], a4[INET_ADDRSTRLEN];

	if (!srv->prefix_auto && prefix_contains(&srv->prefix, &srv->nat64_prefix.addr))
		conf_error_at(ctx, ctx->server_line, "nat64-prefix is inside prefix: it must be a prefix of its own");
	/* a forward or a map with no translator to serve it: a contradiction, not a choice */
	if (srv->public_ipv4_mode == CONF_IPV4_OFF && (srv->n_forwards > 0 || srv->n_maps > 0))
		conf_error_at(ctx, srv->n_forwards > 0 ? srv->forwards[0].line : srv->maps[0].line,
		    "%s with public-ipv4 = off: IPv4 reach is off", srv->n_forwards > 0 ? "forward" : "ipv4-map");
	/* the pool lends its addresses to site hosts: the public one among them would be lent too */
	if (srv->public_ipv4_mode == CONF_IPV4_ADDR &&
	    conf_ipv4_in(&srv->public_ipv4, &srv->ipv4_pool, srv->ipv4_pool_len))
		conf_error_at(ctx, ctx->server_line, "public-ipv4 is inside ipv4-pool: the pool must be addresses of its own");
	for (size_t i = 0; i < srv->n_forwards; i++) {
		/* the DNAT would take the tunnel's own IPv4 datagrams */
		if (srv->forwards[i].proto == IPPROTO_UDP && srv->forwards[i].port == srv->listen_port)
			conf_error_at(ctx, srv->forwards[i].line, "forward udp %u: that is listen-port, the tunnel's",
			    srv->listen_port);
		conf_forward_format(&srv->forwards[i], text, sizeof(text));
		snprintf(what, sizeof(what), "forward %s", text);
		conf_check_host(ctx, what, srv->forwards[i].peer, &srv->forwards[i].addr, srv->forwards[i].line);
	}
	if (srv->n_forwards > 1 && (v = calloc(srv->n_forwards, sizeof(*v))) != NULL) {
		for (size_t i = 0; i < srv->n_forwards; i++)
			v[i] = &srv->forwards[i];
		qsort(v, srv->n_forwards, sizeof(*v), conf_sort_forward);
		for (size_t i = 1; i < srv->n_forwards; i++)
			if (v[i]->proto == v[i - 1]->proto && v[i]->port == v[i - 1]->port)
				conf_error_at(ctx, v[i]->line, "forward %s %u: already forwarded by peer %s (line %d)",
				    v[i]->proto == IPPROTO_TCP ? "tcp" : "udp", v[i]->port, v[i - 1]->peer, v[i - 1]->line);
		free(v);
	}
	for (size_t i = 0; i < srv->n_maps; i++) {
		const struct conf_map *m = &srv->maps[i];

		inet_ntop(AF_INET, &m->v4, a4, sizeof(a4));
		snprintf(what, sizeof(what), "ipv4-map %s", a4);
		conf_check_host(ctx, what, m->peer, &m->v6, m->line);
		if (conf_ipv4_in(&m->v4, &srv->ipv4_pool, srv->ipv4_pool_len))
			conf_error_at(ctx, m->line, "%s: inside ipv4-pool", what);
		if (srv->public_ipv4_mode == CONF_IPV4_ADDR && m->v4.s_addr == srv->public_ipv4.s_addr)
			conf_error_at(ctx, m->line, "%s: that is public-ipv4, which forwards use", what);
		/* a few maps at most: pairs */
		for (size_t j = 0; j < i; j++) {
			if (srv->maps[j].v4.s_addr == m->v4.s_addr)
				conf_error_at(ctx, m->line, "%s: mapped already (line %d)", what, srv->maps[j].line);
			else if (memcmp(&srv->maps[j].v6, &m->v6, 16) == 0)
				conf_error_at(ctx, m->line, "%s: that host has a mapping already (line %d)", what,
				    srv->maps[j].line);
		}
	}
}

/* ------------------------------------------------------------------ server */

static int
conf_server_parse_lookup(const char *name, const uint8_t *buf, size_t len, bool lookup,
    struct conf_server *out, char *err, size_t errlen)
{
	struct conf_ctx ctx;

	conf_ctx_init(&ctx, name, buf, len, CONF_FILE_SERVER);
	ctx.lookup = lookup;
	memset(out, 0, sizeof(*out));
	out->control_gid = (gid_t)-1;
	snprintf(out->path, sizeof(out->path), "%s", ctx.name);
	out->listen_port = CONF_DEFAULT_PORT;
	out->prefix_auto = true;
	out->sub_prefix_len = PREFIX_SUB_DEFAULT;
	out->mtu = CONF_DEFAULT_MTU;
	out->ndp_proxy = CONF_NDP_AUTO;
	out->dhcpv6 = true;
	out->dhcpv6_preferred = CONF_DEFAULT_PREFERRED;
	out->dhcpv6_valid = CONF_DEFAULT_VALID;
	snprintf(out->state_dir, sizeof(out->state_dir), "%s", CONF_DEFAULT_STATE_DIR);
	snprintf(out->control_socket, sizeof(out->control_socket), "%s", CONF_DEFAULT_SERVER_SOCK);
	snprintf(out->user, sizeof(out->user), "%s", CONF_DEFAULT_USER);
	out->route_hold = CONF_DEFAULT_ROUTE_HOLD;
	out->dead_after = CONF_DEFAULT_DEAD_AFTER;
	(void)prefix_parse(CONF_DEFAULT_NAT64_PREFIX, &out->nat64_prefix, NULL);
	(void)conf_ipv4_prefix_parse(CONF_DEFAULT_IPV4_POOL, &out->ipv4_pool, &out->ipv4_pool_len, NULL, 0);
	ctx.srv = out;

	conf_run(&ctx);
	if (ctx.eof && ctx.server_line == 0)
		conf_error_at(&ctx, 0, "[server] needs %s", conf_server_keys[0].name);
	/* sub-prefixes are checked only once their length is known good */
	conf_check_peers(&ctx, ctx.eof && conf_check_prefix(&ctx) == 0);
	if (ctx.eof) {
		conf_check_ipv4(&ctx);
		conf_check_dns(&ctx);
	}
	if (ctx.eof && out->dhcpv6_preferred > out->dhcpv6_valid)
		conf_error_at(&ctx, ctx.server_line, "dhcpv6-preferred-lifetime %" PRIu32
		    " is longer than dhcpv6-valid-lifetime %" PRIu32 " (RFC 8415 21.6)",
		    out->dhcpv6_preferred, out->dhcpv6_valid);

	conf_ctx_done(&ctx, err, errlen);
	if (ctx.failed) {
		conf_server_free(out);
		return -1;
	}
	return 0;
}

int
conf_server_parse(const char *name, const uint8_t *buf, size_t len,
    struct conf_server *out, char *err, size_t errlen)
{
	return conf_server_parse_lookup(name, buf, len, false, out, err, errlen);
}

const char *
conf_server_reload_fixed(const struct conf_server *a, const struct conf_server *b)
{
	if (strcmp(a->private_key_file, b->private_key_file) != 0)
		return "private-key-file";
	if (a->listen_port != b->listen_port)
		return "listen-port";
	if (strcmp(a->upstream, b->upstream) != 0)
		return "upstream";
	if (a->prefix_auto != b->prefix_auto || (!a->prefix_auto && memcmp(&a->prefix, &b->prefix, sizeof(a->prefix)) != 0))
		return "prefix";
	if (a->sub_prefix_len != b->sub_prefix_len)
		return "sub-prefix-length";
	if (a->mtu != b->mtu)
		return "mtu";
	if (a->ndp_proxy != b->ndp_proxy)
		return "ndp-proxy";
	if (strcmp(a->state_dir, b->state_dir) != 0)
		return "state-dir";
	if (strcmp(a->control_socket, b->control_socket) != 0)
		return "control-socket";
	if (a->busy_poll != b->busy_poll)
		return "busy-poll";
	if (a->route_table != b->route_table)
		return "route-table";
	if (a->has_site_identity != b->has_site_identity ||
	    memcmp(a->site_identity, b->site_identity, sizeof(a->site_identity)) != 0)
		return "site-identity";
	if (strcmp(a->user, b->user) != 0)
		return "user";
	if (strcmp(a->control_group, b->control_group) != 0)
		return "control-group";
	if (a->metrics_enabled != b->metrics_enabled ||
	    memcmp(&a->metrics_listen, &b->metrics_listen, sizeof(a->metrics_listen)) != 0)
		return "metrics-listen";
	if (a->public_ipv4_mode != b->public_ipv4_mode ||
	    (a->public_ipv4_mode == CONF_IPV4_ADDR && a->public_ipv4.s_addr != b->public_ipv4.s_addr))
		return "public-ipv4";
	if (memcmp(&a->nat64_prefix, &b->nat64_prefix, sizeof(a->nat64_prefix)) != 0)
		return "nat64-prefix";
	if (a->ipv4_pool.s_addr != b->ipv4_pool.s_addr || a->ipv4_pool_len != b->ipv4_pool_len)
		return "ipv4-pool";
	return conf_dns_reload_fixed(a, b);
}

void
conf_server_free(struct conf_server *c)
{
	if (c == NULL)
		return;
	free(c->peers);
	free(c->forwards);
	free(c->maps);
	free(c->hosts);
	memset(c, 0, sizeof(*c));
}

const struct conf_peer *
conf_server_find_peer(const struct conf_server *c, const char *name)
{
	if (c == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < c->n_peers; i++)
		if (strcmp(c->peers[i].name, name) == 0)
			return &c->peers[i];
	return NULL;
}

int
conf_server_load(const char *path, struct conf_server *out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return -1;
	ret = conf_server_parse_lookup(path, buf, len, true, out, err, errlen);
	free(buf);
	return ret;
}
