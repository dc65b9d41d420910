/* SPDX-License-Identifier: ISC */
/* control: v6extd's control socket (docs/CONTROL.md): show, leases, and for
 * root the changes (peer add/remove, reload). Runs in the engine, on the
 * listening socket the parent made. */
#ifndef V6EXT_CONTROL_H
#define V6EXT_CONTROL_H

#include <stddef.h>

struct engine;
struct ctl;

struct ctl *control_open(struct engine *e, int fd, char *err, size_t errlen);

#endif
