/* Reload plans on the daemon (reload_plan.h): the parse in a thread, then
 * on the loop in one go: every module's prepare, the plan read off the
 * prepared state, every module's abort. Nothing is committed, so nothing
 * of the running daemon changes (tests/netns/reload-plan.sh compares its
 * status before and after). One plan at a time: the parse holds a thread
 * and a whole second configuration. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "modules.h"
#include "overrides.h"
#include "reload_plan.h"
#include "ipvs/ipvs_view.h"
#include "vrrp/vrrp_view.h"

struct hd_planner {
	struct hd_daemon *d;
	int efd;
	sd_event_source *src;
	pthread_t thread;
	bool running;
	char *path;
	bool json;
	hd_plan_done_fn done;
	void *ud;
	/* written by the thread, read on the loop after pthread_join() */
	struct hd_config *newcfg;
	struct hd_diag diag;
};

static void *parse_thread(void *arg)
{
	struct hd_planner *p = arg;
	uint64_t one = 1;

	setpriority(PRIO_PROCESS, (id_t)gettid(), 10); /* below the loop, as a reload's */
	p->newcfg = hd_config_load(p->path, &p->diag);
	if (write(p->efd, &one, sizeof(one)) < 0)
		abort(); /* an eventfd write of 1 cannot fail */
	return NULL;
}

static enum hd_plan_role role_of(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_MASTER:
		return HD_PLAN_ROLE_MASTER;
	case VRRP_STATE_BACKUP:
		return HD_PLAN_ROLE_BACKUP;
	case VRRP_STATE_FAULT:
		return HD_PLAN_ROLE_FAULT;
	default:
		return HD_PLAN_ROLE_UNKNOWN;
	}
}

/* The running instances' roles, by d->config's index. */
static enum hd_plan_role *roles_get(struct hd_daemon *d)
{
	const struct hd_config *cfg = d->config;
	enum hd_plan_role *roles = calloc(cfg->n_instances + 1, sizeof(*roles));
	size_t n = 0;
	struct vrrp_inst_view *v = roles ? vrrp_views(d, &n) : NULL;

	for (size_t i = 0; roles && v && i < cfg->n_instances; i++)
		for (size_t k = 0; k < n; k++)
			if (v[k].name && !strcmp(v[k].name, cfg->instances[i].name))
				roles[i] = role_of(v[k].state);
	free(v);
	return roles;
}

/* The verdicts and quorum the health checker prepared (hc_prep_*): what
 * the reload's first IPVS pass builds its table from. */
struct verdicts {
	void *hc_prep;
};

static void verdict_cb(void *ud, size_t vs, size_t rs, struct ipvs_rs_verdict *v)
{
	struct verdicts *x = ud;
	struct hc_rs_verdict hv;

	hc_prep_verdict(x->hc_prep, vs, rs, &hv);
	v->up = hv.up;
	v->weight = (int)hv.weight;
}

static int quorum_cb(void *ud, size_t vs)
{
	struct verdicts *x = ud;
	return hc_prep_quorum_lost(x->hc_prep, vs) ? 1 : 0;
}

/* The writes the reload's first pass would make: the new desired table
 * against the cached kernel table, deleting what the running one owns. */
static int ipvs_writes(struct hd_daemon *d, const struct hd_config *newcfg, void *hc_prep,
		       struct ipvs_table *want, struct ipvs_ops *ops, struct ipvs_view *view)
{
	struct verdicts x = {hc_prep};
	struct ipvs_keyset owned = {0};
	int r;

	if (!ipvs_get_view(d, view) || !view->available)
		return 0;
	if ((r = ipvs_model_build(newcfg, verdict_cb, quorum_cb, &x, NULL, want)) < 0)
		return r;
	for (size_t i = 0; i < view->desired->n && r == 0; i++)
		r = ipvs_keyset_add(&owned, &view->desired->svcs[i].key);
	if (r == 0)
		r = ipvs_diff(want, view->observed, &owned, ops, NULL);
	ipvs_keyset_free(&owned);
	return r;
}

struct describe {
	struct hd_planner *pl;
	char *body;
	size_t len;
};

static int describe(struct hd_daemon *d, const struct hd_config *newcfg, void **prep, void *ud)
{
	struct describe *ds = ud;
	struct hd_plan p = {.path = ds->pl->path, .oldc = d->config, .newc = newcfg};
	enum hd_plan_role *roles = roles_get(d);
	struct ipvs_table want;
	struct ipvs_ops ops = {0};
	struct ipvs_view view = {0};
	int r = roles ? 0 : -ENOMEM;

	ipvs_table_init(&want);
	if (r == 0)
		r = hd_plan_vrrp(d->config, roles, newcfg, &p.vrrp, &p.n_vrrp);
	if (r == 0)
		r = hd_plan_checks(d->config, newcfg, &p.checks);
	if (r == 0)
		r = ipvs_writes(d, newcfg, prep[hd_module_index("healthcheck")], &want, &ops,
				&view);
	if (r == 0) {
		p.ipvs_available = view.available;
		p.ipvs_ops = view.available ? &ops : NULL;
		p.observed = view.observed;
		FILE *out = open_memstream(&ds->body, &ds->len);
		if (!out)
			r = -ENOMEM;
		else {
			if (ds->pl->json)
				hd_plan_json(out, &p);
			else
				hd_plan_text(out, &p);
			fclose(out);
		}
	}
	ipvs_ops_free(&ops);
	ipvs_table_free(&want);
	hd_plan_checks_free(&p.checks);
	free(p.vrrp);
	free(roles);
	return r;
}

static char *diag_text(const struct hd_diag *diag, const char *head)
{
	char *body = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&body, &len);

	if (!mem)
		return NULL;
	fprintf(mem, "%s\n", head);
	for (size_t i = 0; i < diag->n; i++)
		fprintf(mem, "%s\n", diag->lines[i]);
	fclose(mem);
	return body;
}

static void finish(struct hd_planner *pl)
{
	struct hd_daemon *d = pl->d;
	struct describe ds = {pl, NULL, 0};
	char *body = NULL;
	bool ok = false;

	if (!pl->newcfg) {
		body = diag_text(&pl->diag, "plan failed: the file is not valid");
	} else {
		uint64_t t0 = hd_now_usec();
		/* as the reload will: with the live adds and removes (overrides.h) */
		int r = hd_overrides_inject(d, pl->newcfg);
		if (r == 0)
			r = hd_modules_plan(d, pl->newcfg, describe, &ds);
		hd_info("reload plan for %s: %s, %llu ms on the event loop (prepare, plan, abort)",
			pl->path, r < 0 ? strerror(-r) : "made",
			(unsigned long long)(hd_now_usec() - t0) / 1000);
		if (r < 0) {
			hd_diag_add(&pl->diag, pl->path, 0, "cannot make the plan: %s",
				    strerror(-r));
			body = diag_text(&pl->diag, "plan failed");
			free(ds.body);
		} else {
			ok = true;
			body = ds.body;
		}
	}
	hd_config_free(pl->newcfg);
	pl->newcfg = NULL;
	hd_diag_clear(&pl->diag);
	free(pl->path);
	pl->path = NULL;
	hd_plan_done_fn done = pl->done;
	pl->done = NULL;
	done(pl->ud, ok && body, body ? body : "out of memory\n");
	free(body);
}

static int on_parsed(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_planner *pl = userdata;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN)
		return 0;
	pthread_join(pl->thread, NULL);
	pl->running = false;
	if (pl->d->stopping) {
		hd_config_free(pl->newcfg);
		pl->newcfg = NULL;
		hd_diag_clear(&pl->diag);
		return 0;
	}
	finish(pl);
	return 0;
}

static struct hd_planner *planner_get(struct hd_daemon *d)
{
	if (d->planner)
		return d->planner;
	struct hd_planner *pl = calloc(1, sizeof(*pl));
	if (!pl)
		return NULL;
	pl->d = d;
	pl->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pl->efd < 0 ||
	    sd_event_add_io(d->event, &pl->src, pl->efd, EPOLLIN, on_parsed, pl) < 0) {
		if (pl->efd >= 0)
			close(pl->efd);
		free(pl);
		return NULL;
	}
	sd_event_source_set_priority(pl->src, HD_PRIO_CONTROL);
	d->planner = pl;
	return pl;
}

int hd_reload_plan_request(struct hd_daemon *d, const char *path, bool json, hd_plan_done_fn done,
			   void *ud)
{
	struct hd_planner *pl = planner_get(d);

	if (!pl)
		return -ENOMEM;
	if (pl->running || pl->done)
		return -EBUSY;
	if (!(pl->path = strdup(path ? path : d->opts.config_path)))
		return -ENOMEM;
	pl->json = json;
	pl->done = done;
	pl->ud = ud;
	int e = pthread_create(&pl->thread, NULL, parse_thread, pl);
	if (e) {
		free(pl->path);
		pl->path = NULL;
		pl->done = NULL;
		return -e;
	}
	pl->running = true;
	return 0;
}

void hd_reload_plan_free(struct hd_daemon *d)
{
	struct hd_planner *pl = d->planner;

	if (!pl)
		return;
	if (pl->running)
		pthread_join(pl->thread, NULL);
	hd_config_free(pl->newcfg);
	hd_diag_clear(&pl->diag);
	free(pl->path);
	sd_event_source_disable_unref(pl->src);
	close(pl->efd);
	free(pl);
	d->planner = NULL;
}
