/* Table tests of agent_check's reply parser and weight bounds
 * (healthcheck/hc_agent_line.c): every word, combinations, the last word
 * winning, comments, CR LF, and each kind of garbage (unknown word, bad
 * weight, binary, too long, empty) reported by name with nothing taken
 * from the line. */
#include <stdio.h>
#include <string.h>

#include "healthcheck/hc_agent_line.h"
#include "unit.h"

static const struct {
	const char *in;
	enum hc_agent_parse p;
	enum hc_agent_state st;
	enum hc_agent_wkind wk;
	unsigned w;
} cases[] = {
    {"up\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_NONE, 0},
    {"ready\r\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_NONE, 0},
    {"UP\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_NONE, 0},
    {"down\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_DOWN, HC_AGENT_W_NONE, 0},
    {"fail\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_DOWN, HC_AGENT_W_NONE, 0},
    {"stopped#disk full\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_DOWN, HC_AGENT_W_NONE, 0},
    {"maint\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_MAINT, HC_AGENT_W_NONE, 0},
    {"drain\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_DRAIN, HC_AGENT_W_NONE, 0},
    {"75%\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_NONE, HC_AGENT_W_PCT, 75},
    {"0%\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_NONE, HC_AGENT_W_PCT, 0},
    {"1000%\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_NONE, HC_AGENT_W_PCT, 1000},
    {"42\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_NONE, HC_AGENT_W_ABS, 42},
    {"65535\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_NONE, HC_AGENT_W_ABS, 65535},
    {"up 75%\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_PCT, 75},
    {"up,50%,maxconn:30\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_PCT, 50},
    {" \tdrain , 10% \n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_DRAIN, HC_AGENT_W_PCT, 10},
    {"up down\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_DOWN, HC_AGENT_W_NONE,
     0}, /* the last state wins */
    {"50% 20%\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_NONE, HC_AGENT_W_PCT,
     20}, /* the last weight wins */
    {"up # 90% is not read\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_NONE, 0},
    {"ready", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_NONE,
     0}, /* the connection ended the line */
    {"up\nnot read\n", HC_AGENT_PARSE_OK, HC_AGENT_STATE_UP, HC_AGENT_W_NONE, 0}, /* one line */
    {"\n", HC_AGENT_PARSE_EMPTY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"   ,\r\n", HC_AGENT_PARSE_EMPTY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"#only a comment\n", HC_AGENT_PARSE_EMPTY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"", HC_AGENT_PARSE_EMPTY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"hello\n", HC_AGENT_PARSE_UNKNOWN_WORD, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"up sideways\n", HC_AGENT_PARSE_UNKNOWN_WORD, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"upx\n", HC_AGENT_PARSE_UNKNOWN_WORD, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"HTTP/1.0 400 Bad Request\r\n", HC_AGENT_PARSE_UNKNOWN_WORD, HC_AGENT_STATE_NONE,
     HC_AGENT_W_NONE, 0},
    {"1001%\n", HC_AGENT_PARSE_BAD_WEIGHT, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"65536\n", HC_AGENT_PARSE_BAD_WEIGHT, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"99999999999999999999%\n", HC_AGENT_PARSE_BAD_WEIGHT, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"7x%\n", HC_AGENT_PARSE_BAD_WEIGHT, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"%\n", HC_AGENT_PARSE_UNKNOWN_WORD, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"50%%\n", HC_AGENT_PARSE_BAD_WEIGHT, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"maxconn:x\n", HC_AGENT_PARSE_BAD_WEIGHT, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"up\x01\n", HC_AGENT_PARSE_BINARY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"up\xff\n", HC_AGENT_PARSE_BINARY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
    {"u\rp\n", HC_AGENT_PARSE_BINARY, HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hc_agent_reply r;
		enum hc_agent_parse p = hc_agent_parse(cases[i].in, strlen(cases[i].in), true, &r);

		EXPECT(p == cases[i].p, "'%s': %s, want %s", cases[i].in, hc_agent_parse_name(p),
		       hc_agent_parse_name(cases[i].p));
		EXPECT(r.state == cases[i].st && r.wkind == cases[i].wk && r.weight == cases[i].w,
		       "'%s': state %s kind %d weight %u", cases[i].in,
		       hc_agent_state_name(r.state), r.wkind, r.weight);
	}
}

/* A NUL inside the line is binary, not an end. */
static void test_nul(void)
{
	struct hc_agent_reply r;

	CHECK(hc_agent_parse("up\0down\n", 8, true, &r) == HC_AGENT_PARSE_BINARY);
}

/* Without a line end: too long at the cap, or while more may come. */
static void test_long(void)
{
	char buf[HC_AGENT_LINE_MAX * 2];
	struct hc_agent_reply r;

	memset(buf, 'u', sizeof(buf));
	CHECK(hc_agent_line_end(buf, sizeof(buf)) < 0);
	CHECK(hc_agent_parse(buf, HC_AGENT_LINE_MAX, false, &r) == HC_AGENT_PARSE_TOO_LONG);
	CHECK(hc_agent_parse(buf, sizeof(buf), true, &r) == HC_AGENT_PARSE_TOO_LONG);
	/* a line end past the cap does not count */
	buf[HC_AGENT_LINE_MAX + 3] = '\n';
	CHECK(hc_agent_parse(buf, sizeof(buf), true, &r) == HC_AGENT_PARSE_TOO_LONG);
	/* a line of exactly the cap, line end included, is read */
	memset(buf, ' ', HC_AGENT_LINE_MAX);
	memcpy(buf, "up", 2);
	buf[HC_AGENT_LINE_MAX - 1] = '\n';
	CHECK(hc_agent_parse(buf, HC_AGENT_LINE_MAX, false, &r) == HC_AGENT_PARSE_OK);
	CHECK(r.state == HC_AGENT_STATE_UP);
}

static const struct {
	unsigned cfg;
	enum hc_agent_wkind k;
	unsigned w, min, max, want;
} bounds[] = {
    {100, HC_AGENT_W_NONE, 7, 0, 100, 100},  {100, HC_AGENT_W_PCT, 75, 0, 100, 75},
    {100, HC_AGENT_W_PCT, 150, 0, 100, 100}, /* never above max */
    {100, HC_AGENT_W_PCT, 150, 0, 200, 150}, {100, HC_AGENT_W_PCT, 5, 20, 100, 20},
    {100, HC_AGENT_W_ABS, 7, 0, 100, 7},     {100, HC_AGENT_W_ABS, 500, 0, 100, 100},
    {100, HC_AGENT_W_ABS, 0, 50, 100, 50},   {3, HC_AGENT_W_PCT, 50, 0, 100, 1},
    {0, HC_AGENT_W_PCT, 100, 0, 1000, 0},    {65535, HC_AGENT_W_PCT, 1000, 0, 1000, 65535},
    {100, HC_AGENT_W_PCT, 50, 80, 60, 80}, /* min above max: min */
};

static void test_bounds(void)
{
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		unsigned w = hc_agent_weight(bounds[i].cfg, bounds[i].k, bounds[i].w, bounds[i].min,
					     bounds[i].max);
		EXPECT(w == bounds[i].want, "case %zu: %u, want %u", i, w, bounds[i].want);
	}
}

int main(void)
{
	test_cases();
	test_nul();
	test_long();
	test_bounds();
	return failures ? 1 : 0;
}
