/* Event lines (events_fmt.h). Bounded by construction: every write goes
 * through put(), which writes all of its bytes or none; a value is cut
 * between characters (never inside an escape) and a field that does not
 * fit is left out whole, so a cut line is still one valid JSON object. */
#include "events_fmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct line {
	char *buf;
	size_t len, cap; /* cap leaves room for the closing "}\n" */
	bool full;	 /* a put did not fit */
};

static void put(struct line *l, const char *s, size_t n)
{
	if (n > l->cap - l->len) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static bool needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (*s == ' ' || *s == '"' || *s == '\\' || *s == '=' || (unsigned char)*s < 0x20 ||
		    (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* A value, quoted and escaped as the form wants. Control bytes (a reason
 * or a config error could carry one) become '?' so a line stays a line. */
static void put_value(struct line *l, const char *s, bool json)
{
	bool q = json || needs_quotes(s);

	if (q)
		put(l, "\"", 1);
	if (l->full)
		return;
	l->cap -= q; /* the closing quote always fits */
	for (; *s && !l->full; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			put(l, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			put(l, "?", 1);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
	l->cap += q;
	if (q)
		put(l, "\"", 1);
}

static void put_time(struct line *l, uint64_t usec, bool json)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	char ts[64];

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%06uZ", (unsigned)(usec % 1000000));
	if (json)
		put_value(l, ts, true);
	else
		puts_(l, ts);
}

size_t hd_event_format(const struct hd_event *ev, bool json, char *buf)
{
	struct line l = {buf, 0, HD_EVENT_LINE_MAX - 3, false};
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, ev->seq);
	if (json) {
		puts_(&l, "{\"seq\":");
		puts_(&l, num);
		puts_(&l, ",\"time\":");
		put_time(&l, ev->realtime_usec, true);
		puts_(&l, ",\"event\":");
		put_value(&l, ev->kind, true);
	} else {
		put_time(&l, ev->realtime_usec, false);
		puts_(&l, " seq=");
		puts_(&l, num);
		puts_(&l, " ");
		puts_(&l, ev->kind);
	}
	for (size_t i = 0; i < ev->n && i < HD_EVENT_MAX_FIELDS && !l.full; i++) {
		const struct hd_event_field *f = &ev->f[i];
		size_t start = l.len;
		if (json) {
			puts_(&l, ",");
			put_value(&l, f->key, true);
			puts_(&l, ":");
		} else {
			puts_(&l, " ");
			puts_(&l, f->key);
			puts_(&l, "=");
		}
		if (f->str && !l.full) {
			put_value(&l, f->str, json); /* cut, if need be, yet closed */
			continue;
		}
		snprintf(num, sizeof(num), "%lld", f->num);
		if (!l.full)
			puts_(&l, num);
		if (l.full) /* not even its key, or its number: left out */
			l.len = start;
	}
	l.cap = HD_EVENT_LINE_MAX - 1; /* the closing bytes always fit */
	l.full = false;
	if (json)
		puts_(&l, "}");
	puts_(&l, "\n");
	buf[l.len] = '\0';
	return l.len;
}

void hd_event_str(struct hd_event *ev, const char *key, const char *val)
{
	if (ev->n >= HD_EVENT_MAX_FIELDS)
		return;
	ev->f[ev->n++] = (struct hd_event_field){key, val ? val : "", 0};
}

void hd_event_num(struct hd_event *ev, const char *key, long long val)
{
	if (ev->n >= HD_EVENT_MAX_FIELDS)
		return;
	ev->f[ev->n++] = (struct hd_event_field){key, NULL, val};
}
