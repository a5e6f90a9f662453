/* Internal to the config parser (daemon/config*.c): the only place that
 * sees libconfuse. Every leaf option is stored raw (text + line) by the
 * parse and converted afterwards by the getters below, which report each
 * problem with its own line and keep going. */
#ifndef HD_CONFIG_INT_H
#define HD_CONFIG_INT_H

#include <confuse.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "hd_config.h"

/* Interface names: IFNAMSIZ including the NUL. */
#define IFNAMSIZ_LIMIT 16

/* One raw value as written in the file. */
struct cval {
	int line;
	bool dup; /* a second `name = ...` for the same option */
	char s[];
};

struct cctx {
	const char *file;
	struct hd_diag *diag;
	unsigned errors;
};

void cerr(struct cctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* libconfuse and its workarounds (config_confuse.c). */
/* The hidden option that gives every section its line (sec_line()). */
#define LINE_OPT "__line"
/* Parse callback of every leaf option: a struct cval with text and line. */
int raw_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
/* libconfuse use is one at a time per process: cfg_init() and
 * confuse_parse() between confuse_begin() and confuse_end(), whose C gets
 * the parse's errors; the root freed with confuse_free(). */
void confuse_begin(struct cctx *c);
bool confuse_try_begin(struct cctx *c);
void confuse_end(void);
/* Parse BUF (LEN bytes, NUL-terminated, changed in place) into ROOT:
 * false after reporting the error through C. */
bool confuse_parse(struct cctx *c, cfg_t *root, char *buf, size_t len);
void confuse_free(cfg_t *root);
/* What libconfuse accepts without a word: options set twice, a written
 * __line, single sections given more than once. */
void check_raw(struct cctx *c, cfg_t *sec);

/* The line of a section's opening brace. */
int sec_line(cfg_t *sec);
/* Raw value IDX of option NAME, NULL when absent. */
const struct cval *cget(cfg_t *sec, const char *name, unsigned idx);
/* Number of values (or sections) NAME has in SEC, 0 when absent. */
unsigned cnum(cfg_t *sec, const char *name);
/* Subsection IDX named NAME, NULL when absent. Use these three, not
 * libconfuse's cfg_size()/cfg_getn*(): see find_opt() in config.c. */
cfg_t *csec(cfg_t *sec, const char *name, unsigned idx);

/* Getters: leave *out alone and return false when the option is absent;
 * record an error and return false when it is invalid. */
bool get_str(struct cctx *c, cfg_t *sec, const char *name, char **out);
bool get_name(struct cctx *c, cfg_t *sec, const char *name, char *out, size_t size);
bool get_long(struct cctx *c, cfg_t *sec, const char *name, long lo, long hi, long *out);
bool get_uint(struct cctx *c, cfg_t *sec, const char *name, long lo, long hi, unsigned *out);
bool get_bool(struct cctx *c, cfg_t *sec, const char *name, bool *out);
/* Seconds with fractions, LO..HI seconds, stored as microseconds. */
bool get_dur(struct cctx *c, cfg_t *sec, const char *name, double lo, double hi, uint64_t *out);
bool get_secs(struct cctx *c, const struct cval *v, const char *name, double lo, double hi,
	      double *out);
/* NAMES is NULL-terminated; *out is the index. */
bool get_enum(struct cctx *c, cfg_t *sec, const char *name, const char *const *names, int *out);
bool get_addr(struct cctx *c, cfg_t *sec, const char *name, struct hd_addr *out);
bool get_endpoint(struct cctx *c, cfg_t *sec, const char *name, struct hd_endpoint *out);
int enum_index(const char *s, const char *const *names);
/* Section title as a name: 1..size-1 characters, no blanks or controls
 * (names are passed to notify scripts as one argument). */
bool get_title(struct cctx *c, cfg_t *sec, const char *what, char *out, size_t size);
/* Interface name: 1..15 characters, none of / : or blanks (as Linux). */
bool get_ifname(struct cctx *c, cfg_t *sec, const char *name, char *out);
bool valid_ifname(const char *s);

/* Section converters (config_vrrp.c, config_lvs.c). */
void conv_global(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void conv_scripts(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void conv_instances(struct cctx *c, cfg_t *root, struct hd_config *cfg);
/* vrrp_track_process sections; an instance's use_vmac, dont_track_primary
 * and track_process (config_vrrp_proc.c) */
void conv_processes(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void conv_instance_ext(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
		       struct hd_vrrp_instance_config *in);
void conv_sync_groups(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void conv_lvs_sync(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void conv_virtual_servers(struct cctx *c, cfg_t *root, struct hd_config *cfg);
/* One real_server section of VS, and its option table: also a live add's
 * (config_rs.c), so a request is checked as the file is. */
void conv_rs(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
	     const struct hd_virtual_server_config *vs, struct hd_real_server_config *rs);
extern cfg_opt_t rs_opts[];
void free_check(struct hd_check_config *k);
/* alert_email and every smtp_alert (config_alert.c). */
void conv_alert(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void free_alert(struct hd_alert_config *a);

/* static_address, static_route, static_rule at the top level and an
 * instance's virtual_route and virtual_rule sections (config_route.c). */
void conv_static(struct cctx *c, cfg_t *root, struct hd_config *cfg);
void conv_inst_routes(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in);
/* scope names (global site link host nowhere) -> RT_SCOPE_*; -1 unknown */
int scope_parse(const char *s);
/* An address's `label` option: IPv4, begins with IFNAME (config_vrrp.c). */
void conv_label(struct cctx *c, cfg_t *a, const char *ifname, struct hd_prefix *v);

/* The announce section and every virtual server's mode
 * (config_announce.c); after conv_virtual_servers. */
void conv_announce(struct cctx *c, cfg_t *root, struct hd_config *cfg);

/* Cross-object checks on the converted config (config_validate.c). */
void validate_config(struct cctx *c, const struct hd_config *cfg);

#endif
