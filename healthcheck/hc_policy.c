/* PURE health-check policy; semantics are documented in hc_policy.h. */
#include "config.h"

#include "hc_policy.h"

#include <stdio.h>
#include <string.h>

/* FMT takes the detail as its one %d when it has one. */
static const struct {
	const char *name;
	const char *fmt;
} outcome_tab[HC_O__MAX] = {
    [HC_O_NONE] = {"none", "not checked yet"},
    [HC_O_OK] = {"ok", "ok"},
    [HC_O_CONNECT_REFUSED] = {"connect_refused", "connect refused"},
    [HC_O_CONNECT_TIMEOUT] = {"connect_timeout", "connect timeout"},
    [HC_O_CONNECT_ERROR] = {"connect_error", "connect error %d"},
    [HC_O_TIMEOUT] = {"timeout", "timeout"},
    [HC_O_TLS_FAILED] = {"tls_failed", "TLS failed"},
    [HC_O_PROTOCOL_ERROR] = {"protocol_error", "protocol error"},
    [HC_O_BAD_STATUS] = {"bad_status", "bad status %d"},
    [HC_O_DIGEST_MISMATCH] = {"digest_mismatch", "digest mismatch"},
    [HC_O_SCRIPT_EXIT] = {"script_exit", "script exit %d"},
    [HC_O_SCRIPT_SIGNAL] = {"script_signal", "script killed by signal %d"},
    [HC_O_SCRIPT_TIMEOUT] = {"script_timeout", "script timeout"},
    [HC_O_SCRIPT_EXEC_FAILED] = {"script_exec_failed", "script exec failed"},
    [HC_O_SMTP_BAD_REPLY] = {"smtp_bad_reply", "smtp bad reply %d"},
    [HC_O_DNS_RCODE] = {"dns_rcode", "dns rcode %d"},
    [HC_O_DNS_NO_ANSWER] = {"dns_no_answer", "dns no answer"},
    [HC_O_DNS_BAD_REPLY] = {"dns_bad_reply", "dns bad reply"},
    [HC_O_UDP_NO_REPLY] = {"udp_no_reply", "udp no reply"},
    [HC_O_UDP_BAD_REPLY] = {"udp_bad_reply", "udp bad reply"},
    [HC_O_UDP_UNREACHABLE] = {"udp_unreachable", "udp port unreachable"},
    [HC_O_INTERNAL] = {"internal_error", "internal error"},
    [HC_O_REPLY_TOO_LARGE] = {"reply_too_large", "reply too large"},
    [HC_O_AGENT_DOWN] = {"agent_down", "agent says down"},
    [HC_O_AGENT_MAINT] = {"agent_maint", "agent says maint"},
    [HC_O_AGENT_GARBAGE] = {"agent_garbage", "agent line ignored (%d)"},
    [HC_O_VIP_NOT_ACCEPTED] = {"vip_not_accepted", "VIP not accepted through the forwarding path"},
    [HC_O_VIP_ARP_ANSWERED] = {"vip_arp_answered", "real server answers ARP for the VIP"},
    [HC_O_DIRECTOR_LINK_DOWN] = {"director_link_down",
				 "no answer while the director's link was down (ifindex %d): "
				 "verdict held"},
};

const char *hc_outcome_name(enum hc_outcome o)
{
	return (unsigned)o < HC_O__MAX ? outcome_tab[o].name : "unknown";
}

const char *hc_outcome_text(enum hc_outcome o, int detail, char *buf, size_t len)
{
	const char *fmt = (unsigned)o < HC_O__MAX ? outcome_tab[o].fmt : "unknown";

	if (!len)
		return buf;
	if (strchr(fmt, '%')) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(buf, len, fmt, detail);
#pragma GCC diagnostic pop
	} else {
		snprintf(buf, len, "%s", fmt);
	}
	return buf;
}

void hc_checker_init(struct hc_checker *c, const struct hc_policy *p, uint64_t now)
{
	memset(c, 0, sizeof(*c));
	c->up = !p->alpha;
	c->dyn_weight = -1;
	c->last.dyn_weight = -1;
	c->last_change_usec = now;
}

bool hc_checker_feed(struct hc_checker *c, const struct hc_policy *p, const struct hc_result *r,
		     uint64_t now)
{
	unsigned rise = p->rise ? p->rise : 1, fall = p->fall ? p->fall : 1;
	bool first = !c->started, was = c->up;

	if (r->agent.state != HC_AGENT_STATE_NONE)
		c->agent.state = r->agent.state;
	if (r->agent.wkind != HC_AGENT_W_NONE) {
		c->agent.wkind = r->agent.wkind;
		c->agent.weight = r->agent.weight;
	}
	if (r->outcome == HC_O_AGENT_GARBAGE)
		c->agent_garbage++;
	else if (r->agent.state != HC_AGENT_STATE_NONE || r->agent.wkind != HC_AGENT_W_NONE)
		c->agent_lines++;
	if (r->neutral) {
		c->last = *r;
		c->runs++;
		c->failures += !hc_outcome_ok(r->outcome);
		return false;
	}
	c->started = true;
	c->last = *r;
	c->runs++;
	if (hc_outcome_ok(r->outcome)) {
		c->ok_run++;
		c->fail_run = 0;
		c->retry_it = 0;
		if (r->dyn_weight >= 0)
			c->dyn_weight = r->dyn_weight;
		if (!c->up && (c->ok_run >= rise || (p->alpha && first)))
			c->up = true;
	} else {
		c->failures++;
		if (c->up && c->retry_it < p->retry) {
			c->retry_it++; /* the run goes on: not a failed run yet */
			c->retries++;
			return false;
		}
		c->retry_it = 0;
		c->fail_run++;
		c->ok_run = 0;
		if (c->up && c->fail_run >= fall)
			c->up = false;
	}
	if (c->up != was)
		c->last_change_usec = now;
	return c->up != was;
}

uint64_t hc_checker_next_delay(const struct hc_checker *c, const struct hc_policy *p)
{
	if (c->up && (c->fail_run > 0 || c->retry_it > 0) && p->delay_before_retry_usec)
		return p->delay_before_retry_usec;
	return p->delay_loop_usec;
}

/* A regular check keeps its phase: the first time after END of DUE plus
 * whole delay_loops. Whatever made this one start late (a shared wakeup,
 * a batch, a stalled loop) or last long is not carried into the next, so
 * checks spread over the interval at start stay spread; timed from END
 * instead, checks served in one wakeup would end together, be due
 * together, and every round's wakeup would add its neighbours to the
 * clump. A retry is timed from END (delay_before_retry is a pause). */
uint64_t hc_checker_next_at(const struct hc_checker *c, const struct hc_policy *p, uint64_t due,
			    uint64_t end)
{
	uint64_t delay = hc_checker_next_delay(c, p);

	if (!delay || delay != p->delay_loop_usec || due > end)
		return end + delay;
	return due + ((end - due) / delay + 1) * delay;
}

void hc_rs_evaluate(const struct hc_checker *const *checkers, const struct hc_agent_bounds *bounds,
		    size_t n, unsigned cfg_weight, bool drained, int override,
		    struct hc_rs_eval *out)
{
	int dyn = -1;
	long agent = -1;

	out->up = true;
	out->agent_drained = false;
	for (size_t i = 0; i < n; i++) {
		const struct hc_checker *c = checkers[i];
		if (!c->up)
			out->up = false;
		if (c->dyn_weight >= 0 && (dyn < 0 || c->dyn_weight < dyn))
			dyn = c->dyn_weight;
		if (c->agent.state == HC_AGENT_STATE_DRAIN)
			out->agent_drained = true;
		if (c->agent.wkind != HC_AGENT_W_NONE) {
			unsigned w = hc_agent_weight(cfg_weight, c->agent.wkind, c->agent.weight,
						     bounds ? bounds[i].min_pct : 0,
						     bounds ? bounds[i].max_pct : 100);
			if (agent < 0 || w < agent)
				agent = w;
		}
	}
	out->drained = drained;
	if (drained)
		out->weight = 0;
	else if (override >= 0)
		out->weight = (unsigned) override;
	else if (out->agent_drained)
		out->weight = 0;
	else if (agent >= 0)
		out->weight = (unsigned)agent;
	else if (dyn >= 0)
		out->weight = (unsigned)dyn;
	else
		out->weight = cfg_weight;
}

bool hc_quorum_lost(bool was_lost, bool first, uint64_t sum, unsigned quorum, unsigned hysteresis)
{
	if (sum == 0 || sum < quorum)
		return true;
	if (first || !was_lost)
		return false;
	return sum < (uint64_t)quorum + hysteresis;
}

void hc_script_result(bool exited, int code, bool dynamic_weight, struct hc_result *out)
{
	out->dyn_weight = -1;
	out->detail = code;
	if (!exited) {
		out->outcome = HC_O_SCRIPT_SIGNAL;
	} else if (code == 0) {
		out->outcome = HC_O_OK;
	} else if (dynamic_weight && code >= 2 && code <= 255) {
		out->outcome = HC_O_OK;
		out->dyn_weight = code - 2;
	} else {
		out->outcome = HC_O_SCRIPT_EXIT;
	}
}

uint64_t hc_first_delay(size_t index, size_t count, uint64_t delay_loop_usec, uint64_t warmup_usec,
			uint32_t rnd)
{
	uint64_t off = 0;

	if (count > 1 && index < count)
		off = delay_loop_usec / count * index;
	if (warmup_usec)
		off += rnd % warmup_usec;
	return off;
}
