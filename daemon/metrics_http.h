/* GET /metrics over HTTP for Prometheus (global { metrics_listen = ... }),
 * and GET /livez and /readyz for probes (ready.h, answered on the loop).
 * The need is one request line per connection and a close-delimited
 * answer, so it is served here on the loop's own sockets (a library for
 * it cost the daemon 2.3 MB of RSS in TLS libraries it never used): every
 * socket non-blocking, at most 32 connections (counted until closed; more
 * are closed at once), 4 kB of request and 10 s per connection from
 * accept to close, reply included, so a slow or hostile client never
 * blocks the loop. The text is rendered by a forked child into a memory
 * file (snapshot.h, its own renderers: never the control socket's) and
 * sent from it as the client reads. The request is judged by pure code
 * (metrics_req.h). */
#ifndef HD_METRICS_HTTP_H
#define HD_METRICS_HTTP_H

#include "daemon.h"

#define HD_METRICS_HTTP_MAX_CONNECTIONS 32
#define HD_METRICS_HTTP_TIMEOUT_SEC	10

struct hd_metrics_http;

/* NULL when it cannot listen (logged; the daemon runs on without it). */
struct hd_metrics_http *hd_metrics_http_start(struct hd_daemon *d, const struct hd_endpoint *ep);
void hd_metrics_http_free(struct hd_metrics_http *h);

#endif
