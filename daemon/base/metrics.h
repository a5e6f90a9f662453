/* Prometheus text exposition (format 0.0.4) helpers. */
#ifndef HD_METRICS_H
#define HD_METRICS_H

#include <stdio.h>

/* Writes "# HELP" and "# TYPE" for a metric family; call once per family
 * before its samples. TYPE is "counter", "gauge" or "histogram". */
void hd_metric_family(FILE *out, const char *name, const char *type, const char *help);

/* One sample. LABELS is NULL or a NULL-terminated list of name, value
 * pairs; values are escaped as the format requires. */
void hd_metric_sample(FILE *out, const char *name, const char *const *labels, double value);

#endif
