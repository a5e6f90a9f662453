/* http_check / https_check: one GET on a fresh connection (or, with
 * reuse_connection, on the one the last check left open), on the socket
 * machinery of the other network checks (hc_tcp.c), the response read into
 * our parser (hc_http_parse.c).
 *
 * An HTTP health check is a narrow need, so it is done with as few system
 * calls as the kernel allows: socket (non-blocking, close-on-exec), connect,
 * one epoll registration for the whole exchange (edge-triggered, read and
 * write, so it is never modified), one send of the request (plain HTTP:
 * its result is also the connect's, no getsockopt), reads until the
 * verdict is known (without a digest that is the status line) and the
 * response has ended (usually the same read; at most
 * HTTP_READS_PER_WAKEUP reads before going back to the loop, and
 * HTTP_REPLY_MAX bytes in all), close (which also
 * unregisters it; a normal FIN, no SO_LINGER; after the server's own FIN
 * when it is closing, see await_fin). A general client library
 * costs several times that per check (see tests/bench/README.md).
 *
 * https_check: OpenSSL on the same socket, non-blocking; SSL_connect,
 * SSL_write and SSL_read are retried on the edge that their WANT_READ or
 * WANT_WRITE waits for. Contexts and SNI: hc_tls.c. */
#include "config.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_http_parse.h"
#include "hc_http_resp.h"
#include "hc_int.h"
#include "log.h"

/* Enough for a health page in one read; the status line needs far less. */
#define HTTP_READ_BUF 16384
/* What is read out after the verdict before giving up on a polite close:
 * a page that is large (or endless) is cut off with a reset rather than
 * downloaded on every check. */
#define HTTP_DRAIN_MAX (4 * HTTP_READ_BUF)
/* Reads per wakeup before the check goes back to the loop: a server that
 * sends faster than we read (a body without end under a digest) would
 * otherwise keep the read loop, and the whole daemon, busy. */
#define HTTP_READS_PER_WAKEUP 4
/* An answer still going after this many bytes is "reply too large": a
 * health page with a digest is far smaller; one without end (or endless
 * 1xx interim answers) would be read, and digested, until the timeout. */
#define HTTP_REPLY_MAX (4u << 20)
/* One registration for the whole exchange: edge-triggered read and write,
 * so no step has to change it, and the server's FIN (see await_fin). */
#define HTTP_EVENTS (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)

/* S_DRAIN: the verdict is given, the rest of the response is read and
 * dropped before the close (see http_finish). S_IDLE: between checks, the
 * connection kept for the next one (reuse_connection). */
enum http_step { S_CONNECT, S_HANDSHAKE, S_SEND, S_RECV, S_DRAIN, S_IDLE };

/* A kept connection between checks (S_IDLE) holds only this: 40 bytes
 * instead of a whole struct hc_http (about 470), for 1,000 real servers
 * 0.4 MB less. Its fields begin struct hc_http, in the same order. */
struct hc_http_idle {
	struct hc_sock s;
	enum http_step step;
	unsigned uses; /* checks this connection has served */
	SSL *ssl;
};

struct hc_http {
	struct hc_sock s; /* first: hc_sock_free() frees through it */
	enum http_step step;
	unsigned uses;
	SSL *ssl;
	struct hc_digest dg;
	struct hc_http_end end;
	const char *req; /* the probe's (hc_probe.req) */
	size_t n_req, sent;
	bool drain;	/* decided before the response's end: read it out first */
	size_t drained; /* bytes read out in S_DRAIN */
	bool reused;	/* this check runs on a kept connection */
	bool peer_fin;	/* an edge said the server has closed its side */
	/* Last, not zeroed by http_new: the parser has its init, and why is
	 * a string (344 bytes of the struct's 470 not written twice). */
	struct hc_http_parser hp;
	char why[160]; /* what went wrong, for the log */
};
_Static_assert(offsetof(struct hc_http, step) == offsetof(struct hc_http_idle, step) &&
		   offsetof(struct hc_http, uses) == offsetof(struct hc_http_idle, uses) &&
		   offsetof(struct hc_http, ssl) == offsetof(struct hc_http_idle, ssl),
	       "struct hc_http begins with struct hc_http_idle's fields");

static bool idle(const struct hc_probe *p)
{
	const struct hc_http_idle *k = p->io;

	return k && k->step == S_IDLE;
}

/* End a connection's TLS session (SSL may be NULL). NOTIFY: the server is
 * still there to read a close_notify. */
static void tls_end(SSL *ssl, bool notify)
{
	if (!ssl)
		return;
	if (notify && SSL_is_init_finished(ssl) && !(SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN))
		SSL_shutdown(ssl);
	SSL_free(ssl);
	ERR_clear_error();
}

static void http_close(struct hc_probe *p)
{
	struct hc_http *h = p->io;

	tls_end(h->ssl, h->end.connected);
	hc_digest_free(&h->dg);
	hc_sock_free(p);
}

/* The result, and everything the check holds, but a response decided by
 * its status before its end: closing with bytes still to come would make
 * our kernel answer them with a reset, which real servers log as an
 * error. That socket stays open (no longer a running check) until the
 * response's end, the server's close, HTTP_DRAIN_MAX bytes, or the probe's
 * next start. */
static void http_retry(struct hc_probe *p);
static bool http_keep(struct hc_probe *p, struct hc_http *h);

/* Log why a check failed: once when the outcome changes, not every
 * delay_loop. */
static void say_why(struct hc_probe *p, const struct hc_http *h, const struct hc_result *r)
{
	char ep[80];

	if (r->outcome == HC_O_OK || !h->why[0])
		return;
	bool news = r->outcome != p->st.last.outcome || r->detail != p->st.last.detail;
	hd_log(news ? LOG_NOTICE : LOG_DEBUG, "%s %s%s: %s",
	       p->k->type == HD_CHECK_HTTPS ? "https_check" : "http_check",
	       hd_endpoint_str(&p->target, ep, sizeof(ep)), p->k->path ? p->k->path : "/", h->why);
}

/* The server is about to close (we asked it to, or it said so) and has not
 * yet: wait for its FIN and close after it. The side that closes first
 * keeps the connection in TIME_WAIT, and sends the exchange's last ACK
 * from it; a server that logs the request between its answer and its
 * close (nginx, apache) is often not done when the answer reaches us.
 * Waiting leaves both to the server and costs us nothing when its FIN
 * came with the answer (the edge says so); otherwise one wakeup. A server
 * that never closes is closed by the probe's next start. Plain HTTP only:
 * a TLS server waits for our close_notify. */
static bool await_fin(const struct hc_probe *p, const struct hc_http *h)
{
	return !h->ssl && h->end.connected && !h->end.timed_out && !h->end.conn_errno &&
	       h->hp.status && !h->hp.err && !h->hp.eof && !h->hp.excess && !h->peer_fin &&
	       (p->k->reuse_connection <= 1 || h->hp.conn_close);
}

static void http_finish(struct hc_probe *p, bool digest_ok)
{
	struct hc_http *h = p->io;
	struct hc_result r = {.dyn_weight = -1};

	if (h->reused && !h->hp.total && !h->end.timed_out) {
		http_retry(p);
		return;
	}
	hc_http_judge(&h->end, p->k, digest_ok, &r);
	say_why(p, h, &r);
	if (h->drain) {
		hc_digest_free(&h->dg); /* the read-out digests nothing */
		h->step = S_DRAIN;
	} else if (!http_keep(p, h)) {
		if (await_fin(p, h)) {
			hc_digest_free(&h->dg);
			h->step = S_DRAIN; /* the next edge reads its end */
		} else {
			http_close(p);
		}
	}
	hc_probe_done(p, &r);
}

static void set_why(struct hc_http *h, const char *what, const char *detail)
{
	snprintf(h->why, sizeof(h->why), "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

static void conn_failed(struct hc_probe *p, int err)
{
	struct hc_http *h = p->io;

	h->end.conn_errno = err ? err : ECONNABORTED;
	http_finish(p, false);
}

static void tls_failed(struct hc_probe *p, int ssl_err)
{
	struct hc_http *h = p->io;
	long vr = SSL_get_verify_result(h->ssl);
	char e[120] = "";

	if (vr != X509_V_OK) {
		set_why(h, "certificate", X509_verify_cert_error_string(vr));
	} else if (ssl_err == SSL_ERROR_SYSCALL) {
		set_why(h, "TLS handshake", errno ? strerror(errno) : "connection closed");
	} else {
		ERR_error_string_n(ERR_peek_last_error(), e, sizeof(e));
		set_why(h, "TLS handshake", e);
	}
	h->end.tls_failed = true;
	http_finish(p, false);
}

/* The response is complete, malformed, or decided by its status. */
static void parsed(struct hc_probe *p)
{
	struct hc_http *h = p->io;
	bool digest_ok = false;

	h->end.status = h->hp.status;
	h->end.perr = h->hp.err;
	if (h->hp.err)
		set_why(h, hc_http_err_text(h->hp.err), NULL);
	else if (p->k->digest_type && hc_http_status_ok(p->k->status, p->k->n_status, h->hp.status))
		digest_ok = hc_digest_match(&h->dg, p->k->digest);
	http_finish(p, digest_ok);
}

/* A read or write error on the established connection (a reset, say):
 * the response is cut short wherever it was. */
static void io_failed(struct hc_probe *p, int err)
{
	struct hc_http *h = p->io;
	char e[100];

	if (hc_http_parser_eof(&h->hp) != HC_HTTP_FAILED) {
		h->hp.err = HC_HTTP_ERR_TRUNCATED_BODY; /* not a clean end of the body */
	}
	snprintf(e, sizeof(e), "%s (%s)", hc_http_err_text(h->hp.err), strerror(err));
	h->end.status = h->hp.status;
	h->end.perr = h->hp.err;
	set_why(h, e, NULL);
	http_finish(p, false);
}

/* The answer passed HTTP_REPLY_MAX before its end: cut off (a reset for
 * what is still coming: reading out more of it is what the cap is for). */
static void too_large(struct hc_probe *p, struct hc_http *h)
{
	struct hc_result r = {.outcome = HC_O_REPLY_TOO_LARGE, .detail = 0, .dyn_weight = -1};

	snprintf(h->why, sizeof(h->why), "answer not ended after %u bytes", HTTP_REPLY_MAX);
	say_why(p, h, &r);
	http_close(p);
	hc_probe_done(p, &r);
}

/* Feed N bytes; returns true when the check is decided (H is then freed,
 * or reading out the rest: S_DRAIN). */
static bool take(struct hc_probe *p, struct hc_http *h, const char *buf, size_t n)
{
	enum hc_http_progress pr = hc_http_parser_feed(&h->hp, buf, n);

	/* The status decides the check when there is no digest or it fails;
	 * the rest of the response is then only read out (S_DRAIN). */
	const struct hd_check_config *k = p->k;
	bool decided = h->hp.status && (!k->digest_type ||
					!hc_http_status_ok(k->status, k->n_status, h->hp.status));

	if (pr == HC_HTTP_MORE && !decided && h->hp.total > HTTP_REPLY_MAX) {
		too_large(p, h);
		return true;
	}
	if (pr == HC_HTTP_MORE && !decided)
		return false;
	/* Past the status that decided, the rest is not judged: a bad header
	 * there ends the exchange, not the verdict. */
	if (pr == HC_HTTP_FAILED && decided)
		h->hp.err = HC_HTTP_OK;
	h->drain = pr == HC_HTTP_MORE;
	parsed(p);
	return true;
}

static void http_drain(struct hc_probe *p, struct hc_http *h);

/* HTTP_READS_PER_WAKEUP reads done and the answer goes on: back to the
 * loop, and called again after what else is ready. The socket is
 * edge-triggered, so the bytes left would bring no new edge (only more
 * bytes would); EPOLL_CTL_MOD re-arms it: a socket still readable is
 * queued again at once. */
static void yield(struct hc_probe *p)
{
	int r = hc_sock_events(p, HTTP_EVENTS);

	if (r < 0)
		io_failed(p, -r);
}

static void plain_recv(struct hc_probe *p, struct hc_http *h)
{
	char buf[HTTP_READ_BUF];

	/* Edge-triggered: read until the kernel has nothing more (or the
	 * verdict is known), or no edge will come for what is left; at most
	 * HTTP_READS_PER_WAKEUP reads, then yield(). */
	for (int i = 0;; i++) {
		if (i == HTTP_READS_PER_WAKEUP) {
			yield(p);
			return;
		}
		ssize_t n = recv(h->s.fd, buf, sizeof(buf), 0);
		if (n > 0) {
			if (!take(p, h, buf, (size_t)n))
				continue;
			/* A full buffer may leave bytes that bring no new edge. */
			if (p->io == h && h->step == S_DRAIN && n == sizeof(buf))
				http_drain(p, h);
			return;
		} else if (n == 0) {
			hc_http_parser_eof(&h->hp);
			parsed(p);
			return;
		} else if (errno != EINTR) {
			if (errno != EAGAIN)
				io_failed(p, errno);
			return;
		}
	}
}

static void tls_recv(struct hc_probe *p, struct hc_http *h)
{
	char buf[HTTP_READ_BUF];

	/* As plain_recv; past the bound, a record OpenSSL holds (partly read:
	 * SSL_has_pending) is read on, for no edge will announce it, but not
	 * for long. */
	for (int i = 0;; i++) {
		if (i >= HTTP_READS_PER_WAKEUP &&
		    (!SSL_has_pending(h->ssl) || i >= 4 * HTTP_READS_PER_WAKEUP)) {
			yield(p);
			return;
		}
		ERR_clear_error();
		int n = SSL_read(h->ssl, buf, sizeof(buf));
		if (n > 0) {
			if (!take(p, h, buf, (size_t)n))
				continue;
			/* Records OpenSSL has read ahead bring no new edge. */
			if (p->io == h && h->step == S_DRAIN)
				http_drain(p, h);
			return;
		}
		int e = SSL_get_error(h->ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return;
		if (e == SSL_ERROR_ZERO_RETURN) {
			hc_http_parser_eof(&h->hp);
			parsed(p);
		} else {
			io_failed(p, e == SSL_ERROR_SYSCALL && errno ? errno : EPROTO);
		}
		return;
	}
}

/* Returns true when the request is out. */
static bool plain_send(struct hc_probe *p, struct hc_http *h)
{
	while (h->sent < h->n_req) {
		ssize_t n = send(h->s.fd, h->req + h->sent, h->n_req - h->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n < 0) {
			/* The first send is where a failed connect shows. */
			if (h->end.connected)
				io_failed(p, errno);
			else
				conn_failed(p, errno);
			return false;
		}
		h->end.connected = true;
		h->sent += (size_t)n;
	}
	return true;
}

/* Returns 1 when the request is out, 0 to wait, -1 when finished. */
static int tls_send(struct hc_probe *p, struct hc_http *h)
{
	ERR_clear_error();
	int n = SSL_write(h->ssl, h->req, (int)h->n_req); /* all or nothing */
	if (n > 0)
		return 1;
	int e = SSL_get_error(h->ssl, n);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return 0;
	io_failed(p, e == SSL_ERROR_SYSCALL && errno ? errno : EPROTO);
	return -1;
}

/* The TLS handshake; returns true when it is done. */
static bool tls_handshake(struct hc_probe *p, struct hc_http *h)
{
	ERR_clear_error();
	int r = SSL_connect(h->ssl);
	if (r == 1)
		return true;
	int e = SSL_get_error(h->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		tls_failed(p, e);
	return false;
}

/* S_DRAIN: read and drop until the response's end (the parser says), the
 * server's close, or an error; then close. */
static void http_drain(struct hc_probe *p, struct hc_http *h)
{
	char buf[HTTP_READ_BUF];

	for (;;) {
		ssize_t n;
		if (h->ssl) {
			ERR_clear_error();
			int r = SSL_read(h->ssl, buf, sizeof(buf));
			int e = r > 0 ? SSL_ERROR_NONE : SSL_get_error(h->ssl, r);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				return;
			n = e == SSL_ERROR_NONE ? r : e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
		} else {
			n = recv(h->s.fd, buf, sizeof(buf), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return;
		}
		if (n <= 0)
			break;
		enum hc_http_progress pr = hc_http_parser_feed(&h->hp, buf, (size_t)n);
		if (pr == HC_HTTP_DONE && http_keep(p, h))
			return;
		h->drained += (size_t)n;
		if (pr != HC_HTTP_MORE || h->drained > HTTP_DRAIN_MAX)
			break;
	}
	http_close(p);
}

/* After a check: keep the connection for the next one when the option
 * allows another check on it and the response left it clean (ended by
 * its framing, HTTP/1.1, no "Connection: close", nothing after it). */
static bool http_keep(struct hc_probe *p, struct hc_http *h)
{
	struct hc_http_idle *k;

	if (++h->uses >= p->k->reuse_connection || h->end.timed_out ||
	    !hc_http_parser_reusable(&h->hp) || !(k = malloc(sizeof(*k))))
		return false;
	hc_digest_free(&h->dg);
	memcpy(k, h, sizeof(*k));
	k->step = S_IDLE;
	free(h);
	p->io = k;
	return true;
}

/* Close a kept connection. NOTIFY: say close_notify first (TLS; not when
 * the server has gone). */
static void http_idle_close(struct hc_probe *p, bool notify)
{
	struct hc_http_idle *k = p->io;

	tls_end(k->ssl, notify);
	hc_sock_free(p);
}

/* S_IDLE: nothing may come on a kept connection between checks. The
 * server's close (its keep-alive timeout, a restart) or anything else
 * ends it, and the next check connects anew. An edge for bytes already
 * read (epoll can report one late) reads nothing and changes nothing; so
 * does a TLS record that is not data (a session ticket). */
static void http_idle_event(struct hc_probe *p)
{
	struct hc_http_idle *h = p->io;
	char buf[512];

	if (h->ssl) {
		ERR_clear_error();
		int r = SSL_read(h->ssl, buf, sizeof(buf));
		if (r <= 0 && SSL_get_error(h->ssl, r) == SSL_ERROR_WANT_READ)
			return;
	} else {
		ssize_t n = recv(h->s.fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
	}
	http_idle_close(p, false);
}

/* Take the exchange as far as the socket allows now; REVENTS: what the
 * edge that woke us reported (0: not woken by the socket). Each step that
 * finishes the probe frees P->io, so nothing touches H after it. */
static void http_drive(struct hc_probe *p, uint32_t revents)
{
	struct hc_http *h = p->io;

	if (idle(p)) {
		if (revents & (EPOLLIN | EPOLLERR | EPOLLHUP))
			http_idle_event(p);
		return;
	}
	if (revents & (EPOLLRDHUP | EPOLLHUP))
		h->peer_fin = true;
	if (h->step == S_DRAIN) {
		http_drain(p, h);
		return;
	}
	if (h->step == S_CONNECT && h->ssl) {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(h->s.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			conn_failed(p, err);
			return;
		}
		h->end.connected = true;
		h->step = S_HANDSHAKE;
	} else if (h->step == S_CONNECT) {
		h->step = S_SEND;
	}
	if (h->step == S_HANDSHAKE) {
		if (!tls_handshake(p, h))
			return;
		h->step = S_SEND;
	}
	bool sent_now = false;
	if (h->step == S_SEND) {
		if (h->ssl) {
			if (tls_send(p, h) <= 0)
				return;
		} else if (!plain_send(p, h)) {
			return;
		}
		h->step = S_RECV;
		sent_now = true;
	}
	/* The answer comes after the request, and its bytes bring an edge of
	 * their own: right after the send a read would only say EAGAIN. Only
	 * what was already there when we woke (a server that talks first,
	 * the rest of a TLS flight) is read at once. A TLS read may also wait
	 * for a write edge, so TLS reads on any edge after that. */
	if ((sent_now || !h->ssl) && !(revents & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	if (h->ssl)
		tls_recv(p, h);
	else
		plain_recv(p, h);
}

static int http_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	http_drive(userdata, revents);
	return 0;
}

static void http_timeout(struct hc_probe *p)
{
	struct hc_http *h = p->io;

	h->end.timed_out = true;
	h->end.status = h->hp.status;
	http_finish(p, false);
}

static void body_cb(void *ud, const void *data, size_t len)
{
	hc_digest_update(ud, data, len);
}

/* The request is the same for every check of a probe: what it is made of
 * (type, target, path, Host, SNI) is part of the probe's key, so a reload
 * that keeps the probe keeps the request. Built once, freed with the probe
 * (an in-flight check points at it). */
static int http_request(struct hc_probe *p)
{
	if (p->req)
		return 0;
	bool tls = p->k->type == HD_CHECK_HTTPS;
	/* Host: the virtualhost, else the TLS name, else the address. */
	struct hc_http_req rq = {p->k->path,
				 p->host ? p->host
				 : tls	 ? p->k->sni
					 : NULL,
				 &p->target.addr,
				 p->target.port,
				 tls,
				 p->k->reuse_connection > 1};
	long len = hc_http_request(NULL, 0, &rq);

	if (len < 0)
		return (int)len;
	p->req = malloc((size_t)len);
	if (!p->req)
		return -ENOMEM;
	p->n_req = (size_t)hc_http_request(p->req, (size_t)len, &rq);
	return 0;
}

/* Zeroed but for the parser (its init follows, in both callers) and the
 * reason's text (an empty string), through malloc: glibc's calloc skips
 * its per-thread cache (tcache) and costs 400 instructions where malloc
 * and the memset take about 80, once per check. (A malloc followed by a
 * memset of all of it the compiler would turn back into calloc.) */
static struct hc_http *http_new(void)
{
	struct hc_http *h = malloc(sizeof(*h));

	if (h) {
		h->s = (struct hc_sock){.fd = -1};
		memset((char *)h + sizeof(h->s), 0, offsetof(struct hc_http, hp) - sizeof(h->s));
		h->why[0] = '\0';
	}
	return h;
}

/* The in-flight state; P->io points at it. */
static int http_alloc(struct hc_probe *p)
{
	const struct hd_check_config *k = p->k;
	int r = http_request(p);
	struct hc_http *h;

	if (r < 0)
		return r;
	h = http_new();
	if (!h)
		return -ENOMEM;
	h->s.fd = -1;
	p->io = h;
	h->req = p->req;
	h->n_req = p->n_req;
	/* Parsed to its end even without a digest: that end is when to close. */
	hc_http_parser_init(&h->hp, false, k->digest_type ? body_cb : NULL, &h->dg);
	return hc_digest_begin(&h->dg, k->digest_type);
}

static void http_free(struct hc_probe *p)
{
	struct hc_http *h = p->io;

	if (!h)
		return;
	SSL_free(h->ssl);
	hc_digest_free(&h->dg);
	hc_sock_free(p);
}

/* Abort what the probe has open: a check in flight, a response being
 * read out, or a kept connection (closed politely: it is between
 * exchanges). */
static void http_cancel(struct hc_probe *p)
{
	if (idle(p))
		http_idle_close(p, true);
	else
		http_free(p);
}

/* A check on a new connection. */
static int http_connect(struct hc_probe *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = hc_sockaddr(&p->target.addr, p->target.port, &ss);
	struct hc_http *h;
	int r = http_alloc(p);

	h = p->io;
	if (r >= 0)
		r = h->s.fd = hc_socket(p, SOCK_STREAM);
	p->connections++;
	if (r < 0) {
		http_free(p);
		return r;
	}
	const char *tls_err =
	    p->k->type == HD_CHECK_HTTPS ? hc_tls_begin(p, h->s.fd, &h->ssl) : NULL;
	if (tls_err) {
		set_why(h, tls_err, NULL);
		h->end.tls_failed = true;
		h->end.connected = true; /* not a connect problem */
		http_finish(p, false);
		return 0;
	}
	bool now = connect(h->s.fd, (struct sockaddr *)&ss, sl) == 0;
	if (!now && errno != EINPROGRESS) {
		conn_failed(p, errno);
		return 0;
	}
	/* One registration for the whole exchange: edge-triggered read and
	 * write, so no step ever has to change it. */
	r = hc_sock_watch(p, HTTP_EVENTS, http_io_cb);
	if (r < 0) {
		http_free(p);
		return r;
	}
	if (now)
		http_drive(p, 0); /* may finish here, which the scheduler allows */
	return 0;
}

/* A kept connection the server closed or reset before any byte of the
 * answer (its keep-alive timeout crossed our request, or it restarted):
 * the request goes again on a new connection, in the same run and within
 * the same deadline. That says nothing about the server's health yet. */
static void http_retry(struct hc_probe *p)
{
	struct hc_http *h = p->io;
	char ep[80];

	hd_log(LOG_DEBUG, "%s %s: kept connection closed by the server, connecting again",
	       p->k->type == HD_CHECK_HTTPS ? "https_check" : "http_check",
	       hd_endpoint_str(&p->target, ep, sizeof(ep)));
	h->end.connected = false; /* no close_notify */
	http_close(p);
	int r = http_connect(p);
	if (r < 0) {
		struct hc_result res = {.outcome = HC_O_INTERNAL, .detail = -r, .dyn_weight = -1};
		hc_probe_done(p, &res);
	}
}

/* The next check of P on the connection the last one kept. */
static int http_reuse(struct hc_probe *p)
{
	struct hc_http *h = http_new();
	int r;

	if (!h) {
		http_idle_close(p, true);
		return -ENOMEM;
	}
	memcpy(h, p->io, sizeof(struct hc_http_idle));
	free(p->io);
	p->io = h;
	h->req = p->req;
	h->n_req = p->n_req;

	hc_http_parser_init(&h->hp, false, p->k->digest_type ? body_cb : NULL, &h->dg);
	r = hc_digest_begin(&h->dg, p->k->digest_type);
	if (r < 0) {
		http_free(p);
		return r;
	}
	h->end.connected = true;
	h->reused = true;
	h->step = S_SEND;
	http_drive(p, 0); /* may finish (or retry) here */
	return 0;
}

/* What the last check left open is the start's to deal with
 * (hc_ops.start_takes_io): a kept connection carries this check, a
 * response still being read out is cut off. */
static int http_start(struct hc_probe *p)
{
	if (idle(p))
		return http_reuse(p);
	if (p->io)
		http_free(p);
	return http_connect(p);
}

const struct hc_ops hc_http_ops = {http_start, http_timeout, http_cancel, true};
