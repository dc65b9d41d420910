/* SPDX-License-Identifier: ISC */
/* nlmon: link and address events built as the kernel sends them, read back;
 * truncated messages, attributes of the wrong size and other message types
 * give no event; NLMSG_DONE ends a dump. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>

#include "nlmon.h"

struct seen {
	struct nlmon_event ev[8];
	int n;
};

static void
collect(void *ctx, const struct nlmon_event *ev)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->ev[s->n++] = *ev;
}

static size_t
put_addr(uint8_t *buf, uint16_t type, int family, const void *addr, size_t alen, uint8_t plen, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	if (family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	return nlh->nlmsg_len;
}

static size_t
put_link(uint8_t *buf, uint16_t type, int ifindex, unsigned flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "up0");
	return nlh->nlmsg_len;
}

static void
test_events(void **state)
{
	uint8_t buf[1024];
	struct in6_addr a6;
	struct in_addr a4;
	struct seen s = { 0 };
	size_t len = 0;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::2", &a6);
	inet_pton(AF_INET, "10.99.0.2", &a4);
	len += put_addr(buf + len, RTM_NEWADDR, AF_INET6, &a6, 16, 64, 3);
	len += put_addr(buf + len, RTM_DELADDR, AF_INET, &a4, 4, 24, 3);
	len += put_link(buf + len, RTM_NEWLINK, 3, IFF_UP | IFF_RUNNING);
	len += put_link(buf + len, RTM_NEWLINK, 3, IFF_UP);
	len += put_link(buf + len, RTM_DELLINK, 4, 0);
	assert_int_equal(nlmon_parse(buf, len, collect, &s), 5);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.ev[0].kind, NLMON_ADDR);
	assert_false(s.ev[0].removed);
	assert_int_equal(s.ev[0].family, AF_INET6);
	assert_memory_equal(&s.ev[0].addr.a6, &a6, 16);
	assert_int_equal(s.ev[0].plen, 64);
	assert_int_equal(s.ev[0].ifindex, 3);
	assert_true(s.ev[1].removed);
	assert_int_equal(s.ev[1].family, AF_INET);
	assert_memory_equal(&s.ev[1].addr.a4, &a4, 4);
	assert_int_equal(s.ev[2].kind, NLMON_LINK);
	assert_true(s.ev[2].up);
	assert_false(s.ev[3].up);       /* up without carrier */
	assert_true(s.ev[4].removed);
}

static void
test_hostile(void **state)
{
	uint8_t buf[512];
	struct in6_addr a6 = { { { 0x20, 0x01 } } };
	struct seen s = { 0 };
	size_t len;

	(void)state;
	/* an IPv6 address attribute of 4 bytes: no event */
	len = put_addr(buf, RTM_NEWADDR, AF_INET6, &a6, 4, 64, 3);
	assert_int_equal(nlmon_parse(buf, len, collect, &s), 0);
	/* every truncation of a good message: never an event, never a crash */
	len = put_addr(buf, RTM_NEWADDR, AF_INET6, &a6, 16, 64, 3);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, buf, n);
		s.n = 0;
		(void)nlmon_parse(copy, n, collect, &s);
		assert_int_equal(s.n, 0);
		free(copy);
	}
	/* a length field larger than the buffer */
	((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)len + 64;
	s.n = 0;
	(void)nlmon_parse(buf, len, collect, &s);
	assert_int_equal(s.n, 0);
	/* a second message whose length is 2 GiB and more: libmnl reads that
	 * as a negative int and walked out of the buffer (fuzz_nlmon found it) */
	len = put_addr(buf, RTM_NEWADDR, AF_INET6, &a6, 16, 64, 3);
	memcpy(buf + len, buf, len);
	((struct nlmsghdr *)(buf + len))->nlmsg_len = 0xa000002cu;
	s.n = 0;
	assert_int_equal(nlmon_parse(buf, 2 * len, collect, &s), 1);
	assert_int_equal(s.n, 1);
	/* a message of 37 bytes whose last attribute needs the 3 bytes of
	 * padding the buffer does not have: libmnl's attribute walk ran to
	 * the padded end (fuzz_nlmon found it); refused whole */
	{
		static const uint8_t unpadded[37] = {
			0x25, 0, 0, 0, RTM_NEWADDR, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x5d, 0x2a, 0,
			AF_INET, 0x40, 3, 0, 0, 0, 0, 0, 8, 0, 2, 0x40, 0, 0, 0, 0, 8, 0, 2, 0x40, 0,
		};
		uint8_t *copy = malloc(sizeof(unpadded));

		memcpy(copy, unpadded, sizeof(unpadded));
		s.n = 0;
		assert_int_equal(nlmon_parse(copy, sizeof(unpadded), collect, &s), 0);
		assert_int_equal(s.n, 0);
		free(copy);
	}
	/* another family: no event */
	len = put_addr(buf, RTM_NEWADDR, AF_PACKET, &a6, 16, 64, 3);
	s.n = 0;
	assert_int_equal(nlmon_parse(buf, len, collect, &s), 0);
}

static void
test_done(void **state)
{
	uint8_t buf[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct seen s = { 0 };

	(void)state;
	nlh->nlmsg_type = NLMSG_DONE;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	(void)nlmon_parse(buf, nlh->nlmsg_len, collect, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, NLMON_DONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_done),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
