/* The IPVS module: keeps the kernel's IPVS table equal to the desired one.
 *
 * One reconcile per loop iteration (daemon core) plus a slow timer, since
 * IPVS sends no change notifications: build the desired table (config +
 * health verdicts), compare it with the observed table, write only the
 * difference, re-read what was written. The observed table is a cache:
 * the slow timer refreshes it with a full dump made in a thread
 * (ipvs_bgdump.c: tens of thousands of entries would hold the loop, and
 * VRRP, for a long time), any error with one on the loop; passes in between
 * (reload, verdict change) diff against the cache and re-read only the
 * services they touched, so an unchanged reload costs no netlink message
 * at all and one changed weight costs one write and one small read.
 *
 * Ownership: the keys of every service in the config (now or since start)
 * are "owned"; only owned services are edited or deleted. A service added
 * by hand for another address is never touched. A destination added by
 * hand to an owned service is removed (the config is the truth there).
 *
 * On stop the owned services are deleted (unless ipvs_on_stop = keep), as
 * keepalived does: once the daemon is gone nobody health-checks the real
 * servers, and a stale table would keep sending clients to dead ones; in a
 * VRRP pair the peer has taken the VIP anyway. A restart re-creates the
 * table within one loop iteration. A single director restarted for an
 * upgrade may prefer to keep serving meanwhile: ipvs_on_stop = keep. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alert_hook.h"
#include "healthcheck/hc.h"
#include "ipvs.h"
#include "ipvs_bgdump.h"
#include "ipvs_genl.h"
#include "ipvs_json.h"
#include "ipvs_retry.h"
#include "ipvs_sysctl.h"
#include "ipvs_types.h"
#include "ipvs_view.h"
#include "json.h"
#include "log.h"

#define IPVS_SLOW_PERIOD_USEC (5 * 1000000ULL)
/* Writes told one by one to `hadirectorctl monitor` per pass; the rest in
 * one summary: a reload touching thousands of destinations must not
 * overflow every subscriber's 32 KiB buffer (they would all be dropped). */
#define IPVS_EVENTS_PER_PASS 64

struct ipvs_ctx {
	struct hd_daemon *d;
	struct ipvs_nl *nl;
	bool unavailable_logged;
	sd_event_source *timer;
	struct ipvs_table desired, observed;
	bool observed_valid, full_dump_due;
	bool timer_due; /* the slow timer fired: the sync daemon check */
	/* the slow timer's re-read, in a thread (ipvs_bgdump.c): services
	 * written while it runs, and the count of loop-side full dumps (one
	 * meanwhile makes its result the older one) */
	struct ipvs_bgdump *bg;
	struct ipvs_keyset bg_touched;
	uint64_t sync_dumps, bg_start_dumps;
	struct ipvs_keyset owned;
	struct ipvs_quorum_state *quorum;
	struct ipvs_retries retries;
	uint64_t writes_base;	    /* writes of closed sockets */
	uint64_t parse_errors_base; /* replies they skipped */
	uint64_t reconciles, dumps, errors, last_dump_usec;
	size_t pending_ops;
	uint64_t last_pass_usec;       /* duration of the last pass */
	uint64_t last_pass_build_usec; /* of which: desired table build + owned keys */
	uint64_t last_write_pass_usec, last_write_pass_writes; /* last pass that wrote */
	char last_error[256];
	unsigned pass_events, pass_unlisted, pass_unlisted_failed; /* this pass's */
	struct hd_ratelimit log_rl; /* kernel errors: many entries may fail at once */
	struct ipvs_sysctl_report sysctl;
	/* connection sync daemon: states are IP_VS_STATE_*, 0 = none */
	int sync_want, sync_have;
	char sync_if_have[HD_NAME_MAX];
	uint8_t sync_id_have;
	int sync_err;
};

static uint64_t total_writes(const struct ipvs_ctx *c)
{
	return c->writes_base + ipvs_nl_writes(c->nl);
}

static uint64_t parse_errors(const struct ipvs_ctx *c)
{
	return c->parse_errors_base + ipvs_nl_parse_errors(c->nl);
}

static void set_error(struct ipvs_ctx *c, const char *what, int err)
{
	c->errors++;
	snprintf(c->last_error, sizeof(c->last_error), "%s: %s", what, strerror(-err));
}

static void close_nl(struct ipvs_ctx *c)
{
	c->writes_base += ipvs_nl_writes(c->nl);
	c->parse_errors_base += ipvs_nl_parse_errors(c->nl);
	ipvs_nl_close(c->nl);
	c->nl = NULL;
	c->observed_valid = false;
}

/* N_FIXED counts the knobs written since start: a re-check finds the ones
 * written earlier right. */
static void check_sysctls(struct ipvs_ctx *c, const struct hd_config *cfg)
{
	unsigned fixed = c->sysctl.n_fixed;
	ipvs_sysctl_check(cfg, "/proc/sys", cfg->global.set_sysctls, &c->sysctl);
	c->sysctl.n_fixed += fixed;
}

static int ensure_open(struct ipvs_ctx *c)
{
	if (c->nl)
		return 0;
	int r = ipvs_nl_open(&c->nl);
	if (r < 0) {
		c->nl = NULL;
		if (!c->unavailable_logged)
			hd_warn("ipvs: kernel IPVS not available (%s); retrying every %llu s",
				strerror(-r), IPVS_SLOW_PERIOD_USEC / 1000000ULL);
		if (!c->unavailable_logged)
			hd_alert_ipvs(c->d, "open", "IPVS netlink family", -1, r);
		c->unavailable_logged = true;
		set_error(c, "IPVS netlink family", r);
		return r;
	}
	if (c->unavailable_logged)
		hd_notice("ipvs: kernel IPVS available now");
	c->unavailable_logged = false;
	c->observed_valid = false;
	check_sysctls(c, c->d->config); /* ip_vs is loaded now: its own knobs exist */
	return 0;
}

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

/* ---- the pass ---- */

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
	set_error(c, what, r);
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

static int refresh_observed(struct ipvs_ctx *c, uint64_t now);

static void apply_diff(struct ipvs_ctx *c, uint64_t now)
{
	struct ipvs_ops ops = {0};
	struct ipvs_keyset touched = {0};
	const struct ipvs_service *blocked = NULL;
	size_t done = 0;
	if (ipvs_diff(&c->desired, &c->observed, &c->owned, &ops, NULL) < 0) {
		set_error(c, "diff", -ENOMEM);
		ipvs_ops_free(&ops);
		return;
	}
	ipvs_retries_begin_pass(&c->retries);
	for (size_t i = 0; i < ops.n; i++) {
		const struct ipvs_op *op = &ops.v[i];
		if (op->dest && op->svc == blocked)
			continue; /* its service could not be added */
		uint64_t before = ipvs_nl_writes(c->nl);
		bool ok = apply_one(c, op, now);
		if (ipvs_nl_writes(c->nl) != before) {
			ipvs_keyset_add(&touched, &op->svc->key);
			if (c->bg) /* the dump under way may predate this write */
				ipvs_keyset_add(&c->bg_touched, &op->svc->key);
		}
		if (ok)
			done++;
		else if (op->kind == IPVS_OP_ADD_SVC)
			blocked = op->svc;
	}
	ipvs_retries_prune(&c->retries);
	if (c->pass_unlisted) {
		char more[96];
		snprintf(more, sizeof(more), "%u more writes in this pass (%u refused)",
			 c->pass_unlisted, c->pass_unlisted_failed);
		hd_alert_ipvs(c->d, "more", more, -1, 0);
	}
	c->pass_events = c->pass_unlisted = c->pass_unlisted_failed = 0;
	c->pending_ops = ops.n - done;
	if (ops.n)
		hd_info("ipvs: %zu change(s) applied, %zu pending", done, ops.n - done);
	ipvs_ops_free(&ops);
	if (!touched.n)
		return;
	/* Re-read what we wrote: the kernel is the judge, not our request.
	 * When most services were touched (cold start) one full dump costs
	 * fewer round trips than one lookup per service. */
	if (touched.n > c->observed.n / 2) {
		c->observed_valid = false;
		ipvs_keyset_free(&touched);
		refresh_observed(c, now);
		return;
	}
	struct ipvs_table fresh;
	int r = ipvs_nl_dump_keys(c->nl, &touched, &fresh);
	if (r < 0 || ipvs_table_patch(&c->observed, &touched, &fresh) < 0) {
		set_error(c, "re-read after writes", r < 0 ? r : -ENOMEM);
		ipvs_table_free(&fresh);
		c->observed_valid = false;
	}
	ipvs_keyset_free(&touched);
}

/* Forget owned keys that are neither wanted nor in the kernel any more,
 * so a later hand-made service with that key is left alone. */
static void owned_prune(struct ipvs_ctx *c)
{
	for (size_t i = 0; i < c->owned.n;) {
		const struct ipvs_svc_key *k = &c->owned.v[i];
		if (!ipvs_table_find(&c->desired, k) && !ipvs_table_find(&c->observed, k))
			ipvs_keyset_del(&c->owned, k);
		else
			i++;
	}
}

static int refresh_observed(struct ipvs_ctx *c, uint64_t now)
{
	if (c->observed_valid && !c->full_dump_due)
		return 0;
	struct ipvs_table t;
	int r = ipvs_nl_dump(c->nl, &t);
	if (r < 0) {
		set_error(c, "dump", r);
		if (hd_ratelimit_ok(&c->log_rl, now, 10 * 1000000ULL, 20))
			hd_err("ipvs: cannot read the IPVS table: %s", strerror(-r));
		close_nl(c);
		return r;
	}
	ipvs_table_move(&c->observed, &t);
	c->observed_valid = true;
	c->full_dump_due = false;
	c->sync_dumps++;
	c->dumps++;
	c->last_dump_usec = now;
	owned_prune(c);
	return 0;
}

/* ---- connection sync daemon ---- */

static const char *sync_state_str(int s)
{
	return s == IP_VS_STATE_MASTER ? "master" : s == IP_VS_STATE_BACKUP ? "backup" : "none";
}

static void sync_apply(struct ipvs_ctx *c, bool timer_pass)
{
	const struct hd_lvs_sync_config *ls = &c->d->config->lvs_sync;
	bool same_params = !strcmp(c->sync_if_have, ls->interface) && c->sync_id_have == ls->syncid;
	int running;
	/* Stopped behind our back (ipvsadm --stop-daemon)? Start it again. */
	if (timer_pass && c->sync_have && ipvs_nl_sync_daemons_running(c->nl, &running) == 0 &&
	    !(running & c->sync_have)) {
		hd_warn("ipvs: the %s sync daemon stopped; starting it again",
			sync_state_str(c->sync_have));
		c->sync_have = 0;
	}
	if (c->sync_want == c->sync_have && (same_params || !c->sync_have))
		return;
	if (c->sync_err && !timer_pass)
		return; /* failed before: retry on the slow timer only */
	if (c->sync_have) {
		ipvs_nl_sync_daemon(c->nl, 0, c->sync_have, NULL, 0);
		c->sync_have = 0;
	}
	c->sync_err = 0;
	if (!c->sync_want)
		return;
	int other = c->sync_want == IP_VS_STATE_MASTER ? IP_VS_STATE_BACKUP : IP_VS_STATE_MASTER;
	ipvs_nl_sync_daemon(c->nl, 0, other, NULL, 0); /* e.g. left by an earlier run */
	int r = ipvs_nl_sync_daemon(c->nl, 1, c->sync_want, ls->interface, ls->syncid);
	if (r == -EEXIST) { /* running with maybe other parameters: restart it */
		ipvs_nl_sync_daemon(c->nl, 0, c->sync_want, NULL, 0);
		r = ipvs_nl_sync_daemon(c->nl, 1, c->sync_want, ls->interface, ls->syncid);
	}
	if (r < 0) {
		c->sync_err = r;
		set_error(c, "sync daemon", r);
		hd_err("ipvs: cannot start the %s sync daemon on %s (syncid %u): %s",
		       sync_state_str(c->sync_want), ls->interface, ls->syncid, strerror(-r));
		return;
	}
	c->sync_have = c->sync_want;
	snprintf(c->sync_if_have, sizeof(c->sync_if_have), "%s", ls->interface);
	c->sync_id_have = ls->syncid;
	hd_notice("ipvs: %s sync daemon running on %s (syncid %u)", sync_state_str(c->sync_have),
		  ls->interface, ls->syncid);
}

void ipvs_sync_daemon_set_role(struct hd_daemon *d, int is_master)
{
	struct ipvs_ctx *c = d->ipvs;
	if (!c || !d->config->lvs_sync.enabled)
		return;
	int want = is_master ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP;
	if (want != c->sync_want) {
		c->sync_want = want;
		c->sync_err = 0;
		hd_mark_dirty(d);
	}
}

/* ---- timer and hooks ---- */

static void arm_timer(struct ipvs_ctx *c, uint64_t now)
{
	uint64_t next = ipvs_retries_next(&c->retries, now + IPVS_SLOW_PERIOD_USEC);
	if (!c->timer)
		return;
	sd_event_source_set_time(c->timer, next);
	sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

static int table_push_copy(struct ipvs_table *t, const struct ipvs_service *s)
{
	struct ipvs_service *n = ipvs_table_add(t, s);
	for (size_t i = 0; n && i < s->n_dests; i++)
		if (!ipvs_service_add_dest(n, &s->dests[i]))
			return -ENOMEM;
	return n ? 0 : -ENOMEM;
}

/* The re-read's result, on the loop. Services written since it began
 * keep the loop's copy (re-read after each write); the rest is the
 * kernel's as the thread saw it. The next pass diffs against it. */
static void on_bg_dump(void *arg, int r, struct ipvs_table *t)
{
	struct ipvs_ctx *c = arg;
	struct ipvs_table keep;

	c->bg = NULL;
	ipvs_table_init(&keep);
	if (r < 0 || !c->observed_valid || c->sync_dumps != c->bg_start_dumps) {
		if (r < 0) /* the loop's own dump reports and handles it */
			c->full_dump_due = true;
		goto out;
	}
	ipvs_table_sort(t);
	for (size_t i = 0; i < c->observed.n && r == 0; i++) {
		const struct ipvs_service *s = &c->observed.svcs[i];
		if (ipvs_keyset_has(&c->bg_touched, &s->key))
			r = table_push_copy(&keep, s);
	}
	ipvs_table_sort(&keep);
	if (r < 0 || ipvs_table_patch(t, &c->bg_touched, &keep) < 0) {
		c->full_dump_due = true; /* no memory: the loop's dump then */
		goto out;
	}
	ipvs_table_move(&c->observed, t);
	c->dumps++;
	owned_prune(c);
out:
	ipvs_table_free(&keep);
	ipvs_table_free(t);
	ipvs_keyset_free(&c->bg_touched);
	hd_mark_dirty(c->d);
}

static void bg_dump_start(struct ipvs_ctx *c, uint64_t now)
{
	c->last_dump_usec = now;
	if (!c->observed_valid || !c->nl) { /* no cache to refresh: the pass dumps */
		c->full_dump_due = true;
		return;
	}
	c->bg_start_dumps = c->sync_dumps;
	if (ipvs_bgdump_start(c->d->event, HD_PRIO_RECONCILE, on_bg_dump, c, &c->bg) < 0) {
		c->bg = NULL;
		c->full_dump_due = true;
	}
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ipvs_ctx *c = userdata;
	/* Retries come early; the full re-read only once per period. */
	if (usec >= c->last_dump_usec + IPVS_SLOW_PERIOD_USEC - IPVS_SLOW_PERIOD_USEC / 10) {
		c->timer_due = true;
		if (!c->bg)
			bg_dump_start(c, usec);
	}
	hd_mark_dirty(c->d);
	arm_timer(c, usec); /* in case no pass runs (stopping) */
	return 0;
}

static bool need_kernel(const struct ipvs_ctx *c)
{
	return c->desired.n || c->owned.n || c->sync_want || c->sync_have;
}

void ipvs_reconcile(struct hd_daemon *d)
{
	struct ipvs_ctx *c = d->ipvs;
	struct ipvs_table want;
	if (!c)
		return;
	uint64_t now = hd_now_usec();
	bool timer_pass = c->timer_due;
	c->timer_due = false;
	c->reconciles++;
	if (ipvs_model_build(d->config, verdict_cb, quorum_cb, d, c->quorum, &want) < 0) {
		set_error(c, "desired table", -ENOMEM);
		arm_timer(c, now);
		return;
	}
	ipvs_table_move(&c->desired, &want);
	for (size_t i = 0; i < c->desired.n; i++)
		ipvs_keyset_add(&c->owned, &c->desired.svcs[i].key);
	uint64_t t_build = hd_now_usec();
	uint64_t w0 = total_writes(c);
	if (need_kernel(c) && ensure_open(c) == 0 && refresh_observed(c, now) == 0) {
		apply_diff(c, now);
		sync_apply(c, timer_pass);
	}
	uint64_t end = hd_now_usec();
	c->last_pass_usec = end - now;
	c->last_pass_build_usec = t_build - now;
	if (d->reload_begin_usec) { /* the pass a reload asked for */
		d->reload_to_table_usec = end - d->reload_begin_usec;
		d->reload_begin_usec = 0;
	}
	if (total_writes(c) != w0) {
		c->last_write_pass_usec = c->last_pass_usec;
		c->last_write_pass_writes = total_writes(c) - w0;
	}
	arm_timer(c, now);
}

/* The quorum state for CFG: unchanged virtual servers carry their
 * hysteresis state over. Pure but for the allocation. */
static struct ipvs_quorum_state *quorum_prepare(const struct ipvs_ctx *c,
						const struct hd_config *cfg)
{
	size_t n = cfg->n_virtual_servers;
	struct ipvs_quorum_state *q = calloc(n ? n : 1, sizeof(*q));
	if (!q)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct ipvs_svc_key k;
		ipvs_model_vs_key(&cfg->virtual_servers[i], &k);
		const struct ipvs_service *s = ipvs_table_find(&c->desired, &k);
		q[i].lost = s && s->quorum_lost;
		q[i].known = s != NULL;
	}
	return q;
}

static void sync_config(struct ipvs_ctx *c, const struct hd_config *cfg)
{
	if (!cfg->lvs_sync.enabled)
		c->sync_want = 0;
	else if (!c->sync_want)
		c->sync_want = IP_VS_STATE_BACKUP; /* until VRRP says master */
	c->sync_err = 0;
}

int ipvs_init(struct hd_daemon *d)
{
	struct ipvs_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->d = d;
	ipvs_table_init(&c->desired);
	ipvs_table_init(&c->observed);
	if (!(c->quorum = quorum_prepare(c, d->config))) {
		free(c);
		return -ENOMEM;
	}
	int r = sd_event_add_time(d->event, &c->timer, CLOCK_MONOTONIC,
				  hd_now_usec() + IPVS_SLOW_PERIOD_USEC, 0, on_timer, c);
	if (r < 0) {
		hd_err("ipvs: timer: %s", strerror(-r));
		free(c->quorum);
		free(c);
		return r;
	}
	sd_event_source_set_priority(c->timer, HD_PRIO_RECONCILE);
	d->ipvs = c;
	sync_config(c, d->config);
	check_sysctls(c, d->config);
	return 0;
}

int ipvs_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	struct ipvs_quorum_state *q = quorum_prepare(d->ipvs, newcfg);

	if (!q)
		return -ENOMEM;
	*prep = q;
	return 0;
}

void ipvs_abort(struct hd_daemon *d, void *prep)
{
	free(prep);
}

/* Services of the old config stay owned (they are in c->owned), so those
 * that left the config get deleted by the next pass. */
void ipvs_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	struct ipvs_ctx *c = d->ipvs;

	free(c->quorum);
	c->quorum = prep;
	sync_config(c, newcfg);
	check_sysctls(c, newcfg);
	hd_mark_dirty(d);
}

void ipvs_shutdown(struct hd_daemon *d)
{
	struct ipvs_ctx *c = d->ipvs;
	if (!c || !c->nl)
		return;
	if (c->sync_have) {
		ipvs_nl_sync_daemon(c->nl, 0, c->sync_have, NULL, 0);
		c->sync_have = 0;
	}
	if (d->config->global.ipvs_keep_on_stop)
		return;
	struct ipvs_table t;
	if (ipvs_nl_dump(c->nl, &t) < 0)
		return;
	size_t n = 0;
	for (size_t i = 0; i < t.n; i++) {
		struct ipvs_op op = {.kind = IPVS_OP_DEL_SVC, .svc = &t.svcs[i]};
		if (ipvs_keyset_has(&c->owned, &t.svcs[i].key) && ipvs_nl_apply(c->nl, &op) == 0)
			n++;
	}
	hd_notice("ipvs: stopping: removed %zu virtual service(s) (policy: remove on stop)", n);
	ipvs_table_move(&c->observed, &t);
	c->observed_valid = false;
}

void ipvs_free(struct hd_daemon *d)
{
	struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return;
	ipvs_bgdump_cancel(c->bg);
	ipvs_keyset_free(&c->bg_touched);
	sd_event_source_disable_unref(c->timer);
	ipvs_nl_close(c->nl);
	ipvs_table_free(&c->desired);
	ipvs_table_free(&c->observed);
	ipvs_keyset_free(&c->owned);
	free(c->quorum);
	ipvs_retries_free(&c->retries);
	free(c);
	d->ipvs = NULL;
}

/* ---- status ---- */

static void retries_json(FILE *out, const struct ipvs_ctx *c, uint64_t now)
{
	fputc('[', out);
	for (size_t i = 0; i < c->retries.n; i++) {
		const struct ipvs_retry *rt = &c->retries.v[i];
		char k[96], dst[64];
		fputs(i ? ",{\"op\":" : "{\"op\":", out);
		hd_json_str(out, ipvs_op_kind_str(rt->kind));
		fputs(",\"service\":", out);
		hd_json_str(out, ipvs_svc_key_str(&rt->svc, k, sizeof(k)));
		fputs(",\"dest\":", out);
		hd_json_str(out, rt->has_dest ? ipvs_dest_str(&rt->dest, dst, sizeof(dst)) : NULL);
		fputs(",\"error\":", out);
		hd_json_str(out, strerror(-rt->err));
		fprintf(out, ",\"failures\":%u,\"retry_in_sec\":%.1f}", rt->failures,
			rt->next_usec > now ? (double)(rt->next_usec - now) / 1e6 : 0.0);
	}
	fputc(']', out);
}

static void sysctl_json(FILE *out, const struct ipvs_sysctl_report *r)
{
	fprintf(out, "{\"nat\":%s,\"dr\":%s,\"checked\":%u,\"fixed\":%u,\"ok\":%s,\"problems\":[",
		r->nat ? "true" : "false", r->dr ? "true" : "false", r->n_checked, r->n_fixed,
		r->n_problems ? "false" : "true");
	for (unsigned i = 0; i < r->n_lines; i++) {
		if (i)
			fputc(',', out);
		hd_json_str(out, r->lines[i]);
	}
	fputs("]}", out);
}

static void sync_json(FILE *out, const struct ipvs_ctx *c)
{
	const struct hd_lvs_sync_config *ls = &c->d->config->lvs_sync;
	fprintf(out, "{\"configured\":%s", ls->enabled ? "true" : "false");
	if (ls->enabled) {
		fputs(",\"interface\":", out);
		hd_json_str(out, ls->interface);
		fprintf(out, ",\"syncid\":%u", ls->syncid);
	}
	fprintf(out, ",\"want\":\"%s\",\"running\":\"%s\",\"error\":", sync_state_str(c->sync_want),
		sync_state_str(c->sync_have));
	hd_json_str(out, c->sync_err ? strerror(-c->sync_err) : NULL);
	fputc('}', out);
}

void ipvs_status_json(struct hd_daemon *d, FILE *out)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c) {
		fputs("null", out);
		return;
	}
	uint64_t now = hd_now_usec();
	fprintf(out,
		"{\"available\":%s,\"netlink_writes\":%llu,\"reconciles\":%llu,\"dumps\":%llu,"
		"\"errors\":%llu,\"errors_not_logged\":%u,\"parse_errors\":%llu,\"pending_ops\":%"
		"zu,\"slow_timer_sec\":%llu,"
		"\"on_stop\":\"%s\",\"last_pass_usec\":%llu,\"last_write_pass\":{\"usec\":%llu,"
		"\"writes\":%llu},\"last_pass_build_usec\":%llu,\"last_error\":",
		c->nl ? "true" : "false", (unsigned long long)total_writes(c),
		(unsigned long long)c->reconciles, (unsigned long long)c->dumps,
		(unsigned long long)c->errors, c->log_rl.suppressed,
		(unsigned long long)parse_errors(c), c->pending_ops,
		IPVS_SLOW_PERIOD_USEC / 1000000ULL,
		d->config->global.ipvs_keep_on_stop ? "keep" : "remove",
		(unsigned long long)c->last_pass_usec, (unsigned long long)c->last_write_pass_usec,
		(unsigned long long)c->last_write_pass_writes,
		(unsigned long long)c->last_pass_build_usec);
	hd_json_str(out, c->last_error[0] ? c->last_error : NULL);
	fputs(",\"retries\":", out);
	retries_json(out, c, now);
	fputs(",\"sysctls\":", out);
	sysctl_json(out, &c->sysctl);
	fputs(",\"sync_daemon\":", out);
	sync_json(out, c);
	fputs(",\"desired\":", out);
	ipvs_table_json(out, &c->desired, false);
	fputs(",\"programmed\":", out);
	ipvs_table_json(out, &c->observed, true);
	fputc('}', out);
}

void ipvs_dump(struct hd_daemon *d)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return;
	hd_notice("ipvs: %zu desired / %zu programmed services, %llu writes, %llu errors, %zu "
		  "pending",
		  c->desired.n, c->observed.n, (unsigned long long)total_writes(c),
		  (unsigned long long)c->errors, c->pending_ops);
	for (size_t i = 0; i < c->observed.n; i++) {
		const struct ipvs_service *s = &c->observed.svcs[i];
		char k[96], dst[64];
		hd_notice("ipvs: %s %s%s", ipvs_svc_key_str(&s->key, k, sizeof(k)), s->sched,
			  ipvs_keyset_has(&c->owned, &s->key) ? "" : " (not ours)");
		for (size_t j = 0; j < s->n_dests; j++)
			hd_notice("ipvs:   -> %s %s weight %d active %u inactive %u",
				  ipvs_dest_str(&s->dests[j], dst, sizeof(dst)),
				  ipvs_fwd_str(s->dests[j].fwd), s->dests[j].weight,
				  s->dests[j].activeconns, s->dests[j].inactconns);
	}
}

/* One netlink request for the services VS maps to (a group: each member),
 * not the cache: a drain's wait polls it (daemon/ops_wait.c). */
int ipvs_rs_connections(struct hd_daemon *d, size_t vs, const struct hd_endpoint *rs,
			uint64_t *active, uint64_t *inactive)
{
	struct ipvs_ctx *c = d->ipvs;
	struct ipvs_keyset keys = {0};
	struct ipvs_table fresh;
	union ipvs_addr a = {0};
	int found = 0, r = 0;

	*active = *inactive = 0;
	if (!c || !c->nl)
		return -ENODEV;
	if (rs->addr.family == AF_INET6)
		a.v6 = rs->addr.u.v6;
	else
		a.v4 = rs->addr.u.v4;
	for (size_t i = 0; i < c->desired.n && r == 0; i++)
		if (c->desired.svcs[i].vs_index == vs)
			r = ipvs_keyset_add(&keys, &c->desired.svcs[i].key);
	ipvs_table_init(&fresh);
	if (r == 0 && keys.n)
		r = ipvs_nl_dump_keys(c->nl, &keys, &fresh);
	ipvs_keyset_free(&keys);
	if (r < 0) {
		ipvs_table_free(&fresh);
		return r;
	}
	for (size_t i = 0; i < fresh.n; i++)
		for (size_t j = 0; j < fresh.svcs[i].n_dests; j++) {
			const struct ipvs_dest *x = &fresh.svcs[i].dests[j];
			if (x->port != rs->port || memcmp(&x->addr, &a, sizeof(a)))
				continue;
			*active += x->activeconns;
			*inactive += x->inactconns;
			found++;
		}
	ipvs_table_free(&fresh);
	return found;
}

/* Read-only view for metrics and SNMP (ipvs_view.h). */
bool ipvs_get_view(struct hd_daemon *d, struct ipvs_view *out)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return false;
	*out = (struct ipvs_view){.available = c->nl != NULL,
				  .desired = &c->desired,
				  .observed = &c->observed,
				  .writes = total_writes(c),
				  .reconciles = c->reconciles,
				  .dumps = c->dumps,
				  .errors = c->errors,
				  .parse_errors = parse_errors(c),
				  .pending_ops = c->pending_ops};
	return true;
}
