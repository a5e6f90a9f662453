/* Internals of the SNMP subagent (snmp.c, snmp_agent.c, snmp_agent_mib.c,
 * snmp_wire.c, snmp_tables.c, snmp_vrrp.c, snmp_hd.c). net-snmp's headers
 * are included only through this file, with the warnings they trigger
 * under -Wextra silenced.
 *
 * Two programs meet here (see snmp.c). The daemon's event loop fills
 * snapshots and notifications (struct snmp_snap) from the live state; it
 * uses net-snmp's headers for their types and constants (oid, ASN_*) but
 * calls no function of the library and does not link it. The subagent
 * program hadirector-snmp (snmp_agent.c, snmp_agent_mib.c) owns every
 * net-snmp call and answers requests from the snapshot it was sent. A
 * function's comment says on which side it runs. */
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
#include <net-snmp/agent/agent_callbacks.h>
#pragma GCC diagnostic pop
/* net-snmp-config.h brings its own PACKAGE_*: ours are not used here. */

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"

/* Longest OID a cell has: vrrpv3AssociatedIpAddrEntry (11) + column + 3
 * index sub-identifiers + an IPv6 InetAddress (its length and 16 bytes) is
 * 32. Sub-identifiers are 32-bit in SNMP. */
#define SNMP_OID_MAX 32

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
 * every table (sorted by the subagent before use); a notification:
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
struct snmp_agent;
struct snmp_table {
	const char *name;
	const oid *entry; /* ...Entry: cells are entry.col.index */
	size_t entry_len;
	snmp_table_fn fn;	  /* event loop */
	struct snmp_agent *owner; /* subagent: where the handler finds its snapshot */
};

/* snmp_agent_mib.c, subagent: sort a snapshot the event loop filled. */
void snmp_snap_sort(struct snmp_snap *s);
/* Subagent: register a read-only table answered from the snapshot
 * snmp_agent_current() returns (T must outlive the registration). 0, or
 * -ENOMEM, -EEXIST (registered already), -EIO (the library refused). */
int snmp_table_register(struct snmp_table *t);
/* snmp_agent.c, subagent: the freshest snapshot it can have without
 * waiting long for the event loop (sorted; may be empty, never NULL). */
const struct snmp_snap *snmp_agent_current(struct snmp_agent *a);
/* Subagent: send a notification (snmpTrapOID.0 = TRAP, then VARS). */
void snmp_send_snap(const uint32_t *trap, size_t trap_len, const struct snmp_snap *vars);

/* How the daemon starts hadirector-snmp (snmp.c, snmp_agent.c): its
 * socket to the daemon is this descriptor, and its arguments are
 *   -w SNMP_WIRE_VERSION [-l max syslog level] [-s AgentX socket]
 * A subagent from another build refuses a different wire version (the
 * frames below are native structs): bump it with any change to them. */
#define SNMP_AGENT_FD	  3
#define SNMP_AGENT_PROG	  "hadirector-snmp"
#define SNMP_WIRE_VERSION 3

/* snmp_wire.c: frames between the daemon and the subagent on a stream
 * socket: a header, then LEN bytes. Same host, same build: native byte
 * order and struct layout. */
enum {
	SNMPW_WANT = 1, /* subagent -> loop: a fresh snapshot, please */
	SNMPW_LOG,	/* subagent -> loop: int32 priority, text */
	SNMPW_SNAP,	/* loop -> subagent: uint64 taken at, build usec, cells */
	SNMPW_TRAP,	/* loop -> subagent: uint32 length, OID[SNMP_OID_MAX], cells */
	SNMPW_TABLES,	/* loop -> subagent, first frame: struct snmp_wire_table[] */
};
/* What the subagent registers: the layouts live with the code that fills
 * the tables (snmp_vrrp.c, snmp_hd.c) and travel to the subagent. */
struct snmp_wire_table {
	char name[32];
	uint32_t entry_len;
	uint32_t entry[SNMP_OID_MAX];
};
#define SNMP_TABLES_MAX 16
struct snmp_frame_hdr {
	uint32_t type;
	uint32_t len;
};
/* A whole frame: header, HEAD[0..head_len), then S (if any) flattened. */
struct snmp_frame {
	struct snmp_frame *next;
	size_t len; /* of data */
	bool is_trap;
	unsigned char data[];
};
struct snmp_frame *snmp_frame_new(uint32_t type, const void *head, size_t head_len,
				  const struct snmp_snap *s);
/* The snapshot in a frame's PAYLOAD after HEAD_LEN bytes (copied into S);
 * -EBADMSG when it does not parse, -ENOMEM. */
int snmp_frame_snap(const unsigned char *payload, size_t len, size_t head_len, struct snmp_snap *s);
/* The SNMPW_TABLES frame of T[0..N) (event loop); NULL on ENOMEM. */
struct snmp_frame *snmp_frame_tables(const struct snmp_table *t, size_t n);
/* Its payload into *T[0..*N), one allocation to free(); -EBADMSG when it
 * does not parse, -ENOMEM (subagent). */
int snmp_tables_parse(const unsigned char *payload, size_t len, struct snmp_table **t, size_t *n);
/* Bytes read from a socket, cut into frames. FRAME_MAX and BUF_MAX (0:
 * none) bound what a reader trusts its peer with: the longest payload a
 * frame may announce and the bytes buffered at once. The daemon sets both
 * (snmp_inbuf_limit) for what the subagent sends; the subagent reads the
 * daemon's snapshots, whose size grows with the configuration, unbounded. */
struct snmp_inbuf {
	unsigned char *p;
	size_t off, n, cap; /* frames not yet taken: p[off..n) */
	size_t frame_max, buf_max;
};
/* What the subagent ever sends the daemon: agent_send() (snmp_agent.c)
 * writes whole frames of at most 512 bytes; the daemon takes up to 8 times
 * that, and resets a subagent that announces more. */
#define SNMP_AGENT_FRAME_MAX 4096
#define SNMP_AGENT_BUF_MAX   65536
/* An SNMPW_LOG payload (int32 priority, text): the priority to log TEXT
 * at (LOG_WARNING when the subagent asks for more than that), TEXT[0..SIZE)
 * its text up to a NUL, cut to fit, control bytes replaced; -EBADMSG when
 * it has no text (daemon). */
int snmp_log_parse(const unsigned char *payload, size_t len, char *text, size_t size);
/* Set the limits (kept across snmp_inbuf_free); BUF_MAX is raised to hold
 * at least one whole frame, so a full buffer always has one to take. */
void snmp_inbuf_limit(struct snmp_inbuf *b, size_t frame_max, size_t buf_max);
/* Read what FD has (non-blocking), up to BUF_MAX bytes buffered: the rest
 * waits in the socket for the next call (level-triggered poll wakes
 * again). 0, or -ECONNRESET on EOF, -ENOMEM, read()'s -errno. */
int snmp_inbuf_fill(struct snmp_inbuf *b, int fd);
/* The first complete frame: 1 (its payload stays valid until
 * snmp_inbuf_pop), 0 when it has not all arrived, -EMSGSIZE when its
 * header announces more than FRAME_MAX (nothing more can be taken from
 * this stream: frames have no resynchronisation point). */
int snmp_inbuf_next(const struct snmp_inbuf *b, struct snmp_frame_hdr *h,
		    const unsigned char **payload);
/* snmp_inbuf_next() == 1. */
bool snmp_inbuf_frame(const struct snmp_inbuf *b, struct snmp_frame_hdr *h,
		      const unsigned char **payload);
void snmp_inbuf_pop(struct snmp_inbuf *b);
void snmp_inbuf_free(struct snmp_inbuf *b);

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
	size_t n, cap;
	size_t hint;	     /* where the next lookup looks first */
	const void *cfg;     /* d->config when taken: a reload re-snapshots */
	uint64_t since_usec; /* when taken: the counters' discontinuity */
	uint64_t gen;	     /* the watched module's change counter when last scanned */
};
void snmp_seen_free(struct snmp_seen_set *s);
/* The entry for KEY, added (with *NEW set) when missing; NULL on ENOMEM.
 * A watcher looks its objects up in the same order every scan: set HINT
 * to 0 before one and each lookup is found where the last one ended. */
struct snmp_seen *snmp_seen_get(struct snmp_seen_set *s, const void *key, bool *is_new);
const struct snmp_seen *snmp_seen_find(const struct snmp_seen_set *s, const void *key);

/* How often table values can change for a manager: the snapshots' least
 * age before a new one is taken (vrrpv3StatisticsRefreshRate). */
#define SNMP_REFRESH_MS 50

/* snmp.c, event loop: queue a notification for the subagent (VARS is
 * taken over, also on failure). */
void snmp_notify(struct hd_snmp *s, const oid *trap, size_t trap_len, struct snmp_snap *vars);

/* snmp_vrrp.c, pure: VRRP-MIB and VRRPv3-MIB tables (operations,
 * associated addresses, statistics) rendered from the VRRP module's view
 * (vrrp/vrrp_view.h); tests/unit/test_views.c renders them. */
struct vrrp_inst_view;
enum snmp_vrrp_table {
	SNMP_VRRP_OPER2,
	SNMP_VRRP_OPER3,
	SNMP_VRRP_ASSOC2,
	SNMP_VRRP_ASSOC3,
	SNMP_VRRP_STATS2,
	SNMP_VRRP_STATS3,
	SNMP_VRRP__N
};
/* T's name and entry OID (OUT->fn NULL). */
void snmp_vrrp_table(enum snmp_vrrp_table t, struct snmp_table *out);
/* T's cells for the instances V[0..N) (the statistics read F->vrrp_seen
 * when set); START_USEC: the process start, the TimeStamps' epoch. */
void snmp_vrrp_rows(enum snmp_vrrp_table t, const struct vrrp_inst_view *v, size_t n,
		    uint64_t start_usec, struct snmp_out *f);
/* V's new-master notification: its varbinds into VARS, its OID. */
void snmp_vrrp_new_master(const struct vrrp_inst_view *v, struct snmp_snap *vars, const oid **trap,
			  size_t *trap_len);
/* What S remembers of V's protocol errors (QUIET: no new reason). */
void snmp_vrrp_proto_errors(const struct vrrp_inst_view *v, struct snmp_seen *s, bool quiet);
/* snmp_vrrp_live.c (event loop): the tables with their callbacks, OUT[0..
 * SNMP_VRRP__N); the new-master notifications (vrrpTrapNewMaster /
 * vrrpv3NewMaster). */
size_t snmp_vrrp_tables(struct snmp_table *out);
void snmp_vrrp_watch(struct hd_snmp *s, struct hd_daemon *d, struct snmp_seen_set *seen);

/* snmp_hd.c, pure: HADIRECTOR-MIB tables rendered from the health
 * checker's view (healthcheck/hc_view.h) and the observed IPVS table
 * (NULL: no counters); tests/unit/test_views.c renders them. */
struct hc_view;
struct ipvs_table;
enum snmp_hd_table { SNMP_HD_VS, SNMP_HD_RS, SNMP_HD_CK, SNMP_HD__N };
void snmp_hd_table(enum snmp_hd_table t, struct snmp_table *out); /* OUT->fn NULL */
void snmp_hd_rows(enum snmp_hd_table t, const struct hc_view *v, const struct ipvs_table *observed,
		  struct snmp_out *f);
/* hdRealServerStateChange of real server RI of virtual server VI: its
 * varbinds into VARS, its OID. */
void snmp_hd_rs_change(const struct hc_view *v, size_t vi, size_t ri, struct snmp_snap *vars,
		       const oid **trap, size_t *trap_len);
/* The fail-open guard's alarm of virtual server VI (hdGuardEngaged) and
 * its end (hdGuardRecovered, hdGuardExpired): varbinds into VARS, OID. */
enum snmp_hd_guard { SNMP_HD_GUARD_ENGAGED, SNMP_HD_GUARD_RECOVERED, SNMP_HD_GUARD_EXPIRED };
void snmp_hd_guard_change(const struct hc_view *v, size_t vi, enum snmp_hd_guard what,
			  struct snmp_snap *vars, const oid **trap, size_t *trap_len);
/* snmp_hd_live.c (event loop): the tables with their callbacks, OUT[0..
 * SNMP_HD__N); hdRealServerStateChange and the guard's notifications. */
size_t snmp_hd_tables(struct snmp_table *out);
void snmp_hd_watch(struct hd_snmp *s, struct hd_daemon *d, struct snmp_seen_set *seen);

#endif
