/* PURE: is a failed check the real server's fault, or the director's own
 * path to it being down? (issue 23: a VRRP master whose link went down
 * judged all its real servers dead, deleted their IPVS destinations, the
 * kernel dropped their connection entries, and when it came back and
 * preempted it reset every connection.)
 *
 * A failed check whose run met the director's egress interface to the real
 * server down (no carrier, or administratively down) proves nothing about
 * the server: it becomes the outcome `director_link_down`, a NEUTRAL result
 * (counted, shown, logged) that leaves rise/fall and the verdict as they
 * were. When the interface returns, the next checks count again and the
 * verdicts settle as they would have.
 *
 * Rules (hc_path_hold, table-tested in tests/unit/test_hc_path.c):
 * - only outcomes that mean "no answer" (timeouts, connect errors, no
 *   reply, TLS failed, a script's failure, internal errors, the forwarding
 *   path not answering) can be held; an answer (refused, a bad status, a
 *   DNS rcode, an agent's "down", ...) came through the path, so it counts;
 * - the egress interface is known: held when that interface was down at
 *   some time from the run's start minus a grace to its end (the grace
 *   covers a run started just after the link came back: neighbours being
 *   resolved, addresses in DAD). The egress is the kernel's route to the
 *   target (a link without carrier keeps its routes) or, when there is no
 *   route (an interface set down takes its connected routes along, not its
 *   IPv4 addresses), the interface holding an address whose prefix
 *   contains the target (hc_path_on_link);
 * - no egress known (no route and no such prefix: a target that never had
 *   a route, or a routed one behind a link set down), or it was up:
 *   counted, as before.
 * Limit: a path that dies beyond the director's NIC (a switch port further
 * on) is not seen here; the fail-open guard (max_ejection) covers the case
 * where every server fails at once. */
#ifndef HC_PATH_H
#define HC_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include "hc_policy.h"
#include "hd_config.h"

/* One interface's history: its state and its last down period (kept by
 * the daemon's link view, hd_link_set_running in daemon/base/link.h). */
struct hc_path_if {
	int ifindex;
	bool running;	  /* IFF_UP and IFF_RUNNING (carrier) */
	uint64_t down_at; /* start of the last down period, 0: never down */
	uint64_t up_at;	  /* its end, 0: still down (or never down) */
};

/* I was down at some time in [START - GRACE, END]. */
bool hc_path_if_down_in(const struct hc_path_if *i, uint64_t start, uint64_t end, uint64_t grace);

/* Outcomes that say the target did not answer (holdable). */
bool hc_outcome_no_answer(enum hc_outcome o);

struct hc_path_in {
	const struct hc_result *r;	 /* the check's result */
	const struct hc_path_if *egress; /* the egress's history, NULL: not known */
	uint64_t start, end, grace;
};

/* A's first PLEN bits are NET's (same family): an on-link prefix. */
bool hc_path_on_link(const struct hd_addr *net, unsigned plen, const struct hd_addr *a);

/* Whether the failed result is held (becomes director_link_down). */
bool hc_path_hold(const struct hc_path_in *in);

/* The held result: R's run, outcome director_link_down, detail the
 * egress ifindex, neutral. */
void hc_path_held_result(const struct hc_result *r, int ifindex, struct hc_result *out);

#endif
