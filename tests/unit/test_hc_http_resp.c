/* Tests of the pure HTTP response handling (healthcheck/hc_http_resp.c):
 * status ranges, digests over bodies split the way chunked or
 * content-length transfers deliver them, how an exchange ended -> outcome.
 * The parser itself is tested in test_hc_http_parse.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "healthcheck/hc_http_resp.h"
#include "unit.h"

static void unhex(const char *h, uint8_t *out)
{
	for (size_t i = 0; h[2 * i]; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static void test_status(void)
{
	struct hd_status_range r[] = {{200, 204}, {301, 301}, {500, 599}};
	static const struct {
		size_t n;
		long code;
		bool ok;
	} t[] = {
	    {0, 200, true}, {0, 299, true},  {0, 199, false}, {0, 300, false}, {0, 503, false},
	    {3, 200, true}, {3, 204, true},  {3, 205, false}, {3, 301, true},  {3, 302, false},
	    {3, 503, true}, {1, 301, false}, {3, 0, false},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		EXPECT(hc_http_status_ok(r, t[i].n, t[i].code) == t[i].ok, "status case %zu", i);
}

/* The same body must give the same digest however it is cut into pieces
 * (one content-length read, many chunks, one byte at a time). */
static void test_digest(void)
{
	static const struct {
		int type;
		const char *body, *hex;
		bool match;
	} t[] = {
	    {5, "this is nginx1\n", "fe187761e9ecc4940b2dfd5f5d92aac1", true},
	    {5, "this is nginx2\n", "fe187761e9ecc4940b2dfd5f5d92aac1", false},
	    {5, "", "d41d8cd98f00b204e9800998ecf8427e", true},
	    {256, "this is nginx1\n",
	     "860a0b1af820ab4f3e2dc3b68c60aa719a86f436caca5772e7297e3ad97b314d", true},
	    {256, "this is nginx1",
	     "860a0b1af820ab4f3e2dc3b68c60aa719a86f436caca5772e7297e3ad97b314d", false},
	};
	static const size_t cuts[] = {100000, 1, 3, 7};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t want[32] = {0};
		unhex(t[i].hex, want);
		for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
			struct hc_digest dg;
			size_t len = strlen(t[i].body);
			EXPECT(hc_digest_begin(&dg, t[i].type) == 0, "begin");
			for (size_t off = 0; off < len; off += cuts[c]) {
				size_t n = len - off < cuts[c] ? len - off : cuts[c];
				hc_digest_update(&dg, t[i].body + off, n);
			}
			EXPECT(hc_digest_match(&dg, want) == t[i].match, "digest case %zu cut %zu",
			       i, cuts[c]);
			hc_digest_free(&dg);
		}
	}
	struct hc_digest dg;
	EXPECT(hc_digest_begin(&dg, 7) == -EINVAL, "unknown digest type rejected");
	EXPECT(hc_digest_begin(&dg, 0) == 0 && !dg.ctx, "no digest: nothing allocated");
	EXPECT(hc_digest_len(5) == 16 && hc_digest_len(256) == 32, "lengths");
}

static void test_judge(void)
{
	struct hd_status_range ok200 = {200, 200};
	struct hd_check_config k = {.status = &ok200, .n_status = 1};
	struct hd_check_config kd = {.digest_type = 5};
	enum { C = 1, T = 2, TLS = 4 }; /* connected, timed out, TLS failed */
	static const struct {
		int flags, conn_errno;
		enum hc_http_err perr;
		int status;
		bool with_digest, digest_ok;
		enum hc_outcome o;
		int detail;
	} t[] = {
	    {C, 0, HC_HTTP_OK, 200, false, false, HC_O_OK, 0},
	    {C, 0, HC_HTTP_OK, 503, false, false, HC_O_BAD_STATUS, 503},
	    {C, 0, HC_HTTP_OK, 201, false, false, HC_O_BAD_STATUS, 201},
	    {C, 0, HC_HTTP_OK, 200, true, true, HC_O_OK, 0},
	    {C, 0, HC_HTTP_OK, 200, true, false, HC_O_DIGEST_MISMATCH, 0},
	    {C, 0, HC_HTTP_OK, 404, true, false, HC_O_BAD_STATUS, 404},
	    {0, ECONNREFUSED, HC_HTTP_OK, 0, false, false, HC_O_CONNECT_REFUSED, ECONNREFUSED},
	    {0, EHOSTUNREACH, HC_HTTP_OK, 0, false, false, HC_O_CONNECT_ERROR, EHOSTUNREACH},
	    {0, ETIMEDOUT, HC_HTTP_OK, 0, false, false, HC_O_CONNECT_TIMEOUT, ETIMEDOUT},
	    {T, 0, HC_HTTP_OK, 0, false, false, HC_O_CONNECT_TIMEOUT, 0},
	    {C | T, 0, HC_HTTP_OK, 0, false, false, HC_O_TIMEOUT, 0},
	    /* status known, body still coming when the time ran out */
	    {C | T, 0, HC_HTTP_OK, 200, true, false, HC_O_TIMEOUT, 0},
	    {C | TLS, 0, HC_HTTP_OK, 0, false, false, HC_O_TLS_FAILED, 0},
	    {C, 0, HC_HTTP_ERR_EMPTY, 0, false, false, HC_O_PROTOCOL_ERROR, HC_HTTP_ERR_EMPTY},
	    {C, 0, HC_HTTP_ERR_STATUS_LINE, 0, false, false, HC_O_PROTOCOL_ERROR,
	     HC_HTTP_ERR_STATUS_LINE},
	    {C, 0, HC_HTTP_ERR_TRUNCATED_BODY, 200, true, true, HC_O_PROTOCOL_ERROR,
	     HC_HTTP_ERR_TRUNCATED_BODY},
	    /* a malformed header after a bad status: the syntax error is reported */
	    {C, 0, HC_HTTP_ERR_HEADER, 503, false, false, HC_O_PROTOCOL_ERROR, HC_HTTP_ERR_HEADER},
	    /* no error but no status either (cannot happen): not a pass */
	    {C, 0, HC_HTTP_OK, 0, false, false, HC_O_PROTOCOL_ERROR, 0},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hc_result r;
		const struct hd_check_config *kk = t[i].with_digest ? &kd : &k;
		struct hc_http_end e = {.connected = t[i].flags & C,
					.conn_errno = t[i].conn_errno,
					.timed_out = t[i].flags & T,
					.tls_failed = t[i].flags & TLS,
					.perr = t[i].perr,
					.status = t[i].status};
		hc_http_judge(&e, kk, t[i].digest_ok, &r);
		EXPECT(r.outcome == t[i].o && r.detail == t[i].detail, "judge case %zu: %d/%d", i,
		       (int)r.outcome, r.detail);
	}
}

int main(void)
{
	test_status();
	test_digest();
	test_judge();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	puts("test_hc_http_resp: all passed");
	return 0;
}
