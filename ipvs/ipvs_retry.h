/* Which failed IPVS writes are retried, and when: the decisions of the
 * reconcile pass (ipvs_daemon.c) with no I/O and no event loop, so a table
 * test (tests/unit/test_ipvs_retry.c) covers them. */
#ifndef IPVS_RETRY_H
#define IPVS_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipvs_types.h"

#define IPVS_RETRY_MIN_USEC 1000000ULL
#define IPVS_RETRY_MAX_USEC (60 * 1000000ULL)

/* A failed write waiting for its retry (one per entry). */
struct ipvs_retry {
	struct ipvs_svc_key svc;
	bool has_dest;
	struct ipvs_dest dest; /* key fields */
	enum ipvs_op_kind kind;
	int err;
	unsigned failures;
	uint64_t next_usec, backoff_usec;
	bool seen; /* the last diff still wanted it */
};

struct ipvs_retries {
	struct ipvs_retry *v;
	size_t n, cap;
};

/* An error that means the kernel already has what OP asked for: a delete
 * of what is gone, an add of what exists (raced; the re-read sees it). */
bool ipvs_op_benign(enum ipvs_op_kind kind, int err);

/* The wait after one more failure, given the wait after the last one (0
 * for none): IPVS_RETRY_MIN_USEC, doubling, capped at IPVS_RETRY_MAX_USEC. */
uint64_t ipvs_retry_backoff(uint64_t prev_usec);

/* The pending retry of OP's entry (service, or service and destination),
 * whatever the op's kind; NULL if none. */
struct ipvs_retry *ipvs_retries_find(struct ipvs_retries *rs, const struct ipvs_op *op);

/* Whether OP may be tried at NOW: no retry pending or its backoff over.
 * Marks RT (from ipvs_retries_find, may be NULL) as still wanted. */
bool ipvs_retry_due(struct ipvs_retry *rt, uint64_t now);

/* OP failed with ERR at NOW: record it in RT, or in a new entry when RT
 * is NULL. Returns the entry, NULL when none could be allocated (the slow
 * timer retries it then). */
struct ipvs_retry *ipvs_retries_note(struct ipvs_retries *rs, struct ipvs_retry *rt,
				     const struct ipvs_op *op, int err, uint64_t now);

/* OP succeeded: forget its retry (RT may be NULL). */
void ipvs_retries_drop(struct ipvs_retries *rs, struct ipvs_retry *rt);

/* Around one diff: clear the marks, then forget retries of entries the
 * diff no longer asked for (the config or the kernel changed). */
void ipvs_retries_begin_pass(struct ipvs_retries *rs);
void ipvs_retries_prune(struct ipvs_retries *rs);

/* The earliest retry deadline, or LATEST if none is earlier. */
uint64_t ipvs_retries_next(const struct ipvs_retries *rs, uint64_t latest);

void ipvs_retries_free(struct ipvs_retries *rs);

#endif
