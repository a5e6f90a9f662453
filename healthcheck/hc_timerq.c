/* See hc_timerq.h. Ties keep no particular order. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "hc_timerq.h"

static void put(struct hc_tq *q, size_t i, struct hc_tq_slot s)
{
	q->v[i] = s;
	s.node->idx = i;
}

static void sift_up(struct hc_tq *q, size_t i)
{
	struct hc_tq_slot s = q->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (q->v[parent].when <= s.when)
			break;
		put(q, i, q->v[parent]);
		i = parent;
	}
	put(q, i, s);
}

static void sift_down(struct hc_tq *q, size_t i)
{
	struct hc_tq_slot s = q->v[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= q->n)
			break;
		if (c + 1 < q->n && q->v[c + 1].when < q->v[c].when)
			c++;
		if (s.when <= q->v[c].when)
			break;
		put(q, i, q->v[c]);
		i = c;
	}
	put(q, i, s);
}

int hc_tq_reserve(struct hc_tq *q, size_t n)
{
	size_t cap = q->cap ? q->cap : 64;

	while (cap < n)
		cap *= 2;
	if (cap == q->cap)
		return 0;
	struct hc_tq_slot *v = realloc(q->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	q->v = v;
	q->cap = cap;
	return 0;
}

int hc_tq_set(struct hc_tq *q, struct hc_tq_node *n, uint64_t when)
{
	uint64_t old = n->when;

	if (n->idx == HC_TQ_NONE) {
		if (q->n == q->cap) {
			size_t cap = q->cap ? 2 * q->cap : 64;
			struct hc_tq_slot *v = realloc(q->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			q->v = v;
			q->cap = cap;
		}
		n->when = when;
		q->v[q->n] = (struct hc_tq_slot){when, n};
		n->idx = q->n++;
		sift_up(q, n->idx);
		return 0;
	}
	n->when = when;
	q->v[n->idx].when = when;
	if (when < old)
		sift_up(q, n->idx);
	else
		sift_down(q, n->idx);
	return 0;
}

void hc_tq_del(struct hc_tq *q, struct hc_tq_node *n)
{
	size_t i = n->idx;

	if (i == HC_TQ_NONE || i >= q->n || q->v[i].node != n)
		return;
	n->idx = HC_TQ_NONE;
	if (i == --q->n)
		return;
	put(q, i, q->v[q->n]); /* the last one fills the hole, then finds its place */
	if (i > 0 && q->v[i].when < q->v[(i - 1) / 2].when)
		sift_up(q, i);
	else
		sift_down(q, i);
}

struct hc_tq_node *hc_tq_first(const struct hc_tq *q)
{
	return q->n ? q->v[0].node : NULL;
}

void hc_tq_free(struct hc_tq *q)
{
	for (size_t i = 0; i < q->n; i++)
		q->v[i].node->idx = HC_TQ_NONE;
	free(q->v);
	*q = (struct hc_tq){0};
}
