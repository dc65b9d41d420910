/* SPDX-License-Identifier: ISC */
/* dnsupdate: RFC 2136 dynamic updates of a zone's A and AAAA records,
 * signed with TSIG hmac-sha256 (RFC 8945), built and checked with ldns.
 * Pure: no sockets. dnsupdate_build makes the message's bytes; the caller
 * sends them (UDP, or TCP with the two-byte length); dnsupdate_check says
 * what an answer means.
 *
 * The key file is one line, as `kdig -y` and `knsupdate -y` take it:
 *
 *   hmac-sha256:KEYNAME:BASE64SECRET
 *
 * ldns signs with the wall clock (ldns_pkt_tsig_sign reads gettimeofday
 * itself), so a message's Time Signed is always "now"; nothing here takes
 * a time.
 */
#ifndef V6EXT_DNSUPDATE_H
#define V6EXT_DNSUPDATE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define DNSUPDATE_NAME_MAX   254        /* text form, no trailing dot, plus NUL */
#define DNSUPDATE_SECRET_MIN 16         /* decoded bytes */
#define DNSUPDATE_SECRET_MAX 64         /* one SHA-256 block: HMAC hashes longer keys first */
#define DNSUPDATE_FUDGE      300        /* seconds, the value RFC 8945 recommends */
#define DNSUPDATE_RR_MAX     32         /* records in one update: it must fit a UDP datagram */
#define DNSUPDATE_ANSWER_MAX 16384      /* longer answers are not ours (see dnsupdate.c) */

struct dnsupdate_key {
	char name[DNSUPDATE_NAME_MAX];  /* the key's name, e.g. "v6ext" */
	char secret_b64[128];           /* base64 as in the file (ldns wants it so) */
};

/* The key file's text: one line "hmac-sha256:KEYNAME:BASE64SECRET", an
 * optional trailing newline, nothing else (no comments, no blank lines).
 * Only hmac-sha256; the secret decodes to DNSUPDATE_SECRET_MIN..MAX bytes;
 * KEYNAME is a DNS name (one trailing dot is dropped). 0, or -1 with why in
 * err (the secret is never in it) and k wiped. */
int dnsupdate_key_parse(const uint8_t *buf, size_t len, struct dnsupdate_key *k, char *err, size_t errlen);
void dnsupdate_key_wipe(struct dnsupdate_key *k);

enum dnsupdate_op { DNSUPDATE_ADD, DNSUPDATE_DELETE };

struct dnsupdate_rr {
	enum dnsupdate_op op;
	char name[DNSUPDATE_NAME_MAX];  /* "vm1.home1.home.example.org", inside the zone */
	int family;                     /* AF_INET6: AAAA, AF_INET: A */
	union {
		struct in6_addr v6;
		struct in_addr v4;
	} addr;
	uint32_t ttl;                   /* for ADD; at most 2^31 - 1 (RFC 2181 8) */
};

/* An UPDATE (RFC 2136 2.) for zone: zone section "zone SOA IN", no
 * prerequisites, and in the update section per rr: ADD, the RR in class IN
 * with its ttl (2.5.1); DELETE, that one RR from its RRset, class NONE,
 * ttl 0 (2.5.4). id is the message id. Signed with k (hmac-sha256, fudge
 * DNSUPDATE_FUDGE) at the wall clock's time. 0 with the message in *out
 * (malloc'd: free() it) and *len, or -1 with why in err. */
int dnsupdate_build(const char *zone, const struct dnsupdate_rr *rr, size_t n, uint16_t id,
    const struct dnsupdate_key *k, uint8_t **out, size_t *len, char *err, size_t errlen);

enum dnsupdate_result {
	DNSUPDATE_OK,           /* NOERROR, TSIG verified */
	DNSUPDATE_NOT_OURS,     /* unparsable, not a response, other id, other opcode: ignore it, keep waiting */
	DNSUPDATE_REFUSED,      /* an error rcode, signed or not: err says "NOTAUTH (TSIG error BADSIG)" etc. */
	DNSUPDATE_BAD_TSIG,     /* NOERROR but the answer's TSIG is missing or wrong */
};

/* Check ans (a UDP answer, or a TCP one without its length) against req
 * (what dnsupdate_build made): the same id, QR set, opcode UPDATE; then the
 * rcode and the TSIG error field (RFC 8945 5.3.2); then the answer's TSIG,
 * verified with k over the request's MAC (RFC 8945 4.3.1). ans is hostile:
 * any bytes, any length. err says why for everything but DNSUPDATE_OK. */
enum dnsupdate_result dnsupdate_check(const uint8_t *req, size_t reqlen, const uint8_t *ans, size_t anslen,
    const struct dnsupdate_key *k, char *err, size_t errlen);

/* "NOERROR", "NOTAUTH", ... or NULL for an rcode without a name here. */
const char *dnsupdate_rcode_name(unsigned rcode);

#endif
