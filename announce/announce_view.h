/* A read-only view of the announce module, filled in one allocation
 * (announce_view.c) and rendered (announce_view_render.c, pure) to the
 * status JSON (and so status text), the SIGUSR1 dump and the metrics.
 *
 * The counters are defined once, in ANNOUNCE_VIEW_COUNTERS (the module's)
 * and ANNOUNCE_VIP_COUNTERS (each VIP's): a line added there is a field of
 * the view, a status JSON key, a metric family and a dump entry
 * (tests/unit/test_views_ipvs.c checks that every field reaches them).
 * HADIRECTOR-MIB has no announce columns. */
#ifndef ANNOUNCE_VIEW_H
#define ANNOUNCE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hd_context.h"

/* X(field, metric, help, JSON key), all uint64_t counters, in the order
 * of the status JSON's keys. */
#define ANNOUNCE_VIEW_COUNTERS(X)                                                                  \
	X(transitions, "hadirector_announce_transitions_total",                                    \
	  "VIPs announced or withdrawn, all VIPs together.", "transitions")                        \
	X(write_errors, "hadirector_announce_write_errors_total",                                  \
	  "VIP address writes the kernel refused.", "write_errors")                                \
	X(device_creations, "hadirector_announce_device_creations_total",                          \
	  "Times the TUN device was made (the first time, and again after it was lost).",          \
	  "device_creations")
#define ANNOUNCE_VIP_COUNTERS(X)                                                                   \
	X(transitions, "hadirector_announce_vip_transitions_total", "VIP announced or withdrawn.", \
	  "transitions")                                                                           \
	X(write_errors, "hadirector_announce_vip_write_errors_total",                              \
	  "Writes of this VIP's address the kernel refused.", "write_errors")

struct announce_vip_view {
	char vip[64];
	bool announced;
	const char *reason; /* announce_reason_str(): "announced", "no quorum", ... */
#define ANNOUNCE_VIEW_FIELD(f, metric, help, json) uint64_t f;
	ANNOUNCE_VIP_COUNTERS(ANNOUNCE_VIEW_FIELD)
	double since_sec; /* since the last transition; < 0: none yet */
};

struct announce_view {
	bool enabled; /* some virtual server in announce mode */
	char device[16];
	int ifindex;
	bool device_up, drained, links_up, checks_settled;
	char down_link[16]; /* the first interface found down, "" */
	ANNOUNCE_VIEW_COUNTERS(ANNOUNCE_VIEW_FIELD)
#undef ANNOUNCE_VIEW_FIELD
	struct announce_vip_view *vips;
	size_t n_vips;
};

/* The whole view in one allocation (free() it); NULL when out of memory. */
struct announce_view *announce_view_new(struct hd_daemon *d);
void announce_view_json(FILE *out, const struct announce_view *v);
void announce_view_text(FILE *out, const struct announce_view *v); /* the dump's lines */
void announce_view_metrics(FILE *out, const struct announce_view *v);

#endif
