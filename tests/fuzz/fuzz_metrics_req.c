/* libFuzzer target: the /metrics HTTP request through hd_metrics_req_parse(),
 * fed the way metrics_http.c feeds it: the bytes received so far, growing
 * one read at a time, judged after each read until it stops asking for
 * more. Invariants: the verdict is a known one; once given it is the same
 * for every longer prefix (more bytes after the blank line never change
 * the answer); MORE only while under the request bound and with no blank
 * line; the same bytes in one read or split in reads of 1-63 bytes (the
 * first input byte) get the same verdict. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_end(const char *p, size_t n)
{
	return memmem(p, n, "\r\n\r\n", 4) || memmem(p, n, "\n\n", 2);
}

/* Feed DATA[1..] in reads whose sizes come from the first byte's bits;
 * return the first verdict that is not MORE (or MORE at the end). */
static enum hd_metrics_req feed(const char *buf, size_t size, unsigned step)
{
	enum hd_metrics_req r = HD_MREQ_MORE;
	size_t len = 0;

	while (len < size && len < HD_METRICS_REQ_MAX) {
		size_t n = step ? step : size;
		if (n > size - len)
			n = size - len;
		if (n > HD_METRICS_REQ_MAX - len)
			n = HD_METRICS_REQ_MAX - len;
		len += n;
		r = hd_metrics_req_parse(buf, len);
		if ((unsigned)r >= HD_MREQ__MAX)
			abort();
		if (r == HD_MREQ_MORE && (has_end(buf, len) || len >= HD_METRICS_REQ_MAX))
			abort();
		if (r == HD_MREQ_TOO_LARGE && (has_end(buf, len) || len < HD_METRICS_REQ_MAX))
			abort();
		if (r != HD_MREQ_MORE)
			return r;
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned step = data[0] & 0x3f;
	data++;
	size--;
	/* A heap copy of exactly SIZE bytes: ASan sees any read past it. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	enum hd_metrics_req whole = feed(buf, size, 0);
	enum hd_metrics_req split = feed(buf, size, step);
	/* The daemon stops reading at the first verdict, on a prefix that
	 * holds the first blank line and so the whole request line. */
	if (whole != split)
		abort();
	free(buf);
	return 0;
}
