/* PURE: agent_check's reply line; the protocol is described in
 * hc_agent_line.h. */
#include "config.h"

#include "hc_agent_line.h"

#include <string.h>
#include <strings.h>

static const char *const parse_names[HC_AGENT_PARSE__MAX] = {
    [HC_AGENT_PARSE_OK] = "ok",
    [HC_AGENT_PARSE_EMPTY] = "empty",
    [HC_AGENT_PARSE_UNKNOWN_WORD] = "unknown_word",
    [HC_AGENT_PARSE_BAD_WEIGHT] = "bad_weight",
    [HC_AGENT_PARSE_BINARY] = "binary",
    [HC_AGENT_PARSE_TOO_LONG] = "too_long",
};

const char *hc_agent_parse_name(enum hc_agent_parse p)
{
	return (unsigned)p < HC_AGENT_PARSE__MAX ? parse_names[p] : "unknown";
}

const char *hc_agent_state_name(enum hc_agent_state s)
{
	switch (s) {
	case HC_AGENT_STATE_UP:
		return "up";
	case HC_AGENT_STATE_DOWN:
		return "down";
	case HC_AGENT_STATE_MAINT:
		return "maint";
	case HC_AGENT_STATE_DRAIN:
		return "drain";
	default:
		return "none";
	}
}

long hc_agent_line_end(const char *buf, size_t n)
{
	const char *nl = memchr(buf, '\n', n);

	return nl ? nl - buf : -1;
}

static const struct {
	const char *word;
	enum hc_agent_state state;
} words[] = {
    {"up", HC_AGENT_STATE_UP},	      {"ready", HC_AGENT_STATE_UP},
    {"down", HC_AGENT_STATE_DOWN},    {"fail", HC_AGENT_STATE_DOWN},
    {"stopped", HC_AGENT_STATE_DOWN}, {"maint", HC_AGENT_STATE_MAINT},
    {"drain", HC_AGENT_STATE_DRAIN},
};

/* Digits only, at most MAX; -1 otherwise (no sign, no blank, no overflow:
 * at most 7 digits are looked at before the bound fails). */
static long number(const char *s, size_t n, unsigned max)
{
	unsigned long v = 0;

	if (!n || n > 7)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= max ? (long)v : -1;
}

static enum hc_agent_parse word(const char *w, size_t n, struct hc_agent_reply *out)
{
	long v;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == n && !strncasecmp(w, words[i].word, n)) {
			out->state = words[i].state;
			return HC_AGENT_PARSE_OK;
		}
	if (n > 8 && !strncasecmp(w, "maxconn:", 8)) {
		for (size_t i = 8; i < n; i++)
			if (w[i] < '0' || w[i] > '9' || n > 8 + 10)
				return HC_AGENT_PARSE_BAD_WEIGHT;
		return HC_AGENT_PARSE_OK;
	}
	if (w[0] >= '0' && w[0] <= '9') {
		bool pct = w[n - 1] == '%';

		v = number(w, n - pct, pct ? HC_AGENT_PCT_MAX : HC_AGENT_ABS_MAX);
		if (v < 0)
			return HC_AGENT_PARSE_BAD_WEIGHT;
		out->wkind = pct ? HC_AGENT_W_PCT : HC_AGENT_W_ABS;
		out->weight = (unsigned)v;
		return HC_AGENT_PARSE_OK;
	}
	return HC_AGENT_PARSE_UNKNOWN_WORD;
}

static bool sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

enum hc_agent_parse hc_agent_parse(const char *buf, size_t n, bool complete,
				   struct hc_agent_reply *out)
{
	static const struct hc_agent_reply none = {HC_AGENT_STATE_NONE, HC_AGENT_W_NONE, 0};
	struct hc_agent_reply r = none;
	long end = hc_agent_line_end(buf, n < HC_AGENT_LINE_MAX ? n : HC_AGENT_LINE_MAX);
	size_t len = end >= 0 ? (size_t)end : n;
	bool any = false;

	*out = none;
	if (end < 0 && (!complete || n >= HC_AGENT_LINE_MAX))
		return HC_AGENT_PARSE_TOO_LONG;
	if (len && buf[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 ? buf[i] != '\t' : (unsigned char)buf[i] > 0x7e)
			return HC_AGENT_PARSE_BINARY;
	for (size_t i = 0; i < len && buf[i] != '#';) {
		size_t j = i;
		enum hc_agent_parse p;

		if (sep(buf[i])) {
			i++;
			continue;
		}
		while (j < len && !sep(buf[j]) && buf[j] != '#')
			j++;
		if ((p = word(buf + i, j - i, &r)) != HC_AGENT_PARSE_OK)
			return p;
		any = true;
		i = j;
	}
	if (!any)
		return HC_AGENT_PARSE_EMPTY;
	*out = r;
	return HC_AGENT_PARSE_OK;
}

unsigned hc_agent_weight(unsigned cfg, enum hc_agent_wkind kind, unsigned w, unsigned min_pct,
			 unsigned max_pct)
{
	unsigned long long lo = (unsigned long long)cfg * min_pct / 100;
	unsigned long long hi = (unsigned long long)cfg * max_pct / 100, v;

	if (kind == HC_AGENT_W_NONE)
		return cfg;
	v = kind == HC_AGENT_W_PCT ? (unsigned long long)cfg * w / 100 : w;
	if (hi < lo)
		hi = lo;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v > HC_AGENT_ABS_MAX ? HC_AGENT_ABS_MAX : (unsigned)v;
}
