/* Checks across objects of the converted config, and the safety of the
 * programs it will run. No libconfuse here: works on struct hd_config. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"

static void check_vrids(struct cctx *c, const struct hd_config *cfg)
{
	for (size_t i = 0; i < cfg->n_instances; i++) {
		const struct hd_vrrp_instance_config *a = &cfg->instances[i];
		for (size_t j = 0; j < i; j++) {
			const struct hd_vrrp_instance_config *b = &cfg->instances[j];
			if (a->vrid && a->vrid == b->vrid && a->family == b->family &&
			    strcmp(a->interface, b->interface) == 0)
				cerr(c, a->line,
				     "vrrp_instance %s: virtual_router_id %u is already used on %s "
				     "by vrrp_instance %s (line %d)",
				     a->name, a->vrid, a->interface, b->name, b->line);
		}
	}
}

static bool same_service(const struct hd_virtual_server_config *a,
			 const struct hd_virtual_server_config *b)
{
	if (a->is_fwmark || b->is_fwmark)
		return a->is_fwmark && b->is_fwmark && a->fwmark == b->fwmark &&
		       a->family == b->family;
	return a->protocol == b->protocol && a->ep.port == b->ep.port &&
	       hd_addr_cmp(&a->ep.addr, &b->ep.addr) == 0;
}

static void check_services(struct cctx *c, const struct hd_config *cfg)
{
	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *a = &cfg->virtual_servers[i];
		if (!a->family)
			continue; /* its title did not parse: already reported */
		for (size_t j = 0; j < i; j++)
			if (same_service(a, &cfg->virtual_servers[j]))
				cerr(c, a->line,
				     "virtual_server: the same service is defined on "
				     "line %d",
				     cfg->virtual_servers[j].line);
	}
}

void validate_config(struct cctx *c, const struct hd_config *cfg)
{
	check_vrids(c, cfg);
	check_services(c, cfg);
}

/* ---- scripts ---- */

static int check_program(struct hd_diag *d, const char *file, int line, const char *cmd)
{
	char prog[PATH_MAX], dir[PATH_MAX];
	size_t len;
	struct stat st;
	char *slash;

	cmd += strspn(cmd, " \t");
	len = strcspn(cmd, " \t");
	if (len == 0 || len >= sizeof(prog)) {
		hd_diag_add(d, file, line, "script: empty or too long command");
		return 1;
	}
	memcpy(prog, cmd, len);
	prog[len] = '\0';
	if (prog[0] != '/') {
		hd_diag_add(d, file, line, "script %s: must be an absolute path", prog);
		return 1;
	}
	if (stat(prog, &st) < 0) {
		hd_diag_add(d, file, line, "script %s: %s", prog, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		hd_diag_add(d, file, line, "script %s: not an executable file", prog);
		return 1;
	}
	/* Whoever can change the program runs code as the daemon. */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		hd_diag_add(d, file, line, "script %s: owned by uid %u, must be owned by root",
			    prog, (unsigned)st.st_uid);
		return 1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		hd_diag_add(d, file, line, "script %s: writable by group or others", prog);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", prog);
	slash = strrchr(dir, '/');
	*(slash == dir ? slash + 1 : slash) = '\0';
	if (stat(dir, &st) == 0 && (st.st_mode & S_IWOTH)) {
		hd_diag_add(d, file, line, "script %s: its directory %s is world-writable", prog,
			    dir);
		return 1;
	}
	return 0;
}

static int check_opt(struct hd_diag *d, const char *file, int line, const char *cmd)
{
	return cmd ? check_program(d, file, line, cmd) : 0;
}

static int check_lvs_scripts(const struct hd_config *cfg, struct hd_diag *d)
{
	const char *f = cfg->path;
	int n = 0;

	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];
		n += check_opt(d, f, vs->line, vs->quorum_up);
		n += check_opt(d, f, vs->line, vs->quorum_down);
		for (size_t j = 0; j < vs->n_real_servers; j++) {
			const struct hd_real_server_config *rs = &vs->real_servers[j];
			n += check_opt(d, f, rs->line, rs->notify_up);
			n += check_opt(d, f, rs->line, rs->notify_down);
			for (size_t k = 0; k < rs->n_checks; k++)
				n += check_opt(d, f, rs->checks[k].line, rs->checks[k].script);
		}
	}
	return n;
}

int hd_config_check_scripts(const struct hd_config *cfg, struct hd_diag *d)
{
	const char *f = cfg->path;
	int n = 0;

	if (cfg->global.script_user[0] && !getpwnam(cfg->global.script_user)) {
		hd_diag_add(d, f, cfg->global.line, "script_user: no user named '%s'",
			    cfg->global.script_user);
		n++;
	}
	for (size_t i = 0; i < cfg->n_scripts; i++)
		n += check_opt(d, f, cfg->scripts[i].line, cfg->scripts[i].script);
	for (size_t i = 0; i < cfg->n_instances; i++) {
		const struct hd_vrrp_instance_config *in = &cfg->instances[i];
		n += check_opt(d, f, in->line, in->notify_master);
		n += check_opt(d, f, in->line, in->notify_backup);
		n += check_opt(d, f, in->line, in->notify_fault);
		n += check_opt(d, f, in->line, in->notify_stop);
		n += check_opt(d, f, in->line, in->notify);
	}
	for (size_t i = 0; i < cfg->n_sync_groups; i++) {
		const struct hd_sync_group_config *g = &cfg->sync_groups[i];
		n += check_opt(d, f, g->line, g->notify_master);
		n += check_opt(d, f, g->line, g->notify_backup);
		n += check_opt(d, f, g->line, g->notify_fault);
		n += check_opt(d, f, g->line, g->notify);
	}
	return n + check_lvs_scripts(cfg, d);
}
