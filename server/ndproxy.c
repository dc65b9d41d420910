/* SPDX-License-Identifier: ISC */
/* ndproxy: answer the upstream router's neighbour solicitations for
 * addresses in the sites; see ndproxy.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine_data.h"
#include "log.h"
#include "ndp.h"
#include "ndproxy.h"
#include "site.h"
#include "util.h"

struct pending {
	bool used;
	uint64_t index;                 /* the site's sub-prefix index: found again by it */
	struct in6_addr target, req;
	uint8_t req_mac[6];
	uint64_t expires_ms, asked_ms;
};

struct ndproxy {
	struct engine *e;
	int fd;
	struct event *ev;
	struct pending pend[NDPROXY_PENDING_MAX];
	struct ndproxy_stats st;
};

/* A site's budget for this second: NSes into it, answers for it. */
static bool
ndproxy_budget(struct site *s, bool ask, uint64_t now)
{
	if (now - s->ndp_window_ms >= 1000) {
		s->ndp_window_ms = now;
		s->ndp_asks = s->ndp_answers = 0;
	}
	return ask ? s->ndp_asks++ < NDPROXY_SITE_ASKS : s->ndp_answers++ < NDPROXY_SITE_ANSWERS;
}

/* RFC 4861 7.2.4: a solicited NA to the asker, our MAC as the target's
 * link-layer address. O is set: nobody else on this link owns these
 * addresses, and a router holding a stale MAC for one must take ours. */
static void
ndproxy_answer(struct ndproxy *p, struct site *s, const struct in6_addr *target, const struct in6_addr *to,
    const uint8_t to_mac[6], uint64_t now)
{
	struct engine *e = p->e;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = e->upstream_index,
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

	if (!ndproxy_budget(s, false, now)) {
		p->st.limited++;
		return;
	}
	memcpy(na.eth_dst, to_mac, 6);
	memcpy(na.eth_src, e->upstream_mac, 6);
	memcpy(na.lla, e->upstream_mac, 6);
	memcpy(sll.sll_addr, to_mac, 6);
	if ((len = ndp_build(&na, frame, sizeof(frame))) == 0)
		return;
	if (sendto(p->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		log_debug("ndp proxy: send: %s", strerror(errno));
	else
		p->st.answered++;
}

/* RFC 4861 7.2.2: a multicast NS into the site, from the tap's link-local
 * address, as the kernel would send it to resolve target there. The
 * caller has checked the site's budget. */
static bool
ndproxy_ask(struct ndproxy *p, struct site *s, const struct in6_addr *target, uint64_t now)
{
	struct ndp_msg ns = { .type = NDP_NS, .target = *target, .src = s->link.ll, .has_lla = true };
	uint8_t frame[NDP_FRAME_MAX];
	size_t len;

	ndp_solicited_node(target, &ns.dst, ns.eth_dst);
	memcpy(ns.eth_src, s->link.mac, 6);
	memcpy(ns.lla, s->link.mac, 6);
	if ((len = ndp_build(&ns, frame, sizeof(frame))) == 0 || !site_send_frame(s, frame, len, now))
		return false;
	p->st.asked++;
	return true;
}

/* Where a new question about target from req goes: the same question
 * again, a free slot, the site's own oldest when it holds its share, or
 * the oldest of all. Sets *asked when target was asked about within the
 * last NDPROXY_RESOLICIT_MS. */
static struct pending *
ndproxy_slot(struct ndproxy *p, uint64_t index, const struct ndp_msg *m, uint64_t now, bool *asked,
    bool *limited)
{
	struct pending *same = NULL, *free_slot = NULL, *oldest = NULL, *site_oldest = NULL;
	unsigned site_n = 0;

	*asked = *limited = false;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++) {
		struct pending *q = &p->pend[i];

		if (!q->used) {
			if (free_slot == NULL)
				free_slot = q;
			continue;
		}
		if (q->index == index) {
			site_n++;
			if (site_oldest == NULL || q->expires_ms < site_oldest->expires_ms)
				site_oldest = q;
		}
		if (oldest == NULL || q->expires_ms < oldest->expires_ms)
			oldest = q;
		if (memcmp(&q->target, &m->target, 16) != 0)
			continue;
		if (now - q->asked_ms < NDPROXY_RESOLICIT_MS)
			*asked = true;
		if (memcmp(&q->req, &m->src, 16) == 0)
			same = q;
	}
	if (same != NULL)
		return same;
	if (site_n >= NDPROXY_SITE_PENDING) {
		*limited = true;
		return site_oldest;     /* a site's scan displaces its own questions only */
	}
	if (free_slot != NULL)
		return free_slot;
	*limited = true;
	return oldest;
}

static void
ndproxy_question(struct ndproxy *p, struct site *s, const struct ndp_msg *m, uint64_t now)
{
	struct pending *slot;
	bool asked, limited;

	slot = ndproxy_slot(p, s->index, m, now, &asked, &limited);
	if (!asked && !ndproxy_budget(s, true, now)) {
		/* over the site's NSes for this second: kept, asked when the
		 * router asks again */
		limited = true;
		asked = true;
	}
	/* one count per question a budget refused in any way */
	if (limited)
		p->st.limited++;
	if (slot == NULL)
		return;
	slot->used = true;
	slot->index = s->index;
	slot->target = m->target;
	slot->req = m->src;
	memcpy(slot->req_mac, m->eth_src, 6);
	slot->expires_ms = now + NDPROXY_WAIT_MS;
	if (asked || !ndproxy_ask(p, s, &m->target, now))
		return;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++)
		if (p->pend[i].used && memcmp(&p->pend[i].target, &m->target, 16) == 0)
			p->pend[i].asked_ms = now;
}

static void
ndproxy_read(evutil_socket_t fd, short what, void *arg)
{
	struct ndproxy *p = arg;
	struct engine *e = p->e;
	uint64_t now = util_now_ms();

	(void)what;
	for (int n = 0; n < 64; n++) {
		struct sockaddr_ll sll;
		socklen_t slen = sizeof(sll);
		uint8_t buf[1600];
		struct ndp_msg m;
		struct site *s;
		enum ndp_err err;
		ssize_t len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll, &slen);

		if (len < 0)
			break;
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		if ((err = ndp_parse(buf, (size_t)len, &m)) != NDP_OK) {
			if (err != NDP_NOT_NDP)
				p->st.invalid++;
			continue;
		}
		/* RFC 4862 5.4: an NS from :: is duplicate address detection
		 * by a node on the upstream link; site addresses are not its
		 * to take, but answering would only confuse it */
		if (m.type != NDP_NS || IN6_IS_ADDR_UNSPECIFIED(&m.src))
			continue;
		if ((s = sitetab_by_addr(&e->sites, &m.target)) == NULL)
			continue;
		p->st.solicitations++;
		/* a site without a session has no hosts to reach */
		if (!site_live(s, now))
			continue;
		if (e->conf.ndp_proxy == CONF_NDP_STATIC || hosts_fresh(&s->hosts, &m.target, now))
			ndproxy_answer(p, s, &m.target, &m.src, m.eth_src, now);
		else
			ndproxy_question(p, s, &m, now);
	}
}

struct ndproxy *
ndproxy_open(struct engine *e, int fd, char *err, size_t errlen)
{
	struct ndproxy *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->ev = event_new(e->base, fd, EV_READ | EV_PERSIST, ndproxy_read, p)) == NULL ||
	    event_add(p->ev, NULL) != 0) {
		snprintf(err, errlen, "ndp proxy: out of memory");
		if (p != NULL && p->ev != NULL)
			event_free(p->ev);
		free(p);
		return NULL;
	}
	p->e = e;
	p->fd = fd;
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
	uint64_t now = util_now_ms();

	if (p == NULL)
		return;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++) {
		struct pending *q = &p->pend[i];

		if (!q->used || q->index != s->index || memcmp(&q->target, target, 16) != 0)
			continue;
		ndproxy_answer(p, s, target, &q->req, q->req_mac, now);
		q->used = false;
	}
}

void
ndproxy_tick(struct ndproxy *p, uint64_t now)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < NDPROXY_PENDING_MAX; i++)
		if (p->pend[i].used && (now >= p->pend[i].expires_ms ||
		    sitetab_by_index(&p->e->sites, p->pend[i].index) == NULL))
			p->pend[i].used = false;
}

const struct ndproxy_stats *
ndproxy_stats(const struct ndproxy *p)
{
	return &p->st;
}
