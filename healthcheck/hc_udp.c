/* udp_check: send the payload on a connected UDP socket and wait one
 * connect_timeout. An ICMP port unreachable fails it; with `expect` the
 * reply must start with that text, without it silence is success (UDP
 * services need not answer arbitrary datagrams). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_int.h"
#include "log.h"

static int udp_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	const char *want = p->k->udp_expect;
	char buf[2048];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		hc_sock_finish(p, errno == ECONNREFUSED ? HC_O_UDP_UNREACHABLE : HC_O_CONNECT_ERROR,
			       errno);
	else if (want && ((size_t)n < strlen(want) || memcmp(buf, want, strlen(want))))
		hc_sock_finish(p, HC_O_UDP_BAD_REPLY, 0);
	else
		hc_sock_finish(p, HC_O_OK, 0);
	return 0;
}

static void udp_timeout(struct hc_probe *p)
{
	hc_sock_finish(p, p->k->udp_expect ? HC_O_UDP_NO_REPLY : HC_O_OK, 0);
}

static int udp_open(struct hc_probe *p, struct hc_sock *u)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	const char *payload = p->k->udp_payload ? p->k->udp_payload : "";

	u->fd = hc_socket(p, SOCK_DGRAM);
	if (u->fd < 0)
		return u->fd;
	sl = hc_sockaddr(&p->target.addr, p->target.port, &ss);
	if (connect(u->fd, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	if (send(u->fd, payload, strlen(payload), 0) < 0)
		return -errno;
	return 0;
}

static int udp_start(struct hc_probe *p)
{
	struct hc_sock *u = calloc(1, sizeof(*u));
	int r;

	if (!u)
		return -ENOMEM;
	u->fd = -1;
	p->io = u;
	r = udp_open(p, u);
	if (r == -ECONNREFUSED) {
		hc_sock_finish(p, HC_O_UDP_UNREACHABLE, ECONNREFUSED);
		return 0;
	}
	if (r >= 0)
		r = hc_sock_watch(p, EPOLLIN, udp_io_cb);
	if (r < 0) {
		hc_sock_free(p);
		return r;
	}
	return 0;
}

const struct hc_ops hc_udp_ops = {udp_start, udp_timeout, hc_sock_free, false};
