/* PURE: agent_check's reply line (HAProxy's agent-check protocol) and the
 * weight an agent may set. No I/O; table-tested in
 * tests/unit/test_hc_agent_line.c, fuzzed by tests/fuzz/fuzz_agent_line.c.
 *
 * The real server answers a TCP connection on its agent port with one line
 * of words separated by blanks, tabs or commas, case-insensitive, ended by
 * LF (CR LF, or the connection's end, also end it):
 *   up, ready           in service, not drained by the agent
 *   down, fail, stopped out of service (a failed check: fall counts it)
 *   maint               out of service, as down (reported as maint)
 *   drain               in service with weight 0 (no new connections)
 *   N%                  weight N percent of the configured one (0..1000)
 *   N                   weight N (0..65535)
 *   maxconn:N           accepted and ignored (IPVS has u_threshold)
 *   #...                a comment: the rest of the line is not read
 * The last state word and the last weight win. Anything else, a byte that
 * is not printable ASCII, a line longer than HC_AGENT_LINE_MAX or nothing
 * but blanks makes the whole line garbage: counted, and ignored (the
 * verdict and the weight stay as they were). */
#ifndef HC_AGENT_LINE_H
#define HC_AGENT_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes read for one reply at most, its line end included. */
#define HC_AGENT_LINE_MAX 256
#define HC_AGENT_PCT_MAX  1000
#define HC_AGENT_ABS_MAX  65535

/* What parsing a line found: a named outcome. */
enum hc_agent_parse {
	HC_AGENT_PARSE_OK = 0,
	HC_AGENT_PARSE_EMPTY,	     /* nothing but blanks (or a comment) */
	HC_AGENT_PARSE_UNKNOWN_WORD, /* a word that is none of the above */
	HC_AGENT_PARSE_BAD_WEIGHT,   /* N% or N out of range, or malformed */
	HC_AGENT_PARSE_BINARY,	     /* a byte that is not printable ASCII */
	HC_AGENT_PARSE_TOO_LONG,     /* no line end within HC_AGENT_LINE_MAX */
	HC_AGENT_PARSE__MAX
};

enum hc_agent_state {
	HC_AGENT_STATE_NONE = 0, /* the line names no state */
	HC_AGENT_STATE_UP,
	HC_AGENT_STATE_DOWN,
	HC_AGENT_STATE_MAINT,
	HC_AGENT_STATE_DRAIN,
};

enum hc_agent_wkind { HC_AGENT_W_NONE = 0, HC_AGENT_W_PCT, HC_AGENT_W_ABS };

struct hc_agent_reply {
	enum hc_agent_state state;
	enum hc_agent_wkind wkind;
	unsigned weight; /* percent or absolute, by wkind */
};

/* Parse the reply in BUF (N bytes as read; COMPLETE: the connection ended,
 * so what is there is the whole reply even without a line end). Returns
 * HC_AGENT_PARSE_OK and fills OUT, or the reason the line is garbage (OUT
 * is then all NONE). Without a line end and not COMPLETE, N >=
 * HC_AGENT_LINE_MAX is TOO_LONG; less is "more to read", told by
 * hc_agent_line_end() < 0 beforehand. */
enum hc_agent_parse hc_agent_parse(const char *buf, size_t n, bool complete,
				   struct hc_agent_reply *out);
/* Index of the first LF in BUF[0..N), or -1. */
long hc_agent_line_end(const char *buf, size_t n);
const char *hc_agent_parse_name(enum hc_agent_parse p);
const char *hc_agent_state_name(enum hc_agent_state s);

/* The weight an agent's W (kind, value) gives a real server configured
 * with CFG, within MIN_PCT..MAX_PCT percent of CFG (rounded down; the
 * bounds operators set on how far an agent may move a weight). */
unsigned hc_agent_weight(unsigned cfg, enum hc_agent_wkind kind, unsigned w, unsigned min_pct,
			 unsigned max_pct);

#endif
