/* The retry decisions of the IPVS reconcile (ipvs/ipvs_retry.c) as tables:
 * which kernel errors count as done for which write, the backoff after
 * each failure, and the life of a retry entry across passes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipvs/ipvs_retry.h"
#include "unit.h"

#define S 1000000ULL

static void test_benign(void)
{
	static const int errs[] = {0, -EEXIST, -ENOENT, -ESRCH, -EINVAL, -ENOMEM, -EBUSY, -EPERM};
	/* one row per op kind, one column per error above */
	static const struct {
		enum ipvs_op_kind kind;
		bool benign[8];
	} rows[] = {
	    {IPVS_OP_DEL_SVC, {0, 0, 1, 1, 0, 0, 0, 0}},  /* already gone */
	    {IPVS_OP_DEL_DEST, {0, 0, 1, 1, 0, 0, 0, 0}}, /* already gone */
	    {IPVS_OP_ADD_SVC, {0, 1, 0, 0, 0, 0, 0, 0}},  /* raced: exists */
	    {IPVS_OP_ADD_DEST, {0, 1, 0, 0, 0, 0, 0, 0}}, /* raced: exists */
	    /* an edit of what is gone must be redone as an add: not benign */
	    {IPVS_OP_EDIT_SVC, {0, 0, 0, 0, 0, 0, 0, 0}},
	    {IPVS_OP_EDIT_DEST, {0, 0, 0, 0, 0, 0, 0, 0}},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (size_t j = 0; j < sizeof(errs) / sizeof(errs[0]); j++)
			EXPECT(ipvs_op_benign(rows[i].kind, errs[j]) == rows[i].benign[j],
			       "%s with %s", ipvs_op_kind_str(rows[i].kind),
			       errs[j] ? strerror(-errs[j]) : "0");
}

static void test_backoff(void)
{
	static const struct {
		uint64_t prev, next;
	} rows[] = {
	    {0, 1 * S},	      {1 * S, 2 * S},	{2 * S, 4 * S},
	    {16 * S, 32 * S}, {32 * S, 60 * S}, {30 * S, 60 * S},
	    {45 * S, 60 * S}, {60 * S, 60 * S}, {1, 2}, /* a wait below the minimum only doubles */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		EXPECT(ipvs_retry_backoff(rows[i].prev) == rows[i].next, "after %llu",
		       (unsigned long long)rows[i].prev);
}

static struct ipvs_service svc(const char *addr, uint16_t port)
{
	struct ipvs_service s = {.key = {.af = AF_INET, .protocol = 6, .port = port}};
	inet_pton(AF_INET, addr, s.key.addr.b);
	return s;
}

static struct ipvs_dest dest(const char *addr, uint16_t port, int32_t weight)
{
	struct ipvs_dest d = {.af = AF_INET, .port = port, .weight = weight};
	inet_pton(AF_INET, addr, d.addr.b);
	return d;
}

/* One entry failing again and again: the waits double up to the cap, the
 * op is held back until its deadline and tried from it on. */
static void test_sequence(void)
{
	static const uint64_t waits[] = {1, 2, 4, 8, 16, 32, 60, 60, 60};
	struct ipvs_retries rs = {0};
	struct ipvs_service s = svc("10.0.0.1", 80);
	struct ipvs_dest d = dest("10.0.1.1", 80, 1);
	struct ipvs_op op = {.kind = IPVS_OP_ADD_DEST, .svc = &s, .dest = &d};
	uint64_t now = 1000 * S;

	CHECK(!ipvs_retries_find(&rs, &op) && ipvs_retry_due(NULL, now));
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		struct ipvs_retry *rt = ipvs_retries_find(&rs, &op);
		CHECK(ipvs_retry_due(rt, now));
		rt = ipvs_retries_note(&rs, rt, &op, -ENOMEM, now);
		EXPECT(rt && rs.n == 1 && rt->failures == i + 1 &&
			   rt->backoff_usec == waits[i] * S &&
			   rt->next_usec == now + waits[i] * S && rt->err == -ENOMEM,
		       "failure %zu", i + 1);
		CHECK(!ipvs_retry_due(rt, now + waits[i] * S - 1));
		CHECK(ipvs_retries_next(&rs, now + 3600 * S) == now + waits[i] * S);
		CHECK(ipvs_retries_next(&rs, now) == now); /* an earlier limit wins */
		now += waits[i] * S;
	}
	/* the same entry whatever the op: an edit after a failed add */
	op.kind = IPVS_OP_EDIT_DEST;
	d.weight = 5;
	struct ipvs_retry *rt = ipvs_retries_find(&rs, &op);
	CHECK(rt && ipvs_retries_note(&rs, rt, &op, -EINVAL, now) == rt && rs.n == 1 &&
	      rt->kind == IPVS_OP_EDIT_DEST && rt->err == -EINVAL);
	/* success forgets it: the next failure starts from the minimum again */
	ipvs_retries_drop(&rs, rt);
	CHECK(rs.n == 0 && !ipvs_retries_find(&rs, &op));
	rt = ipvs_retries_note(&rs, NULL, &op, -EINVAL, now);
	CHECK(rt && rt->failures == 1 && rt->backoff_usec == 1 * S);
	ipvs_retries_drop(&rs, NULL); /* nothing pending: nothing dropped */
	CHECK(rs.n == 1);
	ipvs_retries_free(&rs);
	CHECK(rs.n == 0 && !rs.v);
}

/* Entries are per service or per (service, destination); a pass keeps
 * only the retries its diff still asked about. */
static void test_entries_and_passes(void)
{
	struct ipvs_retries rs = {0};
	struct ipvs_service s1 = svc("10.0.0.1", 80), s2 = svc("10.0.0.1", 443);
	struct ipvs_dest d1 = dest("10.0.1.1", 80, 1), d2 = dest("10.0.1.2", 80, 1);
	struct ipvs_op ops[] = {
	    {IPVS_OP_ADD_SVC, &s1, NULL, false}, {IPVS_OP_ADD_DEST, &s1, &d1, false},
	    {IPVS_OP_ADD_DEST, &s1, &d2, false}, {IPVS_OP_ADD_SVC, &s2, NULL, false},
	    {IPVS_OP_DEL_DEST, &s2, &d1, false},
	};
	const size_t n = sizeof(ops) / sizeof(ops[0]);

	for (size_t i = 0; i < n; i++)
		ipvs_retries_note(&rs, ipvs_retries_find(&rs, &ops[i]), &ops[i], -EBUSY, i * S);
	CHECK(rs.n == n);
	for (size_t i = 0; i < n; i++) {
		struct ipvs_retry *rt = ipvs_retries_find(&rs, &ops[i]);
		EXPECT(rt && rt->kind == ops[i].kind && rt->next_usec == i * S + S, "entry %zu", i);
	}
	/* many entries: the array grows past its first allocation */
	struct ipvs_dest many[40];
	for (int i = 0; i < 40; i++) {
		many[i] = dest("10.0.2.1", (uint16_t)(1000 + i), 1);
		struct ipvs_op op = {.kind = IPVS_OP_ADD_DEST, .svc = &s2, .dest = &many[i]};
		ipvs_retries_note(&rs, NULL, &op, -EBUSY, 100 * S);
	}
	CHECK(rs.n == n + 40 && ipvs_retries_next(&rs, 3600 * S) == 1 * S);

	/* a pass whose diff asks only for ops[1] and ops[3] (due or not) */
	ipvs_retries_begin_pass(&rs);
	CHECK(ipvs_retry_due(ipvs_retries_find(&rs, &ops[1]), 2 * S));
	CHECK(!ipvs_retry_due(ipvs_retries_find(&rs, &ops[3]), 2 * S));
	ipvs_retries_prune(&rs);
	CHECK(rs.n == 2 && ipvs_retries_find(&rs, &ops[1]) && ipvs_retries_find(&rs, &ops[3]) &&
	      !ipvs_retries_find(&rs, &ops[0]) && !ipvs_retries_find(&rs, &ops[4]));
	/* a pass that fails one anew keeps it; an empty pass forgets all */
	ipvs_retries_begin_pass(&rs);
	ipvs_retries_note(&rs, ipvs_retries_find(&rs, &ops[1]), &ops[1], -EBUSY, 10 * S);
	ipvs_retries_prune(&rs);
	CHECK(rs.n == 1 && ipvs_retries_find(&rs, &ops[1])->failures == 2);
	ipvs_retries_begin_pass(&rs);
	ipvs_retries_prune(&rs);
	CHECK(rs.n == 0 && ipvs_retries_next(&rs, 7) == 7);
	ipvs_retries_free(&rs);
}

int main(void)
{
	test_benign();
	test_backoff();
	test_sequence();
	test_entries_and_passes();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
