/* set_sysctls in announce mode (ipvs/ipvs_sysctl.c): sloppy_tcp and
 * sloppy_sctp are set to 1 when a virtual server is in announce mode (a
 * director that did not see a flow's SYN takes it over), and left alone
 * otherwise; without set_sysctls they are reported. Run on a scratch
 * tree shaped like /proc/sys. Also the re-add's hold of expire_nodest_conn
 * (ipvs_nodest_hold). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipvs/ipvs_sysctl.h"
#include "unit.h"

static char root[64];

static void put(const char *name, int v)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/net/ipv4/vs/%s", root, name);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fprintf(f, "%d\n", v);
		fclose(f);
	}
}

static int get(const char *name)
{
	char p[256];
	int v = -1;
	snprintf(p, sizeof(p), "%s/net/ipv4/vs/%s", root, name);
	FILE *f = fopen(p, "r");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void reset(void)
{
	put("sloppy_tcp", 0);
	put("sloppy_sctp", 0);
	put("expire_nodest_conn", 1);
	put("expire_quiescent_template", 1);
}

int main(void)
{
	char p[256];
	struct hd_real_server_config rs = {.weight = 1};
	struct hd_virtual_server_config vs = {.real_servers = &rs, .n_real_servers = 1};
	struct hd_config cfg = {.virtual_servers = &vs, .n_virtual_servers = 1};
	struct ipvs_sysctl_report r;

	snprintf(root, sizeof(root), "/tmp/test_announce_sysctl.XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	snprintf(p, sizeof(p), "%s/net", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/net/ipv4", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/net/ipv4/vs", root);
	CHECK(mkdir(p, 0755) == 0);
	rs.ep.addr.family = AF_INET;
	vs.lb_kind = HD_LB_NAT; /* no send_redirects walk over a missing conf dir */

	/* vrrp mode: sloppy left as it is */
	reset();
	ipvs_sysctl_check(&cfg, root, true, &r);
	EXPECT(get("sloppy_tcp") == 0 && get("sloppy_sctp") == 0, "vrrp mode touched sloppy_*");

	/* announce mode, set_sysctls: both set */
	vs.mode = HD_VS_MODE_ANNOUNCE;
	reset();
	ipvs_sysctl_check(&cfg, root, true, &r);
	EXPECT(get("sloppy_tcp") == 1, "sloppy_tcp %d", get("sloppy_tcp"));
	EXPECT(get("sloppy_sctp") == 1, "sloppy_sctp %d", get("sloppy_sctp"));
	EXPECT(r.n_fixed >= 2, "n_fixed %u", r.n_fixed);

	/* announce mode, no set_sysctls: reported, not written */
	reset();
	ipvs_sysctl_check(&cfg, root, false, &r);
	EXPECT(get("sloppy_tcp") == 0, "written without set_sysctls");
	bool named = false;
	for (unsigned i = 0; i < r.n_lines; i++)
		named = named || strstr(r.lines[i], "sloppy_tcp");
	EXPECT(named && r.n_problems >= 2, "problems %u", r.n_problems);

	/* a re-add's hold: 1 is held at 0 and put back, counted per pair */
	struct ipvs_nodest_hold h = {0};
	put("expire_nodest_conn", 1);
	ipvs_nodest_hold(&h, root);
	EXPECT(get("expire_nodest_conn") == 0 && h.held, "held: %d", get("expire_nodest_conn"));
	ipvs_nodest_hold(&h, root); /* a second delete before the add: one hold */
	EXPECT(h.holds == 1, "holds %llu", (unsigned long long)h.holds);
	ipvs_nodest_release(&h, root);
	EXPECT(get("expire_nodest_conn") == 1 && !h.held, "released: %d",
	       get("expire_nodest_conn"));
	ipvs_nodest_release(&h, root); /* nothing held: the user's value stays */
	put("expire_nodest_conn", 0);
	ipvs_nodest_release(&h, root);
	EXPECT(get("expire_nodest_conn") == 0, "a release without a hold wrote 1");
	/* a user's 0 is neither held nor put back to 1 */
	ipvs_nodest_hold(&h, root);
	ipvs_nodest_release(&h, root);
	EXPECT(get("expire_nodest_conn") == 0 && h.holds == 1 && !h.errors,
	       "user's 0: value %d holds %llu", get("expire_nodest_conn"),
	       (unsigned long long)h.holds);
	/* no ip_vs loaded (no knob): nothing held, no error */
	snprintf(p, sizeof(p), "%s/net/ipv4/vs/expire_nodest_conn", root);
	unlink(p);
	ipvs_nodest_hold(&h, root);
	EXPECT(!h.held && h.holds == 1 && !h.errors, "missing knob: held %d errors %llu", h.held,
	       (unsigned long long)h.errors);
	/* a knob that reads 1 and cannot be written, even by root (a read-only
	 * /proc/sys): /proc/1/stat begins with "1 (": counted, not held */
	CHECK(symlink("/proc/1/stat", p) == 0);
	ipvs_nodest_hold(&h, root);
	EXPECT(!h.held && h.holds == 1 && h.errors == 1, "read-only knob: held %d errors %llu",
	       h.held, (unsigned long long)h.errors);

	/* cleanup */
	const char *names[] = {"sloppy_tcp", "sloppy_sctp", "expire_nodest_conn",
			       "expire_quiescent_template"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/net/ipv4/vs/%s", root, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/net/ipv4/vs", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/net/ipv4", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/net", root);
	rmdir(p);
	rmdir(root);
	return failures != 0;
}
