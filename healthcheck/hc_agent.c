/* agent_check: connect to the real server's agent port and read one line
 * (HAProxy's agent-check protocol, parsed in hc_agent_line.c): its state
 * and weight. Non-blocking on the event loop; the whole exchange must fit
 * in connect_timeout, and at most HC_AGENT_LINE_MAX bytes are read: an
 * agent that talks without end, or dribbles a byte now and then, costs one
 * small buffer until the deadline, never more. What the agent says is
 * hc_result.agent; a connection that fails, a timeout or a garbage line is
 * a neutral result (counted, the verdict and the weight stay). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_int.h"

struct hc_agent {
	struct hc_sock s; /* first: hc_sock_free() frees through it */
	bool connected;
	size_t n;
	char buf[HC_AGENT_LINE_MAX];
};

static void agent_finish(struct hc_probe *p, enum hc_outcome o, int detail)
{
	struct hc_result r = {.outcome = o, .detail = detail, .dyn_weight = -1, .neutral = true};

	hc_sock_free(p);
	hc_probe_done(p, &r);
}

/* The line is complete (a line end, the cap, or the connection ended). */
static void agent_line(struct hc_probe *p, struct hc_agent *a, bool complete)
{
	struct hc_result r = {.dyn_weight = -1};
	enum hc_agent_parse pr = hc_agent_parse(a->buf, a->n, complete, &r.agent);

	hc_sock_free(p); /* A (p->io) is gone from here on */
	if (pr != HC_AGENT_PARSE_OK) {
		r.outcome = HC_O_AGENT_GARBAGE;
		r.detail = (int)pr;
		r.neutral = true;
	} else if (r.agent.state == HC_AGENT_STATE_DOWN) {
		r.outcome = HC_O_AGENT_DOWN;
	} else if (r.agent.state == HC_AGENT_STATE_MAINT) {
		r.outcome = HC_O_AGENT_MAINT;
	} else {
		r.outcome = HC_O_OK;
		r.neutral = r.agent.state == HC_AGENT_STATE_NONE; /* a weight alone */
	}
	hc_probe_done(p, &r);
}

/* One read per wakeup, into what is left of the line buffer. */
static void agent_read(struct hc_probe *p, struct hc_agent *a)
{
	ssize_t n = recv(a->s.fd, a->buf + a->n, sizeof(a->buf) - a->n, 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		agent_finish(p, errno == ECONNREFUSED ? HC_O_CONNECT_REFUSED : HC_O_CONNECT_ERROR,
			     errno);
		return;
	}
	if (n == 0) { /* the agent closed: what it sent is its line */
		if (a->n)
			agent_line(p, a, true);
		else
			agent_finish(p, HC_O_PROTOCOL_ERROR, 0);
		return;
	}
	a->n += (size_t)n;
	if (hc_agent_line_end(a->buf, a->n) >= 0 || a->n == sizeof(a->buf))
		agent_line(p, a, false);
}

static int agent_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	struct hc_agent *a = p->io;
	int err = 0;
	socklen_t len = sizeof(err);

	if (!a->connected) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			agent_finish(p,
				     err == ECONNREFUSED ? HC_O_CONNECT_REFUSED
				     : err == ETIMEDOUT	 ? HC_O_CONNECT_TIMEOUT
							 : HC_O_CONNECT_ERROR,
				     err);
			return 0;
		}
		a->connected = true;
		/* Nothing to send: the agent speaks first. */
		if ((err = hc_sock_events(p, EPOLLIN)) < 0)
			agent_finish(p, HC_O_INTERNAL, -err);
		return 0;
	}
	if (revents & (EPOLLIN | EPOLLERR | EPOLLHUP))
		agent_read(p, a);
	return 0;
}

static void agent_timeout(struct hc_probe *p)
{
	struct hc_agent *a = p->io;

	agent_finish(p, a->connected ? HC_O_TIMEOUT : HC_O_CONNECT_TIMEOUT, 0);
}

static int agent_start(struct hc_probe *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = hc_sockaddr(&p->target.addr, p->target.port, &ss);
	struct hc_agent *a = calloc(1, sizeof(*a));
	int r;

	if (!a)
		return -ENOMEM;
	p->io = a;
	a->s.fd = hc_socket(p, SOCK_STREAM);
	if (a->s.fd < 0) {
		r = a->s.fd;
		hc_sock_free(p);
		return r;
	}
	if (connect(a->s.fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		agent_finish(p, errno == ECONNREFUSED ? HC_O_CONNECT_REFUSED : HC_O_CONNECT_ERROR,
			     errno);
		return 0;
	}
	r = hc_sock_watch(p, EPOLLOUT, agent_io_cb);
	if (r < 0) {
		hc_sock_free(p);
		return r;
	}
	return 0;
}

const struct hc_ops hc_agent_ops = {agent_start, agent_timeout, hc_sock_free, false};
