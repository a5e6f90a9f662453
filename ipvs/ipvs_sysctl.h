#ifndef IPVS_SYSCTL_H
#define IPVS_SYSCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "hd_config.h"

#define IPVS_SYSCTL_MAX_LINES 8
#define IPVS_SYSCTL_ROOT      "/proc/sys"

struct ipvs_sysctl_report {
	bool nat, dr;	     /* modes in use */
	unsigned n_checked;  /* knobs read */
	unsigned n_fixed;    /* knobs written (set_sysctls) */
	unsigned n_problems; /* knobs still wrong */
	unsigned n_lines;    /* first problems, as text */
	char lines[IPVS_SYSCTL_MAX_LINES][160];
};

/* Check (and with FIX set) the sysctls under ROOT ("/proc/sys") that the
 * forwarding modes of CFG need; problems are logged and kept in R. */
void ipvs_sysctl_check(const struct hd_config *cfg, const char *root, bool fix,
		       struct ipvs_sysctl_report *r);

/* A destination re-added to keep the kernel's order (ipvs_order.c) is out
 * of the table between its delete and its add. With expire_nodest_conn = 1
 * a packet of one of its connections arriving then expires the connection
 * and goes to the scheduler or, not being a SYN, to the director's own
 * stack, which resets it; with 0 it is dropped and TCP sends it again,
 * after the add. So the knob is held at 0 from the delete to the add (only
 * when it is 1: a user's 0 is left alone) and put back right after. A
 * failed write leaves the old behaviour and is counted. */
struct ipvs_nodest_hold {
	bool held;	 /* written 0 by us: put 1 back */
	uint64_t holds;	 /* delete/add pairs it covered */
	uint64_t errors; /* writes refused (no /proc/sys write access) */
};

void ipvs_nodest_hold(struct ipvs_nodest_hold *h, const char *root);
void ipvs_nodest_release(struct ipvs_nodest_hold *h, const char *root);

#endif
