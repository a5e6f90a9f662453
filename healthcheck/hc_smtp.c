/* smtp_check: connect, read the 220 greeting, send HELO helo_name, expect
 * 250, send QUIT and close (without waiting for the 221: the verdict is
 * already known). Everything is non-blocking on the event loop, and the
 * whole conversation must fit in connect_timeout. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_int.h"
#include "hc_smtp_reply.h"
#include "log.h"

enum smtp_step { S_CONNECT, S_GREETING, S_HELO, S_QUIT };

struct hc_smtp {
	struct hc_sock s; /* first: hc_sock_free() frees through it */
	enum smtp_step step;
	struct hc_smtp_scan sc; /* the reply being read, line by line */
	char out[300];
	size_t n_out, sent;
};

/* Queue LINE and wait until it is written. */
static int smtp_send(struct hc_probe *p, struct hc_smtp *m, const char *line)
{
	int n = snprintf(m->out, sizeof(m->out), "%s\r\n", line);

	if (n < 0 || (size_t)n >= sizeof(m->out))
		return -EINVAL;
	m->n_out = (size_t)n;
	m->sent = 0;
	return hc_sock_events(p, EPOLLOUT);
}

/* Returns true when the probe finished. */
static bool smtp_write(struct hc_probe *p, struct hc_smtp *m)
{
	ssize_t n = send(m->s.fd, m->out + m->sent, m->n_out - m->sent, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n < 0) {
		hc_sock_finish(p, HC_O_CONNECT_ERROR, errno);
		return true;
	}
	m->sent += (size_t)n;
	if (m->sent < m->n_out)
		return false;
	if (m->step == S_QUIT) {
		hc_sock_finish(p, HC_O_OK, 0);
		return true;
	}
	hc_sock_events(p, EPOLLIN);
	return false;
}

/* One complete reply with CODE arrived. */
static void smtp_reply(struct hc_probe *p, struct hc_smtp *m, int code)
{
	const char *helo = p->k->helo_name ? p->k->helo_name : "localhost";
	char line[280];
	int r;

	if (code != (m->step == S_GREETING ? 220 : 250)) {
		hc_sock_finish(p, HC_O_SMTP_BAD_REPLY, code);
		return;
	}
	if (m->step == S_GREETING) {
		snprintf(line, sizeof(line), "HELO %s", helo);
		m->step = S_HELO;
		r = smtp_send(p, m, line);
	} else {
		m->step = S_QUIT;
		r = smtp_send(p, m, "QUIT");
	}
	if (r < 0)
		hc_sock_finish(p, HC_O_INTERNAL, -r);
}

/* One read per wakeup (the socket is level-triggered: what is left brings
 * the next one), into the scanner that keeps only the current line's
 * start: a long multi-line greeting is read in pieces, one without end
 * is cut off at HC_SMTP_MAX_REPLY bytes. */
static void smtp_read(struct hc_probe *p, struct hc_smtp *m)
{
	char buf[4096];
	ssize_t n = recv(m->s.fd, buf, sizeof(buf), 0);
	size_t used;
	int code;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		hc_sock_finish(p, errno == ECONNREFUSED ? HC_O_CONNECT_REFUSED : HC_O_CONNECT_ERROR,
			       errno);
		return;
	}
	if (n == 0) { /* closed before a complete reply */
		hc_sock_finish(p, HC_O_PROTOCOL_ERROR, 0);
		return;
	}
	code = hc_smtp_scan_feed(&m->sc, buf, (size_t)n, &used);
	if (code == HC_SMTP_TOO_LONG) {
		hc_sock_finish(p, HC_O_REPLY_TOO_LARGE, 0);
		return;
	}
	if (code < 0) {
		hc_sock_finish(p, HC_O_SMTP_BAD_REPLY, 0);
		return;
	}
	if (code == 0)
		return;
	/* A server may not talk ahead of us: drop anything after the reply. */
	hc_smtp_scan_init(&m->sc);
	smtp_reply(p, m, code);
}

static int smtp_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	struct hc_smtp *m = p->io;
	int err = 0;
	socklen_t len = sizeof(err);

	if (m->step == S_CONNECT) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			hc_sock_finish(p,
				       err == ECONNREFUSED ? HC_O_CONNECT_REFUSED
				       : err == ETIMEDOUT  ? HC_O_CONNECT_TIMEOUT
							   : HC_O_CONNECT_ERROR,
				       err);
			return 0;
		}
		m->step = S_GREETING;
		hc_sock_events(p, EPOLLIN);
		return 0;
	}
	if (m->sent < m->n_out) {
		smtp_write(p, m);
		return 0;
	}
	if (revents & (EPOLLIN | EPOLLERR | EPOLLHUP))
		smtp_read(p, m);
	return 0;
}

static void smtp_timeout(struct hc_probe *p)
{
	struct hc_smtp *m = p->io;

	hc_sock_finish(p, m->step == S_CONNECT ? HC_O_CONNECT_TIMEOUT : HC_O_TIMEOUT, 0);
}

static int smtp_start(struct hc_probe *p)
{
	const char *helo = p->k->helo_name ? p->k->helo_name : "localhost";
	struct sockaddr_storage ss;
	socklen_t sl = hc_sockaddr(&p->target.addr, p->target.port, &ss);
	struct hc_smtp *m;
	int r;

	if (strpbrk(helo, "\r\n") || strlen(helo) > 255)
		return -EINVAL; /* no command injection through the name */
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	p->io = m;
	m->s.fd = hc_socket(p, SOCK_STREAM);
	if (m->s.fd < 0) {
		r = m->s.fd;
		hc_sock_free(p);
		return r;
	}
	if (connect(m->s.fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		hc_sock_finish(p, errno == ECONNREFUSED ? HC_O_CONNECT_REFUSED : HC_O_CONNECT_ERROR,
			       errno);
		return 0;
	}
	r = hc_sock_watch(p, EPOLLOUT, smtp_io_cb);
	if (r < 0) {
		hc_sock_free(p);
		return r;
	}
	return 0;
}

const struct hc_ops hc_smtp_ops = {smtp_start, smtp_timeout, hc_sock_free, false};
