/* Unit tests of the pure IPVS diff (ipvs/ipvs_diff.c) and table types.
 * Tables are written in a small text form so the cases read as a table:
 *   "tcp 10.0.0.1:80 rr p60/24 > 10.0.1.1:80 dr 1, 10.0.1.2:80 nat 3; fwm 7 wlc > ..."
 * service: PROTO ADDR:PORT | fwm MARK [inet6]; then scheduler; optional
 * pTIMEOUT[/NETMASK]; after '>' destinations ADDR:PORT FWD WEIGHT. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipvs/ipvs_types.h"
#include "unit.h"

static int parse_ep(char *s, uint16_t *af, union ipvs_addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	char *colon;
	if (*s == '[') {
		char *end = strchr(s, ']');
		if (!end)
			return -1;
		*end = '\0';
		*af = AF_INET6;
		colon = end + 1;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		*colon = '\0';
		*af = AF_INET;
	}
	*port = (uint16_t)atoi(colon + 1);
	return inet_pton(*af, s, a->b) == 1 ? 0 : -1;
}

static uint32_t parse_fwd(const char *s)
{
	if (!strcmp(s, "nat"))
		return IP_VS_CONN_F_MASQ;
	if (!strcmp(s, "tun"))
		return IP_VS_CONN_F_TUNNEL;
	if (!strcmp(s, "local"))
		return IP_VS_CONN_F_LOCALNODE;
	return IP_VS_CONN_F_DROUTE;
}

static void parse_dests(struct ipvs_service *s, char *list)
{
	for (char *save = NULL, *d = strtok_r(list, ",", &save); d;
	     d = strtok_r(NULL, ",", &save)) {
		char ep[80], fwd[8];
		int w = 1;
		struct ipvs_dest dest = {0};
		if (sscanf(d, " %79s %7s %d", ep, fwd, &w) < 2 ||
		    parse_ep(ep, &dest.af, &dest.addr, &dest.port)) {
			fprintf(stderr, "bad dest spec '%s'\n", d);
			exit(2);
		}
		dest.fwd = parse_fwd(fwd);
		dest.weight = w;
		ipvs_service_add_dest(s, &dest);
	}
}

static void parse_service(struct ipvs_table *t, char *spec)
{
	char *gt = strchr(spec, '>');
	if (gt)
		*gt++ = '\0';
	struct ipvs_service s = {0};
	char *save = NULL, *tok = strtok_r(spec, " ", &save);
	if (!strcmp(tok, "fwm")) {
		s.key.fwmark = (uint32_t)atoi(strtok_r(NULL, " ", &save));
		s.key.af = AF_INET;
	} else {
		s.key.protocol = !strcmp(tok, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
		if (parse_ep(strtok_r(NULL, " ", &save), &s.key.af, &s.key.addr, &s.key.port)) {
			fprintf(stderr, "bad service spec\n");
			exit(2);
		}
	}
	s.netmask = 32;
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (!strcmp(tok, "inet6"))
			s.key.af = AF_INET6;
		else if (tok[0] == 'p' && tok[1] >= '0' && tok[1] <= '9') {
			unsigned nm = 32;
			sscanf(tok + 1, "%u/%u", &s.timeout, &nm);
			s.netmask = (uint8_t)nm;
			s.flags |= IP_VS_SVC_F_PERSISTENT;
		} else
			snprintf(s.sched, sizeof(s.sched), "%s", tok);
	}
	struct ipvs_service *ns = ipvs_table_add(t, &s);
	if (gt)
		parse_dests(ns, gt);
}

static void table_parse(struct ipvs_table *t, const char *text)
{
	ipvs_table_init(t);
	char *copy = strdup(text);
	for (char *save = NULL, *s = strtok_r(copy, ";", &save); s; s = strtok_r(NULL, ";", &save))
		parse_service(t, s);
	free(copy);
	ipvs_table_sort(t);
}

/* "add-dest TCP 10.0.0.1:80 10.0.1.1:80; ..." */
static void ops_render(const struct ipvs_ops *ops, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < ops->n; i++) {
		char k[96], d[64];
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s%s %s%s%s", i ? "; " : "",
			 ipvs_op_kind_str(ops->v[i].kind),
			 ipvs_svc_key_str(&ops->v[i].svc->key, k, sizeof(k)),
			 ops->v[i].dest ? " " : "",
			 ops->v[i].dest ? ipvs_dest_str(ops->v[i].dest, d, sizeof(d)) : "");
	}
}

struct diff_case {
	const char *name;
	const char *desired, *observed;
	const char *owned; /* extra owned service keys, as a table spec */
	const char *expect;
};

static const struct diff_case cases[] = {
    {"no-op", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1, 10.0.1.2:80 dr 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.2:80 dr 1, 10.0.1.1:80 dr 1", NULL, ""},
    {"empty both", "", "", NULL, ""},
    {"add from empty", "tcp 10.0.0.1:80 rr > 10.0.1.2:80 dr 1, 10.0.1.1:80 dr 1", "", NULL,
     "add-service TCP 10.0.0.1:80; add-dest TCP 10.0.0.1:80 10.0.1.1:80; "
     "add-dest TCP 10.0.0.1:80 10.0.1.2:80"},
    {"remove owned service", "", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1", "tcp 10.0.0.1:80 rr",
     "del-service TCP 10.0.0.1:80"},
    {"foreign service left alone", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1; tcp 10.9.9.9:80 wlc > 10.0.1.1:80 dr 5", NULL, ""},
    {"scheduler change", "tcp 10.0.0.1:80 wrr > 10.0.1.1:80 dr 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1", NULL, "edit-service TCP 10.0.0.1:80"},
    {"weight change", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 3, 10.0.1.2:80 dr 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1, 10.0.1.2:80 dr 1", NULL,
     "edit-dest TCP 10.0.0.1:80 10.0.1.1:80"},
    {"forwarding change", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 nat 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1", NULL, "edit-dest TCP 10.0.0.1:80 10.0.1.1:80"},
    {"local node tolerated", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 nat 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 local 1", NULL, ""},
    {"dest del, edit, add order", "tcp 10.0.0.1:80 rr > 10.0.1.3:80 dr 1, 10.0.1.2:80 dr 7",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1, 10.0.1.2:80 dr 1", NULL,
     "del-dest TCP 10.0.0.1:80 10.0.1.1:80; edit-dest TCP 10.0.0.1:80 10.0.1.2:80; "
     "add-dest TCP 10.0.0.1:80 10.0.1.3:80"},
    {"hand-added dest on own service removed", "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1",
     "tcp 10.0.0.1:80 rr > 10.0.1.1:80 dr 1, 10.0.1.9:80 dr 1", NULL,
     "del-dest TCP 10.0.0.1:80 10.0.1.9:80"},
    {"service deletes come first", "tcp 10.0.0.9:80 rr", "tcp 10.0.0.1:80 rr; udp 10.0.0.1:53 rr",
     "tcp 10.0.0.1:80 rr; udp 10.0.0.1:53 rr",
     "del-service TCP 10.0.0.1:80; del-service UDP 10.0.0.1:53; add-service TCP 10.0.0.9:80"},
    {"reorder is a no-op",
     "udp 10.0.0.1:53 rr > 10.0.1.1:53 nat 1; tcp 10.0.0.1:80 rr; fwm 7 wlc > 10.0.1.1:0 dr 2",
     "fwm 7 wlc > 10.0.1.1:0 dr 2; tcp 10.0.0.1:80 rr; udp 10.0.0.1:53 rr > 10.0.1.1:53 nat 1",
     NULL, ""},
    {"fwmark family is part of the key", "fwm 7 inet6 rr", "fwm 7 rr", "fwm 7 rr",
     "del-service FWM 7; add-service FWM 7 inet6"},
    {"ipv6", "tcp [2001:db8::1]:80 rr > [2001:db8::10]:80 dr 2",
     "tcp [2001:db8::1]:80 rr > [2001:db8::10]:80 dr 1", NULL,
     "edit-dest TCP [2001:db8::1]:80 [2001:db8::10]:80"},
    {"persistence timeout change", "tcp 10.0.0.1:80 rr p300", "tcp 10.0.0.1:80 rr p60", NULL,
     "edit-service TCP 10.0.0.1:80"},
    {"persistence netmask change", "tcp 10.0.0.1:80 rr p60/24", "tcp 10.0.0.1:80 rr p60/32", NULL,
     "edit-service TCP 10.0.0.1:80"},
    {"persistence switched off", "tcp 10.0.0.1:80 rr", "tcp 10.0.0.1:80 rr p60", NULL,
     "edit-service TCP 10.0.0.1:80"},
};

static void run_case(const struct diff_case *c)
{
	struct ipvs_table want, have, own;
	struct ipvs_keyset owned = {0};
	struct ipvs_ops ops = {0};
	char got[4096];
	table_parse(&want, c->desired);
	table_parse(&have, c->observed);
	table_parse(&own, c->owned ? c->owned : "");
	for (size_t i = 0; i < own.n; i++)
		ipvs_keyset_add(&owned, &own.svcs[i].key);
	EXPECT(ipvs_diff(&want, &have, &owned, &ops, NULL) == 0, "%s", c->name);
	ops_render(&ops, got, sizeof(got));
	EXPECT(!strcmp(got, c->expect), "%s:\n  got    '%s'\n  expect '%s'", c->name, got,
	       c->expect);
	ipvs_ops_free(&ops);
	ipvs_keyset_free(&owned);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
	ipvs_table_free(&own);
}

/* Build N services x M dests in a scrambled insertion order. */
static void big_table(struct ipvs_table *t, size_t n, size_t m, unsigned seed)
{
	ipvs_table_init(t);
	for (size_t k = 0; k < n; k++) {
		size_t i = (k * 7919 + seed) % n; /* 7919 is prime: a permutation */
		struct ipvs_service s = {0};
		s.key.af = AF_INET;
		s.key.protocol = IPPROTO_TCP;
		s.key.addr.v4.s_addr = htonl(0x0a000000u + (uint32_t)i);
		s.key.port = 80;
		strcpy(s.sched, "wrr");
		struct ipvs_service *ns = ipvs_table_add(t, &s);
		for (size_t j = 0; j < m; j++) {
			struct ipvs_dest d = {
			    .af = AF_INET, .port = 80, .fwd = IP_VS_CONN_F_DROUTE};
			d.addr.v4.s_addr = htonl(0xac100000u + (uint32_t)((j * 31 + seed) % m));
			d.weight = 1;
			ipvs_service_add_dest(ns, &d);
		}
	}
	ipvs_table_sort(t);
}

static void test_big(void)
{
	const size_t n = 10000, m = 10;
	struct ipvs_table want, have;
	struct ipvs_ops ops = {0};
	size_t steps = 0;
	clock_t t0 = clock();
	big_table(&want, n, m, 1);
	big_table(&have, n, m, 5);
	EXPECT(want.n == n && ipvs_table_n_dests(&want) == n * m, "big table size");
	EXPECT(ipvs_diff(&want, &have, NULL, &ops, &steps) == 0, "big diff");
	EXPECT(ops.n == 0, "converged big table gives %zu ops", ops.n);
	/* Linear merge: at most one comparison per entry and pass (the
	 * service merge runs twice, each service's dests merge three times). */
	EXPECT(steps <= 2 * (want.n + have.n) + 3 * 2 * n * m, "merge steps %zu", steps);

	want.svcs[1234].dests[3].weight = 9;
	want.svcs[n - 1].n_dests--;
	strcpy(want.svcs[0].sched, "rr");
	EXPECT(ipvs_diff(&want, &have, NULL, &ops, &steps) == 0, "big diff 2");
	char got[512];
	ops_render(&ops, got, sizeof(got));
	EXPECT(ops.n == 3, "three changes give %zu ops: %s", ops.n, got);

	/* From cold: one add per service and per dest. */
	struct ipvs_table empty;
	ipvs_table_init(&empty);
	EXPECT(ipvs_diff(&want, &empty, NULL, &ops, NULL) == 0, "cold diff");
	EXPECT(ops.n == n + n * m - 1, "cold ops %zu", ops.n);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	EXPECT(secs < 5.0, "100k entries took %.2f s", secs);
	printf("big: %zu services, %zu dests, %.3f s cpu\n", want.n, ipvs_table_n_dests(&want),
	       secs);
	ipvs_ops_free(&ops);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void test_keyset_and_find(void)
{
	struct ipvs_table t;
	table_parse(&t, "tcp 10.0.0.3:80 rr; tcp 10.0.0.1:80 rr; tcp 10.0.0.2:80 rr; "
			"tcp 10.0.0.1:80 wlc");
	EXPECT(t.n == 3, "duplicate service keys dropped: %zu", t.n);
	struct ipvs_keyset ks = {0};
	for (int r = 0; r < 2; r++)
		for (size_t i = t.n; i-- > 0;)
			ipvs_keyset_add(&ks, &t.svcs[i].key);
	EXPECT(ks.n == 3, "keyset dedup %zu", ks.n);
	for (size_t i = 0; i < t.n; i++) {
		EXPECT(ipvs_keyset_has(&ks, &t.svcs[i].key), "keyset has %zu", i);
		EXPECT(ipvs_table_find(&t, &t.svcs[i].key) == &t.svcs[i], "find %zu", i);
	}
	ipvs_keyset_del(&ks, &t.svcs[1].key);
	EXPECT(!ipvs_keyset_has(&ks, &t.svcs[1].key) && ks.n == 2, "keyset del");
	ipvs_keyset_free(&ks);
	ipvs_table_free(&t);
}

static void test_patch(void)
{
	struct ipvs_table t, fresh, keys;
	struct ipvs_keyset ks = {0};
	table_parse(
	    &t, "tcp 10.0.0.1:80 rr; tcp 10.0.0.2:80 rr; tcp 10.0.0.3:80 rr > 10.0.1.1:80 dr 1");
	table_parse(&keys, "tcp 10.0.0.2:80 rr; tcp 10.0.0.3:80 rr; tcp 10.0.0.4:80 rr");
	table_parse(&fresh, "tcp 10.0.0.2:80 wlc > 10.0.1.2:80 dr 1; tcp 10.0.0.4:80 sh");
	for (size_t i = 0; i < keys.n; i++)
		ipvs_keyset_add(&ks, &keys.svcs[i].key);
	EXPECT(ipvs_table_patch(&t, &ks, &fresh) == 0, "patch");
	char got[256] = "";
	for (size_t i = 0; i < t.n; i++) {
		char k[64];
		size_t u = strlen(got);
		snprintf(got + u, sizeof(got) - u, "%s%s %s/%zu", i ? "; " : "",
			 ipvs_svc_key_str(&t.svcs[i].key, k, sizeof(k)), t.svcs[i].sched,
			 t.svcs[i].n_dests);
	}
	EXPECT(!strcmp(got, "TCP 10.0.0.1:80 rr/0; TCP 10.0.0.2:80 wlc/1; TCP 10.0.0.4:80 sh/0"),
	       "patched: %s", got);
	EXPECT(fresh.n == 0, "fresh consumed");
	ipvs_keyset_free(&ks);
	ipvs_table_free(&t);
	ipvs_table_free(&keys);
	ipvs_table_free(&fresh);
}

/* Destinations come from the kernel in the reverse of the order they were
 * added, from a config in any order: every order sorts to the same list,
 * duplicates dropped. */
static void test_sort_orders(void)
{
	static const char *orders[] = {
	    "10.0.1.1:80 dr 1, 10.0.1.2:80 dr 1, 10.0.1.3:80 dr 1, 10.0.1.4:80 dr 1",
	    "10.0.1.4:80 dr 1, 10.0.1.3:80 dr 1, 10.0.1.2:80 dr 1, 10.0.1.1:80 dr 1",
	    "10.0.1.3:80 dr 1, 10.0.1.1:80 dr 1, 10.0.1.4:80 dr 1, 10.0.1.2:80 dr 1",
	    "10.0.1.4:80 dr 1, 10.0.1.3:80 dr 1, 10.0.1.3:80 dr 1, 10.0.1.2:80 dr 1, 10.0.1.1:80 "
	    "dr 1",
	    "10.0.1.1:80 dr 1, 10.0.1.2:80 dr 1, 10.0.1.2:80 dr 1, 10.0.1.3:80 dr 1, 10.0.1.4:80 "
	    "dr 1",
	};
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		char spec[256], got[160] = "";
		struct ipvs_table t;
		snprintf(spec, sizeof(spec), "tcp 10.0.0.1:80 rr > %s", orders[o]);
		table_parse(&t, spec);
		for (size_t i = 0; i < t.svcs[0].n_dests; i++) {
			char b[64];
			size_t u = strlen(got);
			snprintf(got + u, sizeof(got) - u, "%s%s", i ? " " : "",
				 ipvs_dest_str(&t.svcs[0].dests[i], b, sizeof(b)));
		}
		EXPECT(!strcmp(got, "10.0.1.1:80 10.0.1.2:80 10.0.1.3:80 10.0.1.4:80") &&
			   ipvs_service_find_dest(&t.svcs[0], &t.svcs[0].dests[2]) ==
			       &t.svcs[0].dests[2],
		       "order %zu sorted: %s", o, got);
		ipvs_table_free(&t);
	}
}

int main(void)
{
	test_patch();
	test_sort_orders();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_keyset_and_find();
	test_big();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("test_ipvs_diff: all passed\n");
	return failures ? 1 : 0;
}
