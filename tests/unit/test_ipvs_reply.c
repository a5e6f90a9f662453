/* What one netlink datagram says about a request (ipvs/ipvs_reply.c):
 * data messages of the family reach the callback, the request ends on an
 * ACK, an error or the end of a dump, and anything malformed or meant for
 * another request puts the socket out of step. Table-driven: each case is
 * a datagram written message by message. */
#include <errno.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <string.h>

#include "ipvs/ipvs_reply.h"
#include "unit.h"

#define FAM  30 /* the family id the kernel gave IPVS, say */
#define SEQ  7
#define PORT 4242

enum {
	DATA = 1,
	OTHER_FAM,
	NOOP,
	ACK,
	ERR_EEXIST,
	ERR_SHORT,
	ERR_POSITIVE,
	DONE,
	DONE_EMPTY,
	DONE_ERR,
	OVERRUN,
	WRONG_SEQ,
	WRONG_PID,
	LEN_TOO_BIG,
	LEN_TOO_SMALL,
	TAIL_BYTES,
	DATA_UNPADDED
};

struct buf {
	_Alignas(4) unsigned char b[512];
	size_t n;
};

/* Append one message of kind K (a payload of 0xab bytes; a control message's opens with its int).
 */
static void put(struct buf *d, int k)
{
	struct nlmsghdr h = {.nlmsg_len = NLMSG_HDRLEN, .nlmsg_seq = SEQ, .nlmsg_pid = PORT};
	int v = 0;
	size_t pay = 0;
	switch (k) {
	case DATA:
		h.nlmsg_type = FAM, pay = 8;
		break;
	case DATA_UNPADDED:
		h.nlmsg_type = FAM, pay = 5;
		break;
	case OTHER_FAM:
		h.nlmsg_type = FAM + 1, pay = 8;
		break;
	case NOOP:
		h.nlmsg_type = NLMSG_NOOP;
		break;
	case ACK:
		h.nlmsg_type = NLMSG_ERROR, pay = sizeof(struct nlmsgerr);
		break;
	case ERR_EEXIST:
		h.nlmsg_type = NLMSG_ERROR, v = -EEXIST, pay = sizeof(struct nlmsgerr);
		break;
	case ERR_SHORT:
		h.nlmsg_type = NLMSG_ERROR, pay = 2;
		break;
	case ERR_POSITIVE:
		h.nlmsg_type = NLMSG_ERROR, v = 5, pay = sizeof(struct nlmsgerr);
		break;
	case DONE:
		h.nlmsg_type = NLMSG_DONE, pay = sizeof(int);
		break;
	case DONE_EMPTY:
		h.nlmsg_type = NLMSG_DONE;
		break;
	case DONE_ERR:
		h.nlmsg_type = NLMSG_DONE, v = -ENOBUFS, pay = sizeof(int);
		break;
	case OVERRUN:
		h.nlmsg_type = NLMSG_OVERRUN;
		break;
	case WRONG_SEQ:
		h.nlmsg_type = FAM, h.nlmsg_seq = SEQ - 1;
		break;
	case WRONG_PID:
		h.nlmsg_type = FAM, h.nlmsg_pid = PORT + 1;
		break;
	case LEN_TOO_BIG:
		h.nlmsg_type = FAM, h.nlmsg_len = 400;
		break;
	case LEN_TOO_SMALL:
		h.nlmsg_type = FAM, h.nlmsg_len = 8;
		break;
	case TAIL_BYTES:
		memset(d->b + d->n, 0, 6), d->n += 6;
		return;
	}
	if (k != LEN_TOO_BIG && k != LEN_TOO_SMALL)
		h.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + pay);
	memcpy(d->b + d->n, &h, sizeof(h));
	memset(d->b + d->n + NLMSG_HDRLEN, 0xab, pay);
	if (pay >= sizeof(int) && h.nlmsg_type < NLMSG_MIN_TYPE)
		memcpy(d->b + d->n + NLMSG_HDRLEN, &v, sizeof(v));
	if (k == LEN_TOO_BIG || k == LEN_TOO_SMALL)
		d->n += NLMSG_HDRLEN; /* the header alone, whatever its length says */
	else /* a datagram's last message may end unpadded: main() pads before the next */
		d->n += k == DATA_UNPADDED ? h.nlmsg_len : NLMSG_ALIGN(h.nlmsg_len);
}

static void count(const struct nlmsghdr *h, void *arg)
{
	(*(int *)arg)++;
	EXPECT(h->nlmsg_type == FAM, "only the family's messages: got type %u", h->nlmsg_type);
}

static const struct {
	const char *name;
	int msgs[6];
	enum ipvs_reply_end end;
	int data, err;
} cases[] = {
    {"dump in one datagram", {DATA, DATA, DATA, DONE}, IPVS_REPLY_DONE, 3, 0},
    {"dump part, more to come", {DATA, DATA}, IPVS_REPLY_MORE, 2, 0},
    {"end of dump alone", {DONE}, IPVS_REPLY_DONE, 0, 0},
    {"end of dump, no payload (old kernel)", {DATA, DONE_EMPTY}, IPVS_REPLY_DONE, 1, 0},
    {"dump failed in the kernel", {DATA, DONE_ERR}, IPVS_REPLY_KERNEL, 1, -ENOBUFS},
    {"ACK of a write", {ACK}, IPVS_REPLY_DONE, 0, 0},
    {"reply then ACK (a GET)", {DATA, ACK}, IPVS_REPLY_DONE, 1, 0},
    {"kernel error", {ERR_EEXIST}, IPVS_REPLY_KERNEL, 0, -EEXIST},
    {"error too short for its int", {ERR_SHORT}, IPVS_REPLY_BAD, 0, 0},
    {"positive error", {ERR_POSITIVE}, IPVS_REPLY_BAD, 0, 0},
    {"overrun", {DATA, OVERRUN}, IPVS_REPLY_OVERRUN, 1, 0},
    {"noop and another family ignored", {NOOP, OTHER_FAM, DATA, DONE}, IPVS_REPLY_DONE, 1, 0},
    {"reply to an older request", {WRONG_SEQ, DATA, DONE}, IPVS_REPLY_SEQ, 0, 0},
    {"reply to another port", {DATA, WRONG_PID}, IPVS_REPLY_SEQ, 1, 0},
    {"length beyond the datagram", {DATA, LEN_TOO_BIG}, IPVS_REPLY_BAD, 1, 0},
    {"length below a header", {LEN_TOO_SMALL, DONE}, IPVS_REPLY_BAD, 0, 0},
    {"bytes left too short for a header", {DATA, TAIL_BYTES}, IPVS_REPLY_BAD, 1, 0},
    {"last message unpadded", {DATA, DATA_UNPADDED}, IPVS_REPLY_MORE, 2, 0},
    {"unpadded message inside", {DATA_UNPADDED, DATA, DONE}, IPVS_REPLY_DONE, 2, 0},
    {"what follows the end is ignored", {DONE, WRONG_SEQ, LEN_TOO_BIG}, IPVS_REPLY_DONE, 0, 0},
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf d = {.n = 0};
		memset(d.b, 0, sizeof(d.b));
		for (int j = 0; j < 6 && cases[i].msgs[j]; j++) {
			if (j && cases[i].msgs[j - 1] == DATA_UNPADDED)
				d.n = NLMSG_ALIGN(d.n);
			put(&d, cases[i].msgs[j]);
		}
		int n = 0, err = 1;
		enum ipvs_reply_end e = ipvs_reply_walk(d.b, d.n, SEQ, PORT, FAM, count, &n, &err);
		EXPECT(e == cases[i].end, "%s: ends '%s', want '%s'", cases[i].name,
		       ipvs_reply_end_str(e), ipvs_reply_end_str(cases[i].end));
		EXPECT(n == cases[i].data, "%s: %d data messages, want %d", cases[i].name, n,
		       cases[i].data);
		if (cases[i].end == IPVS_REPLY_KERNEL)
			EXPECT(err == cases[i].err, "%s: error %d, want %d", cases[i].name, err,
			       cases[i].err);
	}
	/* an empty datagram says nothing yet */
	int n = 0, err;
	unsigned char none[4];
	EXPECT(ipvs_reply_walk(none, 0, SEQ, PORT, FAM, count, &n, &err) == IPVS_REPLY_MORE && !n,
	       "empty datagram");
	printf("%zu datagram cases\n", sizeof(cases) / sizeof(cases[0]));
	return failures != 0;
}
