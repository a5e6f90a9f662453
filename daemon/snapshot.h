/* Render a big read-only reply (status, metrics) in a forked child from a
 * copy-on-write snapshot of the daemon, so the event loop never spends the
 * rendering time (snapshot.c). The child writes the text to a memory file
 * and exits; the client's owner sends that file as the client reads, so
 * no renderer ever waits for a client. */
#ifndef HD_SNAPSHOT_H
#define HD_SNAPSHOT_H

#include <stdio.h>

#include "daemon.h"

/* Who asks: each has its own renderers and queue, so no number of HTTP
 * clients delays root's hadirectorctl. */
enum hd_render_class {
	HD_RENDER_CONTROL, /* the control socket: status, metrics */
	HD_RENDER_HTTP,	   /* GET /metrics */
	HD_RENDER_CLASSES,
};

#define HD_SNAPSHOT_MAX	       4  /* control renders at once; later requests queue */
#define HD_SNAPSHOT_QUEUE      64 /* waiting control requests; more are refused (-EBUSY) */
#define HD_SNAPSHOT_HTTP_MAX   2  /* HTTP renders at once */
#define HD_SNAPSHOT_HTTP_QUEUE 32 /* the HTTP connection cap: never reached */

typedef void (*hd_render_fn)(struct hd_daemon *d, FILE *out);
/* The reply: FD (a memory file, offset 0; the callee owns it) holds PREFIX
 * and the text, LEN bytes; or FD < 0 when it could not be rendered. */
typedef void (*hd_render_done_fn)(void *ud, int fd, size_t len);

struct hd_snapshot;

/* Queue a render (or join one of the same RENDER and PREFIX not started
 * yet); DONE is called from the loop later (never before this returns),
 * unless hd_snapshot_cancel() comes first. *HANDLE is valid until DONE
 * runs. Returns -EBUSY when the class's queue is full. */
int hd_snapshot_start(struct hd_daemon *d, enum hd_render_class cls, hd_render_fn render,
		      const char *prefix, hd_render_done_fn done, void *ud,
		      struct hd_snapshot **handle);
/* The client went away: DONE is not called (a running child finishes). */
void hd_snapshot_cancel(struct hd_snapshot *s);

struct hd_render_stats {
	unsigned long running, queued;	/* now */
	unsigned long rendered, failed; /* children that wrote a reply / did not */
	/* Kept by the clients' owners (control.c, metrics_http.c): */
	unsigned long busy;	/* refused: the queue was full */
	unsigned long refused;	/* connections closed unread: the connection cap */
	unsigned long timeouts; /* connections closed at their deadline, reply or not */
};
/* The class's counters, for its clients' owner to count in too; NULL only
 * when out of memory. */
struct hd_render_stats *hd_snapshot_stats(struct hd_daemon *d, enum hd_render_class cls);
/* Their Prometheus families (hd_metrics). */
void hd_snapshot_metrics(struct hd_daemon *d, FILE *out);

/* Start what was queued while a reload parsed (reload.c calls it). */
void hd_snapshot_kick(struct hd_daemon *d);
/* At exit: every pending DONE is called with FD -1, then all is freed. */
void hd_snapshot_free_all(struct hd_daemon *d);

#endif
