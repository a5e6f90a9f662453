/* PURE: the desired table's build and the diff in steps of bounded size.
 *
 * At keepalived's reload figure (2,277 virtual servers, 37,205 real
 * servers) the build and the diff took 2.5 ms natively and 60-77 ms under
 * emulation in one loop iteration: a VRRP advert due meanwhile left late.
 * Cut into steps, the reconcile pass (ipvs_pass.c) runs as many as fit in
 * its slice of the loop and hands the loop back between two. The result is
 * the one ipvs_model_build / ipvs_diff give (they are these steps run with
 * no bound), whatever the bound: tests/unit/test_ipvs_steps.c.
 *
 * A budget counts destinations (a real server of the configuration, per
 * group member; a destination of either table in the diff) plus one per
 * virtual server or service position, so a step's work is about its budget
 * whatever the shape of the table. A step always does at least one virtual
 * server or one service position: a single service of N destinations is
 * one step of N. */
#ifndef IPVS_STEPS_H
#define IPVS_STEPS_H

#include "ipvs_types.h"

/* The desired table, virtual server by virtual server. CFG and QUORUM must
 * stay as they are until the build is over or freed (the pass starts it
 * over when a configuration is committed meanwhile). */
struct ipvs_model_build {
	const struct hd_config *cfg;
	ipvs_verdict_fn verdict;
	ipvs_quorum_fn quorum_fn;
	void *ud;
	struct ipvs_quorum_state *quorum;
	struct ipvs_table out;
	size_t next; /* the next virtual server of cfg to build */
};

/* As ipvs_model_build's arguments. Returns 0 or -ENOMEM (B then empty). */
int ipvs_model_build_begin(struct ipvs_model_build *b, const struct hd_config *cfg,
			   ipvs_verdict_fn verdict, ipvs_quorum_fn quorum_fn, void *ud,
			   struct ipvs_quorum_state *quorum);
/* Builds virtual servers from b->next until BUDGET is spent (at least one)
 * or none is left; the last step sorts the table. Returns 1 when B->out is
 * the whole desired table (sorted), 0 when virtual servers remain,
 * -ENOMEM (B->out freed: begin again). */
int ipvs_model_build_step(struct ipvs_model_build *b, size_t budget);
/* The table built so far, dropped. */
void ipvs_model_build_free(struct ipvs_model_build *b);

/* Where a diff is. The ops already emitted are a prefix of the whole
 * diff's: the deletes of unwanted owned services first, then service by
 * service its add or edit and its destinations' writes. */
struct ipvs_diff_cursor {
	bool adds;    /* false: the deletes' merge; true: the adds' and edits' */
	size_t i, j;  /* positions in desired and observed */
	size_t steps; /* key comparisons so far (ipvs_diff's MERGE_STEPS) */
};

/* Starts a diff into OPS (emptied). */
void ipvs_diff_begin(struct ipvs_diff_cursor *cur, struct ipvs_ops *ops);
/* Goes on with the diff of DESIRED against OBSERVED (and OWNED, as
 * ipvs_diff) until BUDGET is spent (at least one service position) or it
 * is over. The three must not change between the steps of one diff (OPS
 * points into them). Returns 1 when over, 0 when more remains, -ENOMEM
 * (OPS then holds a prefix). */
int ipvs_diff_step(const struct ipvs_table *desired, const struct ipvs_table *observed,
		   const struct ipvs_keyset *owned, struct ipvs_diff_cursor *cur,
		   struct ipvs_ops *ops, size_t budget);

#endif
