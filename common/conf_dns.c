/* SPDX-License-Identifier: ISC */
/* conf_dns: the keys of DNS names (docs/DNS.md): dns-zone,
 * dns-update-server and the other dns-* keys of [server], host and
 * host-duid of [peer], and their checks across the file. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_internal.h"
#include "util.h"

bool
conf_dns_publishes(const struct conf_server *c)
{
	return c->dns_update || c->dns_hosts_dir[0] != '\0' || c->dns_hook[0] != '\0';
}

/* A host name label (RFC 1123 2.1), as names_label_ok. */
static bool
conf_dns_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return false;
	return true;
}

/* dns-zone = a.b.c: labels of letters, digits and hyphens (and '_', which
 * zones may hold), a trailing dot dropped, at most 253 characters in all. */
int
conf_set_dns_zone(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;
	char vb[CONF_VIS_LEN];
	size_t n = strlen(v);

	if (n > 0 && v[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		goto bad;
	for (size_t i = 0, l = 0; i <= n; i++) {
		if (i == n || v[i] == '.') {
			if (l == 0 || l > 63)
				goto bad;
			l = 0;
			continue;
		}
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
		    v[i] == '-' || v[i] == '_'))
			goto bad;
		l++;
	}
	/* DNS compares names without case; names are written lower-case */
	for (size_t i = 0; i < n; i++)
		srv->dns_zone[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	srv->dns_zone[n] = '\0';
	return 0;
bad:
	conf_error(ctx, "%s '%s': not a domain name (labels of letters, digits and hyphens, 253 characters at most)",
	    k->name, conf_vis(vb, v));
	return -1;
}

int
conf_set_dns_update(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_server *srv = base;

	if (conf_parse_sockaddr(ctx, k->name, v, &srv->dns_update_server, 53) == -1)
		return -1;
	srv->dns_update = true;
	return 0;
}

/* "NAME REST": the name checked and lower-cased into h, REST returned. */
static const char *
conf_host_name(struct conf_ctx *ctx, const char *key, const char *v, struct conf_host *h)
{
	char vb[CONF_VIS_LEN];
	size_t n = strcspn(v, " \t");
	const char *rest = v + n;

	if (!conf_dns_label(v, n)) {
		conf_error(ctx, "%s '%s': '%.*s' is not a host name (1 to 63 letters, digits and hyphens, "
		    "no hyphen at either end)", key, conf_vis(vb, v), (int)(n < 64 ? n : 64), v);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		h->name[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	h->name[n] = '\0';
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return rest;
}

static struct conf_host *
conf_host_new(struct conf_ctx *ctx, const struct conf_peer *peer)
{
	struct conf_server *srv = ctx->srv;
	struct conf_host *nv, *h;

	if ((nv = conf_grow(ctx, srv->hosts, srv->n_hosts, sizeof(*nv), CONF_HOSTS_MAX, "hosts")) == NULL)
		return NULL;
	srv->hosts = nv;
	h = &srv->hosts[srv->n_hosts];
	memset(h, 0, sizeof(*h));
	memcpy(h->peer, peer->name, sizeof(h->peer));
	h->line = ctx->line;
	return h;
}

/* host = NAME IPV6 */
int
conf_set_host(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_host *h = conf_host_new(ctx, base);
	char vb[CONF_VIS_LEN];
	const char *rest;

	if (h == NULL || (rest = conf_host_name(ctx, k->name, v, h)) == NULL)
		return -1;
	if (inet_pton(AF_INET6, rest, &h->addr) != 1 || IN6_IS_ADDR_LINKLOCAL(&h->addr) ||
	    IN6_IS_ADDR_MULTICAST(&h->addr) || IN6_IS_ADDR_UNSPECIFIED(&h->addr)) {
		conf_error(ctx, "%s '%s': not NAME IPV6 (a global address of the site)", k->name, conf_vis(vb, v));
		return -1;
	}
	ctx->srv->n_hosts++;
	return 0;
}

/* host-duid = NAME DUID-HEX (as `v6ext leases` prints DUIDs) */
int
conf_set_host_duid(struct conf_ctx *ctx, const struct conf_key *k, void *base, const char *v)
{
	struct conf_host *h = conf_host_new(ctx, base);
	char vb[CONF_VIS_LEN];
	const char *rest;

	if (h == NULL || (rest = conf_host_name(ctx, k->name, v, h)) == NULL)
		return -1;
	if (util_hex_decode(h->duid, sizeof(h->duid), &h->duid_len, rest) != 0 || h->duid_len < 3) {
		conf_error(ctx, "%s '%s': not NAME DUID (the DUID in hex, 3 to %d bytes)", k->name, conf_vis(vb, v),
		    CONF_DUID_MAX);
		return -1;
	}
	h->by_duid = true;
	ctx->srv->n_hosts++;
	return 0;
}

/* Across the file: the keys that go together, names a site's DNS can
 * hold, each name and address once in its site. */
void
conf_check_dns(struct conf_ctx *ctx)
{
	const struct conf_server *srv = ctx->srv;
	char what[128];

	if (srv->dns_update && srv->dns_zone[0] == '\0')
		conf_error_at(ctx, ctx->server_line, "dns-update-server needs dns-zone: the zone the updates go to");
	if (srv->dns_update && srv->dns_tsig_key_file[0] == '\0')
		conf_error_at(ctx, ctx->server_line, "dns-update-server needs dns-tsig-key-file: updates are signed");
	if (!srv->dns_update && srv->dns_tsig_key_file[0] != '\0')
		conf_error_at(ctx, ctx->server_line, "dns-tsig-key-file without dns-update-server: nothing would use it");
	if (conf_dns_publishes(srv)) {
		/* names are <host>.<site>.<zone>: a site's name is a label */
		for (size_t i = 0; i < srv->n_peers; i++)
			if (!conf_dns_label(srv->peers[i].name, strlen(srv->peers[i].name)))
				conf_error_at(ctx, srv->peers[i].line, "peer %s: with names published (dns-*), a peer's "
				    "name is a DNS label: letters, digits and hyphens", srv->peers[i].name);
	}
	for (size_t i = 0; i < srv->n_hosts; i++) {
		const struct conf_host *h = &srv->hosts[i];
		size_t full = strlen(h->name) + 1 + strlen(h->peer) + (srv->dns_zone[0] ? 1 + strlen(srv->dns_zone) : 0);

		if (full > 253)
			conf_error_at(ctx, h->line, "%s %s: %s.%s.%s is over 253 characters", h->by_duid ? "host-duid" :
			    "host", h->name, h->name, h->peer, srv->dns_zone);
		if (!h->by_duid) {
			snprintf(what, sizeof(what), "host %s", h->name);
			conf_check_host(ctx, what, h->peer, &h->addr, h->line);
		}
		for (size_t j = 0; j < i; j++) {
			const struct conf_host *o = &srv->hosts[j];

			if (strcmp(o->peer, h->peer) != 0)
				continue;
			if (strcmp(o->name, h->name) == 0 && (o->by_duid != h->by_duid || h->by_duid))
				conf_error_at(ctx, h->line, "%s %s: peer %s names another host so already (line %d)",
				    h->by_duid ? "host-duid" : "host", h->name, h->peer, o->line);
			else if (h->by_duid && o->by_duid && o->duid_len == h->duid_len &&
			    memcmp(o->duid, h->duid, h->duid_len) == 0)
				conf_error_at(ctx, h->line, "host-duid %s: that DUID is named already (line %d)", h->name,
				    o->line);
			else if (!h->by_duid && !o->by_duid && memcmp(&o->addr, &h->addr, 16) == 0)
				conf_error_at(ctx, h->line, "host %s: that address is named already (line %d)", h->name,
				    o->line);
		}
	}
}

const char *
conf_dns_reload_fixed(const struct conf_server *a, const struct conf_server *b)
{
	if (strcmp(a->dns_zone, b->dns_zone) != 0)
		return "dns-zone";
	if (a->dns_update != b->dns_update ||
	    memcmp(&a->dns_update_server, &b->dns_update_server, sizeof(a->dns_update_server)) != 0)
		return "dns-update-server";
	if (strcmp(a->dns_tsig_key_file, b->dns_tsig_key_file) != 0)
		return "dns-tsig-key-file";
	if (strcmp(a->dns_hosts_dir, b->dns_hosts_dir) != 0)
		return "dns-hosts-dir";
	if (strcmp(a->dns_hook, b->dns_hook) != 0)
		return "dns-hook";
	return NULL;
}
