/* Shared by the two files of tests/unit/test_views: the helpers of
 * test_views.c and the tests of test_views_ipvs.c. */
#ifndef HD_UNIT_VIEWS_H
#define HD_UNIT_VIEWS_H

#include "snmp_int.h"

/* HAY has WHAT; else a failure (of test_views.c) naming WHERE. */
void has(const char *hay, const char *what, const char *where);
/* The cell ENTRY.COL.IDX of S (T's entry), NULL when there is none. */
const struct snmp_cell *cell_at(const struct snmp_snap *s, const struct snmp_table *t, oid col,
				const oid *idx, size_t n);
/* test_views_ipvs.c: the IPVS and announce views; returns its failures. */
int test_views_ipvs(void);

#endif
