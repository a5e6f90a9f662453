/* PURE: a failed check met the director's own link down (hc_path.h). */
#include "config.h"

#include "hc_path.h"

#include <sys/socket.h>

bool hc_path_if_down_in(const struct hc_path_if *i, uint64_t start, uint64_t end, uint64_t grace)
{
	uint64_t from = start > grace ? start - grace : 0;

	if (!i->running)
		return true;
	return i->down_at && i->down_at <= end && i->up_at >= from;
}

bool hc_outcome_no_answer(enum hc_outcome o)
{
	switch (o) {
	case HC_O_CONNECT_TIMEOUT:
	case HC_O_CONNECT_ERROR:
	case HC_O_TIMEOUT:
	case HC_O_TLS_FAILED:
	case HC_O_SCRIPT_EXIT:
	case HC_O_SCRIPT_SIGNAL:
	case HC_O_SCRIPT_TIMEOUT:
	case HC_O_DNS_NO_ANSWER:
	case HC_O_UDP_NO_REPLY:
	case HC_O_INTERNAL:
	case HC_O_VIP_NOT_ACCEPTED:
		return true;
	default: /* ok, none, or an answer that came through the path */
		return false;
	}
}

bool hc_path_hold(const struct hc_path_in *in)
{
	if (in->r->neutral || !hc_outcome_no_answer(in->r->outcome) || !in->egress)
		return false;
	return hc_path_if_down_in(in->egress, in->start, in->end, in->grace);
}

bool hc_path_on_link(const struct hd_addr *net, unsigned plen, const struct hd_addr *a)
{
	const uint8_t *x = (const uint8_t *)&net->u, *y = (const uint8_t *)&a->u;
	unsigned max = a->family == AF_INET6 ? 128 : 32;

	if (net->family != a->family || plen > max)
		return false;
	for (unsigned i = 0; i < plen / 8; i++)
		if (x[i] != y[i])
			return false;
	if (plen % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - plen % 8));
		if ((x[plen / 8] & m) != (y[plen / 8] & m))
			return false;
	}
	return true;
}

void hc_path_held_result(const struct hc_result *r, int ifindex, struct hc_result *out)
{
	*out = *r;
	out->outcome = HC_O_DIRECTOR_LINK_DOWN;
	out->detail = ifindex;
	out->neutral = true;
}
