/* vrrp_track_process: one timer scans /proc for every tracked process at
 * once (why a scan and not the proc connector: vrrp_proc.h). The verdicts
 * feed an instance's priority and faults as vrrp_scripts' do. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vrrp_int.h"
#include "vrrp_proc.h"
#include "vrrp_proc_cmd.h"

struct vrrp_procmon {
	struct vrrp_ctx *c;
	struct vrrp_proc_verdict *v; /* per hd_config.processes entry */
	size_t n;
	sd_event_source *timer;
};

struct vrrp_procmon_prep {
	struct vrrp_proc_verdict *v;
	size_t n;
	struct vrrp_procmon *fresh; /* when the daemon started without one */
};

/* Read up to LEN-1 bytes of PATH (relative to DIRFD), NUL-terminated: the
 * length, or -errno. */
static ssize_t read_small(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno; /* before close() may change it */
	close(fd);
	if (n < 0)
		return n;
	buf[n] = 0;
	return n;
}

/* /proc/PID/cmdline (relative to DIRFD) into CL (VRRP_PROC_CMDLINE_MAX + 1
 * bytes): its length, CL NUL-terminated, *TRUNC when the file went on; 0
 * when unreadable (gone, or a kernel thread's empty one). */
static size_t read_cmdline(int dirfd, const char *pid, char *cl, bool *trunc)
{
	char path[300], more;
	size_t len = 0;
	ssize_t n = 1;
	int fd;

	*trunc = false;
	snprintf(path, sizeof(path), "%s/cmdline", pid);
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) < 0) {
		cl[0] = 0;
		return 0;
	}
	/* the kernel may return a long one in pieces */
	while (len < VRRP_PROC_CMDLINE_MAX &&
	       (n = read(fd, cl + len, VRRP_PROC_CMDLINE_MAX - len)) > 0)
		len += (size_t)n;
	if (len == VRRP_PROC_CMDLINE_MAX && read(fd, &more, 1) == 1)
		*trunc = true;
	close(fd);
	if (n < 0)
		len = 0;
	cl[len] = 0;
	return len;
}

/* COUNTS[i]: live (not zombie) processes that count as processes[i]. The
 * command line is read only for a process some entry needs it for
 * (vrrp_proc_wants_cmdline): it is in the process's memory, which may be
 * swapped out. CL: a buffer of VRRP_PROC_CMDLINE_MAX + 1 bytes. */
static void scan(const struct hd_config *cfg, const char *root, unsigned *counts, char *cl)
{
	DIR *d = opendir(root);
	struct dirent *e;

	if (!d) {
		hd_warn("vrrp_track_process: %s: %s", root, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		char path[300], buf[512], comm[VRRP_PROC_COMM_MAX], state;
		size_t len = 0;
		bool have_cl = false, trunc = false;
		ssize_t n;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/stat", e->d_name);
		n = read_small(dirfd(d), path, buf, sizeof(buf));
		if (n <= 0 || vrrp_proc_parse_stat(buf, (size_t)n, comm, &state) < 0)
			continue; /* gone meanwhile */
		if (state == 'Z' || state == 'X')
			continue; /* exited, not yet reaped: not running */
		for (size_t i = 0; i < cfg->n_processes; i++) {
			const struct hd_vrrp_process_config *p = &cfg->processes[i];

			if (!have_cl && vrrp_proc_wants_cmdline(p, comm)) {
				len = read_cmdline(dirfd(d), e->d_name, cl, &trunc);
				have_cl = true;
			}
			if (vrrp_proc_cmd_match(p, comm, have_cl ? cl : "", have_cl ? len : 0,
						have_cl && trunc))
				counts[i]++;
		}
	}
	closedir(d);
}

static bool instance_tracks(const struct vrrp_instance *in, size_t proc)
{
	for (size_t i = 0; i < in->cfg->n_track_procs; i++)
		if (in->cfg->track_procs[i].process == proc)
			return true;
	return false;
}

static uint64_t shortest_interval(const struct hd_config *cfg)
{
	uint64_t iv = 0;

	for (size_t i = 0; i < cfg->n_processes; i++)
		if (!iv || cfg->processes[i].interval_usec < iv)
			iv = cfg->processes[i].interval_usec;
	return iv;
}

/* Scan, step every verdict, tell the instances of those that changed, and
 * set the timer: the next scan, or a pending delay that ends sooner. */
static void procmon_run(struct vrrp_procmon *m, bool tell)
{
	const struct hd_config *cfg = m->c->cfg;
	uint64_t now = vrrp_usec(), iv = shortest_interval(cfg), next;
	unsigned *counts;
	char *cl;

	if (!iv) { /* nothing to track */
		sd_event_source_set_enabled(m->timer, SD_EVENT_OFF);
		return;
	}
	counts = calloc(cfg->n_processes + 1, sizeof(*counts));
	cl = malloc(VRRP_PROC_CMDLINE_MAX + 1);
	if (counts && cl) {
		scan(cfg, "/proc", counts, cl);
	} else { /* no verdict changes on a failed allocation: the next scan decides */
		free(counts);
		counts = NULL;
		m->n = 0;
	}
	free(cl);
	next = now + iv;
	for (size_t i = 0; i < m->n; i++) {
		const struct hd_vrrp_process_config *p = &cfg->processes[i];
		bool up;

		if (!vrrp_proc_step(p, &m->v[i], counts[i], now)) {
			if (m->v[i].due && m->v[i].due < next)
				next = m->v[i].due;
			continue;
		}
		up = m->v[i].state == VRRP_PROC_UP;
		hd_notice("vrrp_track_process %s: %s (%u running)", p->name, up ? "up" : "down",
			  counts[i]);
		for (size_t k = 0; tell && k < m->c->n_inst; k++)
			if (m->c->inst[k] && instance_tracks(m->c->inst[k], i))
				vrrp_instance_reevaluate(m->c->inst[k], up ? "track process up"
									   : "track process down");
	}
	if (!counts)
		m->n = cfg->n_processes;
	free(counts);
	sd_event_source_set_time(m->timer, next);
	sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	procmon_run(userdata, true);
	return 0;
}

static struct vrrp_proc_verdict *verdicts_new(size_t n)
{
	struct vrrp_proc_verdict *v = calloc(n + 1, sizeof(*v));

	for (size_t i = 0; v && i < n; i++)
		v[i].state = VRRP_PROC_UNKNOWN;
	return v;
}

/* A monitor with its timer, not yet attached to C (no side effect). */
static struct vrrp_procmon *procmon_new(struct vrrp_ctx *c, size_t n)
{
	struct vrrp_procmon *m = calloc(1, sizeof(*m));

	if (!m || !(m->v = verdicts_new(n)) ||
	    sd_event_add_time(c->d->event, &m->timer, CLOCK_MONOTONIC, 0, 1000, on_timer, m) < 0) {
		if (m)
			free(m->v);
		free(m);
		return NULL;
	}
	sd_event_source_set_enabled(m->timer, SD_EVENT_OFF);
	sd_event_source_set_priority(m->timer, HD_PRIO_HC);
	m->c = c;
	m->n = n;
	return m;
}

int vrrp_procmon_start(struct vrrp_ctx *c)
{
	struct vrrp_procmon *m = procmon_new(c, c->cfg->n_processes);

	if (!m)
		return -ENOMEM;
	c->procmon = m;
	/* before the instances start: one tracking a process that is not
	 * running starts in fault, never as master first */
	procmon_run(m, false);
	return 0;
}

void vrrp_procmon_stop(struct vrrp_ctx *c)
{
	struct vrrp_procmon *m = c->procmon;

	if (!m)
		return;
	sd_event_source_disable_unref(m->timer);
	free(m->v);
	free(m);
	c->procmon = NULL;
}

static bool same_process(const struct hd_vrrp_process_config *a,
			 const struct hd_vrrp_process_config *b)
{
	return !strcmp(a->name, b->name) && a->process && b->process &&
	       !strcmp(a->process, b->process) && a->quorum == b->quorum &&
	       a->quorum_max == b->quorum_max && a->full_command == b->full_command &&
	       a->param_match == b->param_match && a->params_len == b->params_len &&
	       (!a->params_len || !memcmp(a->params, b->params, a->params_len));
}

int vrrp_procmon_prepare(struct vrrp_ctx *c, const struct hd_config *newcfg,
			 struct vrrp_procmon_prep **out)
{
	struct vrrp_procmon_prep *p = calloc(1, sizeof(*p));

	if (!p || !(p->v = verdicts_new(newcfg->n_processes))) {
		free(p);
		return -ENOMEM;
	}
	p->n = newcfg->n_processes;
	/* a daemon started with no VRRP instance has no monitor: a reload
	 * that adds instances gets one here, where failing is allowed */
	if (!c->procmon && !(p->fresh = procmon_new(c, 0))) {
		vrrp_procmon_abort(p);
		return -ENOMEM;
	}
	/* an unchanged one keeps its verdict (a reload alone changes no
	 * priority); a pending delay starts again */
	for (size_t i = 0; c->procmon && i < p->n; i++)
		for (size_t k = 0; k < c->procmon->n; k++)
			if (same_process(&c->cfg->processes[k], &newcfg->processes[i])) {
				p->v[i].state = c->procmon->v[k].state;
				p->v[i].count = c->procmon->v[k].count;
				break;
			}
	*out = p;
	return 0;
}

void vrrp_procmon_abort(struct vrrp_procmon_prep *p)
{
	if (!p)
		return;
	if (p->fresh) {
		sd_event_source_disable_unref(p->fresh->timer);
		free(p->fresh->v);
		free(p->fresh);
	}
	free(p->v);
	free(p);
}

/* C->cfg is the new configuration already; the scan decides the new ones
 * before vrrp_commit() re-evaluates the instances. */
void vrrp_procmon_commit(struct vrrp_ctx *c, struct vrrp_procmon_prep *p)
{
	struct vrrp_procmon *m = c->procmon ? c->procmon : p->fresh;

	c->procmon = m;
	free(m->v);
	m->v = p->v;
	m->n = p->n;
	free(p);
	procmon_run(m, false);
}

static enum vrrp_proc_state verdict(const struct vrrp_instance *in, size_t proc)
{
	const struct vrrp_procmon *m = in->ctx->procmon;

	return m && proc < m->n ? m->v[proc].state : VRRP_PROC_UNKNOWN;
}

int vrrp_procmon_delta(const struct vrrp_instance *in)
{
	int delta = 0;

	/* as scripts: a positive weight counts while up, a negative one while
	 * down; reverse turns the sign (vrrp_proc_cmd.h) */
	for (size_t i = 0; i < in->cfg->n_track_procs; i++) {
		const struct hd_track_process *t = &in->cfg->track_procs[i];

		delta += vrrp_proc_weight_delta(t->weight, t->reverse, verdict(in, t->process));
	}
	return delta;
}

unsigned vrrp_procmon_faults(const struct vrrp_instance *in)
{
	for (size_t i = 0; i < in->cfg->n_track_procs; i++) {
		const struct hd_track_process *t = &in->cfg->track_procs[i];

		if (vrrp_proc_is_fault(t->weight, t->reverse, verdict(in, t->process)))
			return VRRP_FAULT_PROCESS;
	}
	return 0;
}
