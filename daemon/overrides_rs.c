/* Live add and remove of a real server (hadirectorctl add-rs, remove-rs),
 * kept as overrides (overrides.h).
 *
 * A request is applied as a reload is: the new configuration is the
 * running one with that one real server added or taken out, and it goes
 * through every module's prepare and commit (hd_modules_reload), so the
 * health checker starts or stops the server's checks, IPVS programs it
 * only once its checks say it is up, and a prepare that fails changes
 * nothing. The new configuration shares everything but the virtual server
 * array and the changed virtual server's real server array with the
 * running one (a copy of both), so the cost is that of those arrays; once
 * committed the old shell is freed and the new one owns it all.
 *
 * The added server is parsed by the file's parser (config_rs.h), from the
 * request's text: a request is checked as the file is, with its messages
 * ("control:1: ..."). The record keeps that text, and a reload parses it
 * again against the new file's virtual server (rsx_inject).
 *
 * Across a reload (rules in hadirectorctl(8)):
 *   add-rs     kept while the file does not have that server: the new
 *              file's configuration gets it again. Dropped (logged) when the
 *              virtual server left the file, the file now has the server
 *              itself (the file wins), or the text no longer fits the file
 *              (e.g. its lb_kind changed).
 *   remove-rs  kept while the file still has the server exactly as it was
 *              when removed (same digest): taken out of the new file's
 *              configuration again. Dropped (logged) when the file changed
 *              that server (the file wins: it is back) or no longer has it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_rs.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "modules.h"
#include "overrides_int.h"

/* Each add grows the configuration: a bound that no sane use reaches. */
#define RSX_MAX 4096

struct rsx {
	bool add;
	char vs[140], rs[80];
	char *body;	 /* add: the request's text (the inside of the block) */
	uint64_t digest; /* remove: the file's definition of the server */
	unsigned uid;
	int pid;
	uint64_t realtime_usec;
	/* set by inject for the commit of that reload */
	char why[300]; /* the file overrules it: dropped */
	bool kept;
};

struct hd_rs_overrides {
	struct rsx *v;
	size_t n, cap;
	const struct hd_config *injected; /* the configuration inject marked for */
};

struct hd_rs_overrides *rsx_new(void)
{
	return calloc(1, sizeof(struct hd_rs_overrides));
}

void rsx_free(struct hd_rs_overrides *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].body);
	free(o->v);
	free(o);
}

static struct rsx *find(struct hd_rs_overrides *o, const char *vs, const char *rs)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->v[i].vs, vs) && !strcmp(o->v[i].rs, rs))
			return &o->v[i];
	return NULL;
}

static void drop(struct hd_rs_overrides *o, struct rsx *x)
{
	size_t i = (size_t)(x - o->v);

	free(x->body);
	memmove(x, x + 1, (o->n - i - 1) * sizeof(*x));
	o->n--;
}

static int reserve(struct hd_rs_overrides *o)
{
	if (o->n < o->cap)
		return 0;
	size_t cap = o->cap ? o->cap * 2 : 8;
	struct rsx *v = realloc(o->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	o->v = v;
	o->cap = cap;
	return 0;
}

/* CFG with virtual server VI's real servers replaced by RSV (N of them):
 * a new shell sharing everything else with CFG. */
static struct hd_config *shell_with(const struct hd_config *cfg, size_t vi,
				    struct hd_real_server_config *rsv, size_t n)
{
	struct hd_config *c = malloc(sizeof(*c));
	size_t nvs = cfg->n_virtual_servers;

	if (!c)
		return NULL;
	*c = *cfg;
	c->virtual_servers = malloc(nvs * sizeof(*c->virtual_servers));
	if (!c->virtual_servers) {
		free(c);
		return NULL;
	}
	memcpy(c->virtual_servers, cfg->virtual_servers, nvs * sizeof(*c->virtual_servers));
	c->virtual_servers[vi].real_servers = rsv;
	c->virtual_servers[vi].n_real_servers = n;
	return c;
}

/* What shell_with() allocated (the real server array included). */
static void shell_free(struct hd_config *c, size_t vi)
{
	free(c->virtual_servers[vi].real_servers);
	free(c->virtual_servers);
	free(c);
}

/* Put NEWCFG (a shell of the running configuration) in force as a reload
 * does: prepare everywhere, then commit everywhere; nothing changed when
 * it fails. The old shell is freed; the rest is NEWCFG's now. */
static int apply(struct hd_daemon *d, struct hd_rs_overrides *o, struct hd_config *newcfg,
		 size_t vi)
{
	o->injected = NULL; /* no reload's marks apply to this one */
	int r = hd_modules_reload(d, newcfg);
	if (r < 0)
		return r;
	struct hd_config *old = d->config;
	d->config = newcfg;
	shell_free(old, vi);
	hd_mark_dirty(d);
	return 0;
}

/* DIAG's lines, one per line, into ERR. */
static void diag_text(const struct hd_diag *diag, char *err, size_t len)
{
	size_t at = 0;

	err[0] = '\0';
	for (size_t i = 0; i < diag->n && at + 1 < len; i++) {
		int n = snprintf(err + at, len - at, "%s%s", i ? "\n" : "", diag->lines[i]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* Where the real server EP of VS I came from: the file's line, or the add. */
static void origin(struct hd_daemon *d, struct hd_rs_overrides *o, size_t vi, size_t ri,
		   const char *vsn, const char *rsn, char *buf, size_t len)
{
	const struct hd_config *cfg = d->config;
	struct rsx *x = find(o, vsn, rsn);
	char when[32];

	if (x && x->add)
		snprintf(buf, len, "added by uid %u at %s", x->uid,
			 ovr_utc(x->realtime_usec, when, sizeof(when)));
	else
		snprintf(buf, len, "%s:%d", cfg->path ? cfg->path : "?",
			 cfg->virtual_servers[vi].real_servers[ri].line);
}

static int do_add(struct hd_daemon *d, struct hd_rs_overrides *o, const struct hd_ctl_request *req,
		  struct rsx *x, char *err, size_t len)
{
	const struct hd_config *cfg = d->config;
	struct hd_endpoint ep;
	struct hd_real_server_config rs;
	struct hd_diag diag = {0};
	long vi, ri;
	char where[200];
	int r = ovr_resolve(d, req->argv[0], NULL, x->vs, NULL, &vi, &ri, err, len);

	if (r < 0)
		return r;
	if (hd_endpoint_parse(req->argv[1], &ep) < 0) {
		snprintf(err, len, "%s: real_server: '%s' is not an address:port", REQ_FILE,
			 req->argv[1]);
		return -EINVAL;
	}
	hd_endpoint_str(&ep, x->rs, sizeof(x->rs));
	const struct hd_virtual_server_config *vs = &cfg->virtual_servers[vi];
	if ((ri = ovr_find_rs(vs, &ep)) >= 0) {
		origin(d, o, (size_t)vi, (size_t)ri, x->vs, x->rs, where, sizeof(where));
		snprintf(err, len, "%s: real_server %s: already in virtual_server %s (%s)",
			 REQ_FILE, x->rs, x->vs, where);
		return -EEXIST;
	}
	if (o->n >= RSX_MAX) {
		snprintf(err, len,
			 "%s: real_server %s: %d live changes of real servers already: "
			 "put them in the file",
			 REQ_FILE, x->rs, RSX_MAX);
		return -ENOSPC;
	}
	/* nowait: a reload's or a plan's parse holds the parser; the loop does
	 * not wait for it */
	r = hd_rs_config_parse(cfg, (size_t)vi, x->rs, req->body, REQ_NAME, true, &diag, &rs);
	if (r < 0) {
		diag_text(&diag, err, len);
		hd_diag_clear(&diag);
		return r;
	}
	size_t n = vs->n_real_servers;
	struct hd_real_server_config *rsv = malloc((n + 1) * sizeof(*rsv));
	struct hd_config *newcfg = NULL;
	if (rsv) {
		memcpy(rsv, vs->real_servers, n * sizeof(*rsv));
		rsv[n] = rs;
		newcfg = shell_with(cfg, (size_t)vi, rsv, n + 1);
	}
	if (!newcfg || reserve(o) < 0 || !(x->body = strdup(req->body)) ||
	    (r = apply(d, o, newcfg, (size_t)vi)) < 0) {
		if (newcfg)
			shell_free(newcfg, (size_t)vi);
		else
			free(rsv);
		hd_rs_config_free(&rs);
		free(x->body);
		x->body = NULL;
		snprintf(err, len, "%s: real_server %s: cannot apply it: %s", REQ_FILE, x->rs,
			 strerror(r < 0 ? -r : ENOMEM));
		return r < 0 ? r : -ENOMEM;
	}
	struct rsx *old = find(o, x->vs, x->rs); /* a remove-rs of it: undone */
	if (old)
		drop(o, old);
	o->v[o->n++] = *x;
	return 0;
}

static int do_remove(struct hd_daemon *d, struct hd_rs_overrides *o,
		     const struct hd_ctl_request *req, struct rsx *x, char *err, size_t len)
{
	const struct hd_config *cfg = d->config;
	long vi, ri;
	int r = ovr_resolve(d, req->argv[0], req->argv[1], x->vs, x->rs, &vi, &ri, err, len);

	if (r < 0)
		return r;
	const struct hd_virtual_server_config *vs = &cfg->virtual_servers[vi];
	struct hd_real_server_config gone = vs->real_servers[ri];
	struct rsx *added = find(o, x->vs, x->rs);
	size_t n = vs->n_real_servers;
	struct hd_real_server_config *rsv = malloc((n > 1 ? n - 1 : 1) * sizeof(*rsv));
	struct hd_config *newcfg = NULL;

	x->digest = hd_rs_config_digest(&gone);
	if (rsv) {
		memcpy(rsv, vs->real_servers, (size_t)ri * sizeof(*rsv));
		memcpy(rsv + ri, vs->real_servers + ri + 1, (n - (size_t)ri - 1) * sizeof(*rsv));
		newcfg = shell_with(cfg, (size_t)vi, rsv, n - 1);
	}
	if (!newcfg || (!added && reserve(o) < 0) || (r = apply(d, o, newcfg, (size_t)vi)) < 0) {
		if (newcfg)
			shell_free(newcfg, (size_t)vi);
		else
			free(rsv);
		snprintf(err, len, "%s: real_server %s: cannot apply it: %s", REQ_FILE, x->rs,
			 strerror(r < 0 ? -r : ENOMEM));
		return r < 0 ? r : -ENOMEM;
	}
	hd_rs_config_free(&gone); /* the running configuration has it no more */
	if (added)
		drop(o, added); /* it was a live add: nothing left to remember */
	else
		o->v[o->n++] = *x;
	return 0;
}

int rsx_request(struct hd_daemon *d, struct hd_rs_overrides *o, const struct hd_ctl_request *req,
		const struct ucred *peer, FILE *out)
{
	bool add = req->cmd == HD_CTL_ADD_RS;
	struct rsx x = {
	    .add = add, .uid = peer->uid, .pid = peer->pid, .realtime_usec = ovr_realtime_usec()};
	char err[2048] = "";
	int r = add ? do_add(d, o, req, &x, err, sizeof(err))
		    : do_remove(d, o, req, &x, err, sizeof(err));
	char first[400];

	/* the event names what was asked, as asked when it failed */
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(err, "\n"), err);
	hd_events_runtime(d, add ? "add-rs" : "remove-rs", x.vs[0] ? x.vs : req->argv[0],
			  x.rs[0] ? x.rs : req->argv[1], -1, peer->uid, peer->pid,
			  r < 0 ? first : NULL);
	if (r < 0) {
		fprintf(out, "%s\n", err);
		return r;
	}
	hd_notice("operator (uid %u, pid %d): %s real server %s of %s%s%s", peer->uid, peer->pid,
		  add ? "added" : "removed", x.rs, x.vs, add && req->body[0] ? ": " : "",
		  add ? req->body : "");
	fprintf(out, "%s %s %s\n", add ? "added" : "removed", x.vs, x.rs);
	if (add)
		fputs("its checks decide when it enters IPVS\n", out);
	return 0;
}

/* ---- across a reload ---- */

static int inject_add(struct hd_config *cfg, size_t vi, struct rsx *x)
{
	struct hd_virtual_server_config *vs = &cfg->virtual_servers[vi];
	struct hd_real_server_config rs;
	struct hd_diag diag = {0};
	int r = hd_rs_config_parse(cfg, vi, x->rs, x->body, REQ_NAME, false, &diag, &rs);

	if (r == -ENOMEM) {
		hd_diag_clear(&diag);
		return r;
	}
	if (r < 0) {
		snprintf(x->why, sizeof(x->why), "it no longer fits the file: %s",
			 diag.n ? diag.lines[0] : "?");
		hd_diag_clear(&diag);
		return 0;
	}
	struct hd_real_server_config *v =
	    realloc(vs->real_servers, (vs->n_real_servers + 1) * sizeof(*v));
	if (!v) {
		hd_rs_config_free(&rs);
		return -ENOMEM;
	}
	vs->real_servers = v;
	v[vs->n_real_servers++] = rs;
	return 0;
}

/* The one record X against NEWCFG: NEWCFG changed as it says, or X->why. */
static int inject_one(struct hd_config *cfg, struct rsx *x)
{
	struct hd_endpoint ep;
	long vi = ovr_find_vs(cfg, x->vs), ri;

	if (vi < 0) {
		snprintf(x->why, sizeof(x->why), "the virtual server is no longer in the file");
		return 0;
	}
	struct hd_virtual_server_config *vs = &cfg->virtual_servers[vi];
	ri = hd_endpoint_parse(x->rs, &ep) < 0 ? -1 : ovr_find_rs(vs, &ep);
	if (x->add && ri >= 0) {
		snprintf(x->why, sizeof(x->why), "the file now has it (%s:%d); the file wins",
			 cfg->path ? cfg->path : "?", vs->real_servers[ri].line);
		return 0;
	}
	if (x->add) {
		x->kept = true;
		return inject_add(cfg, (size_t)vi, x);
	}
	if (ri < 0) {
		snprintf(x->why, sizeof(x->why), "the real server is no longer in the file");
		return 0;
	}
	if (hd_rs_config_digest(&vs->real_servers[ri]) != x->digest) {
		snprintf(x->why, sizeof(x->why),
			 "the file changed it (%s:%d) since it was removed; the file wins: it is "
			 "back",
			 cfg->path ? cfg->path : "?", vs->real_servers[ri].line);
		return 0;
	}
	hd_rs_config_free(&vs->real_servers[ri]);
	memmove(&vs->real_servers[ri], &vs->real_servers[ri + 1],
		(vs->n_real_servers - (size_t)ri - 1) * sizeof(vs->real_servers[0]));
	vs->n_real_servers--;
	x->kept = true;
	return 0;
}

int rsx_inject(struct hd_daemon *d, struct hd_rs_overrides *o, struct hd_config *newcfg)
{
	o->injected = newcfg;
	for (size_t i = 0; i < o->n; i++) {
		o->v[i].why[0] = '\0';
		o->v[i].kept = false;
	}
	for (size_t i = 0; i < o->n; i++) {
		int r = inject_one(newcfg, &o->v[i]);
		if (r < 0) {
			o->injected = NULL;
			return r;
		}
	}
	return 0;
}

unsigned rsx_commit(struct hd_rs_overrides *o, const struct hd_config *newcfg)
{
	char when[32];
	unsigned n = 0;

	if (!o || o->injected != newcfg || !newcfg)
		return 0;
	o->injected = NULL;
	for (size_t i = 0; i < o->n;) {
		struct rsx *x = &o->v[i];
		const char *kind = x->add ? "add-rs" : "remove-rs";
		ovr_utc(x->realtime_usec, when, sizeof(when));
		if (x->kept)
			hd_notice("reload: operator override kept: %s %s %s (uid %u, %s): %s", kind,
				  x->vs, x->rs, x->uid, when,
				  x->add ? "the file does not have it"
					 : "the file has it unchanged");
		if (!x->why[0]) {
			i++;
			continue;
		}
		hd_notice("reload: operator override dropped: %s %s %s (uid %u, %s): %s", kind,
			  x->vs, x->rs, x->uid, when, x->why);
		drop(o, x);
		n++;
	}
	return n;
}

size_t rsx_count(const struct hd_rs_overrides *o, bool add)
{
	size_t n = 0;

	for (size_t i = 0; o && i < o->n; i++)
		n += o->v[i].add == add;
	return n;
}

void rsx_status_json(const struct hd_rs_overrides *o, FILE *out, bool first)
{
	char when[32];

	for (size_t i = 0; o && i < o->n; i++) {
		const struct rsx *x = &o->v[i];
		fprintf(out, "%s{\"kind\":\"%s\",\"scope\":\"real_server\",\"virtual_server\":",
			first && !i ? "" : ",", x->add ? "add-rs" : "remove-rs");
		hd_json_str(out, x->vs);
		fputs(",\"real_server\":", out);
		hd_json_str(out, x->rs);
		if (x->add) {
			fputs(",\"options\":", out);
			hd_json_str(out, x->body);
		}
		fprintf(out, ",\"uid\":%u,\"pid\":%d,\"since\":\"%s\"}", x->uid, x->pid,
			ovr_utc(x->realtime_usec, when, sizeof(when)));
	}
}

void rsx_status_text(const struct hd_rs_overrides *o, FILE *out)
{
	char when[32];

	for (size_t i = 0; o && i < o->n; i++) {
		const struct rsx *x = &o->v[i];
		fprintf(out, "  %s %s %s%s%s  by uid %u (pid %d) since %s\n",
			x->add ? "add-rs" : "remove-rs", x->vs, x->rs,
			x->add && x->body[0] ? " " : "", x->add ? x->body : "", x->uid, x->pid,
			ovr_utc(x->realtime_usec, when, sizeof(when)));
	}
}
