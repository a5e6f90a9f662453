/* Trackers (track_interface, track_script) and notify scripts.
 * Scripts run via fork/exec as script_user, watched with sd_event_add_child
 * and a timeout: nothing here ever blocks the loop. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vrrp_int.h"

#define DEFAULT_SCRIPT_TIMEOUT (10 * 1000000ULL)

enum { SCRIPT_UNKNOWN = -1, SCRIPT_FAILED = 0, SCRIPT_OK = 1 };

struct vrrp_script_state {
	struct vrrp_ctx *c;
	const struct hd_vrrp_script_config *cfg;
	sd_event_source *next, *child, *timeout;
	pid_t pid;
	unsigned ok_run, fail_run;
	int state;
};

#define NOTIFY_ARGV 10
struct notify_job {
	char *argv[NOTIFY_ARGV]; /* for /bin/sh, NULL-terminated, owned */
	struct notify_job *next;
};

struct vrrp_notify_queue {
	struct notify_job *head, *tail;
	sd_event_source *child, *timeout;
	pid_t pid;
};

/* fork + exec /bin/sh as script_user, with a clean signal mask. */
static pid_t spawn(struct vrrp_ctx *c, char *const argv[])
{
	pid_t pid = hd_fork(c->d);
	sigset_t all;

	if (pid != 0)
		return pid;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setpgid(0, 0); /* its own process group: a timeout kills what it started too */
	if (c->script_uid != getuid() &&
	    (setgroups(0, NULL) < 0 || setgid(c->script_gid) < 0 || setuid(c->script_uid) < 0))
		_exit(126);
	execv("/bin/sh", argv);
	_exit(127);
}

static uint64_t timeout_of(const struct vrrp_ctx *c, uint64_t own)
{
	if (own)
		return own;
	return c->cfg->global.script_timeout_usec ? c->cfg->global.script_timeout_usec
						  : DEFAULT_SCRIPT_TIMEOUT;
}

static int kill_on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	pid_t *pid = userdata;

	if (*pid > 0) {
		hd_warn("vrrp: script (pid %d) timed out: killing its process group", (int)*pid);
		kill(-*pid, SIGKILL); /* the child handler then sees the failure */
		kill(*pid, SIGKILL);
	}
	return 0;
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

static int script_done(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct vrrp_script_state *st = userdata;

	st->pid = 0;
	sd_event_source_disable_unref(st->timeout);
	sd_event_source_disable_unref(st->child);
	st->timeout = st->child = NULL;
	script_result(st, si->si_code == CLD_EXITED && si->si_status == 0);
	sd_event_source_set_time(st->next, vrrp_usec() + st->cfg->interval_usec);
	sd_event_source_set_enabled(st->next, SD_EVENT_ONESHOT);
	return 0;
}

static int script_run(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct vrrp_script_state *st = userdata;
	struct vrrp_ctx *c = st->c;
	char *argv[] = {"sh", "-c", st->cfg->script, NULL};
	sd_event *e = c->d->event;

	st->pid = spawn(c, argv);
	if (st->pid < 0 ||
	    sd_event_add_child(e, &st->child, st->pid, WEXITED, script_done, st) < 0) {
		hd_err("vrrp_script %s: cannot run: %s", st->cfg->name, strerror(errno));
		st->pid = 0;
		script_result(st, false);
		sd_event_source_set_time(s, vrrp_usec() + st->cfg->interval_usec);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
		return 0;
	}
	sd_event_add_time_relative(e, &st->timeout, CLOCK_MONOTONIC,
				   timeout_of(c, st->cfg->timeout_usec), 1000, kill_on_timeout,
				   &st->pid);
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
	return delta;
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
	return f;
}

void vrrp_track_link_changed(struct vrrp_ctx *c)
{
	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i] && c->inst[i]->cfg->n_track_ifs)
			vrrp_instance_reevaluate(c->inst[i], "tracked interface changed");
}

/* ---- notify scripts: one at a time, in transition order ---- */

static void notify_next(struct vrrp_ctx *c);

static void job_pop(struct vrrp_notify_queue *q)
{
	struct notify_job *j = q->head;

	q->head = j->next;
	if (!q->head)
		q->tail = NULL;
	for (int i = 0; j->argv[i]; i++)
		free(j->argv[i]);
	free(j);
}

static int notify_done(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct vrrp_ctx *c = userdata;
	struct vrrp_notify_queue *q = c->notify;

	if (si->si_code != CLD_EXITED || si->si_status != 0)
		hd_warn("vrrp: notify script %s failed (status %d)", q->head->argv[2],
			si->si_status);
	sd_event_source_disable_unref(q->child);
	sd_event_source_disable_unref(q->timeout);
	q->child = q->timeout = NULL;
	q->pid = 0;
	job_pop(q);
	notify_next(c);
	return 0;
}

static void notify_next(struct vrrp_ctx *c)
{
	struct vrrp_notify_queue *q = c->notify;

	while (q->head && !q->pid) {
		q->pid = spawn(c, q->head->argv);
		if (q->pid > 0 && sd_event_add_child(c->d->event, &q->child, q->pid, WEXITED,
						     notify_done, c) >= 0) {
			sd_event_add_time_relative(c->d->event, &q->timeout, CLOCK_MONOTONIC,
						   timeout_of(c, 0), 1000, kill_on_timeout,
						   &q->pid);
			return;
		}
		hd_err("vrrp: cannot run notify script %s", q->head->argv[2]);
		q->pid = 0;
		job_pop(q);
	}
}

void vrrp_notify_enqueue(struct vrrp_ctx *c, const char *script, const char *const args[])
{
	struct notify_job *j = calloc(1, sizeof(*j));
	char *cmd = NULL;
	int n = 0;

	/* extra arguments reach the script as "$@", never through the shell */
	if (args ? asprintf(&cmd, "%s \"$@\"", script) < 0 : !(cmd = strdup(script)))
		cmd = NULL;
	if (!j || !cmd || !c->notify) {
		free(j);
		free(cmd);
		return;
	}
	j->argv[n++] = strdup("sh");
	j->argv[n++] = strdup("-c");
	j->argv[n++] = cmd;
	j->argv[n++] = strdup("sh");
	for (int i = 0; args && args[i] && n < NOTIFY_ARGV - 1; i++)
		j->argv[n++] = strdup(args[i]);
	if (c->notify->tail)
		c->notify->tail->next = j;
	else
		c->notify->head = j;
	c->notify->tail = j;
	notify_next(c);
}

void vrrp_notify(struct vrrp_instance *in, enum vrrp_state old, enum vrrp_state new_state)
{
	const struct hd_vrrp_instance_config *ic = in->cfg;
	const char *state = new_state == VRRP_STATE_INIT ? "STOP" : vrrp_state_str(new_state);
	const char *specific = new_state == VRRP_STATE_MASTER	? ic->notify_master
			       : new_state == VRRP_STATE_BACKUP ? ic->notify_backup
			       : new_state == VRRP_STATE_FAULT	? ic->notify_fault
								: ic->notify_stop;
	char prio[8];

	snprintf(prio, sizeof(prio), "%u", in->fsm.priority);
	if (specific)
		vrrp_notify_enqueue(in->ctx, specific, NULL);
	if (ic->notify) {
		const char *args[] = {"INSTANCE", ic->name, state, prio, NULL};

		vrrp_notify_enqueue(in->ctx, ic->notify, args);
	}
}

/* ---- start / stop ---- */

static void resolve_user(struct vrrp_ctx *c)
{
	const char *user = c->cfg->global.script_user;
	struct passwd *pw = user[0] ? getpwnam(user) : NULL;

	c->script_uid = getuid();
	c->script_gid = getgid();
	if (pw) {
		c->script_uid = pw->pw_uid;
		c->script_gid = pw->pw_gid;
	} else if (user[0]) {
		hd_err("vrrp: script_user %s does not exist: scripts run as nobody", user);
		c->script_uid = c->script_gid = 65534;
	}
}

int vrrp_track_start(struct vrrp_ctx *c)
{
	sigset_t chld;

	/* sd_event_add_child needs SIGCHLD blocked; children get it back. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	resolve_user(c);
	if (!c->notify && !(c->notify = calloc(1, sizeof(*c->notify))))
		return -1;
	c->n_scripts = c->cfg->n_scripts;
	c->scripts = c->n_scripts ? calloc(c->n_scripts, sizeof(*c->scripts)) : NULL;
	if (c->n_scripts && !c->scripts)
		return -1;
	for (size_t i = 0; i < c->n_scripts; i++) {
		struct vrrp_script_state *st = &c->scripts[i];

		st->c = c;
		st->cfg = &c->cfg->scripts[i];
		st->state = SCRIPT_UNKNOWN;
		/* first run now: its result counts at once (no rise/fall wait) */
		if (sd_event_add_time(c->d->event, &st->next, CLOCK_MONOTONIC, 0, 1000, script_run,
				      st) < 0)
			return -1;
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

static void script_stop(struct vrrp_script_state *st)
{
	if (st->pid > 0) {
		kill(-st->pid, SIGKILL);
		kill(st->pid, SIGKILL);
	}
	sd_event_source_disable_unref(st->next);
	sd_event_source_disable_unref(st->child);
	sd_event_source_disable_unref(st->timeout);
	st->next = st->child = st->timeout = NULL;
	st->pid = 0;
}

/* Reload: an unchanged vrrp_script keeps its verdict, its schedule and a
 * run in progress (so a reload never changes a priority by itself); new or
 * changed ones start unknown and run at once. Call with c->cfg = NEWCFG. */
int vrrp_track_reload(struct vrrp_ctx *c)
{
	struct vrrp_script_state *old = c->scripts, *ns;
	size_t n_old = c->n_scripts, n = c->cfg->n_scripts;

	resolve_user(c);
	ns = calloc(n ? n : 1, sizeof(*ns));
	if (!ns)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct vrrp_script_state *st = &ns[i];

		st->c = c;
		st->cfg = &c->cfg->scripts[i];
		st->state = SCRIPT_UNKNOWN;
		for (size_t k = 0; k < n_old; k++) {
			struct vrrp_script_state *o = &old[k];

			if (!o->cfg || !same_script(o->cfg, st->cfg))
				continue;
			st->state = o->state, st->ok_run = o->ok_run, st->fail_run = o->fail_run;
			st->pid = o->pid, st->next = o->next, st->child = o->child;
			st->timeout = o->timeout;
			sd_event_source_set_userdata(st->next, st);
			if (st->child)
				sd_event_source_set_userdata(st->child, st);
			if (st->timeout)
				sd_event_source_set_userdata(st->timeout, &st->pid);
			*o = (struct vrrp_script_state){0};
			break;
		}
		if (!st->next && (sd_event_add_time(c->d->event, &st->next, CLOCK_MONOTONIC, 0,
						    1000, script_run, st) < 0 ||
				  sd_event_source_set_priority(st->next, HD_PRIO_HC) < 0))
			hd_err("vrrp_script %s: cannot schedule", st->cfg->name);
	}
	for (size_t k = 0; k < n_old; k++)
		script_stop(&old[k]);
	free(old);
	c->scripts = ns;
	c->n_scripts = n;
	return 0;
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
		sd_event_source_disable_unref(c->notify->child);
		sd_event_source_disable_unref(c->notify->timeout);
		while (c->notify->head)
			job_pop(c->notify);
		free(c->notify);
		c->notify = NULL;
	}
}
