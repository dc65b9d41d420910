/* tap: open and control Linux tap devices. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "privdrop.h"
#include "tap.h"

static int tap_helper_fd = -1;

/* The helper: asked with one byte, it opens /dev/net/tun and passes the fd
 * back (SCM_RIGHTS), or an errno byte when it could not. */
static void __attribute__((noreturn))
tap_helper_run(int sock)
{
	char why[256];

	/* it holds nothing of the daemon's: no sockets, no taps, no keys */
	(void)close_range(0, (unsigned)sock - 1, 0);
	(void)close_range((unsigned)sock + 1, ~0U, 0);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (privdrop_to(NULL, 1u << CAP_DAC_OVERRIDE, NULL, why, sizeof(why)) != 0)
		_exit(1);
	for (;;) {
		char req, cbuf[CMSG_SPACE(sizeof(int))], err;
		struct iovec iov = { .iov_base = &err, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		int fd;

		if (recv(sock, &req, 1, 0) <= 0)
			_exit(0);
		fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
		err = fd < 0 ? (char)errno : 0;
		if (fd >= 0) {
			struct cmsghdr *c;

			memset(cbuf, 0, sizeof(cbuf));
			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof(cbuf);
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof(int));
		}
		(void)sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (fd >= 0)
			close(fd);
	}
}

int
tap_helper_start(void)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0)
		tap_helper_run(sv[1]);
	close(sv[1]);
	tap_helper_fd = sv[0];
	return 0;
}

/* /dev/net/tun, from the helper when there is one. */
static int
tap_open_tun(void)
{
	char err = 0, cbuf[CMSG_SPACE(sizeof(int))], req = 'o';
	struct iovec iov = { .iov_base = &err, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd = -1;

	if (tap_helper_fd < 0)
		return open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (send(tap_helper_fd, &req, 1, MSG_NOSIGNAL) != 1 ||
	    recvmsg(tap_helper_fd, &msg, MSG_CMSG_CLOEXEC) != 1) {
		errno = EPIPE;
		return -1;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (err != 0 || c == NULL || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = err != 0 ? err : EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int
tap_open(const char *name, bool *offload)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = tap_open_tun()) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (*offload ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (*offload) {
		int hdrsz = (int)GSO_HDR_LEN;
		/* CSUM: partial checksums (completed in gso_seg); TSO4/6: whole
		 * bursts of TCP in one frame. UDP (USO) is not taken: a tunnel
		 * gains nothing from cutting it here rather than in the kernel */
		unsigned flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;

		if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) < 0 || ioctl(fd, TUNSETOFFLOAD, flags) < 0) {
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
