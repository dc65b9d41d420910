/* SPDX-License-Identifier: ISC */
/* dhcp6: DHCPv6 messages (RFC 8415) between a client and a server on one
 * link. dhcp6_parse reads a UDP payload with every length checked, nested
 * options included; dhcp6_build is its twin. What a server needs is kept:
 * IDs, IA_NA (with addresses), IA_TA (IAIDs, to decline them), IA_PD (with
 * prefixes, RFC 8415 6.3), rapid commit, the option request list; relay
 * messages are refused. */
#ifndef V6EXT_DHCP6_H
#define V6EXT_DHCP6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

/* RFC 8415 7.3 message types */
enum {
	DHCP6_SOLICIT = 1, DHCP6_ADVERTISE, DHCP6_REQUEST, DHCP6_CONFIRM, DHCP6_RENEW,
	DHCP6_REBIND, DHCP6_REPLY, DHCP6_RELEASE, DHCP6_DECLINE, DHCP6_RECONFIGURE,
	DHCP6_INFORMATION_REQUEST, DHCP6_RELAY_FORW, DHCP6_RELAY_REPL,
};

/* RFC 8415 21, RFC 3646 */
enum {
	DHCP6_OPT_CLIENTID = 1, DHCP6_OPT_SERVERID = 2, DHCP6_OPT_IA_NA = 3, DHCP6_OPT_IA_TA = 4,
	DHCP6_OPT_IAADDR = 5, DHCP6_OPT_ORO = 6, DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_ELAPSED_TIME = 8, DHCP6_OPT_STATUS_CODE = 13, DHCP6_OPT_RAPID_COMMIT = 14,
	DHCP6_OPT_DNS_SERVERS = 23, DHCP6_OPT_DOMAIN_LIST = 24, DHCP6_OPT_IA_PD = 25,
	DHCP6_OPT_IAPREFIX = 26, DHCP6_OPT_CLIENT_FQDN = 39,
};

/* RFC 4704 4.1: the Client FQDN option's flags */
#define DHCP6_FQDN_S 0x01               /* the server updates the AAAA */
#define DHCP6_FQDN_O 0x02               /* the server overrode the client's S */
#define DHCP6_FQDN_N 0x04               /* no updates at all */

/* RFC 8415 21.13 status codes */
enum {
	DHCP6_SUCCESS = 0, DHCP6_UNSPEC_FAIL = 1, DHCP6_NO_ADDRS_AVAIL = 2, DHCP6_NO_BINDING = 3,
	DHCP6_NOT_ON_LINK = 4, DHCP6_USE_MULTICAST = 5, DHCP6_NO_PREFIX_AVAIL = 6,
};

#define DHCP6_DUID_MAX     130  /* RFC 8415 11.1: type + at most 128 bytes */
#define DHCP6_IA_MAX       8    /* IAs of each kind kept; more are ignored */
#define DHCP6_ADDR_MAX     4    /* addresses per IA kept */
#define DHCP6_OPTIONS_MAX  128  /* options in a message, nested ones too */
#define DHCP6_ORO_MAX      32
#define DHCP6_DNS_MAX      4
#define DHCP6_DOMAINS_MAX  256  /* the domain list, in wire form */
#define DHCP6_FQDN_MAX     255  /* RFC 1035 3.1: a name in wire form */
#define DHCP6_MSG_MAX      1232 /* what dhcp6_build may write: 1280 - 40 - 8 */

/* Why a message was dropped; the name is its counter in `v6ext show`. */
enum dhcp6_drop {
	DHCP6_OK = 0,
	DHCP6_DROP_SHORT,               /* under the 4-byte header */
	DHCP6_DROP_TRUNCATED,           /* an option runs past its container */
	DHCP6_DROP_OPTION_LENGTH,       /* a length wrong for its option */
	DHCP6_DROP_OPTION_BOMB,         /* over DHCP6_OPTIONS_MAX options */
	DHCP6_DROP_DUPLICATE,           /* a client or server ID twice */
	DHCP6_DROP_RELAY,               /* relay messages are not served */
	DHCP6_DROP_TYPE,                /* a server's message or an unknown type */
	DHCP6_DROP_NO_CLIENT_ID,
	DHCP6_DROP_NO_SERVER_ID,        /* Request, Renew, Release, Decline need ours */
	DHCP6_DROP_SERVER_ID,           /* present where forbidden (Solicit, Rebind, Confirm) */
	DHCP6_DROP_OTHER_SERVER,        /* another server's ID */
	DHCP6_DROP_NO_ADDRESS,          /* a Confirm with no address to confirm */
	DHCP6_DROP_BAD_UDP,             /* UDP length or checksum wrong, or extension headers */
	DHCP6_DROP_NOT_LINK_LOCAL,      /* a client speaks from its link-local address */
	DHCP6_DROP_RATE,                /* over the per-site message rate */
	DHCP6_DROP_INFORM_IA,           /* an Information-request with an IA (RFC 8415 16.12) */
	DHCP6_DROP_TOO_BIG,             /* the reply would not fit DHCP6_MSG_MAX */
	DHCP6_DROP_MAX
};
const char *dhcp6_drop_name(enum dhcp6_drop d);

/* An IAADDR, or in an IA_PD an IAPREFIX (RFC 8415 21.22): addr/plen. */
struct dhcp6_addr {
	struct in6_addr addr;
	uint32_t preferred, valid;
	uint8_t plen;                   /* IAPREFIX only */
};

struct dhcp6_ia {
	uint32_t iaid, t1, t2;          /* t1/t2 are not in IA_TA */
	size_t n_addrs;                 /* IA_NA, IA_TA: IAADDR options; IA_PD: IAPREFIX */
	struct dhcp6_addr addrs[DHCP6_ADDR_MAX];
	bool has_status;
	uint16_t status;
};

struct dhcp6_msg {
	uint8_t type;
	uint32_t xid;                   /* 24 bits */
	size_t client_id_len, server_id_len;    /* 0: absent */
	uint8_t client_id[DHCP6_DUID_MAX], server_id[DHCP6_DUID_MAX];
	bool rapid_commit;
	bool has_status;                /* top-level status code */
	uint16_t status;
	bool has_preference;
	uint8_t preference;
	bool has_elapsed;
	uint16_t elapsed;
	size_t n_ia_na, n_ia_ta, n_ia_pd;
	struct dhcp6_ia ia_na[DHCP6_IA_MAX], ia_ta[DHCP6_IA_MAX], ia_pd[DHCP6_IA_MAX];
	size_t n_oro;
	uint16_t oro[DHCP6_ORO_MAX];
	size_t n_dns;
	struct in6_addr dns[DHCP6_DNS_MAX];
	size_t domains_len;             /* RFC 1035 3.1 names, back to back */
	uint8_t domains[DHCP6_DOMAINS_MAX];
	/* Client FQDN (RFC 4704): the flags and the name as sent, in wire
	 * form; names.h reads it. A name over DHCP6_FQDN_MAX is not kept:
	 * fqdn_too_long says it came. */
	bool has_fqdn;
	bool fqdn_too_long;
	uint8_t fqdn_flags;
	size_t fqdn_len;
	uint8_t fqdn[DHCP6_FQDN_MAX];
};

/* Parse a UDP payload. On DHCP6_OK *m holds the message; otherwise the
 * reason it must be dropped. */
enum dhcp6_drop dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m);
/* Write m (options in a fixed order; status codes carry no text). Returns
 * the length, 0 if it does not fit cap. */
size_t dhcp6_build(const struct dhcp6_msg *m, uint8_t *out, size_t cap);
bool dhcp6_oro_has(const struct dhcp6_msg *m, uint16_t code);

#endif
