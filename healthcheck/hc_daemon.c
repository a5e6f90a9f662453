/* Daemon-facing hooks of the healthcheck module (see daemon/modules.h):
 * building probes from the configuration (shared by key), reload with
 * state carried over, verdicts for the IPVS model, drain and weight. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_int.h"
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

static void probe_free(struct hc_probe *p)
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

/* A probe the new configuration keeps: its new parameters (pointers into
 * the new configuration), set at commit. */
struct hc_kept {
	struct hc_probe *p;
	struct hc_pparams params;
};

/* A build, prepared: everything for CFG, nothing of the running state
 * changed. Kept probes are shared with the running state (read only until
 * commit); fresh ones are new and not armed. */
struct hc_prep {
	const struct hd_config *cfg;
	struct hc_probe **probes;
	size_t n_probes;
	struct hc_vs *vs;
	size_t n_vs;
	struct hc_probe **fresh; /* created by this build, to schedule */
	size_t n_fresh;
	struct hc_kept *kept;
	size_t n_kept;
	uint64_t verdict_changes; /* counted by the build, added at commit */
};

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
};

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
	hc_tq_node_init(&p->tn);
	hc_checker_init(&p->st, &p->pol, b->now);
	/* A real server that was down stays down until a check says
	 * otherwise, even when its checks changed. */
	if (old && !old->up)
		p->st.up = false;
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
		if (p->build_gen != b->gen) {
			p->build_gen = b->gen;
			b->p->kept[b->p->n_kept++] = (struct hc_kept){p, pp};
			b->p->probes[b->p->n_probes++] = p;
		}
		return p;
	}
	if (!b->fresh.cap && hc_ix_init(&b->fresh, b->n_checks) < 0)
		return NULL;
	if ((p = hc_ix_get(&b->fresh, h, probe_is, &pp))) /* shared with another virtual server */
		return p;
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

static int build_rs(struct build *b, const struct hd_virtual_server_config *vsc, size_t r,
		    const struct hc_vs *ov, struct hc_rs *rs)
{
	const struct hd_real_server_config *rsc = &vsc->real_servers[r];
	const struct hc_rs *old = NULL;

	if (ov && r < ov->n_rs && hc_ep_same(&ov->rs[r].rsc->ep, &rsc->ep))
		old = &ov->rs[r]; /* the same place */
	else if (ov && old_rs_find(b, ov, &rsc->ep, &old) < 0)
		return -ENOMEM;

	rs->vsc = vsc;
	rs->rsc = rsc;
	rs->override = old ? old->override : -1;
	rs->drained = old && old->drained;
	rs->up = old ? old->up : true;
	rs->weight = old ? old->weight : rsc->weight;
	rs->last_change_usec = old ? old->last_change_usec : b->now;
	if (old) {
		rs->reason = old->reason;
		rs->sh = old->sh; /* slow start and guard hold go on */
	}
	rs->probes = calloc(rsc->n_checks + 1, sizeof(*rs->probes));
	if (!rs->probes)
		return -ENOMEM;
	for (size_t k = 0; k < rsc->n_checks; k++) {
		struct hc_probe *p = probe_get(b, vsc, rsc, &rsc->checks[k], old);
		if (!p)
			return -ENOMEM;
		rs->probes[rs->n_probes++] = p;
	}
	hc_rs_update(b->c, rs, true);
	if (!old)
		rs->reason = *hc_rs_reason(rs);
	return 0;
}

static size_t count_checks(const struct hd_config *cfg)
{
	size_t n = 0;

	for (size_t v = 0; v < cfg->n_virtual_servers; v++)
		for (size_t r = 0; r < cfg->virtual_servers[v].n_real_servers; r++)
			n += cfg->virtual_servers[v].real_servers[r].n_checks;
	return n;
}

static void free_vs(struct hc_vs *vs, size_t n)
{
	for (size_t v = 0; vs && v < n; v++) {
		for (size_t r = 0; r < vs[v].n_rs; r++)
			free(vs[v].rs[r].probes);
		free(vs[v].rs);
	}
	free(vs);
}

static int build_all(struct build *b)
{
	struct hc_prep *p = b->p;
	const struct hd_config *cfg = p->cfg;

	p->vs = calloc(cfg->n_virtual_servers + 1, sizeof(*p->vs));
	if (!p->vs)
		return -ENOMEM;
	p->n_vs = cfg->n_virtual_servers;
	for (size_t v = 0; v < cfg->n_virtual_servers; v++) {
		const struct hd_virtual_server_config *vsc = &cfg->virtual_servers[v];
		const struct hc_vs *ov = NULL;
		struct hc_vs *nv = &p->vs[v];
		uint64_t sum = 0;

		if (v < b->c->n_vs && b->c->vs[v].n_rs && hc_vs_same(b->c->vs[v].rs[0].vsc, vsc))
			ov = &b->c->vs[v]; /* the same place */
		else if (old_vs_find(b, vsc, &ov) < 0)
			return -ENOMEM;

		nv->rs = calloc(vsc->n_real_servers + 1, sizeof(*nv->rs));
		if (!nv->rs)
			return -ENOMEM;
		nv->n_rs = vsc->n_real_servers;
		for (size_t r = 0; r < vsc->n_real_servers; r++) {
			if (build_rs(b, vsc, r, ov, &nv->rs[r]) < 0)
				return -ENOMEM;
			sum += nv->rs[r].up ? nv->rs[r].weight : 0;
		}
		if (ov)
			nv->guard = ov->guard;
		nv->quorum_lost =
		    hc_quorum_lost(ov && ov->quorum_lost, !ov, sum, vsc->quorum, vsc->hysteresis);
	}
	return 0;
}

void hc_abort(struct hd_daemon *d, void *prep)
{
	struct hc_prep *p = prep;

	if (!p)
		return;
	for (size_t i = 0; i < p->n_fresh; i++)
		probe_free(p->fresh[i]); /* never armed */
	free_vs(p->vs, p->n_vs);
	free(p->probes);
	free(p->fresh);
	free(p->kept);
	free(p);
}

/* Build the probes and real servers of NEWCFG, keeping probes whose key
 * is unchanged (init: from nothing). */
int hc_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	struct hc_ctx *c = d->hc;
	size_t n = count_checks(newcfg);
	struct hc_prep *p = calloc(1, sizeof(*p));
	struct build b = {.c = c, .p = p, .n_checks = n, .gen = ++c->builds, .now = hd_now_usec()};
	uint64_t vc = c->verdict_changes;
	int r = -ENOMEM;

	if (!p)
		return -ENOMEM;
	p->cfg = newcfg;
	if (!(p->probes = calloc(n + 1, sizeof(*p->probes))) ||
	    !(p->fresh = calloc(n + 1, sizeof(*p->fresh))) ||
	    !(p->kept = calloc(n + 1, sizeof(*p->kept))))
		goto out;
	r = build_all(&b);
	if (r >= 0)
		r = hc_sched_reserve(c, p->n_fresh);
	/* The matching's work, linear in the configuration (a test reads it). */
	uint64_t steps = b.fresh.steps + b.old.steps + b.old_vs.steps + b.old_rs.steps;
	hd_info("health checks: matched %zu probes (%zu kept) in %llu index steps", p->n_probes,
		p->n_kept, (unsigned long long)steps);
out:
	/* hc_rs_update() counts the verdicts the build set: they count when
	 * the build is put in force, not before. */
	p->verdict_changes = c->verdict_changes - vc;
	c->verdict_changes = vc;
	hc_ix_free(&b.fresh);
	hc_ix_free(&b.old);
	hc_ix_free(&b.old_vs);
	hc_ix_free(&b.old_rs);
	if (r < 0) {
		hc_abort(d, p);
		return r;
	}
	*prep = p;
	return 0;
}

static void count_users(struct hc_prep *p)
{
	for (size_t i = 0; i < p->n_probes; i++) {
		p->probes[i]->keep = true;
		p->probes[i]->users = 0;
	}
	for (size_t v = 0; v < p->n_vs; v++)
		for (size_t r = 0; r < p->vs[v].n_rs; r++)
			for (size_t k = 0; k < p->vs[v].rs[r].n_probes; k++)
				p->vs[v].rs[r].probes[k]->users++;
}

void hc_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	struct hc_ctx *c = d->hc;
	struct hc_prep *p = prep;

	hd_spawn_configure(d, newcfg); /* the scripts' user (daemon/base/spawn.h) */
	for (size_t i = 0; i < c->n_probes; i++)
		c->probes[i]->keep = false;
	for (size_t i = 0; i < p->n_kept; i++)
		probe_set_params(p->kept[i].p, &p->kept[i].params);
	count_users(p);
	for (size_t i = 0; i < c->n_probes; i++)
		if (!c->probes[i]->keep)
			probe_free(c->probes[i]);
	free(c->probes);
	free_vs(c->vs, c->n_vs);
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
	free(p->fresh);
	free(p->kept);
	free(p);
	hd_info("health checks: %zu probes for %zu virtual servers", c->n_probes, c->n_vs);
}

int hc_init(struct hd_daemon *d)
{
	struct hc_ctx *c = calloc(1, sizeof(*c));
	sigset_t chld;
	void *prep;
	int r;

	if (!c)
		return -ENOMEM;
	d->hc = c;
	c->d = d;
	c->rng = (unsigned int)hd_now_usec() ^ (unsigned int)getpid();
	/* sd_event_add_child needs SIGCHLD blocked; children unblock it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	c->mux_fd = -1;
	r = hc_mux_open(c);
	if (r >= 0)
		r = hc_links_open(c);
	if (r >= 0)
		r = hc_http_setup(c);
	if (r >= 0)
		r = hc_prepare(d, d->config, &prep);
	if (r < 0)
		return r;
	hc_commit(d, d->config, prep);
	return 0;
}

void hc_shutdown(struct hd_daemon *d)
{
	struct hc_ctx *c = d->hc;

	if (c)
		hc_sched_stop(c);
	for (size_t i = 0; c && i < c->n_probes; i++)
		hc_probe_cancel(c->probes[i]);
}

void hc_free(struct hd_daemon *d)
{
	struct hc_ctx *c = d->hc;

	if (!c)
		return;
	for (size_t i = 0; i < c->n_probes; i++)
		probe_free(c->probes[i]);
	free(c->probes);
	hc_sched_free(c);
	hc_mux_close(c);
	hc_links_close(c);
	free_vs(c->vs, c->n_vs);
	hc_http_teardown(c);
	free(c);
	d->hc = NULL;
}

void hc_rs_verdict(struct hd_daemon *d, size_t vs, size_t rs, struct hc_rs_verdict *out)
{
	struct hc_ctx *c = d->hc;

	/* Indexes refer to the configuration the module runs (during a
	 * reload already the new one). */
	if (c && vs < c->n_vs && rs < c->vs[vs].n_rs) {
		const struct hc_rs *r = &c->vs[vs].rs[rs];
		out->up = r->up;
		out->weight = r->weight;
		out->drained = r->drained;
		return;
	}
	const struct hd_config *cfg = c && c->cfg ? c->cfg : d->config;
	out->up = true;
	out->drained = false;
	out->weight = vs < cfg->n_virtual_servers && rs < cfg->virtual_servers[vs].n_real_servers
			  ? cfg->virtual_servers[vs].real_servers[rs].weight
			  : 0;
}

bool hc_vs_quorum_lost(struct hd_daemon *d, size_t vs)
{
	return d->hc && vs < d->hc->n_vs && d->hc->vs[vs].quorum_lost;
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

/* VS: a name as hc_vs_name() prints it, or "tcp/IP:PORT". */
static bool vs_matches(const struct hd_virtual_server_config *v, const char *want)
{
	char name[128], alt[140];

	hc_vs_name(v, name, sizeof(name));
	snprintf(alt, sizeof(alt), "%s/%s", hd_proto_str(v->protocol), name);
	return !strcmp(want, name) || (!v->is_fwmark && !strcmp(want, alt));
}

/* Apply FN to every matching real server; -ENOENT when none matched. */
static int for_rs(struct hd_daemon *d, const char *vs, const char *rs, bool drain, int weight,
		  bool set_drain)
{
	struct hc_ctx *c = d->hc;
	struct hd_endpoint ep;
	int n = 0;

	if (!c || !vs || !rs || hd_endpoint_parse(rs, &ep) < 0)
		return -EINVAL;
	for (size_t v = 0; v < c->n_vs; v++)
		for (size_t r = 0; r < c->vs[v].n_rs; r++) {
			struct hc_rs *x = &c->vs[v].rs[r];
			if (!vs_matches(x->vsc, vs) || !hc_ep_same(&x->rsc->ep, &ep))
				continue;
			if (set_drain)
				x->drained = drain;
			else
				x->override = weight;
			hc_rs_update(c, x, true);
			n++;
		}
	if (!n)
		return -ENOENT;
	hd_notice("real server %s of %s: %s", rs, vs,
		  set_drain    ? (drain ? "drained" : "undrained")
		  : weight < 0 ? "weight back to configured"
			       : "weight set by operator");
	hd_mark_dirty(d);
	return 0;
}

int hc_set_drain(struct hd_daemon *d, const char *vs, const char *rs, bool drain)
{
	return for_rs(d, vs, rs, drain, -1, true);
}

int hc_set_weight(struct hd_daemon *d, const char *vs, const char *rs, int weight)
{
	if (weight > 65535)
		return -ERANGE;
	return for_rs(d, vs, rs, false, weight < 0 ? -1 : weight, false);
}

void hc_status_json(struct hd_daemon *d, FILE *out)
{
	if (!d->hc) {
		fputs("[]", out);
		return;
	}
	hc_status_write(d->hc, out);
}

void hc_dump(struct hd_daemon *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (!d->hc || !(mem = open_memstream(&buf, &len)))
		return;
	hc_status_write(d->hc, mem);
	fclose(mem);
	/* One line per chunk: syslog truncates long lines. */
	for (size_t off = 0; off < len; off += 900)
		hd_notice("healthcheck dump: %.900s", buf + off);
	free(buf);
}
