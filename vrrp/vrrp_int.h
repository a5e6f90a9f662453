/* Internals shared by the VRRP I/O files (vrrp_daemon.c, vrrp_io.c,
 * vrrp_addr.c, vrrp_track.c). The protocol itself is in vrrp_fsm.c. */
#ifndef VRRP_INT_H
#define VRRP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "hd_context.h"
#include "log.h"
#include "vrrp_fsm.h"
#include "vrrp_pkt.h"

struct nl_sock;

/* One raw socket per (interface, family), shared by its instances. */
struct vrrp_sock {
	struct vrrp_ctx *ctx;
	int ifindex;
	int family;
	bool ah; /* IP protocol 51, IP_HDRINCL: adverts of auth type ah (vrrp_ah.h) */
	int fd;
	sd_event_source *src;
	sd_event_source *resume; /* hd_yield(): back on after a flood's batch */
	struct vrrp_sock *next;
};

/* Fault sources; the instance is in fault while any bit is set. */
enum {
	VRRP_FAULT_IFACE = 1u << 0,    /* own interface down or missing */
	VRRP_FAULT_TRACK_IF = 1u << 1, /* a weight-0 tracked interface down */
	VRRP_FAULT_SCRIPT = 1u << 2,   /* a weight-0 track_script failing */
	VRRP_FAULT_GROUP = 1u << 3,    /* another sync group member in fault */
	VRRP_FAULT_NOADDR = 1u << 4,   /* no usable source address */
	VRRP_FAULT_PROCESS = 1u << 5,  /* a weight-0 track_process down */
	VRRP_FAULT_VMAC = 1u << 6,     /* use_vmac: the macvlan cannot be made */
};

struct vrrp_instance {
	struct vrrp_ctx *ctx;
	const struct hd_vrrp_instance_config *cfg;
	struct vrrp_fsm fsm;
	int ifindex; /* 0 = interface missing */
	uint8_t mac[6];
	struct hd_addr src_addr; /* primary address: unicast_src_ip or the interface's */
	struct vrrp_sock *sock;
	unsigned faults;
	int group; /* sync group index, -1 = none */
	bool vips_on;
	sd_event_source *timer; /* Adver_Timer or Master_Down_Timer */
	enum vrrp_event_type timer_ev;
	sd_event_source *preempt; /* preempt_delay */
	sd_event_source *garp;	  /* delayed / refresh GARP bursts */
	unsigned garp_bursts_left;
	/* counters */
	uint64_t transitions, adverts_sent, adverts_received, prio0_sent, prio0_received;
	uint64_t send_errors, vips_restored;
	uint64_t drops[VRRP_DROP__MAX];
	struct hd_ratelimit drop_rl;
	uint64_t last_transition_usec;
	bool held_logged; /* "held by the sync group" logged for this wait */
	/* Preemption waits until the health checks have settled since this
	 * (start, or the link back): 0 = not waiting (vrrp_daemon.c) */
	uint64_t settle_since;
	bool settle_logged;
	/* First decision since (re)start made: master, or backup that heard a
	 * master or reached master down (readiness, daemon/ready.h) */
	bool decided;
	const char *last_reason;
	/* use_vmac (vrrp_vmac.c) */
	int vmac_ifindex; /* 0 = none (yet) */
	uint8_t vmac_mac[6];
	int base_arp_ignore; /* the base's value before ours, -1 = not changed */
	/* auth type ah (vrrp_ah.h): the sequence number (highest seen or sent),
	 * the one of the advert being sent, the IP identification last used */
	uint32_t ah_seq, ah_seq_tx;
	uint16_t ah_ip_id;
};

struct vrrp_script_state; /* vrrp_track.c */
struct vrrp_notify_queue;

struct vrrp_ctx {
	struct hd_daemon *d;
	const struct hd_config *cfg;
	struct vrrp_instance **inst; /* stable addresses: event sources point at them */
	size_t n_inst;
	struct vrrp_sock *socks;
	struct nl_sock *nl_cmd;	      /* address add/del */
	struct nl_sock *nl_mon;	      /* address events */
	struct hd_link_watch *link_w; /* link events: the daemon's view (link.h) */
	sd_event_source *nl_src;
	sd_event_source *nl_resume; /* hd_yield() */
	int packet_fd;		    /* AF_PACKET for gratuitous ARP */
	int icmp6_fd;		    /* unsolicited neighbour advertisements */
	struct vrrp_script_state *scripts;
	size_t n_scripts;
	struct vrrp_notify_queue *notify;
	enum vrrp_state *group_state; /* per sync group, for its notify scripts */
	size_t n_groups;
	struct vrrp_procmon *procmon; /* vrrp_track_process (vrrp_procmon.c) */
	bool syncing; /* applying a sync group decision: followers do not propagate */
	/* routes, rules, static addresses (vrrp_route_nl.c) */
	struct vrrp_rt_state *rt;
	bool stopping;
};

/* vrrp_daemon.c: the one function that feeds the state machine and thus
 * the only place a state changes. */
void vrrp_instance_event(struct vrrp_instance *in, const struct vrrp_event *ev);
void vrrp_instance_simple_event(struct vrrp_instance *in, enum vrrp_event_type t, const char *why);
int vrrp_effective_priority(const struct vrrp_instance *in);
/* Recompute fault bits/priority changes and feed the resulting events. */
void vrrp_instance_reevaluate(struct vrrp_instance *in, const char *why);
void vrrp_drop(struct vrrp_instance *in, enum vrrp_drop r, const struct hd_addr *src);

/* vrrp_io.c */
int vrrp_io_attach(struct vrrp_ctx *c, struct vrrp_instance *in); /* -ENOMEM, -errno */
void vrrp_io_detach(struct vrrp_ctx *c, struct vrrp_instance *in);
void vrrp_io_free(struct vrrp_ctx *c);
/* 0 or -errno (counted in send_errors, logged rate-limited). */
int vrrp_send_advert(struct vrrp_instance *in, uint8_t priority);
int vrrp_timers_new(struct vrrp_instance *in); /* timer, preempt, garp: made off */
void vrrp_timer_arm(struct vrrp_instance *in, uint64_t at, enum vrrp_event_type what);
void vrrp_timer_stop(struct vrrp_instance *in);
void vrrp_preempt_arm(struct vrrp_instance *in, uint64_t at);
void vrrp_preempt_stop(struct vrrp_instance *in);
int vrrp_resolve_src(struct vrrp_instance *in); /* 0, -EADDRNOTAVAIL, -errno */

/* vrrp_addr.c */
int vrrp_addr_start(struct vrrp_ctx *c); /* 0 or -errno (logged) */
void vrrp_addr_stop(struct vrrp_ctx *c);
void vrrp_vips_add(struct vrrp_instance *in);
void vrrp_vips_del(struct vrrp_instance *in);
void vrrp_vips_remove_stale(struct vrrp_instance *in);
void vrrp_garp_start(struct vrrp_instance *in); /* immediate burst + delayed one */
void vrrp_garp_send(struct vrrp_instance *in);	/* garp_master_repeat per VIP */
void vrrp_garp_burst(struct vrrp_instance *in, unsigned repeat);
void vrrp_garp_stop(struct vrrp_instance *in);
int vrrp_garp_timer_new(struct vrrp_instance *in);
/* ifindex, MAC, up/down: 0, or -ENODEV (no such interface) or -ENETDOWN
 * (down, and tracked) with VRRP_FAULT_IFACE set. */
int vrrp_link_query(struct vrrp_instance *in);
bool vrrp_ifname_up(const char *ifname);

/* vrrp_track.c */
int vrrp_track_start(struct vrrp_ctx *c);
void vrrp_track_stop(struct vrrp_ctx *c);
/* Reload in two phases (daemon/modules.h): prepare allocates the new
 * scripts' state and their first timers; commit moves the state of
 * unchanged scripts over and stops the others (c->cfg is the new config). */
struct vrrp_track_prep;
int vrrp_track_prepare(struct vrrp_ctx *c, const struct hd_config *newcfg,
		       struct vrrp_track_prep **out);
void vrrp_track_commit(struct vrrp_ctx *c, struct vrrp_track_prep *p);
void vrrp_track_abort(struct vrrp_track_prep *p);
int vrrp_track_priority_delta(const struct vrrp_instance *in);
unsigned vrrp_track_faults(const struct vrrp_instance *in);
void vrrp_track_link_changed(struct vrrp_ctx *c);
void vrrp_notify(struct vrrp_instance *in, enum vrrp_state old, enum vrrp_state new_state);
/* Queue SCRIPT (run by /bin/sh -c as script_user) with ARGS as "$@". */
void vrrp_notify_enqueue(struct vrrp_ctx *c, const char *script, const char *const args[]);

/* vrrp_route_nl.c: static_* and the masters' virtual_route/virtual_rule.
 * start removes what an earlier run left (before the instances start);
 * sync reconciles the kernel with c->cfg and the instances' states (on
 * every change into or out of MASTER, after a reload); retry does so when
 * something wanted could not be added (link events); stop removes all. */
int vrrp_routes_start(struct vrrp_ctx *c);
void vrrp_routes_sync(struct vrrp_ctx *c);
void vrrp_routes_retry(struct vrrp_ctx *c);
void vrrp_routes_stop(struct vrrp_ctx *c);
void vrrp_routes_free(struct vrrp_ctx *c);

/* vrrp_group.c: sync groups (decisions in vrrp_sync.c) */
void vrrp_sync_group_update(struct vrrp_ctx *c, struct vrrp_instance *changed, enum vrrp_state old);
/* A sync group member defers to a live master: IN must stay backup. */
bool vrrp_sync_group_holds(struct vrrp_ctx *c, struct vrrp_instance *in);
enum vrrp_state *vrrp_groups_prepare(const struct vrrp_ctx *c, const struct hd_config *newcfg);
void vrrp_groups_commit(struct vrrp_ctx *c, enum vrrp_state *st, size_t n); /* takes ST */
void vrrp_groups_settle(struct vrrp_ctx *c);
void vrrp_groups_free(struct vrrp_ctx *c);
const char *vrrp_group_state_str(const struct vrrp_instance *in); /* NULL: no group */

uint64_t vrrp_usec(void);
void vrrp_preempt_settle(struct vrrp_instance *in);

/* vrrp_vmac.c: use_vmac. The VIPs live on the vmac, adverts go out on it
 * unless vmac_xmit_base; the base interface stays the one whose link state
 * faults the instance and whose address is the advert's source. */
int vrrp_vmac_up(struct vrrp_instance *in); /* make or adopt it; 0 or -errno */
void vrrp_vmac_down(struct vrrp_instance *in);
/* IPv6 adverts from the vmac: the source link-local on it too */
void vrrp_vmac_src6(struct vrrp_instance *in);
/* A link event for NAME: true when it was an instance's vmac (handled). */
bool vrrp_vmac_link_event(struct vrrp_ctx *c, const char *name, int ifindex, bool gone);
static inline int vrrp_vip_ifindex_of(const struct vrrp_instance *in)
{
	return in->cfg->use_vmac ? in->vmac_ifindex : in->ifindex;
}
static inline const char *vrrp_vip_ifname_of(const struct vrrp_instance *in)
{
	return in->cfg->use_vmac ? in->cfg->vmac_name : in->cfg->interface;
}
static inline bool vrrp_tx_on_vmac(const struct vrrp_instance *in)
{
	return in->cfg->use_vmac && !in->cfg->vmac_xmit_base;
}

/* vrrp_procmon.c: vrrp_track_process */
struct vrrp_procmon;
struct vrrp_procmon_prep;
int vrrp_procmon_start(struct vrrp_ctx *c); /* first scan at once; -ENOMEM */
void vrrp_procmon_stop(struct vrrp_ctx *c);
int vrrp_procmon_prepare(struct vrrp_ctx *c, const struct hd_config *newcfg,
			 struct vrrp_procmon_prep **out);
void vrrp_procmon_commit(struct vrrp_ctx *c, struct vrrp_procmon_prep *p);
void vrrp_procmon_abort(struct vrrp_procmon_prep *p);
int vrrp_procmon_delta(const struct vrrp_instance *in);
unsigned vrrp_procmon_faults(const struct vrrp_instance *in);

#endif
