/* Config parser: address helpers (table), good files and their values,
 * every file in tests/config/bad against its "# expect: LINE: message"
 * header, inline snippets, and the script safety checks. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <dirent.h>
#include <errno.h>
#include <linux/ip_vs.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd_config.h"
#include "unit.h"

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s ? s : ".";
}

static char *path_of(const char *rel)
{
	char *p;
	if (asprintf(&p, "%s/%s", srcdir(), rel) < 0)
		abort();
	return p;
}

static struct hd_config *load_rel(const char *rel)
{
	struct hd_diag d = {0};
	char *p = path_of(rel);
	struct hd_config *cfg = hd_config_load(p, &d);

	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "  unexpected: %s\n", d.lines[i]);
	CHECK(cfg != NULL);
	CHECK(d.n == 0);
	hd_diag_clear(&d);
	free(p);
	return cfg;
}

/* ---- address helpers ---- */

enum kind { ADDR, PREFIX, ENDPOINT };
static const struct {
	enum kind kind;
	const char *in;
	bool ok;
	int family;
	const char *out; /* hd_addr_str / hd_endpoint_str */
	unsigned num;	 /* prefix length or port */
} addr_cases[] = {
    {ADDR, "192.168.168.100", true, AF_INET, "192.168.168.100", 0},
    {ADDR, "2001:DB8:0::1", true, AF_INET6, "2001:db8::1", 0},
    {ADDR, "::", true, AF_INET6, "::", 0},
    {ADDR, "192.168.168.300", false, 0, NULL, 0},
    {ADDR, "192.168.168", false, 0, NULL, 0},
    {ADDR, "", false, 0, NULL, 0},
    {ADDR, "fe80::1%eth0", false, 0, NULL, 0},
    {ADDR, " 10.0.0.1", false, 0, NULL, 0},
    {PREFIX, "192.168.168.100/24", true, AF_INET, "192.168.168.100", 24},
    {PREFIX, "192.168.168.100", true, AF_INET, "192.168.168.100", 32},
    {PREFIX, "10.0.0.0/0", true, AF_INET, "10.0.0.0", 0},
    {PREFIX, "2001:db8::100/64", true, AF_INET6, "2001:db8::100", 64},
    {PREFIX, "2001:db8::100", true, AF_INET6, "2001:db8::100", 128},
    {PREFIX, "192.168.168.100/33", false, 0, NULL, 0},
    {PREFIX, "2001:db8::1/129", false, 0, NULL, 0},
    {PREFIX, "192.168.168.100/", false, 0, NULL, 0},
    {PREFIX, "192.168.168.100/-1", false, 0, NULL, 0},
    {PREFIX, "192.168.168.100/2x", false, 0, NULL, 0},
    {ENDPOINT, "192.168.168.100:80", true, AF_INET, "192.168.168.100:80", 80},
    {ENDPOINT, "[2001:db8::1]:443", true, AF_INET6, "[2001:db8::1]:443", 443},
    {ENDPOINT, "[::1]:65535", true, AF_INET6, "[::1]:65535", 65535},
    {ENDPOINT, "192.168.168.100:0", false, 0, NULL, 0},
    {ENDPOINT, "192.168.168.100:65536", false, 0, NULL, 0},
    {ENDPOINT, "192.168.168.100", false, 0, NULL, 0},
    {ENDPOINT, "192.168.168.100:", false, 0, NULL, 0},
    {ENDPOINT, "192.168.168.100:+80", false, 0, NULL, 0},
    {ENDPOINT, "2001:db8::1:80", false, 0, NULL, 0},
    {ENDPOINT, "[2001:db8::1]", false, 0, NULL, 0},
    {ENDPOINT, "[192.168.168.100]:80", false, 0, NULL, 0},
    {ENDPOINT, "[2001:db8::1]80", false, 0, NULL, 0},
    {ENDPOINT, ":80", false, 0, NULL, 0},
};

static void test_addr(void)
{
	char buf[64];

	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		const char *in = addr_cases[i].in, *out = NULL;
		struct hd_addr a;
		struct hd_prefix p;
		struct hd_endpoint e;
		int r, fam = 0;
		unsigned num = 0;

		switch (addr_cases[i].kind) {
		case ADDR:
			r = hd_addr_parse(in, &a);
			fam = a.family;
			out = hd_addr_str(&a, buf, sizeof(buf));
			break;
		case PREFIX:
			r = hd_prefix_parse(in, &p);
			fam = p.addr.family;
			num = p.prefixlen;
			out = hd_addr_str(&p.addr, buf, sizeof(buf));
			break;
		default:
			r = hd_endpoint_parse(in, &e);
			fam = e.addr.family;
			num = e.port;
			out = hd_endpoint_str(&e, buf, sizeof(buf));
			break;
		}
		if ((r == 0) != addr_cases[i].ok) {
			fprintf(stderr, "  addr case '%s': parse returned %d\n", in, r);
			failures++;
			continue;
		}
		/* a refusal is a negative errno (issue 19), not -1 */
		if (!addr_cases[i].ok && r != -EINVAL && r != -ERANGE) {
			fprintf(stderr, "  addr case '%s': refused with %d\n", in, r);
			failures++;
		}
		if (!addr_cases[i].ok)
			continue;
		if (fam != addr_cases[i].family || strcmp(out, addr_cases[i].out) != 0 ||
		    num != addr_cases[i].num) {
			fprintf(stderr, "  addr case '%s': got %d %s %u\n", in, fam, out, num);
			failures++;
		}
	}

	struct hd_addr a4, b4, a6;
	CHECK(hd_addr_parse("10.0.0.1", &a4) == 0 && hd_addr_parse("10.0.0.2", &b4) == 0);
	CHECK(hd_addr_parse("::1", &a6) == 0);
	CHECK(hd_addr_cmp(&a4, &b4) < 0 && hd_addr_cmp(&b4, &a4) > 0);
	CHECK(hd_addr_cmp(&a4, &a4) == 0);
	CHECK(hd_addr_cmp(&a4, &a6) != 0);
	CHECK(strcmp(hd_check_type_str(HD_CHECK_HTTPS), "https") == 0);
	CHECK(strcmp(hd_check_type_str(HD_CHECK_UDP), "udp") == 0);
	CHECK(strcmp(hd_lb_kind_str(HD_LB_TUN), "tun") == 0);
	CHECK(strcmp(hd_proto_str(HD_PROTO_SCTP), "sctp") == 0);

	struct hd_diag d = {0};
	hd_diag_add(&d, "f.conf", 12, "bad %s", "thing");
	hd_diag_add(&d, "f.conf", 0, "no line");
	CHECK(d.n == 2 && strcmp(d.lines[0], "f.conf:12: bad thing") == 0);
	CHECK(d.n == 2 && strcmp(d.lines[1], "f.conf: no line") == 0);
	hd_diag_clear(&d);
	CHECK(d.n == 0 && d.lines == NULL);
}

/* ---- good files ---- */

static void test_example(void)
{
	struct hd_config *c = load_rel("etc/hadirector.conf");
	char buf[64];

	if (!c)
		return;
	CHECK(c->n_instances == 1 && c->n_virtual_servers == 1 && c->n_scripts == 1);
	const struct hd_vrrp_instance_config *in = &c->instances[0];
	CHECK(strcmp(in->name, "VI_1") == 0 && strcmp(in->interface, "eth0") == 0);
	CHECK(in->vrid == 51 && in->priority == 150 && in->version == 3);
	CHECK(in->advert_int_cs == 100 && in->family == AF_INET);
	CHECK(in->n_vips == 1 && in->vips[0].prefixlen == 24);
	CHECK(strcmp(hd_addr_str(&in->vips[0].addr, buf, sizeof(buf)), "192.168.168.100") == 0);
	CHECK(in->n_track_scripts == 1 && in->track_scripts[0].weight == -20);
	const struct hd_virtual_server_config *vs = &c->virtual_servers[0];
	CHECK(strcmp(hd_endpoint_str(&vs->ep, buf, sizeof(buf)), "192.168.168.100:80") == 0);
	CHECK(strcmp(vs->lb_algo, "rr") == 0 && vs->lb_kind == HD_LB_DR);
	CHECK(vs->protocol == HD_PROTO_TCP && vs->n_real_servers == 2);
	CHECK(vs->real_servers[0].weight == 1 && vs->real_servers[0].ep.port == 80);
	CHECK(strcmp(hd_addr_str(&vs->real_servers[1].ep.addr, buf, sizeof(buf)),
		     "192.168.168.20") == 0);
	hd_config_free(c);
}

static void test_full_vrrp(const struct hd_config *c)
{
	char buf[64];

	CHECK(strcmp(c->global.router_id, "lb-full") == 0);
	CHECK(strcmp(c->global.script_user, "nobody") == 0);
	CHECK(c->global.control_socket &&
	      strcmp(c->global.control_socket, "/run/hd-full.sock") == 0);
	CHECK(c->global.metrics_enabled && c->global.metrics_listen.port == 9100);
	CHECK(c->global.script_timeout_usec == 2500000 && !c->global.set_sysctls);
	CHECK(c->n_scripts == 2);
	CHECK(strcmp(c->scripts[0].script, "/usr/bin/pgrep -x nginx") == 0);
	CHECK(c->scripts[0].interval_usec == 500000 && c->scripts[0].timeout_usec == 250000);
	CHECK(c->scripts[0].rise == 3 && c->scripts[0].fall == 4 && c->scripts[0].weight == -20);
	CHECK(c->scripts[1].timeout_usec == 2500000); /* global script_timeout */
	CHECK(c->scripts[1].interval_usec == 1000000 && c->scripts[1].rise == 1);
	CHECK(c->n_instances == 3);
	const struct hd_vrrp_instance_config *in = &c->instances[0];
	CHECK(in->advert_int_cs == 25 && in->initial_state == HD_VRRP_INIT_MASTER);
	CHECK(!in->preempt && in->preempt_delay_usec == 1500000);
	CHECK(in->has_unicast_src && in->n_unicast_peers == 2);
	CHECK(strcmp(hd_addr_str(&in->unicast_peers[1], buf, sizeof(buf)), "192.168.168.52") == 0);
	CHECK(in->n_vips == 2 && in->vips[1].prefixlen == 32);
	CHECK(in->n_track_ifs == 2 && strcmp(in->track_ifs[0].name, "eth1") == 0);
	CHECK(in->track_ifs[0].weight == 0 && in->track_ifs[1].weight == -10);
	CHECK(in->n_track_scripts == 2 && in->track_scripts[0].script == 0);
	CHECK(in->track_scripts[0].weight == -20);
	CHECK(in->track_scripts[1].script == 1 && in->track_scripts[1].weight == 5);
	CHECK(in->notify_master && strcmp(in->notify_master, "/bin/true master") == 0);
	CHECK(in->notify_stop != NULL);
	CHECK(in->garp_master_delay_usec == 2000000 && in->garp_master_repeat == 3);
	CHECK(in->garp_master_refresh_usec == 60000000);
	in = &c->instances[1];
	CHECK(in->version == 2 && in->advert_int_cs == 300 && in->priority == 100);
	CHECK(in->auth_type == HD_VRRP_AUTH_PASS && strcmp(in->auth_pass, "s3cret") == 0);
	CHECK(in->preempt && in->garp_master_delay_usec == 5000000);
	CHECK(in->garp_master_repeat == 5 && in->garp_master_refresh_usec == 0);
	CHECK(c->n_sync_groups == 1 && c->sync_groups[0].n_members == 2);
	CHECK(c->sync_groups[0].members[1] == 1);
	CHECK(c->lvs_sync.enabled && c->lvs_sync.instance == 1 && c->lvs_sync.syncid == 7);
	CHECK(strcmp(c->lvs_sync.interface, "eth1") == 0);
	CHECK(c->lvs_sync.maxlen == 1400 && c->lvs_sync.port == 9000 && c->lvs_sync.ttl == 3);
	CHECK(c->lvs_sync.group.family == AF_INET6 && c->lvs_sync.group.u.v6.s6_addr[0] == 0xff &&
	      c->lvs_sync.group.u.v6.s6_addr[15] == 5);
}

static void test_full_checks(const struct hd_real_server_config *rs)
{
	const struct hd_check_config *k = rs->checks;

	CHECK(rs->n_checks == 9);
	if (rs->n_checks != 9)
		return;
	/* checks are listed by type, the agent_check last */
	CHECK(k[8].type == HD_CHECK_AGENT && k[8].connect_port == 9999);
	CHECK(k[8].connect_timeout_usec == 1000000);
	CHECK(k[8].agent_min_pct == 10 && k[8].agent_max_pct == 200);
	CHECK(k[0].type == HD_CHECK_TCP && k[0].connect_timeout_usec == 500000);
	CHECK(k[0].connect_port == 8081 && k[0].has_bind_ip && !k[0].has_connect_ip);
	CHECK(k[0].delay_loop_usec == 2500000); /* the virtual server's */
	CHECK(k[1].has_connect_ip && k[1].delay_loop_usec == 10000000);
	CHECK(k[1].connect_timeout_usec == 5000000);
	CHECK(k[2].type == HD_CHECK_HTTP && strcmp(k[2].path, "/health") == 0);
	CHECK(k[2].n_status == 2 && k[2].status[0].lo == 200 && k[2].status[0].hi == 200);
	CHECK(k[2].status[1].lo == 300 && k[2].status[1].hi == 399);
	CHECK(k[2].digest_type == 5 && k[2].digest[0] == 0xd4 && k[2].digest[15] == 0x7e);
	CHECK(k[2].rise == 2 && k[2].fall == 3 && k[2].retry == 2);
	CHECK(k[2].delay_before_retry_usec == 500000 && k[2].warmup_usec == 4000000);
	CHECK(k[2].virtualhost && strcmp(k[2].virtualhost, "www.example.com") == 0);
	CHECK(k[3].type == HD_CHECK_HTTPS && !k[3].verify &&
	      strcmp(k[3].sni, "www.example.com") == 0);
	CHECK(k[3].digest_type == 256 && k[3].digest[31] == 0x55);
	CHECK(k[3].reuse_connection == 20 && k[2].reuse_connection == 0);
	CHECK(k[3].n_status == 1 && k[3].status[0].lo == 200 && k[3].status[0].hi == 299);
	CHECK(k[4].type == HD_CHECK_MISC && strcmp(k[4].script, "/bin/true 192.168.168.10") == 0);
	CHECK(k[4].timeout_usec == 7000000 && k[4].dynamic_weight);
	CHECK(k[5].type == HD_CHECK_SMTP && strcmp(k[5].helo_name, "lb1.example.com") == 0);
	CHECK(k[6].type == HD_CHECK_DNS && strcmp(k[6].dns_type, "AAAA") == 0);
	CHECK(strcmp(k[6].dns_name, "example.com") == 0 && k[6].connect_port == 53);
	CHECK(k[7].type == HD_CHECK_UDP && strcmp(k[7].udp_payload, "ping") == 0);
	CHECK(strcmp(k[7].udp_expect, "pong") == 0);
}

static void test_full(void)
{
	struct hd_config *c = load_rel("tests/config/good/full.conf");
	char buf[64];

	if (!c)
		return;
	test_full_vrrp(c);
	CHECK(c->n_virtual_servers == 3);
	const struct hd_virtual_server_config *vs = &c->virtual_servers[0];
	CHECK(strcmp(vs->lb_algo, "sh") == 0 && vs->lb_kind == HD_LB_NAT);
	CHECK(vs->sched_flags == (IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_SCHED_SH_FALLBACK));
	CHECK(vs->persistence_timeout == 60 && vs->persistence_granularity == 24);
	CHECK(vs->delay_loop_usec == 2500000 && vs->quorum == 2 && vs->hysteresis == 1);
	CHECK(vs->inhibit_on_failure && vs->alpha && vs->omega);
	CHECK(vs->has_sorry_server && vs->sorry_server.port == 8080);
	CHECK(vs->quorum_up && strcmp(vs->quorum_up, "/bin/true up") == 0);
	CHECK(vs->n_real_servers == 2);
	const struct hd_real_server_config *rs = &vs->real_servers[0];
	CHECK(rs->weight == 3 && rs->ep.port == 8080 && !rs->has_lb_kind);
	CHECK(rs->u_threshold == 100 && rs->l_threshold == 80 && !rs->inhibit_on_failure);
	CHECK(rs->notify_up && rs->notify_down);
	test_full_checks(rs);
	CHECK(vs->real_servers[1].has_lb_kind && vs->real_servers[1].lb_kind == HD_LB_TUN);
	CHECK(vs->real_servers[1].inhibit_on_failure); /* inherited */
	CHECK(vs->real_servers[1].weight == 1);
	vs = &c->virtual_servers[1];
	CHECK(vs->protocol == HD_PROTO_UDP && vs->ep.port == 53 && strcmp(vs->lb_algo, "wrr") == 0);
	CHECK(vs->n_real_servers == 1 && vs->real_servers[0].ep.port == 53);
	CHECK(vs->delay_loop_usec == 5000000 && vs->quorum == 1 && vs->lb_kind == HD_LB_DR);
	vs = &c->virtual_servers[2];
	CHECK(vs->protocol == HD_PROTO_TCP);
	CHECK(strcmp(hd_endpoint_str(&vs->ep, buf, sizeof(buf)), "192.168.168.100:53") == 0);
	hd_config_free(c);
}

static void test_ipv6_fwmark(void)
{
	struct hd_config *c = load_rel("tests/config/good/ipv6.conf");
	char buf[64];

	if (c) {
		const struct hd_vrrp_instance_config *in = &c->instances[0];
		CHECK(in->family == AF_INET6 && in->advert_int_cs == 1 && in->priority == 200);
		CHECK(in->n_vips == 2 && in->vips[0].prefixlen == 64 &&
		      in->vips[1].prefixlen == 128);
		CHECK(c->instances[1].advert_int_cs == 4095 && c->instances[1].family == AF_INET);
		const struct hd_virtual_server_config *vs = &c->virtual_servers[0];
		CHECK(vs->family == AF_INET6 && vs->ep.port == 443);
		CHECK(vs->sched_flags == IP_VS_SVC_F_SCHED2 && vs->persistence_granularity == 64);
		CHECK(strcmp(hd_endpoint_str(&vs->real_servers[0].ep, buf, sizeof(buf)),
			     "[2001:db8::10]:443") == 0);
		CHECK(vs->real_servers[1].weight == 0);
		hd_config_free(c);
	}
	c = load_rel("tests/config/good/fwmark.conf");
	if (c) {
		const struct hd_virtual_server_config *vs = &c->virtual_servers[0];
		CHECK(vs->is_fwmark && vs->fwmark == 7 && vs->family == AF_INET);
		CHECK(vs->lb_kind == HD_LB_TUN && vs->tun_type == HD_TUN_GUE &&
		      vs->tun_port == 6080);
		CHECK(vs->real_servers[0].ep.port == 0 && vs->real_servers[1].ep.port == 80);
		vs = &c->virtual_servers[1];
		CHECK(vs->is_fwmark && vs->fwmark == 4294967295u && vs->family == AF_INET6);
		CHECK(vs->real_servers[1].ep.addr.family == AF_INET6);
		hd_config_free(c);
	}
}

static void test_good_dir(void)
{
	char *dir = path_of("tests/config/good");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".conf") != 0)
			continue;
		char *rel;
		if (asprintf(&rel, "tests/config/good/%s", e->d_name) < 0)
			abort();
		hd_config_free(load_rel(rel));
		free(rel);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 5);
	free(dir);
}

/* ---- bad files ---- */

static bool diag_has(const struct hd_diag *d, const char *prefix, const char *msg)
{
	for (size_t i = 0; i < d->n; i++)
		if (strncmp(d->lines[i], prefix, strlen(prefix)) == 0 && strstr(d->lines[i], msg))
			return true;
	return false;
}

static void test_bad_file(const char *path)
{
	char first[512] = "", prefix[600];
	FILE *f = fopen(path, "r");
	struct hd_diag d = {0};
	struct hd_config *cfg;
	int line = 0, off = 0;

	if (f) {
		if (!fgets(first, sizeof(first), f))
			first[0] = '\0';
		fclose(f);
	}
	first[strcspn(first, "\n")] = '\0';
	if (sscanf(first, "# expect: %d: %n", &line, &off) != 1 || off == 0) {
		fprintf(stderr, "  %s: no '# expect: LINE: message' header\n", path);
		failures++;
		return;
	}
	cfg = hd_config_load(path, &d);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (cfg || !diag_has(&d, prefix, first + off)) {
		fprintf(stderr, "  %s: expected '%s%s', got %s:\n", path, prefix, first + off,
			cfg ? "a config" : "NULL");
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "    %s\n", d.lines[i]);
		failures++;
	}
	hd_config_free(cfg);
	hd_diag_clear(&d);
}

static void test_bad_dir(void)
{
	char *dir = path_of("tests/config/bad");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".conf") != 0)
			continue;
		char *p;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			abort();
		test_bad_file(p);
		free(p);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 20);
	free(dir);
}

/* ---- inline snippets ---- */

static char tmpdir[] = "/tmp/test_config.XXXXXX";

static char *write_tmp(const char *name, const char *text, mode_t mode)
{
	char *p;
	FILE *f;

	if (asprintf(&p, "%s/%s", tmpdir, name) < 0)
		abort();
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

/* All errors of a file are reported, not just the first. */
static void test_collects_all(void)
{
	char *p = write_tmp("many.conf",
			    "vrrp_instance VI_1 {\n"
			    "  interface = eth0\n"
			    "  virtual_router_id = 0\n"
			    "  priority = 300\n"
			    "  advert_int = abc\n"
			    "  virtual_ipaddress = { 1.2.3.4/40, 10.0.0.1 }\n"
			    "  track_script = { nope }\n"
			    "}\n"
			    "virtual_server 10.0.0.1:80 { lb_algo = xx  lb_kind = yy }\n",
			    0644);
	struct hd_diag d = {0};
	struct hd_config *c = hd_config_load(p, &d);
	char pre[300];

	CHECK(c == NULL);
	CHECK(d.n == 7);
	static const struct {
		int line;
		const char *msg;
	} want[] = {{3, "virtual_router_id"},
		    {4, "priority"},
		    {5, "advert_int"},
		    {6, "1.2.3.4/40"},
		    {7, "nope"},
		    {9, "lb_algo"},
		    {9, "lb_kind"}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(pre, sizeof(pre), "%s:%d: ", p, want[i].line);
		CHECK(diag_has(&d, pre, want[i].msg));
	}
	hd_diag_clear(&d);
	free(p);

	d = (struct hd_diag){0};
	CHECK(hd_config_load("/nonexistent/hd.conf", &d) == NULL);
	CHECK(d.n == 1 && strstr(d.lines[0], "/nonexistent/hd.conf: cannot open"));
	hd_diag_clear(&d);
}

static void test_scripts(void)
{
	struct hd_vrrp_script_config s = {.name = "x", .line = 7};
	struct hd_config c = {.scripts = &s, .n_scripts = 1};
	struct hd_diag d = {0};
	char *ok = write_tmp("ok.sh", "#!/bin/sh\nexit 0\n", 0755);
	char *gw = write_tmp("gw.sh", "#!/bin/sh\n", 0775);
	char *nx = write_tmp("nx.sh", "#!/bin/sh\n", 0644);
	char *cmd;

	c.path = "s.conf";
	if (asprintf(&cmd, "%s arg1 arg2", ok) < 0)
		abort();
	s.script = cmd;
	CHECK(hd_config_check_scripts(&c, &d) == 0 && d.n == 0);
	s.script = gw;
	CHECK(hd_config_check_scripts(&c, &d) == 1);
	CHECK(d.n == 1 && strstr(d.lines[0], "s.conf:7: ") && strstr(d.lines[0], "writable"));
	s.script = nx;
	CHECK(hd_config_check_scripts(&c, &d) == 1);
	CHECK(d.n == 2 && strstr(d.lines[1], "not an executable"));
	s.script = "check.sh";
	CHECK(hd_config_check_scripts(&c, &d) == 1);
	CHECK(d.n == 3 && strstr(d.lines[2], "absolute path"));
	s.script = "/nonexistent/x";
	CHECK(hd_config_check_scripts(&c, &d) == 1);
	/* a world-writable directory lets anyone swap the program */
	chmod(tmpdir, 0777);
	s.script = ok;
	CHECK(hd_config_check_scripts(&c, &d) == 1);
	CHECK(d.n == 5 && strstr(d.lines[4], "world-writable"));
	chmod(tmpdir, 0700);
	snprintf(c.global.script_user, sizeof(c.global.script_user), "no-such-user-hd");
	CHECK(hd_config_check_scripts(&c, &d) == 1);
	CHECK(d.n == 6 && strstr(d.lines[5], "no-such-user-hd"));
	hd_diag_clear(&d);
	unlink(ok);
	unlink(gw);
	unlink(nx);
	free(ok);
	free(gw);
	free(nx);
	free(cmd);
}

/* ---- the libconfuse workarounds, end to end ---- */

/* An empty file is a valid (empty) configuration and says nothing: the
 * getters never reach libconfuse's error path (find_opt() in config.c),
 * which without a parse under way printed "no such option" for every
 * section absent from the file. */
static void test_quiet_lookups(void)
{
	char *p = write_tmp("empty.conf", "", 0644);
	FILE *err = tmpfile();
	int saved = dup(2);
	struct hd_diag d = {0};
	struct hd_config *cfg;
	long n;

	if (!err || saved < 0)
		abort();
	fflush(stderr);
	dup2(fileno(err), 2);
	cfg = hd_config_load(p, &d);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = ftell(err) >= 0 ? (fseek(err, 0, SEEK_END), ftell(err)) : -1;
	EXPECT(cfg && d.n == 0, "empty file: cfg %p, %zu diagnostics", (void *)cfg, d.n);
	EXPECT(n == 0, "empty file: %ld bytes on stderr", n);
	fclose(err);
	hd_config_free(cfg);
	hd_diag_clear(&d);
	unlink(p);
	free(p);
}

/* libconfuse's lexer is process-global: loads from several threads at once
 * must be serialised (confuse_begin() in config.c), each with its own
 * context. One thread loads a big file while another loads a small good
 * file and a bad one in a loop until the big load is over: every result
 * must be whole and every error on the right file and line. */
struct par_load {
	const char *path;
	size_t want;	    /* virtual servers */
	volatile int *stop; /* loop until set (NULL: once) */
	int loads, bad;
};

static void *par_thread(void *arg)
{
	struct par_load *a = arg;

	do {
		struct hd_diag d = {0};
		struct hd_config *cfg = hd_config_load(a->path, &d);
		bool ok = cfg && d.n == 0 && cfg->n_virtual_servers == a->want;
		if (a->want == 0) /* the bad file: one error, its own line */
			ok = !cfg && d.n == 1 &&
			     strstr(d.lines[0], "bad.conf:4: priority: 300 is out");
		a->bad += !ok;
		a->loads++;
		hd_config_free(cfg);
		hd_diag_clear(&d);
	} while (a->stop && !*a->stop);
	return NULL;
}

static void test_parallel_loads(void)
{
	char *big_text = NULL, *big, *small, *bad;
	size_t len = 0;
	FILE *f = open_memstream(&big_text, &len);
	volatile int stop = 0;
	pthread_t ts, tb;

	if (!f)
		abort();
	for (int v = 0; v < 100; v++) {
		fprintf(f, "virtual_server 10.1.0.%d:80 {\n  lb_algo = rr # rr\n  lb_kind = nat\n",
			v + 1);
		for (int r = 1; r <= 40; r++)
			fprintf(f, "  real_server 10.2.%d.%d:80 {\n    weight = 1\n  }\n", v, r);
		fputs("}\n", f);
	}
	fclose(f);
	big = write_tmp("big.conf", big_text, 0644);
	small = write_tmp("small.conf",
			  "virtual_server 10.9.0.1:80 { real_server 10.9.1.1:80 { } }\n"
			  "virtual_server 10.9.0.2:80 { real_server 10.9.1.2:80 { } }\n",
			  0644);
	bad = write_tmp("bad.conf",
			"vrrp_instance VI_1 {\n interface = eth0\n virtual_router_id = 51\n"
			" priority = 300\n virtual_ipaddress = { 10.0.0.1 }\n}\n",
			0644);
	struct par_load sl = {small, 2, &stop, 0, 0}, bl = {bad, 0, &stop, 0, 0};
	struct par_load gl = {big, 100, NULL, 0, 0};
	pthread_t tx;
	if (pthread_create(&ts, NULL, par_thread, &sl) ||
	    pthread_create(&tx, NULL, par_thread, &bl))
		abort();
	for (int i = 0; i < 5; i++) {
		if (pthread_create(&tb, NULL, par_thread, &gl))
			abort();
		pthread_join(tb, NULL);
	}
	stop = 1;
	pthread_join(ts, NULL);
	pthread_join(tx, NULL);
	EXPECT(gl.bad == 0 && sl.bad == 0 && bl.bad == 0,
	       "loads in parallel: %d/%d big, %d/%d small, %d/%d bad ones wrong", gl.bad, gl.loads,
	       sl.bad, sl.loads, bl.bad, bl.loads);
	unlink(big);
	unlink(small);
	unlink(bad);
	free(big);
	free(small);
	free(bad);
	free(big_text);
}

/* A caller running in a locale with libconfuse's catalogue (C.UTF-8 and
 * LANGUAGE=de here) still gets the manual's words for the two messages
 * confuse_err() rewords: libconfuse passes their translation then. */
static void test_translated_messages(void)
{
	char *p = write_tmp("tr.conf",
			    "vrrp_instance VI_1 {\n bogus = 1\n}\n"
			    "vrrp_instance VI_1 {\n}\n",
			    0644);
	char *q = write_tmp("tr2.conf", "vrrp_script a { }\n\nvrrp_script a { }\n", 0644);
	struct hd_diag d = {0}, e = {0};

	setenv("LANGUAGE", "de", 1);
	if (setlocale(LC_ALL, "C.UTF-8")) {
		hd_config_free(hd_config_load(p, &d));
		hd_config_free(hd_config_load(q, &e));
		setlocale(LC_ALL, "C");
		EXPECT(d.n == 1 &&
			   strstr(d.lines[0], "tr.conf:2: unknown option 'bogus' in vrrp_instance"),
		       "translated locale: %s", d.n ? d.lines[0] : "(nothing)");
		EXPECT(e.n == 1 && strstr(e.lines[0], "tr2.conf:3: 'a' is defined twice"),
		       "translated locale: %s", e.n ? e.lines[0] : "(nothing)");
	}
	unsetenv("LANGUAGE");
	hd_diag_clear(&d);
	hd_diag_clear(&e);
	unlink(p);
	unlink(q);
	free(p);
	free(q);
}

/* virtual_address options and excluded addresses land in the structure. */
static void test_vaddr(void)
{
	struct hd_config *c = load_rel("tests/config/good/vaddr.conf");

	if (!c)
		return;
	const struct hd_vrrp_instance_config *in = &c->instances[0];
	CHECK(in->family == AF_INET && in->n_vips == 4 && in->n_excl_vips == 3);
	CHECK(!in->vips[0].dev[0] && !in->vips[0].label[0] && in->vips[0].scope == 0);
	CHECK(strcmp(in->vips[1].dev, "eth1") == 0 && strcmp(in->vips[1].label, "eth1:web") == 0);
	CHECK(in->vips[1].has_brd && in->vips[1].brd.u.v4.s_addr == htonl(0x0a0101ff));
	CHECK(in->vips[2].scope == RT_SCOPE_HOST && !in->vips[2].has_brd);
	CHECK(in->vips[3].scope == RT_SCOPE_LINK && strcmp(in->vips[3].label, "eth0:ll") == 0);
	CHECK(in->excl_vips[0].addr.family == AF_INET6 &&
	      strcmp(in->excl_vips[0].dev, "eth1") == 0);
	CHECK(in->excl_vips[1].prefixlen == 24 && in->excl_vips[2].prefixlen == 128);
	hd_config_free(c);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_addr();
	test_example();
	test_full();
	test_ipv6_fwmark();
	test_vaddr();
	test_good_dir();
	test_bad_dir();
	test_collects_all();
	test_scripts();
	test_quiet_lookups();
	test_parallel_loads();
	test_translated_messages();
	char *many;
	if (asprintf(&many, "%s/many.conf", tmpdir) >= 0) {
		unlink(many);
		free(many);
	}
	rmdir(tmpdir);
	if (failures) {
		fprintf(stderr, "test_config: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_config: all passed\n");
	return 0;
}
