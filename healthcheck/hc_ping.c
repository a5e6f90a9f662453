/* ping_check: one ICMP (ICMPv6) echo request per check, up when its reply
 * comes within connect_timeout (keepalived's PING_CHECK).
 *
 * The socket: an unprivileged ICMP datagram socket where the system allows
 * one (net.ipv4.ping_group_range): the kernel picks the ident and hands it
 * only the replies carrying it. Otherwise a raw socket (CAP_NET_RAW), with
 * a random ident, filtered by the kernel to echo replies. Either is
 * connected to the target, so the kernel also drops replies from any
 * other address. What still arrives is matched by hc_ping_match(): type,
 * ident, sequence, and a 128-bit random token the reply must echo, which
 * no sender that did not see the request can guess. Replies that fail are
 * dropped and counted, the count logged with the check's result; a flood
 * of them is read at most PING_BATCH per wakeup, so it cannot starve the
 * loop, and it cannot make the check pass. */
#include "config.h"

#include <errno.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "hc_int.h"
#include "hc_ping_pkt.h"
#include "log.h"

#define PING_BATCH 64

struct ping_io {
	struct hc_sock s; /* first: hc_sock_free() frees it */
	bool raw;
	uint16_t ident, seq;
	uint8_t token[HC_PING_TOKEN];
	unsigned long foreign, forged; /* replies dropped */
};

static void ping_report(struct hc_probe *p, enum hc_outcome o, int detail)
{
	struct ping_io *io = p->io;
	char a[64];

	/* Forged replies (our ident and sequence) are someone at work: a
	 * warning, once per check. Foreign ones are other pingers': debug. */
	if (io && (io->foreign || io->forged))
		hd_log(io->forged ? LOG_WARNING : LOG_DEBUG,
		       "ping_check %s: dropped %lu replies not to this request, %lu of them "
		       "with its ident and sequence but not its payload (forged)",
		       hd_addr_str(&p->target.addr, a, sizeof(a)), io->foreign + io->forged,
		       io->forged);
	hc_sock_finish(p, o, detail);
}

static int ping_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	struct ping_io *io = p->io;
	bool v6 = p->target.addr.family == AF_INET6;
	uint8_t buf[576];

	(void)s;
	(void)revents;
	for (int i = 0; i < PING_BATCH; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0) { /* an ICMP error for the request: unreachable */
			ping_report(p, HC_O_CONNECT_ERROR, errno);
			return 0;
		}
		switch (hc_ping_match(buf, (size_t)n, v6, io->raw && !v6, io->raw ? io->ident : -1,
				      io->seq, io->token)) {
		case HC_PING_OURS:
			ping_report(p, HC_O_OK, 0);
			return 0;
		case HC_PING_FORGED:
			io->forged++;
			break;
		case HC_PING_FOREIGN:
			io->foreign++;
			break;
		}
	}
	return 0;
}

static void ping_timeout(struct hc_probe *p)
{
	ping_report(p, HC_O_TIMEOUT, 0);
}

/* The datagram socket if allowed, else a raw one filtered to echo replies. */
static int ping_socket(int fam, bool *raw)
{
	int proto = fam == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	*raw = false;
	if (fd >= 0 || (errno != EACCES && errno != EPERM && errno != EPROTONOSUPPORT))
		return fd < 0 ? -errno : fd;
	*raw = true;
	fd = socket(fam, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	int r;
	if (fam == AF_INET6) {
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		r = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	} else {
		struct icmp_filter f = {.data = ~(1U << ICMP_ECHOREPLY)};
		r = setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	}
	if (r < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Connect and send; -errno when that fails (a result, not an internal error). */
static int ping_send(struct hc_probe *p, struct ping_io *io)
{
	struct sockaddr_storage ss;
	socklen_t sl = hc_sockaddr(&p->target.addr, 0, &ss);
	bool v6 = p->target.addr.family == AF_INET6;
	uint8_t pkt[HC_PING_LEN];

	if (connect(io->s.fd, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	hc_ping_build(pkt, v6, io->ident, io->seq, io->token);
	return send(io->s.fd, pkt, sizeof(pkt), 0) < 0 ? -errno : 0;
}

static int ping_start(struct hc_probe *p)
{
	struct ping_io *io = calloc(1, sizeof(*io));
	uint8_t rnd[4];
	int r;

	if (!io)
		return -ENOMEM;
	p->io = io;
	if (getrandom(io->token, sizeof(io->token), 0) != sizeof(io->token) ||
	    getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		r = -EIO;
		io->s.fd = -1;
		goto fail;
	}
	io->ident = (uint16_t)(rnd[0] << 8 | rnd[1]);
	io->seq = (uint16_t)(rnd[2] << 8 | rnd[3]);
	io->s.fd = ping_socket(p->target.addr.family, &io->raw);
	if ((r = io->s.fd) < 0)
		goto fail;
	if ((r = ping_send(p, io)) < 0) {
		ping_report(p, HC_O_CONNECT_ERROR, -r);
		return 0;
	}
	if ((r = hc_sock_watch(p, EPOLLIN, ping_io_cb)) >= 0)
		return 0;
fail:
	hc_sock_free(p);
	return r;
}

const struct hc_ops hc_ping_ops = {ping_start, ping_timeout, hc_sock_free, false};
