/* SPDX-License-Identifier: ISC */
/* peers: configured peers to running sites; see peers.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "alloc.h"
#include "engine_data.h"
#include "keys.h"
#include "log.h"
#include "namesync.h"
#include "peers.h"
#include "priv.h"
#include "site.h"
#include "xlat.h"

#define USED_MAX       PRIV_ADDRS_MAX

/* Every peer of c its sub-prefix index (out), kept in a. The sub-prefixes
 * upstream uses itself (its own addresses, its neighbours': the gateway's
 * global address, say) are never handed out; the parent tells which. */
static int
peers_assign(struct engine *e, const struct conf_server *c, struct alloc *a, uint64_t *out, bool *changed,
    char *err, size_t errlen)
{
	struct in6_addr used[USED_MAX];
	size_t n_used;

	if (priv_used(&e->priv, used, USED_MAX, &n_used, err, errlen) != 0)
		return -1;
	return alloc_assign(a, c->peers, c->n_peers, &e->prefix, used, n_used, out, changed, err, errlen);
}

/* Peers added at run time (v6ext peer add) live in the state file, not the
 * config: add them to c's peers. A name the config now has is the
 * config's, and no longer a run-time peer. */
static int
peers_merge_runtime(struct conf_server *c, struct alloc *a, char *err, size_t errlen)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct alloc_entry *ae = &a->v[i];
		struct conf_peer *np, *p;

		if (!ae->runtime)
			continue;
		if (conf_server_find_peer(c, ae->name) != NULL) {
			(void)alloc_set_runtime(a, ae->name, NULL);
			continue;
		}
		/* peer add allows names that fit; a longer one was edited in */
		if (strlen(ae->name) > IFNAMSIZ - 1 - 4) {
			snprintf(err, errlen, "state file: run-time peer %s: name too long for a tap", ae->name);
			return -1;
		}
		if ((np = realloc(c->peers, (c->n_peers + 1) * sizeof(*np))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		c->peers = np;
		p = &np[c->n_peers++];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", ae->name);
		memcpy(p->public_key, ae->pub, KEY_LEN);
		snprintf(p->tap, sizeof(p->tap), "v6x-%.11s", ae->name);
		p->sub_kind = CONF_SUB_AUTO;    /* its index is in the state file */
	}
	return 0;
}

/* Make a the running assignment and write it before any site depends on
 * it; on failure the old one stays. */
static int
peers_commit_alloc(struct engine *e, struct alloc *a, char *err, size_t errlen)
{
	struct alloc old = e->alloc;

	e->alloc = *a;
	state_touch(&e->state, PRIV_FILE_SUBPREFIXES);
	if (state_save(&e->state, PRIV_FILE_SUBPREFIXES, err, errlen) != 0) {
		e->alloc = old;
		alloc_free(a);
		return -1;
	}
	alloc_free(&old);
	return 0;
}

static struct site *
peers_open_site(struct engine *e, const struct conf_peer *cp, uint64_t index, char *err, size_t errlen)
{
	uint16_t slot = sitetab_free_slot(&e->sites);
	char sb[PREFIX_STRLEN];
	struct site *s;

	if (slot == 0) {
		snprintf(err, errlen, "no free slot (%d sites at most)", SITETAB_SLOTS_MAX - 1);
		return NULL;
	}
	if ((s = site_open(e, cp, index, slot, err, errlen)) == NULL)
		return NULL;
	prefix_format(&s->link.sub, sb, sizeof(sb));
	log_info("peer %s: tap %s ready, sub-prefix %s (index %llu)", cp->name, cp->tap, sb,
	    (unsigned long long)index);
	return s;
}

int
peers_start(struct engine *e, char *err, size_t errlen)
{
	struct alloc na;
	uint64_t *idx;
	bool changed;

	if (peers_merge_runtime(&e->conf, &e->alloc, err, errlen) != 0)
		return -1;
	if ((idx = calloc(e->conf.n_peers + 1, sizeof(*idx))) == NULL || alloc_copy(&na, &e->alloc) != 0) {
		free(idx);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (peers_assign(e, &e->conf, &na, idx, &changed, err, errlen) != 0 ||
	    peers_commit_alloc(e, &na, err, errlen) != 0) {
		free(idx);
		return -1;
	}
	for (size_t i = 0; i < e->conf.n_peers; i++) {
		char why[CONF_ERR_LEN];

		if (peers_open_site(e, &e->conf.peers[i], idx[i], why, sizeof(why)) == NULL) {
			snprintf(err, errlen, "peer %s: cannot start: %s", e->conf.peers[i].name, why);
			free(idx);
			return -1;
		}
	}
	free(idx);
	return 0;
}

/* The configuration as the parent read it: a sealed copy, so both parse the
 * same bytes. */
static int
peers_read_conf(struct engine *e, struct conf_server *nc, char *err, size_t errlen)
{
	struct stat sb;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, rc = -1;

	if ((fd = priv_conf_read(&e->priv, err, errlen)) < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > CONF_FILE_MAX ||
	    (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: not a file of at most %d bytes", e->conf_path, CONF_FILE_MAX);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)sb.st_size - got, (off_t)got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == (size_t)sb.st_size)
		rc = conf_server_parse(e->conf_path, buf, got, nc, err, errlen);
	else
		snprintf(err, errlen, "%s: short read", e->conf_path);
out:
	free(buf);
	close(fd);
	return rc;
}

/* Whether a running site must be made anew for its new configuration:
 * another key, tap or pre-shared key. */
static bool
peers_changed(const struct conf_peer *a, const struct conf_peer *b)
{
	return sodium_memcmp(a->public_key, b->public_key, KEY_LEN) != 0 || strcmp(a->tap, b->tap) != 0 ||
	    a->has_psk != b->has_psk || strcmp(a->psk_file, b->psk_file) != 0;
}

/* Peers that are new are added, gone ones removed (with a last RA of
 * lifetime 0), changed ones replaced; the rest keep their sessions. dns,
 * dns-search and the DHCPv6 settings apply from the next message on. Peers
 * added at run time stay. */
int
peers_reload(struct engine *e, char *err, size_t errlen)
{
	struct conf_server nc;
	struct alloc na;
	uint64_t *idx = NULL;
	struct site *s, *next;
	bool changed;

	if (peers_read_conf(e, &nc, err, errlen) != 0)
		return -1;
	/* the group was looked up at start (the engine has no NSS): the same */
	nc.control_gid = e->conf.control_gid;
	if (alloc_copy(&na, &e->alloc) != 0) {
		snprintf(err, errlen, "out of memory");
		conf_server_free(&nc);
		return -1;
	}
	if (peers_merge_runtime(&nc, &na, err, errlen) != 0 ||
	    (idx = calloc(nc.n_peers + 1, sizeof(*idx))) == NULL ||
	    peers_assign(e, &nc, &na, idx, &changed, err, errlen) != 0) {
		if (idx == NULL)
			snprintf(err, errlen, "out of memory");
		alloc_free(&na);
		free(idx);
		conf_server_free(&nc);
		return -1;
	}
	if (peers_commit_alloc(e, &na, err, errlen) != 0) {
		free(idx);
		conf_server_free(&nc);
		return -1;
	}
	for (s = sitetab_first(&e->sites); s != NULL; s = next) {
		const struct conf_peer *cp = conf_server_find_peer(&nc, s->conf.name);

		next = sitetab_next(&e->sites, s);
		if (cp == NULL || idx[cp - nc.peers] != s->index)
			site_close(s, true);    /* its sub-prefix is gone */
		else if (peers_changed(cp, &s->conf))
			site_close(s, false);
		else
			s->conf = *cp;
	}
	for (size_t i = 0; i < nc.n_peers; i++) {
		char why[CONF_ERR_LEN];

		if (sitetab_by_name(&e->sites, nc.peers[i].name) == NULL &&
		    peers_open_site(e, &nc.peers[i], idx[i], why, sizeof(why)) == NULL)
			log_warnx("peer %s: cannot start: %s", nc.peers[i].name, why);
	}
	free(idx);
	/* the forwards last: they are checked against the sites as they are now */
	if (xlat_reload(e, &nc, err, errlen) != 0) {
		char why[CONF_ERR_LEN];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "the peers are reloaded, the forwards are not: %s", why);
		conf_server_free(&e->conf);
		e->conf = nc;
		return -1;
	}
	conf_server_free(&e->conf);
	e->conf = nc;
	log_info("reloaded %s: %zu peers", e->conf_path, nc.n_peers);
	return 0;
}

/* SUB of peer add: auto, an index, or a prefix of the configured length
 * inside the /64. 0, or EINVAL with why in err. */
static int
peers_parse_sub(const struct engine *e, const char *sub, struct conf_peer *p, char *err, size_t errlen)
{
	char pb[PREFIX_STRLEN];
	const char *why;
	char *end;
	unsigned long long v;

	p->sub_kind = CONF_SUB_AUTO;
	if (strcmp(sub, "auto") == 0)
		return 0;
	v = strtoull(sub, &end, 10);
	if (*end == '\0' && end != sub && sub[0] != '-') {
		p->sub_kind = CONF_SUB_INDEX;
		p->sub_index = v;
		return 0;
	}
	if (prefix_parse(sub, &p->sub_prefix, &why) == 0 && p->sub_prefix.len == e->conf.sub_prefix_len) {
		p->sub_kind = CONF_SUB_PREFIX;
		return 0;
	}
	prefix_format(&e->prefix, pb, sizeof(pb));
	snprintf(err, errlen, "sub-prefix '%.60s' is not auto, an index or a /%u inside %s",
	    sub, e->conf.sub_prefix_len, pb);
	return EINVAL;
}

int
peers_add(struct engine *e, const char *name, const char *b64, const char *sub, struct site **added,
    char *err, size_t errlen)
{
	struct conf_peer p = { .sub_kind = CONF_SUB_AUTO };
	struct conf_peer *np;
	char pb[PREFIX_STRLEN];
	const char *why;
	struct alloc na;
	uint64_t *idx;
	bool changed;
	int rc;

	if (!conf_peer_name_valid(name) || strlen(name) > IFNAMSIZ - 1 - 4) {
		snprintf(err, errlen, "peer name '%.40s' is not 1..%d characters of A-Z a-z 0-9 _ . -",
		    name, IFNAMSIZ - 1 - 4);
		return EINVAL;
	}
	if (key_from_base64(p.public_key, b64, &why) != 0) {
		snprintf(err, errlen, "public key: %s", why);
		return EINVAL;
	}
	if ((rc = peers_parse_sub(e, sub, &p, err, errlen)) != 0)
		return rc;
	if (p.sub_kind != CONF_SUB_AUTO) {
		/* at run time a taken index is an error: the config's rule (the
		 * configured peer wins) would renumber a live site */
		uint64_t want = p.sub_index;

		if (p.sub_kind == CONF_SUB_PREFIX &&
		    prefix_sub_index(&e->prefix, e->conf.sub_prefix_len, &p.sub_prefix.addr, &want) != 0) {
			prefix_format(&e->prefix, pb, sizeof(pb));
			snprintf(err, errlen, "sub-prefix %.60s is not inside %s", sub, pb);
			return EINVAL;
		}
		for (size_t i = 0; i < e->alloc.n; i++) {
			if (e->alloc.v[i].index == want && strcmp(e->alloc.v[i].name, name) != 0) {
				snprintf(err, errlen, "sub-prefix index %llu belongs to %s",
				    (unsigned long long)want, e->alloc.v[i].name);
				return EEXIST;
			}
		}
	}
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.tap, sizeof(p.tap), "v6x-%.11s", name);
	if (conf_server_find_peer(&e->conf, name) != NULL) {
		snprintf(err, errlen, "peer %s exists", name);
		return EEXIST;
	}
	for (size_t i = 0; i < e->conf.n_peers; i++) {
		if (sodium_memcmp(e->conf.peers[i].public_key, p.public_key, KEY_LEN) == 0) {
			snprintf(err, errlen, "peer %s has that public key", e->conf.peers[i].name);
			return EEXIST;
		}
	}
	if ((np = realloc(e->conf.peers, (e->conf.n_peers + 1) * sizeof(*np))) == NULL)
		return ENOMEM;
	e->conf.peers = np;
	np[e->conf.n_peers++] = p;
	if ((idx = calloc(e->conf.n_peers, sizeof(*idx))) == NULL || alloc_copy(&na, &e->alloc) != 0) {
		free(idx);
		e->conf.n_peers--;
		return ENOMEM;
	}
	if (peers_assign(e, &e->conf, &na, idx, &changed, err, errlen) != 0 ||
	    alloc_set_runtime(&na, name, p.public_key) != 0) {
		alloc_free(&na);
		free(idx);
		e->conf.n_peers--;
		return EINVAL;
	}
	/* durable before the site exists: a restart keeps its sub-prefix */
	if (peers_commit_alloc(e, &na, err, errlen) != 0) {
		free(idx);
		e->conf.n_peers--;
		return EIO;
	}
	if ((*added = peers_open_site(e, &p, idx[e->conf.n_peers - 1], err, errlen)) == NULL) {
		char serr[CONF_ERR_LEN];

		free(idx);
		e->conf.n_peers--;
		log_warnx("peer %s: %s", name, err);
		/* the peer is not kept: the state file must not bring it back */
		(void)alloc_set_runtime(&e->alloc, name, NULL);
		state_touch(&e->state, PRIV_FILE_SUBPREFIXES);
		if (state_save(&e->state, PRIV_FILE_SUBPREFIXES, serr, sizeof(serr)) != 0)
			log_warnx("peer %s: %s", name, serr);
		snprintf(err, errlen, "peer %s: the site could not start (see the daemon's log)", name);
		return EIO;
	}
	free(idx);
	log_info("peer %s: added at run time", name);
	return 0;
}

int
peers_remove(struct engine *e, const char *name, char *err, size_t errlen)
{
	const struct alloc_entry *ae = alloc_find(&e->alloc, name);
	struct site *s = sitetab_by_name(&e->sites, name);
	struct conf_peer *p = (struct conf_peer *)conf_server_find_peer(&e->conf, name);

	if (s == NULL || p == NULL) {
		snprintf(err, errlen, "no peer %.40s", name);
		return ENOENT;
	}
	if (ae == NULL || !ae->runtime) {
		snprintf(err, errlen, "peer %s is in %s: remove it there, then v6ext reload", name, e->conf_path);
		return EPERM;
	}
	(void)alloc_set_runtime(&e->alloc, name, NULL);
	state_touch(&e->state, PRIV_FILE_SUBPREFIXES);
	if (state_save(&e->state, PRIV_FILE_SUBPREFIXES, err, errlen) != 0) {
		(void)alloc_set_runtime(&e->alloc, name, p->public_key);
		state_touch(&e->state, PRIV_FILE_SUBPREFIXES);
		return EIO;
	}
	site_close(s, true);
	xlat_site_removed(e, name);
	*p = e->conf.peers[--e->conf.n_peers];
	namesync_all(e);
	return 0;
}
