/* Event lines for `hadirectorctl monitor` (PURE: no I/O, no loop). An
 * event is a kind and a few named fields; it is formatted once per output
 * form, text or JSON, and the same bytes go to every subscriber of that
 * form. Every event has a sequence number, one more than the event before,
 * so a client can tell it missed one. */
#ifndef HD_EVENTS_FMT_H
#define HD_EVENTS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_EVENT_MAX_FIELDS 8
/* One line, newline included, at most this long: a longer value is cut
 * (a reload's errors are many lines: the first ones fit). */
#define HD_EVENT_LINE_MAX 2048

struct hd_event_field {
	const char *key;
	const char *str; /* NULL: NUM is the value */
	long long num;
};

struct hd_event {
	uint64_t seq;
	uint64_t realtime_usec; /* CLOCK_REALTIME, printed as UTC */
	const char *kind;	/* vrrp, sync_group, real_server, reload, runtime, ipvs */
	size_t n;
	struct hd_event_field f[HD_EVENT_MAX_FIELDS];
};

/* The line for EV into BUF (HD_EVENT_LINE_MAX bytes), newline-terminated.
 * Text: "2026-12-06T04:50:00.123456Z seq=7 vrrp instance=VI_1 from=BACKUP
 * to=MASTER reason=\"higher priority\"": a value with a blank, a quote, a
 * backslash or '=' is quoted, quotes and backslashes escaped; control bytes
 * become '?' in both forms. JSON: {"seq":7,"time":"...","event":"vrrp",
 * "instance":"VI_1",...}, numbers as numbers. Returns the length. */
size_t hd_event_format(const struct hd_event *ev, bool json, char *buf);

/* Add a field to EV (ignored past HD_EVENT_MAX_FIELDS). */
void hd_event_str(struct hd_event *ev, const char *key, const char *val);
void hd_event_num(struct hd_event *ev, const char *key, long long val);

#endif
