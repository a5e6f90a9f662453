/* Check latency histograms: each probe files every check's duration into
 * fixed buckets when the check ends (hc_probe_done), so a probe kept over
 * a reload (same key) keeps its histogram. */
#ifndef HC_METRICS_H
#define HC_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "hd_context.h"

#define HC_LAT_BUCKETS 12

struct hc_lat_hist {
	uint64_t bucket[HC_LAT_BUCKETS]; /* non-cumulative; +Inf is count */
	uint64_t count;
	uint64_t sum_usec;
};

void hc_lat_add(struct hc_lat_hist *h, uint64_t usec);
/* Upper bounds in seconds, ascending. */
extern const double hc_lat_bounds[HC_LAT_BUCKETS];

#endif
