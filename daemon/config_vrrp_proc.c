/* Conversion of vrrp_track_process sections and of an instance's options
 * for them, use_vmac and dont_track_primary (keepalived features real
 * configurations use; the semantics are in hadirector.conf(5)). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* A process name: what /proc/PID/comm shows (15 bytes at most), a longer
 * name (matched against the program's file name) or an absolute path
 * (matched against argv[0]). No blanks: one program, not a command line. */
static bool valid_process(const char *s)
{
	if (!s[0] || strlen(s) >= 256)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* `parameters = { "a", "b" }` as /proc/PID/cmdline holds them after
 * argv[0] ("a\0b\0"), and how they are compared: exact unless said. */
static void conv_params(struct cctx *c, cfg_t *sec, struct hd_vrrp_process_config *p)
{
	static const char *const modes[] = {"any", "exact", "partial", "initial", NULL};
	unsigned n = cnum(sec, "parameters");
	size_t len = 0;
	int m = n ? HD_PROC_PARAMS_EXACT : HD_PROC_PARAMS_ANY;

	get_enum(c, sec, "param_match", modes, &m);
	p->param_match = (enum hd_proc_param_match)m;
	for (unsigned i = 0; i < n; i++)
		len += strlen(cget(sec, "parameters", i)->s) + 1;
	if (len > HD_PROC_PARAMS_MAX) {
		cerr(c, cget(sec, "parameters", 0)->line,
		     "parameters: %zu bytes, at most %d (with one NUL after each)", len,
		     HD_PROC_PARAMS_MAX);
		return;
	}
	if (!n || !(p->params = malloc(len)))
		return;
	p->params_len = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *v = cget(sec, "parameters", i)->s;
		memcpy(p->params + p->params_len, v, strlen(v) + 1);
		p->params_len += strlen(v) + 1;
	}
}

static void conv_process(struct cctx *c, cfg_t *sec, struct hd_vrrp_process_config *p)
{
	const struct cval *v;
	uint64_t delay = 0;
	long w = 0;

	p->line = sec_line(sec);
	get_title(c, sec, "vrrp_track_process", p->name, sizeof(p->name));
	v = cget(sec, "process", 0);
	if (!v)
		cerr(c, p->line, "vrrp_track_process %s: 'process' is required", p->name);
	else if (!valid_process(v->s))
		cerr(c, v->line, "process: '%s' must be one program name or path, no blanks", v->s);
	else
		get_str(c, sec, "process", &p->process);
	p->quorum = 1;
	get_uint(c, sec, "quorum", 1, 65535, &p->quorum);
	get_uint(c, sec, "quorum_max", 0, 65535, &p->quorum_max);
	if (p->quorum_max && p->quorum_max < p->quorum)
		cerr(c, cget(sec, "quorum_max", 0)->line,
		     "quorum_max: %u is below quorum %u (0 = no upper bound)", p->quorum_max,
		     p->quorum);
	/* `delay` sets both directions; fork_delay / terminate_delay one each */
	get_dur(c, sec, "delay", 0, 3600, &delay);
	p->fork_delay_usec = p->terminate_delay_usec = delay;
	get_dur(c, sec, "fork_delay", 0, 3600, &p->fork_delay_usec);
	get_dur(c, sec, "terminate_delay", 0, 3600, &p->terminate_delay_usec);
	p->interval_usec = 1000000;
	get_dur(c, sec, "interval", 0.05, 60, &p->interval_usec);
	get_long(c, sec, "weight", -254, 254, &w);
	p->weight = (int)w;
	get_bool(c, sec, "reverse", &p->reverse);
	get_bool(c, sec, "full_command", &p->full_command);
	conv_params(c, sec, p);
}

void conv_processes(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned n = cnum(root, "vrrp_track_process");

	cfg->processes = calloc(n ? n : 1, sizeof(*cfg->processes));
	if (!cfg->processes)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct hd_vrrp_process_config *p = &cfg->processes[cfg->n_processes++];

		conv_process(c, csec(root, "vrrp_track_process", i), p);
		for (size_t j = 0; j + 1 < cfg->n_processes; j++)
			if (!strcmp(cfg->processes[j].name, p->name))
				cerr(c, p->line, "vrrp_track_process %s: defined twice (line %d)",
				     p->name, cfg->processes[j].line);
	}
}

static ssize_t find_process(const struct hd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_processes; i++)
		if (!strcmp(cfg->processes[i].name, name))
			return (ssize_t)i;
	return -1;
}

/* `track_process = { a, b }` with each one's weight, or
 * `track_process_weight a { weight = N }` with another one. */
static void conv_track_procs(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
			     struct hd_vrrp_instance_config *in)
{
	unsigned nl = cnum(sec, "track_process"), nw = cnum(sec, "track_process_weight");

	in->track_procs = calloc(nl + nw + 1, sizeof(*in->track_procs));
	if (!in->track_procs)
		return;
	for (unsigned i = 0; i < nl + nw; i++) {
		const struct cval *v = i < nl ? cget(sec, "track_process", i) : NULL;
		cfg_t *w = i >= nl ? csec(sec, "track_process_weight", i - nl) : NULL;
		const char *name = v ? v->s : cfg_title(w);
		int line = v ? v->line : sec_line(w);
		ssize_t idx = find_process(cfg, name);
		long wt;

		if (idx < 0) {
			cerr(c, line, "track_process: no vrrp_track_process named '%s'", name);
			continue;
		}
		for (size_t j = 0; j < in->n_track_procs; j++)
			if (in->track_procs[j].process == (size_t)idx)
				cerr(c, line, "track_process: %s is tracked twice", name);
		struct hd_track_process *t = &in->track_procs[in->n_track_procs++];
		wt = cfg->processes[idx].weight;
		t->reverse = cfg->processes[idx].reverse;
		if (w && !get_long(c, w, "weight", -254, 254, &wt) && !cget(w, "weight", 0))
			cerr(c, line, "track_process_weight %s: 'weight' is required", name);
		if (w)
			get_bool(c, w, "reverse", &t->reverse);
		t->process = (size_t)idx;
		t->weight = (int)wt;
	}
}

/* use_vmac: the macvlan's name defaults to keepalived's, vrrp.VRID
 * (vrrp6.VRID for IPv6), so converted setups keep their interface names. */
static void conv_vmac(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	const struct cval *n = cget(sec, "vmac_name", 0);
	const struct cval *x = cget(sec, "vmac_xmit_base", 0);

	get_bool(c, sec, "use_vmac", &in->use_vmac);
	get_ifname(c, sec, "vmac_name", in->vmac_name);
	get_bool(c, sec, "vmac_xmit_base", &in->vmac_xmit_base);
	if (!in->use_vmac) {
		if (n || x)
			cerr(c, (n ? n : x)->line, "%s: needs use_vmac = true",
			     n ? "vmac_name" : "vmac_xmit_base");
		return;
	}
	if (!in->vmac_name[0])
		snprintf(in->vmac_name, sizeof(in->vmac_name), "vrrp%s.%u",
			 in->family == AF_INET6 ? "6" : "", in->vrid);
	if (!strcmp(in->vmac_name, in->interface))
		cerr(c, n ? n->line : in->line, "vmac_name: %s is the instance's own interface",
		     in->vmac_name);
}

void conv_instance_ext(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
		       struct hd_vrrp_instance_config *in)
{
	get_bool(c, sec, "dont_track_primary", &in->dont_track_primary);
	conv_vmac(c, sec, in);
	for (const struct hd_vrrp_instance_config *o = cfg->instances; in->use_vmac && o < in; o++)
		if (o->use_vmac && !strcmp(o->vmac_name, in->vmac_name))
			cerr(c, in->line,
			     "vrrp_instance %s: vmac_name %s is also vrrp_instance %s's", in->name,
			     in->vmac_name, o->name);
	conv_track_procs(c, sec, cfg, in);
}
