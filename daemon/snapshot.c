/* Big read-only replies (status, metrics) rendered by a forked child.
 *
 * Rendering walks every instance, real server and IPVS entry: ~100 ms and
 * 4 MB of text at 10,000 real servers, far longer than an advert interval
 * can wait. fork() gives a child a copy-on-write image of the daemon as it
 * is at that instant, a consistent snapshot, for the price of copying page
 * tables (about 1 ms per 100 MB). The child renders and writes the text
 * itself: to the control client's socket (the loop hands the connection
 * over and forgets it), or to a pipe the loop reads (HTTP /metrics, whose
 * connection libmicrohttpd keeps). The child uses nothing else of the
 * daemon's and leaves with _exit(), so nothing of the parent's runs twice.
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
	const char *prefix;	  /* socket mode: written before the text */
	int out_fd;		  /* socket mode: the client's connection, else -1 */
	hd_snapshot_done_fn done; /* pipe mode */
	void *ud;
	int fd; /* pipe mode: our end */
	sd_event_source *io;
	char *buf;
	size_t len, cap;
	struct hd_snapshot *next; /* in the queue, or in the list of those reading */
};

struct hd_snapshots {
	struct hd_daemon *d;
	unsigned running, queued;
	struct hd_snapshot *head, *tail; /* waiting for a child */
	struct hd_snapshot *reading;	 /* pipe mode, child forked */
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
	sd_event_source_disable_unref(s->io);
	if (s->fd >= 0)
		close(s->fd);
	if (s->out_fd >= 0)
		close(s->out_fd);
	free(s->buf);
	free(s);
}

static void unlink_reading(struct hd_snapshot *s)
{
	struct hd_snapshot **pp = &s->all->reading;
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	s->next = NULL;
}

static int on_readable(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct hd_snapshot *s = userdata;

	for (;;) {
		if (s->cap - s->len < 65536) {
			size_t cap = s->cap ? 2 * s->cap : 262144;
			char *b = realloc(s->buf, cap);
			if (!b)
				break;
			s->buf = b;
			s->cap = cap;
		}
		ssize_t r = read(fd, s->buf + s->len, s->cap - s->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r <= 0)
			break;
		s->len += (size_t)r;
	}
	/* EOF (or an error, or no memory): what arrived is the reply. */
	char *buf = s->buf;
	if (buf)
		buf[s->len] = 0;
	s->buf = NULL;
	unlink_reading(s);
	s->done(s->ud, buf, s->len);
	snapshot_free(s);
	return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The child keeps only FD (as 3) and stdio: a copy of another client's
 * or libmicrohttpd's socket held here would keep that connection open
 * after the daemon closed it. */
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
	sigset_t none;
	char *buf = NULL, drain[4096];
	size_t len = 0;

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
		s->render(s->all->d, mem);
		fclose(mem);
		if (s->prefix)
			write_all(fd, s->prefix, strlen(s->prefix));
		write_all(fd, buf, len);
		free(buf);
	} else if (s->prefix) {
		write_all(fd, "ERROR out of memory\n", 20);
	}
	/* Closing with unread input would reset the connection before the
	 * client read the reply: drain until the client closes. */
	if (s->out_fd >= 0 && shutdown(fd, SHUT_WR) == 0)
		while (read(fd, drain, sizeof(drain)) > 0)
			;
	_exit(0);
}

/* No child could be made for S: the text is rendered here (pipe mode) or
 * the client is told (socket mode: the loop cannot write it blocking). */
static void answer_here(struct hd_snapshot *s, int err)
{
	hd_warn("status: cannot fork a renderer (%s)", strerror(err));
	if (s->out_fd >= 0) {
		static const char msg[] = "ERROR cannot start a renderer\n";
		if (send(s->out_fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			hd_debug("status: %s", strerror(errno));
	} else {
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);
		if (mem) {
			s->render(s->all->d, mem);
			fclose(mem);
		}
		s->done(s->ud, buf, len);
	}
	snapshot_free(s);
}

static int watch_pipe(struct hd_snapshot *s, int fd)
{
	s->fd = fd;
	int r = sd_event_add_io(s->all->d->event, &s->io, fd, EPOLLIN, on_readable, s);
	if (r >= 0)
		sd_event_source_set_priority(s->io, HD_PRIO_CONTROL);
	return r;
}

/* Fork the child for S. */
static void spawn(struct hd_snapshot *s)
{
	struct hd_snapshots *all = s->all;
	sd_event_source *child = NULL;
	int p[2] = {-1, -1};

	if (s->out_fd < 0 && pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return answer_here(s, errno);
	/* Listed before the fork, so the child's copy of S is not a leak to a
	 * checker (valgrind) that looks at the child when it exits. */
	if (s->out_fd < 0) {
		s->next = all->reading;
		all->reading = s;
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (p[0] >= 0)
			close(p[0]);
		child_render(s, s->out_fd >= 0 ? s->out_fd : p[1]);
	}
	int err = errno;
	if (p[1] >= 0)
		close(p[1]);
	if (pid < 0) {
		if (p[0] >= 0)
			close(p[0]);
		unlink_reading(s);
		return answer_here(s, err);
	}
	if (sd_event_add_child(all->d->event, &child, pid, WEXITED, on_child, all) < 0)
		hd_warn("status: cannot watch renderer %d", (int)pid); /* reaped by nobody */
	else
		all->running++;
	/* The child source lives until the child is reaped, even at exit. */
	if (child) {
		sd_event_source_set_floating(child, true);
		sd_event_source_unref(child);
	}
	if (s->out_fd >= 0) { /* the child answers the client */
		snapshot_free(s);
		return;
	}
	if (watch_pipe(s, p[0]) < 0) {
		unlink_reading(s);
		s->done(s->ud, NULL, 0);
		snapshot_free(s);
	}
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

static int enqueue(struct hd_daemon *d, struct hd_snapshot tmpl)
{
	struct hd_snapshots *all = snapshots_get(d);
	if (!all)
		return -ENOMEM;
	if (all->queued >= HD_SNAPSHOT_QUEUE)
		return -EBUSY;
	struct hd_snapshot *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = tmpl;
	s->all = all;
	if (all->tail)
		all->tail->next = s;
	else
		all->head = s;
	all->tail = s;
	all->queued++;
	start_queued(all);
	return 0;
}

int hd_snapshot_to_fd(struct hd_daemon *d, hd_render_fn render, const char *prefix, int fd)
{
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (own < 0)
		return -errno;
	int r = enqueue(
	    d, (struct hd_snapshot){.render = render, .prefix = prefix, .out_fd = own, .fd = -1});
	if (r < 0)
		close(own);
	return r;
}

int hd_snapshot_start(struct hd_daemon *d, hd_render_fn render, hd_snapshot_done_fn done, void *ud)
{
	return enqueue(d, (struct hd_snapshot){
			      .render = render, .done = done, .ud = ud, .out_fd = -1, .fd = -1});
}

void hd_snapshot_kick(struct hd_daemon *d)
{
	if (d->snapshots)
		start_queued(d->snapshots);
}

static void drop_text(void *ud, char *buf, size_t len)
{
	free(buf);
}

void hd_snapshot_forget(struct hd_daemon *d, void *ud)
{
	if (!d->snapshots)
		return;
	for (struct hd_snapshot *s = d->snapshots->head; s; s = s->next)
		if (s->out_fd < 0 && s->ud == ud)
			s->done = drop_text;
	for (struct hd_snapshot *s = d->snapshots->reading; s; s = s->next)
		if (s->ud == ud)
			s->done = drop_text;
}

static void free_list(struct hd_snapshot *s)
{
	while (s) {
		struct hd_snapshot *next = s->next;
		snapshot_free(s);
		s = next;
	}
}

void hd_snapshot_free_all(struct hd_daemon *d)
{
	struct hd_snapshots *all = d->snapshots;

	if (!all)
		return;
	/* Dropped unanswered, like open clients at exit. */
	free_list(all->head);
	free_list(all->reading);
	sd_event_source_disable_unref(all->kick);
	free(all);
	d->snapshots = NULL;
}
