/* announce_policy.h: when a VIP is announced (every input combination
 * that matters, as a table, with the reason shown), which addresses an
 * announce-mode configuration has, the per-VIP quorum over several
 * services, and which schedulers cost connections in this mode. */
#include <string.h>

#include "announce/announce_policy.h"
#include "unit.h"

static void test_decide(void)
{
	/* stopping, device_up, drained, links_up, checks_ready, quorum,
	 * checks_settling */
	static const struct {
		struct announce_inputs in;
		enum announce_reason want;
	} t[] = {
	    {{false, true, false, true, true, true, false}, ANNOUNCE_OK},
	    {{true, true, false, true, true, true, false}, ANNOUNCE_STOPPING},
	    {{false, false, false, true, true, true, false}, ANNOUNCE_NO_DEVICE},
	    {{false, true, true, true, true, true, false}, ANNOUNCE_DRAINED},
	    {{false, true, false, false, true, true, false}, ANNOUNCE_LINK_DOWN},
	    {{false, true, false, true, false, true, false}, ANNOUNCE_CHECKS_PENDING},
	    {{false, true, false, true, true, false, false}, ANNOUNCE_NO_QUORUM},
	    /* several causes: the most lasting is the one shown */
	    {{true, false, true, false, false, false, false}, ANNOUNCE_STOPPING},
	    {{false, false, true, false, false, false, false}, ANNOUNCE_NO_DEVICE},
	    {{false, true, true, false, true, false, false}, ANNOUNCE_DRAINED},
	    {{false, true, false, false, true, false, false}, ANNOUNCE_LINK_DOWN},
	    {{false, true, false, true, false, false, false}, ANNOUNCE_CHECKS_PENDING},
	    /* back from a link down or a quorum loss: held until the checks
	     * have settled again (the other directors' table) */
	    {{false, true, false, true, true, true, true}, ANNOUNCE_CHECKS_SETTLING},
	    {{false, true, false, true, true, false, true}, ANNOUNCE_NO_QUORUM},
	    {{false, true, false, false, true, true, true}, ANNOUNCE_LINK_DOWN},
	    {{false, true, true, true, true, true, true}, ANNOUNCE_DRAINED},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum announce_reason r = announce_decide(&t[i].in);
		EXPECT(r == t[i].want, "row %zu: %s, want %s", i, announce_reason_str(r),
		       announce_reason_str(t[i].want));
	}
	/* every one of the 128 combinations: announced iff all hold */
	for (unsigned m = 0; m < 128; m++) {
		struct announce_inputs in = {m & 1, m & 2, m & 4, m & 8, m & 16, m & 32, m & 64};
		bool all = !in.stopping && in.device_up && !in.drained && in.links_up &&
			   in.checks_ready && in.quorum && !in.checks_settling;
		EXPECT((announce_decide(&in) == ANNOUNCE_OK) == all, "mask %u", m);
	}
	CHECK(!strcmp(announce_reason_str(ANNOUNCE_OK), "announced"));
	CHECK(!strcmp(announce_reason_str(ANNOUNCE_NO_QUORUM), "no quorum"));
	CHECK(!strcmp(announce_reason_str(ANNOUNCE_CHECKS_SETTLING), "checks settling"));
	CHECK(!strcmp(announce_reason_str(ANNOUNCE_REMOVED), "removed"));
	CHECK(!strcmp(announce_reason_str((enum announce_reason)99), "?"));
}

/* VS0 10.0.0.1:80 announce, VS1 10.0.0.1:443 announce, VS2 10.0.0.2:80
 * vrrp, VS3 group {10.0.0.3:80, fwmark:7, 10.0.0.1:8080} announce, VS4
 * 2001:db8::1:80 announce, VS5 fwmark:9 vrrp */
static struct hd_vs_member members[3];
static struct hd_virtual_server_config vss[6];
static struct hd_config cfg = {.virtual_servers = vss, .n_virtual_servers = 6};

static void ep(struct hd_endpoint *e, const char *s)
{
	CHECK(hd_endpoint_parse(s, e) == 0);
}

static void setup(void)
{
	ep(&vss[0].ep, "10.0.0.1:80");
	ep(&vss[1].ep, "10.0.0.1:443");
	ep(&vss[2].ep, "10.0.0.2:80");
	ep(&members[0].ep, "10.0.0.3:80");
	members[1].is_fwmark = true;
	members[1].fwmark = 7;
	ep(&members[2].ep, "10.0.0.1:8080");
	vss[3].members = members;
	vss[3].n_members = 3;
	vss[3].ep = members[0].ep;
	ep(&vss[4].ep, "[2001:db8::1]:80");
	vss[5].is_fwmark = true;
	vss[5].fwmark = 9;
	for (size_t i = 0; i < 6; i++)
		vss[i].mode = (i == 2 || i == 5) ? HD_VS_MODE_VRRP : HD_VS_MODE_ANNOUNCE;
}

static struct hd_addr addr(const char *s)
{
	struct hd_addr a;
	CHECK(hd_addr_parse(s, &a) == 0);
	return a;
}

static void test_vips(void)
{
	struct hd_addr out[16];
	size_t max = announce_vips_max(&cfg), n;
	struct hd_addr a1 = addr("10.0.0.1"), a3 = addr("10.0.0.3"), a6 = addr("2001:db8::1");

	EXPECT(max == 6, "max %zu", max); /* 1 + 1 + 3 + 1 */
	n = announce_vips(&cfg, out);
	EXPECT(n == 3, "%zu distinct announce addresses", n);
	CHECK(n >= 3 && !hd_addr_cmp(&out[0], &a1) && !hd_addr_cmp(&out[1], &a3) &&
	      !hd_addr_cmp(&out[2], &a6));
	/* the vrrp-mode 10.0.0.2 is not announced */
	CHECK(announce_vs_has_addr(&vss[3], &a1));
	CHECK(!announce_vs_has_addr(&vss[0], &a3));
	struct hd_addr a2 = addr("10.0.0.2");
	CHECK(!announce_vs_has_addr(&vss[5], &a2));
	/* none in announce mode: nothing */
	struct hd_config none = {.virtual_servers = &vss[2], .n_virtual_servers = 1};
	CHECK(announce_vips_max(&none) == 0 && announce_vips(&none, out) == 0);
}

static void test_quorum(void)
{
	struct hd_addr a1 = addr("10.0.0.1"), a2 = addr("10.0.0.2"), a3 = addr("10.0.0.3");
	static const struct {
		bool lost[6];
		bool q1, q3;
	} t[] = {
	    {{0, 0, 0, 0, 0, 0}, true, true},
	    /* 10.0.0.1:443 without quorum: the whole VIP goes */
	    {{0, 1, 0, 0, 0, 0}, false, true},
	    /* the group serves 10.0.0.1 too (its member :8080) and 10.0.0.3 */
	    {{0, 0, 0, 1, 0, 0}, false, false},
	    /* a vrrp-mode service's quorum never counts */
	    {{0, 0, 1, 0, 0, 1}, true, true},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		EXPECT(announce_vip_quorum(&cfg, &a1, t[i].lost) == t[i].q1, "row %zu 10.0.0.1", i);
		EXPECT(announce_vip_quorum(&cfg, &a3, t[i].lost) == t[i].q3, "row %zu 10.0.0.3", i);
		/* served by no announce-mode service: never quorum */
		EXPECT(!announce_vip_quorum(&cfg, &a2, t[i].lost), "row %zu 10.0.0.2", i);
	}
}

static void test_sched(void)
{
	enum { N = ANNOUNCE_SYNC_NONE, V = ANNOUNCE_SYNC_VRRP, B = ANNOUNCE_SYNC_BOTH };
	static const struct {
		const char *algo;
		int sync;
		bool cost;
		const char *says;
	} t[] = {
	    {"mh", N, false, NULL},
	    {"mh", V, false, NULL},
	    {"mh", B, false, NULL},
	    {"sh", N, true, "same real servers up"},
	    {"sh", N, true, "lvs_sync_daemon with mode = both"},
	    {"sh", B, false, NULL},
	    {"rr", N, true, "rr"},
	    {"wlc", N, true, "connection is broken"},
	    {"wlc", N, true, "or lvs_sync_daemon with mode = both"},
	    {"", N, true, "lb_algo wlc"},
	    {"lc", N, true, "use lb_algo = mh"},
	    /* sync that follows a VRRP instance: only its master sends */
	    {"wlc", V, true, "only that instance's master sends"},
	    {"sh", V, true, "mode = both makes every director send"},
	    /* every director sends and learns: a moved flow keeps its entry */
	    {"wlc", B, false, NULL},
	    {"rr", B, false, NULL},
	    {"", B, false, NULL},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char msg[768] = "";
		bool c =
		    announce_sched_cost(t[i].algo, (enum announce_sync)t[i].sync, msg, sizeof(msg));
		EXPECT(c == t[i].cost, "%s sync %d", t[i].algo, t[i].sync);
		EXPECT(!t[i].says || strstr(msg, t[i].says), "%s: '%s'", t[i].algo, msg);
		EXPECT(c || !msg[0], "%s sync %d: no cost, no text", t[i].algo, t[i].sync);
	}
}

int main(void)
{
	setup();
	test_decide();
	test_vips();
	test_quorum();
	test_sched();
	return failures != 0;
}
