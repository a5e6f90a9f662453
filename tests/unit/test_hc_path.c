/* Table-driven tests of the rule that holds a failed check whose run met the
 * director's own link down (healthcheck/hc_path.c, issue 23). */
#include <arpa/inet.h>
#include <string.h>

#include "healthcheck/hc_path.h"
#include "link.h"
#include "unit.h"

#define S 1000000ULL /* one second, in usec */

/* An interface's history, and a run over [start, end]. */
static const struct {
	const char *name;
	bool running;
	uint64_t down_at, up_at, start, end, grace;
	bool down_in;
} hist_cases[] = {
    {"never down", true, 0, 0, 10 * S, 11 * S, S, false},
    {"down now", false, 5 * S, 0, 10 * S, 11 * S, S, true},
    {"down now, run before the cut (still down at its end)", false, 12 * S, 0, 10 * S, 11 * S, S,
     true},
    {"went down during the run, back after it", true, 10 * S + 500, 20 * S, 10 * S, 11 * S, 0,
     true},
    {"down and back within the run", true, 10 * S + 100, 10 * S + 200, 10 * S, 11 * S, 0, true},
    {"back before the run, within the grace", true, 5 * S, 9 * S + S / 2, 10 * S, 11 * S, S, true},
    {"back before the run, beyond the grace", true, 5 * S, 8 * S, 10 * S, 11 * S, S, false},
    {"back exactly at start - grace", true, 5 * S, 9 * S, 10 * S, 11 * S, S, true},
    {"went down after the run ended", true, 12 * S, 13 * S, 10 * S, 11 * S, S, false},
    {"start below the grace (no wrap)", true, 1, 2, 10, 20, S, true},
};

static void test_history(void)
{
	for (size_t i = 0; i < sizeof(hist_cases) / sizeof(hist_cases[0]); i++) {
		struct hc_path_if f = {.ifindex = 2,
				       .running = hist_cases[i].running,
				       .down_at = hist_cases[i].down_at,
				       .up_at = hist_cases[i].up_at};
		bool got = hc_path_if_down_in(&f, hist_cases[i].start, hist_cases[i].end,
					      hist_cases[i].grace);
		EXPECT(got == hist_cases[i].down_in, "%s: got %d", hist_cases[i].name, got);
	}
}

/* The link view's history (daemon/base/link.h), which hc_link.c hands to
 * the rule as a struct hc_path_if. */
static void test_transitions(void)
{
	struct hd_link f = {.ifindex = 3, .running = true};

	CHECK(!hd_link_set_running(&f, true, 5)); /* first seen up: no change */
	CHECK(!f.down_usec && !f.up_usec);
	CHECK(hd_link_set_running(&f, false, 10));
	CHECK(!f.running && f.down_usec == 10 && f.up_usec == 0);
	CHECK(!hd_link_set_running(&f, false, 11)); /* still down: its period goes on */
	CHECK(f.down_usec == 10);
	CHECK(hd_link_set_running(&f, true, 20));
	CHECK(f.running && f.down_usec == 10 && f.up_usec == 20);
	/* a run over [19.5, 21] with no grace met it down */
	struct hc_path_if h = {f.ifindex, f.running, f.down_usec, f.up_usec};
	CHECK(hc_path_if_down_in(&h, 19, 21, 0) && !hc_path_if_down_in(&h, 21, 22, 0));
	CHECK(hd_link_set_running(&f, false, 30)); /* a new period */
	CHECK(f.down_usec == 30 && f.up_usec == 0);
	/* a clock at 0 (never in practice) still marks a period */
	struct hd_link g = {.ifindex = 4, .running = true};
	CHECK(hd_link_set_running(&g, false, 0) && g.down_usec);
}

/* A failure, and its egress interface's history: held or counted. */
static const struct {
	const char *name;
	enum hc_outcome o;
	bool neutral;
	int egress; /* 0: not known (no route, no on-link prefix); 1: down in the window; 2: up */
	bool hold;
} hold_cases[] = {
    {"timeout through a link that is down", HC_O_CONNECT_TIMEOUT, false, 1, true},
    {"timeout through a link that is up (another one down)", HC_O_CONNECT_TIMEOUT, false, 2, false},
    {"timeout, egress not known (no route, no prefix)", HC_O_CONNECT_TIMEOUT, false, 0, false},
    {"connect error through a link set down", HC_O_CONNECT_ERROR, false, 1, true},
    {"connect error, egress not known", HC_O_CONNECT_ERROR, false, 0, false},
    {"read timeout", HC_O_TIMEOUT, false, 1, true},
    {"tls failed", HC_O_TLS_FAILED, false, 1, true},
    {"udp no reply", HC_O_UDP_NO_REPLY, false, 1, true},
    {"dns no answer", HC_O_DNS_NO_ANSWER, false, 1, true},
    {"script exit", HC_O_SCRIPT_EXIT, false, 1, true},
    {"script killed", HC_O_SCRIPT_SIGNAL, false, 1, true},
    {"script timeout", HC_O_SCRIPT_TIMEOUT, false, 1, true},
    {"forwarding path silent", HC_O_VIP_NOT_ACCEPTED, false, 1, true},
    {"internal error", HC_O_INTERNAL, false, 1, true},
    /* an answer came through: the link worked when it came */
    {"refused", HC_O_CONNECT_REFUSED, false, 1, false},
    {"bad status", HC_O_BAD_STATUS, false, 1, false},
    {"digest mismatch", HC_O_DIGEST_MISMATCH, false, 1, false},
    {"protocol error", HC_O_PROTOCOL_ERROR, false, 1, false},
    {"reply too large", HC_O_REPLY_TOO_LARGE, false, 1, false},
    {"udp unreachable (ICMP)", HC_O_UDP_UNREACHABLE, false, 1, false},
    {"udp bad reply", HC_O_UDP_BAD_REPLY, false, 1, false},
    {"dns rcode", HC_O_DNS_RCODE, false, 1, false},
    {"dns bad reply", HC_O_DNS_BAD_REPLY, false, 1, false},
    {"smtp bad reply", HC_O_SMTP_BAD_REPLY, false, 1, false},
    {"agent says down", HC_O_AGENT_DOWN, false, 1, false},
    {"agent says maint", HC_O_AGENT_MAINT, false, 1, false},
    {"arp answered", HC_O_VIP_ARP_ANSWERED, false, 1, false},
    {"script could not start (ours)", HC_O_SCRIPT_EXEC_FAILED, false, 1, false},
    {"ok", HC_O_OK, false, 1, false},
    {"none", HC_O_NONE, false, 1, false},
    {"neutral already", HC_O_CONNECT_TIMEOUT, true, 1, false},
    {"held already", HC_O_DIRECTOR_LINK_DOWN, true, 1, false},
};

static void test_hold(void)
{
	const struct hc_path_if down = {.ifindex = 2, .running = false, .down_at = 5 * S};
	const struct hc_path_if up = {.ifindex = 2, .running = true};

	for (size_t i = 0; i < sizeof(hold_cases) / sizeof(hold_cases[0]); i++) {
		struct hc_result r = {
		    .outcome = hold_cases[i].o, .dyn_weight = -1, .neutral = hold_cases[i].neutral};
		struct hc_path_in in = {.r = &r,
					.egress = hold_cases[i].egress == 1   ? &down
						  : hold_cases[i].egress == 2 ? &up
									      : NULL,
					.start = 10 * S,
					.end = 11 * S,
					.grace = S};
		bool got = hc_path_hold(&in);
		EXPECT(got == hold_cases[i].hold, "%s: got %d", hold_cases[i].name, got);
	}
	/* every outcome is classified one way or the other, none crashes */
	for (int o = 0; o <= HC_O__MAX; o++)
		(void)hc_outcome_no_answer((enum hc_outcome)o);
}

static struct hd_addr a4(const char *s)
{
	struct hd_addr a = {.family = AF_INET};
	inet_pton(AF_INET, s, &a.u.v4);
	return a;
}

static struct hd_addr a6(const char *s)
{
	struct hd_addr a = {.family = AF_INET6};
	inet_pton(AF_INET6, s, &a.u.v6);
	return a;
}

static bool on(const struct hd_addr *net, unsigned plen, struct hd_addr a)
{
	return hc_path_on_link(net, plen, &a);
}

/* An interface's prefix contains the target (the egress when the route
 * went with the interface). */
static void test_on_link(void)
{
	struct hd_addr n = a4("10.95.0.1"), n6 = a6("2001:db8:1::1");

	CHECK(on(&n, 24, a4("10.95.0.12")));
	CHECK(!on(&n, 24, a4("10.95.1.12")));
	CHECK(on(&n, 23, a4("10.95.1.12")));
	CHECK(!on(&n, 25, a4("10.95.0.200")));
	CHECK(on(&n, 25, a4("10.95.0.100")));
	CHECK(on(&n, 0, a4("192.0.2.1")));
	CHECK(on(&n, 32, a4("10.95.0.1")));
	CHECK(!on(&n, 32, a4("10.95.0.2")));
	CHECK(!on(&n, 33, a4("10.95.0.1")));
	CHECK(!on(&n, 24, a6("2001:db8:1::2")));
	CHECK(on(&n6, 64, a6("2001:db8:1::2")));
	CHECK(!on(&n6, 64, a6("2001:db8:2::2")));
	CHECK(on(&n6, 47, a6("2001:db8:1::2")));
	CHECK(on(&n6, 128, a6("2001:db8:1::1")));
	CHECK(!on(&n6, 129, a6("2001:db8:1::1")));
}

/* The held result feeds as a neutral one: the verdict, rise and fall stay. */
static void test_held_feeds_neutral(void)
{
	struct hc_policy p = {.rise = 2, .fall = 2, .delay_loop_usec = S};
	struct hc_result fail = {.outcome = HC_O_CONNECT_TIMEOUT, .dyn_weight = -1}, held;
	struct hc_result ok = {.outcome = HC_O_OK, .dyn_weight = -1};
	struct hc_checker c;
	char buf[128];

	hc_checker_init(&c, &p, 0);
	hc_checker_feed(&c, &p, &ok, 1);
	hc_checker_feed(&c, &p, &fail, 2); /* one failure of two */
	hc_path_held_result(&fail, 7, &held);
	CHECK(held.outcome == HC_O_DIRECTOR_LINK_DOWN && held.neutral && held.detail == 7);
	for (int i = 0; i < 10; i++)
		CHECK(!hc_checker_feed(&c, &p, &held, 3 + (uint64_t)i));
	CHECK(c.up && c.fail_run == 1 && c.runs == 12 && c.failures == 11);
	CHECK(c.last.outcome == HC_O_DIRECTOR_LINK_DOWN);
	CHECK(!hc_checker_feed(&c, &p, &ok, 20)); /* back: counts again */
	CHECK(c.up && c.fail_run == 0);
	CHECK(!strcmp(hc_outcome_name(HC_O_DIRECTOR_LINK_DOWN), "director_link_down"));
	hc_outcome_text(HC_O_DIRECTOR_LINK_DOWN, 7, buf, sizeof(buf));
	EXPECT(strstr(buf, "ifindex 7") && strstr(buf, "held"), "text: %s", buf);
}

int main(void)
{
	test_history();
	test_transitions();
	test_hold();
	test_on_link();
	test_held_feeds_neutral();
	return failures ? 1 : 0;
}
