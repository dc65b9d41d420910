/* SPDX-License-Identifier: ISC */
/* parent: v6extd's privileged process; see parent.h. A poll loop on two fds:
 * the engine's socket and a signalfd. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "ctl.h"
#include "engine.h"
#include "keys.h"
#include "log.h"
#include "ndp.h"
#include "nl.h"
#include "nlmon.h"
#include "parent.h"
#include "privdrop.h"
#include "privmsg.h"
#include "publisher.h"
#include "statedir.h"
#include "statefile.h"
#include "sysctl.h"
#include "tap.h"
#include "util.h"
#include "xlatdev.h"

#define PARENT_STOP_WAIT_MS 10000       /* then the engine is killed */

struct parent {
	const char *conf_path;
	struct conf_server conf;        /* what the engine may ask for */
	struct nl_sock *nl;
	int upstream_index;
	uint8_t upstream_mac[6];
	struct prefix prefix;           /* the /64 */
	uint32_t tap_group;             /* our taps: deleted in one request at the stop */
	struct statefile_dir state;     /* state-dir: root's, only we write it */
	int sock;                       /* to the engine */
	pid_t engine;
	pid_t publisher;                /* publisher.h, or 0 */
	struct in6_addr used[PRIV_ADDRS_MAX];   /* upstream's addresses and neighbours */
	size_t n_used;
	struct xlatdev xlat;            /* the translator's device and table */
};

/* ---- start-up */

/* The upstream interface: its index and MAC, the /64 (prefix = auto: the
 * one global /64 on it), and the sysctls a router needs. Forwarding makes
 * Linux ignore RAs and purge the RA-learnt default route unless accept_ra
 * is 2 (the ndppd-on-a-VPS outage), so an interface that takes RAs
 * (accept_ra = 1) is switched to 2 first, and this is logged; one that
 * takes none (0, a static default route) is left alone. */
static int
parent_upstream(struct parent *p, char *err, size_t errlen)
{
	const char *up = p->conf.upstream;
	char pb[PREFIX_STRLEN];
	int accept_ra, fwd;

	if ((p->upstream_index = nl_link_index(p->nl, up)) == 0) {
		snprintf(err, errlen, "upstream %s: no such interface", up);
		return -1;
	}
	if (nl_link_mac(p->nl, up, p->upstream_mac) != 0) {
		snprintf(err, errlen, "upstream %s: not an Ethernet interface", up);
		return -1;
	}
	if (p->conf.prefix_auto) {
		struct nl_addr6 a[PRIV_ADDRS_MAX];
		struct in6_addr addrs[PRIV_ADDRS_MAX];
		uint8_t plens[PRIV_ADDRS_MAX];
		size_t n;
		int found;

		if (nl_addrs6(p->nl, p->upstream_index, a, ARRAY_SIZE(a), &n, err, errlen) != 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			addrs[i] = a[i].addr;
			plens[i] = a[i].plen;
		}
		found = prefix_base_pick(addrs, plens, n, &p->prefix);
		if (found != 1) {
			snprintf(err, errlen, "prefix = auto: upstream %s has %s global /64 address;"
			    " set prefix = <the /64> in the config", up, found == 0 ? "no" : "more than one");
			return -1;
		}
	} else {
		p->prefix = p->conf.prefix;
	}
	prefix_format(&p->prefix, pb, sizeof(pb));
	log_info("upstream %s: prefix %s%s, sub-prefixes /%u", up, pb,
	    conf_server_routed(&p->conf) ? " (routed: no NDP proxy)" : "", p->conf.sub_prefix_len);
	if (sysctl_ipv6_get(up, "accept_ra", &accept_ra, err, errlen) != 0 ||
	    sysctl_ipv6_get("all", "forwarding", &fwd, err, errlen) != 0)
		return -1;
	if (accept_ra == 1) {
		if (sysctl_ipv6_set(up, "accept_ra", 2, err, errlen) != 0)
			return -1;
		log_info("upstream %s: accept_ra 1 -> 2, so its RA-learnt default route survives forwarding", up);
	}
	if (fwd != 1) {
		if (sysctl_ipv6_set("all", "forwarding", 1, err, errlen) != 0)
			return -1;
		log_info("IPv6 forwarding on");
	}
	return 0;
}

/* What upstream uses of the /64: its own addresses and its neighbours'.
 * Their sub-prefixes are never handed out, nor routed to a tap. */
static int
parent_used(struct parent *p, char *err, size_t errlen)
{
	struct nl_addr6 addrs[PRIV_ADDRS_MAX / 2];
	size_t n_addrs, n_neigh;

	if (nl_addrs6(p->nl, p->upstream_index, addrs, ARRAY_SIZE(addrs), &n_addrs, err, errlen) != 0 ||
	    nl_neigh6(p->nl, p->upstream_index, p->used + n_addrs, PRIV_ADDRS_MAX - n_addrs, &n_neigh,
	    err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n_addrs; i++)
		p->used[i] = addrs[i].addr;
	p->n_used = n_addrs + n_neigh;
	return 0;
}

/* The NDP proxy's packet socket (CAP_NET_RAW): it passes the engine only
 * ICMPv6 neighbour solicitations without extension headers (RFC 6980
 * forbids fragmenting them): Ethernet type at 12, IPv6 next header at
 * 14 + 6, ICMPv6 type at 14 + 40. All-multicast, so a real NIC passes the
 * solicited-node groups up. */
static struct sock_filter parent_ns_bpf[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 5),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NDP_NS, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int
parent_packet_socket(struct parent *p, char *err, size_t errlen)
{
	struct sock_fprog prog = { .len = ARRAY_SIZE(parent_ns_bpf), .filter = parent_ns_bpf };
	struct packet_mreq mr = { .mr_ifindex = p->upstream_index, .mr_type = PACKET_MR_ALLMULTI };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = p->upstream_index,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
		snprintf(err, errlen, "ndp proxy on %s: packet socket: %s", p->conf.upstream, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* metrics-listen: a TCP socket, listening. */
static int
parent_metrics_socket(const struct conf_server *c, char *err, size_t errlen)
{
	const struct sockaddr *sa = (const struct sockaddr *)&c->metrics_listen;
	socklen_t salen = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(fd, sa, salen) != 0 || listen(fd, 16) != 0) {
		snprintf(err, errlen, "metrics-listen: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- requests */

static void
parent_reply(struct parent *p, const struct privmsg *req, struct privmsg *r, int fd)
{
	r->type = req->type;
	r->id = req->id;
	r->reply = true;
	if (privmsg_send(p->sock, r, fd) != 0)
		log_warn("engine: %s reply", privmsg_type_name(req->type));
}

/* A refusal: err and why in the reply, and a line in the log, since an
 * engine that asks for what it may not have is not behaving. */
static void
parent_refuse(struct parent *p, const struct privmsg *req, struct privmsg *r, int err, const char *why)
{
	log_warnx("engine asked %s: refused: %s", privmsg_type_name(req->type), why);
	r->err = err;
	snprintf(r->text, sizeof(r->text), "%s: %s", privmsg_type_name(req->type), why);
	parent_reply(p, req, r, -1);
}

static void
parent_key_open(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	struct privmsg_policy pol = { .conf = &p->conf, .prefix = p->prefix };
	const char *why;
	int fd;

	if (privmsg_key_allowed(&pol, req, &why) != 0) {
		parent_refuse(p, req, r, EPERM, why);
		return;
	}
	if ((fd = key_open_file(req->path, r->text, sizeof(r->text))) < 0) {
		r->err = errno ? errno : EIO;
		parent_reply(p, req, r, -1);
		return;
	}
	parent_reply(p, req, r, fd);
	close(fd);
}

/* The tap's settings before it comes up: no RAs accepted (we are the
 * router here), no DAD (the MAC and so the link-local address are ours and
 * stable), the EUI-64 link-local address our RAs are sent from; then up
 * with the inner MTU and its MAC, in our group, the sub-prefix routed to it. */
static int
parent_tap_setup(struct parent *p, const struct privmsg *req, char *err, size_t errlen)
{
	struct prefix sub;

	prefix_sub_get(&p->prefix, p->conf.sub_prefix_len, req->index, &sub);
	if (sysctl_ipv6_set(req->tap, "accept_ra", 0, err, errlen) != 0 ||
	    sysctl_ipv6_set(req->tap, "accept_dad", 0, err, errlen) != 0 ||
	    sysctl_ipv6_set(req->tap, "addr_gen_mode", 0, err, errlen) != 0 ||
	    nl_link_set(p->nl, req->tap, true, p->conf.mtu, req->mac, err, errlen) != 0 ||
	    nl_link_set_group(p->nl, req->tap, p->tap_group, err, errlen) != 0 ||
	    nl_route6_replace(p->nl, nl_link_index(p->nl, req->tap), &sub.addr, sub.len, err, errlen) != 0)
		return -1;
	return 0;
}

static void
parent_site_open(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	struct privmsg_policy pol = { .conf = &p->conf, .prefix = p->prefix, .used = p->used, .n_used = p->n_used };
	const char *why;
	bool offload = req->offload;
	int fd;

	if (privmsg_site_allowed(&pol, req, &why) != 0) {
		parent_refuse(p, req, r, EPERM, why);
		return;
	}
	if ((fd = tap_open(req->tap, &offload)) < 0) {
		r->err = errno;
		snprintf(r->text, sizeof(r->text), "tap %s: %s", req->tap, strerror(errno));
		parent_reply(p, req, r, -1);
		return;
	}
	if (tap_set_carrier(fd, false) != 0) {
		r->err = errno;
		snprintf(r->text, sizeof(r->text), "tap %s: carrier: %s", req->tap, strerror(errno));
	} else if (parent_tap_setup(p, req, r->text, sizeof(r->text)) != 0) {
		r->err = EIO;
	}
	r->offload = offload;
	parent_reply(p, req, r, r->err == 0 ? fd : -1);
	close(fd);              /* the engine's is the last: the tap goes with it */
}

static void
parent_state_open(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	const char *name = privmsg_file_name(req->file);
	int fd = openat(p->state.fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		r->err = errno;
		snprintf(r->text, sizeof(r->text), "%.160s/%s: %s", p->conf.state_dir, name, strerror(errno));
	}
	parent_reply(p, req, r, fd);
	if (fd >= 0)
		close(fd);
}

/* The engine's bytes (a sealed memfd: a regular file of at most the
 * file's limit) replace the state file. */
static void
parent_state_write(struct parent *p, const struct privmsg *req, int fd, struct privmsg *r)
{
	const char *name = privmsg_file_name(req->file);
	size_t max = privmsg_file_max(req->file), got = 0;
	struct stat sb;
	char *buf = NULL;

	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > max) {
		parent_refuse(p, req, r, EINVAL, "not a regular file within the state file's limit");
		return;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		r->err = ENOMEM;
		parent_reply(p, req, r, -1);
		return;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)sb.st_size - got, (off_t)got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)sb.st_size) {
		r->err = EIO;
		snprintf(r->text, sizeof(r->text), "%s: short read of the engine's copy", name);
	} else {
		r->err = statefile_write(&p->state, name, buf, got, r->text, sizeof(r->text));
	}
	free(buf);
	parent_reply(p, req, r, -1);
}

static void
parent_used_reply(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	if (parent_used(p, r->text, sizeof(r->text)) != 0) {
		r->err = EIO;
	} else {
		memcpy(r->addrs, p->used, p->n_used * sizeof(p->used[0]));
		r->n_addrs = p->n_used;
	}
	parent_reply(p, req, r, -1);
}

/* ipv4-maps are routed and proxied at start-up: a reload cannot change them. */
static bool
parent_maps_changed(const struct conf_server *a, const struct conf_server *b)
{
	if (a->n_maps != b->n_maps)
		return true;
	for (size_t i = 0; i < a->n_maps; i++)
		if (a->maps[i].v4.s_addr != b->maps[i].v4.s_addr || memcmp(&a->maps[i].v6, &b->maps[i].v6, 16) != 0 ||
		    strcmp(a->maps[i].peer, b->maps[i].peer) != 0)
			return true;
	return false;
}

/* The configuration again: parsed here (it says which taps and key files
 * the engine may ask for from now on), and handed over as a sealed copy of
 * the same bytes. What a reload cannot change (prefix, upstream...) is
 * refused here; the peers of an accepted one are what the next requests
 * may use. */
static void
parent_conf_read(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	struct conf_server nc;
	uint8_t *buf = NULL;
	size_t len = 0, done = 0;
	char err[CONF_ERR_LEN];
	const char *fixed;
	int fd = -1;

	if (conf_read_file(p->conf_path, &buf, &len, err, sizeof(err)) != 0 ||
	    conf_server_parse(p->conf_path, buf, len, &nc, err, sizeof(err)) != 0) {
		r->err = EINVAL;
		snprintf(r->text, sizeof(r->text), "%.*s", (int)sizeof(r->text) - 1, err);
		goto out;
	}
	/* refused here, before anything of it is used: the parent keeps its
	 * start-time values (sub-prefix length, MTU, user...) either way */
	if ((fixed = conf_server_reload_fixed(&p->conf, &nc)) != NULL ||
	    (parent_maps_changed(&p->conf, &nc) && (fixed = "ipv4-map") != NULL)) {
		r->err = EINVAL;
		snprintf(r->text, sizeof(r->text), "%s changed, which needs a restart", fixed);
		conf_server_free(&nc);
		goto out;
	}
	conf_server_free(&p->conf);
	p->conf = nc;
	if ((fd = memfd_create("v6extd.conf", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
		goto fail;
	goto out;
fail:
	r->err = errno ? errno : EIO;
	snprintf(r->text, sizeof(r->text), "%s: copy: %s", p->conf_path, strerror(r->err));
	if (fd >= 0)
		close(fd);
	fd = -1;
out:
	free(buf);
	parent_reply(p, req, r, fd);
	if (fd >= 0)
		close(fd);
}

/* The translator's forwards: the table made anew with them. */
static void
parent_nat64_rules(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	struct privmsg_policy pol = { .conf = &p->conf, .prefix = p->prefix };
	const char *why;

	if (!p->xlat.on) {
		parent_refuse(p, req, r, EPERM, "no translator runs");
		return;
	}
	if (privmsg_rules_allowed(&pol, req, &why) != 0) {
		parent_refuse(p, req, r, EPERM, why);
		return;
	}
	if (xlatdev_rules(&p->xlat, &p->conf, req->dnat, req->n_dnat, r->text, sizeof(r->text)) != 0)
		r->err = EIO;
	parent_reply(p, req, r, -1);
}

/* A prefix delegated to a home router (DHCPv6-PD), routed via the router's
 * link-local address on the site's tap, or no more. The tap goes with the
 * engine, and its routes with it: a new engine installs them again. */
static void
parent_route(struct parent *p, const struct privmsg *req, struct privmsg *r)
{
	struct privmsg_policy pol = { .conf = &p->conf, .prefix = p->prefix, .used = p->used, .n_used = p->n_used };
	char pb[PREFIX_STRLEN], vb[INET6_ADDRSTRLEN];
	const char *why;
	int ifindex;

	if ((req->table != 0 ? privmsg_site_route_allowed(&pol, req, &why) :
	    privmsg_route_allowed(&pol, req, &why)) != 0) {
		parent_refuse(p, req, r, EPERM, why);
		return;
	}
	if ((ifindex = nl_link_index(p->nl, req->tap)) == 0) {
		parent_refuse(p, req, r, ENODEV, "no such tap");
		return;
	}
	prefix_format(&req->route, pb, sizeof(pb));
	inet_ntop(AF_INET6, &req->via, vb, sizeof(vb));
	if (req->table != 0) {
		if (nl_route6_table(p->nl, ifindex, &req->route.addr, req->route.len, req->table, req->add,
		    r->text, sizeof(r->text)) != 0)
			r->err = EIO;
		else
			log_info("peer %s: %s %s route-table %u", req->peer, pb, req->add ? "in" : "out of",
			    req->table);
	} else if (nl_route6_via(p->nl, ifindex, &req->route.addr, req->route.len, &req->via, req->add,
	    r->text, sizeof(r->text)) != 0) {
		r->err = EIO;
	} else {
		log_info("peer %s: delegated prefix %s %s %s on %s", req->peer, pb,
		    req->add ? "routed via" : "no longer routed via", vb, req->tap);
	}
	parent_reply(p, req, r, -1);
}

static void
parent_request(struct parent *p, const struct privmsg *req, int fd)
{
	static struct privmsg r;

	memset(&r, 0, offsetof(struct privmsg, addrs));
	r.n_addrs = 0;
	if (req->reply || privmsg_from_parent(req->type)) {
		parent_refuse(p, req, &r, EINVAL, "not a request");
		return;
	}
	switch (req->type) {
	case PRIV_KEY_OPEN:     parent_key_open(p, req, &r); break;
	case PRIV_SITE_OPEN:    parent_site_open(p, req, &r); break;
	case PRIV_STATE_OPEN:   parent_state_open(p, req, &r); break;
	case PRIV_STATE_WRITE:  parent_state_write(p, req, fd, &r); break;
	case PRIV_USED:         parent_used_reply(p, req, &r); break;
	case PRIV_CONF_READ:    parent_conf_read(p, req, &r); break;
	case PRIV_NAT64_RULES:  parent_nat64_rules(p, req, &r); break;
	case PRIV_ROUTE:        parent_route(p, req, &r); break;
	default:                break;
	}
}

/* ---- the loop */

/* STOP or RELOAD to the engine. */
static void
parent_tell(struct parent *p, enum privmsg_type type)
{
	struct privmsg m;

	memset(&m, 0, offsetof(struct privmsg, addrs));
	m.type = type;
	if (privmsg_send(p->sock, &m, -1) != 0)
		log_warn("engine: %s", privmsg_type_name(type));
}

/* ---- the publisher */

/* dns-hosts-dir is the publisher's to write: made for it when missing (a
 * tmpfs /run loses it at every boot). One that exists is left as the
 * operator made it. */
static void
parent_hosts_dir(const struct conf_server *c, uid_t uid, gid_t gid)
{
	int fd;

	if (c->dns_hosts_dir[0] == '\0')
		return;
	if (mkdir(c->dns_hosts_dir, 0755) != 0) {
		if (errno != EEXIST)
			fatal("dns-hosts-dir %s", c->dns_hosts_dir);
		return;
	}
	/* through a descriptor of what mkdir made, never a link put in its
	 * place since; readable by the DNS server that reads it, whatever
	 * our umask */
	if ((fd = open(c->dns_hosts_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fchown(fd, uid, gid) != 0 || fchmod(fd, 0755) != 0)
		fatal("dns-hosts-dir %s", c->dns_hosts_dir);
	close(fd);
	log_info("dns-hosts-dir %s: made, for %s", c->dns_hosts_dir, c->user);
}

/* Fork the publisher when anything publishes names; *fd gets the
 * engine's end of its socket (or -1). Before the tunnel's sockets exist,
 * so it holds none of them. */
static void
parent_publisher_start(struct parent *p, const struct engine_start *st, int *fd)
{
	struct publisher_start ps = { .conf = p->conf, .uid = st->uid, .gid = st->gid, .parent = getpid() };
	int sv[2];

	*fd = -1;
	if (!conf_dns_publishes(&p->conf))
		return;
	parent_hosts_dir(&p->conf, st->uid, st->gid);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		fatal("socketpair");
	if ((p->publisher = fork()) < 0)
		fatal("fork");
	if (p->publisher == 0) {
		close(sv[0]);
		statefile_dir_close(&p->state);
		nl_release(p->nl);
		if (st->nat64 >= 0)
			close(st->nat64);
		ps.engine = sv[1];
		publisher_main(&ps);
	}
	close(sv[1]);
	*fd = sv[0];
}

/* A publisher that ended (SIGCHLD): logged; names are not published
 * until a restart, and the rest goes on. */
static void
parent_publisher_reap(struct parent *p, bool wait)
{
	int status;

	for (int i = 0; p->publisher > 0; i++) {
		pid_t r = waitpid(p->publisher, &status, WNOHANG);

		if (r == 0 && wait && i < 20) {
			usleep(100 * 1000);
			continue;
		}
		if (r == 0 && wait) {
			kill(p->publisher, SIGKILL);
			continue;
		}
		if (r != p->publisher)
			return;
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			log_warnx("publisher exited with status %d", WEXITSTATUS(status));
		else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			log_warnx("publisher killed by signal %d", WTERMSIG(status));
		p->publisher = 0;
	}
}

/* What became of the engine, for the log and the exit status. */
static int
parent_reap(struct parent *p, bool stopping)
{
	int status;

	if (waitpid(p->engine, &status, 0) != p->engine)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && stopping)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGSYS)
		log_warnx("engine: stopped by its seccomp filter (its last line on stderr names the system call)");
	else if (WIFEXITED(status))
		log_warnx("engine exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_warnx("engine killed by signal %d", WTERMSIG(status));
	return 1;
}

static int
parent_loop(struct parent *p, int sigfd)
{
	bool stopping = false;
	uint64_t stop_at = 0;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = p->sock, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
		int timeout = stopping ? 200 : -1;

		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			fatal("poll");
		if (stopping && util_now_ms() >= stop_at) {
			/* our exit ends it (PR_SET_PDEATHSIG) */
			log_warnx("engine did not stop within %u s: leaving it to the kernel",
			    PARENT_STOP_WAIT_MS / 1000);
			return 1;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					parent_publisher_reap(p, false);
				} else if (si.ssi_signo == SIGHUP) {
					parent_tell(p, PRIV_RELOAD);    /* it asks for the file */
				} else if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && !stopping) {
					log_info("signal %u: stopping", si.ssi_signo);
					stopping = true;
					stop_at = util_now_ms() + PARENT_STOP_WAIT_MS;
					parent_tell(p, PRIV_STOP);
				}
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			for (;;) {
				struct privmsg req;
				int fd, rc = privmsg_recv(p->sock, &req, &fd);

				if (rc == 1) {
					parent_request(p, &req, fd);
					if (fd >= 0)
						close(fd);
					continue;
				}
				if (rc == 0 || errno != EAGAIN) {
					if (rc < 0 && errno == EBADMSG) {
						/* our exit ends it (PR_SET_PDEATHSIG) */
						log_warnx("engine sent a message that does not parse: stopping");
						return 1;
					}
					return parent_reap(p, stopping);
				}
				break;
			}
		}
	}
}

/* ---- the process */

int
parent_main(const char *conf_path, struct conf_server *conf, int verbose, bool to_syslog)
{
	static struct parent par;
	struct parent *p = &par;
	struct engine_start st = { .conf_path = conf_path, .verbose = verbose, .to_syslog = to_syslog,
	    .udp6 = -1, .udp4 = -1, .packet = -1, .monitor = -1, .control = -1, .metrics = -1, .nat64 = -1,
	    .names = -1 };
	char err[CONF_ERR_LEN];
	sigset_t mask;
	int sv[2], sigfd, rc;

	p->conf_path = conf_path;
	p->conf = *conf;
	p->sock = -1;
	st.nat64_offload = transport_offload_enabled();
	if ((p->nl = nl_open(err, sizeof(err))) == NULL || parent_upstream(p, err, sizeof(err)) != 0 ||
	    statedir_open(&p->state, p->conf.state_dir, conf_server_base_len(&p->conf), p->conf.sub_prefix_len, err, sizeof(err)) != 0 ||
	    parent_used(p, err, sizeof(err)) != 0 ||
	    xlatdev_open(&p->xlat, p->nl, &p->conf, p->upstream_index, &st.nat64, &st.nat64_offload, err,
	    sizeof(err)) != 0)
		fatalx("%s", err);
	st.public4 = p->xlat.public4;
	if (strcmp(p->conf.user, "root") == 0) {
		st.uid = 0;
		st.gid = 0;
	} else if (privdrop_lookup(p->conf.user, &st.uid, &st.gid, err, sizeof(err)) != 0) {
		fatalx("%s: create the system user (useradd --system --no-create-home --home-dir /nonexistent "
		    "--shell /usr/sbin/nologin %s), or set user = root to run the engine as root", err, p->conf.user);
	}
	parent_publisher_start(p, &st, &st.names);
	st.offload = transport_offload_enabled();
	/* a group of our own (the high bit keeps clear of the small numbers
	 * operators use), so a stop deletes exactly our taps */
	p->tap_group = 0x80000000u | randombytes_uniform(0x80000000u);
	st.udp6 = transport_open(AF_INET6, p->conf.listen_port, st.offload, err, sizeof(err));
	if (st.udp6 < 0)
		log_warnx("%s", err);
	st.udp4 = transport_open(AF_INET, p->conf.listen_port, st.offload, err, sizeof(err));
	if (st.udp4 < 0)
		log_warnx("%s", err);
	if (st.udp6 < 0 && st.udp4 < 0)
		fatalx("no UDP socket: cannot listen on port %u", p->conf.listen_port);
	if ((p->conf.ndp_proxy != CONF_NDP_OFF && (st.packet = parent_packet_socket(p, err, sizeof(err))) < 0) ||
	    (st.monitor = nlmon_open(err, sizeof(err))) < 0 ||
	    (st.control = ctl_bind(p->conf.control_socket, p->conf.control_gid, err, sizeof(err))) < 0 ||
	    (p->conf.metrics_enabled && (st.metrics = parent_metrics_socket(&p->conf, err, sizeof(err))) < 0))
		fatalx("%s", err);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		fatal("socketpair");
	st.priv = sv[1];
	st.parent = getpid();
	st.prefix = p->prefix;
	st.upstream_index = p->upstream_index;
	memcpy(st.upstream_mac, p->upstream_mac, 6);
	/* the engine's copy of the configuration is the fork's */
	st.conf = p->conf;
	if ((p->engine = fork()) < 0)
		fatal("fork");
	if (p->engine == 0) {
		/* the engine holds none of the parent's own: its netlink
		 * socket, the state directory, its end of the channel */
		close(sv[0]);
		statefile_dir_close(&p->state);
		nl_release(p->nl);
		engine_main(&st);
	}
	close(sv[1]);
	p->sock = sv[0];
	for (int fd, i = 0; i < 8; i++)
		if ((fd = (int[]){ st.udp6, st.udp4, st.packet, st.monitor, st.control, st.metrics, st.nat64,
		    st.names }[i]) >= 0)
			close(fd);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 || (sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);
	/* from here on: netlink changes and taps need CAP_NET_ADMIN; the
	 * files we touch are root's own */
	if (privdrop_to(0, 0, 1u << CAP_NET_ADMIN, err, sizeof(err)) != 0)
		fatalx("parent: %s", err);      /* and the engine with us */
	log_info("engine %d runs as %s with no capabilities; parent keeps CAP_NET_ADMIN", (int)p->engine,
	    p->conf.user);

	rc = parent_loop(p, sigfd);
	/* the engine's end closed: the publisher ends its work and goes */
	parent_publisher_reap(p, true);

	/* all taps in one batch; closing them one by one takes 35 ms each */
	if (nl_link_group_delete(p->nl, p->tap_group, err, sizeof(err)) != 0)
		log_warnx("%s", err);
	xlatdev_close(&p->xlat, p->nl);
	ctl_unbind(p->conf.control_socket);
	nl_release(p->nl);
	statefile_dir_close(&p->state);
	close(p->sock);
	close(sigfd);
	conf_server_free(&p->conf);
	return rc;
}
