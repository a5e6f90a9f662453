/* Reload plans (daemon/reload_plan_diff.h), through tables: configuration
 * texts loaded by the real parser, a running role, the plan's verdict per
 * VRRP instance (kind, fields, transition, what the peer sees), per check
 * (kept, restarted with its changed parts, started, stopped, shared) and
 * per IPVS write (the fields it sets). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reload_plan.h"
#include "unit.h"

static char dir[] = "/tmp/test_reload_plan.XXXXXX";

static struct hd_config *load(const char *text)
{
	char path[64];
	struct hd_diag diag = {0};

	snprintf(path, sizeof(path), "%s/c.conf", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	struct hd_config *c = hd_config_load(path, &diag);
	for (size_t i = 0; i < diag.n; i++)
		fprintf(stderr, "%s\n", diag.lines[i]);
	hd_diag_clear(&diag);
	if (!c)
		abort();
	return c;
}

/* ---- VRRP ---- */

/* VI_1's settings (VI_2 is fixed); NULL / 0: the default below. */
struct vi1 {
	int absent;
	int prio, vrid, version;
	const char *iface, *advert, *vip, *extra;
	int nopreempt;
	int group; /* VI_1 and VI_2 in sync group G */
};

static char *vrrp_conf(const struct vi1 *v)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!v->absent)
		fprintf(
		    f,
		    "vrrp_instance VI_1 { interface = %s  virtual_router_id = %d  priority = %d\n"
		    "  advert_int = %s  version = %d  virtual_ipaddress = { %s }%s\n  %s }\n",
		    v->iface ? v->iface : "eth0", v->vrid ? v->vrid : 51, v->prio ? v->prio : 150,
		    v->advert ? v->advert : "1", v->version ? v->version : 3,
		    v->vip ? v->vip : "10.0.0.100/24", v->nopreempt ? "  preempt = false" : "",
		    v->extra ? v->extra : "");
	fputs("vrrp_instance VI_2 { interface = eth0  virtual_router_id = 52  priority = 100\n"
	      "  virtual_ipaddress = { 10.0.0.101/24 } }\n",
	      f);
	if (v->group)
		fputs("vrrp_sync_group G { group = { VI_1, VI_2 } }\n", f);
	fclose(f);
	return s;
}

struct vrow {
	const char *what;
	struct vi1 a, b;
	enum hd_plan_role role;
	enum hd_plan_kind kind; /* of VI_1 */
	unsigned fields;
	bool transition, peer_sees, prio_seen;
	unsigned seen; /* the priority the peer sees, when prio_seen */
};

static const struct vrow vrows[] = {
    {"unchanged, master", {0}, {0}, HD_PLAN_ROLE_MASTER, HD_PLAN_KEPT, 0, false, false, false, 0},
    {"priority lowered on the master",
     {0},
     {.prio = 90},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     true,
     true,
     true,
     90},
    {"priority raised on the master",
     {0},
     {.prio = 200},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     false,
     true,
     true,
     200},
    {"priority raised on a backup (preempt)",
     {.prio = 100},
     {.prio = 200},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     true,
     false,
     false,
     0},
    {"priority raised on a backup without preempt",
     {.prio = 100, .nopreempt = 1},
     {.prio = 200, .nopreempt = 1},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     false,
     false,
     false,
     0},
    {"priority 255 on a backup without preempt",
     {.prio = 100, .nopreempt = 1},
     {.prio = 255, .nopreempt = 1},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     true,
     false,
     false,
     0},
    {"priority lowered on a backup",
     {.prio = 100},
     {.prio = 50},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     false,
     false,
     false,
     0},
    {"priority, role unknown: judged both ways",
     {0},
     {.prio = 90},
     HD_PLAN_ROLE_UNKNOWN,
     HD_PLAN_CHANGED,
     HD_PV_PRIORITY,
     true,
     true,
     true,
     90},
    {"preempt on, backup",
     {.nopreempt = 1},
     {0},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_PREEMPT,
     true,
     false,
     false,
     0},
    {"preempt on, master",
     {.nopreempt = 1},
     {0},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_PREEMPT,
     false,
     false,
     false,
     0},
    {"advert_int, master, VRRPv3",
     {0},
     {.advert = "2"},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_ADVERT_INT,
     false,
     true,
     false,
     0},
    {"advert_int, master, VRRPv2",
     {.version = 2},
     {.version = 2, .advert = "2"},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_ADVERT_INT,
     true,
     true,
     false,
     0},
    {"advert_int, backup",
     {0},
     {.advert = "2"},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_ADVERT_INT,
     false,
     false,
     false,
     0},
    {"addresses, master",
     {0},
     {.vip = "10.0.0.110/24"},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_VIPS,
     false,
     true,
     false,
     0},
    {"addresses, backup",
     {0},
     {.vip = "10.0.0.110/24"},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_VIPS,
     false,
     false,
     false,
     0},
    {"preempt_delay, backup",
     {0},
     {.extra = "preempt_delay = 5"},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_PREEMPT_DELAY,
     false,
     false,
     false,
     0},
    {"tracking added, backup",
     {0},
     {.extra = "track_interface = { eth1 }"},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_TRACK,
     true,
     false,
     false,
     0},
    {"VRID, master: replaced",
     {0},
     {.vrid = 61},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_REPLACED,
     HD_PV_VRID,
     true,
     true,
     true,
     0},
    {"interface and priority, backup: replaced",
     {0},
     {.iface = "eth1", .prio = 90},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_REPLACED,
     HD_PV_INTERFACE | HD_PV_PRIORITY,
     true,
     true,
     false,
     0},
    {"version, master: replaced",
     {0},
     {.version = 2},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_REPLACED,
     HD_PV_VERSION,
     true,
     true,
     true,
     0},
    {"removed, master",
     {0},
     {.absent = 1},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_REMOVED,
     0,
     true,
     true,
     true,
     0},
    {"removed, backup",
     {0},
     {.absent = 1},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_REMOVED,
     0,
     false,
     false,
     false,
     0},
    {"added", {.absent = 1}, {0}, HD_PLAN_ROLE_UNKNOWN, HD_PLAN_ADDED, 0, true, true, false, 0},
    {"out of its sync group, backup",
     {.group = 1},
     {0},
     HD_PLAN_ROLE_BACKUP,
     HD_PLAN_CHANGED,
     HD_PV_SYNC_GROUP,
     true,
     false,
     false,
     0},
    {"into a sync group, master",
     {0},
     {.group = 1},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_CHANGED,
     HD_PV_SYNC_GROUP,
     true,
     true,
     false,
     0},
    {"the same sync group",
     {.group = 1},
     {.group = 1},
     HD_PLAN_ROLE_MASTER,
     HD_PLAN_KEPT,
     0,
     false,
     false,
     false,
     0},
};

static void test_vrrp(void)
{
	for (size_t r = 0; r < sizeof(vrows) / sizeof(vrows[0]); r++) {
		const struct vrow *w = &vrows[r];
		char *ta = vrrp_conf(&w->a), *tb = vrrp_conf(&w->b);
		struct hd_config *a = load(ta), *b = load(tb);
		enum hd_plan_role roles[2] = {w->role, HD_PLAN_ROLE_BACKUP};
		struct hd_plan_vrrp *v;
		size_t n, vi1 = SIZE_MAX, vi2 = SIZE_MAX;

		/* VI_1 is first when there: its role is roles[0] */
		if (w->a.absent)
			roles[0] = HD_PLAN_ROLE_BACKUP;
		CHECK(hd_plan_vrrp(a, roles, b, &v, &n) == 0);
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(v[i].name, "VI_1"))
				vi1 = i;
			if (!strcmp(v[i].name, "VI_2"))
				vi2 = i;
		}
		EXPECT(n == 2 && vi1 < n && vi2 < n, "%s: %zu items", w->what, n);
		if (vi1 < n) {
			const struct hd_plan_vrrp *p = &v[vi1];
			EXPECT(p->kind == w->kind, "%s: kind %s", w->what,
			       hd_plan_vrrp_kind_str(p->kind));
			EXPECT(p->fields == w->fields, "%s: fields %#x", w->what, p->fields);
			EXPECT(p->transition == w->transition, "%s: transition %d (%s)", w->what,
			       p->transition, p->why);
			EXPECT(p->peer_sees == w->peer_sees, "%s: peer_sees %d (%s)", w->what,
			       p->peer_sees, p->why);
			EXPECT(p->prio_seen == w->prio_seen, "%s: prio_seen %d", w->what,
			       p->prio_seen);
			EXPECT(!p->prio_seen || p->prio_seen_value == w->seen, "%s: sees %u",
			       w->what, p->prio_seen_value);
			EXPECT(p->kind == HD_PLAN_KEPT || p->why[0], "%s: no reason given",
			       w->what);
		}
		if (vi2 < n && w->a.group == w->b.group) /* the other instance is left alone */
			EXPECT(v[vi2].kind == HD_PLAN_KEPT && !v[vi2].transition, "%s: VI_2 %s",
			       w->what, hd_plan_vrrp_kind_str(v[vi2].kind));
		free(v);
		hd_config_free(a);
		hd_config_free(b);
		free(ta);
		free(tb);
	}
}

/* ---- checks ---- */

struct crow {
	const char *what;
	const char *a, *b; /* the virtual servers */
	size_t kept, restarted, started, stopped;
	size_t probes_kept, probes_started, probes_stopped;
	const char *changed; /* of the first restarted check, or NULL */
	size_t shared;	     /* checks whose probe an earlier one has */
};

#define RS1	  "real_server 10.0.1.1:80 { tcp_check { connect_timeout = 1 } }\n"
#define RS2	  "real_server 10.0.1.2:80 { tcp_check { connect_timeout = 1 } }\n"
#define VS(body)  "virtual_server 10.0.0.100:80 { lb_kind = nat\n" body "}\n"
#define VS2(body) "virtual_server 10.0.0.100:81 { lb_kind = nat\n" body "}\n"

static const struct crow crows[] = {
    {"unchanged", VS(RS1 RS2), VS(RS1 RS2), 2, 0, 0, 0, 2, 0, 0, NULL, 0},
    {"a timeout changed", VS(RS1 RS2),
     VS("real_server 10.0.1.1:80 { tcp_check { connect_timeout = 2 } }\n" RS2), 1, 1, 0, 0, 1, 1, 1,
     "t=1000000->2000000", 0},
    {"a real server added", VS(RS1), VS(RS1 RS2), 1, 0, 1, 0, 1, 1, 0, NULL, 0},
    {"a real server removed", VS(RS1 RS2), VS(RS1), 1, 0, 0, 1, 1, 0, 1, NULL, 0},
    {"a check more on a real server", VS(RS1),
     VS("real_server 10.0.1.1:80 { tcp_check { connect_timeout = 1 }\n"
	"  tcp_check { connect_timeout = 1  connect_port = 81 } }\n"),
     1, 0, 1, 0, 1, 1, 0, NULL, 0},
    {"the virtual server's delay_loop", VS(RS1 RS2), VS("delay_loop = 3\n" RS1 RS2), 0, 2, 0, 0, 0,
     2, 2, "dl=5000000->3000000", 0},
    {"a second virtual server sharing the probes", VS(RS1 RS2), VS(RS1 RS2) VS2(RS1 RS2), 4, 0, 0,
     0, 2, 0, 0, NULL, 2},
    {"the port of the real server", VS(RS1),
     VS("real_server 10.0.1.1:8080 { tcp_check { connect_timeout = 1 } }\n"), 0, 0, 1, 1, 0, 1, 1,
     NULL, 0},
};

static void test_checks(void)
{
	for (size_t r = 0; r < sizeof(crows) / sizeof(crows[0]); r++) {
		const struct crow *w = &crows[r];
		struct hd_config *a = load(w->a), *b = load(w->b);
		struct hd_plan_checks p;
		size_t shared = 0;
		const char *changed = NULL;

		CHECK(hd_plan_checks(a, b, &p) == 0);
		EXPECT(p.checks_kept == w->kept && p.checks_restarted == w->restarted &&
			   p.checks_started == w->started && p.checks_stopped == w->stopped,
		       "%s: checks %zu kept %zu restarted %zu started %zu stopped", w->what,
		       p.checks_kept, p.checks_restarted, p.checks_started, p.checks_stopped);
		EXPECT(p.probes_kept == w->probes_kept && p.probes_started == w->probes_started &&
			   p.probes_stopped == w->probes_stopped,
		       "%s: probes %zu kept %zu started %zu stopped", w->what, p.probes_kept,
		       p.probes_started, p.probes_stopped);
		for (size_t i = 0; i < p.n; i++) {
			shared += p.v[i].shared;
			if (!changed && p.v[i].kind == HD_PLAN_CHANGED)
				changed = p.v[i].changed;
		}
		EXPECT(shared == w->shared, "%s: %zu shared", w->what, shared);
		EXPECT(!w->changed || (changed && !strcmp(changed, w->changed)), "%s: changed '%s'",
		       w->what, changed ? changed : "(none)");
		hd_plan_checks_free(&p);
		hd_config_free(a);
		hd_config_free(b);
	}
}

static void test_key_diff(void)
{
	static const struct {
		const char *a, *b, *want;
	} rows[] = {
	    {"tcp|1.2.3.4:80|t=1|dl=2", "tcp|1.2.3.4:80|t=1|dl=2", ""},
	    {"tcp|1.2.3.4:80|t=1|dl=2", "tcp|1.2.3.4:80|t=5|dl=2", "t=1->5"},
	    {"tcp|1.2.3.4:80|t=1", "tcp|1.2.3.4:81|t=2", "target=1.2.3.4:80->1.2.3.4:81 t=1->2"},
	    {"http|a|path=2:/a", "http|a|path=3:/ab", "path=2:/a->3:/ab"},
	    {"tcp|a|t=1", "http|a|t=1", "type=tcp->http"},
	};
	char buf[128];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		hd_plan_key_diff(rows[i].a, rows[i].b, buf, sizeof(buf));
		EXPECT(!strcmp(buf, rows[i].want), "'%s' vs '%s': '%s'", rows[i].a, rows[i].b, buf);
	}
	hd_plan_key_diff("tcp|a|t=1", "tcp|a|t=123456789", buf, 8); /* cut, terminated */
	CHECK(strlen(buf) < 8);
}

/* ---- IPVS writes ---- */

static struct ipvs_service svc(const char *addr, const char *sched)
{
	struct ipvs_service s = {.key = {.af = AF_INET, .protocol = 6, .port = 80}};

	inet_pton(AF_INET, addr, &s.key.addr.v4);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static struct ipvs_dest dest(const char *addr, int weight)
{
	struct ipvs_dest d = {
	    .af = AF_INET, .port = 80, .fwd = IP_VS_CONN_F_MASQ, .weight = weight};

	inet_pton(AF_INET, addr, &d.addr.v4);
	return d;
}

static void test_ipvs(void)
{
	struct ipvs_table want, have;
	struct ipvs_ops ops = {0};
	char op[200], f[200];

	ipvs_table_init(&want);
	ipvs_table_init(&have);
	struct ipvs_service s = svc("10.0.0.100", "wlc"), h = svc("10.0.0.100", "rr");
	struct ipvs_service *ws = ipvs_table_add(&want, &s), *hs = ipvs_table_add(&have, &h);
	struct ipvs_dest d1 = dest("10.0.1.1", 50), d2 = dest("10.0.1.2", 100),
			 d3 = dest("10.0.1.3", 1), h1 = dest("10.0.1.1", 100),
			 h3 = dest("10.0.1.3", 1);
	ipvs_service_add_dest(ws, &d1);
	ipvs_service_add_dest(ws, &d2);
	ipvs_service_add_dest(hs, &h1);
	ipvs_service_add_dest(hs, &h3);
	(void)d3;
	struct ipvs_service s2 = svc("10.0.0.200", "sh");
	s2.flags = IP_VS_SVC_F_PERSISTENT;
	s2.timeout = 300;
	s2.netmask = 24;
	ipvs_table_add(&want, &s2);
	ipvs_table_sort(&want);
	ipvs_table_sort(&have);
	CHECK(ipvs_diff(&want, &have, NULL, &ops, NULL) == 0);
	static const char *const expect[][2] = {
	    {"edit-service TCP 10.0.0.100:80", "scheduler=rr->wlc"},
	    {"del-dest TCP 10.0.0.100:80 -> 10.0.1.3:80", ""},
	    {"edit-dest TCP 10.0.0.100:80 -> 10.0.1.1:80", "weight=100->50"},
	    {"add-dest TCP 10.0.0.100:80 -> 10.0.1.2:80",
	     "forward=nat weight=100 uthreshold=0 lthreshold=0"},
	    {"add-service TCP 10.0.0.200:80",
	     "scheduler=sh flags=0x1 persistence_timeout=300 persistence_granularity=24"},
	};
	EXPECT(ops.n == 5, "%zu writes", ops.n);
	for (size_t i = 0; i < ops.n && i < 5; i++) {
		hd_plan_op_str(&ops.v[i], op, sizeof(op));
		hd_plan_op_fields(&ops.v[i], &have, f, sizeof(f));
		EXPECT(!strcmp(op, expect[i][0]) && !strcmp(f, expect[i][1]),
		       "write %zu: '%s' '%s'", i, op, f);
	}
	hd_plan_op_fields(&ops.v[0], &have, f, 10); /* cut, terminated */
	CHECK(strlen(f) < 10);
	ipvs_ops_free(&ops);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

/* The renderings say what the decisions say. */
static void test_render(void)
{
	struct vi1 a = {0}, b = {.prio = 90};
	char *ta = vrrp_conf(&a), *tb = vrrp_conf(&b);
	struct hd_config *oc = load(ta), *nc = load(tb);
	enum hd_plan_role roles[2] = {HD_PLAN_ROLE_MASTER, HD_PLAN_ROLE_BACKUP};
	struct hd_plan p = {.path = "/x.conf", .oldc = oc, .newc = nc};
	char *out = NULL;
	size_t len = 0;

	CHECK(hd_plan_vrrp(oc, roles, nc, &p.vrrp, &p.n_vrrp) == 0);
	CHECK(hd_plan_checks(oc, nc, &p.checks) == 0);
	FILE *f = open_memstream(&out, &len);
	hd_plan_text(f, &p);
	fclose(f);
	EXPECT(strstr(out, "  changed VI_1 (master): priority (priority 150 -> 90)\n"), "%s", out);
	EXPECT(strstr(out, "transition: possible; the peer sees: a change (priority 90)"), "%s",
	       out);
	EXPECT(strstr(out, "vrrp: 0 added, 0 removed, 1 changed, 0 replaced, 1 unchanged"), "%s",
	       out);
	EXPECT(strstr(out, "ipvs: kernel IPVS not available: no writes"), "%s", out);
	free(out);
	f = open_memstream(&out, &len);
	hd_plan_json(f, &p);
	fclose(f);
	EXPECT(strstr(out,
		      "{\"name\":\"VI_1\",\"action\":\"changed\",\"role\":\"master\",\"fields\":"
		      "[\"priority\"],\"priority\":{\"old\":150,\"new\":90},\"transition\":"
		      "true,\"peer_sees\":true,\"priority_seen\":90,"),
	       "%s", out);
	free(out);
	free(p.vrrp);
	hd_plan_checks_free(&p.checks);
	hd_config_free(oc);
	hd_config_free(nc);
	free(ta);
	free(tb);
}

static void test_args(void)
{
	char argv[4][128] = {"--json", "--file", "/etc/x.conf"};
	bool json;
	const char *path;

	CHECK(!hd_plan_args((const char(*)[128])argv, 3, &json, &path) && json &&
	      !strcmp(path, "/etc/x.conf"));
	CHECK(!hd_plan_args((const char(*)[128])argv, 0, &json, &path) && !json && !path);
	CHECK(hd_plan_args((const char(*)[128])argv + 1, 1, &json, &path) != NULL); /* no path */
	strcpy(argv[2], "x.conf");
	CHECK(hd_plan_args((const char(*)[128])argv, 3, &json, &path) != NULL); /* relative */
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_vrrp();
	test_checks();
	test_key_diff();
	test_ipvs();
	test_render();
	test_args();
	char path[64];
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	unlink(path);
	rmdir(dir);
	return failures != 0;
}
