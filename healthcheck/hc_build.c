/* A reload's build of the health checks (hc.h, modules.h): probes and
 * real servers of the new configuration matched with the running ones by
 * identity, in steps on the loop (hc_stage_*), the runtime state carried
 * over in the last, then the commit that puts them in force. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hc_build.h"
#include "hc_match.h"
#include "hc_match_index.h"
#include "log.h"

static void probe_set_params(struct hc_probe *p, const struct hc_pparams *pp)
{
	p->k = pp->k;
	p->host = pp->host;
	p->target = pp->target;
	p->rs_ep = pp->rs_ep;
	p->timeout_usec = pp->timeout_usec;
	p->pol = pp->pol;
}

void hc_probe_free(struct hc_probe *p)
{
	if (!p)
		return;
	hc_probe_cancel(p);
	hc_sched_drop(p);
	hc_fwd_free(p);
	free(p->req);
	free(p->key);
	free(p);
}

/* A running probe's identity, for hc_probe_same(): its parameters point
 * into the configuration it was built from (the running one, alive until
 * the commit). */
static void probe_ident(const struct hc_probe *p, struct hc_pparams *pp)
{
	*pp = (struct hc_pparams){.k = p->k,
				  .host = p->host,
				  .target = p->target,
				  .rs_ep = p->rs_ep,
				  .timeout_usec = p->timeout_usec,
				  .pol = p->pol};
	pp->has_fwd = hc_fwd_get(p, &pp->fwd);
}

static bool probe_is(const void *entry, const void *key)
{
	struct hc_pparams pp;

	probe_ident(entry, &pp);
	return hc_probe_same(&pp, key);
}

static bool vs_is(const void *entry, const void *key)
{
	return hc_vs_same(((const struct hc_vs *)entry)->rs[0].vsc, key);
}

/* A real server of an old virtual server: both must match. */
struct rs_key {
	const struct hc_vs *ov;
	const struct hd_endpoint *ep;
};

static bool rs_is(const void *entry, const void *key)
{
	const struct hc_rs *r = entry;
	const struct rs_key *k = key;

	return r >= k->ov->rs && r < k->ov->rs + k->ov->n_rs && hc_ep_same(&r->rsc->ep, k->ep);
}

static uint64_t rs_hash(const struct hc_vs *ov, const struct hd_endpoint *ep)
{
	return hc_ep_hash(ep) ^ ((uint64_t)(uintptr_t)ov * 0x9e3779b97f4a7c15ULL);
}

/* A build matches each new virtual server, real server and check with the
 * running one in the same place first (a reload mostly keeps the file's
 * order: no hashing, memory read in order), then through hash indexes of
 * the running ones, made the first time a lookup needs them. Either way
 * each lookup is O(1), so the build is linear in the configuration.
 * FRESH indexes the probes this build made (checks with one identity share
 * one); GEN marks the running probes it kept already. */
struct build {
	struct hc_ctx *c;
	struct hc_prep *p;
	size_t n_checks;
	uint64_t gen;
	uint64_t now; /* one clock read per build: a read per server is a system call
		       * where the clock has no vDSO (emulated machines) */
	struct hc_ix fresh, old, old_vs, old_rs;
	struct hc_ix kept;	 /* P->kept's entries by probe: a kept probe's users */
	size_t next_vs, next_rs; /* where the next step goes on (rs: in file order) */
};

static bool kept_is(const void *entry, const void *key)
{
	return ((const struct hc_kept *)entry)->p == key;
}

static uint64_t ptr_hash(const void *p)
{
	return (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;
}

/* The running probes, virtual servers and real servers by identity: each
 * index made at its first lookup. */
static int old_probe_find(struct build *b, uint64_t h, const struct hc_pparams *pp,
			  struct hc_probe **out)
{
	const struct hc_ctx *c = b->c;
	struct hc_pparams q;

	*out = NULL;
	if (!c->n_probes)
		return 0;
	if (!b->old.cap) {
		if (hc_ix_init(&b->old, c->n_probes) < 0)
			return -ENOMEM;
		for (size_t i = 0; i < c->n_probes; i++) {
			probe_ident(c->probes[i], &q);
			hc_ix_add(&b->old, c->probes[i]->ident_hash, probe_is, &q, c->probes[i]);
		}
	}
	*out = hc_ix_get(&b->old, h, probe_is, pp);
	return 0;
}

static int old_vs_find(struct build *b, const struct hd_virtual_server_config *vsc,
		       const struct hc_vs **out)
{
	const struct hc_ctx *c = b->c;

	*out = NULL;
	if (!c->n_vs)
		return 0;
	if (!b->old_vs.cap) {
		if (hc_ix_init(&b->old_vs, c->n_vs) < 0)
			return -ENOMEM;
		for (size_t v = 0; v < c->n_vs; v++) /* known by its real servers' only */
			if (c->vs[v].n_rs)
				hc_ix_add(&b->old_vs, hc_vs_hash(c->vs[v].rs[0].vsc), vs_is,
					  c->vs[v].rs[0].vsc, &c->vs[v]);
	}
	*out = hc_ix_get(&b->old_vs, hc_vs_hash(vsc), vs_is, vsc);
	return 0;
}

static int old_rs_find(struct build *b, const struct hc_vs *ov, const struct hd_endpoint *ep,
		       const struct hc_rs **out)
{
	const struct hc_ctx *c = b->c;
	const struct rs_key rk = {ov, ep};

	if (!b->old_rs.cap) {
		size_t n = 0;
		for (size_t v = 0; v < c->n_vs; v++)
			n += c->vs[v].n_rs;
		if (hc_ix_init(&b->old_rs, n) < 0)
			return -ENOMEM;
		for (size_t v = 0; v < c->n_vs; v++)
			for (size_t r = 0; r < c->vs[v].n_rs; r++) {
				const struct hc_vs *x = &c->vs[v];
				struct rs_key k = {x, &x->rs[r].rsc->ep};
				hc_ix_add(&b->old_rs, rs_hash(x, k.ep), rs_is, &k, &x->rs[r]);
			}
	}
	*out = hc_ix_get(&b->old_rs, rs_hash(ov, ep), rs_is, &rk);
	return 0;
}

/* The probe's name in log lines (its identity is hc_probe_same()'s). */
static char *probe_name(const struct hc_pparams *pp)
{
	char ep[80], buf[128];

	snprintf(buf, sizeof(buf), "%s %s", hd_check_type_str(pp->k->type),
		 hd_endpoint_str(&pp->target, ep, sizeof(ep)));
	return strdup(buf);
}

static struct hc_probe *probe_new(struct build *b, const struct hc_pparams *pp, uint64_t hash,
				  const struct hc_rs *old)
{
	struct hc_probe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (!(p->key = probe_name(pp))) {
		free(p);
		return NULL;
	}
	probe_set_params(p, pp);
	p->ident_hash = hash;
	p->ctx = b->c;
	p->users = 1;
	hc_tq_node_init(&p->tn);
	hc_checker_init(&p->st, &p->pol, b->now);
	b->p->fresh_old[b->p->n_fresh] = old; /* its state: at the build's end */
	b->p->fresh[b->p->n_fresh++] = p;
	return p;
}

static struct hc_probe *probe_get(struct build *b, const struct hd_virtual_server_config *vs,
				  const struct hd_real_server_config *rs,
				  const struct hd_check_config *k, const struct hc_rs *old)
{
	struct hc_pparams pp;
	struct hc_probe *p;

	hc_probe_params(&pp, b->p->cfg, vs, rs, k);
	uint64_t h = hc_probe_hash(&pp);
	size_t i = (size_t)(k - rs->checks);
	p = old && i < old->n_probes ? old->probes[i] : NULL; /* the same place */
	if (p && (p->ident_hash != h || !probe_is(p, &pp)))
		p = NULL;
	if (!p && old_probe_find(b, h, &pp, &p) < 0)
		return NULL;
	if (p) { /* unchanged: keep state and timer (once, shared) */
		struct hc_kept *e = &b->p->kept[b->p->n_kept];
		if (p->build_gen == b->gen) { /* its users counted here: the commit walks none */
			if ((e = hc_ix_get(&b->kept, ptr_hash(p), kept_is, p)))
				e->users++;
			return p;
		}
		if (!b->kept.cap && hc_ix_init(&b->kept, b->n_checks) < 0)
			return NULL;
		p->build_gen = b->gen;
		*e = (struct hc_kept){p, pp, 1};
		hc_ix_add(&b->kept, ptr_hash(p), kept_is, p, e);
		b->p->n_kept++;
		b->p->probes[b->p->n_probes++] = p;
		return p;
	}
	if (!b->fresh.cap && hc_ix_init(&b->fresh, b->n_checks) < 0)
		return NULL;
	if ((p = hc_ix_get(&b->fresh, h, probe_is, &pp))) { /* shared with another virtual server */
		p->users++;
		return p;
	}
	if (!(p = probe_new(b, &pp, h, old))) {
		return NULL;
	} else if (pp.has_fwd && hc_fwd_new(p, &pp.fwd) < 0) {
		return NULL; /* P is among the fresh: the abort frees it */
	}
	p->build_gen = b->gen;
	hc_ix_add(&b->fresh, h, probe_is, &pp, p);
	b->p->probes[b->p->n_probes++] = p;
	return p;
}

static bool same_inputs(const struct hc_rs *rs, const struct hc_rs *old);

/* The structure of real server R of VSC (its checks' probes, found or
 * made) and the running one it continues; its state comes at the end
 * (carry_rs). */
static int build_rs(struct build *b, const struct hd_virtual_server_config *vsc, size_t r,
		    const struct hc_vs *ov, struct hc_rs *rs)
{
	const struct hd_real_server_config *rsc = &vsc->real_servers[r];
	const struct hc_rs *old = NULL;

	if (ov && r < ov->n_rs && hc_ep_same(&ov->rs[r].rsc->ep, &rsc->ep))
		old = &ov->rs[r]; /* the same place */
	else if (ov && old_rs_find(b, ov, &rsc->ep, &old) < 0)
		return -ENOMEM;

	b->p->rs_old[b->next_rs++] = old;
	rs->vsc = vsc;
	rs->rsc = rsc;
	for (size_t k = 0; k < rsc->n_checks; k++) {
		struct hc_probe *p = probe_get(b, vsc, rsc, &rsc->checks[k], old);
		if (!p)
			return -ENOMEM;
		rs->probes[rs->n_probes++] = p;
	}
	b->p->same[b->next_rs - 1] = old && same_inputs(rs, old);
	return 0;
}

/* Whether RS's verdict has OLD's inputs: the same probes (whose results
 * OLD followed, each result re-evaluated it), weights and slow start. If
 * so, and no ramp is under way (its next level depends on the time), OLD's
 * state is what evaluating RS would give: a copy, no evaluation, for the
 * real servers a reload leaves alone (most of them). Decided in the steps
 * (it reads the configurations and the probe lists, which stay as they
 * are), so that the last step reads only the running real servers. */
static bool same_inputs(const struct hc_rs *rs, const struct hc_rs *old)
{
	const struct hd_real_server_config *a = rs->rsc, *o = old->rsc;

	if (old->n_probes != rs->n_probes || a->weight != o->weight ||
	    rs->vsc->slow_start_usec != old->vsc->slow_start_usec ||
	    rs->vsc->slow_start_steps != old->vsc->slow_start_steps)
		return false;
	for (size_t k = 0; k < rs->n_probes; k++)
		if (rs->probes[k] != old->probes[k] ||
		    a->checks[k].agent_min_pct != o->checks[k].agent_min_pct ||
		    a->checks[k].agent_max_pct != o->checks[k].agent_max_pct)
			return false;
	return true;
}

/* The runtime state RS continues from OLD (as it is now: the checks ran
 * since the step that built RS), and its verdict from its probes. */
static void carry_rs(struct build *b, struct hc_rs *rs, const struct hc_rs *old, bool same)
{
	if (same && old->sh.init && !old->sh.ramp_start) {
		struct hc_rs mine = *rs; /* its configuration and probes */
		*rs = *old;
		rs->vsc = mine.vsc;
		rs->rsc = mine.rsc;
		rs->probes = mine.probes;
		return;
	}
	rs->override = old ? old->override : -1;
	rs->drained = old && old->drained;
	rs->up = old ? old->up : true;
	rs->weight = old ? old->weight : rs->rsc->weight;
	rs->last_change_usec = old ? old->last_change_usec : b->now;
	if (old) {
		rs->reason = old->reason;
		rs->sh = old->sh; /* slow start and guard hold go on */
	}
	hc_rs_update(b->c, rs, true);
	if (!old)
		rs->reason = *hc_rs_reason(rs);
}

static size_t count_checks(const struct hd_config *cfg, size_t *n_rs)
{
	size_t n = 0;

	*n_rs = 0;
	for (size_t v = 0; v < cfg->n_virtual_servers; v++) {
		*n_rs += cfg->virtual_servers[v].n_real_servers;
		for (size_t r = 0; r < cfg->virtual_servers[v].n_real_servers; r++)
			n += cfg->virtual_servers[v].real_servers[r].n_checks;
	}
	return n;
}

/* A virtual server's real servers' probe lists are one block, the first
 * one's (build_vs): a reload frees and makes two blocks per virtual
 * server, not one per real server. */
void hc_vs_free(struct hc_vs *vs, size_t n)
{
	for (size_t v = 0; vs && v < n; v++) {
		if (vs[v].rs)
			free(vs[v].rs[0].probes);
		free(vs[v].rs);
	}
	free(vs);
}

/* Virtual server V's structure (build_rs for each of its real servers). */
static int build_vs(struct build *b, size_t v)
{
	struct hc_prep *p = b->p;
	const struct hd_virtual_server_config *vsc = &p->cfg->virtual_servers[v];
	const struct hc_vs *ov = NULL;
	struct hc_vs *nv = &p->vs[v];
	struct hc_probe **slab;
	size_t n = 0;

	*nv = (struct hc_vs){0};
	p->n_vs = v + 1; /* what an abort frees */
	if (v < b->c->n_vs && b->c->vs[v].n_rs && hc_vs_same(b->c->vs[v].rs[0].vsc, vsc))
		ov = &b->c->vs[v]; /* the same place */
	else if (old_vs_find(b, vsc, &ov) < 0)
		return -ENOMEM;
	p->vs_old[v] = ov;
	for (size_t r = 0; r < vsc->n_real_servers; r++)
		n += vsc->real_servers[r].n_checks;
	if (!(nv->rs = calloc(vsc->n_real_servers + 1, sizeof(*nv->rs))) ||
	    !(slab = malloc((n + 1) * sizeof(*slab))))
		return -ENOMEM;
	nv->rs[0].probes = slab;
	for (size_t r = 0; r < vsc->n_real_servers; r++) {
		nv->n_rs = r + 1;
		nv->rs[r].probes = slab;
		slab += vsc->real_servers[r].n_checks;
		if (build_rs(b, vsc, r, ov, &nv->rs[r]) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The build's last step, in one loop iteration: every new real server
 * takes the state of the running one it continues, as it is now. No
 * allocation: a pass over arrays already made. */
static void build_carry(struct build *b)
{
	struct hc_prep *p = b->p;
	size_t k = 0;

	/* A real server that was down stays down until a check says
	 * otherwise, even when its checks changed. */
	for (size_t i = 0; i < p->n_fresh; i++)
		if (p->fresh_old[i] && !p->fresh_old[i]->up)
			p->fresh[i]->st.up = false;
	for (size_t v = 0; v < p->n_vs; v++) {
		const struct hd_virtual_server_config *vsc = &p->cfg->virtual_servers[v];
		const struct hc_vs *ov = p->vs_old[v];
		struct hc_vs *nv = &p->vs[v];
		uint64_t sum = 0;

		for (size_t r = 0; r < nv->n_rs; r++, k++) {
			carry_rs(b, &nv->rs[r], p->rs_old[k], p->same[k]);
			sum += nv->rs[r].up ? nv->rs[r].weight : 0;
		}
		if (ov)
			nv->guard = ov->guard;
		nv->quorum_lost =
		    hc_quorum_lost(ov && ov->quorum_lost, !ov, sum, vsc->quorum, vsc->hysteresis);
	}
}

void hc_abort(struct hd_daemon *d, void *prep)
{
	struct hc_prep *p = prep;

	if (!p)
		return;
	for (size_t i = 0; i < p->n_fresh; i++)
		hc_probe_free(p->fresh[i]); /* never armed */
	hc_vs_free(p->vs, p->n_vs);
	free(p->probes);
	free(p->fresh);
	free(p->fresh_old);
	free(p->kept);
	free(p->vs_old);
	free(p->rs_old);
	free(p->dropped);
	free(p->same);
	free(p);
}

/* A build of a reload's configuration, in steps (hc.h). */
struct hc_stage {
	struct build b;
	const struct hd_config *cfg;
	size_t n_checks, n_rs;
};

static void stage_clear(struct hd_daemon *d, struct hc_stage *s)
{
	hc_abort(d, s->b.p);
	hc_ix_free(&s->b.fresh);
	hc_ix_free(&s->b.old);
	hc_ix_free(&s->b.old_vs);
	hc_ix_free(&s->b.old_rs);
	hc_ix_free(&s->b.kept);
	s->b = (struct build){0};
}

/* Start (or start over) S's build: its arrays, no object yet. */
static int stage_start(struct hd_daemon *d, struct hc_stage *s)
{
	struct hc_ctx *c = d->hc;
	const struct hd_config *cfg = s->cfg;
	struct hc_prep *p = calloc(1, sizeof(*p));
	size_t n = s->n_checks;

	s->b =
	    (struct build){.c = c, .p = p, .n_checks = n, .gen = ++c->builds, .now = hd_now_usec()};
	if (!p)
		return -ENOMEM;
	/* Each written before it is read (the counts, n_vs, say how far): not
	 * zeroed here, in one iteration, but touched by the steps. */
	p->cfg = cfg;
	if (!(p->probes = malloc((n + 1) * sizeof(*p->probes))) ||
	    !(p->fresh = malloc((n + 1) * sizeof(*p->fresh))) ||
	    !(p->fresh_old = malloc((n + 1) * sizeof(*p->fresh_old))) ||
	    !(p->kept = malloc((n + 1) * sizeof(*p->kept))) ||
	    !(p->vs = malloc((cfg->n_virtual_servers + 1) * sizeof(*p->vs))) ||
	    !(p->vs_old = malloc((cfg->n_virtual_servers + 1) * sizeof(*p->vs_old))) ||
	    !(p->rs_old = malloc((s->n_rs + 1) * sizeof(*p->rs_old))) ||
	    !(p->dropped = malloc((c->n_probes + 1) * sizeof(*p->dropped))) ||
	    !(p->same = malloc((s->n_rs + 1) * sizeof(*p->same))))
		return -ENOMEM;
	return 0;
}

void hc_stage_abort(struct hd_daemon *d, struct hc_stage *s)
{
	if (!s)
		return;
	stage_clear(d, s);
	free(s);
}

int hc_stage_begin(struct hd_daemon *d, const struct hd_config *newcfg, struct hc_stage **out)
{
	struct hc_stage *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->cfg = newcfg;
	s->n_checks = count_checks(newcfg, &s->n_rs);
	int r = stage_start(d, s);
	if (r < 0) {
		hc_stage_abort(d, s);
		return r;
	}
	*out = s;
	return 0;
}

/* Real servers built between two clock reads: a read per virtual server
 * is a system call where the clock has no vDSO (emulated machines). */
#define HC_STAGE_CLOCK_EVERY 64

int hc_stage_step(struct hd_daemon *d, struct hc_stage *s, uint64_t deadline)
{
	struct build *b = &s->b;
	size_t since = 0;

	/* Another build ran since (a reload plan, an add-rs): it marked the
	 * running probes it kept, and a commit may have replaced them. */
	if (b->gen != d->hc->builds) {
		stage_clear(d, s);
		int r = stage_start(d, s);
		if (r < 0)
			return r;
	}
	while (b->next_vs < s->cfg->n_virtual_servers) {
		size_t v = b->next_vs++;
		int r = build_vs(b, v);
		if (r < 0)
			return r;
		since += s->cfg->virtual_servers[v].n_real_servers;
		if (since >= HC_STAGE_CLOCK_EVERY) {
			if (hd_now_usec() >= deadline)
				return 0;
			since = 0;
		}
	}
	/* Every running probe the build did not keep (it marked the kept):
	 * the commit frees these, without a walk over all of them. */
	struct hc_prep *p = b->p;
	const struct hc_ctx *c = d->hc;
	p->n_dropped = 0;
	for (size_t i = 0; i < c->n_probes; i++)
		if (c->probes[i]->build_gen != b->gen)
			p->dropped[p->n_dropped++] = c->probes[i];
	return 1;
}

/* The prepared state of a finished build S: the state carried over (now,
 * in this iteration), the timers reserved. Consumes S. */
static int stage_finish(struct hd_daemon *d, struct hc_stage *s, void **prep)
{
	struct hc_ctx *c = d->hc;
	struct build *b = &s->b;
	struct hc_prep *p = b->p;
	uint64_t vc = c->verdict_changes;

	build_carry(b);
	/* hc_rs_update() counts the verdicts the build set: they count when
	 * the build is put in force, not before. */
	p->verdict_changes = c->verdict_changes - vc;
	c->verdict_changes = vc;
	int r = hc_sched_reserve(c, p->n_fresh);
	/* The matching's work, linear in the configuration (a test reads it). */
	uint64_t steps = b->fresh.steps + b->old.steps + b->old_vs.steps + b->old_rs.steps;
	hd_info("health checks: matched %zu probes (%zu kept) in %llu index steps", p->n_probes,
		p->n_kept, (unsigned long long)steps);
	if (r < 0) {
		hc_stage_abort(d, s);
		return r;
	}
	b->p = NULL; /* now the caller's */
	*prep = p;
	hc_stage_abort(d, s);
	return 0;
}

int hc_prepare_staged(struct hd_daemon *d, struct hc_stage *s, void **prep)
{
	int r = 0;

	/* Finished against the running state as it is now, or built again
	 * here (another build ran since its last step). */
	if (s->b.gen != d->hc->builds || s->b.next_vs < s->cfg->n_virtual_servers)
		r = hc_stage_step(d, s, UINT64_MAX);
	if (r < 0) {
		hc_stage_abort(d, s);
		return r;
	}
	return stage_finish(d, s, prep);
}

/* Build the probes and real servers of NEWCFG, keeping probes whose key
 * is unchanged (init: from nothing): a build in one step. */
int hc_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	struct hc_stage *s;
	int r = hc_stage_begin(d, newcfg, &s);

	return r < 0 ? r : hc_prepare_staged(d, s, prep);
}

/* The kept probes' new parameters and real servers (status: shared_by),
 * counted by the build (the fresh ones' are set). */
static void kept_update(struct hc_prep *p)
{
	for (size_t i = 0; i < p->n_kept; i++) {
		probe_set_params(p->kept[i].p, &p->kept[i].params);
		p->kept[i].p->users = p->kept[i].users;
	}
}

static int old_vs_free_cb(sd_event_source *s, void *userdata)
{
	struct hc_ctx *c = userdata;

	hc_vs_free(c->old_vs, c->n_old_vs);
	c->old_vs = NULL, c->n_old_vs = 0;
	return 0;
}

/* VS (the running configuration's) is freed later, in a loop iteration of
 * its own: two blocks per virtual server, an eighth of a keepalived-sized
 * reload's apply, which holds the loop in one piece. */
static void vs_retire(struct hc_ctx *c, struct hc_vs *vs, size_t n)
{
	hc_vs_free(c->old_vs, c->n_old_vs); /* a second commit before it ran */
	c->old_vs = vs, c->n_old_vs = n;
	/* not at the start: nothing to free, nothing to allocate */
	if (vs &&
	    hd_defer_once(c->d, &c->old_vs_free, old_vs_free_cb, c, SD_EVENT_PRIORITY_IDLE) < 0)
		old_vs_free_cb(NULL, c); /* no memory: now, as it was */
}

/* Cheap where the reload changed little: pointer moves and one pass
 * over the kept probes; what it stops or starts is what changed. */
void hc_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	struct hc_ctx *c = d->hc;
	struct hc_prep *p = prep;

	hd_spawn_configure(d, newcfg); /* the scripts' user (daemon/base/spawn.h) */
	kept_update(p);
	for (size_t i = 0; i < p->n_dropped; i++)
		hc_probe_free(p->dropped[i]);
	free(c->probes);
	vs_retire(c, c->vs, c->n_vs);
	c->probes = p->probes, c->n_probes = p->n_probes;
	c->vs = p->vs, c->n_vs = p->n_vs;
	c->cfg = newcfg;
	c->verdict_changes += p->verdict_changes;
	for (size_t i = 0; i < p->n_fresh; i++) {
		struct hc_probe *q = p->fresh[i];
		uint64_t off = hc_first_delay(i, p->n_fresh, q->pol.delay_loop_usec,
					      q->k->warmup_usec, rand_r(&c->rng));
		if (hc_sched_arm(q, off) < 0)
			hd_err("health check %s: cannot arm its timer", q->key);
	}
	p->probes = NULL, p->n_fresh = 0; /* theirs now: what is left of P is freed */
	p->vs = NULL, p->n_vs = 0;
	hc_abort(d, p);
	hd_info("health checks: %zu probes for %zu virtual servers", c->n_probes, c->n_vs);
}

void hc_prep_verdict(const void *prep, size_t vs, size_t rs, struct hc_rs_verdict *out)
{
	const struct hc_prep *p = prep;
	const struct hc_rs *r = vs < p->n_vs && rs < p->vs[vs].n_rs ? &p->vs[vs].rs[rs] : NULL;

	*out = (struct hc_rs_verdict){r && r->up, r ? r->weight : 0, r && r->drained};
}

bool hc_prep_quorum_lost(const void *prep, size_t vs)
{
	const struct hc_prep *p = prep;
	return vs < p->n_vs && p->vs[vs].quorum_lost;
}
