/* vrrp_route.h: which routes and rules must be in the kernel for each
 * combination of instance states, and what a reconcile adds and removes
 * (keeps what is still wanted, touches nothing it did not install), as
 * tables. */
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "unit.h"
#include "vrrp/vrrp_route.h"

static struct hd_route mkroute(const char *dst, const char *via, const char *dev, uint32_t table)
{
	struct hd_route r = {.type = RTN_UNICAST, .table = table};
	struct hd_prefix p;

	CHECK(hd_prefix_parse(dst, &p) == 0);
	r.family = p.addr.family;
	r.dst = p.addr;
	r.dst_len = p.prefixlen;
	if (via) {
		CHECK(hd_addr_parse(via, &r.via[0]) == 0);
		r.n_via = 1;
	} else {
		r.scope = RT_SCOPE_LINK;
	}
	if (dev)
		snprintf(r.dev, sizeof(r.dev), "%s", dev);
	return r;
}

/* statics: S0 S1; instance A: A0 A1 (A1 equal to S1); instance B: B0;
 * rules: static R0, A's RA, B's RB */
static struct hd_route st[2], ra[2], rb[1];
static struct hd_rule su[1], ua[1], ub[1];
static struct hd_vrrp_instance_config inst[2];
static struct hd_config cfg;

static void setup(void)
{
	st[0] = mkroute("10.1.0.0/16", "192.168.0.1", NULL, RT_TABLE_MAIN);
	st[1] = mkroute("10.2.0.0/16", NULL, "eth1", RT_TABLE_MAIN);
	ra[0] = mkroute("10.3.0.0/16", "192.168.0.1", "eth0", 100);
	ra[1] = st[1];
	ra[1].line = 42; /* another line, the same route */
	rb[0] = mkroute("2001:db8::/32", "fe80::1", "eth0", RT_TABLE_MAIN);
	su[0] = (struct hd_rule){.family = AF_INET, .action = FR_ACT_TO_TBL, .table = 1};
	ua[0] = su[0];
	ua[0].table = 2;
	ub[0] = (struct hd_rule){
	    .family = AF_INET, .action = FR_ACT_BLACKHOLE, .has_priority = true, .priority = 100};
	inst[0] = (struct hd_vrrp_instance_config){
	    .routes = ra, .n_routes = 2, .rules = ua, .n_rules = 1};
	inst[1] = (struct hd_vrrp_instance_config){
	    .routes = rb, .n_routes = 1, .rules = ub, .n_rules = 1};
	cfg = (struct hd_config){.instances = inst,
				 .n_instances = 2,
				 .static_routes = st,
				 .n_static_routes = 2,
				 .static_rules = su,
				 .n_static_rules = 1};
}

struct want_row {
	const char *name;
	bool master[2];
	const struct hd_route *routes[5]; /* expected, in order, NULL-terminated */
	const struct hd_rule *rules[4];
};

static void test_wanted(void)
{
	const struct want_row rows[] = {
	    {"both backup: static only", {false, false}, {&st[0], &st[1]}, {&su[0]}},
	    {"A master: A's too, its copy of a static route once",
	     {true, false},
	     {&st[0], &st[1], &ra[0]},
	     {&su[0], &ua[0]}},
	    {"B master", {false, true}, {&st[0], &st[1], &rb[0]}, {&su[0], &ub[0]}},
	    {"both master",
	     {true, true},
	     {&st[0], &st[1], &ra[0], &rb[0]},
	     {&su[0], &ua[0], &ub[0]}},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct want_row *w = &rows[i];
		const struct hd_route *r[8] = {0};
		const struct hd_rule *u[8] = {0};
		size_t nr, nu, er = 0, eu = 0;

		CHECK(vrrp_routes_max(&cfg) == 5 && vrrp_rules_max(&cfg) == 3);
		nr = vrrp_routes_wanted(&cfg, w->master, r);
		nu = vrrp_rules_wanted(&cfg, w->master, u);
		while (w->routes[er])
			er++;
		while (w->rules[eu])
			eu++;
		EXPECT(nr == er, "%s: %zu routes, want %zu", w->name, nr, er);
		EXPECT(nu == eu, "%s: %zu rules, want %zu", w->name, nu, eu);
		for (size_t k = 0; k < nr && k < er; k++)
			EXPECT(r[k] == w->routes[k], "%s: route %zu", w->name, k);
		for (size_t k = 0; k < nu && k < eu; k++)
			EXPECT(u[k] == w->rules[k], "%s: rule %zu", w->name, k);
	}
}

/* Equality: every attribute the kernel gets counts, the line does not,
 * gateways are a set. */
static void test_eq(void)
{
	struct hd_route a = mkroute("10.0.0.0/8", "192.168.0.1", "eth0", 100), b = a;
	struct hd_rule x = {.family = AF_INET, .action = FR_ACT_TO_TBL, .table = 5}, y = x;

	b.line = 7;
	CHECK(vrrp_route_eq(&a, &b));
	b.metric = 10;
	CHECK(!vrrp_route_eq(&a, &b));
	b = a;
	b.table = 101;
	CHECK(!vrrp_route_eq(&a, &b));
	b = a;
	CHECK(hd_addr_parse("192.168.0.2", &b.via[0]) == 0);
	CHECK(!vrrp_route_eq(&a, &b));
	b = a;
	b.has_src = true;
	CHECK(!vrrp_route_eq(&a, &b));
	b = a;
	snprintf(b.dev, sizeof(b.dev), "eth1");
	CHECK(!vrrp_route_eq(&a, &b));
	b = a;
	b.dst_len = 16;
	CHECK(!vrrp_route_eq(&a, &b));
	/* multipath: order does not matter, count does */
	CHECK(hd_addr_parse("192.168.0.2", &a.via[1]) == 0);
	a.n_via = 2;
	b = a;
	b.via[0] = a.via[1];
	b.via[1] = a.via[0];
	CHECK(vrrp_route_eq(&a, &b));
	b.n_via = 1;
	CHECK(!vrrp_route_eq(&a, &b));

	y.line = 9;
	CHECK(vrrp_rule_eq(&x, &y));
	y.has_priority = true;
	CHECK(!vrrp_rule_eq(&x, &y));
	y = x;
	y.has_fwmark = true;
	y.fwmark = 1;
	y.fwmask = 0xff;
	CHECK(!vrrp_rule_eq(&x, &y));
	y = x;
	snprintf(y.iif, sizeof(y.iif), "eth0");
	CHECK(!vrrp_rule_eq(&x, &y));
	y = x;
	y.action = FR_ACT_PROHIBIT;
	CHECK(!vrrp_rule_eq(&x, &y));
}

struct plan_row {
	const char *name;
	const struct hd_route *have[4], *want[4];
	bool keep[4], add[4];
};

/* The reconcile: a reload that adds R3 and drops R1 keeps R0 and R2 (no
 * flap), a changed gateway is a removal plus an addition, nothing
 * installed means nothing removed. */
static void test_plan(void)
{
	static struct hd_route r[4], r2b;
	r[0] = mkroute("10.0.0.0/24", "192.168.0.1", NULL, RT_TABLE_MAIN);
	r[1] = mkroute("10.0.1.0/24", "192.168.0.1", NULL, RT_TABLE_MAIN);
	r[2] = mkroute("10.0.2.0/24", "192.168.0.1", NULL, 100);
	r[3] = mkroute("10.0.3.0/24", NULL, "eth1", RT_TABLE_MAIN);
	r2b = mkroute("10.0.2.0/24", "192.168.0.9", NULL, 100);
	const struct plan_row rows[] = {
	    {"nothing installed, nothing wanted", {NULL}, {NULL}, {0}, {0}},
	    {"start: all added", {NULL}, {&r[0], &r[1]}, {0}, {true, true}},
	    {"unchanged: nothing done",
	     {&r[0], &r[1]},
	     {&r[0], &r[1]},
	     {true, true},
	     {false, false}},
	    {"reload +r3 -r1: r0, r2 untouched",
	     {&r[0], &r[1], &r[2]},
	     {&r[0], &r[2], &r[3]},
	     {true, false, true},
	     {false, false, true}},
	    {"gateway changed: old removed, new added", {&r[2]}, {&r2b}, {false}, {true}},
	    {"to backup: all removed", {&r[0], &r[3]}, {NULL}, {false, false}, {0}},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct plan_row *p = &rows[i];
		size_t nh = 0, nw = 0;
		bool keep[4], add[4];

		while (nh < 4 && p->have[nh])
			nh++;
		while (nw < 4 && p->want[nw])
			nw++;
		vrrp_plan((const void *const *)p->want, nw, (const void *const *)p->have, nh,
			  vrrp_route_eq_v, keep, add);
		for (size_t k = 0; k < nh; k++)
			EXPECT(keep[k] == p->keep[k], "%s: keep[%zu]", p->name, k);
		for (size_t k = 0; k < nw; k++)
			EXPECT(add[k] == p->add[k], "%s: add[%zu]", p->name, k);
	}
}

int main(void)
{
	setup();
	test_wanted();
	test_eq();
	test_plan();
	return failures != 0;
}
