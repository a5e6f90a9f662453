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

#define HTTP_IDLE_TIMEOUT_SEC 10
#define HTTP_MAX_CONNECTIONS  32
#define HTTP_CONN_MEMORY      (32 * 1024)
#define CONTENT_TYPE	      "text/plain; version=0.0.4; charset=utf-8"

struct hd_metrics_http {
	struct hd_daemon *d;
	struct MHD_Daemon *mhd;
	sd_event_source *io, *timer;
	uint64_t requests;
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct hd_metrics_http *h = cls;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (*upload_size) { /* a body we do not want: swallow it */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, strdup("GET only\n"), 9,
			     "text/plain");
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, strdup("try /metrics\n"), 13, "text/plain");
	mem = open_memstream(&buf, &len);
	if (!mem)
		return MHD_NO;
	h->requests++;
	hd_metrics(h->d, mem);
	fclose(mem);
	return reply(conn, MHD_HTTP_OK, buf, len, CONTENT_TYPE);
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
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

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
				MHD_OPTION_END);
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
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	free(h);
}
