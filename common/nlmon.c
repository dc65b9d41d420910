/* SPDX-License-Identifier: ISC */
/* nlmon: rtnetlink link and address events through libmnl; see nlmon.h. */
#include "config.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "nlmon.h"

int
nlmon_open(char *err, size_t errlen)
{
	struct sockaddr_nl snl = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0 || bind(fd, (struct sockaddr *)&snl, sizeof(snl)) != 0) {
		snprintf(err, errlen, "netlink monitor: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
nlmon_dump_addrs(int fd)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	return sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ? -1 : 0;
}

struct nlmon_ctx {
	nlmon_fn fn;
	void *ctx;
	int n;
	const struct nlattr *tb[IFA_MAX + 1];
};

/* IFA_ADDRESS and IFA_LOCAL: an address of the family's size, nothing
 * else; IFLA attributes are not needed (ifi_flags has up and running). */
static int
nlmon_addr_attr(const struct nlattr *a, void *data)
{
	struct nlmon_ctx *c = data;
	uint16_t type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFA_MAX) < 0)
		return MNL_CB_OK;       /* newer than this build: ignored */
	if ((type == IFA_ADDRESS || type == IFA_LOCAL) && mnl_attr_validate(a, MNL_TYPE_BINARY) < 0)
		return MNL_CB_ERROR;
	c->tb[type] = a;
	return MNL_CB_OK;
}

static int
nlmon_msg(const struct nlmsghdr *nlh, void *data)
{
	struct nlmon_ctx *c = data;
	struct nlmon_event ev;

	memset(&ev, 0, sizeof(ev));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		const struct ifinfomsg *ifi;

		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
			return MNL_CB_OK;
		ifi = mnl_nlmsg_get_payload(nlh);
		ev.kind = NLMON_LINK;
		ev.ifindex = ifi->ifi_index;
		ev.removed = nlh->nlmsg_type == RTM_DELLINK;
		ev.up = (ifi->ifi_flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
		break;
	}
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		const struct ifaddrmsg *ifa;
		const struct nlattr *a;
		size_t want;

		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
			return MNL_CB_OK;
		ifa = mnl_nlmsg_get_payload(nlh);
		if (ifa->ifa_family != AF_INET6 && ifa->ifa_family != AF_INET)
			return MNL_CB_OK;
		memset(c->tb, 0, sizeof(c->tb));
		if (mnl_attr_parse(nlh, sizeof(*ifa), nlmon_addr_attr, c) < 0)
			return MNL_CB_OK;
		/* IPv4 has its own address in IFA_LOCAL (IFA_ADDRESS is the
		 * peer's on point-to-point links); IPv6 in IFA_ADDRESS */
		a = ifa->ifa_family == AF_INET && c->tb[IFA_LOCAL] ? c->tb[IFA_LOCAL] : c->tb[IFA_ADDRESS];
		want = ifa->ifa_family == AF_INET6 ? 16 : 4;
		if (a == NULL || mnl_attr_get_payload_len(a) != want)
			return MNL_CB_OK;
		ev.kind = NLMON_ADDR;
		ev.ifindex = (int)ifa->ifa_index;
		ev.removed = nlh->nlmsg_type == RTM_DELADDR;
		ev.family = ifa->ifa_family;
		memcpy(&ev.addr, mnl_attr_get_payload(a), want);
		ev.plen = ifa->ifa_prefixlen;
		ev.scope = ifa->ifa_scope;
		break;
	}
	default:
		return MNL_CB_OK;
	}
	c->n++;
	c->fn(c->ctx, &ev);
	return MNL_CB_OK;
}

int
nlmon_parse(const uint8_t *buf, size_t len, nlmon_fn fn, void *ctx)
{
	struct nlmon_ctx c = { .fn = fn, .ctx = ctx };
	size_t off = 0, ok = 0;
	int rc;

	/* libmnl trusts two things the kernel always gives and a fuzzer does
	 * not: mnl_nlmsg_ok compares nlmsg_len as an int (2 GiB or more is
	 * negative and passes), and the attribute walk runs to the message's
	 * length rounded up to 4 (past the buffer when the padding is not
	 * there). Only whole, padded messages, checked here unsigned, go on. */
	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t padded;

		memcpy(&h, buf + off, sizeof(h));
		padded = ((size_t)h.nlmsg_len + MNL_ALIGNTO - 1) & ~(size_t)(MNL_ALIGNTO - 1);
		if (h.nlmsg_len < sizeof(h) || padded > len - off)
			break;
		off += padded;
		ok = off;
	}
	/* seq 0 and portid 0: neither is checked (events and our dump) */
	if ((rc = mnl_cb_run(buf, ok, 0, 0, nlmon_msg, &c)) < 0)
		return -1;
	if (rc == MNL_CB_STOP) {
		/* NLMSG_DONE: the dump is over */
		struct nlmon_event ev = { .kind = NLMON_DONE };

		fn(ctx, &ev);
	}
	return c.n;
}

void
nlmon_read(int fd, nlmon_fn fn, void *ctx)
{
	uint8_t buf[16384];

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		/* ENOBUFS: events were lost while we were busy; the next ones
		 * still come, and nothing here depends on seeing every one */
		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n <= 0)
			return;
		(void)nlmon_parse(buf, (size_t)n, fn, ctx);
	}
}
