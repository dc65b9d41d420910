/* SPDX-License-Identifier: ISC */
/* tap: open and control Linux tap devices. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "tap.h"

static int
tap_open_flags(const char *name, short flags)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = flags;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The virtio_net_hdr and the offloads a device with one takes: partial
 * checksums (completed by the reader) and whole TCP bursts; not UDP (USO):
 * nothing gains from cutting it here rather than in the kernel. */
static int
tap_offload_set(int fd)
{
	int hdrsz = (int)GSO_HDR_LEN;

	return ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0 ? -1 : 0;
}

int
tap_open_tun(const char *name, bool *offload)
{
	int fd = tap_open_flags(name, (short)(IFF_TUN | IFF_NO_PI | (*offload ? IFF_VNET_HDR : 0)));

	if (fd >= 0 && *offload && tap_offload_set(fd) != 0) {
		/* a kernel without them: the same device, plain packets */
		close(fd);
		*offload = false;
		return tap_open_tun(name, offload);
	}
	return fd;
}

int
tap_open(const char *name, bool *offload)
{
	int fd = tap_open_flags(name, (short)(IFF_TAP | IFF_NO_PI | (*offload ? IFF_VNET_HDR : 0)));

	if (fd < 0)
		return -1;
	if (*offload) {
		/* partial checksums are completed in gso_seg */
		if (tap_offload_set(fd) != 0) {
			/* a kernel without them: the same tap, plain frames */
			(void)ioctl(fd, TUNSETOFFLOAD, 0);
			close(fd);
			*offload = false;
			return tap_open(name, offload);
		}
	}
	return fd;
}

ssize_t
tap_write(int fd, bool offload, const uint8_t *frame, size_t len)
{
	static const struct virtio_net_hdr none;
	struct iovec iov[2] = {
		{ .iov_base = (void *)&none, .iov_len = GSO_HDR_LEN },
		{ .iov_base = (void *)frame, .iov_len = len },
	};

	if (!offload)
		return write(fd, frame, len);
	return writev(fd, iov, 2);
}

int
tap_out_init(struct tap_out *o, bool offload)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->offload = offload;
	return offload ? gso_merge_init(&o->m) : 0;
}

void
tap_out_free(struct tap_out *o)
{
	if (o->offload)
		gso_merge_free(&o->m);
	memset(o, 0, sizeof(*o));
}

void
tap_out_flush(struct tap_out *o)
{
	const uint8_t *buf;
	size_t len;

	if (!o->offload || (buf = gso_merge_take(&o->m, &len)) == NULL)
		return;
	o->writes++;
	if (write(o->fd, buf, len) < 0)
		(*o->fail)++;
}

void
tap_out_frame(struct tap_out *o, int fd, bool offload, const uint8_t *frame, size_t len, uint64_t *fail)
{
	o->frames++;
	if (o->offload && offload && fd == o->fd && gso_merge_add(&o->m, frame, len))
		return;
	tap_out_flush(o);
	o->fd = fd;
	o->fail = fail;
	if (o->offload && offload && gso_merge_add(&o->m, frame, len))
		return;
	o->writes++;
	if (tap_write(fd, offload, frame, len) < 0)
		(*fail)++;
}

int
tap_set_carrier(int fd, bool on)
{
	int v = on;

	return ioctl(fd, TUNSETCARRIER, &v);
}
