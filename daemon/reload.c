/* Reload: the new file is parsed and validated in a worker thread, then
 * applied on the loop.
 *
 * The parse is the one long step of a reload (libconfuse builds a tree of
 * the whole file: ~75 ms native for 10,000 real servers, seconds under
 * emulation). Done on the loop it would hold back adverts and takeovers for
 * that long. hd_config_load() is pure (a path in, a struct or FILE:LINE
 * errors out; no daemon state, no logging), so it runs in a thread while
 * the loop keeps serving the running configuration; the thread's only
 * output is the result and an eventfd write. Applying it stays on the
 * loop: the health checks' build (tens of thousands of probes and real
 * servers, allocated and matched with the running ones: ~15 ms natively
 * for keepalived's 37,205 real servers, ten times that under emulation)
 * in steps of at most RELOAD_STEP_USEC, the loop's other work (a VRRP
 * advert first) in between, the running configuration in force all along;
 * then, in one iteration, every module's prepare (the build's state
 * carried over as it is then) and commit, and the swap. A failed step or
 * prepare leaves everything as it was.
 *
 * One parse at a time (libconfuse's lexer is not reentrant). A request that
 * arrives during a parse may mean the file changed after the thread read
 * it, so it gets a parse of its own after the current one; any number of
 * such requests share that one parse. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "daemon.h"
#include "events.h"
#include "fault.h"
#include "log.h"
#include "modules.h"
#include "overrides.h"
#include "snapshot.h"

struct reload_waiter {
	hd_reload_done_fn fn;
	void *ud;
};

struct waiters {
	struct reload_waiter *v;
	size_t n, cap;
};

struct hd_reloader {
	struct hd_daemon *d;
	int efd;
	sd_event_source *src;
	pthread_t thread;
	bool running; /* a parse is in flight */
	bool again;   /* a request came during it: parse once more after */
	/* Written by the thread, read on the loop after pthread_join(). */
	struct hd_config *newcfg;
	struct hd_diag diag;
	uint64_t t0, t1;
	struct waiters cur, next; /* of the running parse / of the one after */
	/* The replaced configuration, freed in a thread of its own. */
	pthread_t retire;
	bool retiring;
	/* The parsed configuration while the health checks' build of it runs
	 * in steps (step_src), and the configuration in force when it began:
	 * an add-rs or remove-rs that replaced it meanwhile is not in the
	 * parsed file's, which is then parsed again. */
	struct hd_config *staging;
	struct hc_stage *stage;
	const struct hd_config *base;
	sd_event_source *step_src;
	uint64_t t2, longest_step;
	unsigned steps;
	bool built; /* the last step is done: the apply is next */
};

/* One step of the build: under a tenth of a 0.1 s advert interval,
 * whatever the machine (a clock, not a count of servers). */
#define RELOAD_STEP_USEC 5000ULL

static int waiters_add(struct waiters *w, hd_reload_done_fn fn, void *ud)
{
	if (!fn)
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4;
		struct reload_waiter *v = realloc(w->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct reload_waiter){fn, ud};
	return 0;
}

static void reload_failed(struct hd_daemon *d, const struct hd_diag *diag)
{
	d->reloads_failed++;
	d->last_reload_failed = true;
	for (size_t i = 0; i < diag->n; i++)
		hd_err("reload: %s", diag->lines[i]);
	hd_err("reload failed: keeping the running configuration");
	sd_notifyf(false,
		   "READY=1\nSTATUS=reload failed (%zu errors), running the previous configuration",
		   diag->n);
}

static int spawn_low(pthread_t *t, void *(*fn)(void *), void *arg);

static void *retire_thread(void *arg)
{
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10); /* below the loop, as the parse */
	hd_config_free(arg);
	malloc_trim(0); /* its garbage back to the system: a lower resident size */
	return NULL;
}

/* Free the replaced configuration off the loop: tens of thousands of small
 * blocks (a few ms natively for keepalived's 37,205 real servers, ten
 * times that under emulation) and the trim after them are no work for
 * the loop, which a VRRP advert may be waiting for. Nothing refers to it
 * any more: every module committed to the new one. The last thread is
 * joined first (long done: a reload is a parse away). */
static void retire_config(struct hd_daemon *d, struct hd_config *old)
{
	struct hd_reloader *r = d->reloader;

	if (r && r->retiring) {
		pthread_join(r->retire, NULL);
		r->retiring = false;
	}
	if (r && spawn_low(&r->retire, retire_thread, old) == 0) {
		r->retiring = true;
		return;
	}
	hd_config_free(old); /* no thread: here, and the trim when idle */
	hd_trim_later(d);
}

static int apply_failed(struct hd_daemon *d, struct hd_config *newcfg, int r)
{
	hd_config_free(newcfg);
	d->reloads_failed++;
	d->last_reload_failed = true;
	hd_err("reload failed: keeping the running configuration");
	sd_notify(false, "READY=1\nSTATUS=reload failed (out of memory), running the "
			 "previous configuration");
	return r;
}

/* Put NEWCFG in force: every module prepares it (the health checks finish
 * the build STAGE), then all commit (they move the runtime state of
 * unchanged objects over and re-point at NEWCFG) before the old one is
 * freed. When a module cannot prepare (out of memory), nothing changed:
 * NEWCFG is dropped and the running configuration stays in force, every
 * module of it (modules.h). */
static int reload_apply(struct hd_reloader *rl, struct hd_config *newcfg, struct hc_stage *stage)
{
	struct hd_daemon *d = rl->d;
	uint64_t t2 = hd_now_usec();
	int r = hd_modules_reload_staged(d, newcfg, stage);

	if (r < 0)
		return apply_failed(d, newcfg, r);
	uint64_t t3 = hd_now_usec();
	struct hd_config *old = d->config;
	d->config = newcfg;
	retire_config(d, old);
	uint64_t t4 = hd_now_usec();
	if (t4 - t2 > rl->longest_step)
		rl->longest_step = t4 - t2;
	d->reload_begin_usec = rl->t0;
	d->reload_parse_usec = rl->t1 - rl->t0;
	d->reload_build_usec = t2 - rl->t2;
	d->reload_build_steps = rl->steps;
	d->reload_longest_step_usec = rl->longest_step;
	d->reload_modules_usec = t3 - t2;
	d->reload_swap_usec = t4 - t3;
	d->reload_to_table_usec = 0;
	d->reloads_ok++;
	hd_apply_scheduling(d);
	d->last_reload_failed = false;
	hd_mark_dirty(d);
	hd_notice("reload complete: parse %llu ms (off the event loop), build %llu ms in %u steps, "
		  "apply %llu ms; the loop held at most %llu ms",
		  (unsigned long long)(rl->t1 - rl->t0) / 1000,
		  (unsigned long long)(t2 - rl->t2) / 1000, rl->steps,
		  (unsigned long long)(t4 - t2) / 1000,
		  (unsigned long long)rl->longest_step / 1000);
	sd_notify(false, "READY=1\nSTATUS=running");
	return 0;
}

static void *parse_thread(void *arg)
{
	struct hd_reloader *r = arg;
	uint64_t one = 1;

	/* Below the loop's priority (per thread on Linux): a long parse must
	 * not take CPU time the loop is waiting for. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	r->newcfg = hd_config_load(r->d->opts.config_path, &r->diag);
	r->t1 = hd_now_usec();
	if (write(r->efd, &one, sizeof(one)) < 0)
		abort(); /* an eventfd write of 1 cannot fail */
	return NULL;
}

struct load_apart {
	const char *path;
	struct hd_diag *diag;
	struct hd_config *cfg;
};

static void *load_apart_thread(void *arg)
{
	struct load_apart *a = arg;

	a->cfg = hd_config_load(a->path, a->diag);
	return NULL;
}

/* Why a thread for a load the caller waits for: glibc gives a thread its
 * own malloc arena. Parsed on the main thread, the parse's many freed
 * blocks (9 MB of heap at 1,000 real servers) stayed the loop's heap; the
 * checks' small allocations then spread over it and touched it all again:
 * 7.6 MB resident with 1.4 MB in use, 40 s after start (VM bench). In its
 * own arena the garbage is given back before the modules start and never
 * touched again; reload parses (thread above) reuse that arena. */
struct hd_config *hd_config_load_apart(const char *path, struct hd_diag *diag)
{
	struct load_apart a = {path, diag, NULL};
	pthread_t t;

	if (pthread_create(&t, NULL, load_apart_thread, &a))
		return hd_config_load(path, diag);
	pthread_join(t, NULL);
	malloc_trim(0); /* now, before the modules build their state: a lower peak */
	return a.cfg;
}

/* The reload's threads run at normal priority even when the loop has
 * rt_priority: they must never compete with the loop for a CPU. */
static int spawn_low(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	struct sched_param sp = {0};

	if (pthread_attr_init(&attr))
		return -ENOMEM;
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &sp);
	int e = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -e;
}

static int start_thread(struct hd_reloader *r)
{
	return spawn_low(&r->thread, parse_thread, r);
}

/* This reload's waiters learn RC. */
static void conclude(struct hd_reloader *r, int rc)
{
	hd_events_reload(r->d, rc, &r->diag);
	struct waiters w = r->cur;
	r->cur = (struct waiters){0};
	for (size_t i = 0; i < w.n; i++)
		w.v[i].fn(w.v[i].ud, rc, &r->diag);
	free(w.v);
	hd_diag_clear(&r->diag);
}

static void begin(struct hd_reloader *r);

/* The reload asked for during this one, if any; then the status requests
 * that waited for this one. */
static void next(struct hd_reloader *r)
{
	while (r->again && !r->running && !r->staging && !r->d->stopping) {
		r->again = false;
		r->cur = r->next;
		r->next = (struct waiters){0};
		begin(r);
	}
	hd_snapshot_kick(r->d);
}

static void stage_drop(struct hd_reloader *r)
{
	hc_stage_abort(r->d, r->stage);
	hd_config_free(r->staging);
	r->stage = NULL;
	r->staging = NULL;
	sd_event_source_set_enabled(r->step_src, SD_EVENT_OFF);
}

static int on_step(sd_event_source *s, void *userdata)
{
	struct hd_reloader *r = userdata;
	struct hd_daemon *d = r->d;
	uint64_t t = hd_now_usec();
	int rc = 1;

	if (d->stopping) {
		stage_drop(r);
		return 0;
	}
	if (d->config != r->base) {
		hd_notice(
		    "reload: a real server was added or removed during the build: parsing again");
		stage_drop(r);
		begin(r);
		return 0;
	}
	if (!r->built) {
		hd_fault_arm("reload");
		rc = hc_stage_step(d, r->stage, t + RELOAD_STEP_USEC);
		hd_fault_pause();
		r->steps++;
		if (hd_now_usec() - t > r->longest_step)
			r->longest_step = hd_now_usec() - t;
		r->built = rc > 0;
		if (rc >= 0)
			return 0; /* the next step, or the apply, in a later iteration */
	}
	struct hd_config *newcfg = r->staging;
	struct hc_stage *st = r->stage;
	r->staging = NULL;
	r->stage = NULL;
	sd_event_source_set_enabled(r->step_src, SD_EVENT_OFF);
	if (rc > 0) {
		rc = reload_apply(r, newcfg, st);
	} else {
		hd_fault_disarm();
		hc_stage_abort(d, st);
		apply_failed(d, newcfg, rc);
	}
	if (rc < 0)
		hd_diag_add(&r->diag, d->opts.config_path, 0, "cannot apply it: %s", strerror(-rc));
	conclude(r, rc);
	next(r);
	return 0;
}

/* Start applying NEWCFG: the runtime real servers added or removed go in
 * (as the rules say), then the health checks' build in steps (on_step). */
static int stage_begin(struct hd_reloader *r, struct hd_config *newcfg)
{
	struct hd_daemon *d = r->d;
	uint64_t t = hd_now_usec();
	int rc = hd_overrides_inject(d, newcfg);

	r->t2 = t;
	r->steps = 0;
	r->built = false;
	hd_fault_arm("reload"); /* test builds: fault.h; paused between the steps */
	if (rc == 0)
		rc = hc_stage_begin(d, newcfg, &r->stage);
	hd_fault_pause();
	r->longest_step = hd_now_usec() - t; /* this iteration's part of the reload */
	if (rc == 0 && !r->step_src) {
		rc = sd_event_add_defer(d->event, &r->step_src, on_step, r);
		if (rc == 0) /* as the IPVS pass's slices: VRRP, checks first */
			sd_event_source_set_priority(r->step_src, HD_PRIO_RECONCILE);
	}
	if (rc == 0)
		rc = sd_event_source_set_enabled(r->step_src, SD_EVENT_ON);
	if (rc < 0) {
		hd_fault_disarm();
		hc_stage_abort(d, r->stage);
		r->stage = NULL;
		return apply_failed(d, newcfg, rc);
	}
	r->staging = newcfg;
	r->base = d->config;
	return 0;
}

/* The parse is over: its configuration is applied, or its errors told. */
static void finish(struct hd_reloader *r)
{
	struct hd_daemon *d = r->d;
	struct hd_config *newcfg = r->newcfg;
	int rc = -EINVAL;

	r->newcfg = NULL;
	if (!newcfg)
		reload_failed(d, &r->diag);
	else if ((rc = stage_begin(r, newcfg)) == 0)
		return; /* applied by its last step */
	else
		hd_diag_add(&r->diag, d->opts.config_path, 0, "cannot apply it: %s", strerror(-rc));
	conclude(r, rc);
}

static void begin(struct hd_reloader *r)
{
	char mono[64];

	r->t0 = hd_now_usec();
	snprintf(mono, sizeof(mono), "MONOTONIC_USEC=%llu", (unsigned long long)r->t0);
	sd_notifyf(false, "RELOADING=1\n%s", mono);
	hd_notice("reloading %s", r->d->opts.config_path);
	int e = start_thread(r);
	if (e == 0) {
		r->running = true;
		return;
	}
	/* No thread (EAGAIN, ENOMEM): parse here rather than not at all. */
	hd_warn("reload: no worker thread (%s): parsing on the event loop", strerror(-e));
	r->newcfg = hd_config_load(r->d->opts.config_path, &r->diag);
	r->t1 = hd_now_usec();
	finish(r);
}

static int on_parsed(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_reloader *r = userdata;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN)
		return 0;
	pthread_join(r->thread, NULL);
	r->running = false;
	if (r->d->stopping) {
		hd_config_free(r->newcfg);
		r->newcfg = NULL;
		hd_diag_clear(&r->diag);
		return 0;
	}
	finish(r);
	if (!r->staging)
		next(r);
	return 0;
}

static struct hd_reloader *reloader_get(struct hd_daemon *d)
{
	if (d->reloader)
		return d->reloader;
	struct hd_reloader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->d = d;
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0 || sd_event_add_io(d->event, &r->src, r->efd, EPOLLIN, on_parsed, r) < 0) {
		if (r->efd >= 0)
			close(r->efd);
		free(r);
		return NULL;
	}
	/* The result is applied before other work waiting in that iteration. */
	sd_event_source_set_priority(r->src, HD_PRIO_CONTROL);
	d->reloader = r;
	return r;
}

int hd_reload_request(struct hd_daemon *d, hd_reload_done_fn done, void *ud)
{
	struct hd_reloader *r = reloader_get(d);

	if (!r) {
		hd_err("reload: out of memory");
		return -ENOMEM;
	}
	if (r->running || r->staging) {
		r->again = true;
		return waiters_add(&r->next, done, ud);
	}
	if (waiters_add(&r->cur, done, ud) < 0)
		return -ENOMEM;
	begin(r);
	return 0;
}

bool hd_reload_busy(const struct hd_daemon *d)
{
	return d->reloader && (d->reloader->running || d->reloader->staging);
}

void hd_reload_free(struct hd_daemon *d)
{
	struct hd_reloader *r = d->reloader;

	if (!r)
		return;
	/* A parse in flight is waited for (it is bounded by the file) and
	 * discarded; its waiters are not called, the loop is gone. */
	if (r->running)
		pthread_join(r->thread, NULL);
	if (r->retiring)
		pthread_join(r->retire, NULL);
	stage_drop(r);
	sd_event_source_disable_unref(r->step_src);
	hd_config_free(r->newcfg);
	hd_diag_clear(&r->diag);
	free(r->cur.v);
	free(r->next.v);
	sd_event_source_disable_unref(r->src);
	close(r->efd);
	free(r);
	d->reloader = NULL;
}
