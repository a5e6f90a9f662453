/* See metrics_req.h. */
#include "metrics_req.h"

#include <stdbool.h>
#include <string.h>

static bool word_is(const char *p, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(p, w, n) == 0;
}

/* The request line: METHOD SP TARGET SP HTTP/1.x, up to its line end. */
static enum hd_metrics_req request_line(const char *buf, size_t len)
{
	const char *eol = memchr(buf, '\n', len);
	size_t n = eol ? (size_t)(eol - buf) : len;
	const char *sp1 = memchr(buf, ' ', n);
	if (!sp1)
		return HD_MREQ_BAD;
	const char *target = sp1 + 1;
	const char *sp2 = memchr(target, ' ', n - (size_t)(target - buf));
	if (!sp2)
		return HD_MREQ_BAD;
	const char *version = sp2 + 1;
	if (n - (size_t)(version - buf) < 7 || memcmp(version, "HTTP/1.", 7) != 0)
		return HD_MREQ_BAD;
	size_t mlen = (size_t)(sp1 - buf), tlen = (size_t)(sp2 - target);
	bool head = word_is(buf, mlen, "HEAD");
	if (!head && !word_is(buf, mlen, "GET"))
		return HD_MREQ_METHOD;
	const char *q = memchr(target, '?', tlen); /* a query string is ignored */
	size_t plen = q ? (size_t)(q - target) : tlen;
	if (word_is(target, plen, "/metrics"))
		return head ? HD_MREQ_HEAD : HD_MREQ_GET;
	if (word_is(target, plen, "/livez"))
		return head ? HD_MREQ_LIVEZ_HEAD : HD_MREQ_LIVEZ;
	if (word_is(target, plen, "/readyz"))
		return head ? HD_MREQ_READYZ_HEAD : HD_MREQ_READYZ;
	return HD_MREQ_NOT_FOUND;
}

enum hd_metrics_req hd_metrics_req_parse(const char *buf, size_t len)
{
	/* memmem: a NUL byte in the request must not hide its end */
	if (memmem(buf, len, "\r\n\r\n", 4) || memmem(buf, len, "\n\n", 2))
		return request_line(buf, len);
	return len >= HD_METRICS_REQ_MAX ? HD_MREQ_TOO_LARGE : HD_MREQ_MORE;
}
