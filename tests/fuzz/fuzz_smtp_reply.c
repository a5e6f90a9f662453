/* libFuzzer target: SMTP reply scanning for smtp_check
 * (healthcheck/hc_smtp_reply.h), whole and fed in pieces.
 *
 * Input: byte 0 seeds the piece sizes (0: one byte at a time), then the
 * bytes the server sent.
 *
 * Properties: hc_smtp_reply() over the whole input, the scanner fed in
 * pieces and a line-by-line reference reading of RFC 5321 4.2 (as
 * hc_smtp_reply.h states it: continuation lines "DDD-", a last line
 * "DDD text" or a bare "DDD", one code per reply, bare LF accepted, caps on
 * a line and on the reply, garbage refused in a line's first three bytes)
 * agree on the code and the bytes used; a reply's code is its first three
 * bytes, it ends in a line end, and one byte less of it is incomplete,
 * not wrong. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hc_smtp_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The reference: one line at a time, each checked when it is complete,
 * the byte-level checks (caps, a non-digit in the first three) at the
 * byte where they show. */
static int reference(const char *b, size_t len, size_t *used)
{
	size_t ls = 0;
	int code = 0;

	*used = 0;
	for (;;) {
		size_t i = ls, n;
		int c;

		for (; i < len; i++) {
			if (i >= HC_SMTP_MAX_REPLY)
				return HC_SMTP_TOO_LONG;
			/* the cap counts the line end too (hc_smtp_reply.h) */
			if (i - ls + 1 > HC_SMTP_MAX_LINE)
				return HC_SMTP_TOO_LONG;
			if (b[i] == '\n')
				break;
			if (i - ls < 3 && !digit(b[i]))
				return HC_SMTP_BAD;
		}
		if (i == len)
			return 0;
		n = i - ls;
		if (n == 4 && b[ls + 3] == '\r')
			n = 3;
		if (n < 3)
			return HC_SMTP_BAD;
		c = (b[ls] - '0') * 100 + (b[ls + 1] - '0') * 10 + (b[ls + 2] - '0');
		if (c < 100 || (code && c != code))
			return HC_SMTP_BAD;
		code = c;
		if (n == 3 || b[ls + 3] == ' ') {
			*used = i + 1;
			return code;
		}
		if (b[ls + 3] != '-')
			return HC_SMTP_BAD;
		ls = i + 1;
	}
}

/* The scanner fed pieces of 1..MAXP bytes (LCG from SEED). */
static int pieces(const char *b, size_t len, uint8_t seed, size_t *used)
{
	struct hc_smtp_scan s;
	uint32_t lcg = seed;
	size_t off = 0, maxp = seed ? seed : 1;

	hc_smtp_scan_init(&s);
	*used = 0;
	while (off < len) {
		size_t n, u = 0;
		int r;

		lcg = lcg * 1103515245u + 12345u;
		n = 1 + (lcg >> 16) % maxp;
		if (n > len - off)
			n = len - off;
		r = hc_smtp_scan_feed(&s, b + off, n, &u);
		if (r > 0 && (u == 0 || u > n))
			abort();
		if (r == 0 && u != n)
			abort();
		if (r != 0) {
			*used = r > 0 ? off + u : 0;
			return r;
		}
		off += n;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, uw, up, ur, u1;
	char *b;
	int cw, cp, cr;

	if (size < 1)
		return 0;
	len = size - 1;
	b = malloc(len ? len : 1); /* exact size: ASan sees any overread */
	if (!b)
		return 0;
	memcpy(b, data + 1, len);
	cw = hc_smtp_reply(b, len, &uw);
	cp = pieces(b, len, data[0], &up);
	cr = reference(b, len, &ur);
	if (cw != cp || cw != cr || uw != up || uw != ur)
		abort();
	if (cw != 0 && cw != HC_SMTP_BAD && cw != HC_SMTP_TOO_LONG && (cw < 100 || cw > 999))
		abort();
	if (cw > 0) {
		int first = (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0');

		if (uw < 4 || uw > len || b[uw - 1] != '\n' || first != cw)
			abort();
		if (hc_smtp_reply(b, uw - 1, &u1) != 0 || u1 != 0)
			abort();
	} else if (uw != 0) {
		abort();
	}
	free(b);
	return 0;
}
