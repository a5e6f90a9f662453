/* virtual_server group:NAME (daemon/config_lvs.c) through the desired IPVS
 * table (ipvs/ipvs_model.c): every member, ranges expanded, is its own
 * service with the group's real servers; a real server that is down
 * leaves every member; dr real servers take each member's port. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hd_config.h"
#include "ipvs/ipvs_types.h"
#include "unit.h"

static struct hd_config *load(const char *text)
{
	char path[] = "/tmp/test_ipvs_group-XXXXXX";
	int fd = mkstemp(path);
	struct hd_diag d = {0};
	struct hd_config *cfg;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	cfg = hd_config_load(path, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "  unexpected: %s\n", d.lines[i]);
	hd_diag_clear(&d);
	unlink(path);
	return cfg;
}

/* Real server 1 of virtual server 0 is down. */
static void verdict(void *ud, size_t vi, size_t ri, struct ipvs_rs_verdict *v)
{
	(void)ud;
	v->up = !(vi == 0 && ri == 1);
}

static const struct ipvs_service *find4(const struct ipvs_table *t, const char *a, uint16_t port)
{
	struct ipvs_svc_key k = {.af = AF_INET, .protocol = IPPROTO_TCP, .port = port};
	inet_pton(AF_INET, a, &k.addr.v4);
	return ipvs_table_find(t, &k);
}

static bool has_dest(const struct ipvs_service *s, const char *a, uint16_t port)
{
	struct in_addr in;
	inet_pton(AF_INET, a, &in);
	for (size_t i = 0; s && i < s->n_dests; i++)
		if (s->dests[i].addr.v4.s_addr == in.s_addr && s->dests[i].port == port)
			return true;
	return false;
}

static void test_nat_group(void)
{
	struct hd_config *cfg = load("virtual_server group:web {\n"
				     "    members = { 10.0.0.1-3:80, 10.0.1.9:8080, fwmark:7 }\n"
				     "    lb_algo = rr\n    lb_kind = nat\n"
				     "    real_server 192.168.1.10:80 { tcp_check { } }\n"
				     "    real_server 192.168.1.11:80 { ping_check { } }\n"
				     "}\n"
				     "virtual_server 10.0.0.4:80 {\n"
				     "    real_server 192.168.1.12:80 { }\n"
				     "}\n");
	struct ipvs_table t;

	CHECK(cfg != NULL);
	if (!cfg)
		return;
	const struct hd_virtual_server_config *g = &cfg->virtual_servers[0];
	CHECK(g->group && !strcmp(g->group, "web") && g->n_members == 5);
	CHECK(g->real_servers[1].checks[0].type == HD_CHECK_PING);
	CHECK(ipvs_model_build(cfg, verdict, NULL, NULL, NULL, &t) == 0);
	CHECK(t.n == 6); /* five members and the plain one */
	for (int i = 1; i <= 3; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.0.0.%d", i);
		const struct ipvs_service *s = find4(&t, a, 80);
		EXPECT(s && s->n_dests == 1 && has_dest(s, "192.168.1.10", 80) &&
			   !strcmp(s->sched, "rr") && s->vs_index == 0,
		       "member %s", a);
	}
	const struct ipvs_service *s = find4(&t, "10.0.1.9", 8080);
	CHECK(s && s->n_dests == 1 && has_dest(s, "192.168.1.10", 80)); /* nat keeps rs ports */
	struct ipvs_svc_key fk = {.af = AF_INET, .fwmark = 7};
	s = ipvs_table_find(&t, &fk);
	CHECK(s && s->n_dests == 1 && has_dest(s, "192.168.1.10", 80));
	s = find4(&t, "10.0.0.4", 80);
	CHECK(s && s->n_dests == 1 && has_dest(s, "192.168.1.12", 80) && s->vs_index == 1);
	ipvs_table_free(&t);
	hd_config_free(cfg);
}

static void test_dr_group(void)
{
	struct hd_config *cfg = load("virtual_server group:dr {\n"
				     "    members = { 10.0.0.1:80, 10.0.0.1:443 }\n"
				     "    lb_kind = dr\n"
				     "    real_server 192.168.1.10 { }\n"
				     "}\n");
	struct ipvs_table t;

	CHECK(cfg != NULL);
	if (!cfg)
		return;
	CHECK(ipvs_model_build(cfg, NULL, NULL, NULL, NULL, &t) == 0);
	CHECK(t.n == 2);
	CHECK(has_dest(find4(&t, "10.0.0.1", 80), "192.168.1.10", 80));
	CHECK(has_dest(find4(&t, "10.0.0.1", 443), "192.168.1.10", 443));
	ipvs_table_free(&t);
	hd_config_free(cfg);
}

int main(void)
{
	test_nat_group();
	test_dr_group();
	return failures ? 1 : 0;
}
