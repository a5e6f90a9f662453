/* Tests of the probes' deadline heap (healthcheck/hc_timerq.c): fixed
 * sequences with the expected order, then random operations checked
 * against a plain scan after every step. */
#include <stdlib.h>
#include <string.h>

#include "healthcheck/hc_timerq.h"
#include "unit.h"

#define N 300

/* The heap property and every node's index, from the array. */
static int heap_ok(const struct hc_tq *q)
{
	for (size_t i = 0; i < q->n; i++) {
		if (q->v[i].node->idx != i || q->v[i].node->when != q->v[i].when)
			return 0;
		if (i > 0 && q->v[(i - 1) / 2].when > q->v[i].when)
			return 0;
	}
	return 1;
}

/* Pop everything: the order the deadlines come out in. */
static void drain(struct hc_tq *q, uint64_t *out, size_t *n)
{
	struct hc_tq_node *f;

	*n = 0;
	while ((f = hc_tq_first(q))) {
		out[(*n)++] = f->when;
		hc_tq_del(q, f);
	}
}

static void test_sequences(void)
{
	static const struct {
		const char *name;
		const char *ops; /* s<node><when-digit> set, d<node> delete */
		const char *order;
	} cases[] = {
	    {"inserted out of order", "a5b1c3d9e2", "12359"},
	    {"moved earlier", "a5b6c7c1", "156"},
	    {"moved later", "a1b2c3a9", "239"},
	    {"deleted from the middle", "a1b2c3d4e5c", "1245"},
	    {"deleted first", "a1b2c3a", "23"},
	    {"deleted last", "a1b2c3c", "12"},
	    {"deleted twice is a no-op", "a1b2bb", "1"},
	    {"equal deadlines all come out", "a4b4c4d4", "4444"},
	    {"re-set to the same time", "a3b2a3", "23"},
	    {"empty", "", ""},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hc_tq q = {0};
		struct hc_tq_node nodes[26];
		uint64_t got[26];
		char buf[27] = "";
		size_t n;
		const char *o = cases[k].ops;

		for (int i = 0; i < 26; i++)
			hc_tq_node_init(&nodes[i]);
		while (*o) {
			struct hc_tq_node *nd = &nodes[*o - 'a'];
			if (o[1] >= '0' && o[1] <= '9') {
				CHECK(hc_tq_set(&q, nd, (uint64_t)(o[1] - '0')) == 0);
				o += 2;
			} else {
				hc_tq_del(&q, nd);
				o++;
			}
			EXPECT(heap_ok(&q), "%s: heap broken", cases[k].name);
		}
		drain(&q, got, &n);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)('0' + got[i]);
		buf[n] = 0;
		EXPECT(!strcmp(buf, cases[k].order), "%s: got \"%s\", want \"%s\"", cases[k].name,
		       buf, cases[k].order);
		hc_tq_free(&q);
	}
}

static void test_random(void)
{
	struct hc_tq q = {0};
	static struct hc_tq_node nodes[N];
	static int queued[N];
	unsigned seed = 12345;

	for (int i = 0; i < N; i++)
		hc_tq_node_init(&nodes[i]);
	for (int step = 0; step < 20000; step++) {
		int i = rand_r(&seed) % N, op = rand_r(&seed) % 3;
		uint64_t when = (uint64_t)(rand_r(&seed) % 1000);

		if (op < 2) {
			CHECK(hc_tq_set(&q, &nodes[i], when) == 0);
			queued[i] = 1;
		} else {
			hc_tq_del(&q, &nodes[i]);
			queued[i] = 0;
			EXPECT(nodes[i].idx == HC_TQ_NONE, "step %d: deleted node still indexed",
			       step);
		}
		/* the first is the smallest deadline among the queued */
		uint64_t min = UINT64_MAX;
		size_t count = 0;
		for (int j = 0; j < N; j++)
			if (queued[j]) {
				count++;
				if (nodes[j].when < min)
					min = nodes[j].when;
			}
		struct hc_tq_node *f = hc_tq_first(&q);
		EXPECT(q.n == count, "step %d: %zu queued, heap says %zu", step, count, q.n);
		EXPECT(count ? f && f->when == min : !f, "step %d: wrong first", step);
		if (step % 97 == 0)
			EXPECT(heap_ok(&q), "step %d: heap broken", step);
	}
	hc_tq_free(&q);
	for (int i = 0; i < N; i++)
		EXPECT(nodes[i].idx == HC_TQ_NONE, "node %d indexed after free", i);
}

int main(void)
{
	test_sequences();
	test_random();
	return failures ? 1 : 0;
}
