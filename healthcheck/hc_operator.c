/* The operator's state of one real server, set by index for
 * daemon/overrides.c (hc.h: hc_set_rs_operator). */
#include "hc_int.h"

void hc_set_rs_operator(struct hd_daemon *d, size_t vs, size_t rs, bool drained, int weight)
{
	struct hc_ctx *c = d->hc;

	if (!c || vs >= c->n_vs || rs >= c->vs[vs].n_rs)
		return;
	struct hc_rs *x = &c->vs[vs].rs[rs];
	if (weight > 65535 || weight < 0)
		weight = -1;
	if (x->drained == drained && x->override == weight)
		return;
	x->drained = drained;
	x->override = weight;
	hc_rs_update(c, x, true); /* quiet: overrides.c logs the request once */
	/* A VS whose servers are all drained has lost its quorum: its sorry
	 * server takes over, its quorum_down script runs, as for failures. */
	hc_vs_quorum_check(c, &c->vs[vs]);
	hd_mark_dirty(d);
}
