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
 * upgrade may prefer to keep serving meanwhile: ipvs_on_stop = keep.
 *
 * This file: the module's hooks, the slow timer and the thread's re-read,
 * the connection sync daemon. The pass itself, in slices that give the
 * loop back between them, is ipvs_pass.c; status and views ipvs_status.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alert_hook.h"
#include "ipvs.h"
#include "ipvs_bgdump.h"
#include "ipvs_ctx.h"
#include "ipvs_genl.h"
#include "ipvs_sync_rule.h"

uint64_t ipvs_total_writes(const struct ipvs_ctx *c)
{
	return c->writes_base + ipvs_nl_writes(c->nl);
}

uint64_t ipvs_parse_errors(const struct ipvs_ctx *c)
{
	return c->parse_errors_base + ipvs_nl_parse_errors(c->nl);
}

void ipvs_set_error(struct ipvs_ctx *c, const char *what, int err)
{
	c->errors++;
	snprintf(c->last_error, sizeof(c->last_error), "%s: %s", what, strerror(-err));
}

void ipvs_close_nl(struct ipvs_ctx *c)
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
	ipvs_sysctl_check(cfg, IPVS_SYSCTL_ROOT, cfg->global.set_sysctls, &c->sysctl);
	c->sysctl.n_fixed += fixed;
}

static int sysctl_later_cb(sd_event_source *s, void *userdata)
{
	struct ipvs_ctx *c = userdata;

	check_sysctls(c, c->d->config);
	return 0;
}

/* After a commit, in a loop iteration of its own: the check reads /proc
 * (for DR a scan of every interface's directory), a tenth of a
 * keepalived-sized reload's apply, which holds the loop in one piece. */
static void check_sysctls_later(struct ipvs_ctx *c)
{
	if (hd_defer_once(c->d, &c->sysctl_later, sysctl_later_cb, c, HD_PRIO_RECONCILE) < 0)
		check_sysctls(c, c->d->config); /* no memory: now, as it was */
}

int ipvs_ensure_open(struct ipvs_ctx *c)
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
		ipvs_set_error(c, "IPVS netlink family", r);
		return r;
	}
	if (c->unavailable_logged)
		hd_notice("ipvs: kernel IPVS available now");
	c->unavailable_logged = false;
	c->observed_valid = false;
	check_sysctls(c, c->d->config); /* ip_vs is loaded now: its own knobs exist */
	return 0;
}

/* ---- connection sync daemon ---- */

const char *ipvs_sync_state_str(int s)
{
	return ipvs_sync_mask_str(s);
}

/* A running daemon's parameters cannot change: any difference restarts it. */
static bool sync_same(const struct hd_lvs_sync_config *a, const struct hd_lvs_sync_config *b)
{
	return !strcmp(a->interface, b->interface) && a->syncid == b->syncid &&
	       a->maxlen == b->maxlen && a->port == b->port && a->ttl == b->ttl &&
	       a->group.family == b->group.family &&
	       (a->group.family != AF_INET || a->group.u.v4.s_addr == b->group.u.v4.s_addr) &&
	       (a->group.family != AF_INET6 || !memcmp(&a->group.u.v6, &b->group.u.v6, 16));
}

static int sync_start(struct ipvs_ctx *c, int state, const struct hd_lvs_sync_config *ls)
{
	int r = ipvs_nl_sync_daemon(c->nl, 1, state, ls);
	if (r == -EEXIST) { /* left by an earlier run, maybe with other parameters */
		ipvs_nl_sync_daemon(c->nl, 0, state, NULL);
		r = ipvs_nl_sync_daemon(c->nl, 1, state, ls);
	}
	if (r < 0)
		hd_err("ipvs: cannot start the %s sync daemon on %s (syncid %u): %s",
		       ipvs_sync_state_str(state), ls->interface, ls->syncid, strerror(-r));
	return r;
}

/* Of the daemons about to be started (START), those already running with
 * LS's parameters, e.g. after this daemon was killed and started again:
 * kept as they are (ipvs_sync_adoptable). Returns them. */
static int sync_adopt(struct ipvs_ctx *c, int start, const struct hd_lvs_sync_config *ls)
{
	struct ipvs_sync_running run;
	int kept = 0;

	if (!start || ipvs_nl_sync_daemons_get(c->nl, &run) < 0)
		return 0;
	for (int bit = IPVS_SYNC_MASTER; bit <= IPVS_SYNC_BACKUP; bit <<= 1)
		if ((start & bit) && (run.states & bit) &&
		    ipvs_sync_adoptable(ls, &run.cfg[bit == IPVS_SYNC_MASTER ? 0 : 1])) {
			kept |= bit;
			hd_notice("ipvs: the %s sync daemon already runs on %s with these "
				  "parameters: kept",
				  ipvs_sync_state_str(bit), ls->interface);
		}
	c->sync_have |= kept;
	return kept;
}

/* The daemons wanted (c->sync_want: master, backup or both, a mask) from
 * those running (c->sync_have), in the steps of ipvs_sync_plan. */
void ipvs_sync_apply(struct ipvs_ctx *c, bool timer_pass)
{
	const struct hd_lvs_sync_config *ls = &c->d->config->lvs_sync;
	int running;
	/* Stopped behind our back (ipvsadm --stop-daemon)? Start it again. */
	if (timer_pass && c->sync_have && ipvs_nl_sync_daemons_running(c->nl, &running) == 0 &&
	    (running & c->sync_have) != c->sync_have) {
		hd_warn("ipvs: the %s sync daemon stopped; starting it again",
			ipvs_sync_state_str(c->sync_have & ~running));
		c->sync_have &= running;
	}
	struct ipvs_sync_steps st =
	    ipvs_sync_plan(c->sync_have, c->sync_want, sync_same(&c->sync_cfg_have, ls));
	if (!st.stop && !st.start)
		return;
	if (c->sync_err && !timer_pass)
		return; /* failed before: retry on the slow timer only */
	for (int bit = IPVS_SYNC_MASTER; bit <= IPVS_SYNC_BACKUP; bit <<= 1)
		if (st.stop & bit)
			ipvs_nl_sync_daemon(c->nl, 0, bit, NULL);
	c->sync_have &= ~st.stop;
	c->sync_err = 0;
	/* one not ours and not wanted, e.g. left by an earlier run in the
	 * other VRRP role: the kernel would keep sending or learning */
	int stray = IPVS_SYNC_ALL & ~c->sync_want & ~c->sync_have & ~st.stop;
	for (int bit = IPVS_SYNC_MASTER; bit <= IPVS_SYNC_BACKUP && st.start; bit <<= 1)
		if (stray & bit)
			ipvs_nl_sync_daemon(c->nl, 0, bit, NULL);
	st.start &= ~sync_adopt(c, st.start, ls);
	for (int bit = IPVS_SYNC_MASTER; bit <= IPVS_SYNC_BACKUP; bit <<= 1) {
		if (!(st.start & bit))
			continue;
		int r = sync_start(c, bit, ls);
		if (r < 0) {
			c->sync_err = r;
			ipvs_set_error(c, "sync daemon", r);
			continue;
		}
		c->sync_have |= bit;
	}
	c->sync_cfg_have = *ls;
	if (c->sync_have)
		hd_notice("ipvs: %s sync daemon%s running on %s (syncid %u)",
			  ipvs_sync_state_str(c->sync_have),
			  c->sync_have == IPVS_SYNC_ALL ? "s" : "", ls->interface, ls->syncid);
}

/* The VRRP role is kept in any mode: a reload back to mode vrrp knows it. */
void ipvs_sync_daemon_set_role(struct hd_daemon *d, int is_master)
{
	struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return;
	c->sync_vrrp_master = is_master;
	int want = ipvs_sync_want(&d->config->lvs_sync, c->sync_vrrp_master);
	if (want != c->sync_want) {
		c->sync_want = want;
		c->sync_err = 0;
		hd_mark_dirty(d);
	}
}

/* ---- timer and hooks ---- */

void ipvs_arm_timer(struct ipvs_ctx *c, uint64_t now)
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
	bool unchanged = false;

	c->bg = NULL;
	ipvs_table_init(&keep);
	if (c->pass.phase != IPVS_PASS_IDLE) {
		/* a pass's ops point into c->observed: dropped, the next
		 * timer tick reads again */
		c->last_dump_usec = 0;
		goto out;
	}
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
	/* nothing changed behind our back: no pass (what else changes asks) */
	unchanged = ipvs_bgdump_same(&c->observed, t);
	ipvs_table_move(&c->observed, t);
	c->dumps++;
	ipvs_owned_prune(c);
out:
	ipvs_table_free(&keep);
	ipvs_table_free(t);
	ipvs_keyset_free(&c->bg_touched);
	if (!unchanged)
		hd_mark_dirty(c->d);
}

static void bg_dump_start(struct ipvs_ctx *c, uint64_t now)
{
	c->last_dump_usec = now;
	/* No cache to refresh, or one the thread would cost more than: its
	 * socket, the family lookup and the thread itself outweigh a table
	 * read in one slice (ipvs_bgdump.h); the pass dumps on the loop. */
	if (!c->observed_valid || !c->nl ||
	    ipvs_table_n_dests(&c->observed) + c->observed.n <= IPVS_BG_SLICE_DESTS) {
		c->full_dump_due = true;
		return;
	}
	c->bg_start_dumps = c->sync_dumps;
	if (ipvs_bgdump_start_slice(c->d->event, HD_PRIO_RECONCILE, &c->observed, &c->bg_slice,
				    on_bg_dump, c, &c->bg) < 0) {
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
		if (!c->bg && c->pass.phase == IPVS_PASS_IDLE)
			bg_dump_start(c, usec);
	}
	/* A pass for a dump on the loop, retries, the sync daemon check; a
	 * re-read in the thread asks for one when it finds a change. At 1,000
	 * real servers each pass (build and diff) cost more than the re-read
	 * (tests/bench/README.md, run 13). */
	if (!c->bg || c->retries.n || c->sync_want || c->sync_have)
		hd_mark_dirty(c->d);
	ipvs_arm_timer(c, usec); /* in case no pass runs (stopping) */
	return 0;
}

/* A pass (ipvs_pass.c): its first slice now, the rest in later loop
 * iterations, after whatever became due meanwhile; one asked for while a
 * pass runs follows it (a verdict that changed meanwhile may have been
 * read before). Every pass's end arms the timer. */
void ipvs_reconcile(struct hd_daemon *d)
{
	if (d->ipvs)
		ipvs_pass_run(d->ipvs);
}

/* The quorum state for CFG: unchanged virtual servers carry their
 * hysteresis state over. Pure but for the allocation. Only a lost quorum
 * is worth carrying (quorum_update() treats a state not known as one not
 * lost): with none lost, no lookup per virtual server (a third of a
 * keepalived-sized reload's apply). */
static struct ipvs_quorum_state *quorum_prepare(const struct ipvs_ctx *c,
						const struct hd_config *cfg)
{
	size_t n = cfg->n_virtual_servers, lost = 0;
	struct ipvs_quorum_state *q = calloc(n ? n : 1, sizeof(*q));
	if (!q)
		return NULL;
	for (size_t i = 0; i < c->desired.n; i++)
		lost += c->desired.svcs[i].quorum_lost;
	for (size_t i = 0; lost && i < n; i++) {
		struct ipvs_svc_key k;
		ipvs_model_vs_key(&cfg->virtual_servers[i], &k);
		const struct ipvs_service *s = ipvs_table_find(&c->desired, &k);
		q[i].lost = s && s->quorum_lost;
		q[i].known = s != NULL;
	}
	return q;
}

/* mode vrrp: backup until the VRRP instance says master */
static void sync_config(struct ipvs_ctx *c, const struct hd_config *cfg)
{
	c->sync_want = ipvs_sync_want(&cfg->lvs_sync, c->sync_vrrp_master);
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
	c->commits++; /* a build under way starts over (ipvs_pass.c) */
	sync_config(c, newcfg);
	check_sysctls_later(c); /* of d->config, NEWCFG by then */
	hd_mark_dirty(d);
}

void ipvs_shutdown(struct hd_daemon *d)
{
	struct ipvs_ctx *c = d->ipvs;
	if (!c || !c->nl)
		return;
	ipvs_pass_drop(c); /* its ops point into c->observed, replaced below */
	for (int bit = IPVS_SYNC_MASTER; bit <= IPVS_SYNC_BACKUP; bit <<= 1)
		if (c->sync_have & bit)
			ipvs_nl_sync_daemon(c->nl, 0, bit, NULL);
	c->sync_have = 0;
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
	ipvs_pass_drop(c);
	ipvs_bgdump_cancel(c->bg);
	ipvs_keyset_free(&c->bg_touched);
	sd_event_source_disable_unref(c->timer);
	sd_event_source_disable_unref(c->sysctl_later);
	ipvs_nl_close(c->nl);
	ipvs_table_free(&c->desired);
	ipvs_table_free(&c->observed);
	ipvs_keyset_free(&c->owned);
	free(c->quorum);
	ipvs_retries_free(&c->retries);
	free(c);
	d->ipvs = NULL;
}
