/* SPDX-License-Identifier: ISC */
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
#include "wire.h"

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
	/* our address the peer's datagrams arrive at, to answer from: saves
	 * the kernel a source address selection per datagram (a walk over
	 * every interface: one per site), and a host with several addresses
	 * answers from the one it was asked at */
	union {
		struct in6_addr a6;
		struct in_addr a4;
	} local;
	bool has_local;
};

/* A UDP socket of family (AF_INET6 is v6-only) bound to port (0: any),
 * non-blocking, with TRANSPORT_BUF_BYTES buffers (forced when privileged),
 * and UDP GRO when gro is true and the kernel has it (Linux 5.0). */
int transport_open(int family, uint16_t port, bool gro, char *err, size_t errlen);

/* Offloads (UDP GSO/GRO here, TSO on taps) are on unless the environment
 * says V6EXT_OFFLOAD=off: to measure what they gain, or to rule them out. */
bool transport_offload_enabled(void);

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b);
/* "[2001:db8::1]:51820" or "192.0.2.1:51820" */
void endpoint_format(const struct endpoint *ep, char *buf, size_t len);
/* Address and port as the cookie's source bytes; returns the length. */
size_t endpoint_cookie_source(const struct endpoint *ep, uint8_t out[COOKIE_SOURCE_MAX]);

/* One datagram to ep, from ep's local address when it has one. -1 with
 * errno set when the kernel refused it. */
int transport_send(int fd, const struct endpoint *ep, const void *buf, size_t len);

/* Receiving: nbuf buffers of cap bytes, filled by one recvmmsg. With UDP
 * GRO on (transport_open(.., gro = true)) the kernel hands over a burst of
 * datagrams from one sender in one buffer: seg[i] bytes each, the last one
 * maybe shorter; seg[i] == len for a single datagram. */
struct transport_rx {
	struct mmsghdr msgs[TRANSPORT_BATCH];
	struct iovec iov[TRANSPORT_BATCH];
	struct endpoint ep[TRANSPORT_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl[TRANSPORT_BATCH];
	uint8_t *buf[TRANSPORT_BATCH];
	size_t seg[TRANSPORT_BATCH];
	size_t cap;
	unsigned nbuf;
	uint64_t datagrams, receives;   /* received, and the buffers they came in */
};

int transport_rx_init(struct transport_rx *b, unsigned nbuf, size_t cap);
void transport_rx_free(struct transport_rx *b);
/* Receive up to nbuf buffers; lengths in msgs[i].msg_len, datagram sizes in
 * seg[i], senders in ep[i]. Returns the count, 0 when nothing waits, -1 on
 * error. */
int transport_recv(int fd, struct transport_rx *b);

/* Sending: datagrams are written one after another into one arena. Each
 * run of datagrams to one endpoint, all of one size but a shorter last one,
 * leaves as one UDP GSO "train" (UDP_SEGMENT): one trip through the stack
 * for up to TRANSPORT_TRAIN_MAX datagrams. Trains leave by one sendmmsg. */
#define TRANSPORT_TRAIN_MAX   64
#define TRANSPORT_TRAIN_BYTES 65000     /* under the 64 KB an skb holds */
#define TRANSPORT_ARENA_BYTES (128 * 1024)

struct transport_tx {
	struct mmsghdr msgs[TRANSPORT_BATCH];
	struct iovec iov[TRANSPORT_BATCH];
	struct endpoint ep[TRANSPORT_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl[TRANSPORT_BATCH];
	size_t seg[TRANSPORT_BATCH];    /* datagram size of train i */
	unsigned count[TRANSPORT_BATCH];
	bool open[TRANSPORT_BATCH];     /* may take one more datagram */
	uint8_t *arena;
	size_t used;
	unsigned n;                     /* trains */
	bool gso;                       /* UDP_SEGMENT in use */
	uint64_t datagrams, trains;     /* sent, for the benchmark's figures */
};

int transport_tx_init(struct transport_tx *b, bool gso);
void transport_tx_free(struct transport_tx *b);
/* Where to write the next datagram of at most len bytes (len <=
 * WIRE_DATA_MAX_LEN); sends what is queued first when there is no room. */
uint8_t *transport_reserve(struct transport_tx *b, int fd, size_t len);
/* The datagram written at the last reserve, len bytes, goes to ep. */
void transport_commit(struct transport_tx *b, size_t len, const struct endpoint *ep);
/* Send everything queued; returns the datagrams the kernel refused. */
unsigned transport_flush(struct transport_tx *b, int fd);

#endif
