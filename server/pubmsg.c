/* SPDX-License-Identifier: ISC */
/* pubmsg: the engine's and the publisher's messages; see pubmsg.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "pubmsg.h"

size_t
pubmsg_build(enum pubmsg_type type, const struct names_rec *r, uint8_t *out)
{
	size_t sl = strnlen(r->site, CONF_NAME_MAX), hl = strnlen(r->host, NAMES_HOST_MAX), n = 0;

	out[n++] = (uint8_t)type;
	out[n++] = r->family;
	memcpy(out + n, r->addr, 16);
	n += 16;
	out[n++] = (uint8_t)sl;
	memcpy(out + n, r->site, sl);
	n += sl;
	out[n++] = (uint8_t)hl;
	memcpy(out + n, r->host, hl);
	return n + hl;
}

int
pubmsg_parse(const uint8_t *buf, size_t len, enum pubmsg_type *type, struct names_rec *r)
{
	size_t sl, hl;

	memset(r, 0, sizeof(*r));
	if (len < 1 + 1 + 16 + 1 || buf[0] < PUBMSG_ADD || buf[0] >= PUBMSG_TYPE_MAX ||
	    (buf[1] != AF_INET6 && buf[1] != AF_INET))
		return -1;
	sl = buf[18];
	if (sl == 0 || sl > CONF_NAME_MAX || len < 19 + sl + 1)
		return -1;
	hl = buf[19 + sl];
	if (hl == 0 || hl > NAMES_HOST_MAX || len != 20 + sl + hl)
		return -1;
	memcpy(r->site, buf + 19, sl);
	memcpy(r->host, buf + 20 + sl, hl);
	/* an A record's address is 4 bytes; the rest stays zero, so records
	 * compare equal whoever built them */
	if (buf[1] == AF_INET && memcmp(buf + 6, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) != 0)
		return -1;
	if (memchr(r->site, '\0', sl) != NULL || memchr(r->host, '\0', hl) != NULL || !conf_peer_name_valid(r->site) ||
	    !names_label_ok(r->host))
		return -1;
	*type = (enum pubmsg_type)buf[0];
	r->family = buf[1];
	memcpy(r->addr, buf + 2, 16);
	return 0;
}

enum pubmsg_recv
pubmsg_recv(int fd, enum pubmsg_type *type, struct names_rec *r)
{
	uint8_t buf[PUBMSG_MAX + 1];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) < 0 && errno == EINTR)
		;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return PUBMSG_NONE;
	if (n <= 0)
		return PUBMSG_GONE;
	return pubmsg_parse(buf, (size_t)n, type, r) == 0 ? PUBMSG_GOT : PUBMSG_BAD;
}
