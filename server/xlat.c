/* SPDX-License-Identifier: ISC */
/* xlat: the translator in the engine; see xlat.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/event.h>

#include "gso.h"

#include "engine_data.h"
#include "log.h"
#include "namesync.h"
#include "priv.h"
#include "site.h"
#include "util.h"
#include "xlat.h"

#define XLAT_PACKET_MAX 65536           /* the device's MTU, and a burst */

struct xlat *
xlat_open(struct engine *e, int fd, bool offload, const struct in_addr *public4, char *err, size_t errlen)
{
	struct xlat *x = calloc(1, sizeof(*x));
	struct siit_conf sc = { .sites = e->prefix, .public4 = *public4, .mtu6 = e->conf.mtu };

	if (x == NULL || (x->in = malloc(GSO_HDR_LEN + XLAT_PACKET_MAX)) == NULL ||
	    (x->out.buf = malloc(SIIT_OUT_BYTES)) == NULL ||
	    eam_init(&x->map, ntohl(e->conf.ipv4_pool.s_addr), e->conf.ipv4_pool_len) != 0) {
		snprintf(err, errlen, "translator: out of memory");
		goto fail;
	}
	x->fd = fd;
	x->offload = offload;
	x->out.cap = SIIT_OUT_BYTES;
	x->nat64 = e->conf.nat64_prefix;
	forwards_init(&x->fw);
	memcpy(sc.prefix96, &e->conf.nat64_prefix.addr, 12);
	siit_init(&x->siit, &sc, &x->map);
	for (size_t i = 0; i < e->conf.n_maps; i++) {
		const struct conf_map *m = &e->conf.maps[i];

		if (eam_add_map(&x->map, &m->v4, &m->v6) != 0) {
			snprintf(err, errlen, "%s:%d: ipv4-map: %s", e->conf.path, m->line,
			    errno == EEXIST ? "an address mapped twice" : "too many mappings");
			goto fail;
		}
	}
	return x;
fail:
	xlat_close(x);
	return NULL;
}

void
xlat_close(struct xlat *x)
{
	if (x == NULL)
		return;
	if (x->ev != NULL)
		event_free(x->ev);
	eam_free(&x->map);
	forwards_free(&x->fw);
	free(x->in);
	free(x->out.buf);
	free(x);
}

/* ---- packets */

/* The forward a translated IPv4 packet belongs to: its (proto, address,
 * port) on the host's side, the destination of what came in (dst) or the
 * source of what goes out. NULL for fragments after the first, other
 * protocols, and traffic of no forward (egress, ipv4-maps). */
static struct forward *
xlat_forward_of(struct xlat *x, const uint8_t *ip, size_t len, bool dst)
{
	size_t ihl;
	uint16_t port;
	struct in_addr a;

	if (len < 20 || (ip[0] >> 4) != 4 || (ihl = (size_t)(ip[0] & 15) * 4) < 20 || len < ihl + 4 ||
	    (ip[9] != IPPROTO_TCP && ip[9] != IPPROTO_UDP) || ((ip[6] & 0x1f) | ip[7]) != 0)
		return NULL;
	memcpy(&a, ip + (dst ? 16 : 12), 4);
	port = (uint16_t)(ip[ihl + (dst ? 2 : 0)] << 8 | ip[ihl + (dst ? 3 : 1)]);
	/* a handful of forwards per VPS: a scan of the few to this host */
	for (size_t i = 0; i < x->fw.n; i++) {
		struct forward *f = &x->fw.v[i];

		if (f->to.s_addr == a.s_addr && f->f.to_port == port && f->f.proto == ip[9])
			return f;
	}
	return NULL;
}

/* One packet out, behind a virtio_net_hdr when the device has them; a
 * burst's payload (rest) follows its headers from where it was read. */
static void
xlat_write(struct xlat *x, const struct virtio_net_hdr *h, const uint8_t *pkt, size_t len,
    const uint8_t *rest, size_t rest_len)
{
	static const struct virtio_net_hdr none;
	struct iovec iov[3] = {
		{ .iov_base = (void *)(h != NULL ? h : &none), .iov_len = GSO_HDR_LEN },
		{ .iov_base = (void *)pkt, .iov_len = len },
		{ .iov_base = (void *)rest, .iov_len = rest_len },
	};
	int n = rest_len != 0 ? 3 : 2;

	if (writev(x->fd, x->offload ? iov : iov + 1, x->offload ? n : n - 1) !=
	    (ssize_t)(len + rest_len + (x->offload ? GSO_HDR_LEN : 0)))
		x->write_fail++;
}

/* A TCP burst (the device's TSO): its headers translated into x->out, its
 * payload in *g, the virtio_net_hdr it leaves behind in *h. */
static enum siit_drop
xlat_burst(struct xlat *x, const struct virtio_net_hdr *in, uint8_t *pkt, size_t len, uint64_t now,
    struct virtio_net_hdr *h, struct siit_gso *gp)
{
	unsigned type = in->gso_type & (unsigned)~VIRTIO_NET_HDR_GSO_ECN;
	bool v4 = (pkt[0] >> 4) == 4;
	struct siit_gso g;
	enum siit_drop d;

	if (type != (v4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6)) {
		x->siit.drops[SIIT_DROP_HEADER]++;
		return SIIT_DROP_HEADER;
	}
	d = v4 ? siit_gso_4to6(&x->siit, pkt, len, in->gso_size, now, &x->out, &g) :
	    siit_gso_6to4(&x->siit, pkt, len, in->gso_size, now, &x->out, &g);
	if (d != SIIT_OK)
		return d;
	/* the TCP checksum: the kernel adds each segment's to the
	 * pseudo-header sum siit left in the field */
	*h = (struct virtio_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_offset = 16,
	    .gso_type = (uint8_t)((v4 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4) |
	    (in->gso_type & VIRTIO_NET_HDR_GSO_ECN)),
	    .hdr_len = g.hdr_len, .gso_size = g.size, .csum_start = v4 ? 40 : 20 };
	*gp = g;
	return SIIT_OK;
}

/* The forward a packet from a site belongs to: TCP or UDP right after the
 * IPv6 header, from a forward's host and port. NULL otherwise. */
static struct forward *
xlat_forward_from(struct xlat *x, const uint8_t *ip, size_t len)
{
	uint16_t port;

	if (len < 40 + 4 || (ip[0] >> 4) != 6 || (ip[6] != IPPROTO_TCP && ip[6] != IPPROTO_UDP))
		return NULL;
	port = (uint16_t)(ip[40] << 8 | ip[41]);
	for (size_t i = 0; i < x->fw.n; i++) {
		struct forward *f = &x->fw.v[i];

		if (f->f.to_port == port && f->f.proto == ip[6] && memcmp(&f->f.addr, ip + 8, 16) == 0)
			return f;
	}
	return NULL;
}

static void
xlat_read(evutil_socket_t fd, short what, void *arg)
{
	struct xlat *x = arg;
	size_t hl = x->offload ? GSO_HDR_LEN : 0;
	uint64_t now = util_now_ms();   /* one clock read a batch: the map ages in minutes */

	(void)what;
	for (int i = 0; i < XLAT_BATCH; i++) {
		ssize_t n = read(fd, x->in, hl + XLAT_PACKET_MAX);
		struct virtio_net_hdr h = { 0 }, burst;
		struct siit_gso g = { .payload = NULL, .payload_len = 0 };
		bool is_burst = false;
		uint8_t *pkt = x->in + hl;
		size_t len;
		enum siit_drop d;
		struct forward *f;

		if (n <= 0)
			break;          /* EAGAIN: drained */
		if ((size_t)n <= hl) {
			x->siit.drops[SIIT_DROP_TRUNCATED]++;
			continue;
		}
		len = (size_t)n - hl;
		x->out.n = 0;
		if (hl != 0) {
			memcpy(&h, x->in, GSO_HDR_LEN);
			if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
				d = xlat_burst(x, &h, pkt, len, now, &burst, &g);
				is_burst = d == SIIT_OK;
				goto counted;
			}
			/* a checksum left to the device: done here, then the
			 * packet is an ordinary one */
			if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
			    !siit_csum_complete(pkt, len, h.csum_start, h.csum_offset)) {
				x->siit.drops[SIIT_DROP_HEADER]++;
				continue;
			}
		}
		switch (pkt[0] >> 4) {
		case 4:
			d = siit_4to6(&x->siit, pkt, len, now, &x->out);
			break;
		case 6:
			d = siit_6to4(&x->siit, pkt, len, now, &x->out);
			break;
		default:
			x->siit.drops[SIIT_DROP_HEADER]++;
			continue;
		}
counted:
		if (d == SIIT_OK) {
			bool in = (pkt[0] >> 4) == 4;

			/* what came in names the forward; what goes out, the other way */
			f = in ? xlat_forward_of(x, pkt, len, true) :
			    x->out.n > 0 ? xlat_forward_of(x, x->out.buf + x->out.off[0], x->out.len[0], false) : NULL;
			if (f != NULL && in) {
				f->packets_in++;
				f->bytes_in += len;
			} else if (f != NULL) {
				f->packets_out++;
				f->bytes_out += len;
			}
		} else if ((f = (pkt[0] >> 4) == 4 ? xlat_forward_of(x, pkt, len, true) :
		    xlat_forward_from(x, pkt, len)) != NULL) {
			f->drops[d]++;
		}
		if (is_burst)
			xlat_write(x, &burst, x->out.buf + x->out.off[0], x->out.len[0], g.payload, g.payload_len);
		else
			for (size_t k = 0; k < x->out.n; k++)
				xlat_write(x, NULL, x->out.buf + x->out.off[k], x->out.len[k], NULL, 0);
	}
}

void
xlat_tick(struct xlat *x, uint64_t now)
{
	if (x != NULL)
		eam_expire(&x->map, now);
}

/* ---- forwards */

/* f's host must be in its site's sub-prefix. */
static int
xlat_check(struct engine *e, const struct conf_forward *f, char *err, size_t errlen)
{
	const struct site *s = sitetab_by_name(&e->sites, f->peer);
	char text[CONF_FORWARD_TEXT], pb[PREFIX_STRLEN];

	conf_forward_format(f, text, sizeof(text));
	if (s == NULL)
		return util_errorf(err, errlen, "forward %s: no peer %s", text, f->peer);
	if (!prefix_contains(&s->link.sub, &f->addr)) {
		prefix_format(&s->link.sub, pb, sizeof(pb));
		return util_errorf(err, errlen, "forward %s: the host is not in peer %s's sub-prefix %s", text,
		    f->peer, pb);
	}
	return 0;
}

/* The parent's table for the forwards of fw. */
static int
xlat_rules(struct engine *e, const struct forwards *fw, char *err, size_t errlen)
{
	struct nftrules_dnat *d = calloc(fw->n ? fw->n : 1, sizeof(*d));
	int rc;

	if (d == NULL)
		return util_errorf(err, errlen, "out of memory");
	for (size_t i = 0; i < fw->n; i++)
		d[i] = (struct nftrules_dnat){ .proto = fw->v[i].f.proto, .port = fw->v[i].f.port,
		    .to = fw->v[i].to, .to_port = fw->v[i].f.to_port };
	rc = priv_nat64_rules(&e->priv, d, fw->n, err, errlen);
	free(d);
	return rc;
}

/* Map each forward of fw from index from on to its host's address. */
static int
xlat_map_all(struct xlat *x, struct forwards *fw, size_t from, char *err, size_t errlen)
{
	for (size_t i = from; i < fw->n; i++) {
		if (eam_forward_get(&x->map, &fw->v[i].f.addr, util_now_ms(), &fw->v[i].to) != 0) {
			while (i-- > from)
				eam_forward_put(&x->map, &fw->v[i].f.addr);
			return util_errorf(err, errlen, "the translator's pool (ipv4-pool) is full");
		}
	}
	return 0;
}

static void
xlat_unmap_all(struct xlat *x, const struct forwards *fw)
{
	for (size_t i = 0; i < fw->n; i++)
		eam_forward_put(&x->map, &fw->v[i].f.addr);
}

/* fw becomes the forwards: mapped, ruled; the old ones unmapped. On
 * failure nothing changed (fw is freed either way). */
static int
xlat_replace(struct engine *e, struct forwards *fw, char *err, size_t errlen)
{
	struct xlat *x = e->xlat;

	/* the new ones first, so a host in both keeps its pool address */
	if (xlat_map_all(x, fw, 0, err, errlen) != 0) {
		forwards_free(fw);
		return -1;
	}
	if (xlat_rules(e, fw, err, errlen) != 0) {
		xlat_unmap_all(x, fw);
		forwards_free(fw);
		return -1;
	}
	/* a forward that stays keeps its counters through a reload */
	for (size_t i = 0; i < fw->n; i++) {
		struct forward *n = &fw->v[i];
		const struct forward *o = forwards_find(&x->fw, n->f.proto, n->f.port);

		if (o != NULL && n->packets_in == 0 && n->packets_out == 0 && strcmp(o->f.peer, n->f.peer) == 0 &&
		    memcmp(&o->f.addr, &n->f.addr, 16) == 0 && o->f.to_port == n->f.to_port) {
			n->packets_in = o->packets_in;
			n->bytes_in = o->bytes_in;
			n->packets_out = o->packets_out;
			n->bytes_out = o->bytes_out;
			memcpy(n->drops, o->drops, sizeof(n->drops));
		}
	}
	xlat_unmap_all(x, &x->fw);
	forwards_free(&x->fw);
	x->fw = *fw;
	return 0;
}

/* Add to fw the configuration's forwards (checked: an error stops) and the
 * run-time ones of rt that still fit (the others dropped and logged). */
static int
xlat_merge(struct engine *e, const struct conf_server *c, const struct forwards *rt, struct forwards *fw,
    char *err, size_t errlen)
{
	char text[CONF_FORWARD_TEXT], why[CONF_ERR_LEN];

	for (size_t i = 0; i < c->n_forwards; i++) {
		const struct conf_forward *f = &c->forwards[i];

		if (xlat_check(e, f, why, sizeof(why)) != 0)
			return util_errorf(err, errlen, "%s:%d: %s", c->path, f->line, why);
		if (forwards_add(fw, f, false) != 0)
			return util_errorf(err, errlen, "%s:%d: %s", c->path, f->line, strerror(errno));
	}
	for (size_t i = 0; i < rt->n; i++) {
		const struct conf_forward *f = &rt->v[i].f;

		conf_forward_format(f, text, sizeof(text));
		if (xlat_check(e, f, why, sizeof(why)) != 0)
			log_warnx("run-time %s: dropped", why);
		else if (forwards_add(fw, f, true) != 0)
			log_warnx("run-time forward %s of peer %s: dropped: %s", text, f->peer,
			    errno == EEXIST ? "the configuration forwards that port now" : strerror(errno));
	}
	return 0;
}

int
xlat_parse_state(const uint8_t *buf, size_t len, void *obj, char *err, size_t errlen)
{
	struct xlat *x = obj;

	return forwards_parse(buf, len, &x->fw, err, errlen);
}

int
xlat_build_state(const void *obj, char **out, size_t *len)
{
	const struct xlat *x = obj;

	return forwards_build(&x->fw, out, len);
}

/* The forwards become c's and the run-time ones of rt that still fit
 * (rt is freed); the state file is written again when one was dropped. */
static int
xlat_adopt(struct engine *e, const struct conf_server *c, struct forwards *rt, char *err, size_t errlen)
{
	struct forwards fw;
	size_t want = rt->n + c->n_forwards;
	int rc;

	forwards_init(&fw);
	rc = xlat_merge(e, c, rt, &fw, err, errlen);
	forwards_free(rt);
	if (rc != 0) {
		forwards_free(&fw);
		return -1;
	}
	if (fw.n != want)
		state_touch(&e->state, PRIV_FILE_FORWARDS);
	return xlat_replace(e, &fw, err, errlen);
}

int
xlat_start(struct engine *e, char *err, size_t errlen)
{
	struct xlat *x = e->xlat;
	struct forwards rt = x->fw;

	/* x->fw holds the state file's run-time forwards, unmapped */
	forwards_init(&x->fw);
	if (xlat_adopt(e, &e->conf, &rt, err, errlen) != 0)
		return -1;
	if ((x->ev = event_new(e->base, x->fd, EV_READ | EV_PERSIST, xlat_read, x)) == NULL ||
	    event_add(x->ev, NULL) != 0)
		return util_errorf(err, errlen, "libevent: cannot add the translator's event");
	log_info("translator: %zu forwards, %zu ipv4-maps", x->fw.n, e->conf.n_maps);
	return 0;
}

int
xlat_reload(struct engine *e, const struct conf_server *nc, char *err, size_t errlen)
{
	struct xlat *x = e->xlat;
	struct forwards rt;

	if (x == NULL)
		return 0;
	forwards_init(&rt);
	for (size_t i = 0; i < x->fw.n; i++) {
		if (x->fw.v[i].runtime && forwards_add(&rt, &x->fw.v[i].f, true) != 0) {
			forwards_free(&rt);
			return util_errorf(err, errlen, "out of memory");
		}
	}
	return xlat_adopt(e, nc, &rt, err, errlen);
}

/* A copy of the forwards, for a change that may fail. */
static int
xlat_copy(const struct forwards *from, struct forwards *to)
{
	/* whole entries: the counters go along */
	forwards_init(to);
	if (from->n == 0)
		return 0;
	if ((to->v = malloc(from->n * sizeof(*to->v))) == NULL)
		return -1;
	memcpy(to->v, from->v, from->n * sizeof(*to->v));
	to->n = to->cap = from->n;
	return 0;
}

/* Make fw the forwards and write the state file before answering. */
static int
xlat_commit(struct engine *e, struct forwards *fw, char *err, size_t errlen)
{
	struct forwards old;

	if (xlat_copy(&e->xlat->fw, &old) != 0) {
		forwards_free(fw);
		return util_errorf(err, errlen, "out of memory");
	}
	if (xlat_replace(e, fw, err, errlen) != 0) {
		forwards_free(&old);
		return -1;
	}
	if (state_save(&e->state, PRIV_FILE_FORWARDS, err, errlen) != 0) {
		char why[CONF_ERR_LEN];

		/* not durable: not done; the rules go back to what they were */
		if (xlat_replace(e, &old, why, sizeof(why)) != 0)
			log_warnx("translator: the rules could not be put back: %s", why);
		return -1;
	}
	forwards_free(&old);
	/* a forward's host gets an A record */
	namesync_all(e);
	return 0;
}

int
xlat_forward_add(struct engine *e, const char *site, const char *text, struct evbuffer *out,
    char *err, size_t errlen)
{
	struct conf_forward f;
	struct forwards fw;
	const struct forward *had;
	char t[CONF_FORWARD_TEXT];

	if (e->xlat == NULL)
		return util_errorf(err, errlen, "no translator runs (public-ipv4 = off, or no IPv4 on upstream)");
	memset(&f, 0, sizeof(f));
	if (conf_forward_parse(text, &f, err, errlen) != 0)
		return -1;
	snprintf(f.peer, sizeof(f.peer), "%s", site);
	if (xlat_check(e, &f, err, errlen) != 0)
		return -1;
	if (f.proto == IPPROTO_UDP && f.port == e->conf.listen_port)
		return util_errorf(err, errlen, "forward udp %u: that is listen-port, the tunnel's", f.port);
	conf_forward_format(&f, t, sizeof(t));
	if ((had = forwards_find(&e->xlat->fw, f.proto, f.port)) != NULL)
		return util_errorf(err, errlen, "%s %u is already forwarded to peer %s",
		    f.proto == IPPROTO_TCP ? "tcp" : "udp", f.port, had->f.peer);
	if (xlat_copy(&e->xlat->fw, &fw) != 0 || forwards_add(&fw, &f, true) != 0) {
		forwards_free(&fw);
		return util_errorf(err, errlen, "%s", strerror(errno));
	}
	if (xlat_commit(e, &fw, err, errlen) != 0)
		return -1;
	log_info("peer %s: forward %s added", site, t);
	evbuffer_add_printf(out, "result=peer %s: forward %s added\n", site, t);
	return 0;
}

int
xlat_forward_remove(struct engine *e, const char *site, const char *proto, const char *port,
    struct evbuffer *out, char *err, size_t errlen)
{
	struct forwards fw;
	const struct forward *f;
	char *end;
	unsigned long p = strtoul(port, &end, 10);
	uint8_t pr = strcmp(proto, "tcp") == 0 ? IPPROTO_TCP : strcmp(proto, "udp") == 0 ? IPPROTO_UDP : 0;

	if (e->xlat == NULL)
		return util_errorf(err, errlen, "no translator runs (public-ipv4 = off, or no IPv4 on upstream)");
	if (pr == 0 || *port == '\0' || *end != '\0' || p == 0 || p > 65535)
		return util_errorf(err, errlen, "usage: forward remove SITE tcp|udp PORT");
	if ((f = forwards_find(&e->xlat->fw, pr, (uint16_t)p)) == NULL || strcmp(f->f.peer, site) != 0)
		return util_errorf(err, errlen, "peer %s has no forward of %s %lu", site, proto, p);
	if (!f->runtime)
		return util_errorf(err, errlen, "forward %s %lu is in %s (line %d): remove it there, then v6ext reload",
		    proto, p, e->conf_path, f->f.line);
	if (xlat_copy(&e->xlat->fw, &fw) != 0)
		return util_errorf(err, errlen, "out of memory");
	(void)forwards_remove(&fw, pr, (uint16_t)p);
	if (xlat_commit(e, &fw, err, errlen) != 0)
		return -1;
	log_info("peer %s: forward %s %lu removed", site, proto, p);
	evbuffer_add_printf(out, "result=peer %s: forward %s %lu removed\n", site, proto, p);
	return 0;
}

void
xlat_site_removed(struct engine *e, const char *site)
{
	struct forwards fw;
	char err[CONF_ERR_LEN];
	size_t before;

	if (e->xlat == NULL || xlat_copy(&e->xlat->fw, &fw) != 0)
		return;
	before = fw.n;
	for (size_t i = fw.n; i-- > 0;)
		if (fw.v[i].runtime && strcmp(fw.v[i].f.peer, site) == 0)
			(void)forwards_remove(&fw, fw.v[i].f.proto, fw.v[i].f.port);
	if (fw.n == before) {
		forwards_free(&fw);
		return;
	}
	if (xlat_replace(e, &fw, err, sizeof(err)) != 0) {
		log_warnx("peer %s removed, its forwards stay: %s", site, err);
		return;
	}
	state_touch(&e->state, PRIV_FILE_FORWARDS);
	log_info("peer %s removed: %zu forwards with it", site, before - e->xlat->fw.n);
}

/* ---- show */

static const char *
xlat_kind(enum eam_kind k)
{
	return k == EAM_MAP ? "map" : k == EAM_FORWARD ? "forward" : "dynamic";
}

void
xlat_show(const struct xlat *x, struct evbuffer *out)
{
	char a4[INET_ADDRSTRLEN], pb[PREFIX_STRLEN];

	if (x == NULL) {
		evbuffer_add_printf(out, "nat64=off\n");
		return;
	}
	prefix_format(&x->nat64, pb, sizeof(pb));
	inet_ntop(AF_INET, &x->siit.c.public4, a4, sizeof(a4));
	evbuffer_add_printf(out, "nat64=on\nnat64_prefix=%s\npublic_ipv4=%s\nnat64_packets_in=%llu\n"
	    "nat64_packets_out=%llu\nnat64_errors_sent=%llu\nnat64_write_failures=%llu\n", pb, a4,
	    (unsigned long long)x->siit.packets_4to6, (unsigned long long)x->siit.packets_6to4,
	    (unsigned long long)x->siit.errors_sent, (unsigned long long)x->write_fail);
	for (int d = 1; d < SIIT_DROP_MAX; d++)
		evbuffer_add_printf(out, "drop_nat64_%s=%llu\n", siit_drop_name((enum siit_drop)d),
		    (unsigned long long)x->siit.drops[d]);
}

void
xlat_show_entries(const struct xlat *x, struct evbuffer *out)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN], text[CONF_FORWARD_TEXT];
	const struct eam_entry *m;
	uint32_t pos = 0;

	if (x == NULL)
		return;
	for (size_t i = 0; i < x->fw.n; i++) {
		const struct forward *f = &x->fw.v[i];

		conf_forward_format(&f->f, text, sizeof(text));
		inet_ntop(AF_INET, &f->to, a4, sizeof(a4));
		evbuffer_add_printf(out, "forward=%s\nsite=%s\nvia=%s\nruntime=%s\npackets_in=%llu\nbytes_in=%llu\n"
		    "packets_out=%llu\nbytes_out=%llu\n", text, f->f.peer, a4, f->runtime ? "yes" : "no",
		    (unsigned long long)f->packets_in, (unsigned long long)f->bytes_in,
		    (unsigned long long)f->packets_out, (unsigned long long)f->bytes_out);
		for (int d = 1; d < SIIT_DROP_MAX; d++)
			evbuffer_add_printf(out, "drop_%s=%llu\n", siit_drop_name((enum siit_drop)d),
			    (unsigned long long)f->drops[d]);
	}
	while ((m = eam_next(&x->map, &pos)) != NULL) {
		inet_ntop(AF_INET, &m->v4, a4, sizeof(a4));
		inet_ntop(AF_INET6, &m->v6, a6, sizeof(a6));
		evbuffer_add_printf(out, "mapping=%s\nhost=%s\nkind=%s\npackets_in=%llu\nbytes_in=%llu\n"
		    "packets_out=%llu\nbytes_out=%llu\n", a4, a6, xlat_kind(m->kind),
		    (unsigned long long)m->st.packets_in, (unsigned long long)m->st.bytes_in,
		    (unsigned long long)m->st.packets_out, (unsigned long long)m->st.bytes_out);
	}
}
