/* libFuzzer target: agent_check's reply line (healthcheck/hc_agent_line.h).
 *
 * Input: the bytes an agent sent. Properties: the parse is the same
 * whether the connection ended or not once a line end is there; garbage
 * leaves the reply all NONE; an OK reply's weight is within its kind's
 * range (a line of maxconn:N alone is OK and says nothing); nothing past the first line
 * end (or past HC_AGENT_LINE_MAX) changes the verdict; the weight bounds
 * always give a value within [cfg*min/100, max(cfg*max/100, that)]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hc_agent_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct hc_agent_reply r, r2;
	enum hc_agent_parse p = hc_agent_parse(b, size, true, &r);
	long end = hc_agent_line_end(b, size < HC_AGENT_LINE_MAX ? size : HC_AGENT_LINE_MAX);

	if ((unsigned)p >= HC_AGENT_PARSE__MAX)
		abort();
	if (p != HC_AGENT_PARSE_OK && (r.state || r.wkind || r.weight))
		abort();
	if (p == HC_AGENT_PARSE_OK) {
		if (r.wkind == HC_AGENT_W_PCT && r.weight > HC_AGENT_PCT_MAX)
			abort();
		if (r.wkind == HC_AGENT_W_ABS && r.weight > HC_AGENT_ABS_MAX)
			abort();
	}
	if (end >= 0) {
		/* a line end: whether the connection ended does not matter, and
		 * neither does what follows it */
		if (hc_agent_parse(b, size, false, &r2) != p || memcmp(&r, &r2, sizeof(r)))
			abort();
		if (hc_agent_parse(b, (size_t)end + 1, true, &r2) != p ||
		    memcmp(&r, &r2, sizeof(r)))
			abort();
	} else if (size >= HC_AGENT_LINE_MAX && p != HC_AGENT_PARSE_TOO_LONG) {
		abort();
	}
	if (size >= 4) {
		unsigned cfg = (unsigned)data[0] << 8 | data[1], min = data[2] * 4u,
			 max = data[3] * 4u;
		unsigned lo = (unsigned)((unsigned long long)cfg * min / 100);
		unsigned hi = (unsigned)((unsigned long long)cfg * max / 100);
		unsigned w = hc_agent_weight(cfg, r.wkind, r.weight, min, max);
		if (hi < lo)
			hi = lo;
		if (r.wkind && (w < lo || w > hi) && w != HC_AGENT_ABS_MAX)
			abort();
		if (!r.wkind && w != cfg)
			abort();
	}
	return 0;
}
