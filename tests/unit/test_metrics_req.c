/* Table-driven tests of the /metrics HTTP request judge (metrics_req.c):
 * what metrics_http.c answers to each request, and when it reads on. */
#include <string.h>

#include "metrics_req.h"
#include "unit.h"

struct req_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum hd_metrics_req want;
};

static const struct req_case cases[] = {
    {"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 0, HD_MREQ_GET},
    {"GET /metrics HTTP/1.0\n\n", 0, HD_MREQ_GET},
    {"GET /metrics?name[]=x HTTP/1.1\r\n\r\n", 0, HD_MREQ_GET},
    {"HEAD /metrics HTTP/1.1\r\n\r\n", 0, HD_MREQ_HEAD},
    {"POST /metrics HTTP/1.1\r\n\r\n", 0, HD_MREQ_METHOD},
    {"get /metrics HTTP/1.1\r\n\r\n", 0, HD_MREQ_METHOD},
    {"GETX /metrics HTTP/1.1\r\n\r\n", 0, HD_MREQ_METHOD},
    {"GET /metricsx HTTP/1.1\r\n\r\n", 0, HD_MREQ_NOT_FOUND},
    {"GET /metric HTTP/1.1\r\n\r\n", 0, HD_MREQ_NOT_FOUND},
    {"GET / HTTP/1.1\r\n\r\n", 0, HD_MREQ_NOT_FOUND},
    /* probes (daemon/ready.h) */
    {"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n", 0, HD_MREQ_LIVEZ},
    {"HEAD /livez HTTP/1.0\n\n", 0, HD_MREQ_LIVEZ_HEAD},
    {"GET /readyz?verbose HTTP/1.1\r\n\r\n", 0, HD_MREQ_READYZ},
    {"HEAD /readyz HTTP/1.1\r\n\r\n", 0, HD_MREQ_READYZ_HEAD},
    {"POST /readyz HTTP/1.1\r\n\r\n", 0, HD_MREQ_METHOD},
    {"GET /readyz/ HTTP/1.1\r\n\r\n", 0, HD_MREQ_NOT_FOUND},
    {"GET /live HTTP/1.1\r\n\r\n", 0, HD_MREQ_NOT_FOUND},
    {"GET /livezz HTTP/1.1\r\n\r\n", 0, HD_MREQ_NOT_FOUND},
    {"GET /metrics HTTP/2\r\n\r\n", 0, HD_MREQ_BAD},
    {"GET /metrics\r\n\r\n", 0, HD_MREQ_BAD},
    {"GET\r\n\r\n", 0, HD_MREQ_BAD},
    {"\r\n\r\n", 0, HD_MREQ_BAD},
    /* the request line ends at its line end: no version found past it */
    {"GET /metrics\r\nX: HTTP/1.1\r\n\r\n", 0, HD_MREQ_BAD},
    /* a NUL neither hides the end nor passes for the end of a word */
    {"GET\0 /metrics HTTP/1.1\r\n\r\n", 27, HD_MREQ_METHOD},
    {"GET /metrics\0 HTTP/1.1\r\n\r\n", 27, HD_MREQ_NOT_FOUND},
    {"\0\xff garbage\r\n\r\n", 15, HD_MREQ_BAD},
    {"", 0, HD_MREQ_MORE},
    {"GET /metrics HTTP/1.1\r\n", 0, HD_MREQ_MORE},
    {"GET /metrics HTTP/1.1\r\nHost: x\r\n\r", 0, HD_MREQ_MORE},
};

/* The bound: a request without its blank line is read on up to 4095
 * bytes and refused at 4096; one that ends exactly there is judged. */
static void check_bound(void)
{
	static char buf[HD_METRICS_REQ_MAX];
	const char *line = "GET /metrics HTTP/1.1\r\nX: ";

	memset(buf, 'a', sizeof(buf));
	memcpy(buf, line, strlen(line));
	CHECK(hd_metrics_req_parse(buf, HD_METRICS_REQ_MAX - 1) == HD_MREQ_MORE);
	CHECK(hd_metrics_req_parse(buf, HD_METRICS_REQ_MAX) == HD_MREQ_TOO_LARGE);
	memcpy(buf + HD_METRICS_REQ_MAX - 4, "\r\n\r\n", 4);
	CHECK(hd_metrics_req_parse(buf, HD_METRICS_REQ_MAX) == HD_MREQ_GET);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct req_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		enum hd_metrics_req got = hd_metrics_req_parse(c->in, len);
		EXPECT(got == c->want, "case %zu %.30s: got %d, want %d", i, c->in, (int)got,
		       (int)c->want);
		/* judged the same from any longer read: bytes after the blank
		 * line change nothing */
		if (c->want != HD_MREQ_MORE) {
			char more[128];
			memcpy(more, c->in, len);
			memcpy(more + len, "XYZ\r\n\r\n", 7);
			EXPECT(hd_metrics_req_parse(more, len + 7) == c->want, "case %zu + more",
			       i);
		}
	}
	check_bound();
	printf("%zu cases, %d failures\n", sizeof(cases) / sizeof(cases[0]) + 3, failures);
	return failures ? 1 : 0;
}
