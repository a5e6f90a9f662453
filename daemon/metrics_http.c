/* See metrics_http.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "metrics_http.h"
#include "snapshot.h"

#define HTTP_IDLE_TIMEOUT_USEC (10 * 1000000ULL)
#define HTTP_MAX_CONNECTIONS   32
#define HTTP_MAX_REQUEST       4096 /* request line and headers */

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

struct http_client {
	struct hd_metrics_http *h;
	int fd;
	sd_event_source *io, *timer;
	char in[HTTP_MAX_REQUEST + 1];
	size_t in_len;
	bool draining;			   /* answered: read until the client closes, so no RST */
	struct http_client *next, **pprev; /* in h->clients */
};

static void client_free(struct http_client *c)
{
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	c->h->n_clients--;
	free(c);
}

/* A short answer fits the socket buffer of a fresh connection: one send. */
static void answer(struct http_client *c, const char *status, const char *extra, const char *body)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "%sConnection: close\r\n\r\n%s",
			 status, strlen(body), extra, body);
	if (send(c->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		hd_debug("metrics http: %s", strerror(errno));
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
}

/* The request line: METHOD SP TARGET SP HTTP/1.x. Headers are not needed. */
static void handle(struct http_client *c)
{
	char *sp1 = memchr(c->in, ' ', c->in_len);
	char *sp2 = sp1 ? memchr(sp1 + 1, ' ', c->in_len - (size_t)(sp1 + 1 - c->in)) : NULL;
	if (!sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		answer(c, "400 Bad Request", "", "bad request\n");
		return;
	}
	*sp1 = *sp2 = 0;
	const char *method = c->in, *target = sp1 + 1;
	size_t plen = strcspn(target, "?");
	bool head = !strcmp(method, "HEAD");
	if (strcmp(method, "GET") && !head) {
		answer(c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n", "GET only\n");
		return;
	}
	if (plen != 8 || strncmp(target, "/metrics", 8)) {
		answer(c, "404 Not Found", "", "try /metrics\n");
		return;
	}
	if (head) {
		if (send(c->fd, ok_head, sizeof(ok_head) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			hd_debug("metrics http: %s", strerror(errno));
		shutdown(c->fd, SHUT_WR);
		c->draining = true;
		return;
	}
	/* A child renders the snapshot and answers on its copy of the socket;
	 * ours is closed at once (the child's keeps the connection). */
	int r = hd_snapshot_to_fd(c->h->d, hd_metrics, ok_head, c->fd);
	if (r == -EBUSY)
		answer(c, "503 Service Unavailable", "Retry-After: 1\r\n", "busy\n");
	else if (r < 0)
		answer(c, "500 Internal Server Error", "", "cannot render\n");
	else
		client_free(c);
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct http_client *c = userdata;
	char scratch[1024];

	if (c->draining) {
		ssize_t r = recv(fd, scratch, sizeof(scratch), 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			client_free(c);
		return 0;
	}
	ssize_t r = recv(fd, c->in + c->in_len, HTTP_MAX_REQUEST - c->in_len, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0) {
		client_free(c);
		return 0;
	}
	c->in_len += (size_t)r;
	c->in[c->in_len] = 0;
	/* memmem: a NUL byte in the request must not hide its end */
	if (memmem(c->in, c->in_len, "\r\n\r\n", 4) || memmem(c->in, c->in_len, "\n\n", 2))
		handle(c);
	else if (c->in_len == HTTP_MAX_REQUEST)
		answer(c, "431 Request Header Fields Too Large", "", "request too large\n");
	return 0;
}

static int client_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	client_free(userdata);
	return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_metrics_http *h = userdata;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0)
		return 0;
	struct http_client *c = h->n_clients < HTTP_MAX_CONNECTIONS ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		close(cfd);
		return 0;
	}
	*c = (struct http_client){.h = h, .fd = cfd, .next = h->clients, .pprev = &h->clients};
	if (h->clients)
		h->clients->pprev = &c->next;
	h->clients = c;
	h->n_clients++;
	if (sd_event_add_io(h->d->event, &c->io, cfd, EPOLLIN, client_io, c) < 0 ||
	    sd_event_add_time_relative(h->d->event, &c->timer, CLOCK_MONOTONIC,
				       HTTP_IDLE_TIMEOUT_USEC, 0, client_timeout, c) < 0) {
		client_free(c);
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
	hd_notice("metrics: serving http://%s/metrics", where);
	return h;
}

/* Open connections go with the listener (a scrape handed to a renderer
 * is the child's by then and completes). */
void hd_metrics_http_free(struct hd_metrics_http *h)
{
	if (!h)
		return;
	while (h->clients)
		client_free(h->clients);
	sd_event_source_disable_unref(h->src);
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}
