/* SPDX-License-Identifier: ISC */
/* nftrules: the translator's nftables table as text; see nftrules.h. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "nftrules.h"

struct nftrules_out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void nftrules_put(struct nftrules_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
nftrules_put(struct nftrules_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

size_t
nftrules_build(const struct nftrules *r, char *buf, size_t cap)
{
	struct nftrules_out o = { .buf = buf, .cap = cap };
	char pub[INET_ADDRSTRLEN], pool[INET_ADDRSTRLEN], to[INET_ADDRSTRLEN];

	if (cap == 0)
		return 0;
	inet_ntop(AF_INET, &r->public4, pub, sizeof(pub));
	inet_ntop(AF_INET, &r->pool, pool, sizeof(pool));
	/* declare, delete, define: one transaction, whether it existed or not */
	nftrules_put(&o, "table inet %s\ndelete table inet %s\ntable inet %s {\n", NFTRULES_TABLE,
	    NFTRULES_TABLE, NFTRULES_TABLE);
	nftrules_put(&o, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
	for (size_t i = 0; i < r->n_dnat; i++) {
		const struct nftrules_dnat *d = &r->dnat[i];

		inet_ntop(AF_INET, &d->to, to, sizeof(to));
		nftrules_put(&o, "\t\tip daddr %s %s dport %u dnat ip to %s:%u\n", pub,
		    d->proto == IPPROTO_TCP ? "tcp" : "udp", d->port, to, d->to_port);
	}
	nftrules_put(&o, "\t}\n");
	nftrules_put(&o, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
	    "\t\toifname \"%s\" ip saddr %s/%u masquerade\n\t}\n", r->upstream, pool, r->pool_len);
	nftrules_put(&o, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
	    "\t\tiifname \"%s\" oifname \"%s\" drop\n\t}\n}\n", r->dev, r->dev);
	return o.full ? 0 : o.len;
}

const char *
nftrules_delete(void)
{
	return "table inet " NFTRULES_TABLE "\ndelete table inet " NFTRULES_TABLE "\n";
}
