/* The event-loop helpers of the daemon context (hd_context.h): clocks,
 * counted fork, the one reconcile pass per iteration, and yielding. */
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "hd_context.h"
#include "log.h"

uint64_t hd_now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

pid_t hd_fork(struct hd_daemon *d)
{
	d->forks++;
	return fork();
}

uint64_t hd_loop_now_usec(struct hd_daemon *d)
{
	uint64_t t;

	return sd_event_now(d->event, CLOCK_MONOTONIC, &t) < 0 ? hd_now_usec() : t;
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
}

static int resume_cb(sd_event_source *s, void *userdata)
{
	sd_event_source_set_enabled(userdata, SD_EVENT_ON);
	return 0;
}

int hd_yield(struct hd_daemon *d, sd_event_source *src, sd_event_source **resume)
{
	int r;

	if (!*resume) {
		r = sd_event_add_defer(d->event, resume, resume_cb, src);
		if (r < 0)
			return r; /* left on: unfair beats deaf */
		sd_event_source_set_priority(*resume, HD_PRIO_YIELD);
	}
	r = sd_event_source_set_enabled(*resume, SD_EVENT_ONESHOT);
	return r < 0 ? r : sd_event_source_set_enabled(src, SD_EVENT_OFF);
}
