#ifndef HD_CONTROL_H
#define HD_CONTROL_H

#include "daemon.h"

/* Listen on d->control_path (mode 0600); only root or the daemon's own uid
 * may talk to it (SO_PEERCRED). Only a socket already at the path is
 * replaced: anything else there is refused (-EEXIST) and left alone. */
int hd_control_start(struct hd_daemon *d);
void hd_control_stop(struct hd_daemon *d);

/* Counters for status. */
struct hd_control_stats {
	unsigned long requests, errors, rejected_peers, timeouts;
	unsigned long busy;	   /* status/metrics refused: HD_SNAPSHOT_QUEUE already waiting */
	unsigned long drain_waits; /* drain --wait clients waiting now */
};
const struct hd_control_stats *hd_control_stats(struct hd_daemon *d);

#endif
