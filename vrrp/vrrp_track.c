/* Trackers (track_interface, track_script) and notify scripts.
 * Scripts run through hd_child_run (daemon/base/spawn.h: script_user, a clean
 * child, reaped always, killed at the timeout): nothing here ever blocks
 * the loop. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp_int.h"

#define DEFAULT_SCRIPT_TIMEOUT (10 * 1000000ULL)

enum { SCRIPT_UNKNOWN = -1, SCRIPT_FAILED = 0, SCRIPT_OK = 1 };

struct vrrp_script_state {
	struct vrrp_ctx *c;
	const struct hd_vrrp_script_config *cfg;
	sd_event_source *next;
	struct hd_child *run; /* the run in progress */
	unsigned ok_run, fail_run;
	int state;
};

#define NOTIFY_ARGV 10
/* Jobs waiting beside the one running, whatever their key: a sync group's
 * specific script has none (see enqueue), and this still bounds it. */
#define NOTIFY_MAX_PENDING 32
struct notify_job {
	char *argv[NOTIFY_ARGV]; /* for /bin/sh, NULL-terminated, owned */
	char *key;		 /* "INSTANCE VI_1": whose state it tells, or NULL */
	unsigned long seq;	 /* the transition it belongs to */
	struct notify_job *next;
};

/* One job runs at a time, in transition order. While it runs only the
 * latest transition of each instance waits: an older one still waiting
 * says a state that is no longer true, and is dropped (counted, logged),
 * so flapping with a slow script cannot pile up work that would run long
 * after the state changed; the last job run for an instance tells its
 * final state (keepalived's notify_fifo keeps all, we keep the last). */
struct vrrp_notify_queue {
	struct notify_job *head, *tail; /* head runs when RUN is set */
	size_t n;
	struct hd_child *run;
	unsigned long seq;
	unsigned long dropped;
};

static char *const *sh_argv(char *argv[], const char *cmd)
{
	argv[0] = "/bin/sh", argv[1] = "-c", argv[2] = (char *)cmd, argv[3] = NULL;
	return argv;
}

static uint64_t timeout_of(const struct vrrp_ctx *c, uint64_t own)
{
	if (own)
		return own;
	return c->cfg->global.script_timeout_usec ? c->cfg->global.script_timeout_usec
						  : DEFAULT_SCRIPT_TIMEOUT;
}

/* ---- track_script ---- */

static bool instance_tracks(const struct vrrp_instance *in, size_t script)
{
	for (size_t i = 0; i < in->cfg->n_track_scripts; i++)
		if (in->cfg->track_scripts[i].script == script)
			return true;
	return false;
}

static void script_result(struct vrrp_script_state *st, bool ok)
{
	struct vrrp_ctx *c = st->c;
	int old = st->state;
	size_t idx = (size_t)(st - c->scripts);

	if (ok) {
		st->ok_run++, st->fail_run = 0;
		if (st->state != SCRIPT_OK &&
		    (st->state == SCRIPT_UNKNOWN || st->ok_run >= st->cfg->rise))
			st->state = SCRIPT_OK;
	} else {
		st->fail_run++, st->ok_run = 0;
		if (st->state != SCRIPT_FAILED &&
		    (st->state == SCRIPT_UNKNOWN || st->fail_run >= st->cfg->fall))
			st->state = SCRIPT_FAILED;
	}
	if (st->state == old)
		return;
	hd_notice("vrrp_script %s: %s", st->cfg->name, st->state == SCRIPT_OK ? "ok" : "failed");
	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i] && instance_tracks(c->inst[i], idx))
			vrrp_instance_reevaluate(c->inst[i], st->state == SCRIPT_OK
								 ? "track script ok"
								 : "track script failed");
}

static int script_run(sd_event_source *s, uint64_t usec, void *userdata);

static void script_done(void *ud, const struct hd_child_result *r)
{
	struct vrrp_script_state *st = ud;

	st->run = NULL;
	script_result(st, r->end == HD_CHILD_EXIT && r->value == 0);
	sd_event_source_set_time(st->next, vrrp_usec() + st->cfg->interval_usec);
	sd_event_source_set_enabled(st->next, SD_EVENT_ONESHOT);
}

static int script_run(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct vrrp_script_state *st = userdata;
	struct vrrp_ctx *c = st->c;
	char *argv[4], what[HD_NAME_MAX + 16];
	struct hd_spawn sp = {sh_argv(argv, st->cfg->script), what, true, true, false, false, -1};

	snprintf(what, sizeof(what), "vrrp_script %s", st->cfg->name);
	st->run = hd_child_run(c->d, &sp, timeout_of(c, st->cfg->timeout_usec), HD_PRIO_HC,
			       script_done, st);
	if (!st->run) { /* logged */
		script_result(st, false);
		sd_event_source_set_time(s, vrrp_usec() + st->cfg->interval_usec);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	return 0;
}

int vrrp_track_priority_delta(const struct vrrp_instance *in)
{
	int delta = 0;

	/* keepalived's convention: a positive weight counts while healthy, a
	 * negative one while failed; weight 0 means fault instead. */
	for (size_t i = 0; i < in->cfg->n_track_ifs; i++) {
		int w = in->cfg->track_ifs[i].weight;
		bool up = vrrp_ifname_up(in->cfg->track_ifs[i].name);

		if ((w > 0 && up) || (w < 0 && !up))
			delta += w;
	}
	for (size_t i = 0; i < in->cfg->n_track_scripts; i++) {
		const struct hd_track_script *t = &in->cfg->track_scripts[i];
		int st = t->script < in->ctx->n_scripts ? in->ctx->scripts[t->script].state
							: SCRIPT_UNKNOWN;

		if ((t->weight > 0 && st == SCRIPT_OK) || (t->weight < 0 && st == SCRIPT_FAILED))
			delta += t->weight;
	}
	return delta + vrrp_procmon_delta(in);
}

unsigned vrrp_track_faults(const struct vrrp_instance *in)
{
	unsigned f = 0;

	for (size_t i = 0; i < in->cfg->n_track_ifs; i++)
		if (!in->cfg->track_ifs[i].weight && !vrrp_ifname_up(in->cfg->track_ifs[i].name))
			f |= VRRP_FAULT_TRACK_IF;
	for (size_t i = 0; i < in->cfg->n_track_scripts; i++) {
		const struct hd_track_script *t = &in->cfg->track_scripts[i];

		if (!t->weight && t->script < in->ctx->n_scripts &&
		    in->ctx->scripts[t->script].state == SCRIPT_FAILED)
			f |= VRRP_FAULT_SCRIPT;
	}
	return f | vrrp_procmon_faults(in);
}

void vrrp_track_link_changed(struct vrrp_ctx *c)
{
	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i] && c->inst[i]->cfg->n_track_ifs)
			vrrp_instance_reevaluate(c->inst[i], "tracked interface changed");
}

/* ---- notify scripts: one at a time, in transition order ---- */

static void notify_next(struct vrrp_ctx *c);

static void job_free(struct notify_job *j)
{
	for (int i = 0; j->argv[i]; i++)
		free(j->argv[i]);
	free(j->key);
	free(j);
}

static void job_pop(struct vrrp_notify_queue *q)
{
	struct notify_job *j = q->head;

	q->head = j->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	job_free(j);
}

static void notify_done(void *ud, const struct hd_child_result *r)
{
	struct vrrp_ctx *c = ud;
	struct vrrp_notify_queue *q = c->notify;
	char why[96];

	q->run = NULL;
	if (r->end != HD_CHILD_EXIT || r->value != 0)
		hd_warn("vrrp: notify script %s failed: %s", q->head->argv[2],
			hd_child_result_str(r, why, sizeof(why)));
	job_pop(q);
	notify_next(c);
}

static void notify_next(struct vrrp_ctx *c)
{
	struct vrrp_notify_queue *q = c->notify;

	while (q->head && !q->run) {
		char what[160];
		struct hd_spawn sp = {q->head->argv, what, true, true, false, false, -1};

		snprintf(what, sizeof(what), "vrrp: notify script %.120s", q->head->argv[2]);
		q->run = hd_child_run(c->d, &sp, timeout_of(c, 0), HD_PRIO_HC, notify_done, c);
		if (!q->run) /* logged */
			job_pop(q);
	}
}

/* Drop the waiting jobs (never the running head) that KEY's transition SEQ
 * supersedes, and the oldest waiting ones beyond NOTIFY_MAX_PENDING. */
static void notify_prune(struct vrrp_notify_queue *q, const char *key, unsigned long seq)
{
	struct notify_job **pp = q->head && q->run ? &q->head->next : &q->head;
	size_t waiting = q->n - (q->head && q->run ? 1 : 0);

	q->tail = NULL;
	while (*pp) {
		struct notify_job *j = *pp;
		bool old = key && j->key && j->seq != seq && !strcmp(j->key, key);

		if (old || waiting >= NOTIFY_MAX_PENDING) {
			q->dropped++;
			hd_warn("vrrp: notify for %s: %s%s%s not run (%s)",
				j->key ? j->key : "a sync group", j->argv[2],
				j->argv[4] && j->argv[5] && j->argv[6] ? " " : "",
				j->argv[4] && j->argv[5] && j->argv[6] ? j->argv[6] : "",
				old ? "superseded by a later state" : "too many waiting");
			*pp = j->next;
			q->n--, waiting--;
			job_free(j);
			continue;
		}
		q->tail = j;
		pp = &j->next;
	}
	if (!q->tail && q->head)
		q->tail = q->head;
}

/* KEY: the instance or group whose transition SEQ this job tells. */
static void enqueue(struct vrrp_ctx *c, const char *key, unsigned long seq, const char *script,
		    const char *const args[])
{
	struct notify_job *j = calloc(1, sizeof(*j));
	char *cmd = NULL;
	int n = 0;

	/* extra arguments reach the script as "$@", never through the shell */
	if (args ? asprintf(&cmd, "%s \"$@\"", script) < 0 : !(cmd = strdup(script)))
		cmd = NULL;
	if (!j || !cmd || !c->notify || (key && !(j->key = strdup(key)))) {
		free(j ? j->key : NULL);
		free(j);
		free(cmd);
		return;
	}
	j->seq = seq;
	j->argv[n++] = strdup("/bin/sh");
	j->argv[n++] = strdup("-c");
	j->argv[n++] = cmd;
	j->argv[n++] = strdup("sh");
	for (int i = 0; args && args[i] && n < NOTIFY_ARGV - 1; i++)
		j->argv[n++] = strdup(args[i]);
	notify_prune(c->notify, key, seq);
	if (c->notify->tail)
		c->notify->tail->next = j;
	else
		c->notify->head = j;
	c->notify->tail = j;
	c->notify->n++;
	notify_next(c);
}

void vrrp_notify_enqueue(struct vrrp_ctx *c, const char *script, const char *const args[])
{
	char key[2 * HD_NAME_MAX];
	bool keyed = args && args[0] && args[1];

	/* "GROUP NAME STATE": a group's generic script supersedes its own */
	if (keyed)
		snprintf(key, sizeof(key), "%s %s", args[0], args[1]);
	if (c->notify)
		enqueue(c, keyed ? key : NULL, ++c->notify->seq, script, args);
}

void vrrp_notify(struct vrrp_instance *in, enum vrrp_state old, enum vrrp_state new_state)
{
	const struct hd_vrrp_instance_config *ic = in->cfg;
	const char *state = new_state == VRRP_STATE_INIT ? "STOP" : vrrp_state_str(new_state);
	const char *specific = new_state == VRRP_STATE_MASTER	? ic->notify_master
			       : new_state == VRRP_STATE_BACKUP ? ic->notify_backup
			       : new_state == VRRP_STATE_FAULT	? ic->notify_fault
								: ic->notify_stop;
	char prio[8], key[HD_NAME_MAX + 16];
	unsigned long seq;

	if (!in->ctx->notify)
		return;
	seq = ++in->ctx->notify->seq;
	snprintf(prio, sizeof(prio), "%u", in->fsm.priority);
	snprintf(key, sizeof(key), "INSTANCE %s", ic->name);
	if (specific)
		enqueue(in->ctx, key, seq, specific, NULL);
	if (ic->notify) {
		const char *args[] = {"INSTANCE", ic->name, state, prio, NULL};

		enqueue(in->ctx, key, seq, ic->notify, args);
	}
}

/* ---- start / stop ---- */

int vrrp_track_start(struct vrrp_ctx *c)
{
	sigset_t chld;

	/* sd_event_add_child needs SIGCHLD blocked; children get it back. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	hd_spawn_configure(c->d, c->cfg);
	if (!c->notify && !(c->notify = calloc(1, sizeof(*c->notify))))
		return -ENOMEM;
	c->scripts = calloc(c->cfg->n_scripts + 1, sizeof(*c->scripts));
	if (!c->scripts)
		return -ENOMEM;
	c->n_scripts = c->cfg->n_scripts;
	for (size_t i = 0; i < c->n_scripts; i++) {
		struct vrrp_script_state *st = &c->scripts[i];
		int r;

		st->c = c;
		st->cfg = &c->cfg->scripts[i];
		st->state = SCRIPT_UNKNOWN;
		/* first run now: its result counts at once (no rise/fall wait) */
		r = sd_event_add_time(c->d->event, &st->next, CLOCK_MONOTONIC, 0, 1000, script_run,
				      st);
		if (r < 0)
			return r;
		sd_event_source_set_priority(st->next, HD_PRIO_HC);
	}
	return 0;
}

static bool same_script(const struct hd_vrrp_script_config *a,
			const struct hd_vrrp_script_config *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->script, b->script) &&
	       a->interval_usec == b->interval_usec && a->timeout_usec == b->timeout_usec &&
	       a->rise == b->rise && a->fall == b->fall;
}

/* A run in progress is killed and still reaped (hd_child_abandon): a
 * reload that drops or changes the script leaves no zombie behind. */
static void script_stop(struct vrrp_script_state *st)
{
	hd_child_abandon(st->run);
	st->run = NULL;
	sd_event_source_disable_unref(st->next);
	st->next = NULL;
}

/* Reload: an unchanged vrrp_script keeps its verdict, its schedule and a
 * run in progress (so a reload never changes a priority by itself); new or
 * changed ones start unknown and run at once. */
struct vrrp_track_prep {
	struct vrrp_script_state *ns;
	size_t n;
	size_t *from; /* per new script: index + 1 of the old one it continues, 0: new */
};

void vrrp_track_abort(struct vrrp_track_prep *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->ns && i < p->n; i++)
		sd_event_source_disable_unref(p->ns[i].next); /* never dispatched */
	free(p->ns);
	free(p->from);
	free(p);
}

/* Which old script each new one continues: each old one at most once. */
static void match_old(const struct vrrp_ctx *c, struct vrrp_track_prep *p, bool *taken)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < c->n_scripts; k++) {
			if (taken[k] || !c->scripts[k].cfg ||
			    !same_script(c->scripts[k].cfg, p->ns[i].cfg))
				continue;
			taken[k] = true;
			p->from[i] = k + 1;
			break;
		}
}

int vrrp_track_prepare(struct vrrp_ctx *c, const struct hd_config *newcfg,
		       struct vrrp_track_prep **out)
{
	struct vrrp_track_prep *p = calloc(1, sizeof(*p));
	size_t n = newcfg->n_scripts;
	bool *taken = calloc(c->n_scripts + 1, sizeof(*taken));

	if (!p || !taken || !(p->ns = calloc(n + 1, sizeof(*p->ns))) ||
	    !(p->from = calloc(n + 1, sizeof(*p->from)))) {
		free(taken);
		vrrp_track_abort(p);
		return -ENOMEM;
	}
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		p->ns[i].c = c;
		p->ns[i].cfg = &newcfg->scripts[i];
		p->ns[i].state = SCRIPT_UNKNOWN;
	}
	match_old(c, p, taken);
	free(taken);
	for (size_t i = 0; i < n; i++) {
		struct vrrp_script_state *st = &p->ns[i];

		if (p->from[i])
			continue;
		/* first run now: its result counts at once (no rise/fall wait) */
		if (sd_event_add_time(c->d->event, &st->next, CLOCK_MONOTONIC, 0, 1000, script_run,
				      st) < 0) {
			vrrp_track_abort(p);
			return -ENOMEM;
		}
		sd_event_source_set_priority(st->next, HD_PRIO_HC);
	}
	*out = p;
	return 0;
}

void vrrp_track_commit(struct vrrp_ctx *c, struct vrrp_track_prep *p)
{
	struct vrrp_script_state *old = c->scripts;

	hd_spawn_configure(c->d, c->cfg);
	for (size_t i = 0; i < p->n; i++) {
		struct vrrp_script_state *st = &p->ns[i], *o;

		if (!p->from[i])
			continue;
		o = &old[p->from[i] - 1];
		st->state = o->state, st->ok_run = o->ok_run, st->fail_run = o->fail_run;
		st->next = o->next, st->run = o->run;
		sd_event_source_set_userdata(st->next, st);
		if (st->run)
			hd_child_set_userdata(st->run, st);
		*o = (struct vrrp_script_state){0};
	}
	for (size_t k = 0; k < c->n_scripts; k++)
		script_stop(&old[k]);
	free(old);
	c->scripts = p->ns;
	c->n_scripts = p->n;
	free(p->from);
	free(p);
}

void vrrp_track_stop(struct vrrp_ctx *c)
{
	for (size_t i = 0; i < c->n_scripts; i++)
		script_stop(&c->scripts[i]);
	free(c->scripts);
	c->scripts = NULL;
	c->n_scripts = 0;
	/* the notify queue survives reloads: pending jobs still run in order */
	if (c->stopping && c->notify) {
		/* at exit: the one running finishes (its STOP, say); no more */
		hd_child_release(c->notify->run);
		c->notify->run = NULL;
		while (c->notify->head)
			job_pop(c->notify);
		free(c->notify);
		c->notify = NULL;
	}
}
