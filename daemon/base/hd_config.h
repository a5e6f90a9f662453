/* The desired configuration: plain, validated, immutable data.
 *
 * Produced only by hd_config_load() (daemon/config.c); nothing else in the
 * daemon reads libconfuse. Durations are microseconds (the unit of sd-event)
 * unless the name says otherwise; VRRP intervals are centiseconds as on the
 * wire (RFC 5798 section 5.2.7).
 */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_NAME_MAX 64

struct hd_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

struct hd_prefix {
	struct hd_addr addr;
	uint8_t prefixlen;
	char dev[HD_NAME_MAX]; /* "" = the instance's interface */
	/* per-address options of a VRRP virtual address (virtual_address) */
	char label[HD_NAME_MAX]; /* IPv4 only, "" = none */
	uint8_t scope;		 /* RT_SCOPE_*: 0 = global */
	bool has_brd;
	struct hd_addr brd; /* IPv4 broadcast */
};

struct hd_endpoint {
	struct hd_addr addr;
	uint16_t port; /* host order */
};

/* A route hadirector installs (static_route, virtual_route): marked with
 * protocol HD_RTPROT in the kernel, so that only its own are ever removed. */
#define HD_RTPROT	 173
#define HD_ROUTE_MAX_VIA 8
struct hd_route {
	int family;
	struct hd_addr dst;
	uint8_t dst_len;
	uint8_t type;  /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW */
	uint8_t scope; /* RT_SCOPE_* (IPv4; the kernel sets IPv6's) */
	bool onlink;
	struct hd_addr via[HD_ROUTE_MAX_VIA]; /* more than one: a multipath route */
	size_t n_via;
	char dev[HD_NAME_MAX]; /* "" = none */
	bool has_src;
	struct hd_addr src; /* preferred source */
	uint32_t metric;
	uint32_t table;
	int line;
};

/* A policy routing rule (static_rule, virtual_rule), marked as routes are. */
struct hd_rule {
	int family;
	bool has_from, has_to;
	struct hd_addr from, to;
	uint8_t from_len, to_len;
	uint8_t action; /* FR_ACT_TO_TBL, FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT */
	uint32_t table; /* FR_ACT_TO_TBL */
	bool has_priority;
	uint32_t priority; /* unset: the kernel picks one */
	bool has_fwmark;
	uint32_t fwmark, fwmask;
	char iif[HD_NAME_MAX], oif[HD_NAME_MAX]; /* "" = any */
	int line;
};

/* Growing list of "FILE:LINE: message" lines. */
struct hd_diag {
	char **lines;
	size_t n;
};

struct hd_global_config {
	char router_id[HD_NAME_MAX];
	char script_user[HD_NAME_MAX];
	char *control_socket; /* NULL = compiled-in default */
	char *pid_file;	      /* NULL = compiled-in default */
	bool metrics_enabled;
	struct hd_endpoint metrics_listen;
	bool snmp;
	char *snmp_socket;
	uint64_t script_timeout_usec; /* default for scripts without their own */
	bool set_sysctls;	      /* let the daemon fix ip_forward etc. */
	unsigned rt_priority;	      /* 0 = normal scheduling, 1..99 = SCHED_RR */
	bool lock_memory;	      /* mlockall: never page out the loop */
	bool ipvs_keep_on_stop;	      /* ipvs_on_stop = keep: leave our services */
	int line;		      /* of the global section, 0 if absent */
};

/* E-mail alerts (alert_email section; daemon/alert.c). */
#define HD_ALERT_MAX_TO 16
struct hd_alert_config {
	bool enabled; /* the section is there */
	char *to[HD_ALERT_MAX_TO];
	size_t n_to;
	char *from;		   /* NULL = hadirector@ and the host's name */
	struct hd_endpoint server; /* smtp_server, smtp_port (default 25) */
	char *helo_name;	   /* NULL = router_id, else the host name */
	uint64_t timeout_usec;	   /* one message's whole session */
	bool vrrp, checker;	   /* smtp_alert_vrrp, smtp_alert_checker defaults */
	int line;
};

/* A per-object smtp_alert: unset follows the enclosing object, then the
 * alert_email section's default. */
enum hd_smtp_alert { HD_SMTP_ALERT_INHERIT = 0, HD_SMTP_ALERT_ON, HD_SMTP_ALERT_OFF };

struct hd_vrrp_script_config {
	char name[HD_NAME_MAX];
	char *script;
	uint64_t interval_usec;
	uint64_t timeout_usec;
	unsigned rise, fall;
	int weight; /* -254..254; 0 = failure puts the instance in fault */
	int line;
};

struct hd_track_if {
	char name[HD_NAME_MAX];
	int weight; /* 0 = down means fault */
};

struct hd_track_script {
	size_t script; /* index into hd_config.scripts */
	int weight;    /* copied from the script unless overridden */
};

/* vrrp_track_process's parameter check (vrrp_proc_cmd.h): none, the
 * parameters exactly, the first ones exactly, or the last one a prefix. */
enum hd_proc_param_match {
	HD_PROC_PARAMS_ANY = 0,
	HD_PROC_PARAMS_EXACT,
	HD_PROC_PARAMS_PARTIAL,
	HD_PROC_PARAMS_INITIAL
};
/* The parameters' bytes, a NUL after each. */
#define HD_PROC_PARAMS_MAX 4096

/* vrrp_track_process: how many processes named PROCESS run (vrrp_proc.h). */
struct hd_vrrp_process_config {
	char name[HD_NAME_MAX];
	char *process;	   /* a comm (<= 15 bytes), a longer name or a path */
	bool full_command; /* PROCESS is compared with argv[0] itself */
	char *params;	   /* "a\0b\0", as /proc/PID/cmdline after argv[0]; or NULL */
	size_t params_len;
	enum hd_proc_param_match param_match;
	bool reverse;		  /* the weight counts the other way (weight 0: FAULT while up) */
	unsigned quorum;	  /* up while quorum <= running <= quorum_max */
	unsigned quorum_max;	  /* 0 = no upper bound */
	uint64_t fork_delay_usec; /* in range this long before up */
	uint64_t terminate_delay_usec; /* out of range this long before down */
	uint64_t interval_usec;	       /* /proc scan period */
	int weight;		       /* as a vrrp_script's */
	int line;
};

struct hd_track_process {
	size_t process; /* index into hd_config.processes */
	int weight;
	bool reverse;
};

enum hd_vrrp_initial { HD_VRRP_INIT_BACKUP = 0, HD_VRRP_INIT_MASTER };
enum hd_vrrp_auth { HD_VRRP_AUTH_NONE = 0, HD_VRRP_AUTH_PASS, HD_VRRP_AUTH_AH };

struct hd_vrrp_instance_config {
	char name[HD_NAME_MAX];
	char interface[HD_NAME_MAX];
	uint8_t vrid;
	uint8_t priority;
	uint16_t advert_int_cs; /* centiseconds */
	int version;		/* 2 or 3 */
	int family;		/* AF_INET or AF_INET6, from the VIPs */
	enum hd_vrrp_initial initial_state;
	bool preempt;
	uint64_t preempt_delay_usec;
	bool has_unicast_src;
	struct hd_addr unicast_src;
	struct hd_addr *unicast_peers;
	size_t n_unicast_peers;
	enum hd_vrrp_auth auth_type;
	char auth_pass[9]; /* 8 octets max on the wire, NUL */
	struct hd_prefix *vips;
	size_t n_vips;
	/* added and removed with the VIPs, never in an advertisement; either family */
	struct hd_prefix *excl_vips;
	size_t n_excl_vips;
	/* installed while master, removed otherwise (vrrp_route.c) */
	struct hd_route *routes;
	size_t n_routes;
	struct hd_rule *rules;
	size_t n_rules;
	struct hd_track_if *track_ifs;
	size_t n_track_ifs;
	struct hd_track_script *track_scripts;
	size_t n_track_scripts;
	char *notify_master, *notify_backup, *notify_fault, *notify_stop, *notify;
	uint64_t garp_master_delay_usec;
	unsigned garp_master_repeat;
	uint64_t garp_master_refresh_usec; /* 0 = off */
	bool lower_prio_no_advert;	   /* master: never answer a lower priority */
	unsigned garp_lower_prio_repeat;   /* GARPs per VIP in that answer */
	enum hd_smtp_alert smtp_alert;
	/* use_vmac: VIPs and adverts on a macvlan with the VRRP MAC */
	bool use_vmac;
	char vmac_name[HD_NAME_MAX]; /* "" = vrrp.VRID (vrrp6.VRID for IPv6) */
	bool vmac_xmit_base;	     /* adverts on the base interface instead */
	bool dont_track_primary;     /* own interface down is no fault */
	struct hd_track_process *track_procs;
	size_t n_track_procs;
	int line;
};

struct hd_sync_group_config {
	char name[HD_NAME_MAX];
	size_t *members; /* indexes into hd_config.instances */
	size_t n_members;
	char *notify_master, *notify_backup, *notify_fault, *notify;
	enum hd_smtp_alert smtp_alert;
	int line;
};

enum hd_proto { HD_PROTO_TCP = 0, HD_PROTO_UDP, HD_PROTO_SCTP };
enum hd_lb_kind { HD_LB_DR = 0, HD_LB_NAT, HD_LB_TUN };
enum hd_tun_type { HD_TUN_IPIP = 0, HD_TUN_GUE, HD_TUN_GRE };

enum hd_check_type {
	HD_CHECK_TCP = 0,
	HD_CHECK_HTTP,
	HD_CHECK_HTTPS,
	HD_CHECK_MISC,
	HD_CHECK_SMTP,
	HD_CHECK_DNS,
	HD_CHECK_UDP,
	HD_CHECK_PING,
	HD_CHECK_AGENT, /* agent_check: the weight and state the real server reports */
};

struct hd_status_range {
	uint16_t lo, hi;
};

struct hd_check_config {
	enum hd_check_type type;
	bool has_connect_ip;
	struct hd_addr connect_ip; /* default: the real server's */
	uint16_t connect_port;	   /* 0 = the real server's */
	bool has_bind_ip;
	struct hd_addr bind_ip;
	uint64_t connect_timeout_usec;
	uint64_t delay_loop_usec; /* inherited from the virtual server */
	unsigned rise, fall;
	unsigned retry; /* extra attempts, delay_before_retry apart, per check */
	uint64_t delay_before_retry_usec;
	uint64_t warmup_usec; /* random delay before the first check */
	/* http / https */
	char *path;
	char *virtualhost;
	struct hd_status_range *status;
	size_t n_status;
	int digest_type; /* 0 none, 5 = md5, 256 = sha256 */
	uint8_t digest[32];
	unsigned reuse_connection; /* checks one connection serves; 0, 1: one each */
	char *sni;
	bool verify;
	char *ca_file;
	/* misc */
	char *script;
	uint64_t timeout_usec;
	bool dynamic_weight; /* misc: exit 2..255 sets weight exit-2 */
	/* smtp */
	char *helo_name; /* NULL = "localhost" */
	/* dns */
	char *dns_name;
	char *dns_type;
	/* udp */
	char *udp_payload;
	char *udp_expect;
	/* agent: how far the agent may move the weight, percent of the configured */
	unsigned agent_min_pct, agent_max_pct;
	int line;
};

struct hd_real_server_config {
	struct hd_endpoint ep;
	unsigned weight;
	bool has_lb_kind;
	enum hd_lb_kind lb_kind; /* overrides the virtual server's */
	bool check_fwd_path;	 /* check_forwarding_path (healthcheck/hc_fwd_pkt.h) */
	bool fwd_probe_echo;	 /* forwarding_path_probe = echo */
	unsigned u_threshold, l_threshold;
	bool inhibit_on_failure;
	char *notify_up, *notify_down;
	struct hd_check_config *checks;
	size_t n_checks;
	enum hd_smtp_alert smtp_alert;
	int line;
};

/* One service of a virtual server group (`virtual_server group:NAME` with
 * members = { ... }): its own address and port, or fwmark, sharing the
 * group's real servers, checks and options. */
#define HD_VS_MAX_MEMBERS 1024
struct hd_vs_member {
	bool is_fwmark;
	uint32_t fwmark;
	struct hd_endpoint ep;
};

/* How a virtual server's address reaches clients: VRRP (one active
 * director holds it) or announce (ECMP: every healthy director has a route
 * to it in announce.table, which FRR redistributes over BGP). */
enum hd_vs_mode { HD_VS_MODE_VRRP = 0, HD_VS_MODE_ANNOUNCE };

struct hd_virtual_server_config {
	/* a group: its name, and every member (the first one is also in
	 * is_fwmark/fwmark/ep below, the group's identity); NULL/0 otherwise */
	char *group;
	struct hd_vs_member *members;
	size_t n_members;
	bool is_fwmark;
	uint32_t fwmark;
	int family; /* for fwmark: AF_INET unless `family = inet6` */
	struct hd_endpoint ep;
	enum hd_proto protocol;
	char lb_algo[16];
	unsigned sched_flags; /* IP_VS_SVC_F_SCHED1..3 (sh/mh port, fallback) */
	enum hd_lb_kind lb_kind;
	enum hd_tun_type tun_type;
	uint16_t tun_port;
	uint32_t persistence_timeout;	 /* seconds, 0 = off */
	uint8_t persistence_granularity; /* prefix length, 0 = default */
	uint64_t delay_loop_usec;
	unsigned quorum;
	unsigned hysteresis;
	bool inhibit_on_failure;
	bool alpha, omega;
	bool has_sorry_server;
	struct hd_endpoint sorry_server;
	char *virtualhost;
	char *quorum_up, *quorum_down;
	uint64_t slow_start_usec; /* ramp of a returning real server, 0 = off */
	unsigned slow_start_steps;
	bool check_fwd_path;		    /* check_forwarding_path: the real servers' default */
	bool fwd_probe_echo;		    /* forwarding_path_probe = echo: their default */
	unsigned max_ejection_pct;	    /* fail-open guard, 100 = off */
	uint64_t max_ejection_timeout_usec; /* its bound, 0 = none */
	struct hd_real_server_config *real_servers;
	size_t n_real_servers;
	enum hd_smtp_alert smtp_alert;
	enum hd_vs_mode mode; /* `mode = vrrp | announce` */
	int mode_line;	      /* 0: not written */
	int line;
};

/* The announce section (announce/): how announce-mode addresses reach
 * FRR: as addresses of a TUN device the daemon holds, which FRR
 * redistributes as connected routes. Defaults apply when only
 * `mode = announce` is written. */
#define HD_ANNOUNCE_MAX_IF 8
struct hd_announce_config {
	bool used;				 /* some virtual server has mode = announce */
	char device[16];			 /* the TUN device the VIPs are put on (IFNAMSIZ) */
	char interfaces[HD_ANNOUNCE_MAX_IF][16]; /* must be up to announce */
	size_t n_interfaces;
	/* stop: after the withdrawal, IPVS keeps serving this long while the
	 * router moves the flows under way to the other directors */
	uint64_t stop_delay_usec;
	int line; /* of the section, 0 if absent */
};

/* lvs_sync_daemon's mode: which sync daemons a director runs */
enum hd_lvs_sync_mode {
	HD_LVS_SYNC_VRRP = 0, /* master while the vrrp_instance is master, else backup */
	HD_LVS_SYNC_BOTH,     /* master and backup always: every director active (announce) */
};

struct hd_lvs_sync_config {
	bool enabled;
	enum hd_lvs_sync_mode mode;
	char interface[HD_NAME_MAX];
	size_t instance; /* index into hd_config.instances (mode vrrp) */
	uint8_t syncid;
	/* 0 (group: family 0) when not given: the attribute is not sent and
	 * the kernel uses its default (MTU-sized messages, 224.0.0.81, 8848, 1) */
	uint16_t maxlen; /* sync message payload, bytes */
	uint16_t port;	 /* UDP port (host order, as the kernel takes it) */
	uint8_t ttl;
	struct hd_addr group; /* multicast group, IPv4 or IPv6 */
	int line;
};

struct hd_config {
	char *path;
	struct hd_global_config global;
	struct hd_vrrp_script_config *scripts;
	size_t n_scripts;
	struct hd_vrrp_process_config *processes; /* vrrp_track_process */
	size_t n_processes;
	struct hd_vrrp_instance_config *instances;
	size_t n_instances;
	struct hd_sync_group_config *sync_groups;
	size_t n_sync_groups;
	struct hd_virtual_server_config *virtual_servers;
	size_t n_virtual_servers;
	struct hd_lvs_sync_config lvs_sync;
	struct hd_alert_config alert;
	struct hd_announce_config announce;
	/* "FILE:LINE: warning: ..." lines: valid but costly choices (printed
	 * by -t, logged at start and reload) */
	struct hd_diag warnings;
	/* installed at start whatever the VRRP states, removed at stop */
	struct hd_prefix *static_addrs;
	size_t n_static_addrs;
	struct hd_route *static_routes;
	size_t n_static_routes;
	struct hd_rule *static_rules;
	size_t n_static_rules;
};

/* Parse and validate PATH. Returns NULL and fills DIAG (one
 * "FILE:LINE: message" per problem) when the file is invalid. */
struct hd_config *hd_config_load(const char *path, struct hd_diag *diag);
void hd_config_free(struct hd_config *cfg);

/* Every script (vrrp_script, notify*, misc_check, quorum_*): one simple
 * command whose program, and the file a known interpreter is given, only
 * root, the daemon's user or script_user can change, down the whole path
 * (rules in script_path.h). Also checks global.script_user exists.
 * Appends one line per problem; returns the number of problems.
 * Called by hd_config_load(). */
int hd_config_check_scripts(const struct hd_config *cfg, struct hd_diag *diag);

void hd_diag_add(struct hd_diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void hd_diag_clear(struct hd_diag *d);

/* Small helpers shared by the parser, the control socket and tests. The
 * parsers: 0, or -EINVAL (-ERANGE: a prefix length or port out of range). */
int hd_addr_parse(const char *s, struct hd_addr *out);
int hd_prefix_parse(const char *s, struct hd_prefix *out);
int hd_endpoint_parse(const char *s, struct hd_endpoint *out);
const char *hd_addr_str(const struct hd_addr *a, char *buf, size_t len);
const char *hd_endpoint_str(const struct hd_endpoint *e, char *buf, size_t len);
int hd_addr_cmp(const struct hd_addr *a, const struct hd_addr *b);

const char *hd_check_type_str(enum hd_check_type t);
const char *hd_lb_kind_str(enum hd_lb_kind k);
const char *hd_proto_str(enum hd_proto p);

#endif
