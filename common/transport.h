/* transport: the tunnel's UDP sockets. Large buffers (the first loss in an
 * L2 tunnel under load is the receive buffer overflowing), batched reads and
 * writes with recvmmsg/sendmmsg, and endpoints as plain values. */
#ifndef V6EXT_TRANSPORT_H
#define V6EXT_TRANSPORT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cookie.h"

#define TRANSPORT_BATCH     64
#define TRANSPORT_BUF_BYTES (8 * 1024 * 1024)
#define TRANSPORT_ADDRSTRLEN (INET6_ADDRSTRLEN + 8)

struct endpoint {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} u;
	socklen_t len;          /* 0: no endpoint */
};

/* A UDP socket of family (AF_INET6 is v6-only) bound to port (0: any),
 * non-blocking, with TRANSPORT_BUF_BYTES buffers (forced when privileged). */
int transport_open(int family, uint16_t port, char *err, size_t errlen);

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b);
/* "[2001:db8::1]:51820" or "192.0.2.1:51820" */
void endpoint_format(const struct endpoint *ep, char *buf, size_t len);
/* Address and port as the cookie's source bytes; returns the length. */
size_t endpoint_cookie_source(const struct endpoint *ep, uint8_t out[COOKIE_SOURCE_MAX]);

/* A batch of datagram buffers for recvmmsg/sendmmsg; buffers are allocated
 * once, at start-up. */
struct transport_batch {
	struct mmsghdr msgs[TRANSPORT_BATCH];
	struct iovec iov[TRANSPORT_BATCH];
	struct endpoint ep[TRANSPORT_BATCH];
	uint8_t *buf[TRANSPORT_BATCH];
	size_t cap;
	unsigned n;             /* filled entries (send) or received (recv) */
};

int transport_batch_init(struct transport_batch *b, size_t bufsize);
void transport_batch_free(struct transport_batch *b);
/* Receive up to TRANSPORT_BATCH datagrams; lengths in msgs[i].msg_len and
 * senders in ep[i]. Returns the count, 0 when nothing waits, -1 on error. */
int transport_recv(int fd, struct transport_batch *b);
/* Queue buf[n] (already filled, len bytes) for ep; flushes when full. */
void transport_queue(struct transport_batch *b, int fd, size_t len, const struct endpoint *ep);
/* Send everything queued; returns datagrams the kernel refused. */
unsigned transport_flush(struct transport_batch *b, int fd);

#endif
