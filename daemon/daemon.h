/* What daemon/ itself offers on the context (base/hd_context.h): reload,
 * status and dumps, scheduling. Modules do not include it. */
#ifndef HD_DAEMON_H
#define HD_DAEMON_H

#include <stdbool.h>
#include <stdio.h>

#include "hd_context.h"

/* Reload the configuration from opts.config_path (reload.c). The file is
 * parsed and validated off the loop; then, on the loop, it is applied, or
 * rejected with its errors logged and the old configuration kept. DONE
 * (may be NULL) is called after that with RC 0 or a negative errno-style
 * value and the FILE:LINE errors; it may run before hd_reload_request
 * returns. Returns < 0 only when the request could not be taken. */
typedef void (*hd_reload_done_fn)(void *ud, int rc, const struct hd_diag *diag);
int hd_reload_request(struct hd_daemon *d, hd_reload_done_fn done, void *ud);
bool hd_reload_busy(const struct hd_daemon *d);
/* At exit: wait for a parse in flight and drop it. */
void hd_reload_free(struct hd_daemon *d);
/* The first load (before the loop): hd_config_load() on a thread of its
 * own, waited for, so that its garbage is in another malloc arena than
 * the loop's (see reload.c). */
struct hd_config *hd_config_load_apart(const char *path, struct hd_diag *diag);

/* Write the status object (one JSON object) to OUT. */
void hd_status_json(struct hd_daemon *d, FILE *out);
/* Human readable status. */
void hd_status_text(struct hd_daemon *d, FILE *out);
/* Prometheus text exposition of every counter and state. */
void hd_metrics(struct hd_daemon *d, FILE *out);
/* SIGUSR1: full state to the log. */
void hd_dump_state(struct hd_daemon *d);

/* Hand the config parser's freed memory back to the system at idle
 * priority, after this iteration's work (start and reload). */
void hd_trim_later(struct hd_daemon *d);

/* Apply global rt_priority and lock_memory (at start and on reload). */
void hd_apply_scheduling(struct hd_daemon *d);

#endif
