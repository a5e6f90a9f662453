/* VRRP-MIB (RFC 2787, mib-2 68) vrrpOperTable and vrrpRouterStatsTable for
 * version 2 instances and VRRPv3-MIB (RFC 6527, mib-2 207)
 * vrrpv3OperationsTable and vrrpv3StatisticsTable for version 3 ones,
 * read-only, plus their new-master notifications. Facts of the MIBs (OIDs,
 * columns, enumerations) are written down here by hand. The statistics
 * come from the instance's own counters; what it does not count (times it
 * became master, the last protocol error) the notification watcher counts
 * from its observations, since it (re)took its snapshot at start or the
 * last reload: that moment is the rows' discontinuity time. */
#include <string.h>

#include "snmp_int.h"
#include "vrrp/vrrp_int.h"

/* vrrpOperEntry = vrrpMIB(68).vrrpOperations(1).vrrpOperTable(3).1,
 * INDEX { ifIndex, vrrpOperVrId } */
static const oid v2_entry[] = {1, 3, 6, 1, 2, 1, 68, 1, 3, 1};
enum {
	V2_VMAC = 2,
	V2_STATE,
	V2_ADMIN,
	V2_PRIO,
	V2_ADDRCOUNT,
	V2_MASTER,
	V2_PRIMARY,
	V2_AUTHTYPE,
	V2_AUTHKEY,
	V2_ADVINT,
	V2_PREEMPT,
	V2_UPTIME,
	V2_PROTO,
	V2_ROWSTATUS
};
/* vrrpv3OperationsEntry = vrrpv3MIB(207).vrrpv3Objects(1).vrrpv3Operations(1)
 * .vrrpv3OperationsTable(1).1, INDEX { ifIndex, vrrpv3OperationsVrId,
 * vrrpv3OperationsInetAddrType } */
static const oid v3_entry[] = {1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1};
enum {
	V3_MASTER = 3,
	V3_PRIMARY,
	V3_VMAC,
	V3_STATUS,
	V3_PRIO,
	V3_ADDRCOUNT,
	V3_ADVINT,
	V3_PREEMPT,
	V3_ACCEPT,
	V3_UPTIME,
	V3_ROWSTATUS
};
/* vrrpRouterStatsEntry = vrrpMIB(68).vrrpStatistics(2).vrrpRouterStatsTable(4).1,
 * AUGMENTS vrrpOperEntry; all Counter32 */
static const oid v2_stats_entry[] = {1, 3, 6, 1, 2, 1, 68, 2, 4, 1};
enum {
	V2S_BECOME_MASTER = 1,
	V2S_ADV_RCVD,
	V2S_ADV_INT_ERR,
	V2S_AUTH_FAIL,
	V2S_TTL_ERR,
	V2S_PRIO0_RCVD,
	V2S_PRIO0_SENT,
	V2S_BAD_TYPE,
	V2S_ADDR_LIST_ERR,
	V2S_BAD_AUTH_TYPE,
	V2S_AUTH_MISMATCH,
	V2S_LEN_ERR
};
/* vrrpv3StatisticsEntry = vrrpv3Objects(207.1).vrrpv3Statistics(2)
 * .vrrpv3StatisticsTable(5).1, AUGMENTS vrrpv3OperationsEntry */
enum {
	V3S_MASTERS = 1, /* Counter32 */
	V3S_NEW_MASTER_REASON,
	V3S_ADV_RCVD, /* Counter64 from here to V3S_LEN_ERR */
	V3S_ADV_INT_ERR,
	V3S_TTL_ERR,
	V3S_PROTO_ERR_REASON,
	V3S_PRIO0_RCVD,
	V3S_PRIO0_SENT,
	V3S_BAD_TYPE,
	V3S_ADDR_LIST_ERR,
	V3S_LEN_ERR,
	V3S_DISCONTINUITY, /* TimeStamp */
	V3S_REFRESH	   /* Unsigned32, milliseconds */
};
/* vrrpv3StatisticsProtoErrReason: noError(0), then the drop reasons that
 * map to ipTtlError(1), versionError(2), checksumError(3), vrIdError(4). */
static const int proto_errs[4] = {VRRP_DROP_BAD_TTL, VRRP_DROP_BAD_VERSION, VRRP_DROP_BAD_CHECKSUM,
				  VRRP_DROP_VRID_MISMATCH};
/* vrrpTrapNewMaster = vrrpNotifications(68.0).1 { vrrpOperMasterIpAddr } */
static const oid v2_new_master[] = {1, 3, 6, 1, 2, 1, 68, 0, 1};
/* vrrpv3NewMaster = vrrpv3Notifications(207.0).1 { vrrpv3OperationsMasterIpAddr,
 * vrrpv3StatisticsNewMasterReason (vrrpv3StatisticsEntry 207.1.2.5.1 col 2) } */
static const oid v3_new_master[] = {1, 3, 6, 1, 2, 1, 207, 0, 1};
static const oid v3_stats_entry[] = {1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1};

#define MIB_TRUE  1 /* TruthValue */
#define MIB_FALSE 2

/* initialize(1), backup(2), master(3): fault and init read as initialize. */
static long mib_state(enum vrrp_state s)
{
	return s == VRRP_STATE_MASTER ? 3 : s == VRRP_STATE_BACKUP ? 2 : 1;
}

static size_t addr_bytes(const struct hd_addr *a, u_char *buf)
{
	if (a->family == AF_INET6) {
		memcpy(buf, &a->u.v6, 16);
		return 16;
	}
	memcpy(buf, &a->u.v4, 4);
	return 4;
}

/* The master's address: ours while master, the last one heard otherwise,
 * 0.0.0.0 / :: when none is known. */
static size_t master_addr(const struct vrrp_instance *in, u_char *buf)
{
	struct hd_addr a = {.family = in->cfg->family};

	if (in->fsm.state == VRRP_STATE_MASTER)
		a = in->src_addr;
	else if (in->fsm.master_known)
		a = in->fsm.master_addr;
	if (!a.family)
		a.family = in->cfg->family;
	return addr_bytes(&a, buf);
}

static void vmac(const struct vrrp_instance *in, u_char *mac)
{
	static const u_char base[] = {0x00, 0x00, 0x5e, 0x00, 0x01};

	memcpy(mac, base, 5);
	if (in->cfg->family == AF_INET6)
		mac[4] = 0x02;
	mac[5] = in->cfg->vrid;
}

static long uptime_ticks(const struct vrrp_instance *in)
{
	/* TimeStamp: sysUpTime when the instance last left initialize; our
	 * process start stands in for the agent's epoch. */
	uint64_t t = in->last_transition_usec, start = in->ctx->d->start_usec;

	return t > start ? (long)((t - start) / 10000) : 0;
}

static void v2_row(const struct vrrp_instance *in, struct snmp_out *f)
{
	const oid idx[] = {(oid)in->ifindex, in->cfg->vrid};
	u_char mac[6], a[16];
	size_t n = 2;

	vmac(in, mac);
	snmp_cell_str(f, V2_VMAC, idx, n, ASN_OCTET_STR, mac, 6);
	snmp_cell_int(f, V2_STATE, idx, n, ASN_INTEGER, mib_state(in->fsm.state));
	snmp_cell_int(f, V2_ADMIN, idx, n, ASN_INTEGER, 1); /* up */
	snmp_cell_int(f, V2_PRIO, idx, n, ASN_INTEGER, in->fsm.priority);
	snmp_cell_int(f, V2_ADDRCOUNT, idx, n, ASN_INTEGER, (long)in->cfg->n_vips);
	snmp_cell_str(f, V2_MASTER, idx, n, ASN_IPADDRESS, a, master_addr(in, a));
	snmp_cell_str(f, V2_PRIMARY, idx, n, ASN_IPADDRESS, a, addr_bytes(&in->src_addr, a));
	/* noAuthentication(1), simpleTextPassword(2); the key reads empty */
	snmp_cell_int(f, V2_AUTHTYPE, idx, n, ASN_INTEGER,
		      in->cfg->auth_type == HD_VRRP_AUTH_NONE ? 1 : 2);
	snmp_cell_str(f, V2_AUTHKEY, idx, n, ASN_OCTET_STR, "", 0);
	snmp_cell_int(f, V2_ADVINT, idx, n, ASN_INTEGER, in->cfg->advert_int_cs / 100);
	snmp_cell_int(f, V2_PREEMPT, idx, n, ASN_INTEGER, in->cfg->preempt ? MIB_TRUE : MIB_FALSE);
	snmp_cell_int(f, V2_UPTIME, idx, n, ASN_TIMETICKS, uptime_ticks(in));
	snmp_cell_int(f, V2_PROTO, idx, n, ASN_INTEGER, 1);	/* ip */
	snmp_cell_int(f, V2_ROWSTATUS, idx, n, ASN_INTEGER, 1); /* active */
}

static void v3_row(const struct vrrp_instance *in, struct snmp_out *f)
{
	const oid idx[] = {(oid)in->ifindex, in->cfg->vrid, in->cfg->family == AF_INET6 ? 2 : 1};
	u_char mac[6], a[16];
	size_t n = 3;

	vmac(in, mac);
	snmp_cell_str(f, V3_MASTER, idx, n, ASN_OCTET_STR, a, master_addr(in, a));
	snmp_cell_str(f, V3_PRIMARY, idx, n, ASN_OCTET_STR, a,
		      in->src_addr.family ? addr_bytes(&in->src_addr, a) : 0);
	snmp_cell_str(f, V3_VMAC, idx, n, ASN_OCTET_STR, mac, 6);
	snmp_cell_int(f, V3_STATUS, idx, n, ASN_INTEGER, mib_state(in->fsm.state));
	snmp_cell_int(f, V3_PRIO, idx, n, ASN_UNSIGNED, in->fsm.priority);
	snmp_cell_int(f, V3_ADDRCOUNT, idx, n, ASN_INTEGER, (long)in->cfg->n_vips);
	snmp_cell_int(f, V3_ADVINT, idx, n, ASN_INTEGER, in->cfg->advert_int_cs);
	snmp_cell_int(f, V3_PREEMPT, idx, n, ASN_INTEGER, in->cfg->preempt ? MIB_TRUE : MIB_FALSE);
	snmp_cell_int(f, V3_ACCEPT, idx, n, ASN_INTEGER, MIB_FALSE);
	snmp_cell_int(f, V3_UPTIME, idx, n, ASN_TIMETICKS, uptime_ticks(in));
	snmp_cell_int(f, V3_ROWSTATUS, idx, n, ASN_INTEGER, 1);
}

/* vrrpv3StatisticsNewMasterReason: priority(1), preempted(2),
 * masterNoResponse(3). */
static long new_master_reason(const struct vrrp_instance *in)
{
	const char *r = in->last_reason ? in->last_reason : "";

	if (strstr(r, "preempt"))
		return 2;
	if (strstr(r, "down") || strstr(r, "priority 0") || strstr(r, "timer"))
		return 3;
	return 1;
}

static long counter32(uint64_t v)
{
	return (long)(v & 0xffffffffu); /* Counter32 wraps */
}

static uint64_t addr_list_errors(const struct vrrp_instance *in)
{
	return in->drops[VRRP_DROP_ADDR_LIST_MISMATCH] + in->drops[VRRP_DROP_ADDR_COUNT_MISMATCH];
}

static void v2_stats_row(const struct vrrp_instance *in, const struct snmp_seen *seen,
			 struct snmp_out *f)
{
	const oid idx[] = {(oid)in->ifindex, in->cfg->vrid};
	const struct {
		oid col;
		uint64_t v;
	} c[] = {
	    {V2S_BECOME_MASTER, seen ? seen->masters : 0},
	    {V2S_ADV_RCVD, in->adverts_received},
	    {V2S_ADV_INT_ERR, in->drops[VRRP_DROP_ADVER_INT_MISMATCH]},
	    {V2S_AUTH_FAIL, in->drops[VRRP_DROP_AUTH_FAILURE]},
	    {V2S_TTL_ERR, in->drops[VRRP_DROP_BAD_TTL]},
	    {V2S_PRIO0_RCVD, in->prio0_received},
	    {V2S_PRIO0_SENT, in->prio0_sent},
	    {V2S_BAD_TYPE, in->drops[VRRP_DROP_BAD_TYPE]},
	    {V2S_ADDR_LIST_ERR, addr_list_errors(in)},
	    {V2S_BAD_AUTH_TYPE, 0}, /* an unknown type is a mismatch here */
	    {V2S_AUTH_MISMATCH, in->drops[VRRP_DROP_AUTH_TYPE_MISMATCH]},
	    {V2S_LEN_ERR, in->drops[VRRP_DROP_TOO_SHORT]},
	};
	struct snmp_out o = *f;

	o.entry = v2_stats_entry, o.entry_len = OID_LENGTH(v2_stats_entry);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		snmp_cell_int(&o, c[i].col, idx, 2, ASN_COUNTER, counter32(c[i].v));
}

static void v3_stats_row(const struct vrrp_instance *in, const struct snmp_seen *seen,
			 struct snmp_out *f)
{
	const oid idx[] = {(oid)in->ifindex, in->cfg->vrid, in->cfg->family == AF_INET6 ? 2 : 1};
	const struct {
		oid col;
		uint64_t v;
	} c[] = {
	    {V3S_ADV_RCVD, in->adverts_received},
	    {V3S_ADV_INT_ERR, in->drops[VRRP_DROP_ADVER_INT_MISMATCH]},
	    {V3S_TTL_ERR, in->drops[VRRP_DROP_BAD_TTL]},
	    {V3S_PRIO0_RCVD, in->prio0_received},
	    {V3S_PRIO0_SENT, in->prio0_sent},
	    {V3S_BAD_TYPE, in->drops[VRRP_DROP_BAD_TYPE]},
	    {V3S_ADDR_LIST_ERR, addr_list_errors(in)},
	    {V3S_LEN_ERR, in->drops[VRRP_DROP_TOO_SHORT]},
	};
	uint64_t since = f->vrrp_seen->since_usec, start = in->ctx->d->start_usec;
	struct snmp_out o = *f;

	o.entry = v3_stats_entry, o.entry_len = OID_LENGTH(v3_stats_entry);
	snmp_cell_int(&o, V3S_MASTERS, idx, 3, ASN_COUNTER, counter32(seen ? seen->masters : 0));
	snmp_cell_int(&o, V3S_NEW_MASTER_REASON, idx, 3, ASN_INTEGER,
		      in->fsm.state == VRRP_STATE_MASTER ? new_master_reason(in) : 0);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		snmp_cell_c64(&o, c[i].col, idx, 3, c[i].v);
	snmp_cell_int(&o, V3S_PROTO_ERR_REASON, idx, 3, ASN_INTEGER, seen ? seen->proto_err : 0);
	snmp_cell_int(&o, V3S_DISCONTINUITY, idx, 3, ASN_TIMETICKS,
		      since > start ? (long)((since - start) / 10000) : 0);
	snmp_cell_int(&o, V3S_REFRESH, idx, 3, ASN_UNSIGNED, SNMP_REFRESH_MS);
}

static void rows(struct hd_daemon *d, struct snmp_out *f, int version, bool stats)
{
	const struct vrrp_ctx *c = d->vrrp;

	for (size_t i = 0; c && i < c->n_inst; i++) {
		const struct vrrp_instance *in = c->inst[i];
		const struct snmp_seen *seen;

		if (!in || in->ifindex <= 0 || in->cfg->version != version)
			continue; /* no ifIndex, no row */
		seen = stats ? snmp_seen_find(f->vrrp_seen, in) : NULL;
		if (version == 2 && stats)
			v2_stats_row(in, seen, f);
		else if (version == 2)
			v2_row(in, f);
		else if (stats)
			v3_stats_row(in, seen, f);
		else
			v3_row(in, f);
	}
}

static void v2_table(struct hd_daemon *d, struct snmp_out *f)
{
	rows(d, f, 2, false);
}

static void v3_table(struct hd_daemon *d, struct snmp_out *f)
{
	rows(d, f, 3, false);
}

static void v2_stats_table(struct hd_daemon *d, struct snmp_out *f)
{
	rows(d, f, 2, true);
}

static void v3_stats_table(struct hd_daemon *d, struct snmp_out *f)
{
	rows(d, f, 3, true);
}

size_t snmp_vrrp_tables(struct snmp_table *out)
{
	out[0] =
	    (struct snmp_table){"vrrpOperTable", v2_entry, OID_LENGTH(v2_entry), v2_table, NULL};
	out[1] = (struct snmp_table){"vrrpv3OperationsTable", v3_entry, OID_LENGTH(v3_entry),
				     v3_table, NULL};
	out[2] = (struct snmp_table){"vrrpRouterStatsTable", v2_stats_entry,
				     OID_LENGTH(v2_stats_entry), v2_stats_table, NULL};
	out[3] = (struct snmp_table){"vrrpv3StatisticsTable", v3_stats_entry,
				     OID_LENGTH(v3_stats_entry), v3_stats_table, NULL};
	return 4;
}

static void new_master(struct hd_snmp *snmp, const struct vrrp_instance *in)
{
	struct snmp_snap vars = {0};
	oid o[SNMP_OID_MAX];
	u_char a[16];
	size_t alen = master_addr(in, a), n;

	if (in->ifindex <= 0)
		return;
	if (in->cfg->version == 2) {
		n = OID_LENGTH(v2_entry);
		memcpy(o, v2_entry, sizeof(v2_entry));
		o[n] = V2_MASTER, o[n + 1] = (oid)in->ifindex, o[n + 2] = in->cfg->vrid;
		snmp_snap_add_str(&vars, o, n + 3, ASN_IPADDRESS, a, alen);
		snmp_notify(snmp, v2_new_master, OID_LENGTH(v2_new_master), &vars);
		return;
	}
	const oid tail[] = {(oid)in->ifindex, in->cfg->vrid, in->cfg->family == AF_INET6 ? 2 : 1};

	n = OID_LENGTH(v3_entry);
	memcpy(o, v3_entry, sizeof(v3_entry));
	o[n] = V3_MASTER;
	memcpy(o + n + 1, tail, sizeof(tail));
	snmp_snap_add_str(&vars, o, n + 4, ASN_OCTET_STR, a, alen);
	memcpy(o, v3_stats_entry, sizeof(v3_stats_entry));
	o[n] = 2;
	memcpy(o + n + 1, tail, sizeof(tail));
	snmp_snap_add_int(&vars, o, n + 4, ASN_INTEGER, new_master_reason(in));
	snmp_notify(snmp, v3_new_master, OID_LENGTH(v3_new_master), &vars);
}

/* The protocol error counters that moved since the last look give the
 * reason of the last error (one of them when several moved at once). */
static void proto_errors(const struct vrrp_instance *in, struct snmp_seen *s, bool quiet)
{
	for (size_t k = 0; k < 4; k++) {
		uint64_t v = in->drops[proto_errs[k]];

		if (!quiet && v != s->errs[k])
			s->proto_err = (int)k + 1;
		s->errs[k] = v;
	}
}

void snmp_vrrp_watch(struct hd_snmp *snmp, struct hd_daemon *d, struct snmp_seen_set *seen)
{
	const struct vrrp_ctx *c = d->vrrp;
	bool quiet = seen->cfg != d->config; /* start or reload: just look */

	if (quiet) {
		snmp_seen_free(seen);
		seen->cfg = d->config;
		seen->since_usec = hd_now_usec();
	}
	seen->hint = 0;
	for (size_t i = 0; c && i < c->n_inst; i++) {
		const struct vrrp_instance *in = c->inst[i];
		bool is_new;
		struct snmp_seen *s = in ? snmp_seen_get(seen, in, &is_new) : NULL;

		if (!s)
			continue;
		if (!quiet && in->fsm.state == VRRP_STATE_MASTER &&
		    (is_new || s->state != VRRP_STATE_MASTER || s->stamp != in->transitions)) {
			s->masters++;
			new_master(snmp, in);
		}
		proto_errors(in, s, quiet || is_new);
		s->state = in->fsm.state;
		s->stamp = in->transitions;
	}
}
