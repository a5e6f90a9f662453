/* check_forwarding_path: the sockets every probe shares (hc_fwd_int.h;
 * a probe's runs: hc_fwd.c).
 *
 * Per-probe sockets cost a classic BPF filter run per probe on every
 * packet the director received (O(probes) per packet) and an RCU grace
 * period at each close. So the probes of one interface share two AF_PACKET
 * datagram sockets bound to it (a link): one bound to IPv4 whose filter
 * passes TCP to, and ICMP echo replies with an ident in, the probes' port
 * range (beside ip_local_port_range, so the checks' own connections stay
 * out), one bound to ARP that passes replies only. Bound to the interface
 * the probes' frames leave by (a DR reply comes from the real server on
 * that link): a packet socket bound to no interface is offered every IPv4
 * packet of every interface and network namespace of the host (the kernel
 * keeps one list for them), all the client traffic of a director; bound
 * to one, only that interface's. TUN probes, whose replies come back
 * routed on any interface, share a link on every interface (IPv4 only)
 * and send through one raw IPPROTO_IPIP socket, which never reads (a
 * drop-all filter). Bound to a protocol, not ETH_P_ALL: no copy of what
 * the director sends or forwards. A packet socket sees the replies, which
 * a director holding the VIP itself drops as martians (source is a local
 * address) before any IP socket could. Each probe owns one port of the
 * range (TCP source port and ICMP ident); replies are dispatched by it
 * (hc_fwd_demux), at most FWD_BATCH per wakeup and FWD_VLEN per system
 * call, so a flood can neither pass a check nor starve the loop; ARP
 * replies, rare, go to every probe. The sockets are watched by the loop's
 * own set (loop.c), as the checks' are, not as sd-event sources: a reply
 * wakes the loop without an sd-event iteration (about 2,400 instructions),
 * and a check that starts a probe arms no sd-event source. The DR frames
 * a loop iteration makes (the probes of checks due together, their ARP
 * questions, the resets of the replies read) are sent by one sendmmsg()
 * before the loop next waits (its before-wait hook), not a sendto() each. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <unistd.h>

#include "hc_fwd_int.h"

#define FWD_BATCH     256
#define FWD_MAX_PORTS 8192
#define FWD_RCVBUF    (4 << 20)

static void ip_io(struct hd_loop_io *io, uint32_t revents);
static void arp_io(struct hd_loop_io *io, uint32_t revents);
static void tx_hook(struct hd_loop_hook *h);
static void tx_flush(struct hc_fwd_sh *sh);

/* FD out of the loop's set: its event of this wakeup, if one waits, is
 * forgotten first. Rare (a link's last probe went), so removed outright,
 * whether or not a child holds a copy (hc_tcp.c); a descriptor opened but
 * not yet watched (link_open failing) only makes the removal say ENOENT. */
static void unwatch(struct hc_fwd_link *l, struct hd_loop_io *io, int fd)
{
	struct hd_daemon *d = l->sh->c->d;

	if (fd < 0)
		return;
	hd_loop_forget(d, io);
	epoll_ctl(d->loop_fd, EPOLL_CTL_DEL, fd, NULL);
}

static void link_close(struct hc_fwd_link *l)
{
	unwatch(l, &l->ip_lio, l->ip_fd);
	unwatch(l, &l->arp_lio, l->arp_fd);
	if (l->ip_fd >= 0)
		close(l->ip_fd);
	if (l->arp_fd >= 0)
		close(l->arp_fd);
	free(l);
}

/* The probes' port range: beside the kernel's ephemeral ports, so replies
 * to the checks' own connections do not pass the filter. Above them if
 * there are 256 ports (below are the services a director may run), else
 * below (from 1024), else the top of the port space, shared with the
 * kernel's (what is not a reply is dropped by the parser, at a cost). */
static void pick_range(struct hc_fwd_sh *sh)
{
	unsigned lo = 32768, hi = 60999, above, below;
	FILE *fp = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	if (fp) {
		if (fscanf(fp, "%u %u", &lo, &hi) != 2 || lo > hi || hi > 65535 || lo < 1)
			lo = 32768, hi = 60999;
		fclose(fp);
	}
	above = 65535 - hi;
	below = lo > 1024 ? lo - 1024 : 0;
	if (above >= 256)
		sh->base = (uint16_t)(hi + 1), sh->n_ports = (uint16_t)above;
	else if (below >= 256)
		sh->base = 1024, sh->n_ports = (uint16_t)below;
	else
		sh->base = 61000, sh->n_ports = 4535;
	if (sh->n_ports > FWD_MAX_PORTS)
		sh->n_ports = FWD_MAX_PORTS;
}

int hc_fwd_sh_get(struct hc_ctx *c, struct hc_fwd_sh **out)
{
	struct hc_fwd_sh *sh = c->fwd_sh;

	if (!sh) {
		if (!(sh = calloc(1, sizeof(*sh))))
			return -ENOMEM;
		sh->c = c;
		sh->tun_fd = -1;
		for (unsigned i = 0; i < FWD_VLEN; i++)
			sh->tx_m[i] =
			    (struct mmsghdr){.msg_hdr = {.msg_name = &sh->tx_ll[i],
							 .msg_namelen = sizeof(sh->tx_ll[i]),
							 .msg_iov = &sh->tx_iov[i],
							 .msg_iovlen = 1}};
		pick_range(sh);
		if (!(sh->slot = calloc(sh->n_ports, sizeof(*sh->slot)))) {
			free(sh);
			return -ENOMEM;
		}
		sh->tx_hook.fn = tx_hook;
		assert(!c->d->loop_before_wait); /* its one user */
		c->d->loop_before_wait = &sh->tx_hook;
		c->fwd_sh = sh;
	}
	sh->refs++;
	*out = sh;
	return 0;
}

void hc_fwd_sh_put(struct hc_fwd_sh *sh)
{
	if (--sh->refs)
		return;
	if (sh->tun_fd >= 0)
		close(sh->tun_fd);
	if (sh->c->d->loop_before_wait == &sh->tx_hook)
		sh->c->d->loop_before_wait = NULL;
	sh->c->fwd_sh = NULL;
	free(sh->slot);
	free(sh);
}

/* F takes a port of its own (shared only when every port has a probe:
 * replies are then told apart by address and sequence). */
void hc_fwd_port_take(struct hc_fwd_sh *sh, struct hc_fwd *f)
{
	uint16_t i = sh->rover, k;

	for (k = 0; k < sh->n_ports; k++) {
		i = (uint16_t)((sh->rover + k) % sh->n_ports);
		if (!sh->slot[i])
			break;
	}
	if (k == sh->n_ports)
		i = sh->rover % sh->n_ports;
	sh->rover = (uint16_t)((i + 1) % sh->n_ports);
	f->sport = (uint16_t)(sh->base + i);
	f->next_port = sh->slot[i];
	sh->slot[i] = f;
}

void hc_fwd_port_drop(struct hc_fwd_sh *sh, struct hc_fwd *f)
{
	struct hc_fwd **pp = &sh->slot[f->sport - sh->base];

	while (*pp && *pp != f)
		pp = &(*pp)->next_port;
	if (*pp)
		*pp = f->next_port;
}

/* The shared IPv4 socket's filter: addressed to this host (not what a
 * promiscuous interface sees for others), TCP to a port of the range, ICMP
 * echo replies with an ident in it; not a fragment (the filter sees the
 * packet from its network header). */
static int ip_filter(int fd, const struct hc_fwd_sh *sh)
{
	uint32_t lo = sh->base, hi = sh->base + sh->n_ports - 1u;
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 13),
	    /* 2 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 11, 0),
	    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 2),
	    /* 7 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	    BPF_STMT(BPF_JMP | BPF_JA, 4),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 5),
	    BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0 /* echo reply */, 0, 3),
	    /* 12 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),
	    /* 13 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 1),
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi, 0, 1),
	    /* 15 */ BPF_STMT(BPF_RET | BPF_K, 0),
	    /* 16 */ BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* The ARP socket's: replies addressed to this host only (requests and
 * gratuitous replies are broadcast by everyone, and each reply is offered
 * to every probe). */
static int arp_filter(int fd)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 3),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

static int open_packet(struct hc_fwd_sh *sh, uint16_t proto, int ifindex)
{
	struct sockaddr_ll ll = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(proto), .sll_ifindex = ifindex};
	/* protocol 0: nothing queued before the filter is on */
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), rcv = FWD_RCVBUF;
	int r = fd < 0 ? -errno : proto == ETH_P_IP ? ip_filter(fd, sh) : arp_filter(fd);

	/* room for the replies of many probes ending at once (FORCE: past
	 * rmem_max with CAP_NET_ADMIN, which the director has) */
	if (r >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) < 0)
		r = -errno;
	if (r >= 0 && bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		r = -errno;
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}

static int tun_open(struct hc_fwd_sh *sh)
{
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog drop = {.len = 1, .filter = &none};
	int fd, r;

	if (sh->tun_fd >= 0)
		return 0;
	if ((fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IPIP)) < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &drop, sizeof(drop)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	sh->tun_fd = fd;
	return 0;
}

static int watch(struct hc_fwd_link *l, struct hd_loop_io *io, int fd,
		 void (*fn)(struct hd_loop_io *, uint32_t))
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = io};

	io->fn = fn;
	return epoll_ctl(l->sh->c->d->loop_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* The link of IFINDEX, opened (DR: IPv4 and ARP; every interface: IPv4). */
static int link_open(struct hc_fwd_sh *sh, int ifindex, struct hc_fwd_link **out)
{
	struct hc_fwd_link *l = calloc(1, sizeof(*l));
	int r;

	if (!l)
		return -ENOMEM;
	*l = (struct hc_fwd_link){.sh = sh, .ifindex = ifindex, .ip_fd = -1, .arp_fd = -1};
	if ((r = l->ip_fd = open_packet(sh, ETH_P_IP, ifindex)) < 0 ||
	    (ifindex && (r = l->arp_fd = open_packet(sh, ETH_P_ARP, ifindex)) < 0) ||
	    (r = watch(l, &l->ip_lio, l->ip_fd, ip_io)) < 0 ||
	    (ifindex && (r = watch(l, &l->arp_lio, l->arp_fd, arp_io)) < 0)) {
		link_close(l);
		return r;
	}
	l->next = sh->links;
	sh->links = l;
	*out = l;
	return 0;
}

int hc_fwd_link_use(struct hc_fwd *f, int ifindex)
{
	struct hc_fwd_sh *sh = f->sh;
	struct hc_fwd_link *l;
	int r;

	if (!ifindex && (r = tun_open(sh)) < 0)
		return r;
	if (f->link && f->link->ifindex == ifindex)
		return 0;
	for (l = sh->links; l && l->ifindex != ifindex; l = l->next)
		;
	if (!l && (r = link_open(sh, ifindex, &l)) < 0)
		return r;
	l->refs++;
	hc_fwd_link_put(f);
	f->link = l;
	return 0;
}

void hc_fwd_link_put(struct hc_fwd *f)
{
	struct hc_fwd_link *l = f->link, **pp;

	f->link = NULL;
	if (!l || --l->refs)
		return;
	tx_flush(l->sh); /* what is queued may leave by this link's socket */
	for (pp = &l->sh->links; *pp != l; pp = &(*pp)->next)
		;
	*pp = l->next;
	link_close(l);
}

/* The DR frames queued: sent at once, by any of our packet sockets (each
 * frame's address names its interface). A frame the kernel refuses is
 * skipped: a probe's or question's error is its run's (reported at its
 * end, which its deadline brings); a reset that cannot be sent leaves a
 * half-open connection on the real server until it times out. */
static void tx_flush(struct hc_fwd_sh *sh)
{
	unsigned sent = 0;

	for (unsigned i = 0; i < sh->n_tx; i++)
		if (sh->tx_run[i])
			sh->tx_run[i]->n_queued = 0;
	while (sent < sh->n_tx && sh->links) {
		int k = sendmmsg(sh->links->ip_fd, sh->tx_m + sent, sh->n_tx - sent, 0);
		if (k > 0) {
			sent += (unsigned)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (sh->tx_run[sent] && !sh->tx_run[sent]->tx_err)
			sh->tx_run[sent]->tx_err = k < 0 ? -errno : -EIO;
		sent++;
	}
	sh->n_tx = 0;
}

static void tx_hook(struct hd_loop_hook *h)
{
	struct hc_fwd_sh *sh =
	    (struct hc_fwd_sh *)((char *)h - offsetof(struct hc_fwd_sh, tx_hook));

	if (sh->n_tx)
		tx_flush(sh);
}

void hc_fwd_tx_queue(struct hc_fwd *f, bool run, uint16_t proto, const uint8_t *dst,
		     const uint8_t *b, size_t len)
{
	struct hc_fwd_sh *sh = f->sh;

	if (sh->n_tx == FWD_VLEN)
		tx_flush(sh);
	unsigned i = sh->n_tx++;
	memcpy(sh->tx[i], b, len);
	sh->tx_run[i] = run ? f : NULL;
	f->n_queued += run;
	sh->tx_iov[i] = (struct iovec){sh->tx[i], len};
	sh->tx_ll[i] = (struct sockaddr_ll){.sll_family = AF_PACKET,
					    .sll_protocol = htons(proto),
					    .sll_ifindex = f->ifindex,
					    .sll_halen = 6};
	memcpy(sh->tx_ll[i].sll_addr, dst, 6);
}

void hc_fwd_tx_drop(struct hc_fwd *f)
{
	struct hc_fwd_sh *sh = f->sh;
	unsigned i, k = 0;

	if (!f->n_queued)
		return; /* the usual case: its frames have left */
	f->n_queued = 0;
	for (i = 0; i < sh->n_tx; i++) {
		if (sh->tx_run[i] == f)
			continue;
		if (k != i) {
			memcpy(sh->tx[k], sh->tx[i], sh->tx_iov[i].iov_len);
			sh->tx_iov[k] = (struct iovec){sh->tx[k], sh->tx_iov[i].iov_len};
			sh->tx_ll[k] = sh->tx_ll[i];
			sh->tx_run[k] = sh->tx_run[i];
		}
		k++;
	}
	sh->n_tx = k;
}

/* Random bytes for a run: one getrandom() per 20 runs. */
int hc_fwd_random(struct hc_fwd_sh *sh, uint8_t *out, size_t n)
{
	if (sh->rnd_left < n) {
		if (getrandom(sh->rnd, sizeof(sh->rnd), 0) != sizeof(sh->rnd))
			return -EIO;
		sh->rnd_left = sizeof(sh->rnd);
	}
	sh->rnd_left -= n;
	memcpy(out, sh->rnd + sh->rnd_left, n);
	memset(sh->rnd + sh->rnd_left, 0, n); /* used once */
	return 0;
}

/* One packet of the IPv4 socket, to the probes of its port: a reply of
 * one of them, else stray for the first that runs; between runs nothing. */
static void ip_packet(struct hc_fwd_sh *sh, const uint8_t *b, size_t n, const uint8_t *src_mac)
{
	int port = hc_fwd_demux(b, n);
	struct hc_fwd *first, *f;
	bool mine = false;

	if (port < sh->base || port >= sh->base + sh->n_ports)
		return;
	first = sh->slot[port - sh->base];
	for (f = first; f && !mine; f = f->next_port)
		mine = f->running && hc_fwd_on_ip(f, b, n, src_mac, false);
	for (f = first; f && !mine; f = f->next_port)
		mine = f->late && hc_fwd_on_late(f, b, n, src_mac);
	for (f = first; f && !mine; f = f->next_port)
		mine = f->running && hc_fwd_on_ip(f, b, n, src_mac, true);
	if (!mine && first && first->running)
		first->foreign++;
}

/* FWD_VLEN packets a system call, FWD_BATCH a wakeup. */
static void ip_io(struct hd_loop_io *io, uint32_t revents)
{
	struct hc_fwd_link *l =
	    (struct hc_fwd_link *)((char *)io - offsetof(struct hc_fwd_link, ip_lio));
	struct hc_fwd_sh *sh = l->sh;
	int fd = l->ip_fd;
	struct mmsghdr m[FWD_VLEN];
	struct iovec iov[FWD_VLEN];

	(void)revents;
	for (int got = 0; got < FWD_BATCH;) {
		for (int i = 0; i < FWD_VLEN; i++) {
			iov[i] = (struct iovec){sh->rx[i], sizeof(sh->rx[i])};
			m[i].msg_hdr = (struct msghdr){.msg_name = &sh->rx_ll[i],
						       .msg_namelen = sizeof(sh->rx_ll[i]),
						       .msg_iov = &iov[i],
						       .msg_iovlen = 1};
		}
		int k = recvmmsg(fd, m, FWD_VLEN, MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (k <= 0)
			break; /* EAGAIN, or an error the deadlines settle */
		for (int i = 0; i < k; i++) {
			size_t n = m[i].msg_len;
			if (n > sizeof(sh->rx[i]))
				n = sizeof(sh->rx[i]); /* truncated: its length field tells */
			if (sh->rx_ll[i].sll_halen != 6)
				memset(sh->rx_ll[i].sll_addr, 0, 6);
			ip_packet(sh, sh->rx[i], n, sh->rx_ll[i].sll_addr);
		}
		if (k < FWD_VLEN)
			break; /* drained */
		got += k;
	}
	/* the resets queued leave before the loop waits again (tx_hook) */
}

static void arp_io(struct hd_loop_io *io, uint32_t revents)
{
	struct hc_fwd_link *l =
	    (struct hc_fwd_link *)((char *)io - offsetof(struct hc_fwd_link, arp_lio));
	struct hc_fwd_sh *sh = l->sh;
	uint8_t b[64];

	(void)revents;
	for (int i = 0; i < FWD_BATCH; i++) {
		ssize_t n = recv(l->arp_fd, b, sizeof(b), 0);
		if (n < 0)
			return;
		/* rare (the kernel's own ARP traffic, our questions): a walk */
		for (struct hc_fwd *f = sh->all, *next; f; f = next) {
			next = f->next; /* a finish may free nothing, but be safe */
			hc_fwd_on_arp(f, b, (size_t)n);
		}
	}
}
