/* Internals of the SNMP subagent (snmp.c, snmp_tables.c, snmp_vrrp.c, snmp_hd.c).
 * net-snmp's headers are included only through this file, with the
 * warnings they trigger under -Wextra silenced.
 *
 * Two threads meet here (see snmp.c). The event loop fills snapshots and
 * notifications (struct snmp_snap) from the live state and never calls
 * into net-snmp; the subagent thread owns every net-snmp call and answers
 * requests from the snapshot it was handed. A function's comment says on
 * which side it runs. */
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
#include <net-snmp/library/large_fd_set.h>
#pragma GCC diagnostic pop
/* net-snmp-config.h brings its own PACKAGE_*: ours are not used here. */

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"

/* Longest OID a cell has: vrrpv3StatisticsEntry (11) + column + 3 index
 * sub-identifiers is 15. Sub-identifiers are 32-bit in SNMP. */
#define SNMP_OID_MAX 16

/* One variable: a table cell or a notification's varbind. */
struct snmp_cell {
	uint32_t name[SNMP_OID_MAX];
	uint8_t name_len;
	uint8_t type; /* ASN_* */
	uint16_t len; /* string bytes */
	union {
		long l;	      /* integer types */
		uint64_t u64; /* ASN_COUNTER64 */
		uint32_t off; /* strings: offset into the snapshot's bytes */
	} v;
};

/* A set of cells and the bytes of their strings. Tables: every cell of
 * every table (sorted by the subagent thread before use); a notification:
 * its varbinds in order. */
struct snmp_snap {
	struct snmp_cell *cells;
	size_t n, cap;
	unsigned char *bytes;
	size_t n_bytes, cap_bytes;
	bool oom; /* a cell was lost: the snapshot is incomplete */
};
void snmp_snap_free(struct snmp_snap *s); /* the contents, not S */
/* Append a variable NAME[0..LEN) (both sides). */
void snmp_snap_add_int(struct snmp_snap *s, const oid *name, size_t len, u_char type, long v);
void snmp_snap_add_c64(struct snmp_snap *s, const oid *name, size_t len, uint64_t v);
void snmp_snap_add_str(struct snmp_snap *s, const oid *name, size_t len, u_char type,
		       const void *str, size_t n);

/* Where a table writes its cells (event loop): entry.col.index. */
struct snmp_out {
	struct snmp_snap *snap;
	const oid *entry; /* the table's entry OID */
	size_t entry_len;
	const struct snmp_seen_set *vrrp_seen; /* for the VRRP statistics */
};

/* One cell: column COL of the row with index IDX[0..N). */
void snmp_cell_int(struct snmp_out *f, oid col, const oid *idx, size_t n, u_char type, long v);
void snmp_cell_c64(struct snmp_out *f, oid col, const oid *idx, size_t n, uint64_t v);
void snmp_cell_str(struct snmp_out *f, oid col, const oid *idx, size_t n, u_char type,
		   const void *s, size_t len);

/* Writes every cell the table has, in any order (event loop). */
typedef void (*snmp_table_fn)(struct hd_daemon *d, struct snmp_out *f);

struct hd_snmp;
struct snmp_table {
	const char *name;
	const oid *entry; /* ...Entry: cells are entry.col.index */
	size_t entry_len;
	snmp_table_fn fn;
	struct hd_snmp *owner; /* set by snmp.c: where the handler finds its snapshot */
};

/* Subagent thread: sort a snapshot the event loop filled. */
void snmp_snap_sort(struct snmp_snap *s);
/* Subagent thread: register a read-only table answered from the snapshot
 * snmp_current() returns (T must outlive the registration). */
int snmp_table_register(struct snmp_table *t);
/* snmp.c, subagent thread: the freshest snapshot it can have without
 * waiting long for the event loop (sorted; may be empty, never NULL). */
const struct snmp_snap *snmp_current(struct hd_snmp *s);
/* Subagent thread: send a notification (snmpTrapOID.0 = TRAP, then VARS). */
void snmp_send_snap(const uint32_t *trap, size_t trap_len, const struct snmp_snap *vars);

/* What the notification watcher remembers of one object (event loop). */
struct snmp_seen {
	const void *key;
	int state;
	uint64_t stamp; /* transitions or last change */
	/* VRRP instances: what the statistics tables need and the instance
	 * does not count itself */
	uint64_t masters; /* times it became master since the set was taken */
	uint64_t errs[4]; /* protocol error counters when last looked */
	int proto_err;	  /* vrrpv3StatisticsProtoErrReason of the last one */
};
struct snmp_seen_set {
	struct snmp_seen *v;
	size_t n;
	const void *cfg;     /* d->config when taken: a reload re-snapshots */
	uint64_t since_usec; /* when taken: the counters' discontinuity */
};
void snmp_seen_free(struct snmp_seen_set *s);
/* The entry for KEY, added (with *NEW set) when missing; NULL on ENOMEM. */
struct snmp_seen *snmp_seen_get(struct snmp_seen_set *s, const void *key, bool *is_new);
const struct snmp_seen *snmp_seen_find(const struct snmp_seen_set *s, const void *key);

/* How often table values can change for a manager: the snapshots' least
 * age before a new one is taken (vrrpv3StatisticsRefreshRate). */
#define SNMP_REFRESH_MS 50

/* snmp.c, event loop: queue a notification for the subagent thread
 * (VARS is taken over, also on failure). */
void snmp_notify(struct hd_snmp *s, const oid *trap, size_t trap_len, struct snmp_snap *vars);

/* snmp_vrrp.c: VRRP-MIB and VRRPv3-MIB tables (operations, statistics).
 * Fill OUT[0..4). */
size_t snmp_vrrp_tables(struct snmp_table *out);
/* New-master notifications (vrrpTrapNewMaster / vrrpv3NewMaster). */
void snmp_vrrp_watch(struct hd_snmp *s, struct hd_daemon *d, struct snmp_seen_set *seen);

/* snmp_hd.c: HADIRECTOR-MIB tables. Fill OUT[0..3). */
size_t snmp_hd_tables(struct snmp_table *out);
/* hdRealServerStateChange notifications. */
void snmp_hd_watch(struct hd_snmp *s, struct hd_daemon *d, struct snmp_seen_set *seen);

#endif
