/* Shared by the two files of tests/unit/test_views: the helpers of
 * test_views.c and the tests of test_views_ipvs.c. */
#ifndef HD_UNIT_VIEWS_H
#define HD_UNIT_VIEWS_H

#include <stdio.h>

#include "snmp_int.h"

/* FN(f, V) into a malloc'd string: one renderer's whole output, for any
 * view type (a statement expression, so FN keeps its own signature). */
#define VIEW_RENDER(fn, v)                                                                         \
	({                                                                                         \
		char *vr_buf = NULL;                                                               \
		size_t vr_len = 0;                                                                 \
		FILE *vr_f = open_memstream(&vr_buf, &vr_len);                                     \
		fn(vr_f, v);                                                                       \
		fclose(vr_f);                                                                      \
		vr_buf;                                                                            \
	})

/* HAY has WHAT; else a failure (of test_views.c) naming WHERE. */
void has(const char *hay, const char *what, const char *where);
/* The cell ENTRY.COL.IDX of S (T's entry), NULL when there is none. */
const struct snmp_cell *cell_at(const struct snmp_snap *s, const struct snmp_table *t, oid col,
				const oid *idx, size_t n);
/* test_views_ipvs.c: the IPVS and announce views; returns its failures. */
int test_views_ipvs(void);

#endif
