/* Table-driven tests of the pure health-check policy (healthcheck/hc_policy.c). */
#include <stdio.h>
#include <string.h>

#include "healthcheck/hc_policy.h"
#include "unit.h"

/* Results: 'o' ok, 'f' failure. Expected: state after each result,
 * 'U'/'D'; the first char is the state before any result. */
static const struct {
	const char *name;
	unsigned rise, fall;
	bool alpha;
	const char *results;
	const char *states;
} seq_cases[] = {
    {"default starts up", 1, 1, false, "", "U"},
    {"alpha starts down", 1, 1, true, "", "D"},
    {"fall 1 goes down at once", 1, 1, false, "fo", "UDU"},
    {"fall 3 needs three in a row", 2, 3, false, "fffoo", "UUUDDU"},
    {"interrupted failures reset", 1, 3, false, "ffoff", "UUUUUU"},
    {"rise 3 needs three in a row", 3, 1, false, "foooo", "UDDDUU"},
    {"interrupted successes reset", 3, 1, false, "foofooo", "UDDDDDDU"},
    {"alpha: first success brings it up", 3, 2, true, "o", "DU"},
    {"alpha: first failure then rise applies", 2, 2, true, "fooo", "DDDUU"},
    {"alpha: later recovery needs rise", 2, 1, true, "ofoo", "DUDDU"},
    {"rise/fall 0 act as 1", 0, 0, false, "fo", "UDU"},
};

static void test_sequences(void)
{
	for (size_t i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++) {
		struct hc_policy p = {.rise = seq_cases[i].rise,
				      .fall = seq_cases[i].fall,
				      .alpha = seq_cases[i].alpha,
				      .delay_loop_usec = 1000};
		struct hc_checker c;
		const char *r = seq_cases[i].results, *s = seq_cases[i].states;

		hc_checker_init(&c, &p, 0);
		EXPECT((c.up ? 'U' : 'D') == s[0], "%s: initial", seq_cases[i].name);
		for (size_t k = 0; r[k]; k++) {
			struct hc_result res = {.outcome =
						    r[k] == 'o' ? HC_O_OK : HC_O_CONNECT_REFUSED,
						.dyn_weight = -1};
			bool was = c.up;
			bool changed = hc_checker_feed(&c, &p, &res, 10 + k);
			EXPECT((c.up ? 'U' : 'D') == s[k + 1], "%s: after result %zu",
			       seq_cases[i].name, k);
			EXPECT(changed == (was != c.up), "%s: change flag at %zu",
			       seq_cases[i].name, k);
			if (changed)
				EXPECT(c.last_change_usec == 10 + k, "%s: change time",
				       seq_cases[i].name);
		}
		size_t nf = 0;
		for (size_t k = 0; r[k]; k++)
			nf += r[k] == 'f';
		EXPECT(c.runs == strlen(r) && c.failures == nf, "%s: counters", seq_cases[i].name);
	}
}

static void test_outcome_text(void)
{
	static const struct {
		enum hc_outcome o;
		int detail;
		const char *text, *name;
	} t[] = {
	    {HC_O_OK, 0, "ok", "ok"},
	    {HC_O_CONNECT_REFUSED, 111, "connect refused", "connect_refused"},
	    {HC_O_CONNECT_TIMEOUT, 0, "connect timeout", "connect_timeout"},
	    {HC_O_TIMEOUT, 0, "timeout", "timeout"},
	    {HC_O_TLS_FAILED, 0, "TLS failed", "tls_failed"},
	    {HC_O_BAD_STATUS, 503, "bad status 503", "bad_status"},
	    {HC_O_DIGEST_MISMATCH, 0, "digest mismatch", "digest_mismatch"},
	    {HC_O_SCRIPT_EXIT, 3, "script exit 3", "script_exit"},
	    {HC_O_SCRIPT_TIMEOUT, 0, "script timeout", "script_timeout"},
	    {HC_O_SCRIPT_SIGNAL, 9, "script killed by signal 9", "script_signal"},
	    {HC_O_SMTP_BAD_REPLY, 554, "smtp bad reply 554", "smtp_bad_reply"},
	    {HC_O_DNS_RCODE, 3, "dns rcode 3", "dns_rcode"},
	    {HC_O_UDP_NO_REPLY, 0, "udp no reply", "udp_no_reply"},
	    {HC_O__MAX, 0, "unknown", "unknown"},
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		hc_outcome_text(t[i].o, t[i].detail, buf, sizeof(buf));
		EXPECT(!strcmp(buf, t[i].text), "text %d: got '%s'", (int)t[i].o, buf);
		EXPECT(!strcmp(hc_outcome_name(t[i].o), t[i].name), "name %d", (int)t[i].o);
	}
	/* Every enum value has a name and a text. */
	for (int o = 0; o < HC_O__MAX; o++)
		EXPECT(strcmp(hc_outcome_name(o), "unknown") && hc_outcome_name(o)[0], "name of %d",
		       o);
	hc_outcome_text(HC_O_BAD_STATUS, 503, buf, 4);
	EXPECT(!strcmp(buf, "bad"), "truncation: '%s'", buf);
}

static void test_retry_delay(void)
{
	struct hc_policy p = {
	    .rise = 1, .fall = 3, .delay_loop_usec = 5000, .delay_before_retry_usec = 700};
	struct hc_result f = {.outcome = HC_O_TIMEOUT, .dyn_weight = -1},
			 o = {.outcome = HC_O_OK, .dyn_weight = -1};
	struct hc_checker c;

	hc_checker_init(&c, &p, 0);
	EXPECT(hc_checker_next_delay(&c, &p) == 5000, "healthy: delay_loop");
	hc_checker_feed(&c, &p, &f, 1);
	EXPECT(hc_checker_next_delay(&c, &p) == 700, "failing but up: retry delay");
	hc_checker_feed(&c, &p, &f, 2);
	hc_checker_feed(&c, &p, &f, 3);
	EXPECT(!c.up && hc_checker_next_delay(&c, &p) == 5000, "down: back to delay_loop");
	hc_checker_feed(&c, &p, &o, 4);
	EXPECT(c.up && hc_checker_next_delay(&c, &p) == 5000, "recovered");
	p.delay_before_retry_usec = 0;
	hc_checker_feed(&c, &p, &f, 5);
	EXPECT(hc_checker_next_delay(&c, &p) == 5000, "no retry delay configured");
}

/* retry: results 'o'/'f'; states as above; delays: the next delay after
 * each result, 'L' delay_loop or 'R' delay_before_retry. */
static const struct {
	const char *name;
	unsigned rise, fall, retry;
	bool alpha;
	const char *results, *states, *delays;
} retry_cases[] = {
    {"retry 0 is the plain fall count", 1, 1, 0, false, "fo", "UDU", "LL"},
    {"retry 2, fall 1: down at the third failed attempt", 1, 1, 2, false, "fff", "UUUD", "RRL"},
    {"a success ends the run", 1, 1, 2, false, "ffoff", "UUUUUU", "RRLRR"},
    {"retry 1, fall 2: four failed attempts", 1, 2, 1, false, "ffff", "UUUUD", "RRRL"},
    {"retry 1, fall 2: success between runs resets", 1, 2, 1, false, "fffoff", "UUUUUUU", "RRRLRR"},
    {"no retries while down; rise counts plain results", 2, 1, 3, false, "ffffoo", "UUUUDDU",
     "RRRLLL"},
    {"alpha: down from the start, no retries", 1, 1, 2, true, "fo", "DDU", "LL"},
    {"down then up again: retries apply again", 1, 1, 1, false, "ffoff", "UUDUUD", "RLLRL"},
};

static void test_retry(void)
{
	for (size_t i = 0; i < sizeof(retry_cases) / sizeof(retry_cases[0]); i++) {
		struct hc_policy p = {.rise = retry_cases[i].rise,
				      .fall = retry_cases[i].fall,
				      .retry = retry_cases[i].retry,
				      .alpha = retry_cases[i].alpha,
				      .delay_loop_usec = 5000,
				      .delay_before_retry_usec = 700};
		const char *r = retry_cases[i].results, *s = retry_cases[i].states,
			   *d = retry_cases[i].delays;
		struct hc_checker c;
		size_t nf = 0, nretried = 0;

		hc_checker_init(&c, &p, 0);
		EXPECT((c.up ? 'U' : 'D') == s[0], "%s: initial", retry_cases[i].name);
		for (size_t k = 0; r[k]; k++) {
			struct hc_result res = {.outcome =
						    r[k] == 'o' ? HC_O_OK : HC_O_CONNECT_REFUSED,
						.dyn_weight = -1};
			bool was = c.up;
			uint64_t before = c.retries;
			bool changed = hc_checker_feed(&c, &p, &res, 10 + k);
			EXPECT((c.up ? 'U' : 'D') == s[k + 1], "%s: state after result %zu",
			       retry_cases[i].name, k);
			EXPECT(changed == (was != c.up), "%s: change flag at %zu",
			       retry_cases[i].name, k);
			EXPECT(hc_checker_next_delay(&c, &p) == (d[k] == 'R' ? 700u : 5000u),
			       "%s: delay after result %zu", retry_cases[i].name, k);
			EXPECT(c.last.outcome == res.outcome, "%s: last outcome shown at %zu",
			       retry_cases[i].name, k);
			nf += r[k] == 'f';
			nretried += c.retries - before;
		}
		EXPECT(c.runs == strlen(r) && c.failures == nf && c.retries == nretried,
		       "%s: counters", retry_cases[i].name);
	}
}

static void test_script_results(void)
{
	static const struct {
		bool exited;
		int code;
		bool dyn;
		enum hc_outcome o;
		int weight;
	} t[] = {
	    {true, 0, false, HC_O_OK, -1},
	    {true, 1, false, HC_O_SCRIPT_EXIT, -1},
	    {true, 2, false, HC_O_SCRIPT_EXIT, -1},
	    {true, 0, true, HC_O_OK, -1},
	    {true, 1, true, HC_O_SCRIPT_EXIT, -1},
	    {true, 2, true, HC_O_OK, 0},
	    {true, 7, true, HC_O_OK, 5},
	    {true, 255, true, HC_O_OK, 253},
	    {false, 9, true, HC_O_SCRIPT_SIGNAL, -1},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hc_result r;
		hc_script_result(t[i].exited, t[i].code, t[i].dyn, &r);
		EXPECT(r.outcome == t[i].o && r.dyn_weight == t[i].weight,
		       "script case %zu: outcome %d weight %d", i, (int)r.outcome, r.dyn_weight);
		EXPECT(r.detail == t[i].code, "script detail %zu", i);
	}
}

static void test_rs_verdict(void)
{
	struct hc_checker a = {.up = true, .dyn_weight = -1}, b = {.up = true, .dyn_weight = -1};
	const struct hc_checker *both[] = {&a, &b};
	static const struct {
		bool a_up, b_up;
		int a_dyn, b_dyn;
		bool drained;
		int override;
		bool up;
		unsigned weight;
	} t[] = {
	    {true, true, -1, -1, false, -1, true, 10},
	    {true, false, -1, -1, false, -1, false, 10},
	    {false, false, -1, -1, false, -1, false, 10},
	    {true, true, 4, -1, false, -1, true, 4},
	    {true, true, 4, 2, false, -1, true, 2}, /* lowest dynamic weight */
	    {true, true, 4, -1, false, 7, true, 7}, /* operator beats dynamic */
	    {true, true, 4, -1, true, 7, true, 0},  /* drain beats all */
	    {false, true, -1, -1, true, -1, false, 0},
	    {true, true, 0, -1, false, -1, true, 0}, /* exit 2: weight 0 */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hc_rs_eval v;
		a.up = t[i].a_up;
		b.up = t[i].b_up;
		a.dyn_weight = t[i].a_dyn;
		b.dyn_weight = t[i].b_dyn;
		hc_rs_evaluate(both, NULL, 2, 10, t[i].drained, t[i].override, &v);
		EXPECT(v.up == t[i].up && v.weight == t[i].weight && v.drained == t[i].drained,
		       "rs case %zu: up %d weight %u", i, v.up, v.weight);
	}
	struct hc_rs_eval v;
	hc_rs_evaluate(NULL, NULL, 0, 3, false, -1, &v);
	EXPECT(v.up && v.weight == 3, "no checkers: up with configured weight");
}

static void test_quorum(void)
{
	/* quorum 4, hysteresis 2: lost below 4, back at >= 6. */
	static const struct {
		unsigned sum;
		bool lost;
	} walk[] = {{10, false}, {5, false}, {4, false}, {3, true}, {4, true},
		    {5, true},	 {6, false}, {4, false}, {0, true}, {7, false}};
	bool lost = hc_quorum_lost(false, true, walk[0].sum, 4, 2);

	EXPECT(lost == walk[0].lost, "quorum start");
	for (size_t i = 1; i < sizeof(walk) / sizeof(walk[0]); i++) {
		lost = hc_quorum_lost(lost, false, walk[i].sum, 4, 2);
		EXPECT(lost == walk[i].lost, "quorum step %zu (sum %u)", i, walk[i].sum);
	}
	EXPECT(hc_quorum_lost(false, true, 5, 4, 2) == false, "startup: no hysteresis");
	EXPECT(hc_quorum_lost(false, true, 3, 4, 2) == true, "startup below quorum");
	EXPECT(hc_quorum_lost(false, true, 0, 0, 0) == true, "quorum 0: all down still lost");
	EXPECT(hc_quorum_lost(true, false, 1, 0, 0) == false, "quorum 0: one up regains");
	EXPECT(hc_quorum_lost(true, false, 1, 1, 0) == false, "default quorum 1");
}

/* The next start keeps the check's phase (hc_checker_next_at). */
static void test_next_at(void)
{
	struct hc_policy p = {.delay_loop_usec = 1000, .fall = 2, .delay_before_retry_usec = 300};
	struct hc_checker c;
	struct hc_result ok = {.outcome = HC_O_OK, .dyn_weight = -1},
			 bad = {.outcome = HC_O_CONNECT_REFUSED, .dyn_weight = -1};
	static const struct {
		uint64_t due, end, next;
		const char *why;
	} regular[] = {
	    {5000, 5010, 6000, "a quick check: one delay_loop after it was due"},
	    {5000, 5100, 6000, "started late (shared wakeup): the lateness is not carried on"},
	    {5000, 5999, 6000, "a slow check still keeps the rhythm"},
	    {5000, 6000, 7000, "a check that lasted the interval skips a turn"},
	    {5000, 8500, 9000, "a stalled loop: the next turn of the old rhythm"},
	    {0, 2500, 3000, "never started (due 0): within one delay_loop of its end"},
	    {7000, 6000, 7000, "ended before due (clock guard): from the end"},
	};
	hc_checker_init(&c, &p, 0);
	hc_checker_feed(&c, &p, &ok, 0);
	for (size_t i = 0; i < sizeof(regular) / sizeof(regular[0]); i++)
		EXPECT(
		    hc_checker_next_at(&c, &p, regular[i].due, regular[i].end) == regular[i].next,
		    "%s: next %llu", regular[i].why,
		    (unsigned long long)hc_checker_next_at(&c, &p, regular[i].due, regular[i].end));
	/* Two checks served in one wakeup (due 5000 and 5090, both started at
	 * 5100) are due apart again in the next round. */
	EXPECT(hc_checker_next_at(&c, &p, 5000, 5120) != hc_checker_next_at(&c, &p, 5090, 5120),
	       "checks served together do not stay together");
	hc_checker_feed(&c, &p, &bad, 6000);
	EXPECT(c.up && hc_checker_next_at(&c, &p, 6000, 6010) == 6310,
	       "a retry pauses delay_before_retry from the end");
	p.delay_before_retry_usec = 0;
	EXPECT(hc_checker_next_at(&c, &p, 6000, 6010) == 7000, "no retry delay: the rhythm");
	p.delay_loop_usec = 0;
	EXPECT(hc_checker_next_at(&c, &p, 6000, 6010) == 6010, "delay 0 (no division)");
}

static void test_spread(void)
{
	EXPECT(hc_first_delay(0, 1, 1000, 0, 99) == 0, "single probe starts now");
	EXPECT(hc_first_delay(0, 4, 1000, 0, 0) == 0, "first of four");
	EXPECT(hc_first_delay(3, 4, 1000, 0, 0) == 750, "last of four");
	EXPECT(hc_first_delay(1, 4, 1000, 100, 1234) == 250 + 34, "warmup adds random part");
	/* Spread: all start offsets distinct and within one delay_loop. */
	uint64_t prev = 0;
	for (size_t i = 0; i < 1000; i++) {
		uint64_t o = hc_first_delay(i, 1000, 1000000, 0, 0);
		EXPECT(o < 1000000 && (i == 0 || o > prev), "spread %zu", i);
		prev = o;
	}
}

int main(void)
{
	test_sequences();
	test_outcome_text();
	test_retry_delay();
	test_retry();
	test_script_results();
	test_rs_verdict();
	test_quorum();
	test_spread();
	test_next_at();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	puts("test_hc_policy: all passed");
	return 0;
}
