/* The kernel side of announce mode: a TUN device whose life is the
 * daemon's, the VIP addresses on it (libnl-route), and the links it
 * watches (their events come from the daemon's link view, link.h; their
 * state is read afresh by ioctl at each decision). FRR announces a VIP while it is a connected /32
 * (/128) of the device (`redistribute connected` filtered by a prefix list).
 *
 * Why a TUN device: a non-persistent TUN device exists only while a file
 * descriptor holds it. The daemon holds the only one (O_CLOEXEC: scripts
 * and helpers it starts do not inherit it), so when the process dies for
 * any reason (crash, SIGKILL, the systemd watchdog's kill of a hung
 * daemon) the kernel closes it, unregisters the device and deletes its
 * addresses, telling zebra (RTM_DELADDR, RTM_DELLINK): it drops the
 * connected routes and bgpd withdraws the VIP.
 * Why addresses, not routes in a table FRR imports (`ip import-table`):
 * the kernel flushes the IPv4 routes of a deleted device without a word
 * (no RTM_DELROUTE), and zebra (FRR 8.4) keeps the imported route, then
 * "directly connected, unknown", announced for ever
 * (tests/netns/announce-frr.sh saw it).
 * No cleanup code has to run for the withdrawal (docs/ecmp.md). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "announce_int.h"
#include "log.h"
#include "nl_errno.h"

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

bool announce_link_watched(const struct announce_ctx *c, const char *name)
{
	if (!strcmp(name, c->cfg.device))
		return true;
	for (size_t i = 0; i < c->cfg.n_interfaces; i++)
		if (!strcmp(name, c->cfg.interfaces[i]))
			return true;
	return false;
}

static struct rtnl_addr *mk_addr(struct announce_ctx *c, const struct hd_addr *vip)
{
	bool v6 = vip->family == AF_INET6;
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(vip->family, &vip->u, v6 ? 16 : 4);

	if (!a || !local) {
		rtnl_addr_put(a);
		nl_addr_put(local);
		return NULL;
	}
	nl_addr_set_prefixlen(local, v6 ? 128 : 32);
	rtnl_addr_set_ifindex(a, c->ifindex);
	rtnl_addr_set_family(a, vip->family);
	rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	if (v6) /* usable at once: no duplicate address detection on a TUN */
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	return a;
}

/* A host may turn IPv6 off for new devices (net.ipv6.conf.default.
 * disable_ipv6 = 1, on again for its uplinks): our device is new, and the
 * kernel refuses its /128. Turned on for our device alone, and only when an
 * add failed (a reload can bring the first IPv6 VIP). 1: it was off. */
static int ipv6_on(const char *dev)
{
	char path[96], v = '0';
	int fd, r = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -errno; /* ENOENT: a kernel without IPv6 */
	if (read(fd, &v, 1) == 1 && v != '0')
		r = pwrite(fd, "0\n", 2, 0) == 2 ? 1 : -errno;
	close(fd);
	return r;
}

int announce_addr(struct announce_ctx *c, const struct hd_addr *vip, bool add)
{
	struct rtnl_addr *a;
	int r;

	if (!c->nl || (add && c->tun_fd < 0))
		return -ENODEV;
	if (!add && c->tun_fd < 0)
		return 0; /* no device: no address on it */
	if (!(a = mk_addr(c, vip)))
		return -ENOMEM;
	if (add) {
		r = rtnl_addr_add(c->nl, a, NLM_F_CREATE | NLM_F_EXCL);
		if (r < 0 && r != -NLE_EXIST && vip->family == AF_INET6 &&
		    ipv6_on(c->cfg.device) == 1) {
			hd_notice("announce: IPv6 was off on %s (disable_ipv6): turned on",
				  c->cfg.device);
			r = rtnl_addr_add(c->nl, a, NLM_F_CREATE | NLM_F_EXCL);
		}
		if (r == -NLE_EXIST)
			r = 0;
	} else {
		r = rtnl_addr_delete(c->nl, a, 0);
		if (r == -NLE_NOADDR || r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
			r = 0;
	}
	rtnl_addr_put(a);
	return r < 0 ? hd_nl_errno(r) : 0;
}

int announce_nl_open(struct announce_ctx *c)
{
	c->nl = nl_socket_alloc();
	if (!c->nl)
		return -ENOMEM;
	return hd_nl_errno(nl_connect(c->nl, NETLINK_ROUTE));
}

void announce_nl_close(struct announce_ctx *c)
{
	nl_socket_free(c->nl);
	c->nl = NULL;
}
