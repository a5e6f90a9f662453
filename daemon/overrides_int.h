/* Shared by overrides.c and overrides_rs.c (live add and remove). */
#ifndef HD_OVERRIDES_INT_H
#define HD_OVERRIDES_INT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "ctl_proto.h"
#include "daemon.h"

/* Requests are one line: errors are in the file's form with this name. */
#define REQ_FILE "control:1"
#define REQ_NAME "control" /* the same, for a hd_diag (it adds ":1") */

/* The name status and the health checker use for a virtual server. */
void ovr_vs_name(const struct hd_virtual_server_config *v, char *buf, size_t len);
/* WANT as an operator writes it ("tcp/" optional for TCP): its index. */
long ovr_find_vs(const struct hd_config *cfg, const char *want);
long ovr_find_rs(const struct hd_virtual_server_config *v, const struct hd_endpoint *ep);
uint64_t ovr_realtime_usec(void);
const char *ovr_utc(uint64_t usec, char *buf, size_t len);
/* VS and RS (NULL: VS alone) of a request, checked against the running
 * configuration: canonical names (140 and 80 bytes) and indexes, or < 0
 * with an error in the file's form. */
int ovr_resolve(struct hd_daemon *d, const char *vs, const char *rs, char *vsn, char *rsn, long *vi,
		long *ri, char *err, size_t len);

/* ---- overrides_rs.c: add-rs and remove-rs ---- */
struct hd_rs_overrides;
struct hd_rs_overrides *rsx_new(void);
void rsx_free(struct hd_rs_overrides *o);
int rsx_request(struct hd_daemon *d, struct hd_rs_overrides *o, const struct hd_ctl_request *req,
		const struct ucred *peer, FILE *out);
int rsx_inject(struct hd_daemon *d, struct hd_rs_overrides *o, struct hd_config *newcfg);
/* The reload's commit: drops the records inject found overruled (logged);
 * returns how many. */
unsigned rsx_commit(struct hd_rs_overrides *o, const struct hd_config *newcfg);
size_t rsx_count(const struct hd_rs_overrides *o, bool add);
void rsx_status_json(const struct hd_rs_overrides *o, FILE *out, bool first);
void rsx_status_text(const struct hd_rs_overrides *o, FILE *out);

#endif
