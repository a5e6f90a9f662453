/* Announce mode (ECMP, announce/): the announce section and every virtual
 * server's `mode = vrrp | announce` (hd_config.h). The section is optional:
 * `mode = announce` alone takes its default (device hdannounce; the FRR
 * side is in docs/ecmp.md).
 * A scheduler that is not consistent is valid but costly in this mode
 * unless the directors sync their connections (lvs_sync_daemon, mode =
 * both; parsed before this): a warning (cfg->warnings), not an error. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "announce/announce_policy.h"
#include "config_int.h"

#define DEFAULT_DEVICE "hdannounce"
/* BGP withdrawal reaches the router in 0.1-0.2 s (docs/ecmp.md); the rest is
 * room for a loaded router and its FIB */
#define DEFAULT_STOP_DELAY_USEC 2000000

static void warn(struct cctx *c, struct hd_config *cfg, int line, const char *msg)
{
	hd_diag_add(&cfg->warnings, c->file, line, "warning: %s", msg);
}

static void conv_section(struct cctx *c, cfg_t *sec, struct hd_announce_config *a)
{
	unsigned n = cnum(sec, "interface");

	a->line = sec_line(sec);
	get_ifname(c, sec, "device", a->device);
	get_dur(c, sec, "stop_delay", 0, 60, &a->stop_delay_usec);
	if (n > HD_ANNOUNCE_MAX_IF) {
		cerr(c, cget(sec, "interface", HD_ANNOUNCE_MAX_IF)->line,
		     "interface: at most %d interfaces", HD_ANNOUNCE_MAX_IF);
		n = HD_ANNOUNCE_MAX_IF;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct cval *v = cget(sec, "interface", i);

		if (!valid_ifname(v->s)) {
			cerr(c, v->line, "interface: '%s' is not an interface name", v->s);
			continue;
		}
		snprintf(a->interfaces[a->n_interfaces++], sizeof(a->interfaces[0]), "%s", v->s);
	}
}

static enum announce_sync sync_of(const struct hd_lvs_sync_config *ls)
{
	if (!ls->enabled)
		return ANNOUNCE_SYNC_NONE;
	return ls->mode == HD_LVS_SYNC_BOTH ? ANNOUNCE_SYNC_BOTH : ANNOUNCE_SYNC_VRRP;
}

/* A virtual server in announce mode: its addresses are announced, so it
 * needs some (no fwmark), and its scheduler decides whether the directors
 * pick the same real server for a flow. */
static void check_vs(struct cctx *c, struct hd_config *cfg,
		     const struct hd_virtual_server_config *vs)
{
	char msg[512];
	bool fwmark = vs->is_fwmark;

	for (size_t i = 0; i < vs->n_members; i++)
		fwmark = fwmark || vs->members[i].is_fwmark;
	if (fwmark)
		cerr(c, vs->mode_line,
		     "mode: announce needs addresses to announce (no fwmark service)");
	if (announce_sched_cost(vs->lb_algo, sync_of(&cfg->lvs_sync), msg, sizeof(msg)))
		warn(c, cfg, vs->mode_line, msg);
	if (vs->persistence_timeout && strcmp(vs->lb_algo, "mh") == 0)
		warn(c, cfg, vs->mode_line,
		     "mode announce with persistence_timeout: persistence templates are "
		     "per director, a client moved to another director by the router "
		     "may get another real server for its next connection");
}

void conv_announce(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	static const char *const modes[] = {"vrrp", "announce", NULL};
	unsigned nsec = cnum(root, "announce"), nvs = cnum(root, "virtual_server");
	struct hd_announce_config *a = &cfg->announce;

	snprintf(a->device, sizeof(a->device), "%s", DEFAULT_DEVICE);
	a->stop_delay_usec = DEFAULT_STOP_DELAY_USEC;
	if (nsec > 1)
		cerr(c, sec_line(csec(root, "announce", 1)),
		     "section 'announce' given more than once");
	if (nsec)
		conv_section(c, csec(root, "announce", 0), a);
	for (unsigned i = 0; i < nvs && i < cfg->n_virtual_servers; i++) {
		cfg_t *sec = csec(root, "virtual_server", i);
		struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];
		const struct cval *v = cget(sec, "mode", 0);
		int m = 0;

		if (!v || !get_enum(c, sec, "mode", modes, &m))
			continue;
		vs->mode = (enum hd_vs_mode)m;
		vs->mode_line = v->line;
		if (vs->mode == HD_VS_MODE_ANNOUNCE) {
			a->used = true;
			check_vs(c, cfg, vs);
		}
	}
	if (nsec && !a->used)
		warn(c, cfg, a->line,
		     "announce: no virtual_server has mode = announce; nothing is announced");
}
