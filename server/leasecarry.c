/* SPDX-License-Identifier: ISC */
/* leasecarry: the site's delegations as a frame, and back (leasecarry.h). */
#include "config.h"

#include <string.h>

#include "frame.h"
#include "leasecarry.h"
#include "util.h"

static const uint8_t leasecarry_magic[4] = { 'v', '6', 'x', 'L' };

bool
leasecarry_is(const uint8_t *frame, size_t len)
{
	return len >= LEASECARRY_HEADER_LEN && frame_is_v6ext(frame, len) &&
	    memcmp(frame + 14, leasecarry_magic, sizeof(leasecarry_magic)) == 0;
}

size_t
leasecarry_build(const struct leasecarry_rec *r, size_t n, const uint8_t mac[6], uint8_t *out, size_t cap,
    size_t *n_out)
{
	size_t off = LEASECARRY_HEADER_LEN, k;

	*n_out = 0;
	if (cap < LEASECARRY_HEADER_LEN)
		return 0;
	memcpy(out, mac, 6);            /* to the site's own MAC: no host's */
	memcpy(out + 6, mac, 6);
	util_put_be16(out + 12, FRAME_ETHERTYPE_V6EXT);
	memcpy(out + 14, leasecarry_magic, sizeof(leasecarry_magic));
	out[18] = 1;
	for (k = 0; k < n && k < LEASECARRY_MAX; k++) {
		const struct leasecarry_rec *x = &r[k];
		size_t duid_len = x->duid_len > DHCP6_DUID_MAX ? DHCP6_DUID_MAX : x->duid_len;

		if (cap - off < LEASECARRY_REC_MIN + duid_len)
			break;
		out[off] = x->plen;
		util_put_be32(out + off + 1, x->iaid);
		util_put_be64(out + off + 5, x->expires);
		memcpy(out + off + 13, &x->prefix, 16);
		memcpy(out + off + 29, &x->via, 16);
		out[off + 45] = (uint8_t)duid_len;
		memcpy(out + off + 46, x->duid, duid_len);
		off += LEASECARRY_REC_MIN + duid_len;
	}
	out[19] = (uint8_t)k;
	*n_out = k;
	return off;
}

int
leasecarry_parse(const uint8_t *frame, size_t len, struct leasecarry_rec *out, size_t max, size_t *n,
    const char **why)
{
	size_t off = LEASECARRY_HEADER_LEN, count;

	*n = 0;
	if (!leasecarry_is(frame, len)) {
		*why = "not a lease frame";
		return -1;
	}
	if (frame[18] != 1) {
		*why = "unknown version";
		return -1;
	}
	count = frame[19];
	if (count > LEASECARRY_MAX || count > max) {
		*why = "too many records";
		return -1;
	}
	for (size_t k = 0; k < count; k++) {
		struct leasecarry_rec *x = &out[k];

		if (len - off < LEASECARRY_REC_MIN || frame[off + 45] > DHCP6_DUID_MAX ||
		    len - off - LEASECARRY_REC_MIN < frame[off + 45]) {
			*why = "record cut short";
			return -1;
		}
		memset(x, 0, sizeof(*x));
		x->plen = frame[off];
		x->iaid = util_get_be32(frame + off + 1);
		x->expires = util_get_be64(frame + off + 5);
		memcpy(&x->prefix, frame + off + 13, 16);
		memcpy(&x->via, frame + off + 29, 16);
		x->duid_len = frame[off + 45];
		memcpy(x->duid, frame + off + 46, x->duid_len);
		off += LEASECARRY_REC_MIN + x->duid_len;
	}
	if (off != len) {
		*why = "bytes after the last record";
		return -1;
	}
	*n = count;
	return 0;
}

size_t
leasecarry_collect(const struct leases *l, const char *site, uint64_t now, struct leasecarry_rec *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n && n < max; i++) {
		const struct lease *e = &l->v[i];

		if (e->plen == 0 || e->duid_len == 0 || e->expires <= now || strcmp(e->site, site) != 0)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].plen = e->plen;
		out[n].iaid = e->iaid;
		out[n].expires = e->expires;
		out[n].prefix = e->addr;
		out[n].via = e->via;
		out[n].duid_len = (uint8_t)e->duid_len;
		memcpy(out[n].duid, e->duid, e->duid_len);
		n++;
	}
	return n;
}

int
leasecarry_check(const struct leasecarry_rec *r, const struct prefix *sub, const struct prefix *link,
    uint8_t pd_len, uint64_t now, uint32_t valid, const char **why)
{
	struct prefix p = { .addr = r->prefix, .len = r->plen };

	if (pd_len == 0 || r->plen != pd_len) {
		*why = "not the peer's prefix-delegation length";
		return -1;
	}
	prefix_mask(&p);
	if (memcmp(&p.addr, &r->prefix, sizeof(p.addr)) != 0 || !prefix_contains(sub, &p.addr) ||
	    prefix_contains(&p, &link->addr) || prefix_contains(link, &p.addr)) {
		*why = "not a delegable prefix of the site";
		return -1;
	}
	if (!IN6_IS_ADDR_LINKLOCAL(&r->via)) {
		*why = "router not link-local";
		return -1;
	}
	if (r->duid_len == 0) {
		*why = "no DUID";
		return -1;
	}
	if (r->expires <= now || r->expires - now > valid) {
		*why = "expired, or longer than this server gives";
		return -1;
	}
	return 0;
}
