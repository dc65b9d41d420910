/* SPDX-License-Identifier: ISC */
/* dnsupdate: RFC 2136 updates signed with TSIG (RFC 8945); see dnsupdate.h.
 *
 * ldns builds, signs, parses and verifies; this file decides what goes in
 * the message and what an answer means, and stands between ldns and the
 * network's bytes where ldns 1.8 trusts them more than it should (see
 * dnsupdate_walk and dnsupdate_verify).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <ldns/ldns.h>
#include <sodium.h>

#include "dnsupdate.h"
#include "util.h"

#define DNSUPDATE_ALG        "hmac-sha256"
#define DNSUPDATE_OPCODE     5          /* RFC 2136 1.3 */
#define DNSUPDATE_TTL_MAX    0x7fffffffu

static const char *const dnsupdate_rcodes[] = {
	/* RFC 1035 4.1.1, RFC 2136 2.2 */
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

const char *
dnsupdate_rcode_name(unsigned rcode)
{
	if (rcode < sizeof(dnsupdate_rcodes) / sizeof(dnsupdate_rcodes[0]))
		return dnsupdate_rcodes[rcode];
	if (rcode == 16)
		return "BADVERS";       /* RFC 6891 9, from the OPT record's upper bits */
	return NULL;
}

/* The TSIG RR's Error field (RFC 8945 4.2, 5.3.2). */
static const char *
dnsupdate_tsig_error_name(unsigned e)
{
	switch (e) {
	case 16: return "BADSIG";
	case 17: return "BADKEY";
	case 18: return "BADTIME";
	case 22: return "BADTRUNC";
	default: return NULL;
	}
}

/* A host or key name as text: labels of 1..63 letters, digits, '-' or
 * '_', 253 characters at most (RFC 1035 2.3.4's 255 octets on the wire),
 * no trailing dot. Stricter than DNS: ldns would read '\' escapes and '@',
 * and nothing this program names needs them. */
static bool
dnsupdate_name_ok(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap), lab = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (lab == 0)
				return false;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return false;
		if (++lab > 63)
			return false;
	}
	return lab != 0;
}

void
dnsupdate_key_wipe(struct dnsupdate_key *k)
{
	sodium_memzero(k, sizeof(*k));
}

int
dnsupdate_key_parse(const uint8_t *buf, size_t len, struct dnsupdate_key *k, char *err, size_t errlen)
{
	static const char alg[] = DNSUPDATE_ALG ":";
	uint8_t bin[sizeof(k->secret_b64)];
	const uint8_t *name, *secret, *colon;
	size_t nlen, slen, binlen = 0;
	int rc = -1;

	dnsupdate_key_wipe(k);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0) {
		util_errorf(err, errlen, "empty key file");
		goto out;
	}
	if (memchr(buf, '\n', len) != NULL || memchr(buf, '\r', len) != NULL) {
		util_errorf(err, errlen, "more than one line: the key file is one line hmac-sha256:NAME:SECRET");
		goto out;
	}
	if (memchr(buf, '\0', len) != NULL) {
		util_errorf(err, errlen, "a NUL byte in the key file");
		goto out;
	}
	/* DNS names, the algorithm's among them, are case-insensitive */
	if (len < sizeof(alg) - 1 || strncasecmp((const char *)buf, alg, sizeof(alg) - 1) != 0) {
		util_errorf(err, errlen, "not an " DNSUPDATE_ALG " key (expected hmac-sha256:NAME:SECRET)");
		goto out;
	}
	name = buf + sizeof(alg) - 1;
	colon = memchr(name, ':', len - (size_t)(name - buf));
	if (colon == NULL) {
		util_errorf(err, errlen, "no secret (expected hmac-sha256:NAME:SECRET)");
		goto out;
	}
	nlen = (size_t)(colon - name);
	if (nlen > 1 && name[nlen - 1] == '.')
		nlen--;                 /* kept without the root's dot */
	if (nlen == 0) {
		util_errorf(err, errlen, "empty key name");
		goto out;
	}
	if (nlen >= sizeof(k->name)) {
		util_errorf(err, errlen, "key name longer than 253 characters");
		goto out;
	}
	memcpy(k->name, name, nlen);
	if (!dnsupdate_name_ok(k->name, sizeof(k->name))) {
		util_errorf(err, errlen, "key name \"%s\" is not a DNS name", k->name);
		goto out;
	}
	secret = colon + 1;
	slen = len - (size_t)(secret - buf);
	if (slen == 0) {
		util_errorf(err, errlen, "empty secret");
		goto out;
	}
	if (slen >= sizeof(k->secret_b64)) {
		util_errorf(err, errlen, "secret longer than %d bytes", DNSUPDATE_SECRET_MAX);
		goto out;
	}
	/* strict: standard alphabet, padded, nothing else (a second ':' too) */
	if (sodium_base642bin(bin, sizeof(bin), (const char *)secret, slen, NULL, &binlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0) {
		util_errorf(err, errlen, "the secret is not base64");
		goto out;
	}
	if (binlen < DNSUPDATE_SECRET_MIN || binlen > DNSUPDATE_SECRET_MAX) {
		util_errorf(err, errlen, "the secret is %zu bytes, not %d..%d", binlen,
		    DNSUPDATE_SECRET_MIN, DNSUPDATE_SECRET_MAX);
		goto out;
	}
	memcpy(k->secret_b64, secret, slen);
	rc = 0;
out:
	sodium_memzero(bin, sizeof(bin));
	if (rc != 0)
		dnsupdate_key_wipe(k);
	return rc;
}

static bool
dnsupdate_key_ok(const struct dnsupdate_key *k)
{
	size_t s = strnlen(k->secret_b64, sizeof(k->secret_b64));

	return dnsupdate_name_ok(k->name, sizeof(k->name)) && s > 0 && s < sizeof(k->secret_b64);
}

/* One update-section RR of rr (RFC 2136 2.5.1, 2.5.4), or NULL with why. */
static ldns_rr *
dnsupdate_rr_new(const struct dnsupdate_rr *rr, const ldns_rdf *zone, char *err, size_t errlen)
{
	ldns_rr *r = NULL;
	ldns_rdf *owner = NULL, *data = NULL;

	if (!dnsupdate_name_ok(rr->name, sizeof(rr->name))) {
		util_errorf(err, errlen, "\"%.*s\" is not a DNS name", DNSUPDATE_NAME_MAX - 1, rr->name);
		return NULL;
	}
	if (rr->op != DNSUPDATE_ADD && rr->op != DNSUPDATE_DELETE) {
		util_errorf(err, errlen, "%s: neither add nor delete", rr->name);
		return NULL;
	}
	if (rr->family != AF_INET6 && rr->family != AF_INET) {
		util_errorf(err, errlen, "%s: address family %d is neither IPv6 nor IPv4", rr->name, rr->family);
		return NULL;
	}
	if (rr->op == DNSUPDATE_ADD && rr->ttl > DNSUPDATE_TTL_MAX) {
		util_errorf(err, errlen, "%s: ttl %u is over 2^31 - 1 (RFC 2181 8)", rr->name, rr->ttl);
		return NULL;
	}
	if ((owner = ldns_dname_new_frm_str(rr->name)) == NULL)
		goto nomem;
	/* a name outside the zone gets NOTZONE (RFC 2136 3.4.1.3): say so here */
	if (ldns_dname_compare(owner, zone) != 0 && !ldns_dname_is_subdomain(owner, zone)) {
		ldns_rdf_deep_free(owner);
		util_errorf(err, errlen, "%s is not in the zone", rr->name);
		return NULL;
	}
	if (rr->family == AF_INET6)
		data = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, sizeof(rr->addr.v6), &rr->addr.v6);
	else
		data = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, sizeof(rr->addr.v4), &rr->addr.v4);
	if (data == NULL || (r = ldns_rr_new()) == NULL)
		goto nomem;
	ldns_rr_set_owner(r, owner);
	owner = NULL;
	ldns_rr_set_type(r, rr->family == AF_INET6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A);
	if (rr->op == DNSUPDATE_ADD) {
		ldns_rr_set_class(r, LDNS_RR_CLASS_IN);
		ldns_rr_set_ttl(r, rr->ttl);
	} else {
		ldns_rr_set_class(r, LDNS_RR_CLASS_NONE);
		ldns_rr_set_ttl(r, 0);
	}
	if (!ldns_rr_push_rdf(r, data))
		goto nomem;
	return r;
nomem:
	ldns_rdf_deep_free(owner);
	ldns_rdf_deep_free(data);
	ldns_rr_free(r);
	util_errorf(err, errlen, "out of memory");
	return NULL;
}

int
dnsupdate_build(const char *zone, const struct dnsupdate_rr *rr, size_t n, uint16_t id,
    const struct dnsupdate_key *k, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	ldns_pkt *pkt = NULL;
	ldns_rdf *zname = NULL;
	ldns_rr *q = NULL, *u;
	uint8_t *wire = NULL;
	size_t wlen = 0;
	ldns_status st;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (!dnsupdate_name_ok(zone, DNSUPDATE_NAME_MAX))
		return util_errorf(err, errlen, "the zone is not a DNS name");
	if (n == 0 || n > DNSUPDATE_RR_MAX)
		return util_errorf(err, errlen, "%zu records in one update, not 1..%d", n, DNSUPDATE_RR_MAX);
	if (!dnsupdate_key_ok(k))
		return util_errorf(err, errlen, "no key");
	if ((pkt = ldns_pkt_new()) == NULL || (zname = ldns_dname_new_frm_str(zone)) == NULL ||
	    (q = ldns_rr_new()) == NULL) {
		util_errorf(err, errlen, "out of memory");
		goto out;
	}
	/* RFC 2136 2.2: every header flag but QR and Opcode is zero on a request */
	ldns_pkt_set_id(pkt, id);
	ldns_pkt_set_opcode(pkt, LDNS_PACKET_UPDATE);

	/* the zone section sits where a query's question does (2.3) */
	ldns_rr_set_question(q, true);
	ldns_rr_set_owner(q, ldns_rdf_clone(zname));
	if (ldns_rr_owner(q) == NULL) {
		util_errorf(err, errlen, "out of memory");
		goto out;
	}
	ldns_rr_set_type(q, LDNS_RR_TYPE_SOA);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	if (!ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q)) {
		util_errorf(err, errlen, "out of memory");
		goto out;
	}
	q = NULL;

	/* no prerequisites (2.4): an add of a record that is there, or a
	 * delete of one that is not, is a no-op the server answers NOERROR
	 * (3.4.2.2, 3.4.2.4), which is what a resync wants */
	for (size_t i = 0; i < n; i++) {
		/* the update section sits where the authority section does (2.5) */
		if ((u = dnsupdate_rr_new(&rr[i], zname, err, errlen)) == NULL)
			goto out;
		if (!ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, u)) {
			ldns_rr_free(u);
			util_errorf(err, errlen, "out of memory");
			goto out;
		}
	}

	/* RFC 8945 5.1: the TSIG RR goes last, in the additional section */
	st = ldns_pkt_tsig_sign(pkt, k->name, k->secret_b64, DNSUPDATE_FUDGE, DNSUPDATE_ALG ".", NULL);
	if (st != LDNS_STATUS_OK || ldns_pkt_tsig(pkt) == NULL) {
		util_errorf(err, errlen, "TSIG signing failed: %s", ldns_get_errorstr_by_id(st));
		goto out;
	}
	if ((st = ldns_pkt2wire(&wire, pkt, &wlen)) != LDNS_STATUS_OK) {
		util_errorf(err, errlen, "could not write the message: %s", ldns_get_errorstr_by_id(st));
		goto out;
	}
	if (wlen < LDNS_HEADER_SIZE || wlen > DNSUPDATE_ANSWER_MAX) {
		util_errorf(err, errlen, "a %zu-byte message", wlen);
		goto out;
	}
	*out = wire;
	*len = wlen;
	wire = NULL;
	rc = 0;
out:
	free(wire);             /* ldns allocates with malloc (LDNS_XMALLOC) */
	ldns_rr_free(q);
	ldns_rdf_deep_free(zname);
	ldns_pkt_free(pkt);
	return rc;
}

/* Walk every RR of a message with ldns_wire2rr before ldns_wire2pkt reads
 * it: 0 when the counts, the records and the length agree and a TSIG, if
 * any, is the last additional record (RFC 8945 5.1), else -1 with why.
 * ldns_wire2pkt takes a TSIG anywhere in the additional section, stops
 * early after one and overwrites (leaking) an earlier one; and
 * ldns_pkt_tsig_verify re-walks the wire assuming the TSIG is last. */
static int
dnsupdate_walk(const uint8_t *w, size_t len, const char **why)
{
	const uint16_t count[4] = {
		LDNS_QDCOUNT(w), LDNS_ANCOUNT(w), LDNS_NSCOUNT(w), LDNS_ARCOUNT(w),
	};
	size_t pos = LDNS_HEADER_SIZE;

	for (int s = LDNS_SECTION_QUESTION; s <= LDNS_SECTION_ADDITIONAL; s++) {
		for (unsigned i = 0; i < count[s]; i++) {
			ldns_rr *r = NULL;
			bool tsig;

			if (ldns_wire2rr(&r, w, len, &pos, (ldns_pkt_section)s) != LDNS_STATUS_OK) {
				*why = "a record that does not parse or runs past the end";
				return -1;
			}
			tsig = s != LDNS_SECTION_QUESTION && ldns_rr_get_type(r) == LDNS_RR_TYPE_TSIG;
			ldns_rr_free(r);
			if (tsig && (s != LDNS_SECTION_ADDITIONAL || i + 1u != count[s])) {
				*why = "a TSIG record that is not the last one";
				return -1;
			}
		}
	}
	if (pos != len) {
		*why = "bytes after the last record";
		return -1;
	}
	return 0;
}

/* ldns_pkt_tsig_verify, putting the packet back as it was: ldns 1.8 takes
 * the TSIG RR out of the packet while it computes the MAC and, when that
 * fails (an algorithm it does not know, say), returns without putting it
 * back, so ldns_pkt_free would never free it. */
static bool
dnsupdate_verify(ldns_pkt *a, const uint8_t *ans, size_t anslen, const struct dnsupdate_key *k,
    const ldns_rdf *req_mac)
{
	ldns_rr *t = ldns_pkt_tsig(a);
	uint16_t id = ldns_pkt_id(a);
	bool ok;

	ok = ldns_pkt_tsig_verify(a, ans, anslen, k->name, k->secret_b64, req_mac);
	if (ldns_pkt_tsig(a) == NULL)
		ldns_pkt_set_tsig(a, t);
	ldns_pkt_set_id(a, id);
	return ok;
}

/* Whether the answer's TSIG t is ours: our key's name and algorithm (a
 * server signs an answer with the request's key, RFC 8945 5.3), the MAC
 * over the request's MAC and the answer (4.3.1), and a Time Signed within
 * its fudge of our clock (the check 5.2.3 has a server make). */
static bool
dnsupdate_tsig_ok(ldns_pkt *a, const ldns_rr *t, const uint8_t *ans, size_t anslen,
    const struct dnsupdate_key *k, const ldns_rdf *req_mac, const char **why)
{
	ldns_rdf *kname, *alg, *tsigned = ldns_rr_rdf(t, 1), *fudge = ldns_rr_rdf(t, 2);
	const uint8_t *p;
	uint64_t when = 0;
	int64_t skew;
	bool same;

	if (ldns_rr_rd_count(t) != 7 || ldns_rdf_size(tsigned) != 6 || ldns_rdf_size(fudge) != 2) {
		*why = "a malformed TSIG record";
		return false;
	}
	/* a MAC of no bytes: the unsigned error answers of RFC 8945 5.3.2 */
	if (ldns_rdf_size(ldns_rr_rdf(t, 3)) <= 2) {
		*why = "unsigned";
		return false;
	}
	if ((kname = ldns_dname_new_frm_str(k->name)) == NULL) {
		*why = "out of memory";
		return false;
	}
	same = ldns_dname_compare(ldns_rr_owner(t), kname) == 0;
	ldns_rdf_deep_free(kname);
	if (!same) {
		*why = "signed with another key";
		return false;
	}
	if ((alg = ldns_dname_new_frm_str(DNSUPDATE_ALG)) == NULL) {
		*why = "out of memory";
		return false;
	}
	same = ldns_rr_rdf(t, 0) != NULL && ldns_dname_compare(ldns_rr_rdf(t, 0), alg) == 0;
	ldns_rdf_deep_free(alg);
	if (!same) {
		*why = "signed with another algorithm";
		return false;
	}
	if (!dnsupdate_verify(a, ans, anslen, k, req_mac)) {
		*why = "its MAC does not verify";
		return false;
	}
	/* the time after the MAC, in RFC 8945 5.2's order: a time is only
	 * worth reading once it is known to be the server's */
	p = ldns_rdf_data(tsigned);
	for (int i = 0; i < 6; i++)
		when = when << 8 | p[i];
	skew = (int64_t)time(NULL) - (int64_t)when;
	if (skew > (int64_t)ldns_rdf2native_int16(fudge) || -skew > (int64_t)ldns_rdf2native_int16(fudge)) {
		*why = "its TSIG time is outside the fudge";
		return false;
	}
	return true;
}

enum dnsupdate_result
dnsupdate_check(const uint8_t *req, size_t reqlen, const uint8_t *ans, size_t anslen,
    const struct dnsupdate_key *k, char *err, size_t errlen)
{
	enum dnsupdate_result res = DNSUPDATE_NOT_OURS;
	ldns_pkt *a = NULL, *q = NULL;
	const ldns_rdf *req_mac;
	const ldns_rr *t;
	const char *why = NULL, *rname, *ename;
	unsigned rcode, terr = 0;
	bool verified = false;
	char rbuf[16];

	if (req == NULL || reqlen < LDNS_HEADER_SIZE || reqlen > DNSUPDATE_ANSWER_MAX) {
		util_errorf(err, errlen, "no request to match the answer to");
		return DNSUPDATE_NOT_OURS;
	}
	if (ans == NULL || anslen < LDNS_HEADER_SIZE) {
		util_errorf(err, errlen, "%zu bytes: shorter than a DNS header", ans == NULL ? 0 : anslen);
		return DNSUPDATE_NOT_OURS;
	}
	/* Ours are a few hundred bytes. The cap keeps ldns 1.8's TSIG code in
	 * bounds: it copies the message into a fixed 64 KiB buffer unchecked,
	 * after the request's MAC and before the TSIG variables. */
	if (anslen > DNSUPDATE_ANSWER_MAX) {
		util_errorf(err, errlen, "%zu bytes: longer than any answer to an update", anslen);
		return DNSUPDATE_NOT_OURS;
	}
	/* the header first: most of what is not ours stops here, unparsed */
	if (LDNS_ID_WIRE(ans) != LDNS_ID_WIRE(req)) {
		util_errorf(err, errlen, "another message id");
		return DNSUPDATE_NOT_OURS;
	}
	if (!LDNS_QR_WIRE(ans)) {
		util_errorf(err, errlen, "not a response");
		return DNSUPDATE_NOT_OURS;
	}
	if (LDNS_OPCODE_WIRE(ans) != DNSUPDATE_OPCODE) {
		util_errorf(err, errlen, "opcode %d, not UPDATE", LDNS_OPCODE_WIRE(ans));
		return DNSUPDATE_NOT_OURS;
	}
	if (dnsupdate_walk(ans, anslen, &why) != 0) {
		util_errorf(err, errlen, "unparsable: %s", why);
		return DNSUPDATE_NOT_OURS;
	}
	if (ldns_wire2pkt(&a, ans, anslen) != LDNS_STATUS_OK) {
		a = NULL;
		util_errorf(err, errlen, "unparsable");
		goto out;
	}
	if (ldns_wire2pkt(&q, req, reqlen) != LDNS_STATUS_OK) {
		q = NULL;
		util_errorf(err, errlen, "the request does not parse");
		goto out;
	}
	if (ldns_pkt_tsig(q) == NULL || ldns_rr_rd_count(ldns_pkt_tsig(q)) != 7) {
		util_errorf(err, errlen, "the request is not signed");
		goto out;
	}
	req_mac = ldns_rr_rdf(ldns_pkt_tsig(q), 3);

	/* the OPT record's extended rcode is the upper 8 bits (RFC 6891 6.1.3) */
	rcode = ldns_pkt_get_rcode(a);
	if (ldns_pkt_edns(a))
		rcode |= (unsigned)ldns_pkt_edns_extended_rcode(a) << 4;
	if ((t = ldns_pkt_tsig(a)) != NULL) {
		if (ldns_rr_rd_count(t) == 7 && ldns_rdf_size(ldns_rr_rdf(t, 5)) == 2)
			terr = ldns_rdf2native_int16(ldns_rr_rdf(t, 5));
		verified = dnsupdate_tsig_ok(a, t, ans, anslen, k, req_mac, &why);
	} else {
		why = "unsigned";
	}
	if ((rname = dnsupdate_rcode_name(rcode)) == NULL) {
		snprintf(rbuf, sizeof(rbuf), "RCODE %u", rcode);
		rname = rbuf;
	}

	if (rcode != 0) {
		/* RFC 8945 5.3.2: BADSIG and BADKEY come unsigned (the server
		 * could not or would not sign), BADTIME signed; report either,
		 * and whether the answer proved it came from the server */
		ename = dnsupdate_tsig_error_name(terr);
		if (terr == 0)
			util_errorf(err, errlen, "%s (%s)", rname, verified ? "signed" : why);
		else if (ename != NULL)
			util_errorf(err, errlen, "%s (TSIG error %s; %s)", rname, ename, verified ? "signed" : why);
		else
			util_errorf(err, errlen, "%s (TSIG error %u; %s)", rname, terr, verified ? "signed" : why);
		res = DNSUPDATE_REFUSED;
		goto out;
	}
	/* RFC 8945 5.4: an answer to a signed request without a TSIG, or with
	 * one that fails, may be anyone's; the caller keeps waiting for the
	 * server's or gives up */
	if (!verified) {
		util_errorf(err, errlen, "NOERROR but %s", why);
		res = DNSUPDATE_BAD_TSIG;
		goto out;
	}
	if (terr != 0) {
		util_errorf(err, errlen, "NOERROR but TSIG error %u", terr);
		res = DNSUPDATE_BAD_TSIG;
		goto out;
	}
	res = DNSUPDATE_OK;
out:
	ldns_pkt_free(a);
	ldns_pkt_free(q);
	return res;
}
