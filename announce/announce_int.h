/* Internal to the announce module (announce/). */
#ifndef ANNOUNCE_INT_H
#define ANNOUNCE_INT_H

#include <netlink/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "announce_policy.h"
#include "hd_context.h"

struct announce_vip {
	struct hd_addr addr;
	bool installed;		     /* on our device (as far as we know) */
	enum announce_reason reason; /* of the last decision */
	uint64_t transitions;	     /* announced <-> withdrawn */
	uint64_t since_usec;	     /* CLOCK_MONOTONIC of the last transition */
	uint64_t write_errors;	     /* address writes the kernel refused */
	bool write_failing;	     /* the last write failed: logged once per streak */
	bool unsettled;		     /* a link down or no quorum since it was announced */
	uint64_t settle_since;	     /* CLOCK_MONOTONIC the cause was seen cleared, 0: not yet */
};

struct announce_ctx {
	struct hd_daemon *d;
	struct hd_announce_config cfg; /* a copy: the config is freed by a reload */
	struct announce_vip *vips;
	size_t n_vips;
	int tun_fd; /* -1: no device; closing it removes the device and its addresses */
	int ifindex;
	struct nl_sock *nl;	      /* address writes */
	struct hd_link_watch *link_w; /* link events: the daemon's view (link.h) */
	sd_event_source *timer;
	bool drained, checks_settled, links_up, stopping;
	uint64_t transitions, write_errors, device_creations;
	char down_link[16]; /* the first announce.interface found down */
	int dev_error;	    /* the last failure to make the device, 0: none */
};

/* announce_nl.c: the TUN device, the VIP addresses, the links watched. */
/* Create (or attach to and make non-persistent) cfg.device, up; sets
 * tun_fd and ifindex. */
int announce_dev_open(struct announce_ctx *c);
void announce_dev_close(struct announce_ctx *c);
/* Whether our device is still there and up. */
bool announce_dev_ok(struct announce_ctx *c);
/* Every cfg.interfaces up (IFF_UP and IFF_RUNNING); names the first down. */
bool announce_links_up(struct announce_ctx *c);
/* NAME is our device or one of cfg.interfaces: its events matter. */
bool announce_link_watched(const struct announce_ctx *c, const char *name);
/* Add (ADD) or delete VIP as an address (/32, /128) of our device:
 * 0 when the kernel has (has not) it afterwards, else -errno. */
int announce_addr(struct announce_ctx *c, const struct hd_addr *vip, bool add);
/* The route netlink socket: 0 or -errno. */
int announce_nl_open(struct announce_ctx *c);
void announce_nl_close(struct announce_ctx *c);

#endif
