/* Director sysctls the configured forwarding modes need: NAT makes the
 * director the real servers' gateway (forwarding on); DR must not send
 * ICMP redirects (the real servers share the segment, a redirect would
 * send clients around the director). With any virtual server, IPVS itself
 * must let go of connections to a real server the checks removed: with
 * expire_nodest_conn = 0 the kernel drops every packet of such a
 * connection (a client reusing its source port hangs until the entry times
 * out) instead of scheduling it anew, and with expire_quiescent_template =
 * 0 persistent clients stick to a weight-0 (drained, inhibited) server.
 * The net/ipv4/vs knobs exist only once ip_vs is loaded; they are skipped
 * until then. Checked at start, when the IPVS socket opens and on reload,
 * fixed when global.set_sysctls is set. Per network namespace, like IPVS. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs_sysctl.h"
#include "log.h"

static int read_int(const char *path, int *out)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int ok = fscanf(f, "%d", out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static int write_int(const char *path, int v)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -errno;
	int ok = fprintf(f, "%d\n", v) > 0;
	int closed = fclose(f) == 0; /* the write happens here for /proc */
	return ok && closed ? 0 : -EIO;
}

static void note(struct ipvs_sysctl_report *r, const char *fmt, const char *a, int have, int want,
		 const char *why)
{
	r->n_problems++;
	if (r->n_lines < IPVS_SYSCTL_MAX_LINES)
		snprintf(r->lines[r->n_lines++], sizeof(r->lines[0]), fmt, a, have, want, why);
}

/* Check one sysctl file against WANT; fix it when FIX. */
static void check_one(struct ipvs_sysctl_report *r, const char *root, const char *name, int want,
		      bool fix, const char *why)
{
	char path[512];
	int have;
	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (read_int(path, &have) < 0)
		return; /* no such knob here (no IPv6, interface gone) */
	r->n_checked++;
	if (have == want)
		return;
	if (fix && write_int(path, want) == 0 && read_int(path, &have) == 0 && have == want) {
		r->n_fixed++;
		hd_notice("ipvs: set %s = %d (%s)", name, want, why);
		return;
	}
	note(r, "%s is %d, want %d (%s)", name, have, want, why);
}

/* send_redirects matters per interface: the kernel ORs "all" with it. */
static void check_redirects(struct ipvs_sysctl_report *r, const char *root, bool fix)
{
	const char *dir_path = "net/ipv4/conf";
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, dir_path);
	DIR *dir = opendir(path);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo"))
			continue;
		char name[320];
		snprintf(name, sizeof(name), "%s/%s/send_redirects", dir_path, e->d_name);
		check_one(r, root, name, 0, fix, "DR: no ICMP redirects from the director");
	}
	closedir(dir);
}

/* ECMP: the router may move a flow to another director mid-connection
 * (one leaves or joins); that director never saw its SYN and, without
 * sloppy_tcp, drops it. With a consistent scheduler (mh) it schedules the
 * flow to the same real server and the connection lives on. */
static bool announce_mode(const struct hd_config *cfg)
{
	for (size_t i = 0; cfg && i < cfg->n_virtual_servers; i++)
		if (cfg->virtual_servers[i].mode == HD_VS_MODE_ANNOUNCE)
			return true;
	return false;
}

void ipvs_sysctl_check(const struct hd_config *cfg, const char *root, bool fix,
		       struct ipvs_sysctl_report *r)
{
	bool nat4 = false, nat6 = false, dr = false;
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; cfg && i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];
		for (size_t j = 0; j < vs->n_real_servers; j++) {
			const struct hd_real_server_config *rs = &vs->real_servers[j];
			enum hd_lb_kind k = rs->has_lb_kind ? rs->lb_kind : vs->lb_kind;
			if (k == HD_LB_NAT && rs->ep.addr.family == AF_INET6)
				nat6 = true;
			else if (k == HD_LB_NAT)
				nat4 = true;
			else if (k == HD_LB_DR)
				dr = true;
		}
	}
	r->nat = nat4 || nat6;
	r->dr = dr;
	if (nat4)
		check_one(r, root, "net/ipv4/ip_forward", 1, fix,
			  "NAT: the director routes the real servers' replies");
	if (nat6)
		check_one(r, root, "net/ipv6/conf/all/forwarding", 1, fix,
			  "NAT: the director routes the real servers' replies");
	if (dr)
		check_redirects(r, root, fix);
	if (cfg && cfg->n_virtual_servers) {
		check_one(r, root, "net/ipv4/vs/expire_nodest_conn", 1, fix,
			  "connections of a removed real server are rescheduled, not dropped");
		check_one(r, root, "net/ipv4/vs/expire_quiescent_template", 1, fix,
			  "persistent clients leave a weight-0 real server");
	}
	if (announce_mode(cfg)) {
		check_one(r, root, "net/ipv4/vs/sloppy_tcp", 1, fix,
			  "announce: a director that did not see the SYN takes the flow over");
		check_one(r, root, "net/ipv4/vs/sloppy_sctp", 1, fix,
			  "announce: a director that did not see the INIT takes the flow over");
	}
	for (unsigned i = 0; i < r->n_lines; i++)
		hd_warn("ipvs: sysctl %s%s", r->lines[i],
			fix ? " and could not be fixed" : "; set it, or global.set_sysctls = true");
}

#define NODEST "net/ipv4/vs/expire_nodest_conn"

void ipvs_nodest_hold(struct ipvs_nodest_hold *h, const char *root)
{
	char path[512];
	int have;
	if (h->held)
		return;
	snprintf(path, sizeof(path), "%s/" NODEST, root);
	if (read_int(path, &have) < 0 || have != 1)
		return; /* no ip_vs, or already dropping: nothing to hold */
	int r = write_int(path, 0);
	if (r < 0) {
		h->errors++;
		hd_debug("ipvs: could not hold %s at 0 for a re-add: %s", NODEST, strerror(-r));
		return;
	}
	h->held = true;
	h->holds++;
}

void ipvs_nodest_release(struct ipvs_nodest_hold *h, const char *root)
{
	char path[512];
	if (!h->held)
		return;
	h->held = false;
	snprintf(path, sizeof(path), "%s/" NODEST, root);
	int r = write_int(path, 1);
	if (r < 0) {
		h->errors++;
		hd_warn("ipvs: could not put %s back to 1 after a re-add: %s", NODEST,
			strerror(-r));
	}
}
