/* libFuzzer target: the HTTP check's response handling
 * (healthcheck/hc_http_parse.h, hc_http_resp.h): the incremental parser fed
 * in random pieces, the body digest, the verdict, and the request builder.
 *
 * Input: byte 0 flags (bits 0-1 digest type: none, MD5, SHA-256, invalid;
 * bit 2 status only; bit 3 the connection closes after the input; bits
 * 4-5 mode: 0-2 the rest is a response as received, 3 the rest is a body
 * that we encode chunked and with a Content-Length ourselves; bits 6-7
 * and the input length seed the piece sizes), byte 1 number of status
 * ranges (0..7), then 4 bytes per range (lo, hi big-endian), then the
 * data.
 *
 * Properties: a response parses the same (progress, error, status, body)
 * whole and in pieces; a body we encoded comes back exactly; the digest
 * computed as the body arrives equals OpenSSL's one-shot digest of it;
 * the verdict is OK only for a well-formed response whose status passes
 * and whose digest matches; a request is refused or has exactly its
 * five line ends. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hc_http_parse.h"
#include "hc_http_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	uint8_t *buf;
	size_t len, cap;
	struct hc_digest dg;
};

static void sink_body(void *ud, const void *d, size_t n)
{
	struct sink *s = ud;

	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf)
			abort();
	}
	memcpy(s->buf + s->len, d, n);
	s->len += n;
	hc_digest_update(&s->dg, d, n);
}

struct parsed {
	enum hc_http_progress pr;
	enum hc_http_err err;
	int status;
	bool reusable; /* with what follows the end fed as one more read */
	struct sink body;
};

/* Feed IN in pieces of 1..MAXP bytes from an LCG seeded by SEED (MAXP 0:
 * in one piece), each copied to an exact-size buffer so ASan sees
 * over-reads. */
static void parse(const uint8_t *in, size_t len, bool status_only, bool eof, int dtype,
		  uint32_t seed, size_t maxp, struct parsed *o)
{
	struct hc_http_parser p;
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	if (hc_digest_begin(&o->body.dg, dtype) < 0)
		abort();
	hc_http_parser_init(&p, status_only, sink_body, &o->body);
	o->pr = HC_HTTP_MORE;
	while (off < len && o->pr == HC_HTTP_MORE) {
		size_t n = len - off;
		if (maxp) {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 16) % maxp;
			if (n > len - off)
				n = len - off;
		}
		uint8_t *piece = malloc(n);
		if (!piece)
			abort();
		memcpy(piece, in + off, n);
		o->pr = hc_http_parser_feed(&p, piece, n);
		free(piece);
		off += n;
	}
	if (eof && o->pr == HC_HTTP_MORE)
		o->pr = hc_http_parser_eof(&p);
	/* Bytes past the end: the daemon feeds them (the rest of a read) and
	 * must then not keep the connection, however the pieces fell. */
	if (o->pr == HC_HTTP_DONE && off < len &&
	    hc_http_parser_feed(&p, in + off, len - off) != HC_HTTP_DONE)
		abort();
	o->err = p.err;
	o->status = p.status;
	o->reusable = hc_http_parser_reusable(&p);
	if ((o->pr == HC_HTTP_FAILED) != (o->err != HC_HTTP_OK))
		abort();
	if (o->reusable && (o->pr != HC_HTTP_DONE || off < len || p.minor < 1))
		abort();
}

static void parsed_free(struct parsed *o)
{
	free(o->body.buf);
	hc_digest_free(&o->body.dg);
}

static bool same(const struct parsed *a, const struct parsed *b)
{
	return a->pr == b->pr && a->err == b->err && a->status == b->status &&
	       a->reusable == b->reusable && a->body.len == b->body.len &&
	       (!a->body.len || !memcmp(a->body.buf, b->body.buf, a->body.len));
}

/* The digest taken as the body arrived must equal the one-shot one, and
 * must not match with one bit flipped. Consumes O's digest. */
static bool check_digest(struct parsed *o, int dtype, uint8_t flip, uint8_t *want)
{
	unsigned int dl = 0;

	if (!dtype)
		return true;
	if (EVP_Digest(o->body.len ? o->body.buf : (const uint8_t *)"", o->body.len, want, &dl,
		       dtype == 5 ? EVP_md5() : EVP_sha256(), NULL) != 1 ||
	    dl != hc_digest_len(dtype))
		abort();
	struct hc_digest copy;
	if (hc_digest_begin(&copy, dtype) < 0)
		abort();
	if (o->body.len)
		hc_digest_update(&copy, o->body.buf, o->body.len);
	if (!hc_digest_match(&o->body.dg, want))
		abort();
	want[flip % dl] ^= 1;
	if (hc_digest_match(&copy, want))
		abort();
	want[flip % dl] ^= 1;
	return true;
}

/* Mode 3: BODY encoded chunked (sizes and extensions from the body) and
 * with a Content-Length must come back exactly. */
static void roundtrip(const uint8_t *body, size_t blen, uint32_t seed)
{
	size_t cap = 128 + blen * 12, n = 0, off = 0;
	char *r = malloc(cap);
	struct parsed o;

	if (!r)
		abort();
	n += (size_t)sprintf(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
	while (off < blen) {
		size_t c = 1 + body[off] % 17;
		if (c > blen - off)
			c = blen - off;
		n += (size_t)sprintf(r + n, body[off] & 1 ? "%zx\r\n" : "%zX;e=%u\r\n", c,
				     body[off]);
		memcpy(r + n, body + off, c);
		n += c;
		memcpy(r + n, "\r\n", 2);
		n += 2;
		off += c;
	}
	n += (size_t)sprintf(r + n, "0\r\nX-T: 1\r\n\r\n");
	parse((const uint8_t *)r, n, false, false, 0, seed, 7, &o);
	if (o.pr != HC_HTTP_DONE || o.status != 200 || o.body.len != blen ||
	    (blen && memcmp(o.body.buf, body, blen)))
		abort();
	parsed_free(&o);
	n = (size_t)sprintf(r, "HTTP/1.0 201 Created\r\nContent-Length: %zu\r\n\r\n", blen);
	memcpy(r + n, body, blen);
	parse((const uint8_t *)r, n + blen, false, false, 0, seed, 5, &o);
	if (o.pr != HC_HTTP_DONE || o.status != 201 || o.body.len != blen ||
	    (blen && memcmp(o.body.buf, body, blen)))
		abort();
	parsed_free(&o);
	free(r);
}

/* The request builder with a path taken from the input. */
static void request(const uint8_t *d, size_t len)
{
	char path[64];
	struct hd_addr a = {.family = AF_INET};
	size_t n = len < sizeof(path) - 1 ? len : sizeof(path) - 1;

	memcpy(path, d, n);
	path[n] = 0;
	struct hc_http_req r = {path, NULL, &a, (uint16_t)(len * 7), len & 1};
	long need = hc_http_request(NULL, 0, &r);
	if (need == -EINVAL)
		return;
	char *buf = malloc((size_t)need);
	if (!buf || hc_http_request(buf, (size_t)need, &r) != need)
		abort();
	int crlf = 0;
	for (long i = 0; i < need; i++) {
		if (buf[i] == '\n' && (!i || buf[i - 1] != '\r'))
			abort(); /* a line end the path or host smuggled in */
		if (buf[i] == '\r' && (i + 1 == need || buf[i + 1] != '\n'))
			abort();
		crlf += buf[i] == '\n';
	}
	if (crlf != 5 || memcmp(buf, "GET ", 4))
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = {0, 5, 256, 7};
	struct hd_status_range rg[7];
	struct hd_check_config k = {0};
	uint8_t want[32] = {0};
	struct parsed whole, cut;
	size_t nr, off;

	if (size < 2)
		return 0;
	int dtype = types[data[0] & 3];
	bool status_only = data[0] & 4, eof = data[0] & 8;
	int mode = (data[0] >> 4) & 3;
	uint32_t seed = (uint32_t)(data[0] >> 6) * 2654435761u + (uint32_t)size;
	nr = data[1] % 8;
	off = 2;
	if (size < off + nr * 4)
		return 0;
	for (size_t i = 0; i < nr; i++, off += 4)
		rg[i] = (struct hd_status_range){(uint16_t)(data[off] << 8 | data[off + 1]),
						 (uint16_t)(data[off + 2] << 8 | data[off + 3])};
	const uint8_t *in = data + off;
	size_t len = size - off;

	request(in, len);
	if (dtype == 7) {
		struct hc_digest dg;
		if (hc_digest_begin(&dg, dtype) >= 0)
			abort();
		dtype = 0;
	}
	if (mode == 3) {
		roundtrip(in, len, seed);
		return 0;
	}
	parse(in, len, status_only, eof, dtype, seed, 0, &whole);
	parse(in, len, status_only, eof, dtype, seed, 1 + (size_t)(seed % 13), &cut);
	if (!same(&whole, &cut))
		abort();
	parsed_free(&cut);

	/* Status matching against an independent reading of the rule. */
	bool ok = hc_http_status_ok(rg, nr, whole.status);
	bool ok2 = nr == 0 && whole.status >= 200 && whole.status <= 299;
	for (size_t i = 0; i < nr; i++)
		ok2 = ok2 || (whole.status >= rg[i].lo && whole.status <= rg[i].hi);
	if (ok != ok2)
		abort();

	/* The digest of what the parser handed over, then the verdict. */
	k.status = nr ? rg : NULL;
	k.n_status = nr;
	k.digest_type = dtype;
	check_digest(&whole, dtype, data[1], want);
	if (dtype)
		memcpy(k.digest, want, hc_digest_len(dtype));
	/* An exchange still short of its end is judged when the time runs out. */
	struct hc_http_end e = {.connected = true,
				.timed_out = whole.pr == HC_HTTP_MORE,
				.perr = whole.err,
				.status = whole.status};
	struct hc_result res;
	bool digest_ok = data[0] & 0x80;
	hc_http_judge(&e, &k, digest_ok, &res);
	bool should = whole.pr == HC_HTTP_DONE && ok && (!dtype || digest_ok);
	if ((res.outcome == HC_O_OK) != should)
		abort();
	if (whole.pr == HC_HTTP_FAILED && res.outcome != HC_O_PROTOCOL_ERROR)
		abort();
	parsed_free(&whole);
	return 0;
}
