/* PURE: IPVS table values, canonical order, and the desired table built
 * from the config plus health verdicts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs_steps.h"
#include "ipvs_types.h"

void ipvs_table_init(struct ipvs_table *t)
{
	memset(t, 0, sizeof(*t));
	t->sorted = true;
}

void ipvs_table_free(struct ipvs_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	ipvs_table_init(t);
}

void ipvs_table_move(struct ipvs_table *dst, struct ipvs_table *src)
{
	ipvs_table_free(dst);
	*dst = *src;
	ipvs_table_init(src);
}

struct ipvs_service *ipvs_table_add(struct ipvs_table *t, const struct ipvs_service *tmpl)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct ipvs_service *v = realloc(t->svcs, cap * sizeof(*v));
		if (!v)
			return NULL;
		t->svcs = v;
		t->cap = cap;
	}
	struct ipvs_service *s = &t->svcs[t->n++];
	*s = *tmpl;
	s->sched[sizeof(s->sched) - 1] = '\0';
	s->dests = NULL;
	s->n_dests = s->cap_dests = 0;
	s->dests_sorted = true;
	t->sorted = false;
	return s;
}

struct ipvs_dest *ipvs_service_add_dest(struct ipvs_service *s, const struct ipvs_dest *d)
{
	if (s->n_dests == s->cap_dests) {
		size_t cap = s->cap_dests ? s->cap_dests * 2 : 4;
		struct ipvs_dest *v = realloc(s->dests, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->dests = v;
		s->cap_dests = cap;
	}
	s->dests[s->n_dests] = *d;
	s->dests_sorted = false;
	return &s->dests[s->n_dests++];
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int ipvs_svc_key_cmp(const struct ipvs_svc_key *a, const struct ipvs_svc_key *b)
{
	int c;
	if ((c = cmp_u32(a->af, b->af)))
		return c;
	if ((c = cmp_u32(a->fwmark, b->fwmark)))
		return c;
	if ((c = cmp_u32(a->protocol, b->protocol)))
		return c;
	if ((c = memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b))))
		return c;
	return cmp_u32(a->port, b->port);
}

int ipvs_dest_key_cmp(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	int c;
	if ((c = cmp_u32(a->af, b->af)))
		return c;
	if ((c = memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b))))
		return c;
	return cmp_u32(a->port, b->port);
}

static int svc_qcmp(const void *a, const void *b)
{
	return ipvs_svc_key_cmp(&((const struct ipvs_service *)a)->key,
				&((const struct ipvs_service *)b)->key);
}

static int dest_qcmp(const void *a, const void *b)
{
	return ipvs_dest_key_cmp(a, b);
}

/* Tables built from a config in address order (the usual case) and kernel
 * dumps are often sorted already: one linear check saves the qsort. */
static bool dests_ascending(const struct ipvs_service *s)
{
	for (size_t i = 1; i < s->n_dests; i++)
		if (ipvs_dest_key_cmp(&s->dests[i - 1], &s->dests[i]) >= 0)
			return false;
	return true;
}

static bool svcs_ascending(const struct ipvs_table *t)
{
	for (size_t i = 1; i < t->n; i++)
		if (ipvs_svc_key_cmp(&t->svcs[i - 1].key, &t->svcs[i].key) >= 0)
			return false;
	return true;
}

/* The kernel adds a service's destinations at the head of its list, so a
 * dump lists them in the reverse of the order they were added: a table
 * written in address order comes back strictly descending. */
static bool dests_reversed(struct ipvs_service *s)
{
	for (size_t i = 1; i < s->n_dests; i++)
		if (ipvs_dest_key_cmp(&s->dests[i - 1], &s->dests[i]) <= 0)
			return false;
	for (size_t i = 0, j = s->n_dests - 1; i < j; i++, j--) {
		struct ipvs_dest t = s->dests[i];
		s->dests[i] = s->dests[j];
		s->dests[j] = t;
	}
	return true;
}

static void service_sort(struct ipvs_service *s)
{
	if (s->dests_sorted)
		return;
	if (dests_ascending(s) || dests_reversed(s)) {
		s->dests_sorted = true;
		return;
	}
	qsort(s->dests, s->n_dests, sizeof(*s->dests), dest_qcmp);
	size_t w = 0;
	for (size_t r = 0; r < s->n_dests; r++) {
		if (w && !ipvs_dest_key_cmp(&s->dests[w - 1], &s->dests[r]))
			continue;
		s->dests[w++] = s->dests[r];
	}
	s->n_dests = w;
	s->dests_sorted = true;
}

void ipvs_table_sort(struct ipvs_table *t)
{
	if (!t->sorted && svcs_ascending(t))
		t->sorted = true;
	if (!t->sorted) {
		qsort(t->svcs, t->n, sizeof(*t->svcs), svc_qcmp);
		size_t w = 0;
		for (size_t r = 0; r < t->n; r++) {
			if (w && !ipvs_svc_key_cmp(&t->svcs[w - 1].key, &t->svcs[r].key)) {
				free(t->svcs[r].dests);
				continue;
			}
			t->svcs[w++] = t->svcs[r];
		}
		t->n = w;
		t->sorted = true;
	}
	for (size_t i = 0; i < t->n; i++)
		service_sort(&t->svcs[i]);
}

struct ipvs_service *ipvs_table_find(const struct ipvs_table *t, const struct ipvs_svc_key *k)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ipvs_svc_key_cmp(&t->svcs[mid].key, k);
		if (!c)
			return &t->svcs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct ipvs_dest *ipvs_service_find_dest(const struct ipvs_service *s, const struct ipvs_dest *k)
{
	size_t lo = 0, hi = s->n_dests;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ipvs_dest_key_cmp(&s->dests[mid], k);
		if (!c)
			return &s->dests[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t ipvs_table_n_dests(const struct ipvs_table *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += t->svcs[i].n_dests;
	return n;
}

bool ipvs_service_attrs_equal(const struct ipvs_service *want, const struct ipvs_service *have)
{
	if (strncmp(want->sched, have->sched, sizeof(want->sched)))
		return false;
	if ((want->flags ^ have->flags) & IPVS_SVC_FLAGS_MANAGED)
		return false;
	/* Timeout and netmask mean nothing without persistence: an adopted
	 * service with other values there needs no write. */
	if (want->flags & IP_VS_SVC_F_PERSISTENT)
		return want->timeout == have->timeout && want->netmask == have->netmask;
	return true;
}

bool ipvs_dest_attrs_equal(const struct ipvs_dest *want, const struct ipvs_dest *have)
{
	/* The kernel may report a local address as LOCALNODE whatever was
	 * asked; accept it rather than rewrite it on every pass. */
	if (want->fwd != have->fwd && have->fwd != IP_VS_CONN_F_LOCALNODE)
		return false;
	if (want->weight != have->weight || want->u_threshold != have->u_threshold ||
	    want->l_threshold != have->l_threshold)
		return false;
	if (want->fwd == IP_VS_CONN_F_TUNNEL)
		return want->tun_type == have->tun_type && want->tun_port == have->tun_port &&
		       want->tun_flags == have->tun_flags;
	return true;
}

const char *ipvs_proto_str(uint16_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	case 0:
		return "FWM";
	default:
		return "?";
	}
}

const char *ipvs_fwd_str(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ:
		return "nat";
	case IP_VS_CONN_F_LOCALNODE:
		return "local";
	case IP_VS_CONN_F_TUNNEL:
		return "tun";
	case IP_VS_CONN_F_DROUTE:
		return "dr";
	default:
		return "bypass";
	}
}

uint8_t ipvs_af_maxlen(uint16_t af)
{
	return af == AF_INET6 ? 128 : 32;
}

static const char *addr_port_str(uint16_t af, const union ipvs_addr *a, uint16_t port, char *buf,
				 size_t len)
{
	char ab[INET6_ADDRSTRLEN];
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, a->b, ab, sizeof(ab)))
		snprintf(ab, sizeof(ab), "?");
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", ab, (unsigned)port);
	return buf;
}

const char *ipvs_svc_key_str(const struct ipvs_svc_key *k, char *buf, size_t len)
{
	if (k->fwmark) {
		snprintf(buf, len, "FWM %u%s", (unsigned)k->fwmark,
			 k->af == AF_INET6 ? " inet6" : "");
		return buf;
	}
	char ap[INET6_ADDRSTRLEN + 10];
	addr_port_str(k->af, &k->addr, k->port, ap, sizeof(ap));
	snprintf(buf, len, "%s %s", ipvs_proto_str(k->protocol), ap);
	return buf;
}

const char *ipvs_dest_str(const struct ipvs_dest *d, char *buf, size_t len)
{
	return addr_port_str(d->af, &d->addr, d->port, buf, len);
}

/* ---- desired table ---- */

static uint16_t proto_to_ip(enum hd_proto p)
{
	switch (p) {
	case HD_PROTO_UDP:
		return IPPROTO_UDP;
	case HD_PROTO_SCTP:
		return IPPROTO_SCTP;
	case HD_PROTO_TCP:
	default:
		return IPPROTO_TCP;
	}
}

static uint32_t lb_to_fwd(enum hd_lb_kind k)
{
	switch (k) {
	case HD_LB_NAT:
		return IP_VS_CONN_F_MASQ;
	case HD_LB_TUN:
		return IP_VS_CONN_F_TUNNEL;
	case HD_LB_DR:
	default:
		return IP_VS_CONN_F_DROUTE;
	}
}

static uint8_t tun_type(enum hd_tun_type t)
{
	switch (t) {
	case HD_TUN_GUE:
		return IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	case HD_TUN_GRE:
		return IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	case HD_TUN_IPIP:
	default:
		return IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
	}
}

static void addr_from_hd(const struct hd_addr *a, uint16_t *af, union ipvs_addr *out)
{
	memset(out, 0, sizeof(*out));
	*af = a->family == AF_INET6 ? AF_INET6 : AF_INET;
	if (*af == AF_INET6)
		out->v6 = a->u.v6;
	else
		out->v4 = a->u.v4;
}

void ipvs_model_vs_key(const struct hd_virtual_server_config *vs, struct ipvs_svc_key *k)
{
	memset(k, 0, sizeof(*k));
	if (vs->is_fwmark) {
		k->af = vs->family == AF_INET6 ? AF_INET6 : AF_INET;
		k->fwmark = vs->fwmark;
		return;
	}
	addr_from_hd(&vs->ep.addr, &k->af, &k->addr);
	k->protocol = proto_to_ip(vs->protocol);
	k->port = vs->ep.port;
}

static void dest_from_ep(const struct hd_virtual_server_config *vs, const struct hd_endpoint *ep,
			 enum hd_lb_kind kind, struct ipvs_dest *d)
{
	memset(d, 0, sizeof(*d));
	addr_from_hd(&ep->addr, &d->af, &d->addr);
	d->port = ep->port;
	d->fwd = lb_to_fwd(kind);
	if (d->fwd == IP_VS_CONN_F_TUNNEL) {
		d->tun_type = tun_type(vs->tun_type);
		d->tun_port = d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE ? vs->tun_port : 0;
	}
}

static void service_from_vs(const struct hd_virtual_server_config *vs, struct ipvs_service *s)
{
	memset(s, 0, sizeof(*s));
	ipvs_model_vs_key(vs, &s->key);
	snprintf(s->sched, sizeof(s->sched), "%s", vs->lb_algo[0] ? vs->lb_algo : "wlc");
	s->flags = vs->sched_flags & (IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3);
	uint8_t max = ipvs_af_maxlen(s->key.af);
	if (vs->persistence_timeout) {
		s->flags |= IP_VS_SVC_F_PERSISTENT;
		s->timeout = vs->persistence_timeout;
	}
	s->netmask = vs->persistence_granularity && vs->persistence_granularity <= max
			 ? vs->persistence_granularity
			 : max;
}

/* Update the hysteresis state; returns whether quorum is lost now. */
static bool quorum_update(const struct hd_virtual_server_config *vs, uint64_t sum,
			  struct ipvs_quorum_state *q)
{
	bool lost;
	if (sum == 0 || sum < vs->quorum)
		lost = true;
	else if (!q || !q->known || !q->lost)
		lost = false;
	else
		lost = sum < (uint64_t)vs->quorum + vs->hysteresis;
	if (q) {
		q->lost = lost;
		q->known = true;
	}
	return lost;
}

struct build_in {
	ipvs_verdict_fn verdict;
	ipvs_quorum_fn quorum_fn;
	void *ud;
};

/* A group member as the virtual server it stands for: its address, port
 * or fwmark, the group's everything else. */
static void member_vs(const struct hd_virtual_server_config *g, const struct hd_vs_member *m,
		      struct hd_virtual_server_config *out)
{
	*out = *g;
	out->is_fwmark = m->is_fwmark;
	out->fwmark = m->fwmark;
	out->ep = m->ep;
}

/* The members after the first of a group: a copy of S (the first, built
 * below) each, with its own key. Real servers that do not change the port
 * (dr, tun) are written with the member's port, as ipvsadm shows them. */
static int build_members(const struct hd_virtual_server_config *vs, size_t first,
			 struct ipvs_table *out)
{
	struct ipvs_service *s0 = &out->svcs[first];
	for (size_t i = 0; !vs->members[0].is_fwmark && i < s0->n_dests; i++)
		if (s0->dests[i].fwd != IP_VS_CONN_F_MASQ)
			s0->dests[i].port = vs->members[0].ep.port;
	s0->dests_sorted = false;
	for (size_t m = 1; m < vs->n_members; m++) {
		struct hd_virtual_server_config mv;
		struct ipvs_service tmpl = out->svcs[first];
		member_vs(vs, &vs->members[m], &mv);
		ipvs_model_vs_key(&mv, &tmpl.key);
		tmpl.dests = NULL;
		tmpl.n_dests = tmpl.cap_dests = 0;
		struct ipvs_service *s = ipvs_table_add(out, &tmpl);
		if (!s)
			return -ENOMEM;
		const struct ipvs_service *f = &out->svcs[first]; /* add may move it */
		if (f->n_dests && !(s->dests = malloc(f->n_dests * sizeof(*s->dests))))
			return -ENOMEM;
		s->cap_dests = f->n_dests;
		for (size_t i = 0; i < f->n_dests; i++) {
			struct ipvs_dest d = f->dests[i];
			if (d.fwd != IP_VS_CONN_F_MASQ && !mv.is_fwmark)
				d.port = mv.ep.port;
			s->dests[s->n_dests++] = d;
		}
		s->dests_sorted = false;
	}
	return 0;
}

static int build_vs(const struct hd_virtual_server_config *vs, size_t vi, const struct build_in *in,
		    struct ipvs_quorum_state *q, struct ipvs_table *out)
{
	struct ipvs_service tmpl;
	service_from_vs(vs, &tmpl);
	tmpl.vs_index = vi;
	size_t first = out->n;
	struct ipvs_service *s = ipvs_table_add(out, &tmpl);
	if (!s)
		return -ENOMEM;
	if (vs->n_real_servers) { /* one allocation instead of log2(n) reallocs */
		s->dests = malloc(vs->n_real_servers * sizeof(*s->dests));
		if (!s->dests)
			return -ENOMEM;
		s->cap_dests = vs->n_real_servers;
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < vs->n_real_servers; i++) {
		const struct hd_real_server_config *rs = &vs->real_servers[i];
		struct ipvs_rs_verdict v = {.up = true, .weight = -1};
		if (in->verdict)
			in->verdict(in->ud, vi, i, &v);
		bool inhibit = rs->inhibit_on_failure || vs->inhibit_on_failure;
		if (!v.up && !inhibit)
			continue;
		struct ipvs_dest d;
		dest_from_ep(vs, &rs->ep, rs->has_lb_kind ? rs->lb_kind : vs->lb_kind, &d);
		d.weight = v.up ? (v.weight >= 0 ? v.weight : (int32_t)rs->weight) : 0;
		d.u_threshold = rs->u_threshold;
		d.l_threshold = rs->l_threshold;
		d.pos = (uint32_t)i; /* the order mh, sh and dh keep (ipvs_order.c) */
		if (v.up)
			sum += (uint64_t)(d.weight > 0 ? d.weight : 0);
		if (!ipvs_service_add_dest(s, &d))
			return -ENOMEM;
	}
	int imposed = in->quorum_fn ? in->quorum_fn(in->ud, vi) : -1;
	s->quorum_lost = quorum_update(vs, sum, q);
	if (imposed >= 0) {
		s->quorum_lost = imposed;
		if (q)
			q->lost = imposed;
	}
	if (s->quorum_lost && vs->has_sorry_server) {
		/* Those at weight 0 (drained, in maintenance, inhibited) stay
		 * beside the sorry server: their established connections
		 * finish (a removed destination's are expired by the kernel
		 * with expire_nodest_conn) while new clients get the sorry
		 * server. The rest leave, as keepalived does. */
		struct ipvs_dest d;
		dest_from_ep(vs, &vs->sorry_server, vs->lb_kind, &d);
		d.weight = 1;
		d.pos = (uint32_t)vs->n_real_servers; /* after the real servers */
		size_t kept = 0;
		for (size_t i = 0; i < s->n_dests; i++)
			if (s->dests[i].weight == 0 && ipvs_dest_key_cmp(&s->dests[i], &d))
				s->dests[kept++] = s->dests[i];
		s->n_dests = kept;
		if (!ipvs_service_add_dest(s, &d))
			return -ENOMEM;
	}
	return vs->group ? build_members(vs, first, out) : 0;
}

/* What building VS costs in a step's budget (ipvs_steps.h). */
static size_t vs_cost(const struct hd_virtual_server_config *vs)
{
	return (1 + vs->n_real_servers) * (vs->group && vs->n_members ? vs->n_members : 1);
}

int ipvs_model_build_begin(struct ipvs_model_build *b, const struct hd_config *cfg,
			   ipvs_verdict_fn verdict, ipvs_quorum_fn quorum_fn, void *ud,
			   struct ipvs_quorum_state *quorum)
{
	*b = (struct ipvs_model_build){
	    .cfg = cfg, .verdict = verdict, .quorum_fn = quorum_fn, .ud = ud, .quorum = quorum};
	ipvs_table_init(&b->out);
	if (cfg && cfg->n_virtual_servers) {
		b->out.svcs = malloc(cfg->n_virtual_servers * sizeof(*b->out.svcs));
		if (!b->out.svcs)
			return -ENOMEM;
		b->out.cap = cfg->n_virtual_servers;
	}
	return 0;
}

int ipvs_model_build_step(struct ipvs_model_build *b, size_t budget)
{
	const struct build_in in = {.verdict = b->verdict, .quorum_fn = b->quorum_fn, .ud = b->ud};
	size_t n_vs = b->cfg ? b->cfg->n_virtual_servers : 0, spent = 0;

	while (b->next < n_vs && (!spent || spent < budget)) {
		size_t i = b->next++, first = b->out.n;
		const struct hd_virtual_server_config *vs = &b->cfg->virtual_servers[i];
		int r = build_vs(vs, i, &in, b->quorum ? &b->quorum[i] : NULL, &b->out);
		if (r < 0) {
			ipvs_model_build_free(b);
			return r;
		}
		/* its destinations sorted now: the last step sorts services only */
		for (size_t k = first; k < b->out.n; k++)
			service_sort(&b->out.svcs[k]);
		spent += vs_cost(vs);
	}
	if (b->next < n_vs)
		return 0;
	ipvs_table_sort(&b->out);
	return 1;
}

void ipvs_model_build_free(struct ipvs_model_build *b)
{
	ipvs_table_free(&b->out);
}

int ipvs_model_build(const struct hd_config *cfg, ipvs_verdict_fn verdict, ipvs_quorum_fn quorum_fn,
		     void *ud, struct ipvs_quorum_state *quorum, struct ipvs_table *out)
{
	struct ipvs_model_build b;
	int r = ipvs_model_build_begin(&b, cfg, verdict, quorum_fn, ud, quorum);

	if (r == 0)
		r = ipvs_model_build_step(&b, SIZE_MAX);
	if (r < 0) {
		ipvs_table_init(out);
		return r;
	}
	*out = b.out;
	return 0;
}

int ipvs_table_patch(struct ipvs_table *t, const struct ipvs_keyset *keys, struct ipvs_table *fresh)
{
	size_t cap = t->n + fresh->n;
	struct ipvs_service *v = malloc((cap ? cap : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t i = 0, j = 0, n = 0;
	while (i < t->n || j < fresh->n) {
		if (i < t->n && ipvs_keyset_has(keys, &t->svcs[i].key)) {
			free(t->svcs[i++].dests);
			continue;
		}
		int c = i == t->n	? 1
			: j == fresh->n ? -1
					: ipvs_svc_key_cmp(&t->svcs[i].key, &fresh->svcs[j].key);
		if (c <= 0)
			v[n++] = t->svcs[i++];
		if (c >= 0) {
			if (!c) /* not in KEYS yet fresh: fresh wins */
				free(v[--n].dests);
			v[n++] = fresh->svcs[j++];
		}
	}
	free(t->svcs);
	t->svcs = v;
	t->n = n;
	t->cap = cap;
	t->sorted = true;
	free(fresh->svcs);
	ipvs_table_init(fresh);
	return 0;
}
