/* A read-only view of the IPVS module's runtime state, for metrics and
 * SNMP (ipvs_metrics.c, daemon/snmp*.c). Pointers are valid until the next
 * reconcile pass: use them within one callback. */
#ifndef IPVS_VIEW_H
#define IPVS_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hd_context.h"
#include "ipvs_types.h"

struct ipvs_view {
	bool available;			   /* the kernel's IPVS family answered */
	const struct ipvs_table *desired;  /* from the config and verdicts */
	const struct ipvs_table *observed; /* last dump, with counters */
	uint64_t writes, reconciles, dumps, errors, parse_errors;
	size_t pending_ops; /* failed writes waiting for a retry */
};

/* Returns false (OUT untouched) when the module is not running. */
bool ipvs_get_view(struct hd_daemon *d, struct ipvs_view *out);

#endif
