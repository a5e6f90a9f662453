#ifndef IPVS_SYSCTL_H
#define IPVS_SYSCTL_H

#include <stdbool.h>

#include "hd_config.h"

#define IPVS_SYSCTL_MAX_LINES 8

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

#endif
