/* http_check / https_check: libcurl's multi interface driven by sd-event.
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to
 * call it back (CURLMOPT_TIMERFUNCTION); both map onto sd-event sources, so
 * no transfer ever blocks the loop. The URL carries the virtualhost (Host
 * header, SNI) while CURLOPT_CONNECT_TO sends the connection to the real
 * server's connect address, so no name is ever resolved. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_http_resp.h"
#include "hc_int.h"
#include "log.h"

struct hc_http {
	CURL *easy;
	struct curl_slist *connect_to, *headers;
	struct hc_digest dg;
	char err[CURL_ERROR_SIZE];
};

static int sock_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata);

static void check_done(struct hc_ctx *c)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left))) {
		struct hc_probe *p = NULL;
		struct hc_result r;
		long status = 0, oserr = 0;
		curl_off_t conn = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&p);
		struct hc_http *h = p->io;
		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
		curl_easy_getinfo(h->easy, CURLINFO_CONNECT_TIME_T, &conn);
		bool dig_ok = p->k->digest_type ? hc_digest_match(&h->dg, p->k->digest) : true;
		hc_http_judge(m->data.result, oserr, conn > 0, status, p->k, dig_ok, &r);
		if (r.outcome != HC_O_OK && h->err[0])
			hd_debug("http check %s: %s", p->key, h->err);
		hc_http_cancel(p);
		hc_probe_done(p, &r);
	}
}

static int sock_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_ctx *c = userdata;
	int flags = 0, running;

	if (revents & EPOLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	check_done(c);
	return 0;
}

static int curl_timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_ctx *c = userdata;
	int running;

	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
	return 0;
}

static int socket_fn(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct hc_ctx *c = userp;
	sd_event_source *src = socketp;
	uint32_t ev = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);

	if (what == CURL_POLL_REMOVE) {
		sd_event_source_disable_unref(src);
		curl_multi_assign(c->multi, fd, NULL);
		return 0;
	}
	if (src)
		return sd_event_source_set_io_events(src, ev) < 0 ? -1 : 0;
	if (sd_event_add_io(c->d->event, &src, fd, ev, sock_io_cb, c) < 0)
		return -1;
	sd_event_source_set_priority(src, HD_PRIO_HC);
	curl_multi_assign(c->multi, fd, src);
	return 0;
}

static int timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct hc_ctx *c = userp;

	if (timeout_ms < 0)
		return sd_event_source_set_enabled(c->curl_timer, SD_EVENT_OFF) < 0 ? -1 : 0;
	if (sd_event_source_set_time(c->curl_timer, hd_now_usec() + (uint64_t)timeout_ms * 1000) <
	    0)
		return -1;
	return sd_event_source_set_enabled(c->curl_timer, SD_EVENT_ONESHOT) < 0 ? -1 : 0;
}

int hc_http_setup(struct hc_ctx *c)
{
	int r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -EIO;
	c->multi = curl_multi_init();
	if (!c->multi)
		return -ENOMEM;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	r = sd_event_add_time(c->d->event, &c->curl_timer, CLOCK_MONOTONIC, 0, 1000, curl_timer_cb,
			      c);
	if (r < 0)
		return r;
	sd_event_source_set_priority(c->curl_timer, HD_PRIO_HC);
	return sd_event_source_set_enabled(c->curl_timer, SD_EVENT_OFF);
}

void hc_http_teardown(struct hc_ctx *c)
{
	if (c->multi)
		curl_multi_cleanup(c->multi);
	c->multi = NULL;
	c->curl_timer = sd_event_source_disable_unref(c->curl_timer);
	curl_global_cleanup();
}

static size_t body_cb(char *data, size_t size, size_t n, void *userdata)
{
	struct hc_probe *p = userdata;
	struct hc_http *h = p->io;

	hc_digest_update(&h->dg, data, size * n);
	return size * n;
}

/* host[:port] for URLs and CONNECT_TO, IPv6 literals bracketed. */
static void host_port(const char *host, const struct hd_addr *a, uint16_t port, char *buf,
		      size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (host)
		snprintf(buf, len, "%s:%u", host, port);
	else if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", hd_addr_str(a, ip, sizeof(ip)), port);
	else
		snprintf(buf, len, "%s:%u", hd_addr_str(a, ip, sizeof(ip)), port);
}

static int http_opts(struct hc_probe *p, struct hc_http *h)
{
	const struct hd_check_config *k = p->k;
	bool tls = k->type == HD_CHECK_HTTPS;
	const char *urlhost = tls && k->sni ? k->sni : p->host;
	char hp[300], to[600], url[2048], hdr[300];
	uint64_t tmo_ms = p->timeout_usec / 1000 ? p->timeout_usec / 1000 : 1;
	CURL *e = h->easy;

	host_port(urlhost, &p->target.addr, p->target.port, hp, sizeof(hp));
	snprintf(url, sizeof(url), "%s://%s%s%s", tls ? "https" : "http", hp,
		 k->path && k->path[0] == '/' ? "" : "/", k->path ? k->path : "");
	/* "HOST:PORT:CONNECT-HOST:CONNECT-PORT": the URL's authority goes to
	 * the real server whatever the name would resolve to. Without a name
	 * the URL already holds the connect address (no mapping to parse). */
	if (urlhost) {
		char ct[900];
		host_port(NULL, &p->target.addr, p->target.port, to, sizeof(to));
		snprintf(ct, sizeof(ct), "%s:%s", hp, to);
		h->connect_to = curl_slist_append(NULL, ct);
		if (!h->connect_to)
			return -ENOMEM;
	}
	if (p->host && urlhost != p->host) {
		snprintf(hdr, sizeof(hdr), "Host: %s", p->host);
		h->headers = curl_slist_append(NULL, hdr);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CONNECT_TO, h->connect_to);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)p);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->err);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 0L); /* one request write: saves a setsockopt */
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L); /* each check makes its own connection */
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)tmo_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)tmo_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hadirector/" PACKAGE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_IPRESOLVE,
			 p->target.addr.family == AF_INET6 ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_V4);
	if (k->has_bind_ip) {
		char ip[INET6_ADDRSTRLEN + 8] = "host!";
		hd_addr_str(&k->bind_ip, ip + 5, sizeof(ip) - 5);
		curl_easy_setopt(e, CURLOPT_INTERFACE, ip);
	}
	if (tls) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, k->verify ? 1L : 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, k->verify ? 2L : 0L);
		if (k->ca_file)
			curl_easy_setopt(e, CURLOPT_CAINFO, k->ca_file);
	}
	return 0;
}

int hc_http_start(struct hc_probe *p)
{
	struct hc_http *h = calloc(1, sizeof(*h));
	int r;

	if (!h)
		return -ENOMEM;
	p->io = h;
	h->easy = curl_easy_init();
	r = h->easy ? hc_digest_begin(&h->dg, p->k->digest_type) : -ENOMEM;
	if (r >= 0)
		r = http_opts(p, h);
	if (r >= 0 && curl_multi_add_handle(p->ctx->multi, h->easy) != CURLM_OK)
		r = -EIO;
	if (r < 0) {
		curl_easy_cleanup(h->easy);
		h->easy = NULL;
		hc_http_cancel(p);
		return r;
	}
	/* Adding a handle makes curl ask for a 0 ms timeout to start it: an
	 * extra loop iteration and timerfd write per check. Start it now; a
	 * connect that fails at once (no route) completes here, which the
	 * scheduler allows (nothing touches P after a successful start). */
	struct hc_ctx *c = p->ctx;
	int running;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
	return 0;
}

void hc_http_cancel(struct hc_probe *p)
{
	struct hc_http *h = p->io;

	if (!h)
		return;
	if (h->easy) {
		curl_multi_remove_handle(p->ctx->multi, h->easy);
		curl_easy_cleanup(h->easy);
	}
	curl_slist_free_all(h->connect_to);
	curl_slist_free_all(h->headers);
	hc_digest_free(&h->dg);
	free(h);
	p->io = NULL;
}
