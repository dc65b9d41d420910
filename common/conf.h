/* SPDX-License-Identifier: ISC */
/* conf: the server and client configuration files (INI, parsed by inih).
 * Errors read "FILE:LINE: message"; unknown sections and keys are errors.
 * Only ';' starts an inline comment (it must follow white space); '#' and
 * ';' start a comment at the beginning of a line. */
#ifndef V6EXT_CONF_H
#define V6EXT_CONF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "keys.h"
#include "prefix.h"

#define CONF_ERR_LEN          512
#define CONF_PATH_MAX         256
#define CONF_NAME_MAX         32     /* peer names: [A-Za-z0-9_.-], 1..32 */
#define CONF_HOST_MAX         253    /* DNS name or address */
#define CONF_DNS_MAX          4
#define CONF_USER_MAX         32
#define CONF_SOCK_MAX         (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
#define CONF_PEERS_MAX        16384
#define CONF_FILE_MAX         (4 * 1024 * 1024)  /* room for CONF_PEERS_MAX peers */

#define CONF_DEFAULT_PORT      51820
#define CONF_DEFAULT_KEEPALIVE 25
#define CONF_BUSY_POLL_MAX     10000   /* microseconds */
#define CONF_MTU_MIN           1280  /* RFC 8200 5: the IPv6 minimum link MTU */
#define CONF_MTU_MAX           65535
/* Inner MTU: a tunnelled full frame must fit a 1500-byte IPv6 path and a
 * 1460-byte MAP-E/DS-Lite IPv4 path. Per frame the tunnel adds Ethernet 14,
 * data header 16 and AEAD tag 16 = 46 bytes, plus UDP 8 and IPv6 40 (1500 -
 * 94 = 1406) or IPv4 20 (1460 - 74 = 1386). 1380 fits both and leaves room
 * for one 802.1Q tag. docs/PROTOCOL.md has the table. */
#define CONF_DEFAULT_MTU       1380
/* DHCPv6 address lifetimes (RFC 8415 21.6): preferred 12 h, valid 1 day;
 * T1 and T2 are 0.5 and 0.8 of the preferred lifetime. */
#define CONF_DEFAULT_PREFERRED 43200
#define CONF_DEFAULT_VALID     86400
#define CONF_LIFETIME_MIN      60
#define CONF_LIFETIME_MAX      31536000     /* a year */
/* Fixed paths, as operators expect them whatever the install prefix. */
#define CONF_DEFAULT_STATE_DIR "/var/lib/v6ext"
#define CONF_DEFAULT_SERVER_SOCK "/run/v6ext/v6extd.sock"
#define CONF_DEFAULT_CLIENT_SOCK "/run/v6ext/client.sock"
#define CONF_DEFAULT_CLIENT_TAP "v6ext0"
#define CONF_DEFAULT_BRIDGE    "br-v6ext"
/* IPv4 reach (docs/IPV4.md): the NAT64 prefix IPv4 clients appear in to
 * site hosts (RFC 8215 local-use, a /96 as RFC 6052 2.2 lays it out), and
 * the translator's internal pool (RFC 2544's benchmarking range: never
 * routed on the internet). */
#define CONF_DEFAULT_NAT64_PREFIX "64:ff9b:1::/96"
#define CONF_DEFAULT_IPV4_POOL    "198.18.0.0/16"
#define CONF_POOL_LEN_MIN         16
#define CONF_POOL_LEN_MAX         28
#define CONF_FORWARDS_MAX         4096   /* in the whole file */
#define CONF_MAPS_MAX             256
#define CONF_FORWARD_TEXT         64     /* "udp 65535 [IPV6]:65535" and its NUL */
/* The system user the daemons run as after start-up (the packages make
 * it); user = root keeps uid 0, still without capabilities. */
#define CONF_DEFAULT_USER      "v6ext"
#define CONF_DEFAULT_ROUTE_HOLD 5       /* s: a short outage is no failover */
/* s of silence after which a session counts as dead: a client probes
 * after 1 s of hearing nothing and the server answers every probe, so a
 * live path is never silent for long (docs/ROUTING.md) */
#define CONF_DEFAULT_DEAD_AFTER 5
#define CONF_DEAD_AFTER_MAX    3600
#define CONF_ROUTE_HOLD_MAX    3600

enum conf_ndp_mode { CONF_NDP_AUTO, CONF_NDP_STATIC, CONF_NDP_OFF };
enum conf_ipv4_mode { CONF_IPV4_AUTO, CONF_IPV4_OFF, CONF_IPV4_ADDR };

/* forward = PROTO PORT [IPV6]:PORT, in a [peer] section. */
struct conf_forward {
	char peer[CONF_NAME_MAX + 1];
	uint8_t proto;                      /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;                      /* the public port, 1..65535 */
	struct in6_addr addr;               /* the site host */
	uint16_t to_port;                   /* 1..65535 */
	int line;                           /* 0 for one added at run time */
};

/* ipv4-map = IPV4 IPV6, in a [peer] section (RFC 7757). */
struct conf_map {
	char peer[CONF_NAME_MAX + 1];
	struct in_addr v4;
	struct in6_addr v6;
	int line;
};
/* host = NAME IPV6 and host-duid = NAME DUID-HEX, in a [peer] section
 * (docs/DNS.md). */
#define CONF_HOSTS_MAX  4096    /* in the whole file */
#define CONF_DUID_MAX   130     /* RFC 8415 11.1: type + at most 128 bytes */
struct conf_host {
	char peer[CONF_NAME_MAX + 1];
	char name[64];                      /* one label */
	bool by_duid;
	struct in6_addr addr;               /* host */
	size_t duid_len;                    /* host-duid */
	uint8_t duid[CONF_DUID_MAX];
	int line;
};

enum conf_sub_kind { CONF_SUB_AUTO, CONF_SUB_INDEX, CONF_SUB_PREFIX };

struct conf_peer {
	char name[CONF_NAME_MAX + 1];
	uint8_t public_key[KEY_LEN];
	bool has_psk;
	char psk_file[CONF_PATH_MAX];       /* preshared-key-file, optional */
	enum conf_sub_kind sub_kind;        /* sub-prefix = auto | INDEX | PREFIX */
	uint64_t sub_index;                 /* CONF_SUB_INDEX */
	struct prefix sub_prefix;           /* CONF_SUB_PREFIX */
	char tap[IFNAMSIZ];                 /* default "v6x-<name>" */
	uint8_t pd_len;                     /* prefix-delegation: 0 none, else the length */
	int line;                           /* line of the [peer NAME] header */
};

struct conf_server {
	char path[CONF_PATH_MAX];           /* the file, for messages */
	char private_key_file[CONF_PATH_MAX];   /* required */
	uint16_t listen_port;               /* 1..65535, default 51820 */
	char upstream[IFNAMSIZ];            /* required */
	bool prefix_auto;                   /* prefix = auto (default) */
	struct prefix prefix;               /* when !prefix_auto: a /64, or a routed /40../63 */
	uint8_t sub_prefix_len;             /* 65..120 (/64), 48..120 (routed); default 78 */
	struct in6_addr dns[CONF_DNS_MAX];  /* dns = a, b (comma-separated) */
	size_t n_dns;
	uint16_t mtu;                       /* CONF_MTU_MIN..CONF_MTU_MAX */
	uint16_t busy_poll;                 /* microseconds of polling after traffic, 0 = off */
	uint32_t route_table;               /* live sites' prefixes in this kernel table; 0 = off */
	uint16_t route_hold;                /* s a site's route outlives its session */
	uint16_t dead_after;                /* s of silence: a site's session is down; 0 = until it expires */
	/* what home hosts see of this gateway (site MACs, DHCPv6 DUID and
	 * addresses) derives from this key; the server's own without it */
	uint8_t site_identity[KEY_LEN];
	bool has_site_identity;
	enum conf_ndp_mode ndp_proxy;       /* default auto */
	bool dhcpv6;                        /* on | off, default on */
	uint8_t dns_search[256];            /* dns-search, DHCPv6 wire form */
	size_t dns_search_len;              /* 0: none */
	uint32_t dhcpv6_preferred;          /* address lifetimes, seconds */
	uint32_t dhcpv6_valid;
	char state_dir[CONF_PATH_MAX];
	char control_socket[CONF_SOCK_MAX + 1];
	bool metrics_enabled;               /* metrics-listen set */
	struct sockaddr_storage metrics_listen; /* [v6]:port or v4:port */
	char user[CONF_USER_MAX + 1];       /* default v6ext; root: the engine keeps uid 0 */
	char control_group[CONF_USER_MAX + 1];  /* may show and leases; empty: root only */
	gid_t control_gid;                  /* its gid once conf_server_load resolved it,
	                                     * else (gid_t)-1 */
	enum conf_ipv4_mode public_ipv4_mode;   /* default auto */
	struct in_addr public_ipv4;         /* CONF_IPV4_ADDR */
	struct prefix nat64_prefix;         /* a /96 */
	struct in_addr ipv4_pool;           /* its network address */
	uint8_t ipv4_pool_len;              /* CONF_POOL_LEN_MIN..MAX */
	struct conf_peer *peers;            /* heap, n_peers entries */
	size_t n_peers;
	struct conf_forward *forwards;      /* heap, every peer's, in file order */
	size_t n_forwards;
	struct conf_map *maps;              /* heap, n_maps */
	size_t n_maps;
	/* DNS names (docs/DNS.md) */
	char dns_zone[CONF_HOST_MAX + 1];   /* "" when none */
	bool dns_update;                    /* dns-update-server set */
	struct sockaddr_storage dns_update_server;
	char dns_tsig_key_file[CONF_PATH_MAX];
	char dns_hosts_dir[CONF_PATH_MAX];
	char dns_hook[CONF_PATH_MAX];
	struct conf_host *hosts;            /* heap, every peer's host and host-duid */
	size_t n_hosts;
};

/* Anything publishes names: the publisher process runs. */
bool conf_dns_publishes(const struct conf_server *c);

/* A gateway the client may connect to. */
struct conf_gateway {
	char host[CONF_HOST_MAX + 1];           /* name, v6 or v4 literal (no brackets) */
	uint16_t port;
	uint8_t public_key[KEY_LEN];
};

#define CONF_STANDBY_MAX        3       /* standby-server lines: 4 gateways in all */
#define CONF_DEFAULT_FAILBACK   30      /* s a better gateway must answer before we go back */
#define CONF_FAILBACK_MAX       86400

struct conf_client {
	char path[CONF_PATH_MAX];
	char private_key_file[CONF_PATH_MAX];   /* required */
	char server_host[CONF_HOST_MAX + 1];    /* name, v6 or v4 literal (no brackets) */
	uint16_t server_port;                   /* default 51820 when omitted */
	uint8_t server_public_key[KEY_LEN];     /* required */
	bool has_psk;
	char psk_file[CONF_PATH_MAX];
	char tap[IFNAMSIZ];
	char bridge[IFNAMSIZ];
	uint16_t keepalive;                     /* seconds, 0 = off, max 3600 */
	uint16_t busy_poll;                     /* microseconds of polling after traffic, 0 = off */
	uint16_t mtu;
	char control_socket[CONF_SOCK_MAX + 1];
	char user[CONF_USER_MAX + 1];           /* default v6ext; root: keep uid 0 */
	char control_group[CONF_USER_MAX + 1];  /* may show; empty: root only */
	gid_t control_gid;                      /* as in conf_server */
	/* after `server`, in priority order: taken when the better ones are dead */
	struct conf_gateway standby[CONF_STANDBY_MAX];
	size_t n_standby;
	uint16_t dead_after;                    /* s of silence: the gateway is dead; 0 = off */
	uint32_t failback_after;                /* s a better gateway answers before we go back */
};

/* Parse a whole file held in memory; name is used in messages. On error
 * returns -1 and writes "NAME:LINE: message" (or "NAME: message" where no
 * line applies) into err. */
int conf_server_parse(const char *name, const uint8_t *buf, size_t len,
    struct conf_server *out, char *err, size_t errlen);
int conf_client_parse(const char *name, const uint8_t *buf, size_t len,
    struct conf_client *out, char *err, size_t errlen);
/* Read path and parse it; "PATH: strerror" when it cannot be read. Unlike
 * the parsers these also look names up on the system: control-group must
 * name a group ("PATH:LINE: control-group 'x': no such group"), so a start
 * and -n both catch a typo. */
int conf_server_load(const char *path, struct conf_server *out, char *err, size_t errlen);
int conf_client_load(const char *path, struct conf_client *out, char *err, size_t errlen);
void conf_server_free(struct conf_server *c);
/* The first setting (its key) that differs between a running a and a
 * reloaded b although a reload cannot change it under running sites;
 * NULL when only what a reload may change (the peers) differs. */
const char *conf_server_reload_fixed(const struct conf_server *a, const struct conf_server *b);
/* Read a configuration file whole into a new heap buffer (NUL-terminated;
 * *len without it): what _load parses. -1 with "PATH: why" in err. */
int conf_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);

/* A peer name: 1..CONF_NAME_MAX characters of A-Z a-z 0-9 _ . - */
bool conf_peer_name_valid(const char *s);

const struct conf_peer *conf_server_find_peer(const struct conf_server *c, const char *name);
/* The prefix's length: 64 with prefix = auto (the upstream link's /64). */
uint8_t conf_server_base_len(const struct conf_server *srv);
/* Whether the prefix is routed (a /40../63 the provider routes to this
 * host): no NDP proxy then; a /64 site there uses SLAAC. */
bool conf_server_routed(const struct conf_server *srv);

/* conf_ipv4.c: the values of IPv4 reach. "PROTO PORT [IPV6]:PORT" (the
 * forward key's value) into f (peer and line left alone): -1 with why in
 * err ("forward 'x': ..."). */
int conf_forward_parse(const char *s, struct conf_forward *f, char *err, size_t errlen);
/* f back as that text, into buf (CONF_FORWARD_TEXT bytes). */
void conf_forward_format(const struct conf_forward *f, char *buf, size_t len);
/* "IPV4 IPV6" (the ipv4-map key's value) into m. */
int conf_map_parse(const char *s, struct conf_map *m, char *err, size_t errlen);
/* A dotted quad, strictly (inet_pton); and one a host may use as a unicast
 * address: not 0/8, 127/8, 224/3 (multicast and reserved) or broadcast. */
bool conf_ipv4_parse(const char *s, struct in_addr *out);
bool conf_ipv4_unicast(const struct in_addr *a);
/* "A.B.C.D/LEN" with no host bits set. */
int conf_ipv4_prefix_parse(const char *s, struct in_addr *addr, uint8_t *len, char *err, size_t errlen);
/* Whether a lies inside net/len. */
bool conf_ipv4_in(const struct in_addr *a, const struct in_addr *net, uint8_t len);

#endif
