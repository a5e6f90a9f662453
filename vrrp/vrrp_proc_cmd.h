/* vrrp_track_process, the pure part that reads a command line: the
 * process name against argv[0] (full_command), the parameters after it
 * (parameters, param_match), and what a verdict does to a tracking
 * instance (weight, reverse). keepalived.conf(5)'s semantics; the I/O
 * (reading /proc/PID/cmdline) is in vrrp_procmon.c. */
#ifndef VRRP_PROC_CMD_H
#define VRRP_PROC_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "hd_config.h"
#include "vrrp_proc.h"

/* Bytes of /proc/PID/cmdline read at most: a longer command line is
 * compared by its first this many bytes (it then never matches `exact`). */
#define VRRP_PROC_CMDLINE_MAX 65536

/* Whether deciding P for a process whose comm is COMM needs its cmdline:
 * P compares argv[0], or COMM matches and P checks parameters. */
bool vrrp_proc_wants_cmdline(const struct hd_vrrp_process_config *p, const char *comm);

/* The parameters HAVE (HLEN bytes, each followed by a NUL, as the kernel
 * gives them; TRUNC: the command line went on past them) against WANT
 * (WLEN bytes, the same form) under M. */
bool vrrp_proc_params_match(enum hd_proc_param_match m, const char *want, size_t wlen,
			    const char *have, size_t hlen, bool trunc);

/* Does a process with COMM and command line CL (LEN bytes, CL[LEN] == 0;
 * TRUNC when /proc/PID/cmdline was longer) count as P? */
bool vrrp_proc_cmd_match(const struct hd_vrrp_process_config *p, const char *comm, const char *cl,
			 size_t len, bool trunc);

/* What a tracked process in state ST adds to an instance's priority:
 * a positive weight while up, a negative one while down; REVERSE turns
 * the sign (keepalived: "the addition/subtraction is reversed"). */
int vrrp_proc_weight_delta(int weight, bool reverse, enum vrrp_proc_state st);

/* Whether it puts the instance in FAULT: weight 0 and down, or with
 * REVERSE, weight 0 and up. */
bool vrrp_proc_is_fault(int weight, bool reverse, enum vrrp_proc_state st);

#endif
