/* The director's links as the kernel reports them: one view for the whole
 * daemon (d->links), so that the health checker, VRRP and announce do not
 * each keep a netlink socket, a link dump and a table of their own (issue
 * 19: three link watchers, one of them hand-written rtnetlink).
 *
 * One libnl-route socket subscribed to RTNLGRP_LINK (and, when a watcher
 * asks, to the route and address groups: their events only bump the
 * generation, hd_link_gen), read on the loop at HD_PRIO_NETLINK, which runs
 * before every check's result and after VRRP's packets. At its creation the
 * view asks the kernel for a dump of every link; the replies arrive on the
 * loop like any event. Events lost to a receive buffer overrun: the view
 * dumps again, reports every link the dump shows with HD_LINK_RESYNC and
 * the links it no longer shows as gone.
 *
 * The view exists while some module watches it: the first hd_link_watch()
 * makes it, the last hd_link_unwatch() frees it. Watchers are called in the
 * order they registered, for every link message (an RTM_NEWLINK that
 * changes nothing too: VRRP re-reads the interface's facts on each). */
#ifndef HD_LINK_H
#define HD_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hd_context.h"

struct hd_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned flags; /* IFF_* as last reported */
	bool running;	/* IFF_UP and IFF_RUNNING (carrier) */
	/* The last down period, CLOCK_MONOTONIC: its start (0: never down
	 * since first seen) and its end (0: still down, or never down). A
	 * link first seen down opens a period then. */
	uint64_t down_usec, up_usec;
};

/* Account RUNNING at NOW (CLOCK_MONOTONIC) in L's history: a change opens
 * or closes its down period; true when it changed. A link first seen
 * starts as {running, never down}: a first report of it down opens a
 * period then. Pure (tests/unit/test_hc_path.c). */
static inline bool hd_link_set_running(struct hd_link *l, bool running, uint64_t now)
{
	if (l->running == running)
		return false;
	l->running = running;
	if (!running) {
		l->down_usec = now ? now : 1; /* 0 means never */
		l->up_usec = 0;
	} else {
		l->up_usec = now ? now : 1;
	}
	return true;
}

/* What a watcher is told, bits: the link is new to the view, it is gone
 * (RTM_DELLINK, or missing from a re-dump: L is its last state and is freed
 * after the call), its running state changed, the report comes from a
 * re-dump after lost events, or from the view's first dump (the state as it
 * was when the view started: a watcher that read it itself may skip it; a
 * change after that comes as an event of its own). */
#define HD_LINK_ADDED	0x1u
#define HD_LINK_GONE	0x2u
#define HD_LINK_RUNNING 0x4u
#define HD_LINK_RESYNC	0x8u
#define HD_LINK_DUMP	0x10u

typedef void (*hd_link_fn)(void *userdata, const struct hd_link *l, unsigned what);

struct hd_links;
struct hd_link_watch;

/* Register FN (may be NULL: the table and the generation only). The view
 * is made by the first call (socket, subscription, dump request). *OUT is
 * the handle for hd_link_unwatch. -errno (-ENOMEM) on failure. */
int hd_link_watch(struct hd_daemon *d, hd_link_fn fn, void *userdata, struct hd_link_watch **out);
/* Never from inside a watcher's call. NULL is a no-op. */
void hd_link_unwatch(struct hd_link_watch *w);
/* W wants (ON) or no longer wants the route and address events to move the
 * generation. The view subscribes to their groups while some watcher wants
 * them, and only then: on a host whose routes churn (a router's full
 * table, IPv6 router advertisements) the daemon wakes for them only while
 * someone needs them. A new subscription moves the generation (what came
 * before it was not seen). -errno when the kernel refused. */
int hd_link_want_routes(struct hd_link_watch *w, bool on);

const struct hd_link *hd_link_by_index(const struct hd_links *v, int ifindex);
const struct hd_link *hd_link_by_name(const struct hd_links *v, const char *name);
/* Links not running, now; the latest return of any link (0: none yet). */
size_t hd_links_down(const struct hd_links *v);
uint64_t hd_links_last_up(const struct hd_links *v);
/* Bumped by every change the view sees: a link added, gone, renamed or
 * changing state, events lost, and (while some watcher wants them) any
 * route or address event. An answer derived from the kernel's routes at
 * one generation is still the kernel's answer while it does not change. */
uint64_t hd_link_gen(const struct hd_links *v);

#endif
