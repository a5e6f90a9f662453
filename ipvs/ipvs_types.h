/* Value types for the IPVS table (services and destinations), with a
 * canonical order, plus the desired-table model and the diff.
 *
 * Everything declared here is PURE (no I/O): the same types hold the table
 * the config asks for (desired) and the table a kernel dump returned
 * (observed); ipvs_diff() turns the pair into an ordered list of writes.
 *
 * Conventions: ports are host order; addresses are 16 bytes, an IPv4
 * address in the first 4, the rest zero (so memcmp orders them); the
 * persistence netmask is a prefix length (the netlink layer converts it to
 * the kernel's form: a be32 mask for IPv4, the length itself for IPv6).
 */
#ifndef IPVS_TYPES_H
#define IPVS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ip_vs.h>

#include "hd_config.h"

/* Service flags hadirector manages; the kernel adds others (HASHED). */
#define IPVS_SVC_FLAGS_MANAGED                                                                     \
	(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED1 |                     \
	 IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3)

union ipvs_addr {
	uint8_t b[16];
	struct in_addr v4;
	struct in6_addr v6;
};

struct ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

/* What identifies a service in the kernel. A fwmark service has
 * protocol 0, a zero address and port 0 here (the kernel stores TCP). */
struct ipvs_svc_key {
	uint16_t af;	   /* AF_INET or AF_INET6 */
	uint16_t protocol; /* IPPROTO_TCP/UDP/SCTP, 0 for fwmark */
	uint32_t fwmark;   /* 0 = address:port service */
	union ipvs_addr addr;
	uint16_t port;
};

struct ipvs_dest {
	/* key (within its service) */
	uint16_t af;
	union ipvs_addr addr;
	uint16_t port;
	/* attributes */
	uint32_t fwd; /* IP_VS_CONN_F_MASQ / _TUNNEL / _DROUTE */
	int32_t weight;
	uint32_t u_threshold, l_threshold;
	uint8_t tun_type; /* IP_VS_CONN_F_TUNNEL_TYPE_*, only with TUNNEL */
	uint16_t tun_port;
	uint16_t tun_flags;
	/* Place in the list (not a key, not an attribute): desired, the real
	 * server's index in the configuration; observed, its index in the
	 * kernel's list (dump order, head first). See ipvs_order.c. */
	uint32_t pos;
	/* observed only (a dump fills them; desired tables leave 0) */
	uint32_t activeconns, inactconns, persistconns;
	struct ipvs_stats stats;
};

struct ipvs_service {
	struct ipvs_svc_key key;
	char sched[IP_VS_SCHEDNAME_MAXLEN];
	uint32_t flags;	  /* IPVS_SVC_FLAGS_MANAGED bits only */
	uint32_t timeout; /* persistence, seconds */
	uint8_t netmask;  /* persistence granularity, prefix length */
	struct ipvs_dest *dests;
	size_t n_dests, cap_dests;
	bool dests_sorted;
	/* observed only */
	struct ipvs_stats stats;
	/* desired only: index into hd_config.virtual_servers */
	size_t vs_index;
	bool quorum_lost; /* desired only: sorry server in force */
};

struct ipvs_table {
	struct ipvs_service *svcs;
	size_t n, cap;
	bool sorted;
};

/* ---- table (ipvs_model.c) ---- */
void ipvs_table_init(struct ipvs_table *t);
void ipvs_table_free(struct ipvs_table *t);
void ipvs_table_move(struct ipvs_table *dst, struct ipvs_table *src); /* frees dst first */
/* Returns the new service (copied from TMPL, dests not copied) or NULL on
 * ENOMEM. Pointers into the table are invalidated by the next add. */
struct ipvs_service *ipvs_table_add(struct ipvs_table *t, const struct ipvs_service *tmpl);
struct ipvs_dest *ipvs_service_add_dest(struct ipvs_service *s, const struct ipvs_dest *d);
/* Sort services and each service's destinations into canonical order,
 * then drop duplicate keys (which duplicate survives is unspecified: the
 * config validator rejects duplicates, a kernel dump has none). */
void ipvs_table_sort(struct ipvs_table *t);
struct ipvs_service *ipvs_table_find(const struct ipvs_table *t, const struct ipvs_svc_key *k);
struct ipvs_dest *ipvs_service_find_dest(const struct ipvs_service *s, const struct ipvs_dest *k);
size_t ipvs_table_n_dests(const struct ipvs_table *t);
struct ipvs_keyset;
/* Replace the services of T whose keys are in KEYS by those in FRESH
 * (keys missing from FRESH disappear from T). Both sorted; FRESH is
 * consumed. Returns 0 or -ENOMEM (T unchanged). */
int ipvs_table_patch(struct ipvs_table *t, const struct ipvs_keyset *keys,
		     struct ipvs_table *fresh);

int ipvs_svc_key_cmp(const struct ipvs_svc_key *a, const struct ipvs_svc_key *b);
int ipvs_dest_key_cmp(const struct ipvs_dest *a, const struct ipvs_dest *b);
/* Attribute equality (keys not compared): true when no SET is needed. */
bool ipvs_service_attrs_equal(const struct ipvs_service *want, const struct ipvs_service *have);
bool ipvs_dest_attrs_equal(const struct ipvs_dest *want, const struct ipvs_dest *have);

/* "TCP 192.168.168.100:80", "FWM 7 inet6", "[2001:db8::1]:80" */
const char *ipvs_svc_key_str(const struct ipvs_svc_key *k, char *buf, size_t len);
const char *ipvs_dest_str(const struct ipvs_dest *d, char *buf, size_t len);
const char *ipvs_proto_str(uint16_t protocol);
const char *ipvs_fwd_str(uint32_t fwd); /* "nat", "dr", "tun", "local", "bypass" */
uint8_t ipvs_af_maxlen(uint16_t af);	/* 32 or 128 */

/* ---- desired table from the config (ipvs_model.c) ---- */

/* A real server's current verdict, from health checks or the operator.
 * up=false: removed, or weight 0 when inhibit_on_failure is set.
 * weight<0: the configured weight. */
struct ipvs_rs_verdict {
	bool up;
	int weight;
};
typedef void (*ipvs_verdict_fn)(void *ud, size_t vs_index, size_t rs_index,
				struct ipvs_rs_verdict *v);

/* Quorum, as keepalived and the health checker (healthcheck/hc_policy.c)
 * define it: the sum of the weights of the live real servers. It is lost
 * when that sum is 0 or below `quorum`, and regained only when it reaches
 * `quorum + hysteresis`; in between the previous state holds. While lost
 * and a sorry server is configured, the service holds only the sorry
 * server (weight 1); without a sorry server the live servers stay.
 * QUORUM_FN, when given, may impose the state (the health checker's, so
 * the sorry server and the quorum_up/down scripts flip together): it
 * returns 1 lost, 0 held, -1 "compute it yourself". */
struct ipvs_quorum_state {
	bool lost;
	bool known; /* false: first computation, no hysteresis yet */
};
typedef int (*ipvs_quorum_fn)(void *ud, size_t vs_index);

/* Build the desired table from CFG into OUT (initialised here). VERDICT and
 * QUORUM_FN may be NULL (every real server up with its configured weight;
 * quorum computed here). QUORUM may be NULL (stateless: no hysteresis) or
 * an array of cfg->n_virtual_servers entries updated in place. UD goes to
 * both callbacks. Returns 0 or -ENOMEM. */
int ipvs_model_build(const struct hd_config *cfg, ipvs_verdict_fn verdict, ipvs_quorum_fn quorum_fn,
		     void *ud, struct ipvs_quorum_state *quorum, struct ipvs_table *out);
/* The service key a virtual server maps to. */
void ipvs_model_vs_key(const struct hd_virtual_server_config *vs, struct ipvs_svc_key *k);

/* ---- diff (ipvs_diff.c) ---- */
enum ipvs_op_kind {
	IPVS_OP_DEL_SVC = 0,
	IPVS_OP_ADD_SVC,
	IPVS_OP_EDIT_SVC,
	IPVS_OP_DEL_DEST,
	IPVS_OP_EDIT_DEST,
	IPVS_OP_ADD_DEST,
};

/* SVC and DEST point into the desired table for ADD/EDIT and into the
 * observed table for DEL; they live as long as those tables. */
struct ipvs_op {
	enum ipvs_op_kind kind;
	const struct ipvs_service *svc;
	const struct ipvs_dest *dest; /* NULL for service ops */
	/* DEL_DEST that the next op undoes by adding the destination back
	 * (ipvs_order.c): apply both without a pause between them. */
	bool readd;
};

struct ipvs_ops {
	struct ipvs_op *v;
	size_t n, cap;
};

/* Service keys hadirector owns beyond those in DESIRED (created earlier,
 * since removed from the config): sorted, for bsearch. */
struct ipvs_keyset {
	struct ipvs_svc_key *v;
	size_t n, cap;
};

/* Diff DESIRED against OBSERVED (both sorted by ipvs_table_sort). Services
 * in neither DESIRED nor OWNED are never touched. Order: service deletes,
 * then per service (canonical order) its add/edit, then dest deletes,
 * edits, adds. Returns 0 or -ENOMEM (OPS then holds a prefix). If
 * MERGE_STEPS is not NULL it receives the number of key comparisons the
 * merge made (linear in the table sizes; tests check it). */
int ipvs_diff(const struct ipvs_table *desired, const struct ipvs_table *observed,
	      const struct ipvs_keyset *owned, struct ipvs_ops *ops, size_t *merge_steps);
void ipvs_ops_free(struct ipvs_ops *ops);
const char *ipvs_op_kind_str(enum ipvs_op_kind k);

/* ---- destination order (ipvs_order.c) ---- */

/* Whether the scheduler builds its table from the order of the kernel's
 * destination list (mh, sh, dh). */
bool ipvs_sched_follows_order(const char *sched);

struct ipvs_order_step {
	const struct ipvs_dest *want;
	const struct ipvs_dest *have; /* the same destination in the kernel, or NULL */
};

/* WANT's destinations in configuration order; the first SETTLED stay as
 * they are (edits only), each later one is added in this order, deleted
 * first when the kernel has it. */
struct ipvs_order {
	struct ipvs_order_step *v;
	size_t n, settled;
};

/* WANT and HAVE sorted by ipvs_table_sort; HAVE NULL for a new service.
 * STEPS (may be NULL) is increased by the key comparisons made. Returns 0
 * or -ENOMEM. */
int ipvs_order_plan(const struct ipvs_service *want, const struct ipvs_service *have,
		    struct ipvs_order *out, size_t *steps);
void ipvs_order_free(struct ipvs_order *o);

void ipvs_keyset_free(struct ipvs_keyset *s);
int ipvs_keyset_add(struct ipvs_keyset *s, const struct ipvs_svc_key *k); /* keeps sorted */
bool ipvs_keyset_has(const struct ipvs_keyset *s, const struct ipvs_svc_key *k);
void ipvs_keyset_del(struct ipvs_keyset *s, const struct ipvs_svc_key *k);

#endif
