/* RFC 5798 section 6 state machine (pure). Section numbers in comments
 * refer to RFC 5798 unless noted. */
#include <assert.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp_fsm.h"
#include "vrrp_pkt.h"

#define USEC_PER_CS 10000ULL

const char *vrrp_state_str(enum vrrp_state s)
{
	static const char *const n[] = {"INIT", "BACKUP", "MASTER", "FAULT"};

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *vrrp_event_str(enum vrrp_event_type t)
{
	static const char *const n[VRRP_EV__MAX] = {
	    "startup",	   "shutdown", "adver_timer",	"master_down_timer", "advert",	    "fault",
	    "fault_clear", "priority", "preempt_timer", "sync_master",	     "sync_backup",
	};

	return (unsigned)t < VRRP_EV__MAX ? n[t] : "?";
}

const char *vrrp_action_str(enum vrrp_action_type t)
{
	static const char *const n[VRRP_ACT__MAX] = {
	    "add_vips",		 "del_vips",	       "send_advert",	  "send_advert_prio0",
	    "send_garp",	 "arm_adver_timer",    "arm_master_down", "stop_timers",
	    "arm_preempt_timer", "stop_preempt_timer", "notify",
	};

	return (unsigned)t < VRRP_ACT__MAX ? n[t] : "?";
}

/* 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 for v3;
 * RFC 3768 6.1 (v2): (256 - Priority) / 256 seconds. Kept in microseconds so
 * no precision is lost to centisecond rounding. */
uint64_t vrrp_skew_time(int version, uint8_t priority, uint16_t master_adver_interval_cs)
{
	uint64_t base = version == 2 ? 100 : master_adver_interval_cs;

	return (256 - (uint64_t)priority) * base * USEC_PER_CS / 256;
}

uint64_t vrrp_master_down_interval(int version, uint8_t priority, uint16_t master_adver_interval_cs)
{
	return 3 * (uint64_t)master_adver_interval_cs * USEC_PER_CS +
	       vrrp_skew_time(version, priority, master_adver_interval_cs);
}

static void recompute(struct vrrp_fsm *f)
{
	f->skew_time = vrrp_skew_time(f->version, f->priority, f->master_adver_interval);
	f->master_down_interval =
	    vrrp_master_down_interval(f->version, f->priority, f->master_adver_interval);
}

void vrrp_fsm_init(struct vrrp_fsm *f, uint8_t priority)
{
	f->state = VRRP_STATE_INIT;
	f->priority = priority;
	f->master_adver_interval = f->adver_int_cs;
	f->preempt_at = 0;
	f->master_known = false;
	memset(&f->master_addr, 0, sizeof(f->master_addr));
	f->master_priority = 0;
	f->answer_at = 0;
	recompute(f);
}

static void act(struct vrrp_result *r, enum vrrp_action_type t, uint64_t at)
{
	/* A dropped action would lose a notify or leave a timer unarmed without
	 * a trace: a path longer than VRRP_MAX_ACTIONS is a bug, and
	 * tests/unit/test_vrrp_fsm.c walks every path to keep it so. */
	assert(r->n < VRRP_MAX_ACTIONS);
	if (r->n < VRRP_MAX_ACTIONS)
		r->act[r->n++] = (struct vrrp_action){.type = t, .at = at};
}

static void go(struct vrrp_fsm *f, struct vrrp_result *r, enum vrrp_state s, const char *why)
{
	f->state = s;
	r->state = s;
	r->reason = why;
	act(r, VRRP_ACT_NOTIFY, 0);
}

/* Unsigned comparison of the primary addresses (6.4.3). */
static int addr_cmp(const struct hd_addr *a, const struct hd_addr *b)
{
	size_t len = a->family == AF_INET6 ? 16 : 4;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(&a->u, &b->u, len);
}

/* Becoming master: the address and the first advert + GARP come before
 * anything else (notify last). */
static void become_master(struct vrrp_fsm *f, uint64_t now, struct vrrp_result *r, const char *why)
{
	f->master_adver_interval = f->adver_int_cs;
	f->preempt_at = 0;
	f->master_known = true;
	f->master_addr = f->primary;
	f->master_priority = f->priority;
	recompute(f);
	act(r, VRRP_ACT_ADD_VIPS, 0);
	act(r, VRRP_ACT_SEND_ADVERT, 0);
	act(r, VRRP_ACT_SEND_GARP, 0);
	act(r, VRRP_ACT_ARM_ADVER_TIMER, now + f->adver_int_cs * USEC_PER_CS);
	act(r, VRRP_ACT_STOP_PREEMPT_TIMER, 0);
	go(f, r, VRRP_STATE_MASTER, why);
}

static void become_backup(struct vrrp_fsm *f, uint64_t now, struct vrrp_result *r, const char *why)
{
	recompute(f);
	act(r, VRRP_ACT_ARM_MASTER_DOWN, now + f->master_down_interval);
	go(f, r, VRRP_STATE_BACKUP, why);
}

/* 6.4.1 */
static void start(struct vrrp_fsm *f, uint64_t now, struct vrrp_result *r, bool after_fault,
		  const char *why)
{
	f->master_adver_interval = f->adver_int_cs;
	f->master_known = false;
	f->preempt_at = 0;
	if (f->priority == VRRP_PRIO_OWNER)
		become_master(f, now, r, "address owner");
	else if (f->initial_master && !after_fault)
		become_master(f, now, r, "initial state master");
	else
		become_backup(f, now, r, why ? why : after_fault ? "fault cleared" : "startup");
}

static void learn(struct vrrp_fsm *f, const struct vrrp_event *ev)
{
	f->master_known = true;
	f->master_addr = ev->src;
	f->master_priority = ev->priority;
	if (f->version == 3)
		f->master_adver_interval = ev->adver_int_cs;
	recompute(f);
}

/* 6.4.2, with preempt_delay: a lower-priority master is tolerated for
 * preempt_delay after we first see it. */
static void backup_advert(struct vrrp_fsm *f, const struct vrrp_event *ev, uint64_t now,
			  struct vrrp_result *r)
{
	if (ev->priority == VRRP_PRIO_STOP) {
		act(r, VRRP_ACT_ARM_MASTER_DOWN, now + f->skew_time);
		f->master_known = false;
		return;
	}
	if (!f->preempt || f->preempt_held || ev->priority >= f->priority) {
		learn(f, ev);
		if (f->preempt_at) {
			f->preempt_at = 0;
			act(r, VRRP_ACT_STOP_PREEMPT_TIMER, 0);
		}
		act(r, VRRP_ACT_ARM_MASTER_DOWN, now + f->master_down_interval);
		return;
	}
	/* lower priority and we may preempt */
	f->master_known = true;
	f->master_addr = ev->src;
	f->master_priority = ev->priority;
	if (f->preempt_delay_usec && (!f->preempt_at || now < f->preempt_at)) {
		if (!f->preempt_at) {
			f->preempt_at = now + f->preempt_delay_usec;
			act(r, VRRP_ACT_ARM_PREEMPT_TIMER, f->preempt_at);
		}
		learn(f, ev);
		act(r, VRRP_ACT_ARM_MASTER_DOWN, now + f->master_down_interval);
	}
	/* else discard: Master_Down_Timer runs out and we take over */
}

uint64_t vrrp_answer_window(uint16_t adver_int_cs)
{
	uint64_t i = adver_int_cs * USEC_PER_CS;

	return i > VRRP_ANSWER_MIN_USEC ? i : VRRP_ANSWER_MIN_USEC;
}

/* One answer per window: whoever sends us a stream of lower priorities (a
 * peer that cannot hear us, a forger) gets one advert per window back, not
 * one per packet; the rest are discarded as 6.4.3 says, and counted. */
static bool may_answer(struct vrrp_fsm *f, uint64_t now, struct vrrp_result *r)
{
	if (now < f->answer_at) {
		r->drop = VRRP_DROP_ANSWER_LIMITED;
		return false;
	}
	f->answer_at = now + vrrp_answer_window(f->adver_int_cs);
	return true;
}

/* 6.4.3. A lower priority is to be discarded; we answer it (unless
 * lower_prio_no_advert) with an advert and GARP, as keepalived does by
 * default: it means a split brain, and the answer makes the other master
 * step down and the switches learn us again. The answer leaves Adver_Timer
 * alone: what others send never moves our periodic adverts. */
static void master_advert(struct vrrp_fsm *f, const struct vrrp_event *ev, uint64_t now,
			  struct vrrp_result *r)
{
	if (ev->priority == VRRP_PRIO_STOP) {
		if (!may_answer(f, now, r))
			return;
		act(r, VRRP_ACT_SEND_ADVERT, 0);
		act(r, VRRP_ACT_ARM_ADVER_TIMER, now + f->adver_int_cs * USEC_PER_CS);
		return;
	}
	if (ev->priority > f->priority ||
	    (ev->priority == f->priority && addr_cmp(&ev->src, &f->primary) > 0)) {
		learn(f, ev);
		act(r, VRRP_ACT_DEL_VIPS, 0);
		/* One last advert at our (lower) priority: after a partition the
		 * winner may never have heard us; this makes it re-announce
		 * the VIP (GARP) so every ARP cache follows the one master. */
		act(r, VRRP_ACT_SEND_ADVERT, 0);
		act(r, VRRP_ACT_ARM_MASTER_DOWN, now + f->master_down_interval);
		go(f, r, VRRP_STATE_BACKUP,
		   ev->priority > f->priority ? "higher priority advert"
					      : "equal priority, higher address");
		return;
	}
	if (f->lower_prio_no_advert || !may_answer(f, now, r))
		return;
	act(r, VRRP_ACT_SEND_ADVERT, 0);
	act(r, VRRP_ACT_SEND_GARP, 0);
}

enum vrrp_drop vrrp_fsm_screen(const struct vrrp_fsm *f, const struct vrrp_event *ev)
{
	if (ev->type == VRRP_EV_ADVERT && f->primary.family && !addr_cmp(&ev->src, &f->primary))
		return VRRP_DROP_OWN_ADDRESS;
	return VRRP_DROP_NONE;
}

enum vrrp_drop vrrp_fsm_admit(const struct vrrp_fsm *f, const struct vrrp_event *ev,
			      uint8_t cfg_priority)
{
	enum vrrp_drop r = vrrp_fsm_screen(f, ev);

	if (r || ev->type != VRRP_EV_ADVERT)
		return r;
	if (cfg_priority == VRRP_PRIO_OWNER)
		return VRRP_DROP_OWNER_CONFLICT;
	if (f->state == VRRP_STATE_INIT || f->state == VRRP_STATE_FAULT)
		return VRRP_DROP_NOT_RUNNING;
	return VRRP_DROP_NONE;
}

bool vrrp_fsm_defers(const struct vrrp_fsm *f)
{
	if (f->state != VRRP_STATE_BACKUP || !f->master_known || !f->master_priority)
		return false;
	if (f->preempt_at)
		return true; /* tolerating a lower master for preempt_delay */
	return !(f->preempt && f->master_priority < f->priority);
}

static void to_fault(struct vrrp_fsm *f, struct vrrp_result *r, const char *why)
{
	if (f->state == VRRP_STATE_MASTER) {
		act(r, VRRP_ACT_SEND_ADVERT_PRIO0, 0);
		act(r, VRRP_ACT_DEL_VIPS, 0);
	}
	act(r, VRRP_ACT_STOP_TIMERS, 0);
	f->preempt_at = 0;
	f->master_known = false;
	go(f, r, VRRP_STATE_FAULT, why);
}

static void to_init(struct vrrp_fsm *f, struct vrrp_result *r)
{
	act(r, VRRP_ACT_STOP_TIMERS, 0);
	if (f->state == VRRP_STATE_MASTER) {
		act(r, VRRP_ACT_SEND_ADVERT_PRIO0, 0);
		act(r, VRRP_ACT_DEL_VIPS, 0);
	}
	f->preempt_at = 0;
	f->master_known = false;
	go(f, r, VRRP_STATE_INIT, "shutdown");
}

static void step_backup(struct vrrp_fsm *f, const struct vrrp_event *ev, uint64_t now,
			struct vrrp_result *r)
{
	switch (ev->type) {
	case VRRP_EV_MASTER_DOWN_TIMER:
		/* Nothing heard for Master_Down_Interval: we no longer hear a master,
		 * so we no longer hold the other sync group members back (otherwise
		 * members whose timers fire together hold each other forever). */
		f->master_known = false;
		if (ev->held) /* wait for the group: look again after an interval */
			act(r, VRRP_ACT_ARM_MASTER_DOWN, now + f->master_down_interval);
		else
			become_master(f, now, r, "master down timer");
		break;
	case VRRP_EV_ADVERT:
		backup_advert(f, ev, now, r);
		break;
	case VRRP_EV_PREEMPT_TIMER:
		f->preempt_at = 0;
		if (f->preempt && f->master_known && f->master_priority < f->priority && !ev->held)
			become_master(f, now, r, "preempt delay expired");
		break;
	case VRRP_EV_SYNC_MASTER:
		become_master(f, now, r, "sync group member became master");
		break;
	default:
		break;
	}
}

static void step_master(struct vrrp_fsm *f, const struct vrrp_event *ev, uint64_t now,
			struct vrrp_result *r)
{
	switch (ev->type) {
	case VRRP_EV_ADVER_TIMER:
		act(r, VRRP_ACT_SEND_ADVERT, 0);
		act(r, VRRP_ACT_ARM_ADVER_TIMER, now + f->adver_int_cs * USEC_PER_CS);
		break;
	case VRRP_EV_ADVERT:
		master_advert(f, ev, now, r);
		break;
	case VRRP_EV_SYNC_BACKUP:
		/* Leaving master without hearing a better router here: priority 0
		 * lets this VRID's backup take over after skew time, as the
		 * group on the other director is about to want it to. */
		act(r, VRRP_ACT_SEND_ADVERT_PRIO0, 0);
		act(r, VRRP_ACT_DEL_VIPS, 0);
		f->master_known = false;
		become_backup(f, now, r, "sync group member became backup");
		break;
	default:
		break;
	}
}

void vrrp_fsm_step(struct vrrp_fsm *f, const struct vrrp_event *ev, uint64_t now,
		   struct vrrp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->state = f->state;
	r->drop = vrrp_fsm_screen(f, ev);
	if (r->drop)
		return;

	if (ev->type == VRRP_EV_SHUTDOWN) {
		if (f->state != VRRP_STATE_INIT)
			to_init(f, r);
		return;
	}
	if (ev->type == VRRP_EV_PRIORITY) {
		f->priority = ev->priority;
		recompute(f);
		if (f->state == VRRP_STATE_MASTER) {
			/* advertise the new priority now so a better backup preempts */
			f->master_priority = f->priority;
			act(r, VRRP_ACT_SEND_ADVERT, 0);
			act(r, VRRP_ACT_ARM_ADVER_TIMER, now + f->adver_int_cs * USEC_PER_CS);
		}
		return;
	}
	if (ev->type == VRRP_EV_FAULT) {
		if (f->state != VRRP_STATE_FAULT)
			to_fault(f, r, ev->why ? ev->why : "fault");
		return;
	}
	switch (f->state) {
	case VRRP_STATE_INIT:
		if (ev->type == VRRP_EV_STARTUP)
			start(f, now, r, false, NULL);
		break;
	case VRRP_STATE_FAULT:
		if (ev->type == VRRP_EV_FAULT_CLEAR)
			start(f, now, r, true, ev->why);
		break;
	case VRRP_STATE_BACKUP:
		step_backup(f, ev, now, r);
		break;
	case VRRP_STATE_MASTER:
		step_master(f, ev, now, r);
		break;
	}
}
