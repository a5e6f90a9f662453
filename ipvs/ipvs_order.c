/* PURE: the order of a service's destinations in the kernel, for the
 * schedulers whose lookup table follows it.
 *
 * The kernel keeps a service's destinations in a list and puts every added
 * one at its head (list_add_rcu in __ip_vs_update_dest, ip_vs_ctl.c), a
 * destination taken back from the trash (deleted, then added again) too.
 * mh builds its table by walking that list, each destination in turn
 * taking its next preferred free slot, so an earlier one wins a contested
 * slot (ip_vs_mh_populate); sh and dh deal their buckets round-robin in
 * list order (ip_vs_sh_reassign, ip_vs_dh_reassign). The same servers in
 * another order give another table: a director that deleted a failed
 * server and added it back when it recovered has it at the head, one that
 * never lost it or started fresh has it elsewhere, and flows the router
 * moves between them change real server. The other schedulers pick from
 * per-director state (round-robin counters, connection counts), so no
 * order makes two directors agree: their order is left alone and costs no
 * write.
 *
 * The order kept: the configuration's, each server added in that order,
 * so the kernel's list (head first, as /proc/net/ip_vs shows it;
 * ipvsadm -Ln sorts) is the configuration order reversed. That is what a fresh start builds (and
 * keepalived, which adds in configuration order), and a server appended
 * to the configuration is one add.
 *
 * The kernel only deletes and adds at the head, so the destinations left
 * untouched end up at the tail: they must be a leading run c1..cm of the
 * configuration order that the kernel already lists as cm..c1. Each wanted
 * destination after that run is added in configuration order, deleted
 * first when the kernel has it: the fewest writes that reach the order.
 * A failure (one delete) and a weight change (an edit keeps the place)
 * never move anything; a server coming back at configuration position k
 * re-adds the present servers after it. A re-added destination is the
 * trash's object again (ip_vs_trash_get_dest): its connection entries and
 * counters carry on. See docs/ecmp.md for the packet that arrives between
 * the delete and the add. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs_types.h"

bool ipvs_sched_follows_order(const char *sched)
{
	return !strcmp(sched, "mh") || !strcmp(sched, "sh") || !strcmp(sched, "dh");
}

static int step_cmp(const void *a, const void *b)
{
	const struct ipvs_order_step *x = a, *y = b;
	if (x->want->pos != y->want->pos)
		return x->want->pos < y->want->pos ? -1 : 1;
	return ipvs_dest_key_cmp(x->want, y->want);
}

int ipvs_order_plan(const struct ipvs_service *want, const struct ipvs_service *have,
		    struct ipvs_order *out, size_t *steps)
{
	memset(out, 0, sizeof(*out));
	if (!want->n_dests)
		return 0;
	out->v = calloc(want->n_dests, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	out->n = want->n_dests;
	/* both sorted by key: a linear merge pairs them */
	size_t j = 0, nh = have ? have->n_dests : 0;
	for (size_t i = 0; i < want->n_dests; i++) {
		int c = 1;
		while (j < nh) {
			c = ipvs_dest_key_cmp(&have->dests[j], &want->dests[i]);
			if (steps)
				(*steps)++;
			if (c >= 0)
				break;
			j++;
		}
		out->v[i].want = &want->dests[i];
		out->v[i].have = j < nh && c == 0 ? &have->dests[j] : NULL;
	}
	qsort(out->v, out->n, sizeof(*out->v), step_cmp);
	size_t k = 0;
	while (k < out->n && out->v[k].have &&
	       (!k || out->v[k].have->pos < out->v[k - 1].have->pos))
		k++;
	out->settled = k;
	return 0;
}

void ipvs_order_free(struct ipvs_order *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}
