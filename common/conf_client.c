/* SPDX-License-Identifier: ISC */
/* conf_client: v6ext-client's file: the [client] keys (the server's
 * host:port among them) and conf_client_parse/load. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_internal.h"
#include "privdrop.h"

static int conf_set_server(struct conf_ctx *, const struct conf_key *, void *, const char *);
static int conf_set_standby(struct conf_ctx *, const struct conf_key *, void *, const char *);

const struct conf_key conf_client_keys[] = {
	[CONF_CLIENT_PRIVATE_KEY] = { "private-key-file", conf_set_path,
	    CONF_FIELD(struct conf_client, private_key_file), .required = true },
	[CONF_CLIENT_SERVER] = { "server", conf_set_server, CONF_FIELD(struct conf_client, server_host),
	    .required = true },
	[CONF_CLIENT_SERVER_KEY] = { "server-public-key", conf_set_key,
	    CONF_FIELD(struct conf_client, server_public_key), .required = true },
	[CONF_CLIENT_PSK] = { "preshared-key-file", conf_set_path, CONF_FIELD(struct conf_client, psk_file) },
	[CONF_CLIENT_TAP] = { "tap", conf_set_ifname, CONF_FIELD(struct conf_client, tap) },
	[CONF_CLIENT_BRIDGE] = { "bridge", conf_set_ifname, CONF_FIELD(struct conf_client, bridge) },
	[CONF_CLIENT_KEEPALIVE] = { "keepalive", conf_set_u16, CONF_FIELD(struct conf_client, keepalive),
	    .min = 0, .max = 3600 },
	[CONF_CLIENT_MTU] = { "mtu", conf_set_u16, CONF_FIELD(struct conf_client, mtu),
	    .min = CONF_MTU_MIN, .max = CONF_MTU_MAX },
	[CONF_CLIENT_SOCKET] = { "control-socket", conf_set_path, CONF_FIELD(struct conf_client, control_socket) },
	[CONF_CLIENT_USER] = { "user", conf_set_user, CONF_FIELD(struct conf_client, user) },
	[CONF_CLIENT_BUSY_POLL] = { "busy-poll", conf_set_u16, CONF_FIELD(struct conf_client, busy_poll),
	    .min = 0, .max = CONF_BUSY_POLL_MAX },
	[CONF_CLIENT_CONTROL_GROUP] = { "control-group", conf_set_group,
	    CONF_FIELD(struct conf_client, control_group) },
	[CONF_CLIENT_STANDBY] = { "standby-server", conf_set_standby, .repeatable = true },
	[CONF_CLIENT_DEAD_AFTER] = { "dead-after", conf_set_u16, CONF_FIELD(struct conf_client, dead_after),
	    .min = 0, .max = CONF_DEAD_AFTER_MAX },
	[CONF_CLIENT_FAILBACK] = { "failback-after", conf_set_u32, CONF_FIELD(struct conf_client, failback_after),
	    .min = 1, .max = CONF_FAILBACK_MAX },
};

const size_t conf_client_n_keys = sizeof(conf_client_keys) / sizeof(conf_client_keys[0]);

_Static_assert(sizeof(conf_client_keys) / sizeof(conf_client_keys[0]) <= CONF_SECTION_KEYS,
    "[client] has more keys than the seen table holds");

static bool
conf_is_ipv4_text(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789.") == strlen(s);
}

/* A DNS name: labels of 1..63 letters, digits, '-' or '_', separated by
 * dots, an optional final dot. */
static bool
conf_is_hostname(const char *s)
{
	size_t label = 0;

	if (s[0] == '\0' || s[0] == '.' || strlen(s) > CONF_HOST_MAX)
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* NAME[:PORT] | IPV4[:PORT] | [IPV6][:PORT] */
static int
conf_parse_gateway(struct conf_ctx *ctx, const struct conf_key *k, const char *v, struct conf_gateway *gw)
{
	char host[CONF_HOST_MAX + 1], vb[CONF_VIS_LEN], hb[CONF_VIS_LEN];
	struct in6_addr a6;
	struct in_addr a4;
	bool bracketed;
	uint16_t port;

	if (conf_parse_hostport(ctx, k->name, v, host, sizeof(host), &bracketed, &port,
	    CONF_DEFAULT_PORT) == -1)
		return -1;
	if (bracketed) {
		if (inet_pton(AF_INET6, host, &a6) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv6 address", k->name,
			    conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
	} else if (conf_is_ipv4_text(host)) {
		/* digits and dots only is no host name anyone can resolve */
		if (inet_pton(AF_INET, host, &a4) != 1) {
			conf_error(ctx, "%s '%s': '%s' is not an IPv4 address", k->name,
			    conf_vis(vb, v), conf_vis(hb, host));
			return -1;
		}
	} else if (!conf_is_hostname(host)) {
		conf_error(ctx, "%s '%s': '%s' is not a valid host name", k->name,
		    conf_vis(vb, v), conf_vis(hb, host));
		return -1;
	}
	memcpy(gw->host, host, strlen(host) + 1);
	gw->port = port;
	return 0;
}

/* server = a gateway: the first choice */
static int
conf_set_server(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_client *cli = base;
	struct conf_gateway gw = { .port = 0 };

	if (conf_parse_gateway(ctx, k, v, &gw) != 0)
		return -1;
	memcpy(cli->server_host, gw.host, sizeof(gw.host));
	cli->server_port = gw.port;
	return 0;
}

/* standby-server = HOST[:PORT] PUBLIC-KEY, repeatable: the next choices,
 * in the order written (docs/ROUTING.md) */
static int
conf_set_standby(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_client *cli = base;
	struct conf_gateway gw = { .port = 0 };
	char hostport[CONF_HOST_MAX + 16], vb[CONF_VIS_LEN];
	const char *sp = strpbrk(v, " \t");
	size_t n;

	if (cli->n_standby == CONF_STANDBY_MAX) {
		conf_error(ctx, "%s: at most %d", k->name, CONF_STANDBY_MAX);
		return -1;
	}
	if (sp == NULL || (n = (size_t)(sp - v)) >= sizeof(hostport)) {
		conf_error(ctx, "%s '%s': want HOST[:PORT] PUBLIC-KEY", k->name, conf_vis(vb, v));
		return -1;
	}
	memcpy(hostport, v, n);
	hostport[n] = '\0';
	sp += strspn(sp, " \t");
	if (conf_parse_gateway(ctx, k, hostport, &gw) != 0 || conf_parse_key(ctx, k->name, sp, gw.public_key) != 0)
		return -1;
	cli->standby[cli->n_standby++] = gw;
	return 0;
}

/* ------------------------------------------------------------------ client */

static int
conf_client_parse_lookup(const char *name, const uint8_t *buf, size_t len, bool lookup,
    struct conf_client *out, char *err, size_t errlen)
{
	struct conf_ctx ctx;

	conf_ctx_init(&ctx, name, buf, len, CONF_FILE_CLIENT);
	ctx.lookup = lookup;
	memset(out, 0, sizeof(*out));
	out->control_gid = (gid_t)-1;
	snprintf(out->path, sizeof(out->path), "%s", ctx.name);
	out->server_port = CONF_DEFAULT_PORT;
	snprintf(out->tap, sizeof(out->tap), "%s", CONF_DEFAULT_CLIENT_TAP);
	snprintf(out->bridge, sizeof(out->bridge), "%s", CONF_DEFAULT_BRIDGE);
	out->keepalive = CONF_DEFAULT_KEEPALIVE;
	out->dead_after = CONF_DEFAULT_DEAD_AFTER;
	out->failback_after = CONF_DEFAULT_FAILBACK;
	out->mtu = CONF_DEFAULT_MTU;
	snprintf(out->control_socket, sizeof(out->control_socket), "%s", CONF_DEFAULT_CLIENT_SOCK);
	snprintf(out->user, sizeof(out->user), "%s", CONF_DEFAULT_USER);
	ctx.cli = out;

	conf_run(&ctx);
	if (ctx.eof && ctx.client_line == 0)
		conf_error_at(&ctx, 0, "[client] needs %s", conf_client_keys[0].name);
	if (ctx.eof && strcmp(out->tap, out->bridge) == 0) {
		int tl = ctx.seen[CONF_CLIENT_TAP], bl = ctx.seen[CONF_CLIENT_BRIDGE];

		/* the tap is enslaved to the bridge: they cannot be one device */
		conf_error_at(&ctx, tl > bl ? tl : bl, "tap and bridge are both '%s'", out->tap);
	}

	for (size_t i = 0; ctx.eof && i < out->n_standby; i++) {
		bool dup = memcmp(out->standby[i].public_key, out->server_public_key, KEY_LEN) == 0;

		for (size_t j = 0; j < i; j++)
			dup |= memcmp(out->standby[i].public_key, out->standby[j].public_key, KEY_LEN) == 0;
		/* one key, one gateway: sessions and failover go by key */
		if (dup)
			conf_error_at(&ctx, ctx.seen[CONF_CLIENT_STANDBY], "standby-server %s: its public key is"
			    " another gateway's already", out->standby[i].host);
	}
	conf_ctx_done(&ctx, err, errlen);
	if (ctx.failed) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int
conf_client_parse(const char *name, const uint8_t *buf, size_t len,
    struct conf_client *out, char *err, size_t errlen)
{
	return conf_client_parse_lookup(name, buf, len, false, out, err, errlen);
}

int
conf_client_load(const char *path, struct conf_client *out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return -1;
	ret = conf_client_parse_lookup(path, buf, len, true, out, err, errlen);
	free(buf);
	return ret;
}
