/* transport: UDP sockets with large buffers and batched I/O. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"

static void
transport_bufsize(int fd, int opt_force, int opt)
{
	int size = TRANSPORT_BUF_BYTES;

	/* FORCE needs CAP_NET_ADMIN and ignores net.core.*mem_max */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

int
transport_open(int family, uint16_t port, char *err, size_t errlen)
{
	int fd, one = 1;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP)) < 0) {
		snprintf(err, errlen, "udp socket (%s): %s", family == AF_INET6 ? "IPv6" : "IPv4", strerror(errno));
		return -1;
	}
	transport_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	transport_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0)
			goto fail;
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

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

int
transport_batch_init(struct transport_batch *b, size_t bufsize)
{
	memset(b, 0, sizeof(*b));
	b->cap = bufsize;
	for (unsigned i = 0; i < TRANSPORT_BATCH; i++)
		if ((b->buf[i] = malloc(bufsize)) == NULL)
			return -1;
	return 0;
}

void
transport_batch_free(struct transport_batch *b)
{
	for (unsigned i = 0; i < TRANSPORT_BATCH; i++)
		free(b->buf[i]);
	memset(b, 0, sizeof(*b));
}

int
transport_recv(int fd, struct transport_batch *b)
{
	int n;

	for (unsigned i = 0; i < TRANSPORT_BATCH; i++) {
		b->iov[i].iov_base = b->buf[i];
		b->iov[i].iov_len = b->cap;
		memset(&b->msgs[i].msg_hdr, 0, sizeof(b->msgs[i].msg_hdr));
		b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
		b->msgs[i].msg_hdr.msg_iovlen = 1;
		b->msgs[i].msg_hdr.msg_name = &b->ep[i].u;
		b->msgs[i].msg_hdr.msg_namelen = sizeof(b->ep[i].u);
	}
	n = recvmmsg(fd, b->msgs, TRANSPORT_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		b->ep[i].len = b->msgs[i].msg_hdr.msg_namelen;
		/* a datagram larger than the buffer is cut: make it fail parsing */
		if (b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
			b->msgs[i].msg_len = 0;
	}
	b->n = (unsigned)n;
	return n;
}

void
transport_queue(struct transport_batch *b, int fd, size_t len, const struct endpoint *ep)
{
	unsigned i = b->n;

	b->iov[i].iov_base = b->buf[i];
	b->iov[i].iov_len = len;
	b->ep[i] = *ep;
	memset(&b->msgs[i].msg_hdr, 0, sizeof(b->msgs[i].msg_hdr));
	b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
	b->msgs[i].msg_hdr.msg_iovlen = 1;
	b->msgs[i].msg_hdr.msg_name = &b->ep[i].u;
	b->msgs[i].msg_hdr.msg_namelen = ep->len;
	if (++b->n == TRANSPORT_BATCH)
		(void)transport_flush(b, fd);
}

unsigned
transport_flush(struct transport_batch *b, int fd)
{
	unsigned sent = 0, refused = 0;

	while (sent < b->n) {
		int n = sendmmsg(fd, b->msgs + sent, b->n - sent, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* drop the one that failed (no route, full buffer), go on */
			refused++;
			sent++;
			continue;
		}
		sent += (unsigned)n;
	}
	b->n = 0;
	return refused;
}
