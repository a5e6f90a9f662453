/* The event bus behind `hadirectorctl monitor` (issue 22). Events come
 * from the alert hooks (VRRP and sync-group transitions, real server
 * verdicts), the reloader and the control socket's runtime changes; each
 * is numbered, formatted once per form (events_fmt.h) and copied into
 * every subscriber's ring of HD_EVENTS_RING bytes, written out as the
 * socket takes it (EPOLLOUT). A subscriber whose ring is full is dropped
 * (closed, counted: reason "slow"), so one that does not read costs a
 * bounded amount of memory and never delays the loop or the others; the
 * others see every event, in order. At most HD_EVENTS_MAX_SUBSCRIBERS at
 * once; one more is refused (counted: reason "limit"). */
#ifndef HD_EVENTS_H
#define HD_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "daemon.h"
#include "events_fmt.h"

#ifndef HD_EVENTS_RING /* -D: a build that shows what an unbounded one does */
#define HD_EVENTS_RING (32 * 1024)
#endif
#define HD_EVENTS_SNDBUF	  (16 * 1024) /* the socket's own buffer, on top */
#define HD_EVENTS_MAX_SUBSCRIBERS 32

/* The module (modules.h table): first, so the others' transitions at
 * init are numbered too; freed last. */
int hd_events_init(struct hd_daemon *d);
int hd_events_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void hd_events_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void hd_events_abort(struct hd_daemon *d, void *prep);
void hd_events_free(struct hd_daemon *d);
void hd_events_status_json(struct hd_daemon *d, FILE *out);
/* hadirector_events_total, _subscribers, _subscribers_dropped_total{reason} */
void hd_events_metrics(struct hd_daemon *d, FILE *out);

/* Number EV, stamp it and queue it to every subscriber. Cheap when there
 * is none (the number still advances). */
void hd_events_publish(struct hd_daemon *d, struct hd_event *ev);

/* The events themselves. */
void hd_events_vrrp(struct hd_daemon *d, const char *instance, const char *from, const char *to,
		    const char *reason);
void hd_events_sync_group(struct hd_daemon *d, const char *group, const char *from, const char *to);
void hd_events_real_server(struct hd_daemon *d, const char *vs, const char *rs, bool up,
			   const char *check);
/* A reload's result: RC 0 (ok) or < 0 with DIAG's errors (the first ones
 * that fit the line, joined by "; "). */
void hd_events_reload(struct hd_daemon *d, int rc, const struct hd_diag *diag);
/* drain / undrain / weight from the control socket, by the peer's UID and
 * PID (SO_PEERCRED); WEIGHT < 0: none; ERR: NULL (done) or why not. */
void hd_events_runtime(struct hd_daemon *d, const char *action, const char *vs, const char *rs,
		       long weight, unsigned uid, int pid, const char *err);

/* An IPVS write (ipvs/ipvs_daemon.c through the alert hooks): ERR 0 done,
 * < 0 refused by the kernel (retried later: each attempt is an event). */
void hd_events_ipvs(struct hd_daemon *d, const char *op, const char *target, int weight, int err);

/* FD (a control connection that asked "monitor [--json]") becomes a
 * subscriber, which is sent "OK\n" and then one line per event. Returns 0
 * (FD is the bus's now) or < 0 (-EBUSY: at the limit; FD is the caller's). */
int hd_events_subscribe(struct hd_daemon *d, int fd, bool json);

#endif
