/* vrrp_track_process, the pure part: which /proc entries count as the
 * tracked process, and when a count turns into up or down (quorum, delays).
 * The I/O (reading /proc on a timer) is in vrrp_procmon.c.
 *
 * Why a scan of /proc and not keepalived's proc connector: the connector
 * delivers only to sockets in the initial network namespace (a daemon in a
 * container or netns hears nothing), needs CAP_NET_ADMIN, and drops events
 * under load (ENOBUFS) after which a scan is needed anyway. A scan is always
 * right after one interval, costs one small read per process, and is the
 * same code on every kernel. The price: a start or exit is seen up to one
 * `interval` late (default 1 s), before fork_delay / terminate_delay. */
#ifndef VRRP_PROC_H
#define VRRP_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hd_config.h"

#define VRRP_PROC_COMM_MAX 16 /* TASK_COMM_LEN: 15 bytes and the NUL */

/* From the text of /proc/PID/stat: the comm between the first '(' and the
 * last ')' and the state letter after it. -EINVAL if it is not that. */
int vrrp_proc_parse_stat(const char *buf, size_t len, char comm[VRRP_PROC_COMM_MAX], char *state);

/* Does a process with COMM and ARGV0 (the first word of its cmdline, ""
 * for a kernel thread or when unreadable) count as NAME? A NAME with a '/'
 * is a path, compared with argv[0]; one of at most 15 bytes is compared
 * with comm; a longer one with argv[0]'s last path component. */
bool vrrp_proc_match(const char *name, const char *comm, const char *argv0);

/* Whether a process needs its cmdline read to decide (a long or path name). */
bool vrrp_proc_needs_argv0(const char *name);

enum vrrp_proc_state { VRRP_PROC_UNKNOWN = -1, VRRP_PROC_DOWN = 0, VRRP_PROC_UP = 1 };

struct vrrp_proc_verdict {
	enum vrrp_proc_state state;
	unsigned count; /* processes seen at the last scan */
	uint64_t due;	/* 0, or when a pending change takes effect */
};

/* One scan's COUNT at NOW: updates V. The first scan decides at once (as a
 * vrrp_script's first run); later a count that leaves or enters the range
 * must stay so for terminate_delay / fork_delay, a count back in the old
 * state cancels the pending change. Returns true when V->state changed;
 * V->due tells the caller when to look again without a new scan. */
bool vrrp_proc_step(const struct hd_vrrp_process_config *cfg, struct vrrp_proc_verdict *v,
		    unsigned count, uint64_t now);

#endif
