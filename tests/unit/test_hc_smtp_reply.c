/* Table-driven tests of SMTP reply scanning (healthcheck/hc_smtp_reply.c). */
#include <stdio.h>
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
};

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
	}
	if (failures)
		return 1;
	puts("test_hc_smtp_reply: all passed");
	return 0;
}
