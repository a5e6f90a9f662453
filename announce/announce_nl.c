/* The kernel side of announce mode: a TUN device whose life is the
 * daemon's, the VIP routes through it (libnl-route), and the links it
 * watches.
 *
 * Why a TUN device: a non-persistent TUN device exists only while a file
 * descriptor holds it. The daemon holds the only one (O_CLOEXEC: scripts
 * and helpers it starts do not inherit it), so when the process dies for
 * any reason (crash, SIGKILL, the systemd watchdog's kill of a hung
 * daemon) the kernel closes it, unregisters the device and flushes every
 * route through it; zebra sees the routes go and bgpd withdraws the VIP.
 * No cleanup code has to run for the withdrawal (docs/ecmp.md). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/route.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "announce_int.h"
#include "log.h"

static int if_flags(const char *name, short *flags)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	else
		*flags = ifr.ifr_flags;
	close(s);
	return r;
}

static int if_set_up(const char *name)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			r = -errno;
	}
	close(s);
	return r;
}

int announce_dev_open(struct announce_ctx *c)
{
	struct ifreq ifr = {.ifr_flags = IFF_TUN | IFF_NO_PI};
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK), r;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->cfg.device);
	/* EBUSY: another process holds it (a second daemon, or one that
	 * hangs and still holds it): its routes are its own */
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNGETIFF, &ifr) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/* A device made persistent (ip tuntap add) would outlive us, and its
	 * routes with it: make it ours alone. */
	if ((ifr.ifr_flags & IFF_PERSIST) && ioctl(fd, TUNSETPERSIST, 0) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if ((r = if_set_up(c->cfg.device)) < 0 ||
	    !(c->ifindex = (int)if_nametoindex(c->cfg.device))) {
		r = r < 0 ? r : -ENODEV;
		close(fd);
		return r;
	}
	c->tun_fd = fd;
	c->device_creations++;
	return 0;
}

void announce_dev_close(struct announce_ctx *c)
{
	if (c->tun_fd >= 0)
		close(c->tun_fd); /* the kernel removes the device and its routes */
	c->tun_fd = -1;
	c->ifindex = 0;
}

bool announce_dev_ok(struct announce_ctx *c)
{
	short flags = 0;

	return c->tun_fd >= 0 && (int)if_nametoindex(c->cfg.device) == c->ifindex &&
	       if_flags(c->cfg.device, &flags) == 0 && (flags & IFF_UP);
}

bool announce_links_up(struct announce_ctx *c)
{
	for (size_t i = 0; i < c->cfg.n_interfaces; i++) {
		short flags = 0;

		if (if_flags(c->cfg.interfaces[i], &flags) < 0 || !(flags & IFF_UP) ||
		    !(flags & IFF_RUNNING)) {
			snprintf(c->down_link, sizeof(c->down_link), "%s", c->cfg.interfaces[i]);
			return false;
		}
	}
	c->down_link[0] = '\0';
	return true;
}

static struct rtnl_route *mk_route(struct announce_ctx *c, const struct hd_addr *vip)
{
	bool v6 = vip->family == AF_INET6;
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(vip->family, &vip->u, v6 ? 16 : 4);

	if (!rt || !nh || !dst) {
		rtnl_route_put(rt);
		rtnl_route_nh_free(nh);
		nl_addr_put(dst);
		return NULL;
	}
	nl_addr_set_prefixlen(dst, v6 ? 128 : 32);
	rtnl_route_set_family(rt, (uint8_t)vip->family);
	rtnl_route_set_dst(rt, dst);
	nl_addr_put(dst);
	rtnl_route_set_table(rt, c->cfg.table);
	/* ours alone: a delete never matches a route someone else put there */
	rtnl_route_set_protocol(rt, HD_RTPROT);
	rtnl_route_set_type(rt, RTN_UNICAST);
	if (!v6)
		rtnl_route_set_scope(rt, RT_SCOPE_LINK);
	rtnl_route_nh_set_ifindex(nh, c->ifindex);
	rtnl_route_add_nexthop(rt, nh);
	return rt;
}

int announce_route(struct announce_ctx *c, const struct hd_addr *vip, bool add)
{
	struct rtnl_route *rt;
	int r;

	if (!c->nl || (add && c->tun_fd < 0))
		return -ENODEV;
	if (!add && c->tun_fd < 0)
		return 0; /* no device: no route through it */
	if (!(rt = mk_route(c, vip)))
		return -ENOMEM;
	if (add) {
		r = rtnl_route_add(c->nl, rt, NLM_F_CREATE | NLM_F_EXCL);
		if (r == -NLE_EXIST)
			r = 0;
	} else {
		r = rtnl_route_delete(c->nl, rt, 0);
		if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
			r = 0;
	}
	rtnl_route_put(rt);
	return r < 0 ? -EIO : 0;
}

int announce_nl_open(struct announce_ctx *c)
{
	c->nl = nl_socket_alloc();
	if (!c->nl)
		return -ENOMEM;
	if (nl_connect(c->nl, NETLINK_ROUTE) < 0)
		return -EIO;
	c->mon = nl_socket_alloc();
	if (!c->mon)
		return -ENOMEM;
	nl_socket_disable_seq_check(c->mon);
	if (nl_connect(c->mon, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(c->mon, RTNLGRP_LINK, 0) < 0 ||
	    nl_socket_set_nonblocking(c->mon) < 0)
		return -EIO;
	return 0;
}

void announce_nl_close(struct announce_ctx *c)
{
	nl_socket_free(c->mon);
	nl_socket_free(c->nl);
	c->mon = c->nl = NULL;
}
