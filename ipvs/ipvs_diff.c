/* PURE: desired vs observed IPVS table -> ordered list of writes.
 * Both tables are sorted, so this is a linear merge. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs_steps.h"
#include "ipvs_types.h"

void ipvs_ops_free(struct ipvs_ops *ops)
{
	free(ops->v);
	memset(ops, 0, sizeof(*ops));
}

static int ops_push(struct ipvs_ops *ops, enum ipvs_op_kind kind, const struct ipvs_service *svc,
		    const struct ipvs_dest *dest)
{
	if (ops->n == ops->cap) {
		size_t cap = ops->cap ? ops->cap * 2 : 64;
		struct ipvs_op *v = realloc(ops->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ops->v = v;
		ops->cap = cap;
	}
	ops->v[ops->n++] = (struct ipvs_op){.kind = kind, .svc = svc, .dest = dest};
	return 0;
}

const char *ipvs_op_kind_str(enum ipvs_op_kind k)
{
	static const char *const names[] = {
	    [IPVS_OP_DEL_SVC] = "del-service",	 [IPVS_OP_ADD_SVC] = "add-service",
	    [IPVS_OP_EDIT_SVC] = "edit-service", [IPVS_OP_DEL_DEST] = "del-dest",
	    [IPVS_OP_EDIT_DEST] = "edit-dest",	 [IPVS_OP_ADD_DEST] = "add-dest",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* One pass of the destination merge emitting only ops of kind WANT, so
 * that a service's deletes come before its edits and adds. */
static int dests_pass(const struct ipvs_service *want, const struct ipvs_service *have,
		      enum ipvs_op_kind kind, struct ipvs_ops *ops, size_t *steps)
{
	size_t i = 0, j = 0;
	int r = 0;
	while (!r && (i < want->n_dests || j < have->n_dests)) {
		int c;
		if (i == want->n_dests)
			c = 1;
		else if (j == have->n_dests)
			c = -1;
		else {
			c = ipvs_dest_key_cmp(&want->dests[i], &have->dests[j]);
			(*steps)++;
		}
		if (c < 0) {
			if (kind == IPVS_OP_ADD_DEST)
				r = ops_push(ops, kind, want, &want->dests[i]);
			i++;
		} else if (c > 0) {
			if (kind == IPVS_OP_DEL_DEST)
				r = ops_push(ops, kind, have, &have->dests[j]);
			j++;
		} else {
			if (kind == IPVS_OP_EDIT_DEST &&
			    !ipvs_dest_attrs_equal(&want->dests[i], &have->dests[j]))
				r = ops_push(ops, kind, want, &want->dests[i]);
			i++;
			j++;
		}
	}
	return r;
}

/* A service whose scheduler follows the kernel's list order
 * (ipvs_order.c): deletes of unwanted destinations, edits of the settled
 * ones, then the rest added in configuration order, each deleted just
 * before its add when the kernel has it (so it is out of the table for
 * one round trip only). A new service comes here with HAVE NULL. */
static int ordered_dests_ops(const struct ipvs_service *want, const struct ipvs_service *have,
			     struct ipvs_ops *ops, size_t *steps)
{
	struct ipvs_order o;
	int r = have ? dests_pass(want, have, IPVS_OP_DEL_DEST, ops, steps) : 0;
	if (r || (r = ipvs_order_plan(want, have, &o, steps)))
		return r;
	for (size_t k = 0; !r && k < o.settled; k++)
		if (!ipvs_dest_attrs_equal(o.v[k].want, o.v[k].have))
			r = ops_push(ops, IPVS_OP_EDIT_DEST, want, o.v[k].want);
	for (size_t k = o.settled; !r && k < o.n; k++) {
		if (o.v[k].have && !(r = ops_push(ops, IPVS_OP_DEL_DEST, have, o.v[k].have)))
			ops->v[ops->n - 1].readd = true;
		if (!r)
			r = ops_push(ops, IPVS_OP_ADD_DEST, want, o.v[k].want);
	}
	ipvs_order_free(&o);
	return r;
}

static int service_ops(const struct ipvs_service *want, const struct ipvs_service *have,
		       struct ipvs_ops *ops, size_t *steps)
{
	int r;
	if (ipvs_sched_follows_order(want->sched)) {
		if (!have)
			r = ops_push(ops, IPVS_OP_ADD_SVC, want, NULL);
		else if (!ipvs_service_attrs_equal(want, have))
			r = ops_push(ops, IPVS_OP_EDIT_SVC, want, NULL);
		else
			r = 0;
		return r ? r : ordered_dests_ops(want, have, ops, steps);
	}
	if (!have) {
		if ((r = ops_push(ops, IPVS_OP_ADD_SVC, want, NULL)))
			return r;
		for (size_t i = 0; i < want->n_dests; i++)
			if ((r = ops_push(ops, IPVS_OP_ADD_DEST, want, &want->dests[i])))
				return r;
		return 0;
	}
	if (!ipvs_service_attrs_equal(want, have) &&
	    (r = ops_push(ops, IPVS_OP_EDIT_SVC, want, NULL)))
		return r;
	if ((r = dests_pass(want, have, IPVS_OP_DEL_DEST, ops, steps)) ||
	    (r = dests_pass(want, have, IPVS_OP_EDIT_DEST, ops, steps)) ||
	    (r = dests_pass(want, have, IPVS_OP_ADD_DEST, ops, steps)))
		return r;
	return 0;
}

/* One service position of the merge at CUR (DELETES: the deletes' merge,
 * else the adds' and edits'); returns its cost in a step's budget, or
 * -ENOMEM. */
static long merge_one(const struct ipvs_table *desired, const struct ipvs_table *observed,
		      const struct ipvs_keyset *owned, struct ipvs_diff_cursor *cur,
		      struct ipvs_ops *ops)
{
	const struct ipvs_service *w = cur->i < desired->n ? &desired->svcs[cur->i] : NULL;
	const struct ipvs_service *h = cur->j < observed->n ? &observed->svcs[cur->j] : NULL;
	int c = !w ? 1 : !h ? -1 : ipvs_svc_key_cmp(&w->key, &h->key);
	int r = 0;

	if (w && h)
		cur->steps++;
	if (c < 0)
		cur->i++;
	else if (c > 0)
		cur->j++;
	else
		cur->i++, cur->j++;
	if (!cur->adds) {
		if (c > 0 && owned && ipvs_keyset_has(owned, &h->key))
			r = ops_push(ops, IPVS_OP_DEL_SVC, h, NULL);
		return r < 0 ? r : 1;
	}
	if (c > 0)
		return 1;
	r = service_ops(w, c ? NULL : h, ops, &cur->steps);
	return r < 0 ? r : (long)(1 + w->n_dests + (c ? 0 : h->n_dests));
}

void ipvs_diff_begin(struct ipvs_diff_cursor *cur, struct ipvs_ops *ops)
{
	*cur = (struct ipvs_diff_cursor){0};
	ops->n = 0;
}

int ipvs_diff_step(const struct ipvs_table *desired, const struct ipvs_table *observed,
		   const struct ipvs_keyset *owned, struct ipvs_diff_cursor *cur,
		   struct ipvs_ops *ops, size_t budget)
{
	size_t spent = 0;

	while (spent == 0 || spent < budget) {
		if (cur->i == desired->n && cur->j == observed->n) {
			if (cur->adds)
				return 1;
			/* the deletes are all out: now service by service */
			cur->adds = true;
			cur->i = cur->j = 0;
			continue;
		}
		long cost = merge_one(desired, observed, owned, cur, ops);
		if (cost < 0)
			return (int)cost;
		spent += (size_t)cost;
	}
	return cur->adds && cur->i == desired->n && cur->j == observed->n;
}

int ipvs_diff(const struct ipvs_table *desired, const struct ipvs_table *observed,
	      const struct ipvs_keyset *owned, struct ipvs_ops *ops, size_t *merge_steps)
{
	struct ipvs_diff_cursor cur;

	ipvs_diff_begin(&cur, ops);
	int r = ipvs_diff_step(desired, observed, owned, &cur, ops, SIZE_MAX);
	if (merge_steps)
		*merge_steps = cur.steps;
	return r < 0 ? r : 0;
}

/* ---- owned keys: a sorted array ---- */

static size_t keyset_lower(const struct ipvs_keyset *s, const struct ipvs_svc_key *k)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ipvs_svc_key_cmp(&s->v[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool ipvs_keyset_has(const struct ipvs_keyset *s, const struct ipvs_svc_key *k)
{
	size_t i = keyset_lower(s, k);
	return i < s->n && !ipvs_svc_key_cmp(&s->v[i], k);
}

int ipvs_keyset_add(struct ipvs_keyset *s, const struct ipvs_svc_key *k)
{
	size_t i = keyset_lower(s, k);
	if (i < s->n && !ipvs_svc_key_cmp(&s->v[i], k))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct ipvs_svc_key *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
	s->v[i] = *k;
	s->n++;
	return 0;
}

void ipvs_keyset_del(struct ipvs_keyset *s, const struct ipvs_svc_key *k)
{
	size_t i = keyset_lower(s, k);
	if (i < s->n && !ipvs_svc_key_cmp(&s->v[i], k)) {
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
		s->n--;
	}
}

void ipvs_keyset_free(struct ipvs_keyset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
