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
#include "log.h"
#include "modules.h"

#define HC_DEFAULT_DELAY_LOOP	   (60ULL * 1000000)
#define HC_DEFAULT_CONNECT_TIMEOUT (5ULL * 1000000)

static void key_addr(FILE *f, const char *tag, bool has, const struct hd_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	fprintf(f, "|%s=%s", tag, has ? hd_addr_str(a, buf, sizeof(buf)) : "");
}

static void key_str(FILE *f, const char *tag, const char *s)
{
	fprintf(f, "|%s=%zu:%s", tag, s ? strlen(s) : 0, s ? s : ""); /* length: no ambiguity */
}

/* Everything that makes two checks the same probe, in canonical text. */
static char *probe_key(const struct hd_virtual_server_config *vs,
		       const struct hd_real_server_config *rs, const struct hd_check_config *k,
		       const struct hc_probe *p)
{
	char *buf = NULL, ep[80];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s|%s", hd_check_type_str(k->type),
		hd_endpoint_str(&p->target, ep, sizeof(ep)));
	key_addr(f, "bind", k->has_bind_ip, &k->bind_ip);
	fprintf(f, "|t=%llu|dl=%llu|r=%u|f=%u|rt=%u|dbr=%llu|wu=%llu|a=%d",
		(unsigned long long)p->timeout_usec, (unsigned long long)p->pol.delay_loop_usec,
		k->rise, k->fall, k->retry, (unsigned long long)k->delay_before_retry_usec,
		(unsigned long long)k->warmup_usec, vs->alpha);
	if (k->type == HD_CHECK_HTTP || k->type == HD_CHECK_HTTPS) {
		key_str(f, "path", k->path);
		key_str(f, "host", p->host);
		fputs("|st=", f);
		for (size_t i = 0; i < k->n_status; i++)
			fprintf(f, "%u-%u,", k->status[i].lo, k->status[i].hi);
		fprintf(f, "|dg=%d:", k->digest_type);
		for (size_t i = 0; k->digest_type && i < sizeof(k->digest); i++)
			fprintf(f, "%02x", k->digest[i]);
		fprintf(f, "|ru=%u", k->reuse_connection > 1 ? k->reuse_connection : 0);
		key_str(f, "sni", k->sni);
		fprintf(f, "|v=%d", k->verify);
		key_str(f, "ca", k->ca_file);
	}
	if (k->type == HD_CHECK_MISC) {
		/* A script has no target: keep it per real server. */
		fprintf(f, "|rs=%s|dyn=%d", hd_endpoint_str(&rs->ep, ep, sizeof(ep)),
			k->dynamic_weight);
		key_str(f, "script", k->script);
	}
	key_str(f, "helo", k->helo_name);
	key_str(f, "dn", k->dns_name);
	key_str(f, "dt", k->dns_type);
	key_str(f, "up", k->udp_payload);
	key_str(f, "ue", k->udp_expect);
	fclose(f);
	return buf;
}

/* Fill the parts of P that follow from the configuration. */
static void probe_params(struct hc_probe *p, const struct hd_config *cfg,
			 const struct hd_virtual_server_config *vs,
			 const struct hd_real_server_config *rs, const struct hd_check_config *k)
{
	uint64_t dl = k->delay_loop_usec    ? k->delay_loop_usec
		      : vs->delay_loop_usec ? vs->delay_loop_usec
					    : HC_DEFAULT_DELAY_LOOP;

	p->k = k;
	p->host = k->virtualhost ? k->virtualhost : vs->virtualhost;
	p->target.addr = k->has_connect_ip ? k->connect_ip : rs->ep.addr;
	p->target.port = k->connect_port ? k->connect_port : rs->ep.port;
	if (k->type == HD_CHECK_MISC)
		p->timeout_usec = k->timeout_usec ? k->timeout_usec
				  : cfg->global.script_timeout_usec
				      ? cfg->global.script_timeout_usec
				      : dl;
	else
		p->timeout_usec =
		    k->connect_timeout_usec ? k->connect_timeout_usec : HC_DEFAULT_CONNECT_TIMEOUT;
	p->pol = (struct hc_policy){.rise = k->rise,
				    .fall = k->fall,
				    .retry = k->retry,
				    .alpha = vs->alpha,
				    .delay_loop_usec = dl,
				    .delay_before_retry_usec = k->delay_before_retry_usec};
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

static bool vs_same(const struct hd_virtual_server_config *a,
		    const struct hd_virtual_server_config *b)
{
	if (a->is_fwmark || b->is_fwmark)
		return a->is_fwmark == b->is_fwmark && a->fwmark == b->fwmark &&
		       a->family == b->family;
	return a->protocol == b->protocol && a->ep.port == b->ep.port &&
	       !hd_addr_cmp(&a->ep.addr, &b->ep.addr);
}

static bool ep_same(const struct hd_endpoint *a, const struct hd_endpoint *b)
{
	return a->port == b->port && !hd_addr_cmp(&a->addr, &b->addr);
}

static const struct hc_vs *old_vs_find(const struct hc_vs *old, size_t n,
				       const struct hd_virtual_server_config *vsc)
{
	for (size_t i = 0; i < n; i++)
		if (old[i].n_rs && vs_same(old[i].rs[0].vsc, vsc))
			return &old[i];
	return NULL;
}

static const struct hc_rs *old_rs_find(const struct hc_vs *ov, const struct hd_endpoint *ep)
{
	for (size_t i = 0; ov && i < ov->n_rs; i++)
		if (ep_same(&ov->rs[i].rsc->ep, ep))
			return &ov->rs[i];
	return NULL;
}

struct build {
	struct hc_ctx *c;
	const struct hd_config *cfg;
	struct key_index now, old;
	struct hc_probe **fresh; /* probes created by this build, to schedule */
	size_t n_fresh;
};

static struct hc_probe *probe_get(struct build *b, const struct hd_virtual_server_config *vs,
				  const struct hd_real_server_config *rs,
				  const struct hd_check_config *k, const struct hc_rs *old)
{
	struct hc_probe tmp = {0}, *p, **slot;

	probe_params(&tmp, b->cfg, vs, rs, k);
	tmp.key = probe_key(vs, rs, k, &tmp);
	if (!tmp.key)
		return NULL;
	slot = index_find(&b->now, tmp.key);
	if (*slot) { /* shared with another virtual server */
		free(tmp.key);
		(*slot)->users++;
		return *slot;
	}
	struct hc_probe **os = b->old.slot ? index_find(&b->old, tmp.key) : NULL;
	if (os && *os) { /* unchanged across the reload: keep state and timer */
		p = *os;
		free(p->key);
		p->key = tmp.key;
		probe_params(p, b->cfg, vs, rs, k);
		p->keep = true;
	} else {
		p = calloc(1, sizeof(*p));
		if (!p) {
			free(tmp.key);
			return NULL;
		}
		*p = tmp;
		p->ctx = b->c;
		hc_tq_node_init(&p->tn);
		hc_checker_init(&p->st, &p->pol, hd_now_usec());
		/* A real server that was down stays down until a check says
		 * otherwise, even when its checks changed. */
		if (old && !old->up)
			p->st.up = false;
		b->fresh[b->n_fresh++] = p;
	}
	p->users++;
	*slot = p;
	b->c->probes[b->c->n_probes++] = p;
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
	if (old)
		rs->reason = old->reason;
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
	for (size_t v = 0; v < n; v++) {
		for (size_t r = 0; r < vs[v].n_rs; r++)
			free(vs[v].rs[r].probes);
		free(vs[v].rs);
	}
	free(vs);
}

static int build_all(struct build *b, const struct hc_vs *ovs, size_t n_ovs)
{
	struct hc_ctx *c = b->c;
	const struct hd_config *cfg = b->cfg;

	c->vs = calloc(cfg->n_virtual_servers + 1, sizeof(*c->vs));
	if (!c->vs)
		return -ENOMEM;
	c->n_vs = cfg->n_virtual_servers;
	for (size_t v = 0; v < cfg->n_virtual_servers; v++) {
		const struct hd_virtual_server_config *vsc = &cfg->virtual_servers[v];
		const struct hc_vs *ov = old_vs_find(ovs, n_ovs, vsc);
		struct hc_vs *nv = &c->vs[v];
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
		nv->quorum_lost =
		    hc_quorum_lost(ov && ov->quorum_lost, !ov, sum, vsc->quorum, vsc->hysteresis);
	}
	return 0;
}

/* (Re)build C from CFG, keeping probes whose key is unchanged. */
static int hc_build(struct hc_ctx *c, const struct hd_config *cfg)
{
	struct hc_probe **old_probes = c->probes;
	size_t n_old = c->n_probes, n = count_checks(cfg);
	struct hc_vs *ovs = c->vs;
	size_t n_ovs = c->n_vs;
	struct build b = {.c = c, .cfg = cfg};
	int r = -ENOMEM;

	c->probes = calloc(n + 1, sizeof(*c->probes));
	b.fresh = calloc(n + 1, sizeof(*b.fresh));
	c->n_probes = 0;
	c->vs = NULL;
	c->n_vs = 0;
	if (!c->probes || !b.fresh || index_init(&b.now, n) < 0 || index_init(&b.old, n_old) < 0)
		goto out;
	for (size_t i = 0; i < n_old; i++) {
		old_probes[i]->keep = false;
		old_probes[i]->users = 0;
		*index_find(&b.old, old_probes[i]->key) = old_probes[i];
	}
	c->cfg = cfg;
	r = build_all(&b, ovs, n_ovs);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < b.n_fresh; i++) {
		struct hc_probe *p = b.fresh[i];
		uint64_t off = hc_first_delay(i, b.n_fresh, p->pol.delay_loop_usec,
					      p->k->warmup_usec, rand_r(&c->rng));
		if (hc_sched_arm(p, off) < 0)
			hd_err("health check %s: cannot arm its timer", p->key);
	}
out:
	for (size_t i = 0; i < n_old; i++)
		if (!old_probes[i]->keep)
			probe_free(old_probes[i]);
	free(old_probes);
	free_vs(ovs, n_ovs);
	free(b.fresh);
	free(b.now.slot);
	free(b.old.slot);
	return r;
}

int hc_init(struct hd_daemon *d)
{
	struct hc_ctx *c = calloc(1, sizeof(*c));
	sigset_t chld;
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
	hd_spawn_configure(d, d->config); /* the scripts' user (daemon/spawn.h) */
	c->mux_fd = -1;
	r = hc_mux_open(c);
	if (r >= 0)
		r = hc_http_setup(c);
	if (r >= 0)
		r = hc_build(c, d->config);
	if (r < 0) {
		hd_err("health checks: cannot start: %s", strerror(-r));
		return r;
	}
	hd_info("health checks: %zu probes for %zu virtual servers", c->n_probes, c->n_vs);
	return 0;
}

int hc_reload(struct hd_daemon *d, const struct hd_config *newcfg)
{
	struct hc_ctx *c = d->hc;
	int r;

	if (!c)
		return 0;
	hd_spawn_configure(d, newcfg);
	r = hc_build(c, newcfg);
	if (r < 0)
		hd_err("health checks: reload failed: %s", strerror(-r));
	else
		hd_info("health checks: %zu probes after reload", c->n_probes);
	return r;
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
			if (!vs_matches(x->vsc, vs) || !ep_same(&x->rsc->ep, &ep))
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
