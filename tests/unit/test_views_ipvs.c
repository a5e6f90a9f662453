/* Issue 19 for the IPVS and announce views (test_views.c has VRRP and the
 * health checker): each counter of IPVS_VIEW_COUNTERS, ANNOUNCE_VIEW_COUNTERS
 * and ANNOUNCE_VIP_COUNTERS, and each counter of the observed IPVS table,
 * given a distinct value, is looked for in the status JSON, the dump's
 * lines, the metrics and, for the table's counters, its HADIRECTOR-MIB
 * cell. The status JSON's other keys are checked as the status consumers
 * (tests/netns, tests/vm) read them. Pure: no daemon, no kernel. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "announce/announce_view.h"
#include "healthcheck/hc_view.h"
#include "ipvs/ipvs_view.h"
#include "views.h"
#include "unit.h"

/* The expected text into want. Checked: a truncated one would let a check
 * pass on a prefix (and gcc -O1 warns about the unchecked call). */
#define WANT(...) CHECK(snprintf(want, sizeof(want), __VA_ARGS__) < (int)sizeof(want))

/* A view's three outputs: the status JSON, the metrics, the dump's text. */
struct outputs {
	char *json, *metrics, *text;
};

/* VIEW's renderers VIEW_json, VIEW_metrics and VIEW_text of V into O. */
#define OUTPUTS_RENDER(o, view, v)                                                                 \
	((o)->json = VIEW_RENDER(view##_json, v), (o)->metrics = VIEW_RENDER(view##_metrics, v),   \
	 (o)->text = VIEW_RENDER(view##_text, v))

static void outputs_free(struct outputs *o)
{
	free(o->json);
	free(o->metrics);
	free(o->text);
}

/* Counter C in each of O: the status JSON's "KEY":C, the metric's TYPE
 * line and its sample METRIC LABELS C as a whole line, the dump's KEY=C. */
static void has_counter(const struct outputs *o, const char *key, const char *metric,
			const char *type, const char *labels, unsigned long long c)
{
	char want[256];

	WANT("\"%s\":%llu,", key, c);
	has(o->json, want, "status JSON");
	WANT("\n%s%s %llu\n", metric, labels, c);
	has(o->metrics, want, "metrics");
	WANT("# TYPE %s %s\n", metric, type);
	has(o->metrics, want, "metrics");
	WANT(" %s=%llu", key, c);
	has(o->text, want, "dump text");
}

/* ---- IPVS ---- */

static const struct {
	const char *metric, *type, *json;
} ipvs_fields[] = {
#define F(f, metric, type, help, json) {metric, type, json},
    IPVS_VIEW_COUNTERS(F)
#undef F
};
#define N_IPVS (sizeof(ipvs_fields) / sizeof(ipvs_fields[0]))

/* Counter K of V, in IPVS_VIEW_COUNTERS order, by the field's name. */
static uint64_t *ipvs_counter(struct ipvs_view *v, size_t k)
{
	size_t i = 0;
#define P(f, metric, type, help, json)                                                             \
	if (i++ == k)                                                                              \
		return &v->f;
	IPVS_VIEW_COUNTERS(P)
#undef P
	return NULL;
}

/* The observed table: service 10.9.0.1:80 (its counters 6001..6005),
 * destination 10.9.0.11:8080 (connections 4001..4003, its counters
 * 5001..5005, weight 5). The desired table is the same service, bare. */
struct ipvs_fixture {
	struct ipvs_view v;
	struct ipvs_service obs, want;
	struct ipvs_dest dest;
	struct ipvs_table observed, desired;
	struct ipvs_svc_key owned_key;
	struct ipvs_keyset owned;
	struct ipvs_retry retry;
	struct ipvs_sysctl_report sysctl;
	struct hd_lvs_sync_config sync;
};

static void ipvs_fill_table(struct ipvs_fixture *x)
{
	x->obs = (struct ipvs_service){
	    .key = {.af = AF_INET, .protocol = IPPROTO_TCP, .port = 80},
	    .sched = "wlc",
	    .dests = &x->dest,
	    .n_dests = 1,
	    .stats =
		{.conns = 6001, .inpkts = 6002, .outpkts = 6003, .inbytes = 6004, .outbytes = 6005},
	};
	inet_pton(AF_INET, "10.9.0.1", &x->obs.key.addr.b);
	x->dest = (struct ipvs_dest){
	    .af = AF_INET,
	    .port = 8080,
	    .fwd = IP_VS_CONN_F_MASQ,
	    .weight = 5,
	    .activeconns = 4001,
	    .inactconns = 4002,
	    .persistconns = 4003,
	    .stats =
		{.conns = 5001, .inpkts = 5002, .outpkts = 5003, .inbytes = 5004, .outbytes = 5005},
	};
	inet_pton(AF_INET, "10.9.0.11", &x->dest.addr.b);
	x->want = (struct ipvs_service){.key = x->obs.key, .sched = "wlc"};
	x->observed = (struct ipvs_table){.svcs = &x->obs, .n = 1, .sorted = true};
	x->desired = (struct ipvs_table){.svcs = &x->want, .n = 1, .sorted = true};
	x->owned_key = x->obs.key;
	x->owned = (struct ipvs_keyset){.v = &x->owned_key, .n = 1, .cap = 1};
}

/* Counter K is 1000 + 17 K; the status facts are each set apart. */
static void ipvs_fill(struct ipvs_fixture *x)
{
	memset(x, 0, sizeof(*x));
	ipvs_fill_table(x);
	x->retry = (struct ipvs_retry){.svc = x->obs.key,
				       .has_dest = true,
				       .dest = x->dest,
				       .kind = IPVS_OP_EDIT_DEST,
				       .err = -EBUSY,
				       .failures = 3,
				       .next_usec = 12500000};
	x->sysctl = (struct ipvs_sysctl_report){
	    .nat = true, .n_checked = 4, .n_fixed = 2, .n_problems = 1, .n_lines = 1};
	strcpy(x->sysctl.lines[0], "net.ipv4.vs.conntrack is 0");
	x->sync = (struct hd_lvs_sync_config){.enabled = true,
					      .mode = HD_LVS_SYNC_BOTH,
					      .interface = "eth7",
					      .syncid = 9,
					      .port = 8849};
	x->v = (struct ipvs_view){
	    .available = true,
	    .desired = &x->desired,
	    .observed = &x->observed,
	    .owned = &x->owned,
	    .now_usec = 10000000,
	    .slow_timer_sec = 5,
	    .keep_on_stop = true,
	    .last_pass = {2001, 0, 7, 2002},
	    .last_write_pass = {2003, 2004, 8, 2005},
	    .last_pass_build_usec = 2006,
	    .last_error = "add-dest: refused",
	    .pass = {"write", true, 31, 32, 33, 34, 35, 36},
	    .retries = &x->retry,
	    .n_retries = 1,
	    .sysctl = &x->sysctl,
	    .sync = &x->sync,
	    .sync_want = "master,backup",
	    .sync_running = "master",
	    .sync_err = -EADDRINUSE,
	};
	for (size_t k = 0; k < N_IPVS; k++)
		*ipvs_counter(&x->v, k) = 1000 + 17 * k;
}

/* The keys and layout the status consumers read, around the counters. */
static void ipvs_status_keys(const char *json)
{
	static const char *const keys[] = {
	    "{\"available\":true,\"netlink_writes\":1000,",
	    ",\"slow_timer_sec\":5,\"on_stop\":\"keep\",\"last_pass_usec\":2001,"
	    "\"last_write_pass\":{\"usec\":2003,\"writes\":2004,\"slices\":8,"
	    "\"longest_slice_usec\":2005},\"last_pass_build_usec\":2006,"
	    "\"last_error\":\"add-dest: refused\",\"pass\":{\"phase\":\"write\",\"ops\":31,"
	    "\"tried\":32,\"taken\":33,\"touched\":34,\"reread\":35,\"slices\":36,"
	    "\"last\":{\"slices\":7,\"longest_slice_usec\":2002}},\"retries\":[{\"op\":",
	    ",\"dest\":\"10.9.0.11:8080\"",
	    ",\"failures\":3,\"retry_in_sec\":2.5}],",
	    "\"sysctls\":{\"nat\":true,\"dr\":false,\"checked\":4,\"fixed\":2,\"ok\":false,"
	    "\"problems\":[\"net.ipv4.vs.conntrack is 0\"]},",
	    "\"sync_daemon\":{\"configured\":true,\"mode\":\"both\",\"interface\":\"eth7\","
	    "\"syncid\":9,\"group\":null,\"maxlen\":null,\"port\":8849,\"ttl\":null,"
	    "\"want\":\"master,backup\",\"running\":\"master\",\"error\":",
	    ",\"desired\":[{\"service\":",
	    ",\"programmed\":[{\"service\":",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		has(json, keys[i], "status JSON");
}

/* The observed table's counters in the JSON and the metrics. */
static void ipvs_table_outputs(const char *json, const char *metrics)
{
	static const char *const m[] = {
	    "hadirector_ipvs_service_connections_total{vs=\"10.9.0.1:80\"} 6001\n",
	    "hadirector_ipvs_service_packets_total{vs=\"10.9.0.1:80\",direction=\"in\"} 6002\n",
	    "hadirector_ipvs_service_packets_total{vs=\"10.9.0.1:80\",direction=\"out\"} 6003\n",
	    "hadirector_ipvs_service_bytes_total{vs=\"10.9.0.1:80\",direction=\"in\"} 6004\n",
	    "hadirector_ipvs_service_bytes_total{vs=\"10.9.0.1:80\",direction=\"out\"} 6005\n",
	    "hadirector_ipvs_dest_active_connections{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} "
	    "4001\n",
	    "hadirector_ipvs_dest_inactive_connections{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} "
	    "4002\n",
	    "hadirector_ipvs_dest_persistent_connections{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} "
	    "4003\n",
	    "hadirector_ipvs_dest_weight{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} 5\n",
	    "hadirector_ipvs_dest_connections_total{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\"} "
	    "5001\n",
	    "hadirector_ipvs_dest_packets_total{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\","
	    "direction=\"in\"} 5002\n",
	    "hadirector_ipvs_dest_packets_total{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\","
	    "direction=\"out\"} 5003\n",
	    "hadirector_ipvs_dest_bytes_total{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\","
	    "direction=\"in\"} 5004\n",
	    "hadirector_ipvs_dest_bytes_total{vs=\"10.9.0.1:80\",rs=\"10.9.0.11:8080\","
	    "direction=\"out\"} 5005\n",
	};

	has(json,
	    "\"stats\":{\"conns\":6001,\"inpkts\":6002,\"outpkts\":6003,\"inbytes\":6004,"
	    "\"outbytes\":6005,",
	    "status JSON");
	has(json,
	    "\"activeconns\":4001,\"inactconns\":4002,\"persistconns\":4003,\"stats\":{\"conns\":"
	    "5001,\"inpkts\":5002,\"outpkts\":5003,\"inbytes\":5004,\"outbytes\":5005,",
	    "status JSON");
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		has(metrics, m[i], "metrics");
}

static void test_ipvs_outputs(void)
{
	struct ipvs_fixture x;
	struct outputs o;
	char *metrics, *text, want[256], k[96], dst[64];

	ipvs_fill(&x);
	OUTPUTS_RENDER(&o, ipvs_view, &x.v);
	for (size_t n = 0; n < N_IPVS; n++)
		has_counter(&o, ipvs_fields[n].json, ipvs_fields[n].metric, ipvs_fields[n].type, "",
			    *ipvs_counter(&x.v, n));
	ipvs_status_keys(o.json);
	ipvs_table_outputs(o.json, o.metrics);
	has(o.metrics, "hadirector_ipvs_available 1\n", "metrics");
	has(o.text,
	    "ipvs: 1 desired / 1 programmed services, 1000 writes, 1051 errors, 1102 pending\n",
	    "dump text");
	WANT("ipvs: %s wlc\nipvs:   -> %s %s weight 5 active 4001 inactive 4002\n",
	     ipvs_svc_key_str(&x.obs.key, k, sizeof(k)), ipvs_dest_str(&x.dest, dst, sizeof(dst)),
	     ipvs_fwd_str(x.dest.fwd));
	has(o.text, want, "dump text");
	outputs_free(&o);
	/* a service we did not write is said to be so */
	x.owned.n = 0;
	text = VIEW_RENDER(ipvs_view_text, &x.v);
	has(text, " wlc (not ours)\n", "dump text");
	free(text);
	/* no module: every family, the module's samples 0, no table */
	metrics = VIEW_RENDER(ipvs_view_metrics, NULL);
	has(metrics, "hadirector_ipvs_available 0\n", "metrics");
	for (size_t n = 0; n < N_IPVS; n++) {
		WANT("\n%s 0\n", ipvs_fields[n].metric);
		has(metrics, want, "metrics without the module");
	}
	EXPECT(!strstr(metrics, "{vs="), "no table without the module");
	free(metrics);
}

/* The observed table's counters are hdVirtualServerEntry's hdVsConnections
 * .. hdVsOutBytes (8..12) and hdRealServerEntry's hdRsActiveConnections,
 * hdRsInactiveConnections (10, 11), found by the configured service. */
static void test_ipvs_snmp(void)
{
	struct ipvs_fixture x;
	struct hd_virtual_server_config cfg = {.ep = {.port = 80}, .protocol = HD_PROTO_TCP};
	struct hc_rs_view rs = {.ep = {.addr = {.family = AF_INET}, .port = 8080}};
	struct hc_vs_view vs = {.cfg = &cfg, .rs = &rs, .n_rs = 1};
	struct hc_view v = {.vs = &vs, .n_vs = 1};
	struct snmp_snap s = {0};
	struct snmp_out f = {&s, NULL, 0, NULL};
	struct snmp_table t;
	const struct snmp_cell *c;
	const uint64_t vs_want[] = {6001, 6002, 6003, 6004, 6005};
	static const oid vi[] = {1}, ri[] = {1, 1};

	ipvs_fill(&x);
	cfg.ep.addr.family = AF_INET;
	inet_pton(AF_INET, "10.9.0.1", &cfg.ep.addr.u.v4);
	inet_pton(AF_INET, "10.9.0.11", &rs.ep.addr.u.v4);
	snmp_hd_table(SNMP_HD_VS, &t);
	snmp_hd_rows(SNMP_HD_VS, &v, x.v.observed, &f);
	for (oid col = 8; col <= 12; col++) {
		c = cell_at(&s, &t, col, vi, 1);
		EXPECT(c && c->type == ASN_COUNTER64 && c->v.u64 == vs_want[col - 8],
		       "hdVirtualServerEntry.%u: %llu, want %llu", (unsigned)col,
		       c ? (unsigned long long)c->v.u64 : 0ULL,
		       (unsigned long long)vs_want[col - 8]);
	}
	snmp_snap_free(&s);
	snmp_hd_table(SNMP_HD_RS, &t);
	snmp_hd_rows(SNMP_HD_RS, &v, x.v.observed, &f);
	c = cell_at(&s, &t, 10, ri, 2);
	EXPECT(c && c->type == ASN_GAUGE && c->v.l == 4001, "hdRsActiveConnections");
	c = cell_at(&s, &t, 11, ri, 2);
	EXPECT(c && c->type == ASN_GAUGE && c->v.l == 4002, "hdRsInactiveConnections");
	snmp_snap_free(&s);
}

/* ---- announce ---- */

static const struct {
	const char *metric, *json;
} ann_fields[] =
    {
#define F(f, metric, help, json) {metric, json},
	ANNOUNCE_VIEW_COUNTERS(F)},
  vip_fields[] = {ANNOUNCE_VIP_COUNTERS(F)
#undef F
};
#define N_ANN (sizeof(ann_fields) / sizeof(ann_fields[0]))
#define N_VIP (sizeof(vip_fields) / sizeof(vip_fields[0]))

#define P(f, metric, help, json)                                                                   \
	if (i++ == k)                                                                              \
		return &v->f;
static uint64_t *ann_counter(struct announce_view *v, size_t k)
{
	size_t i = 0;
	ANNOUNCE_VIEW_COUNTERS(P)
	return NULL;
}

static uint64_t *vip_counter(struct announce_vip_view *v, size_t k)
{
	size_t i = 0;
	ANNOUNCE_VIP_COUNTERS(P)
	return NULL;
}
#undef P

/* Two VIPs: the module's counter K is 7000 + 13 K, VIP I's 8000 + 100 I
 * + 7 K. */
static void ann_fill(struct announce_view *v, struct announce_vip_view *vips)
{
	*v = (struct announce_view){.enabled = true,
				    .device = "hdannounce",
				    .ifindex = 12,
				    .device_up = true,
				    .checks_settled = true,
				    .vips = vips,
				    .n_vips = 2};
	vips[0] = (struct announce_vip_view){
	    .vip = "10.9.0.1", .announced = true, .reason = "announced", .since_sec = 1.5};
	vips[1] = (struct announce_vip_view){
	    .vip = "2001:db8::1", .reason = "no quorum", .since_sec = -1};
	for (size_t k = 0; k < N_ANN; k++)
		*ann_counter(v, k) = 7000 + 13 * k;
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < N_VIP; k++)
			*vip_counter(&vips[i], k) = 8000 + 100 * i + 7 * k;
}

static void test_announce_outputs(void)
{
	struct announce_view v;
	struct announce_vip_view vips[2];
	struct outputs o;
	char labels[256];

	ann_fill(&v, vips);
	OUTPUTS_RENDER(&o, announce_view, &v);
	for (size_t k = 0; k < N_ANN; k++)
		has_counter(&o, ann_fields[k].json, ann_fields[k].metric, "counter", "",
			    *ann_counter(&v, k));
	for (size_t i = 0; i < 2; i++) {
		CHECK(snprintf(labels, sizeof(labels), "{vip=\"%s\"}", vips[i].vip) <
		      (int)sizeof(labels));
		for (size_t k = 0; k < N_VIP; k++)
			has_counter(&o, vip_fields[k].json, vip_fields[k].metric, "counter", labels,
				    *vip_counter(&vips[i], k));
	}
	has(o.json,
	    "{\"enabled\":true,\"device\":\"hdannounce\",\"ifindex\":12,\"device_up\":true,"
	    "\"drained\":false,\"links_up\":false,\"checks_settled\":true,\"down_link\":null,"
	    "\"transitions\":7000,",
	    "status JSON");
	has(o.json,
	    "{\"vip\":\"10.9.0.1\",\"announced\":true,\"reason\":\"announced\",\"transitions\":",
	    "status JSON");
	has(o.json, ",\"since_sec\":1.500}", "status JSON");
	has(o.text, "announce: 10.9.0.1 announced (announced), 8000 transitions\n", "dump text");
	has(o.text, "announce: 2001:db8::1 withdrawn (no quorum), 8100 transitions\n", "dump text");
	has(o.text, "announce: 2001:db8::1 counters transitions=8100 ", "dump text");
	has(o.metrics, "hadirector_announce_vip_announced{vip=\"10.9.0.1\"} 1\n", "metrics");
	has(o.metrics,
	    "hadirector_announce_vip_reason{vip=\"2001:db8::1\",reason=\"no quorum\"} 1\n",
	    "metrics");
	outputs_free(&o);
	/* no announce-mode virtual server: nothing but that */
	v = (struct announce_view){.vips = vips};
	OUTPUTS_RENDER(&o, announce_view, &v);
	EXPECT(!strcmp(o.json, "{\"enabled\":false}"), "disabled: %s", o.json);
	EXPECT(!*o.metrics && !*o.text, "disabled: no metrics, no dump");
	outputs_free(&o);
}

int test_views_ipvs(void)
{
	test_ipvs_outputs();
	test_ipvs_snmp();
	test_announce_outputs();
	return failures;
}
