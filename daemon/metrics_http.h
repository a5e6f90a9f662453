/* GET /metrics over HTTP for Prometheus (global { metrics_listen = ... }).
 * libmicrohttpd without a thread: its epoll fd is an sd-event io source
 * and its timeout an sd-event timer, so a slow or hostile client never
 * blocks the loop (each connection has a memory cap and an idle timeout). */
#ifndef HD_METRICS_HTTP_H
#define HD_METRICS_HTTP_H

#include "daemon.h"

struct hd_metrics_http;

/* NULL when it cannot listen (logged; the daemon runs on without it). */
struct hd_metrics_http *hd_metrics_http_start(struct hd_daemon *d, const struct hd_endpoint *ep);
void hd_metrics_http_free(struct hd_metrics_http *h);

#endif
