/* SPDX-License-Identifier: ISC */
/* xlatdev: the translator's device, routes and nftables table, in the
 * parent; see xlatdev.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "nl.h"
#include "sysctl.h"
#include "tap.h"
#include "xlatdev.h"

/* nft where Debian and others put it; never looked up in PATH */
static const char *const xlatdev_nft_paths[] = { "/usr/sbin/nft", "/sbin/nft" };

/* The first line of nft's complaint, for one log line. */
static void
xlatdev_first_line(const char *s, char *err, size_t errlen)
{
	size_t n = strcspn(s, "\n");

	snprintf(err, errlen, "nft: %.*s", (int)(n < 400 ? n : 400), n ? s : "failed");
}

/* Run nft -f - with text on its standard input. */
static int
xlatdev_nft(const char *text, size_t len, char *err, size_t errlen)
{
	const char *nft = NULL;
	char out[1024] = "";
	int in = -1, msgs = -1, status, rc = -1;
	pid_t pid;

	for (size_t i = 0; i < sizeof(xlatdev_nft_paths) / sizeof(xlatdev_nft_paths[0]) && nft == NULL; i++)
		if (access(xlatdev_nft_paths[i], X_OK) == 0)
			nft = xlatdev_nft_paths[i];
	if (nft == NULL) {
		snprintf(err, errlen, "nft not found (install nftables): the translator needs it");
		return -1;
	}
	/* files in memory rather than pipes: nothing to deadlock on however
	 * long the ruleset or the complaint */
	if ((in = memfd_create("v6ext-nft-in", MFD_CLOEXEC)) < 0 ||
	    (msgs = memfd_create("v6ext-nft-out", MFD_CLOEXEC)) < 0 ||
	    write(in, text, len) != (ssize_t)len || lseek(in, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "nft: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "nft: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		char *const argv[] = { (char *)"nft", (char *)"-f", (char *)"-", NULL };
		char *const envp[] = { NULL };

		if (dup2(in, 0) < 0 || dup2(msgs, 1) < 0 || dup2(msgs, 2) < 0)
			_exit(127);
		execve(nft, argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "nft: waitpid: %s", strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
		goto out;
	}
	if (pread(msgs, out, sizeof(out) - 1, 0) < 0)
		out[0] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && out[0] == '\0')
		snprintf(err, errlen, "nft: cannot run %s", nft);
	else
		xlatdev_first_line(out, err, errlen);
out:
	if (in >= 0)
		close(in);
	if (msgs >= 0)
		close(msgs);
	return rc;
}

/* public-ipv4 = auto: the one global IPv4 address on upstream. 1 found,
 * 0 none, -1 error. */
static int
xlatdev_public(struct xlatdev *x, struct nl_sock *nl, const struct conf_server *c, char *err, size_t errlen)
{
	struct in_addr a[8];
	size_t n;

	if (c->public_ipv4_mode == CONF_IPV4_ADDR) {
		x->public4 = c->public_ipv4;
		return 1;
	}
	if (nl_addrs4(nl, x->upstream_index, a, 8, &n, err, errlen) != 0)
		return -1;
	if (n > 1) {
		snprintf(err, errlen, "public-ipv4 = auto: upstream %s has more than one IPv4 address;"
		    " set public-ipv4 = <the one forwards listen on>", c->upstream);
		return -1;
	}
	if (n == 1)
		x->public4 = a[0];
	return (int)n;
}

static int
xlatdev_setup(struct xlatdev *x, struct nl_sock *nl, const struct conf_server *c, char *err, size_t errlen)
{
	int fwd;

	if (sysctl_ipv4_get("all", "forwarding", &fwd, err, errlen) != 0 ||
	    (fwd != 1 && sysctl_ipv4_set("all", "forwarding", 1, err, errlen) != 0))
		return -1;
	if (fwd != 1)
		log_info("IPv4 forwarding on, for the translator");
	/* no link-local address, no RAs: the device is ours alone */
	if (sysctl_ipv6_set(XLATDEV_NAME, "accept_ra", 0, err, errlen) != 0 ||
	    sysctl_ipv6_set(XLATDEV_NAME, "addr_gen_mode", 1, err, errlen) != 0 ||
	    sysctl_ipv4_set(XLATDEV_NAME, "accept_local", 1, err, errlen) != 0 ||
	    sysctl_ipv4_set(XLATDEV_NAME, "rp_filter", 0, err, errlen) != 0 ||
	    nl_link_set(nl, XLATDEV_NAME, true, XLATDEV_MTU, NULL, err, errlen) != 0)
		return -1;
	if ((x->ifindex = nl_link_index(nl, XLATDEV_NAME)) == 0) {
		snprintf(err, errlen, "%s: gone after it was made", XLATDEV_NAME);
		return -1;
	}
	if (nl_route6_replace(nl, x->ifindex, &c->nat64_prefix.addr, c->nat64_prefix.len, err, errlen) != 0 ||
	    nl_route4_replace(nl, x->ifindex, &c->ipv4_pool, c->ipv4_pool_len, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < c->n_maps; i++) {
		if (nl_route4_replace(nl, x->ifindex, &c->maps[i].v4, 32, err, errlen) != 0 ||
		    nl_proxy4(nl, x->upstream_index, &c->maps[i].v4, true, err, errlen) != 0)
			return -1;
		x->maps[x->n_maps++] = c->maps[i];
	}
	return xlatdev_rules(x, c, NULL, 0, err, errlen);
}

int
xlatdev_open(struct xlatdev *x, struct nl_sock *nl, const struct conf_server *c, int upstream_index,
    int *fd, bool *offload, char *err, size_t errlen)
{
	char pub[INET_ADDRSTRLEN];
	int found;

	memset(x, 0, sizeof(*x));
	*fd = -1;
	x->upstream_index = upstream_index;
	snprintf(x->upstream, sizeof(x->upstream), "%s", c->upstream);
	if (c->public_ipv4_mode == CONF_IPV4_OFF)
		return 0;
	if ((found = xlatdev_public(x, nl, c, err, errlen)) < 0)
		return -1;
	if (found == 0) {
		if (c->n_forwards > 0 || c->n_maps > 0) {
			snprintf(err, errlen, "public-ipv4 = auto: upstream %s has no IPv4 address, which the"
			    " forwards need; set public-ipv4", c->upstream);
			return -1;
		}
		log_info("upstream %s has no IPv4 address: no IPv4 reach (public-ipv4 = auto)", c->upstream);
		return 0;
	}
	if ((x->maps = calloc(c->n_maps ? c->n_maps : 1, sizeof(*x->maps))) == NULL) {
		snprintf(err, errlen, "translator: out of memory");
		return -1;
	}
	if ((*fd = tap_open_tun(XLATDEV_NAME, offload)) < 0) {
		snprintf(err, errlen, "%s: %s", XLATDEV_NAME, strerror(errno));
		return -1;
	}
	x->on = true;
	if (xlatdev_setup(x, nl, c, err, errlen) != 0) {
		close(*fd);
		*fd = -1;
		xlatdev_close(x, nl);
		/* nobody asked for IPv4 reach by name: a VPS without nftables
		 * still gets its IPv6 service */
		if (c->public_ipv4_mode == CONF_IPV4_AUTO && c->n_forwards == 0 && c->n_maps == 0) {
			log_warnx("no IPv4 reach (public-ipv4 = auto): %s", err);
			return 0;
		}
		return -1;
	}
	inet_ntop(AF_INET, &x->public4, pub, sizeof(pub));
	log_info("translator %s: public IPv4 %s, %zu ipv4-maps", XLATDEV_NAME, pub, c->n_maps);
	return 0;
}

int
xlatdev_rules(struct xlatdev *x, const struct conf_server *c, const struct nftrules_dnat *d, size_t n,
    char *err, size_t errlen)
{
	struct nftrules r = { .public4 = x->public4, .pool = c->ipv4_pool, .pool_len = c->ipv4_pool_len,
	    .dnat = d, .n_dnat = n };
	char *text;
	size_t len;
	int rc;

	snprintf(r.upstream, sizeof(r.upstream), "%s", x->upstream);
	snprintf(r.dev, sizeof(r.dev), "%s", XLATDEV_NAME);
	if ((text = malloc(NFTRULES_TEXT_MAX)) == NULL) {
		snprintf(err, errlen, "nft: out of memory");
		return -1;
	}
	if ((len = nftrules_build(&r, text, NFTRULES_TEXT_MAX)) == 0) {
		snprintf(err, errlen, "nft: %zu forwards do not fit the ruleset", n);
		free(text);
		return -1;
	}
	rc = xlatdev_nft(text, len, err, errlen);
	free(text);
	return rc;
}

void
xlatdev_close(struct xlatdev *x, struct nl_sock *nl)
{
	char err[512];
	const char *del = nftrules_delete();

	if (!x->on)
		return;
	if (xlatdev_nft(del, strlen(del), err, sizeof(err)) != 0)
		log_warnx("translator: %s", err);
	for (size_t i = 0; i < x->n_maps; i++)
		if (nl_proxy4(nl, x->upstream_index, &x->maps[i].v4, false, err, sizeof(err)) != 0)
			log_warnx("ipv4-map: %s", err);
	free(x->maps);
	x->maps = NULL;
	x->n_maps = 0;
	x->on = false;
}
