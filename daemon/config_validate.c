/* Checks across objects of the converted config, and the safety of the
 * programs it will run. No libconfuse here: works on struct hd_config. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"
#include "script_path.h"

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

/* The rules are in script_path.c; here the real file system and the
 * owners trusted: root, the user running the daemon, script_user. */
struct script_ck {
	struct sp_fs fs;
	unsigned uids[3];
	char desc[64 + HD_NAME_MAX];
	struct hd_diag *d;
	const char *file;
};

static int real_lstat(void *ud, const char *path, struct sp_inode *st)
{
	struct stat sb;

	(void)ud;
	if (lstat(path, &sb) < 0)
		return -errno;
	st->mode = sb.st_mode;
	st->uid = sb.st_uid;
	return 0;
}

static int real_readlink(void *ud, const char *path, char *buf, size_t size)
{
	ssize_t n = readlink(path, buf, size);

	(void)ud;
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

static int real_head(void *ud, const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	ssize_t n;

	(void)ud;
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return (int)n;
}

static void script_ck_init(struct script_ck *k, const struct passwd *user, struct hd_diag *d,
			   const char *file)
{
	size_t n = 0;
	unsigned me = (unsigned)geteuid();

	k->uids[n++] = 0;
	snprintf(k->desc, sizeof(k->desc), "root");
	if (me != 0) {
		k->uids[n++] = me;
		snprintf(k->desc + strlen(k->desc), sizeof(k->desc) - strlen(k->desc),
			 " or uid %u (the daemon)", me);
	}
	if (user && user->pw_uid != 0 && user->pw_uid != me) {
		k->uids[n++] = (unsigned)user->pw_uid;
		snprintf(k->desc + strlen(k->desc), sizeof(k->desc) - strlen(k->desc),
			 " or %s (script_user)", user->pw_name);
	}
	k->fs = (struct sp_fs){.lstat = real_lstat,
			       .readlink = real_readlink,
			       .head = real_head,
			       .trusted = k->uids,
			       .n_trusted = n,
			       .trusted_desc = k->desc};
	k->d = d;
	k->file = file;
}

static int check_opt(struct script_ck *ck, int line, const char *cmd)
{
	char msg[PATH_MAX + 256];

	if (!cmd || sp_check_command(&ck->fs, cmd, msg, sizeof(msg)) == 0)
		return 0;
	hd_diag_add(ck->d, ck->file, line, "%s", msg);
	return 1;
}

static int check_lvs_scripts(const struct hd_config *cfg, struct script_ck *ck)
{
	int n = 0;

	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];
		n += check_opt(ck, vs->line, vs->quorum_up);
		n += check_opt(ck, vs->line, vs->quorum_down);
		for (size_t j = 0; j < vs->n_real_servers; j++) {
			const struct hd_real_server_config *rs = &vs->real_servers[j];
			n += check_opt(ck, rs->line, rs->notify_up);
			n += check_opt(ck, rs->line, rs->notify_down);
			for (size_t k = 0; k < rs->n_checks; k++)
				n += check_opt(ck, rs->checks[k].line, rs->checks[k].script);
		}
	}
	return n;
}

int hd_config_check_scripts(const struct hd_config *cfg, struct hd_diag *d)
{
	const struct passwd *user = NULL;
	struct script_ck ck;
	int n = 0;

	if (cfg->global.script_user[0] && !(user = getpwnam(cfg->global.script_user))) {
		hd_diag_add(d, cfg->path, cfg->global.line, "script_user: no user named '%s'",
			    cfg->global.script_user);
		n++;
	}
	script_ck_init(&ck, user, d, cfg->path);
	for (size_t i = 0; i < cfg->n_scripts; i++)
		n += check_opt(&ck, cfg->scripts[i].line, cfg->scripts[i].script);
	for (size_t i = 0; i < cfg->n_instances; i++) {
		const struct hd_vrrp_instance_config *in = &cfg->instances[i];
		n += check_opt(&ck, in->line, in->notify_master);
		n += check_opt(&ck, in->line, in->notify_backup);
		n += check_opt(&ck, in->line, in->notify_fault);
		n += check_opt(&ck, in->line, in->notify_stop);
		n += check_opt(&ck, in->line, in->notify);
	}
	for (size_t i = 0; i < cfg->n_sync_groups; i++) {
		const struct hd_sync_group_config *g = &cfg->sync_groups[i];
		n += check_opt(&ck, g->line, g->notify_master);
		n += check_opt(&ck, g->line, g->notify_backup);
		n += check_opt(&ck, g->line, g->notify_fault);
		n += check_opt(&ck, g->line, g->notify);
	}
	return n + check_lvs_scripts(cfg, &ck);
}
