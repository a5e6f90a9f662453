/* PURE: what becomes of the checks' verdicts before IPVS sees them.
 * No I/O and no clock; table-tested in tests/unit/test_hc_shape.c.
 *
 * Slow start (virtual_server slow_start, slow_start_steps): a real server
 * whose weight goes from nothing (down, drained, new) to W > 0 ramps to W
 * over DUR in STEPS levels: at START + k*DUR/STEPS (k = 0..STEPS-1) its
 * weight is max(1, W*(k+1)/(STEPS+1)), from START + DUR on it is W. So a
 * ramp makes at most STEPS + 1 IPVS writes (the first is the one that puts
 * the server back anyway), fewer when levels repeat (small W). A
 * connection-count scheduler (lc, wlc) would otherwise send every new
 * connection to the returning server, whose count is 0.
 *
 * Fail-open guard (virtual_server max_ejection, max_ejection_timeout): a
 * real server's check failure is "in the round" for WINDOW after it (about
 * one delay_loop plus a check's timeout: the time a failure of everything
 * at once takes to show on every real server). When two or more, and more
 * than MAX_PCT percent of the virtual server's real servers, fail in one
 * round, the guard engages: every one failed in the round is held in
 * service at its last weight (the last known good set keeps serving, those
 * removed earlier in the round come back), and so is any that fails while
 * it is engaged. It releases when no held server is failing any more (the
 * checks recovered) or BOUND after it engaged: then the held failures are
 * applied and leave the round (they do not engage it again). One failure
 * alone never engages it: a real failure of one server removes it.
 * MAX_PCT >= 100 turns the guard off. */
#ifndef HC_SHAPE_H
#define HC_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The weight at NOW of a ramp to TARGET that began at START (see above);
 * *NEXT gets when it changes next, 0 when the ramp is over (the weight is
 * TARGET from then on). DUR == 0 or STEPS == 0: no ramp. */
unsigned hc_ramp_weight(unsigned target, uint64_t start, uint64_t now, uint64_t dur, unsigned steps,
			uint64_t *next);

/* One real server as the guard sees it. */
struct hc_eject_rs {
	bool check_up;	  /* what its checks say */
	bool held;	  /* failing, kept in service by the guard */
	uint64_t down_at; /* when its checks failed; 0: not in a round */
};

struct hc_eject_vs {
	bool engaged;
	uint64_t since;	      /* when it engaged */
	uint64_t engagements; /* times it engaged, ever */
	uint64_t expiries;    /* times it released at its bound */
};

enum hc_eject_event {
	HC_EJECT_NONE = 0,
	HC_EJECT_ENGAGED,
	HC_EJECT_RECOVERED, /* released: no held server fails any more */
	HC_EJECT_EXPIRED,   /* released at its bound: held failures applied */
};

/* Re-evaluate the guard of a virtual server of N real servers at NOW after
 * any of their check verdicts changed (or at its bound, see
 * hc_eject_next). Sets RS[i]->held; a server is in service when check_up
 * || held. Returns what happened to the guard. */
enum hc_eject_event hc_eject_update(struct hc_eject_vs *g, struct hc_eject_rs *const *rs, size_t n,
				    unsigned max_pct, uint64_t window, uint64_t bound,
				    uint64_t now);
/* When the guard needs to be re-evaluated without a verdict change: its
 * bound while engaged; 0 otherwise. */
uint64_t hc_eject_next(const struct hc_eject_vs *g, uint64_t bound);

#endif
