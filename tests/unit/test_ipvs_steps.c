/* Unit tests of the desired table's build and the diff in steps
 * (ipvs/ipvs_steps.h): whatever the budget, the steps give the table and
 * the writes of the whole build and diff, each step stops once its budget
 * is spent (the cursor table below), and the writes emitted after any step
 * are a prefix of the whole diff's (so the order of the writes, deletes
 * first, holds). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs/ipvs_steps.h"
#include "unit.h"

#define NVS 7

static struct hd_real_server_config rs[NVS][12];
static struct hd_virtual_server_config vs[NVS];
static struct hd_vs_member members[3];
static struct hd_config cfg;
static const char *const vs_addr[NVS] = {"10.1.0.9", "10.1.0.2", "10.1.0.5", "2001:db8::7",
					 "10.1.0.1", "10.1.0.3", "10.1.0.8"};
/* real servers of each virtual server: a budget's units are these (+1) */
static const size_t vs_nrs[NVS] = {4, 0, 12, 3, 1, 5, 2};

static struct hd_endpoint ep(const char *a, uint16_t port)
{
	struct hd_endpoint e = {0};
	e.addr.family = strchr(a, ':') ? AF_INET6 : AF_INET;
	inet_pton(e.addr.family, a, &e.addr.u);
	e.port = port;
	return e;
}

/* Seven virtual servers out of key order: real servers in scrambled
 * address order, a group of three members (VS 5), a sorry server with a
 * lost quorum (VS 6), inhibit_on_failure (VS 2), mh (VS 0, ordered). */
static void setup(void)
{
	char a[64];
	memset(rs, 0, sizeof(rs));
	memset(vs, 0, sizeof(vs));
	memset(&cfg, 0, sizeof(cfg));
	for (size_t v = 0; v < NVS; v++) {
		vs[v].ep = ep(vs_addr[v], 80);
		vs[v].protocol = HD_PROTO_TCP;
		strcpy(vs[v].lb_algo, v == 0 ? "mh" : "wrr");
		vs[v].lb_kind = v == 4 ? HD_LB_NAT : HD_LB_DR;
		vs[v].quorum = 1;
		vs[v].real_servers = rs[v];
		vs[v].n_real_servers = vs_nrs[v];
		for (size_t i = 0; i < vs_nrs[v]; i++) {
			if (v == 3)
				snprintf(a, sizeof(a), "2001:db8:1::%zx", (i * 5) % 7 + 1);
			else
				snprintf(a, sizeof(a), "192.168.%zu.%zu", v, (i * 7) % 13 + 1);
			rs[v][i].ep = ep(a, 8080);
			rs[v][i].weight = (unsigned)(i % 3) + 1;
		}
	}
	vs[2].inhibit_on_failure = true;
	vs[6].has_sorry_server = true;
	vs[6].sorry_server = ep("192.168.99.1", 80);
	vs[6].quorum = 100; /* never reached: the sorry server is in */
	const char *maddr[3] = {"10.2.0.3", "10.2.0.1", "10.2.0.2"};
	for (size_t m = 0; m < 3; m++) {
		memset(&members[m], 0, sizeof(members[m]));
		members[m].ep = ep(maddr[m], (uint16_t)(443 + m));
	}
	static char gname[] = "g";
	vs[5].group = gname;
	vs[5].members = members;
	vs[5].n_members = 3;
	vs[5].ep = members[0].ep;
	cfg.virtual_servers = vs;
	cfg.n_virtual_servers = NVS;
}

/* Every third real server down, weights moved; counts the calls. */
static size_t verdict_calls;

static void verdict(void *ud, size_t vi, size_t ri, struct ipvs_rs_verdict *v)
{
	(void)ud;
	verdict_calls++;
	v->up = (vi + ri) % 3 != 0;
	v->weight = ri % 2 ? (int)(vi + ri) : -1;
}

static bool same_table(const struct ipvs_table *a, const struct ipvs_table *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct ipvs_service *x = &a->svcs[i], *y = &b->svcs[i];
		if (ipvs_svc_key_cmp(&x->key, &y->key) || strcmp(x->sched, y->sched) ||
		    x->flags != y->flags || x->timeout != y->timeout || x->netmask != y->netmask ||
		    x->vs_index != y->vs_index || x->quorum_lost != y->quorum_lost ||
		    x->n_dests != y->n_dests || !x->dests_sorted || !y->dests_sorted)
			return false;
		for (size_t j = 0; j < x->n_dests; j++)
			if (memcmp(&x->dests[j], &y->dests[j], sizeof(x->dests[j])))
				return false;
	}
	return true;
}

static const size_t budgets[] = {0, 1, 2, 3, 5, 13, 17, 40, 1000, SIZE_MAX};
#define NBUDGETS (sizeof(budgets) / sizeof(budgets[0]))

static void test_build_same(void)
{
	struct ipvs_table whole;
	struct ipvs_quorum_state q0[NVS] = {{0}}, q[NVS];

	setup();
	verdict_calls = 0;
	CHECK(ipvs_model_build(&cfg, verdict, NULL, NULL, q0, &whole) == 0);
	size_t whole_calls = verdict_calls;
	EXPECT(whole.n == NVS + 2, "%zu services (a group of 3)", whole.n);
	for (size_t k = 0; k < NBUDGETS; k++) {
		struct ipvs_model_build b;
		size_t steps = 0;
		int r;
		memset(q, 0, sizeof(q));
		verdict_calls = 0;
		CHECK(ipvs_model_build_begin(&b, &cfg, verdict, NULL, NULL, q) == 0);
		while ((r = ipvs_model_build_step(&b, budgets[k])) == 0)
			steps++;
		EXPECT(r == 1, "budget %zu: %d", budgets[k], r);
		EXPECT(same_table(&b.out, &whole), "budget %zu: another table", budgets[k]);
		EXPECT(!memcmp(q, q0, sizeof(q)), "budget %zu: another quorum state", budgets[k]);
		EXPECT(verdict_calls == whole_calls, "budget %zu: %zu verdicts asked, not %zu",
		       budgets[k], verdict_calls, whole_calls);
		EXPECT(budgets[k] > 1 || steps == NVS - 1, "budget %zu: %zu steps", budgets[k],
		       steps);
		ipvs_model_build_free(&b);
	}
	ipvs_table_free(&whole);
}

/* The cursor: where each step of BUDGET leaves it (b.next after each
 * step, the last one complete). Costs: (1 + real servers) x members:
 * 5, 1, 13, 4, 2, 18, 3. */
static const struct {
	size_t budget;
	size_t next[NVS + 1]; /* 0 ends */
} cursor_cases[] = {
    {1, {1, 2, 3, 4, 5, 6, 7}},
    {5, {1, 3, 5, 6, 7}}, /* 5 | 1+13 | 4+2 | 18 | 3 */
    {6, {2, 3, 5, 6, 7}}, /* 5+1 | 13 | 4+2 | 18 | 3 */
    {19, {3, 6, 7}},	  /* 5+1+13 | 4+2+18 | 3 */
    {45, {7}},
};

static void test_build_cursor(void)
{
	setup();
	for (size_t k = 0; k < sizeof(cursor_cases) / sizeof(cursor_cases[0]); k++) {
		struct ipvs_model_build b;
		size_t s = 0;
		int r = 0;
		CHECK(ipvs_model_build_begin(&b, &cfg, NULL, NULL, NULL, NULL) == 0);
		for (; r == 0 && s <= NVS; s++) {
			r = ipvs_model_build_step(&b, cursor_cases[k].budget);
			EXPECT(b.next == cursor_cases[k].next[s], "budget %zu, step %zu: next %zu",
			       cursor_cases[k].budget, s, b.next);
			EXPECT((r == 1) == (b.next == NVS), "budget %zu, step %zu: returned %d",
			       cursor_cases[k].budget, s, r);
		}
		EXPECT(s == NVS + 1 || cursor_cases[k].next[s] == 0, "budget %zu: %zu steps",
		       cursor_cases[k].budget, s);
		ipvs_model_build_free(&b);
	}
	/* an empty configuration is built in one step */
	struct hd_config none = {0};
	struct ipvs_model_build b;
	CHECK(ipvs_model_build_begin(&b, &none, NULL, NULL, NULL, NULL) == 0);
	CHECK(ipvs_model_build_step(&b, 1) == 1 && b.out.n == 0);
	ipvs_model_build_free(&b);
}

/* A table of N services of up to M destinations; SEED moves keys and
 * attributes so two seeds differ in every way a diff sees. */
static void gen_table(struct ipvs_table *t, size_t n, size_t m, unsigned seed)
{
	ipvs_table_init(t);
	for (size_t k = 0; k < n; k++) {
		struct ipvs_service s = {0};
		if ((k * 13 + seed) % 5 == 0)
			continue; /* absent here */
		s.key.af = AF_INET;
		s.key.protocol = IPPROTO_TCP;
		s.key.addr.v4.s_addr = htonl(0x0a000000u + (uint32_t)k);
		s.key.port = 80;
		strcpy(s.sched, k % 4 == 1 ? "mh" : (k + seed) % 7 == 0 ? "rr" : "wrr");
		struct ipvs_service *ns = ipvs_table_add(t, &s);
		size_t nd = (k * 3 + seed) % (m + 1);
		for (size_t j = 0; j < nd; j++) {
			struct ipvs_dest d = {
			    .af = AF_INET, .port = 80, .fwd = IP_VS_CONN_F_DROUTE};
			d.addr.v4.s_addr =
			    htonl(0xac100000u + (uint32_t)((j * 5 + seed) % (m + 3)));
			d.weight = (int32_t)((j + k + seed / 2) % 3);
			d.pos = (uint32_t)((j * 7 + seed) % (m + 3));
			ipvs_service_add_dest(ns, &d);
		}
	}
	ipvs_table_sort(t);
}

static bool same_op(const struct ipvs_op *a, const struct ipvs_op *b)
{
	return a->kind == b->kind && a->svc == b->svc && a->dest == b->dest && a->readd == b->readd;
}

static void test_diff_same(void)
{
	struct ipvs_table want, have;
	struct ipvs_keyset owned = {0};
	struct ipvs_ops whole = {0};
	size_t whole_steps = 0;

	gen_table(&want, 60, 9, 1);
	gen_table(&have, 60, 9, 4);
	for (size_t i = 0; i < have.n; i += 2) /* half of the services only in have are ours */
		CHECK(ipvs_keyset_add(&owned, &have.svcs[i].key) == 0);
	CHECK(ipvs_diff(&want, &have, &owned, &whole, &whole_steps) == 0);
	size_t kinds[IPVS_OP_ADD_DEST + 1] = {0};
	for (size_t i = 0; i < whole.n; i++)
		kinds[whole.v[i].kind]++;
	EXPECT(whole.n > 50 && kinds[IPVS_OP_DEL_SVC] && kinds[IPVS_OP_ADD_SVC] &&
		   kinds[IPVS_OP_EDIT_SVC] && kinds[IPVS_OP_DEL_DEST] && kinds[IPVS_OP_EDIT_DEST] &&
		   kinds[IPVS_OP_ADD_DEST],
	       "the case has every kind of write (%zu: %zu %zu %zu %zu %zu %zu)", whole.n, kinds[0],
	       kinds[1], kinds[2], kinds[3], kinds[4], kinds[5]);
	for (size_t k = 0; k < NBUDGETS; k++) {
		struct ipvs_diff_cursor cur;
		struct ipvs_ops ops = {0};
		size_t calls = 0;
		int r;
		bool prefix = true;
		ipvs_diff_begin(&cur, &ops);
		do {
			r = ipvs_diff_step(&want, &have, &owned, &cur, &ops, budgets[k]);
			calls++;
			for (size_t i = 0; i < ops.n && prefix; i++)
				prefix = i < whole.n && same_op(&ops.v[i], &whole.v[i]);
		} while (r == 0 && calls < 100000);
		EXPECT(r == 1, "budget %zu: %d", budgets[k], r);
		EXPECT(prefix, "budget %zu: a step's writes are not a prefix of the diff's",
		       budgets[k]);
		EXPECT(ops.n == whole.n, "budget %zu: %zu writes, not %zu", budgets[k], ops.n,
		       whole.n);
		EXPECT(cur.steps == whole_steps, "budget %zu: %zu comparisons, not %zu", budgets[k],
		       cur.steps, whole_steps);
		/* one service position a step with the least budget: both merges */
		EXPECT(budgets[k] > 1 || calls >= want.n + have.n, "budget %zu: %zu steps",
		       budgets[k], calls);
		ipvs_ops_free(&ops);
	}
	ipvs_ops_free(&whole);
	ipvs_keyset_free(&owned);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

/* The diff's cursor: the service positions each step of BUDGET takes.
 * desired A(2 dests) B(0) D(3); observed A(1) C(4). Deletes' merge: A, B,
 * C, D at 1 each; adds' merge: A 1+2+1, B 1, C 1 (not desired: no cost of
 * its destinations), D 1+3. */
static void test_diff_cursor(void)
{
	static const struct {
		size_t budget;
		unsigned steps; /* step calls until over */
		size_t ops;
	} cases[] = {
	    {1, 8, 0}, /* 4 deletes' positions, then 4 adds' ones */
	    {2, 5, 0}, /* AB CD | A | BC | D: the switch costs nothing */
	    {4, 3, 0}, /* ABCD | A | BCD */
	    {5, 2, 0}, /* ABCD A | BCD */
	    {100, 1, 0},
	};
	struct ipvs_table want, have;
	struct ipvs_keyset owned = {0};
	const size_t nd_want[3] = {2, 0, 3}, nd_have[2] = {1, 4};
	const uint32_t k_want[3] = {1, 2, 4}, k_have[2] = {1, 3};

	ipvs_table_init(&want);
	ipvs_table_init(&have);
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < (t ? 2u : 3u); i++) {
			struct ipvs_service s = {.key = {.af = AF_INET, .protocol = IPPROTO_TCP}};
			s.key.addr.v4.s_addr = htonl(t ? k_have[i] : k_want[i]);
			strcpy(s.sched, "wrr");
			struct ipvs_service *ns = ipvs_table_add(t ? &have : &want, &s);
			for (size_t j = 0; j < (t ? nd_have[i] : nd_want[i]); j++) {
				struct ipvs_dest d = {.af = AF_INET, .fwd = IP_VS_CONN_F_DROUTE};
				d.addr.v4.s_addr = htonl(0xac100001u + (uint32_t)j);
				ipvs_service_add_dest(ns, &d);
			}
		}
	ipvs_table_sort(&want);
	ipvs_table_sort(&have);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct ipvs_diff_cursor cur;
		struct ipvs_ops ops = {0};
		unsigned calls = 0;
		int r;
		ipvs_diff_begin(&cur, &ops);
		do {
			r = ipvs_diff_step(&want, &have, &owned, &cur, &ops, cases[k].budget);
			calls++;
		} while (r == 0 && calls < 100);
		EXPECT(calls == cases[k].steps, "budget %zu: %u steps, not %u", cases[k].budget,
		       calls, cases[k].steps);
		/* C is not owned: no delete; A gets its second destination,
		 * B and D are added with theirs */
		EXPECT(ops.n == 1 + 1 + 1 + 3, "budget %zu: %zu writes", cases[k].budget, ops.n);
		ipvs_ops_free(&ops);
	}
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

int main(void)
{
	test_build_same();
	test_build_cursor();
	test_diff_same();
	test_diff_cursor();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
