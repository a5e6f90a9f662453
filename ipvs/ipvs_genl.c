/* IPVS over generic netlink. libnl-genl-3 resolves the family and builds
 * and sends the requests; replies are received here into one buffer and
 * walked in place (ipvs_reply.c), since libnl copied every message of a
 * dump before its callback saw it. Attribute layout from <linux/ip_vs.h>;
 * every reply attribute is length-checked by a rule before use, and a
 * malformed entry is skipped, never trusted. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "ipvs_genl.h"
#include "ipvs_reply.h"
#include "nl_errno.h"

#define IPVS_NL_RCVBUF	    (8 << 20)  /* dumps of thousands of entries */
#define IPVS_NL_MSGBUF	    (64 << 10) /* > the kernel's 32 KiB per dump datagram */
#define IPVS_NL_FOREIGN_MAX 64	       /* datagrams from other processes in one request */

struct ipvs_nl {
	struct nl_sock *sk;
	int family;
	void *buf; /* IPVS_NL_MSGBUF bytes: one datagram of replies */
	uint64_t writes;
	uint64_t parse_errors;
	uint64_t reconnects;
	bool desynced; /* a reply may still be in flight: reopen first */
};

/* What a reply attribute must be before it is used: at least MIN bytes of
 * payload, at most MAX (0: no bound), STR: a NUL-terminated string. These
 * are the checks libnl's policies make (nla_parse), made in one pass of
 * our own: a dump of 1,000 destinations has ~30,000 attributes, and
 * nla_parse spent several library calls on each, most of the daemon's time
 * in its periodic re-read (tests/bench/README.md). A fixed-size integer
 * needs its size; a nest is checked when it is parsed. */
struct attr_rule {
	uint8_t min, max;
	bool str;
};

static const struct attr_rule cmd_rules[IPVS_CMD_ATTR_MAX + 1] = {
    [IPVS_CMD_ATTR_SERVICE] = {.min = 0},
    [IPVS_CMD_ATTR_DEST] = {.min = 0},
    [IPVS_CMD_ATTR_DAEMON] = {.min = 0},
};

static const struct attr_rule svc_rules[IPVS_SVC_ATTR_MAX + 1] = {
    [IPVS_SVC_ATTR_AF] = {.min = 2},
    [IPVS_SVC_ATTR_PROTOCOL] = {.min = 2},
    [IPVS_SVC_ATTR_ADDR] = {.min = 4, .max = 16},
    [IPVS_SVC_ATTR_PORT] = {.min = 2},
    [IPVS_SVC_ATTR_FWMARK] = {.min = 4},
    [IPVS_SVC_ATTR_SCHED_NAME] = {.min = 1, .max = IP_VS_SCHEDNAME_MAXLEN, .str = true},
    [IPVS_SVC_ATTR_FLAGS] = {.min = sizeof(struct ip_vs_flags)},
    [IPVS_SVC_ATTR_TIMEOUT] = {.min = 4},
    [IPVS_SVC_ATTR_NETMASK] = {.min = 4},
    [IPVS_SVC_ATTR_STATS] = {.min = 0},
    [IPVS_SVC_ATTR_PE_NAME] = {.min = 1, .max = IP_VS_PENAME_MAXLEN, .str = true},
    [IPVS_SVC_ATTR_STATS64] = {.min = 0},
};

static const struct attr_rule dest_rules[IPVS_DEST_ATTR_MAX + 1] = {
    [IPVS_DEST_ATTR_ADDR] = {.min = 4, .max = 16}, [IPVS_DEST_ATTR_PORT] = {.min = 2},
    [IPVS_DEST_ATTR_FWD_METHOD] = {.min = 4},	   [IPVS_DEST_ATTR_WEIGHT] = {.min = 4},
    [IPVS_DEST_ATTR_U_THRESH] = {.min = 4},	   [IPVS_DEST_ATTR_L_THRESH] = {.min = 4},
    [IPVS_DEST_ATTR_ACTIVE_CONNS] = {.min = 4},	   [IPVS_DEST_ATTR_INACT_CONNS] = {.min = 4},
    [IPVS_DEST_ATTR_PERSIST_CONNS] = {.min = 4},   [IPVS_DEST_ATTR_STATS] = {.min = 0},
    [IPVS_DEST_ATTR_ADDR_FAMILY] = {.min = 2},	   [IPVS_DEST_ATTR_STATS64] = {.min = 0},
    [IPVS_DEST_ATTR_TUN_TYPE] = {.min = 1},	   [IPVS_DEST_ATTR_TUN_PORT] = {.min = 2},
    [IPVS_DEST_ATTR_TUN_FLAGS] = {.min = 2},
};

/* STATS carries 32-bit counters (bytes 64), STATS64 only 64-bit ones. */
static const struct attr_rule stats32_rules[IPVS_STATS_ATTR_MAX + 1] = {
    [IPVS_STATS_ATTR_CONNS] = {.min = 4},    [IPVS_STATS_ATTR_INPKTS] = {.min = 4},
    [IPVS_STATS_ATTR_OUTPKTS] = {.min = 4},  [IPVS_STATS_ATTR_INBYTES] = {.min = 8},
    [IPVS_STATS_ATTR_OUTBYTES] = {.min = 8}, [IPVS_STATS_ATTR_CPS] = {.min = 4},
    [IPVS_STATS_ATTR_INPPS] = {.min = 4},    [IPVS_STATS_ATTR_OUTPPS] = {.min = 4},
    [IPVS_STATS_ATTR_INBPS] = {.min = 4},    [IPVS_STATS_ATTR_OUTBPS] = {.min = 4},
};

static const struct attr_rule stats64_rules[IPVS_STATS_ATTR_MAX + 1] = {
    [IPVS_STATS_ATTR_CONNS] = {.min = 8},    [IPVS_STATS_ATTR_INPKTS] = {.min = 8},
    [IPVS_STATS_ATTR_OUTPKTS] = {.min = 8},  [IPVS_STATS_ATTR_INBYTES] = {.min = 8},
    [IPVS_STATS_ATTR_OUTBYTES] = {.min = 8}, [IPVS_STATS_ATTR_CPS] = {.min = 8},
    [IPVS_STATS_ATTR_INPPS] = {.min = 8},    [IPVS_STATS_ATTR_OUTPPS] = {.min = 8},
    [IPVS_STATS_ATTR_INBPS] = {.min = 8},    [IPVS_STATS_ATTR_OUTBPS] = {.min = 8},
};

/* The attributes in LEN bytes at P into TB[0..MAX] (the last of a type
 * wins, unknown types are skipped, as nla_parse does); -EBADMSG when one
 * breaks its rule. A stream that ends in a partial attribute ends there. */
static int attrs_parse(const void *p, int len, const struct nlattr **tb, int max,
		       const struct attr_rule *rules)
{
	const struct nlattr *a = p;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		int type = a->nla_type & NLA_TYPE_MASK, plen = a->nla_len - NLA_HDRLEN;
		if (type > 0 && type <= max) {
			const struct attr_rule *r = &rules[type];
			const char *data = (const char *)a + NLA_HDRLEN;
			if (plen < r->min || (r->max && plen > r->max) ||
			    (r->str && data[plen - 1] != '\0'))
				return -EBADMSG;
			tb[type] = a;
		}
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return 0;
}

static int nest_parse(const struct nlattr *nest, const struct nlattr **tb, int max,
		      const struct attr_rule *rules)
{
	return attrs_parse((const char *)nest + NLA_HDRLEN, nest->nla_len - NLA_HDRLEN, tb, max,
			   rules);
}

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static uint16_t get_u16(const struct nlattr *a)
{
	uint16_t v;
	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;
	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint64_t get_u64(const struct nlattr *a)
{
	uint64_t v;
	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static int sock_setup(struct ipvs_nl *nl)
{
	int r;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	if ((r = genl_connect(nl->sk)) < 0)
		return hd_nl_errno(r);
	nl->family = genl_ctrl_resolve(nl->sk, IPVS_GENL_NAME);
	if (nl->family < 0)
		return -ENOENT;
	nl_socket_set_buffer_size(nl->sk, IPVS_NL_RCVBUF, 1 << 20);
	/* The kernel answers at once; never hang the loop if it does not. */
	struct timeval tv = {.tv_sec = 2};
	setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

int ipvs_nl_open(struct ipvs_nl **out)
{
	struct ipvs_nl *nl = calloc(1, sizeof(*nl));
	if (!nl || !(nl->buf = malloc(IPVS_NL_MSGBUF))) {
		free(nl);
		return -ENOMEM;
	}
	int r = sock_setup(nl);
	if (r < 0) {
		ipvs_nl_close(nl);
		return r;
	}
	*out = nl;
	return 0;
}

/* After a timeout or a lost message the kernel's late reply would be read
 * as the answer to the next request (sequence mismatch, EIO forever): a
 * fresh socket is the simple way back in step. */
static int resync(struct ipvs_nl *nl)
{
	/* The new socket is made while the old one still holds its port, so
	 * libnl cannot pick that port again (it picks among the process's free
	 * ones) and what was sent to it (a late reply, another process's
	 * flood) cannot follow. */
	struct nl_sock *old = nl->sk;
	nl->sk = NULL;
	int r = sock_setup(nl);
	if (old)
		nl_socket_free(old);
	if (r == 0) {
		nl->desynced = false;
		nl->reconnects++;
	}
	return r;
}

uint64_t ipvs_nl_reconnects(const struct ipvs_nl *nl)
{
	return nl ? nl->reconnects : 0;
}

void ipvs_nl_close(struct ipvs_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl->buf);
	free(nl);
}

uint64_t ipvs_nl_writes(const struct ipvs_nl *nl)
{
	return nl ? nl->writes : 0;
}

uint64_t ipvs_nl_parse_errors(const struct ipvs_nl *nl)
{
	return nl ? nl->parse_errors : 0;
}

int ipvs_nl_family(const struct ipvs_nl *nl)
{
	return nl ? nl->family : -1;
}

/* ---- request / answer ---- */

/* Receive the replies to request SEQ until it ends, FN getting each data
 * message. Returns 0 or -errno; *LOCAL is set when the socket may be out of
 * step (timeout, loss, a reply to another request). */
static int recv_replies(struct ipvs_nl *nl, uint32_t seq, ipvs_reply_fn fn, void *arg, bool *local)
{
	int fd = nl_socket_get_fd(nl->sk);
	uint32_t portid = nl_socket_get_local_port(nl->sk);
	unsigned foreign = 0;
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = {.iov_base = nl->buf, .iov_len = IPVS_NL_MSGBUF};
		struct msghdr mh = {.msg_name = &from,
				    .msg_namelen = sizeof(from),
				    .msg_iov = &iov,
				    .msg_iovlen = 1};
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		*local = true;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* Another process may send to our port: not an answer. A flood of
		 * them ends the wait (the socket is reopened on a new port). */
		if (mh.msg_namelen != sizeof(from) || from.nl_pid != 0) {
			nl->parse_errors++;
			if (++foreign > IPVS_NL_FOREIGN_MAX)
				return -EIO;
			*local = false;
			continue;
		}
		int err;
		enum ipvs_reply_end e = ipvs_reply_walk(nl->buf, (size_t)n, seq, portid,
							(uint16_t)nl->family, fn, arg, &err);
		*local = e != IPVS_REPLY_MORE && e != IPVS_REPLY_DONE && e != IPVS_REPLY_KERNEL;
		if (e == IPVS_REPLY_MORE)
			continue;
		return e == IPVS_REPLY_DONE ? 0 : e == IPVS_REPLY_KERNEL ? err : -EIO;
	}
}

/* Send MSG (consumed) and read until its ACK, error or end of dump, FN
 * getting each data message. Returns 0 or -errno. */
static int transact(struct ipvs_nl *nl, struct nl_msg *msg, ipvs_reply_fn fn, void *arg)
{
	if (nl->desynced && resync(nl) < 0) {
		nlmsg_free(msg);
		return -EIO;
	}
	/* resync() may have changed the family id */
	nlmsg_hdr(msg)->nlmsg_type = (uint16_t)nl->family;
	int r = nl_send_auto(nl->sk, msg); /* sets the sequence number and asks for an ACK */
	uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (r < 0)
		return hd_nl_errno(r);
	bool local = false;
	r = recv_replies(nl, seq, fn, arg, &local);
	/* A kernel error (EEXIST, ENOENT...) leaves the socket in step; a
	 * local failure (timeout, overrun, mismatch) may not. */
	if (local)
		nl->desynced = true;
	return r;
}

static struct nl_msg *new_msg(struct ipvs_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			 IPVS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- parsing replies ---- */

static void parse_stats(const struct nlattr *a32, const struct nlattr *a64, struct ipvs_stats *st)
{
	const struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];
	bool wide = a64 != NULL;
	memset(st, 0, sizeof(*st));
	if (wide ? nest_parse(a64, tb, IPVS_STATS_ATTR_MAX, stats64_rules)
		 : (!a32 || nest_parse(a32, tb, IPVS_STATS_ATTR_MAX, stats32_rules)))
		return;
	uint64_t *dst[IPVS_STATS_ATTR_MAX + 1] = {
	    [IPVS_STATS_ATTR_CONNS] = &st->conns,	[IPVS_STATS_ATTR_INPKTS] = &st->inpkts,
	    [IPVS_STATS_ATTR_OUTPKTS] = &st->outpkts,	[IPVS_STATS_ATTR_INBYTES] = &st->inbytes,
	    [IPVS_STATS_ATTR_OUTBYTES] = &st->outbytes, [IPVS_STATS_ATTR_CPS] = &st->cps,
	    [IPVS_STATS_ATTR_INPPS] = &st->inpps,	[IPVS_STATS_ATTR_OUTPPS] = &st->outpps,
	    [IPVS_STATS_ATTR_INBPS] = &st->inbps,	[IPVS_STATS_ATTR_OUTBPS] = &st->outbps,
	};
	for (int i = 1; i <= IPVS_STATS_ATTR_MAX; i++) {
		if (!tb[i] || !dst[i])
			continue;
		bool is64 = wide || i == IPVS_STATS_ATTR_INBYTES || i == IPVS_STATS_ATTR_OUTBYTES;
		*dst[i] = is64 ? get_u64(tb[i]) : get_u32(tb[i]);
	}
}

static int get_addr(const struct nlattr *a, uint16_t af, union ipvs_addr *out)
{
	memset(out, 0, sizeof(*out));
	int need = af == AF_INET6 ? 16 : 4;
	if (!a || a->nla_len - NLA_HDRLEN < need)
		return -EBADMSG;
	memcpy(out->b, attr_data(a), (size_t)need);
	return 0;
}

static uint8_t netmask_to_plen(uint16_t af, uint32_t raw)
{
	if (af == AF_INET6)
		return raw > 128 ? 128 : (uint8_t)raw;
	return (uint8_t)__builtin_popcount(raw); /* raw is a be32 mask */
}

static int parse_service(const struct nlattr *nest, struct ipvs_service *s)
{
	const struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	memset(s, 0, sizeof(*s));
	if (nest_parse(nest, tb, IPVS_SVC_ATTR_MAX, svc_rules) || !tb[IPVS_SVC_ATTR_AF])
		return -EBADMSG;
	s->key.af = get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (s->key.af != AF_INET && s->key.af != AF_INET6)
		return -EBADMSG;
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		s->key.fwmark = get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
		if (!s->key.fwmark)
			return -EBADMSG;
	} else {
		if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_PORT] ||
		    get_addr(tb[IPVS_SVC_ATTR_ADDR], s->key.af, &s->key.addr))
			return -EBADMSG;
		s->key.protocol = get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		s->key.port = ntohs(get_u16(tb[IPVS_SVC_ATTR_PORT]));
	}
	if (tb[IPVS_SVC_ATTR_SCHED_NAME])
		snprintf(s->sched, sizeof(s->sched), "%s",
			 (const char *)attr_data(tb[IPVS_SVC_ATTR_SCHED_NAME]));
	if (tb[IPVS_SVC_ATTR_FLAGS]) {
		struct ip_vs_flags f;
		memcpy(&f, attr_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(f));
		s->flags = f.flags & IPVS_SVC_FLAGS_MANAGED;
	}
	if (tb[IPVS_SVC_ATTR_TIMEOUT])
		s->timeout = get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	s->netmask = ipvs_af_maxlen(s->key.af);
	if (tb[IPVS_SVC_ATTR_NETMASK])
		s->netmask = netmask_to_plen(s->key.af, get_u32(tb[IPVS_SVC_ATTR_NETMASK]));
	parse_stats(tb[IPVS_SVC_ATTR_STATS], tb[IPVS_SVC_ATTR_STATS64], &s->stats);
	s->vs_index = (size_t)-1;
	return 0;
}

static int parse_dest(const struct nlattr *nest, uint16_t svc_af, struct ipvs_dest *d)
{
	const struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	memset(d, 0, sizeof(*d));
	if (nest_parse(nest, tb, IPVS_DEST_ATTR_MAX, dest_rules) || !tb[IPVS_DEST_ATTR_PORT])
		return -EBADMSG;
	d->af = tb[IPVS_DEST_ATTR_ADDR_FAMILY] ? get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : svc_af;
	if ((d->af != AF_INET && d->af != AF_INET6) ||
	    get_addr(tb[IPVS_DEST_ATTR_ADDR], d->af, &d->addr))
		return -EBADMSG;
	d->port = ntohs(get_u16(tb[IPVS_DEST_ATTR_PORT]));
#define U32(attr) (tb[attr] ? get_u32(tb[attr]) : 0)
	d->fwd = U32(IPVS_DEST_ATTR_FWD_METHOD) & IP_VS_CONN_F_FWD_MASK;
	d->weight = (int32_t)U32(IPVS_DEST_ATTR_WEIGHT);
	d->u_threshold = U32(IPVS_DEST_ATTR_U_THRESH);
	d->l_threshold = U32(IPVS_DEST_ATTR_L_THRESH);
	d->activeconns = U32(IPVS_DEST_ATTR_ACTIVE_CONNS);
	d->inactconns = U32(IPVS_DEST_ATTR_INACT_CONNS);
	d->persistconns = U32(IPVS_DEST_ATTR_PERSIST_CONNS);
#undef U32
	if (d->fwd == IP_VS_CONN_F_TUNNEL) {
		if (tb[IPVS_DEST_ATTR_TUN_TYPE])
			d->tun_type = *(const uint8_t *)attr_data(tb[IPVS_DEST_ATTR_TUN_TYPE]);
		if (tb[IPVS_DEST_ATTR_TUN_PORT])
			d->tun_port = ntohs(get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
		if (tb[IPVS_DEST_ATTR_TUN_FLAGS])
			d->tun_flags = get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	}
	parse_stats(tb[IPVS_DEST_ATTR_STATS], tb[IPVS_DEST_ATTR_STATS64], &d->stats);
	return 0;
}

struct dump_ctx {
	struct ipvs_nl *nl;
	struct ipvs_table *table;
	struct ipvs_service *svc; /* for dest dumps */
	int err;
};

static int top_attr(const struct nlmsghdr *nlh, int which, const struct nlattr **out)
{
	const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	const int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < (uint32_t)hdr ||
	    attrs_parse((const char *)nlh + hdr, (int)nlh->nlmsg_len - hdr, tb, IPVS_CMD_ATTR_MAX,
			cmd_rules) ||
	    !tb[which])
		return -EBADMSG;
	*out = tb[which];
	return 0;
}

int ipvs_nl_parse_service_reply(const struct nlmsghdr *nlh, struct ipvs_service *out)
{
	const struct nlattr *a;
	int r = top_attr(nlh, IPVS_CMD_ATTR_SERVICE, &a);
	return r ? r : parse_service(a, out);
}

int ipvs_nl_parse_dest_reply(const struct nlmsghdr *nlh, uint16_t svc_af, struct ipvs_dest *out)
{
	const struct nlattr *a;
	int r = top_attr(nlh, IPVS_CMD_ATTR_DEST, &a);
	return r ? r : parse_dest(a, svc_af, out);
}

static void on_service(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *c = arg;
	struct ipvs_service s;
	if (ipvs_nl_parse_service_reply(nlh, &s))
		c->nl->parse_errors++;
	else if (!ipvs_table_add(c->table, &s))
		c->err = -ENOMEM;
}

static void on_dest(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *c = arg;
	struct ipvs_dest d;
	if (ipvs_nl_parse_dest_reply(nlh, c->svc->key.af, &d)) {
		c->nl->parse_errors++;
		return;
	}
	d.pos = (uint32_t)c->svc->n_dests; /* the kernel's list order (ipvs_order.c) */
	if (!ipvs_service_add_dest(c->svc, &d))
		c->err = -ENOMEM;
}

/* ---- building requests ---- */

static int put_svc_key(struct nl_msg *msg, const struct ipvs_svc_key *k, struct nlattr **nest)
{
	*nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE);
	if (!*nest || nla_put_u16(msg, IPVS_SVC_ATTR_AF, k->af))
		return -EMSGSIZE;
	if (k->fwmark) /* nla_put_* return -NLE_*, not errno: translate */
		return nla_put_u32(msg, IPVS_SVC_ATTR_FWMARK, k->fwmark) ? -EMSGSIZE : 0;
	if (nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, k->protocol) ||
	    nla_put(msg, IPVS_SVC_ATTR_ADDR, sizeof(k->addr.b), k->addr.b) ||
	    nla_put_u16(msg, IPVS_SVC_ATTR_PORT, htons(k->port)))
		return -EMSGSIZE;
	return 0;
}

static int put_service(struct nl_msg *msg, const struct ipvs_service *s, bool full)
{
	struct nlattr *nest;
	if (put_svc_key(msg, &s->key, &nest))
		return -EMSGSIZE;
	if (full) {
		struct ip_vs_flags f = {.flags = s->flags, .mask = ~0u};
		uint32_t nm = s->netmask;
		if (s->key.af == AF_INET)
			nm = htonl(nm ? ~0u << (32 - (nm > 32 ? 32 : nm)) : 0);
		if (nla_put_string(msg, IPVS_SVC_ATTR_SCHED_NAME, s->sched) ||
		    nla_put(msg, IPVS_SVC_ATTR_FLAGS, sizeof(f), &f) ||
		    nla_put_u32(msg, IPVS_SVC_ATTR_TIMEOUT, s->timeout) ||
		    nla_put_u32(msg, IPVS_SVC_ATTR_NETMASK, nm))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_dest(struct nl_msg *msg, const struct ipvs_dest *d, bool full)
{
	struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_DEST);
	if (!nest || nla_put(msg, IPVS_DEST_ATTR_ADDR, sizeof(d->addr.b), d->addr.b) ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_PORT, htons(d->port)) ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, d->af))
		return -EMSGSIZE;
	if (full) {
		if (nla_put_u32(msg, IPVS_DEST_ATTR_FWD_METHOD, d->fwd) ||
		    nla_put_u32(msg, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight) ||
		    nla_put_u32(msg, IPVS_DEST_ATTR_U_THRESH, d->u_threshold) ||
		    nla_put_u32(msg, IPVS_DEST_ATTR_L_THRESH, d->l_threshold))
			return -EMSGSIZE;
		if (d->fwd == IP_VS_CONN_F_TUNNEL &&
		    (nla_put_u8(msg, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type) ||
		     nla_put_u16(msg, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port)) ||
		     nla_put_u16(msg, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags)))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* ---- public operations ---- */

static int dump_dests(struct ipvs_nl *nl, struct ipvs_table *t, size_t i)
{
	struct nl_msg *msg = new_msg(nl, IPVS_CMD_GET_DEST, NLM_F_DUMP);
	struct nlattr *nest;
	if (!msg)
		return -ENOMEM;
	if (put_svc_key(msg, &t->svcs[i].key, &nest)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	struct dump_ctx c = {.nl = nl, .table = t, .svc = &t->svcs[i]};
	int r = transact(nl, msg, on_dest, &c);
	/* A service deleted between the two dumps is simply gone. */
	if (r == -ENOENT || r == -ESRCH)
		r = 0;
	return r ? r : c.err;
}

int ipvs_nl_dump(struct ipvs_nl *nl, struct ipvs_table *out)
{
	return ipvs_nl_dump_sel(nl, out, NULL, NULL);
}

int ipvs_nl_dump_sel(struct ipvs_nl *nl, struct ipvs_table *out, ipvs_nl_sel_fn sel, void *arg)
{
	ipvs_table_init(out);
	struct nl_msg *msg = new_msg(nl, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	struct dump_ctx c = {.nl = nl, .table = out};
	int r = transact(nl, msg, on_service, &c);
	if (!r)
		r = c.err;
	for (size_t i = 0; !r && i < out->n; i++)
		if (!sel || sel(&out->svcs[i].key, arg))
			r = dump_dests(nl, out, i);
	if (r) {
		ipvs_table_free(out);
		return r;
	}
	ipvs_table_sort(out);
	return 0;
}

/* One service by key (a GET_SERVICE request, not a dump) and its dests;
 * a service that does not exist is simply absent from OUT. */
static int dump_one(struct ipvs_nl *nl, const struct ipvs_svc_key *k, struct ipvs_table *out)
{
	struct nl_msg *msg = new_msg(nl, IPVS_CMD_GET_SERVICE, 0);
	struct nlattr *nest;
	if (!msg)
		return -ENOMEM;
	if (put_svc_key(msg, k, &nest)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	size_t before = out->n;
	struct dump_ctx c = {.nl = nl, .table = out};
	int r = transact(nl, msg, on_service, &c);
	if (r == -ENOENT || r == -ESRCH)
		return 0;
	if (r || c.err)
		return r ? r : c.err;
	/* Only the asked key counts, whatever else a reply carried. */
	for (size_t i = before; i < out->n; i++) {
		if (ipvs_svc_key_cmp(&out->svcs[i].key, k)) {
			free(out->svcs[i].dests);
			out->svcs[i--] = out->svcs[--out->n];
			nl->parse_errors++;
		} else if ((r = dump_dests(nl, out, i))) {
			return r;
		}
	}
	return 0;
}

int ipvs_nl_dump_keys(struct ipvs_nl *nl, const struct ipvs_keyset *keys, struct ipvs_table *out)
{
	ipvs_table_init(out);
	int r = 0;
	for (size_t i = 0; !r && i < keys->n; i++)
		r = dump_one(nl, &keys->v[i], out);
	if (r) {
		ipvs_table_free(out);
		return r;
	}
	ipvs_table_sort(out);
	return 0;
}

int ipvs_nl_apply(struct ipvs_nl *nl, const struct ipvs_op *op)
{
	static const uint8_t cmds[] = {
	    [IPVS_OP_DEL_SVC] = IPVS_CMD_DEL_SERVICE,  [IPVS_OP_ADD_SVC] = IPVS_CMD_NEW_SERVICE,
	    [IPVS_OP_EDIT_SVC] = IPVS_CMD_SET_SERVICE, [IPVS_OP_DEL_DEST] = IPVS_CMD_DEL_DEST,
	    [IPVS_OP_EDIT_DEST] = IPVS_CMD_SET_DEST,   [IPVS_OP_ADD_DEST] = IPVS_CMD_NEW_DEST,
	};
	if ((unsigned)op->kind >= sizeof(cmds) || !op->svc)
		return -EINVAL;
	bool svc_full = op->kind == IPVS_OP_ADD_SVC || op->kind == IPVS_OP_EDIT_SVC;
	bool dest_full = op->kind == IPVS_OP_ADD_DEST || op->kind == IPVS_OP_EDIT_DEST;
	struct nl_msg *msg = new_msg(nl, cmds[op->kind], 0);
	if (!msg)
		return -ENOMEM;
	if (put_service(msg, op->svc, svc_full) ||
	    (op->dest && put_dest(msg, op->dest, dest_full))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nl->writes++;
	return transact(nl, msg, NULL, NULL);
}

static const struct attr_rule daemon_rules[IPVS_DAEMON_ATTR_MAX + 1] = {
    [IPVS_DAEMON_ATTR_STATE] = {.min = 4},
    [IPVS_DAEMON_ATTR_MCAST_IFN] = {.min = 1, .max = IP_VS_IFNAME_MAXLEN, .str = true},
    [IPVS_DAEMON_ATTR_SYNC_ID] = {.min = 4},
    [IPVS_DAEMON_ATTR_SYNC_MAXLEN] = {.min = 2},
    [IPVS_DAEMON_ATTR_MCAST_GROUP] = {.min = 4},
    [IPVS_DAEMON_ATTR_MCAST_GROUP6] = {.min = 16},
    [IPVS_DAEMON_ATTR_MCAST_PORT] = {.min = 2},
    [IPVS_DAEMON_ATTR_MCAST_TTL] = {.min = 1},
};

/* One daemon of the dump: its state bit, and its parameters as the
 * kernel reports them (those an older kernel does not report stay 0). */
static void on_daemon(const struct nlmsghdr *nlh, void *arg)
{
	struct ipvs_sync_running *out = arg;
	const struct nlattr *a, *tb[IPVS_DAEMON_ATTR_MAX + 1];
	if (top_attr(nlh, IPVS_CMD_ATTR_DAEMON, &a) ||
	    nest_parse(a, tb, IPVS_DAEMON_ATTR_MAX, daemon_rules) || !tb[IPVS_DAEMON_ATTR_STATE])
		return;
	int st =
	    (int)get_u32(tb[IPVS_DAEMON_ATTR_STATE]) & (IP_VS_STATE_MASTER | IP_VS_STATE_BACKUP);
	if (st != IP_VS_STATE_MASTER && st != IP_VS_STATE_BACKUP)
		return;
	out->states |= st;
	struct hd_lvs_sync_config *c = &out->cfg[st == IP_VS_STATE_MASTER ? 0 : 1];
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	if (tb[IPVS_DAEMON_ATTR_MCAST_IFN])
		snprintf(c->interface, sizeof(c->interface), "%.*s",
			 (int)nla_len(tb[IPVS_DAEMON_ATTR_MCAST_IFN]),
			 (const char *)nla_data(tb[IPVS_DAEMON_ATTR_MCAST_IFN]));
	if (tb[IPVS_DAEMON_ATTR_SYNC_ID])
		c->syncid = (uint8_t)get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
		c->maxlen = get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_PORT])
		c->port = get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_TTL])
		c->ttl = *(const uint8_t *)nla_data(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		c->group.family = AF_INET;
		memcpy(&c->group.u.v4, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]), 4);
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		c->group.family = AF_INET6;
		memcpy(&c->group.u.v6, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]), 16);
	}
}

int ipvs_nl_sync_daemons_get(struct ipvs_nl *nl, struct ipvs_sync_running *out)
{
	struct nl_msg *msg = new_msg(nl, IPVS_CMD_GET_DAEMON, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	return transact(nl, msg, on_daemon, out);
}

int ipvs_nl_sync_daemons_running(struct ipvs_nl *nl, int *states)
{
	struct ipvs_sync_running r;
	int e = ipvs_nl_sync_daemons_get(nl, &r);
	*states = e ? 0 : r.states;
	return e;
}

/* The optional attributes of a start: only those configured. */
static int put_sync_opts(struct nl_msg *msg, const struct hd_lvs_sync_config *ls)
{
	int bad = 0;

	if (ls->maxlen)
		bad |= nla_put_u16(msg, IPVS_DAEMON_ATTR_SYNC_MAXLEN, ls->maxlen);
	if (ls->group.family == AF_INET) /* the kernel reads it as a be32 */
		bad |= nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP, 4, &ls->group.u.v4);
	else if (ls->group.family == AF_INET6)
		bad |= nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, &ls->group.u.v6);
	if (ls->port) /* host order: the kernel adds the thread number to it */
		bad |= nla_put_u16(msg, IPVS_DAEMON_ATTR_MCAST_PORT, ls->port);
	if (ls->ttl)
		bad |= nla_put_u8(msg, IPVS_DAEMON_ATTR_MCAST_TTL, ls->ttl);
	return bad;
}

int ipvs_nl_sync_daemon(struct ipvs_nl *nl, int start, int state,
			const struct hd_lvs_sync_config *ls)
{
	struct nl_msg *msg = new_msg(nl, start ? IPVS_CMD_NEW_DAEMON : IPVS_CMD_DEL_DAEMON, 0);
	if (!msg)
		return -ENOMEM;
	struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_DAEMON);
	int bad = !nest || nla_put_u32(msg, IPVS_DAEMON_ATTR_STATE, (uint32_t)state);
	if (!bad && start && ls)
		bad = nla_put_string(msg, IPVS_DAEMON_ATTR_MCAST_IFN, ls->interface) ||
		      nla_put_u32(msg, IPVS_DAEMON_ATTR_SYNC_ID, ls->syncid) ||
		      put_sync_opts(msg, ls);
	if (bad) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	nl->writes++;
	return transact(nl, msg, NULL, NULL);
}
