/* ndproxy: answer the upstream router's neighbour solicitations for
 * addresses in the sites. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "ndp.h"
#include "ndproxy.h"
#include "server.h"
#include "util.h"

struct pending {
	struct site *s;                 /* NULL: a free slot */
	struct in6_addr target, req;
	uint8_t req_mac[6];
	uint64_t expires_ms, asked_ms;
};

struct ndproxy {
	struct server *srv;
	int fd;
	struct event *ev;
	struct pending pend[NDPROXY_PENDING_MAX];
	struct ndproxy_stats st;
};

/* Pass only ICMPv6 neighbour solicitations without extension headers
 * (RFC 6980 forbids fragmenting them): Ethernet type at 12, IPv6 next
 * header at 14 + 6, ICMPv6 type at 14 + 40. */
static struct sock_filter ndproxy_bpf[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 5),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NDP_NS, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* RFC 4861 7.2.4: a solicited NA to the asker, our MAC as the target's
 * link-layer address. O is set: nobody else on this link owns these
 * addresses, and a router holding a stale MAC for one must take ours. */
static void
ndproxy_answer(struct ndproxy *p, const struct in6_addr *target, const struct in6_addr *to,
    const uint8_t to_mac[6])
{
	struct server *srv = p->srv;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = srv->upstream_index,
		.sll_halen = 6,
	};
	struct ndp_msg na = {
		.type = NDP_NA,
		.target = *target,
		.src = *target,
		.dst = *to,
		.flags = NDP_NA_SOLICITED | NDP_NA_OVERRIDE,
		.has_lla = true,
	};
	uint8_t frame[NDP_FRAME_MAX];
	size_t len;

	memcpy(na.eth_dst, to_mac, 6);
	memcpy(na.eth_src, srv->upstream_mac, 6);
	memcpy(na.lla, srv->upstream_mac, 6);
	memcpy(sll.sll_addr, to_mac, 6);
	if ((len = ndp_build(&na, frame, sizeof(frame))) == 0)
		return;
	if (sendto(p->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		log_debug("ndp proxy: send: %s", strerror(errno));
	else
		p->st.answered++;
}

/* RFC 4861 7.2.2: a multicast NS into the site, from the tap's link-local
 * address, as the kernel would send it to resolve target there. */
static void
ndproxy_ask(struct ndproxy *p, struct site *s, const struct in6_addr *target, uint64_t now)
{
	struct ndp_msg ns = { .type = NDP_NS, .target = *target, .src = s->ll, .has_lla = true };
	uint8_t frame[NDP_FRAME_MAX];
	size_t len;

	ndp_solicited_node(target, &ns.dst, ns.eth_dst);
	memcpy(ns.eth_src, s->mac, 6);
	memcpy(ns.lla, s->mac, 6);
	if ((len = ndp_build(&ns, frame, sizeof(frame))) != 0 && site_send_frame(s, frame, len, now))
		p->st.asked++;
}

static void
ndproxy_question(struct ndproxy *p, struct site *s, const struct ndp_msg *m, uint64_t now)
{
	struct pending *slot = NULL, *oldest = NULL;
	bool asked = false;

	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++) {
		struct pending *q = &p->pend[i];

		if (q->s == NULL) {
			if (slot == NULL)
				slot = q;
			continue;
		}
		if (memcmp(&q->target, &m->target, 16) != 0) {
			if (oldest == NULL || q->expires_ms < oldest->expires_ms)
				oldest = q;
			continue;
		}
		if (now - q->asked_ms < NDPROXY_RESOLICIT_MS)
			asked = true;
		if (memcmp(&q->req, &m->src, 16) == 0)
			slot = q;       /* the same question again: refresh it */
	}
	if (slot == NULL) {
		/* full: the oldest question gives way (a scan of the /64 must
		 * not lock out real traffic) */
		p->st.overflow++;
		slot = oldest;
	}
	if (slot == NULL)
		return;
	slot->s = s;
	slot->target = m->target;
	slot->req = m->src;
	memcpy(slot->req_mac, m->eth_src, 6);
	slot->expires_ms = now + NDPROXY_WAIT_MS;
	if (asked)
		return;
	ndproxy_ask(p, s, &m->target, now);
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++)
		if (p->pend[i].s != NULL && memcmp(&p->pend[i].target, &m->target, 16) == 0)
			p->pend[i].asked_ms = now;
}

static void
ndproxy_read(evutil_socket_t fd, short what, void *arg)
{
	struct ndproxy *p = arg;
	struct server *srv = p->srv;
	uint64_t now = util_now_ms();

	(void)what;
	for (int n = 0; n < 64; n++) {
		struct sockaddr_ll sll;
		socklen_t slen = sizeof(sll);
		uint8_t buf[1600];
		struct ndp_msg m;
		struct site *s;
		enum ndp_err e;
		ssize_t len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll, &slen);

		if (len < 0)
			break;
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		if ((e = ndp_parse(buf, (size_t)len, &m)) != NDP_OK) {
			if (e != NDP_NOT_NDP)
				p->st.invalid++;
			continue;
		}
		/* RFC 4862 5.4: an NS from :: is duplicate address detection
		 * by a node on the upstream link; site addresses are not its
		 * to take, but answering would only confuse it */
		if (m.type != NDP_NS || IN6_IS_ADDR_UNSPECIFIED(&m.src))
			continue;
		if ((s = server_site_of_addr(srv, &m.target)) == NULL)
			continue;
		p->st.solicitations++;
		if (srv->conf.ndp_proxy == CONF_NDP_STATIC || hosts_fresh(&s->hosts, &m.target, now))
			ndproxy_answer(p, &m.target, &m.src, m.eth_src);
		else if (tunnel_peer_live(&s->tp, now))
			ndproxy_question(p, s, &m, now);
	}
}

struct ndproxy *
ndproxy_open(struct server *srv, char *err, size_t errlen)
{
	struct sock_fprog prog = { .len = ARRAY_SIZE(ndproxy_bpf), .filter = ndproxy_bpf };
	struct packet_mreq mr = { .mr_ifindex = srv->upstream_index, .mr_type = PACKET_MR_ALLMULTI };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = srv->upstream_index,
	};
	struct ndproxy *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		snprintf(err, errlen, "ndp proxy: out of memory");
		return NULL;
	}
	p->srv = srv;
	p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (p->fd < 0 ||
	    setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0 ||
	    bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0 ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
		snprintf(err, errlen, "ndp proxy on %s: packet socket: %s", srv->conf.upstream, strerror(errno));
		if (p->fd >= 0)
			close(p->fd);
		free(p);
		return NULL;
	}
	p->ev = event_new(srv->base, p->fd, EV_READ | EV_PERSIST, ndproxy_read, p);
	event_add(p->ev, NULL);
	return p;
}

void
ndproxy_close(struct ndproxy *p)
{
	if (p == NULL)
		return;
	event_free(p->ev);
	close(p->fd);
	free(p);
}

void
ndproxy_site_answered(struct ndproxy *p, struct site *s, const struct in6_addr *target)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++) {
		struct pending *q = &p->pend[i];

		if (q->s != s || memcmp(&q->target, target, 16) != 0)
			continue;
		ndproxy_answer(p, target, &q->req, q->req_mac);
		q->s = NULL;
	}
}

void
ndproxy_forget_site(struct ndproxy *p, const struct site *s)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++)
		if (p->pend[i].s == s)
			p->pend[i].s = NULL;
}

void
ndproxy_tick(struct ndproxy *p, uint64_t now)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++)
		if (p->pend[i].s != NULL && now >= p->pend[i].expires_ms)
			p->pend[i].s = NULL;
}

const struct ndproxy_stats *
ndproxy_stats(const struct ndproxy *p)
{
	return &p->st;
}
