/* SPDX-License-Identifier: ISC */
/* ra: what v6extd's router advertisements say, read back with ndp_parse
 * as a host would (RFC 4861 6.1.2 validity, then every field; the A flag
 * for /64 sites of a routed prefix), and when
 * they go out: three fast initial ones, then 200..600 s apart; at most ten
 * RS answers a second; a withdrawal with every lifetime 0. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndp.h"
#include "ra.h"

static struct ra_link
link_fixture(void)
{
	struct ra_link l = { .mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 } };

	ndp_link_local(l.mac, &l.ll);
	inet_pton(AF_INET6, "2001:db8:64:1:4::", &l.sub.addr);
	l.sub.len = 78;
	return l;
}

static void
test_build(void **state)
{
	struct in6_addr dns[2], host;
	struct ra_conf c = { .mtu = 1380, .managed = true, .dns = dns, .n_dns = 2 };
	struct ra_link l = link_fixture();
	uint8_t frame[NDP_FRAME_MAX], host_mac[6] = { 0x52, 0x54, 0, 1, 2, 3 };
	struct ndp_msg m;
	size_t len;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::53", &dns[0]);
	inet_pton(AF_INET6, "2001:db8::54", &dns[1]);
	/* to all nodes */
	len = ra_build(&c, &l, NULL, NULL, false, frame, sizeof(frame));
	assert_true(len > 0);
	assert_int_equal(ndp_parse(frame, len, &m), NDP_OK);
	assert_int_equal(m.type, NDP_RA);
	assert_memory_equal(&m.src, &l.ll, 16);
	assert_int_equal(m.dst.s6_addr[0], 0xff);
	assert_int_equal(m.dst.s6_addr[15], 0x01);
	assert_memory_equal(m.eth_dst, "\x33\x33\x00\x00\x00\x01", 6);
	assert_memory_equal(m.eth_src, l.mac, 6);
	assert_int_equal(m.flags, NDP_RA_MANAGED | NDP_RA_OTHER);
	assert_int_equal(m.router_lifetime, RA_ROUTER_LIFETIME);
	assert_int_equal(m.mtu, 1380);
	assert_true(m.has_prefix);
	assert_memory_equal(&m.prefix, &l.sub, sizeof(l.sub));
	/* on-link, not autonomous: SLAAC needs a /64 */
	assert_int_equal(m.prefix_flags, NDP_PIO_ONLINK);
	assert_int_equal(m.valid_lifetime, RA_PREFIX_VALID);
	assert_int_equal(m.preferred_lifetime, RA_PREFIX_PREFERRED);
	assert_int_equal(m.n_rdnss, 2);
	assert_memory_equal(m.rdnss, dns, sizeof(dns));
	assert_int_equal(m.rdnss_lifetime, RA_RDNSS_LIFETIME);
	assert_true(m.has_lla);
	assert_memory_equal(m.lla, l.mac, 6);
	/* no translator: no NAT64 route, no PREF64 */
	assert_false(m.has_route);
	assert_false(m.has_pref64);

	/* with the translator: its prefix routed here and announced, living as
	 * long as the default route; a withdrawal ends both */
	struct prefix nat64 = { .len = 96 };
	inet_pton(AF_INET6, "64:ff9b:1::", &nat64.addr);
	c.nat64 = &nat64;
	len = ra_build(&c, &l, NULL, NULL, false, frame, sizeof(frame));
	assert_int_equal(ndp_parse(frame, len, &m), NDP_OK);
	assert_true(m.has_route);
	assert_memory_equal(&m.route, &nat64, sizeof(nat64));
	assert_int_equal(m.route_lifetime, RA_ROUTER_LIFETIME);
	assert_true(m.has_pref64);
	assert_memory_equal(&m.pref64, &nat64, sizeof(nat64));
	assert_int_equal(m.pref64_lifetime, RA_ROUTER_LIFETIME);
	len = ra_build(&c, &l, NULL, NULL, true, frame, sizeof(frame));
	assert_int_equal(ndp_parse(frame, len, &m), NDP_OK);
	assert_int_equal(m.route_lifetime, 0);
	assert_int_equal(m.pref64_lifetime, 0);
	c.nat64 = NULL;

	/* to one host, DHCPv6 off, no DNS */
	inet_pton(AF_INET6, "fe80::5054:ff:fe01:203", &host);
	c.managed = false;
	c.n_dns = 0;
	len = ra_build(&c, &l, &host, host_mac, false, frame, sizeof(frame));
	assert_int_equal(ndp_parse(frame, len, &m), NDP_OK);
	assert_memory_equal(&m.dst, &host, 16);
	assert_memory_equal(m.eth_dst, host_mac, 6);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.n_rdnss, 0);

	/* too small a buffer: nothing */
	assert_int_equal(ra_build(&c, &l, NULL, NULL, false, frame, 60), 0);
}

/* The sites of a routed prefix: a /64 is autonomous (SLAAC, RFC 4862
 * 5.5.3), a shorter site puts its first /64 on the link, autonomous too;
 * longer than /64 never is. */
static void
test_prefix_forms(void **state)
{
	static const struct {
		const char *site, *pio;
		uint8_t site_len, pio_len, flags;
	} rows[] = {
		{ "2001:db8:48:5::", "2001:db8:48:5::", 64, 64, NDP_PIO_ONLINK | NDP_PIO_AUTO },
		{ "2001:db8:48:10::", "2001:db8:48:10::", 60, 64, NDP_PIO_ONLINK | NDP_PIO_AUTO },
		{ "2001:db8:48::", "2001:db8:48::", 48, 64, NDP_PIO_ONLINK | NDP_PIO_AUTO },
		{ "2001:db8:48:5::", "2001:db8:48:5::", 65, 65, NDP_PIO_ONLINK },
		{ "2001:db8:64:1:4::", "2001:db8:64:1:4::", 78, 78, NDP_PIO_ONLINK },
	};
	struct ra_conf c = { .mtu = 1380, .managed = true };
	struct ra_link l = link_fixture();
	uint8_t frame[NDP_FRAME_MAX];
	struct ndp_msg m;
	struct prefix want;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&l.sub, 0, sizeof(l.sub));
		inet_pton(AF_INET6, rows[i].site, &l.sub.addr);
		l.sub.len = rows[i].site_len;
		memset(&want, 0, sizeof(want));
		inet_pton(AF_INET6, rows[i].pio, &want.addr);
		want.len = rows[i].pio_len;
		len = ra_build(&c, &l, NULL, NULL, false, frame, sizeof(frame));
		assert_int_equal(ndp_parse(frame, len, &m), NDP_OK);
		assert_true(m.has_prefix);
		assert_memory_equal(&m.prefix, &want, sizeof(want));
		if (m.prefix_flags != rows[i].flags)
			fail_msg("row %zu: flags 0x%02x, want 0x%02x", i + 1, m.prefix_flags, rows[i].flags);
		/* DHCPv6 stays on beside SLAAC */
		assert_int_equal(m.flags, NDP_RA_MANAGED | NDP_RA_OTHER);
	}
}

/* RFC 4861 6.2.5: a router that stops being one says lifetime 0 */
static void
test_withdraw(void **state)
{
	struct in6_addr dns;
	struct ra_conf c = { .mtu = 1380, .managed = true, .dns = &dns, .n_dns = 1 };
	struct ra_link l = link_fixture();
	uint8_t frame[NDP_FRAME_MAX];
	struct ndp_msg m;
	size_t len;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::53", &dns);
	len = ra_build(&c, &l, NULL, NULL, true, frame, sizeof(frame));
	assert_int_equal(ndp_parse(frame, len, &m), NDP_OK);
	assert_int_equal(m.router_lifetime, 0);
	assert_int_equal(m.valid_lifetime, 0);
	assert_int_equal(m.preferred_lifetime, 0);
	assert_int_equal(m.rdnss_lifetime, 0);
}

static void
test_timer(void **state)
{
	struct ra_timer t = { 0 };
	uint64_t now = 1000000, last;
	int sent = 0;

	(void)state;
	ra_timer_start(&t);
	/* RFC 4861 6.2.4: the first at once, and the timer after each of the
	 * first three capped at 16 s: so three more come fast */
	assert_true(ra_timer_due(&t, now, 0xffffffff));
	last = now;
	for (uint64_t ms = now + 1000; sent < 3; ms += 1000) {
		if (ra_timer_due(&t, ms, 0xffffffff)) {
			assert_true(ms - last <= RA_INITIAL_MS);
			last = ms;
			sent++;
		}
	}
	/* then 200..600 s apart, whatever the random number */
	for (int i = 0; i < 50; i++) {
		uint32_t rnd = (uint32_t)i * 0x9e3779b9u;
		uint64_t ms = last;

		(void)ra_timer_due(&t, last, rnd);  /* not due yet */
		while (!ra_timer_due(&t, ms, rnd))
			ms += 1000;
		assert_true(ms - last >= RA_INTERVAL_MIN_MS);
		assert_true(ms - last <= RA_INTERVAL_MAX_MS + 1000);
		last = ms;
	}
}

static void
test_rs_limit(void **state)
{
	struct ra_timer t = { 0 };
	int answered = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		answered += ra_rs_allowed(&t, 5000 + (uint64_t)i);      /* 100 RSes within 0.1 s */
	assert_int_equal(answered, RA_RS_PER_SECOND);
	assert_true(ra_rs_allowed(&t, 6001));                          /* the next second */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_prefix_forms),
		cmocka_unit_test(test_withdraw),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_rs_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
