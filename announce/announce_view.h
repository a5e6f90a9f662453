/* A read-only view of the announce module, filled in one allocation
 * (announce_view.c) and rendered (announce_view_render.c, pure) to the
 * status JSON (so status text and the SIGUSR1 dump) and the metrics. */
#ifndef ANNOUNCE_VIEW_H
#define ANNOUNCE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hd_context.h"

struct announce_vip_view {
	char vip[64];
	bool announced;
	const char *reason; /* announce_reason_str(): "announced", "no quorum", ... */
	uint64_t transitions, write_errors;
	double since_sec; /* since the last transition; < 0: none yet */
};

struct announce_view {
	bool enabled; /* some virtual server in announce mode */
	char device[16];
	int ifindex;
	bool device_up, drained, links_up, checks_settled;
	char down_link[16]; /* the first interface found down, "" */
	uint64_t transitions, write_errors, device_creations;
	struct announce_vip_view *vips;
	size_t n_vips;
};

/* The whole view in one allocation (free() it); NULL when out of memory. */
struct announce_view *announce_view_new(struct hd_daemon *d);
void announce_view_json(FILE *out, const struct announce_view *v);
void announce_view_metrics(FILE *out, const struct announce_view *v);

#endif
