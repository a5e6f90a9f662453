/* Internals of the SNMP subagent (snmp.c, snmp_tables.c, snmp_vrrp.c, snmp_hd.c).
 * net-snmp's headers are included only through this file, with the
 * warnings they trigger under -Wextra silenced. */
#ifndef HD_SNMP_INT_H
#define HD_SNMP_INT_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#pragma GCC diagnostic pop
/* net-snmp-config.h brings its own PACKAGE_*: ours are not used here. */

#include <stdbool.h>

#include "daemon.h"

/* Streaming cell finder: a table writes every cell it has through
 * snmp_cell_*; the finder keeps the one a GET asks for (exact OID) or a
 * GETNEXT wants (the smallest OID after the request). Tables need no
 * order and no allocation. */
struct snmp_find {
	const oid *req;
	size_t req_len;
	bool next;
	const oid *entry; /* the table's entry OID */
	size_t entry_len;
	bool found;
	oid best[MAX_OID_LEN];
	size_t best_len;
	u_char type;
	union {
		long l;
		struct counter64 c64;
		u_char s[256];
	} v;
	size_t v_len;
};

/* One cell: column COL of the row with index IDX[0..N). */
void snmp_cell_int(struct snmp_find *f, oid col, const oid *idx, size_t n, u_char type, long v);
void snmp_cell_c64(struct snmp_find *f, oid col, const oid *idx, size_t n, uint64_t v);
void snmp_cell_str(struct snmp_find *f, oid col, const oid *idx, size_t n, u_char type,
		   const void *s, size_t len);

typedef void (*snmp_table_fn)(struct hd_daemon *d, struct snmp_find *f);

struct snmp_table {
	const char *name;
	const oid *entry; /* ...Entry: cells are entry.col.index */
	size_t entry_len;
	snmp_table_fn fn;
	struct hd_daemon *d;
};

/* Register a read-only table answered by T->fn (T must outlive it). */
int snmp_table_register(struct snmp_table *t);

/* What the notification watcher remembers of one object. */
struct snmp_seen {
	const void *key;
	int state;
	uint64_t stamp; /* transitions or last change */
};
struct snmp_seen_set {
	struct snmp_seen *v;
	size_t n;
	const void *cfg; /* d->config when taken: a reload re-snapshots */
};
void snmp_seen_free(struct snmp_seen_set *s);
/* The entry for KEY, added (with *NEW set) when missing; NULL on ENOMEM. */
struct snmp_seen *snmp_seen_get(struct snmp_seen_set *s, const void *key, bool *is_new);

/* snmp_vrrp.c: VRRP-MIB and VRRPv3-MIB. Fill OUT[0..2). */
size_t snmp_vrrp_tables(struct hd_daemon *d, struct snmp_table *out);
/* New-master notifications (vrrpTrapNewMaster / vrrpv3NewMaster). */
void snmp_vrrp_watch(struct hd_daemon *d, struct snmp_seen_set *seen);

/* snmp_hd.c: HADIRECTOR-MIB. Fill OUT[0..3). */
size_t snmp_hd_tables(struct hd_daemon *d, struct snmp_table *out);
/* hdRealServerStateChange notifications. */
void snmp_hd_watch(struct hd_daemon *d, struct snmp_seen_set *seen);

/* snmpTrapOID.0 = TRAP, then VARS (consumed). */
void snmp_send_notification(const oid *trap, size_t trap_len, netsnmp_variable_list *vars);

#endif
