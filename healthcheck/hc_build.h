/* What the build (hc_build.c) and the rest of the module's hooks
 * (hc_daemon.c) share: the prepared state of a reload. Private to
 * healthcheck/. */
#ifndef HC_BUILD_H
#define HC_BUILD_H

#include "hc_int.h"
#include "hc_match.h"

/* A probe the new configuration keeps: its new parameters (pointers into
 * the new configuration), set at commit. */
struct hc_kept {
	struct hc_probe *p;
	struct hc_pparams params;
	unsigned users; /* the new real servers using it, counted by the build */
};

/* A build, prepared: everything for CFG, nothing of the running state
 * changed. Kept probes are shared with the running state (read only until
 * commit); fresh ones are new and not armed. */
struct hc_prep {
	const struct hd_config *cfg;
	struct hc_probe **probes;
	size_t n_probes;
	struct hc_vs *vs;
	size_t n_vs;
	struct hc_probe **fresh; /* created by this build, to schedule */
	size_t n_fresh;
	struct hc_kept *kept;
	size_t n_kept;
	uint64_t verdict_changes; /* counted by the build, added at commit */
	/* What each new object continues (NULL: nothing): the running virtual
	 * server (per vs), real server (per real server, in file order) and
	 * the real server whose checks a fresh probe replaces (per fresh).
	 * The runtime state is carried over from them in the build's last
	 * step, in one loop iteration: a build in steps (hc_stage_step) lets
	 * the checks run in between, and they change it. */
	const struct hc_vs **vs_old;
	const struct hc_rs **rs_old;
	const struct hc_rs **fresh_old;
	struct hc_probe **dropped; /* running probes it does not keep: freed at commit */
	size_t n_dropped;
	bool *same; /* per real server: its verdict's inputs are its rs_old's (same_inputs) */
};

/* Stop and free a probe (its timer, socket, forwarding-path probe). */
void hc_probe_free(struct hc_probe *p);
/* Free N virtual servers' real servers and their probe lists (not the
 * probes), then VS. */
void hc_vs_free(struct hc_vs *vs, size_t n);

#endif
