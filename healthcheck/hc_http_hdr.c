/* PURE: the values of the header lines that decide an HTTP response's
 * framing and its connection's reuse (Content-Length, Transfer-Encoding,
 * Connection), and the byte classes, for the response parser
 * (hc_http_parse.c): both its line-at-a-time way and its whole-head one
 * apply a value here. */
#include "config.h"

#include "hc_http_hdr.h"

#include <string.h>

#define T_ C_TEXT
#define TT (C_TEXT | C_TCHAR)
const unsigned char hc_http_class[256] = {
    [0x09] = T_,	  [0x20] = T_,		[0x21] = TT,	      [0x22] = T_,
    [0x23] = TT,	  [0x24] = TT,		[0x25] = TT,	      [0x26] = TT,
    [0x27] = TT,	  [0x28] = T_,		[0x29] = T_,	      [0x2a] = TT,
    [0x2b] = TT,	  [0x2c] = T_,		[0x2d] = TT,	      [0x2e] = TT,
    [0x2f] = T_,	  ['0' ... '9'] = TT,	[0x3a ... 0x40] = T_, ['A' ... 'Z'] = TT,
    [0x5b ... 0x5d] = T_, [0x5e] = TT,		[0x5f] = TT,	      [0x60] = TT,
    ['a' ... 'z'] = TT,	  [0x7b] = T_,		[0x7c] = TT,	      [0x7d] = T_,
    [0x7e] = TT,	  [0x80 ... 0xff] = T_,
};
#undef T_
#undef TT

/* Whether the N bytes at S are LOWER (as long) but for the case of its
 * letters. c | 0x20 is a lower-case letter only for that letter in either
 * case, and '-' only for '-' or CR (no tchar, so not in a name; LOWER has
 * no '-' when S is a value's); so eight are compared at once. */
static bool name_is(const char *s, size_t n, const char *lower)
{
	const uint64_t low = 0x2020202020202020ULL;
	uint64_t a, b;
	uint32_t c, d;

	if (n < 4) {
		for (size_t i = 0; i < n; i++)
			if (((unsigned char)s[i] | 0x20) != (unsigned char)lower[i])
				return false;
		return true;
	}
	if (n < 8) { /* the first four and the last four */
		memcpy(&c, s, 4);
		memcpy(&d, lower, 4);
		if ((c | (uint32_t)low) != d)
			return false;
		memcpy(&c, s + n - 4, 4);
		memcpy(&d, lower + n - 4, 4);
		return (c | (uint32_t)low) == d;
	}
	for (size_t i = 0; n - i > 8; i += 8) {
		memcpy(&a, s + i, 8);
		memcpy(&b, lower + i, 8);
		if ((a | low) != b)
			return false;
	}
	/* the last eight, overlapping the ones before unless N is a multiple */
	memcpy(&a, s + n - 8, 8);
	memcpy(&b, lower + n - 8, 8);
	return (a | low) == b;
}

/* Content-Length: digits, or a list of equal ones ("5, 5"); every header
 * line must agree with the earlier ones. */
static bool content_length(struct hc_http_parser *p, const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		uint64_t x = 0;
		size_t d = 0;
		for (; i < n && is_digit((unsigned char)s[i]); i++, d++) {
			if (d == 18) /* below 2^63 and far beyond any body we read */
				return false;
			x = x * 10 + (uint64_t)(s[i] - '0');
		}
		if (!d || (p->has_length && x != p->length))
			return false;
		p->has_length = true;
		p->length = x;
		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i++] != ',')
			return false;
		while (i < n && is_blank((unsigned char)s[i]))
			i++;
	}
}

/* Transfer-Encoding: the body is chunked when chunked is the last coding
 * (of all such header lines); applied twice it is an error. */
static bool transfer_encoding(struct hc_http_parser *p, const char *s, size_t n)
{
	size_t i = 0;
	bool any = false;

	p->has_te = true;
	while (i < n) {
		size_t start;
		while (i < n && (is_blank((unsigned char)s[i]) || s[i] == ','))
			i++;
		start = i;
		while (i < n && is_tchar((unsigned char)s[i]))
			i++;
		if (i == start) {
			if (i < n) /* not a token: a stray byte */
				return false;
			break;
		}
		bool ch = i - start == 7 && name_is(s + start, 7, "chunked");
		if (ch && ++p->n_chunked > 1)
			return false;
		p->chunked = ch;
		any = true;
		while (i < n && s[i] != ',') /* parameters */
			i++;
	}
	return any;
}

/* Connection: only whether "close" is among its tokens matters (a
 * connection that is kept is used for the next check). A value too long
 * to look at counts as close: keeping a connection needs certainty. */
static void connection(struct hc_http_parser *p, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		while (i < n && (is_blank((unsigned char)s[i]) || s[i] == ','))
			i++;
		size_t start = i;
		while (i < n && s[i] != ',' && !is_blank((unsigned char)s[i]))
			i++;
		if (i - start == 5 && name_is(s + start, 5, "close"))
			p->conn_close = true;
	}
}

enum hc_http_err hc_http_header_value(struct hc_http_parser *p, uint8_t hdr, const char *s,
				      size_t n, bool lng)
{
	while (n && is_blank((unsigned char)s[n - 1]))
		n--;
	if (hdr == H_CL && (lng || !content_length(p, s, n)))
		return HC_HTTP_ERR_CONTENT_LENGTH;
	if (hdr == H_TE && (lng || !transfer_encoding(p, s, n)))
		return HC_HTTP_ERR_TRANSFER_ENCODING;
	if (hdr == H_CONN && (lng || (n == 5 && name_is(s, 5, "close"))))
		p->conn_close = true;
	else if (hdr == H_CONN)
		connection(p, s, n);
	return HC_HTTP_OK;
}

uint8_t hc_http_name_kind(const char *s, size_t n)
{
	if (n == 14 && name_is(s, n, "content-length"))
		return H_CL;
	if (n == 17 && name_is(s, n, "transfer-encoding"))
		return H_TE;
	if (n == 10 && name_is(s, n, "connection"))
		return H_CONN;
	return H_OTHER;
}
