/* The slow timer's IPVS re-read in a thread (ipvs_bgdump.c). */
#ifndef HD_IPVS_BGDUMP_H
#define HD_IPVS_BGDUMP_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "ipvs_types.h"

/* Destinations re-read per period, at most (beside every service and
 * the destinations of services the cache does not hold); a service with
 * more is read alone. A table of D destinations is read through every
 * ceil(D / IPVS_BG_SLICE_DESTS) periods. */
#define IPVS_BG_SLICE_DESTS 128

struct ipvs_bgdump;

/* Where the last slice stopped; zero-initialised, nothing to free. */
struct ipvs_bgslice {
	struct ipvs_svc_key next; /* the first service of the next slice */
	bool set;
	uint64_t rounds; /* whole tables read through (status, tests) */
};

/* Called on the loop when the dump ended: R < 0 is the error, else T is
 * the whole table (the callee takes it; it is empty on error). */
typedef void (*ipvs_bgdump_fn)(void *arg, int r, struct ipvs_table *t);

/* Start a full dump on a socket of its own in a thread; DONE runs from an
 * event source of PRIORITY. */
int ipvs_bgdump_start(sd_event *e, int64_t priority, ipvs_bgdump_fn done, void *arg,
		      struct ipvs_bgdump **out);
/* The same, reading every service but the destinations of one slice of
 * CACHE's services (SLICE says which, and moves on) and of services CACHE
 * lacks; the others' come from CACHE when the dump ends. CACHE is the
 * loop's, read on the loop only (here and before DONE); it may change in
 * between only where DONE's caller overrides the result (services it
 * wrote: one it deleted meanwhile comes back with no destinations). */
int ipvs_bgdump_start_slice(sd_event *e, int64_t priority, const struct ipvs_table *cache,
			    struct ipvs_bgslice *slice, ipvs_bgdump_fn done, void *arg,
			    struct ipvs_bgdump **out);
/* True when A and B hold the same services and destinations with the
 * same settings (counters and stats aside), both sorted: a re-read that
 * found nothing changed behind the daemon's back needs no pass. */
bool ipvs_bgdump_same(const struct ipvs_table *a, const struct ipvs_table *b);
/* Wait for the thread and drop its result without calling DONE. */
void ipvs_bgdump_cancel(struct ipvs_bgdump *b);

#endif
