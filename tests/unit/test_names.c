/* SPDX-License-Identifier: ISC */
/* names: host names from the Client FQDN option (RFC 4704) and the
 * configuration, the option's answer, the records a site should have, the
 * published set kept in step, its state file; and pubmsg, the engine's and
 * the publisher's messages. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dhcp6.h"
#include "lease.h"
#include "names.h"
#include "pubmsg.h"

static const uint8_t duid_a[] = { 0, 1, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd };
static const uint8_t duid_b[] = { 0, 1, 0, 1, 0x11, 0x22, 0x33, 0x44 };

static enum names_verdict
host_of(const char *wire, size_t len, char *host)
{
	return names_fqdn_host((const uint8_t *)wire, len, host);
}

static void
test_fqdn_host(void **state)
{
	char host[NAMES_HOST_MAX + 1];
	uint8_t big[300];

	(void)state;
	assert_int_equal(host_of("\003vm1\007example\003org", 17, host), NAMES_OK);
	assert_string_equal(host, "vm1");
	/* fully qualified, upper case: lower-cased */
	assert_int_equal(host_of("\003VM1\007example\003org\000", 17, host), NAMES_OK);
	assert_string_equal(host, "vm1");
	assert_int_equal(host_of("\003vm1", 4, host), NAMES_OK);
	/* nothing, or the root alone: the client asks for a name */
	assert_int_equal(host_of("", 0, host), NAMES_NONE);
	assert_int_equal(host_of("\000", 1, host), NAMES_NONE);
	/* RFC 4704 4.1: no compression; a pointer is 0xc0, the extended
	 * types 0x40 and 0x80 */
	assert_int_equal(host_of("\xc0\x0c", 2, host), NAMES_BAD);
	assert_int_equal(host_of("\003vm1\xc0\x0c", 6, host), NAMES_BAD);
	assert_int_equal(host_of("\x41vm1", 4, host), NAMES_BAD);
	/* a label past the end, bytes after the root */
	assert_int_equal(host_of("\005vm1", 4, host), NAMES_BAD);
	assert_int_equal(host_of("\003vm1\000\003org", 9, host), NAMES_BAD);
	/* not a host name: '_', a space, a hyphen at an end, a NUL */
	assert_int_equal(host_of("\003v_1", 4, host), NAMES_BAD);
	assert_int_equal(host_of("\003v 1", 4, host), NAMES_BAD);
	assert_int_equal(host_of("\004-vm1", 5, host), NAMES_BAD);
	assert_int_equal(host_of("\004vm1-", 5, host), NAMES_BAD);
	assert_int_equal(host_of("\003v\0001", 4, host), NAMES_BAD);
	assert_string_equal(host, "");
	/* over 255 bytes */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 64 < sizeof(big); i += 64) {
		big[i] = 63;
		memset(big + i + 1, 'a', 63);
	}
	assert_int_equal(names_fqdn_host(big, sizeof(big), host), NAMES_LONG);
	assert_true(names_label_ok("vm1"));
	assert_true(names_label_ok("a"));
	assert_false(names_label_ok(""));
	assert_false(names_label_ok("a.b"));
}

struct fixture {
	struct conf_server conf;
	struct conf_host hosts[3];
	struct leases l;
	struct names_site ns;
	struct dhcp6_msg req;
};

static void
fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	/* home1: nas at ::100 (static), vm9 for duid_b (host-duid) */
	strcpy(f->hosts[0].peer, "home1");
	strcpy(f->hosts[0].name, "nas");
	inet_pton(AF_INET6, "2001:db8:64:1:4::100", &f->hosts[0].addr);
	strcpy(f->hosts[1].peer, "home1");
	strcpy(f->hosts[1].name, "vm9");
	f->hosts[1].by_duid = true;
	memcpy(f->hosts[1].duid, duid_b, sizeof(duid_b));
	f->hosts[1].duid_len = sizeof(duid_b);
	strcpy(f->hosts[2].peer, "home2");
	strcpy(f->hosts[2].name, "web");
	inet_pton(AF_INET6, "2001:db8:64:1:8::100", &f->hosts[2].addr);
	f->conf.hosts = f->hosts;
	f->conf.n_hosts = 3;
	leases_init(&f->l);
	f->ns = (struct names_site){ .site = "home1", .zone = "home.example.org", .publish = true, .conf = &f->conf };
	f->req.type = DHCP6_REQUEST;
	memcpy(f->req.client_id, duid_a, sizeof(duid_a));
	f->req.client_id_len = sizeof(duid_a);
}

static void
asks(struct fixture *f, uint8_t flags, const char *wire, size_t len)
{
	f->req.has_fqdn = true;
	f->req.fqdn_flags = flags;
	memcpy(f->req.fqdn, wire, len);
	f->req.fqdn_len = len;
}

static void
test_choose(void **state)
{
	struct fixture f;
	struct in6_addr a;
	char host[NAMES_HOST_MAX + 1];

	(void)state;
	fixture_init(&f);
	/* no option, no configured name */
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_NONE);
	asks(&f, DHCP6_FQDN_S, "\003vm1", 4);
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_OK);
	assert_string_equal(host, "vm1");
	/* N: the client wants no updates */
	f.req.fqdn_flags = DHCP6_FQDN_N;
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_NONE);
	/* a static host's name, a host-duid's of another DUID: taken */
	asks(&f, DHCP6_FQDN_S, "\003nas", 4);
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_TAKEN);
	assert_string_equal(host, "");
	asks(&f, DHCP6_FQDN_S, "\003vm9", 4);
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_TAKEN);
	/* another site's names are that site's */
	asks(&f, DHCP6_FQDN_S, "\003web", 4);
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_OK);
	/* another DUID's lease holds vm1: taken; the holder keeps it */
	inet_pton(AF_INET6, "2001:db8:64:1:4::1:1", &a);
	assert_int_equal(lease_commit(&f.l, "home1", duid_b, sizeof(duid_b), 1, &a, 100), 0);
	lease_name(&f.l, "home1", duid_b, sizeof(duid_b), "vm1");
	asks(&f, DHCP6_FQDN_S, "\003vm1", 4);
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_TAKEN);
	inet_pton(AF_INET6, "2001:db8:64:1:4::1:2", &a);
	assert_int_equal(lease_commit(&f.l, "home1", duid_a, sizeof(duid_a), 1, &a, 100), 0);
	lease_name(&f.l, "home1", duid_a, sizeof(duid_a), "vm2");
	asks(&f, DHCP6_FQDN_S, "\003vm2", 4);
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_OK);
	/* host-duid names its DUID whatever it asks, even nothing */
	memcpy(f.req.client_id, duid_b, sizeof(duid_b));
	f.req.has_fqdn = false;
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_OK);
	assert_string_equal(host, "vm9");
	/* too long: an option over 255, or <host>.<site>.<zone> over 253 */
	memcpy(f.req.client_id, duid_a, sizeof(duid_a));
	asks(&f, DHCP6_FQDN_S, "", 0);
	f.req.fqdn_too_long = true;
	assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_LONG);
	f.req.fqdn_too_long = false;
	{
		char zone[240];

		memset(zone, 'z', sizeof(zone) - 1);
		zone[sizeof(zone) - 1] = '\0';
		zone[60] = zone[120] = zone[180] = '.';
		f.ns.zone = zone;
		asks(&f, DHCP6_FQDN_S, "\014abcdefghijkl", 13);
		assert_int_equal(names_choose(&f.ns, &f.l, &f.req, host), NAMES_LONG);
	}
	leases_free(&f.l);
}

static void
test_reply(void **state)
{
	struct fixture f;
	struct dhcp6_msg reply;
	char host[NAMES_HOST_MAX + 1];
	static const char full[] = "\003vm1\005home1\004home\007example\003org";

	(void)state;
	fixture_init(&f);
	/* no option asked: none given */
	memset(&reply, 0, sizeof(reply));
	names_reply(&f.ns, &f.req, NAMES_NONE, "", &reply);
	assert_false(reply.has_fqdn);
	/* S asked, we publish: S, and the full name, fully qualified */
	asks(&f, DHCP6_FQDN_S, "\003vm1", 4);
	names_reply(&f.ns, &f.req, names_choose(&f.ns, &f.l, &f.req, host), host, &reply);
	assert_true(reply.has_fqdn);
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_S);
	assert_int_equal(reply.fqdn_len, sizeof(full));
	assert_memory_equal(reply.fqdn, full, sizeof(full));
	/* S clear: we do it anyway, and say we overrode it (O) */
	f.req.fqdn_flags = 0;
	names_reply(&f.ns, &f.req, NAMES_OK, "vm1", &reply);
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_S | DHCP6_FQDN_O);
	/* refused: N (O too, as S was asked), no name */
	f.req.fqdn_flags = DHCP6_FQDN_S;
	names_reply(&f.ns, &f.req, NAMES_TAKEN, "", &reply);
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_N | DHCP6_FQDN_O);
	assert_int_equal(reply.fqdn_len, 0);
	/* nothing publishes: N, the name kept all the same (a partial one
	 * without a zone) */
	f.ns.publish = false;
	f.ns.zone = NULL;
	f.req.fqdn_flags = 0;
	names_reply(&f.ns, &f.req, NAMES_OK, "vm1", &reply);
	assert_int_equal(reply.fqdn_flags, DHCP6_FQDN_N);
	assert_int_equal(reply.fqdn_len, 10);
	assert_memory_equal(reply.fqdn, "\003vm1\005home1", 10);
}

/* vm2's address is forwarded (the public 203.0.113.1) and mapped. */
static size_t
v4_of(void *ctx, const char *site, const struct in6_addr *a, struct in_addr out[2])
{
	struct in6_addr vm2;

	(void)ctx;
	inet_pton(AF_INET6, "2001:db8:64:1:4::1:2", &vm2);
	if (strcmp(site, "home1") != 0 || memcmp(a, &vm2, 16) != 0)
		return 0;
	inet_pton(AF_INET, "203.0.113.1", &out[0]);
	inet_pton(AF_INET, "203.0.113.11", &out[1]);
	return 2;
}

static void
rec(struct names_rec *r, const char *site, const char *host, const char *addr)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->site, site);
	strcpy(r->host, host);
	r->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(r->family, addr, r->addr);
}

static void
test_records(void **state)
{
	struct fixture f;
	struct names_set s = { 0 };
	struct names_rec r;
	struct in6_addr a;

	(void)state;
	fixture_init(&f);
	inet_pton(AF_INET6, "2001:db8:64:1:4::1:2", &a);
	assert_int_equal(lease_commit(&f.l, "home1", duid_a, sizeof(duid_a), 1, &a, 100), 0);
	lease_name(&f.l, "home1", duid_a, sizeof(duid_a), "vm2");
	/* a lease named nas (the static host's) since a reload: not published */
	inet_pton(AF_INET6, "2001:db8:64:1:4::1:3", &a);
	assert_int_equal(lease_commit(&f.l, "home1", duid_b, sizeof(duid_b), 7, &a, 100), 0);
	lease_name(&f.l, "home1", duid_b, sizeof(duid_b), "nas");
	assert_int_equal(names_site_records(&f.ns, &f.l, v4_of, NULL, &s), 0);
	/* nas AAAA; vm2 AAAA and its two A */
	assert_int_equal(s.n, 4);
	rec(&r, "home1", "nas", "2001:db8:64:1:4::100");
	assert_non_null(names_set_find(&s, &r));
	rec(&r, "home1", "vm2", "203.0.113.11");
	assert_non_null(names_set_find(&s, &r));
	names_set_free(&s);
	/* every site */
	f.ns.site = NULL;
	assert_int_equal(names_site_records(&f.ns, &f.l, v4_of, NULL, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(names_slice(&s, "home2").n, 1);
	assert_int_equal(names_slice(&s, "home1").n, 4);
	assert_int_equal(names_slice(&s, "home3").n, 0);
	names_set_free(&s);
	leases_free(&f.l);
}

struct ops {
	int n[4];
	struct names_rec last;
};

static void
count_op(void *ctx, enum names_op op, const struct names_rec *r)
{
	struct ops *o = ctx;

	o->n[op]++;
	o->last = *r;
}

static bool
only_home1(void *ctx, const char *site)
{
	(void)ctx;
	return strcmp(site, "home1") == 0;
}

static void
test_sync(void **state)
{
	struct names_set pub = { 0 }, want = { 0 };
	struct names_rec r, stale, gone;
	struct ops o = { 0 };

	(void)state;
	/* the last run published vm1 and vm-old (a release it never sent),
	 * and was deleting zz of a site since removed */
	rec(&r, "home1", "vm1", "2001:db8::1");
	assert_int_equal(names_set_add(&pub, &r), 0);
	rec(&stale, "home1", "vm-old", "2001:db8::2");
	assert_int_equal(names_set_add(&pub, &stale), 0);
	rec(&gone, "home9", "zz", "2001:db8::9");
	gone.deleting = true;
	assert_int_equal(names_set_add(&pub, &gone), 0);
	assert_int_equal(names_set_add(&want, &r), 0);
	rec(&r, "home1", "vm3", "2001:db8::3");
	assert_int_equal(names_set_add(&want, &r), 0);

	/* start: vm1 announced, vm3 added, vm-old deleted; home9 deleted again */
	assert_true(names_sync_site(&pub, "home1", &want, true, count_op, &o));
	assert_int_equal(o.n[NAMES_OLD], 1);
	assert_int_equal(o.n[NAMES_ADD], 1);
	assert_int_equal(o.n[NAMES_DEL], 1);
	assert_false(names_sync_gone(&pub, only_home1, count_op, &o));
	assert_int_equal(o.n[NAMES_DEL], 2);
	assert_string_equal(o.last.host, "zz");
	/* deletes are kept until done */
	assert_int_equal(pub.n, 4);
	assert_true(names_set_find(&pub, &stale)->deleting);
	/* in step: nothing to do */
	memset(&o, 0, sizeof(o));
	assert_false(names_sync_site(&pub, "home1", &want, false, count_op, &o));
	assert_int_equal(o.n[NAMES_ADD] + o.n[NAMES_DEL] + o.n[NAMES_OLD], 0);
	/* wanted again before its delete was done: added again, kept */
	assert_int_equal(names_set_add(&want, &stale), 0);
	assert_true(names_sync_site(&pub, "home1", &want, false, count_op, &o));
	assert_int_equal(o.n[NAMES_ADD], 1);
	assert_false(names_deleted(&pub, &stale));
	assert_non_null(names_set_find(&pub, &stale));
	/* the delete of home9's is done: forgotten */
	assert_true(names_deleted(&pub, &gone));
	assert_null(names_set_find(&pub, &gone));
	assert_int_equal(pub.n, 3);
	names_set_free(&pub);
	names_set_free(&want);
}

static void
test_state_file(void **state)
{
	struct names_set s = { 0 }, back = { 0 };
	struct names_rec r;
	char *text, err[256];
	size_t len;
	static const char *const bad[] = {
		"",
		"v6ext-names 2\nend 0\n",
		"v6ext-names 1\n",
		"v6ext-names 1\nend 1\n",
		"v6ext-names 1\nname home1 vm1 AAAA 2001:db8::1\n",
		"v6ext-names 1\nname home1 vm1 MX 2001:db8::1\nend 1\n",
		"v6ext-names 1\nname home1 vm1 A 2001:db8::1\nend 1\n",
		"v6ext-names 1\nname home1 v_1 AAAA 2001:db8::1\nend 1\n",
		"v6ext-names 1\nname home/1 vm1 AAAA 2001:db8::1\nend 1\n",
		"v6ext-names 1\nname home1 vm1 AAAA 2001:db8::1 gone\nend 1\n",
		"v6ext-names 1\nname home1 vm1 AAAA 2001:db8::1\nname home1 vm1 AAAA 2001:db8::1\nend 2\n",
		"v6ext-names 1\nend 0\nname home1 vm1 AAAA 2001:db8::1\n",
		"v6ext-names 1\nend 0",
	};

	(void)state;
	rec(&r, "home1", "vm1", "2001:db8::1");
	assert_int_equal(names_set_add(&s, &r), 0);
	rec(&r, "home1", "vm1", "203.0.113.1");
	r.deleting = true;
	assert_int_equal(names_set_add(&s, &r), 0);
	assert_int_equal(names_build(&s, &text, &len), 0);
	assert_non_null(strstr(text, "name home1 vm1 A 203.0.113.1 deleting\n"));
	assert_int_equal(names_parse((const uint8_t *)text, len, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(memcmp(back.v, s.v, 2 * sizeof(r)), 0);
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (names_parse((const uint8_t *)bad[i], strlen(bad[i]), &back, err, sizeof(err)) == 0)
			fail_msg("bad file %zu parsed", i);
	names_set_free(&s);
	names_set_free(&back);
}

static void
test_pubmsg(void **state)
{
	struct names_rec r, back;
	enum pubmsg_type t;
	uint8_t m[PUBMSG_MAX], copy[PUBMSG_MAX + 1];
	size_t n;

	(void)state;
	rec(&r, "home1", "vm1", "2001:db8::1");
	n = pubmsg_build(PUBMSG_DEL, &r, m);
	assert_int_equal(n, 1 + 1 + 16 + 1 + 5 + 1 + 3);
	assert_int_equal(pubmsg_parse(m, n, &t, &back), 0);
	assert_int_equal(t, PUBMSG_DEL);
	assert_int_equal(names_rec_cmp(&r, &back), 0);
	rec(&r, "home1", "vm1", "203.0.113.1");
	n = pubmsg_build(PUBMSG_DONE, &r, m);
	assert_int_equal(pubmsg_parse(m, n, &t, &back), 0);
	assert_int_equal(names_rec_cmp(&r, &back), 0);
	/* every truncation, one byte more, and each field spoilt */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pubmsg_parse(m, i, &t, &back), -1);
	memcpy(copy, m, n);
	copy[n] = 'x';
	assert_int_equal(pubmsg_parse(copy, n + 1, &t, &back), -1);
	for (size_t i = 0; i < 5; i++) {
		static const struct { size_t off; uint8_t v; } spoil[] = {
			{ 0, 0 }, { 0, PUBMSG_TYPE_MAX }, { 1, 3 }, { 10, 1 }, { 19, '/' },
		};

		memcpy(copy, m, n);
		copy[spoil[i].off] = spoil[i].v;
		if (pubmsg_parse(copy, n, &t, &back) == 0)
			fail_msg("spoilt message %zu parsed", i);
	}
	/* a host that is no label, or holds a NUL (the fuzzer's find) */
	memcpy(copy, m, n);
	copy[n - 1] = '.';
	assert_int_equal(pubmsg_parse(copy, n, &t, &back), -1);
	copy[n - 1] = '\0';
	assert_int_equal(pubmsg_parse(copy, n, &t, &back), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fqdn_host),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_pubmsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
