/* SPDX-License-Identifier: ISC */
/* names: host names, the Client FQDN option's answer, and the records that
 * must exist; see names.h. */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dhcp6.h"
#include "lease.h"
#include "names.h"
#include "statefile.h"
#include "util.h"

#define NAMES_MAGIC "v6ext-names"

const char *
names_verdict_name(enum names_verdict v)
{
	static const char *const names[NAMES_VERDICT_MAX] = {
		[NAMES_NONE] = "none", [NAMES_OK] = "ok", [NAMES_BAD] = "bad",
		[NAMES_LONG] = "long", [NAMES_TAKEN] = "taken",
	};

	return (unsigned)v < NAMES_VERDICT_MAX ? names[v] : "?";
}

static bool
names_ldh(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool
names_label_ok_n(const uint8_t *s, size_t n)
{
	if (n == 0 || n > NAMES_HOST_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!names_ldh(s[i]))
			return false;
	return true;
}

bool
names_label_ok(const char *s)
{
	return names_label_ok_n((const uint8_t *)s, strlen(s));
}

enum names_verdict
names_fqdn_host(const uint8_t *name, size_t len, char host[NAMES_HOST_MAX + 1])
{
	size_t off = 0, first = 0;

	host[0] = '\0';
	if (len == 0)
		return NAMES_NONE;
	if (len > DHCP6_FQDN_MAX)
		return NAMES_LONG;
	/* RFC 1035 3.1: length-prefixed labels; RFC 4704 4.1: no compression,
	 * and a name without the root label is a partial one */
	while (off < len) {
		uint8_t l = name[off];

		if (l == 0) {
			if (off + 1 != len)
				return NAMES_BAD;       /* bytes after the root label */
			break;
		}
		if (l > 63 || l > len - off - 1)
			return NAMES_BAD;               /* a pointer, an extended type, or past the end */
		if (first == 0)
			first = l;
		off += 1 + l;
	}
	if (first == 0)
		return NAMES_NONE;                      /* the root alone */
	if (!names_label_ok_n(name + 1, first))
		return NAMES_BAD;
	for (size_t i = 0; i < first; i++)
		host[i] = (char)(name[1 + i] >= 'A' && name[1 + i] <= 'Z' ? name[1 + i] + 32 : name[1 + i]);
	host[first] = '\0';
	return NAMES_OK;
}

static int
names_fqdn_in(const struct names_site *ns, const char *site, const char *host, char *out, size_t cap)
{
	int n;

	if (ns->zone != NULL && ns->zone[0] != '\0')
		n = snprintf(out, cap, "%s.%s.%s", host, site, ns->zone);
	else
		n = snprintf(out, cap, "%s.%s", host, site);
	return n < 0 || (size_t)n >= cap || n > 253 ? -1 : 0;
}

int
names_fqdn(const struct names_site *ns, const char *host, char *out, size_t cap)
{
	return names_fqdn_in(ns, ns->site, host, out, cap);
}

/* The configuration's name of a DUID in site, or NULL. */
static const char *
names_conf_duid(const struct names_site *ns, const char *site, const uint8_t *duid, size_t duid_len)
{
	const struct conf_server *c = ns->conf;

	for (size_t i = 0; c != NULL && i < c->n_hosts; i++) {
		const struct conf_host *h = &c->hosts[i];

		if (h->by_duid && h->duid_len == duid_len && memcmp(h->duid, duid, duid_len) == 0 &&
		    strcmp(h->peer, site) == 0)
			return h->name;
	}
	return NULL;
}

/* Does a host other than the client with duid hold name in site? */
static bool
names_taken(const struct names_site *ns, const char *site, const struct leases *l, const char *name,
    const uint8_t *duid, size_t duid_len)
{
	const struct conf_server *c = ns->conf;

	for (size_t i = 0; c != NULL && i < c->n_hosts; i++) {
		const struct conf_host *h = &c->hosts[i];

		if (strcmp(h->peer, site) != 0 || strcmp(h->name, name) != 0)
			continue;
		if (!h->by_duid || h->duid_len != duid_len || memcmp(h->duid, duid, duid_len) != 0)
			return true;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct lease *e = &l->v[i];

		if (e->duid_len != 0 && strcmp(e->name, name) == 0 && strcmp(e->site, site) == 0 &&
		    (e->duid_len != duid_len || memcmp(e->duid, duid, duid_len) != 0))
			return true;
	}
	return false;
}

enum names_verdict
names_choose(const struct names_site *ns, const struct leases *l, const struct dhcp6_msg *req,
    char host[NAMES_HOST_MAX + 1])
{
	const char *fixed = names_conf_duid(ns, ns->site, req->client_id, req->client_id_len);
	char full[256];
	enum names_verdict v;

	host[0] = '\0';
	if (fixed != NULL) {
		snprintf(host, NAMES_HOST_MAX + 1, "%s", fixed);
		return NAMES_OK;
	}
	if (!req->has_fqdn || (req->fqdn_flags & DHCP6_FQDN_N))
		return NAMES_NONE;
	if (req->fqdn_too_long)
		return NAMES_LONG;
	if ((v = names_fqdn_host(req->fqdn, req->fqdn_len, host)) != NAMES_OK)
		return v;
	if (names_fqdn(ns, host, full, sizeof(full)) != 0)
		v = NAMES_LONG;
	else if (names_taken(ns, ns->site, l, host, req->client_id, req->client_id_len))
		v = NAMES_TAKEN;
	if (v != NAMES_OK)
		host[0] = '\0';
	return v;
}

/* text "a.b.c" into wire form; a partial name (no root label) when the
 * name is not fully qualified. */
static size_t
names_wire(const char *text, bool qualified, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*text != '\0') {
		size_t l = strcspn(text, ".");

		if (l == 0 || l > 63 || n + 1 + l + 1 > cap)
			return 0;
		out[n++] = (uint8_t)l;
		memcpy(out + n, text, l);
		n += l;
		text += l;
		if (*text == '.')
			text++;
	}
	if (qualified)
		out[n++] = 0;
	return n;
}

void
names_reply(const struct names_site *ns, const struct dhcp6_msg *req, enum names_verdict v, const char *host,
    struct dhcp6_msg *reply)
{
	char full[256];
	bool asked_s = req->fqdn_flags & DHCP6_FQDN_S, ours = v == NAMES_OK && ns->publish;

	if (!req->has_fqdn)
		return;
	reply->has_fqdn = true;
	reply->fqdn_len = 0;
	/* RFC 4704 4.1: N means the server updates nothing, and then S is
	 * clear; O says the server's S differs from the client's */
	if (ours)
		reply->fqdn_flags = DHCP6_FQDN_S | (asked_s ? 0 : DHCP6_FQDN_O);
	else
		reply->fqdn_flags = DHCP6_FQDN_N | (asked_s ? DHCP6_FQDN_O : 0);
	/* RFC 4704 6: the name the server uses for the client */
	if (v == NAMES_OK && names_fqdn(ns, host, full, sizeof(full)) == 0)
		reply->fqdn_len = names_wire(full, ns->zone != NULL && ns->zone[0] != '\0', reply->fqdn,
		    sizeof(reply->fqdn));
}

/* ---------------------------------------------------------------- records */

void
names_set_free(struct names_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int
names_rec_cmp(const struct names_rec *a, const struct names_rec *b)
{
	int c;

	if ((c = strcmp(a->site, b->site)) != 0 || (c = strcmp(a->host, b->host)) != 0)
		return c;
	if (a->family != b->family)
		return a->family == AF_INET6 ? -1 : 1;  /* AAAA first */
	return memcmp(a->addr, b->addr, 16);
}

/* The first index whose record is not below r. */
static size_t
names_lower(const struct names_set *s, const struct names_rec *r)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (names_rec_cmp(&s->v[mid], r) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct names_rec *
names_set_find(const struct names_set *s, const struct names_rec *r)
{
	size_t i = names_lower(s, r);

	return i < s->n && names_rec_cmp(&s->v[i], r) == 0 ? &s->v[i] : NULL;
}

int
names_set_add(struct names_set *s, const struct names_rec *r)
{
	size_t i = names_lower(s, r);

	if (i < s->n && names_rec_cmp(&s->v[i], r) == 0)
		return 0;
	if (s->n >= NAMES_MAX)
		return -1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct names_rec *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*r));
	s->v[i] = *r;
	s->n++;
	return 0;
}

static void
names_set_del(struct names_set *s, size_t i)
{
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(s->v[0]));
	s->n--;
}

/* host's AAAA for a, and an A for each IPv4 address v4 maps a to. */
static int
names_host_records(const char *site, const char *host, const struct in6_addr *a, names_v4_fn v4, void *ctx,
    struct names_set *out)
{
	struct names_rec r = { .family = AF_INET6 };
	struct in_addr four[2];
	size_t n = v4 != NULL ? v4(ctx, site, a, four) : 0;

	snprintf(r.site, sizeof(r.site), "%s", site);
	snprintf(r.host, sizeof(r.host), "%s", host);
	memcpy(r.addr, a, 16);
	if (names_set_add(out, &r) != 0)
		return -1;
	r.family = AF_INET;
	for (size_t i = 0; i < n && i < 2; i++) {
		memset(r.addr, 0, sizeof(r.addr));
		memcpy(r.addr, &four[i], 4);
		if (names_set_add(out, &r) != 0)
			return -1;
	}
	return 0;
}

int
names_site_records(const struct names_site *ns, const struct leases *l, names_v4_fn v4, void *ctx,
    struct names_set *out)
{
	const struct conf_server *c = ns->conf;
	static const struct leases none;
	char full[256];

	for (size_t i = 0; c != NULL && i < c->n_hosts; i++) {
		const struct conf_host *h = &c->hosts[i];

		if (h->by_duid || (ns->site != NULL && strcmp(h->peer, ns->site) != 0) ||
		    names_fqdn_in(ns, h->peer, h->name, full, sizeof(full)) != 0)
			continue;
		if (names_host_records(h->peer, h->name, &h->addr, v4, ctx, out) != 0)
			return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct lease *e = &l->v[i];
		const char *fixed;

		if (e->duid_len == 0 || e->name[0] == '\0' || (ns->site != NULL && strcmp(e->site, ns->site) != 0))
			continue;
		/* the configuration may have changed since the lease was
		 * named: its names win (names_choose's rules, applied again) */
		fixed = names_conf_duid(ns, e->site, e->duid, e->duid_len);
		if ((fixed != NULL && strcmp(fixed, e->name) != 0) ||
		    (fixed == NULL && names_taken(ns, e->site, &none, e->name, e->duid, e->duid_len)) ||
		    names_fqdn_in(ns, e->site, e->name, full, sizeof(full)) != 0)
			continue;
		if (names_host_records(e->site, e->name, &e->addr, v4, ctx, out) != 0)
			return -1;
	}
	return 0;
}

struct names_set
names_slice(const struct names_set *s, const char *site)
{
	struct names_rec key = { 0 };
	size_t lo, hi;

	snprintf(key.site, sizeof(key.site), "%s", site);
	lo = names_lower(s, &key);
	for (hi = lo; hi < s->n && strcmp(s->v[hi].site, site) == 0; hi++)
		;
	return (struct names_set){ .v = s->v + lo, .n = hi - lo, .cap = 0 };
}

bool
names_sync_site(struct names_set *pub, const char *site, const struct names_set *want, bool start,
    names_op_fn op, void *ctx)
{
	struct names_rec key = { 0 };
	bool changed = false;
	size_t i;

	/* published records of site not wanted: deleted */
	snprintf(key.site, sizeof(key.site), "%s", site);
	for (i = names_lower(pub, &key); i < pub->n && strcmp(pub->v[i].site, site) == 0; i++) {
		struct names_rec *r = &pub->v[i];

		if (names_set_find(want, r) != NULL)
			continue;
		if (!r->deleting || start) {
			changed |= !r->deleting;
			r->deleting = true;
			op(ctx, NAMES_DEL, r);
		}
	}
	for (i = 0; i < want->n; i++) {
		struct names_rec *r = names_set_find(pub, &want->v[i]);

		if (r != NULL && !r->deleting) {
			if (start)
				op(ctx, NAMES_OLD, r);
			continue;
		}
		if (r != NULL) {
			r->deleting = false;
		} else {
			struct names_rec add = want->v[i];

			add.deleting = false;
			if (names_set_add(pub, &add) != 0)
				continue;       /* full: not published, and so not recorded */
		}
		changed = true;
		op(ctx, NAMES_ADD, &want->v[i]);
	}
	return changed;
}

bool
names_sync_gone(struct names_set *pub, bool (*is_site)(void *ctx, const char *site), names_op_fn op, void *ctx)
{
	bool changed = false;

	for (size_t i = 0; i < pub->n; i++) {
		struct names_rec *r = &pub->v[i];

		if (is_site(ctx, r->site))
			continue;
		changed |= !r->deleting;
		r->deleting = true;
		op(ctx, NAMES_DEL, r);
	}
	return changed;
}

bool
names_deleted(struct names_set *pub, const struct names_rec *r)
{
	size_t i = names_lower(pub, r);

	if (i >= pub->n || names_rec_cmp(&pub->v[i], r) != 0 || !pub->v[i].deleting)
		return false;
	names_set_del(pub, i);
	return true;
}

void
names_rec_format(const struct names_rec *r, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->family, r->addr, a, sizeof(a));
	snprintf(out, cap, "%s %s %s", r->host, r->family == AF_INET6 ? "AAAA" : "A", a);
}

/* ------------------------------------------------------------- state file */

/* "name SITE HOST AAAA|A ADDRESS [deleting]" or "end N". */
static int
names_record(char *line, struct names_set *s, bool *end)
{
	char *w[7], *save = NULL;
	size_t n = 0, count;
	struct names_rec r = { 0 };

	for (char *t = strtok_r(line, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
		if (n == 7)
			return -1;
		w[n++] = t;
	}
	if (n == 2 && strcmp(w[0], "end") == 0) {
		if (util_count(w[1], strlen(w[1]), &count) != 0 || count != s->n)
			return -1;
		*end = true;
		return 0;
	}
	if ((n != 5 && n != 6) || strcmp(w[0], "name") != 0 || !conf_peer_name_valid(w[1]) || !names_label_ok(w[2]) ||
	    strlen(w[1]) >= sizeof(r.site) || (n == 6 && strcmp(w[5], "deleting") != 0))
		return -1;
	if (strcmp(w[3], "AAAA") == 0)
		r.family = AF_INET6;
	else if (strcmp(w[3], "A") == 0)
		r.family = AF_INET;
	else
		return -1;
	if (inet_pton(r.family, w[4], r.addr) != 1)
		return -1;
	strcpy(r.site, w[1]);
	strcpy(r.host, w[2]);
	r.deleting = n == 6;
	if (names_set_find(s, &r) != NULL)
		return -1;
	return names_set_add(s, &r);
}

static int
names_record_obj(void *ctx, char *line, bool *end)
{
	return names_record(line, ctx, end);
}

int
names_parse(const uint8_t *buf, size_t len, struct names_set *s, char *err, size_t errlen)
{
	s->n = 0;
	return statefile_parse_lines(buf, len, NAMES_MAGIC " 1", "names", names_record_obj, s, err, errlen);
}

int
names_build(const struct names_set *s, char **out, size_t *len)
{
	size_t cap = 256 + s->n * 128;
	char *buf = malloc(cap), *p = buf, a[INET6_ADDRSTRLEN];

	if (buf == NULL)
		return -1;
	p += sprintf(p, "# DNS records published for site hosts, kept by v6extd; do not edit while it runs\n%s 1\n",
	    NAMES_MAGIC);
	for (size_t i = 0; i < s->n; i++) {
		const struct names_rec *r = &s->v[i];

		inet_ntop(r->family, r->addr, a, sizeof(a));
		p += sprintf(p, "name %s %s %s %s%s\n", r->site, r->host, r->family == AF_INET6 ? "AAAA" : "A", a,
		    r->deleting ? " deleting" : "");
	}
	p += sprintf(p, "end %zu\n", s->n);
	*out = buf;
	*len = (size_t)(p - buf);
	return 0;
}
