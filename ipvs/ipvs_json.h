#ifndef IPVS_JSON_H
#define IPVS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "ipvs_types.h"

/* T as a JSON array of services with their dests. COUNTERS: include the
 * connection counters and stats of an observed table; without, the
 * desired-only fields (quorum_lost). */
void ipvs_table_json(FILE *out, const struct ipvs_table *t, bool counters);

#endif
