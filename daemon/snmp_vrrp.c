/* VRRP-MIB (RFC 2787, mib-2 68) vrrpOperTable, vrrpAssoIpAddrTable and
 * vrrpRouterStatsTable for version 2 instances and VRRPv3-MIB (RFC 6527,
 * mib-2 207) vrrpv3OperationsTable, vrrpv3AssociatedIpAddrTable and
 * vrrpv3StatisticsTable for version 3 ones, read-only, rendered from the
 * VRRP module's view (vrrp/vrrp_view.h), pure: the tables' callbacks and
 * the new-master notifications are in snmp_vrrp_live.c. Facts of the MIBs
 * (OIDs, columns, enumerations) are written down here by hand, the
 * statistics columns with the counters that fill them (VRRP_VIEW_COUNTERS).
 * What the instance does not count (times it became master, the last
 * protocol error) the notification watcher counts from its observations,
 * since it (re)took its snapshot at start or the last reload: that moment
 * is the rows' discontinuity time. */
#include <string.h>

#include "snmp_int.h"
#include "vrrp/vrrp_view.h"

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
/* vrrpAssoIpAddrEntry = vrrpOperations(68.1).vrrpAssoIpAddrTable(4).1, INDEX
 * { ifIndex, vrrpOperVrId, vrrpAssoIpAddr }: the address (IpAddress, four
 * sub-identifiers) is not-accessible, the row status its one column. */
static const oid v2_assoc_entry[] = {1, 3, 6, 1, 2, 1, 68, 1, 4, 1};
/* vrrpv3AssociatedIpAddrEntry = vrrpv3Operations(207.1.1).vrrpv3AssociatedIpAddrTable(2).1,
 * INDEX { ifIndex, vrrpv3OperationsVrId, vrrpv3OperationsInetAddrType,
 * vrrpv3AssociatedIpAddrAddress }: the address (InetAddress, not IMPLIED:
 * its length, then its bytes) likewise. */
static const oid v3_assoc_entry[] = {1, 3, 6, 1, 2, 1, 207, 1, 1, 2, 1};
#define ASSOC_ROWSTATUS 2
/* vrrpRouterStatsEntry = vrrpMIB(68).vrrpStatistics(2).vrrpRouterStatsTable(4).1,
 * AUGMENTS vrrpOperEntry; all Counter32. Columns: VRRP_MIB2_* (vrrp_view.h). */
static const oid v2_stats_entry[] = {1, 3, 6, 1, 2, 1, 68, 2, 4, 1};
/* vrrpv3StatisticsEntry = vrrpv3Objects(207.1).vrrpv3Statistics(2)
 * .vrrpv3StatisticsTable(5).1, AUGMENTS vrrpv3OperationsEntry. Columns:
 * VRRP_MIB3_*. */
static const oid v3_stats_entry[] = {1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1};
/* vrrpv3StatisticsProtoErrReason: noError(0), then the drop reasons that
 * map to ipTtlError(1), versionError(2), checksumError(3), vrIdError(4). */
static const int proto_errs[4] = {VRRP_DROP_BAD_TTL, VRRP_DROP_BAD_VERSION, VRRP_DROP_BAD_CHECKSUM,
				  VRRP_DROP_VRID_MISMATCH};
/* vrrpTrapNewMaster = vrrpNotifications(68.0).1 { vrrpOperMasterIpAddr } */
static const oid v2_new_master[] = {1, 3, 6, 1, 2, 1, 68, 0, 1};
/* vrrpv3NewMaster = vrrpv3Notifications(207.0).1 { vrrpv3OperationsMasterIpAddr,
 * vrrpv3StatisticsNewMasterReason (vrrpv3StatisticsEntry column 2) } */
static const oid v3_new_master[] = {1, 3, 6, 1, 2, 1, 207, 0, 1};

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
static size_t master_addr(const struct vrrp_inst_view *v, u_char *buf)
{
	struct hd_addr a = {.family = v->family};

	if (v->state == VRRP_STATE_MASTER)
		a = v->source;
	else if (v->master_known)
		a = v->master;
	if (!a.family)
		a.family = v->family;
	return addr_bytes(&a, buf);
}

static void vmac(const struct vrrp_inst_view *v, u_char *mac)
{
	static const u_char base[] = {0x00, 0x00, 0x5e, 0x00, 0x01};

	memcpy(mac, base, 5);
	if (v->family == AF_INET6)
		mac[4] = 0x02;
	mac[5] = (u_char)v->vrid;
}

/* TimeStamp: sysUpTime at T; our process start (START) stands in for the
 * agent's epoch. */
static long ticks_since(uint64_t t, uint64_t start)
{
	return t > start ? (long)((t - start) / 10000) : 0;
}

static long addr_type(const struct vrrp_inst_view *v)
{
	return v->family == AF_INET6 ? 2 : 1; /* InetAddressType ipv6(2), ipv4(1) */
}

static void v2_row(const struct vrrp_inst_view *v, uint64_t start, struct snmp_out *f)
{
	const oid idx[] = {(oid)v->ifindex, v->vrid};
	u_char mac[6], a[16];
	size_t n = 2;

	vmac(v, mac);
	snmp_cell_str(f, V2_VMAC, idx, n, ASN_OCTET_STR, mac, 6);
	snmp_cell_int(f, V2_STATE, idx, n, ASN_INTEGER, mib_state(v->state));
	snmp_cell_int(f, V2_ADMIN, idx, n, ASN_INTEGER, 1); /* up */
	snmp_cell_int(f, V2_PRIO, idx, n, ASN_INTEGER, v->priority);
	snmp_cell_int(f, V2_ADDRCOUNT, idx, n, ASN_INTEGER, (long)v->n_vips);
	snmp_cell_str(f, V2_MASTER, idx, n, ASN_IPADDRESS, a, master_addr(v, a));
	snmp_cell_str(f, V2_PRIMARY, idx, n, ASN_IPADDRESS, a, addr_bytes(&v->source, a));
	/* noAuthentication(1), simpleTextPassword(2); the key reads empty */
	snmp_cell_int(f, V2_AUTHTYPE, idx, n, ASN_INTEGER, v->auth ? 2 : 1);
	snmp_cell_str(f, V2_AUTHKEY, idx, n, ASN_OCTET_STR, "", 0);
	snmp_cell_int(f, V2_ADVINT, idx, n, ASN_INTEGER, v->advert_int_cs / 100);
	snmp_cell_int(f, V2_PREEMPT, idx, n, ASN_INTEGER, v->preempt ? MIB_TRUE : MIB_FALSE);
	snmp_cell_int(f, V2_UPTIME, idx, n, ASN_TIMETICKS,
		      ticks_since(v->last_transition_usec, start));
	snmp_cell_int(f, V2_PROTO, idx, n, ASN_INTEGER, 1);	/* ip */
	snmp_cell_int(f, V2_ROWSTATUS, idx, n, ASN_INTEGER, 1); /* active */
}

static void v3_row(const struct vrrp_inst_view *v, uint64_t start, struct snmp_out *f)
{
	const oid idx[] = {(oid)v->ifindex, v->vrid, addr_type(v)};
	u_char mac[6], a[16];
	size_t n = 3;

	vmac(v, mac);
	snmp_cell_str(f, V3_MASTER, idx, n, ASN_OCTET_STR, a, master_addr(v, a));
	snmp_cell_str(f, V3_PRIMARY, idx, n, ASN_OCTET_STR, a,
		      v->source.family ? addr_bytes(&v->source, a) : 0);
	snmp_cell_str(f, V3_VMAC, idx, n, ASN_OCTET_STR, mac, 6);
	snmp_cell_int(f, V3_STATUS, idx, n, ASN_INTEGER, mib_state(v->state));
	snmp_cell_int(f, V3_PRIO, idx, n, ASN_UNSIGNED, v->priority);
	snmp_cell_int(f, V3_ADDRCOUNT, idx, n, ASN_INTEGER, (long)v->n_vips);
	snmp_cell_int(f, V3_ADVINT, idx, n, ASN_INTEGER, v->advert_int_cs);
	snmp_cell_int(f, V3_PREEMPT, idx, n, ASN_INTEGER, v->preempt ? MIB_TRUE : MIB_FALSE);
	snmp_cell_int(f, V3_ACCEPT, idx, n, ASN_INTEGER, MIB_FALSE);
	snmp_cell_int(f, V3_UPTIME, idx, n, ASN_TIMETICKS,
		      ticks_since(v->last_transition_usec, start));
	snmp_cell_int(f, V3_ROWSTATUS, idx, n, ASN_INTEGER, 1);
}

/* One row per virtual address of the instance's family: the index ends
 * with the address, as IpAddress (v2) or as length-prefixed InetAddress
 * (v3); its one accessible column reads active(1). */
static void assoc_rows(const struct vrrp_inst_view *v, struct snmp_out *f)
{
	bool v3 = v->version == 3;
	oid idx[4 + 16] = {(oid)v->ifindex, v->vrid};

	for (size_t k = 0; k < v->n_vips; k++) {
		u_char a[16];
		size_t n = 2, len;

		if (v->vips[k].addr.family != v->family)
			continue;
		len = addr_bytes(&v->vips[k].addr, a);
		if (v3) {
			idx[n++] = addr_type(v);
			idx[n++] = len;
		}
		for (size_t b = 0; b < len; b++)
			idx[n++] = a[b];
		snmp_cell_int(f, ASSOC_ROWSTATUS, idx, n, ASN_INTEGER, 1);
	}
}

/* vrrpv3StatisticsNewMasterReason: priority(1), preempted(2),
 * masterNoResponse(3). */
static long new_master_reason(const struct vrrp_inst_view *v)
{
	const char *r = v->last_reason ? v->last_reason : "";

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

static void v2_stats_row(const struct vrrp_inst_view *v, const struct snmp_seen *seen,
			 struct snmp_out *f)
{
	const oid idx[] = {(oid)v->ifindex, v->vrid};
	uint64_t c2[VRRP_MIB2__N], c3[VRRP_MIB3__N];

	vrrp_view_mib_counters(v, c2, c3);
	c2[VRRP_MIB2_BECOME_MASTER] = seen ? seen->masters : 0;
	/* VRRP_MIB2_BAD_AUTH_TYPE stays 0: an unknown type is a mismatch here */
	for (oid col = 1; col < VRRP_MIB2__N; col++)
		snmp_cell_int(f, col, idx, 2, ASN_COUNTER, counter32(c2[col]));
}

static void v3_stats_row(const struct vrrp_inst_view *v, const struct snmp_seen *seen,
			 uint64_t start, struct snmp_out *f)
{
	const oid idx[] = {(oid)v->ifindex, v->vrid, addr_type(v)};
	uint64_t c2[VRRP_MIB2__N], c3[VRRP_MIB3__N];
	uint64_t since = f->vrrp_seen ? f->vrrp_seen->since_usec : 0;

	vrrp_view_mib_counters(v, c2, c3);
	for (oid col = VRRP_MIB3_ADV_RCVD; col <= VRRP_MIB3_LEN_ERR; col++)
		if (col != VRRP_MIB3_PROTO_ERR_REASON)
			snmp_cell_c64(f, col, idx, 3, c3[col]);
	snmp_cell_int(f, VRRP_MIB3_MASTERS, idx, 3, ASN_COUNTER,
		      counter32(seen ? seen->masters : 0));
	snmp_cell_int(f, VRRP_MIB3_NEW_MASTER_REASON, idx, 3, ASN_INTEGER,
		      v->state == VRRP_STATE_MASTER ? new_master_reason(v) : 0);
	snmp_cell_int(f, VRRP_MIB3_PROTO_ERR_REASON, idx, 3, ASN_INTEGER,
		      seen ? seen->proto_err : 0);
	snmp_cell_int(f, VRRP_MIB3_DISCONTINUITY, idx, 3, ASN_TIMETICKS, ticks_since(since, start));
	snmp_cell_int(f, VRRP_MIB3_REFRESH, idx, 3, ASN_UNSIGNED, SNMP_REFRESH_MS);
}

static const struct {
	const char *name;
	const oid *entry;
	size_t len;
	int version;
} tables[SNMP_VRRP__N] = {
    [SNMP_VRRP_OPER2] = {"vrrpOperTable", v2_entry, OID_LENGTH(v2_entry), 2},
    [SNMP_VRRP_OPER3] = {"vrrpv3OperationsTable", v3_entry, OID_LENGTH(v3_entry), 3},
    [SNMP_VRRP_ASSOC2] = {"vrrpAssoIpAddrTable", v2_assoc_entry, OID_LENGTH(v2_assoc_entry), 2},
    [SNMP_VRRP_ASSOC3] = {"vrrpv3AssociatedIpAddrTable", v3_assoc_entry, OID_LENGTH(v3_assoc_entry),
			  3},
    [SNMP_VRRP_STATS2] = {"vrrpRouterStatsTable", v2_stats_entry, OID_LENGTH(v2_stats_entry), 2},
    [SNMP_VRRP_STATS3] = {"vrrpv3StatisticsTable", v3_stats_entry, OID_LENGTH(v3_stats_entry), 3},
};

void snmp_vrrp_table(enum snmp_vrrp_table t, struct snmp_table *out)
{
	*out = (struct snmp_table){tables[t].name, tables[t].entry, tables[t].len, NULL, NULL};
}

void snmp_vrrp_rows(enum snmp_vrrp_table t, const struct vrrp_inst_view *v, size_t n,
		    uint64_t start_usec, struct snmp_out *f)
{
	struct snmp_out o = *f;

	o.entry = tables[t].entry, o.entry_len = tables[t].len;
	for (size_t i = 0; i < n; i++) {
		const struct snmp_seen *seen =
		    f->vrrp_seen ? snmp_seen_find(f->vrrp_seen, v[i].key) : NULL;

		if (v[i].ifindex <= 0 || v[i].version != tables[t].version)
			continue; /* no ifIndex, no row */
		switch (t) {
		case SNMP_VRRP_OPER2:
			v2_row(&v[i], start_usec, &o);
			break;
		case SNMP_VRRP_OPER3:
			v3_row(&v[i], start_usec, &o);
			break;
		case SNMP_VRRP_ASSOC2:
		case SNMP_VRRP_ASSOC3:
			assoc_rows(&v[i], &o);
			break;
		case SNMP_VRRP_STATS2:
			v2_stats_row(&v[i], seen, &o);
			break;
		case SNMP_VRRP_STATS3:
		case SNMP_VRRP__N:
			v3_stats_row(&v[i], seen, start_usec, &o);
			break;
		}
	}
}

void snmp_vrrp_new_master(const struct vrrp_inst_view *v, struct snmp_snap *vars, const oid **trap,
			  size_t *trap_len)
{
	const oid idx[] = {(oid)v->ifindex, v->vrid, addr_type(v)};
	struct snmp_out f = {vars, v2_entry, OID_LENGTH(v2_entry), NULL};
	u_char a[16];
	size_t alen = master_addr(v, a);

	if (v->version == 2) {
		snmp_cell_str(&f, V2_MASTER, idx, 2, ASN_IPADDRESS, a, alen);
		*trap = v2_new_master, *trap_len = OID_LENGTH(v2_new_master);
		return;
	}
	f.entry = v3_entry, f.entry_len = OID_LENGTH(v3_entry);
	snmp_cell_str(&f, V3_MASTER, idx, 3, ASN_OCTET_STR, a, alen);
	f.entry = v3_stats_entry, f.entry_len = OID_LENGTH(v3_stats_entry);
	snmp_cell_int(&f, VRRP_MIB3_NEW_MASTER_REASON, idx, 3, ASN_INTEGER, new_master_reason(v));
	*trap = v3_new_master, *trap_len = OID_LENGTH(v3_new_master);
}

/* The protocol error counters that moved since the last look give the
 * reason of the last error (one of them when several moved at once). */
void snmp_vrrp_proto_errors(const struct vrrp_inst_view *v, struct snmp_seen *s, bool quiet)
{
	for (size_t k = 0; k < 4; k++) {
		uint64_t c = v->drops[proto_errs[k]];

		if (!quiet && c != s->errs[k])
			s->proto_err = (int)k + 1;
		s->errs[k] = c;
	}
}
