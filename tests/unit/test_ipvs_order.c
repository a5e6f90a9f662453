/* Unit tests of the destination order kept for mh, sh and dh
 * (ipvs/ipvs_order.c, through ipvs_diff): the writes for each case, and a
 * model of the kernel's list (a delete unlinks, an add goes to the head,
 * as __ip_vs_update_dest does) that checks random histories end in the
 * configuration order with the fewest writes.
 *
 * A case gives the configuration's real servers in order ("3 1 4 2": the
 * last octet of 10.0.1.X:80; "3:5" weight 5; "-2" configured but down,
 * so not wanted) and the kernel's list head first as a dump returns it
 * ("" no service; "-" a service without destinations). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs/ipvs_types.h"
#include "unit.h"

#define VIP   0x0a000001u
#define RS(x) (0x0a000100u + (uint32_t)(x))

static struct ipvs_service *add_service(struct ipvs_table *t, const char *sched)
{
	struct ipvs_service s = {0};
	s.key.af = AF_INET;
	s.key.protocol = IPPROTO_TCP;
	s.key.addr.v4.s_addr = htonl(VIP);
	s.key.port = 80;
	s.netmask = 32;
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return ipvs_table_add(t, &s);
}

static void add_dest(struct ipvs_service *s, unsigned x, int weight, uint32_t pos)
{
	struct ipvs_dest d = {.af = AF_INET, .port = 80, .fwd = IP_VS_CONN_F_DROUTE};
	d.addr.v4.s_addr = htonl(RS(x));
	d.weight = weight;
	d.pos = pos;
	ipvs_service_add_dest(s, &d);
}

/* "3 -1 4:5" -> dests 3 (w1, pos 0) and 4 (w5, pos 2); 1 is down */
static void parse_list(struct ipvs_table *t, const char *sched, const char *list)
{
	ipvs_table_init(t);
	if (!*list)
		return;
	struct ipvs_service *s = add_service(t, sched);
	char *copy = strdup(list), *save = NULL;
	uint32_t pos = 0;
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save), pos++) {
		unsigned x;
		int w = 1;
		if (!strcmp(tok, "-"))
			continue;
		if (tok[0] != '-' && sscanf(tok, "%u:%d", &x, &w) >= 1)
			add_dest(s, x, w, pos);
	}
	free(copy);
	ipvs_table_sort(t);
}

static void ops_render(const struct ipvs_ops *ops, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < ops->n; i++) {
		const struct ipvs_op *op = &ops->v[i];
		size_t used = strlen(out);
		const char *k = op->kind == IPVS_OP_ADD_DEST	? "add"
				: op->kind == IPVS_OP_DEL_DEST	? "del"
				: op->kind == IPVS_OP_EDIT_DEST ? "edit"
								: ipvs_op_kind_str(op->kind);
		if (op->dest)
			snprintf(out + used, len - used, "%s%s %u", i ? ", " : "", k,
				 (unsigned)(ntohl(op->dest->addr.v4.s_addr) & 0xff));
		else
			snprintf(out + used, len - used, "%s%s", i ? ", " : "", k);
	}
}

struct order_case {
	const char *name, *sched;
	const char *config; /* configuration order; -X down */
	const char *kernel; /* the kernel's list, head first */
	const char *expect;
};

static const struct order_case cases[] = {
    {"fresh: added in configuration order", "mh", "3 1 4 2", "",
     "add-service, add 3, add 1, "
     "add 4, add 2"},
    {"in order: nothing", "mh", "1 2 3 4", "4 3 2 1", ""},
    {"in order, not address order", "mh", "3 1 4 2", "2 4 1 3", ""},
    {"failure: one delete", "mh", "1 -2 3 4", "4 3 2 1", "del 2"},
    {"comeback: re-adds the ones after it", "mh", "1 2 3 4", "4 3 1",
     "add 2, del 3, add 3, del 4, add 4"},
    {"comeback of the last: one add", "mh", "1 2 3 4", "3 2 1", "add 4"},
    {"comeback of the first: all re-added", "mh", "1 2 3 4", "4 3 2",
     "add 1, del 2, add 2, del 3, add 3, del 4, add 4"},
    {"appended server: one add", "mh", "1 2 3 4 5", "4 3 2 1", "add 5"},
    {"repairs an old comeback at the head", "mh", "1 2 3 4", "2 4 3 1",
     "del 3, add 3, del 4, add 4"},
    {"weight change: one edit", "mh", "1 2 3:7 4", "4 3 2 1", "edit 3"},
    {"weight 0 (inhibited) keeps its place", "mh", "1 2:0 3 4", "4 3 2 1", "edit 2"},
    {"re-added one takes its new weight (no edit)", "mh", "1 2 3:9 4", "4 3 1",
     "add 2, del 3, add 3, del 4, add 4"},
    {"hand-added destination deleted, no move", "mh", "1 2 3", "9 3 2 1", "del 9"},
    {"two down, one back", "mh", "1 2 -3 4", "4 1", "add 2, del 4, add 4"},
    {"sh follows the order too", "sh", "1 2 3", "3 1", "add 2, del 3, add 3"},
    {"dh follows the order too", "dh", "1 2 3", "3 1", "add 2, del 3, add 3"},
    {"wlc: order left alone", "wlc", "1 2 3 4", "2 4 3 1", ""},
    {"wlc: comeback is one add", "wlc", "1 2 3 4", "4 3 1", "add 2"},
    {"rr: fresh in address order", "rr", "3 1 2", "", "add-service, add 1, add 2, add 3"},
    {"no destinations wanted", "mh", "-1 -2", "2 1", "del 1, del 2"},
    {"empty service stays empty", "mh", "-1", "-", ""},
};

/* The writes, kept after the tables they point into are freed. */
struct writes {
	enum ipvs_op_kind kind[64];
	unsigned x[64]; /* 0 for service ops */
	size_t n;
};

static void diff_service(const char *sched, const char *config, const char *kernel,
			 struct writes *w, char *got, size_t len)
{
	struct ipvs_ops opsv = {0}, *ops = &opsv;
	struct ipvs_table want, have;
	parse_list(&want, sched, config);
	parse_list(&have, sched, kernel);
	if (!want.n) /* "-X" only: a service with no destination */
		add_service(&want, sched);
	if (have.n)
		snprintf(have.svcs[0].sched, sizeof(have.svcs[0].sched), "%s", sched);
	EXPECT(ipvs_diff(&want, &have, NULL, ops, NULL) == 0, "diff %s", config);
	ops_render(ops, got, len);
	w->n = 0;
	for (size_t i = 0; i < ops->n; i++) /* a re-add's delete says so, and its add follows */
		EXPECT(!ops->v[i].readd || (ops->v[i].kind == IPVS_OP_DEL_DEST && i + 1 < ops->n &&
					    ops->v[i + 1].kind == IPVS_OP_ADD_DEST &&
					    !ipvs_dest_key_cmp(ops->v[i].dest, ops->v[i + 1].dest)),
		       "op %zu flagged readd in '%s'", i, got);
	for (size_t i = 0; i < ops->n; i++) /* every delete of a wanted one is a re-add */
		if (ops->v[i].kind == IPVS_OP_DEL_DEST && i + 1 < ops->n &&
		    ops->v[i + 1].kind == IPVS_OP_ADD_DEST &&
		    !ipvs_dest_key_cmp(ops->v[i].dest, ops->v[i + 1].dest))
			EXPECT(ops->v[i].readd, "op %zu not flagged readd in '%s'", i, got);
	for (size_t i = 0; i < ops->n && w->n < 64; i++, w->n++) {
		w->kind[w->n] = ops->v[i].kind;
		w->x[w->n] = ops->v[i].dest ? ntohl(ops->v[i].dest->addr.v4.s_addr) & 0xff : 0;
	}
	EXPECT(ops->n <= 64, "%zu writes", ops->n);
	ipvs_ops_free(ops);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void test_cases(void)
{
	struct writes w;
	char got[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct order_case *c = &cases[i];
		diff_service(c->sched, c->config, c->kernel, &w, got, sizeof(got));
		EXPECT(!strcmp(got, c->expect), "%s:\n  got    '%s'\n  expect '%s'", c->name, got,
		       c->expect);
	}
}

/* ---- the kernel's list, modelled ---- */

#define MAXN 9

struct klist {
	unsigned v[MAXN]; /* head first */
	size_t n;
};

static void k_del(struct klist *k, unsigned x)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i] == x) {
			memmove(&k->v[i], &k->v[i + 1], (k->n - i - 1) * sizeof(k->v[0]));
			k->n--;
			return;
		}
	EXPECT(0, "delete of %u, not in the list", x);
}

static void k_add(struct klist *k, unsigned x)
{
	for (size_t i = 0; i < k->n; i++)
		EXPECT(k->v[i] != x, "add of %u, already in the list (EEXIST)", x);
	memmove(&k->v[1], &k->v[0], k->n * sizeof(k->v[0]));
	k->v[0] = x;
	k->n++;
}

static void k_str(const struct klist *k, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < k->n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s%u", i ? " " : "", k->v[i]);
	}
	if (!k->n)
		snprintf(out, len, "-");
}

/* Apply W to K; returns the number of writes. */
static size_t k_apply(struct klist *k, const struct writes *w)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->kind[i] == IPVS_OP_DEL_DEST)
			k_del(k, w->x[i]);
		else if (w->kind[i] == IPVS_OP_ADD_DEST)
			k_add(k, w->x[i]);
	}
	return w->n;
}

/* Fewest writes from K to the configuration order of the wanted UP[]
 * (brute force: the untouched ones are a leading run of the configuration
 * order that K already lists reversed; every other wanted one costs an add,
 * plus a delete when K has it; every unwanted one in K a delete). */
static size_t k_min_writes(const struct klist *k, const unsigned *cfg, const bool *up, size_t n)
{
	size_t best = (size_t)-1;
	for (size_t m = 0; m <= n; m++) {
		/* untouched: the wanted among cfg[0..m), each in K, K-order reversed */
		bool ok = true;
		int last = -1;
		size_t cost = 0;
		for (size_t i = 0; i < n && ok; i++) {
			int at = -1;
			for (size_t j = 0; j < k->n; j++)
				if (k->v[j] == cfg[i])
					at = (int)j;
			if (!up[i]) {
				cost += at >= 0; /* delete */
				continue;
			}
			if (i < m) {
				ok = at >= 0 && (last < 0 || at < last);
				last = at;
			} else {
				cost += 1 + (at >= 0);
			}
		}
		if (ok && cost < best)
			best = cost;
	}
	return best;
}

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* Random configuration (order, some down), random kernel list: the writes
 * reach the configuration order reversed (head first), with the fewest
 * writes; once there, a failure is one write and a weight change one. */
static void test_random_histories(void)
{
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		size_t n = 1 + rnd(&seed) % (MAXN - 1);
		unsigned cfg[MAXN];
		bool up[MAXN];
		for (size_t i = 0; i < n; i++)
			cfg[i] = (unsigned)i + 1;
		for (size_t i = n - 1; i > 0; i--) { /* shuffle the configuration */
			size_t j = rnd(&seed) % (i + 1);
			unsigned t = cfg[i];
			cfg[i] = cfg[j];
			cfg[j] = t;
		}
		struct klist k = {.n = 0};
		for (unsigned x = 1; x <= n; x++) /* some in the kernel, random order */
			if (rnd(&seed) % 3)
				k_add(&k, x);
		for (size_t i = k.n; i > 1; i--) {
			size_t j = rnd(&seed) % i;
			unsigned t = k.v[i - 1];
			k.v[i - 1] = k.v[j];
			k.v[j] = t;
		}
		char config[64] = "", kernel[64], want_s[64] = "", got_s[64];
		for (size_t i = 0; i < n; i++) {
			up[i] = rnd(&seed) % 4 != 0;
			size_t used = strlen(config);
			snprintf(config + used, sizeof(config) - used, "%s%s%u", i ? " " : "",
				 up[i] ? "" : "-", cfg[i]);
		}
		for (size_t i = n; i-- > 0;) /* expected list: wanted ones, reversed */
			if (up[i]) {
				size_t used = strlen(want_s);
				snprintf(want_s + used, sizeof(want_s) - used, "%s%u",
					 *want_s ? " " : "", cfg[i]);
			}
		if (!*want_s)
			snprintf(want_s, sizeof(want_s), "-");
		k_str(&k, kernel, sizeof(kernel));
		struct writes w;
		char ops_s[512];
		diff_service("mh", config, k.n ? kernel : "-", &w, ops_s, sizeof(ops_s));
		size_t min = k_min_writes(&k, cfg, up, n);
		size_t writes = k_apply(&k, &w);
		k_str(&k, got_s, sizeof(got_s));
		EXPECT(!strcmp(got_s, want_s), "config '%s' kernel '%s': ops '%s' left '%s'",
		       config, kernel, ops_s, got_s);
		EXPECT(writes == min, "config '%s' kernel '%s': %zu writes, %zu would do (%s)",
		       config, kernel, writes, min, ops_s);
	}
}

/* From the order, one failure is one delete and the comeback of the
 * server at position P (0-based, of N) costs 1 + 2 x (N - 1 - P) writes. */
static void test_failure_and_comeback_costs(void)
{
	const unsigned cfg[5] = {5, 3, 8, 1, 6};
	const char *all = "5 3 8 1 6", *kernel = "6 1 8 3 5";
	struct writes w;
	char got[256];
	for (int p = 0; p < 5; p++) {
		char down[32] = "", left[32] = "";
		for (int i = 0; i < 5; i++) {
			size_t used = strlen(down);
			snprintf(down + used, sizeof(down) - used, "%s%s%u", i ? " " : "",
				 i == p ? "-" : "", cfg[i]);
		}
		for (int i = 4; i >= 0; i--) /* the kernel without it, order kept */
			if (i != p) {
				size_t used = strlen(left);
				snprintf(left + used, sizeof(left) - used, "%s%u", *left ? " " : "",
					 cfg[i]);
			}
		diff_service("mh", down, kernel, &w, got, sizeof(got));
		EXPECT(w.n == 1 && w.kind[0] == IPVS_OP_DEL_DEST && w.x[0] == cfg[p],
		       "failure at %d: %s", p, got);
		diff_service("mh", all, left, &w, got, sizeof(got));
		EXPECT(w.n == (size_t)(1 + 2 * (4 - p)), "comeback at %d: %zu writes (%s)", p, w.n,
		       got);
	}
}

/* The desired table carries the configuration order, whatever the
 * address order (ipvs_model.c sets pos from the real server's index). */
static void test_model_pos(void)
{
	struct hd_real_server_config rs[3];
	struct hd_virtual_server_config vs;
	struct hd_config cfg;
	memset(rs, 0, sizeof(rs));
	memset(&vs, 0, sizeof(vs));
	memset(&cfg, 0, sizeof(cfg));
	const unsigned order[3] = {7, 2, 5};
	for (int i = 0; i < 3; i++) {
		rs[i].ep.addr.family = AF_INET;
		rs[i].ep.addr.u.v4.s_addr = htonl(RS(order[i]));
		rs[i].ep.port = 80;
		rs[i].weight = 1;
	}
	vs.ep.addr.family = AF_INET;
	vs.ep.addr.u.v4.s_addr = htonl(VIP);
	vs.ep.port = 80;
	vs.protocol = HD_PROTO_TCP;
	snprintf(vs.lb_algo, sizeof(vs.lb_algo), "mh");
	vs.real_servers = rs;
	vs.n_real_servers = 3;
	cfg.virtual_servers = &vs;
	cfg.n_virtual_servers = 1;
	struct ipvs_table t;
	EXPECT(ipvs_model_build(&cfg, NULL, NULL, NULL, NULL, &t) == 0, "model build");
	EXPECT(t.n == 1 && t.svcs[0].n_dests == 3, "one service, three dests");
	for (size_t i = 0; t.n == 1 && i < t.svcs[0].n_dests; i++) {
		const struct ipvs_dest *d = &t.svcs[0].dests[i];
		unsigned x = ntohl(d->addr.v4.s_addr) & 0xff;
		unsigned want = x == 7 ? 0 : x == 2 ? 1 : 2;
		EXPECT(d->pos == want, "dest %u pos %u, want %u", x, d->pos, want);
	}
	ipvs_table_free(&t);
}

int main(void)
{
	test_cases();
	test_random_histories();
	test_failure_and_comeback_costs();
	test_model_pos();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
