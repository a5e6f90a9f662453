/* Check latency histograms. The health checker keeps only each probe's
 * last duration; this store watches the probes' run counters after every
 * loop iteration (daemon/ops.c, an sd-event post source) and files each
 * new duration into fixed buckets. Kept across reloads for probes whose
 * check is unchanged (same key). */
#ifndef HC_METRICS_H
#define HC_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

#define HC_LAT_BUCKETS 12

struct hc_lat_hist {
	uint64_t bucket[HC_LAT_BUCKETS]; /* non-cumulative; +Inf is count */
	uint64_t count;
	uint64_t sum_usec;
};

struct hc_lat_store;

struct hc_lat_store *hc_lat_store_new(void);
void hc_lat_store_free(struct hc_lat_store *s);
/* Account the probes that finished since the last call. */
void hc_lat_observe(struct hc_lat_store *s, struct hd_daemon *d);
/* The histogram of probe P (a struct hc_probe *), NULL if unknown. */
const struct hc_lat_hist *hc_lat_find(const struct hc_lat_store *s, const void *probe);
/* Upper bounds in seconds, ascending. */
extern const double hc_lat_bounds[HC_LAT_BUCKETS];

#endif
