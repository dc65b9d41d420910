/* SPDX-License-Identifier: ISC */
/* dhcp6: parse and build DHCPv6 messages (RFC 8415 8, 21). */
#include "config.h"

#include <string.h>

#include "dhcp6.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
	return p + 4;
}

const char *
dhcp6_drop_name(enum dhcp6_drop d)
{
	static const char *const names[DHCP6_DROP_MAX] = {
		[DHCP6_OK] = "ok",
		[DHCP6_DROP_SHORT] = "dhcp6_short",
		[DHCP6_DROP_TRUNCATED] = "dhcp6_truncated",
		[DHCP6_DROP_OPTION_LENGTH] = "dhcp6_option_length",
		[DHCP6_DROP_OPTION_BOMB] = "dhcp6_option_bomb",
		[DHCP6_DROP_DUPLICATE] = "dhcp6_duplicate_option",
		[DHCP6_DROP_RELAY] = "dhcp6_relay",
		[DHCP6_DROP_TYPE] = "dhcp6_wrong_type",
		[DHCP6_DROP_NO_CLIENT_ID] = "dhcp6_no_client_id",
		[DHCP6_DROP_NO_SERVER_ID] = "dhcp6_no_server_id",
		[DHCP6_DROP_SERVER_ID] = "dhcp6_unexpected_server_id",
		[DHCP6_DROP_OTHER_SERVER] = "dhcp6_other_server",
		[DHCP6_DROP_NO_ADDRESS] = "dhcp6_no_address",
		[DHCP6_DROP_BAD_UDP] = "dhcp6_bad_udp",
		[DHCP6_DROP_NOT_LINK_LOCAL] = "dhcp6_not_link_local",
		[DHCP6_DROP_RATE] = "dhcp6_rate_limited",
		[DHCP6_DROP_INFORM_IA] = "dhcp6_inform_with_ia",
		[DHCP6_DROP_TOO_BIG] = "dhcp6_reply_too_big",
	};

	return d < DHCP6_DROP_MAX && names[d] != NULL ? names[d] : "dhcp6_unknown";
}

/* Where an option list lives: the message, an IA, or an IA's address or
 * prefix (RFC 8415 21.4-21.6, 21.21-21.22: options nest). */
enum dhcp6_level { LEVEL_MSG, LEVEL_IA, LEVEL_INNER };

struct dhcp6_walk {
	struct dhcp6_msg *m;
	size_t count;                   /* options seen, nested ones too */
};

static enum dhcp6_drop dhcp6_options(struct dhcp6_walk *w, const uint8_t *p, size_t len,
    enum dhcp6_level level, struct dhcp6_ia *ia, bool ia_pd);

/* An IA_NA, IA_TA or IA_PD: fixed fields, then its own options. Past
 * DHCP6_IA_MAX the IA is still checked, into a scratch IA. */
static enum dhcp6_drop
dhcp6_ia(struct dhcp6_walk *w, uint16_t code, const uint8_t *p, size_t len)
{
	struct dhcp6_msg *m = w->m;
	size_t fixed = code == DHCP6_OPT_IA_TA ? 4 : 12, *n;
	struct dhcp6_ia scratch, *ia;

	if (len < fixed)
		return DHCP6_DROP_OPTION_LENGTH;
	n = code == DHCP6_OPT_IA_NA ? &m->n_ia_na : code == DHCP6_OPT_IA_TA ? &m->n_ia_ta : &m->n_ia_pd;
	ia = code == DHCP6_OPT_IA_NA ? m->ia_na : code == DHCP6_OPT_IA_TA ? m->ia_ta : m->ia_pd;
	ia = *n < DHCP6_IA_MAX ? &ia[(*n)++] : &scratch;
	memset(ia, 0, sizeof(*ia));
	ia->iaid = get32(p);
	if (fixed == 12) {
		ia->t1 = get32(p + 4);
		ia->t2 = get32(p + 8);
	}
	return dhcp6_options(w, p + fixed, len - fixed, LEVEL_IA, ia, code == DHCP6_OPT_IA_PD);
}

static enum dhcp6_drop
dhcp6_msg_option(struct dhcp6_walk *w, uint16_t code, const uint8_t *p, size_t len)
{
	struct dhcp6_msg *m = w->m;

	switch (code) {
	case DHCP6_OPT_CLIENTID:
	case DHCP6_OPT_SERVERID: {
		size_t *idl = code == DHCP6_OPT_CLIENTID ? &m->client_id_len : &m->server_id_len;

		/* RFC 8415 11.1: a 2-byte type and at most 128 bytes */
		if (len < 3 || len > DHCP6_DUID_MAX)
			return DHCP6_DROP_OPTION_LENGTH;
		if (*idl != 0)
			return DHCP6_DROP_DUPLICATE;
		memcpy(code == DHCP6_OPT_CLIENTID ? m->client_id : m->server_id, p, len);
		*idl = len;
		return DHCP6_OK;
	}
	case DHCP6_OPT_IA_NA:
	case DHCP6_OPT_IA_TA:
	case DHCP6_OPT_IA_PD:
		return dhcp6_ia(w, code, p, len);
	case DHCP6_OPT_ORO:
		if (len % 2 != 0)
			return DHCP6_DROP_OPTION_LENGTH;
		for (size_t i = 0; i < len && m->n_oro < DHCP6_ORO_MAX; i += 2)
			m->oro[m->n_oro++] = get16(p + i);
		return DHCP6_OK;
	case DHCP6_OPT_ELAPSED_TIME:
		if (len != 2)
			return DHCP6_DROP_OPTION_LENGTH;
		m->has_elapsed = true;
		m->elapsed = get16(p);
		return DHCP6_OK;
	case DHCP6_OPT_RAPID_COMMIT:
		if (len != 0)
			return DHCP6_DROP_OPTION_LENGTH;
		m->rapid_commit = true;
		return DHCP6_OK;
	case DHCP6_OPT_PREFERENCE:
		if (len != 1)
			return DHCP6_DROP_OPTION_LENGTH;
		m->has_preference = true;
		m->preference = p[0];
		return DHCP6_OK;
	case DHCP6_OPT_STATUS_CODE:
		if (len < 2)
			return DHCP6_DROP_OPTION_LENGTH;
		m->has_status = true;
		m->status = get16(p);
		return DHCP6_OK;
	case DHCP6_OPT_DNS_SERVERS:
		if (len % 16 != 0)
			return DHCP6_DROP_OPTION_LENGTH;
		for (size_t i = 0; i < len && m->n_dns < DHCP6_DNS_MAX; i += 16)
			memcpy(&m->dns[m->n_dns++], p + i, 16);
		return DHCP6_OK;
	case DHCP6_OPT_CLIENT_FQDN:
		/* RFC 4704 4.1: flags, then the name (possibly empty) */
		if (len < 1)
			return DHCP6_DROP_OPTION_LENGTH;
		if (m->has_fqdn)
			return DHCP6_DROP_DUPLICATE;
		m->has_fqdn = true;
		m->fqdn_flags = p[0];
		if (len - 1 > DHCP6_FQDN_MAX) {
			m->fqdn_too_long = true;
			return DHCP6_OK;
		}
		memcpy(m->fqdn, p + 1, len - 1);
		m->fqdn_len = len - 1;
		return DHCP6_OK;
	case DHCP6_OPT_DOMAIN_LIST:
		if (len <= DHCP6_DOMAINS_MAX) {
			memcpy(m->domains, p, len);
			m->domains_len = len;
		}
		return DHCP6_OK;
	default:
		return DHCP6_OK;        /* RFC 8415 16: unknown options are ignored */
	}
}

static enum dhcp6_drop
dhcp6_ia_option(struct dhcp6_walk *w, uint16_t code, const uint8_t *p, size_t len,
    struct dhcp6_ia *ia, bool ia_pd)
{
	switch (code) {
	case DHCP6_OPT_IAADDR:
		if (ia_pd)
			return DHCP6_OK;
		if (len < 24)
			return DHCP6_DROP_OPTION_LENGTH;
		if (ia->n_addrs < DHCP6_ADDR_MAX) {
			struct dhcp6_addr *a = &ia->addrs[ia->n_addrs++];

			memcpy(&a->addr, p, 16);
			a->preferred = get32(p + 16);
			a->valid = get32(p + 20);
		}
		return dhcp6_options(w, p + 24, len - 24, LEVEL_INNER, NULL, false);
	case DHCP6_OPT_IAPREFIX:
		if (!ia_pd)
			return DHCP6_OK;
		/* RFC 8415 21.22: preferred, valid, prefix length, prefix */
		if (len < 25)
			return DHCP6_DROP_OPTION_LENGTH;
		if (ia->n_addrs < DHCP6_ADDR_MAX) {
			struct dhcp6_addr *a = &ia->addrs[ia->n_addrs++];

			a->preferred = get32(p);
			a->valid = get32(p + 4);
			a->plen = p[8];
			memcpy(&a->addr, p + 9, 16);
		}
		return dhcp6_options(w, p + 25, len - 25, LEVEL_INNER, NULL, false);
	case DHCP6_OPT_STATUS_CODE:
		if (len < 2)
			return DHCP6_DROP_OPTION_LENGTH;
		ia->has_status = true;
		ia->status = get16(p);
		return DHCP6_OK;
	default:
		return DHCP6_OK;
	}
}

static enum dhcp6_drop
dhcp6_options(struct dhcp6_walk *w, const uint8_t *p, size_t len, enum dhcp6_level level,
    struct dhcp6_ia *ia, bool ia_pd)
{
	size_t off = 0;

	while (off < len) {
		uint16_t code, olen;
		enum dhcp6_drop d;

		if (len - off < 4)
			return DHCP6_DROP_TRUNCATED;
		code = get16(p + off);
		olen = get16(p + off + 2);
		off += 4;
		if (olen > len - off)
			return DHCP6_DROP_TRUNCATED;
		if (++w->count > DHCP6_OPTIONS_MAX)
			return DHCP6_DROP_OPTION_BOMB;
		switch (level) {
		case LEVEL_MSG:
			d = dhcp6_msg_option(w, code, p + off, olen);
			break;
		case LEVEL_IA:
			d = dhcp6_ia_option(w, code, p + off, olen, ia, ia_pd);
			break;
		default:
			/* inside an address or prefix: only a status code is
			 * defined; its length is still checked */
			d = code == DHCP6_OPT_STATUS_CODE && olen < 2 ? DHCP6_DROP_OPTION_LENGTH : DHCP6_OK;
			break;
		}
		if (d != DHCP6_OK)
			return d;
		off += olen;
	}
	return DHCP6_OK;
}

enum dhcp6_drop
dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m)
{
	struct dhcp6_walk w = { .m = m };

	memset(m, 0, sizeof(*m));
	if (len < 4)
		return DHCP6_DROP_SHORT;
	m->type = buf[0];
	m->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	if (m->type == DHCP6_RELAY_FORW || m->type == DHCP6_RELAY_REPL)
		return DHCP6_DROP_RELAY;
	if (m->type < DHCP6_SOLICIT || m->type > DHCP6_INFORMATION_REQUEST)
		return DHCP6_DROP_TYPE;
	return dhcp6_options(&w, buf + 4, len - 4, LEVEL_MSG, NULL, false);
}

bool
dhcp6_oro_has(const struct dhcp6_msg *m, uint16_t code)
{
	for (size_t i = 0; i < m->n_oro; i++)
		if (m->oro[i] == code)
			return true;
	return false;
}

/* A writer that stops at the end of the buffer: every put checks room. */
struct dhcp6_out {
	uint8_t *p, *end;
	bool full;
};

static uint8_t *
dhcp6_room(struct dhcp6_out *o, size_t n)
{
	uint8_t *p = o->p;

	if (o->full || (size_t)(o->end - o->p) < n) {
		o->full = true;
		return NULL;
	}
	o->p += n;
	return p;
}

static void
dhcp6_put_option(struct dhcp6_out *o, uint16_t code, const void *data, size_t len)
{
	uint8_t *p = dhcp6_room(o, 4 + len);

	if (p == NULL)
		return;
	p = put16(put16(p, code), (uint16_t)len);
	if (len != 0)
		memcpy(p, data, len);
}

static void
dhcp6_put_status(struct dhcp6_out *o, uint16_t status)
{
	uint8_t v[2];

	put16(v, status);
	dhcp6_put_option(o, DHCP6_OPT_STATUS_CODE, v, 2);
}

static void
dhcp6_put_ia(struct dhcp6_out *o, uint16_t code, const struct dhcp6_ia *ia)
{
	bool pd = code == DHCP6_OPT_IA_PD;
	size_t n_addrs = ia->n_addrs < DHCP6_ADDR_MAX ? ia->n_addrs : DHCP6_ADDR_MAX;
	size_t fixed = code == DHCP6_OPT_IA_TA ? 4 : 12;
	size_t len = fixed + n_addrs * (pd ? 29 : 28) + (ia->has_status ? 6 : 0);
	uint8_t *p = dhcp6_room(o, 4 + fixed);

	if (p == NULL)
		return;
	p = put32(put16(put16(p, code), (uint16_t)len), ia->iaid);
	if (fixed == 12)
		put32(put32(p, ia->t1), ia->t2);
	for (size_t i = 0; i < n_addrs; i++) {
		uint8_t a[25];

		if (pd) {
			put32(put32(a, ia->addrs[i].preferred), ia->addrs[i].valid);
			a[8] = ia->addrs[i].plen;
			memcpy(a + 9, &ia->addrs[i].addr, 16);
			dhcp6_put_option(o, DHCP6_OPT_IAPREFIX, a, 25);
		} else {
			memcpy(a, &ia->addrs[i].addr, 16);
			put32(put32(a + 16, ia->addrs[i].preferred), ia->addrs[i].valid);
			dhcp6_put_option(o, DHCP6_OPT_IAADDR, a, 24);
		}
	}
	if (ia->has_status)
		dhcp6_put_status(o, ia->status);
}

size_t
dhcp6_build(const struct dhcp6_msg *m, uint8_t *out, size_t cap)
{
	struct dhcp6_out o = { .p = out, .end = out + cap };
	uint8_t *p, v[2 * DHCP6_ORO_MAX], fq[1 + DHCP6_FQDN_MAX];

	if ((p = dhcp6_room(&o, 4)) == NULL)
		return 0;
	p[0] = m->type;
	p[1] = (uint8_t)(m->xid >> 16);
	p[2] = (uint8_t)(m->xid >> 8);
	p[3] = (uint8_t)m->xid;
	if (m->client_id_len)
		dhcp6_put_option(&o, DHCP6_OPT_CLIENTID, m->client_id, m->client_id_len);
	if (m->server_id_len)
		dhcp6_put_option(&o, DHCP6_OPT_SERVERID, m->server_id, m->server_id_len);
	if (m->has_elapsed) {
		put16(v, m->elapsed);
		dhcp6_put_option(&o, DHCP6_OPT_ELAPSED_TIME, v, 2);
	}
	if (m->n_oro) {
		for (size_t i = 0; i < m->n_oro && i < DHCP6_ORO_MAX; i++)
			put16(v + 2 * i, m->oro[i]);
		dhcp6_put_option(&o, DHCP6_OPT_ORO, v, 2 * m->n_oro);
	}
	if (m->rapid_commit)
		dhcp6_put_option(&o, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	if (m->has_preference)
		dhcp6_put_option(&o, DHCP6_OPT_PREFERENCE, &m->preference, 1);
	if (m->has_status)
		dhcp6_put_status(&o, m->status);
	for (size_t i = 0; i < m->n_ia_na && i < DHCP6_IA_MAX; i++)
		dhcp6_put_ia(&o, DHCP6_OPT_IA_NA, &m->ia_na[i]);
	for (size_t i = 0; i < m->n_ia_ta && i < DHCP6_IA_MAX; i++)
		dhcp6_put_ia(&o, DHCP6_OPT_IA_TA, &m->ia_ta[i]);
	for (size_t i = 0; i < m->n_ia_pd && i < DHCP6_IA_MAX; i++)
		dhcp6_put_ia(&o, DHCP6_OPT_IA_PD, &m->ia_pd[i]);
	if (m->n_dns)
		dhcp6_put_option(&o, DHCP6_OPT_DNS_SERVERS, m->dns,
		    16 * (m->n_dns < DHCP6_DNS_MAX ? m->n_dns : DHCP6_DNS_MAX));
	if (m->domains_len)
		dhcp6_put_option(&o, DHCP6_OPT_DOMAIN_LIST, m->domains,
		    m->domains_len < DHCP6_DOMAINS_MAX ? m->domains_len : DHCP6_DOMAINS_MAX);
	if (m->has_fqdn) {
		size_t n = m->fqdn_len < DHCP6_FQDN_MAX ? m->fqdn_len : DHCP6_FQDN_MAX;

		fq[0] = m->fqdn_flags;
		memcpy(fq + 1, m->fqdn, n);
		dhcp6_put_option(&o, DHCP6_OPT_CLIENT_FQDN, fq, 1 + n);
	}
	return o.full ? 0 : (size_t)(o.p - out);
}
