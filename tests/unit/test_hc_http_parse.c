/* Tests of the HTTP/1.x response parser and request builder
 * (healthcheck/hc_http_parse.c): status lines, content-length, chunked
 * and close-delimited bodies, every malformed case mapped to its reason,
 * each response fed whole, split at every byte boundary and one byte at a
 * time; the digest over a chunked body; the GET request. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "healthcheck/hc_http_parse.h"
#include "healthcheck/hc_http_resp.h"
#include "unit.h"

#define OK_UA "User-Agent: hadirector/" PACKAGE_VERSION "\r\n"

struct body {
	char buf[256];
	size_t len;
	size_t calls;
};

static void collect(void *ud, const void *data, size_t len)
{
	struct body *b = ud;

	if (b->len + len <= sizeof(b->buf))
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->calls++;
}

struct outcome {
	enum hc_http_progress pr;
	enum hc_http_err err;
	int status;
	struct body body;
};

/* Feed IN cut at POS (and, when STEP, one byte at a time), then the close
 * when EOF. */
static void run(const char *in, size_t len, bool status_only, bool eof, size_t pos, bool step,
		struct outcome *o)
{
	struct hc_http_parser p;

	memset(o, 0, sizeof(*o));
	hc_http_parser_init(&p, status_only, collect, &o->body);
	o->pr = HC_HTTP_MORE;
	if (step) {
		for (size_t i = 0; i < len && o->pr == HC_HTTP_MORE; i++)
			o->pr = hc_http_parser_feed(&p, in + i, 1);
	} else {
		o->pr = hc_http_parser_feed(&p, in, pos);
		if (o->pr == HC_HTTP_MORE)
			o->pr = hc_http_parser_feed(&p, in + pos, len - pos);
	}
	if (eof && o->pr == HC_HTTP_MORE)
		o->pr = hc_http_parser_eof(&p);
	o->err = p.err;
	o->status = p.status;
}

#define CL(n) "Content-Length: " #n "\r\n"
#define H11   "HTTP/1.1 200 OK\r\n"
#define TE_CH "Transfer-Encoding: chunked\r\n"

static const struct resp_case {
	const char *in;
	bool status_only, eof;
	enum hc_http_progress pr;
	enum hc_http_err err;
	int status;
	const char *body;
} cases[] = {
    /* content-length, close-delimited, no body */
    {H11 CL(5) "\r\nhello", 0, 0, HC_HTTP_DONE, 0, 200, "hello"},
    {H11 CL(5) "\r\nhello, and more that is not ours", 0, 0, HC_HTTP_DONE, 0, 200, "hello"},
    {H11 CL(0) "\r\n", 0, 0, HC_HTTP_DONE, 0, 200, ""},
    {H11 "Content-Length: 5, 5\r\n\r\nhello", 0, 0, HC_HTTP_DONE, 0, 200, "hello"},
    {H11 CL(5) CL(5) "\r\nhello", 0, 0, HC_HTTP_DONE, 0, 200, "hello"},
    {H11 "content-LENGTH:\t 3 \t\r\n\r\nabc", 0, 0, HC_HTTP_DONE, 0, 200, "abc"},
    {H11 "Content-Length:\r\n 3\r\n\r\nabc", 0, 0, HC_HTTP_DONE, 0, 200, "abc"}, /* folded */
    {"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the close", 0, 1, HC_HTTP_DONE, 0, 200,
     "until the close"},
    {"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the close", 0, 0, HC_HTTP_MORE, 0, 200,
     "until the close"},
    {"HTTP/1.1 200\r\n\r\n", 0, 1, HC_HTTP_DONE, 0, 200, ""},
    {"HTTP/1.1 200 \r\n\r\n", 0, 1, HC_HTTP_DONE, 0, 200, ""},
    {"HTTP/1.1  200  OK  \r\n" CL(1) "\r\nx", 0, 0, HC_HTTP_DONE, 0, 200, "x"},
    {"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 0, 0, HC_HTTP_DONE, 0, 200, "ok"},
    {"HTTP/1.1 204 No Content\r\n" CL(5) "\r\n", 0, 0, HC_HTTP_DONE, 0, 204, ""},
    {"HTTP/1.1 304 Not Modified\r\n\r\n", 0, 0, HC_HTTP_DONE, 0, 304, ""},
    {"HTTP/1.1 101 Switching\r\nUpgrade: x\r\n\r\nbinary", 0, 0, HC_HTTP_DONE, 0, 101, ""},
    {"HTTP/1.9 404 Not Found\r\n" CL(2) "X-Folded: a\r\n\tb\r\n\r\nno", 0, 0, HC_HTTP_DONE, 0, 404,
     "no"},
    {H11 "X-Obs-Text: caf\xc3\xa9\r\n" CL(1) "\r\n!", 0, 0, HC_HTTP_DONE, 0, 200, "!"},
    /* interim responses */
    {"HTTP/1.1 100 Continue\r\n\r\n" H11 CL(2) "\r\nok", 0, 0, HC_HTTP_DONE, 0, 200, "ok"},
    {"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 503 Busy\r\n", 1, 0, HC_HTTP_DONE, 0,
     503, ""},
    /* status only: nothing after the status line is read */
    {"HTTP/1.1 503 Service Unavailable\r\n", 1, 0, HC_HTTP_DONE, 0, 503, ""},
    {"HTTP/1.1 200 OK\r\nthis is no header", 1, 0, HC_HTTP_DONE, 0, 200, ""},
    {"HTTP/1.1 200 OK", 1, 0, HC_HTTP_MORE, 0, 0, ""},
    /* chunked */
    {H11 TE_CH "\r\n5\r\nhello\r\n6;ext=1;q=\"x\"\r\n world\r\n0\r\n\r\n", 0, 0, HC_HTTP_DONE, 0,
     200, "hello world"},
    {H11 "transfer-encoding: Chunked\r\n\r\nA\r\n0123456789\r\na \r\nabcdefghij\r\n0\r\n"
	 "X-Trailer: t\r\nX-Other: u\r\n\r\n",
     0, 0, HC_HTTP_DONE, 0, 200, "0123456789abcdefghij"},
    {H11 "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n", 0, 0, HC_HTTP_DONE, 0, 200,
     "zz"},
    {H11 "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n1\nz\n0\n\n", 0, 0,
     HC_HTTP_DONE, 0, 200, "z"},
    {H11 TE_CH CL(100) "\r\n1\r\nq\r\n0\r\n\r\n", 0, 0, HC_HTTP_DONE, 0, 200, "q"},
    {H11 "Transfer-Encoding: chunked, gzip\r\n\r\nall of it", 0, 1, HC_HTTP_DONE, 0, 200,
     "all of it"},
    {H11 TE_CH "\r\n000003\r\nabc\r\n00\r\n\r\n", 0, 0, HC_HTTP_DONE, 0, 200, "abc"},
    /* malformed status lines */
    {"", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_EMPTY, 0, ""},
    {"<html>hello</html>", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"http/1.1 200 OK\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTPS/1.1 200 OK\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/1.1200 OK\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/1.1 20 OK\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/1.1 2000 OK\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/1.1 200 O\rK\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/1.1 200 O\x01K\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/1.1\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"\r\nHTTP/1.1 200 OK\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {"HTTP/2.0 200 OK\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_VERSION, 0, ""},
    {"HTTP/0.9 200 OK\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_VERSION, 0, ""},
    {"HTTP/1.1 099 Low\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_CODE, 0, ""},
    {"HTTP/1.1 600 High\r\n\r\n", 1, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_CODE, 0, ""},
    {"HTTP/1.1 200 OK\r", 1, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_HEAD, 0, ""},
    /* malformed headers */
    {H11 "no colon here\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    {H11 "Content-Length : 5\r\n\r\nhello", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    {H11 ": empty name\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    {H11 " X-Fold-First: x\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    {H11 "X-A: a\rb\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    {H11 "X-A: a\x7f\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    {H11 "X-A: a", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_HEAD, 200, ""},
    {H11 CL(abc) "\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {H11 "Content-Length: \r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {H11 CL(-1) "\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {H11 CL(5) CL(6) "\r\nhello", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {H11 "Content-Length: 5, 6\r\n\r\nhello", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200,
     ""},
    {H11 "Content-Length: 5,\r\n\r\nhello", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200,
     ""},
    {H11 CL(1234567890123456789) "\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {H11 "Transfer-Encoding: chunked, chunked\r\n\r\n", 0, 0, HC_HTTP_FAILED,
     HC_HTTP_ERR_TRANSFER_ENCODING, 200, ""},
    {H11 "Transfer-Encoding: ,\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_TRANSFER_ENCODING, 200,
     ""},
    {H11 "Transfer-Encoding: \"chunked\"\r\n\r\n", 0, 0, HC_HTTP_FAILED,
     HC_HTTP_ERR_TRANSFER_ENCODING, 200, ""},
    {H11 "Transfer-Encoding: x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, "
	 "chunked\r\n\r\n",
     0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_TRANSFER_ENCODING, 200, ""},
    /* malformed chunked bodies */
    {H11 TE_CH "\r\nzz\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200, ""},
    {H11 TE_CH "\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200, ""},
    {H11 TE_CH "\r\n 5\r\nhello\r\n0\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200,
     ""},
    {H11 TE_CH "\r\n5 x\r\nhello\r\n0\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200,
     ""},
    {H11 TE_CH "\r\n1000000000000000\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200, ""},
    {H11 TE_CH "\r\n5\rhello", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200, ""},
    {H11 TE_CH "\r\n5;a=\x01\r\nhello", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_SIZE, 200, ""},
    {H11 TE_CH "\r\n5\r\nhelloXX\r\n0\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_END, 200,
     "hello"},
    {H11 TE_CH "\r\n5\r\nhello\r\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CHUNK_END, 200, "hello"},
    {H11 TE_CH "\r\n0\r\nbad trailer\r\n\r\n", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_HEADER, 200, ""},
    /* cut short */
    {H11 CL(10) "\r\nhello", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_BODY, 200, "hello"},
    {H11 TE_CH "\r\n5\r\nhel", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_BODY, 200, "hel"},
    {H11 TE_CH "\r\n5\r\nhello\r\n", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_BODY, 200,
     "hello"},
    {H11 TE_CH "\r\n0\r\nX-T: a\r\n", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_BODY, 200, ""},
    {H11 "Content-", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_HEAD, 200, ""},
    {"HTTP/1.", 0, 1, HC_HTTP_FAILED, HC_HTTP_ERR_TRUNCATED_HEAD, 0, ""},
    /* what a head taken whole in one pass leaves to the line-at-a-time way */
    {H11 CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) "\r\nx", 0, 0, HC_HTTP_DONE, 0, 200,
     "x"},
    {H11 CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) CL(1) CL(2) "\r\nx", 0, 0, HC_HTTP_FAILED,
     HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {"HTTP/1.1 200\tOK\r\n" CL(1) "\r\nx", 0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_STATUS_LINE, 0, ""},
    {H11 "Content-Length: 1"
	 "                                                              "
	 "   \r\n\r\nx",
     0, 0, HC_HTTP_FAILED, HC_HTTP_ERR_CONTENT_LENGTH, 200, ""},
    {H11 "Content-Length:  1 \t\r\nX-A: \t\r\n\r\nx", 0, 0, HC_HTTP_DONE, 0, 200, "x"},
};

static bool same(const struct outcome *a, const struct outcome *b)
{
	return a->pr == b->pr && a->err == b->err && a->status == b->status &&
	       a->body.len == b->body.len && !memcmp(a->body.buf, b->body.buf, a->body.len);
}

/* Every case whole, cut at every byte boundary, and one byte at a time:
 * the same verdict and the same body each time. */
static void test_responses(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct resp_case *c = &cases[i];
		size_t len = strlen(c->in);
		struct outcome whole, o;

		run(c->in, len, c->status_only, c->eof, len, false, &whole);
		EXPECT(whole.pr == c->pr && whole.err == c->err && whole.status == c->status,
		       "case %zu: progress %d err %d (%s) status %d", i, whole.pr, whole.err,
		       hc_http_err_text(whole.err), whole.status);
		EXPECT(whole.body.len == strlen(c->body) &&
			   !memcmp(whole.body.buf, c->body, whole.body.len),
		       "case %zu: body '%.*s'", i, (int)whole.body.len, whole.body.buf);
		for (size_t pos = 0; pos < len; pos++) {
			run(c->in, len, c->status_only, c->eof, pos, false, &o);
			EXPECT(same(&o, &whole), "case %zu cut at %zu differs", i, pos);
		}
		run(c->in, len, c->status_only, c->eof, 0, true, &o);
		EXPECT(same(&o, &whole), "case %zu byte by byte differs", i);
	}
}

/* The header section is bounded: a long header fails, one just inside
 * the limit passes; trailers have the same bound. */
static void test_limits(void)
{
	size_t fill = HC_HTTP_MAX_HEAD - strlen(H11 "X: \r\n\r\n");
	char *in = malloc(HC_HTTP_MAX_HEAD + 64);
	struct outcome o;

	if (!in)
		abort();
	for (int over = 0; over < 2; over++) {
		int n = sprintf(in, H11 "X: ");
		memset(in + n, 'a', fill + (size_t)over);
		strcpy(in + n + fill + (size_t)over, "\r\n\r\n");
		run(in, strlen(in), false, true, 100, false, &o);
		if (over)
			EXPECT(o.pr == HC_HTTP_FAILED && o.err == HC_HTTP_ERR_HEAD_TOO_LONG,
			       "one byte over the head limit: %d", o.err);
		else
			EXPECT(o.pr == HC_HTTP_DONE && o.err == HC_HTTP_OK,
			       "exactly the head limit: %d", o.err);
	}
	/* the same many times over in folded lines: the total is what counts */
	int n = sprintf(in, H11 "X: a");
	for (; n < HC_HTTP_MAX_HEAD + 10; n += 4)
		memcpy(in + n, "\r\n a", 4);
	strcpy(in + n, "\r\n\r\n");
	run(in, strlen(in), false, true, 0, true, &o);
	EXPECT(o.err == HC_HTTP_ERR_HEAD_TOO_LONG, "folded lines: %d", o.err);
	/* trailers */
	n = sprintf(in, H11 TE_CH "\r\n0\r\nT: ");
	memset(in + n, 'b', HC_HTTP_MAX_HEAD);
	strcpy(in + n + HC_HTTP_MAX_HEAD, "\r\n\r\n");
	run(in, strlen(in), false, true, 7, false, &o);
	EXPECT(o.err == HC_HTTP_ERR_HEAD_TOO_LONG, "trailers: %d", o.err);
	/* a chunk extension past the chunk line limit */
	n = sprintf(in, H11 TE_CH "\r\n1;");
	memset(in + n, 'e', HC_HTTP_MAX_CHUNK_LINE);
	strcpy(in + n + HC_HTTP_MAX_CHUNK_LINE, "\r\nx\r\n0\r\n\r\n");
	run(in, strlen(in), false, true, 3, false, &o);
	EXPECT(o.err == HC_HTTP_ERR_CHUNK_SIZE, "chunk line: %d", o.err);
	free(in);
}

/* Runs of bytes are taken at once (status line, header names, values
 * nobody reads, reason phrases): the same limits hold for a long name and
 * a long reason as for a long value, whole and split. */
static void test_run_limits(void)
{
	const char *pre[] = {"HTTP/1.1 200 ", H11 "X", H11 "A: "};
	const char *post[] = {"\r\n\r\n", ": v\r\n\r\n", "\r\n\r\n"};
	char *in = malloc(HC_HTTP_MAX_HEAD + 64);
	struct outcome o, split;

	if (!in)
		abort();
	for (int k = 0; k < 3; k++) {
		for (int over = 0; over < 2; over++) {
			size_t n = strlen(pre[k]), fill = HC_HTTP_MAX_HEAD - n - strlen(post[k]);
			memcpy(in, pre[k], n);
			memset(in + n, 'a', fill + (size_t)over);
			strcpy(in + n + fill + (size_t)over, post[k]);
			run(in, strlen(in), false, true, strlen(in), false, &o);
			run(in, strlen(in), false, true, n + 3, false, &split);
			if (over)
				EXPECT(o.err == HC_HTTP_ERR_HEAD_TOO_LONG,
				       "run %d, one byte over the limit: %d", k, o.err);
			else
				EXPECT(o.pr == HC_HTTP_DONE && o.status == 200,
				       "run %d at the limit: %d", k, o.err);
			EXPECT(same(&o, &split), "run %d (over %d) split differs", k, over);
		}
	}
	free(in);
}

/* Which bytes may be in a header name (RFC 9110 tchar): each byte as the
 * second of a name, fed whole (a run) and one byte at a time. */
static void test_name_bytes(void)
{
	const char *tchar = "!#$%&'*+-.^_`|~";
	for (int c = 1; c < 256; c++) {
		char in[64];
		struct outcome o, step;
		int n = snprintf(in, sizeof(in), H11 "X%cY: v\r\n\r\n", c);
		bool want = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
			    strchr(tchar, c);
		if (c == ':') /* "X:" ends the name: a valid header of its own */
			continue;
		run(in, (size_t)n, false, true, (size_t)n, false, &o);
		run(in, (size_t)n, false, true, 0, true, &step);
		EXPECT((o.err == HC_HTTP_OK) == want, "byte 0x%02x in a name: err %d", c, o.err);
		EXPECT(same(&o, &step), "byte 0x%02x: byte by byte differs", c);
	}
}

/* A usual head read whole (a real server's: nginx's below) is taken a
 * line at a time, not a byte at a time: the bytes stepped one by one (the
 * status line's space and end, the blank line) do not grow with the
 * number of header lines, CRLF or LF alone. A byte-at-a-time step costs
 * tens of instructions; a head of 5 lines took 25 of them, 45% of a
 * check's own instructions (tests/bench/README.md). */
static void test_head_runs(void)
{
	static const char *const nl[] = {"\r\n", "\n"};
	for (int e = 0; e < 2; e++) {
		for (int lines = 5; lines <= 50; lines += 45) {
			char in[4096];
			int n = snprintf(in, sizeof(in), "HTTP/1.1 200 OK%sServer: nginx/1.22.1%s",
					 nl[e], nl[e]);
			n += snprintf(in + n, sizeof(in) - (size_t)n,
				      "Date: Sun, 06 Dec 2026 14:30:00 GMT%s"
				      "Content-Type: application/octet-stream%sContent-Length: 3%s",
				      nl[e], nl[e], nl[e]);
			for (int i = 5; i < lines; i++)
				n += snprintf(in + n, sizeof(in) - (size_t)n,
					      "X-Header-%d:\tvalue %d, \x80 text%s", i, i, nl[e]);
			n += snprintf(in + n, sizeof(in) - (size_t)n, "Connection: close%s%sok\n",
				      nl[e], nl[e]);
			struct hc_http_parser p;
			hc_http_parser_init(&p, false, NULL, NULL);
			enum hc_http_progress pr = hc_http_parser_feed(&p, in, (size_t)n);
			EXPECT(pr == HC_HTTP_DONE && p.status == 200 && p.conn_close &&
				   p.length == 3,
			       "%d lines, %s: progress %d status %d", lines, e ? "LF" : "CRLF", pr,
			       p.status);
			/* whole in one read: the head in one pass (head_whole), no
			 * byte stepped one at a time (4 before it, the status
			 * line's and the blank line's ends) */
			EXPECT(p.byte_steps == 0, "%d header lines, %s: %u bytes one at a time",
			       lines, e ? "LF" : "CRLF", p.byte_steps);
		}
	}
	/* names are matched eight bytes at a time, case folded: a letter's
	 * case does not matter, a byte that is not a letter does */
	static const char names[] = "HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 3\r\nContent_Length: x\r\n"
				    "Content-Lengti: x\r\nconnectioN: close\r\n\r\nok\n";
	struct hc_http_parser p;
	hc_http_parser_init(&p, false, NULL, NULL);
	enum hc_http_progress pr = hc_http_parser_feed(&p, names, sizeof(names) - 1);
	EXPECT(pr == HC_HTTP_DONE && p.length == 3 && p.conn_close && !p.excess,
	       "names by case: progress %d err %d length %llu", pr, p.err,
	       (unsigned long long)p.length);
}

struct whole_outcome {
	struct outcome o;
	bool reusable, conn_close, excess;
};

/* IN (LEN bytes) fed whole (CUT 0), or its first CUT bytes and then the
 * rest, then the close. */
static void run_cut(const char *in, size_t len, size_t cut, struct whole_outcome *w)
{
	struct hc_http_parser p;

	memset(w, 0, sizeof(*w));
	hc_http_parser_init(&p, false, collect, &w->o.body);
	w->o.pr = hc_http_parser_feed(&p, in, cut ? cut : len);
	if (cut && w->o.pr == HC_HTTP_MORE)
		w->o.pr = hc_http_parser_feed(&p, in + cut, len - cut);
	w->reusable = hc_http_parser_reusable(&p);
	if (w->o.pr == HC_HTTP_MORE)
		w->o.pr = hc_http_parser_eof(&p);
	w->o.err = p.err;
	w->o.status = p.status;
	w->conn_close = p.conn_close;
	w->excess = p.excess;
}

/* A head whole in the first read is taken in one pass (head_whole), a
 * head in pieces line by line: for real servers' heads with each byte in
 * turn replaced by each byte that matters to the grammar (line ends,
 * blanks, separators, controls, DEL, obs-text, digits), the head fed
 * whole gives what it gives fed after its first byte (line by line, no
 * piece ending early: also reuse, Connection: close, bytes past the end),
 * cut at the replaced byte, and one byte at a time. */
static void test_head_whole(void)
{
	static const char *const heads[] = {
	    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 14:30:00 GMT\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n",
	    "HTTP/1.0 503 Busy\nTransfer-Encoding: chunked\nX-A:\tb c\nConnection: "
	    "close\n\n3\nabc\n0\n\nX",
	    "HTTP/1.1 204 \r\nConnection: keep-alive, "
	    "x-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\r\nContent-Length: 0\r\n\r\n",
	};
	static const unsigned char bytes[] = {0,   '\t', '\n', '\r', ' ', ':', ',', '"',
					      '-', '_',	 0x7f, 0x80, 'A', '0', '5'};
	char in[256];

	for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		size_t len = strlen(heads[h]);
		CHECK(len <= sizeof(in));
		for (size_t i = 0; i < len; i++) {
			for (size_t b = 0; b < sizeof(bytes); b++) {
				struct whole_outcome whole, lines, cut;
				struct outcome step;
				memcpy(in, heads[h], len);
				in[i] = (char)bytes[b];
				run_cut(in, len, 0, &whole);
				run_cut(in, len, 1, &lines);
				run_cut(in, len, i, &cut);
				run(in, len, false, true, 0, true, &step);
				EXPECT(
				    same(&whole.o, &lines.o) && whole.reusable == lines.reusable &&
					whole.conn_close == lines.conn_close &&
					whole.excess == lines.excess,
				    "head %zu, byte %zu = 0x%02x: whole %d/%d/%d/%d%d%d, line by "
				    "line %d/%d/%d/%d%d%d",
				    h, i, bytes[b], whole.o.pr, whole.o.err, whole.o.status,
				    whole.reusable, whole.conn_close, whole.excess, lines.o.pr,
				    lines.o.err, lines.o.status, lines.reusable, lines.conn_close,
				    lines.excess);
				EXPECT(same(&whole.o, &cut.o) && same(&whole.o, &step),
				       "head %zu, byte %zu = 0x%02x: cut there or byte by byte "
				       "differs",
				       h, i, bytes[b]);
			}
		}
	}
}

/* A large chunked body through the parser into the digest: the same MD5
 * however the reads fall. */
static void dg_update(void *ud, const void *data, size_t len)
{
	hc_digest_update(ud, data, len);
}

static void test_chunked_digest(void)
{
	/* "this is rs\n" in chunks of 1, 2, 3 and 5 bytes, an extension and a
	 * trailer: the test server of tests/netns/hc-checks.sh sends the same */
	static const char in[] =
	    H11 TE_CH "\r\n1\r\nt\r\n2\r\nhi\r\n3;x=y\r\ns i\r\n5\r\ns rs\n\r\n"
		      "0\r\nX-T: z\r\n\r\n";
	static const char hex[] = "c7372d8551d8216db829b1f3352a4bdc"; /* md5sum */
	size_t len = sizeof(in) - 1;
	uint8_t md5[16], other[16];

	for (size_t i = 0; i < 16; i++)
		sscanf(hex + 2 * i, "%2hhx", &md5[i]);
	memcpy(other, md5, 16);
	other[15] ^= 1;
	for (size_t pos = 0; pos <= len; pos++) {
		for (int bad = 0; bad < 2; bad++) {
			struct hc_http_parser p;
			struct hc_digest dg;
			CHECK(hc_digest_begin(&dg, 5) == 0);
			hc_http_parser_init(&p, false, dg_update, &dg);
			enum hc_http_progress pr = hc_http_parser_feed(&p, in, pos);
			if (pr == HC_HTTP_MORE)
				pr = hc_http_parser_feed(&p, in + pos, len - pos);
			EXPECT(pr == HC_HTTP_DONE, "chunked digest cut at %zu: %d", pos, p.err);
			EXPECT(hc_digest_match(&dg, bad ? other : md5) == !bad,
			       "chunked digest cut at %zu (%s digest)", pos,
			       bad ? "wrong" : "right");
			hc_digest_free(&dg);
		}
	}
}

static void test_err_text(void)
{
	for (int e = 0; e < HC_HTTP_ERR__MAX; e++) {
		const char *t = hc_http_err_text((enum hc_http_err)e);
		EXPECT(t && t[0] && strcmp(t, "unknown"), "error %d has a text", e);
		for (int f = 0; f < e; f++)
			EXPECT(strcmp(t, hc_http_err_text((enum hc_http_err)f)), "texts %d %d", e,
			       f);
	}
	CHECK(!strcmp(hc_http_err_text(HC_HTTP_ERR__MAX), "unknown"));
}

/* Whether the connection may carry the next check (reuse_connection):
 * each response whole, cut at every byte and one byte at a time. */
static void test_reusable(void)
{
	static const struct {
		const char *in;
		bool eof, want;
	} t[] = {
	    {H11 CL(2) "\r\nok", 0, true},
	    {H11 TE_CH "\r\n2\r\nok\r\n0\r\n\r\n", 0, true},
	    {"HTTP/1.1 204 No Content\r\n\r\n", 0, true},
	    {"HTTP/1.1 503 Busy\r\n" CL(0) "\r\n", 0, true}, /* a failed check, a good connection */
	    {H11 "Connection: keep-alive\r\n" CL(2) "\r\nok", 0, true},
	    {H11 "Connection: closed\r\n" CL(2) "\r\nok", 0, true}, /* not the token */
	    {H11 "Connection: close\r\n" CL(2) "\r\nok", 0, false},
	    {H11 "CONNECTION:  Keep-Alive, CLOSE \r\n" CL(2) "\r\nok", 0, false},
	    {H11 "Connection: upgrade,close\r\n" CL(2) "\r\nok", 0, false},
	    {H11 "Connection: x\r\n\tclose\r\n" CL(2) "\r\nok", 0, false}, /* folded */
	    {H11 "Connection: "
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "\r\n" CL(2) "\r\nok",
	     0, false}, /* too long to read: not kept */
	    {"HTTP/1.0 200 OK\r\n" CL(2) "\r\nok", 0, false},
	    {H11 "\r\nok", 1, false},	     /* ended by the close */
	    {H11 CL(2) "\r\nokX", 0, false}, /* a byte past the end */
	    {H11 CL(4) "\r\nok", 1, false},  /* short */
	    {"HTTP/1.1 101 Switching\r\n\r\n", 0, false},
	    {H11 TE_CH "\r\n0\r\nConnection: close\r\n\r\n", 0, true}, /* a trailer */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t len = strlen(t[i].in);
		for (size_t pos = 0; pos <= len + 1; pos++) {
			struct hc_http_parser p;
			enum hc_http_progress pr = HC_HTTP_MORE;
			hc_http_parser_init(&p, false, NULL, NULL);
			if (pos == len + 1) {
				size_t j = 0;
				while (j < len && pr == HC_HTTP_MORE)
					pr = hc_http_parser_feed(&p, t[i].in + j++, 1);
				if (j < len) /* what is left comes with the next read */
					pr = hc_http_parser_feed(&p, t[i].in + j, len - j);
			} else {
				pr = hc_http_parser_feed(&p, t[i].in, pos);
				if (pos < len)
					pr = hc_http_parser_feed(&p, t[i].in + pos, len - pos);
			}
			if (t[i].eof && pr == HC_HTTP_MORE)
				hc_http_parser_eof(&p);
			EXPECT(hc_http_parser_reusable(&p) == t[i].want,
			       "reusable case %zu at %zu: %d", i, pos, !t[i].want);
		}
	}
}

static void test_request(void)
{
	static const struct {
		const char *path, *host, *addr;
		uint16_t port;
		bool tls;
		const char *want; /* NULL: -EINVAL */
	} t[] = {
	    {"/index.html", NULL, "10.0.0.1", 80, false,
	     "GET /index.html HTTP/1.1\r\nHost: 10.0.0.1\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/", NULL, "10.0.0.1", 8080, false,
	     "GET / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/h?x=1", NULL, "2001:db8::1", 8443, true,
	     "GET /h?x=1 HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n" OK_UA
	     "Connection: close\r\n\r\n"},
	    {"/", "www.example.com", "10.0.0.1", 443, true,
	     "GET / HTTP/1.1\r\nHost: www.example.com\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/", "www.example.com", "10.0.0.1", 80, true,
	     "GET / HTTP/1.1\r\nHost: www.example.com:80\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/", "a", "10.0.0.1", 1, false,
	     "GET / HTTP/1.1\r\nHost: a:1\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/", NULL, "0.255.10.199", 80, false,
	     "GET / HTTP/1.1\r\nHost: 0.255.10.199\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/", NULL, "::ffff:10.0.0.1", 0, false,
	     "GET / HTTP/1.1\r\nHost: [::ffff:10.0.0.1]:0\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/", "a", "10.0.0.1", 65535, false,
	     "GET / HTTP/1.1\r\nHost: a:65535\r\n" OK_UA "Connection: close\r\n\r\n"},
	    {"/a b", NULL, "10.0.0.1", 80, false, NULL},
	    {"/a\r\nX-Injected: 1", NULL, "10.0.0.1", 80, false, NULL},
	    {"/", "evil\r\nX: 1", "10.0.0.1", 80, false, NULL},
	    {"/", "", "10.0.0.1", 80, false, NULL},
	    {"/\x7f", NULL, "10.0.0.1", 80, false, NULL},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hd_addr a;
		char buf[300];
		CHECK(hd_addr_parse(t[i].addr, &a) == 0);
		struct hc_http_req r = {t[i].path, t[i].host, &a, t[i].port, t[i].tls, false};
		long need = hc_http_request(NULL, 0, &r);
		if (!t[i].want) {
			EXPECT(need == -EINVAL, "request case %zu rejected: %ld", i, need);
			continue;
		}
		EXPECT(need == (long)strlen(t[i].want), "request case %zu size %ld", i, need);
		/* too small: nothing written past CAP */
		memset(buf, '#', sizeof(buf));
		CHECK(hc_http_request(buf, 10, &r) == need && buf[10] == '#');
		long n = hc_http_request(buf, sizeof(buf), &r);
		EXPECT(n == need && !memcmp(buf, t[i].want, (size_t)n) && buf[n] == '#',
		       "request case %zu: '%.*s'", i, (int)n, buf);
	}
	/* reuse_connection: HTTP/1.1's default, a persistent connection */
	struct hd_addr a;
	char buf[300];
	CHECK(hd_addr_parse("10.0.0.1", &a) == 0);
	struct hc_http_req r = {"/", NULL, &a, 80, false, true};
	long n = hc_http_request(buf, sizeof(buf), &r);
	static const char want[] = "GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n" OK_UA "\r\n";
	EXPECT(n == (long)strlen(want) && !memcmp(buf, want, (size_t)n),
	       "keep-alive request '%.*s'", (int)n, buf);
}

int main(void)
{
	test_responses();
	test_limits();
	test_run_limits();
	test_name_bytes();
	test_head_runs();
	test_head_whole();
	test_chunked_digest();
	test_err_text();
	test_reusable();
	test_request();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	puts("test_hc_http_parse: all passed");
	return 0;
}
