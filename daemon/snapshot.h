/* Render a big read-only reply (status, metrics) in a forked child from a
 * copy-on-write snapshot of the daemon, so the event loop never spends the
 * rendering time (snapshot.c). */
#ifndef HD_SNAPSHOT_H
#define HD_SNAPSHOT_H

#include <stdio.h>

#include "daemon.h"

#define HD_SNAPSHOT_MAX	  4  /* children rendering at once; later requests queue */
#define HD_SNAPSHOT_QUEUE 64 /* queued requests; more are refused (-EBUSY) */

typedef void (*hd_render_fn)(struct hd_daemon *d, FILE *out);

/* Answer a client: a child writes PREFIX and the text to FD (a connected
 * stream socket; it is dup'ed, the caller closes its own) and closes it.
 * Returns -EBUSY when the queue is full, -errno otherwise. */
int hd_snapshot_to_fd(struct hd_daemon *d, hd_render_fn render, const char *prefix, int fd);
/* Start what was queued while a reload parsed (reload.c calls it). */
void hd_snapshot_kick(struct hd_daemon *d);
/* At exit: drop what is queued. */
void hd_snapshot_free_all(struct hd_daemon *d);

#endif
