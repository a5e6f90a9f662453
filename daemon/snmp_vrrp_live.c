/* The VRRP tables' callbacks and the new-master notifications (event
 * loop): the module's view (vrrp/vrrp_view.h) rendered by snmp_vrrp.c. */
#include <stdlib.h>

#include "snmp_int.h"
#include "vrrp/vrrp_view.h"

static void render(struct hd_daemon *d, struct snmp_out *f, enum snmp_vrrp_table t)
{
	size_t n;
	struct vrrp_inst_view *v = vrrp_views(d, &n);

	if (!v && n)
		f->snap->oom = true; /* the snapshot is incomplete */
	else
		snmp_vrrp_rows(t, v, n, d->start_usec, f);
	free(v);
}

#define TABLE_FN(name, t)                                                                          \
	static void name(struct hd_daemon *d, struct snmp_out *f)                                  \
	{                                                                                          \
		render(d, f, t);                                                                   \
	}
TABLE_FN(oper2, SNMP_VRRP_OPER2)
TABLE_FN(oper3, SNMP_VRRP_OPER3)
TABLE_FN(assoc2, SNMP_VRRP_ASSOC2)
TABLE_FN(assoc3, SNMP_VRRP_ASSOC3)
TABLE_FN(stats2, SNMP_VRRP_STATS2)
TABLE_FN(stats3, SNMP_VRRP_STATS3)

size_t snmp_vrrp_tables(struct snmp_table *out)
{
	static const snmp_table_fn fns[SNMP_VRRP__N] = {
	    [SNMP_VRRP_OPER2] = oper2,	 [SNMP_VRRP_OPER3] = oper3,   [SNMP_VRRP_ASSOC2] = assoc2,
	    [SNMP_VRRP_ASSOC3] = assoc3, [SNMP_VRRP_STATS2] = stats2, [SNMP_VRRP_STATS3] = stats3,
	};

	for (size_t t = 0; t < SNMP_VRRP__N; t++) {
		snmp_vrrp_table((enum snmp_vrrp_table)t, &out[t]);
		out[t].fn = fns[t];
	}
	return SNMP_VRRP__N;
}

static void new_master(struct hd_snmp *snmp, const struct vrrp_inst_view *v)
{
	struct snmp_snap vars = {0};
	const oid *trap;
	size_t trap_len;

	if (v->ifindex <= 0)
		return;
	snmp_vrrp_new_master(v, &vars, &trap, &trap_len);
	snmp_notify(snmp, trap, trap_len, &vars);
}

void snmp_vrrp_watch(struct hd_snmp *snmp, struct hd_daemon *d, struct snmp_seen_set *seen)
{
	bool quiet = seen->cfg != d->config; /* start or reload: just look */
	struct vrrp_inst_view v;

	if (quiet) {
		snmp_seen_free(seen);
		seen->cfg = d->config;
		seen->since_usec = hd_now_usec();
	}
	seen->hint = 0;
	for (size_t i = 0; i < vrrp_view_count(d); i++) {
		bool is_new;
		struct snmp_seen *s;

		if (!vrrp_view_get(d, i, &v) || !(s = snmp_seen_get(seen, v.key, &is_new)))
			continue;
		if (!quiet && v.state == VRRP_STATE_MASTER &&
		    (is_new || s->state != VRRP_STATE_MASTER || s->stamp != v.transitions)) {
			s->masters++;
			new_master(snmp, &v);
		}
		snmp_vrrp_proto_errors(&v, s, quiet || is_new);
		s->state = v.state;
		s->stamp = v.transitions;
	}
}
