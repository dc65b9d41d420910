/* SPDX-License-Identifier: ISC */
/* pdroutes: delegated prefixes' routes, planned from the leases. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pdroutes.h"

void
pdroutes_init(struct pdroutes *r)
{
	memset(r, 0, sizeof(*r));
}

void
pdroutes_free(struct pdroutes *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static struct pdroute *
pdroutes_find(const struct pdroutes *r, const struct prefix *p)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].prefix.len == p->len && memcmp(&r->v[i].prefix.addr, &p->addr, 16) == 0)
			return &r->v[i];
	return NULL;
}

int
pdroutes_put(struct pdroutes *r, const struct pdroute *x)
{
	struct pdroute *e = pdroutes_find(r, &x->prefix);

	if (e == NULL) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 4;
			struct pdroute *v = realloc(r->v, cap * sizeof(*v));

			if (v == NULL)
				return -1;
			r->v = v;
			r->cap = cap;
		}
		e = &r->v[r->n++];
	}
	*e = *x;
	return 0;
}

void
pdroutes_drop(struct pdroutes *r, const struct pdroute *x)
{
	struct pdroute *e = pdroutes_find(r, &x->prefix);

	if (e != NULL)
		*e = r->v[--r->n];
}

int
pdroutes_plan(const struct pdroutes *have, const struct leases *l, const char *site,
    struct pdroutes *del, struct pdroutes *add)
{
	del->n = add->n = 0;
	for (size_t i = 0; i < have->n; i++) {
		const struct pdroute *h = &have->v[i];
		bool keep = false;

		for (size_t j = 0; j < l->n && !keep; j++) {
			const struct lease *e = &l->v[j];

			keep = e->plen == h->prefix.len && strcmp(e->site, site) == 0 &&
			    memcmp(&e->addr, &h->prefix.addr, 16) == 0 && memcmp(&e->via, &h->via, 16) == 0;
		}
		if (!keep && pdroutes_put(del, h) != 0)
			return -1;
	}
	for (size_t j = 0; j < l->n; j++) {
		const struct lease *e = &l->v[j];
		struct pdroute want;
		const struct pdroute *h;

		if (e->plen == 0 || strcmp(e->site, site) != 0)
			continue;
		memset(&want, 0, sizeof(want));
		want.prefix.addr = e->addr;
		want.prefix.len = e->plen;
		want.via = e->via;
		h = pdroutes_find(have, &want.prefix);
		if ((h == NULL || memcmp(&h->via, &want.via, 16) != 0) && pdroutes_put(add, &want) != 0)
			return -1;
	}
	return 0;
}
