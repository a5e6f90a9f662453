/* PURE SMTP reply scanning; see hc_smtp_reply.h. */
#include "config.h"

#include "hc_smtp_reply.h"

#include <stdbool.h>
#include <string.h>

void hc_smtp_scan_init(struct hc_smtp_scan *s)
{
	memset(s, 0, sizeof(*s));
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The current line ended (its line end not counted in COL): 1 when it
 * was the reply's last, 0 when more lines follow, HC_SMTP_BAD. */
static int line_end(struct hc_smtp_scan *s)
{
	uint32_t n = s->col;

	if (n == 4 && s->head[3] == '\r')
		n = 3; /* "DDD" CR LF (a longer line's CR is only text to skip) */
	if (n < 3)
		return HC_SMTP_BAD;
	int c = (s->head[0] - '0') * 100 + (s->head[1] - '0') * 10 + (s->head[2] - '0');
	if (c < 100 || (s->code && c != s->code))
		return HC_SMTP_BAD;
	s->code = c;
	s->col = 0;
	if (n == 3 || s->head[3] == ' ')
		return 1;
	return s->head[3] == '-' ? 0 : HC_SMTP_BAD;
}

int hc_smtp_scan_feed(struct hc_smtp_scan *s, const char *buf, size_t len, size_t *used)
{
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];

		if (++s->total > HC_SMTP_MAX_REPLY)
			return HC_SMTP_TOO_LONG;
		if (ch == '\n') {
			int r = line_end(s);
			if (r < 0)
				return r;
			if (r) {
				*used = i + 1;
				return s->code;
			}
			continue;
		}
		/* Garbage shows in the first three bytes: no need to wait for
		 * the line's end (a server that never sends one). */
		if (s->col < 3 && !digit(ch))
			return HC_SMTP_BAD;
		if (s->col < 4)
			s->head[s->col] = ch;
		if (++s->col >= HC_SMTP_MAX_LINE) /* and the LF to come */
			return HC_SMTP_TOO_LONG;
	}
	*used = len;
	return 0;
}

int hc_smtp_reply(const char *buf, size_t len, size_t *used)
{
	struct hc_smtp_scan s;
	size_t n = 0;
	int code;

	hc_smtp_scan_init(&s);
	code = hc_smtp_scan_feed(&s, buf, len, &n);
	*used = code > 0 ? n : 0;
	return code;
}
