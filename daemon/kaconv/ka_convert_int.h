/* Inside the converter: the output being built and the rule tables. */
#ifndef KA_CONVERT_INT_H
#define KA_CONVERT_INT_H

#include "ka_convert.h"

/* One line of output: `key = val`, or a subsection, or only comments. */
struct oline {
	char *key; /* NULL: a subsection (sub) or a comment-only line */
	char *val;
	struct osec *sub;
	const struct ka_node *src; /* its comments */
	char *note;		   /* the converter's own comment */
};

struct osec {
	char *head; /* "vrrp_instance VI_1" */
	struct oline *l;
	size_t n;
	const struct ka_node *src;
};

/* What a whole file sets for its parts (global_defs, e-mail). */
struct kglob {
	int vrrp_version; /* 0 = keepalived's default, 2 */
	const char *garp_delay, *garp_repeat, *garp_refresh;
	const struct ka_node *smtp_server;
	char smtp_resolved[64]; /* smtp_server's host name resolved, or "" */
	bool have_mail_to;
	int alert, alert_vrrp, alert_checker; /* -1 unset, 0, 1 */
	unsigned alerting;		      /* parts that send mail */
	const struct ka_node *mail_to, *mail_from, *mail_helo, *mail_timeout;
	bool mail_done;			/* alert_email written */
	const struct ka_node *lvs_sync; /* lvs_sync_daemon in global_defs */
	const char *script_user;	/* global_defs script_user, or NULL */
};

struct cx {
	const struct ka_conv_opts *o;
	struct ka_msgs *m;
	struct kglob g;
	struct osec *top;	      /* the top-level sections, in order */
	const struct ka_node *source; /* the top-level keepalived lines */
	/* inheritance: checker options set on the virtual or real server */
	const char *vs_inh[8], *rs_inh[8]; /* struct inh of ka_rules_lvs.c */
	const struct ka_node *sync_if;	   /* lvs_sync_daemon_interface of an instance */
	const char *sync_inst;
	bool email_refused;
	unsigned rule_prio[2]; /* keepalived's next automatic rule preference, IPv4, IPv6 */
};

struct rule;
typedef void (*rule_fn)(struct cx *c, struct osec *s, const struct ka_node *n,
			const struct rule *r);

struct rule {
	const char *kw;
	rule_fn fn;
	const char *hd;	 /* hadirector's name, when it has one */
	const char *why; /* for warnings and refusals */
};

/* ka_convert.c: output building and the generic rules */
struct osec *osec_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void osec_free(struct osec *s);
struct oline *oadd(struct osec *s, const struct ka_node *src, const char *key, const char *val);
struct oline *oadd_sub(struct osec *s, const struct ka_node *src, struct osec *sub);
struct oline *ofind(struct osec *s, const char *key);
void onote(struct oline *l, const char *fmt, ...);
char *quote(const char *s);
char *join_args(const struct ka_node *n, size_t from);
void apply_rules(struct cx *c, struct osec *s, const struct ka_node *blk, const struct rule *tab,
		 const char *where);
void left_out(struct osec *s, const struct ka_node *n, const char *why);
bool need_args(struct cx *c, const struct ka_node *n, size_t min, size_t max);
int kbool(const struct ka_node *n);
char *script_value(struct cx *c, const struct ka_node *n);
/* The same; *IGNORED when keepalived would ignore the script (a warning,
 * no error, nothing to write). */
char *script_value_ign(struct cx *c, const struct ka_node *n, bool *ignored);

void r_copy(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_lower(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_num(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_true(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_bool(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_script(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_drop(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_warn(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_refuse(struct cx *, struct osec *, const struct ka_node *, const struct rule *);

/* Rule table rows for the three common fates of a keyword: carried over
 * with a warning (no effect here), dropped silently, refused. */
#define NOEFF(k, w)                                                                                \
	{                                                                                          \
		k, r_warn, NULL, w                                                                 \
	}
#define SILENT(k)                                                                                  \
	{                                                                                          \
		k, r_drop, NULL, "no effect in hadirector"                                         \
	}
#define NO(k, w)                                                                                   \
	{                                                                                          \
		k, r_refuse, NULL, w                                                               \
	}

bool ka_keepalived_knows(const char *kw);
/* Whether the file has a top-level KIND NAME (a vrrp_script, vrrp_instance). */
bool ka_defined(const struct cx *c, const char *kind, const char *name);
/* Whether vrrp_script N has a script (keepalived removes one without). */
bool ka_has_script(const struct ka_node *n);
/* Whether an instance or sync group tracks vrrp_script NAME, as keepalived
 * 2.2.7 keeps it (ka_rules_vrrp.c): one nothing tracks does not run. */
bool ka_script_tracked(const struct cx *c, const char *name);
/* NAME, or what --rename-interface makes of it. */
const char *ka_ifname(const struct cx *c, const char *name);

/* ka_rules.c (global, VRRP), ka_rules_lvs.c (virtual servers) */
extern const struct rule ka_top_rules[];
extern const struct rule ka_global_rules[];
void ka_prescan_global(struct cx *c, const struct ka_node *blk);
void ka_finish(struct cx *c, struct osec *top);
void ka_instance(struct cx *c, struct osec *s, const struct ka_node *n);
void ka_preempt_rules(struct cx *c, struct osec *s, const struct ka_node *n);
/* ka_rules_mail.c: e-mail alerts */
void ka_prescan_mail(struct cx *c, const struct ka_node *n);
/* PART (written as S) sends mail: `smtp_alert = true` in S. CHECKER: a
 * virtual or real server; DEF_ON: keepalived's default for the part. */
void ka_mail_part(struct cx *c, struct osec *s, const struct ka_node *part, bool checker,
		  bool def_on);
void ka_mail_section(struct cx *c, struct osec *top, const struct ka_node *where);
void r_smtp_alert(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
/* global_defs' mail keywords: written in alert_email, or left out when
 * keepalived would send nothing */
void r_mail_global(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_virtual_server(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
/* ka_rules_group.c: virtual_server_group. The members list "{ ... }" of
 * group NAME for virtual server VS (malloc'ed; NULL with the errors), and
 * its title "group:NAME" ("group:NAME-N" for the Nth using the group). */
char *ka_vsg_members(struct cx *c, const struct ka_node *vs, const char *name);
void ka_vsg_title(const struct cx *c, const struct ka_node *vs, const char *name, char *out,
		  size_t len);
void r_vsg(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
/* ka_rules_proc.c: vrrp_track_process sections, an instance's use_vmac */
void r_track_process_sec(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
/* an instance's track_process block */
void r_track_process(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_use_vmac(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
/* ka_rules_route.c: routes, rules, static addresses */
void r_virtual_routes(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_static_routes(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_virtual_rules(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_static_rules(struct cx *, struct osec *, const struct ka_node *, const struct rule *);
void r_static_ipaddress(struct cx *, struct osec *, const struct ka_node *, const struct rule *);

#endif
