/* Daemon-facing hooks of the healthcheck module (see daemon/modules.h):
 * start and stop, verdicts for the IPVS model, drain and weight. The
 * reload's build and commit are in hc_build.c. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_build.h"
#include "log.h"

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
		hc_probe_free(c->probes[i]);
	free(c->probes);
	hc_sched_free(c);
	hc_mux_close(c);
	hc_links_close(c);
	hc_vs_free(c->vs, c->n_vs);
	hc_vs_free(c->old_vs, c->n_old_vs);
	sd_event_source_disable_unref(c->old_vs_free);
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
