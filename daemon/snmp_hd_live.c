/* The HADIRECTOR-MIB tables' callbacks and the real server state change
 * and fail-open guard notifications (event loop): the health checker's view
 * (healthcheck/hc_view.h) and the IPVS view, rendered by snmp_hd.c. */
#include <stdlib.h>

#include "healthcheck/hc_view.h"
#include "ipvs/ipvs_view.h"
#include "snmp_int.h"

static void render(struct hd_daemon *d, struct snmp_out *f, enum snmp_hd_table t)
{
	struct hc_view *v = hc_view_new(d);
	struct ipvs_view iv;

	if (!v) {
		f->snap->oom = true; /* the snapshot is incomplete */
		return;
	}
	snmp_hd_rows(t, v, ipvs_get_view(d, &iv) ? iv.observed : NULL, f);
	free(v);
}

static void vs_table(struct hd_daemon *d, struct snmp_out *f)
{
	render(d, f, SNMP_HD_VS);
}

static void rs_table(struct hd_daemon *d, struct snmp_out *f)
{
	render(d, f, SNMP_HD_RS);
}

static void ck_table(struct hd_daemon *d, struct snmp_out *f)
{
	render(d, f, SNMP_HD_CK);
}

size_t snmp_hd_tables(struct snmp_table *out)
{
	static const snmp_table_fn fns[SNMP_HD__N] = {
	    [SNMP_HD_VS] = vs_table, [SNMP_HD_RS] = rs_table, [SNMP_HD_CK] = ck_table};

	for (size_t t = 0; t < SNMP_HD__N; t++) {
		snmp_hd_table((enum snmp_hd_table)t, &out[t]);
		out[t].fn = fns[t];
	}
	return SNMP_HD__N;
}

static void rs_notify(struct hd_snmp *snmp, const struct hc_view *v, size_t vi, size_t ri)
{
	struct snmp_snap vars = {0};
	const oid *trap;
	size_t trap_len;

	snmp_hd_rs_change(v, vi, ri, &vars, &trap, &trap_len);
	snmp_notify(snmp, trap, trap_len, &vars);
}

/* The fail-open guard of virtual server VI: its alarm when it engages,
 * its end when it releases (at its bound when its expiries went up). S
 * remembers it: state = engaged, stamp = expiries. */
static void guard_watch(struct hd_snmp *snmp, const struct hc_view *v, size_t vi,
			struct snmp_seen *s, bool tell)
{
	const struct hc_vs_view *vs = &v->vs[vi];
	struct snmp_snap vars = {0};
	const oid *trap;
	size_t trap_len;

	if (tell && s->state != vs->guard_engaged) {
		enum snmp_hd_guard what = vs->guard_engaged ? SNMP_HD_GUARD_ENGAGED
					  : vs->guard_expiries != s->stamp
					      ? SNMP_HD_GUARD_EXPIRED
					      : SNMP_HD_GUARD_RECOVERED;

		snmp_hd_guard_change(v, vi, what, &vars, &trap, &trap_len);
		snmp_notify(snmp, trap, trap_len, &vars);
	}
	s->state = vs->guard_engaged;
	s->stamp = vs->guard_expiries;
}

void snmp_hd_watch(struct hd_snmp *snmp, struct hd_daemon *d, struct snmp_seen_set *seen)
{
	bool quiet = seen->cfg != d->config;
	uint64_t gen = hc_view_verdict_changes(d) + hc_view_guard_changes(d);
	struct hc_view *v;

	if (quiet) {
		snmp_seen_free(seen);
		seen->cfg = d->config;
	} else if (seen->gen == gen) {
		return; /* nothing went up or down: this runs every loop iteration */
	}
	v = hc_view_new(d);
	if (!v)
		return; /* looked at again after the next change */
	seen->gen = v->verdict_changes + v->guard_changes;
	seen->hint = 0;
	for (size_t i = 0; i < v->n_vs; i++) {
		bool is_new;
		/* a virtual server is known by its configuration (a reload
		 * starts the set again), a real server by its key */
		struct snmp_seen *s = snmp_seen_get(seen, v->vs[i].cfg, &is_new);

		if (s)
			guard_watch(snmp, v, i, s, !quiet && !is_new);
		for (size_t r = 0; r < v->vs[i].n_rs; r++) {
			const struct hc_rs_view *rs = &v->vs[i].rs[r];

			s = snmp_seen_get(seen, rs->key, &is_new);
			if (!s)
				continue;
			if (!quiet && !is_new && s->state != rs->up)
				rs_notify(snmp, v, i, r);
			s->state = rs->up;
			s->stamp = rs->last_change_usec;
		}
	}
	free(v);
}
