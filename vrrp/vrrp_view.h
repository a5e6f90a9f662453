/* A read-only view of the VRRP module: one snapshot per instance, filled
 * by the module (vrrp_view.c), from which every output is rendered: status
 * JSON and text, the SIGUSR1 dump, Prometheus metrics (vrrp_view_render.c)
 * and SNMP (daemon/snmp_vrrp.c). Nothing outside vrrp/ reads vrrp_int.h.
 *
 * The counters are defined once, in VRRP_VIEW_COUNTERS: a line added there
 * is a field of the view, a JSON key, a metric family, a dump entry and,
 * when it names a MIB column, an SNMP statistics cell
 * (tests/unit/test_views.c checks that every field reaches them). Drop
 * reasons are counted per enum vrrp_drop (vrrp_pkt.h) and rendered by
 * name; vrrp_drop_mib says which statistics column each one adds to. */
#ifndef VRRP_VIEW_H
#define VRRP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hd_context.h"
#include "vrrp_fsm.h"
#include "vrrp_pkt.h"

/* Columns of vrrpRouterStatsEntry (VRRP-MIB, RFC 2787, 68.2.4.1) */
enum {
	VRRP_MIB2_BECOME_MASTER = 1,
	VRRP_MIB2_ADV_RCVD,
	VRRP_MIB2_ADV_INT_ERR,
	VRRP_MIB2_AUTH_FAIL,
	VRRP_MIB2_TTL_ERR,
	VRRP_MIB2_PRIO0_RCVD,
	VRRP_MIB2_PRIO0_SENT,
	VRRP_MIB2_BAD_TYPE,
	VRRP_MIB2_ADDR_LIST_ERR,
	VRRP_MIB2_BAD_AUTH_TYPE,
	VRRP_MIB2_AUTH_MISMATCH,
	VRRP_MIB2_LEN_ERR,
	VRRP_MIB2__N
};
/* and of vrrpv3StatisticsEntry (VRRPv3-MIB, RFC 6527, 207.1.2.5.1) */
enum {
	VRRP_MIB3_MASTERS = 1, /* Counter32 */
	VRRP_MIB3_NEW_MASTER_REASON,
	VRRP_MIB3_ADV_RCVD, /* Counter64 from here to VRRP_MIB3_LEN_ERR */
	VRRP_MIB3_ADV_INT_ERR,
	VRRP_MIB3_TTL_ERR,
	VRRP_MIB3_PROTO_ERR_REASON,
	VRRP_MIB3_PRIO0_RCVD,
	VRRP_MIB3_PRIO0_SENT,
	VRRP_MIB3_BAD_TYPE,
	VRRP_MIB3_ADDR_LIST_ERR,
	VRRP_MIB3_LEN_ERR,
	VRRP_MIB3_DISCONTINUITY, /* TimeStamp */
	VRRP_MIB3_REFRESH,	 /* Unsigned32, milliseconds */
	VRRP_MIB3__N
};

/* X(field, metric, help, JSON key, VRRP-MIB column, VRRPv3-MIB column);
 * a column of 0: the MIB has none. All are uint64_t counters. */
#define VRRP_VIEW_COUNTERS(X)                                                                      \
	X(transitions, "hadirector_vrrp_transitions_total", "State transitions.", "transitions",   \
	  0, 0)                                                                                    \
	X(adverts_sent, "hadirector_vrrp_adverts_sent_total", "Advertisements sent.",              \
	  "adverts_sent", 0, 0)                                                                    \
	X(adverts_received, "hadirector_vrrp_adverts_received_total",                              \
	  "Valid advertisements received.", "adverts_received", VRRP_MIB2_ADV_RCVD,                \
	  VRRP_MIB3_ADV_RCVD)                                                                      \
	X(prio0_sent, "hadirector_vrrp_priority_zero_sent_total",                                  \
	  "Advertisements with priority 0 sent (master stepping down).", "prio0_sent",             \
	  VRRP_MIB2_PRIO0_SENT, VRRP_MIB3_PRIO0_SENT)                                              \
	X(prio0_received, "hadirector_vrrp_priority_zero_received_total",                          \
	  "Advertisements with priority 0 received.", "prio0_received", VRRP_MIB2_PRIO0_RCVD,      \
	  VRRP_MIB3_PRIO0_RCVD)                                                                    \
	X(send_errors, "hadirector_vrrp_send_errors_total", "Advertisements the kernel refused.",  \
	  "send_errors", 0, 0)                                                                     \
	X(vips_restored, "hadirector_vrrp_vips_restored_total",                                    \
	  "Virtual addresses put back after something else removed them.", "vips_restored", 0, 0)

struct vrrp_inst_view {
	const void *key; /* the instance's identity while it runs (SNMP watchers) */
	const char *name, *interface;
	int ifindex; /* 0: the interface is missing */
	unsigned vrid;
	int version, family;
	enum vrrp_state state;
	unsigned priority, base_priority; /* effective (after trackers), configured */
	bool master_known;
	struct hd_addr master; /* last master heard (or us), when known */
	struct hd_addr source; /* our primary address; family 0: none */
	unsigned master_adver_interval_cs, advert_int_cs;
	uint64_t master_down_interval_usec;
	bool preempt, auth; /* auth: v2 simple password */
	unsigned faults;    /* fault condition bits, 0: none */
	bool vips_installed;
	const struct hd_prefix *vips; /* the configured virtual addresses */
	size_t n_vips;
	const char *last_reason, *sync_group, *sync_group_state; /* may be NULL */
	uint64_t last_transition_usec;
#define VRRP_VIEW_FIELD(f, metric, help, json, mib2, mib3) uint64_t f;
	VRRP_VIEW_COUNTERS(VRRP_VIEW_FIELD)
#undef VRRP_VIEW_FIELD
	uint64_t drops[VRRP_DROP__MAX]; /* [VRRP_DROP_NONE] is unused */
};

/* The statistics column each drop reason adds to; 0: none. */
struct vrrp_view_mib {
	uint8_t mib2, mib3;
};
extern const struct vrrp_view_mib vrrp_drop_mib[VRRP_DROP__MAX];

/* vrrp_view.c (the module): the instances' count (some slots may be empty
 * during a reload) and one instance's view; false: no instance at I.
 * Pointers in the view are valid until the next reload. */
size_t vrrp_view_count(struct hd_daemon *d);
bool vrrp_view_get(struct hd_daemon *d, size_t i, struct vrrp_inst_view *out);
/* Every instance's view in one array (free() it), *N of them; NULL with
 * *N = 0 when there are none, NULL with *N > 0 when out of memory. */
struct vrrp_inst_view *vrrp_views(struct hd_daemon *d, size_t *n);
/* vrrp_metrics.c: status text, one vrrp_view_text() per instance. */
void vrrp_status_text(struct hd_daemon *d, FILE *out);

/* vrrp_view_render.c, pure: the renderings of views. */
void vrrp_view_json(FILE *out, const struct vrrp_inst_view *v, size_t n); /* a JSON array */
void vrrp_view_text(FILE *out, const struct vrrp_inst_view *v);		  /* dump / status lines */
void vrrp_view_metrics(FILE *out, const struct vrrp_inst_view *v, size_t n);
/* The MIB column values of V's counters and drops, summed per column
 * (several drop reasons are one MIB error): OUT2[VRRP_MIB2__N],
 * OUT3[VRRP_MIB3__N]; columns the view does not count are left 0. */
void vrrp_view_mib_counters(const struct vrrp_inst_view *v, uint64_t *out2, uint64_t *out3);

#endif
