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
 * process table. */
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

struct hd_snapshot {
	struct hd_snapshots *all;
	enum hd_render_class cls;
	hd_render_fn render;
	const char *prefix; /* written before the text */
	hd_render_done_fn done;
	void *ud;
	int mem_fd;			 /* the reply, once running */
	sd_event_source *child;		 /* once running */
	struct hd_snapshot *next, *prev; /* in its class's queue or running list */
};

struct render_list {
	struct hd_snapshot *head, *tail;
};

struct hd_snapshots {
	struct hd_daemon *d;
	struct render_list queue[HD_RENDER_CLASSES], running[HD_RENDER_CLASSES];
	struct hd_render_stats stats[HD_RENDER_CLASSES];
	sd_event_source *kick; /* the next fork, next iteration */
};

static void list_add(struct render_list *l, struct hd_snapshot *s)
{
	s->next = NULL;
	s->prev = l->tail;
	if (l->tail)
		l->tail->next = s;
	else
		l->head = s;
	l->tail = s;
}

static void list_del(struct render_list *l, struct hd_snapshot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		l->tail = s->prev;
	s->next = s->prev = NULL;
}

static void snapshot_free(struct hd_snapshot *s)
{
	sd_event_source_unref(s->child);
	if (s->mem_fd >= 0)
		close(s->mem_fd);
	free(s);
}

static void kick_later(struct hd_snapshots *all)
{
	if (all->kick)
		sd_event_source_set_enabled(all->kick, SD_EVENT_ONESHOT);
}

/* The child's exit says whether the whole reply is in the file. The
 * source goes with S (unref'd in its own dispatch: sd-event allows it). */
static int on_child(sd_event_source *src, const siginfo_t *si, void *userdata)
{
	struct hd_snapshot *s = userdata;
	struct hd_snapshots *all = s->all;
	struct hd_render_stats *st = &all->stats[s->cls];
	struct stat sb;
	bool ok = si->si_code == CLD_EXITED && si->si_status == 0 && fstat(s->mem_fd, &sb) == 0;

	list_del(&all->running[s->cls], s);
	st->running--;
	if (ok)
		st->rendered++;
	else
		st->failed++;
	if (s->done) {
		int fd = ok ? s->mem_fd : -1;
		if (ok)
			s->mem_fd = -1; /* the client's now */
		s->done(s->ud, fd, ok ? (size_t)sb.st_size : 0);
	}
	snapshot_free(s);
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
static void child_render(struct hd_snapshot *s)
{
	struct sched_param sp = {0};
	struct hd_daemon *d = s->all->d;
	hd_render_fn render = s->render;
	const char *prefix = s->prefix;
	sigset_t none;
	int fd = child_fds(s->mem_fd);

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
	fputs(prefix, out);
	render(d, out);
	_exit(fflush(out) == 0 && !ferror(out) ? 0 : 1);
}

/* Fork the child for S. A request we cannot fork for is answered with
 * FD -1 (the client then gets an error). */
static void spawn(struct hd_snapshot *s)
{
	struct hd_snapshots *all = s->all;

	s->mem_fd = memfd_create("hadirector-render", MFD_CLOEXEC);
	pid_t pid = s->mem_fd < 0 ? -1 : hd_fork(all->d);
	if (pid == 0)
		child_render(s);
	if (pid < 0 ||
	    sd_event_add_child(all->d->event, &s->child, pid, WEXITED, on_child, s) < 0) {
		hd_warn("status: cannot start a renderer: %s",
			pid < 0 ? strerror(errno) : "cannot watch it");
		all->stats[s->cls].failed++;
		if (s->done)
			s->done(s->ud, -1, 0);
		snapshot_free(s);
		return;
	}
	list_add(&all->running[s->cls], s);
	all->stats[s->cls].running++;
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
		struct hd_snapshot *s = all->queue[cls].head;
		if (!s || all->stats[cls].running >= limits[cls].max)
			continue;
		list_del(&all->queue[cls], s);
		all->stats[cls].queued--;
		spawn(s);
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

int hd_snapshot_start(struct hd_daemon *d, enum hd_render_class cls, hd_render_fn render,
		      const char *prefix, hd_render_done_fn done, void *ud,
		      struct hd_snapshot **handle)
{
	struct hd_snapshots *all = snapshots_get(d);
	if (!all)
		return -ENOMEM;
	if (all->stats[cls].queued >= limits[cls].queue)
		return -EBUSY;
	struct hd_snapshot *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct hd_snapshot){.all = all,
				  .cls = cls,
				  .render = render,
				  .prefix = prefix,
				  .done = done,
				  .ud = ud,
				  .mem_fd = -1};
	list_add(&all->queue[cls], s);
	all->stats[cls].queued++;
	kick_later(all); /* so DONE never runs before we return */
	*handle = s;
	return 0;
}

void hd_snapshot_cancel(struct hd_snapshot *s)
{
	struct hd_snapshots *all = s->all;

	if (s->child) { /* running: it finishes, its file is dropped */
		s->done = NULL;
		return;
	}
	list_del(&all->queue[s->cls], s);
	all->stats[s->cls].queued--;
	snapshot_free(s);
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

static void drop_list(struct render_list *l)
{
	while (l->head) {
		struct hd_snapshot *s = l->head;
		list_del(l, s);
		if (s->done)
			s->done(s->ud, -1, 0);
		snapshot_free(s);
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
