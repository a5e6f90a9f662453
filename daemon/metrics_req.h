/* The metrics listener's HTTP request (PURE): what to answer to the bytes
 * a client sent so far (/metrics, and /livez and /readyz for probes,
 * daemon/ready.h). Only the request line matters; headers are skipped up to
 * the blank line that ends them. Fuzzed by tests/fuzz/fuzz_metrics_req.c. */
#ifndef HD_METRICS_REQ_H
#define HD_METRICS_REQ_H

#include <stddef.h>

#define HD_METRICS_REQ_MAX 4096 /* request line and headers */

enum hd_metrics_req {
	HD_MREQ_MORE,	   /* no blank line yet: read on */
	HD_MREQ_GET,	   /* GET /metrics: 200 and the exposition */
	HD_MREQ_HEAD,	   /* HEAD /metrics: 200, no body */
	HD_MREQ_BAD,	   /* 400: not METHOD SP TARGET SP HTTP/1.x */
	HD_MREQ_METHOD,	   /* 405: neither GET nor HEAD */
	HD_MREQ_NOT_FOUND, /* 404: another path */
	HD_MREQ_TOO_LARGE, /* 431: HD_METRICS_REQ_MAX bytes and no blank line */
	HD_MREQ_LIVEZ,	   /* GET /livez */
	HD_MREQ_LIVEZ_HEAD,
	HD_MREQ_READYZ, /* GET /readyz */
	HD_MREQ_READYZ_HEAD,
	HD_MREQ__MAX
};

/* BUF holds the LEN bytes received so far (any bytes, NULs included; not
 * NUL-terminated, never written). */
enum hd_metrics_req hd_metrics_req_parse(const char *buf, size_t len);

#endif
