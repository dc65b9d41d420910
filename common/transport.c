/* SPDX-License-Identifier: ISC */
/* transport: UDP sockets with large buffers and batched I/O. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

static void
transport_bufsize(int fd, int opt_force, int opt)
{
	int size = TRANSPORT_BUF_BYTES;

	/* FORCE needs CAP_NET_ADMIN and ignores net.core.*mem_max */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

int
transport_open(int family, uint16_t port, bool gro, char *err, size_t errlen)
{
	int fd, one = 1;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP)) < 0) {
		snprintf(err, errlen, "udp socket (%s): %s", family == AF_INET6 ? "IPv6" : "IPv4", strerror(errno));
		return -1;
	}
	transport_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	transport_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	/* bursts from one sender arrive as one buffer (Linux 5.0); without it
	 * the kernel cuts a GSO train back into datagrams on delivery */
	if (gro)
		(void)setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0)
			goto fail;
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

		(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));

		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			goto fail;
	}
	return fd;
fail:
	snprintf(err, errlen, "udp bind %s port %u: %s", family == AF_INET6 ? "[::]" : "0.0.0.0", port, strerror(errno));
	close(fd);
	return -1;
}

bool
transport_offload_enabled(void)
{
	return util_env_on("V6EXT_OFFLOAD");
}

bool
endpoint_equal(const struct endpoint *a, const struct endpoint *b)
{
	if (a->len != b->len || a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (a->u.sa.sa_family == AF_INET6)
		return a->u.in6.sin6_port == b->u.in6.sin6_port &&
		    memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0 &&
		    a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id;
	if (a->u.sa.sa_family == AF_INET)
		return a->u.in4.sin_port == b->u.in4.sin_port &&
		    a->u.in4.sin_addr.s_addr == b->u.in4.sin_addr.s_addr;
	return a->len == 0;
}

void
endpoint_format(const struct endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ep->len != 0 && ep->u.sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &ep->u.in6.sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(ep->u.in6.sin6_port));
	} else if (ep->len != 0 && ep->u.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &ep->u.in4.sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(ep->u.in4.sin_port));
	} else {
		snprintf(buf, len, "(none)");
	}
}

size_t
endpoint_cookie_source(const struct endpoint *ep, uint8_t out[COOKIE_SOURCE_MAX])
{
	if (ep->u.sa.sa_family == AF_INET6) {
		memcpy(out, &ep->u.in6.sin6_addr, 16);
		memcpy(out + 16, &ep->u.in6.sin6_port, 2);
		return 18;
	}
	memcpy(out, &ep->u.in4.sin_addr, 4);
	memcpy(out + 4, &ep->u.in4.sin_port, 2);
	return 6;
}

/* Append ep's source address to the control data of h (room for it is
 * there: see the ctl buffers). */
static void
transport_add_source(struct msghdr *h, const struct endpoint *ep)
{
	struct in6_pktinfo pi6 = { .ipi6_addr = ep->local.a6 };
	struct in_pktinfo pi4 = { .ipi_spec_dst = ep->local.a4 };
	bool v6 = ep->u.sa.sa_family == AF_INET6;
	size_t len = v6 ? sizeof(pi6) : sizeof(pi4);
	struct cmsghdr *c;

	if (!ep->has_local)
		return;
	c = (struct cmsghdr *)((char *)h->msg_control + h->msg_controllen);
	c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	c->cmsg_type = v6 ? IPV6_PKTINFO : IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), v6 ? (const void *)&pi6 : (const void *)&pi4, len);
	h->msg_controllen += CMSG_SPACE(len);
}

int
transport_send(int fd, const struct endpoint *ep, const void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr h = { .msg_name = (void *)&ep->u, .msg_namelen = ep->len, .msg_iov = &iov,
	    .msg_iovlen = 1, .msg_control = ctl.buf };

	memset(&ctl, 0, sizeof(ctl));
	transport_add_source(&h, ep);
	if (h.msg_controllen == 0)
		h.msg_control = NULL;
	if (sendmsg(fd, &h, MSG_DONTWAIT) >= 0)
		return 0;
	if (ep->has_local && (errno == EINVAL || errno == EADDRNOTAVAIL)) {
		/* the address is gone from this host: let the kernel choose */
		h.msg_control = NULL;
		h.msg_controllen = 0;
		return sendmsg(fd, &h, MSG_DONTWAIT) >= 0 ? 0 : -1;
	}
	return -1;
}

int
transport_rx_init(struct transport_rx *b, unsigned nbuf, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
	b->nbuf = nbuf < TRANSPORT_BATCH ? nbuf : TRANSPORT_BATCH;
	for (unsigned i = 0; i < b->nbuf; i++)
		if ((b->buf[i] = malloc(cap)) == NULL)
			return -1;
	return 0;
}

void
transport_rx_free(struct transport_rx *b)
{
	for (unsigned i = 0; i < b->nbuf; i++)
		free(b->buf[i]);
	memset(b, 0, sizeof(*b));
}

int
transport_recv(int fd, struct transport_rx *b)
{
	int n;

	for (unsigned i = 0; i < b->nbuf; i++) {
		struct msghdr *h = &b->msgs[i].msg_hdr;

		b->iov[i].iov_base = b->buf[i];
		b->iov[i].iov_len = b->cap;
		memset(h, 0, sizeof(*h));
		h->msg_iov = &b->iov[i];
		h->msg_iovlen = 1;
		h->msg_name = &b->ep[i].u;
		h->msg_namelen = sizeof(b->ep[i].u);
		h->msg_control = b->ctl[i].buf;
		h->msg_controllen = sizeof(b->ctl[i].buf);
	}
	n = recvmmsg(fd, b->msgs, b->nbuf, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct msghdr *h = &b->msgs[i].msg_hdr;
		struct cmsghdr *c;

		b->ep[i].len = h->msg_namelen;
		b->ep[i].has_local = false;
		b->seg[i] = b->msgs[i].msg_len;
		/* a datagram larger than the buffer is cut: make it fail parsing */
		if (h->msg_flags & MSG_TRUNC)
			b->msgs[i].msg_len = 0;
		for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
			int seg;

			if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
			    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
				memcpy(&seg, CMSG_DATA(c), sizeof(seg));
				if (seg > 0)
					b->seg[i] = (size_t)seg;
			} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
			    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				b->ep[i].local.a6 = pi.ipi6_addr;
				/* a link-local address needs its interface: leave it to the kernel */
				b->ep[i].has_local = !IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr);
			} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
			    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				b->ep[i].local.a4 = pi.ipi_addr;
				b->ep[i].has_local = true;
			}
		}
		if (b->seg[i] == 0)
			b->seg[i] = 1;  /* an empty datagram: one, of length 0 */
		b->datagrams += b->msgs[i].msg_len == 0 ? 1 : (b->msgs[i].msg_len + b->seg[i] - 1) / b->seg[i];
	}
	b->receives += (unsigned)n;
	return n;
}

int
transport_tx_init(struct transport_tx *b, bool gso)
{
	memset(b, 0, sizeof(*b));
	b->gso = gso;
	return (b->arena = malloc(TRANSPORT_ARENA_BYTES)) == NULL ? -1 : 0;
}

void
transport_tx_free(struct transport_tx *b)
{
	free(b->arena);
	memset(b, 0, sizeof(*b));
}

uint8_t *
transport_reserve(struct transport_tx *b, int fd, size_t len)
{
	if (b->n == TRANSPORT_BATCH || b->used + len > TRANSPORT_ARENA_BYTES)
		(void)transport_flush(b, fd);
	return b->arena + b->used;
}

void
transport_commit(struct transport_tx *b, size_t len, const struct endpoint *ep)
{
	unsigned t = b->n > 0 ? b->n - 1 : 0;

	/* UDP_SEGMENT: every datagram of a train but the last is seg bytes */
	if (b->gso && b->n > 0 && b->open[t] && len <= b->seg[t] && b->count[t] < TRANSPORT_TRAIN_MAX &&
	    b->iov[t].iov_len + len <= TRANSPORT_TRAIN_BYTES && endpoint_equal(&b->ep[t], ep)) {
		b->iov[t].iov_len += len;
		b->count[t]++;
		b->open[t] = len == b->seg[t];
	} else {
		t = b->n++;
		b->iov[t].iov_base = b->arena + b->used;
		b->iov[t].iov_len = len;
		b->ep[t] = *ep;
		b->seg[t] = len;
		b->count[t] = 1;
		b->open[t] = true;
	}
	b->used += len;
}

/* One train at a time, for a kernel or a route that refuses GSO: EIO when
 * the way out has no checksum offload (udp_send_skb). */
static unsigned
transport_send_singly(struct transport_tx *b, int fd, unsigned t)
{
	unsigned refused = 0;

	for (size_t off = 0; off < b->iov[t].iov_len; off += b->seg[t]) {
		size_t len = b->iov[t].iov_len - off < b->seg[t] ? b->iov[t].iov_len - off : b->seg[t];

		if (transport_send(fd, &b->ep[t], (uint8_t *)b->iov[t].iov_base + off, len) < 0)
			refused++;
	}
	return refused;
}

unsigned
transport_flush(struct transport_tx *b, int fd)
{
	unsigned sent = 0, refused = 0;

	for (unsigned t = 0; t < b->n; t++) {
		struct msghdr *h = &b->msgs[t].msg_hdr;

		memset(h, 0, sizeof(*h));
		h->msg_iov = &b->iov[t];
		h->msg_iovlen = 1;
		h->msg_name = &b->ep[t].u;
		h->msg_namelen = b->ep[t].len;
		memset(b->ctl[t].buf, 0, sizeof(b->ctl[t].buf));
		h->msg_control = b->ctl[t].buf;
		if (b->count[t] > 1) {
			struct cmsghdr *c = (struct cmsghdr *)b->ctl[t].buf;
			uint16_t seg = (uint16_t)b->seg[t];

			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(seg));
			memcpy(CMSG_DATA(c), &seg, sizeof(seg));
			h->msg_controllen = CMSG_SPACE(sizeof(seg));
		}
		transport_add_source(h, &b->ep[t]);
		if (h->msg_controllen == 0)
			h->msg_control = NULL;
		b->datagrams += b->count[t];
	}
	b->trains += b->n;
	while (sent < b->n) {
		int n = sendmmsg(fd, b->msgs + sent, b->n - sent, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (b->count[sent] > 1 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT)) {
				/* no GSO on this path: from now on, one by one */
				b->gso = false;
				refused += transport_send_singly(b, fd, sent);
			} else if (b->ep[sent].has_local && (errno == EINVAL || errno == EADDRNOTAVAIL)) {
				refused += transport_send_singly(b, fd, sent);
			} else {
				/* drop the one that failed (no route, full buffer), go on */
				refused += b->count[sent];
			}
			sent++;
			continue;
		}
		sent += (unsigned)n;
	}
	b->n = 0;
	b->used = 0;
	return refused;
}
