/* PURE health-check policy: outcomes, rise/fall counting, real server
 * verdicts, quorum with hysteresis, probe start spreading.
 *
 * No I/O and no clock: callers pass `now`. Everything here is table-tested
 * in tests/unit/test_hc_policy.c.
 *
 * Semantics (documented in one place):
 * - A checker starts UP, or DOWN in alpha mode. It goes DOWN after `fall`
 *   consecutive failures and UP after `rise` consecutive successes. In
 *   alpha mode the very first result, if a success, brings it up at once
 *   (a healthy farm is in service after one round at startup).
 * - `retry` (keepalived's meaning): one run of a check is up to 1 + retry
 *   attempts. While the checker is UP, a failed attempt with retries left
 *   only schedules the next attempt (after delay_before_retry); the run
 *   fails, and counts towards `fall`, when its last attempt fails. The
 *   first successful attempt ends the run as a success. A DOWN checker does
 *   not retry: a failure cannot change its state, and `rise` counts plain
 *   results. So an UP checker goes DOWN after fall x (1 + retry)
 *   consecutive failed attempts; keepalived's `retry N` without rise/fall
 *   is fall = 1, retry = N here. Every attempt counts in `runs` and
 *   `failures` (they count probes), retried ones also in `retries`.
 * - While an UP checker is failing but has not gone DOWN (retrying, or
 *   failed runs below `fall`), the next probe comes after
 *   delay_before_retry (when set) instead of delay_loop, so a dead server
 *   is confirmed quickly: detection takes about delay_loop (worst case,
 *   until the first failed attempt) + (fall x (1 + retry) - 1) x
 *   delay_before_retry + the check's timeout.
 * - A real server is up only when every one of its checkers is up.
 *   Weight precedence: drain (0) > operator weight (hc_set_weight) >
 *   misc_check dynamic weight (lowest of its checkers) > configured weight.
 * - misc_check exit status: 0 success; 1 failure; with dynamic weight
 *   2..255 is success with weight exit-2, otherwise any non-zero exit is a
 *   failure. Death by a signal is a failure.
 * - Quorum (per virtual server, sum of the weights of up real servers): lost
 *   when the sum is 0 or below `quorum`; regained only when the sum is > 0
 *   and >= quorum + hysteresis. keepalived loses quorum only below
 *   quorum - hysteresis; here the loss edge is exact and hysteresis only
 *   delays the recovery, so a sorry server appears as soon as capacity is
 *   short and leaves only once capacity is comfortably back.
 */
#ifndef HC_POLICY_H
#define HC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hc_agent_line.h"

enum hc_outcome {
	HC_O_NONE = 0, /* no result yet */
	HC_O_OK,
	HC_O_CONNECT_REFUSED,
	HC_O_CONNECT_TIMEOUT,
	HC_O_CONNECT_ERROR, /* detail: errno */
	HC_O_TIMEOUT,	    /* connected, no complete answer in time */
	HC_O_TLS_FAILED,
	HC_O_PROTOCOL_ERROR, /* malformed or truncated reply */
	HC_O_BAD_STATUS,     /* detail: HTTP status code */
	HC_O_DIGEST_MISMATCH,
	HC_O_SCRIPT_EXIT,   /* detail: exit code */
	HC_O_SCRIPT_SIGNAL, /* detail: signal number */
	HC_O_SCRIPT_TIMEOUT,
	HC_O_SCRIPT_EXEC_FAILED, /* detail: errno */
	HC_O_SMTP_BAD_REPLY,	 /* detail: SMTP reply code (0: unparsable) */
	HC_O_DNS_RCODE,		 /* detail: DNS rcode */
	HC_O_DNS_NO_ANSWER,
	HC_O_DNS_BAD_REPLY,
	HC_O_UDP_NO_REPLY,
	HC_O_UDP_BAD_REPLY,
	HC_O_UDP_UNREACHABLE,	 /* ICMP port unreachable */
	HC_O_INTERNAL,		 /* the probe could not start; detail: errno */
	HC_O_REPLY_TOO_LARGE,	 /* the answer passed the check's cap (never ending) */
	HC_O_AGENT_DOWN,	 /* agent_check: the agent said down, fail or stopped */
	HC_O_AGENT_MAINT,	 /* agent_check: the agent said maint */
	HC_O_AGENT_GARBAGE,	 /* agent_check: a line ignored; detail: enum hc_agent_parse */
	HC_O_VIP_NOT_ACCEPTED,	 /* check_forwarding_path: no answer from the VIP through
				  * the DR or TUN path; detail: HC_FWD_D_* (hc_fwd_pkt.h) */
	HC_O_VIP_ARP_ANSWERED,	 /* check_forwarding_path: the real server answers ARP for
				  * the VIP (arp_ignore not set) */
	HC_O_DIRECTOR_LINK_DOWN, /* no answer while the director's own link to the target
				  * was down: held, neutral (hc_path.h); detail: ifindex */
	HC_O__MAX
};

struct hc_result {
	enum hc_outcome outcome;
	int detail;
	int dyn_weight; /* misc_check dynamic weight, -1 = none */
	/* agent_check: NEUTRAL results are counted but leave rise/fall and the
	 * verdict as they are (a weight-only line, garbage, an agent that does
	 * not answer: the other checks test the service, not the agent);
	 * AGENT is what a line said (all NONE otherwise) */
	bool neutral;
	struct hc_agent_reply agent;
};

/* Stable machine name ("connect_refused") and human text with the detail
 * ("bad status 503", "script exit 3"). */
const char *hc_outcome_name(enum hc_outcome o);
const char *hc_outcome_text(enum hc_outcome o, int detail, char *buf, size_t len);
static inline bool hc_outcome_ok(enum hc_outcome o)
{
	return o == HC_O_OK;
}

struct hc_policy {
	unsigned rise, fall; /* 0 is treated as 1 */
	unsigned retry;	     /* extra attempts per run while UP */
	bool alpha;
	uint64_t delay_loop_usec;
	uint64_t delay_before_retry_usec; /* 0 = retry at delay_loop */
};

struct hc_checker {
	bool up;
	bool started;		   /* has had at least one result */
	unsigned ok_run, fail_run; /* consecutive successful / failed runs */
	unsigned retry_it;	   /* failed attempts in the current run */
	struct hc_result last;
	int dyn_weight;			     /* last dynamic weight reported, -1 = none */
	struct hc_agent_reply agent;	     /* agent_check: the last state and weight said */
	uint64_t agent_lines, agent_garbage; /* agent_check: lines taken, lines ignored */
	uint64_t runs, failures, retries;    /* attempts */
	uint64_t last_change_usec;
};

void hc_checker_init(struct hc_checker *c, const struct hc_policy *p, uint64_t now);
/* Account one result. Returns true when c->up changed. */
bool hc_checker_feed(struct hc_checker *c, const struct hc_policy *p, const struct hc_result *r,
		     uint64_t now);
/* Delay from the end of one probe to the start of the next. */
uint64_t hc_checker_next_delay(const struct hc_checker *c, const struct hc_policy *p);
/* When the next check starts, for a check due at DUE that ended at END. */
uint64_t hc_checker_next_at(const struct hc_checker *c, const struct hc_policy *p, uint64_t due,
			    uint64_t end);

struct hc_rs_eval {
	bool up;
	unsigned weight;
	bool drained;
	bool agent_drained; /* an agent said drain: weight 0 */
};

/* How far an agent_check may move the weight, percent of the configured. */
struct hc_agent_bounds {
	unsigned min_pct, max_pct;
};

/* CHECKERS may be empty (no checks: up with its weight). BOUNDS: each
 * checker's (NULL: 0..100 %). OVERRIDE < 0 = no operator weight.
 * Weight precedence: operator drain > operator weight > agent drain >
 * agent weight (the lowest of its agents, each within its bounds) >
 * misc_check dynamic weight > configured weight. */
void hc_rs_evaluate(const struct hc_checker *const *checkers, const struct hc_agent_bounds *bounds,
		    size_t n, unsigned cfg_weight, bool drained, int override,
		    struct hc_rs_eval *out);

/* Returns whether quorum is lost after seeing SUM. FIRST: no previous
 * state (startup): lost exactly when sum == 0 or sum < quorum. */
bool hc_quorum_lost(bool was_lost, bool first, uint64_t sum, unsigned quorum, unsigned hysteresis);

/* misc_check: map how the script ended to a result. EXITED: normal exit
 * with CODE, else killed by signal CODE. */
void hc_script_result(bool exited, int code, bool dynamic_weight, struct hc_result *out);

/* Offset of the first probe of probe INDEX among COUNT: evenly spread over
 * one delay_loop, plus a random part (RND) below WARMUP. */
uint64_t hc_first_delay(size_t index, size_t count, uint64_t delay_loop_usec, uint64_t warmup_usec,
			uint32_t rnd);

#endif
