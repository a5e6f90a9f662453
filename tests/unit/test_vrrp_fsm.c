/* The RFC 5798 state machine driven through tables of
 * (setup, state, event) -> (state, actions). Actions are written as
 * "name" or "name@DELTA" where DELTA is the timer deadline minus now (usec). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "vrrp/vrrp_fsm.h"
#include "unit.h"

#define NOW 10000000ULL /* 10 s */

struct cfg {
	int version;
	uint8_t prio;
	uint16_t adv_cs;
	bool preempt;
	uint64_t preempt_delay;
	bool initial_master;
	bool lower_prio_no_advert;
	bool held; /* the daemon holds preemption (checks settling) */
};

static const struct cfg C_DEF = {3, 100, 100, true, 0, false, false, false};
static const struct cfg C_NOPRE = {3, 100, 100, false, 0, false, false, false};
static const struct cfg C_OWNER = {3, 255, 100, true, 0, false, false, false};
static const struct cfg C_FAST = {3, 150, 10, true, 0, false, false, false};
static const struct cfg C_SLOW = {3, 100, 300, true, 0, false, false, false};
static const struct cfg C_V2 = {2, 100, 100, true, 0, false, false, false};
static const struct cfg C_DELAY = {3, 100, 100, true, 5000000, false, false, false};
static const struct cfg C_INITM = {3, 100, 100, true, 0, true, false, false};
static const struct cfg C_HELD = {3, 100, 100, true, 0, false, false, true};
static const struct cfg C_RFC = {3, 100, 100, true, 0, false, true, false};

static struct hd_addr a4(const char *s)
{
	struct hd_addr a = {.family = AF_INET};

	inet_pton(AF_INET, s, &a.u.v4);
	return a;
}

/* our primary is 10.0.0.5 */
#define LOWER_ADDR  "10.0.0.4"
#define HIGHER_ADDR "10.0.0.6"
#define OWN_ADDR    "10.0.0.5"

static void setup(struct vrrp_fsm *f, const struct cfg *c, enum vrrp_state st)
{
	struct vrrp_result r;
	struct vrrp_event ev = {.type = VRRP_EV_STARTUP};

	memset(f, 0, sizeof(*f));
	f->version = c->version;
	f->adver_int_cs = c->adv_cs;
	f->preempt = c->preempt;
	f->preempt_delay_usec = c->preempt_delay;
	f->initial_master = c->initial_master;
	f->lower_prio_no_advert = c->lower_prio_no_advert;
	f->primary = a4("10.0.0.5");
	vrrp_fsm_init(f, c->prio);
	f->preempt_held = c->held;
	if (st == VRRP_STATE_INIT)
		return;
	vrrp_fsm_step(f, &ev, 0, &r);
	if (st == VRRP_STATE_MASTER && f->state != VRRP_STATE_MASTER) {
		ev.type = VRRP_EV_MASTER_DOWN_TIMER;
		vrrp_fsm_step(f, &ev, 0, &r);
	}
	if (st == VRRP_STATE_FAULT) {
		ev.type = VRRP_EV_FAULT;
		vrrp_fsm_step(f, &ev, 0, &r);
	}
	if (f->state != st) {
		fprintf(stderr, "setup could not reach %s\n", vrrp_state_str(st));
		failures++;
	}
}

static void render(const struct vrrp_result *r, uint64_t now, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < r->n && o < len; i++) {
		const struct vrrp_action *a = &r->act[i];

		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
				      vrrp_action_str(a->type));
		if (a->at && o < len)
			o += (size_t)snprintf(buf + o, len - o, "@%llu",
					      (unsigned long long)(a->at - now));
	}
}

struct row {
	const char *name;
	const struct cfg *cfg;
	enum vrrp_state from;
	enum vrrp_event_type ev;
	uint8_t prio;	 /* advert / priority event */
	uint16_t adv_cs; /* advert */
	const char *src; /* advert sender */
	enum vrrp_state to;
	const char *acts;
};

/* prio 100, adv 1 s: skew = 156/256 s = 609375 us; MDI = 3609375 us.
 * prio 150, adv 0.1 s: skew = 106*10/256 cs = 41406 us; MDI = 341406 us. */
static const struct row rows[] = {
    /* 6.4.1 Initialize */
    {"startup -> backup", &C_DEF, VRRP_STATE_INIT, VRRP_EV_STARTUP, 0, 0, NULL, VRRP_STATE_BACKUP,
     "arm_master_down@3609375,notify"},
    {"startup fast", &C_FAST, VRRP_STATE_INIT, VRRP_EV_STARTUP, 0, 0, NULL, VRRP_STATE_BACKUP,
     "arm_master_down@341406,notify"},
    {"startup owner -> master", &C_OWNER, VRRP_STATE_INIT, VRRP_EV_STARTUP, 0, 0, NULL,
     VRRP_STATE_MASTER,
     "add_vips,send_advert,send_garp,arm_adver_timer@1000000,stop_preempt_timer,notify"},
    {"startup state=master", &C_INITM, VRRP_STATE_INIT, VRRP_EV_STARTUP, 0, 0, NULL,
     VRRP_STATE_MASTER,
     "add_vips,send_advert,send_garp,arm_adver_timer@1000000,stop_preempt_timer,notify"},
    {"v2 skew ignores interval", &C_V2, VRRP_STATE_INIT, VRRP_EV_STARTUP, 0, 0, NULL,
     VRRP_STATE_BACKUP, "arm_master_down@3609375,notify"},
    {"init ignores timer", &C_DEF, VRRP_STATE_INIT, VRRP_EV_MASTER_DOWN_TIMER, 0, 0, NULL,
     VRRP_STATE_INIT, ""},
    {"init ignores advert", &C_DEF, VRRP_STATE_INIT, VRRP_EV_ADVERT, 200, 100, HIGHER_ADDR,
     VRRP_STATE_INIT, ""},
    {"init fault", &C_DEF, VRRP_STATE_INIT, VRRP_EV_FAULT, 0, 0, NULL, VRRP_STATE_FAULT,
     "stop_timers,notify"},
    {"init shutdown is a no-op", &C_DEF, VRRP_STATE_INIT, VRRP_EV_SHUTDOWN, 0, 0, NULL,
     VRRP_STATE_INIT, ""},
    /* 6.4.2 Backup */
    {"backup master down -> master", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_MASTER_DOWN_TIMER, 0, 0,
     NULL, VRRP_STATE_MASTER,
     "add_vips,send_advert,send_garp,arm_adver_timer@1000000,stop_preempt_timer,notify"},
    {"backup hears higher", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 150, 100, HIGHER_ADDR,
     VRRP_STATE_BACKUP, "arm_master_down@3609375"},
    {"backup hears equal", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 100, 100, LOWER_ADDR,
     VRRP_STATE_BACKUP, "arm_master_down@3609375"},
    {"backup learns interval (v3)", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 150, 10, HIGHER_ADDR,
     VRRP_STATE_BACKUP, "arm_master_down@360937"},
    {"backup priority 0 -> skew", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 0, 100, HIGHER_ADDR,
     VRRP_STATE_BACKUP, "arm_master_down@609375"},
    {"backup preempt: lower discarded", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 50, 100,
     HIGHER_ADDR, VRRP_STATE_BACKUP, ""},
    {"backup preempt held (checks settling): lower followed", &C_HELD, VRRP_STATE_BACKUP,
     VRRP_EV_ADVERT, 50, 100, HIGHER_ADDR, VRRP_STATE_BACKUP, "arm_master_down@3609375"},
    {"backup preempt held: a master gone is still taken over", &C_HELD, VRRP_STATE_BACKUP,
     VRRP_EV_MASTER_DOWN_TIMER, 0, 0, HIGHER_ADDR, VRRP_STATE_MASTER,
     "add_vips,send_advert,send_garp,arm_adver_timer@1000000,stop_preempt_timer,notify"},
    {"backup nopreempt: lower accepted", &C_NOPRE, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 50, 100,
     HIGHER_ADDR, VRRP_STATE_BACKUP, "arm_master_down@3609375"},
    {"backup preempt_delay: lower tolerated", &C_DELAY, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 50, 100,
     HIGHER_ADDR, VRRP_STATE_BACKUP, "arm_preempt_timer@5000000,arm_master_down@3609375"},
    {"backup preempt timer, no master known", &C_DELAY, VRRP_STATE_BACKUP, VRRP_EV_PREEMPT_TIMER, 0,
     0, NULL, VRRP_STATE_BACKUP, ""},
    {"backup ignores adver timer", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVER_TIMER, 0, 0, NULL,
     VRRP_STATE_BACKUP, ""},
    {"backup fault", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_FAULT, 0, 0, NULL, VRRP_STATE_FAULT,
     "stop_timers,notify"},
    {"backup shutdown", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_SHUTDOWN, 0, 0, NULL, VRRP_STATE_INIT,
     "stop_timers,notify"},
    {"backup priority change", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_PRIORITY, 80, 0, NULL,
     VRRP_STATE_BACKUP, ""},
    {"backup fault clear ignored", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_FAULT_CLEAR, 0, 0, NULL,
     VRRP_STATE_BACKUP, ""},
    /* 6.4.3 Master */
    {"master adver timer", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVER_TIMER, 0, 0, NULL,
     VRRP_STATE_MASTER, "send_advert,arm_adver_timer@1000000"},
    {"master hears higher -> backup", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 150, 100,
     LOWER_ADDR, VRRP_STATE_BACKUP, "del_vips,send_advert,arm_master_down@3609375,notify"},
    {"master learns interval stepping down", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 150, 10,
     LOWER_ADDR, VRRP_STATE_BACKUP, "del_vips,send_advert,arm_master_down@360937,notify"},
    {"master equal prio, higher addr -> backup", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 100,
     100, HIGHER_ADDR, VRRP_STATE_BACKUP, "del_vips,send_advert,arm_master_down@3609375,notify"},
    /* the answer leaves Adver_Timer alone: others never move our adverts */
    {"master equal prio, lower addr stays", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 100, 100,
     LOWER_ADDR, VRRP_STATE_MASTER, "send_advert,send_garp"},
    {"master hears lower: heal split brain", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 50, 100,
     HIGHER_ADDR, VRRP_STATE_MASTER, "send_advert,send_garp"},
    {"master lower_prio_no_advert: lower discarded", &C_RFC, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 50,
     100, HIGHER_ADDR, VRRP_STATE_MASTER, ""},
    {"master lower_prio_no_advert: priority 0 answered", &C_RFC, VRRP_STATE_MASTER, VRRP_EV_ADVERT,
     0, 100, HIGHER_ADDR, VRRP_STATE_MASTER, "send_advert,arm_adver_timer@1000000"},
    {"master ignores its own address", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 100, 100,
     OWN_ADDR, VRRP_STATE_MASTER, ""},
    {"backup ignores its own address", &C_DEF, VRRP_STATE_BACKUP, VRRP_EV_ADVERT, 200, 100,
     OWN_ADDR, VRRP_STATE_BACKUP, ""},
    {"master hears priority 0", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 0, 100, HIGHER_ADDR,
     VRRP_STATE_MASTER, "send_advert,arm_adver_timer@1000000"},
    {"owner stays master on 254", &C_OWNER, VRRP_STATE_MASTER, VRRP_EV_ADVERT, 254, 100,
     HIGHER_ADDR, VRRP_STATE_MASTER, "send_advert,send_garp"},
    {"master shutdown: priority 0", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_SHUTDOWN, 0, 0, NULL,
     VRRP_STATE_INIT, "stop_timers,send_advert_prio0,del_vips,notify"},
    {"master fault", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_FAULT, 0, 0, NULL, VRRP_STATE_FAULT,
     "send_advert_prio0,del_vips,stop_timers,notify"},
    {"master priority change: advertise now", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_PRIORITY, 80, 0,
     NULL, VRRP_STATE_MASTER, "send_advert,arm_adver_timer@1000000"},
    {"master ignores master down timer", &C_DEF, VRRP_STATE_MASTER, VRRP_EV_MASTER_DOWN_TIMER, 0, 0,
     NULL, VRRP_STATE_MASTER, ""},
    /* Fault */
    {"fault clear -> backup", &C_DEF, VRRP_STATE_FAULT, VRRP_EV_FAULT_CLEAR, 0, 0, NULL,
     VRRP_STATE_BACKUP, "arm_master_down@3609375,notify"},
    {"fault clear, state=master -> backup", &C_INITM, VRRP_STATE_FAULT, VRRP_EV_FAULT_CLEAR, 0, 0,
     NULL, VRRP_STATE_BACKUP, "arm_master_down@3609375,notify"},
    {"fault clear owner -> master", &C_OWNER, VRRP_STATE_FAULT, VRRP_EV_FAULT_CLEAR, 0, 0, NULL,
     VRRP_STATE_MASTER,
     "add_vips,send_advert,send_garp,arm_adver_timer@1000000,stop_preempt_timer,notify"},
    {"fault ignores advert", &C_DEF, VRRP_STATE_FAULT, VRRP_EV_ADVERT, 200, 100, HIGHER_ADDR,
     VRRP_STATE_FAULT, ""},
    {"fault ignores timers", &C_DEF, VRRP_STATE_FAULT, VRRP_EV_MASTER_DOWN_TIMER, 0, 0, NULL,
     VRRP_STATE_FAULT, ""},
    {"fault again is a no-op", &C_DEF, VRRP_STATE_FAULT, VRRP_EV_FAULT, 0, 0, NULL,
     VRRP_STATE_FAULT, ""},
    {"fault shutdown", &C_DEF, VRRP_STATE_FAULT, VRRP_EV_SHUTDOWN, 0, 0, NULL, VRRP_STATE_INIT,
     "stop_timers,notify"},
};

static void run_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		struct vrrp_fsm f;
		struct vrrp_result r;
		struct vrrp_event ev = {
		    .type = w->ev, .priority = w->prio, .adver_int_cs = w->adv_cs};
		char got[512];

		if (w->src)
			ev.src = a4(w->src);
		setup(&f, w->cfg, w->from);
		vrrp_fsm_step(&f, &ev, NOW, &r);
		render(&r, NOW, got, sizeof(got));
		if (r.state != w->to || f.state != w->to || strcmp(got, w->acts) ||
		    (r.state != w->from) != (r.reason != NULL)) {
			fprintf(stderr, "FAIL %s: got %s [%s] want %s [%s]\n", w->name,
				vrrp_state_str(r.state), got, vrrp_state_str(w->to), w->acts);
			failures++;
		}
	}
}

/* Streams of adverts at one instance: each step is fed at NOW + at, in
 * order, to the same state machine; what it does and what it counts. */
struct astep {
	uint64_t at;
	enum vrrp_event_type ev;
	uint8_t prio;
	const char *src;
	const char *acts;
	enum vrrp_drop drop;
};

struct acase {
	const char *name;
	const struct cfg *cfg;
	enum vrrp_state from;
	struct astep steps[6]; /* up to the first with acts == NULL */
};

#define ADV	     VRRP_EV_ADVERT
#define LIMITED	     VRRP_DROP_ANSWER_LIMITED
#define OWN	     VRRP_DROP_OWN_ADDRESS
#define ANSWER	     "send_advert,send_garp"
#define ANSWER0	     "send_advert,arm_adver_timer@1000000"
#define ANSWER0_FAST "send_advert,arm_adver_timer@100000"

static const struct acase acases[] = {
    {"lower stream: one answer per second (interval 1 s)",
     &C_DEF,
     VRRP_STATE_MASTER,
     {{0, ADV, 50, HIGHER_ADDR, ANSWER, 0},
      {1, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {999999, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {1000000, ADV, 50, HIGHER_ADDR, ANSWER, 0},
      {1000001, ADV, 99, LOWER_ADDR, "", LIMITED}}},
    {"interval 0.1 s: still one answer per second",
     &C_FAST,
     VRRP_STATE_MASTER,
     {{0, ADV, 50, HIGHER_ADDR, ANSWER, 0},
      {100000, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {999999, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {1000000, ADV, 50, HIGHER_ADDR, ANSWER, 0}}},
    {"interval 3 s: one answer per interval",
     &C_SLOW,
     VRRP_STATE_MASTER,
     {{0, ADV, 50, HIGHER_ADDR, ANSWER, 0},
      {1000000, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {2999999, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {3000000, ADV, 50, HIGHER_ADDR, ANSWER, 0}}},
    {"equal priority, lower address: limited too",
     &C_DEF,
     VRRP_STATE_MASTER,
     {{0, ADV, 100, LOWER_ADDR, ANSWER, 0}, {5, ADV, 100, LOWER_ADDR, "", LIMITED}}},
    {"priority 0 shares the limit (answered, timer reset, 6.4.3)",
     &C_FAST,
     VRRP_STATE_MASTER,
     {{0, ADV, 0, HIGHER_ADDR, ANSWER0_FAST, 0},
      {1, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {2, ADV, 0, HIGHER_ADDR, "", LIMITED},
      {1000002, ADV, 0, HIGHER_ADDR, ANSWER0_FAST, 0}}},
    {"the periodic advert goes out whatever was answered",
     &C_DEF,
     VRRP_STATE_MASTER,
     {{0, ADV, 50, HIGHER_ADDR, ANSWER, 0},
      {1, ADV, 50, HIGHER_ADDR, "", LIMITED},
      {2, VRRP_EV_ADVER_TIMER, 0, NULL, "send_advert,arm_adver_timer@1000000", 0}}},
    {"higher priority is never limited",
     &C_DEF,
     VRRP_STATE_MASTER,
     {{0, ADV, 50, HIGHER_ADDR, ANSWER, 0},
      {1, ADV, 150, LOWER_ADDR, "del_vips,send_advert,arm_master_down@3609375,notify", 0}}},
    {"lower_prio_no_advert: discarded, not counted",
     &C_RFC,
     VRRP_STATE_MASTER,
     {{0, ADV, 50, HIGHER_ADDR, "", 0},
      {1, ADV, 50, HIGHER_ADDR, "", 0},
      {2, ADV, 0, HIGHER_ADDR, ANSWER0, 0},
      {3, ADV, 0, HIGHER_ADDR, "", LIMITED}}},
    {"own address: dropped as master, however often",
     &C_DEF,
     VRRP_STATE_MASTER,
     {{0, ADV, 100, OWN_ADDR, "", OWN},
      {1, ADV, 100, OWN_ADDR, "", OWN},
      {2, ADV, 50, HIGHER_ADDR, ANSWER, 0}}},
    {"own address: a backup neither learns nor preempts from it",
     &C_DEF,
     VRRP_STATE_BACKUP,
     {{0, ADV, 200, OWN_ADDR, "", OWN},
      {1, ADV, 0, OWN_ADDR, "", OWN},
      {2, ADV, 50, OWN_ADDR, "", OWN}}},
    {"own address: counted in init and fault too",
     &C_DEF,
     VRRP_STATE_FAULT,
     {{0, ADV, 200, OWN_ADDR, "", OWN}}},
};

static void run_acases(void)
{
	for (size_t i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		const struct acase *c = &acases[i];
		struct vrrp_fsm f;

		setup(&f, c->cfg, c->from);
		for (size_t k = 0; k < 6 && c->steps[k].acts; k++) {
			const struct astep *st = &c->steps[k];
			struct vrrp_event ev = {
			    .type = st->ev, .priority = st->prio, .adver_int_cs = 100};
			struct vrrp_result r;
			char got[512];

			if (st->src)
				ev.src = a4(st->src);
			vrrp_fsm_step(&f, &ev, NOW + st->at, &r);
			render(&r, NOW + st->at, got, sizeof(got));
			if (strcmp(got, st->acts) || r.drop != st->drop) {
				fprintf(stderr,
					"FAIL %s, step %zu: got [%s] drop %s want [%s] drop %s\n",
					c->name, k, got, vrrp_drop_str(r.drop), st->acts,
					vrrp_drop_str(st->drop));
				failures++;
			}
		}
	}
	CHECK(vrrp_answer_window(1) == 1000000 && vrrp_answer_window(100) == 1000000 &&
	      vrrp_answer_window(101) == 1010000);
}

static void step(struct vrrp_fsm *f, enum vrrp_event_type t, uint8_t prio, const char *src,
		 uint64_t now, struct vrrp_result *r)
{
	struct vrrp_event ev = {.type = t, .priority = prio, .adver_int_cs = 100};

	if (src)
		ev.src = a4(src);
	vrrp_fsm_step(f, &ev, now, r);
}

/* Sequences: preempt_delay lifecycle and timer formula edge values. */
static void test_sequences(void)
{
	struct vrrp_fsm f;
	struct vrrp_result r;
	char got[512];

	/* preempt_delay: tolerated while the delay runs, then take over */
	setup(&f, &C_DELAY, VRRP_STATE_BACKUP);
	step(&f, VRRP_EV_ADVERT, 50, HIGHER_ADDR, NOW, &r);
	CHECK(f.preempt_at == NOW + 5000000);
	step(&f, VRRP_EV_ADVERT, 50, HIGHER_ADDR, NOW + 1000000, &r);
	render(&r, NOW + 1000000, got, sizeof(got));
	CHECK(!strcmp(got, "arm_master_down@3609375")); /* no second preempt timer */
	step(&f, VRRP_EV_ADVERT, 50, HIGHER_ADDR, NOW + 6000000, &r);
	CHECK(r.n == 0); /* delay over: discarded */
	step(&f, VRRP_EV_PREEMPT_TIMER, 0, NULL, NOW + 5000000, &r);
	CHECK(r.state == VRRP_STATE_MASTER && !strcmp(r.reason, "preempt delay expired"));

	/* a higher master appearing cancels the pending preemption */
	setup(&f, &C_DELAY, VRRP_STATE_BACKUP);
	step(&f, VRRP_EV_ADVERT, 50, HIGHER_ADDR, NOW, &r);
	step(&f, VRRP_EV_ADVERT, 200, HIGHER_ADDR, NOW + 1, &r);
	render(&r, NOW + 1, got, sizeof(got));
	CHECK(!strcmp(got, "stop_preempt_timer,arm_master_down@3609375") && f.preempt_at == 0);
	step(&f, VRRP_EV_PREEMPT_TIMER, 0, NULL, NOW + 5000000, &r);
	CHECK(r.state == VRRP_STATE_BACKUP);

	/* priority change alters skew of the next master down timer */
	setup(&f, &C_DEF, VRRP_STATE_BACKUP);
	step(&f, VRRP_EV_PRIORITY, 228, NULL, NOW, &r);
	step(&f, VRRP_EV_ADVERT, 250, HIGHER_ADDR, NOW, &r);
	render(&r, NOW, got, sizeof(got));
	CHECK(!strcmp(got, "arm_master_down@3109375")); /* 28/256 s skew */

	/* split brain: two masters; the lower steps down, exactly one remains */
	{
		struct vrrp_fsm a, b;

		setup(&a, &C_DEF, VRRP_STATE_MASTER);
		setup(&b, &C_FAST, VRRP_STATE_MASTER);
		b.primary = a4(HIGHER_ADDR);
		step(&a, VRRP_EV_ADVERT, 150, HIGHER_ADDR, NOW, &r);
		CHECK(a.state == VRRP_STATE_BACKUP && a.master_priority == 150);
		step(&b, VRRP_EV_ADVERT, 100, "10.0.0.5", NOW, &r);
		CHECK(b.state == VRRP_STATE_MASTER);
	}

	/* formulas (RFC 5798 6.1): microseconds, no centisecond rounding */
	CHECK(vrrp_skew_time(3, 100, 100) == 609375);
	CHECK(vrrp_master_down_interval(3, 100, 10) == 360937);
	CHECK(vrrp_master_down_interval(3, 150, 1) == 34140);
	CHECK(vrrp_skew_time(3, 255, 4095) == 159960);
	CHECK(vrrp_skew_time(2, 1, 300) == 996093);
	CHECK(vrrp_master_down_interval(2, 100, 300) == 9609375);
	CHECK(!strcmp(vrrp_event_str(VRRP_EV_PREEMPT_TIMER), "preempt_timer"));
	CHECK(!strcmp(vrrp_state_str(VRRP_STATE_FAULT), "FAULT"));
}

/* Every event a step can see, with the parameters that choose a branch:
 * advert priorities around ours (and 0, and the owner's 255) from a lower,
 * a higher and our own address; new priorities; timers held or not. */
struct any_ev {
	enum vrrp_event_type t;
	uint8_t prio;
	const char *src;
	bool held;
};

static size_t all_events(struct any_ev *out, size_t max)
{
	static const uint8_t prios[] = {0, 1, 50, 99, 100, 101, 149, 150, 151, 254, 255};
	static const char *const srcs[] = {LOWER_ADDR, HIGHER_ADDR, OWN_ADDR};
	size_t n = 0;

	for (int t = 0; t < VRRP_EV__MAX; t++) {
		for (size_t p = 0; p < sizeof(prios); p++) {
			for (size_t s = 0; s < 3; s++) {
				bool timer =
				    t == VRRP_EV_MASTER_DOWN_TIMER || t == VRRP_EV_PREEMPT_TIMER;
				for (int held = 0; held <= timer && n < max; held++)
					out[n++] = (struct any_ev){t, prios[p], srcs[s], held};
				if (t != VRRP_EV_ADVERT)
					break; /* the source only matters to adverts */
			}
			if (t != VRRP_EV_ADVERT && t != VRRP_EV_PRIORITY)
				break;
		}
	}
	return n;
}

static unsigned walk_max;

/* Every sequence of DEPTH events from F, each step checked for its length. */
static void walk(const struct vrrp_fsm *f, const struct any_ev *evs, size_t n_ev, int depth,
		 uint64_t now)
{
	for (size_t i = 0; i < n_ev; i++) {
		struct vrrp_fsm g = *f;
		struct vrrp_result r;
		struct vrrp_event ev = {.type = evs[i].t,
					.priority = evs[i].prio,
					.adver_int_cs = 100,
					.src = a4(evs[i].src),
					.held = evs[i].held};

		vrrp_fsm_step(&g, &ev, now, &r);
		if (r.n > walk_max)
			walk_max = r.n;
		if (depth > 1)
			walk(&g, evs, n_ev, depth - 1, now + 3000000);
	}
}

/* act() asserts that no path overflows VRRP_MAX_ACTIONS (an action past it
 * used to vanish silently): walk every 3-event sequence from every state
 * under every configuration, so a path that outgrows it aborts here. */
static void test_action_bound(void)
{
	static const struct cfg *const cfgs[] = {&C_DEF, &C_NOPRE, &C_OWNER, &C_FAST, &C_SLOW,
						 &C_V2,	 &C_DELAY, &C_INITM, &C_RFC};
	struct any_ev evs[256];
	size_t n_ev = all_events(evs, sizeof(evs) / sizeof(evs[0]));

	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		for (int st = VRRP_STATE_INIT; st <= VRRP_STATE_FAULT; st++) {
			struct vrrp_fsm f;

			if (st == VRRP_STATE_BACKUP &&
			    (cfgs[c]->prio == 255 || cfgs[c]->initial_master))
				continue; /* these start as master: the walks reach backup */
			setup(&f, cfgs[c], (enum vrrp_state)st);
			walk(&f, evs, n_ev, 3, NOW);
		}
	}
	printf("# %zu events, longest step %u actions (bound %d)\n", n_ev, walk_max,
	       VRRP_MAX_ACTIONS);
	CHECK(n_ev > 50 && walk_max > 0 && walk_max <= VRRP_MAX_ACTIONS);
}

/* The receive rules of handle_advert (vrrp_io.c) before the state machine:
 * (configured priority, state, source) -> drop reason, own address first. */
static void test_admit(void)
{
	static const struct {
		uint8_t cfg_prio;
		enum vrrp_state st;
		const char *src;
		enum vrrp_drop want;
	} adm[] = {
	    {100, VRRP_STATE_BACKUP, HIGHER_ADDR, VRRP_DROP_NONE},
	    {100, VRRP_STATE_MASTER, LOWER_ADDR, VRRP_DROP_NONE},
	    {100, VRRP_STATE_INIT, HIGHER_ADDR, VRRP_DROP_NOT_RUNNING},
	    {100, VRRP_STATE_FAULT, HIGHER_ADDR, VRRP_DROP_NOT_RUNNING},
	    {255, VRRP_STATE_MASTER, HIGHER_ADDR, VRRP_DROP_OWNER_CONFLICT},
	    {255, VRRP_STATE_BACKUP, LOWER_ADDR, VRRP_DROP_OWNER_CONFLICT},
	    /* the owner rule before the running one: counted as what it is */
	    {255, VRRP_STATE_FAULT, HIGHER_ADDR, VRRP_DROP_OWNER_CONFLICT},
	    {255, VRRP_STATE_INIT, LOWER_ADDR, VRRP_DROP_OWNER_CONFLICT},
	    /* our own address before anything else */
	    {100, VRRP_STATE_MASTER, OWN_ADDR, VRRP_DROP_OWN_ADDRESS},
	    {100, VRRP_STATE_FAULT, OWN_ADDR, VRRP_DROP_OWN_ADDRESS},
	    {255, VRRP_STATE_MASTER, OWN_ADDR, VRRP_DROP_OWN_ADDRESS},
	};
	for (size_t i = 0; i < sizeof(adm) / sizeof(adm[0]); i++) {
		struct vrrp_fsm f;
		struct vrrp_event ev = {.type = VRRP_EV_ADVERT,
					.priority = 100,
					.adver_int_cs = 100,
					.src = a4(adm[i].src)};

		memset(&f, 0, sizeof(f));
		f.primary = a4(OWN_ADDR);
		f.state = adm[i].st;
		enum vrrp_drop got = vrrp_fsm_admit(&f, &ev, adm[i].cfg_prio);
		EXPECT(got == adm[i].want, "row %zu: %s, want %s", i, vrrp_drop_str(got),
		       vrrp_drop_str(adm[i].want));
		/* other events are not adverts: never dropped here */
		ev.type = VRRP_EV_FAULT;
		EXPECT(vrrp_fsm_admit(&f, &ev, adm[i].cfg_prio) == VRRP_DROP_NONE, "row %zu", i);
	}
}

int main(void)
{
	test_admit();
	run_rows();
	run_acases();
	test_sequences();
	test_action_bound();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
