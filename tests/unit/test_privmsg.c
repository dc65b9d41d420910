/* SPDX-License-Identifier: ISC */
/* privmsg: the messages between v6extd's engine and its parent. Every type
 * round-trips (request and reply); hostile bytes are refused with a
 * reason, whatever the engine sends; the parent's policy refuses taps,
 * sub-prefixes, MACs and key paths the configuration does not give; fds
 * travel alongside over a real socketpair. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "privmsg.h"

static void
msg_init(struct privmsg *m, enum privmsg_type type, bool reply)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->reply = reply;
	m->id = 0x01020304;
}

static void
roundtrip(const struct privmsg *m, struct privmsg *out)
{
	uint8_t buf[PRIV_MSG_MAX];
	const char *why = NULL;
	size_t len = privmsg_build(m, buf, sizeof(buf));

	assert_true(len >= PRIV_HDR_LEN);
	assert_int_equal(privmsg_parse(buf, len, out, &why), 0);
	assert_int_equal(out->type, m->type);
	assert_int_equal(out->reply, m->reply);
	assert_int_equal(out->id, m->id);
}

static void
test_roundtrip_requests(void **state)
{
	struct privmsg m, o;

	(void)state;
	msg_init(&m, PRIV_KEY_OPEN, false);
	strcpy(m.path, "/etc/v6ext/server.key");
	roundtrip(&m, &o);
	assert_string_equal(o.path, m.path);

	msg_init(&m, PRIV_SITE_OPEN, false);
	strcpy(m.peer, "home1");
	strcpy(m.tap, "v6x-home1");
	m.index = 16383;
	memcpy(m.mac, "\x02\x11\x22\x33\x44\x55", 6);
	m.offload = true;
	roundtrip(&m, &o);
	assert_string_equal(o.peer, "home1");
	assert_string_equal(o.tap, "v6x-home1");
	assert_int_equal(o.index, 16383);
	assert_memory_equal(o.mac, m.mac, 6);
	assert_true(o.offload);

	for (int f = 0; f < PRIV_FILE_MAX; f++) {
		msg_init(&m, PRIV_STATE_WRITE, false);
		m.file = (enum privmsg_file)f;
		roundtrip(&m, &o);
		assert_int_equal(o.file, f);
	}
	msg_init(&m, PRIV_ROUTE, false);
	strcpy(m.peer, "home2");
	strcpy(m.tap, "v6x-home2");
	m.index = 2;
	inet_pton(AF_INET6, "2001:db8:48:210::", &m.route.addr);
	m.route.len = 60;
	inet_pton(AF_INET6, "fe80::1", &m.via);
	m.add = true;
	roundtrip(&m, &o);
	assert_string_equal(o.peer, "home2");
	assert_string_equal(o.tap, "v6x-home2");
	assert_int_equal(o.index, 2);
	assert_memory_equal(&o.route, &m.route, sizeof(m.route));
	assert_memory_equal(&o.via, &m.via, 16);
	assert_true(o.add);
	msg_init(&m, PRIV_USED, false);
	roundtrip(&m, &o);
	msg_init(&m, PRIV_STOP, false);
	roundtrip(&m, &o);
	msg_init(&m, PRIV_RELOAD, false);
	roundtrip(&m, &o);
}

static void
test_roundtrip_replies(void **state)
{
	static struct privmsg m, o;

	(void)state;
	msg_init(&m, PRIV_SITE_OPEN, true);
	m.err = EPERM;
	strcpy(m.text, "site-open: not the peer's tap");
	m.offload = true;
	roundtrip(&m, &o);
	assert_int_equal(o.err, EPERM);
	assert_string_equal(o.text, m.text);
	assert_true(o.offload);

	msg_init(&m, PRIV_USED, true);
	m.n_addrs = PRIV_ADDRS_MAX;
	for (size_t i = 0; i < m.n_addrs; i++)
		m.addrs[i].s6_addr[15] = (uint8_t)i;
	roundtrip(&m, &o);
	assert_int_equal(o.n_addrs, PRIV_ADDRS_MAX);
	assert_memory_equal(o.addrs, m.addrs, sizeof(m.addrs));

	/* more than fits is never built */
	{
		uint8_t buf[PRIV_MSG_MAX];

		m.n_addrs = PRIV_ADDRS_MAX + 1;
		assert_int_equal(privmsg_build(&m, buf, sizeof(buf)), 0);
	}
}

/* Hostile bytes, each with the reason it is refused. */
static void
test_hostile(void **state)
{
	struct privmsg m, o;
	uint8_t buf[PRIV_MSG_MAX], bad[PRIV_MSG_MAX];
	const char *why;
	size_t len;
	uint16_t body;

	(void)state;
	msg_init(&m, PRIV_SITE_OPEN, false);
	strcpy(m.peer, "home1");
	strcpy(m.tap, "v6x-home1");
	m.index = 1;
	m.mac[0] = 2;
	len = privmsg_build(&m, buf, sizeof(buf));
	assert_true(len > 0);

	/* 1: every truncation */
	for (size_t n = 0; n < len; n++) {
		memcpy(bad, buf, n);
		if (n >= PRIV_HDR_LEN) {
			body = (uint16_t)(n - PRIV_HDR_LEN);
			memcpy(bad + 2, &body, 2);
		}
		why = NULL;
		assert_int_equal(privmsg_parse(bad, n, &o, &why), -1);
		assert_non_null(why);
	}
	/* 2: a body length that does not match */
	memcpy(bad, buf, len);
	bad[2] ^= 1;
	assert_int_equal(privmsg_parse(bad, len, &o, &why), -1);
	/* 3: unknown types and flags */
	memcpy(bad, buf, len);
	bad[0] = 0;
	assert_int_equal(privmsg_parse(bad, len, &o, &why), -1);
	bad[0] = PRIV_TYPE_MAX;
	assert_int_equal(privmsg_parse(bad, len, &o, &why), -1);
	memcpy(bad, buf, len);
	bad[1] = 0x80;
	assert_int_equal(privmsg_parse(bad, len, &o, &why), -1);
	/* 4: trailing bytes */
	memcpy(bad, buf, len);
	bad[len] = 0;
	body = (uint16_t)(len + 1 - PRIV_HDR_LEN);
	memcpy(bad + 2, &body, 2);
	assert_int_equal(privmsg_parse(bad, len + 1, &o, &why), -1);
	assert_string_equal(why, "trailing bytes");
	/* 5: a control character in a string (the tap's first byte) */
	memcpy(bad, buf, len);
	bad[PRIV_HDR_LEN + 2 + 5 + 2] = '\n';
	assert_int_equal(privmsg_parse(bad, len, &o, &why), -1);
	/* 6: a string longer than its field (a tap name of 16 bytes) */
	msg_init(&m, PRIV_SITE_OPEN, false);
	strcpy(m.peer, "home1");
	memset(m.tap, 'a', sizeof(m.tap) - 1);
	len = privmsg_build(&m, buf, sizeof(buf));
	assert_true(len > 0);
	memcpy(bad, buf, len);
	{
		/* claim 16 bytes where 15 are */
		uint16_t n16 = IFNAMSIZ;
		size_t off = PRIV_HDR_LEN + 2 + 5;

		memcpy(bad + off, &n16, 2);
		assert_int_equal(privmsg_parse(bad, len, &o, &why), -1);
	}
	/* 7: a boolean that is not 0 or 1 */
	msg_init(&m, PRIV_SITE_OPEN, false);
	strcpy(m.peer, "x");
	strcpy(m.tap, "v6x-x");
	len = privmsg_build(&m, buf, sizeof(buf));
	buf[len - 1] = 2;
	assert_int_equal(privmsg_parse(buf, len, &o, &why), -1);
	assert_string_equal(why, "not a boolean");
	/* 8: a state file we do not have */
	msg_init(&m, PRIV_STATE_OPEN, false);
	len = privmsg_build(&m, buf, sizeof(buf));
	buf[len - 1] = PRIV_FILE_MAX;
	assert_int_equal(privmsg_parse(buf, len, &o, &why), -1);
	/* 9: a relative key path */
	msg_init(&m, PRIV_KEY_OPEN, false);
	strcpy(m.path, "etc/key");
	assert_int_equal(privmsg_build(&m, buf, sizeof(buf)), 0);
	/* 10: an errno out of range */
	msg_init(&m, PRIV_USED, true);
	len = privmsg_build(&m, buf, sizeof(buf));
	{
		int32_t e = -1;

		memcpy(buf + PRIV_HDR_LEN, &e, 4);
		assert_int_equal(privmsg_parse(buf, len, &o, &why), -1);
	}
	/* 11: STOP as a reply: only the parent sends it, never answered */
	msg_init(&m, PRIV_STOP, true);
	assert_int_equal(privmsg_build(&m, buf, sizeof(buf)), 0);
	/* 12: USED claiming more addresses than it carries */
	msg_init(&m, PRIV_USED, true);
	m.n_addrs = 2;
	len = privmsg_build(&m, buf, sizeof(buf));
	assert_int_equal(privmsg_parse(buf, len - 16, &o, &why), -1);
}

static struct conf_server *
policy_conf(void)
{
	static struct conf_peer peers[2];
	static struct conf_server c;

	memset(&c, 0, sizeof(c));
	memset(peers, 0, sizeof(peers));
	strcpy(c.private_key_file, "/etc/v6ext/server.key");
	c.sub_prefix_len = 78;
	strcpy(peers[0].name, "home1");
	strcpy(peers[0].tap, "tap-home1");
	peers[0].has_psk = true;
	strcpy(peers[0].psk_file, "/etc/v6ext/home1.psk");
	strcpy(peers[1].name, "lab");
	strcpy(peers[1].tap, "v6x-lab");
	c.peers = peers;
	c.n_peers = 2;
	return &c;
}

static void
test_policy(void **state)
{
	static const struct {
		const char *peer, *tap;
		uint64_t index;
		uint8_t mac0;
		bool ok;
	} rows[] = {
		/*  1 */ { "home1", "tap-home1", 1, 0x02, true },      /* the configured tap */
		/*  2 */ { "home1", "v6x-home1", 1, 0x02, false },     /* not its tap */
		/*  3 */ { "lab", "v6x-lab", 2, 0x02, true },
		/*  4 */ { "new", "v6x-new", 3, 0x02, true },          /* run-time peer */
		/*  5 */ { "new", "eth0", 3, 0x02, false },            /* anything else */
		/*  6 */ { "new", "v6x-other", 3, 0x02, false },
		/*  7 */ { "new", "v6x-new", 0, 0x02, false },         /* index 0 */
		/*  8 */ { "new", "v6x-new", 16384, 0x02, false },     /* outside the /64 */
		/*  9 */ { "new", "v6x-new", 16383, 0x02, true },
		/* 10 */ { "new", "v6x-new", 5, 0x02, false },         /* holds upstream's address */
		/* 11 */ { "new", "v6x-new", 3, 0x00, false },         /* universal MAC */
		/* 12 */ { "new", "v6x-new", 3, 0x03, false },         /* multicast MAC */
		/* 13 */ { "bad/name", "v6x-bad/name", 3, 0x02, false },
	};
	struct privmsg_policy pol = { .conf = policy_conf() };
	struct in6_addr used;
	const char *why;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:64:1::", &pol.prefix.addr);
	pol.prefix.len = 64;
	/* index 5 is 2001:db8:64:1:14::/78 */
	inet_pton(AF_INET6, "2001:db8:64:1:14::1", &used);
	pol.used = &used;
	pol.n_used = 1;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct privmsg m;

		msg_init(&m, PRIV_SITE_OPEN, false);
		strcpy(m.peer, rows[i].peer);
		strcpy(m.tap, rows[i].tap);
		m.index = rows[i].index;
		m.mac[0] = rows[i].mac0;
		why = NULL;
		if ((privmsg_site_allowed(&pol, &m, &why) == 0) != rows[i].ok)
			fail_msg("row %zu: %s", i + 1, why ? why : "allowed");
	}
}

/* ROUTE: a routed /48 in /56 sites, home2 delegates /60s: only its own
 * tap, a /60 inside its site but not the link's first /64, via link-local. */
static void
test_route_policy(void **state)
{
	static struct conf_peer peers[2];
	static struct conf_server c;
	static const struct {
		const char *peer, *tap;
		uint64_t index;
		const char *prefix;
		uint8_t len;
		const char *via;
		bool ok;
	} rows[] = {
		/*  1 */ { "home2", "v6x-home2", 2, "2001:db8:48:210::", 60, "fe80::1", true },
		/*  2 */ { "home2", "v6x-home2", 2, "2001:db8:48:2f0::", 60, "fe80::1", true },
		/*  3 */ { "home2", "v6x-home2", 2, "2001:db8:48:200::", 60, "fe80::1", false }, /* the link's */
		/*  4 */ { "home2", "v6x-home2", 2, "2001:db8:48:310::", 60, "fe80::1", false }, /* another site */
		/*  5 */ { "home2", "v6x-home2", 2, "2001:db8:48:210::", 64, "fe80::1", false }, /* its length */
		/*  6 */ { "home2", "v6x-home2", 2, "2001:db8:48:211::", 60, "fe80::1", false }, /* host bits */
		/*  7 */ { "home2", "v6x-home2", 2, "2001:db8:48:210::", 60, "2001:db8::1", false },
		/*  8 */ { "home2", "v6x-home1", 2, "2001:db8:48:210::", 60, "fe80::1", false }, /* not its tap */
		/*  9 */ { "home1", "v6x-home1", 1, "2001:db8:48:110::", 60, "fe80::1", false }, /* delegates none */
		/* 10 */ { "new", "v6x-new", 3, "2001:db8:48:310::", 60, "fe80::1", false },   /* run-time peer */
		/* 11 */ { "home2", "v6x-home2", 0, "2001:db8:48:10::", 60, "fe80::1", false },  /* index 0 */
		/* 12 */ { "home2", "v6x-home2", 256, "2001:db8:48:10::", 60, "fe80::1", false },
	};
	struct privmsg_policy pol = { .conf = &c };
	const char *why;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(peers, 0, sizeof(peers));
	c.sub_prefix_len = 56;
	strcpy(peers[0].name, "home1");
	strcpy(peers[0].tap, "v6x-home1");
	strcpy(peers[1].name, "home2");
	strcpy(peers[1].tap, "v6x-home2");
	peers[1].pd_len = 60;
	c.peers = peers;
	c.n_peers = 2;
	inet_pton(AF_INET6, "2001:db8:48::", &pol.prefix.addr);
	pol.prefix.len = 48;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct privmsg m;

		msg_init(&m, PRIV_ROUTE, false);
		strcpy(m.peer, rows[i].peer);
		strcpy(m.tap, rows[i].tap);
		m.index = rows[i].index;
		inet_pton(AF_INET6, rows[i].prefix, &m.route.addr);
		m.route.len = rows[i].len;
		inet_pton(AF_INET6, rows[i].via, &m.via);
		m.add = true;
		why = NULL;
		if ((privmsg_route_allowed(&pol, &m, &why) == 0) != rows[i].ok)
			fail_msg("row %zu: %s", i + 1, why ? why : "allowed");
	}
}

static void
test_key_policy(void **state)
{
	struct privmsg_policy pol = { .conf = policy_conf() };
	struct privmsg m;
	const char *why;

	(void)state;
	msg_init(&m, PRIV_KEY_OPEN, false);
	strcpy(m.path, "/etc/v6ext/server.key");
	assert_int_equal(privmsg_key_allowed(&pol, &m, &why), 0);
	strcpy(m.path, "/etc/v6ext/home1.psk");
	assert_int_equal(privmsg_key_allowed(&pol, &m, &why), 0);
	strcpy(m.path, "/etc/shadow");
	assert_int_equal(privmsg_key_allowed(&pol, &m, &why), -1);
	strcpy(m.path, "/etc/v6ext/server.key/");
	assert_int_equal(privmsg_key_allowed(&pol, &m, &why), -1);
}

/* Over a real SOCK_SEQPACKET pair: a message with an fd arrives with an
 * fd; two fds in one message are refused and both closed. */
static void
test_socket(void **state)
{
	struct privmsg m, o;
	int sv[2], fd, got;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	msg_init(&m, PRIV_STATE_WRITE, false);
	m.file = PRIV_FILE_LEASES;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(privmsg_send(sv[0], &m, fd), 0);
	assert_int_equal(privmsg_recv(sv[1], &o, &got), 1);
	assert_true(got >= 0 && got != fd);
	assert_int_equal(o.file, PRIV_FILE_LEASES);
	close(got);
	/* nothing waits now */
	assert_int_equal(privmsg_recv(sv[1], &o, &got), -1);
	assert_int_equal(errno, EAGAIN);
	/* two fds: refused */
	{
		uint8_t buf[PRIV_MSG_MAX];
		union {
			char b[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { buf, privmsg_build(&m, buf, sizeof(buf)) };
		struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
		    .msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&h);
		int two[2] = { fd, fd };

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(two));
		memcpy(CMSG_DATA(c), two, sizeof(two));
		assert_true(sendmsg(sv[0], &h, 0) > 0);
		assert_int_equal(privmsg_recv(sv[1], &o, &got), -1);
		assert_int_equal(errno, EBADMSG);
		assert_int_equal(got, -1);
	}
	/* the other end gone: end of file */
	close(sv[0]);
	assert_int_equal(privmsg_recv(sv[1], &o, &got), 0);
	close(sv[1]);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_requests),
		cmocka_unit_test(test_roundtrip_replies),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_route_policy),
		cmocka_unit_test(test_key_policy),
		cmocka_unit_test(test_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
