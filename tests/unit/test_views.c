/* Every field of a module's view reaches every output (issue 19): a view
 * filled with a distinct value per counter and per drop reason is rendered
 * as status JSON, dump/status text, Prometheus metrics and SNMP cells, and
 * each value is looked for where it belongs. A renderer that forgets a
 * field, or a MIB column no counter feeds, fails here. Pure: no daemon.
 * VRRP and the health checker here, IPVS and announce in
 * test_views_ipvs.c. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck/hc_view.h"
#include "snmp_int.h"
#include "views.h"
#include "unit.h"
#include "vrrp/vrrp_view.h"

#define N_COUNTERS				 (sizeof(counter_json) / sizeof(counter_json[0]))
#define CJSON(f, metric, help, json, mib2, mib3) json,
static const char *const counter_json[] = {VRRP_VIEW_COUNTERS(CJSON)};
#undef CJSON
#define CMETRIC(f, metric, help, json, mib2, mib3) metric,
static const char *const counter_metric[] = {VRRP_VIEW_COUNTERS(CMETRIC)};
#undef CMETRIC
#define CMIB(f, metric, help, json, mib2, mib3) {mib2, mib3},
static const struct vrrp_view_mib counter_mib[] = {VRRP_VIEW_COUNTERS(CMIB)};
#undef CMIB

/* Counter K of V, in VRRP_VIEW_COUNTERS order. */
static uint64_t *counter(struct vrrp_inst_view *v, size_t k)
{
	size_t i = 0;
#define CPTR(f, metric, help, json, mib2, mib3)                                                    \
	if (i++ == k)                                                                              \
		return &v->f;
	VRRP_VIEW_COUNTERS(CPTR)
#undef CPTR
	return NULL;
}

static const struct hd_prefix vips4[] = {
    {.addr = {.family = AF_INET, .u.v4.s_addr = 0x640a0a0a}, .prefixlen = 24}, /* 10.10.10.100 */
    {.addr = {.family = AF_INET, .u.v4.s_addr = 0x650a0a0a}, .prefixlen = 24}, /* 10.10.10.101 */
};
static struct hd_prefix vips6[1];

/* Distinct values: counter K is 1000 + 17 K, drop R is 50000 + 1009 R. */
static void fill(struct vrrp_inst_view *v, const char *name, int version, int family)
{
	*v = (struct vrrp_inst_view){
	    .key = v,
	    .name = name,
	    .interface = "eth9",
	    .ifindex = 7,
	    .vrid = version == 3 ? 42 : 43,
	    .version = version,
	    .family = family,
	    .state = VRRP_STATE_BACKUP,
	    .priority = 77,
	    .base_priority = 88,
	    .source = {.family = AF_INET, .u.v4.s_addr = 0x010a0a0a},
	    .advert_int_cs = 100,
	    .vips = family == AF_INET ? vips4 : vips6,
	    .n_vips = family == AF_INET ? 2 : 1,
	};
	for (size_t k = 0; k < N_COUNTERS; k++)
		*counter(v, k) = 1000 + 17 * k;
	for (int r = 1; r < VRRP_DROP__MAX; r++)
		v->drops[r] = 50000 + 1009 * (uint64_t)r;
}

static char *render(void (*fn)(FILE *, const struct vrrp_inst_view *, size_t),
		    const struct vrrp_inst_view *v, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, v, n);
	fclose(f);
	return buf;
}

static void text_one(FILE *out, const struct vrrp_inst_view *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vrrp_view_text(out, &v[i]);
}

void has(const char *hay, const char *what, const char *where)
{
	EXPECT(strstr(hay, what) != NULL, "%s lacks %s", where, what);
}

static void test_vrrp_text_outputs(void)
{
	struct vrrp_inst_view v;
	char *json, *metrics, *text, want[256];

	fill(&v, "VI_T", 3, AF_INET);
	json = render(vrrp_view_json, &v, 1);
	metrics = render(vrrp_view_metrics, &v, 1);
	text = render(text_one, &v, 1);
	for (size_t k = 0; k < N_COUNTERS; k++) {
		unsigned long long c = *counter(&v, k);

		snprintf(want, sizeof(want), "\"%s\":%llu,", counter_json[k], c);
		has(json, want, "status JSON");
		snprintf(want, sizeof(want), "%s{instance=\"VI_T\"} %llu\n", counter_metric[k], c);
		has(metrics, want, "metrics");
		snprintf(want, sizeof(want), "# TYPE %s counter\n", counter_metric[k]);
		has(metrics, want, "metrics");
		snprintf(want, sizeof(want), " %s=%llu", counter_json[k], c);
		has(text, want, "dump text");
	}
	for (int r = 1; r < VRRP_DROP__MAX; r++) {
		unsigned long long c = v.drops[r];

		snprintf(want, sizeof(want), "\"%s\":%llu", vrrp_drop_names[r], c);
		has(json, want, "status JSON");
		snprintf(want, sizeof(want),
			 "hadirector_vrrp_drops_total{instance=\"VI_T\",reason=\"%s\"} %llu\n",
			 vrrp_drop_names[r], c);
		has(metrics, want, "metrics");
		snprintf(want, sizeof(want), "vrrp VI_T: dropped %s: %llu\n", vrrp_drop_names[r],
			 c);
		has(text, want, "dump text");
	}
	/* the gauges and the facts, and the addresses the instance carries */
	has(json, "\"priority\":77,\"base_priority\":88,\"vrid\":42,\"version\":3", "status JSON");
	has(json, "\"vips\":[\"10.10.10.100/24\",\"10.10.10.101/24\"]", "status JSON");
	has(metrics, "hadirector_vrrp_priority{instance=\"VI_T\"} 77\n", "metrics");
	has(metrics, "hadirector_vrrp_base_priority{instance=\"VI_T\"} 88\n", "metrics");
	has(metrics, "hadirector_vrrp_state{instance=\"VI_T\",state=\"backup\"} 1\n", "metrics");
	has(text, "vrrp VI_T: state BACKUP prio 77/88 vrid 42 if eth9(7) src 10.10.10.1", "text");
	free(json);
	free(metrics);
	free(text);
}

static const struct snmp_cell *cell(const struct snmp_snap *s, const oid *name, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->cells[i].name_len == len) {
			size_t k = 0;

			while (k < len && s->cells[i].name[k] == name[k])
				k++;
			if (k == len)
				return &s->cells[i];
		}
	return NULL;
}

const struct snmp_cell *cell_at(const struct snmp_snap *s, const struct snmp_table *t, oid col,
				const oid *idx, size_t n)
{
	oid name[SNMP_OID_MAX];

	memcpy(name, t->entry, t->entry_len * sizeof(oid));
	name[t->entry_len] = col;
	memcpy(name + t->entry_len + 1, idx, n * sizeof(oid));
	return cell(s, name, t->entry_len + 1 + n);
}

static void snap_of(enum snmp_vrrp_table t, const struct vrrp_inst_view *v, size_t n,
		    struct snmp_snap *s, struct snmp_table *tab)
{
	struct snmp_out f = {s, NULL, 0, NULL};

	*s = (struct snmp_snap){0};
	snmp_vrrp_table(t, tab);
	snmp_vrrp_rows(t, v, n, 0, &f);
}

/* Expected MIB column values, from the counter table and the drops'. */
static void expect_cols(const struct vrrp_inst_view *v, uint64_t *e2, uint64_t *e3)
{
	struct vrrp_inst_view w = *v;

	memset(e2, 0, VRRP_MIB2__N * sizeof(*e2));
	memset(e3, 0, VRRP_MIB3__N * sizeof(*e3));
	for (size_t k = 0; k < N_COUNTERS; k++) {
		if (counter_mib[k].mib2)
			e2[counter_mib[k].mib2] += *counter(&w, k);
		if (counter_mib[k].mib3)
			e3[counter_mib[k].mib3] += *counter(&w, k);
	}
	for (int r = 1; r < VRRP_DROP__MAX; r++) {
		if (vrrp_drop_mib[r].mib2)
			e2[vrrp_drop_mib[r].mib2] += v->drops[r];
		if (vrrp_drop_mib[r].mib3)
			e3[vrrp_drop_mib[r].mib3] += v->drops[r];
	}
}

static void test_vrrp_snmp_stats(void)
{
	struct vrrp_inst_view v[2];
	uint64_t e2[VRRP_MIB2__N], e3[VRRP_MIB3__N], x2[VRRP_MIB2__N], x3[VRRP_MIB3__N];
	struct snmp_snap s;
	struct snmp_table t;
	const oid i2[] = {7, 43}, i3[] = {7, 42, 1};

	fill(&v[0], "VI_3", 3, AF_INET);
	fill(&v[1], "VI_2", 2, AF_INET);
	expect_cols(&v[1], e2, x3);
	snap_of(SNMP_VRRP_STATS2, v, 2, &s, &t);
	for (oid col = 2; col < VRRP_MIB2__N; col++) { /* 1: counted by the watcher */
		const struct snmp_cell *c = cell_at(&s, &t, col, i2, 2);

		EXPECT(c && c->type == ASN_COUNTER && (uint64_t)c->v.l == (e2[col] & 0xffffffffu),
		       "vrrpRouterStatsEntry.%u: %ld, want %llu", (unsigned)col, c ? c->v.l : -1L,
		       (unsigned long long)e2[col]);
	}
	EXPECT(s.n == VRRP_MIB2__N - 1, "%zu cells: the v3 instance has no v2 row", s.n);
	snmp_snap_free(&s);
	expect_cols(&v[0], x2, e3);
	snap_of(SNMP_VRRP_STATS3, v, 2, &s, &t);
	for (oid col = VRRP_MIB3_ADV_RCVD; col <= VRRP_MIB3_LEN_ERR; col++) {
		const struct snmp_cell *c = cell_at(&s, &t, col, i3, 3);

		if (col == VRRP_MIB3_PROTO_ERR_REASON)
			continue;
		EXPECT(c && c->type == ASN_COUNTER64 && c->v.u64 == e3[col],
		       "vrrpv3StatisticsEntry.%u: %llu, want %llu", (unsigned)col,
		       c ? (unsigned long long)c->v.u64 : 0ULL, (unsigned long long)e3[col]);
	}
	snmp_snap_free(&s);
	/* Every error column of the MIBs is fed by a counter or a drop reason
	 * (BECOME_MASTER and MASTERS are the watcher's, BAD_AUTH_TYPE is never
	 * seen here: an unknown type is a mismatch). */
	for (oid col = 2; col < VRRP_MIB2__N; col++)
		EXPECT(e2[col] || col == VRRP_MIB2_BAD_AUTH_TYPE, "VRRP-MIB column %u unfed",
		       (unsigned)col);
	for (oid col = VRRP_MIB3_ADV_RCVD; col <= VRRP_MIB3_LEN_ERR; col++)
		EXPECT(e3[col] || col == VRRP_MIB3_PROTO_ERR_REASON, "VRRPv3-MIB column %u unfed",
		       (unsigned)col);
}

static void test_vrrp_snmp_assoc(void)
{
	struct vrrp_inst_view v[3];
	struct snmp_snap s;
	struct snmp_table t;
	const oid a2[] = {7, 43, 10, 10, 10, 100}, b2[] = {7, 43, 10, 10, 10, 101};
	const oid a3[] = {7, 42, 1, 4, 10, 10, 10, 100};
	oid a6[4 + 16] = {7, 44, 2, 16, 0x20, 0x01, 0x0d, 0xb8};
	const struct snmp_cell *c;

	inet_pton(AF_INET6, "2001:db8::64", &vips6[0].addr.u.v6);
	vips6[0].addr.family = AF_INET6;
	a6[19] = 0x64;
	fill(&v[0], "VI_3", 3, AF_INET);
	fill(&v[1], "VI_2", 2, AF_INET);
	fill(&v[2], "VI_6", 3, AF_INET6);
	v[2].vrid = 44;
	snap_of(SNMP_VRRP_ASSOC2, v, 3, &s, &t);
	CHECK(!strcmp(t.name, "vrrpAssoIpAddrTable") && t.entry_len == 10 && t.entry[7] == 1 &&
	      t.entry[8] == 4);
	c = cell_at(&s, &t, 2, a2, 6);
	CHECK(c && c->type == ASN_INTEGER && c->v.l == 1);
	c = cell_at(&s, &t, 2, b2, 6);
	CHECK(c && c->type == ASN_INTEGER && c->v.l == 1);
	EXPECT(s.n == 2, "%zu rows: the v2 instance's two addresses", s.n);
	snmp_snap_free(&s);
	snap_of(SNMP_VRRP_ASSOC3, v, 3, &s, &t);
	CHECK(!strcmp(t.name, "vrrpv3AssociatedIpAddrTable") && t.entry_len == 11 &&
	      t.entry[9] == 2);
	c = cell_at(&s, &t, 2, a3, 8);
	CHECK(c && c->type == ASN_INTEGER && c->v.l == 1);
	c = cell_at(&s, &t, 2, a6, 20);
	CHECK(c && c->type == ASN_INTEGER && c->v.l == 1);
	EXPECT(s.n == 3, "%zu rows: two IPv4 and one IPv6 address of the v3 instances", s.n);
	CHECK(!s.oom);
	snmp_snap_free(&s);
}

/* ---- health checker ---- */

#define HCK(f, metric, help, json, mib) {#f, metric, json, mib},
static const struct {
	const char *field, *metric, *json;
	oid mib;
} ck_fields[] = {HC_VIEW_CHECK_COUNTERS(HCK)}, rs_fields[] = {HC_VIEW_RS_COUNTERS(HCK)},
  vs_fields[] = {HC_VIEW_VS_COUNTERS(HCK)};
#undef HCK
#define N_CK (sizeof(ck_fields) / sizeof(ck_fields[0]))
#define N_RS (sizeof(rs_fields) / sizeof(rs_fields[0]))
#define N_VS (sizeof(vs_fields) / sizeof(vs_fields[0]))

/* ck_counter(view, K), rs_counter, vs_counter: the address of the view's
 * counter K, in the order of its HC_VIEW_*_COUNTERS list (NULL past the
 * last), by the field's name: the test does not share the code's offsets. */
#define CPTR(f, metric, help, json, mib)                                                           \
	if (i++ == k)                                                                              \
		return &v->f;
#define COUNTER_AT(name, type, list)                                                               \
	static uint64_t *name(type *v, size_t k)                                                   \
	{                                                                                          \
		size_t i = 0;                                                                      \
		list(CPTR) return NULL;                                                            \
	}
COUNTER_AT(ck_counter, struct hc_check_view, HC_VIEW_CHECK_COUNTERS)
COUNTER_AT(rs_counter, struct hc_rs_view, HC_VIEW_RS_COUNTERS)
COUNTER_AT(vs_counter, struct hc_vs_view, HC_VIEW_VS_COUNTERS)
#undef COUNTER_AT
#undef CPTR

/* One virtual server, one real server, two checkers: checker C's counter
 * K is 3000 + 100 C + 7 K, the real server's K is 9000 + 11 K, the
 * virtual server's 7000 + 13 K. The states of slow start, the agent, the
 * fail-open guard and the forwarding path are each set apart from their
 * default: the guard engaged (max_ejection 40), the real server held
 * (its checks down), drained by its agent and ramping to 8, kept by
 * vip_not_accepted; checker 1 an agent that said drain 75%, its last
 * outcome vip_arp_answered. */
static void hc_fill(struct hc_view *v, struct hc_vs_view *vs, struct hc_rs_view *rs,
		    struct hc_check_view *ck)
{
	memset(vs, 0, sizeof(*vs));
	strcpy(vs->name, "10.9.0.1:80");
	vs->n_rs = 1;
	vs->rs = rs;
	vs->max_ejection = 40;
	vs->guard_engaged = true;
	vs->real_servers_held = 1;
	for (size_t k = 0; k < N_VS; k++)
		*vs_counter(vs, k) = 7000 + 13 * k;
	*rs = (struct hc_rs_view){
	    .ep = {.addr = {.family = AF_INET, .u.v4.s_addr = 0x0b00090a}, .port = 8080},
	    .up = true,
	    .check_up = false,
	    .held = true,
	    .agent_drained = true,
	    .ramping = true,
	    .weight = 5,
	    .configured_weight = 6,
	    .target_weight = 8,
	    .operator_weight = -1,
	    .why = {.outcome = HC_O_VIP_NOT_ACCEPTED, .detail = 1},
	    .checks = ck,
	    .n_checks = 2,
	};
	for (size_t k = 0; k < N_RS; k++)
		*rs_counter(rs, k) = 9000 + 11 * k;
	for (size_t c = 0; c < 2; c++) {
		ck[c] = (struct hc_check_view){.type = c ? "agent" : "tcp", .target = rs->ep};
		for (size_t k = 0; k < N_CK; k++)
			*ck_counter(&ck[c], k) = 3000 + 100 * c + 7 * k;
	}
	ck[1].agent = (struct hc_agent_reply){HC_AGENT_STATE_DRAIN, HC_AGENT_W_PCT, 75};
	ck[1].last.outcome = HC_O_VIP_ARP_ANSWERED;
	*v = (struct hc_view){.vs = vs, .n_vs = 1};
}

static void test_hc_outputs(void)
{
	struct hc_view v;
	struct hc_vs_view vs;
	struct hc_rs_view rs;
	struct hc_check_view ck[2];
	char *json, *metrics, want[256];

	hc_fill(&v, &vs, &rs, ck);
	json = VIEW_RENDER(hc_view_json, &v);
	metrics = VIEW_RENDER(hc_view_metrics, &v);
	for (size_t k = 0; k < N_VS; k++) {
		unsigned long long x = *vs_counter(&vs, k);

		snprintf(want, sizeof(want), "\"%s\":%llu,", vs_fields[k].json, x);
		has(json, want, "status JSON");
		snprintf(want, sizeof(want), "%s{vs=\"10.9.0.1:80\"} %llu\n", vs_fields[k].metric,
			 x);
		has(metrics, want, "metrics");
	}
	for (size_t k = 0; k < N_RS; k++) {
		unsigned long long x = *rs_counter(&rs, k);

		snprintf(want, sizeof(want), "\"%s\":%llu,", rs_fields[k].json, x);
		has(json, want, "status JSON");
		snprintf(want, sizeof(want), "%s{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} %llu\n",
			 rs_fields[k].metric, x);
		has(metrics, want, "metrics");
	}
	for (size_t n = 0; n < 2; n++)
		for (size_t k = 0; k < N_CK; k++) {
			unsigned long long x = *ck_counter(&ck[n], k);

			snprintf(want, sizeof(want), "\"%s\":%llu,", ck_fields[k].json, x);
			has(json, want, "status JSON");
			snprintf(want, sizeof(want),
				 "%s{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\",checker=\"%zu\","
				 "type=\"%s\"} %llu\n",
				 ck_fields[k].metric, n, ck[n].type, x);
			has(metrics, want, "metrics");
		}
	has(json, "\"rs\":\"10.9.0.11:8080\",\"state\":\"up\",\"weight\":5,\"configured_weight\":6",
	    "status JSON");
	has(json,
	    "\"check_state\":\"down\",\"held\":true,\"agent_drained\":true,\"slow_start\":true,"
	    "\"target_weight\":8,",
	    "status JSON");
	has(json, "\"max_ejection\":40,\"guard_engaged\":true,\"real_servers_held\":1,",
	    "status JSON");
	has(json, "\"outcome\":\"vip_not_accepted\"", "status JSON");
	has(json, "\"outcome\":\"vip_arp_answered\"", "status JSON");
	has(json, "\"agent_state\":\"drain\",\"agent_weight\":\"75%\"", "status JSON");
	has(metrics, "hadirector_real_server_weight{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} 5\n",
	    "metrics");
	has(metrics, "hadirector_real_server_held{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} 1\n",
	    "metrics");
	has(metrics,
	    "hadirector_real_server_slow_start{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} 1\n",
	    "metrics");
	has(metrics, "hadirector_virtual_server_guard_engaged{vs=\"10.9.0.1:80\"} 1\n", "metrics");
	free(json);
	free(metrics);
}

/* What a cell must be: column COL (row index as the table has it) of
 * type TYPE with integer V. */
struct want_cell {
	oid col;
	u_char type;
	long v;
};

static void want_cells(const struct snmp_snap *s, const struct snmp_table *t, const oid *idx,
		       size_t n, const struct want_cell *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		const struct snmp_cell *c = cell_at(s, t, w[i].col, idx, n);

		EXPECT(c && c->type == w[i].type && c->v.l == w[i].v, "%s.%u: want %ld, is %ld",
		       t->name, (unsigned)w[i].col, w[i].v, c ? c->v.l : -1L);
	}
}

static void test_hc_snmp(void)
{
	struct hc_view v;
	struct hc_vs_view vs;
	struct hc_rs_view rs;
	struct hc_check_view ck[2];
	struct snmp_snap s = {0};
	struct snmp_out f = {&s, NULL, 0, NULL};
	struct snmp_table t;
	const struct snmp_cell *c;
	const oid *trap;
	size_t trap_len;
	/* TruthValue true 1, up 1 down 2, the enums' values + 1 */
	static const struct want_cell vs_want[] = {
	    {13, ASN_UNSIGNED, 40}, {14, ASN_INTEGER, 1}, {15, ASN_GAUGE, 1}};
	static const struct want_cell rs_want[] = {
	    {3, ASN_INTEGER, 1},  {4, ASN_GAUGE, 5},
	    {12, ASN_INTEGER, 2}, {13, ASN_INTEGER, 1},
	    {14, ASN_INTEGER, 1}, {15, ASN_INTEGER, 1},
	    {16, ASN_GAUGE, 8},	  {18, ASN_INTEGER, HC_O_VIP_NOT_ACCEPTED + 1}};
	static const struct want_cell ck_want[] = {{9, ASN_INTEGER, HC_O_VIP_ARP_ANSWERED + 1},
						   {18, ASN_INTEGER, HC_AGENT_STATE_DRAIN + 1},
						   {19, ASN_GAUGE, 75},
						   {20, ASN_INTEGER, 2}};
	static const struct want_cell ck0_want[] = {
	    {9, ASN_INTEGER, 1}, {18, ASN_INTEGER, 1}, {19, ASN_GAUGE, 0}, {20, ASN_INTEGER, 1}};
	static const oid vi[] = {1}, ri[] = {1, 1}, k0[] = {1, 1, 1}, k1[] = {1, 1, 2};
	static const oid engaged[] = {1, 3, 6, 1, 3, 9487, 0, 2};

	hc_fill(&v, &vs, &rs, ck);
	/* every counter with its MIB column is its cell, and the states */
	snmp_hd_table(SNMP_HD_VS, &t);
	snmp_hd_rows(SNMP_HD_VS, &v, NULL, &f);
	for (size_t k = 0; k < N_VS; k++) {
		c = cell_at(&s, &t, vs_fields[k].mib, vi, 1);
		EXPECT(c && c->type == ASN_COUNTER64 && c->v.u64 == *vs_counter(&vs, k),
		       "hdVirtualServerEntry.%u (%s)", (unsigned)vs_fields[k].mib,
		       vs_fields[k].field);
	}
	want_cells(&s, &t, vi, 1, vs_want, sizeof(vs_want) / sizeof(vs_want[0]));
	snmp_snap_free(&s);
	snmp_hd_table(SNMP_HD_RS, &t);
	snmp_hd_rows(SNMP_HD_RS, &v, NULL, &f);
	for (size_t k = 0; k < N_RS; k++) {
		c = cell_at(&s, &t, rs_fields[k].mib, ri, 2);
		EXPECT(c && c->type == ASN_COUNTER64 && c->v.u64 == *rs_counter(&rs, k),
		       "hdRealServerEntry.%u (%s)", (unsigned)rs_fields[k].mib, rs_fields[k].field);
	}
	want_cells(&s, &t, ri, 2, rs_want, sizeof(rs_want) / sizeof(rs_want[0]));
	snmp_snap_free(&s);
	snmp_hd_table(SNMP_HD_CK, &t);
	snmp_hd_rows(SNMP_HD_CK, &v, NULL, &f);
	for (size_t n = 0; n < 2; n++)
		for (size_t k = 0; k < N_CK; k++) {
			const oid idx[] = {1, 1, n + 1};

			c = cell_at(&s, &t, ck_fields[k].mib, idx, 3);
			EXPECT(c && c->type == ASN_COUNTER64 && c->v.u64 == *ck_counter(&ck[n], k),
			       "hdCheckerEntry.%u.1.1.%zu (%s)", (unsigned)ck_fields[k].mib, n + 1,
			       ck_fields[k].field);
		}
	want_cells(&s, &t, k0, 3, ck0_want, sizeof(ck0_want) / sizeof(ck0_want[0]));
	want_cells(&s, &t, k1, 3, ck_want, sizeof(ck_want) / sizeof(ck_want[0]));
	snmp_snap_free(&s);
	/* the guard's alarm: hdGuardEngaged with the virtual server's cells */
	snmp_hd_guard_change(&v, 0, SNMP_HD_GUARD_ENGAGED, &s, &trap, &trap_len);
	EXPECT(trap_len == 8 && !memcmp(trap, engaged, sizeof(engaged)), "hdGuardEngaged's OID");
	snmp_hd_table(SNMP_HD_VS, &t);
	want_cells(&s, &t, vi, 1, vs_want, sizeof(vs_want) / sizeof(vs_want[0]));
	c = cell_at(&s, &t, 2, vi, 1);
	EXPECT(c && c->type == ASN_OCTET_STR && c->len == 11 &&
		   !memcmp(s.bytes + c->v.off, "10.9.0.1:80", 11),
	       "hdGuardEngaged names the virtual server");
	EXPECT(s.n == 5, "hdGuardEngaged has %zu varbinds, the MIB says 5", s.n);
	snmp_snap_free(&s);
}

int main(void)
{
	test_vrrp_text_outputs();
	test_vrrp_snmp_stats();
	test_vrrp_snmp_assoc();
	test_hc_outputs();
	test_hc_snmp();
	failures += test_views_ipvs();
	return failures ? 1 : 0;
}
