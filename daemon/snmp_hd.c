/* HADIRECTOR-MIB (etc/HADIRECTOR-MIB.txt, experimental 9487): virtual
 * servers, real servers and checkers, read-only, and the real server
 * state change notification, rendered from the health checker's view
 * (healthcheck/hc_view.h) and the IPVS table's counters, pure: the
 * tables' callbacks and the watcher are in snmp_hd_live.c. Indexes are
 * 1-based positions in the running configuration (they may shift on a
 * reload that adds or removes one). */
#include <string.h>

#include "healthcheck/hc_view.h"
#include "ipvs/ipvs_types.h"
#include "snmp_int.h"

#define HD_MIB 1, 3, 6, 1, 3, 9487 /* experimental.9487: see the MIB */
static const oid vs_entry[] = {HD_MIB, 1, 1, 1};
static const oid rs_entry[] = {HD_MIB, 1, 2, 1};
static const oid ck_entry[] = {HD_MIB, 1, 3, 1};
static const oid rs_change[] = {HD_MIB, 0, 1}; /* hdRealServerStateChange */
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
	VS_OUTBYTES
};
/* HC_MIB_RS_RUNS and HC_MIB_RS_FAILED (8, 9) are the counters' (hc_view.h) */
enum { RSC_ADDR = 2, RSC_STATE, RSC_WEIGHT, RSC_CFG_WEIGHT, RSC_DRAINED, RSC_OUTCOME };
enum { RSC_ACTIVE = 10, RSC_INACTIVE };
/* HC_MIB_CK_RUNS and HC_MIB_CK_FAILURES (6, 7) likewise */
enum { CK_TYPE = 2, CK_TARGET, CK_STATE, CK_OUTCOME };
enum { CK_DURATION = 8 };
#define MIB_UP	  1
#define MIB_DOWN  2
#define MIB_TRUE  1
#define MIB_FALSE 2

static void cell_text(struct snmp_out *f, oid col, const oid *idx, size_t n, const char *s)
{
	snmp_cell_str(f, col, idx, n, ASN_OCTET_STR, s, strlen(s));
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

static void vs_row(struct snmp_out *f, const struct hc_vs_view *vs, const oid *idx,
		   const struct ipvs_service *s)
{
	const struct ipvs_stats z = {0}, *st = s ? &s->stats : &z;

	cell_text(f, VS_NAME, idx, 1, vs->name);
	snmp_cell_int(f, VS_PROTO, idx, 1, ASN_INTEGER, (long)vs->protocol + 1);
	snmp_cell_int(f, VS_FWMARK, idx, 1, ASN_UNSIGNED, vs->is_fwmark ? (long)vs->fwmark : 0);
	snmp_cell_int(f, VS_RS, idx, 1, ASN_GAUGE, (long)vs->n_rs);
	snmp_cell_int(f, VS_RS_UP, idx, 1, ASN_GAUGE, vs->real_servers_up);
	snmp_cell_int(f, VS_QUORUM_LOST, idx, 1, ASN_INTEGER,
		      vs->quorum_lost ? MIB_TRUE : MIB_FALSE);
	snmp_cell_c64(f, VS_CONNS, idx, 1, st->conns);
	snmp_cell_c64(f, VS_INPKTS, idx, 1, st->inpkts);
	snmp_cell_c64(f, VS_OUTPKTS, idx, 1, st->outpkts);
	snmp_cell_c64(f, VS_INBYTES, idx, 1, st->inbytes);
	snmp_cell_c64(f, VS_OUTBYTES, idx, 1, st->outbytes);
}

static void rs_row(struct snmp_out *f, const struct hc_rs_view *rs, const oid *idx,
		   const struct ipvs_dest *dst)
{
	char ep[80], text[96];

	cell_text(f, RSC_ADDR, idx, 2, hd_endpoint_str(&rs->ep, ep, sizeof(ep)));
	snmp_cell_int(f, RSC_STATE, idx, 2, ASN_INTEGER, rs->up ? MIB_UP : MIB_DOWN);
	snmp_cell_int(f, RSC_WEIGHT, idx, 2, ASN_GAUGE, rs->weight);
	snmp_cell_int(f, RSC_CFG_WEIGHT, idx, 2, ASN_GAUGE, rs->configured_weight);
	snmp_cell_int(f, RSC_DRAINED, idx, 2, ASN_INTEGER, rs->drained ? MIB_TRUE : MIB_FALSE);
	cell_text(f, RSC_OUTCOME, idx, 2,
		  hc_outcome_text(rs->why.outcome, rs->why.detail, text, sizeof(text)));
#define CELL(fld, metric, help, json, mib)                                                         \
	if (mib)                                                                                   \
		snmp_cell_c64(f, mib, idx, 2, rs->fld);
	HC_VIEW_RS_COUNTERS(CELL)
#undef CELL
	snmp_cell_int(f, RSC_ACTIVE, idx, 2, ASN_GAUGE, dst ? dst->activeconns : 0);
	snmp_cell_int(f, RSC_INACTIVE, idx, 2, ASN_GAUGE, dst ? dst->inactconns : 0);
}

static void ck_row(struct snmp_out *f, const struct hc_check_view *k, const oid *idx)
{
	char ep[80], text[96];

	cell_text(f, CK_TYPE, idx, 3, k->type);
	cell_text(f, CK_TARGET, idx, 3, hd_endpoint_str(&k->target, ep, sizeof(ep)));
	snmp_cell_int(f, CK_STATE, idx, 3, ASN_INTEGER, k->up ? MIB_UP : MIB_DOWN);
	cell_text(f, CK_OUTCOME, idx, 3,
		  hc_outcome_text(k->last.outcome, k->last.detail, text, sizeof(text)));
#define CELL(fld, metric, help, json, mib)                                                         \
	if (mib)                                                                                   \
		snmp_cell_c64(f, mib, idx, 3, k->fld);
	HC_VIEW_CHECK_COUNTERS(CELL)
#undef CELL
	snmp_cell_int(
	    f, CK_DURATION, idx, 3, ASN_GAUGE,
	    (long)(k->last_duration_usec > 0xffffffffu ? 0xffffffffu : k->last_duration_usec));
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
	char ep[80], text[96];

	cell_text(&f, VS_NAME, vx, 1, v->vs[vi].name);
	f.entry = rs_entry, f.entry_len = OID_LENGTH(rs_entry);
	cell_text(&f, RSC_ADDR, rx, 2, hd_endpoint_str(&rs->ep, ep, sizeof(ep)));
	snmp_cell_int(&f, RSC_STATE, rx, 2, ASN_INTEGER, rs->up ? MIB_UP : MIB_DOWN);
	cell_text(&f, RSC_OUTCOME, rx, 2,
		  hc_outcome_text(rs->reason.outcome, rs->reason.detail, text, sizeof(text)));
	*trap = rs_change, *trap_len = OID_LENGTH(rs_change);
}
