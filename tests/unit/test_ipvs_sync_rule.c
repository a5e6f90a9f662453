/* lvs_sync_daemon's decisions (ipvs/ipvs_sync_rule.c) as tables: which
 * sync daemons a director runs for each mode and VRRP role, and the steps
 * (stop, then start) from every running set to every wanted one, with and
 * without a change of the parameters. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ipvs/ipvs_sync_rule.h"
#include "unit.h"

enum { M = IPVS_SYNC_MASTER, B = IPVS_SYNC_BACKUP, A = IPVS_SYNC_ALL };

static void test_want(void)
{
	static const struct {
		bool enabled;
		enum hd_lvs_sync_mode mode;
		bool vrrp_master;
		int want;
	} t[] = {
	    {false, HD_LVS_SYNC_VRRP, false, 0}, /* no lvs_sync_daemon section */
	    {false, HD_LVS_SYNC_VRRP, true, 0},	 {false, HD_LVS_SYNC_BOTH, true, 0},
	    {true, HD_LVS_SYNC_VRRP, false, B}, /* keepalived's pair: backup... */
	    {true, HD_LVS_SYNC_VRRP, true, M},	/* ...and master */
	    {true, HD_LVS_SYNC_BOTH, false, A}, /* announce mode: both, any role */
	    {true, HD_LVS_SYNC_BOTH, true, A},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hd_lvs_sync_config ls = {.enabled = t[i].enabled, .mode = t[i].mode};
		EXPECT(ipvs_sync_want(&ls, t[i].vrrp_master) == t[i].want, "row %zu", i);
	}
}

static void test_plan(void)
{
	static const struct {
		int have, want;
		bool same;
		int stop, start;
	} t[] = {
	    {0, 0, true, 0, 0},
	    {0, M, true, 0, M},
	    {0, A, true, 0, A}, /* mode both at start: both daemons */
	    {0, A, false, 0, A},
	    {M, M, true, 0, 0},
	    {A, A, true, 0, 0}, /* steady: nothing */
	    {M, B, true, M, B}, /* VRRP master -> backup */
	    {B, M, true, B, M},
	    {B, A, true, 0, M}, /* reload to mode both: the backup stays */
	    {M, A, true, 0, B},
	    {A, B, true, M, 0}, /* reload back to mode vrrp, as backup */
	    {A, M, true, B, 0},
	    {A, 0, true, A, 0}, /* section removed */
	    {M, 0, false, M, 0},
	    {M, M, false, M, M}, /* new syncid, group...: restart */
	    {A, A, false, A, A},
	    {B, A, false, B, A},
	    {A, M, false, A, M},
	    {B, 0, true, B, 0},
	    /* only these bits are the kernel's daemons */
	    {A | 4, A | 8, true, 0, 0},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ipvs_sync_steps s = ipvs_sync_plan(t[i].have, t[i].want, t[i].same);
		EXPECT(s.stop == t[i].stop, "row %zu: stop %d, want %d", i, s.stop, t[i].stop);
		EXPECT(s.start == t[i].start, "row %zu: start %d, want %d", i, s.start, t[i].start);
		/* after the steps exactly WANT runs, and nothing runs twice */
		int after = ((t[i].have & A) & ~s.stop) | s.start;
		EXPECT(after == (t[i].want & A), "row %zu: %d after the steps", i, after);
		EXPECT(!(s.start & (t[i].have & A) & ~s.stop), "row %zu: a start of one running",
		       i);
	}
}

/* A daemon found running is kept only when it is the one we would start. */
static void test_adoptable(void)
{
	struct hd_lvs_sync_config def = {.enabled = true, .syncid = 23}, run;
	snprintf(def.interface, sizeof(def.interface), "eth0");
	/* what the kernel reports for a daemon started with DEF: its defaults */
	struct hd_lvs_sync_config kdef = def;
	kdef.maxlen = 1472, kdef.port = 8848, kdef.ttl = 1;
	kdef.group.family = AF_INET, kdef.group.u.v4.s_addr = htonl(0xe0000051);
	struct hd_lvs_sync_config set = def; /* every parameter set */
	set.maxlen = 1400, set.port = 9000, set.ttl = 3;
	set.group.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1:5", &set.group.u.v6);
	struct hd_lvs_sync_config kset = set;

	CHECK(ipvs_sync_adoptable(&def, &kdef));
	CHECK(ipvs_sync_adoptable(&set, &kset));
	CHECK(!ipvs_sync_adoptable(&def, &kset)); /* other group, port, ttl */
	CHECK(!ipvs_sync_adoptable(&set, &kdef));
	run = kdef, run.enabled = false; /* not running */
	CHECK(!ipvs_sync_adoptable(&def, &run));
	run = kdef, run.syncid = 24;
	CHECK(!ipvs_sync_adoptable(&def, &run));
	run = kdef;
	snprintf(run.interface, sizeof(run.interface), "eth1");
	CHECK(!ipvs_sync_adoptable(&def, &run));
	run = kdef, run.maxlen = 9000; /* maxlen unset: the MTU's, any */
	CHECK(ipvs_sync_adoptable(&def, &run));
	run = kset, run.maxlen = 1472;
	CHECK(!ipvs_sync_adoptable(&set, &run));
	run = kdef, run.port = 8849;
	CHECK(!ipvs_sync_adoptable(&def, &run));
	run = kdef, run.ttl = 2;
	CHECK(!ipvs_sync_adoptable(&def, &run));
	run = kdef, run.group.u.v4.s_addr = htonl(0xe0000052);
	CHECK(!ipvs_sync_adoptable(&def, &run));
	/* a kernel before 4.3 reports no port, ttl, group: not known to match */
	run = kdef, run.port = 0, run.ttl = 0, run.group.family = 0;
	CHECK(!ipvs_sync_adoptable(&def, &run));
	run = kset;
	inet_pton(AF_INET6, "ff02::1:6", &run.group.u.v6);
	CHECK(!ipvs_sync_adoptable(&set, &run));
	struct hd_lvs_sync_config v4 = def; /* an IPv4 group set */
	v4.group.family = AF_INET, v4.group.u.v4.s_addr = htonl(0xe0000051);
	CHECK(ipvs_sync_adoptable(&v4, &kdef));
}

static void test_str(void)
{
	CHECK(!strcmp(ipvs_sync_mask_str(0), "none"));
	CHECK(!strcmp(ipvs_sync_mask_str(M), "master"));
	CHECK(!strcmp(ipvs_sync_mask_str(B), "backup"));
	CHECK(!strcmp(ipvs_sync_mask_str(A), "master+backup"));
}

int main(void)
{
	test_want();
	test_plan();
	test_adoptable();
	test_str();
	return failures != 0;
}
