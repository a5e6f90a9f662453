/* Big read-only replies (status, metrics) rendered by a forked child.
 *
 * Rendering walks every instance, real server and IPVS entry: ~100 ms and
 * 4 MB of text at 10,000 real servers, far longer than an advert interval
 * can wait. fork() gives a child a copy-on-write image of the daemon as it
 * is at that instant, a consistent snapshot, for the price of copying page
 * tables (about 1 ms per 100 MB). The child renders and writes the reply
 * itself, to its copy of the client's socket (control socket or HTTP
 * /metrics); the loop closes its own and forgets the client. The child
 * uses nothing else of the daemon's and leaves with _exit(), so nothing of
 * the parent's runs twice.
 *
 * At most HD_SNAPSHOT_MAX children run at once, one fork per loop
 * iteration, none while a reload parses in its thread; later requests wait
 * in a queue (bounded: beyond HD_SNAPSHOT_QUEUE they are refused as busy),
 * so a client asking in a tight loop cannot fill the process table. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "snapshot.h"

#define CHILD_MAX_SEC 60 /* a reader that never reads */

struct hd_snapshot {
	struct hd_snapshots *all;
	hd_render_fn render;
	const char *prefix;	  /* written before the text */
	int out_fd;		  /* our dup of the client's connection */
	struct hd_snapshot *next; /* in the queue */
};

struct hd_snapshots {
	struct hd_daemon *d;
	unsigned running, queued;
	struct hd_snapshot *head, *tail; /* waiting for a child */
	sd_event_source *kick;		 /* the next fork, next iteration */
};

static void start_queued(struct hd_snapshots *all);

/* The child source is floating: the loop holds its only reference, which
 * set_floating(false) drops; the source goes once this dispatch ends. */
static int on_child(sd_event_source *src, const siginfo_t *si, void *userdata)
{
	struct hd_snapshots *all = userdata;

	all->running--;
	sd_event_source_set_floating(src, false);
	start_queued(all);
	return 0;
}

static void snapshot_free(struct hd_snapshot *s)
{
	if (s->out_fd >= 0)
		close(s->out_fd);
	free(s);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The child keeps only FD (as 3) and stdio: a copy of another client's
 * socket held here would keep that connection open after the daemon
 * closed it. */
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
static void child_render(struct hd_snapshot *s, int fd)
{
	struct sched_param sp = {0};
	struct hd_daemon *d = s->all->d;
	hd_render_fn render = s->render;
	const char *prefix = s->prefix;
	sigset_t none;
	char *buf = NULL, drain[4096];
	size_t len = 0;

	free(s); /* the child's copy: nothing of ours it could leak */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* a stop of the service ends it too */
	/* Never at the loop's rt_priority, and below it: on a busy machine the
	 * loop, not the renderers, gets the CPU first. */
	sched_setscheduler(0, SCHED_OTHER, &sp);
	setpriority(PRIO_PROCESS, 0, 19);
	alarm(CHILD_MAX_SEC);
	fd = child_fds(fd);
	fcntl(fd, F_SETFL, 0); /* blocking writes */
	FILE *mem = open_memstream(&buf, &len);
	if (mem) {
		render(d, mem);
		fclose(mem);
		write_all(fd, prefix, strlen(prefix));
		write_all(fd, buf, len);
		free(buf);
	}
	/* Closing with unread input would reset the connection before the
	 * client read the reply: drain until the client closes. */
	if (shutdown(fd, SHUT_WR) == 0)
		while (read(fd, drain, sizeof(drain)) > 0)
			;
	_exit(0);
}

/* Fork the child for S; our copy of the connection is closed after. A
 * client we cannot fork for is closed unanswered (the loop cannot write a
 * big reply blocking), which it sees as an error. */
static void spawn(struct hd_snapshot *s)
{
	struct hd_snapshots *all = s->all;
	sd_event_source *child = NULL;

	pid_t pid = hd_fork(all->d);
	if (pid == 0)
		child_render(s, s->out_fd);
	if (pid < 0) {
		hd_warn("status: cannot fork a renderer: %s", strerror(errno));
	} else if (sd_event_add_child(all->d->event, &child, pid, WEXITED, on_child, all) < 0) {
		hd_warn("status: cannot watch renderer %d", (int)pid);
	} else {
		/* Floating: it lives until the child is reaped, even at exit. */
		sd_event_source_set_floating(child, true);
		sd_event_source_unref(child);
		all->running++;
	}
	snapshot_free(s);
}

static int on_kick(sd_event_source *src, void *userdata)
{
	start_queued(userdata);
	return 0;
}

/* One fork per iteration: each costs the page tables of the whole daemon,
 * and VRRP work in between must not wait for a burst of them. */
static void start_queued(struct hd_snapshots *all)
{
	if (!all->head || all->running >= HD_SNAPSHOT_MAX)
		return;
	/* Not while a reload parses in its thread: a child forked then would
	 * hold a half-built parse that no thread owns (a leak to valgrind);
	 * the reload kicks the queue when it is done. */
	if (hd_reload_busy(all->d))
		return;
	struct hd_snapshot *s = all->head;
	all->head = s->next;
	if (!all->head)
		all->tail = NULL;
	all->queued--;
	s->next = NULL;
	spawn(s);
	if (all->head && all->running < HD_SNAPSHOT_MAX && all->kick)
		sd_event_source_set_enabled(all->kick, SD_EVENT_ONESHOT);
}

static struct hd_snapshots *snapshots_get(struct hd_daemon *d)
{
	if (d->snapshots)
		return d->snapshots;
	struct hd_snapshots *all = calloc(1, sizeof(*all));
	if (!all)
		return NULL;
	all->d = d;
	if (sd_event_add_defer(d->event, &all->kick, on_kick, all) >= 0) {
		sd_event_source_set_priority(all->kick, HD_PRIO_CONTROL);
		sd_event_source_set_enabled(all->kick, SD_EVENT_OFF);
	}
	d->snapshots = all;
	return all;
}

int hd_snapshot_to_fd(struct hd_daemon *d, hd_render_fn render, const char *prefix, int fd)
{
	struct hd_snapshots *all = snapshots_get(d);
	if (!all)
		return -ENOMEM;
	if (all->queued >= HD_SNAPSHOT_QUEUE)
		return -EBUSY;
	struct hd_snapshot *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct hd_snapshot){.all = all, .render = render, .prefix = prefix};
	s->out_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (s->out_fd < 0) {
		int e = errno;
		free(s);
		return -e;
	}
	if (all->tail)
		all->tail->next = s;
	else
		all->head = s;
	all->tail = s;
	all->queued++;
	start_queued(all);
	return 0;
}

void hd_snapshot_kick(struct hd_daemon *d)
{
	if (d->snapshots)
		start_queued(d->snapshots);
}

void hd_snapshot_free_all(struct hd_daemon *d)
{
	struct hd_snapshots *all = d->snapshots;

	if (!all)
		return;
	while (all->head) { /* dropped unanswered, like open clients at exit */
		struct hd_snapshot *s = all->head;
		all->head = s->next;
		snapshot_free(s);
	}
	sd_event_source_disable_unref(all->kick);
	free(all);
	d->snapshots = NULL;
}
