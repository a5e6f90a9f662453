/* Virtual addresses with libnl-route-3, gratuitous ARP / unsolicited NA,
 * and link/address monitoring: a VIP someone removes while we are master is
 * put back; a link going down faults the instance; a link that comes back
 * (even with a new ifindex) is picked up again. Links come from the
 * daemon's link view (daemon/base/link.h), addresses from a socket of ours
 * (RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <netpacket/packet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link.h"
#include "nl_errno.h"
#include "vrrp_int.h"
#include "vrrp_vip.h"

/* ---- interface facts (ioctl: cheap, no cache to keep in sync) ---- */

/* 0 or -errno: the ioctl's errno is read before close() may change it. */
static int if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	r = ioctl(fd, req, ifr) < 0 ? -errno : 0;
	close(fd);
	return r;
}

bool vrrp_ifname_up(const char *name)
{
	struct ifreq ifr;

	if (if_ioctl(name, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

/* 0 or -errno, MAC left as it was. */
static int if_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr;
	int r = if_ioctl(name, SIOCGIFHWADDR, &ifr);

	if (r < 0)
		return r;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* dont_track_primary: the interface down is no fault (it missing is). */
int vrrp_link_query(struct vrrp_instance *in)
{
	in->ifindex = (int)if_nametoindex(in->cfg->interface);
	if (!in->ifindex || (!in->cfg->dont_track_primary && !vrrp_ifname_up(in->cfg->interface))) {
		in->faults |= VRRP_FAULT_IFACE;
		return in->ifindex ? -ENETDOWN : -ENODEV;
	}
	if_mac(in->cfg->interface, in->mac);
	in->faults &= ~VRRP_FAULT_IFACE;
	return 0;
}

/* ---- addresses ---- */

static int vip_ifindex(const struct vrrp_instance *in, const struct hd_prefix *v)
{
	return v->dev[0] ? (int)if_nametoindex(v->dev) : vrrp_vip_ifindex_of(in);
}

/* The advertised VIPs, then the excluded ones: the kernel gets both with
 * the master state; only the first n_vips go in an advertisement. */
static size_t vip_count(const struct vrrp_instance *in)
{
	return in->cfg->n_vips + in->cfg->n_excl_vips;
}

static const struct hd_prefix *vip_at(const struct vrrp_instance *in, size_t i)
{
	return i < in->cfg->n_vips ? &in->cfg->vips[i] : &in->cfg->excl_vips[i - in->cfg->n_vips];
}

/* label, scope and broadcast go with an add only: a delete that named a
 * label would miss a copy someone re-added with another one. 0, -ERANGE
 * (a label libnl refuses: too long) or -ENOMEM. */
static int vip_set_attrs(struct rtnl_addr *a, const struct hd_prefix *v)
{
	struct nl_addr *brd;

	if (v->label[0] && rtnl_addr_set_label(a, v->label) < 0)
		return -ERANGE;
	if (v->addr.family != AF_INET)
		return 0;
	rtnl_addr_set_scope(a, v->scope);
	if (!v->has_brd)
		return 0;
	brd = nl_addr_build(AF_INET, &v->brd.u.v4, 4);
	if (!brd)
		return -ENOMEM;
	rtnl_addr_set_broadcast(a, brd);
	nl_addr_put(brd);
	return 0;
}

static struct rtnl_addr *vip_obj(const struct vrrp_instance *in, const struct hd_prefix *v,
				 bool add)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;

	if (!a)
		return NULL;
	local = nl_addr_build(v->addr.family, &v->addr.u, v->addr.family == AF_INET6 ? 16 : 4);
	if (!local) {
		rtnl_addr_put(a);
		return NULL;
	}
	nl_addr_set_prefixlen(local, v->prefixlen);
	rtnl_addr_set_ifindex(a, vip_ifindex(in, v));
	rtnl_addr_set_family(a, v->addr.family);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, v->prefixlen);
	if (v->addr.family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD); /* usable at once, no 1 s DAD wait */
	nl_addr_put(local);
	if (add && vip_set_attrs(a, v) < 0) {
		rtnl_addr_put(a);
		return NULL;
	}
	return a;
}

/* 0 or -errno. Not logged: -EEXIST, an address already there (callers
 * tell it apart), and a removal's address that is not there. */
static int vip_change(struct vrrp_instance *in, const struct hd_prefix *v, bool add)
{
	struct rtnl_addr *a = vip_obj(in, v, add);
	char buf[INET6_ADDRSTRLEN];
	int r;

	if (!a)
		return -ENOMEM;
	r = hd_nl_errno(add ? rtnl_addr_add(in->ctx->nl_cmd, a, 0)
			    : rtnl_addr_delete(in->ctx->nl_cmd, a, 0));
	rtnl_addr_put(a);
	if (r < 0 && r != -EEXIST && r != -EADDRNOTAVAIL && r != -ENOENT)
		hd_err("%s: %s %s/%u: %s", in->cfg->name, add ? "adding" : "removing",
		       hd_addr_str(&v->addr, buf, sizeof(buf)), v->prefixlen, strerror(-r));
	return r;
}

/* Taking the master role: an address already there (left by a daemon
 * killed with SIGKILL, or added by hand) may carry another label, scope or
 * broadcast, which an add cannot change and no event will show: it is
 * replaced by ours. */
void vrrp_vips_add(struct vrrp_instance *in)
{
	in->vips_on = true;
	for (size_t i = 0; i < vip_count(in); i++) {
		const struct hd_prefix *v = vip_at(in, i);

		if (vip_change(in, v, true) != -EEXIST)
			continue;
		vip_change(in, v, false);
		vip_change(in, v, true);
	}
}

void vrrp_vips_del(struct vrrp_instance *in)
{
	in->vips_on = false;
	for (size_t i = 0; i < vip_count(in); i++)
		vip_change(in, vip_at(in, i), false);
}

/* A daemon killed with SIGKILL leaves its VIPs on the interface; an
 * instance that starts as anything but master must not hold them (the
 * other director has them now): remove whatever is left, say so. */
void vrrp_vips_remove_stale(struct vrrp_instance *in)
{
	char buf[INET6_ADDRSTRLEN];

	in->vips_on = false;
	for (size_t i = 0; i < vip_count(in); i++) {
		const struct hd_prefix *v = vip_at(in, i);

		if (vip_ifindex(in, v) && vip_change(in, v, false) == 0)
			hd_warn("%s: removed stale virtual address %s/%u (not master at startup)",
				in->cfg->name, hd_addr_str(&v->addr, buf, sizeof(buf)),
				v->prefixlen);
	}
}

/* ---- gratuitous ARP and unsolicited neighbour advertisement ---- */

struct arp_msg {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

static void send_garp4(struct vrrp_ctx *c, int ifindex, const uint8_t mac[6],
		       const struct in_addr *ip)
{
	/* RFC 5227 ARP announcement: request, sender = target = VIP */
	struct arp_msg m = {.htype = htons(ARPHRD_ETHER),
			    .ptype = htons(ETH_P_IP),
			    .hlen = 6,
			    .plen = 4,
			    .op = htons(ARPOP_REQUEST)};
	struct sockaddr_ll ll = {.sll_family = AF_PACKET,
				 .sll_protocol = htons(ETH_P_ARP),
				 .sll_ifindex = ifindex,
				 .sll_halen = 6,
				 .sll_addr = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

	memcpy(m.sha, mac, 6);
	memcpy(m.spa, ip, 4);
	memcpy(m.tpa, ip, 4);
	if (sendto(c->packet_fd, &m, sizeof(m), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		hd_debug("vrrp: gratuitous ARP: %s", strerror(errno));
}

static void send_na6(struct vrrp_ctx *c, int ifindex, const uint8_t mac[6],
		     const struct in6_addr *ip)
{
	struct {
		struct nd_neighbor_advert na;
		uint8_t opt_type, opt_len, lladdr[6];
	} __attribute__((packed)) m = {0};
	struct sockaddr_in6 dst = {.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex};

	m.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	m.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	m.na.nd_na_target = *ip;
	m.opt_type = ND_OPT_TARGET_LINKADDR;
	m.opt_len = 1;
	memcpy(m.lladdr, mac, 6);
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	setsockopt(c->icmp6_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex));
	if (sendto(c->icmp6_fd, &m, sizeof(m), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		hd_debug("vrrp: unsolicited NA: %s", strerror(errno));
}

void vrrp_garp_send(struct vrrp_instance *in)
{
	vrrp_garp_burst(in, in->cfg->garp_master_repeat ? in->cfg->garp_master_repeat : 1);
}

void vrrp_garp_burst(struct vrrp_instance *in, unsigned repeat)
{
	struct vrrp_ctx *c = in->ctx;

	for (size_t i = 0; i < vip_count(in); i++) {
		const struct hd_prefix *v = vip_at(in, i);
		int ifindex = vip_ifindex(in, v);
		uint8_t mac[6];

		if (!ifindex)
			continue;
		memcpy(mac, in->cfg->use_vmac ? in->vmac_mac : in->mac, 6);
		if (v->dev[0])
			if_mac(v->dev, mac);
		for (unsigned k = 0; k < repeat; k++) {
			if (v->addr.family == AF_INET && c->packet_fd >= 0)
				send_garp4(c, ifindex, mac, &v->addr.u.v4);
			else if (v->addr.family == AF_INET6 && c->icmp6_fd >= 0)
				send_na6(c, ifindex, mac, &v->addr.u.v6);
		}
	}
}

static int on_garp_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct vrrp_instance *in = userdata;
	uint64_t refresh = in->cfg->garp_master_refresh_usec;

	if (in->fsm.state != VRRP_STATE_MASTER)
		return 0;
	vrrp_garp_send(in);
	if (refresh) {
		sd_event_source_set_time(s, usec + refresh);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	return 0;
}

int vrrp_garp_timer_new(struct vrrp_instance *in)
{
	if (sd_event_add_time(in->ctx->d->event, &in->garp, CLOCK_MONOTONIC, 0, 1000, on_garp_timer,
			      in) < 0)
		return -ENOMEM;
	sd_event_source_set_enabled(in->garp, SD_EVENT_OFF);
	return sd_event_source_set_priority(in->garp, HD_PRIO_VRRP);
}

/* On becoming master: a burst now, another after garp_master_delay (the
 * switch may not have been listening yet), then every refresh interval. */
void vrrp_garp_start(struct vrrp_instance *in)
{
	uint64_t next = in->cfg->garp_master_delay_usec ? in->cfg->garp_master_delay_usec
							: in->cfg->garp_master_refresh_usec;

	vrrp_garp_send(in);
	if (!next)
		return;
	if (!in->garp) {
		if (sd_event_add_time(in->ctx->d->event, &in->garp, CLOCK_MONOTONIC,
				      vrrp_usec() + next, 1000, on_garp_timer, in) < 0)
			return;
		sd_event_source_set_priority(in->garp, HD_PRIO_VRRP);
		return;
	}
	sd_event_source_set_time(in->garp, vrrp_usec() + next);
	sd_event_source_set_enabled(in->garp, SD_EVENT_ONESHOT);
}

void vrrp_garp_stop(struct vrrp_instance *in)
{
	if (in->garp)
		sd_event_source_set_enabled(in->garp, SD_EVENT_OFF);
}

/* ---- monitoring ---- */

/* A link reported by the daemon's link view (link.h): every RTM_NEWLINK and
 * RTM_DELLINK after our start, and the view's re-reads after lost events.
 * Its first dump is skipped: the instances read their links at start
 * (vrrp_link_query), and a change since then comes as an event. */
static void link_event(void *userdata, const struct hd_link *l, unsigned what)
{
	struct vrrp_ctx *c = userdata;
	const char *name = l->name;
	int ifindex = l->ifindex;
	bool gone = what & HD_LINK_GONE;
	bool running = l->running;

	if (what & HD_LINK_DUMP || !name[0])
		return;
	vrrp_vmac_link_event(c, name, ifindex, gone);
	for (size_t i = 0; i < c->n_inst; i++) {
		struct vrrp_instance *in = c->inst[i];
		unsigned before;
		bool up;

		if (!in || strcmp(in->cfg->interface, name))
			continue;
		/* dont_track_primary: only a deleted interface faults */
		up = !gone && (running || in->cfg->dont_track_primary);
		before = in->faults;
		if (gone || in->ifindex != ifindex) {
			/* gone, or back with a new index: the old socket is useless */
			vrrp_io_detach(c, in);
			in->ifindex = gone ? 0 : ifindex;
		}
		if (up) {
			if (in->faults & VRRP_FAULT_IFACE)
				vrrp_preempt_settle(in); /* its checks failed meanwhile */
			in->faults &= ~VRRP_FAULT_IFACE;
			if_mac(name, in->mac);
			vrrp_vmac_up(in);
			vrrp_resolve_src(in);
			if (vrrp_io_attach(c, in) < 0)
				in->faults |= VRRP_FAULT_IFACE;
		} else {
			in->faults |= VRRP_FAULT_IFACE;
		}
		if (before != in->faults)
			vrrp_instance_reevaluate(in, up ? "interface up" : "interface down");
	}
	vrrp_track_link_changed(c);
	/* a route's dev came, or came back without the routes the kernel dropped */
	if (running && !gone)
		vrrp_routes_retry(c);
}

/* A kernel address A that is our VIP V on its interface but with other
 * attributes (someone re-added it by hand, with another label, scope,
 * broadcast or prefix length): deleted, so that the caller adds ours. */
static bool vip_other_copy(struct vrrp_instance *in, const struct hd_prefix *v, struct rtnl_addr *a)
{
	struct nl_addr *brd = rtnl_addr_get_broadcast(a);
	struct vrrp_vip_seen k = {.prefixlen = (uint8_t)rtnl_addr_get_prefixlen(a),
				  .label = rtnl_addr_get_label(a),
				  .scope = (uint8_t)rtnl_addr_get_scope(a)};

	if (brd && nl_addr_get_family(brd) == AF_INET && nl_addr_get_len(brd) == 4) {
		k.has_brd = true;
		k.brd.family = AF_INET;
		memcpy(&k.brd.u.v4, nl_addr_get_binary_addr(brd), 4);
	}
	if (!vrrp_vip_diff(v, v->dev[0] ? v->dev : vrrp_vip_ifname_of(in), &k))
		return false;
	return rtnl_addr_delete(in->ctx->nl_cmd, a, 0) == 0;
}

static void addr_event(struct vrrp_ctx *c, struct rtnl_addr *a, int msgtype)
{
	struct nl_addr *local = rtnl_addr_get_local(a);
	int ifindex = rtnl_addr_get_ifindex(a);
	struct hd_addr addr = {.family = rtnl_addr_get_family(a)};
	char buf[INET6_ADDRSTRLEN];

	if (!local || nl_addr_get_len(local) > sizeof(addr.u))
		return;
	memcpy(&addr.u, nl_addr_get_binary_addr(local), nl_addr_get_len(local));
	for (size_t i = 0; i < c->n_inst; i++) {
		struct vrrp_instance *in = c->inst[i];

		if (!in)
			continue;
		/* the interface's own source follows its addresses; a configured
		 * unicast_src_ip only faults or clears when that address comes
		 * or goes, on any interface */
		if ((in->ifindex == ifindex && !in->cfg->has_unicast_src &&
		     (msgtype == RTM_NEWADDR || !hd_addr_cmp(&addr, &in->src_addr))) ||
		    (in->cfg->has_unicast_src && !hd_addr_cmp(&addr, &in->cfg->unicast_src))) {
			unsigned before = in->faults;

			vrrp_resolve_src(in);
			if (before != in->faults)
				vrrp_instance_reevaluate(in, "source address changed");
		}
		if (!in->vips_on || in->fsm.state != VRRP_STATE_MASTER)
			continue;
		for (size_t k = 0; k < vip_count(in); k++) {
			const struct hd_prefix *v = vip_at(in, k);

			if (hd_addr_cmp(&v->addr, &addr) || vip_ifindex(in, v) != ifindex)
				continue;
			if (msgtype == RTM_NEWADDR && !vip_other_copy(in, v, a))
				continue;
			/* put back: a failed add is an EEXIST (our own copy, re-added by
			 * the replacement below before its delete event came) */
			if (vip_change(in, v, true) != 0)
				continue;
			hd_warn("%s: virtual address %s %s by someone else: put back",
				in->cfg->name, hd_addr_str(&addr, buf, sizeof(buf)),
				msgtype == RTM_NEWADDR ? "changed" : "removed");
			in->vips_restored++;
			vrrp_garp_send(in);
		}
	}
}

static void on_obj(struct nl_object *obj, void *arg)
{
	const char *type = nl_object_get_type(obj);
	int msgtype = nl_object_get_msgtype(obj);

	if (!strcmp(type, "route/addr"))
		addr_event(arg, (struct rtnl_addr *)obj, msgtype);
}

static int on_nl_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, on_obj, arg);
	return NL_OK;
}

/* After a receive buffer overrun events were lost: look at everything
 * again, from the kernel's current state (links by ioctl, addresses by
 * adding them: EEXIST means still there). A link that came back with a new
 * index gets a new socket, as in link_event(); a VIP that vanished while
 * the events were lost is put back, counted and announced. */
static void resync_vips(struct vrrp_instance *in)
{
	char buf[INET6_ADDRSTRLEN];
	bool any = false;

	in->vips_on = true;
	for (size_t i = 0; i < vip_count(in); i++) {
		const struct hd_prefix *v = vip_at(in, i);

		if (vip_change(in, v, true) != 0)
			continue;
		hd_warn("%s: virtual address %s was missing after netlink resync: put back",
			in->cfg->name, hd_addr_str(&v->addr, buf, sizeof(buf)));
		in->vips_restored++;
		any = true;
	}
	if (any)
		vrrp_garp_send(in);
}

static void resync(struct vrrp_ctx *c)
{
	for (size_t i = 0; i < c->n_inst; i++) {
		struct vrrp_instance *in = c->inst[i];
		int old_ifindex;
		bool up;

		if (!in)
			continue;
		old_ifindex = in->ifindex;
		up = vrrp_link_query(in) == 0;
		if (in->ifindex != old_ifindex)
			vrrp_io_detach(c, in);
		if (up) {
			if_mac(in->cfg->interface, in->mac);
			vrrp_vmac_up(in);
			if (vrrp_io_attach(c, in) < 0)
				in->faults |= VRRP_FAULT_IFACE;
		}
		vrrp_resolve_src(in);
		vrrp_instance_reevaluate(in, "netlink resync");
		if (in->fsm.state == VRRP_STATE_MASTER)
			resync_vips(in);
	}
}

/* Datagrams per wakeup. Events come from the kernel, but a remote host
 * can cause a stream of them (router advertisements add and refresh IPv6
 * addresses): past the budget the source yields (hd_yield). */
#define NL_BUDGET 16

static int on_nl_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct vrrp_ctx *c = userdata;
	struct nl_cb *cb = nl_socket_get_cb(c->nl_mon);
	int i, r = 0;

	for (i = 0; i < NL_BUDGET && cb; i++) {
		r = nl_recvmsgs_report(c->nl_mon, cb); /* messages handled, 0: none waiting */
		if (r <= 0)
			break;
	}
	if (cb)
		nl_cb_put(cb);
	if (hd_nl_events_lost(r)) {
		hd_warn("vrrp: netlink events lost: resynchronising");
		resync(c);
	}
	if (i == NL_BUDGET)
		hd_yield(c->d, s, &c->nl_resume);
	return 0;
}

/* 0 or -errno; libnl's own codes become -EPROTO, as in link.c. */
static int open_monitor(struct vrrp_ctx *c)
{
	int r;

	c->nl_mon = nl_socket_alloc();
	if (!c->nl_mon)
		return -ENOMEM;
	nl_socket_disable_seq_check(c->nl_mon);
	nl_socket_modify_cb(c->nl_mon, NL_CB_VALID, NL_CB_CUSTOM, on_nl_msg, c);
	if (nl_connect(c->nl_mon, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(c->nl_mon, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0) < 0 ||
	    nl_socket_set_nonblocking(c->nl_mon) < 0)
		return -EPROTO;
	nl_socket_set_buffer_size(c->nl_mon, 1 << 20, 0);
	r = sd_event_add_io(c->d->event, &c->nl_src, nl_socket_get_fd(c->nl_mon), EPOLLIN,
			    on_nl_readable, c);
	if (r < 0)
		return r;
	sd_event_source_set_priority(c->nl_src, HD_PRIO_NETLINK);
	return 0;
}

/* The netlink sockets failing is fatal (-errno, logged), the send-only
 * ARP / NA sockets only logged: VRRP works without them. */
int vrrp_addr_start(struct vrrp_ctx *c)
{
	struct icmp6_filter filt;
	int hops = 255, r = -ENOMEM, e = 0;

	c->nl_cmd = nl_socket_alloc();
	if (c->nl_cmd)
		r = nl_connect(c->nl_cmd, NETLINK_ROUTE) < 0 ? -EPROTO : 0;
	if (r >= 0)
		r = open_monitor(c);
	if (r >= 0)
		r = hd_link_watch(c->d, link_event, c, &c->link_w);
	if (r < 0) {
		hd_err("vrrp: cannot open netlink route sockets: %s", strerror(-r));
		return r;
	}
	c->packet_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* send only */
	if (c->packet_fd < 0)
		e = -errno; /* before the next socket() may change errno */
	c->icmp6_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (c->icmp6_fd < 0 && !e)
		e = -errno;
	if (c->icmp6_fd >= 0) {
		ICMP6_FILTER_SETBLOCKALL(&filt); /* send only: never queue input */
		setsockopt(c->icmp6_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt));
		setsockopt(c->icmp6_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	}
	if (e < 0)
		hd_warn("vrrp: no socket for gratuitous ARP / NA: %s", strerror(-e));
	return 0;
}

void vrrp_addr_stop(struct vrrp_ctx *c)
{
	hd_link_unwatch(c->link_w);
	c->link_w = NULL;
	c->nl_resume = sd_event_source_disable_unref(c->nl_resume); /* points at nl_src */
	sd_event_source_disable_unref(c->nl_src);
	c->nl_src = NULL;
	if (c->nl_mon)
		nl_socket_free(c->nl_mon);
	if (c->nl_cmd)
		nl_socket_free(c->nl_cmd);
	c->nl_mon = c->nl_cmd = NULL;
	if (c->packet_fd >= 0)
		close(c->packet_fd);
	if (c->icmp6_fd >= 0)
		close(c->icmp6_fd);
	c->packet_fd = c->icmp6_fd = -1;
}
