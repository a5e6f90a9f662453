/* The config file: libconfuse schema, loading, raw-value getters, freeing.
 *
 * Every leaf option is a CFGT_PTR whose parse callback keeps the text and
 * the line it was written on. Conversion and range checks happen after the
 * parse (config_vrrp.c, config_lvs.c), so each message carries its own line
 * and one bad value does not hide the next: libconfuse itself stops at its
 * first error and keeps no line numbers for options. What libconfuse lacks
 * for that is worked around in config_confuse.c, each piece tested against
 * the library (tests/unit/test_confuse_contract.c).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"

#define O(n) CFG_PTR_CB(n, NULL, CFGF_NONE, raw_cb, free)
#define L(n) CFG_PTR_LIST_CB(n, NULL, CFGF_NONE, raw_cb, free)
/* A section's line. Why: libconfuse keeps none (cfg_t.line is where the
 * parse of the section ended). Relies on (test_confuse_contract:
 * test_section_line): libconfuse parses a MULTI section's option defaults
 * through their parse callback when it creates the section at its opening
 * brace, with cfg the new section at that brace's line; raw_cb() records
 * it. Written in the file, __line is a second value (count_value()) and
 * check_raw() calls it an unknown option, as libconfuse would. */
#define LINE CFG_PTR_CB(LINE_OPT, "0", CFGF_NONE, raw_cb, free)
/* All sections are MULTI: libconfuse creates a non-MULTI one (and parses
 * its defaults) at cfg_init(), at line 0. The ones meant to appear once
 * are checked in check_raw(). CFGF_NO_TITLE_DUPES makes a repeated title
 * an error; without it the second section silently replaces the first. */
#define SEC(n, o)  CFG_SEC(n, o, CFGF_MULTI)
#define TSEC(n, o) CFG_SEC(n, o, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

#define CHECK_TIMING                                                                               \
	LINE, O("delay_loop"), O("rise"), O("fall"), O("retry"), O("delay_before_retry"),          \
	    O("warmup")
#define CHECK_NET O("connect_ip"), O("connect_port"), O("bind_ip"), O("connect_timeout")

static cfg_opt_t tcp_opts[] = {CHECK_TIMING, CHECK_NET, CFG_END()};
#define CHECK_HTTP O("path"), O("virtualhost"), L("status_code"), O("digest"), O("reuse_connection")
static cfg_opt_t http_opts[] = {CHECK_TIMING, CHECK_NET, CHECK_HTTP, CFG_END()};
static cfg_opt_t https_opts[] = {CHECK_TIMING, CHECK_NET,    CHECK_HTTP, O("sni"),
				 O("verify"),  O("ca_file"), CFG_END()};
static cfg_opt_t misc_opts[] = {CHECK_TIMING, O("script"), O("timeout"), O("dynamic_weight"),
				CFG_END()};
static cfg_opt_t smtp_opts[] = {CHECK_TIMING, CHECK_NET, O("helo_name"), CFG_END()};
static cfg_opt_t dns_opts[] = {CHECK_TIMING, CHECK_NET, O("type"), O("name"), CFG_END()};
static cfg_opt_t udp_opts[] = {CHECK_TIMING, CHECK_NET, O("payload"), O("expect"), CFG_END()};
static cfg_opt_t ping_opts[] = {CHECK_TIMING, O("connect_ip"), O("connect_timeout"), CFG_END()};
static cfg_opt_t agent_opts[] = {CHECK_TIMING, CHECK_NET, O("min_weight"), O("max_weight"),
				 CFG_END()};

/* also parses a live add (config_rs.c) */
cfg_opt_t rs_opts[] = {
    LINE,
    O("weight"),
    O("lb_kind"),
    O("check_forwarding_path"),
    O("forwarding_path_probe"),
    O("u_threshold"),
    O("l_threshold"),
    O("inhibit_on_failure"),
    O("notify_up"),
    O("notify_down"),
    O("smtp_alert"),
    SEC("tcp_check", tcp_opts),
    SEC("http_check", http_opts),
    SEC("https_check", https_opts),
    SEC("misc_check", misc_opts),
    SEC("smtp_check", smtp_opts),
    SEC("dns_check", dns_opts),
    SEC("udp_check", udp_opts),
    SEC("ping_check", ping_opts),
    SEC("agent_check", agent_opts),
    CFG_END(),
};

static cfg_opt_t vs_opts[] = {
    LINE,
    O("protocol"),
    O("family"),
    O("lb_algo"),
    L("sched_flags"),
    O("lb_kind"),
    O("tun_type"),
    O("tun_port"),
    O("persistence_timeout"),
    O("persistence_granularity"),
    O("delay_loop"),
    O("quorum"),
    O("hysteresis"),
    O("inhibit_on_failure"),
    O("alpha"),
    O("omega"),
    O("sorry_server"),
    O("virtualhost"),
    O("quorum_up"),
    O("quorum_down"),
    O("smtp_alert"),
    O("slow_start"),
    O("slow_start_steps"),
    O("max_ejection"),
    O("max_ejection_timeout"),
    O("check_forwarding_path"),
    O("forwarding_path_probe"),
    O("mode"), /* vrrp | announce (config_announce.c) */
    L("members"),
    TSEC("real_server", rs_opts),
    CFG_END(),
};

static cfg_opt_t auth_opts[] = {LINE, O("type"), O("password"), CFG_END()};
static cfg_opt_t weight_opts[] = {LINE, O("weight"), CFG_END()};
/* track_process_weight: also reverse (config_vrrp_proc.c) */
static cfg_opt_t proc_weight_opts[] = {LINE, O("weight"), O("reverse"), CFG_END()};
static cfg_opt_t vaddr_opts[] = {LINE,	   O("dev"),	  O("label"), O("scope"),
				 O("brd"), O("excluded"), CFG_END()};

/* routes, rules and static addresses (config_route.c) */
static cfg_opt_t route_opts[] = {LINE,	    O("to"),	 L("via"),   O("dev"),
				 O("src"),  O("metric"), O("table"), O("scope"),
				 O("type"), O("onlink"), CFG_END()};
static cfg_opt_t rule_opts[] = {LINE,	    O("family"), O("from"),	O("to"),
				O("table"), O("type"),	 O("priority"), O("fwmark"),
				O("iif"),   O("oif"),	 CFG_END()};
static cfg_opt_t saddr_opts[] = {LINE, O("dev"), O("label"), O("scope"), O("brd"), CFG_END()};

static cfg_opt_t instance_opts[] = {
    LINE,
    O("interface"),
    O("virtual_router_id"),
    O("priority"),
    O("advert_int"),
    O("version"),
    O("state"),
    O("preempt"),
    O("preempt_delay"),
    O("unicast_src_ip"),
    L("unicast_peer"),
    SEC("authentication", auth_opts),
    L("virtual_ipaddress"),
    L("virtual_ipaddress_excluded"),
    TSEC("virtual_address", vaddr_opts),
    SEC("virtual_route", route_opts),
    SEC("virtual_rule", rule_opts),
    L("track_interface"),
    TSEC("track_interface_weight", weight_opts),
    L("track_script"),
    TSEC("track_script_weight", weight_opts),
    O("notify_master"),
    O("notify_backup"),
    O("notify_fault"),
    O("notify_stop"),
    O("notify"),
    O("garp_master_delay"),
    O("garp_master_repeat"),
    O("garp_master_refresh"),
    O("lower_prio_no_advert"),
    O("garp_lower_prio_repeat"),
    O("smtp_alert"),
    O("use_vmac"),
    O("vmac_name"),
    O("vmac_xmit_base"),
    O("dont_track_primary"),
    L("track_process"),
    TSEC("track_process_weight", proc_weight_opts),
    CFG_END(),
};

static cfg_opt_t script_opts[] = {LINE,	     O("script"), O("interval"), O("timeout"),
				  O("rise"), O("fall"),	  O("weight"),	 CFG_END()};

/* vrrp_track_process (config_vrrp_proc.c) */
static cfg_opt_t process_opts[] = {
    LINE,	   O("process"),    O("quorum"),      O("quorum_max"),
    O("weight"),   O("delay"),	    O("fork_delay"),  O("terminate_delay"),
    O("interval"), L("parameters"), O("param_match"), O("full_command"),
    O("reverse"),  CFG_END()};

static cfg_opt_t group_opts[] = {
    LINE,	 L("group"),	  O("notify_master"), O("notify_backup"), O("notify_fault"),
    O("notify"), O("smtp_alert"), CFG_END()};

static cfg_opt_t global_opts[] = {
    LINE,
    O("router_id"),
    O("script_user"),
    O("control_socket"),
    O("pid_file"),
    O("snmp"),
    O("snmp_socket"),
    O("metrics_listen"),
    O("script_timeout"),
    O("set_sysctls"),
    O("rt_priority"),
    O("lock_memory"),
    O("ipvs_on_stop"),
    CFG_END(),
};

static cfg_opt_t lvs_sync_opts[] = {LINE,	 O("interface"), O("vrrp_instance"), O("syncid"),
				    O("maxlen"), O("group"),	 O("port"),	     O("ttl"),
				    O("mode"),	 CFG_END()};

/* e-mail alerts (config_alert.c) */
static cfg_opt_t alert_opts[] = {LINE,
				 L("to"),
				 O("from"),
				 O("smtp_server"),
				 O("smtp_port"),
				 O("helo_name"),
				 O("connect_timeout"),
				 O("smtp_alert"),
				 O("smtp_alert_vrrp"),
				 O("smtp_alert_checker"),
				 CFG_END()};

/* announce mode, ECMP over FRR (config_announce.c) */
static cfg_opt_t announce_opts[] = {LINE, O("device"), L("interface"), O("stop_delay"), CFG_END()};

static cfg_opt_t root_opts[] = {
    SEC("global", global_opts),
    TSEC("vrrp_script", script_opts),
    TSEC("vrrp_track_process", process_opts),
    TSEC("vrrp_instance", instance_opts),
    TSEC("vrrp_sync_group", group_opts),
    TSEC("virtual_server", vs_opts),
    SEC("lvs_sync_daemon", lvs_sync_opts),
    SEC("alert_email", alert_opts), /* e-mail alerts, config_alert.c */
    SEC("announce", announce_opts),
    TSEC("static_address", saddr_opts),
    SEC("static_route", route_opts),
    SEC("static_rule", rule_opts),
    CFG_END(),
};

void cerr(struct cctx *c, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hd_diag_add(c->diag, c->file, line, "%s", msg);
	c->errors++;
}

static char *read_file(struct cctx *c, const char *path, size_t *len)
{
	FILE *f = fopen(path, "re"); /* O_CLOEXEC: a child started meanwhile must not get it */
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		cerr(c, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f) || !buf) {
		cerr(c, 0, "cannot read: %s", strerror(errno ? errno : EIO));
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		if (strlen(buf) != n) {
			cerr(c, 0, "file contains a NUL byte");
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

/* libconfuse copies a section's whole option table, nested section tables
 * included, for every instance it parses: each real_server used to carry
 * the tables of all seven checkers (~110 option descriptors, names
 * strdup'ed, defaults parsed). An option or section whose name does not
 * occur in the text can never be set, so it is left out of the tables this
 * parse uses (all but the hidden __line, which has a default): same
 * language, same results and messages, since the converter reads an absent
 * option and a left-out one alike (find_opt(): NULL). At 10,000 real servers leaving
 * out sections made the parse 2.5x faster with 4x less peak memory; leaving
 * out options too, each http-checked real_server holds ~6 descriptors
 * instead of ~25. */
struct opt_pool {
	cfg_opt_t v[512];
	size_t n;
	/* Each name is looked for in the text once (tables share names). */
	struct opt_seen {
		const char *name;
		bool found;
	} seen[256];
	size_t n_seen;
};

static bool in_text(struct opt_pool *p, const char *name, const char *buf, size_t len)
{
	for (size_t i = 0; i < p->n_seen; i++)
		if (strcmp(p->seen[i].name, name) == 0)
			return p->seen[i].found;
	bool found = memmem(buf, len, name, strlen(name)) != NULL;
	if (p->n_seen < sizeof(p->seen) / sizeof(p->seen[0]))
		p->seen[p->n_seen++] = (struct opt_seen){name, found};
	return found;
}

static cfg_opt_t *used_opts(struct opt_pool *p, cfg_opt_t *src, const char *buf, size_t len)
{
	size_t k = 0, at;

	if (!p)
		return src; /* out of memory for the pool: parse with the full tables */
	at = p->n;
	for (cfg_opt_t *o = src; o->name; o++)
		k++;
	if (at + k + 1 > sizeof(p->v) / sizeof(p->v[0]))
		return src; /* cannot happen with the tables above; parse unfiltered */
	p->n += k + 1;
	k = 0;
	for (cfg_opt_t *o = src; o->name; o++)
		if (strcmp(o->name, LINE_OPT) == 0 || in_text(p, o->name, buf, len))
			p->v[at + k++] = *o;
	memset(&p->v[at + k], 0, sizeof(p->v[0])); /* CFG_END() */
	for (size_t i = at; i < at + k; i++)
		if (p->v[i].type == CFGT_SEC && p->v[i].subopts)
			p->v[i].subopts = used_opts(p, p->v[i].subopts, buf, len);
	return &p->v[at];
}

struct hd_config *hd_config_load(const char *path, struct hd_diag *diag)
{
	struct cctx c = {.file = path, .diag = diag};
	struct hd_config *cfg = NULL;
	size_t len = 0;
	char *buf = read_file(&c, path, &len);
	struct opt_pool *pool;
	cfg_t *root;

	if (!buf)
		return NULL;
	pool = malloc(sizeof(*pool)); /* outlives root: freed below, after cfg_free */
	if (pool)
		pool->n = pool->n_seen = 0;
	confuse_begin(&c);
	root = cfg_init(used_opts(pool, root_opts, buf, len), CFGF_NONE);
	bool parsed = root && confuse_parse(&c, root, buf, len);
	confuse_end();
	if (parsed) {
		cfg = calloc(1, sizeof(*cfg));
		if (cfg && (cfg->path = strdup(path))) {
			check_raw(&c, root);
			conv_global(&c, root, cfg);
			conv_scripts(&c, root, cfg);
			conv_processes(&c, root, cfg);
			conv_instances(&c, root, cfg);
			conv_sync_groups(&c, root, cfg);
			conv_lvs_sync(&c, root, cfg);
			conv_virtual_servers(&c, root, cfg);
			conv_alert(&c, root, cfg);
			conv_announce(&c, root, cfg);
			conv_static(&c, root, cfg);
			validate_config(&c, cfg);
			c.errors += (unsigned)hd_config_check_scripts(cfg, diag);
		} else {
			cerr(&c, 0, "out of memory");
		}
	} else if (!root) {
		cerr(&c, 0, "out of memory");
	}
	if (root)
		confuse_free(root);
	free(pool);
	free(buf);
	if (c.errors) {
		hd_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* ---- raw value getters ---- */

int enum_index(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

bool get_str(struct cctx *c, cfg_t *sec, const char *name, char **out)
{
	const struct cval *v = cget(sec, name, 0);

	if (!v)
		return false;
	if (!v->s[0]) {
		cerr(c, v->line, "%s: must not be empty", name);
		return false;
	}
	free(*out);
	*out = strdup(v->s);
	return *out != NULL;
}

bool get_name(struct cctx *c, cfg_t *sec, const char *name, char *out, size_t size)
{
	const struct cval *v = cget(sec, name, 0);

	if (!v)
		return false;
	if (!v->s[0] || strlen(v->s) >= size) {
		cerr(c, v->line, "%s: '%s' must be 1..%zu characters", name, v->s, size - 1);
		return false;
	}
	strcpy(out, v->s);
	return true;
}

bool get_title(struct cctx *c, cfg_t *sec, const char *what, char *out, size_t size)
{
	const char *t = cfg_title(sec);
	size_t n = strlen(t);
	bool ok = n > 0 && n < size;

	for (const char *p = t; ok && *p; p++)
		ok = isgraph((unsigned char)*p);
	snprintf(out, size, "%s", t);
	if (!ok)
		cerr(c, sec_line(sec), "%s: name '%s' must be 1..%zu characters without blanks",
		     what, t, size - 1);
	return ok;
}

bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ_LIMIT || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '/' || *s == ':')
			return false;
	return true;
}

bool get_ifname(struct cctx *c, cfg_t *sec, const char *name, char *out)
{
	const struct cval *v = cget(sec, name, 0);

	if (!v)
		return false;
	if (!valid_ifname(v->s)) {
		cerr(c, v->line, "%s: '%s' is not an interface name", name, v->s);
		return false;
	}
	snprintf(out, IFNAMSIZ_LIMIT, "%s", v->s);
	return true;
}

static bool parse_long(const char *s, long *out)
{
	const char *p = s + (*s == '-' || *s == '+');
	char *end;

	if (!isdigit((unsigned char)*p))
		return false;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return false;
	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && *end == '\0';
}

bool get_long(struct cctx *c, cfg_t *sec, const char *name, long lo, long hi, long *out)
{
	const struct cval *v = cget(sec, name, 0);
	long n;

	if (!v)
		return false;
	if (!parse_long(v->s, &n)) {
		cerr(c, v->line, "%s: '%s' is not an integer", name, v->s);
		return false;
	}
	if (n < lo || n > hi) {
		cerr(c, v->line, "%s: %ld is out of range %ld..%ld", name, n, lo, hi);
		return false;
	}
	*out = n;
	return true;
}

bool get_uint(struct cctx *c, cfg_t *sec, const char *name, long lo, long hi, unsigned *out)
{
	long n;

	if (!get_long(c, sec, name, lo, hi, &n))
		return false;
	*out = (unsigned)n;
	return true;
}

bool get_bool(struct cctx *c, cfg_t *sec, const char *name, bool *out)
{
	static const char *const t[] = {"true", "yes", "on", NULL};
	static const char *const f[] = {"false", "no", "off", NULL};
	const struct cval *v = cget(sec, name, 0);

	if (!v)
		return false;
	for (int i = 0; t[i]; i++) {
		if (strcasecmp(v->s, t[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v->s, f[i]) == 0) {
			*out = false;
			return true;
		}
	}
	cerr(c, v->line, "%s: '%s' is not a boolean (true or false)", name, v->s);
	return false;
}

/* Plain decimal: digits, optionally a dot and more digits. No exponent,
 * sign, hex, inf or nan (all of which strtod() would take). */
static bool parse_decimal(const char *s, double *out)
{
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p || p - s > 20)
		return false;
	*out = strtod(s, NULL);
	return true;
}

bool get_secs(struct cctx *c, const struct cval *v, const char *name, double lo, double hi,
	      double *out)
{
	double d;

	if (!parse_decimal(v->s, &d)) {
		cerr(c, v->line, "%s: '%s' is not a number of seconds", name, v->s);
		return false;
	}
	if (d < lo || d > hi) {
		cerr(c, v->line, "%s: %s is out of range %g..%g seconds", name, v->s, lo, hi);
		return false;
	}
	*out = d;
	return true;
}

bool get_dur(struct cctx *c, cfg_t *sec, const char *name, double lo, double hi, uint64_t *out)
{
	const struct cval *v = cget(sec, name, 0);
	double d;

	if (!v || !get_secs(c, v, name, lo, hi, &d))
		return false;
	*out = (uint64_t)llround(d * 1e6);
	return true;
}

bool get_enum(struct cctx *c, cfg_t *sec, const char *name, const char *const *names, int *out)
{
	const struct cval *v = cget(sec, name, 0);
	char all[256] = "";
	int i;

	if (!v)
		return false;
	i = enum_index(v->s, names);
	if (i >= 0) {
		*out = i;
		return true;
	}
	for (i = 0; names[i]; i++) {
		if (i)
			strncat(all, " | ", sizeof(all) - strlen(all) - 1);
		strncat(all, names[i], sizeof(all) - strlen(all) - 1);
	}
	cerr(c, v->line, "%s: unknown value '%s' (expected %s)", name, v->s, all);
	return false;
}

bool get_addr(struct cctx *c, cfg_t *sec, const char *name, struct hd_addr *out)
{
	const struct cval *v = cget(sec, name, 0);

	if (!v)
		return false;
	if (hd_addr_parse(v->s, out) < 0) {
		cerr(c, v->line, "%s: '%s' is not an IP address", name, v->s);
		return false;
	}
	return true;
}

bool get_endpoint(struct cctx *c, cfg_t *sec, const char *name, struct hd_endpoint *out)
{
	const struct cval *v = cget(sec, name, 0);

	if (!v)
		return false;
	if (hd_endpoint_parse(v->s, out) < 0) {
		cerr(c, v->line, "%s: '%s' is not ADDR:PORT or [V6ADDR]:PORT", name, v->s);
		return false;
	}
	return true;
}

/* ---- freeing ---- */

void free_check(struct hd_check_config *k)
{
	free(k->path);
	free(k->virtualhost);
	free(k->status);
	free(k->sni);
	free(k->ca_file);
	free(k->script);
	free(k->helo_name);
	free(k->dns_name);
	free(k->dns_type);
	free(k->udp_payload);
	free(k->udp_expect);
}

static void free_vs(struct hd_virtual_server_config *vs)
{
	for (size_t j = 0; j < vs->n_real_servers; j++) {
		struct hd_real_server_config *rs = &vs->real_servers[j];
		for (size_t k = 0; k < rs->n_checks; k++)
			free_check(&rs->checks[k]);
		free(rs->checks);
		free(rs->notify_up);
		free(rs->notify_down);
	}
	free(vs->real_servers);
	free(vs->group);
	free(vs->members);
	free(vs->virtualhost);
	free(vs->quorum_up);
	free(vs->quorum_down);
}

void hd_config_free(struct hd_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	hd_diag_clear(&cfg->warnings);
	free(cfg->global.control_socket);
	free(cfg->global.pid_file);
	free(cfg->global.snmp_socket);
	for (size_t i = 0; i < cfg->n_scripts; i++)
		free(cfg->scripts[i].script);
	free(cfg->scripts);
	for (size_t i = 0; i < cfg->n_processes; i++) {
		free(cfg->processes[i].process);
		free(cfg->processes[i].params);
	}
	free(cfg->processes);
	for (size_t i = 0; i < cfg->n_instances; i++) {
		struct hd_vrrp_instance_config *in = &cfg->instances[i];
		free(in->unicast_peers);
		free(in->vips);
		free(in->excl_vips);
		free(in->routes);
		free(in->rules);
		free(in->track_ifs);
		free(in->track_scripts);
		free(in->track_procs);
		free(in->notify_master);
		free(in->notify_backup);
		free(in->notify_fault);
		free(in->notify_stop);
		free(in->notify);
	}
	free(cfg->instances);
	for (size_t i = 0; i < cfg->n_sync_groups; i++) {
		struct hd_sync_group_config *g = &cfg->sync_groups[i];
		free(g->members);
		free(g->notify_master);
		free(g->notify_backup);
		free(g->notify_fault);
		free(g->notify);
	}
	free(cfg->sync_groups);
	for (size_t i = 0; i < cfg->n_virtual_servers; i++)
		free_vs(&cfg->virtual_servers[i]);
	free(cfg->virtual_servers);
	free_alert(&cfg->alert);
	free(cfg->static_addrs);
	free(cfg->static_routes);
	free(cfg->static_rules);
	free(cfg);
}
