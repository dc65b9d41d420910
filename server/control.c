/* SPDX-License-Identifier: ISC */
/* control: the control socket's commands in the engine; see control.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "control.h"
#include "ctl.h"
#include "ctl_proto.h"
#include "engine_data.h"
#include "keys.h"
#include "namesync.h"
#include "ndproxy.h"
#include "peers.h"
#include "site.h"
#include "util.h"
#include "xlat.h"

/* reload, peer add NAME KEY SUB, peer remove NAME, forward add SITE PROTO
 * PORT [IPV6]:PORT, forward remove SITE PROTO PORT: each reply ends with
 * error=WHY on failure. */
static int
control_change(struct engine *e, const char *req, struct evbuffer *out)
{
	char buf[CTL_REQUEST_MAX], err[CONF_ERR_LEN] = "", *w[6], *save = NULL;
	char key[KEY_B64_LEN + 1], pb[PREFIX_STRLEN];
	struct site *s;
	size_t n = 0;
	int rc;

	snprintf(buf, sizeof(buf), "%s", req);
	for (char *t = strtok_r(buf, " ", &save); t != NULL && n < 6; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n == 1 && strcmp(w[0], "reload") == 0) {
		rc = peers_reload(e, err, sizeof(err)) == 0 ? 0 : EINVAL;
		if (rc == 0)
			evbuffer_add_printf(out, "result=reloaded %s: %zu peers\n", e->conf_path, e->conf.n_peers);
	} else if (n == 6 && strcmp(w[0], "forward") == 0 && strcmp(w[1], "add") == 0) {
		char text[CTL_REQUEST_MAX];

		snprintf(text, sizeof(text), "%s %s %s", w[3], w[4], w[5]);
		rc = xlat_forward_add(e, w[2], text, out, err, sizeof(err)) == 0 ? 0 : EINVAL;
	} else if (n == 5 && strcmp(w[0], "forward") == 0 && strcmp(w[1], "remove") == 0) {
		rc = xlat_forward_remove(e, w[2], w[3], w[4], out, err, sizeof(err)) == 0 ? 0 : EINVAL;
	} else if (n == 5 && strcmp(w[0], "peer") == 0 && strcmp(w[1], "add") == 0) {
		if ((rc = peers_add(e, w[2], w[3], w[4], &s, err, sizeof(err))) == 0) {
			key_to_base64(key, e->resp->pub);
			prefix_format(&s->link.sub, pb, sizeof(pb));
			evbuffer_add_printf(out, "peer=%s\nsub_prefix=%s\ntap=%s\nserver_public_key=%s\n"
			    "listen_port=%u\n", s->conf.name, pb, s->conf.tap, key, e->conf.listen_port);
		}
	} else if (n == 3 && strcmp(w[0], "peer") == 0 && strcmp(w[1], "remove") == 0) {
		if ((rc = peers_remove(e, w[2], err, sizeof(err))) == 0)
			evbuffer_add_printf(out, "result=peer %s removed\n", w[2]);
	} else {
		snprintf(err, sizeof(err), "usage: reload | peer add NAME PUBKEY SUB-PREFIX | peer remove NAME |"
		    " forward add SITE PROTO PORT [IPV6]:PORT | forward remove SITE PROTO PORT");
		rc = EINVAL;
	}
	if (rc != 0) {
		/* one line: a config error names FILE:LINE, never a newline */
		for (char *p = err; *p; p++)
			if (*p == '\n' || (unsigned char)*p < 0x20)
				*p = ' ';
		evbuffer_add_printf(out, "error=%s: %s\n", n ? w[0] : "request", err[0] ? err : strerror(rc));
	}
	return rc;
}

/* "leases": one block per binding, sorted by nothing in particular; a
 * named host's lease carries its full name, a delegated prefix its router. */
static int
control_leases(struct engine *e, struct evbuffer *out)
{
	char a[INET6_ADDRSTRLEN], hex[2 * DHCP6_DUID_MAX + 1], name[256];

	for (size_t i = 0; i < e->leases.n; i++) {
		const struct lease *l = &e->leases.v[i];
		struct names_site ns;

		inet_ntop(AF_INET6, &l->addr, a, sizeof(a));
		util_hex_encode(hex, l->duid, l->duid_len);
		if (l->plen != 0) {
			char via[INET6_ADDRSTRLEN];

			/* a delegated prefix: routed to a router, named nothing */
			inet_ntop(AF_INET6, &l->via, via, sizeof(via));
			evbuffer_add_printf(out, "lease=%s/%u\nsite=%s\nstate=delegated\nvia=%s\nduid=%s\n"
			    "iaid=%u\nexpires=%llu\n", a, l->plen, l->site, via, hex, (unsigned)l->iaid,
			    (unsigned long long)l->expires);
			continue;
		}
		namesync_names_site(e, l->site, &ns);
		if (l->name[0] == '\0' || names_fqdn(&ns, l->name, name, sizeof(name)) != 0)
			name[0] = '\0';
		evbuffer_add_printf(out, "lease=%s\nname=%s\nsite=%s\nstate=%s\nduid=%s\niaid=%u\nexpires=%llu\n",
		    a, name, l->site, l->duid_len ? "bound" : "declined", hex, (unsigned)l->iaid,
		    (unsigned long long)l->expires);
	}
	return 0;
}

static void
control_show_site(struct engine *e, const struct site *s, struct evbuffer *out, uint64_t now)
{
	char key[KEY_B64_LEN + 1], ep[TRANSPORT_ADDRSTRLEN], pb[PREFIX_STRLEN];

	key_to_base64(key, s->tp.remote_pub);
	endpoint_format(&s->tp.ep, ep, sizeof(ep));
	prefix_format(&s->link.sub, pb, sizeof(pb));
	evbuffer_add_printf(out, "peer=%s\npublic_key=%s\nsub_prefix=%s\ntap=%s\nendpoint=%s\n"
	    "latest_handshake=%llu\nhosts=%zu\nleases=%zu\n"
	    "session=%s\nrx_bytes=%llu\nrx_packets=%llu\ntx_bytes=%llu\ntx_packets=%llu\n",
	    s->conf.name, key, pb, s->conf.tap, s->tp.ep.len ? ep : "",
	    (unsigned long long)s->tp.handshake_wall, hosts_count(&s->hosts),
	    lease_count(&e->leases, s->conf.name),
	    site_live(s, now) ? "up" : "down",
	    (unsigned long long)s->tp.st.rx_bytes, (unsigned long long)s->tp.st.rx_packets,
	    (unsigned long long)s->tp.st.tx_bytes, (unsigned long long)s->tp.st.tx_packets);
	evbuffer_add_printf(out, "cipher=%s\n", tunnel_peer_cipher(&s->tp, now));
	ctl_add_drops(out, &s->tp.st);
	for (int d = 1; d < DHCP6_DROP_MAX; d++)
		evbuffer_add_printf(out, "drop_%s=%llu\n", dhcp6_drop_name((enum dhcp6_drop)d),
		    (unsigned long long)s->dhcp6_drops[d]);
	evbuffer_add_printf(out, "names=%zu\n", namesync_count(e->names, s->conf.name));
	for (int v = NAMES_OK + 1; v < NAMES_VERDICT_MAX; v++)
		evbuffer_add_printf(out, "names_refused_%s=%llu\n", names_verdict_name((enum names_verdict)v),
		    (unsigned long long)s->names_refused[v]);
}

static int
control_show(struct engine *e, struct evbuffer *out)
{
	char key[KEY_B64_LEN + 1], pb[PREFIX_STRLEN];
	uint64_t now = util_now_ms();

	key_to_base64(key, e->resp->pub);
	prefix_format(&e->prefix, pb, sizeof(pb));
	evbuffer_add_printf(out, "role=server\npublic_key=%s\nlisten_port=%u\nprefix=%s\nupstream=%s\n"
	    "ndp_proxy=%s\n", key, e->conf.listen_port, pb, e->conf.upstream,
	    e->conf.ndp_proxy == CONF_NDP_AUTO ? "auto" : e->conf.ndp_proxy == CONF_NDP_STATIC ? "static" : "off");
	if (e->proxy != NULL) {
		const struct ndproxy_stats *ps = ndproxy_stats(e->proxy);

		evbuffer_add_printf(out, "ndp_solicitations=%llu\nndp_answered=%llu\nndp_asked=%llu\n"
		    "ndp_invalid=%llu\nndp_limited=%llu\n", (unsigned long long)ps->solicitations,
		    (unsigned long long)ps->answered, (unsigned long long)ps->asked,
		    (unsigned long long)ps->invalid, (unsigned long long)ps->limited);
	}
	evbuffer_add_printf(out, "cookie_replies=%llu\n", (unsigned long long)e->cookies_sent);
	ctl_add_offload(out, e->dp.offload, &e->dp.rx, &e->dp.tx6, &e->dp.tx4, &e->dp.tap_out);
	/* the translator's drop_nat64_* end its lines: every drop_ of the
	 * server's block in one run, one "drops" object in JSON */
	xlat_show(e->xlat, out);
	ctl_add_drops(out, &e->st);
	for (const struct site *s = sitetab_first(&e->sites); s != NULL; s = sitetab_next(&e->sites, s))
		control_show_site(e, s, out, now);
	xlat_show_entries(e->xlat, out);
	return 0;
}

static int
control_handle(void *ctx, const char *req, struct evbuffer *out)
{
	struct engine *e = ctx;

	if (strcmp(req, "show") == 0)
		return control_show(e, out);
	if (strcmp(req, "leases") == 0)
		return control_leases(e, out);
	if (strcmp(req, "reload") == 0 || strncmp(req, "peer ", 5) == 0 || strncmp(req, "forward ", 8) == 0)
		return control_change(e, req, out);
	return EINVAL;
}

struct ctl *
control_open(struct engine *e, int fd, char *err, size_t errlen)
{
	struct ctl_access acc;

	/* root may change; control-group members may read */
	ctl_access_init(&acc, e->conf.control_group, e->conf.control_gid);
	return ctl_listen_fd(e->base, fd, control_handle, e, &acc, err, errlen);
}
