/* dns_check: one query of `type` for `name` over UDP to the target on a
 * connected socket; the reply is judged by the pure hc_dns_check_reply()
 * (hc_dns_pkt.h: ID, QR, RCODE, the echoed question, at least one answer
 * of the type or a CNAME). Datagrams that are not a reply to this query
 * are ignored (up to DNS_MAX_STRAY of them, then "dns bad reply"); no
 * reply within connect_timeout is "timeout", an ICMP port
 * unreachable is "udp port unreachable". No retransmission: `retry`
 * covers a lost datagram. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_dns_pkt.h"
#include "hc_int.h"
#include "log.h"

struct hc_dns {
	struct hc_sock s; /* first: hc_sock_free() frees through it */
	uint8_t q[HC_DNS_MAX_QUERY];
	size_t qlen;
	unsigned stray; /* datagrams that were not the answer */
};

/* A late answer to an earlier query or two is possible; this many
 * datagrams that are not the answer is a flood, not a DNS server: the
 * check ends there rather than reading them until its timeout. */
#define DNS_MAX_STRAY 64
/* Datagrams read per wakeup: the socket is level-triggered, the rest
 * brings the next one. */
#define DNS_READS_PER_WAKEUP 8

static int dns_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	struct hc_dns *d = p->io;
	uint8_t buf[4096];
	int detail, o;

	for (int i = 0; i < DNS_READS_PER_WAKEUP; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0) {
			hc_sock_finish(
			    p, errno == ECONNREFUSED ? HC_O_UDP_UNREACHABLE : HC_O_CONNECT_ERROR,
			    errno);
			return 0;
		}
		o = hc_dns_check_reply(d->q, d->qlen, buf, (size_t)n, &detail);
		if (o != HC_DNS_IGNORE) {
			hc_sock_finish(p, (enum hc_outcome)o, detail);
			return 0;
		}
		if (++d->stray >= DNS_MAX_STRAY) {
			hc_sock_finish(p, HC_O_DNS_BAD_REPLY, 0);
			return 0;
		}
	}
	return 0;
}

static void dns_timeout(struct hc_probe *p)
{
	hc_sock_finish(p, HC_O_TIMEOUT, 0);
}

static int dns_send(struct hc_probe *p, struct hc_dns *d)
{
	struct sockaddr_storage ss;
	socklen_t sl = hc_sockaddr(&p->target.addr, p->target.port, &ss);
	uint16_t type = hc_dns_type(p->k->dns_type ? p->k->dns_type : "SOA");
	int n = hc_dns_build_query(d->q, sizeof(d->q), (uint16_t)rand_r(&p->ctx->rng),
				   p->k->dns_name ? p->k->dns_name : ".", type);

	if (n < 0 || !type)
		return -EINVAL;
	d->qlen = (size_t)n;
	d->s.fd = hc_socket(p, SOCK_DGRAM);
	if (d->s.fd < 0)
		return d->s.fd;
	if (connect(d->s.fd, (struct sockaddr *)&ss, sl) < 0 || send(d->s.fd, d->q, d->qlen, 0) < 0)
		return -errno;
	return 0;
}

static int dns_start(struct hc_probe *p)
{
	struct hc_dns *d = calloc(1, sizeof(*d));
	int r;

	if (!d)
		return -ENOMEM;
	d->s.fd = -1;
	p->io = d;
	r = dns_send(p, d);
	if (r == -ECONNREFUSED) {
		hc_sock_finish(p, HC_O_UDP_UNREACHABLE, ECONNREFUSED);
		return 0;
	}
	if (r >= 0)
		r = hc_sock_watch(p, EPOLLIN, dns_io_cb);
	if (r < 0) {
		hc_sock_free(p);
		return r;
	}
	return 0;
}

const struct hc_ops hc_dns_ops = {dns_start, dns_timeout, hc_sock_free, false};
