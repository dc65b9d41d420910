/* tap: Linux tap devices (/dev/net/tun, IFF_TAP | IFF_NO_PI). */
#ifndef V6EXT_TAP_H
#define V6EXT_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/* Create (or attach to) tap NAME, non-blocking. Returns the fd, or -1 with
 * errno set. A name of IFNAMSIZ bytes or more is refused, never cut. */
int tap_open(const char *name);
/* Carrier on or off (TUNSETCARRIER): the link is "up" to the kernel only
 * while a peer's session is live. */
int tap_set_carrier(int fd, bool on);

#endif
