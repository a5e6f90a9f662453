/* Table tests of the monitor's event lines (daemon/events_fmt.c): both
 * forms, quoting and escaping, control bytes, and cutting at the line's
 * bound (a cut JSON line still parses: checked here by a tiny validator). */
#include <stdio.h>
#include <string.h>

#include "events_fmt.h"
#include "unit.h"

struct fmt_case {
	const char *kind, *k1, *v1, *k2;
	long long n2;
	const char *text, *json;
};

#define T0 1796532600123456ULL /* 2026-12-06T04:50:00.123456Z */

static const struct fmt_case cases[] = {
    {"vrrp", "instance", "VI_1", NULL, 0, "2026-12-06T04:50:00.123456Z seq=7 vrrp instance=VI_1\n",
     "{\"seq\":7,\"time\":\"2026-12-06T04:50:00.123456Z\",\"event\":\"vrrp\","
     "\"instance\":\"VI_1\"}\n"},
    {"vrrp", "reason", "higher priority", NULL, 0,
     "2026-12-06T04:50:00.123456Z seq=7 vrrp reason=\"higher priority\"\n",
     "{\"seq\":7,\"time\":\"2026-12-06T04:50:00.123456Z\",\"event\":\"vrrp\","
     "\"reason\":\"higher priority\"}\n"},
    {"runtime", "action", "weight", "uid", 1000,
     "2026-12-06T04:50:00.123456Z seq=7 runtime action=weight uid=1000\n",
     "{\"seq\":7,\"time\":\"2026-12-06T04:50:00.123456Z\",\"event\":\"runtime\","
     "\"action\":\"weight\",\"uid\":1000}\n"},
    {"reload", "errors", "a \"b\" c\\d\ne", NULL, 0,
     "2026-12-06T04:50:00.123456Z seq=7 reload errors=\"a \\\"b\\\" c\\\\d?e\"\n",
     "{\"seq\":7,\"time\":\"2026-12-06T04:50:00.123456Z\",\"event\":\"reload\","
     "\"errors\":\"a \\\"b\\\" c\\\\d?e\"}\n"},
    {"reload", "result", "", "n", -3, "2026-12-06T04:50:00.123456Z seq=7 reload result=\"\" n=-3\n",
     "{\"seq\":7,\"time\":\"2026-12-06T04:50:00.123456Z\",\"event\":\"reload\","
     "\"result\":\"\",\"n\":-3}\n"},
    {"ipvs", "k", "a=b\x7f", NULL, 0, "2026-12-06T04:50:00.123456Z seq=7 ipvs k=\"a=b?\"\n",
     "{\"seq\":7,\"time\":\"2026-12-06T04:50:00.123456Z\",\"event\":\"ipvs\","
     "\"k\":\"a=b?\"}\n"},
};

/* Enough of JSON for one flat object of strings and integers. */
static int valid_json_line(const char *s)
{
	if (*s++ != '{')
		return 0;
	for (;;) {
		if (*s++ != '"')
			return 0;
		while (*s && *s != '"')
			s += *s == '\\' ? 2 : 1;
		if (*s++ != '"' || *s++ != ':')
			return 0;
		if (*s == '"') {
			s++;
			while (*s && *s != '"') {
				if ((unsigned char)*s < 0x20)
					return 0;
				s += *s == '\\' ? 2 : 1;
			}
			if (*s++ != '"')
				return 0;
		} else {
			if (*s == '-')
				s++;
			if (*s < '0' || *s > '9')
				return 0;
			while (*s >= '0' && *s <= '9')
				s++;
		}
		if (*s == '}')
			return strcmp(s, "}\n") == 0;
		if (*s++ != ',')
			return 0;
	}
}

static void check_cut(void)
{
	static char big[3 * HD_EVENT_LINE_MAX];
	char buf[HD_EVENT_LINE_MAX];

	/* Every length around the bound, with escapes that could be split. */
	for (size_t len = HD_EVENT_LINE_MAX - 200; len < HD_EVENT_LINE_MAX + 10; len++) {
		for (size_t i = 0; i < len; i++)
			big[i] = i % 3 ? 'x' : '"';
		big[len] = '\0';
		for (int json = 0; json < 2; json++) {
			struct hd_event ev = {.seq = 1, .realtime_usec = T0, .kind = "reload"};
			hd_event_str(&ev, "result", "failed");
			hd_event_str(&ev, "errors", big);
			hd_event_num(&ev, "n", 12345);
			size_t n = hd_event_format(&ev, json, buf);
			EXPECT(n < HD_EVENT_LINE_MAX && n == strlen(buf), "len %zu: %zu", len, n);
			EXPECT(buf[n - 1] == '\n' && !memchr(buf, '\n', n - 1), "len %zu", len);
			if (json)
				EXPECT(valid_json_line(buf), "len %zu: %s", len, buf + n - 40);
		}
	}
	/* More fields than room: the rest are ignored. */
	struct hd_event ev = {.seq = 2, .realtime_usec = T0, .kind = "x"};
	for (int i = 0; i < HD_EVENT_MAX_FIELDS + 3; i++)
		hd_event_num(&ev, "k", i);
	CHECK(ev.n == HD_EVENT_MAX_FIELDS);
	hd_event_format(&ev, true, buf);
	CHECK(valid_json_line(buf));
}

int main(void)
{
	char buf[HD_EVENT_LINE_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fmt_case *c = &cases[i];
		struct hd_event ev = {.seq = 7, .realtime_usec = T0, .kind = c->kind};
		hd_event_str(&ev, c->k1, c->v1);
		if (c->k2)
			hd_event_num(&ev, c->k2, c->n2);
		size_t n = hd_event_format(&ev, false, buf);
		EXPECT(strcmp(buf, c->text) == 0 && n == strlen(buf), "case %zu text: %s", i, buf);
		n = hd_event_format(&ev, true, buf);
		EXPECT(strcmp(buf, c->json) == 0 && n == strlen(buf), "case %zu json: %s", i, buf);
		EXPECT(valid_json_line(buf), "case %zu", i);
	}
	check_cut();
	return failures != 0;
}
