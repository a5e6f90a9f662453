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
#include "log.h"

static void probe_set_params(struct hc_probe *p, const struct hc_pparams *pp)
{
	p->k = pp->k;
	p->host = pp->host;
	p->target = pp->target;
	p->timeout_usec = pp->timeout_usec;
	p->pol = pp->pol;
}

static void probe_free(struct hc_probe *p)
{
	if (!p)
		return;
	hc_probe_cancel(p);
	hc_sched_drop(p);
	free(p->req);
	free(p->key);
	free(p);
}

/* Open addressing over probe keys: lookups stay O(1) at thousands of
 * probes. */
struct key_index {
	struct hc_probe **slot;
	size_t cap;
};

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct hc_probe **index_find(struct key_index *ix, const char *key)
{
	size_t i = key_hash(key) & (ix->cap - 1);

	while (ix->slot[i] && strcmp(ix->slot[i]->key, key))
		i = (i + 1) & (ix->cap - 1);
	return &ix->slot[i];
}

static int index_init(struct key_index *ix, size_t n)
{
	ix->cap = 16;
	while (ix->cap < 2 * n + 1)
		ix->cap <<= 1;
	ix->slot = calloc(ix->cap, sizeof(*ix->slot));
	return ix->slot ? 0 : -ENOMEM;
}

static const struct hc_vs *old_vs_find(const struct hc_vs *old, size_t n,
				       const struct hd_virtual_server_config *vsc)
{
	for (size_t i = 0; i < n; i++)
		if (old[i].n_rs && hc_vs_same(old[i].rs[0].vsc, vsc))
			return &old[i];
	return NULL;
}

static const struct hc_rs *old_rs_find(const struct hc_vs *ov, const struct hd_endpoint *ep)
{
	for (size_t i = 0; ov && i < ov->n_rs; i++)
		if (hc_ep_same(&ov->rs[i].rsc->ep, ep))
			return &ov->rs[i];
	return NULL;
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

struct build {
	struct hc_ctx *c;
	struct hc_prep *p;
	struct key_index now, old;
};

static struct hc_probe *probe_new(struct build *b, const struct hc_pparams *pp, char *key,
				  const struct hc_rs *old)
{
	struct hc_probe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	probe_set_params(p, pp);
	p->key = key;
	p->ctx = b->c;
	hc_tq_node_init(&p->tn);
	hc_checker_init(&p->st, &p->pol, hd_now_usec());
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
	struct hc_probe *p, **slot;
	char *key;

	hc_probe_params(&pp, b->p->cfg, vs, rs, k);
	key = hc_probe_key(vs, rs, k, &pp);
	if (!key)
		return NULL;
	slot = index_find(&b->now, key);
	if (*slot) { /* shared with another virtual server */
		free(key);
		return *slot;
	}
	struct hc_probe **os = b->old.slot ? index_find(&b->old, key) : NULL;
	if (os && *os) { /* unchanged across the reload: keep state and timer */
		p = *os;
		free(key); /* the same text as p->key */
		b->p->kept[b->p->n_kept++] = (struct hc_kept){p, pp};
	} else if (!(p = probe_new(b, &pp, key, old))) {
		free(key);
		return NULL;
	}
	*slot = p;
	b->p->probes[b->p->n_probes++] = p;
	return p;
}

static int build_rs(struct build *b, const struct hd_virtual_server_config *vsc, size_t r,
		    const struct hc_vs *ov, struct hc_rs *rs)
{
	const struct hd_real_server_config *rsc = &vsc->real_servers[r];
	const struct hc_rs *old = old_rs_find(ov, &rsc->ep);

	rs->vsc = vsc;
	rs->rsc = rsc;
	rs->override = old ? old->override : -1;
	rs->drained = old && old->drained;
	rs->up = old ? old->up : true;
	rs->weight = old ? old->weight : rsc->weight;
	rs->last_change_usec = old ? old->last_change_usec : hd_now_usec();
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

static int build_all(struct build *b, const struct hc_vs *ovs, size_t n_ovs)
{
	struct hc_prep *p = b->p;
	const struct hd_config *cfg = p->cfg;

	p->vs = calloc(cfg->n_virtual_servers + 1, sizeof(*p->vs));
	if (!p->vs)
		return -ENOMEM;
	p->n_vs = cfg->n_virtual_servers;
	for (size_t v = 0; v < cfg->n_virtual_servers; v++) {
		const struct hd_virtual_server_config *vsc = &cfg->virtual_servers[v];
		const struct hc_vs *ov = old_vs_find(ovs, n_ovs, vsc);
		struct hc_vs *nv = &p->vs[v];
		uint64_t sum = 0;

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
	struct build b = {.c = c, .p = p};
	uint64_t vc = c->verdict_changes;
	int r = -ENOMEM;

	if (!p)
		return -ENOMEM;
	p->cfg = newcfg;
	if (!(p->probes = calloc(n + 1, sizeof(*p->probes))) ||
	    !(p->fresh = calloc(n + 1, sizeof(*p->fresh))) ||
	    !(p->kept = calloc(n + 1, sizeof(*p->kept))) || index_init(&b.now, n) < 0 ||
	    index_init(&b.old, c->n_probes) < 0)
		goto out;
	for (size_t i = 0; i < c->n_probes; i++)
		*index_find(&b.old, c->probes[i]->key) = c->probes[i];
	r = build_all(&b, c->vs, c->n_vs);
	if (r >= 0)
		r = hc_sched_reserve(c, p->n_fresh);
out:
	/* hc_rs_update() counts the verdicts the build set: they count when
	 * the build is put in force, not before. */
	p->verdict_changes = c->verdict_changes - vc;
	c->verdict_changes = vc;
	free(b.now.slot);
	free(b.old.slot);
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
