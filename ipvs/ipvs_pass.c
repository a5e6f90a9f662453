/* The reconcile pass (ipvs_daemon.c says what it is for), in slices.
 *
 * A pass builds the desired table, diffs it against the cached observed
 * one, writes the difference, then reads back the services it wrote. Each
 * part goes on until IPVS_SLICE_USEC have passed in the loop iteration and
 * then hands the loop back: the build virtual server by virtual server and
 * the diff service by service (ipvs_steps.h, IPVS_STEP_BUDGET destinations
 * between two clock reads), the writes and the re-reads one round trip at
 * a time. The next slice runs from the pass's own defer source, at the
 * reconcile priority: anything due meanwhile, a VRRP advert first, runs
 * before it. A small pass (a verdict, one weight) is one slice, as before.
 *
 * While a pass is under way the status says so ("pass"): "desired" is
 * what it writes towards (the last pass's while the build runs),
 * "programmed" the kernel's table as last read (before this pass's
 * writes, which are read back at its end), and "pending_ops" the writes
 * not yet taken by the kernel. The ops point into both tables, so neither
 * changes until the pass ends: no new build, and the thread's periodic
 * re-read is dropped if it lands meanwhile. */
#include <errno.h>
#include <string.h>

#include "alert_hook.h"
#include "healthcheck/hc.h"
#include "ipvs_ctx.h"
#include "ipvs_genl.h"

/* Work per loop iteration: under a fifth of a 0.1 s advert interval,
 * whatever the machine (a clock, not a count of writes). */
#define IPVS_SLICE_USEC 10000ULL
/* Destinations built or diffed between two clock reads: ~1 ms under
 * emulation, a tenth of the slice. */
#define IPVS_STEP_BUDGET 256
/* Services read back per request batch between two clock reads. */
#define IPVS_REREAD_BATCH 8
/* Writes told one by one to `hadirectorctl monitor` per pass; the rest in
 * one summary: a reload touching thousands of destinations must not
 * overflow every subscriber's 32 KiB buffer (they would all be dropped). */
#define IPVS_EVENTS_PER_PASS 64

static void verdict_cb(void *ud, size_t vs, size_t rs, struct ipvs_rs_verdict *v)
{
	struct hd_daemon *d = ud;
	struct hc_rs_verdict hv;
	if (!d->hc)
		return;
	hc_rs_verdict(d, vs, rs, &hv);
	v->up = hv.up;
	v->weight = (int)hv.weight;
}

/* The health checker's quorum state is the one its quorum scripts follow:
 * the sorry server follows it too. Without checkers, compute our own. */
static int quorum_cb(void *ud, size_t vs)
{
	struct hd_daemon *d = ud;
	if (!d->hc)
		return -1;
	return hc_vs_quorum_lost(d, vs) ? 1 : 0;
}

static const char *op_str(const struct ipvs_op *op, char *buf, size_t len)
{
	char k[96], dst[64];
	snprintf(buf, len, "%s %s%s%s", ipvs_op_kind_str(op->kind),
		 ipvs_svc_key_str(&op->svc->key, k, sizeof(k)), op->dest ? " -> " : "",
		 op->dest ? ipvs_dest_str(op->dest, dst, sizeof(dst)) : "");
	return buf;
}

static void log_failure(struct ipvs_ctx *c, const struct ipvs_op *op, int r,
			const struct ipvs_retry *rt)
{
	char what[200];
	op_str(op, what, sizeof(what));
	ipvs_set_error(c, what, r);
	if (!hd_ratelimit_ok(&c->log_rl, hd_now_usec(), 10 * 1000000ULL, 20))
		return; /* counted in c->log_rl.suppressed, shown in status */
	if (op->kind == IPVS_OP_ADD_SVC || op->kind == IPVS_OP_EDIT_SVC)
		hd_err("ipvs: %s (scheduler %s): %s%s; retry in %llu s", what, op->svc->sched,
		       strerror(-r), r == -ENOENT ? " (scheduler module not loaded?)" : "",
		       rt ? (unsigned long long)(rt->backoff_usec / 1000000ULL) : 5ULL);
	else
		hd_err("ipvs: %s (%s, weight %d): %s; retry in %llu s", what,
		       op->dest ? ipvs_fwd_str(op->dest->fwd) : "-",
		       op->dest ? op->dest->weight : 0, strerror(-r),
		       rt ? (unsigned long long)(rt->backoff_usec / 1000000ULL) : 5ULL);
}

/* Every write and every refusal is an event (`hadirectorctl monitor`). */
static void publish(struct ipvs_ctx *c, const struct ipvs_op *op, int r)
{
	char target[180], k[96], dst[64];
	if (c->pass_events >= IPVS_EVENTS_PER_PASS) {
		c->pass_unlisted++;
		c->pass_unlisted_failed += r != 0;
		return;
	}
	c->pass_events++;
	snprintf(target, sizeof(target), "%s%s%s", ipvs_svc_key_str(&op->svc->key, k, sizeof(k)),
		 op->dest ? " -> " : "", op->dest ? ipvs_dest_str(op->dest, dst, sizeof(dst)) : "");
	hd_alert_ipvs(c->d, ipvs_op_kind_str(op->kind), target,
		      op->dest && op->kind != IPVS_OP_DEL_DEST ? op->dest->weight : -1, r);
}

/* Apply one op; returns true when the kernel now has it. */
static bool apply_one(struct ipvs_ctx *c, const struct ipvs_op *op, uint64_t now)
{
	char what[200];
	struct ipvs_retry *rt = ipvs_retries_find(&c->retries, op);
	if (!ipvs_retry_due(rt, now))
		return false;
	int r = ipvs_nl_apply(c->nl, op);
	publish(c, op, r == 0 || ipvs_op_benign(op->kind, r) ? 0 : r);
	if (r == 0 || ipvs_op_benign(op->kind, r)) {
		if (hd_log_level() >= LOG_DEBUG)
			hd_debug("ipvs: %s", op_str(op, what, sizeof(what)));
		ipvs_retries_drop(&c->retries, rt);
		if (op->kind == IPVS_OP_DEL_SVC)
			ipvs_keyset_del(&c->owned, &op->svc->key);
		return true;
	}
	log_failure(c, op, r, ipvs_retries_note(&c->retries, rt, op, r, now));
	return false;
}

/* Forget owned keys that are neither wanted nor in the kernel any more,
 * so a later hand-made service with that key is left alone. */
void ipvs_owned_prune(struct ipvs_ctx *c)
{
	for (size_t i = 0; i < c->owned.n;) {
		const struct ipvs_svc_key *k = &c->owned.v[i];
		if (!ipvs_table_find(&c->desired, k) && !ipvs_table_find(&c->observed, k))
			ipvs_keyset_del(&c->owned, k);
		else
			i++;
	}
}

int ipvs_refresh_observed(struct ipvs_ctx *c, uint64_t now)
{
	if (c->observed_valid && !c->full_dump_due)
		return 0;
	struct ipvs_table t;
	int r = ipvs_nl_dump(c->nl, &t);
	if (r < 0) {
		ipvs_set_error(c, "dump", r);
		if (hd_ratelimit_ok(&c->log_rl, now, 10 * 1000000ULL, 20))
			hd_err("ipvs: cannot read the IPVS table: %s", strerror(-r));
		ipvs_close_nl(c);
		return r;
	}
	ipvs_table_move(&c->observed, &t);
	c->observed_valid = true;
	c->full_dump_due = false;
	c->sync_dumps++;
	c->dumps++;
	c->last_dump_usec = now;
	ipvs_owned_prune(c);
	return 0;
}

static bool need_kernel(const struct ipvs_ctx *c)
{
	return c->desired.n || c->owned.n || c->sync_want || c->sync_have;
}

/* Starts the desired table's build: at the pass's start, and again when
 * a configuration was committed under it (its reload, if any, is the one
 * the pass applies then). Returns true when the pass is over (no memory). */
static bool build_begin(struct ipvs_ctx *c)
{
	struct ipvs_pass *p = &c->pass;
	struct hd_daemon *d = c->d;

	ipvs_model_build_free(&p->build);
	if (d->reload_begin_usec) {
		p->reload_begin_usec = d->reload_begin_usec;
		d->reload_begin_usec = 0;
	}
	p->build_commits = c->commits;
	p->phase = IPVS_PASS_BUILD;
	if (ipvs_model_build_begin(&p->build, d->config, verdict_cb, quorum_cb, d, c->quorum) < 0) {
		ipvs_set_error(c, "desired table", -ENOMEM);
		p->phase = IPVS_PASS_IDLE;
		return true;
	}
	return false;
}

static bool pass_begin(struct ipvs_ctx *c, uint64_t now)
{
	struct ipvs_pass *p = &c->pass;

	*p = (struct ipvs_pass){.begin_usec = now, .timer_pass = c->timer_due};
	ipvs_table_init(&p->fresh);
	ipvs_table_init(&p->build.out);
	c->timer_due = false;
	c->reconciles++;
	p->w0 = ipvs_total_writes(c);
	return build_begin(c);
}

/* The table is whole: it is the desired one now, its keys owned; then the
 * kernel's (cached) for the diff. Returns true when there is nothing to
 * write. */
static bool build_done(struct ipvs_ctx *c, uint64_t now)
{
	struct ipvs_pass *p = &c->pass;

	ipvs_table_move(&c->desired, &p->build.out);
	for (size_t i = 0; i < c->desired.n; i++)
		ipvs_keyset_add(&c->owned, &c->desired.svcs[i].key);
	p->phase = IPVS_PASS_IDLE;
	if (!need_kernel(c) || ipvs_ensure_open(c) < 0 || ipvs_refresh_observed(c, now) < 0)
		return true;
	p->phase = IPVS_PASS_DIFF;
	ipvs_diff_begin(&p->diff, &p->ops);
	return false;
}

/* Builds until DEADLINE (one step at least); returns true when the pass
 * is over (no table, or nothing to write). */
static bool build_slice(struct ipvs_ctx *c, uint64_t deadline)
{
	struct ipvs_pass *p = &c->pass;
	uint64_t t0 = hd_now_usec(), now;
	int r;

	/* the table built so far is of a configuration no longer in force */
	if (p->build_commits != c->commits && build_begin(c))
		return true;
	do {
		r = ipvs_model_build_step(&p->build, IPVS_STEP_BUDGET);
		now = hd_now_usec();
	} while (r == 0 && now < deadline);
	if (r < 0) {
		ipvs_set_error(c, "desired table", r);
		p->phase = IPVS_PASS_IDLE;
		p->build_usec += now - t0;
		return true;
	}
	bool over = r == 1 && build_done(c, now);
	p->build_usec += hd_now_usec() - t0;
	return over;
}

/* Diffs until DEADLINE; at the end the writes start. The build may have
 * used up the slice that finished it: the diff then starts in the next
 * one, which takes a step at least (FIRST: the slice began in the diff). */
static void diff_slice(struct ipvs_ctx *c, uint64_t deadline, bool first)
{
	struct ipvs_pass *p = &c->pass;
	uint64_t t0 = hd_now_usec(), now = t0;
	int r = 0;

	while (r == 0 && (first || now < deadline)) {
		first = false;
		r = ipvs_diff_step(&c->desired, &c->observed, &c->owned, &p->diff, &p->ops,
				   IPVS_STEP_BUDGET);
		now = hd_now_usec();
	}
	p->diff_usec += now - t0;
	if (r == 0)
		return;
	p->phase = IPVS_PASS_WRITE; /* the sync daemon is looked at in pass_end */
	if (r < 0) {
		ipvs_set_error(c, "diff", r);
		ipvs_ops_free(&p->ops); /* no writes; pass_end still runs the sync daemon */
		return;
	}
	ipvs_retries_begin_pass(&c->retries);
}

/* Write OP; returns the time after it. */
static uint64_t write_one(struct ipvs_ctx *c, const struct ipvs_op *op, uint64_t now)
{
	struct ipvs_pass *p = &c->pass;
	uint64_t before = ipvs_nl_writes(c->nl);
	bool ok = apply_one(c, op, now);
	if (ipvs_nl_writes(c->nl) != before) {
		ipvs_keyset_add(&p->touched, &op->svc->key);
		if (c->bg) /* the dump under way may predate this write */
			ipvs_keyset_add(&c->bg_touched, &op->svc->key);
		now = hd_now_usec(); /* a round trip passed */
	}
	if (ok)
		p->done++;
	else if (op->kind == IPVS_OP_ADD_SVC)
		p->blocked = op->svc;
	return now;
}

/* Writes until DEADLINE; returns true when every op was tried. */
static bool write_slice(struct ipvs_ctx *c, uint64_t deadline)
{
	struct ipvs_pass *p = &c->pass;
	uint64_t now = hd_now_usec();

	while (p->next < p->ops.n) {
		/* a destination deleted to be re-added (ipvs_order.c) goes back
		 * in the same slice: it is out of the table one round trip only */
		if (now >= deadline && !(p->next && p->ops.v[p->next - 1].readd))
			return false;
		const struct ipvs_op *op = &p->ops.v[p->next++];
		if (op->readd) /* its packets dropped, not reset (ipvs_sysctl.h) */
			ipvs_nodest_hold(&c->nodest, IPVS_SYSCTL_ROOT);
		if (!(op->dest && op->svc == p->blocked)) /* else its service is missing */
			now = write_one(c, op, now);
		if (!op->readd)
			ipvs_nodest_release(&c->nodest, IPVS_SYSCTL_ROOT);
	}
	return true;
}

/* Every op tried: tell the rest, drop the ops. Returns true when there
 * is nothing to read back. */
static bool writes_done(struct ipvs_ctx *c)
{
	struct ipvs_pass *p = &c->pass;

	ipvs_retries_prune(&c->retries);
	if (c->pass_unlisted) {
		char more[96];
		snprintf(more, sizeof(more), "%u more writes in this pass (%u refused)",
			 c->pass_unlisted, c->pass_unlisted_failed);
		hd_alert_ipvs(c->d, "more", more, -1, 0);
	}
	c->pass_events = c->pass_unlisted = c->pass_unlisted_failed = 0;
	c->pending_ops = p->ops.n - p->done;
	if (p->ops.n)
		hd_info("ipvs: %zu change(s) applied, %zu pending", p->done, p->ops.n - p->done);
	ipvs_ops_free(&p->ops);
	/* Re-read what we wrote: the kernel is the judge, not our request.
	 * Service by service, in slices, even when most were touched (a
	 * cold start): one full dump would cost fewer round trips but hold
	 * the loop for all of them. */
	p->phase = IPVS_PASS_REREAD;
	return !p->touched.n;
}

static int table_append(struct ipvs_table *t, struct ipvs_table *more)
{
	for (size_t i = 0; i < more->n; i++) {
		const struct ipvs_service *s = &more->svcs[i];
		struct ipvs_service *n = ipvs_table_add(t, s);
		for (size_t j = 0; n && j < s->n_dests; j++)
			if (!ipvs_service_add_dest(n, &s->dests[j]))
				n = NULL;
		if (!n)
			return -ENOMEM;
	}
	return 0;
}

/* Reads back touched services until DEADLINE, IPVS_REREAD_BATCH at a
 * time; returns true when done (all read and patched in, or failed). */
static bool reread_slice(struct ipvs_ctx *c, uint64_t deadline)
{
	struct ipvs_pass *p = &c->pass;
	int r = 0;

	while (p->reread < p->touched.n && r == 0) {
		if (hd_now_usec() >= deadline)
			return false;
		struct ipvs_keyset batch = {0};
		struct ipvs_table got;
		ipvs_table_init(&got);
		for (size_t i = 0; i < IPVS_REREAD_BATCH && p->reread < p->touched.n && r == 0; i++)
			r = ipvs_keyset_add(&batch, &p->touched.v[p->reread++]);
		if (r == 0)
			r = ipvs_nl_dump_keys(c->nl, &batch, &got);
		if (r == 0)
			r = table_append(&p->fresh, &got);
		ipvs_table_free(&got);
		ipvs_keyset_free(&batch);
	}
	if (r == 0) {
		ipvs_table_sort(&p->fresh);
		r = ipvs_table_patch(&c->observed, &p->touched, &p->fresh);
	}
	if (r < 0) {
		ipvs_set_error(c, "re-read after writes", r);
		c->observed_valid = false;
	}
	return true;
}

static void pass_end(struct ipvs_ctx *c)
{
	struct ipvs_pass *p = &c->pass;
	struct hd_daemon *d = c->d;

	if (p->phase != IPVS_PASS_IDLE && c->nl)
		ipvs_sync_apply(c, p->timer_pass);
	uint64_t end = hd_now_usec();
	c->last_pass_usec = end - p->begin_usec;
	c->last_pass_build_usec = p->build_usec;
	c->last_pass_slices = p->slices;
	c->last_pass_longest_slice_usec = p->longest_slice_usec;
	if (p->slices > 1)
		hd_info("ipvs: the pass took %u loop iterations in %llu ms, the longest %llu us "
			"(build %llu us, diff %llu us; the longest from %s to %s)",
			p->slices, (unsigned long long)c->last_pass_usec / 1000,
			(unsigned long long)p->longest_slice_usec,
			(unsigned long long)p->build_usec, (unsigned long long)p->diff_usec,
			ipvs_pass_phase_str(p->longest_from), ipvs_pass_phase_str(p->longest_to));
	if (p->reload_begin_usec) /* the pass a reload asked for */
		d->reload_to_table_usec = end - p->reload_begin_usec;
	if (ipvs_total_writes(c) != p->w0) {
		c->last_write_pass_usec = c->last_pass_usec;
		c->last_write_pass_writes = ipvs_total_writes(c) - p->w0;
		c->last_write_pass_slices = p->slices;
		c->last_write_pass_longest_slice_usec = p->longest_slice_usec;
	}
	/* asked for while this one ran, maybe after it read what changed */
	if (p->again)
		hd_mark_dirty(d);
	ipvs_pass_drop(c);
	ipvs_arm_timer(c, end);
}

void ipvs_pass_drop(struct ipvs_ctx *c)
{
	struct ipvs_pass *p = &c->pass;

	ipvs_nodest_release(&c->nodest, IPVS_SYSCTL_ROOT); /* a pass cut between delete and add */
	ipvs_model_build_free(&p->build);
	ipvs_ops_free(&p->ops);
	ipvs_keyset_free(&p->touched);
	ipvs_table_free(&p->fresh);
	/* safe from its own callback: sd-event frees it after the dispatch */
	sd_event_source_disable_unref(p->next_slice);
	*p = (struct ipvs_pass){0};
	ipvs_table_init(&p->fresh);
	ipvs_table_init(&p->build.out);
}

size_t ipvs_pending(const struct ipvs_ctx *c)
{
	const struct ipvs_pass *p = &c->pass;

	return p->phase == IPVS_PASS_WRITE ? p->ops.n - p->done : c->pending_ops;
}

/* One slice; returns true when the pass is over (pass_end ran). */
static bool pass_slice(struct ipvs_ctx *c)
{
	struct ipvs_pass *p = &c->pass;
	uint64_t t0 = hd_now_usec(), deadline = t0 + IPVS_SLICE_USEC;
	enum ipvs_pass_phase from = p->phase;
	bool over = false;

	if (p->phase == IPVS_PASS_IDLE)
		over = pass_begin(c, t0);
	else if (!c->nl && p->phase != IPVS_PASS_BUILD)
		over = true;		 /* the socket went away: the next pass starts afresh */
	if (!over && p->slices && c->nl) /* a VRRP role change need not wait for the writes */
		ipvs_sync_apply(c, false);
	if (!over && p->phase == IPVS_PASS_BUILD)
		over = build_slice(c, deadline);
	if (!over && p->phase == IPVS_PASS_DIFF)
		diff_slice(c, deadline, from == IPVS_PASS_DIFF);
	if (!over && p->phase == IPVS_PASS_WRITE && write_slice(c, deadline))
		over = writes_done(c);
	if (!over && p->phase == IPVS_PASS_REREAD)
		over = reread_slice(c, deadline);
	uint64_t took = hd_now_usec() - t0;
	p->slices++;
	if (took > p->longest_slice_usec) {
		p->longest_slice_usec = took;
		p->longest_from = from;
		p->longest_to = over ? IPVS_PASS_IDLE : p->phase;
	}
	if (over)
		pass_end(c);
	return over;
}

static void next_slice_arm(struct ipvs_ctx *c);

static int next_slice_cb(sd_event_source *s, void *userdata)
{
	struct ipvs_ctx *c = userdata;

	(void)s;
	if (!c->d->stopping && !pass_slice(c))
		next_slice_arm(c);
	return 0;
}

static void next_slice_arm(struct ipvs_ctx *c)
{
	/* no memory: the daemon's reconcile runs it (and then counts as a
	 * pass asked for: one more follows) */
	if (hd_defer_once(c->d, &c->pass.next_slice, next_slice_cb, c, HD_PRIO_RECONCILE) < 0)
		hd_mark_dirty(c->d);
}

bool ipvs_pass_run(struct ipvs_ctx *c)
{
	struct ipvs_pass *p = &c->pass;

	if (p->phase != IPVS_PASS_IDLE) {
		p->again = true;
		if (p->next_slice) /* its own source runs the next slice */
			return false;
	}
	if (pass_slice(c))
		return true;
	next_slice_arm(c);
	return false;
}
