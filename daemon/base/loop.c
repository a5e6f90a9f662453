/* The event loop and its helpers (hd_context.h): the loop itself, clocks,
 * counted fork, the one reconcile pass per iteration, and yielding. */
#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "hd_context.h"
#include "log.h"

pid_t hd_fork(struct hd_daemon *d)
{
	d->forks++;
	return fork();
}

/* Read once per wakeup, when first asked: a wakeup of check sockets alone
 * runs no sd-event iteration, so sd_event_now() would tell an older one. */
uint64_t hd_loop_now_usec(struct hd_daemon *d)
{
	uint64_t t;

	if (d->loop_now)
		return d->loop_now;
	t = hd_now_usec();
	if (d->loop_running)
		d->loop_now = t;
	return t;
}

static int reconcile_cb(sd_event_source *s, void *userdata)
{
	struct hd_daemon *d = userdata;

	sd_event_source_set_enabled(s, SD_EVENT_OFF);
	if (!d->stopping && d->reconcile)
		d->reconcile(d);
	return 0;
}

void hd_mark_dirty(struct hd_daemon *d)
{
	if (!d->reconcile_src) {
		if (sd_event_add_defer(d->event, &d->reconcile_src, reconcile_cb, d) < 0) {
			hd_err("cannot schedule a reconcile pass");
			return;
		}
		sd_event_source_set_priority(d->reconcile_src, HD_PRIO_RECONCILE);
	}
	sd_event_source_set_enabled(d->reconcile_src, SD_EVENT_ONESHOT);
	hd_loop_touch(d);
}

static int resume_cb(sd_event_source *s, void *userdata)
{
	sd_event_source_set_enabled(userdata, SD_EVENT_ON);
	return 0;
}

int hd_defer_once(struct hd_daemon *d, sd_event_source **s, sd_event_handler_t cb, void *ud,
		  int64_t priority)
{
	if (!*s) {
		int r = sd_event_add_defer(d->event, s, cb, ud);
		if (r < 0) {
			*s = NULL;
			return r;
		}
		sd_event_source_set_priority(*s, priority);
	}
	hd_loop_touch(d);
	return sd_event_source_set_enabled(*s, SD_EVENT_ONESHOT);
}

int hd_yield(struct hd_daemon *d, sd_event_source *src, sd_event_source **resume)
{
	int r = hd_defer_once(d, resume, resume_cb, src, HD_PRIO_YIELD);

	/* on failure left on: unfair beats deaf */
	return r < 0 ? r : sd_event_source_set_enabled(src, SD_EVENT_OFF);
}

/* The loop. One epoll set holds sd-event's own descriptor (data.ptr NULL)
 * and the descriptors watched through struct hd_loop_io (the health
 * checks' sockets); the wait's timeout is the loop's one timer (the health
 * checks' schedule). A wakeup for those alone runs their handlers and no
 * sd-event iteration: one epoll call and no more, where the checks' own
 * set as an sd-event source took two (sd-event's, then the set's), the
 * schedule as an sd-event timer a timerfd re-arm and read, and each an
 * sd-event iteration of about 2,400 instructions (tests/bench/README.md,
 * run 15). sd-event runs as its manual documents for an embedded loop
 * (sd_event_prepare, a wait on its descriptor, sd_event_wait(e, 0),
 * sd_event_dispatch) whenever its descriptor is ready, it has work
 * pending, or a handler of the set touched one of its sources.
 *
 * Order: when both are ready, sd-event's first source (by its priorities:
 * VRRP before everything) runs before the check events of that wakeup,
 * which wait, held (hd_loop_forget); then those; then sd-event again. While
 * sd-event has work pending the set is polled without sleeping between its
 * sources, so neither side starves the other, as when the set was one
 * sd-event source among the others. */
#define HD_LOOP_BATCH 64

int hd_loop_open(struct hd_daemon *d)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	int fd = epoll_create1(EPOLL_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (epoll_ctl(fd, EPOLL_CTL_ADD, sd_event_get_fd(d->event), &ev) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	d->loop_fd = fd;
	return 0;
}

void hd_loop_close(struct hd_daemon *d)
{
	if (d->loop_fd >= 0)
		close(d->loop_fd);
	d->loop_fd = -1;
}

void hd_loop_forget_held(struct hd_daemon *d, const struct hd_loop_io *io)
{
	for (size_t i = 0; i < d->loop_held_n; i++)
		if (d->loop_held[i].data.ptr == io)
			d->loop_held[i].data.ptr = NULL;
}

/* sd-event's turn when it is ready: wait (without sleeping) if armed, then
 * its first pending source, while EV[0..N) wait. Returns its new state. */
static int sd_turn(struct hd_daemon *d, int st, struct epoll_event *ev, size_t n)
{
	int r = 0;

	if (st == SD_EVENT_ARMED) {
		d->loop_touched = false;
		r = sd_event_wait(d->event, 0);
		if (r < 0)
			return r;
		st = r > 0 ? SD_EVENT_PENDING : SD_EVENT_INITIAL;
	}
	if (st != SD_EVENT_PENDING)
		return st;
	d->loop_held = ev;
	d->loop_held_n = n;
	r = sd_event_dispatch(d->event);
	d->loop_held_n = 0;
	return r < 0 ? r : sd_event_get_state(d->event);
}

/* Sleep until the set has events or the timer is due; not at all when
 * NOW is set (sd-event has work pending). The timer's time is exact where
 * the kernel has epoll_pwait2 (5.11), else rounded up to the millisecond. */
static int loop_wait(struct hd_daemon *d, struct epoll_event *ev, bool now)
{
	const struct hd_loop_timer *t = d->loop_timer;
	struct timespec ts = {0, 0};
	uint64_t left = 0;
	int n;

	if (!now && !(t && t->at))
		return epoll_wait(d->loop_fd, ev, HD_LOOP_BATCH, -1);
	if (!now) {
		uint64_t clock = hd_now_usec();
		left = t->at > clock ? t->at - clock : 0;
	}
	if (!d->loop_ms_only) {
		ts.tv_sec = (time_t)(left / 1000000);
		ts.tv_nsec = (long)(left % 1000000) * 1000;
		n = epoll_pwait2(d->loop_fd, ev, HD_LOOP_BATCH, &ts, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		d->loop_ms_only = true;
	}
	left = (left + 999) / 1000;
	return epoll_wait(d->loop_fd, ev, HD_LOOP_BATCH, left > INT_MAX ? INT_MAX : (int)left);
}

/* One wakeup. Returns sd-event's state after it, < 0 on failure. */
static int loop_once(struct hd_daemon *d, int st)
{
	struct epoll_event ev[HD_LOOP_BATCH];
	bool sd_ready = false;
	size_t m = 0;
	int r, n;

	if (st == SD_EVENT_ARMED && d->loop_touched)
		st = sd_turn(d, st, NULL, 0); /* a handler's change, before we sleep */
	if (st == SD_EVENT_INITIAL) {
		d->loop_touched = false;
		r = sd_event_prepare(d->event);
		if (r < 0)
			return r;
		st = r > 0 ? SD_EVENT_PENDING : SD_EVENT_ARMED;
	}
	if (st < 0 || st == SD_EVENT_FINISHED)
		return st;
	if (d->loop_before_wait)
		d->loop_before_wait->fn(d->loop_before_wait);
	n = loop_wait(d, ev, st == SD_EVENT_PENDING);
	if (n < 0)
		return errno == EINTR ? st : -errno;
	d->loop_now = 0;
	for (int i = 0; i < n; i++) {
		if (ev[i].data.ptr)
			ev[m++] = ev[i];
		else
			sd_ready = true;
	}
	if (sd_ready || st == SD_EVENT_PENDING)
		st = sd_turn(d, st, ev, m);
	if (st < 0 || st == SD_EVENT_FINISHED)
		return st;
	/* One io has one registration: handling one event frees no other
	 * event's io, so the rest of the batch stays valid. */
	for (size_t i = 0; i < m; i++) {
		struct hd_loop_io *io = ev[i].data.ptr;
		if (io)
			io->fn(io, ev[i].events);
	}
	/* The timer's turn: after the events, but not in the same wakeup as a
	 * batch of them unless it waited one already, so the loop looks at
	 * sd-event between two batches of checks' work (at most 64 each), as
	 * when both were sd-event sources. Not run, it is still due: the next
	 * wait does not sleep. */
	struct hd_loop_timer *t = d->loop_timer;
	if (t && t->at && t->at <= hd_loop_now_usec(d)) {
		d->loop_timer_waited = m && !d->loop_timer_waited;
		if (!d->loop_timer_waited)
			t->fn(t);
	}
	return st;
}

int hd_loop_run(struct hd_daemon *d)
{
	int st = sd_event_get_state(d->event), code = 0;

	d->loop_running = true;
	while (st >= 0 && st != SD_EVENT_FINISHED)
		st = loop_once(d, st);
	d->loop_running = false;
	d->loop_now = 0;
	if (st < 0)
		return st;
	st = sd_event_get_exit_code(d->event, &code);
	return st < 0 ? st : code;
}
