/* SPDX-License-Identifier: ISC */
/* privmsg: engine <-> parent messages; see privmsg.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "alloc.h"
#include "forwards.h"
#include "lease.h"
#include "names.h"
#include "privmsg.h"
#include "stamps.h"

/* Header: type (1), flags (1: bit 0 = reply), body length (2), id (4).
 * Strings go as a 2-byte length and their bytes, no NUL. */
#define PRIV_FLAG_REPLY 0x01

const char *
privmsg_type_name(enum privmsg_type t)
{
	static const char *const names[PRIV_TYPE_MAX] = {
		[PRIV_KEY_OPEN] = "key-open",
		[PRIV_SITE_OPEN] = "site-open",
		[PRIV_STATE_OPEN] = "state-open",
		[PRIV_STATE_WRITE] = "state-write",
		[PRIV_USED] = "used",
		[PRIV_CONF_READ] = "conf-read",
		[PRIV_STOP] = "stop",
		[PRIV_RELOAD] = "reload",
		[PRIV_NAT64_RULES] = "nat64-rules",
		[PRIV_ROUTE] = "route",
	};

	return t > 0 && t < PRIV_TYPE_MAX ? names[t] : "unknown";
}

const char *
privmsg_file_name(enum privmsg_file f)
{
	static const char *const names[PRIV_FILE_MAX] = {
		[PRIV_FILE_SUBPREFIXES] = ALLOC_FILE,
		[PRIV_FILE_LEASES] = LEASE_FILE,
		[PRIV_FILE_TIMESTAMPS] = STAMPS_FILE,
		[PRIV_FILE_FORWARDS] = FORWARDS_FILE,
		[PRIV_FILE_NAMES] = NAMES_FILE,
	};

	return f < PRIV_FILE_MAX ? names[f] : "unknown";
}

size_t
privmsg_file_max(enum privmsg_file f)
{
	switch (f) {
	case PRIV_FILE_SUBPREFIXES: return ALLOC_FILE_MAX;
	case PRIV_FILE_LEASES:      return LEASE_FILE_MAX;
	case PRIV_FILE_TIMESTAMPS:  return STAMPS_FILE_MAX;
	case PRIV_FILE_FORWARDS:    return FORWARDS_FILE_MAX;
	case PRIV_FILE_NAMES:       return NAMES_FILE_MAX;
	case PRIV_FILE_MAX:         break;
	}
	return 0;
}

bool
privmsg_from_parent(enum privmsg_type type)
{
	return type == PRIV_STOP || type == PRIV_RELOAD;
}

/* ---- building */

struct privmsg_out {
	uint8_t *p, *end;
	bool full;
};

static void
privmsg_put(struct privmsg_out *o, const void *v, size_t n)
{
	if (o->full || (size_t)(o->end - o->p) < n) {
		o->full = true;
		return;
	}
	memcpy(o->p, v, n);
	o->p += n;
}

static void
privmsg_put_str(struct privmsg_out *o, const char *s, size_t field)
{
	uint16_t n = (uint16_t)strnlen(s, field);

	if (n >= field) {
		o->full = true;         /* not NUL-terminated: never sent */
		return;
	}
	privmsg_put(o, &n, sizeof(n));
	privmsg_put(o, s, n);
}

size_t
privmsg_build(const struct privmsg *m, uint8_t *out, size_t cap)
{
	struct privmsg_out o = { out + PRIV_HDR_LEN, out + cap, cap < PRIV_HDR_LEN };
	uint8_t flags = m->reply ? PRIV_FLAG_REPLY : 0, file = (uint8_t)m->file, b;
	int32_t err = m->err;
	uint16_t body, n;
	const char *why;
	struct privmsg check;

	if (m->type <= 0 || m->type >= PRIV_TYPE_MAX || o.full)
		return 0;
	if (m->reply) {
		privmsg_put(&o, &err, sizeof(err));
		privmsg_put_str(&o, m->text, sizeof(m->text));
		if (m->type == PRIV_SITE_OPEN) {
			b = m->offload;
			privmsg_put(&o, &b, 1);
		} else if (m->type == PRIV_USED) {
			if (m->n_addrs > PRIV_ADDRS_MAX)
				return 0;
			n = (uint16_t)m->n_addrs;
			privmsg_put(&o, &n, sizeof(n));
			privmsg_put(&o, m->addrs, m->n_addrs * sizeof(m->addrs[0]));
		}
	} else {
		switch (m->type) {
		case PRIV_KEY_OPEN:
			privmsg_put_str(&o, m->path, sizeof(m->path));
			break;
		case PRIV_SITE_OPEN:
			privmsg_put_str(&o, m->peer, sizeof(m->peer));
			privmsg_put_str(&o, m->tap, sizeof(m->tap));
			privmsg_put(&o, &m->index, sizeof(m->index));
			privmsg_put(&o, m->mac, sizeof(m->mac));
			b = m->offload;
			privmsg_put(&o, &b, 1);
			break;
		case PRIV_STATE_OPEN:
		case PRIV_STATE_WRITE:
			privmsg_put(&o, &file, 1);
			break;
		case PRIV_ROUTE:
			privmsg_put_str(&o, m->peer, sizeof(m->peer));
			privmsg_put_str(&o, m->tap, sizeof(m->tap));
			privmsg_put(&o, &m->index, sizeof(m->index));
			privmsg_put(&o, &m->route.addr, 16);
			privmsg_put(&o, &m->route.len, 1);
			privmsg_put(&o, &m->via, 16);
			b = m->add;
			privmsg_put(&o, &b, 1);
			privmsg_put(&o, &m->table, sizeof(m->table));
			break;
		case PRIV_NAT64_RULES:
			if (m->n_dnat > PRIV_DNAT_MAX)
				return 0;
			n = (uint16_t)m->n_dnat;
			privmsg_put(&o, &n, sizeof(n));
			for (size_t i = 0; i < m->n_dnat; i++) {
				const struct nftrules_dnat *d = &m->dnat[i];

				privmsg_put(&o, &d->proto, 1);
				privmsg_put(&o, &d->port, 2);
				privmsg_put(&o, &d->to, 4);
				privmsg_put(&o, &d->to_port, 2);
			}
			break;
		default:
			break;
		}
	}
	if (o.full)
		return 0;
	body = (uint16_t)(o.p - (out + PRIV_HDR_LEN));
	out[0] = (uint8_t)m->type;
	out[1] = flags;
	memcpy(out + 2, &body, 2);
	memcpy(out + 4, &m->id, 4);
	/* what the other side would refuse is never sent */
	if (privmsg_parse(out, PRIV_HDR_LEN + body, &check, &why) != 0)
		return 0;
	return PRIV_HDR_LEN + body;
}

/* ---- parsing */

struct privmsg_in {
	const uint8_t *p;
	size_t rem;
	const char *why;
};

static bool
privmsg_get(struct privmsg_in *in, void *v, size_t n)
{
	if (in->why != NULL)
		return false;
	if (in->rem < n) {
		in->why = "truncated";
		return false;
	}
	memcpy(v, in->p, n);
	in->p += n;
	in->rem -= n;
	return true;
}

/* A string of printable bytes that fits field with its NUL. */
static bool
privmsg_get_str(struct privmsg_in *in, char *dst, size_t field)
{
	uint16_t n;

	if (!privmsg_get(in, &n, sizeof(n)))
		return false;
	if (n >= field) {
		in->why = "string too long";
		return false;
	}
	if (!privmsg_get(in, dst, n))
		return false;
	dst[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] == 0x7f) {
			in->why = "control character in a string";
			return false;
		}
	}
	return true;
}

int
privmsg_parse(const uint8_t *buf, size_t len, struct privmsg *m, const char **why)
{
	struct privmsg_in in;
	uint16_t body, n;
	int32_t err = 0;
	uint8_t b = 0;

	memset(m, 0, offsetof(struct privmsg, addrs));
	m->n_addrs = 0;
	m->n_dnat = 0;
	if (len < PRIV_HDR_LEN) {
		*why = "shorter than a header";
		return -1;
	}
	memcpy(&body, buf + 2, 2);
	if ((size_t)body != len - PRIV_HDR_LEN) {
		*why = "length does not match the header";
		return -1;
	}
	if (buf[0] == 0 || buf[0] >= PRIV_TYPE_MAX || (buf[1] & ~PRIV_FLAG_REPLY) != 0 ||
	    (privmsg_from_parent((enum privmsg_type)buf[0]) && (buf[1] & PRIV_FLAG_REPLY))) {
		*why = "unknown type or flags";
		return -1;
	}
	m->type = (enum privmsg_type)buf[0];
	m->reply = (buf[1] & PRIV_FLAG_REPLY) != 0;
	memcpy(&m->id, buf + 4, 4);
	in = (struct privmsg_in){ buf + PRIV_HDR_LEN, body, NULL };
	if (m->reply) {
		if (privmsg_get(&in, &err, sizeof(err)) && (err < 0 || err > 4095))
			in.why = "error number out of range";
		m->err = err;
		privmsg_get_str(&in, m->text, sizeof(m->text));
		if (m->type == PRIV_SITE_OPEN && privmsg_get(&in, &b, 1)) {
			if (b > 1)
				in.why = "not a boolean";
			m->offload = b;
		} else if (m->type == PRIV_USED && privmsg_get(&in, &n, sizeof(n))) {
			if (n > PRIV_ADDRS_MAX)
				in.why = "too many addresses";
			else if (privmsg_get(&in, m->addrs, (size_t)n * sizeof(m->addrs[0])))
				m->n_addrs = n;
		}
	} else {
		switch (m->type) {
		case PRIV_KEY_OPEN:
			if (privmsg_get_str(&in, m->path, sizeof(m->path)) && m->path[0] != '/')
				in.why = "not an absolute path";
			break;
		case PRIV_SITE_OPEN:
			if (privmsg_get_str(&in, m->peer, sizeof(m->peer)) &&
			    privmsg_get_str(&in, m->tap, sizeof(m->tap)) &&
			    privmsg_get(&in, &m->index, sizeof(m->index)) &&
			    privmsg_get(&in, m->mac, sizeof(m->mac)) && privmsg_get(&in, &b, 1)) {
				if (b > 1)
					in.why = "not a boolean";
				m->offload = b;
			}
			break;
		case PRIV_STATE_OPEN:
		case PRIV_STATE_WRITE:
			if (privmsg_get(&in, &b, 1) && b >= PRIV_FILE_MAX)
				in.why = "unknown state file";
			m->file = (enum privmsg_file)b;
			break;
		case PRIV_ROUTE:
			if (privmsg_get_str(&in, m->peer, sizeof(m->peer)) &&
			    privmsg_get_str(&in, m->tap, sizeof(m->tap)) &&
			    privmsg_get(&in, &m->index, sizeof(m->index)) &&
			    privmsg_get(&in, &m->route.addr, 16) && privmsg_get(&in, &m->route.len, 1) &&
			    privmsg_get(&in, &m->via, 16) && privmsg_get(&in, &b, 1) &&
			    privmsg_get(&in, &m->table, sizeof(m->table))) {
				if (b > 1)
					in.why = "not a boolean";
				else if (m->route.len > 128)
					in.why = "prefix length over 128";
				m->add = b;
			}
			break;
		case PRIV_NAT64_RULES:
			n = 0;
			if (privmsg_get(&in, &n, sizeof(n)) && n > PRIV_DNAT_MAX)
				in.why = "too many forwards";
			for (size_t i = 0; i < n && in.why == NULL; i++) {
				struct nftrules_dnat *d = &m->dnat[i];

				if (privmsg_get(&in, &d->proto, 1) && privmsg_get(&in, &d->port, 2) &&
				    privmsg_get(&in, &d->to, 4) && privmsg_get(&in, &d->to_port, 2)) {
					if (d->proto != IPPROTO_TCP && d->proto != IPPROTO_UDP)
						in.why = "not TCP or UDP";
					else if (d->port == 0 || d->to_port == 0)
						in.why = "port 0";
					else
						m->n_dnat = i + 1;
				}
			}
			break;
		default:
			break;
		}
	}
	if (in.why == NULL && in.rem != 0)
		in.why = "trailing bytes";
	if (in.why != NULL) {
		*why = in.why;
		return -1;
	}
	return 0;
}

/* ---- policy */

int
privmsg_route_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why)
{
	const struct conf_peer *cp = conf_server_find_peer(p->conf, m->peer);
	struct prefix site, link, r = m->route;

	if (m->table != 0 || cp == NULL || strcmp(cp->tap, m->tap) != 0 || cp->pd_len == 0) {
		*why = "not a configured peer's tap, or the peer delegates no prefixes";
		return -1;
	}
	if (m->index == 0 || prefix_sub_get(&p->prefix, p->conf->sub_prefix_len, m->index, &site) != 0) {
		*why = "sub-prefix index outside the prefix";
		return -1;
	}
	prefix_mask(&r);
	prefix_link(&site, &link);
	if (r.len != cp->pd_len || memcmp(&r.addr, &m->route.addr, 16) != 0 ||
	    !prefix_contains(&site, &r.addr) || prefix_contains(&r, &link.addr)) {
		*why = "not a delegable prefix of the site (its length, inside it, not its link's /64)";
		return -1;
	}
	if (!IN6_IS_ADDR_LINKLOCAL(&m->via)) {
		*why = "the router is not a link-local address";
		return -1;
	}
	return 0;
}

int
privmsg_site_route_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why)
{
	struct privmsg site = *m;
	struct prefix sub;

	if (m->table == 0 || m->table != p->conf->route_table) {
		*why = "not route-table";
		return -1;
	}
	/* the tap and index as a SITE_OPEN would take them (the MAC aside) */
	site.mac[0] = 0x02;
	if (privmsg_site_allowed(p, &site, why) != 0)
		return -1;
	prefix_sub_get(&p->prefix, p->conf->sub_prefix_len, m->index, &sub);
	if (memcmp(&sub, &m->route, sizeof(sub)) != 0 || !IN6_IS_ADDR_UNSPECIFIED(&m->via)) {
		*why = "not the site's own sub-prefix, on its link";
		return -1;
	}
	return 0;
}

int
privmsg_site_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why)
{
	const struct conf_peer *cp = conf_server_find_peer(p->conf, m->peer);
	unsigned bits = p->conf->sub_prefix_len - p->prefix.len;
	struct prefix sub;

	if (!conf_peer_name_valid(m->peer)) {
		*why = "not a peer name";
		return -1;
	}
	if (cp != NULL ? strcmp(cp->tap, m->tap) != 0 :
	    strncmp(m->tap, "v6x-", 4) != 0 || strcmp(m->tap + 4, m->peer) != 0) {
		*why = "not the peer's tap (the configured one, or v6x-NAME)";
		return -1;
	}
	if (m->index == 0 || (bits < 64 && m->index >> bits != 0)) {
		*why = "sub-prefix index outside the prefix";
		return -1;
	}
	prefix_sub_get(&p->prefix, p->conf->sub_prefix_len, m->index, &sub);
	for (size_t i = 0; i < p->n_used; i++) {
		if (prefix_contains(&sub, &p->used[i])) {
			*why = "the sub-prefix holds an address of the upstream link";
			return -1;
		}
	}
	/* IEEE 802: bit 0 of the first byte is group, bit 1 local */
	if ((m->mac[0] & 0x03) != 0x02) {
		*why = "not a locally administered unicast MAC";
		return -1;
	}
	return 0;
}

int
privmsg_rules_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why)
{
	const struct conf_server *c = p->conf;
	uint32_t pool = ntohl(c->ipv4_pool.s_addr), mask = ~(0xffffffffu >> c->ipv4_pool_len);

	for (size_t i = 0; i < m->n_dnat; i++) {
		const struct nftrules_dnat *d = &m->dnat[i];
		uint32_t to = ntohl(d->to.s_addr);
		bool ok = (to & mask) == pool && to != pool && to != (pool | ~mask);

		for (size_t j = 0; j < c->n_maps && !ok; j++)
			ok = c->maps[j].v4.s_addr == d->to.s_addr;
		if (!ok) {
			*why = "a forward to an address neither in ipv4-pool nor an ipv4-map";
			return -1;
		}
		/* quadratic, but only for a few thousand forwards at a change */
		for (size_t j = 0; j < i; j++) {
			if (m->dnat[j].proto == d->proto && m->dnat[j].port == d->port) {
				*why = "a public port forwarded twice";
				return -1;
			}
		}
	}
	return 0;
}

int
privmsg_key_allowed(const struct privmsg_policy *p, const struct privmsg *m, const char **why)
{
	if (strcmp(m->path, p->conf->private_key_file) == 0)
		return 0;
	for (size_t i = 0; i < p->conf->n_peers; i++)
		if (p->conf->peers[i].has_psk && strcmp(m->path, p->conf->peers[i].psk_file) == 0)
			return 0;
	*why = "not a key file of the configuration";
	return -1;
}

/* ---- I/O */

int
privmsg_send(int sock, const struct privmsg *m, int fd)
{
	uint8_t buf[PRIV_MSG_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, 0 };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if ((iov.iov_len = privmsg_build(m, buf, sizeof(buf))) == 0) {
		errno = EINVAL;
		return -1;
	}
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		h.msg_control = ctl.buf;
		h.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&h);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &h, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int
privmsg_recv(int sock, struct privmsg *m, int *fd)
{
	uint8_t buf[PRIV_MSG_MAX];
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
	    .msg_controllen = sizeof(ctl.buf) };
	int fds[4], nfds = 0, rc = 1;
	const char *why;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &h, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c != NULL; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && nfds < 4; i++)
			memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	if ((h.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || nfds > 1 ||
	    privmsg_parse(buf, (size_t)n, m, &why) != 0) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		errno = EBADMSG;
		return -1;
	}
	if (nfds == 1)
		*fd = fds[0];
	return rc;
}
