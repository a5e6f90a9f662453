/* VRRP-MIB (RFC 2787, mib-2 68) vrrpOperTable for version 2 instances and
 * VRRPv3-MIB (RFC 6527, mib-2 207) vrrpv3OperationsTable for version 3
 * ones, read-only, plus their new-master notifications. Facts of the MIBs
 * (OIDs, columns, enumerations) are written down here by hand. */
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

static void v2_row(const struct vrrp_instance *in, struct snmp_find *f)
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

static void v3_row(const struct vrrp_instance *in, struct snmp_find *f)
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

static void rows(struct hd_daemon *d, struct snmp_find *f, int version)
{
	const struct vrrp_ctx *c = d->vrrp;

	for (size_t i = 0; c && i < c->n_inst; i++) {
		const struct vrrp_instance *in = c->inst[i];

		if (!in || in->ifindex <= 0 || in->cfg->version != version)
			continue; /* no ifIndex, no row */
		if (version == 2)
			v2_row(in, f);
		else
			v3_row(in, f);
	}
}

static void v2_table(struct hd_daemon *d, struct snmp_find *f)
{
	rows(d, f, 2);
}

static void v3_table(struct hd_daemon *d, struct snmp_find *f)
{
	rows(d, f, 3);
}

size_t snmp_vrrp_tables(struct hd_daemon *d, struct snmp_table *out)
{
	out[0] = (struct snmp_table){"vrrpOperTable", v2_entry, OID_LENGTH(v2_entry), v2_table, d};
	out[1] = (struct snmp_table){"vrrpv3OperationsTable", v3_entry, OID_LENGTH(v3_entry),
				     v3_table, d};
	return 2;
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

static void new_master(const struct vrrp_instance *in)
{
	netsnmp_variable_list *vars = NULL;
	oid o[MAX_OID_LEN];
	u_char a[16];
	size_t alen = master_addr(in, a), n;

	if (in->ifindex <= 0)
		return;
	if (in->cfg->version == 2) {
		n = OID_LENGTH(v2_entry);
		memcpy(o, v2_entry, sizeof(v2_entry));
		o[n] = V2_MASTER, o[n + 1] = (oid)in->ifindex, o[n + 2] = in->cfg->vrid;
		snmp_varlist_add_variable(&vars, o, n + 3, ASN_IPADDRESS, a, alen);
		snmp_send_notification(v2_new_master, OID_LENGTH(v2_new_master), vars);
		return;
	}
	const oid tail[] = {(oid)in->ifindex, in->cfg->vrid, in->cfg->family == AF_INET6 ? 2 : 1};
	long reason = new_master_reason(in);

	n = OID_LENGTH(v3_entry);
	memcpy(o, v3_entry, sizeof(v3_entry));
	o[n] = V3_MASTER;
	memcpy(o + n + 1, tail, sizeof(tail));
	snmp_varlist_add_variable(&vars, o, n + 4, ASN_OCTET_STR, a, alen);
	memcpy(o, v3_stats_entry, sizeof(v3_stats_entry));
	o[n] = 2;
	memcpy(o + n + 1, tail, sizeof(tail));
	snmp_varlist_add_variable(&vars, o, n + 4, ASN_INTEGER, (u_char *)&reason, sizeof(reason));
	snmp_send_notification(v3_new_master, OID_LENGTH(v3_new_master), vars);
}

void snmp_vrrp_watch(struct hd_daemon *d, struct snmp_seen_set *seen)
{
	const struct vrrp_ctx *c = d->vrrp;
	bool quiet = seen->cfg != d->config; /* start or reload: just look */

	if (quiet) {
		snmp_seen_free(seen);
		seen->cfg = d->config;
	}
	for (size_t i = 0; c && i < c->n_inst; i++) {
		const struct vrrp_instance *in = c->inst[i];
		bool is_new;
		struct snmp_seen *s = in ? snmp_seen_get(seen, in, &is_new) : NULL;

		if (!s)
			continue;
		if (!quiet && in->fsm.state == VRRP_STATE_MASTER &&
		    (is_new || s->state != VRRP_STATE_MASTER || s->stamp != in->transitions))
			new_master(in);
		s->state = in->fsm.state;
		s->stamp = in->transitions;
	}
}
