/* Internals of the healthcheck module, shared by its I/O files. */
#ifndef HC_INT_H
#define HC_INT_H

#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "hd_context.h"
#include "hc.h"
#include "hc_metrics.h"
#include "hc_policy.h"
#include "hc_shape.h"
#include "hc_timerq.h"

struct hc_ctx;
struct hc_tls;

/* One probe: one check of one target, shared by every (virtual server,
 * real server) whose check has the same key. */
struct hc_probe {
	struct hc_ctx *ctx;
	char *key;			 /* its name in log lines: type and target */
	const struct hd_check_config *k; /* of the current configuration */
	const char *host;		 /* virtualhost: the check's or the VS's */
	struct hd_endpoint target;	 /* effective connect address and port */
	struct hd_endpoint rs_ep;	 /* with the above, its identity (hc_probe_same) */
	uint64_t ident_hash;		 /* hc_probe_hash() of it */
	uint64_t build_gen;		 /* the last reload build that kept it (hc_daemon.c) */
	uint64_t timeout_usec;		 /* effective connect (tcp/http) or run (misc) timeout */
	struct hc_policy pol;
	struct hc_checker st;
	struct hc_tq_node tn;  /* next start or, while running, the deadline (hc_sched.c) */
	struct hd_loop_io lio; /* its socket's registration in the loop's set (hc_tcp.c) */
	bool running;
	uint64_t started_usec, last_duration_usec;
	/* when the last completed run's last attempt started (hc_settled_since) */
	uint64_t run_started_usec;
	uint64_t due_usec;	/* when the check in flight (or the last) was due: its phase */
	struct hc_lat_hist lat; /* every check's duration; kept with the probe over reloads */
	void *io;		/* type-specific in-flight state */
	char *req;		/* http: the request, built once (hc_http.c) */
	size_t n_req;
	uint64_t connections; /* http: connections made (fewer than runs with reuse) */
	struct hc_fwd *fwd;   /* check_forwarding_path: its probe (hc_fwd.c), or NULL */
	unsigned users;	      /* real servers using it */
	bool keep;	      /* reload bookkeeping */
};

struct hc_rs {
	const struct hd_virtual_server_config *vsc;
	const struct hd_real_server_config *rsc;
	struct hc_probe **probes;
	size_t n_probes;
	bool up;
	unsigned weight;
	bool drained;
	int override; /* operator weight, -1 = none */
	uint64_t last_change_usec;
	struct hc_result reason; /* result that caused the last change */
	/* What the checks say before slow start and the fail-open guard
	 * (hc_shape.h) shape it into UP and WEIGHT above; carried over reloads
	 * with the rest. */
	struct hc_shape_rs {
		bool init;	       /* shaped once: the first is no change */
		bool guarded;	       /* its virtual server's guard is engaged */
		bool pending, was_up;  /* being re-evaluated (hc_sched.c vs_update) */
		struct hc_eject_rs ej; /* ej.check_up: the checks' verdict */
		unsigned target;       /* the weight before slow start */
		bool agent_drained;    /* an agent said drain */
		uint64_t ramp_start;   /* 0: not ramping */
		uint64_t ramp_next;    /* the ramp's next level, 0: none */
		uint64_t ramp_writes;  /* weights the ramps set, ever */
	} sh;
};

struct hc_vs {
	struct hc_rs *rs;
	size_t n_rs;
	bool quorum_lost;
	struct hc_eject_vs guard; /* fail-open guard (max_ejection) */
};

/* A child process (misc_check, notify script). */
struct hc_child;
typedef void (*hc_child_done_fn)(void *ud, const struct hc_result *r);

struct hc_ctx {
	struct hd_daemon *d;
	const struct hd_config *cfg;
	struct hc_vs *vs;
	size_t n_vs;
	struct hc_probe **probes;
	size_t n_probes;
	struct hc_tls *tls;	  /* https_check's TLS contexts (hc_http.c) */
	struct hc_fwd_sh *fwd_sh; /* check_forwarding_path's sockets (hc_fwd_sock.c), or NULL */
	uint64_t verdict_changes; /* real servers that went up or down, ever */
	uint64_t guard_changes;	  /* fail-open guards that engaged or released, ever */
	uint64_t builds;	  /* reload builds prepared, ever: their marks on probes */
	int mux_fd;		  /* the loop's epoll set, the check sockets' (hc_tcp.c) */
	/* Every probe's next start or deadline, and the loop's timer set to
	 * the earliest of them (hc_sched.c). */
	struct hc_tq tq;
	struct hd_loop_timer tq_timer;
	bool tq_busy;	  /* in tq_timer's callback: re-arm once, after it */
	uint64_t tq_now;  /* its clock read, the time of all it serves */
	unsigned int rng; /* rand_r state: warmup jitter */
	/* notify scripts running, per subject (hc_sched.c); how many were
	 * superseded before they ran */
	struct hc_notify *notify;
	unsigned long notify_dropped;
	/* slow start levels and fail-open guard bounds due (hc_shape_io.c) */
	sd_event_source *shape_timer;
	struct hc_links *links; /* the director's links (hc_link.c), or NULL */
	/* the real servers a reload replaced, freed in a loop iteration of
	 * their own (hc_build.c) */
	struct hc_vs *old_vs;
	size_t n_old_vs;
	sd_event_source *old_vs_free;
};

/* What the scheduler calls per check type. start() begins one probe and
 * reports through hc_probe_done() (possibly before returning). timeout()
 * ends the probe in flight at its deadline, P->started_usec +
 * P->timeout_usec, which the probes' schedule keeps (no timer per check);
 * NULL when the type keeps its own (misc_check's child). cancel() aborts an
 * in-flight probe without a result. start_takes_io: start() is given what
 * the last check left in P->io (http: a kept connection, a response being
 * read out); otherwise that is cancelled first. */
struct hc_ops {
	int (*start)(struct hc_probe *p);
	void (*timeout)(struct hc_probe *p);
	void (*cancel)(struct hc_probe *p);
	bool start_takes_io;
};
extern const struct hc_ops hc_tcp_ops, hc_http_ops, hc_script_ops, hc_udp_ops, hc_smtp_ops,
    hc_dns_ops, hc_ping_ops, hc_agent_ops;
/* https_check's TLS contexts (hc_tls.c). */
int hc_http_setup(struct hc_ctx *c);
void hc_http_teardown(struct hc_ctx *c);
/* The SSL object (*OUT, also on failure: the caller frees it) of one
 * connection of P on FD: SNI and, with verify, the name (or address) the
 * certificate must carry. NULL, or what failed. */
struct ssl_st;
const char *hc_tls_begin(struct hc_probe *p, int fd, struct ssl_st **out);

/* Socket helpers of the network checks (hc_tcp.c). */
socklen_t hc_sockaddr(const struct hd_addr *a, uint16_t port, struct sockaddr_storage *ss);
/* A non-blocking, close-on-exec socket of TYPE for P's target family,
 * bound to the check's bind_ip if any. Returns the fd or -errno. */
int hc_socket(struct hc_probe *p, int type);
/* The in-flight state every socket check starts with (first member of its
 * own struct, which P->io points at). */
struct hc_sock {
	int fd;
	sd_event_io_handler_t io; /* while watched (called with a NULL source) */
	unsigned long forks;	  /* hd_daemon.forks when it was watched */
};
/* Watch P's socket (P->io, a struct starting with a struct hc_sock) for
 * EVENTS (EPOLLIN, EPOLLOUT, EPOLLET ...); IO gets them. hc_sock_events
 * changes EVENTS. hc_sock_free() stops watching. -errno on failure. */
int hc_sock_watch(struct hc_probe *p, uint32_t events, sd_event_io_handler_t io);
int hc_sock_events(struct hc_probe *p, uint32_t events);
/* The set every check socket goes into: the loop's (hc_init/hc_free). */
int hc_mux_open(struct hc_ctx *c);
void hc_mux_close(struct hc_ctx *c);
/* Close and free P's in-flight state (P->io, a struct starting with a
 * struct hc_sock); then, for finish, report the result O/DETAIL. */
void hc_sock_free(struct hc_probe *p);
void hc_sock_finish(struct hc_probe *p, enum hc_outcome o, int detail);
/* Abort whatever P has in flight (no result). */
void hc_probe_cancel(struct hc_probe *p);

void hc_probe_done(struct hc_probe *p, const struct hc_result *r);
/* The director's own links (hc_link.c; rules in hc_path.h): watched from
 * hc_init to hc_free. hc_links_judge: R, or in BUF the held result
 * (director_link_down) when R failed through a link of ours that was down. */
int hc_links_open(struct hc_ctx *c);
void hc_links_close(struct hc_ctx *c);
const struct hc_result *hc_links_judge(struct hc_probe *p, const struct hc_result *r,
				       struct hc_result *buf, uint64_t now);
void hc_links_counts(const struct hc_ctx *c, uint64_t *held, size_t *down);

/* check_forwarding_path (hc_fwd.c): a probe of the forwarding path that
 * runs beside each check of P and whose verdict joins the check's.
 * hc_fwd_new: P's, for PARAMS (-ENOMEM). hc_fwd_start: before the check
 * starts. hc_fwd_merge: the check's result R; NULL while the path's probe
 * still runs (it then calls hc_probe_done() again when it ends), else the
 * combined result in BUF. hc_fwd_deadline: at P's deadline, ends a path
 * probe still running; true when that ended the check. hc_fwd_cancel: no
 * result. hc_fwd_free: at the probe's end. */
struct hc_fwd_params;
int hc_fwd_new(struct hc_probe *p, const struct hc_fwd_params *params);
void hc_fwd_start(struct hc_probe *p);
const struct hc_result *hc_fwd_merge(struct hc_probe *p, const struct hc_result *r,
				     struct hc_result *buf);
bool hc_fwd_deadline(struct hc_probe *p);
void hc_fwd_cancel(struct hc_probe *p);
void hc_fwd_free(struct hc_probe *p);
/* Its counters for the view (zero without one). */
struct hc_fwd_counts {
	uint64_t probes, vip_not_accepted, arp_answered, stray;
};
void hc_fwd_counts(const struct hc_probe *p, struct hc_fwd_counts *out);
/* Its target (its identity for a reload), false when P has none. */
bool hc_fwd_get(const struct hc_probe *p, struct hc_fwd_params *out);

/* Run CMD (split on blanks, or through /bin/sh when it needs a shell) as
 * script_user in its own process group; SIGKILL to the group after
 * TIMEOUT_USEC. DONE (may be NULL) gets the result once reaped. */
struct hc_child *hc_child_spawn(struct hc_ctx *c, const char *cmd, uint64_t timeout_usec,
				hc_child_done_fn done, void *ud);
/* Kill and forget: the process is still reaped, DONE is not called. */
void hc_child_abandon(struct hc_child *ch);
/* At exit: forget it, let it run (DONE is not called). */
void hc_child_release(struct hc_child *ch);

int hc_sched_arm(struct hc_probe *p, uint64_t delay_usec);
/* Take P off the schedule (freed or stopping). */
/* Room on the schedule for N more probes, and its timer: the arming of
 * that many cannot fail (a reload's prepare calls it; what it reserves is
 * capacity, not a change). */
int hc_sched_reserve(struct hc_ctx *c, size_t n);
void hc_sched_drop(struct hc_probe *p);
/* Stop the schedule's timer (shutdown) and free it (hc_free). */
void hc_sched_stop(struct hc_ctx *c);
void hc_sched_free(struct hc_ctx *c);
/* Re-evaluate a real server from its probes; true when its verdict moved.
 * QUIET: no log line and no notify script (startup, reload). */
bool hc_rs_update(struct hc_ctx *c, struct hc_rs *rs, bool quiet);
const struct hc_result *hc_rs_reason(const struct hc_rs *rs);
/* "10.0.0.1:80" (TCP), "udp/10.0.0.1:53", "fwmark:5". */
void hc_vs_name(const struct hd_virtual_server_config *v, char *buf, size_t len);
void hc_status_write(struct hc_ctx *c, FILE *out);

/* Slow start and the fail-open guard (hc_shape_io.c): after RS's checks'
 * verdict or weight (EV) changed, its shaped UP and WEIGHT; after any of
 * VS's, its guard. Both return true when IPVS must hear of it; each
 * points the shape timer at its next ramp level or guard bound. */
bool hc_shape_rs(struct hc_ctx *c, struct hc_rs *rs, const struct hc_rs_eval *ev, uint64_t now);
bool hc_shape_vs(struct hc_ctx *c, struct hc_vs *v, uint64_t now);
void hc_shape_arm_at(struct hc_ctx *c, uint64_t when);
/* After RS's UP changed from OLD: count, log, notify, alert (hc_sched.c);
 * a virtual server's quorum after its real servers changed. */
void hc_rs_changed(struct hc_ctx *c, struct hc_rs *rs, bool old, bool quiet);
void hc_vs_quorum_check(struct hc_ctx *c, struct hc_vs *v);
void hc_shape_free(struct hc_ctx *c);

#endif
