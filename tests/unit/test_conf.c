/* SPDX-License-Identifier: ISC */
/* test_conf: the server and client configuration files.
 *
 * Good fixtures in tests/conf/ (server-*.conf, client-*.conf) are parsed
 * and their fields checked. Every bad fixture (bad-server-*.conf,
 * bad-client-*.conf) has one defect and names the exact error in its first
 * line, "# expect: FILE:LINE: message", so fixture and assertion stay
 * together. Hostile input (NUL bytes, long lines, too many peers, every
 * truncation of a good file) is built in memory. */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "keys.h"

#define CONF_DIR    TESTS_DIR "/conf"
#define EXPECT_TAG  "# expect: "
/* Fewer bad fixtures than this means the directory was not found whole. */
#define BAD_FIXTURES_MIN 25

#define KEY_HOME1   "m3mapGBXZdz2eBKeGszGRMOQMbWN0SL9sUkjMnARZGU="
#define KEY_HOME2   "uqhBFET9P9y1a77230EaiGx7BiAVrd79oCrsEhU3YEs="
#define KEY_HOME3   "GepdwJOc1b952NNKLFslFM9jlcsC0M2jQwLSBPtFXjY="
#define KEY_HOME4   "acioK3CZFvyuZA6ptIc8HjLG39hXlw3DyDU/eddZ/rA="
#define KEY_LAB     "pRFG04B3/5kuuoTPHV6bJJBzUD63SGhpkBYVOwMaOPc="
#define KEY_SERVER  "s+rNM0M7MbUlI1EDLJs+ei56p3ONXezfDdbGJoCFPAY="

#define SERVER_HEAD "[server]\nprivate-key-file = /etc/v6ext/server.key\nupstream = eth0\n"
#define CLIENT_HEAD "[client]\nprivate-key-file = /etc/v6ext/client.key\n" \
	"server-public-key = " KEY_SERVER "\n"

/* ----------------------------------------------------------------- helpers */

static uint8_t *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n = 0;

	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		fail_msg("%s: cannot size", path);
	/* exactly n bytes, so ASan sees any read past the end */
	buf = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(buf);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("%s: short read", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A heap copy of exactly len bytes of s. */
static uint8_t *
dup_exact(const void *s, size_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static void
fixture_path(char *out, size_t outlen, const char *file)
{
	int n = snprintf(out, outlen, "%s/%s", CONF_DIR, file);

	assert_true(n > 0 && (size_t)n < outlen);
}

static void
server_fixture(const char *file, struct conf_server *c)
{
	char path[4096], err[CONF_ERR_LEN];
	uint8_t *buf;
	size_t len;

	fixture_path(path, sizeof(path), file);
	buf = read_all(path, &len);
	if (conf_server_parse(file, buf, len, c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	free(buf);
}

static void
client_fixture(const char *file, struct conf_client *c)
{
	char path[4096], err[CONF_ERR_LEN];
	uint8_t *buf;
	size_t len;

	fixture_path(path, sizeof(path), file);
	buf = read_all(path, &len);
	if (conf_client_parse(file, buf, len, c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	free(buf);
}

static int
server_text(const char *text, struct conf_server *c, char *err, size_t errlen)
{
	uint8_t *buf = dup_exact(text, strlen(text));
	int ret = conf_server_parse("t.conf", buf, strlen(text), c, err, errlen);

	free(buf);
	return ret;
}

static int
client_text(const char *text, struct conf_client *c, char *err, size_t errlen)
{
	uint8_t *buf = dup_exact(text, strlen(text));
	int ret = conf_client_parse("t.conf", buf, strlen(text), c, err, errlen);

	free(buf);
	return ret;
}

static void
server_error(const char *text, const char *want)
{
	struct conf_server c;
	char err[CONF_ERR_LEN];

	assert_int_equal(server_text(text, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_null(c.peers);
	assert_int_equal(c.n_peers, 0);
}

static void
client_error(const char *text, const char *want)
{
	struct conf_client c;
	char err[CONF_ERR_LEN];

	assert_int_equal(client_text(text, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
assert_key(const uint8_t key[KEY_LEN], const char *b64)
{
	uint8_t want[KEY_LEN];
	const char *why;

	assert_int_equal(key_from_base64(want, b64, &why), 0);
	assert_memory_equal(key, want, KEY_LEN);
}

static void
assert_in6(const struct in6_addr *a, const char *text)
{
	struct in6_addr want;

	assert_int_equal(inet_pton(AF_INET6, text, &want), 1);
	assert_memory_equal(a, &want, sizeof(want));
}

static void
assert_prefix(const struct prefix *p, const char *text)
{
	char buf[PREFIX_STRLEN];

	prefix_format(p, buf, sizeof(buf));
	assert_string_equal(buf, text);
}

static bool
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* Compare two parsed servers byte for byte, peers included. */
static void
assert_server_same(const struct conf_server *a, const struct conf_server *b)
{
	struct conf_server x, y;

	assert_int_equal(a->n_peers, b->n_peers);
	if (a->n_peers > 0)
		assert_memory_equal(a->peers, b->peers, a->n_peers * sizeof(a->peers[0]));
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	x.peers = y.peers = NULL;
	assert_memory_equal(&x, &y, sizeof(x));
}

/* ---------------------------------------------------------- good fixtures */

static void
test_server_full(void **state)
{
	struct conf_server c;
	const struct conf_peer *p;
	const struct sockaddr_in6 *sin6;

	(void)state;
	server_fixture("server-full.conf", &c);
	assert_string_equal(c.path, "server-full.conf");
	assert_string_equal(c.private_key_file, "/etc/v6ext/server.key");
	assert_int_equal(c.listen_port, 51820);
	assert_string_equal(c.upstream, "eth0");
	assert_true(c.prefix_auto);
	assert_int_equal(c.sub_prefix_len, 78);
	assert_int_equal(c.n_dns, 2);
	assert_in6(&c.dns[0], "2001:db8::53");
	assert_in6(&c.dns[1], "2001:db8::54");
	assert_int_equal(c.mtu, 1400);
	assert_int_equal(c.ndp_proxy, CONF_NDP_AUTO);
	assert_true(c.dhcpv6);
	assert_string_equal(c.state_dir, "/var/lib/v6ext");
	assert_string_equal(c.control_socket, "/run/v6ext/v6extd.sock");
	assert_true(c.metrics_enabled);
	sin6 = (const struct sockaddr_in6 *)&c.metrics_listen;
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 9478);
	assert_in6(&sin6->sin6_addr, "::1");
	assert_string_equal(c.user, "v6ext");

	assert_int_equal(c.n_peers, 1);
	p = &c.peers[0];
	assert_string_equal(p->name, "home1");
	assert_key(p->public_key, KEY_HOME1);
	assert_false(p->has_psk);
	assert_string_equal(p->psk_file, "");
	assert_int_equal(p->sub_kind, CONF_SUB_AUTO);
	assert_string_equal(p->tap, "v6x-home1");
	assert_int_equal(p->line, 17);
	assert_ptr_equal(conf_server_find_peer(&c, "home1"), p);
	assert_null(conf_server_find_peer(&c, "home2"));
	assert_null(conf_server_find_peer(&c, "home"));
	conf_server_free(&c);
	assert_null(c.peers);
	assert_int_equal(c.n_peers, 0);
}

static void
test_server_minimal(void **state)
{
	struct conf_server c;

	(void)state;
	server_fixture("server-minimal.conf", &c);
	assert_string_equal(c.private_key_file, "/etc/v6ext/server.key");
	assert_string_equal(c.upstream, "eth0");
	assert_int_equal(c.listen_port, CONF_DEFAULT_PORT);
	assert_true(c.prefix_auto);
	assert_int_equal(c.sub_prefix_len, PREFIX_SUB_DEFAULT);
	assert_int_equal(c.n_dns, 0);
	assert_int_equal(c.mtu, CONF_DEFAULT_MTU);
	assert_int_equal(c.ndp_proxy, CONF_NDP_AUTO);
	assert_true(c.dhcpv6);
	assert_string_equal(c.state_dir, "/var/lib/v6ext");
	assert_string_equal(c.control_socket, "/run/v6ext/v6extd.sock");
	assert_false(c.metrics_enabled);
	assert_string_equal(c.user, CONF_DEFAULT_USER);
	assert_int_equal(c.n_peers, 0);
	assert_null(c.peers);
	conf_server_free(&c);
}

static void
test_server_peers(void **state)
{
	struct conf_server c;
	const struct conf_peer *p;
	const struct sockaddr_in *sin;

	(void)state;
	server_fixture("server-peers.conf", &c);
	assert_string_equal(c.upstream, "ens3");
	assert_false(c.prefix_auto);
	assert_prefix(&c.prefix, "2001:db8:64:1::/64");
	assert_int_equal(c.sub_prefix_len, 80);
	assert_int_equal(c.n_dns, 1);
	assert_in6(&c.dns[0], "2001:db8::53");
	assert_int_equal(c.mtu, 1380);
	assert_int_equal(c.ndp_proxy, CONF_NDP_STATIC);
	assert_false(c.dhcpv6);
	assert_string_equal(c.state_dir, "/srv/v6ext/state");
	assert_string_equal(c.control_socket, "/run/v6extd.sock");
	assert_true(c.metrics_enabled);
	sin = (const struct sockaddr_in *)&c.metrics_listen;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 9478);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(c.n_peers, 5);

	p = conf_server_find_peer(&c, "home1");
	assert_non_null(p);
	assert_key(p->public_key, KEY_HOME1);
	assert_int_equal(p->sub_kind, CONF_SUB_INDEX);
	assert_int_equal(p->sub_index, 5);
	assert_string_equal(p->tap, "v6x-home1");
	assert_false(p->has_psk);
	assert_int_equal(p->line, 16);

	p = conf_server_find_peer(&c, "home2");
	assert_non_null(p);
	assert_key(p->public_key, KEY_HOME2);
	assert_int_equal(p->sub_kind, CONF_SUB_PREFIX);
	assert_prefix(&p->sub_prefix, "2001:db8:64:1:7::/80");
	assert_true(p->has_psk);
	assert_string_equal(p->psk_file, "/etc/v6ext/home2.psk");
	assert_string_equal(p->tap, "v6x-home2");

	p = conf_server_find_peer(&c, "lab.vm-3");
	assert_non_null(p);
	assert_key(p->public_key, KEY_LAB);
	assert_int_equal(p->sub_kind, CONF_SUB_AUTO);
	assert_string_equal(p->tap, "tap-lab3");

	p = conf_server_find_peer(&c, "home_345678");
	assert_non_null(p);
	assert_key(p->public_key, KEY_HOME3);
	assert_int_equal(p->sub_kind, CONF_SUB_AUTO);
	assert_string_equal(p->tap, "v6x-home_345678");

	/* "public-key: ..." : inih takes ':' as well as '=' */
	p = conf_server_find_peer(&c, "h4");
	assert_non_null(p);
	assert_key(p->public_key, KEY_HOME4);
	assert_int_equal(p->sub_kind, CONF_SUB_INDEX);
	assert_int_equal(p->sub_index, 65535);
	assert_ptr_equal(p, &c.peers[4]);
	conf_server_free(&c);
}

static void
test_server_peers_first(void **state)
{
	struct conf_server c;

	(void)state;
	server_fixture("server-peers-first.conf", &c);
	assert_int_equal(c.sub_prefix_len, 80);
	assert_int_equal(c.n_peers, 2);
	assert_int_equal(c.peers[0].sub_kind, CONF_SUB_INDEX);
	assert_int_equal(c.peers[0].sub_index, 40000);
	assert_int_equal(c.peers[1].sub_kind, CONF_SUB_PREFIX);
	assert_prefix(&c.peers[1].sub_prefix, "2001:db8:64:1:14::/80");
	conf_server_free(&c);
}

static void
test_client_full(void **state)
{
	struct conf_client c;

	(void)state;
	client_fixture("client-full.conf", &c);
	assert_string_equal(c.path, "client-full.conf");
	assert_string_equal(c.private_key_file, "/etc/v6ext/client.key");
	assert_string_equal(c.server_host, "vps.example.net");
	assert_int_equal(c.server_port, 51820);
	assert_key(c.server_public_key, KEY_SERVER);
	assert_true(c.has_psk);
	assert_string_equal(c.psk_file, "/etc/v6ext/client.psk");
	assert_string_equal(c.tap, "v6ext0");
	assert_string_equal(c.bridge, "br-v6ext");
	assert_int_equal(c.keepalive, 25);
	assert_int_equal(c.busy_poll, 50);
	assert_int_equal(c.mtu, 1380);
	assert_string_equal(c.control_socket, "/run/v6ext/client.sock");
}

static void
test_client_minimal(void **state)
{
	struct conf_client c;

	(void)state;
	client_fixture("client-minimal.conf", &c);
	assert_string_equal(c.private_key_file, "/etc/v6ext/client.key");
	assert_string_equal(c.server_host, "2001:db8::1");
	assert_int_equal(c.server_port, CONF_DEFAULT_PORT);
	assert_key(c.server_public_key, KEY_SERVER);
	assert_false(c.has_psk);
	assert_string_equal(c.psk_file, "");
	assert_string_equal(c.tap, CONF_DEFAULT_CLIENT_TAP);
	assert_string_equal(c.bridge, CONF_DEFAULT_BRIDGE);
	assert_int_equal(c.keepalive, CONF_DEFAULT_KEEPALIVE);
	assert_int_equal(c.busy_poll, 0);
	assert_int_equal(c.mtu, CONF_DEFAULT_MTU);
	assert_string_equal(c.control_socket, "/run/v6ext/client.sock");
}

static void
test_client_ipv4(void **state)
{
	struct conf_client c;

	(void)state;
	client_fixture("client-ipv4.conf", &c);
	assert_string_equal(c.server_host, "192.0.2.1");
	assert_int_equal(c.server_port, 4500);
	assert_int_equal(c.keepalive, 0);
	assert_string_equal(c.tap, "v6ext1");
	assert_string_equal(c.bridge, "br0");
}

/* Every server-*.conf and client-*.conf parses, whether or not a test
 * above looks at its fields. */
static void
test_good_fixtures(void **state)
{
	DIR *d;
	struct dirent *de;
	unsigned int n = 0;

	(void)state;
	if ((d = opendir(CONF_DIR)) == NULL)
		fail_msg("%s: %s", CONF_DIR, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct conf_server s;
		struct conf_client c;

		if (strncmp(de->d_name, "server-", 7) == 0) {
			server_fixture(de->d_name, &s);
			conf_server_free(&s);
			n++;
		} else if (strncmp(de->d_name, "client-", 7) == 0) {
			client_fixture(de->d_name, &c);
			n++;
		}
	}
	closedir(d);
	assert_true(n >= 4);
}

/* A routed /48 into /64s: its length, no NDP proxy, the sites' indices. */
static void
test_routed(void **state)
{
	struct conf_server s;

	(void)state;
	server_fixture("server-routed.conf", &s);
	assert_int_equal(conf_server_base_len(&s), 48);
	assert_true(conf_server_routed(&s));
	assert_int_equal(s.sub_prefix_len, 64);
	assert_int_equal(s.ndp_proxy, CONF_NDP_OFF);
	assert_int_equal(s.n_peers, 3);
	assert_int_equal(s.peers[0].sub_kind, CONF_SUB_INDEX);
	assert_true(s.peers[0].sub_index == 5);
	assert_int_equal(s.peers[1].sub_kind, CONF_SUB_PREFIX);
	assert_int_equal(s.peers[1].sub_prefix.len, 64);
	assert_int_equal(s.peers[2].sub_kind, CONF_SUB_AUTO);
	conf_server_free(&s);
	/* prefix delegation: home2's /60s of its /56 */
	server_fixture("server-pd.conf", &s);
	assert_int_equal(s.sub_prefix_len, 56);
	assert_int_equal(s.peers[0].pd_len, 0);
	assert_int_equal(s.peers[1].pd_len, 60);
	conf_server_free(&s);
	/* the on-link default: a /64 from the upstream link, the NDP proxy on */
	server_fixture("server-minimal.conf", &s);
	assert_int_equal(conf_server_base_len(&s), 64);
	assert_false(conf_server_routed(&s));
	assert_int_equal(s.ndp_proxy, CONF_NDP_AUTO);
	conf_server_free(&s);
}

/* Two gateways: the server's route-table, route-hold, dead-after and
 * site-identity; the client's standby-servers in order, dead-after and
 * failback-after, and what is wrong with them said. */
static void
test_gateways(void **state)
{
	struct conf_server s;
	struct conf_client c;
	char err[CONF_ERR_LEN];

	(void)state;
	assert_int_equal(server_text("[server]\nprivate-key-file = /k\nupstream = eth0\nprefix = 2001:db8:48::/48\n"
	    "sub-prefix-length = 64\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.route_table, 0);
	assert_int_equal(s.route_hold, CONF_DEFAULT_ROUTE_HOLD);
	assert_int_equal(s.dead_after, CONF_DEFAULT_DEAD_AFTER);
	assert_false(s.has_site_identity);
	conf_server_free(&s);
	assert_int_equal(server_text("[server]\nprivate-key-file = /k\nupstream = eth0\nprefix = 2001:db8:48::/48\n"
	    "sub-prefix-length = 64\nroute-table = 100\nroute-hold = 0\ndead-after = 9\nsite-identity = " KEY_LAB "\n",
	    &s, err, sizeof(err)), 0);
	assert_int_equal(s.route_table, 100);
	assert_int_equal(s.route_hold, 0);
	assert_int_equal(s.dead_after, 9);
	assert_true(s.has_site_identity);
	assert_key(s.site_identity, KEY_LAB);
	conf_server_free(&s);
	server_error("[server]\nprivate-key-file = /k\nupstream = eth0\nroute-table = 254\n",
	    "t.conf:4: route-table 254 is the kernel's own table: take another (100, say)");
	server_error("[server]\nprivate-key-file = /k\nupstream = eth0\nsite-identity = nope\n",
	    "t.conf:4: site-identity is not a base64 X25519 key");

	assert_int_equal(client_text("[client]\nprivate-key-file = /k\nserver = [2001:db8::1]\nserver-public-key = "
	    KEY_HOME1 "\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_standby, 0);
	assert_int_equal(c.dead_after, CONF_DEFAULT_DEAD_AFTER);
	assert_int_equal(c.failback_after, CONF_DEFAULT_FAILBACK);
	assert_int_equal(client_text("[client]\nprivate-key-file = /k\nserver = [2001:db8::1]\nserver-public-key = "
	    KEY_HOME1 "\nstandby-server = vps2.example.net:4000 " KEY_HOME2 "\nstandby-server = 192.0.2.7\t "
	    KEY_HOME3 "\ndead-after = 3\nfailback-after = 60\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_standby, 2);
	assert_string_equal(c.standby[0].host, "vps2.example.net");
	assert_int_equal(c.standby[0].port, 4000);
	assert_key(c.standby[0].public_key, KEY_HOME2);
	assert_string_equal(c.standby[1].host, "192.0.2.7");
	assert_int_equal(c.standby[1].port, CONF_DEFAULT_PORT);
	assert_key(c.standby[1].public_key, KEY_HOME3);
	assert_int_equal(c.dead_after, 3);
	assert_int_equal(c.failback_after, 60);
#define CLI "[client]\nprivate-key-file = /k\nserver = [2001:db8::1]\nserver-public-key = " KEY_HOME1 "\n"
	client_error(CLI "standby-server = vps2.example.net\n",
	    "t.conf:5: standby-server 'vps2.example.net': want HOST[:PORT] PUBLIC-KEY");
	client_error(CLI "standby-server = vps2.example.net nokey\n",
	    "t.conf:5: standby-server is not a base64 X25519 key");
	client_error(CLI "standby-server = bad_host! " KEY_HOME2 "\n",
	    "t.conf:5: standby-server 'bad_host!': 'bad_host!' is not a valid host name");
	client_error(CLI "standby-server = vps2 " KEY_HOME1 "\n",
	    "t.conf:5: standby-server vps2: its public key is another gateway's already");
	client_error(CLI "standby-server = a " KEY_HOME2 "\nstandby-server = b " KEY_HOME3 "\nstandby-server = c "
	    KEY_HOME4 "\nstandby-server = d " KEY_LAB "\n", "t.conf:8: standby-server: at most 3");
	client_error(CLI "failback-after = 0\n", "t.conf:5: failback-after 0 is not in 1..86400");
#undef CLI
}

/* ----------------------------------------------------------- bad fixtures */

static void
test_bad_fixtures(void **state)
{
	DIR *d;
	struct dirent *de;
	unsigned int n = 0;

	(void)state;
	if ((d = opendir(CONF_DIR)) == NULL)
		fail_msg("%s: %s", CONF_DIR, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char path[4096], want[CONF_ERR_LEN], err[CONF_ERR_LEN];
		bool server = strncmp(de->d_name, "bad-server-", 11) == 0;
		bool client = strncmp(de->d_name, "bad-client-", 11) == 0;
		const uint8_t *nl = NULL;
		uint8_t *buf;
		size_t len, wl;
		int ret;

		if (!server && !client) {
			if (strncmp(de->d_name, "bad-", 4) == 0)
				fail_msg("%s: name it bad-server-* or bad-client-*", de->d_name);
			continue;
		}
		fixture_path(path, sizeof(path), de->d_name);
		buf = read_all(path, &len);
		if (len < strlen(EXPECT_TAG) || memcmp(buf, EXPECT_TAG, strlen(EXPECT_TAG)) != 0 ||
		    (nl = memchr(buf, '\n', len)) == NULL)
			fail_msg("%s: the first line must be \"" EXPECT_TAG "...\"", de->d_name);
		wl = (size_t)(nl - buf) - strlen(EXPECT_TAG);
		assert_true(wl < sizeof(want));
		memcpy(want, buf + strlen(EXPECT_TAG), wl);
		want[wl] = '\0';

		if (server) {
			struct conf_server c;

			memset(&c, 0xa5, sizeof(c));
			ret = conf_server_parse(de->d_name, buf, len, &c, err, sizeof(err));
			if (!all_zero(&c, sizeof(c)))
				fail_msg("%s: parsed (%d), or left the result set", de->d_name, ret);
		} else {
			struct conf_client c;

			memset(&c, 0xa5, sizeof(c));
			ret = conf_client_parse(de->d_name, buf, len, &c, err, sizeof(err));
			if (!all_zero(&c, sizeof(c)))
				fail_msg("%s: parsed (%d), or left the result set", de->d_name, ret);
		}
		if (ret != -1)
			fail_msg("%s: parsed, but should fail with \"%s\"", de->d_name, want);
		if (strcmp(err, want) != 0)
			fail_msg("%s:\n  want: %s\n  got:  %s", de->d_name, want, err);
		free(buf);
		n++;
	}
	closedir(d);
	if (n < BAD_FIXTURES_MIN)
		fail_msg("only %u bad fixtures in %s", n, CONF_DIR);
}

/* ---------------------------------------------------------- hostile input */

static void
test_nul_byte(void **state)
{
	static const char text[] = SERVER_HEAD "mtu = 14\0" "00\n";
	struct conf_server c;
	char err[CONF_ERR_LEN];
	uint8_t *buf = dup_exact(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(conf_server_parse("t.conf", buf, sizeof(text) - 1, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: NUL byte");
	free(buf);
	/* a NUL alone at the very end, no newline after it */
	buf = dup_exact(SERVER_HEAD "\0", sizeof(SERVER_HEAD));
	assert_int_equal(conf_server_parse("t.conf", buf, sizeof(SERVER_HEAD), &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: NUL byte");
	free(buf);
}

static void
test_long_lines(void **state)
{
	static const char head[] = SERVER_HEAD "user = ";
	static char text[sizeof(head) + 10000 + 1];
	char err[CONF_ERR_LEN];
	struct conf_server c;
	size_t n;

	(void)state;
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'a', 10000);
	text[sizeof(head) - 1 + 10000] = '\0';
	server_error(text, "t.conf:4: line too long (the limit is 199 bytes)");

	/* a comment of exactly the limit passes, one byte more does not */
	n = strlen(SERVER_HEAD);
	memcpy(text, SERVER_HEAD, n);
	text[n] = '#';
	memset(text + n + 1, 'x', 198);
	strcpy(text + n + 199, "\n");
	assert_int_equal(server_text(text, &c, err, sizeof(err)), 0);
	conf_server_free(&c);
	/* "\r\n" does not count against the limit */
	strcpy(text + n + 199, "\r\n");
	assert_int_equal(server_text(text, &c, err, sizeof(err)), 0);
	conf_server_free(&c);
	strcpy(text + n + 199, "x\n");
	server_error(text, "t.conf:4: line too long (the limit is 199 bytes)");
}

/* Peers with distinct names and keys, count of them after [server]. */
static char *
many_peers(size_t count)
{
	size_t cap = strlen(SERVER_HEAD) + count * 80 + 1, len;
	char *text = malloc(cap);
	uint8_t key[KEY_LEN] = { 0 };
	char b64[KEY_B64_LEN + 1];

	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "%s", SERVER_HEAD);
	for (size_t i = 0; i < count; i++) {
		key[0] = (uint8_t)i;
		key[1] = (uint8_t)(i >> 8);
		key[2] = (uint8_t)(i >> 16);
		key_to_base64(b64, key);
		len += (size_t)snprintf(text + len, cap - len, "[peer p%zu]\npublic-key = %s\n", i, b64);
		assert_true(len < cap);
	}
	return text;
}

static void
test_too_many_peers(void **state)
{
	char want[64];
	char *text = many_peers(20000);

	(void)state;
	/* peer i's header is on line 4 + 2i: the 16385th is i = 16384 */
	snprintf(want, sizeof(want), "t.conf:%d: too many peers (at most %d)",
	    4 + 2 * CONF_PEERS_MAX, CONF_PEERS_MAX);
	server_error(text, want);
	free(text);
}

static void
test_max_peers(void **state)
{
	struct conf_server c;
	char err[CONF_ERR_LEN];
	char *text = many_peers(CONF_PEERS_MAX);

	(void)state;
	if (server_text(text, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.n_peers, CONF_PEERS_MAX);
	assert_string_equal(c.peers[CONF_PEERS_MAX - 1].name, "p16383");
	assert_string_equal(c.peers[CONF_PEERS_MAX - 1].tap, "v6x-p16383");
	assert_non_null(conf_server_find_peer(&c, "p12345"));
	conf_server_free(&c);
	free(text);

	/* the same, with one duplicate name far down the file */
	text = many_peers(1000);
	memcpy(strstr(text, "[peer p999]"), "[peer p998]", 11);
	server_error(text, "t.conf:2002: duplicate peer 'p998' (first at line 2000)");
	free(text);
}

/* Every prefix of a good file: no crash, no leak, no read past the end;
 * on error the output is zeroed and the message names the file. Cuts
 * inside a value often leave a valid shorter value ("/etc/v6e"), so many
 * cuts parse; 427 of the 990 cuts of server-full.conf fail. */
static void
truncate_server(const char *file)
{
	char path[4096], err[CONF_ERR_LEN];
	struct conf_server c;
	uint8_t *all, *buf;
	size_t len, fails = 0;

	fixture_path(path, sizeof(path), file);
	all = read_all(path, &len);
	for (size_t n = 0; n <= len; n++) {
		buf = dup_exact(all, n);
		if (conf_server_parse("t.conf", buf, n, &c, err, sizeof(err)) == 0) {
			assert_true(c.n_peers <= 5);
			conf_server_free(&c);
		} else {
			assert_true(all_zero(&c, sizeof(c)));
			assert_memory_equal(err, "t.conf:", 6);
			fails++;
		}
		free(buf);
	}
	/* the empty file fails, the whole file parses */
	assert_int_equal(conf_server_parse("t.conf", all, 0, &c, err, sizeof(err)), -1);
	assert_int_equal(conf_server_parse("t.conf", all, len, &c, err, sizeof(err)), 0);
	conf_server_free(&c);
	assert_true(fails > len / 4);
	free(all);
}

static void
truncate_client(const char *file)
{
	char path[4096], err[CONF_ERR_LEN];
	struct conf_client c;
	uint8_t *all, *buf;
	size_t len, fails = 0;

	fixture_path(path, sizeof(path), file);
	all = read_all(path, &len);
	for (size_t n = 0; n <= len; n++) {
		buf = dup_exact(all, n);
		if (conf_client_parse("t.conf", buf, n, &c, err, sizeof(err)) != 0) {
			assert_true(all_zero(&c, sizeof(c)));
			assert_memory_equal(err, "t.conf:", 6);
			fails++;
		}
		free(buf);
	}
	assert_int_equal(conf_client_parse("t.conf", all, len, &c, err, sizeof(err)), 0);
	assert_true(fails > len / 4);
	free(all);
}

static void
test_truncated(void **state)
{
	(void)state;
	truncate_server("server-full.conf");
	truncate_server("server-peers.conf");
	truncate_client("client-full.conf");
}

/* text with every "\n" made "\r\n" */
static uint8_t *
to_crlf(const uint8_t *buf, size_t len, size_t *outlen)
{
	uint8_t *out = malloc(2 * len + 1);
	size_t o = 0;

	assert_non_null(out);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			out[o++] = '\r';
		out[o++] = buf[i];
	}
	*outlen = o;
	return out;
}

static void
test_crlf(void **state)
{
	char path[4096], err[CONF_ERR_LEN];
	struct conf_server a, b;
	struct conf_client ca, cb;
	uint8_t *lf, *crlf;
	size_t len, clen;

	(void)state;
	fixture_path(path, sizeof(path), "server-peers.conf");
	lf = read_all(path, &len);
	crlf = to_crlf(lf, len, &clen);
	assert_int_equal(conf_server_parse("t.conf", lf, len, &a, err, sizeof(err)), 0);
	if (conf_server_parse("t.conf", crlf, clen, &b, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_server_same(&a, &b);
	conf_server_free(&a);
	conf_server_free(&b);
	free(lf);
	free(crlf);

	fixture_path(path, sizeof(path), "client-full.conf");
	lf = read_all(path, &len);
	crlf = to_crlf(lf, len, &clen);
	assert_int_equal(conf_client_parse("t.conf", lf, len, &ca, err, sizeof(err)), 0);
	if (conf_client_parse("t.conf", crlf, clen, &cb, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_memory_equal(&ca, &cb, sizeof(ca));
	free(lf);
	free(crlf);
}

static void
test_bom(void **state)
{
	struct conf_server a, b;
	char err[CONF_ERR_LEN];

	(void)state;
	assert_int_equal(server_text(SERVER_HEAD, &a, err, sizeof(err)), 0);
	if (server_text("\xef\xbb\xbf" SERVER_HEAD, &b, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_server_same(&a, &b);
	conf_server_free(&a);
	conf_server_free(&b);
	/* only at the start of the file */
	server_error("# x\n\xef\xbb\xbf" SERVER_HEAD,
	    "t.conf:2: expected 'key = value', '[section]' or a comment");
}

/* Values reach messages escaped and cut short. */
static void
test_hostile_values(void **state)
{
	(void)state;
	server_error(SERVER_HEAD "ndp-proxy = a\x1b[2Jb\x7f\n",
	    "t.conf:4: ndp-proxy 'a\\x1b[2Jb\\x7f' is not auto, static or off");
	server_error(SERVER_HEAD "ndp-proxy = "
	    "0123456789012345678901234567890123456789012345678901234567890123456789\n",
	    "t.conf:4: ndp-proxy '0123456789012345678901234567890123456789012345678901234567890123...'"
	    " is not auto, static or off");
	server_error(SERVER_HEAD "mtu = \xff\n", "t.conf:4: mtu '\\xff' is not a decimal number");
	server_error("[ser\x01ver]\n", "t.conf:1: unknown section [ser\\x01ver]");
	server_error(SERVER_HEAD "[peer h\xc3\xa9]\n",
	    "t.conf:4: peer name 'h\\xc3\\xa9' is not 1..32 characters of A-Z a-z 0-9 _ . -");
	server_error(SERVER_HEAD "upstream\t= eth0\n",
	    "t.conf:4: duplicate key 'upstream' (first at line 3)");
	/* only ';' after white space starts an inline comment */
	server_error(SERVER_HEAD "mtu = 1400;x\n", "t.conf:4: mtu '1400;x' is not a decimal number");
	server_error(SERVER_HEAD "mtu = 1400 # x\n", "t.conf:4: mtu '1400 # x' is not a decimal number");
	server_error(SERVER_HEAD "= 1400\n", "t.conf:4: unknown key '' in [server]");
	server_error(SERVER_HEAD "\n[peer  ]\n", "t.conf:5: [peer] needs a name, as in [peer home1]");
	server_error(SERVER_HEAD "\n[peerhome]\n", "t.conf:5: unknown section [peerhome]");
	/* an indented header right after another header is still a header */
	server_error(SERVER_HEAD "[peer a]\n  [peer b]\npublic-key = " KEY_HOME1 "\n",
	    "t.conf:4: [peer a] needs public-key");
	/* an indented header after a key continues the key */
	server_error(SERVER_HEAD "  [peer b]\n",
	    "t.conf:4: duplicate key 'upstream' (indented lines continue the previous key)");
	/* an inline comment ends a header or a key before ']' or '=' */
	server_error("[server ;]\n", "t.conf:1: section header without ']'");
	server_error(SERVER_HEAD "mtu ;= 1400\n",
	    "t.conf:4: expected 'key = value', '[section]' or a comment");
	server_error("[peer                                                               "
	    "                                                                          x]\n",
	    "t.conf:1: section header is longer than 127 bytes");
	server_error("[server]\nprivate-key-file = /etc/v6ext/\x01server.key\n",
	    "t.conf:2: private-key-file contains a control character");
	server_error(SERVER_HEAD "metrics-listen = [127.0.0.1]:9478\n",
	    "t.conf:4: metrics-listen '[127.0.0.1]:9478': '127.0.0.1' is not an IPv6 address");
	/* the earliest line wins: a duplicate peer (found once the file is
	 * read) before a duplicate [server] (found while reading) */
	server_error(SERVER_HEAD "[peer a]\npublic-key = " KEY_HOME1 "\n[peer a]\npublic-key = "
	    KEY_HOME2 "\n[server]\n", "t.conf:6: duplicate peer 'a' (first at line 4)");
	/* and on one line, the first found */
	server_error(SERVER_HEAD "[peer a]\npublic-key = " KEY_HOME1 "\n[peer a]\n",
	    "t.conf:6: [peer a] needs public-key");
	/* no final newline */
	server_error(SERVER_HEAD "mtu = 1", "t.conf:4: mtu 1 is not in 1280..65535");
}

/* Forms a value may take, and what they give. */
/* The DHCPv6 keys: dns-search kept in RFC 1035 wire form (what option 24
 * carries), lifetimes with their defaults when absent. */
static void
test_dhcpv6_keys(void **state)
{
	static const uint8_t want[] = { 3, 'l', 'a', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	    7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0 };
	struct conf_server c;
	char err[CONF_ERR_LEN];

	(void)state;
	assert_int_equal(server_text("[server]\nprivate-key-file = /k\nupstream = eth0\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.dns_search_len, 0);
	assert_int_equal(c.dhcpv6_preferred, CONF_DEFAULT_PREFERRED);
	assert_int_equal(c.dhcpv6_valid, CONF_DEFAULT_VALID);
	conf_server_free(&c);
	assert_int_equal(server_text("[server]\nprivate-key-file = /k\nupstream = eth0\n"
	    "dns-search = lab.example, example.org\ndhcpv6-preferred-lifetime = 600\n"
	    "dhcpv6-valid-lifetime = 600\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.dns_search_len, sizeof(want));
	assert_memory_equal(c.dns_search, want, sizeof(want));
	assert_int_equal(c.dhcpv6_preferred, 600);
	assert_int_equal(c.dhcpv6_valid, 600);
	conf_server_free(&c);
}

static void
test_value_forms(void **state)
{
	static const struct {
		const char *server;
		const char *host;
		uint16_t port;
	} rows[] = {
		/* 1 */ { "vps.example.net", "vps.example.net", 51820 },
		/* 2 */ { "vps.example.net:443", "vps.example.net", 443 },
		/* 3 */ { "[2001:db8::1]:51821", "2001:db8::1", 51821 },
		/* 4 */ { "[2001:db8::1]", "2001:db8::1", 51820 },
		/* 5 */ { "192.0.2.1", "192.0.2.1", 51820 },
		/* 6 */ { "192.0.2.1:65535", "192.0.2.1", 65535 },
		/* 7 */ { "vps.example.net.:1", "vps.example.net.", 1 },
		/* 8 */ { "v6ext_1", "v6ext_1", 51820 },
	};
	static const char long_label[] =
	    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789";
	char text[512], err[CONF_ERR_LEN];
	struct conf_client c;
	struct conf_server s;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text), CLIENT_HEAD "server = %s ; row %zu\n", rows[i].server, i + 1);
		if (client_text(text, &c, err, sizeof(err)) != 0)
			fail_msg("row %zu: %s", i + 1, err);
		assert_string_equal(c.server_host, rows[i].host);
		assert_int_equal(c.server_port, rows[i].port);
	}
	client_error(CLIENT_HEAD "server = a..b\n", "t.conf:4: server 'a..b': 'a..b' is not a valid host name");
	client_error(CLIENT_HEAD "server = :51820\n", "t.conf:4: server ':51820' has no address");
	/* DNS labels are at most 63 bytes (RFC 1035 2.3.4) */
	snprintf(text, sizeof(text), CLIENT_HEAD "server = %.63s.example.net\n", long_label);
	assert_int_equal(client_text(text, &c, err, sizeof(err)), 0);
	snprintf(text, sizeof(text), CLIENT_HEAD "server = %.64s.example.net\n", long_label);
	assert_int_equal(client_text(text, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a valid host name"));
	/* CONF_HOST_MAX and CONF_PATH_MAX are out of reach: a line ends at
	 * 199 bytes first, with one clean error */
	{
		struct conf_server s2;
		char v[300];

		memset(v, 'a', sizeof(v) - 1);
		v[sizeof(v) - 1] = '\0';
		memcpy(v, "[server]\nuser=", 14);
		assert_int_equal(server_text(v, &s2, err, sizeof(err)), -1);
	}

	/* dns: white space around commas, four at most */
	assert_int_equal(server_text(SERVER_HEAD "ndp-proxy=off\n"
	    "dns=2001:db8::1 ,2001:db8::2,\t2001:db8::3 , 2001:db8::4\n",
	    &s, err, sizeof(err)), 0);
	assert_int_equal(s.n_dns, 4);
	assert_int_equal(s.ndp_proxy, CONF_NDP_OFF);
	assert_in6(&s.dns[3], "2001:db8::4");
	conf_server_free(&s);
	server_error(SERVER_HEAD "dns = 2001:db8::1,\n", "t.conf:4: dns has an empty entry");

	/* [server] in any order, section names with white space inside [] */
	assert_int_equal(server_text("[ server ]  ; c\nupstream=eth0\nprivate-key-file=/k\n",
	    &s, err, sizeof(err)), 0);
	assert_string_equal(s.private_key_file, "/k");
	conf_server_free(&s);

	/* a 32-character peer name, with an explicit tap */
	assert_int_equal(server_text(SERVER_HEAD "[peer abcdefghijklmnopqrstuvwxyz_.-012]\n"
	    "public-key = " KEY_HOME1 "\ntap = t0\n", &s, err, sizeof(err)), 0);
	assert_string_equal(s.peers[0].name, "abcdefghijklmnopqrstuvwxyz_.-012");
	conf_server_free(&s);

	/* sub-prefix-length 120: 2^56 indices */
	assert_int_equal(server_text(SERVER_HEAD "sub-prefix-length = 120\n[peer a]\npublic-key = "
	    KEY_HOME1 "\nsub-prefix = 72057594037927935\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.peers[0].sub_index, UINT64_C(72057594037927935));
	conf_server_free(&s);
	server_error(SERVER_HEAD "sub-prefix-length = 120\n[peer a]\npublic-key = "
	    KEY_HOME1 "\nsub-prefix = 72057594037927936\n",
	    "t.conf:7: sub-prefix 72057594037927936 is not below 72057594037927936"
	    " (2^56 sub-prefixes of /120)");
	server_error(SERVER_HEAD "[peer a]\npublic-key = " KEY_HOME1
	    "\nsub-prefix = 18446744073709551616\n",
	    "t.conf:6: sub-prefix 18446744073709551616 is not in 0..18446744073709551615");
}

/* The error buffer is filled as far as it goes, never further. */
static void
test_error_buffer(void **state)
{
	struct conf_server c;
	char err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(server_text(SERVER_HEAD "mtu = 1\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:");
	assert_int_equal(server_text(SERVER_HEAD "mtu = 1\n", &c, NULL, 0), -1);
	assert_int_equal(server_text(SERVER_HEAD, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	conf_server_free(&c);
	conf_server_free(NULL);
	assert_null(conf_server_find_peer(NULL, "x"));
}

/* ---------------------------------------------------------- control-group */

/* A file under /tmp holding text; its path in path. */
static void
temp_conf(char *path, size_t pathlen, const char *text)
{
	int fd;

	snprintf(path, pathlen, "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_control_group(void **state)
{
	char path[64], err[CONF_ERR_LEN], want[CONF_ERR_LEN + 64];
	struct conf_server s;
	struct conf_client c;

	(void)state;
	/* parsed, not looked up: the name only */
	server_fixture("server-control-group.conf", &s);
	assert_string_equal(s.control_group, "v6ext-admin");
	assert_true(s.control_gid == (gid_t)-1);
	conf_server_free(&s);
	client_fixture("client-control-group.conf", &c);
	assert_string_equal(c.control_group, "v6ext-admin");
	assert_true(c.control_gid == (gid_t)-1);
	/* unset: empty, and no gid */
	server_fixture("server-minimal.conf", &s);
	assert_string_equal(s.control_group, "");
	assert_true(s.control_gid == (gid_t)-1);
	conf_server_free(&s);
	client_fixture("client-minimal.conf", &c);
	assert_string_equal(c.control_group, "");
	assert_true(c.control_gid == (gid_t)-1);

	/* loaded: looked up, so a start and -n see a group that is not there */
	temp_conf(path, sizeof(path), SERVER_HEAD "control-group = root\n");
	if (conf_server_load(path, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(s.control_gid == 0);
	conf_server_free(&s);
	unlink(path);
	temp_conf(path, sizeof(path), SERVER_HEAD "control-group = v6ext-no-such-group\n");
	assert_int_equal(conf_server_load(path, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:4: control-group 'v6ext-no-such-group': no such group", path);
	assert_string_equal(err, want);
	unlink(path);
	temp_conf(path, sizeof(path), CLIENT_HEAD "server = vps.example.net\ncontrol-group = root\n");
	if (conf_client_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(c.control_gid == 0);
	unlink(path);
	temp_conf(path, sizeof(path), CLIENT_HEAD "server = vps.example.net\ncontrol-group = v6ext-no-such-group\n");
	assert_int_equal(conf_client_load(path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:5: control-group 'v6ext-no-such-group': no such group", path);
	assert_string_equal(err, want);
	unlink(path);
}

/* ------------------------------------------------------------------ files */

static void
test_load(void **state)
{
	char path[4096], err[CONF_ERR_LEN], want[4200];
	char big[] = "/tmp/test_conf.XXXXXX";
	struct conf_server s;
	struct conf_client c;
	char *junk;
	int fd;

	(void)state;
	fixture_path(path, sizeof(path), "server-full.conf");
	if (conf_server_load(path, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(s.path, path);
	assert_int_equal(s.n_peers, 1);
	conf_server_free(&s);

	fixture_path(path, sizeof(path), "client-full.conf");
	if (conf_client_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.server_host, "vps.example.net");

	/* errors carry the path the operator gave */
	fixture_path(path, sizeof(path), "bad-server-mtu-range.conf");
	assert_int_equal(conf_server_load(path, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:5: mtu 70000 is not in 1280..65535", path);
	assert_string_equal(err, want);

	fixture_path(path, sizeof(path), "no-such-file.conf");
	assert_int_equal(conf_server_load(path, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);
	assert_int_equal(conf_client_load(path, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);

	assert_int_equal(conf_server_load(CONF_DIR, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", CONF_DIR, strerror(EISDIR));
	assert_string_equal(err, want);

	/* 4 MiB of comments is read (and has no [server]); one byte more is not */
	fd = mkstemp(big);
	assert_true(fd >= 0);
	junk = malloc(4 * 1024 * 1024 + 1);
	assert_non_null(junk);
	memset(junk, '#', 4 * 1024 * 1024 + 1);
	for (size_t i = 99; i < 4 * 1024 * 1024; i += 100)
		junk[i] = '\n';
	assert_int_equal(write(fd, junk, 4 * 1024 * 1024), 4 * 1024 * 1024);
	assert_int_equal(conf_server_load(big, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: [server] needs private-key-file", big);
	assert_string_equal(err, want);
	assert_int_equal(write(fd, "#", 1), 1);
	assert_int_equal(conf_server_load(big, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: file too large", big);
	assert_string_equal(err, want);
	assert_int_equal(conf_client_load(big, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	close(fd);
	unlink(big);
	free(junk);
}

/* IPv4 reach: the defaults; forwards and maps in file order with their
 * peer and line; every check of conf_check_ipv4 and the value parsers, with
 * its message and line; what a reload may not change. */
static void
test_ipv4_reach(void **state)
{
	struct conf_server c, d;
	struct conf_forward f;
	char err[CONF_ERR_LEN], text[CONF_FORWARD_TEXT], a[INET6_ADDRSTRLEN];
	const char *peers = "[peer home1]\npublic-key = " KEY_HOME1 "\nsub-prefix = 1\n"
	    "forward = tcp 443 [2001:db8:64:1:4::100]:8443\n"
	    "forward = udp 443 [2001:db8:64:1:4::100]:443\n"
	    "[peer home2]\npublic-key = " KEY_HOME2 "\nsub-prefix = 2\n"
	    "ipv4-map = 203.0.113.11 2001:db8:64:1:8::7\n"
	    "forward = tcp 80 [2001:db8:64:1:8::7]:80\n";
	char buf[2048];

	(void)state;
	/* defaults */
	assert_int_equal(server_text(SERVER_HEAD, &c, err, sizeof(err)), 0);
	assert_int_equal(c.public_ipv4_mode, CONF_IPV4_AUTO);
	inet_ntop(AF_INET6, &c.nat64_prefix.addr, a, sizeof(a));
	assert_string_equal(a, "64:ff9b:1::");
	assert_int_equal(c.nat64_prefix.len, 96);
	inet_ntop(AF_INET, &c.ipv4_pool, a, sizeof(a));
	assert_string_equal(a, "198.18.0.0");
	assert_int_equal(c.ipv4_pool_len, 16);
	assert_int_equal(c.n_forwards, 0);
	assert_int_equal(c.n_maps, 0);
	conf_server_free(&c);

	/* good: three forwards across two peers, one map */
	snprintf(buf, sizeof(buf), SERVER_HEAD "prefix = 2001:db8:64:1::/64\npublic-ipv4 = 203.0.113.1\n"
	    "nat64-prefix = 64:ff9b::/96\nipv4-pool = 100.64.0.0/24\n%s", peers);
	if (server_text(buf, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.public_ipv4_mode, CONF_IPV4_ADDR);
	assert_int_equal(c.ipv4_pool_len, 24);
	assert_int_equal(c.n_forwards, 3);
	assert_string_equal(c.forwards[0].peer, "home1");
	assert_int_equal(c.forwards[0].proto, IPPROTO_TCP);
	assert_int_equal(c.forwards[0].port, 443);
	assert_int_equal(c.forwards[0].to_port, 8443);
	assert_int_equal(c.forwards[0].line, 11);
	assert_int_equal(c.forwards[1].proto, IPPROTO_UDP);
	assert_string_equal(c.forwards[2].peer, "home2");
	assert_int_equal(c.n_maps, 1);
	assert_string_equal(c.maps[0].peer, "home2");
	inet_ntop(AF_INET, &c.maps[0].v4, a, sizeof(a));
	assert_string_equal(a, "203.0.113.11");
	/* a reload may change forwards, not the translator's addresses */
	assert_int_equal(server_text(buf, &d, err, sizeof(err)), 0);
	d.forwards[0].port = 444;
	assert_null(conf_server_reload_fixed(&c, &d));
	d.ipv4_pool_len = 25;
	assert_string_equal(conf_server_reload_fixed(&c, &d), "ipv4-pool");
	d.ipv4_pool_len = c.ipv4_pool_len;
	d.public_ipv4_mode = CONF_IPV4_OFF;
	assert_string_equal(conf_server_reload_fixed(&c, &d), "public-ipv4");
	d.public_ipv4_mode = c.public_ipv4_mode;
	d.nat64_prefix.addr.s6_addr[5] = 1;
	assert_string_equal(conf_server_reload_fixed(&c, &d), "nat64-prefix");
	conf_server_free(&c);
	conf_server_free(&d);

	/* the value parsers, and their twin */
	memset(&f, 0, sizeof(f));
	assert_int_equal(conf_forward_parse("udp 65535 [2001:db8::1]:1", &f, err, sizeof(err)), 0);
	conf_forward_format(&f, text, sizeof(text));
	assert_string_equal(text, "udp 65535 [2001:db8::1]:1");
	assert_int_equal(conf_forward_parse("icmp 1 [2001:db8::1]:1", &f, err, sizeof(err)), -1);
	assert_string_equal(err, "forward 'icmp 1 [2001:db8::1]:1': the protocol is tcp or udp");
	assert_int_equal(conf_forward_parse("tcp 0 [2001:db8::1]:1", &f, err, sizeof(err)), -1);
	assert_int_equal(conf_forward_parse("tcp 65536 [2001:db8::1]:1", &f, err, sizeof(err)), -1);
	assert_int_equal(conf_forward_parse("tcp 80 2001:db8::1:80", &f, err, sizeof(err)), -1);
	assert_string_equal(err, "forward 'tcp 80 2001:db8::1:80': the host is [IPV6]:PORT");
	assert_int_equal(conf_forward_parse("tcp 80 [fe80::1]:80", &f, err, sizeof(err)), -1);
	assert_string_equal(err, "forward 'tcp 80 [fe80::1]:80': not a global unicast address");
	assert_int_equal(conf_forward_parse("tcp 80 [2001:db8::1]:80 x", &f, err, sizeof(err)), -1);
	/* a value reaches messages escaped: no control byte gets through */
	assert_int_equal(conf_forward_parse("tcp\t80\t[\x1b]2;x\x07]:80", &f, err, sizeof(err)), -1);
	assert_null(strchr(err, 0x1b));
	assert_null(strchr(err, 0x07));
	/* white space between an ipv4-map's two addresses, tabs too */
	struct conf_map m;
	assert_int_equal(conf_map_parse("203.0.113.11\t2001:db8::1", &m, err, sizeof(err)), 0);

	/* the checks across the file, each with its line */
	server_error(SERVER_HEAD "public-ipv4 = 224.0.0.1\n",
	    "t.conf:4: public-ipv4 224.0.0.1: not auto, off or a unicast IPv4 address");
	server_error(SERVER_HEAD "nat64-prefix = 64:ff9b::/64\n", "t.conf:4: nat64-prefix must be a /96 (got /64)");
	server_error(SERVER_HEAD "ipv4-pool = 198.18.0.1/16\n", "t.conf:4: ipv4-pool 198.18.0.1/16: host bits are set");
	server_error(SERVER_HEAD "ipv4-pool = 10.0.0.0/8\n", "t.conf:4: ipv4-pool 10.0.0.0/8: a unicast /16 to /28");
	server_error(SERVER_HEAD "prefix = 2001:db8:64:1::/64\nnat64-prefix = 2001:db8:64:1:0:1::/96\n",
	    "t.conf:1: nat64-prefix is inside prefix: it must be a prefix of its own");
	server_error(SERVER_HEAD "prefix = 2001:db8:64:1::/64\n[peer home1]\npublic-key = " KEY_HOME1 "\n"
	    "sub-prefix = 1\nforward = tcp 443 [2001:db8:64:1:8::1]:443\n",
	    "t.conf:8: forward tcp 443 [2001:db8:64:1:8::1]:443: 2001:db8:64:1:8::1 is not in peer home1's"
	    " sub-prefix 2001:db8:64:1:4::/78");
	server_error(SERVER_HEAD "prefix = 2001:db8:64:1::/64\n[peer home1]\npublic-key = " KEY_HOME1 "\n"
	    "forward = tcp 443 [2001:db8:65::1]:443\n",
	    "t.conf:7: forward tcp 443 [2001:db8:65::1]:443: 2001:db8:65::1 is not inside prefix 2001:db8:64:1::/64");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nforward = tcp 443 [64:ff9b:1::1]:443\n",
	    "t.conf:6: forward tcp 443 [64:ff9b:1::1]:443: 64:ff9b:1::1 is inside nat64-prefix");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nforward = tcp 443 [2001:db8::1]:443\n"
	    "[peer home2]\npublic-key = " KEY_HOME2 "\nforward = tcp 443 [2001:db8::2]:443\n",
	    "t.conf:9: forward tcp 443: already forwarded by peer home1 (line 6)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nipv4-map = 198.18.0.5 2001:db8::1\n",
	    "t.conf:6: ipv4-map 198.18.0.5: inside ipv4-pool");
	server_error(SERVER_HEAD "public-ipv4 = 203.0.113.1\n[peer home1]\npublic-key = " KEY_HOME1 "\n"
	    "ipv4-map = 203.0.113.1 2001:db8::1\n",
	    "t.conf:7: ipv4-map 203.0.113.1: that is public-ipv4, which forwards use");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nipv4-map = 203.0.113.9 2001:db8::1\n"
	    "ipv4-map = 203.0.113.9 2001:db8::2\n", "t.conf:7: ipv4-map 203.0.113.9: mapped already (line 6)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nipv4-map = 203.0.113.9 2001:db8::1\n"
	    "ipv4-map = 203.0.113.10 2001:db8::1\n",
	    "t.conf:7: ipv4-map 203.0.113.10: that host has a mapping already (line 6)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nforward = udp 51820 [2001:db8::1]:51820\n",
	    "t.conf:6: forward udp 51820: that is listen-port, the tunnel's");
	server_error(SERVER_HEAD "public-ipv4 = off\n[peer home1]\npublic-key = " KEY_HOME1 "\n"
	    "forward = tcp 443 [2001:db8::1]:443\n", "t.conf:7: forward with public-ipv4 = off: IPv4 reach is off");
	server_error(SERVER_HEAD "public-ipv4 = 198.18.3.4\n",
	    "t.conf:1: public-ipv4 is inside ipv4-pool: the pool must be addresses of its own");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nipv4-map = 127.0.0.1 2001:db8::1\n",
	    "t.conf:6: ipv4-map '127.0.0.1 2001:db8::1': '127.0.0.1' is not a unicast IPv4 address");
}

/* DNS names (docs/DNS.md): the dns-* keys, host and host-duid. */
static void
test_dns_names(void **state)
{
	struct conf_server c, d;
	char err[CONF_ERR_LEN], a[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *sin6;
	const char *good = SERVER_HEAD "prefix = 2001:db8:64:1::/64\n"
	    "dns-zone = Home.Example.ORG.\ndns-update-server = [2001:db8::53]\n"
	    "dns-tsig-key-file = /etc/v6ext/dns.tsig\ndns-hosts-dir = /run/v6ext/hosts\n"
	    "dns-hook = /usr/local/bin/hook\n"
	    "[peer home1]\npublic-key = " KEY_HOME1 "\nsub-prefix = 1\n"
	    "host = NAS 2001:db8:64:1:4::100\nhost = nas 2001:db8:64:1:4::101\n"
	    "host-duid = vm1 000100012b3c4d5e525400123456\n"
	    "[peer home2]\npublic-key = " KEY_HOME2 "\nhost = nas 2001:db8:64:1:8::100\n";

	(void)state;
	assert_int_equal(server_text(SERVER_HEAD, &c, err, sizeof(err)), 0);
	assert_false(conf_dns_publishes(&c));
	assert_int_equal(c.n_hosts, 0);
	conf_server_free(&c);

	if (server_text(good, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(conf_dns_publishes(&c));
	/* lower-cased, the root's dot dropped; the port 53 when none is given */
	assert_string_equal(c.dns_zone, "home.example.org");
	assert_true(c.dns_update);
	sin6 = (const struct sockaddr_in6 *)&c.dns_update_server;
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 53);
	inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
	assert_string_equal(a, "2001:db8::53");
	assert_string_equal(c.dns_hosts_dir, "/run/v6ext/hosts");
	assert_int_equal(c.n_hosts, 4);
	/* a static host with two addresses; the same name in another site */
	assert_string_equal(c.hosts[0].name, "nas");
	assert_false(c.hosts[0].by_duid);
	assert_string_equal(c.hosts[2].name, "vm1");
	assert_true(c.hosts[2].by_duid);
	assert_int_equal(c.hosts[2].duid_len, 14);
	assert_string_equal(c.hosts[3].peer, "home2");
	/* a reload may change the hosts, not the dns-* keys */
	assert_int_equal(server_text(good, &d, err, sizeof(err)), 0);
	strcpy(d.hosts[0].name, "files");
	assert_null(conf_server_reload_fixed(&c, &d));
	strcpy(d.dns_zone, "other.example.org");
	assert_string_equal(conf_server_reload_fixed(&c, &d), "dns-zone");
	strcpy(d.dns_zone, c.dns_zone);
	strcpy(d.dns_hook, "/bin/true");
	assert_string_equal(conf_server_reload_fixed(&c, &d), "dns-hook");
	conf_server_free(&c);
	conf_server_free(&d);

	/* the keys that go together */
	server_error(SERVER_HEAD "dns-update-server = [2001:db8::53]:53\ndns-tsig-key-file = /k\n",
	    "t.conf:1: dns-update-server needs dns-zone: the zone the updates go to");
	server_error(SERVER_HEAD "dns-zone = h.example\ndns-update-server = 192.0.2.53:53\n",
	    "t.conf:1: dns-update-server needs dns-tsig-key-file: updates are signed");
	server_error(SERVER_HEAD "dns-tsig-key-file = /k\n",
	    "t.conf:1: dns-tsig-key-file without dns-update-server: nothing would use it");
	/* values */
	server_error(SERVER_HEAD "dns-zone = a..b\n", "t.conf:4: dns-zone 'a..b': not a domain name (labels of "
	    "letters, digits and hyphens, 253 characters at most)");
	server_error(SERVER_HEAD "dns-zone = a b\n", "t.conf:4: dns-zone 'a b': not a domain name (labels of "
	    "letters, digits and hyphens, 253 characters at most)");
	server_error(SERVER_HEAD "dns-update-server = ns.example:53\n",
	    "t.conf:4: dns-update-server 'ns.example:53': 'ns.example' is not an IPv4 address"
	    " (an IPv6 one goes in brackets)");
	server_error(SERVER_HEAD "dns-hook = hook\n", "t.conf:4: dns-hook must be an absolute path");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost = n_as 2001:db8::1\n",
	    "t.conf:6: host 'n_as 2001:db8::1': 'n_as' is not a host name (1 to 63 letters, digits and hyphens, "
	    "no hyphen at either end)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost = -nas 2001:db8::1\n",
	    "t.conf:6: host '-nas 2001:db8::1': '-nas' is not a host name (1 to 63 letters, digits and hyphens, "
	    "no hyphen at either end)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost = nas fe80::1\n",
	    "t.conf:6: host 'nas fe80::1': not NAME IPV6 (a global address of the site)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost-duid = vm1 0001zz\n",
	    "t.conf:6: host-duid 'vm1 0001zz': not NAME DUID (the DUID in hex, 3 to 130 bytes)");
	/* across the file */
	server_error(SERVER_HEAD "prefix = 2001:db8:64:1::/64\n[peer home1]\npublic-key = " KEY_HOME1 "\n"
	    "sub-prefix = 1\nhost = nas 2001:db8:64:1:8::1\n",
	    "t.conf:8: host nas: 2001:db8:64:1:8::1 is not in peer home1's sub-prefix 2001:db8:64:1:4::/78");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost = nas 2001:db8::1\n"
	    "host-duid = nas 000100012b3c4d5e525400123456\n",
	    "t.conf:7: host-duid nas: peer home1 names another host so already (line 6)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost-duid = a 000100012b3c4d5e525400123456\n"
	    "host-duid = b 000100012b3c4d5e525400123456\n",
	    "t.conf:7: host-duid b: that DUID is named already (line 6)");
	server_error(SERVER_HEAD "[peer home1]\npublic-key = " KEY_HOME1 "\nhost = a 2001:db8::1\nhost = b 2001:db8::1\n",
	    "t.conf:7: host b: that address is named already (line 6)");
	server_error(SERVER_HEAD "dns-hosts-dir = /run/h\n[peer home_1]\npublic-key = " KEY_HOME1 "\n",
	    "t.conf:5: peer home_1: with names published (dns-*), a peer's name is a DNS label: letters, "
	    "digits and hyphens");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_reach),
		cmocka_unit_test(test_dns_names),
		cmocka_unit_test(test_server_full),
		cmocka_unit_test(test_server_minimal),
		cmocka_unit_test(test_server_peers),
		cmocka_unit_test(test_server_peers_first),
		cmocka_unit_test(test_client_full),
		cmocka_unit_test(test_client_minimal),
		cmocka_unit_test(test_client_ipv4),
		cmocka_unit_test(test_good_fixtures),
		cmocka_unit_test(test_routed),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_too_many_peers),
		cmocka_unit_test(test_max_peers),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_gateways),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_dhcpv6_keys),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_control_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
