/* Unit tests of the desired IPVS table built from a config plus health
 * verdicts (ipvs/ipvs_model.c): key mapping, forwarding, persistence,
 * inhibit_on_failure, quorum with hysteresis and the sorry server. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs/ipvs_types.h"
#include "unit.h"

static struct hd_endpoint ep(const char *a, uint16_t port)
{
	struct hd_endpoint e = {0};
	e.addr.family = strchr(a, ':') ? AF_INET6 : AF_INET;
	inet_pton(e.addr.family, a, &e.addr.u);
	e.port = port;
	return e;
}

static struct hd_real_server_config rs[3];
static struct hd_virtual_server_config vs[3];
static struct hd_config cfg;

static void setup(void)
{
	memset(rs, 0, sizeof(rs));
	memset(vs, 0, sizeof(vs));
	memset(&cfg, 0, sizeof(cfg));
	for (int i = 0; i < 3; i++) {
		rs[i].ep = ep(i == 0   ? "192.168.168.10"
			      : i == 1 ? "192.168.168.20"
				       : "192.168.168.30",
			      80);
		rs[i].weight = (unsigned)i + 1;
	}
	vs[0].ep = ep("192.168.168.100", 80);
	vs[0].protocol = HD_PROTO_TCP;
	strcpy(vs[0].lb_algo, "wrr");
	vs[0].lb_kind = HD_LB_DR;
	vs[0].quorum = 1;
	vs[0].real_servers = rs;
	vs[0].n_real_servers = 3;
	vs[1].is_fwmark = true;
	vs[1].fwmark = 7;
	vs[1].family = AF_INET6;
	strcpy(vs[1].lb_algo, "sh");
	vs[1].sched_flags = IP_VS_SVC_F_SCHED_SH_PORT;
	vs[1].persistence_timeout = 300;
	vs[1].persistence_granularity = 64;
	vs[2].ep = ep("2001:db8::1", 53);
	vs[2].protocol = HD_PROTO_UDP;
	vs[2].lb_kind = HD_LB_TUN;
	vs[2].tun_type = HD_TUN_GUE;
	vs[2].tun_port = 6080;
	vs[2].real_servers = &rs[2];
	vs[2].n_real_servers = 1;
	cfg.virtual_servers = vs;
	cfg.n_virtual_servers = 3;
}

/* Verdicts from a bitmask of real servers of vs 0 that are down. */
struct verdicts {
	unsigned down_mask;
	int weight0; /* override for rs 0, -1 = none */
};

static void verdict(void *ud, size_t vi, size_t ri, struct ipvs_rs_verdict *v)
{
	const struct verdicts *vd = ud;
	if (vi != 0)
		return;
	v->up = !(vd->down_mask & (1u << ri));
	if (ri == 0)
		v->weight = vd->weight0;
}

static void test_mapping(void)
{
	setup();
	struct ipvs_table t;
	EXPECT(ipvs_model_build(&cfg, NULL, NULL, NULL, NULL, &t) == 0, "build");
	EXPECT(t.n == 3, "services %zu", t.n);
	char buf[128];
	/* canonical order: AF_INET (2) before AF_INET6 (10); addr:port before fwmark */
	EXPECT(
	    !strcmp(ipvs_svc_key_str(&t.svcs[0].key, buf, sizeof(buf)), "TCP 192.168.168.100:80"),
	    "%s", buf);
	EXPECT(!strcmp(ipvs_svc_key_str(&t.svcs[1].key, buf, sizeof(buf)), "UDP [2001:db8::1]:53"),
	       "%s", buf);
	EXPECT(!strcmp(ipvs_svc_key_str(&t.svcs[2].key, buf, sizeof(buf)), "FWM 7 inet6"), "%s",
	       buf);
	const struct ipvs_service *s = &t.svcs[0];
	EXPECT(!strcmp(s->sched, "wrr") && s->flags == 0 && s->n_dests == 3, "vs0");
	EXPECT(s->dests[0].fwd == IP_VS_CONN_F_DROUTE && s->dests[0].weight == 1 &&
		   s->dests[2].weight == 3,
	       "vs0 dests");
	s = &t.svcs[2];
	EXPECT(s->flags == (IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_PORT) &&
		   s->timeout == 300 && s->netmask == 64 && s->key.protocol == 0,
	       "fwmark service flags %#x timeout %u netmask %u", s->flags, s->timeout, s->netmask);
	s = &t.svcs[1];
	EXPECT(s->n_dests == 1 && s->dests[0].fwd == IP_VS_CONN_F_TUNNEL &&
		   s->dests[0].tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE &&
		   s->dests[0].tun_port == 6080 && s->dests[0].af == AF_INET,
	       "tun dest");
	EXPECT(s->netmask == 128 && !strcmp(s->sched, "wlc"), "defaults: netmask %u sched %s",
	       s->netmask, s->sched);
	ipvs_table_free(&t);
}

static void test_verdicts(void)
{
	setup();
	struct ipvs_table t;
	struct verdicts vd = {.down_mask = 2, .weight0 = 5};
	ipvs_model_build(&cfg, verdict, NULL, &vd, NULL, &t);
	const struct ipvs_service *s = &t.svcs[0];
	EXPECT(s->n_dests == 2 && s->dests[0].weight == 5 && s->dests[1].weight == 3,
	       "down removed, weight override: n=%zu", s->n_dests);
	ipvs_table_free(&t);

	rs[1].inhibit_on_failure = true;
	ipvs_model_build(&cfg, verdict, NULL, &vd, NULL, &t);
	s = &t.svcs[0];
	EXPECT(s->n_dests == 3 && s->dests[1].weight == 0, "inhibit: weight 0");
	ipvs_table_free(&t);
}

/* quorum 2, hysteresis 1, sorry server, all weights 1 (so the live
 * weight sum is the live count): walk the states and check when the sorry
 * server is in force. */
static void test_quorum(void)
{
	setup();
	for (int i = 0; i < 3; i++)
		rs[i].weight = 1;
	vs[0].quorum = 2;
	vs[0].hysteresis = 1;
	vs[0].has_sorry_server = true;
	vs[0].sorry_server = ep("192.168.168.200", 8080);
	struct ipvs_quorum_state q[3] = {0};
	static const struct {
		unsigned down_mask;
		bool lost;
	} steps[] = {
	    {0, false}, /* 3 up */
	    {1, false}, /* 2 up: >= quorum */
	    {3, true},	/* 1 up: < quorum, lost */
	    {1, true},	/* 2 up: < quorum + hysteresis, still lost */
	    {0, false}, /* 3 up: regained */
	    {7, true},	/* 0 up */
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct verdicts vd = {.down_mask = steps[i].down_mask, .weight0 = -1};
		struct ipvs_table t;
		ipvs_model_build(&cfg, verdict, NULL, &vd, q, &t);
		const struct ipvs_service *s = &t.svcs[0];
		EXPECT(s->quorum_lost == steps[i].lost && q[0].lost == steps[i].lost, "step %zu",
		       i);
		bool sorry = s->n_dests == 1 && s->dests[0].port == 8080 && s->dests[0].weight == 1;
		EXPECT(sorry == steps[i].lost, "step %zu: sorry server %d, n=%zu", i, sorry,
		       s->n_dests);
		ipvs_table_free(&t);
	}
	/* A first computation has no hysteresis: 2 up holds quorum. */
	struct verdicts vd = {.down_mask = 1, .weight0 = -1};
	struct ipvs_quorum_state fresh[3] = {0};
	struct ipvs_table t;
	ipvs_model_build(&cfg, verdict, NULL, &vd, fresh, &t);
	EXPECT(!t.svcs[0].quorum_lost && t.svcs[0].n_dests == 2, "first computation");
	ipvs_table_free(&t);
	/* Weights count, not servers: one live server of weight 5 holds it. */
	rs[2].weight = 5;
	vd.down_mask = 3;
	ipvs_model_build(&cfg, verdict, NULL, &vd, NULL, &t);
	EXPECT(!t.svcs[0].quorum_lost && t.svcs[0].dests[0].weight == 5, "weight sum");
	ipvs_table_free(&t);
	/* Without a sorry server the live ones stay. */
	rs[2].weight = 1;
	vs[0].has_sorry_server = false;
	ipvs_model_build(&cfg, verdict, NULL, &vd, NULL, &t);
	EXPECT(t.svcs[0].quorum_lost && t.svcs[0].n_dests == 1 && t.svcs[0].dests[0].weight == 1,
	       "no sorry server");
	ipvs_table_free(&t);
}

/* The health checker may impose the quorum state. */
static int imposed_lost(void *ud, size_t vi)
{
	return vi == 0 ? 1 : -1;
}

static void test_quorum_imposed(void)
{
	setup();
	vs[0].has_sorry_server = true;
	vs[0].sorry_server = ep("192.168.168.200", 80);
	struct verdicts vd = {.down_mask = 0, .weight0 = -1};
	struct ipvs_table t;
	ipvs_model_build(&cfg, verdict, imposed_lost, &vd, NULL, &t);
	EXPECT(t.svcs[0].quorum_lost && t.svcs[0].n_dests == 1 && t.svcs[0].dests[0].weight == 1,
	       "imposed: sorry server only");
	ipvs_table_free(&t);
}

/* A virtual server in maintenance (every real server drained: up at
 * weight 0) loses its quorum; the sorry server takes new clients while
 * the drained ones stay at weight 0 so their connections finish; one at
 * weight > 0 (quorum lost below `quorum`) leaves as before. */
static void test_quorum_drained(void)
{
	setup();
	vs[0].has_sorry_server = true;
	vs[0].sorry_server = ep("192.168.168.200", 8080);
	struct verdicts vd = {.down_mask = 6, .weight0 = 0}; /* rs 0 drained, 1 and 2 down */
	struct ipvs_table t;
	ipvs_model_build(&cfg, verdict, NULL, &vd, NULL, &t);
	ipvs_table_sort(&t);
	const struct ipvs_service *s = &t.svcs[0];
	bool has_drained = false, has_sorry = false;
	for (size_t i = 0; i < s->n_dests; i++) {
		has_drained |= s->dests[i].port == rs[0].ep.port && s->dests[i].weight == 0 &&
			       s->dests[i].addr.v4.s_addr == rs[0].ep.addr.u.v4.s_addr;
		has_sorry |= s->dests[i].port == 8080 && s->dests[i].weight == 1;
	}
	EXPECT(s->quorum_lost && s->n_dests == 2 && has_drained && has_sorry,
	       "drained: kept at 0 beside the sorry server (n=%zu)", s->n_dests);
	ipvs_table_free(&t);
	/* quorum 10: rs 0 live at 5 is below it and leaves for the sorry server */
	vs[0].quorum = 10;
	vd.weight0 = 5;
	ipvs_model_build(&cfg, verdict, NULL, &vd, NULL, &t);
	EXPECT(t.svcs[0].quorum_lost && t.svcs[0].n_dests == 1 && t.svcs[0].dests[0].port == 8080,
	       "live below quorum: sorry server only (n=%zu)", t.svcs[0].n_dests);
	ipvs_table_free(&t);
}

static void test_empty(void)
{
	struct ipvs_table t;
	EXPECT(ipvs_model_build(NULL, NULL, NULL, NULL, NULL, &t) == 0 && t.n == 0, "NULL config");
	ipvs_table_free(&t);
}

int main(void)
{
	test_mapping();
	test_verdicts();
	test_quorum();
	test_quorum_imposed();
	test_quorum_drained();
	test_empty();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("test_ipvs_model: all passed\n");
	return failures ? 1 : 0;
}
