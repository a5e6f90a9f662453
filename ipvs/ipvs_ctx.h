/* The IPVS module's state, shared by its files (private to ipvs/):
 * ipvs_daemon.c (hooks, timer, the thread's re-read, sync daemon),
 * ipvs_pass.c (the reconcile pass, in slices) and ipvs_status.c (status,
 * dump, view). */
#ifndef IPVS_CTX_H
#define IPVS_CTX_H

#include "hd_context.h"
#include "ipvs_bgdump.h"
#include "ipvs_retry.h"
#include "ipvs_steps.h"
#include "ipvs_sysctl.h"
#include "ipvs_types.h"
#include "log.h"

#define IPVS_SLOW_PERIOD_USEC (5 * 1000000ULL)

struct ipvs_nl;
struct ipvs_bgdump;

/* One reconcile pass, which may span several loop iterations. A reload
 * of tens of thousands of real servers writes thousands of entries, each
 * a netlink round trip (0.1-0.3 ms under emulation): in one iteration that
 * held a VRRP advert for a third of a second; building and diffing its
 * table took 60-77 ms there. So the pass is cut into slices of at most
 * IPVS_SLICE_USEC of building, diffing, writes or re-reads, and between
 * two the loop runs whatever is due first (VRRP, checks, the control
 * socket). The table under construction is the pass's own until it is
 * whole; then it becomes c->desired. A configuration committed while it
 * is built (c->commits moves) starts the build over: the table never
 * mixes two configurations. The ops point into c->desired and
 * c->observed, which stay as they are until the pass ends: neither the
 * next build nor the thread's re-read replaces them while it runs. */
enum ipvs_pass_phase {
	IPVS_PASS_IDLE = 0,
	IPVS_PASS_BUILD,  /* build: virtual servers from build.next on to build */
	IPVS_PASS_DIFF,	  /* diff: c->desired vs c->observed from the cursor on */
	IPVS_PASS_WRITE,  /* ops[next..] still to write */
	IPVS_PASS_REREAD, /* touched.v[reread..] still to read back */
};

struct ipvs_pass {
	enum ipvs_pass_phase phase;
	struct ipvs_model_build build;
	uint64_t build_commits; /* c->commits when the build began */
	struct ipvs_diff_cursor diff;
	struct ipvs_ops ops;
	size_t next, done;		    /* ops tried / taken by the kernel */
	const struct ipvs_service *blocked; /* its ADD failed: skip its dests */
	struct ipvs_keyset touched;	    /* services written this pass */
	size_t reread;			    /* keys of touched read back */
	struct ipvs_table fresh;	    /* what they read */
	uint64_t begin_usec, build_usec, diff_usec, w0;
	uint64_t reload_begin_usec; /* the reload it applies, 0 if none */
	bool timer_pass;
	/* a pass was asked for while this one ran (a verdict, a commit):
	 * a fresh one follows, as this one may have read them before */
	bool again;
	sd_event_source *next_slice; /* the defer that runs the next slice */
	unsigned slices;
	uint64_t longest_slice_usec;
	/* where the longest slice began and ended: a failed "no advert
	 * late" check says which part held the loop */
	enum ipvs_pass_phase longest_from, longest_to;
};

struct ipvs_ctx {
	struct hd_daemon *d;
	struct ipvs_nl *nl;
	bool unavailable_logged;
	sd_event_source *timer;
	sd_event_source *sysctl_later; /* the knobs' check a commit asked for */
	struct ipvs_table desired, observed;
	bool observed_valid, full_dump_due;
	bool timer_due; /* the slow timer fired: the sync daemon check */
	/* the slow timer's re-read, in a thread (ipvs_bgdump.c): services
	 * written while it runs, and the count of loop-side full dumps (one
	 * meanwhile makes its result the older one) */
	struct ipvs_bgdump *bg;
	struct ipvs_bgslice bg_slice; /* whose destinations the next re-read reads */
	struct ipvs_keyset bg_touched;
	uint64_t sync_dumps, bg_start_dumps;
	struct ipvs_keyset owned;
	struct ipvs_quorum_state *quorum;
	struct ipvs_retries retries;
	struct ipvs_pass pass;
	uint64_t commits;	    /* configurations committed (ipvs_commit) */
	uint64_t writes_base;	    /* writes of closed sockets */
	uint64_t parse_errors_base; /* replies they skipped */
	uint64_t reconciles, dumps, errors, last_dump_usec;
	size_t pending_ops;
	uint64_t last_pass_usec;       /* duration of the last pass */
	uint64_t last_pass_build_usec; /* of which: desired table build + owned keys */
	uint64_t last_write_pass_usec, last_write_pass_writes; /* last pass that wrote */
	unsigned last_pass_slices, last_write_pass_slices;     /* iterations they took */
	uint64_t last_pass_longest_slice_usec, last_write_pass_longest_slice_usec;
	char last_error[256];
	unsigned pass_events, pass_unlisted, pass_unlisted_failed; /* this pass's */
	struct hd_ratelimit log_rl; /* kernel errors: many entries may fail at once */
	struct ipvs_sysctl_report sysctl;
	struct ipvs_nodest_hold nodest; /* around a re-add's delete and add */
	/* connection sync daemons: masks of IP_VS_STATE_* (ipvs_sync_rule.h), 0 = none */
	int sync_want, sync_have;
	bool sync_vrrp_master;			 /* the lvs_sync_daemon's vrrp_instance is master */
	struct hd_lvs_sync_config sync_cfg_have; /* the running one's parameters */
	int sync_err;
};

/* ipvs_daemon.c */
uint64_t ipvs_total_writes(const struct ipvs_ctx *c);
uint64_t ipvs_parse_errors(const struct ipvs_ctx *c);
void ipvs_set_error(struct ipvs_ctx *c, const char *what, int err);
void ipvs_close_nl(struct ipvs_ctx *c);
int ipvs_ensure_open(struct ipvs_ctx *c);
/* The sync daemon as wanted; TIMER_PASS: the slow timer's pass */
void ipvs_sync_apply(struct ipvs_ctx *c, bool timer_pass);
const char *ipvs_sync_state_str(int s);
const char *ipvs_pass_phase_str(enum ipvs_pass_phase ph);
/* The slow timer, for the next retry or re-read (after every pass). */
void ipvs_arm_timer(struct ipvs_ctx *c, uint64_t now);

/* ipvs_pass.c: the pass. ipvs_pass_run, for every pass asked for (a
 * reconcile), runs a pass's first slice and the rest from its own defer
 * source in later loop iterations; called while one runs, it notes that
 * a fresh pass must follow. Returns true when the pass ended in it. */
bool ipvs_pass_run(struct ipvs_ctx *c);
void ipvs_pass_drop(struct ipvs_ctx *c); /* abandon it (stop, no socket) */
int ipvs_refresh_observed(struct ipvs_ctx *c, uint64_t now);
void ipvs_owned_prune(struct ipvs_ctx *c);
/* Writes the kernel has not taken yet (this pass's, or the last one's). */
size_t ipvs_pending(const struct ipvs_ctx *c);

#endif
