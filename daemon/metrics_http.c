/* See metrics_http.h. */
#include "config.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "log.h"
#include "metrics_http.h"
#include "snapshot.h"

#define HTTP_IDLE_TIMEOUT_SEC 10
#define HTTP_MAX_CONNECTIONS  32
#define HTTP_CONN_MEMORY      (32 * 1024)
#define CONTENT_TYPE	      "text/plain; version=0.0.4; charset=utf-8"

struct hd_metrics_http {
	struct hd_daemon *d;
	struct MHD_Daemon *mhd;
	sd_event_source *io, *timer;
	uint64_t requests;
	struct metrics_req *waiting; /* suspended until their text is rendered */
};

/* One GET /metrics: the text is rendered from a snapshot in a child
 * (snapshot.h) while libmicrohttpd holds the connection suspended. */
struct metrics_req {
	struct hd_metrics_http *h;
	struct MHD_Connection *conn;
	char *buf;
	size_t len;
	bool ready, suspended, closing;
	struct metrics_req *next; /* in h->waiting */
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = 0;
	hd_info("metrics http: %s", buf);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body, size_t len,
			     const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata);

static void unlink_waiting(struct metrics_req *q)
{
	struct metrics_req **pp = &q->h->waiting;
	while (*pp && *pp != q)
		pp = &(*pp)->next;
	if (*pp)
		*pp = q->next;
}

static void rendered(void *ud, char *buf, size_t len)
{
	struct metrics_req *q = ud;

	q->buf = buf;
	q->len = len;
	q->ready = true;
	if (q->suspended) {
		q->suspended = false;
		unlink_waiting(q);
		MHD_resume_connection(q->conn);
		/* Resumed connections are processed by the next MHD_run, which
		 * nothing else would trigger now: on_request replies from it. */
		on_io(NULL, -1, 0, q->h);
	}
}

/* First call for a GET /metrics: start the render and suspend; the call
 * after the resume sends the text. */
static enum MHD_Result metrics_get(struct hd_metrics_http *h, struct MHD_Connection *conn,
				   void **con_cls)
{
	struct metrics_req *q = *con_cls;

	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		*q = (struct metrics_req){.h = h, .conn = conn};
		*con_cls = q;
		h->requests++;
		int r = hd_snapshot_start(h->d, hd_metrics, rendered, q);
		if (r < 0)
			return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, strdup("busy\n"), 5,
				     "text/plain");
	}
	if (q->closing)
		return MHD_NO;
	if (!q->ready) {
		q->suspended = true;
		q->next = h->waiting;
		h->waiting = q;
		MHD_suspend_connection(conn);
		return MHD_YES;
	}
	char *buf = q->buf;
	q->buf = NULL;
	if (!buf)
		return MHD_NO;
	return reply(conn, MHD_HTTP_OK, buf, q->len, CONTENT_TYPE);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct metrics_req *q = *con_cls;

	if (!q)
		return;
	unlink_waiting(q);
	free(q->buf);
	free(q);
	*con_cls = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct hd_metrics_http *h = cls;

	if (*upload_size) { /* a body we do not want: swallow it */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, strdup("GET only\n"), 9,
			     "text/plain");
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, strdup("try /metrics\n"), 13, "text/plain");
	return metrics_get(h, conn, con_cls);
}

/* After every MHD_run: wake again when libmicrohttpd wants to (idle
 * timeouts, buffered work), never later than its own deadline. */
static void rearm(struct hd_metrics_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES) {
		sd_event_source_set_enabled(h->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(h->timer, hd_now_usec() + (uint64_t)ms * 1000);
	sd_event_source_set_enabled(h->timer, SD_EVENT_ONESHOT);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_metrics_http *h = userdata;

	MHD_run(h->mhd);
	rearm(h);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	return on_io(NULL, -1, 0, userdata);
}

static struct MHD_Daemon *mhd_start(struct hd_metrics_http *h, const struct hd_endpoint *ep)
{
	struct sockaddr_storage ss = {0};
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;

	if (ep->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = ep->addr.u.v6;
		s6->sin6_port = htons(ep->port);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr = ep->addr.u.v4;
		s4->sin_port = htons(ep->port);
	}
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR,
				(struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)HTTP_IDLE_TIMEOUT_SEC, MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)HTTP_MAX_CONNECTIONS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)HTTP_CONN_MEMORY, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
}

struct hd_metrics_http *hd_metrics_http_start(struct hd_daemon *d, const struct hd_endpoint *ep)
{
	struct hd_metrics_http *h = calloc(1, sizeof(*h));
	const union MHD_DaemonInfo *info;
	char where[80];

	hd_endpoint_str(ep, where, sizeof(where));
	if (!h)
		return NULL;
	h->d = d;
	h->mhd = mhd_start(h, ep);
	info = h->mhd ? MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (!info || sd_event_add_io(d->event, &h->io, info->epoll_fd, EPOLLIN, on_io, h) < 0 ||
	    sd_event_add_time(d->event, &h->timer, CLOCK_MONOTONIC, 0, 0, on_timer, h) < 0) {
		hd_err("metrics: cannot listen on %s", where);
		hd_metrics_http_free(h);
		return NULL;
	}
	sd_event_source_set_priority(h->io, HD_PRIO_CONTROL);
	sd_event_source_set_priority(h->timer, HD_PRIO_CONTROL);
	rearm(h);
	hd_notice("metrics: serving http://%s/metrics", where);
	return h;
}

void hd_metrics_http_free(struct hd_metrics_http *h)
{
	if (!h)
		return;
	sd_event_source_disable_unref(h->io);
	sd_event_source_disable_unref(h->timer);
	/* libmicrohttpd must not be stopped with suspended connections: resume
	 * them to be closed; their renders go on, the text is thrown away. */
	while (h->waiting) {
		struct metrics_req *q = h->waiting;
		h->waiting = q->next;
		hd_snapshot_forget(h->d, q);
		q->closing = true;
		q->suspended = false;
		MHD_resume_connection(q->conn);
	}
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	free(h);
}
