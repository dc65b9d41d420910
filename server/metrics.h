/* SPDX-License-Identifier: ISC */
/* metrics: v6extd's counters in the Prometheus text format at
 * http://METRICS-LISTEN/metrics (metrics-listen in the config; off by
 * default). Runs in the engine. Loopback is the intended place: the page is not authenticated. */
#ifndef V6EXT_METRICS_H
#define V6EXT_METRICS_H

#include <stddef.h>

struct engine;
struct metrics;

/* Serve the page on fd, a listening socket the parent made. */
struct metrics *metrics_open(struct engine *e, int fd, char *err, size_t errlen);
void metrics_close(struct metrics *m);

#endif
