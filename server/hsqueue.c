/* SPDX-License-Identifier: ISC */
/* hsqueue: pending initiations and the load they make; see hsqueue.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hsqueue.h"

int
hsqueue_init(struct hsqueue *q)
{
	memset(q, 0, sizeof(*q));
	/* untouched pages cost nothing until a flood fills them */
	return (q->v = malloc(HSQUEUE_MAX * sizeof(*q->v))) != NULL ? 0 : -1;
}

void
hsqueue_free(struct hsqueue *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

bool
hsqueue_push(struct hsqueue *q, const uint8_t *msg, const struct endpoint *from, uint64_t now_ms)
{
	struct hsqueue_item *it;

	if (q->n == HSQUEUE_MAX) {
		q->dropped++;
		return false;
	}
	/* an empty queue starts again at the front: without a flood only the
	 * first pages are ever touched (a ring going round would fault in
	 * all 1.2 MB, one page at a time, which a soak sees as a leak) */
	if (q->n == 0)
		q->head = 0;
	it = &q->v[(q->head + q->n) % HSQUEUE_MAX];
	memcpy(it->msg, msg, WIRE_INITIATION_LEN);
	it->from = *from;
	it->arrived_ms = now_ms;
	q->n++;
	return true;
}

const struct hsqueue_item *
hsqueue_pop(struct hsqueue *q)
{
	const struct hsqueue_item *it;

	if (q->n == 0)
		return NULL;
	it = &q->v[q->head];
	q->head = (q->head + 1) % HSQUEUE_MAX;
	q->n--;
	return it;
}

bool
hsqueue_under_load(struct hsqueue *q, uint64_t now_ms)
{
	if (q->n >= HSQUEUE_LOAD_DEPTH) {
		q->loaded_ms = now_ms;
		return true;
	}
	return q->loaded_ms != 0 && now_ms - q->loaded_ms < HSQUEUE_LOAD_MS;
}
