/* Reload plans, the decisions (PURE: tests/unit/test_reload_plan.c): what
 * a reload from one configuration to another would do, told from the two
 * configurations and the running roles, with the same matching code the
 * reload itself uses (vrrp/vrrp_reload_match.h, healthcheck/hc_match.h,
 * ipvs/ipvs_types.h's diff). daemon/reload_plan.c runs every module's
 * prepare and abort around it; daemon/reload_plan_render.c prints it.
 *
 * - VRRP: an instance of the new file continues a running one when its
 *   identity is the same (vrrp_same_identity); it is then kept or changed
 *   (the fields below). One whose identity changed but whose name is the
 *   same is replaced (the running router stops as on SIGTERM, a new one
 *   starts as at startup). The rest is added or removed. Each is judged:
 *   can it cause a VRRP transition (here or at the peer), does the peer
 *   see a change (its adverts: priority, interval, addresses, password,
 *   where they go), does the peer see another priority.
 * - Checks: a check whose probe key (hc_probe_key) a running probe has is
 *   kept (state, timer, counters); else it is restarted when its real
 *   server was there before (its key's changed parts are listed), started
 *   when not; running keys no check has any more are stopped.
 * - IPVS: the writes are ipvs_diff()'s; here each one is told with the
 *   fields it sets (an edit: those that differ from the kernel's table). */
#ifndef HD_RELOAD_PLAN_DIFF_H
#define HD_RELOAD_PLAN_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hd_config.h"
#include "ipvs/ipvs_types.h"

enum hd_plan_kind {
	HD_PLAN_KEPT = 0,
	HD_PLAN_ADDED,	  /* checks: started */
	HD_PLAN_REMOVED,  /* checks: stopped */
	HD_PLAN_CHANGED,  /* checks: restarted */
	HD_PLAN_REPLACED, /* VRRP: same name, another identity */
};
const char *hd_plan_vrrp_kind_str(enum hd_plan_kind k);
const char *hd_plan_check_kind_str(enum hd_plan_kind k);

/* X(flag, name): a VRRP instance's fields as a plan names them; the last
 * six are its identity (a change there replaces the router). */
#define HD_PLAN_VRRP_FIELDS(X)                                                                     \
	X(PRIORITY, "priority")                                                                    \
	X(ADVERT_INT, "advert_int")                                                                \
	X(PREEMPT, "preempt")                                                                      \
	X(PREEMPT_DELAY, "preempt_delay")                                                          \
	X(VIPS, "virtual_addresses")                                                               \
	X(EXCL_VIPS, "virtual_addresses_excluded")                                                 \
	X(ROUTES, "routes_rules")                                                                  \
	X(TRACK, "tracking")                                                                       \
	X(AUTH, "authentication")                                                                  \
	X(UNICAST, "unicast_addresses")                                                            \
	X(SYNC_GROUP, "sync_group")                                                                \
	X(OTHER, "notify_garp_state")                                                              \
	X(INTERFACE, "interface")                                                                  \
	X(VRID, "virtual_router_id")                                                               \
	X(FAMILY, "family")                                                                        \
	X(VERSION, "version")                                                                      \
	X(UNICAST_MODE, "unicast_mode")                                                            \
	X(VMAC, "use_vmac")

#define HD_PLAN_BIT(f, name) HD_PV_BIT_##f,
enum { HD_PLAN_VRRP_FIELDS(HD_PLAN_BIT) HD_PV__N };
#undef HD_PLAN_BIT
#define HD_PLAN_FLAG(f, name) HD_PV_##f = 1u << HD_PV_BIT_##f,
enum { HD_PLAN_VRRP_FIELDS(HD_PLAN_FLAG) };
#undef HD_PLAN_FLAG
extern const char *const hd_plan_vrrp_field_names[HD_PV__N];

/* The running instance's role, as the plan is made. */
enum hd_plan_role {
	HD_PLAN_ROLE_UNKNOWN = 0,
	HD_PLAN_ROLE_BACKUP,
	HD_PLAN_ROLE_MASTER,
	HD_PLAN_ROLE_FAULT,
};
const char *hd_plan_role_str(enum hd_plan_role r);

struct hd_plan_vrrp {
	enum hd_plan_kind kind;
	const char *name;	     /* points into a configuration */
	unsigned fields;	     /* HD_PV_*: what differs */
	unsigned old_prio, new_prio; /* 0 for an added / removed one */
	enum hd_plan_role role;	     /* of the running instance */
	bool transition;	     /* can cause a VRRP transition, here or at the peer */
	bool peer_sees;		     /* what the peer receives changes */
	bool prio_seen;		     /* ... and that is another priority */
	unsigned prio_seen_value;    /* the priority it will see (0: stopping master) */
	char why[320];		     /* the reasons, "; " between them */
};

/* The fields that differ between two instances (HD_PV_*). OLDC and NEWC
 * hold them (tracked scripts are compared by name). */
unsigned hd_plan_vrrp_fields(const struct hd_config *oldc, const struct hd_vrrp_instance_config *a,
			     const struct hd_config *newc, const struct hd_vrrp_instance_config *b);

/* The plan for every instance of OLDC and NEWC: NEWC's in their order,
 * then those removed. ROLES[i] is OLDC's instance i's role (NULL: all
 * unknown). *OUT is malloc'ed (free()); 0 or -ENOMEM. */
int hd_plan_vrrp(const struct hd_config *oldc, const enum hd_plan_role *roles,
		 const struct hd_config *newc, struct hd_plan_vrrp **out, size_t *n);

struct hd_plan_check {
	enum hd_plan_kind kind;
	size_t vs, rs, check; /* in NEWC (in OLDC for a stopped one) */
	char *changed;	      /* restarted: the key's changed parts (malloc'ed), or NULL */
	bool shared;	      /* its probe serves an earlier check of the list too */
};

struct hd_plan_checks {
	struct hd_plan_check *v; /* every check of NEWC, then the stopped ones of OLDC */
	size_t n;
	/* distinct probes, as the health checker counts them */
	size_t probes_kept, probes_started, probes_stopped;
	size_t checks_kept, checks_restarted, checks_started, checks_stopped;
};

int hd_plan_checks(const struct hd_config *oldc, const struct hd_config *newc,
		   struct hd_plan_checks *out);
void hd_plan_checks_free(struct hd_plan_checks *p);

/* The parts of two probe keys that differ, "NAME=OLD->NEW" separated by
 * blanks, into BUF (LEN bytes, cut if longer). */
void hd_plan_key_diff(const char *oldkey, const char *newkey, char *buf, size_t len);

/* One IPVS write as the daemon logs it ("add-dest TCP 10.0.0.1:80 ->
 * 10.1.1.1:80", ipvs_daemon.c's op_str). */
const char *hd_plan_op_str(const struct ipvs_op *op, char *buf, size_t len);
/* The fields OP sets, "name=value" (an add) or "name=old->new" (an edit,
 * against OBSERVED, the kernel's table), blank separated, into BUF. A
 * delete sets none (""). */
void hd_plan_op_fields(const struct ipvs_op *op, const struct ipvs_table *observed, char *buf,
		       size_t len);

#endif
