/* HADIRECTOR-MIB (etc/HADIRECTOR-MIB.txt, experimental 9487): virtual
 * servers, real servers and checkers, read-only, and the real server
 * state change and fail-open guard notifications, rendered from the
 * health checker's view
 * (healthcheck/hc_view.h) and the IPVS table's counters, pure: the
 * tables' callbacks and the watcher are in snmp_hd_live.c. Indexes are
 * 1-based positions in the running configuration (they may shift on a
 * reload that adds or removes one). */
#include <stddef.h>
#include <string.h>

#include "healthcheck/hc_view.h"
#include "ipvs/ipvs_types.h"
#include "snmp_int.h"

#define HD_MIB 1, 3, 6, 1, 3, 9487 /* experimental.9487: see the MIB */
static const oid vs_entry[] = {HD_MIB, 1, 1, 1};
static const oid rs_entry[] = {HD_MIB, 1, 2, 1};
static const oid ck_entry[] = {HD_MIB, 1, 3, 1};
static const oid rs_change[] = {HD_MIB, 0, 1}; /* hdRealServerStateChange */
static const oid guard_traps[][OID_LENGTH(rs_change)] = {
    [SNMP_HD_GUARD_ENGAGED] = {HD_MIB, 0, 2},	/* hdGuardEngaged */
    [SNMP_HD_GUARD_RECOVERED] = {HD_MIB, 0, 3}, /* hdGuardRecovered */
    [SNMP_HD_GUARD_EXPIRED] = {HD_MIB, 0, 4},	/* hdGuardExpired */
};
/* The counters' columns are in hc_view.h, beside them (HC_MIB_*). */
enum {
	VS_NAME = 2,
	VS_PROTO,
	VS_FWMARK,
	VS_RS,
	VS_RS_UP,
	VS_QUORUM_LOST,
	VS_CONNS,
	VS_INPKTS,
	VS_OUTPKTS,
	VS_INBYTES,
	VS_OUTBYTES,
	VS_MAX_EJECTION,
	VS_GUARD_ENGAGED,
	VS_RS_HELD
};
enum { RSC_ADDR = 2, RSC_STATE, RSC_WEIGHT, RSC_CFG_WEIGHT, RSC_DRAINED, RSC_OUTCOME };
enum {
	RSC_ACTIVE = 10,
	RSC_INACTIVE,
	RSC_CHECK_STATE,
	RSC_HELD,
	RSC_AGENT_DRAINED,
	RSC_SLOW_START,
	RSC_TARGET_WEIGHT
};
enum { RSC_OUTCOME_CODE = 18 };
enum { CK_TYPE = 2, CK_TARGET, CK_STATE, CK_OUTCOME };
enum { CK_DURATION = 8, CK_OUTCOME_CODE };
enum { CK_AGENT_STATE = 18, CK_AGENT_WEIGHT, CK_AGENT_WEIGHT_UNIT };
#define MIB_UP	  1
#define MIB_DOWN  2
#define MIB_TRUE  1
#define MIB_FALSE 2
/* HdCheckOutcome, hdCheckerAgentState and hdCheckerAgentWeightUnit are
 * the enums of hc_policy.h and hc_agent_line.h plus one (SMIv2 enums start
 * at 1; tests/unit/test_hd_mib.c checks the labels against the names). */
#define MIB_ENUM(e) ((long)(e) + 1)

/* A counter of a view row (HC_VIEW_*_COUNTERS): its column and where the
 * row keeps it; each list ends with column 0. */
struct c64_col {
	oid col;
	size_t off;
};
#define HAS_COL(f, metric, help, json, mib)                                                        \
	_Static_assert((mib) > 0, #f " needs a HADIRECTOR-MIB column (hc_view.h)");
HC_VIEW_VS_COUNTERS(HAS_COL)
HC_VIEW_RS_COUNTERS(HAS_COL)
HC_VIEW_CHECK_COUNTERS(HAS_COL)
#undef HAS_COL
#define VS_C64(f, metric, help, json, mib) {(mib), offsetof(struct hc_vs_view, f)},
#define RS_C64(f, metric, help, json, mib) {(mib), offsetof(struct hc_rs_view, f)},
#define CK_C64(f, metric, help, json, mib) {(mib), offsetof(struct hc_check_view, f)},
static const struct c64_col vs_c64[] = {HC_VIEW_VS_COUNTERS(VS_C64){0, 0}};
static const struct c64_col rs_c64[] = {HC_VIEW_RS_COUNTERS(RS_C64){0, 0}};
static const struct c64_col ck_c64[] = {HC_VIEW_CHECK_COUNTERS(CK_C64){0, 0}};

/* ROW's counters, as COLS lists them, into the row IDX[0..N). */
static void c64_cells(struct snmp_out *f, const void *row, const struct c64_col *cols,
		      const oid *idx, size_t n)
{
	for (; cols->col; cols++) {
		uint64_t v;

		memcpy(&v, (const char *)row + cols->off, sizeof(v));
		snmp_cell_c64(f, cols->col, idx, n, v);
	}
}

static void cell_text(struct snmp_out *f, oid col, const oid *idx, size_t n, const char *s)
{
	snmp_cell_str(f, col, idx, n, ASN_OCTET_STR, s, strlen(s));
}

static void cell_truth(struct snmp_out *f, oid col, const oid *idx, size_t n, bool v)
{
	snmp_cell_int(f, col, idx, n, ASN_INTEGER, v ? MIB_TRUE : MIB_FALSE);
}

static void cell_state(struct snmp_out *f, oid col, const oid *idx, size_t n, bool up)
{
	snmp_cell_int(f, col, idx, n, ASN_INTEGER, up ? MIB_UP : MIB_DOWN);
}

static void cell_gauge(struct snmp_out *f, oid col, const oid *idx, size_t n, uint64_t v)
{
	snmp_cell_int(f, col, idx, n, ASN_GAUGE, (long)(v > 0xffffffffu ? 0xffffffffu : v));
}

/* A check result: its text (hdRsLastOutcome, hdCheckerLastOutcome) and
 * its HdCheckOutcome number. */
static void cell_outcome(struct snmp_out *f, oid text_col, oid code_col, const oid *idx, size_t n,
			 const struct hc_result *r)
{
	char text[96];

	cell_text(f, text_col, idx, n, hc_outcome_text(r->outcome, r->detail, text, sizeof(text)));
	if (code_col)
		snmp_cell_int(f, code_col, idx, n, ASN_INTEGER, MIB_ENUM(r->outcome));
}

static const struct ipvs_service *observed_svc(const struct ipvs_table *t,
					       const struct hc_vs_view *vs)
{
	struct ipvs_svc_key k;

	if (!t || !vs->cfg)
		return NULL;
	ipvs_model_vs_key(vs->cfg, &k);
	return ipvs_table_find(t, &k);
}

static const struct ipvs_dest *observed_dest(const struct ipvs_service *s,
					     const struct hd_endpoint *ep)
{
	struct ipvs_dest k = {.af = (uint16_t)ep->addr.family, .port = ep->port};

	if (!s)
		return NULL;
	memcpy(k.addr.b, &ep->addr.u, ep->addr.family == AF_INET6 ? 16 : 4);
	return ipvs_service_find_dest(s, &k);
}

/* The cells a guard notification and the row share. */
static void vs_guard_cells(struct snmp_out *f, const struct hc_vs_view *vs, const oid *idx)
{
	cell_text(f, VS_NAME, idx, 1, vs->name);
	cell_truth(f, VS_GUARD_ENGAGED, idx, 1, vs->guard_engaged);
	cell_gauge(f, VS_RS_HELD, idx, 1, vs->real_servers_held);
	cell_gauge(f, VS_RS, idx, 1, vs->n_rs);
	snmp_cell_int(f, VS_MAX_EJECTION, idx, 1, ASN_UNSIGNED, vs->max_ejection);
}

static void vs_row(struct snmp_out *f, const struct hc_vs_view *vs, const oid *idx,
		   const struct ipvs_service *s)
{
	const struct ipvs_stats z = {0}, *st = s ? &s->stats : &z;

	vs_guard_cells(f, vs, idx);
	snmp_cell_int(f, VS_PROTO, idx, 1, ASN_INTEGER, (long)vs->protocol + 1);
	snmp_cell_int(f, VS_FWMARK, idx, 1, ASN_UNSIGNED, vs->is_fwmark ? (long)vs->fwmark : 0);
	cell_gauge(f, VS_RS_UP, idx, 1, vs->real_servers_up);
	cell_truth(f, VS_QUORUM_LOST, idx, 1, vs->quorum_lost);
	snmp_cell_c64(f, VS_CONNS, idx, 1, st->conns);
	snmp_cell_c64(f, VS_INPKTS, idx, 1, st->inpkts);
	snmp_cell_c64(f, VS_OUTPKTS, idx, 1, st->outpkts);
	snmp_cell_c64(f, VS_INBYTES, idx, 1, st->inbytes);
	snmp_cell_c64(f, VS_OUTBYTES, idx, 1, st->outbytes);
	c64_cells(f, vs, vs_c64, idx, 1);
}

static void rs_row(struct snmp_out *f, const struct hc_rs_view *rs, const oid *idx,
		   const struct ipvs_dest *dst)
{
	char ep[80];

	cell_text(f, RSC_ADDR, idx, 2, hd_endpoint_str(&rs->ep, ep, sizeof(ep)));
	cell_state(f, RSC_STATE, idx, 2, rs->up);
	cell_gauge(f, RSC_WEIGHT, idx, 2, rs->weight);
	cell_gauge(f, RSC_CFG_WEIGHT, idx, 2, rs->configured_weight);
	cell_truth(f, RSC_DRAINED, idx, 2, rs->drained);
	cell_outcome(f, RSC_OUTCOME, RSC_OUTCOME_CODE, idx, 2, &rs->why);
	cell_gauge(f, RSC_ACTIVE, idx, 2, dst ? dst->activeconns : 0);
	cell_gauge(f, RSC_INACTIVE, idx, 2, dst ? dst->inactconns : 0);
	cell_state(f, RSC_CHECK_STATE, idx, 2, rs->check_up);
	cell_truth(f, RSC_HELD, idx, 2, rs->held);
	cell_truth(f, RSC_AGENT_DRAINED, idx, 2, rs->agent_drained);
	cell_truth(f, RSC_SLOW_START, idx, 2, rs->ramping);
	cell_gauge(f, RSC_TARGET_WEIGHT, idx, 2, rs->target_weight);
	c64_cells(f, rs, rs_c64, idx, 2);
}

static void ck_row(struct snmp_out *f, const struct hc_check_view *k, const oid *idx)
{
	char ep[80];

	cell_text(f, CK_TYPE, idx, 3, k->type);
	cell_text(f, CK_TARGET, idx, 3, hd_endpoint_str(&k->target, ep, sizeof(ep)));
	cell_state(f, CK_STATE, idx, 3, k->up);
	cell_outcome(f, CK_OUTCOME, CK_OUTCOME_CODE, idx, 3, &k->last);
	cell_gauge(f, CK_DURATION, idx, 3, k->last_duration_usec);
	snmp_cell_int(f, CK_AGENT_STATE, idx, 3, ASN_INTEGER, MIB_ENUM(k->agent.state));
	cell_gauge(f, CK_AGENT_WEIGHT, idx, 3,
		   k->agent.wkind == HC_AGENT_W_NONE ? 0 : k->agent.weight);
	snmp_cell_int(f, CK_AGENT_WEIGHT_UNIT, idx, 3, ASN_INTEGER,
		      k->agent.wkind == HC_AGENT_W_PCT	 ? 2
		      : k->agent.wkind == HC_AGENT_W_ABS ? 3
							 : 1);
	c64_cells(f, k, ck_c64, idx, 3);
}

static const struct {
	const char *name;
	const oid *entry;
	size_t len;
} tables[SNMP_HD__N] = {
    [SNMP_HD_VS] = {"hdVirtualServerTable", vs_entry, OID_LENGTH(vs_entry)},
    [SNMP_HD_RS] = {"hdRealServerTable", rs_entry, OID_LENGTH(rs_entry)},
    [SNMP_HD_CK] = {"hdCheckerTable", ck_entry, OID_LENGTH(ck_entry)},
};

void snmp_hd_table(enum snmp_hd_table t, struct snmp_table *out)
{
	*out = (struct snmp_table){tables[t].name, tables[t].entry, tables[t].len, NULL, NULL};
}

void snmp_hd_rows(enum snmp_hd_table t, const struct hc_view *v, const struct ipvs_table *observed,
		  struct snmp_out *f)
{
	struct snmp_out o = *f;

	o.entry = tables[t].entry, o.entry_len = tables[t].len;
	for (size_t i = 0; v && i < v->n_vs; i++) {
		const struct hc_vs_view *vs = &v->vs[i];
		const struct ipvs_service *s = t != SNMP_HD_CK ? observed_svc(observed, vs) : NULL;
		const oid vi[] = {i + 1};

		if (t == SNMP_HD_VS) {
			vs_row(&o, vs, vi, s);
			continue;
		}
		for (size_t r = 0; r < vs->n_rs; r++) {
			const struct hc_rs_view *rs = &vs->rs[r];
			const oid ri[] = {i + 1, r + 1};

			if (t == SNMP_HD_RS) {
				rs_row(&o, rs, ri, observed_dest(s, &rs->ep));
				continue;
			}
			for (size_t k = 0; k < rs->n_checks; k++) {
				const oid ki[] = {i + 1, r + 1, k + 1};

				ck_row(&o, &rs->checks[k], ki);
			}
		}
	}
}

/* hdRealServerStateChange { hdVsName, hdRsAddress, hdRsState, hdRsLastOutcome } */
void snmp_hd_rs_change(const struct hc_view *v, size_t vi, size_t ri, struct snmp_snap *vars,
		       const oid **trap, size_t *trap_len)
{
	const struct hc_rs_view *rs = &v->vs[vi].rs[ri];
	struct snmp_out f = {vars, vs_entry, OID_LENGTH(vs_entry), NULL};
	const oid vx[] = {vi + 1}, rx[] = {vi + 1, ri + 1};
	char ep[80];

	cell_text(&f, VS_NAME, vx, 1, v->vs[vi].name);
	f.entry = rs_entry, f.entry_len = OID_LENGTH(rs_entry);
	cell_text(&f, RSC_ADDR, rx, 2, hd_endpoint_str(&rs->ep, ep, sizeof(ep)));
	cell_state(&f, RSC_STATE, rx, 2, rs->up);
	cell_outcome(&f, RSC_OUTCOME, 0, rx, 2, &rs->reason);
	*trap = rs_change, *trap_len = OID_LENGTH(rs_change);
}

/* hdGuardEngaged, hdGuardRecovered, hdGuardExpired { hdVsName,
 * hdVsGuardEngaged, hdVsRealServersHeld, hdVsRealServers, hdVsMaxEjection } */
void snmp_hd_guard_change(const struct hc_view *v, size_t vi, enum snmp_hd_guard what,
			  struct snmp_snap *vars, const oid **trap, size_t *trap_len)
{
	struct snmp_out f = {vars, vs_entry, OID_LENGTH(vs_entry), NULL};
	const oid vx[] = {vi + 1};

	vs_guard_cells(&f, &v->vs[vi], vx);
	*trap = guard_traps[what], *trap_len = OID_LENGTH(guard_traps[what]);
}
