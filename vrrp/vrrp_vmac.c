/* use_vmac: the instance's VIPs live on a macvlan whose MAC is the VRRP
 * virtual MAC (RFC 5798 7.3: 00-00-5E-00-01-VRID, 00-00-5E-00-02-VRID for
 * IPv6), so a failover moves the MAC with the addresses and no neighbour
 * cache has to learn a new one. Adverts leave from it too (their Ethernet
 * source is the virtual MAC, as the RFC says) unless vmac_xmit_base.
 *
 * Mode private, as keepalived's: frames from another macvlan of the same
 * base are not passed over, and a multicast frame whose source is our own
 * virtual MAC (the other router's adverts while it is master) goes to the
 * vmac alone, where our socket listens.
 *
 * Sysctls (with global.set_sysctls, the default; else a warning):
 *  - vmac arp_ignore = 1: answer ARP only for its own addresses (the VIPs);
 *    at 0 it would answer for the base's address with the virtual MAC, and
 *    that address would follow the master.
 *  - base arp_ignore = 1: at 0 the base answers ARP for the VIP (any local
 *    address) with its own MAC, racing the vmac's answer; put back when the
 *    last vmac on that base goes.
 *  - vmac rp_filter = 0: adverts and VIP traffic arrive on the vmac while
 *    the route back to their source is the base's, which strict reverse
 *    path filtering (a distribution's default.rp_filter = 1 gives every new
 *    interface) drops. The kernel applies max(all, interface): a warning
 *    says when all.rp_filter defeats it.
 * accept_local is not needed: no packet we accept on the vmac has one of
 * our addresses as its source (multicast loop is off).
 * IPv6: the vmac makes no link-local address of its own (addr_gen_mode
 * none: both routers would derive the same one from the shared MAC); it
 * gets the base's, the adverts' source, which the kernel wants on the
 * interface a link-local source is sent from (vrrp_vmac_src6()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/macvlan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nl_errno.h"
#include "vrrp_int.h"

static void vmac_mac(const struct hd_vrrp_instance_config *ic, uint8_t mac[6])
{
	mac[0] = 0x00, mac[1] = 0x00, mac[2] = 0x5e, mac[3] = 0x00;
	mac[4] = ic->family == AF_INET6 ? 0x02 : 0x01;
	mac[5] = ic->vrid;
}

/* /proc/sys/net/ipv4/conf/IF/KEY: the old value (or -1), then VAL set
 * when VAL >= 0 and it differs. */
static int conf_rw(const char *ifname, const char *key, int val)
{
	char path[128], buf[16] = "";
	int fd, old = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0)
		old = atoi(buf);
	if (val >= 0 && old != val) {
		n = snprintf(buf, sizeof(buf), "%d\n", val);
		if (pwrite(fd, buf, (size_t)n, 0) != n)
			hd_warn("vrrp: setting %s: %s", path, strerror(errno));
	}
	close(fd);
	return old;
}

static void set_sysctls(struct vrrp_instance *in)
{
	const char *base = in->cfg->interface, *vmac = in->cfg->vmac_name;
	int old;

	if (!in->ctx->cfg->global.set_sysctls) {
		if (conf_rw(base, "arp_ignore", -1) != 1 || conf_rw(vmac, "arp_ignore", -1) != 1 ||
		    conf_rw(vmac, "rp_filter", -1) != 0)
			hd_warn("%s: use_vmac wants arp_ignore = 1 on %s and %s, rp_filter = 0 on "
				"%s (set_sysctls is off)",
				in->cfg->name, base, vmac, vmac);
		return;
	}
	conf_rw(vmac, "arp_ignore", 1);
	conf_rw(vmac, "rp_filter", 0);
	old = conf_rw(base, "arp_ignore", 1);
	if (old >= 0 && old != 1 && in->base_arp_ignore < 0)
		in->base_arp_ignore = old;
	if (conf_rw("all", "rp_filter", -1) > 0)
		hd_warn("%s: net.ipv4.conf.all.rp_filter is set: %s may drop adverts and VIP "
			"traffic (reverse path via %s)",
			in->cfg->name, vmac, base);
}

/* A link that is our vmac: a macvlan on the base with the virtual MAC. */
static bool is_ours(struct rtnl_link *l, int base, const uint8_t mac[6])
{
	struct nl_addr *a = rtnl_link_get_addr(l);

	return rtnl_link_is_macvlan(l) && rtnl_link_get_link(l) == base && a &&
	       nl_addr_get_len(a) == 6 && !memcmp(nl_addr_get_binary_addr(a), mac, 6);
}

/* Change the link named NAME: one attribute of CHANGES at a time. */
static int vmac_change(struct nl_sock *sk, const char *name, struct rtnl_link *changes)
{
	struct rtnl_link *orig = NULL;
	int r = rtnl_link_get_kernel(sk, 0, name, &orig);

	if (r == 0)
		r = rtnl_link_change(sk, orig, changes, 0);
	rtnl_link_put(orig);
	return r;
}

/* Made down; then no IPv6 link-local (the kernel takes addr_gen_mode
 * only on an existing link), then up. */
static int vmac_create(struct vrrp_instance *in, const uint8_t mac[6])
{
	struct nl_sock *sk = in->ctx->nl_cmd;
	struct rtnl_link *l = rtnl_link_macvlan_alloc(), *g = rtnl_link_alloc(),
			 *u = rtnl_link_alloc();
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
	int r = -NLE_NOMEM;

	if (l && g && u && a) {
		rtnl_link_set_name(l, in->cfg->vmac_name);
		rtnl_link_set_link(l, in->ifindex);
		rtnl_link_set_addr(l, a);
		rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_PRIVATE);
		r = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
		/* without IPv6 in the kernel there is no mode to set */
		if (r == 0 && rtnl_link_inet6_set_addr_gen_mode(g, IN6_ADDR_GEN_MODE_NONE) == 0 &&
		    (r = vmac_change(sk, in->cfg->vmac_name, g)) == -NLE_AF_NOSUPPORT)
			r = 0;
		rtnl_link_set_flags(u, IFF_UP);
		if (r == 0 && (r = vmac_change(sk, in->cfg->vmac_name, u)) < 0)
			rtnl_link_delete(sk, l); /* by name: not half made */
	}
	nl_addr_put(a);
	rtnl_link_put(l);
	rtnl_link_put(g);
	rtnl_link_put(u);
	return r;
}

/* Ours was deleted (by someone, or with its base): its socket and its
 * addresses went with it; they come back once it is made again. */
static bool vmac_lost(struct vrrp_instance *in)
{
	if (!in->vmac_ifindex)
		return false;
	hd_warn("%s: use_vmac: %s was deleted: making it again", in->cfg->name, in->cfg->vmac_name);
	if (vrrp_tx_on_vmac(in))
		vrrp_io_detach(in->ctx, in);
	in->vmac_ifindex = 0;
	return true;
}

static void vmac_restore(struct vrrp_instance *in)
{
	if (vrrp_tx_on_vmac(in) && vrrp_io_attach(in->ctx, in) < 0)
		in->faults |= VRRP_FAULT_VMAC;
	if (in->vips_on) {
		vrrp_vips_add(in);
		vrrp_garp_send(in);
	}
}

static int vmac_make(struct vrrp_instance *in);

/* Make the vmac, or adopt one a killed daemon left (a macvlan on the same
 * base with the same MAC); any other interface of that name is refused.
 * Whoever notices first that it vanished (its DELLINK, or an event of the
 * base) makes it again. */
int vrrp_vmac_up(struct vrrp_instance *in)
{
	bool lost;
	int r;

	if (!in->cfg->use_vmac)
		return 0;
	if (in->vmac_ifindex && (int)if_nametoindex(in->cfg->vmac_name) == in->vmac_ifindex)
		return 0;
	lost = vmac_lost(in);
	r = vmac_make(in);
	if (r == 0 && lost)
		vmac_restore(in);
	return r;
}

static int vmac_make(struct vrrp_instance *in)
{
	const char *name = in->cfg->vmac_name;
	struct rtnl_link *old = NULL;
	uint8_t mac[6];
	int r;

	in->faults |= VRRP_FAULT_VMAC;
	if (!in->ifindex)
		return -ENODEV;
	vmac_mac(in->cfg, mac);
	if (rtnl_link_get_kernel(in->ctx->nl_cmd, 0, name, &old) == 0) {
		bool ours = is_ours(old, in->ifindex, mac);

		rtnl_link_put(old);
		if (!ours) {
			hd_err("%s: use_vmac: %s exists and is not a macvlan on %s with %s's MAC",
			       in->cfg->name, name, in->cfg->interface, in->cfg->name);
			return -EEXIST;
		}
		hd_notice("%s: use_vmac: adopting %s (left by an earlier run)", in->cfg->name,
			  name);
		struct rtnl_link *u = rtnl_link_alloc();
		if (u) {
			rtnl_link_set_flags(u, IFF_UP);
			vmac_change(in->ctx->nl_cmd, name, u);
			rtnl_link_put(u);
		}
	} else if ((r = vmac_create(in, mac)) < 0) {
		hd_err("%s: use_vmac: creating %s on %s: %s", in->cfg->name, name,
		       in->cfg->interface, nl_geterror(r));
		return hd_nl_errno(r);
	}
	in->vmac_ifindex = (int)if_nametoindex(name);
	if (!in->vmac_ifindex)
		return -ENODEV;
	memcpy(in->vmac_mac, mac, 6);
	set_sysctls(in);
	vrrp_vmac_src6(in);
	in->faults &= ~VRRP_FAULT_VMAC;
	return 0;
}

void vrrp_vmac_src6(struct vrrp_instance *in)
{
	struct rtnl_addr *a;
	struct nl_addr *local;
	int r;

	if (!vrrp_tx_on_vmac(in) || !in->vmac_ifindex || in->src_addr.family != AF_INET6)
		return;
	a = rtnl_addr_alloc();
	local = nl_addr_build(AF_INET6, &in->src_addr.u.v6, 16);
	if (a && local) {
		nl_addr_set_prefixlen(local, 64);
		rtnl_addr_set_ifindex(a, in->vmac_ifindex);
		rtnl_addr_set_family(a, AF_INET6);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_prefixlen(a, 64);
		rtnl_addr_set_flags(a, IFA_F_NODAD); /* the base has it: no duplicate to find */
		r = rtnl_addr_add(in->ctx->nl_cmd, a, 0);
		if (r < 0 && r != -NLE_EXIST)
			hd_warn("%s: use_vmac: the source address on %s: %s", in->cfg->name,
				in->cfg->vmac_name, nl_geterror(r));
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
}

/* Another instance still using a vmac on BASE, other than IN. */
static struct vrrp_instance *other_on_base(struct vrrp_instance *in)
{
	struct vrrp_ctx *c = in->ctx;

	for (size_t i = 0; i < c->n_inst; i++) {
		struct vrrp_instance *o = c->inst[i];

		if (o && o != in && o->vmac_ifindex &&
		    !strcmp(o->cfg->interface, in->cfg->interface))
			return o;
	}
	return NULL;
}

void vrrp_vmac_down(struct vrrp_instance *in)
{
	struct rtnl_link *l;
	struct vrrp_instance *o;

	if (in->vmac_ifindex && (l = rtnl_link_alloc())) {
		rtnl_link_set_ifindex(l, in->vmac_ifindex);
		rtnl_link_delete(in->ctx->nl_cmd, l);
		rtnl_link_put(l);
	}
	in->vmac_ifindex = 0;
	if (in->base_arp_ignore < 0)
		return;
	/* the last vmac on the base puts its arp_ignore back */
	if ((o = other_on_base(in)))
		o->base_arp_ignore = in->base_arp_ignore;
	else
		conf_rw(in->cfg->interface, "arp_ignore", in->base_arp_ignore);
	in->base_arp_ignore = -1;
}

/* Someone deleted a vmac (or its base went, taking it along): made again
 * at once when the base is there, else when the base comes back. */
bool vrrp_vmac_link_event(struct vrrp_ctx *c, const char *name, int ifindex, bool gone)
{
	bool hit = false;

	for (size_t i = 0; i < c->n_inst; i++) {
		struct vrrp_instance *in = c->inst[i];

		if (!in || !in->cfg->use_vmac || strcmp(in->cfg->vmac_name, name))
			continue;
		hit = true;
		if (!gone || ifindex != in->vmac_ifindex || c->stopping)
			continue; /* not ours, or already made again */
		vrrp_vmac_up(in);
		vrrp_instance_reevaluate(in, "vmac deleted");
	}
	return hit;
}
