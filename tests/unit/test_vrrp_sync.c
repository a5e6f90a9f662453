/* vrrp_sync_group decisions driven through a table: members' states before,
 * the transition one of them made, and what each member must do. Plus the
 * FSM side of following (sync_master / sync_backup events). */
#include <stdio.h>
#include <string.h>

#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_sync.h"
#include "unit.h"

#define B VRRP_STATE_BACKUP
#define M VRRP_STATE_MASTER
#define F VRRP_STATE_FAULT
#define I VRRP_STATE_INIT

/* members: state letter, then 'o' own fault, 'g' group fault, '-' none.
 * want: per member "fault follow", fault in {'.','S','C'}, follow in
 * {'.','M','B'}. */
struct row {
	const char *name;
	const char *members; /* e.g. "M- B-" : changed member first */
	enum vrrp_state old;
	const char *want;      /* e.g. ".. .M" */
	enum vrrp_state group; /* group state once applied (prev = INIT) */
};

static const struct row rows[] = {
    {"master pulls backups to master", "M- B- B-", B, ".. .M .M", M},
    {"master pulls: group master once all follow", "M- M- M-", B, ".. .. ..", M},
    {"already-master members stay", "M- M- B-", B, ".. .. .M", M},
    {"going backup takes masters to backup", "B- M- M-", M, ".. .B .B", B},
    {"backup from fault does not push anyone", "B- M-", F, ".. ..", I},
    {"backup from init does not push anyone", "B- M-", I, ".. ..", I},
    {"all backup: group backup", "B- B-", I, ".. ..", B},
    {"own fault holds the others", "Fo M- B-", M, ".. S. S.", F},
    {"own fault: members already held stay held", "Fo Fg", M, ".. ..", F},
    {"fault cleared releases the others", "B- Fg Fg", F, ".. C. C.", B},
    {"two own faults: one clearing releases nobody", "B- Fo Fg", F, "S. .. ..", F},
    {"own fault member holds no group bit", "Fo Fg", B, ".. ..", F},
    {"master while a member is held: release and follow", "M- Fg", B, ".. CM", M},
    {"shutdown propagates nothing", "I- M-", M, ".. ..", I},
    {"master to fault with one member: nothing to do", "Fo", M, "..", F},
    {"fault with group bit but own fault too: clear bit", "B- Fo", F, "S. ..", F},
};

static size_t parse_members(const char *s, struct vrrp_sync_member *m)
{
	size_t n = 0;

	while (*s) {
		m[n].state = s[0] == 'M' ? M : s[0] == 'B' ? B : s[0] == 'F' ? F : I;
		m[n].own_fault = s[1] == 'o';
		m[n].group_fault = s[1] == 'g';
		n++;
		s += 2;
		while (*s == ' ')
			s++;
	}
	return n;
}

static void run_rows(void)
{
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *w = &rows[r];
		struct vrrp_sync_member m[8] = {0};
		struct vrrp_sync_cmd out[8];
		size_t n = parse_members(w->members, m);
		char got[64] = "";
		size_t o = 0;
		enum vrrp_state g;

		vrrp_sync_decide(m, n, 0, w->old, m[0].state, out);
		for (size_t i = 0; i < n; i++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%c%c", i ? " " : "",
					      ".SC"[out[i].fault], ".MB"[out[i].follow]);
		/* the group state once the commands are applied */
		for (size_t i = 0; i < n; i++) {
			if (out[i].fault == VRRP_SYNC_FAULT_SET)
				m[i].state = F;
			else if (out[i].fault == VRRP_SYNC_FAULT_CLEAR && !m[i].own_fault)
				m[i].state = B;
			if (out[i].follow == VRRP_SYNC_TO_MASTER)
				m[i].state = M;
			else if (out[i].follow == VRRP_SYNC_TO_BACKUP)
				m[i].state = B;
		}
		g = vrrp_sync_group_state(m, n, I);
		if (strcmp(got, w->want) || g != w->group) {
			fprintf(stderr, "FAIL %s: got [%s] group %s, want [%s] group %s\n", w->name,
				got, vrrp_state_str(g), w->want, vrrp_state_str(w->group));
			failures++;
		}
	}
}

/* The state machine's half: who follows, with which actions. */
static void test_fsm(void)
{
	struct vrrp_fsm f;
	struct vrrp_result r;
	struct vrrp_event ev = {.type = VRRP_EV_STARTUP};

	memset(&f, 0, sizeof(f));
	f.version = 3;
	f.adver_int_cs = 100;
	f.preempt = true;
	vrrp_fsm_init(&f, 100);
	vrrp_fsm_step(&f, &ev, 0, &r);
	ev.type = VRRP_EV_SYNC_BACKUP; /* backup: nothing */
	vrrp_fsm_step(&f, &ev, 1, &r);
	if (f.state != B || r.n) {
		fprintf(stderr, "FAIL sync_backup in backup must be a no-op\n");
		failures++;
	}
	ev.type = VRRP_EV_SYNC_MASTER;
	vrrp_fsm_step(&f, &ev, 1, &r);
	if (f.state != M || r.act[0].type != VRRP_ACT_ADD_VIPS ||
	    strcmp(r.reason, "sync group member became master")) {
		fprintf(stderr, "FAIL sync_master: backup must become master\n");
		failures++;
	}
	vrrp_fsm_step(&f, &ev, 2, &r); /* master: no-op */
	if (f.state != M || r.n) {
		fprintf(stderr, "FAIL sync_master in master must be a no-op\n");
		failures++;
	}
	ev.type = VRRP_EV_SYNC_BACKUP;
	vrrp_fsm_step(&f, &ev, 10, &r);
	if (f.state != B || r.n < 3 || r.act[0].type != VRRP_ACT_SEND_ADVERT_PRIO0 ||
	    r.act[1].type != VRRP_ACT_DEL_VIPS || r.act[2].type != VRRP_ACT_ARM_MASTER_DOWN ||
	    r.act[2].at != 10 + 3609375) {
		fprintf(stderr, "FAIL sync_backup: master must give up (prio 0, del vips, MDI)\n");
		failures++;
	}
	ev.type = VRRP_EV_FAULT;
	vrrp_fsm_step(&f, &ev, 11, &r);
	ev.type = VRRP_EV_SYNC_MASTER;
	vrrp_fsm_step(&f, &ev, 12, &r);
	if (f.state != F || r.n) {
		fprintf(stderr, "FAIL sync_master must not pull a member out of fault\n");
		failures++;
	}
}

/* Going master on one's own needs every other member to agree. */
static void test_may_master(void)
{
	struct vrrp_sync_member m[3] = {{.state = B}, {.state = B}, {.state = M}};
	struct vrrp_fsm f;
	struct vrrp_result r;
	struct vrrp_event ev = {.type = VRRP_EV_STARTUP};

	if (!vrrp_sync_may_master(m, 3, 0))
		failures++, fprintf(stderr, "FAIL may_master: nobody defers\n");
	m[1].defers = true;
	if (vrrp_sync_may_master(m, 3, 0) || !vrrp_sync_may_master(m, 3, 1))
		failures++, fprintf(stderr, "FAIL may_master: a deferring sibling holds\n");
	m[1].defers = false;
	m[2].own_fault = true;
	if (vrrp_sync_may_master(m, 3, 0))
		failures++, fprintf(stderr, "FAIL may_master: a faulty sibling holds\n");

	/* FSM: a held master down timer re-arms and stays backup */
	memset(&f, 0, sizeof(f));
	f.version = 3, f.adver_int_cs = 100, f.preempt = true;
	vrrp_fsm_init(&f, 100);
	vrrp_fsm_step(&f, &ev, 0, &r);
	ev = (struct vrrp_event){.type = VRRP_EV_MASTER_DOWN_TIMER, .held = true};
	vrrp_fsm_step(&f, &ev, 5, &r);
	if (f.state != B || r.n != 1 || r.act[0].type != VRRP_ACT_ARM_MASTER_DOWN ||
	    r.act[0].at != 5 + 3609375)
		failures++, fprintf(stderr, "FAIL held master down timer must re-arm\n");
	/* defers: hears 150 (higher) -> defers; hears 50 with preempt -> not */
	ev = (struct vrrp_event){.type = VRRP_EV_ADVERT, .priority = 150, .adver_int_cs = 100};
	ev.src.family = 2;
	vrrp_fsm_step(&f, &ev, 6, &r);
	if (!vrrp_fsm_defers(&f))
		failures++, fprintf(stderr, "FAIL backup hearing a higher master defers\n");
	ev.priority = 50;
	vrrp_fsm_step(&f, &ev, 7, &r);
	if (vrrp_fsm_defers(&f))
		failures++, fprintf(stderr, "FAIL preempting backup does not defer\n");
	f.preempt = false;
	if (!vrrp_fsm_defers(&f))
		failures++, fprintf(stderr, "FAIL nopreempt backup defers to a lower master\n");
	ev.priority = 0;
	vrrp_fsm_step(&f, &ev, 8, &r);
	if (vrrp_fsm_defers(&f))
		failures++, fprintf(stderr, "FAIL priority 0 heard: no master to defer to\n");
}

int main(void)
{
	run_rows();
	test_may_master();
	test_fsm();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
