/* tcp_check: a non-blocking connect with its own timeout. Success is the
 * completed handshake; the socket is then closed normally (FIN, no RST
 * tricks with SO_LINGER: real servers log resets as errors). Also the
 * socket and epoll plumbing every network check shares. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_int.h"
#include "log.h"

/* Only the returned length of SS is written (and zeroed where unused):
 * every caller passes SS with that length, and the whole 128 bytes were
 * a memset per check. */
socklen_t hc_sockaddr(const struct hd_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	if (a->family == AF_INET6) {
		*(struct sockaddr_in6 *)ss = (struct sockaddr_in6){
		    .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = a->u.v6};
		return sizeof(struct sockaddr_in6);
	}
	*(struct sockaddr_in *)ss = (struct sockaddr_in){
	    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = a->u.v4};
	return sizeof(struct sockaddr_in);
}

/* Check sockets: in the loop's own epoll set (loop.c), instead of an
 * sd-event source per check, or one for a set of their own (an
 * sd-event iteration and a second epoll_wait per wakeup). Per check that
 * saves a source allocation and sd-event's queueing and dispatch of each
 * of its events; a wakeup for check sockets alone runs no sd-event
 * iteration. The registration names the probe (its lio), which outlives
 * its sockets and stays put where an http check's state moves (a kept
 * connection's).
 * A socket leaves the set with its close(), which drops the last reference
 * to it: no EPOLL_CTL_DEL, one system call less per check. Unless the
 * daemon forked while it was watched (hd_fork): a child may still hold a
 * copy, the registration would outlive our close and report that socket's
 * events to the probe's next one, so then it is removed first. */
static void sock_io(struct hd_loop_io *io, uint32_t revents)
{
	struct hc_probe *p = (struct hc_probe *)((char *)io - offsetof(struct hc_probe, lio));
	struct hc_sock *k = p->io;

	if (k && k->io)
		k->io(NULL, k->fd, revents, p);
}

int hc_mux_open(struct hc_ctx *c)
{
	c->mux_fd = c->d->loop_fd;
	return c->mux_fd < 0 ? -EBADF : 0;
}

void hc_mux_close(struct hc_ctx *c)
{
	c->mux_fd = -1; /* the loop's: closed with it */
}

static int mux_ctl(struct hc_probe *p, int op, uint32_t events)
{
	struct hc_sock *k = p->io;
	struct epoll_event ev = {.events = events, .data.ptr = &p->lio};

	return epoll_ctl(p->ctx->mux_fd, op, k->fd, &ev) < 0 ? -errno : 0;
}

int hc_sock_watch(struct hc_probe *p, uint32_t events, sd_event_io_handler_t io)
{
	struct hc_sock *k = p->io;
	int r;

	p->lio.fn = sock_io;
	r = mux_ctl(p, EPOLL_CTL_ADD, events);

	if (r >= 0) {
		k->io = io;
		k->forks = p->ctx->d->forks;
	}
	return r;
}

int hc_sock_events(struct hc_probe *p, uint32_t events)
{
	return mux_ctl(p, EPOLL_CTL_MOD, events);
}

void hc_sock_free(struct hc_probe *p)
{
	struct hc_sock *k = p->io;

	if (!k)
		return;
	if (k->io)
		hd_loop_forget(p->ctx->d, &p->lio); /* an event of it waiting: it is over */
	if (k->io && k->forks != p->ctx->d->forks)
		epoll_ctl(p->ctx->mux_fd, EPOLL_CTL_DEL, k->fd, NULL);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
	p->io = NULL;
}

void hc_sock_finish(struct hc_probe *p, enum hc_outcome o, int detail)
{
	struct hc_result r = {.outcome = o, .detail = detail, .dyn_weight = -1};

	hc_sock_free(p);
	hc_probe_done(p, &r);
}

static enum hc_outcome errno_outcome(int err)
{
	return err == ECONNREFUSED ? HC_O_CONNECT_REFUSED
	       : err == ETIMEDOUT  ? HC_O_CONNECT_TIMEOUT
				   : HC_O_CONNECT_ERROR;
}

static int tcp_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	int err = 0;
	socklen_t len = sizeof(err);

	/* Writable without an error or hangup is a completed handshake; only
	 * a failure needs the syscall that says which. */
	if (revents & (EPOLLERR | EPOLLHUP)) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (!err)
			err = ECONNRESET;
	}
	if (err)
		hc_sock_finish(p, errno_outcome(err), err);
	else
		hc_sock_finish(p, HC_O_OK, 0);
	return 0;
}

static void tcp_timeout(struct hc_probe *p)
{
	hc_sock_finish(p, HC_O_CONNECT_TIMEOUT, 0);
}

int hc_socket(struct hc_probe *p, int type)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(p->target.addr.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* Delayed ACKs from the start: the handshake's ACK then rides on the
	 * request (or the FIN of a tcp_check) and the response's on our FIN,
	 * 8 packets per http check instead of 10. Only an optimisation, so a
	 * failure is ignored. It is the one call a check makes above a
	 * connection's own, and stays: a new socket does not inherit it and
	 * there is no system-wide default (without it hc-packets.sh counts 5
	 * director packets a check, not 4; tests/bench/README.md run 16). */
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &(int){0}, sizeof(int));
	if (p->k->has_bind_ip) {
		sl = hc_sockaddr(&p->k->bind_ip, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	return fd;
}

static int tcp_start(struct hc_probe *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = hc_sockaddr(&p->target.addr, p->target.port, &ss);
	struct hc_sock *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	p->io = t;
	t->fd = hc_socket(p, SOCK_STREAM);
	if (t->fd < 0) {
		r = t->fd;
		hc_sock_free(p);
		return r;
	}
	if (connect(t->fd, (struct sockaddr *)&ss, sl) == 0) {
		hc_sock_finish(p, HC_O_OK, 0);
		return 0;
	}
	if (errno != EINPROGRESS) {
		hc_sock_finish(p, errno_outcome(errno), errno);
		return 0;
	}
	r = hc_sock_watch(p, EPOLLOUT, tcp_io_cb);
	if (r < 0) {
		hc_sock_free(p);
		return r;
	}
	return 0;
}

const struct hc_ops hc_tcp_ops = {tcp_start, tcp_timeout, hc_sock_free, false};
