/* Table tests of slow start's ramp and the fail-open guard
 * (healthcheck/hc_shape.c): the weight at every instant of a ramp, the
 * number of distinct weights (IPVS writes) it takes, and which verdicts
 * the guard applies round by round. */
#include <stdio.h>
#include <string.h>

#include "healthcheck/hc_shape.h"
#include "unit.h"

static const struct {
	unsigned target;
	uint64_t start, now, dur;
	unsigned steps, want;
	uint64_t next;
} ramp[] = {
    {100, 1000, 1000, 0, 10, 100, 0},	 /* no slow start */
    {100, 1000, 1000, 100, 0, 100, 0},	 /* no steps */
    {0, 1000, 1000, 100, 10, 0, 0},	 /* nothing to ramp */
    {100, 1000, 1000, 100, 4, 20, 1025}, /* level 0: 100*1/5 */
    {100, 1000, 1024, 100, 4, 20, 1025}, {100, 1000, 1025, 100, 4, 40, 1050},
    {100, 1000, 1075, 100, 4, 80, 1100}, {100, 1000, 1100, 100, 4, 100, 0},
    {100, 1000, 5000, 100, 4, 100, 0},	 {100, 1000, 900, 100, 4, 20, 1025}, /* clock before */
    {1, 1000, 1000, 100, 10, 1, 1010},					     /* at least 1 */
    {3, 1000, 1033, 300, 3, 1, 1100},	 {65535, 0, 0, 30000000, 10, 5957, 3000000},
};

static void test_ramp(void)
{
	for (size_t i = 0; i < sizeof(ramp) / sizeof(ramp[0]); i++) {
		uint64_t next;
		unsigned w = hc_ramp_weight(ramp[i].target, ramp[i].start, ramp[i].now, ramp[i].dur,
					    ramp[i].steps, &next);
		EXPECT(w == ramp[i].want && next == ramp[i].next, "case %zu: %u next %llu", i, w,
		       (unsigned long long)next);
	}
}

/* Walking a ramp from change to change: weights rise, at most steps + 1
 * distinct values, the target at start + dur. */
static void test_ramp_walk(void)
{
	static const unsigned targets[] = {1, 2, 5, 10, 100, 1000, 65535};
	static const unsigned steps[] = {1, 2, 5, 10, 100};

	for (size_t t = 0; t < 7; t++)
		for (size_t s = 0; s < 5; s++) {
			uint64_t now = 500, next, dur = 10000000;
			unsigned last = 0, writes = 0, w;
			for (;;) {
				w = hc_ramp_weight(targets[t], 500, now, dur, steps[s], &next);
				EXPECT(w >= last && w >= 1, "t %u s %u", targets[t], steps[s]);
				writes += w != last;
				last = w;
				if (!next)
					break;
				EXPECT(next > now && next <= 500 + dur, "next %llu",
				       (unsigned long long)next);
				now = next;
			}
			EXPECT(w == targets[t] && now <= 500 + dur, "end %u", w);
			EXPECT(writes <= steps[s] + 1 && writes <= targets[t],
			       "t %u s %u: %u writes", targets[t], steps[s], writes);
		}
}

#define N 4
struct fleet {
	struct hc_eject_rs rs[N];
	struct hc_eject_rs *p[N];
	struct hc_eject_vs g;
};

static void fleet_init(struct fleet *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < N; i++) {
		f->rs[i].check_up = true;
		f->p[i] = &f->rs[i];
	}
}

static void fail(struct fleet *f, int i, uint64_t now)
{
	f->rs[i].check_up = false;
	f->rs[i].down_at = now;
}

static void recover(struct fleet *f, int i)
{
	f->rs[i].check_up = true;
	f->rs[i].down_at = 0;
}

static int in_service(const struct fleet *f)
{
	int n = 0;
	for (int i = 0; i < N; i++)
		n += f->rs[i].check_up || f->rs[i].held;
	return n;
}

#define UPD(f, now) hc_eject_update(&(f)->g, (f)->p, N, 50, 100, 1000, now)

static void test_guard(void)
{
	struct fleet f;

	/* one real failure: applied; a second in the same round is 50 %,
	 * not more: applied */
	fleet_init(&f);
	fail(&f, 0, 10);
	CHECK(UPD(&f, 10) == HC_EJECT_NONE && in_service(&f) == 3);
	fail(&f, 1, 60);
	CHECK(UPD(&f, 60) == HC_EJECT_NONE && in_service(&f) == 2);

	/* the check path is cut: the third failure in one round engages the
	 * guard and brings back the two removed earlier in the round */
	fail(&f, 2, 90);
	CHECK(UPD(&f, 90) == HC_EJECT_ENGAGED && in_service(&f) == N);
	CHECK(f.g.engaged && f.g.engagements == 1);
	fail(&f, 3, 120); /* outside the round, but while engaged: held */
	CHECK(UPD(&f, 120) == HC_EJECT_NONE && in_service(&f) == N);
	CHECK(hc_eject_next(&f.g, 1000) == 1090);
	/* the path comes back: released as the last one recovers */
	recover(&f, 0), recover(&f, 1), recover(&f, 2);
	CHECK(UPD(&f, 200) == HC_EJECT_NONE && f.g.engaged);
	recover(&f, 3);
	CHECK(UPD(&f, 210) == HC_EJECT_RECOVERED && !f.g.engaged && in_service(&f) == N);
	CHECK(hc_eject_next(&f.g, 1000) == 0);

	/* failures far apart (slow decay) are applied one by one */
	fleet_init(&f);
	for (int i = 0; i < N; i++) {
		fail(&f, i, 1000 + 200 * (uint64_t)i);
		CHECK(UPD(&f, 1000 + 200 * (uint64_t)i) == HC_EJECT_NONE);
	}
	CHECK(in_service(&f) == 0);

	/* everything dead for good: held until the bound, then applied and
	 * not counted again */
	fleet_init(&f);
	for (int i = 0; i < N; i++)
		fail(&f, i, 5000);
	CHECK(UPD(&f, 5000) == HC_EJECT_ENGAGED && in_service(&f) == N);
	CHECK(UPD(&f, 5999) == HC_EJECT_NONE && in_service(&f) == N);
	CHECK(UPD(&f, 6000) == HC_EJECT_EXPIRED && in_service(&f) == 0 && f.g.expiries == 1);
	CHECK(UPD(&f, 6001) == HC_EJECT_NONE && in_service(&f) == 0);

	/* a failure stamped a little after the clock the guard is given
	 * (clocks read apart) is in the round */
	fleet_init(&f);
	fail(&f, 0, 2010), fail(&f, 1, 2020), fail(&f, 2, 2030);
	CHECK(UPD(&f, 2000) == HC_EJECT_ENGAGED && in_service(&f) == N);
	CHECK(UPD(&f, 2001) == HC_EJECT_NONE && f.g.engaged);

	/* off at 100 % */
	fleet_init(&f);
	for (int i = 0; i < N; i++)
		fail(&f, i, 10);
	CHECK(hc_eject_update(&f.g, f.p, N, 100, 100, 1000, 10) == HC_EJECT_NONE);
	CHECK(in_service(&f) == 0);

	/* one server of one: never held */
	fleet_init(&f);
	fail(&f, 0, 10);
	CHECK(hc_eject_update(&f.g, f.p, 1, 50, 100, 1000, 10) == HC_EJECT_NONE);
	CHECK(!f.rs[0].held);
}

int main(void)
{
	test_ramp();
	test_ramp_walk();
	test_guard();
	return failures ? 1 : 0;
}
