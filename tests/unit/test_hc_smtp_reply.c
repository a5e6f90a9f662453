/* Table-driven tests of SMTP reply scanning (healthcheck/hc_smtp_reply.c):
 * whole replies, every reply fed in pieces of every size, a long
 * multi-line greeting, and the caps on a line and on a reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck/hc_smtp_reply.h"
#include "unit.h"

static const struct {
	const char *in;
	int code;
	size_t used; /* (size_t)-1: the whole input */
} cases[] = {
    {"220 mx.example ESMTP\r\n", 220, (size_t)-1},
    {"220 mx.example ESMTP\n", 220, (size_t)-1},
    {"220\r\n", 220, (size_t)-1},
    {"250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 250, (size_t)-1},
    {"250 ok\r\n221 extra\r\n", 250, 8},
    {"554 no service\r\n", 554, (size_t)-1},
    {"", 0, 0},
    {"22", 0, 0},
    {"220 partial", 0, 0},
    {"220-first line\r\n", 0, 0},
    {"220-first line\r\n220 sec", 0, 0},
    {"hello\r\n", -1, 0},
    {"HTTP/1.0 400 Bad\r\n", -1, 0},
    {"x", -1, 0},
    {"2x", -1, 0},
    {"22\r\n", -1, 0},
    {"220x\r\n", -1, 0},
    {"220-a\r\n250 b\r\n", -1, 0},
    {"000 zero\r\n", -1, 0},
    {"099 low\r\n", -1, 0},
    {"\r\n", -1, 0},
    {"220-\r\n220 \r\n", 220, (size_t)-1},
    {"220\r", 0, 0},
    {"2201\r\n", -1, 0},
};

/* IN fed in pieces of STEP bytes must give what it gives in one piece. */
static void pieces(const char *in, size_t len, int code, size_t used)
{
	for (size_t step = 1; step <= 7; step++) {
		struct hc_smtp_scan s;
		size_t off = 0, u = 0;
		int c = 0;

		hc_smtp_scan_init(&s);
		while (off < len && c == 0) {
			size_t n = len - off < step ? len - off : step;
			c = hc_smtp_scan_feed(&s, in + off, n, &u);
			off += c > 0 ? u : n;
		}
		EXPECT(c == code && (c <= 0 || off == used), "step %zu: code %d (want %d) at %zu",
		       step, c, code, off);
	}
}

/* A greeting of LINES lines of LEN bytes each (with CRLF), "220-" but
 * the last "220 ". */
static char *greeting(size_t lines, size_t len)
{
	char *g = malloc(lines * len + 1);

	for (size_t i = 0; g && i < lines; i++) {
		char *l = g + i * len;
		memset(l, 'g', len);
		memcpy(l, i + 1 < lines ? "220-" : "220 ", 4);
		memcpy(l + len - 2, "\r\n", 2);
	}
	if (g)
		g[lines * len] = 0;
	return g;
}

static void test_caps(void)
{
	/* 40 lines, 3 kB: legitimate (the old 1 kB buffer refused it). */
	char *g = greeting(40, 76);
	size_t used;
	EXPECT(g && hc_smtp_reply(g, strlen(g), &used) == 220 && used == 40 * 76, "3 kB greeting");
	if (g)
		pieces(g, strlen(g), 220, 40 * 76);
	free(g);
	/* A line of HC_SMTP_MAX_LINE bytes (with CRLF) passes, one more does not. */
	g = greeting(1, HC_SMTP_MAX_LINE);
	EXPECT(g && hc_smtp_reply(g, strlen(g), &used) == 220, "longest line");
	free(g);
	g = greeting(1, HC_SMTP_MAX_LINE + 1);
	EXPECT(g && hc_smtp_reply(g, strlen(g), &used) == HC_SMTP_TOO_LONG, "line too long");
	free(g);
	/* A line without end is cut off at the cap, not waited for. */
	g = greeting(1, 10 * HC_SMTP_MAX_LINE);
	g[strlen(g) - 2] = 'g';
	EXPECT(hc_smtp_reply(g, strlen(g), &used) == HC_SMTP_TOO_LONG, "endless line");
	free(g);
	/* The reply's cap counts line ends: exactly at it passes, one line
	 * more is too long; an endless reply stops at the cap. */
	g = greeting(HC_SMTP_MAX_REPLY / 64, 64);
	EXPECT(g && hc_smtp_reply(g, strlen(g), &used) == 220 && used == HC_SMTP_MAX_REPLY,
	       "reply at the cap");
	free(g);
	g = greeting(HC_SMTP_MAX_REPLY / 64 + 1, 64);
	EXPECT(g && hc_smtp_reply(g, strlen(g), &used) == HC_SMTP_TOO_LONG, "reply over the cap");
	free(g);
	struct hc_smtp_scan s;
	int c = 0;
	size_t fed = 0;
	hc_smtp_scan_init(&s);
	while (c == 0 && fed < 10 * HC_SMTP_MAX_REPLY) {
		c = hc_smtp_scan_feed(&s, "220-more\r\n", 10, &used);
		fed += 10;
	}
	EXPECT(c == HC_SMTP_TOO_LONG && fed <= HC_SMTP_MAX_REPLY + 10, "endless reply: %d at %zu",
	       c, fed);
	/* Each reply starts anew: the cap is per reply. */
	hc_smtp_scan_init(&s);
	for (int i = 0; i < 3; i++) {
		g = greeting(HC_SMTP_MAX_REPLY / 64, 64);
		EXPECT(hc_smtp_scan_feed(&s, g, strlen(g), &used) == 220, "reply %d", i);
		free(g);
		hc_smtp_scan_init(&s);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t used = 99,
		       want = cases[i].used == (size_t)-1 ? strlen(cases[i].in) : cases[i].used;
		int c = hc_smtp_reply(cases[i].in, strlen(cases[i].in), &used);
		if (c != cases[i].code || (c > 0 && used != want) || (c <= 0 && used != 0)) {
			fprintf(stderr, "FAIL case %zu '%s': code %d used %zu\n", i, cases[i].in, c,
				used);
			failures++;
		}
		pieces(cases[i].in, strlen(cases[i].in), cases[i].code, want);
	}
	test_caps();
	if (failures)
		return 1;
	puts("test_hc_smtp_reply: all passed");
	return 0;
}
