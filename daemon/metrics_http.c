/* See metrics_http.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "metrics_http.h"
#include "metrics_req.h"
#include "ready.h"
#include "snapshot.h"

static const char ok_head[] = "HTTP/1.1 200 OK\r\n"
			      "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
			      "Connection: close\r\n\r\n";

struct hd_metrics_http {
	struct hd_daemon *d;
	int fd;
	sd_event_source *src;
	unsigned n_clients;
	struct http_client *clients;
};

enum http_state {
	HTTP_READING,	/* the request */
	HTTP_RENDERING, /* a child renders; the socket is not watched */
	HTTP_SENDING,	/* the rendered file, as the client reads */
	HTTP_DRAINING,	/* answered: read until the client closes, so no RST */
};

struct http_client {
	struct hd_metrics_http *h;
	int fd;
	sd_event_source *io, *timer;
	enum http_state state;
	struct hd_snapshot *render; /* HTTP_RENDERING */
	int body_fd;		    /* HTTP_SENDING: the rendered reply */
	off_t body_off;
	size_t body_len;
	char in[HD_METRICS_REQ_MAX];
	size_t in_len;
	struct http_client *next, **pprev; /* in h->clients */
};

static void count(struct hd_metrics_http *h, size_t off)
{
	struct hd_render_stats *st = hd_snapshot_stats(h->d, HD_RENDER_HTTP);
	if (st)
		(*(unsigned long *)((char *)st + off))++;
}
#define COUNT(h, field) count(h, offsetof(struct hd_render_stats, field))

/* ABORT: reset the connection, so that the kernel drops at once what a
 * client that does not read left in its buffers (megabytes on loopback). */
static void client_free(struct http_client *c, bool abort)
{
	if (c->render)
		hd_snapshot_cancel(c->render);
	if (c->body_fd >= 0)
		close(c->body_fd);
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	if (abort) {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c->fd);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	c->h->n_clients--;
	free(c);
}

static void start_draining(struct http_client *c)
{
	shutdown(c->fd, SHUT_WR);
	c->state = HTTP_DRAINING;
	sd_event_source_set_io_events(c->io, EPOLLIN);
	sd_event_source_set_enabled(c->io, SD_EVENT_ON);
}

/* A short answer fits the socket buffer of a fresh connection: one send.
 * HEAD: the same head, no body. */
static void answer_head(struct http_client *c, const char *status, const char *extra,
			const char *body, bool head)
{
	char buf[768];
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "%sCache-Control: no-store\r\nConnection: close\r\n\r\n%s",
			 status, strlen(body), extra, head ? "" : body);
	if (n >= (int)sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if (send(c->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		hd_debug("metrics http: %s", strerror(errno));
	start_draining(c);
}

static void answer(struct http_client *c, const char *status, const char *extra, const char *body)
{
	answer_head(c, status, extra, body, false);
}

/* /readyz: 200 "ready", or 503 and what is still waiting (ready.h). Read
 * on the loop, no render: a probe costs a walk of the instances and
 * checks. */
static void answer_ready(struct http_client *c, bool head)
{
	char why[320], body[340];

	if (hd_ready(c->h->d, why, sizeof(why))) {
		answer_head(c, "200 OK", "", "ready\n", head);
		return;
	}
	snprintf(body, sizeof(body), "not ready: %s\n", why);
	answer_head(c, "503 Service Unavailable", "", body, head);
}

/* As much of the reply as the socket takes now; the rest on EPOLLOUT. */
static void send_body(struct http_client *c)
{
	while ((size_t)c->body_off < c->body_len) {
		ssize_t w =
		    sendfile(c->fd, c->body_fd, &c->body_off, c->body_len - (size_t)c->body_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) {
			client_free(c, false);
			return;
		}
	}
	close(c->body_fd);
	c->body_fd = -1;
	start_draining(c);
}

static void rendered(void *ud, int fd, size_t len)
{
	struct http_client *c = ud;

	c->render = NULL;
	if (fd < 0) {
		answer(c, "500 Internal Server Error", "", "cannot render\n");
		return;
	}
	c->body_fd = fd;
	c->body_len = len;
	c->state = HTTP_SENDING;
	sd_event_source_set_io_events(c->io, EPOLLOUT);
	sd_event_source_set_enabled(c->io, SD_EVENT_ON);
	send_body(c);
}

static void handle(struct http_client *c, enum hd_metrics_req req)
{
	int r;

	switch (req) {
	case HD_MREQ_MORE:
		break;
	case HD_MREQ_GET:
		r = hd_snapshot_start(c->h->d, HD_RENDER_HTTP, hd_metrics, ok_head, rendered, c,
				      &c->render);
		if (r == 0) {
			c->state = HTTP_RENDERING;
			sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
		} else if (r == -EBUSY) {
			COUNT(c->h, busy);
			answer(c, "503 Service Unavailable", "Retry-After: 1\r\n", "busy\n");
		} else {
			answer(c, "500 Internal Server Error", "", "cannot render\n");
		}
		break;
	case HD_MREQ_HEAD:
		if (send(c->fd, ok_head, sizeof(ok_head) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			hd_debug("metrics http: %s", strerror(errno));
		start_draining(c);
		break;
	case HD_MREQ_BAD:
		answer(c, "400 Bad Request", "", "bad request\n");
		break;
	case HD_MREQ_METHOD:
		answer(c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n", "GET only\n");
		break;
	case HD_MREQ_NOT_FOUND:
		answer(c, "404 Not Found", "", "try /metrics, /livez or /readyz\n");
		break;
	case HD_MREQ_TOO_LARGE:
		answer(c, "431 Request Header Fields Too Large", "", "request too large\n");
		break;
	case HD_MREQ_LIVEZ: /* answered by the loop: that it answers is the news */
	case HD_MREQ_LIVEZ_HEAD:
		answer_head(c, "200 OK", "", "live\n", req == HD_MREQ_LIVEZ_HEAD);
		break;
	case HD_MREQ_READYZ:
	case HD_MREQ_READYZ_HEAD:
		answer_ready(c, req == HD_MREQ_READYZ_HEAD);
		break;
	case HD_MREQ__MAX:
		break;
	}
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct http_client *c = userdata;
	char scratch[1024];
	ssize_t r;

	switch (c->state) {
	case HTTP_SENDING:
		send_body(c);
		return 0;
	case HTTP_RENDERING: /* not watched */
		return 0;
	case HTTP_DRAINING:
		r = recv(fd, scratch, sizeof(scratch), 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			client_free(c, false);
		return 0;
	case HTTP_READING:
		break;
	}
	r = recv(fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0) {
		client_free(c, false);
		return 0;
	}
	c->in_len += (size_t)r;
	handle(c, hd_metrics_req_parse(c->in, c->in_len));
	return 0;
}

/* The connection's whole life, reply included, is bounded: a client that
 * does not read its reply, or never closes, goes here. */
static int client_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct http_client *c = userdata;

	COUNT(c->h, timeouts);
	client_free(c, true);
	return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_metrics_http *h = userdata;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0)
		return 0;
	struct http_client *c = NULL;
	if (h->n_clients >= HD_METRICS_HTTP_MAX_CONNECTIONS)
		COUNT(h, refused);
	else
		c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return 0;
	}
	*c = (struct http_client){
	    .h = h, .fd = cfd, .body_fd = -1, .next = h->clients, .pprev = &h->clients};
	if (h->clients)
		h->clients->pprev = &c->next;
	h->clients = c;
	h->n_clients++;
	if (sd_event_add_io(h->d->event, &c->io, cfd, EPOLLIN, client_io, c) < 0 ||
	    sd_event_add_time_relative(h->d->event, &c->timer, CLOCK_MONOTONIC,
				       HD_METRICS_HTTP_TIMEOUT_SEC * 1000000ULL, 0, client_timeout,
				       c) < 0) {
		client_free(c, false);
		return 0;
	}
	sd_event_source_set_priority(c->io, HD_PRIO_CONTROL);
	return 0;
}

static int listen_on(const struct hd_endpoint *ep)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int one = 1;

	if (ep->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = ep->addr.u.v6;
		s6->sin6_port = htons(ep->port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr = ep->addr.u.v4;
		s4->sin_port = htons(ep->port);
		len = sizeof(*s4);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

struct hd_metrics_http *hd_metrics_http_start(struct hd_daemon *d, const struct hd_endpoint *ep)
{
	char where[80];

	hd_endpoint_str(ep, where, sizeof(where));
	struct hd_metrics_http *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->d = d;
	h->fd = listen_on(ep);
	if (h->fd < 0 || sd_event_add_io(d->event, &h->src, h->fd, EPOLLIN, on_accept, h) < 0) {
		hd_err("metrics: cannot listen on %s: %s", where,
		       strerror(h->fd < 0 ? -h->fd : ENOMEM));
		hd_metrics_http_free(h);
		return NULL;
	}
	sd_event_source_set_priority(h->src, HD_PRIO_CONTROL);
	hd_notice("metrics: serving http://%s/metrics (and /livez, /readyz)", where);
	return h;
}

/* Open connections go with the listener (a render under way finishes
 * and its reply is dropped). */
void hd_metrics_http_free(struct hd_metrics_http *h)
{
	if (!h)
		return;
	while (h->clients)
		client_free(h->clients, false);
	sd_event_source_disable_unref(h->src);
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}
