/* The slow timer's full IPVS re-read in a thread (ipvs_bgdump.c). */
#ifndef HD_IPVS_BGDUMP_H
#define HD_IPVS_BGDUMP_H

#include <systemd/sd-event.h>

#include "ipvs_types.h"

struct ipvs_bgdump;

/* Called on the loop when the dump ended: R < 0 is the error, else T is
 * the whole table (the callee takes it; it is empty on error). */
typedef void (*ipvs_bgdump_fn)(void *arg, int r, struct ipvs_table *t);

/* Start a full dump on a socket of its own in a thread; DONE runs from an
 * event source of PRIORITY. */
int ipvs_bgdump_start(sd_event *e, int64_t priority, ipvs_bgdump_fn done, void *arg,
		      struct ipvs_bgdump **out);
/* Wait for the thread and drop its result without calling DONE. */
void ipvs_bgdump_cancel(struct ipvs_bgdump *b);

#endif
