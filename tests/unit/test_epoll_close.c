/* What healthcheck/hc_tcp.c relies on to skip EPOLL_CTL_DEL: closing the
 * last reference to a socket takes it out of an epoll set, and while a
 * forked child still holds a copy the registration lives on and keeps
 * reporting that socket's events (so after a fork it must be removed
 * first). The real kernel, a socketpair and a child; no daemon code. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

/* Events the set reports now (0 ms wait). */
static int pending(int ep, struct epoll_event *ev)
{
	int n;

	do
		n = epoll_wait(ep, ev, 1, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* A socketpair with S[0] in EP, for input; returns 0 or -1. */
static int watched_pair(int ep, int s[2], uint64_t tag)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = tag};

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) < 0)
		return -1;
	return epoll_ctl(ep, EPOLL_CTL_ADD, s[0], &ev);
}

int main(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(EPOLL_CLOEXEC), s[2], gate[2];

	CHECK(ep >= 0);
	/* No fork: close() alone ends the registration. */
	CHECK(watched_pair(ep, s, 1) == 0);
	close(s[0]); /* the peer sees it closed: the send fails, nothing is reported */
	CHECK(send(s[1], "x", 1, MSG_NOSIGNAL) < 0);
	EXPECT(pending(ep, &ev) == 0, "a closed socket still reported (tag %llu)",
	       (unsigned long long)ev.data.u64);
	close(s[1]);

	/* A child holds a copy: the registration outlives our close and
	 * reports the old socket's events with its old tag. */
	CHECK(watched_pair(ep, s, 2) == 0);
	CHECK(pipe(gate) == 0);
	pid_t pid = fork();
	if (pid == 0) { /* keep the copies until the parent says */
		char c;
		close(gate[1]);
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	CHECK(pid > 0);
	close(gate[0]);
	close(s[0]);
	CHECK(send(s[1], "x", 1, MSG_NOSIGNAL) == 1); /* the child's copy keeps it open */
	int n = pending(ep, &ev);
	EXPECT(n == 1 && ev.data.u64 == 2, "no stale event from the child's copy (n=%d)", n);

	/* Removing it before the close (what hc_tcp.c does after a fork)
	 * would have been the only way out: with the descriptor number gone,
	 * EPOLL_CTL_DEL can no longer reach it, and a new socket with the same
	 * number is a different registration. */
	int t[2];
	CHECK(watched_pair(ep, t, 3) == 0);
	CHECK(send(s[1], "y", 1, MSG_NOSIGNAL) == 1);
	n = pending(ep, &ev);
	EXPECT(n == 1 && ev.data.u64 == 2, "the stale registration is gone early (n=%d)", n);

	/* When the child exits the last copy goes, and with it the stale entry. */
	close(gate[1]);
	CHECK(waitpid(pid, NULL, 0) == pid);
	CHECK(send(s[1], "z", 1, MSG_NOSIGNAL) < 0 || pending(ep, &ev) == 0);
	close(s[1]);
	close(t[0]);
	close(t[1]);
	close(ep);
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("test_epoll_close: all passed\n");
	return failures ? 1 : 0;
}
