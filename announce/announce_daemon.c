/* The announce module (announce.h): gathers the policy's inputs, decides
 * per VIP (announce_policy.c) and keeps the VIP addresses on its TUN device
 * as decided. It runs from the reconcile pass (health verdicts, reloads,
 * drain-director), from link events, and from a 1 s timer that also puts
 * back an address or a device someone removed by hand. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "alert_hook.h"
#include "announce.h"
#include "announce_int.h"
#include "healthcheck/hc.h"
#include "link.h"
#include "log.h"

#define RECHECK_USEC 1000000 /* addresses and device put back, writes retried */

struct announce_prep {
	struct announce_vip *vips;
	size_t n_vips;
};

static int build_vips(const struct hd_config *cfg, struct announce_vip **out, size_t *n)
{
	size_t max = announce_vips_max(cfg);
	struct hd_addr *a = calloc(max ? max : 1, sizeof(*a));
	struct announce_vip *v;

	if (!a)
		return -ENOMEM;
	*n = announce_vips(cfg, a);
	v = calloc(*n ? *n : 1, sizeof(*v));
	if (!v) {
		free(a);
		return -ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		v[i].addr = a[i];
		v[i].reason = ANNOUNCE_CHECKS_PENDING;
	}
	free(a);
	*out = v;
	return 0;
}

static const char *vip_str(const struct announce_vip *v, char *buf, size_t len)
{
	return hd_addr_str(&v->addr, buf, len);
}

/* One VIP to its decision; a failed write is retried by the timer. */
static void apply(struct announce_ctx *c, struct announce_vip *v, enum announce_reason why)
{
	bool want = why == ANNOUNCE_OK;
	char a[64];
	int r;

	v->reason = why;
	if (want == v->installed)
		return;
	r = announce_addr(c, &v->addr, want);
	if (r < 0) {
		v->write_errors++;
		c->write_errors++;
		/* retried at every pass and second: said when it starts failing
		 * (write_errors in status counts the retries) */
		if (!v->write_failing)
			hd_warn("announce: %s: cannot %s it on %s: %s; retried every second",
				vip_str(v, a, sizeof(a)), want ? "add" : "delete", c->cfg.device,
				strerror(-r));
		v->write_failing = true;
		return;
	}
	v->write_failing = false;
	v->installed = want;
	v->transitions++;
	c->transitions++;
	v->since_usec = hd_now_usec();
	hd_notice("announce: %s %s (%s)", vip_str(v, a, sizeof(a)),
		  want ? "announced" : "withdrawn", announce_reason_str(why));
	hd_alert_announce(c->d, a, want, announce_reason_str(why));
}

/* Made at start and again whenever it is missing (every pass, and the 1 s
 * timer): until then every VIP stays withdrawn ("no device"), the rest of
 * the daemon runs on. A failure is logged when it first happens or changes:
 * EBUSY is another process holding it (a hung instance, until it is
 * killed), ENOENT a kernel without /dev/net/tun (module tun). */
static void open_device(struct announce_ctx *c)
{
	int r = announce_dev_open(c);

	if (r == 0) {
		hd_notice("announce: device %s up (ifindex %d)", c->cfg.device, c->ifindex);
		c->dev_error = 0;
	} else if (r != c->dev_error) {
		hd_err("announce: cannot create the TUN device %s: %s; VIPs withdrawn until it can",
		       c->cfg.device, strerror(-r));
		c->dev_error = r;
	}
}

/* A link down or a quorum loss can have failed checks, or caught real
 * servers between verdicts: announced again only once the checks have
 * settled since the cause cleared, else for a moment this director's
 * Maglev table lacks a real server the others have and the flows the
 * router moves here change real server. Start-up stays checks_ready's:
 * only a VIP announced before (a transition) is held. */
static bool settling(struct announce_ctx *c, struct announce_vip *v,
		     const struct announce_inputs *in)
{
	char why[160];

	if (!in->links_up || !in->quorum) {
		v->unsettled = v->unsettled || v->transitions > 0;
		v->settle_since = 0;
		return v->unsettled;
	}
	if (!v->unsettled)
		return false;
	/* read after the links and the verdicts: a check that starts later
	 * started after the cause cleared */
	if (!v->settle_since)
		v->settle_since = hd_now_usec();
	if (!hc_settled_since(c->d, v->settle_since, why, sizeof(why)))
		return true;
	v->unsettled = false;
	return false;
}

static void evaluate(struct announce_ctx *c)
{
	struct hd_daemon *d = c->d;
	const struct hd_config *cfg = d->config;
	struct announce_inputs in = {0};
	bool *lost;
	char why[160];

	if (!cfg || !c->n_vips)
		return;
	if (!c->stopping && !d->stopping && c->tun_fd < 0)
		open_device(c);
	in.stopping = c->stopping || d->stopping;
	in.device_up = announce_dev_ok(c);
	in.drained = c->drained;
	in.links_up = c->links_up = announce_links_up(c);
	/* settled once: checks added by a later reload must not withdraw
	 * the VIPs that had quorum all along */
	if (!c->checks_settled)
		c->checks_settled = hc_ready(d, why, sizeof(why));
	in.checks_ready = c->checks_settled;
	lost = calloc(cfg->n_virtual_servers ? cfg->n_virtual_servers : 1, sizeof(*lost));
	for (size_t i = 0; lost && i < cfg->n_virtual_servers; i++)
		lost[i] = hc_vs_quorum_lost(d, i);
	for (size_t i = 0; i < c->n_vips; i++) {
		struct announce_vip *v = &c->vips[i];

		/* out of memory: no quorum known, withdrawn (fail safe) */
		in.quorum = lost && announce_vip_quorum(cfg, &v->addr, lost);
		in.checks_settling = settling(c, v, &in);
		apply(c, v, announce_decide(&in));
	}
	free(lost);
	/* the device went away under us (ip link del): its addresses with it;
	 * a new one is made at the next pass */
	if (!in.device_up && c->tun_fd >= 0 && !in.stopping) {
		hd_warn("announce: device %s is gone or down: making it again", c->cfg.device);
		for (size_t i = 0; i < c->n_vips; i++)
			c->vips[i].installed = false;
		announce_dev_close(c);
	}
}

/* Put back what someone removed: an address we hold installed is added
 * again (EEXIST when it is there). */
static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct announce_ctx *c = userdata;

	(void)usec;
	evaluate(c);
	for (size_t i = 0; i < c->n_vips; i++)
		if (c->vips[i].installed && announce_addr(c, &c->vips[i].addr, true) < 0)
			c->vips[i].installed = false; /* retried at the next pass */
	sd_event_source_set_time_relative(s, RECHECK_USEC);
	return 0;
}

/* A watcher of the daemon's link view (link.h): an event of our device or
 * of a watched interface decides again (their flags are read afresh); the
 * view's first dump is the state evaluate() read at start. */
static void on_link_event(void *userdata, const struct hd_link *l, unsigned what)
{
	struct announce_ctx *c = userdata;

	if (!(what & HD_LINK_DUMP) && announce_link_watched(c, l->name))
		evaluate(c);
}

static int start_io(struct announce_ctx *c)
{
	int r = announce_nl_open(c);

	if (r < 0)
		return r;
	r = hd_link_watch(c->d, on_link_event, c, &c->link_w);
	if (r < 0)
		return r;
	r = sd_event_add_time_relative(c->d->event, &c->timer, CLOCK_MONOTONIC, RECHECK_USEC, 0,
				       on_timer, c);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(c->timer, SD_EVENT_ON);
}

static void stop_io(struct announce_ctx *c)
{
	hd_link_unwatch(c->link_w);
	c->link_w = NULL;
	c->timer = sd_event_source_disable_unref(c->timer);
	announce_nl_close(c);
}

/* Log what the configuration's choices cost (cfg->warnings). */
static void log_warnings(const struct hd_config *cfg)
{
	for (size_t i = 0; i < cfg->warnings.n; i++)
		hd_warn("%s", cfg->warnings.lines[i]);
}

int announce_init(struct hd_daemon *d)
{
	struct announce_ctx *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	d->announce = c;
	c->d = d;
	c->tun_fd = -1;
	c->cfg = d->config->announce;
	log_warnings(d->config);
	if ((r = build_vips(d->config, &c->vips, &c->n_vips)) < 0)
		return r;
	if (!c->n_vips)
		return 0; /* nothing in announce mode: no device, no sockets */
	if ((r = start_io(c)) < 0)
		return r;
	open_device(c);
	hd_notice("announce: %zu VIPs, on device %s while announced", c->n_vips, c->cfg.device);
	hd_mark_dirty(d);
	return 0;
}

int announce_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	struct announce_prep *p = calloc(1, sizeof(*p));
	int r;

	(void)d;
	if (!p)
		return -ENOMEM;
	if ((r = build_vips(newcfg, &p->vips, &p->n_vips)) < 0) {
		free(p);
		return r;
	}
	*prep = p;
	return 0;
}

void announce_abort(struct hd_daemon *d, void *prep)
{
	struct announce_prep *p = prep;

	(void)d;
	if (p)
		free(p->vips);
	free(p);
}

static const struct announce_vip *find_vip(const struct announce_vip *v, size_t n,
					   const struct hd_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (!hd_addr_cmp(&v[i].addr, a))
			return &v[i];
	return NULL;
}

void announce_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	struct announce_ctx *c = d->announce;
	struct announce_prep *p = prep;
	bool moved = strcmp(c->cfg.device, newcfg->announce.device) != 0;

	/* withdraw what goes: VIPs no longer announced, or all of them when
	 * the device changes (announced again below) */
	for (size_t i = 0; i < c->n_vips; i++)
		if (c->vips[i].installed &&
		    (moved || !find_vip(p->vips, p->n_vips, &c->vips[i].addr)))
			apply(c, &c->vips[i], ANNOUNCE_REMOVED);
	for (size_t i = 0; i < p->n_vips; i++) {
		const struct announce_vip *o = find_vip(c->vips, c->n_vips, &p->vips[i].addr);
		if (o)
			p->vips[i] = *o; /* its state and counters carry over */
	}
	free(c->vips);
	c->vips = p->vips;
	c->n_vips = p->n_vips;
	free(p);
	if (moved || !c->n_vips)
		announce_dev_close(c);
	c->cfg = newcfg->announce;
	log_warnings(newcfg);
	if (c->n_vips && !c->nl && start_io(c) < 0)
		hd_err("announce: cannot open netlink: VIPs stay withdrawn");
	if (!c->n_vips)
		stop_io(c);
	hd_mark_dirty(d); /* decided in the pass after the swap, with the new config */
}

void announce_reconcile(struct hd_daemon *d)
{
	if (d->announce)
		evaluate(d->announce);
}

int announce_set_drained(struct hd_daemon *d, bool drained)
{
	struct announce_ctx *c = d->announce;

	if (!c || !c->n_vips)
		return -ENOENT;
	if (c->drained != drained)
		hd_notice("announce: director %s", drained ? "drained" : "undrained");
	c->drained = drained;
	evaluate(c); /* now: the withdrawal does not wait for the pass */
	return 0;
}

void announce_shutdown(struct hd_daemon *d)
{
	struct announce_ctx *c = d->announce;

	if (!c)
		return;
	/* first of all modules (table order reversed): the router moves new
	 * flows away while IPVS still serves the ones under way */
	c->stopping = true;
	evaluate(c);
	announce_dev_close(c);
}

uint64_t announce_stop_begin(struct hd_daemon *d)
{
	struct announce_ctx *c = d->announce;
	bool any = false;

	if (!c)
		return 0;
	for (size_t i = 0; i < c->n_vips; i++)
		any = any || c->vips[i].installed;
	announce_shutdown(d);
	return any ? c->cfg.stop_delay_usec : 0;
}

void announce_free(struct hd_daemon *d)
{
	struct announce_ctx *c = d->announce;

	if (!c)
		return;
	stop_io(c);
	announce_dev_close(c);
	free(c->vips);
	free(c);
	d->announce = NULL;
}
