/* SPDX-License-Identifier: ISC */
/* datapath: batched datagrams and tap frames, for both daemons. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datapath.h"
#include "gso.h"
#include "util.h"
#include "wire.h"

int
datapath_init(struct datapath *dp, unsigned rx_bufs, bool offload)
{
	memset(dp, 0, sizeof(*dp));
	dp->udp6 = dp->udp4 = -1;
	dp->offload = offload;
	if (transport_rx_init(&dp->rx, rx_bufs, WIRE_DATA_MAX_LEN) != 0 ||
	    transport_tx_init(&dp->tx6, offload) != 0 || transport_tx_init(&dp->tx4, offload) != 0 ||
	    tap_out_init(&dp->tap_out, offload) != 0 ||
	    (dp->tap_in = malloc(GSO_HDR_LEN + GSO_FRAME_MAX)) == NULL) {
		datapath_free(dp);
		return -1;
	}
	return 0;
}

void
datapath_free(struct datapath *dp)
{
	transport_rx_free(&dp->rx);
	transport_tx_free(&dp->tx6);
	transport_tx_free(&dp->tx4);
	tap_out_free(&dp->tap_out);
	free(dp->tap_in);
	dp->tap_in = NULL;
}

int
datapath_fd(const struct datapath *dp, const struct endpoint *ep)
{
	return ep->u.sa.sa_family == AF_INET6 ? dp->udp6 : dp->udp4;
}

void
datapath_send(struct datapath *dp, const struct endpoint *ep, const void *buf, size_t len, uint64_t *fail)
{
	int fd = datapath_fd(dp, ep);

	if (fd < 0 || ep->len == 0 || transport_send(fd, ep, buf, len) < 0)
		(*fail)++;
}

void
datapath_udp_read(struct datapath *dp, int fd, datapath_datagram_fn fn, void *ctx)
{
	uint64_t now = util_now_ms();
	int n;

	for (int batch = 0; batch < DATAPATH_RECV_BATCHES && (n = transport_recv(fd, &dp->rx)) > 0; batch++) {
		dp->activity++;
		for (int i = 0; i < n; i++) {
			size_t total = dp->rx.msgs[i].msg_len, seg = dp->rx.seg[i], off = 0;

			/* one datagram, or a GRO burst of them from one sender */
			do {
				size_t len = total - off < seg ? total - off : seg;

				fn(ctx, dp->rx.buf[i] + off, len, &dp->rx.ep[i], now);
				off += seg;
			} while (off < total);
		}
		tap_out_flush(&dp->tap_out);
		if ((unsigned)n < dp->rx.nbuf)
			break;          /* the socket ran dry */
	}
}

/* Seal the frame (len bytes at pkt + WIRE_DATA_HEADER_LEN, where
 * transport_reserve made room) and queue it. */
static void
datapath_queue(struct transport_tx *tx, struct tunnel_peer *tp, uint8_t *pkt, size_t len,
    datapath_guard_fn guard, void *ctx, uint64_t now)
{
	enum tunnel_drop d;
	size_t plen;

	if (guard != NULL && !guard(ctx, pkt + WIRE_DATA_HEADER_LEN, len))
		return;
	if ((d = tunnel_seal_data(tp, pkt, len, len + WIRE_DATA_MIN_LEN, now, &plen)) != TUNNEL_OK)
		tp->st.drops[d]++;
	else
		transport_commit(tx, plen, &tp->ep);
}

void
datapath_tap_read(struct datapath *dp, int tap, bool tap_offload, struct tunnel_peer *tp,
    datapath_guard_fn guard, void *ctx, uint64_t now)
{
	struct transport_tx *tx = tp->ep.u.sa.sa_family == AF_INET6 ? &dp->tx6 : &dp->tx4;
	int ufd = datapath_fd(dp, &tp->ep);

	if (tp->ep.len == 0 || ufd < 0) {
		/* nowhere to send: drain, so the tap does not stay readable */
		while (read(tap, dp->tap_in, GSO_HDR_LEN + GSO_FRAME_MAX) > 0)
			tp->st.drops[DROP_NO_SESSION]++;
		return;
	}
	/* a batch of frames, sealed in place, leaves in one sendmmsg */
	for (int i = 0; i < TRANSPORT_BATCH; i++) {
		struct virtio_net_hdr vh;
		struct gso_seg seg;
		ssize_t n;
		size_t len;

		if (!tap_offload) {
			uint8_t *pkt = transport_reserve(tx, ufd, WIRE_DATA_MAX_LEN);

			if ((n = read(tap, pkt + WIRE_DATA_HEADER_LEN, WIRE_FRAME_MAX)) <= 0)
				break;
			dp->activity++;
			datapath_queue(tx, tp, pkt, (size_t)n, guard, ctx, now);
			continue;
		}
		/* a burst of TCP in one frame: cut into segments, each sealed
		 * where it will leave from */
		if ((n = read(tap, dp->tap_in, GSO_HDR_LEN + GSO_FRAME_MAX)) <= 0)
			break;
		dp->activity++;
		memcpy(&vh, dp->tap_in, sizeof(vh));
		if ((size_t)n < GSO_HDR_LEN ||
		    !gso_seg_init(&seg, &vh, dp->tap_in + GSO_HDR_LEN, (size_t)n - GSO_HDR_LEN)) {
			tp->st.drops[DROP_TOO_BIG]++;
			continue;
		}
		while ((len = gso_seg_next_len(&seg)) != 0) {
			uint8_t *pkt = transport_reserve(tx, ufd, len + WIRE_DATA_MIN_LEN);

			gso_seg_next(&seg, pkt + WIRE_DATA_HEADER_LEN);
			datapath_queue(tx, tp, pkt, len, guard, ctx, now);
		}
	}
	tp->st.drops[DROP_SEND] += transport_flush(tx, ufd);
}

bool
datapath_send_frame(struct datapath *dp, struct tunnel_peer *tp, const uint8_t *frame, size_t len, uint64_t now)
{
	uint8_t pkt[WIRE_DATA_MIN_LEN + DATAPATH_FRAME_MAX];
	size_t plen;

	if (len > DATAPATH_FRAME_MAX || tp->ep.len == 0)
		return false;
	if (len != 0)
		memcpy(pkt + WIRE_DATA_HEADER_LEN, frame, len);
	if (tunnel_seal_data(tp, pkt, len, sizeof(pkt), now, &plen) != TUNNEL_OK)
		return false;
	datapath_send(dp, &tp->ep, pkt, plen, &tp->st.drops[DROP_SEND]);
	return true;
}

void
datapath_keepalive(struct datapath *dp, struct tunnel_peer *tp, uint64_t now)
{
	(void)datapath_send_frame(dp, tp, NULL, 0, now);
}
