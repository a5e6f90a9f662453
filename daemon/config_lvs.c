/* Conversion of virtual_server, real_server and *_check sections. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <linux/ip_vs.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static const char *const protos[] = {"tcp", "udp", "sctp", NULL};
static const char *const kinds[] = {"dr", "nat", "tun", NULL};
/* forwarding_path_probe: the service's own (a SYN to a TCP port, else an
 * ICMP echo) or always an echo (healthcheck/hc_fwd_pkt.h) */
static const char *const fwd_probes[] = {"service", "echo", NULL};

static const char *const schedulers[] = {"rr",	"wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh",
					 "sed", "nq",  "mh", "fo",  "ovf",  "twos",  NULL};

/* Order matches enum hd_check_type. */
static const char *const check_sections[] = {
    "tcp_check", "http_check", "https_check", "misc_check",  "smtp_check",
    "dns_check", "udp_check",  "ping_check",  "agent_check", NULL};

static void conv_status(struct cctx *c, cfg_t *sec, struct hd_check_config *k)
{
	unsigned n = cnum(sec, "status_code");

	k->status = calloc(n ? n : 1, sizeof(*k->status));
	if (!k->status)
		return;
	if (n == 0) {
		k->status[0] = (struct hd_status_range){200, 299};
		k->n_status = 1;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct cval *v = cget(sec, "status_code", i);
		unsigned lo, hi;
		int used = 0;

		if (sscanf(v->s, "%3u-%3u%n", &lo, &hi, &used) == 2 && !v->s[used]) {
			/* a range */
		} else if (sscanf(v->s, "%3u%n", &lo, &used) == 1 && !v->s[used]) {
			hi = lo;
		} else {
			cerr(c, v->line, "status_code: '%s' is not CODE or LOW-HIGH", v->s);
			continue;
		}
		if (!isdigit((unsigned char)v->s[0]) || lo < 100 || hi > 599 || lo > hi) {
			cerr(c, v->line, "status_code: '%s' is out of range 100..599", v->s);
			continue;
		}
		k->status[k->n_status++] = (struct hd_status_range){(uint16_t)lo, (uint16_t)hi};
	}
}

static void conv_digest(struct cctx *c, cfg_t *sec, struct hd_check_config *k)
{
	const struct cval *v = cget(sec, "digest", 0);
	size_t len;

	if (!v)
		return;
	len = strlen(v->s);
	if ((len != 32 && len != 64) || strspn(v->s, "0123456789abcdefABCDEF") != len) {
		cerr(c, v->line, "digest: must be 32 (MD5) or 64 (SHA-256) hex digits");
		return;
	}
	k->digest_type = len == 32 ? 5 : 256;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned b;
		sscanf(v->s + 2 * i, "%2x", &b);
		k->digest[i] = (uint8_t)b;
	}
}

static void conv_http(struct cctx *c, cfg_t *sec, const struct hd_virtual_server_config *vs,
		      struct hd_check_config *k)
{
	const struct cval *p = cget(sec, "path", 0);

	if (!p)
		cerr(c, k->line, "%s: 'path' is required", check_sections[k->type]);
	else if (p->s[0] != '/')
		cerr(c, p->line, "path: '%s' must start with /", p->s);
	get_str(c, sec, "path", &k->path);
	if (!get_str(c, sec, "virtualhost", &k->virtualhost) && vs->virtualhost)
		k->virtualhost = strdup(vs->virtualhost);
	conv_status(c, sec, k);
	conv_digest(c, sec, k);
	get_uint(c, sec, "reuse_connection", 0, 1000000, &k->reuse_connection);
	if (k->type != HD_CHECK_HTTPS)
		return;
	get_str(c, sec, "sni", &k->sni);
	k->verify = true;
	get_bool(c, sec, "verify", &k->verify);
	get_str(c, sec, "ca_file", &k->ca_file);
}

/* Options every check type has, and the connection ones of the network checks. */
static void conv_check_common(struct cctx *c, cfg_t *sec, const struct hd_real_server_config *rs,
			      const struct hd_virtual_server_config *vs, struct hd_check_config *k)
{
	const struct cval *bind = cget(sec, "bind_ip", 0);
	unsigned port;
	int fam;

	k->delay_loop_usec = vs->delay_loop_usec;
	get_dur(c, sec, "delay_loop", 0.01, 86400, &k->delay_loop_usec);
	k->rise = k->fall = 1;
	get_uint(c, sec, "rise", 1, 1000, &k->rise);
	get_uint(c, sec, "fall", 1, 1000, &k->fall);
	get_uint(c, sec, "retry", 0, 100, &k->retry);
	k->delay_before_retry_usec = 1000000;
	get_dur(c, sec, "delay_before_retry", 0, 3600, &k->delay_before_retry_usec);
	get_dur(c, sec, "warmup", 0, 3600, &k->warmup_usec);
	if (k->type == HD_CHECK_MISC)
		return;
	k->has_connect_ip = get_addr(c, sec, "connect_ip", &k->connect_ip);
	k->connect_timeout_usec = 5000000;
	get_dur(c, sec, "connect_timeout", 0.001, 3600, &k->connect_timeout_usec);
	if (k->type == HD_CHECK_PING) /* no port, no bind: an echo to the address */
		return;
	if (get_uint(c, sec, "connect_port", 1, 65535, &port))
		k->connect_port = (uint16_t)port;
	k->has_bind_ip = get_addr(c, sec, "bind_ip", &k->bind_ip);
	fam = k->has_connect_ip ? k->connect_ip.family : rs->ep.addr.family;
	if (k->has_bind_ip && k->bind_ip.family != fam)
		cerr(c, bind->line, "bind_ip: %s is not of the address family checked", bind->s);
}

static void conv_check(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
		       const struct hd_virtual_server_config *vs,
		       const struct hd_real_server_config *rs, struct hd_check_config *k)
{
	static const char *const dns_types[] = {"A",  "NS",  "CNAME", "SOA",
						"MX", "TXT", "AAAA",  NULL};
	int t;

	k->line = sec_line(sec);
	conv_check_common(c, sec, rs, vs, k);
	switch (k->type) {
	case HD_CHECK_HTTP:
	case HD_CHECK_HTTPS:
		conv_http(c, sec, vs, k);
		break;
	case HD_CHECK_MISC:
		if (!get_str(c, sec, "script", &k->script) && !cget(sec, "script", 0))
			cerr(c, k->line, "misc_check: 'script' is required");
		k->timeout_usec = cfg->global.script_timeout_usec;
		get_dur(c, sec, "timeout", 0.001, 3600, &k->timeout_usec);
		get_bool(c, sec, "dynamic_weight", &k->dynamic_weight);
		break;
	case HD_CHECK_SMTP:
		get_str(c, sec, "helo_name", &k->helo_name);
		break;
	case HD_CHECK_DNS:
		t = 3;
		get_enum(c, sec, "type", dns_types, &t);
		k->dns_type = strdup(dns_types[t]);
		if (!get_str(c, sec, "name", &k->dns_name))
			k->dns_name = strdup(".");
		break;
	case HD_CHECK_UDP:
		get_str(c, sec, "payload", &k->udp_payload);
		get_str(c, sec, "expect", &k->udp_expect);
		break;
	case HD_CHECK_AGENT:
		if (!k->connect_port)
			cerr(c, k->line, "agent_check: 'connect_port' is required");
		k->agent_max_pct = 100;
		get_uint(c, sec, "min_weight", 0, 1000, &k->agent_min_pct);
		get_uint(c, sec, "max_weight", 0, 1000, &k->agent_max_pct);
		if (k->agent_min_pct > k->agent_max_pct)
			cerr(c, k->line, "agent_check: min_weight %u is above max_weight %u",
			     k->agent_min_pct, k->agent_max_pct);
		break;
	case HD_CHECK_TCP:
	case HD_CHECK_PING:
		break;
	}
}

/* A real server is ADDR:PORT, [V6]:PORT, or a bare address (the virtual
 * server's port; any port for fwmark services). */
static int parse_rs_title(const char *s, uint16_t vs_port, struct hd_endpoint *ep)
{
	if (hd_endpoint_parse(s, ep) == 0)
		return 0;
	if (s[0] == '[' && s[strlen(s) - 1] == ']') {
		char buf[INET6_ADDRSTRLEN + 2];
		snprintf(buf, sizeof(buf), "%.*s", (int)strlen(s) - 2, s + 1);
		if (hd_addr_parse(buf, &ep->addr) < 0 || ep->addr.family != AF_INET6)
			return -1;
	} else if (hd_addr_parse(s, &ep->addr) < 0) {
		return -1;
	}
	ep->port = vs_port;
	return 0;
}

static void conv_rs_checks(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
			   const struct hd_virtual_server_config *vs,
			   struct hd_real_server_config *rs)
{
	unsigned total = 0;

	for (int t = 0; check_sections[t]; t++)
		total += cnum(sec, check_sections[t]);
	rs->checks = calloc(total ? total : 1, sizeof(*rs->checks));
	if (!rs->checks)
		return;
	for (int t = 0; check_sections[t]; t++) {
		for (unsigned i = 0; i < cnum(sec, check_sections[t]); i++) {
			struct hd_check_config *k = &rs->checks[rs->n_checks++];
			k->type = (enum hd_check_type)t;
			conv_check(c, csec(sec, check_sections[t], i), cfg, vs, rs, k);
		}
	}
}

void conv_rs(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
	     const struct hd_virtual_server_config *vs, struct hd_real_server_config *rs)
{
	const struct cval *ut;
	int kind, probe;

	rs->line = sec_line(sec);
	if (parse_rs_title(cfg_title(sec), vs->ep.port, &rs->ep) < 0) {
		cerr(c, rs->line, "real_server: '%s' is not ADDR:PORT, [V6ADDR]:PORT or ADDR",
		     cfg_title(sec));
		return;
	}
	rs->weight = 1;
	get_uint(c, sec, "weight", 0, 65535, &rs->weight);
	if (get_enum(c, sec, "lb_kind", kinds, &kind)) {
		rs->has_lb_kind = true;
		rs->lb_kind = (enum hd_lb_kind)kind;
	}
	kind = rs->has_lb_kind ? (int)rs->lb_kind : (int)vs->lb_kind;
	/* IPVS forwards to another family only through a tunnel. */
	if (rs->ep.addr.family != vs->family && kind != HD_LB_TUN)
		cerr(c, rs->line,
		     "real_server %s: address family differs from the virtual "
		     "server's (only lb_kind tun can mix them)",
		     cfg_title(sec));
	if (!vs->is_fwmark && !vs->group && kind != HD_LB_NAT && rs->ep.port != vs->ep.port)
		cerr(c, rs->line, "real_server %s: lb_kind %s cannot change the port (%u)",
		     cfg_title(sec), kinds[kind], vs->ep.port);
	rs->check_fwd_path = vs->check_fwd_path;
	if (get_bool(c, sec, "check_forwarding_path", &rs->check_fwd_path) && rs->check_fwd_path &&
	    kind != HD_LB_NAT && (vs->is_fwmark || vs->family != AF_INET))
		cerr(c, cget(sec, "check_forwarding_path", 0)->line,
		     "check_forwarding_path: needs an IPv4 virtual address (not fwmark, not IPv6)");
	rs->fwd_probe_echo = vs->fwd_probe_echo;
	if (get_enum(c, sec, "forwarding_path_probe", fwd_probes, &probe))
		rs->fwd_probe_echo = probe == 1;
	get_uint(c, sec, "u_threshold", 0, 65535, &rs->u_threshold);
	get_uint(c, sec, "l_threshold", 0, 65535, &rs->l_threshold);
	ut = cget(sec, "l_threshold", 0);
	if (ut && (rs->u_threshold == 0 || rs->l_threshold >= rs->u_threshold))
		cerr(c, ut->line, "l_threshold: must be below a non-zero u_threshold");
	rs->inhibit_on_failure = vs->inhibit_on_failure;
	get_bool(c, sec, "inhibit_on_failure", &rs->inhibit_on_failure);
	get_str(c, sec, "notify_up", &rs->notify_up);
	get_str(c, sec, "notify_down", &rs->notify_down);
	conv_rs_checks(c, sec, cfg, vs, rs);
}

/* "fwmark:N", or an endpoint with an optional "/tcp", "/udp" or "/sctp":
 * titles must be unique, so a TCP and a UDP service on the same address
 * and port are told apart in the title. Returns the protocol or -1 when
 * none is given, -2 on error. */
static int parse_vs_title(const char *s, struct hd_virtual_server_config *vs)
{
	char buf[128];
	const char *slash;
	int proto = -1;
	long mark;

	if (strncmp(s, "group:", 6) == 0) {
		if (!s[6] || strlen(s + 6) >= HD_NAME_MAX || strpbrk(s + 6, " \t:/[]"))
			return -2;
		vs->group = strdup(s + 6);
		return -1;
	}
	if (strncmp(s, "fwmark:", 7) == 0) {
		char *end;
		if (!isdigit((unsigned char)s[7]))
			return -2;
		mark = strtol(s + 7, &end, 10);
		if (*end || mark < 1 || mark > 0xffffffffL)
			return -2;
		vs->is_fwmark = true;
		vs->fwmark = (uint32_t)mark;
		vs->family = AF_INET;
		return -1;
	}
	slash = strrchr(s, '/');
	if (slash && (proto = enum_index(slash + 1, protos)) < 0)
		return -2;
	snprintf(buf, sizeof(buf), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	if (hd_endpoint_parse(buf, &vs->ep) < 0)
		return -2;
	vs->family = vs->ep.addr.family;
	return proto;
}

static void conv_sched(struct cctx *c, cfg_t *sec, struct hd_virtual_server_config *vs)
{
	static const char *const flags[] = {"sh-fallback", "sh-port", "mh-fallback", "mh-port",
					    NULL};
	static const unsigned bits[] = {IP_VS_SVC_F_SCHED_SH_FALLBACK, IP_VS_SVC_F_SCHED_SH_PORT,
					IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2};
	int algo = 3;

	get_enum(c, sec, "lb_algo", schedulers, &algo);
	snprintf(vs->lb_algo, sizeof(vs->lb_algo), "%s", schedulers[algo]);
	for (unsigned i = 0; i < cnum(sec, "sched_flags"); i++) {
		const struct cval *v = cget(sec, "sched_flags", i);
		int f = enum_index(v->s, flags);

		if (f < 0)
			cerr(c, v->line,
			     "sched_flags: unknown flag '%s' (expected sh-fallback | "
			     "sh-port | mh-fallback | mh-port)",
			     v->s);
		else if (strncmp(v->s, vs->lb_algo, 2) != 0)
			cerr(c, v->line, "sched_flags: %s needs lb_algo = %.2s", v->s, v->s);
		else
			vs->sched_flags |= bits[f];
	}
}

static void conv_persistence(struct cctx *c, cfg_t *sec, struct hd_virtual_server_config *vs)
{
	const struct cval *g = cget(sec, "persistence_granularity", 0);
	struct in_addr mask;
	unsigned len = 0, max = vs->family == AF_INET6 ? 128 : 32;

	get_uint(c, sec, "persistence_timeout", 0, 2147483647, &vs->persistence_timeout);
	if (!g)
		return;
	if (vs->family == AF_INET && strchr(g->s, '.')) {
		uint32_t inv = 0xffffffffu;
		if (inet_pton(AF_INET, g->s, &mask) == 1)
			inv = ~ntohl(mask.s_addr);
		/* contiguous: the inverted mask is 2^k - 1 */
		if (inv == 0xffffffffu || (inv & (inv + 1)) != 0) {
			cerr(c, g->line, "persistence_granularity: '%s' is not a netmask", g->s);
			return;
		}
		len = 32 - (unsigned)__builtin_popcount(inv);
	} else if (!get_uint(c, sec, "persistence_granularity", 1, max, &len)) {
		return;
	}
	vs->persistence_granularity = (uint8_t)len;
	if (vs->persistence_timeout == 0)
		cerr(c, g->line, "persistence_granularity: needs persistence_timeout");
}

static void conv_tunnel(struct cctx *c, cfg_t *sec, struct hd_virtual_server_config *vs)
{
	static const char *const types[] = {"ipip", "gue", "gre", NULL};
	const struct cval *tt = cget(sec, "tun_type", 0), *tp = cget(sec, "tun_port", 0);
	int t = 0;
	unsigned port = 0;

	if (get_enum(c, sec, "tun_type", types, &t))
		vs->tun_type = (enum hd_tun_type)t;
	if (tt && vs->lb_kind != HD_LB_TUN)
		cerr(c, tt->line, "tun_type: needs lb_kind = tun");
	if (get_uint(c, sec, "tun_port", 1, 65535, &port))
		vs->tun_port = (uint16_t)port;
	if (tp && vs->tun_type != HD_TUN_GUE)
		cerr(c, tp->line, "tun_port: needs tun_type = gue");
	if (vs->tun_type == HD_TUN_GUE && !tp)
		cerr(c, tt->line, "tun_type gue: needs tun_port");
}

static void conv_vs_options(struct cctx *c, cfg_t *sec, struct hd_virtual_server_config *vs,
			    int title_proto)
{
	static const char *const families[] = {"inet", "inet6", NULL};
	const struct cval *v;
	int i;

	if (get_enum(c, sec, "protocol", protos, &i)) {
		if (title_proto >= 0 && i != title_proto)
			cerr(c, cget(sec, "protocol", 0)->line,
			     "protocol: %s contradicts the /%s in the title", protos[i],
			     protos[title_proto]);
		vs->protocol = (enum hd_proto)i;
	}
	if (vs->group) /* conv_members() took it */
		;
	else if ((v = cget(sec, "family", 0)) && !vs->is_fwmark)
		cerr(c, v->line, "family: only for fwmark services (the address says it)");
	else if (get_enum(c, sec, "family", families, &i))
		vs->family = i ? AF_INET6 : AF_INET;
	conv_sched(c, sec, vs);
	if (get_enum(c, sec, "lb_kind", kinds, &i))
		vs->lb_kind = (enum hd_lb_kind)i;
	conv_tunnel(c, sec, vs);
	conv_persistence(c, sec, vs);
	vs->delay_loop_usec = 5000000;
	get_dur(c, sec, "delay_loop", 0.01, 86400, &vs->delay_loop_usec);
	vs->quorum = 1;
	get_uint(c, sec, "quorum", 0, 1 << 30, &vs->quorum);
	get_uint(c, sec, "hysteresis", 0, 1 << 30, &vs->hysteresis);
	get_bool(c, sec, "inhibit_on_failure", &vs->inhibit_on_failure);
	get_bool(c, sec, "alpha", &vs->alpha);
	get_bool(c, sec, "omega", &vs->omega);
	if (get_endpoint(c, sec, "sorry_server", &vs->sorry_server)) {
		vs->has_sorry_server = true;
		v = cget(sec, "sorry_server", 0);
		if (vs->sorry_server.addr.family != vs->family)
			cerr(c, v->line, "sorry_server: %s is not of the service's address family",
			     v->s);
	}
	get_str(c, sec, "virtualhost", &vs->virtualhost);
	get_str(c, sec, "quorum_up", &vs->quorum_up);
	get_str(c, sec, "quorum_down", &vs->quorum_down);
	get_dur(c, sec, "slow_start", 0, 86400, &vs->slow_start_usec);
	vs->slow_start_steps = 10;
	get_uint(c, sec, "slow_start_steps", 1, 100, &vs->slow_start_steps);
	vs->max_ejection_pct = 100;
	get_uint(c, sec, "max_ejection", 0, 100, &vs->max_ejection_pct);
	vs->max_ejection_timeout_usec = 600000000;
	get_dur(c, sec, "max_ejection_timeout", 0, 86400, &vs->max_ejection_timeout_usec);
	if (get_bool(c, sec, "check_forwarding_path", &vs->check_fwd_path) && vs->check_fwd_path &&
	    vs->lb_kind != HD_LB_NAT && (vs->is_fwmark || vs->family != AF_INET))
		cerr(c, cget(sec, "check_forwarding_path", 0)->line,
		     "check_forwarding_path: needs an IPv4 virtual address (not fwmark, not IPv6)");
	if (get_enum(c, sec, "forwarding_path_probe", fwd_probes, &i))
		vs->fwd_probe_echo = i == 1;
}

/* One member: "ADDR:PORT", "[V6]:PORT", a range "A.B.C.D-E:PORT" or
 * "[V6-X]:PORT" (the last byte, or IPv6's last 16-bit group in hex, from
 * its value up to E/X, keepalived's `A.B.C.D-E PORT`), or "fwmark:N".
 * Appends to VS->members; returns -1 with the message on error. */
static int add_member(struct cctx *c, const struct cval *v, struct hd_virtual_server_config *vs)
{
	char buf[128], *dash, *end;
	const char *port;
	struct hd_vs_member m = {0};
	unsigned long last = 0, first = 0, n = 1;

	if (!strncmp(v->s, "fwmark:", 7)) {
		unsigned long mark = strtoul(v->s + 7, &end, 10);
		if (!isdigit((unsigned char)v->s[7]) || *end || mark < 1 || mark > 0xffffffffUL)
			goto bad;
		m.is_fwmark = true;
		m.fwmark = (uint32_t)mark;
	} else {
		bool v6 = v->s[0] == '[';
		const char *close = v6 ? strchr(v->s, ']') : strrchr(v->s, ':');
		if (!close || (v6 && close[1] != ':') || strlen(v->s) >= sizeof(buf))
			goto bad;
		port = v6 ? close + 2 : close + 1;
		snprintf(buf, sizeof(buf), "%.*s", (int)(close - v->s) - v6, v->s + v6);
		if ((dash = strchr(buf, '-'))) {
			*dash = 0;
			last = strtoul(dash + 1, &end, v6 ? 16 : 10);
			if (!isxdigit((unsigned char)dash[1]) || *end ||
			    last > (v6 ? 0xffffUL : 255))
				goto bad;
		}
		unsigned long p = strtoul(port, &end, 10);
		if (hd_addr_parse(buf, &m.ep.addr) < 0 || (m.ep.addr.family == AF_INET6) != v6 ||
		    !isdigit((unsigned char)*port) || *end || p < 1 || p > 65535)
			goto bad;
		m.ep.port = (uint16_t)p;
		first =
		    v6 ? (unsigned long)m.ep.addr.u.v6.s6_addr[14] << 8 | m.ep.addr.u.v6.s6_addr[15]
		       : ntohl(m.ep.addr.u.v4.s_addr) & 0xff;
		if (dash && last < first)
			goto bad;
		n = dash ? last - first + 1 : 1;
	}
	if (vs->n_members + n > HD_VS_MAX_MEMBERS) {
		cerr(c, v->line, "members: more than %d services in group %s", HD_VS_MAX_MEMBERS,
		     vs->group);
		return -1;
	}
	for (unsigned long i = 0; i < n; i++, first++) {
		if (m.ep.addr.family == AF_INET6) {
			m.ep.addr.u.v6.s6_addr[14] = (uint8_t)(first >> 8);
			m.ep.addr.u.v6.s6_addr[15] = (uint8_t)first;
		} else if (m.ep.addr.family == AF_INET) {
			m.ep.addr.u.v4.s_addr =
			    htonl((ntohl(m.ep.addr.u.v4.s_addr) & ~0xffu) | (uint32_t)first);
		}
		vs->members[vs->n_members++] = m;
	}
	return 0;
bad:
	cerr(c, v->line,
	     "members: '%s' is not ADDR:PORT, [V6ADDR]:PORT, A.B.C.D-E:PORT, [V6ADDR-X]:PORT or "
	     "fwmark:N",
	     v->s);
	return -1;
}

static bool member_same(const struct hd_vs_member *a, const struct hd_vs_member *b)
{
	if (a->is_fwmark || b->is_fwmark)
		return a->is_fwmark && b->is_fwmark && a->fwmark == b->fwmark;
	return a->ep.port == b->ep.port && !hd_addr_cmp(&a->ep.addr, &b->ep.addr);
}

/* A group's members: each its own IPVS service with the group's real
 * servers. One address family (fwmark members take it; `family` when all
 * are fwmarks). The first member is the group's identity (vs->ep, fwmark). */
static int conv_members(struct cctx *c, cfg_t *sec, struct hd_virtual_server_config *vs)
{
	static const char *const families[] = {"inet", "inet6", NULL};
	unsigned n = cnum(sec, "members");
	int fam = 0, i;

	if (!n) {
		cerr(c, vs->line, "virtual_server group:%s: 'members' is required", vs->group);
		return -1;
	}
	if (!(vs->members = calloc(HD_VS_MAX_MEMBERS, sizeof(*vs->members))))
		return -1;
	for (unsigned k = 0; k < n; k++) {
		const struct cval *v = cget(sec, "members", k);
		size_t from = vs->n_members;
		if (add_member(c, v, vs) < 0)
			return -1;
		for (size_t j = from; j < vs->n_members; j++) {
			const struct hd_vs_member *m = &vs->members[j];
			if (!m->is_fwmark && fam && m->ep.addr.family != fam) {
				cerr(c, v->line,
				     "members: '%s' is not of the group's address family", v->s);
				return -1;
			}
			if (!m->is_fwmark)
				fam = m->ep.addr.family;
			for (size_t o = 0; o < j; o++)
				if (member_same(&vs->members[o], m)) {
					cerr(c, v->line,
					     "members: '%s' repeats a service of the group", v->s);
					return -1;
				}
		}
	}
	if (get_enum(c, sec, "family", families, &i)) {
		if (fam && fam != (i ? AF_INET6 : AF_INET))
			cerr(c, cget(sec, "family", 0)->line,
			     "family: contradicts the members' addresses");
		fam = i ? AF_INET6 : AF_INET;
	}
	vs->family = fam ? fam : AF_INET;
	vs->is_fwmark = vs->members[0].is_fwmark;
	vs->fwmark = vs->members[0].fwmark;
	vs->ep = vs->members[0].ep;
	return 0;
}

/* A group member that is also another service, or another group's member:
 * IPVS has one service per address, port and protocol (or fwmark). */
static void check_member_dupes(struct cctx *c, const struct hd_config *cfg)
{
	for (size_t g = 0; g < cfg->n_virtual_servers; g++) {
		const struct hd_virtual_server_config *a = &cfg->virtual_servers[g];
		for (size_t i = 0; a->group && i < a->n_members; i++) {
			for (size_t o = 0; o < cfg->n_virtual_servers; o++) {
				const struct hd_virtual_server_config *b = &cfg->virtual_servers[o];
				struct hd_vs_member single = {b->is_fwmark, b->fwmark, b->ep};
				size_t nb = b->group ? b->n_members : 1;
				if (o == g || b->family != a->family)
					continue;
				for (size_t j = 0; j < nb; j++)
					if ((a->members[i].is_fwmark ||
					     b->protocol == a->protocol) &&
					    member_same(&a->members[i],
							b->group ? &b->members[j] : &single)) {
						cerr(c, a->line,
						     "virtual_server group:%s: a member is also a "
						     "service of the virtual_server on line %d",
						     a->group, b->line);
						return;
					}
			}
		}
	}
}

static void conv_vs(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
		    struct hd_virtual_server_config *vs)
{
	unsigned n = cnum(sec, "real_server");
	int title_proto;

	vs->line = sec_line(sec);
	title_proto = parse_vs_title(cfg_title(sec), vs);
	if (title_proto == -2) {
		cerr(c, vs->line,
		     "virtual_server: '%s' is not ADDR:PORT, [V6ADDR]:PORT "
		     "(optionally /tcp, /udp, /sctp), fwmark:N or group:NAME",
		     cfg_title(sec));
		return;
	}
	if (vs->group && conv_members(c, sec, vs) < 0)
		return;
	if (!vs->group && cnum(sec, "members"))
		cerr(c, cget(sec, "members", 0)->line,
		     "members: only in a virtual_server group:NAME");
	if (title_proto >= 0)
		vs->protocol = (enum hd_proto)title_proto;
	conv_vs_options(c, sec, vs, title_proto);
	vs->real_servers = calloc(n ? n : 1, sizeof(*vs->real_servers));
	if (!vs->real_servers)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct hd_real_server_config *rs = &vs->real_servers[vs->n_real_servers];

		conv_rs(c, csec(sec, "real_server", i), cfg, vs, rs);
		for (size_t j = 0; j < vs->n_real_servers; j++)
			if (rs->ep.addr.family &&
			    hd_addr_cmp(&vs->real_servers[j].ep.addr, &rs->ep.addr) == 0 &&
			    vs->real_servers[j].ep.port == rs->ep.port)
				cerr(c, rs->line, "real_server %s: already defined on line %d",
				     cfg_title(csec(sec, "real_server", i)),
				     vs->real_servers[j].line);
		vs->n_real_servers++;
	}
}

void conv_virtual_servers(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned n = cnum(root, "virtual_server");

	cfg->virtual_servers = calloc(n ? n : 1, sizeof(*cfg->virtual_servers));
	if (!cfg->virtual_servers)
		return;
	for (unsigned i = 0; i < n; i++)
		conv_vs(c, csec(root, "virtual_server", i), cfg,
			&cfg->virtual_servers[cfg->n_virtual_servers++]);
	check_member_dupes(c, cfg);
}
