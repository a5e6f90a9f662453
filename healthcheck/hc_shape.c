/* PURE: slow start and the fail-open guard; semantics in hc_shape.h. */
#include "config.h"

#include "hc_shape.h"

unsigned hc_ramp_weight(unsigned target, uint64_t start, uint64_t now, uint64_t dur, unsigned steps,
			uint64_t *next)
{
	uint64_t k, w;

	*next = 0;
	if (!dur || !steps || !target || now >= start + dur)
		return target;
	k = now <= start ? 0 : (now - start) * steps / dur;
	if (k >= steps)
		return target;
	/* the first instant of level k + 1, rounded up so that it is in it */
	*next = start + ((k + 1) * dur + steps - 1) / steps;
	w = (uint64_t)target * (k + 1) / (steps + 1);
	return w ? (unsigned)w : 1;
}

static bool in_round(const struct hc_eject_rs *r, uint64_t window, uint64_t now)
{
	/* DOWN_AT may be a little after NOW: callers read clocks apart */
	return !r->check_up && r->down_at && r->down_at + window >= now;
}

enum hc_eject_event hc_eject_update(struct hc_eject_vs *g, struct hc_eject_rs *const *rs, size_t n,
				    unsigned max_pct, uint64_t window, uint64_t bound, uint64_t now)
{
	size_t failed = 0, held = 0;

	for (size_t i = 0; i < n; i++)
		if (rs[i]->check_up)
			rs[i]->held = false; /* recovered: nothing to hold */
	if (max_pct >= 100) {
		for (size_t i = 0; i < n; i++)
			rs[i]->held = false;
		g->engaged = false;
		return HC_EJECT_NONE;
	}
	if (g->engaged && bound && now >= g->since + bound) {
		for (size_t i = 0; i < n; i++) {
			if (rs[i]->held)
				rs[i]->down_at = 0; /* applied: out of the round */
			rs[i]->held = false;
		}
		g->engaged = false;
		g->expiries++;
		return HC_EJECT_EXPIRED;
	}
	if (g->engaged) {
		/* A server failing while engaged is part of what engaged it. */
		for (size_t i = 0; i < n; i++) {
			if (!rs[i]->check_up && rs[i]->down_at && rs[i]->down_at >= g->since)
				rs[i]->held = true;
			held += rs[i]->held;
		}
		if (held)
			return HC_EJECT_NONE;
		g->engaged = false;
		return HC_EJECT_RECOVERED;
	}
	for (size_t i = 0; i < n; i++)
		failed += in_round(rs[i], window, now);
	if (failed < 2 || failed * 100 <= (uint64_t)max_pct * n)
		return HC_EJECT_NONE;
	g->engaged = true;
	g->since = now;
	g->engagements++;
	for (size_t i = 0; i < n; i++)
		if (in_round(rs[i], window, now))
			rs[i]->held = true;
	return HC_EJECT_ENGAGED;
}

uint64_t hc_eject_next(const struct hc_eject_vs *g, uint64_t bound)
{
	return g->engaged && bound ? g->since + bound : 0;
}
