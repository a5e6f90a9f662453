/* Whether an address the kernel reports is one of our virtual addresses
 * as configured (prefix length, label, scope, broadcast): pure, so that
 * the decision behind replacing a hand-made copy is unit-tested. */
#ifndef VRRP_VIP_H
#define VRRP_VIP_H

#include <stdbool.h>
#include <stdint.h>

#include "hd_config.h"

/* The attributes of one address as the kernel reports them. */
struct vrrp_vip_seen {
	uint8_t prefixlen;
	const char *label; /* NULL: none reported */
	uint8_t scope;
	bool has_brd;
	struct hd_addr brd;
};

enum {
	VRRP_VIP_DIFF_PREFIX = 1,
	VRRP_VIP_DIFF_LABEL = 2,
	VRRP_VIP_DIFF_SCOPE = 4,
	VRRP_VIP_DIFF_BRD = 8,
};

/* The VRRP_VIP_DIFF_* bits in which K differs from V, 0 when it is V as
 * we add it. IFNAME is the interface V goes on: an IPv4 address added
 * without a label gets that name as its label. IPv6 has neither labels nor
 * a settable scope (the kernel derives it from the address). A broadcast
 * address is compared only when V sets one. */
unsigned vrrp_vip_diff(const struct hd_prefix *v, const char *ifname,
		       const struct vrrp_vip_seen *k);

/* Whether A and B give the kernel the same addresses: both lists (the
 * advertised VIPs and the excluded ones), in order, each with its
 * interface, prefix length, label, scope and broadcast. A reload that
 * changes any of it re-adds the addresses of a master. */
bool vrrp_vips_same(const struct hd_vrrp_instance_config *a,
		    const struct hd_vrrp_instance_config *b);

#endif
