/* Big read-only replies (status, metrics) rendered by a forked child.
 *
 * Rendering walks every instance, real server and IPVS entry: ~100 ms and
 * 4 MB of text at 10,000 real servers, far longer than an advert interval
 * can wait. fork() gives a child a copy-on-write image of the daemon as it
 * is at that instant, a consistent snapshot, for the price of copying page
 * tables (about 1 ms per 100 MB). The child writes the text to a memory
 * file (memfd) and exits; the loop then hands that file to the client's
 * owner, who sends it non-blocking as the client reads (sendfile: no copy
 * through the loop). A renderer thus lives as long as the rendering, never
 * as long as a client that does not read, and holds no client socket.
 * The child uses nothing else of the daemon's and leaves with _exit(), so
 * nothing of the parent's runs twice.
 *
 * Each class (control socket, HTTP) has its own renderers and queue: the
 * HTTP clients, anyone who can reach metrics_listen, never delay root's
 * status. At most HD_SNAPSHOT_MAX (HTTP: HD_SNAPSHOT_HTTP_MAX) children
 * run at once, one fork per loop iteration, none while a reload parses in
 * its thread; later requests wait in a queue (bounded: beyond it they are
 * refused as busy), so a client asking in a tight loop cannot fill the
 * process table. Requests for the same text that wait at the same time
 * share one render (each client gets its own descriptor of the file). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "snapshot.h"

#define CHILD_MAX_SEC 60 /* a render that never ends */

static const struct {
	unsigned max, queue;
} limits[HD_RENDER_CLASSES] = {
    [HD_RENDER_CONTROL] = {HD_SNAPSHOT_MAX, HD_SNAPSHOT_QUEUE},
    [HD_RENDER_HTTP] = {HD_SNAPSHOT_HTTP_MAX, HD_SNAPSHOT_HTTP_QUEUE},
};

/* One render: a child once started, and the clients that wait for it. */
struct render_job {
	struct hd_snapshots *all;
	enum hd_render_class cls;
	hd_render_fn render;
	const char *prefix;	     /* written before the text */
	int mem_fd;		     /* the reply, once running */
	sd_event_source *child;	     /* once running */
	struct hd_snapshot *waiters; /* each gets a copy of mem_fd */
	unsigned n_waiters;
	struct render_job *next, *prev; /* in its class's queue or running list */
};

/* A client waiting for a job (the caller's handle). */
struct hd_snapshot {
	struct render_job *job;
	hd_render_done_fn done;
	void *ud;
	struct hd_snapshot *next, *prev; /* in job->waiters */
};

struct job_list {
	struct render_job *head, *tail;
};

struct hd_snapshots {
	struct hd_daemon *d;
	struct job_list queue[HD_RENDER_CLASSES], running[HD_RENDER_CLASSES];
	struct hd_render_stats stats[HD_RENDER_CLASSES];
	sd_event_source *kick; /* the next fork, next iteration */
};

static void list_add(struct job_list *l, struct render_job *j)
{
	j->next = NULL;
	j->prev = l->tail;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static void list_del(struct job_list *l, struct render_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		l->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		l->tail = j->prev;
	j->next = j->prev = NULL;
}

static void waiter_del(struct hd_snapshot *w)
{
	struct render_job *j = w->job;

	if (w->prev)
		w->prev->next = w->next;
	else
		j->waiters = w->next;
	if (w->next)
		w->next->prev = w->prev;
	j->n_waiters--;
}

static void job_free(struct render_job *j)
{
	sd_event_source_unref(j->child);
	if (j->mem_fd >= 0)
		close(j->mem_fd);
	free(j);
}

/* Every waiter gets its own descriptor of the reply (FD -1: none), in
 * turn; a DONE may free its client, never another waiter. */
static void job_answer(struct render_job *j, bool ok, size_t len)
{
	while (j->waiters) {
		struct hd_snapshot *w = j->waiters;
		waiter_del(w);
		int fd = ok ? fcntl(j->mem_fd, F_DUPFD_CLOEXEC, 3) : -1;
		w->done(w->ud, fd, fd < 0 ? 0 : len);
		free(w);
	}
}

static void kick_later(struct hd_snapshots *all)
{
	if (all->kick)
		sd_event_source_set_enabled(all->kick, SD_EVENT_ONESHOT);
}

/* The child's exit says whether the whole reply is in the file. The
 * source goes with the job (unref'd in its own dispatch: sd-event allows
 * it). */
static int on_child(sd_event_source *src, const siginfo_t *si, void *userdata)
{
	struct render_job *j = userdata;
	struct hd_snapshots *all = j->all;
	struct hd_render_stats *st = &all->stats[j->cls];
	struct stat sb;
	bool ok = si->si_code == CLD_EXITED && si->si_status == 0 && fstat(j->mem_fd, &sb) == 0;

	list_del(&all->running[j->cls], j);
	st->running--;
	if (ok)
		st->rendered++;
	else
		st->failed++;
	job_answer(j, ok, ok ? (size_t)sb.st_size : 0);
	job_free(j);
	kick_later(all);
	return 0;
}

/* The child keeps only FD (as 3) and stdio: a copy of a client's socket
 * held here would keep that connection open after the daemon closed it. */
static int child_fds(int fd)
{
	if (fd != 3 && dup2(fd, 3) < 0)
		return fd;
	if (close_range(4, ~0U, 0) < 0) {
		DIR *dir = opendir("/proc/self/fd");
		struct dirent *e;
		int keep = dir ? dirfd(dir) : -1;
		while (dir && (e = readdir(dir))) {
			int n = atoi(e->d_name);
			if (n > 3 && n != keep)
				close(n);
		}
		if (dir)
			closedir(dir);
	}
	return 3;
}

/* In the child: a copy of the daemon that only renders and leaves. */
static void child_render(struct render_job *j)
{
	struct sched_param sp = {0};
	sigset_t none;
	int fd = child_fds(j->mem_fd);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* a stop of the service ends it too */
	/* Never at the loop's rt_priority, and below it: on a busy machine the
	 * loop, not the renderers, gets the CPU first. */
	sched_setscheduler(0, SCHED_OTHER, &sp);
	setpriority(PRIO_PROCESS, 0, 19);
	alarm(CHILD_MAX_SEC);
	FILE *out = fdopen(fd, "w");
	if (!out)
		_exit(1);
	fputs(j->prefix, out);
	j->render(j->all->d, out);
	_exit(fflush(out) == 0 && !ferror(out) ? 0 : 1);
}

/* Fork the child for J. Requests we cannot fork for are answered with
 * FD -1 (their clients then get an error). */
static void spawn(struct render_job *j)
{
	struct hd_snapshots *all = j->all;

	j->mem_fd = memfd_create("hadirector-render", MFD_CLOEXEC);
	pid_t pid = j->mem_fd < 0 ? -1 : hd_fork(all->d);
	if (pid == 0)
		child_render(j);
	if (pid < 0 ||
	    sd_event_add_child(all->d->event, &j->child, pid, WEXITED, on_child, j) < 0) {
		hd_warn("status: cannot start a renderer: %s",
			pid < 0 ? strerror(errno) : "cannot watch it");
		all->stats[j->cls].failed++;
		job_answer(j, false, 0);
		job_free(j);
		return;
	}
	list_add(&all->running[j->cls], j);
	all->stats[j->cls].running++;
}

/* One fork per iteration: each costs the page tables of the whole daemon,
 * and VRRP work in between must not wait for a burst of them. Control
 * requests go first. */
static void start_queued(struct hd_snapshots *all)
{
	/* Not while a reload parses in its thread: a child forked then would
	 * hold a half-built parse that no thread owns (a leak to valgrind);
	 * the reload kicks the queue when it is done. */
	if (hd_reload_busy(all->d))
		return;
	for (int cls = 0; cls < HD_RENDER_CLASSES; cls++) {
		struct render_job *j = all->queue[cls].head;
		if (!j || all->stats[cls].running >= limits[cls].max)
			continue;
		list_del(&all->queue[cls], j);
		all->stats[cls].queued -= j->n_waiters;
		spawn(j);
		kick_later(all); /* perhaps more; the next iteration sees */
		return;
	}
}

static int on_kick(sd_event_source *src, void *userdata)
{
	start_queued(userdata);
	return 0;
}

static struct hd_snapshots *snapshots_get(struct hd_daemon *d)
{
	if (d->snapshots)
		return d->snapshots;
	struct hd_snapshots *all = calloc(1, sizeof(*all));
	if (!all)
		return NULL;
	all->d = d;
	if (sd_event_add_defer(d->event, &all->kick, on_kick, all) < 0) {
		free(all);
		return NULL;
	}
	sd_event_source_set_priority(all->kick, HD_PRIO_CONTROL);
	sd_event_source_set_enabled(all->kick, SD_EVENT_OFF);
	d->snapshots = all;
	return all;
}

/* A render not started yet serves every request for the same text that
 * comes meanwhile: the snapshot is still taken after each of them, and a
 * burst of requests costs one fork and one reply's memory, not one each. */
static struct render_job *job_for(struct hd_snapshots *all, enum hd_render_class cls,
				  hd_render_fn render, const char *prefix)
{
	for (struct render_job *j = all->queue[cls].head; j; j = j->next)
		if (j->render == render && j->prefix == prefix)
			return j;
	struct render_job *j = malloc(sizeof(*j));
	if (!j)
		return NULL;
	*j = (struct render_job){
	    .all = all, .cls = cls, .render = render, .prefix = prefix, .mem_fd = -1};
	list_add(&all->queue[cls], j);
	return j;
}

int hd_snapshot_start(struct hd_daemon *d, enum hd_render_class cls, hd_render_fn render,
		      const char *prefix, hd_render_done_fn done, void *ud,
		      struct hd_snapshot **handle)
{
	struct hd_snapshots *all = snapshots_get(d);
	if (!all)
		return -ENOMEM;
	if (all->stats[cls].queued >= limits[cls].queue)
		return -EBUSY;
	struct hd_snapshot *w = malloc(sizeof(*w));
	struct render_job *j = w ? job_for(all, cls, render, prefix) : NULL;
	if (!j) {
		free(w);
		return -ENOMEM;
	}
	*w = (struct hd_snapshot){.job = j, .done = done, .ud = ud, .next = j->waiters};
	if (j->waiters)
		j->waiters->prev = w;
	j->waiters = w;
	j->n_waiters++;
	all->stats[cls].queued++;
	kick_later(all); /* so DONE never runs before we return */
	*handle = w;
	return 0;
}

/* A running job finishes without waiters: its file is dropped. */
void hd_snapshot_cancel(struct hd_snapshot *w)
{
	struct render_job *j = w->job;
	struct hd_snapshots *all = j->all;

	waiter_del(w);
	free(w);
	if (j->child)
		return;
	all->stats[j->cls].queued--;
	if (!j->waiters) {
		list_del(&all->queue[j->cls], j);
		job_free(j);
	}
}

struct hd_render_stats *hd_snapshot_stats(struct hd_daemon *d, enum hd_render_class cls)
{
	struct hd_snapshots *all = snapshots_get(d);
	return all ? &all->stats[cls] : NULL;
}

void hd_snapshot_metrics(struct hd_daemon *d, FILE *out)
{
	static const char *const names[HD_RENDER_CLASSES] = {"control", "http"};
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} fam[] = {
	    {"hadirector_renders_running", "gauge", "Renderer children running (status, metrics).",
	     offsetof(struct hd_render_stats, running)},
	    {"hadirector_renders_queued", "gauge", "Requests waiting for a renderer.",
	     offsetof(struct hd_render_stats, queued)},
	    {"hadirector_renders_total", "counter",
	     "Renders that wrote their reply (one may answer several requests).",
	     offsetof(struct hd_render_stats, rendered)},
	    {"hadirector_renders_failed_total", "counter",
	     "Renders that gave no reply (fork failed, killed, out of memory).",
	     offsetof(struct hd_render_stats, failed)},
	    {"hadirector_render_busy_total", "counter", "Requests refused: the queue was full.",
	     offsetof(struct hd_render_stats, busy)},
	    {"hadirector_clients_refused_total", "counter",
	     "Connections closed at once: the connection cap was reached.",
	     offsetof(struct hd_render_stats, refused)},
	    {"hadirector_clients_timeouts_total", "counter",
	     "Connections closed at their deadline (not read, not answered, or not closed).",
	     offsetof(struct hd_render_stats, timeouts)},
	};
	struct hd_snapshots *all = d->snapshots;

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		hd_metric_family(out, fam[f].name, fam[f].type, fam[f].help);
		for (int cls = 0; cls < HD_RENDER_CLASSES; cls++) {
			const char *st = all ? (const char *)&all->stats[cls] : NULL;
			double v = st ? (double)*(const unsigned long *)(st + fam[f].off) : 0;
			hd_metric_sample(out, fam[f].name,
					 (const char *[]){"class", names[cls], NULL}, v);
		}
	}
}

void hd_snapshot_kick(struct hd_daemon *d)
{
	if (d->snapshots)
		kick_later(d->snapshots);
}

static void drop_list(struct job_list *l)
{
	while (l->head) {
		struct render_job *j = l->head;
		list_del(l, j);
		job_answer(j, false, 0);
		job_free(j);
	}
}

void hd_snapshot_free_all(struct hd_daemon *d)
{
	struct hd_snapshots *all = d->snapshots;

	if (!all)
		return;
	for (int cls = 0; cls < HD_RENDER_CLASSES; cls++) {
		drop_list(&all->queue[cls]);
		drop_list(&all->running[cls]); /* left unreaped: we exit */
	}
	sd_event_source_disable_unref(all->kick);
	free(all);
	d->snapshots = NULL;
}
