/* The daemon context: the one object every event source gets as userdata,
 * and the event-loop helpers every module uses. No other global state
 * exists (the log target in log.c aside). It lives in the base so that a
 * module needs no daemon/ header: the fields for daemon/'s own parts are
 * pointers to types it alone defines (tests/style/layering.sh). */
#ifndef HD_CONTEXT_H
#define HD_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "hd_config.h"
#include "spawn.h"

/* sd-event priorities: lower runs first. VRRP beats everything so a
 * health-check burst never delays an advert or a takeover. */
#define HD_PRIO_VRRP	  (-100)
#define HD_PRIO_NETLINK	  (-50)
#define HD_PRIO_CONTROL	  0
#define HD_PRIO_HC	  10
#define HD_PRIO_RECONCILE 50
/* Signals (sd-event's default) are at 0 too. A source that yields
 * (hd_yield) comes back through a one-shot source just below them: it runs
 * only once no signal or control request is pending (sd-event orders equal
 * priorities made pending in the same iteration arbitrarily: at equal
 * priority the resume ran before a waiting SIGUSR1 and the netlink monitor
 * drained 200 events first, tests/netns/vrrp-flood.sh D). */
#define HD_PRIO_YIELD (HD_PRIO_CONTROL + 1)

struct hd_options {
	const char *config_path;
	const char *pid_file;
	const char *control_socket;
	bool no_daemon;
	bool test_config;
	bool plan, plan_json; /* -t --plan [--json]: ask the running daemon */
	bool log_console;
	int verbose;
};

struct hd_control;
struct vrrp_ctx;
struct ipvs_ctx;
struct hc_ctx;
struct announce_ctx;
struct hd_ops;
struct hd_reloader;
struct hd_planner;
struct hd_snapshots;
struct hd_alert;
struct hd_alert_hooks;
struct hd_events;
struct epoll_event;
struct hd_loop_timer;
struct hd_loop_hook;
struct hd_links;

struct hd_daemon {
	sd_event *event;
	struct hd_options opts;
	struct hd_config *config; /* current desired configuration */
	char *control_path;	  /* resolved: -s, then config, then default (owned) */
	struct hd_control *control;
	struct vrrp_ctx *vrrp; /* NULL until the VRRP module starts */
	struct ipvs_ctx *ipvs;
	struct hc_ctx *hc;
	struct announce_ctx *announce;	/* announce mode (ECMP), announce/ */
	struct hd_ops *ops;		/* metrics HTTP, SNMP, latency histograms (ops.h) */
	struct hd_reloader *reloader;	/* reload.c: the parse thread, once a reload ran */
	struct hd_planner *planner;	/* reload_plan.c: reload --plan, once one ran */
	struct hd_snapshots *snapshots; /* snapshot.c: status renders in children */
	struct hd_alert *alert;		/* alert.c: e-mail alerts */
	struct hd_events *events;	/* events.c: hadirectorctl monitor's bus */
	struct hd_overrides *overrides; /* overrides.c: the operator's live changes */
	struct hd_links *links;		/* link.c: the links, while a module watches them */
	/* What the modules call on a transition (alert_hook.h); set by alert.c */
	const struct hd_alert_hooks *alert_hooks;
	/* The pass hd_mark_dirty() asks for (daemon/ wires ipvs_reconcile) */
	void (*reconcile)(struct hd_daemon *d);
	int pid;			/* ours (a status rendered in a child says this one) */
	sd_event_source *reconcile_src; /* one deferred pass per iteration */
	uint64_t start_usec;		/* CLOCK_MONOTONIC */
	unsigned reloads_ok, reloads_failed;
	bool last_reload_failed;
	/* Timings of the last successful reload, usec (status "last_reload_usec"):
	 * parse = hd_config_load, modules = vrrp/hc/ipvs reload hooks, swap =
	 * freeing the old config; to_table = start of hd_reload to the end of
	 * the IPVS pass it triggers (writes and re-read included). */
	uint64_t reload_begin_usec; /* != 0 while the pass after a reload is due */
	uint64_t reload_parse_usec, reload_modules_usec, reload_swap_usec, reload_to_table_usec;
	/* build = the health checks' build in steps (reload.c), before the
	 * modules' prepare; longest_step = the longest loop iteration of the
	 * reload's (a step or the apply: modules and swap) */
	uint64_t reload_build_usec, reload_longest_step_usec;
	unsigned reload_build_steps;
	unsigned long forks; /* hd_fork() calls */
	/* loop.c: the loop's own epoll set (hd_loop_run): sd-event's descriptor
	 * and what modules watch through a struct hd_loop_io */
	int loop_fd;
	bool loop_running;
	bool loop_ms_only;	       /* no epoll_pwait2 (before Linux 5.11) */
	bool loop_touched;	       /* a handler of the set changed an sd-event source */
	uint64_t loop_now;	       /* this wakeup's clock, 0 until read */
	struct epoll_event *loop_held; /* check events waiting while sd-event runs */
	size_t loop_held_n;
	struct hd_loop_timer *loop_timer;      /* its one timer's user, or NULL */
	bool loop_timer_waited;		       /* due, left for the next wakeup */
	struct hd_loop_hook *loop_before_wait; /* its one user, or NULL */
	/* spawn.c: the scripts' user, per configuration */
	struct hd_spawn_policy spawn;
	bool stopping;
	bool stop_delayed; /* announce stop_delay running: a second signal ends it */
	bool memory_locked;
	bool rt_active; /* rt_priority applied by us */
};

/* Ask for one reconcile pass (d->reconcile) at the end of this loop
 * iteration; calling it many times in one iteration still gives one pass. */
void hd_mark_dirty(struct hd_daemon *d);

uint64_t hd_now_usec(void); /* CLOCK_MONOTONIC */
/* CLOCK_MONOTONIC as of this loop iteration's wakeup: read once, when
 * first asked after it (hd_loop_run). For when an event was seen, never
 * for a deadline from now: it is older by whatever ran since. */
uint64_t hd_loop_now_usec(struct hd_daemon *d);

/* A descriptor watched by the loop's own epoll set instead of through an
 * sd-event source: its registration (epoll_ctl on d->loop_fd) carries a
 * pointer to one of these in data.ptr, and FN gets its events. Cheaper
 * than a source (no sd-event iteration for a wakeup of these alone), and
 * with two duties for the code that uses it: a handler that changes an
 * sd-event source calls hd_loop_touch() (sd-event arms timers and finds
 * enabled defer sources only in sd_event_prepare, which must then run
 * before the loop sleeps); whoever frees an IO still registered, or closes
 * its descriptor, first calls hd_loop_forget() (its events of this wakeup
 * may wait, held, while an sd-event source runs first). */
struct hd_loop_io {
	void (*fn)(struct hd_loop_io *io, uint32_t revents);
};
/* The loop's one timer of its own, for the health checks' schedule: the
 * loop sleeps until AT at the latest (CLOCK_MONOTONIC usec, 0: never),
 * then runs FN as a handler of the set (the duties above apply). Moving AT
 * is a store: no sd-event source to re-sort, no timerfd to re-arm or read,
 * no sd-event iteration for the wakeup. */
struct hd_loop_timer {
	void (*fn)(struct hd_loop_timer *t);
	uint64_t at;
};
/* Run before each wait of the loop, sd-event's handlers and the set's of
 * the last wakeup done: for work they batched (the forwarding path's
 * frames, sent by one sendmmsg), without an sd-event prepare callback,
 * which would need an sd-event iteration of its own. */
struct hd_loop_hook {
	void (*fn)(struct hd_loop_hook *h);
};
/* Make the set, with sd-event's descriptor in it (after sd_event_new). */
int hd_loop_open(struct hd_daemon *d);
void hd_loop_close(struct hd_daemon *d);
/* sd_event_loop() for this daemon: until sd_event_exit(); returns its
 * exit code or < 0 on failure. */
int hd_loop_run(struct hd_daemon *d);
static inline void hd_loop_touch(struct hd_daemon *d)
{
	d->loop_touched = true;
}
void hd_loop_forget_held(struct hd_daemon *d, const struct hd_loop_io *io);
static inline void hd_loop_forget(struct hd_daemon *d, const struct hd_loop_io *io)
{
	if (d->loop_held_n)
		hd_loop_forget_held(d, io);
}

/* fork(), counted. Every child of the daemon is forked through here: a
 * child holds a copy of each of our descriptors until it execs or exits,
 * and code that relies on close() dropping the last reference (the health
 * checker's epoll set, hc_tcp.c) must know when one may exist. */
pid_t hd_fork(struct hd_daemon *d);

/* For a source whose handler stopped at its budget with input left: SRC
 * goes off and comes back on at HD_PRIO_YIELD, through *RESUME (a one-shot
 * defer source made on first use, owned by the caller and freed before
 * SRC). sd-event runs one source per iteration, the highest pending first:
 * without this a socket that is always readable (a flood) would run every
 * time and starve everything below it, SIGTERM and the control socket
 * included. Returns < 0 (SRC left on) if the resume source cannot be had. */
int hd_yield(struct hd_daemon *d, sd_event_source *src, sd_event_source **resume);

/* Runs CB(UD) once, in a later loop iteration, through *S: a defer source
 * at PRIORITY made on first use, owned by the caller (freed with
 * sd_event_source_disable_unref). Returns < 0 (*S NULL) when it cannot be
 * made: the caller does the work now, or another way. */
int hd_defer_once(struct hd_daemon *d, sd_event_source **s, sd_event_handler_t cb, void *ud,
		  int64_t priority);

#endif
