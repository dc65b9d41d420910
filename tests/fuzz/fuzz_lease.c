/* SPDX-License-Identifier: ISC */
/* fuzz_lease: leases_parse on arbitrary bytes, as the DHCPv6 leases file.
 *
 * Invariants (abort() when broken):
 *  - a refusal always says why;
 *  - a parsed file holds valid site names, DUIDs of 3..DHCP6_DUID_MAX
 *    bytes (or none: declined), distinct addresses and distinct
 *    (site, DUID, IAID);
 *  - leases_build of it parses back to the same entries in the same order,
 *    and building that again gives the same text. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dhcp6.h"
#include "lease.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct leases *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lease *e = &l->v[i];

		if (!conf_peer_name_valid(e->site))
			abort();
		if (e->duid_len != 0 && (e->duid_len < 3 || e->duid_len > DHCP6_DUID_MAX))
			abort();
		if (e->plen != 0) {
			/* a delegated prefix: found as one, never as an address */
			struct prefix p = { .addr = e->addr, .len = e->plen };

			if (e->plen > 64 || e->duid_len == 0 || !IN6_IS_ADDR_LINKLOCAL(&e->via) ||
			    lease_by_prefix(l, &p) != e ||
			    lease_find_pd(l, e->site, e->duid, e->duid_len, e->iaid) != e || e->name[0] != '\0')
				abort();
			continue;
		}
		if (lease_by_addr(l, &e->addr) != e)
			abort();
		if (e->duid_len != 0 && lease_find(l, e->site, e->duid, e->duid_len, e->iaid) != e)
			abort();
	}
}

static void
fuzz_same(const struct leases *x, const struct leases *y)
{
	if (x->n != y->n)
		abort();
	for (size_t i = 0; i < x->n; i++) {
		const struct lease *a = &x->v[i], *b = &y->v[i];

		if (strcmp(a->site, b->site) != 0 || a->duid_len != b->duid_len ||
		    memcmp(a->duid, b->duid, a->duid_len) != 0 || a->iaid != b->iaid ||
		    memcmp(&a->addr, &b->addr, 16) != 0 || a->expires != b->expires || a->plen != b->plen ||
		    memcmp(&a->via, &b->via, 16) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct leases a, b;
	char err[256], *text, *again;
	size_t len, len2;

	leases_init(&a);
	leases_init(&b);
	err[0] = '\0';
	if (leases_parse(data, size, &a, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		leases_free(&a);
		return 0;
	}
	fuzz_check(&a);
	if (leases_build(&a, &text, &len) != 0 || strlen(text) != len)
		abort();
	if (leases_parse((const uint8_t *)text, len, &b, err, sizeof(err)) != 0)
		abort();
	fuzz_same(&a, &b);
	if (leases_build(&b, &again, &len2) != 0 || len2 != len || memcmp(text, again, len) != 0)
		abort();
	free(text);
	free(again);
	leases_free(&a);
	leases_free(&b);
	return 0;
}
