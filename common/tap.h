/* tap: Linux tap devices (/dev/net/tun, IFF_TAP | IFF_NO_PI). */
#ifndef V6EXT_TAP_H
#define V6EXT_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/* Create (or attach to) tap NAME, non-blocking. Returns the fd, or -1 with
 * errno set. A name of IFNAMSIZ bytes or more is refused, never cut. */
int tap_open(const char *name);
/* Before a daemon gives up root: fork a helper that keeps uid 0 and only
 * CAP_DAC_OVERRIDE, holds no fd of the daemon's, and does one thing: open
 * /dev/net/tun (often 0600 root) and pass the fd back, so taps can still be
 * made at run time (TUNSETIFF itself needs only CAP_NET_ADMIN, which the
 * daemon keeps). It exits with the daemon. -1 with errno set. */
int tap_helper_start(void);
/* Carrier on or off (TUNSETCARRIER): the link is "up" to the kernel only
 * while a peer's session is live. */
int tap_set_carrier(int fd, bool on);

#endif
