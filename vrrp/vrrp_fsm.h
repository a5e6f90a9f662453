/* The VRRP state machine of RFC 5798 section 6, pure: (state, event, now) ->
 * (new state, actions). Every protocol rule lives here; vrrp_io.c only
 * executes the actions. Times are CLOCK_MONOTONIC microseconds, intervals
 * centiseconds as on the wire. */
#ifndef VRRP_FSM_H
#define VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "hd_config.h"
#include "vrrp_pkt.h"

/* A master answers a lower-priority (or priority 0) advert at most once per
 * this long, or per advertisement interval if that is longer. */
#define VRRP_ANSWER_MIN_USEC 1000000ULL

enum vrrp_state { VRRP_STATE_INIT = 0, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_STATE_FAULT };

enum vrrp_event_type {
	VRRP_EV_STARTUP = 0,
	VRRP_EV_SHUTDOWN,
	VRRP_EV_ADVER_TIMER,
	VRRP_EV_MASTER_DOWN_TIMER,
	VRRP_EV_ADVERT,	     /* a valid advert for our VRID */
	VRRP_EV_FAULT,	     /* interface or tracker down */
	VRRP_EV_FAULT_CLEAR, /* all fault conditions gone */
	VRRP_EV_PRIORITY,    /* weighted trackers changed the priority */
	VRRP_EV_PREEMPT_TIMER,
	VRRP_EV_SYNC_MASTER, /* a sync group member became master: follow */
	VRRP_EV_SYNC_BACKUP, /* a sync group member went back to backup: follow */
	VRRP_EV__MAX
};

struct vrrp_event {
	enum vrrp_event_type type;
	uint8_t priority;      /* ADVERT: sender's; PRIORITY: our new one */
	uint16_t adver_int_cs; /* ADVERT: Max Adver Int */
	struct hd_addr src;    /* ADVERT: sender's primary address */
	const char *why;       /* FAULT / FAULT_CLEAR: for the log, may be NULL */
	bool held;	       /* MASTER_DOWN / PREEMPT timer: a sync group member
				* still hears a master it defers to: stay backup */
};

enum vrrp_action_type {
	VRRP_ACT_ADD_VIPS = 0,
	VRRP_ACT_DEL_VIPS,
	VRRP_ACT_SEND_ADVERT,
	VRRP_ACT_SEND_ADVERT_PRIO0,
	VRRP_ACT_SEND_GARP,
	/* Adver_Timer and Master_Down_Timer never run together: both use
	 * the one protocol timer, arming one disarms the other. */
	VRRP_ACT_ARM_ADVER_TIMER,   /* at = deadline */
	VRRP_ACT_ARM_MASTER_DOWN,   /* at = deadline */
	VRRP_ACT_STOP_TIMERS,	    /* protocol + preempt timers */
	VRRP_ACT_ARM_PREEMPT_TIMER, /* at = deadline */
	VRRP_ACT_STOP_PREEMPT_TIMER,
	VRRP_ACT_NOTIFY, /* state changed: scripts, log done by caller */
	VRRP_ACT__MAX
};

struct vrrp_action {
	enum vrrp_action_type type;
	uint64_t at;
};

#define VRRP_MAX_ACTIONS 12

struct vrrp_result {
	enum vrrp_state state; /* new state (may equal the old one) */
	const char *reason;    /* why the state changed, NULL if it did not */
	enum vrrp_drop drop;   /* ADVERT: discarded, to be counted as this */
	unsigned n;
	struct vrrp_action act[VRRP_MAX_ACTIONS];
};

/* Protocol state of one instance. Set the configuration fields, call
 * vrrp_fsm_init, then feed events. */
struct vrrp_fsm {
	/* configuration */
	int version;
	uint16_t adver_int_cs;
	bool preempt;
	uint64_t preempt_delay_usec;
	bool initial_master;	   /* `state = master`: take over at startup */
	bool lower_prio_no_advert; /* never answer a lower priority (6.4.3 to the letter) */
	struct hd_addr primary;	   /* our primary address, for the tie break */
	/* runtime */
	enum vrrp_state state;
	uint8_t priority;		/* effective (after trackers) */
	uint16_t master_adver_interval; /* cs; learned from the master (v3) */
	uint64_t skew_time;		/* usec */
	uint64_t master_down_interval;	/* usec */
	uint64_t preempt_at;		/* 0 = no preempt delay running */
	bool master_known;
	struct hd_addr master_addr; /* last master heard (or us) */
	uint8_t master_priority;
	uint64_t answer_at; /* no answer to a lower priority before this */
	/* set by the daemon: follow a lower-priority master instead of
	 * preempting it (the health checks are settling, vrrp_daemon.c) */
	bool preempt_held;
};

void vrrp_fsm_init(struct vrrp_fsm *f, uint8_t priority);

/* The one transition function. Mutates F (timers' derived values, learned
 * interval, state) and returns what to do, in order. */
void vrrp_fsm_step(struct vrrp_fsm *f, const struct vrrp_event *ev, uint64_t now,
		   struct vrrp_result *res);

/* Skew_Time and Master_Down_Interval in microseconds (RFC 5798 6.1). */
uint64_t vrrp_skew_time(int version, uint8_t priority, uint16_t master_adver_interval_cs);
uint64_t vrrp_master_down_interval(int version, uint8_t priority,
				   uint16_t master_adver_interval_cs);

/* An advert the state machine must never see, whatever the state: one
 * from our own primary address (our advert looped back, or a forgery). */
enum vrrp_drop vrrp_fsm_screen(const struct vrrp_fsm *f, const struct vrrp_event *ev);

/* The receive rules for an advert that passed the packet checks, in
 * order: not from our own address (vrrp_fsm_screen), not while we own the
 * addresses (CFG_PRIORITY 255, RFC 5798 7.1: the owner ignores others),
 * not in INIT or FAULT (nothing to learn). VRRP_DROP_NONE: feed it to
 * vrrp_fsm_step. Events other than adverts always pass. */
enum vrrp_drop vrrp_fsm_admit(const struct vrrp_fsm *f, const struct vrrp_event *ev,
			      uint8_t cfg_priority);

/* How long a master waits between two answers to lower priorities. */
uint64_t vrrp_answer_window(uint16_t adver_int_cs);

/* In BACKUP and hearing a live master it would not preempt (for sync
 * groups: such a member keeps its group out of master). */
bool vrrp_fsm_defers(const struct vrrp_fsm *f);

const char *vrrp_state_str(enum vrrp_state s);
const char *vrrp_event_str(enum vrrp_event_type t);
const char *vrrp_action_str(enum vrrp_action_type t);

#endif
