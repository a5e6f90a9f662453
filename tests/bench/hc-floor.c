/* The floor of an http check: what the kernel charges any checker that opens
 * one TCP connection per check. No library, no timers but one epoll_wait
 * timeout, no timeouts, no parsing beyond "HTTP/1.x 200": the least a
 * checker can do per check. Benchmark instrument for checks.sh (not a
 * test, not part of the daemon).
 *
 *   hc-floor N DELAY_LOOP_S [tcp|http] [BATCH_MS]
 *
 * Real servers 10.200.(1 + i / 250).(1 + i % 250):80, i < N, as checks.sh
 * lays them out; each checked every DELAY_LOOP_S seconds, start times
 * spread evenly over the interval, started in batches every BATCH_MS
 * (default 1: one wakeup per due check); HC_FLOOR_PATH: the path asked
 * for (default /); HC_FLOOR_EXTRA "eof": close after the server's FIN
 * instead of right after the answer. Runs until killed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct target {
	struct sockaddr_in sa;
	char req[96];
	size_t req_len;
	int fd;
	int got; /* eof: the answer was read (1 ok, 2 bad), waiting for the FIN */
	unsigned ok, failed;
};

static int x_del, x_clk, x_tid, x_nest, x_eof;

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int ep_in; /* the set the sockets are in */

static void finish(struct target *t, int ok)
{
	if (x_del)
		epoll_ctl(ep_in, EPOLL_CTL_DEL, t->fd, NULL);
	close(t->fd); /* also leaves the epoll set */
	t->fd = -1;
	t->got = 0;
	if (ok)
		t->ok++;
	else
		t->failed++;
}

static void start(int ep, struct target *t, int http)
{
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLET, .data.ptr = t};

	if (t->fd >= 0) /* still in flight from the last round */
		finish(t, t->got == 1);
	t->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return;
	if (connect(t->fd, (struct sockaddr *)&t->sa, sizeof(t->sa)) < 0 && errno != EINPROGRESS) {
		finish(t, 0);
		return;
	}
	if (http)
		ev.events |= EPOLLIN | (x_eof ? EPOLLRDHUP : 0);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, t->fd, &ev) < 0)
		finish(t, 0);
}

static void ready(struct target *t, uint32_t events, int http)
{
	char buf[4096];
	ssize_t n;

	if (!http) { /* tcp: writable = connected, or the error */
		finish(t, !(events & (EPOLLERR | EPOLLHUP)));
		return;
	}
	if (events & EPOLLOUT && !(events & EPOLLIN)) {
		if (send(t->fd, t->req, t->req_len, MSG_NOSIGNAL) < 0)
			finish(t, 0);
		return;
	}
	n = recv(t->fd, buf, sizeof(buf), 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (x_eof && t->got) { /* the server's FIN (or more bytes: given up) */
		finish(t, t->got == 1);
		return;
	}
	int ok = n >= 12 && !memcmp(buf, "HTTP/1.", 7) && !memcmp(buf + 9, "200", 3);
	/* eof: close after the server's FIN, as a client that waits for it
	 * does (no TIME_WAIT here); the edge says whether it came already */
	if (x_eof && n > 0 && !(events & EPOLLRDHUP)) {
		t->got = ok ? 1 : 2;
		return;
	}
	finish(t, ok);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, http = argc > 3 && !strcmp(argv[3], "http");
	uint64_t dl = argc > 2 ? (uint64_t)(atof(argv[2]) * 1e6) : 0, step, next;
	struct target *t;
	uint64_t batch = argc > 4 ? (uint64_t)atoi(argv[4]) * 1000 : 1000;
	int ep, i, k = 0;

	if (n <= 0 || dl == 0) {
		fprintf(stderr, "usage: %s N DELAY_LOOP_S [tcp|http]\n", argv[0]);
		return 2;
	}
	t = calloc((size_t)n, sizeof(*t));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!t || ep < 0)
		return 1;
	const char *x = getenv("HC_FLOOR_EXTRA");
	const char *path = getenv("HC_FLOOR_PATH"); /* what checks.sh -U asks for */

	if (!path || !*path || strlen(path) > 40)
		path = "/";
	x_del = x && strstr(x, "del");
	x_clk = x && strstr(x, "clk");
	x_tid = x && strstr(x, "tid");
	x_nest = x && strstr(x, "nest");
	x_eof = x && strstr(x, "eof");
	ep_in = ep;
	if (x_nest) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
		ep_in = epoll_create1(EPOLL_CLOEXEC);
		if (ep_in < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ep_in, &ev) < 0)
			return 1;
	}
	for (i = 0; i < n; i++) {
		t[i].sa.sin_family = AF_INET;
		t[i].sa.sin_port = htons(80);
		t[i].sa.sin_addr.s_addr =
		    htonl(0x0ac80000u | (uint32_t)(1 + i / 250) << 8 | (uint32_t)(1 + i % 250));
		t[i].req_len = (size_t)snprintf(t[i].req, sizeof(t[i].req),
						"GET %s HTTP/1.0\r\nHost: 10.200.%d.%d\r\n\r\n",
						path, 1 + i / 250, 1 + i % 250);
		t[i].fd = -1;
	}
	step = dl / (uint64_t)n;
	next = now_usec();
	for (;;) {
		struct epoll_event evs[64];
		uint64_t now = now_usec();
		uint64_t due = next - next % batch + batch; /* end of NEXT's batch */
		int timeout = due > now ? (int)((due - now + 999) / 1000) : 0, m;

		m = epoll_wait(ep, evs, 64, timeout);
		if (x_nest && m > 0)
			m = epoll_wait(ep_in, evs, 64, 0);
		if (x_clk)
			now = now_usec() + now_usec();
		if (x_tid)
			syscall(SYS_gettid);
		for (i = 0; i < m; i++)
			ready(evs[i].data.ptr, evs[i].events, http);
		for (now = now_usec(); next <= now - now % batch; next += step) {
			start(ep_in, &t[k], http);
			k = (k + 1) % n;
		}
	}
}
