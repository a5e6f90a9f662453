/* PURE HTTP/1.x response parser and request builder; see hc_http_parse.h.
 *
 * The parser is a byte-at-a-time state machine for the line-oriented parts
 * (status line, headers, chunk size lines, trailers) and copies nothing
 * but the two header values that decide the framing, so a response split
 * anywhere, even one byte per read, parses the same as in one piece, and
 * its memory is the struct. Body bytes go to the callback in runs. */
#include "config.h"

#include "hc_http_parse.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

enum {
	/* line states: one byte at a time */
	P_VERSION,    /* "HTTP/1.x", idx = position */
	P_SP1,	      /* spaces before the code, idx = how many */
	P_CODE,	      /* idx = digits so far */
	P_AFTER_CODE, /* SP reason, or the end of the line */
	P_REASON,
	P_HDR_START, /* first byte of a header line: name, fold, or blank line */
	P_HDR_NAME,
	P_HDR_VALUE,
	P_CHUNK_SIZE, /* idx = hex digits so far */
	P_CHUNK_BWS,  /* blanks after the size */
	P_CHUNK_EXT,  /* ";ext..." up to the end of the line */
	P_CHUNK_CRLF, /* the CRLF after a chunk's data */
	/* body states: runs of bytes */
	P_BODY_LEN,
	P_BODY_CLOSE,
	P_CHUNK_DATA,
	P_DONE,
	P_FAIL,
};

/* H_CL and after: headers whose value is kept (in val) and looked at. */
enum { H_NONE, H_OTHER, H_CL, H_TE, H_CONN };

static const char *const err_text[HC_HTTP_ERR__MAX] = {
    [HC_HTTP_OK] = "ok",
    [HC_HTTP_ERR_EMPTY] = "empty reply",
    [HC_HTTP_ERR_STATUS_LINE] = "bad status line",
    [HC_HTTP_ERR_VERSION] = "not HTTP/1.x",
    [HC_HTTP_ERR_STATUS_CODE] = "status code outside 100-599",
    [HC_HTTP_ERR_HEADER] = "malformed header line",
    [HC_HTTP_ERR_HEAD_TOO_LONG] = "header too long",
    [HC_HTTP_ERR_CONTENT_LENGTH] = "bad Content-Length",
    [HC_HTTP_ERR_TRANSFER_ENCODING] = "bad Transfer-Encoding",
    [HC_HTTP_ERR_CHUNK_SIZE] = "bad chunk size",
    [HC_HTTP_ERR_CHUNK_END] = "chunk not followed by CRLF",
    [HC_HTTP_ERR_TRUNCATED_HEAD] = "closed in the headers",
    [HC_HTTP_ERR_TRUNCATED_BODY] = "truncated body",
};

const char *hc_http_err_text(enum hc_http_err e)
{
	return (unsigned)e < HC_HTTP_ERR__MAX ? err_text[e] : "unknown";
}

void hc_http_parser_init(struct hc_http_parser *p, bool status_only, hc_http_body_fn body, void *ud)
{
	memset(p, 0, sizeof(*p));
	p->status_only = status_only;
	p->body = body;
	p->ud = ud;
	p->state = P_VERSION;
}

static bool fail(struct hc_http_parser *p, enum hc_http_err e)
{
	p->err = e;
	p->state = P_FAIL;
	return false;
}

static bool is_digit(unsigned c)
{
	return c - '0' < 10;
}

static int hex_val(unsigned c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	return c - 'a' < 6 ? (int)(c - 'a' + 10) : -1;
}

static bool is_blank(unsigned c)
{
	return c == ' ' || c == '\t';
}

/* Byte classes, one table load per byte in the runs of a response's head
 * (its bytes are most of what an http check's own instructions are spent
 * on; a real server's head is 150-250 bytes). C_TEXT: field-value and
 * reason-phrase bytes, no controls but HT (obs-text is allowed, as the
 * grammar does). C_TCHAR: RFC 9110 tchar, ALPHA, DIGIT and
 * "!#$%&'*+-.^_`|~". */
enum { C_TEXT = 1, C_TCHAR = 2 };
#define T_ C_TEXT
#define TT (C_TEXT | C_TCHAR)
static const unsigned char byte_class[256] = {
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

static bool is_text(unsigned c)
{
	return c < 256 && byte_class[c] & C_TEXT;
}

static bool is_tchar(unsigned c)
{
	return c < 256 && byte_class[c] & C_TCHAR;
}

/* The error a bad byte (or a CR without LF) means in state S. */
static enum hc_http_err line_err(const struct hc_http_parser *p)
{
	if (p->state <= P_REASON)
		return HC_HTTP_ERR_STATUS_LINE;
	if (p->state <= P_HDR_VALUE)
		return HC_HTTP_ERR_HEADER;
	if (p->state <= P_CHUNK_EXT)
		return HC_HTTP_ERR_CHUNK_SIZE;
	return HC_HTTP_ERR_CHUNK_END;
}

static bool status_byte(struct hc_http_parser *p, unsigned c)
{
	static const char ver[] = "HTTP/1.";

	switch (p->state) {
	case P_VERSION:
		if (p->idx == 5 && is_digit(c) && c != '1')
			return fail(p, HC_HTTP_ERR_VERSION);
		if (p->idx == 7) {
			if (!is_digit(c))
				return fail(p, HC_HTTP_ERR_STATUS_LINE);
			p->minor = (int)(c - '0');
			p->state = P_SP1;
			p->idx = 0;
			return true;
		}
		if (c != (unsigned char)ver[p->idx])
			return fail(p, HC_HTTP_ERR_STATUS_LINE);
		p->idx++;
		return true;
	case P_SP1:
		if (c == ' ') {
			p->idx = 1;
			return true;
		}
		if (!p->idx || !is_digit(c))
			return fail(p, HC_HTTP_ERR_STATUS_LINE);
		p->state = P_CODE;
		p->code = 0;
		p->idx = 0;
		/* fall through */
	case P_CODE:
		if (!is_digit(c))
			return fail(p, HC_HTTP_ERR_STATUS_LINE);
		p->code = p->code * 10 + (int)(c - '0');
		if (++p->idx < 3)
			return true;
		if (p->code < 100 || p->code > 599)
			return fail(p, HC_HTTP_ERR_STATUS_CODE);
		p->state = P_AFTER_CODE;
		return true;
	case P_AFTER_CODE:
		if (c != ' ')
			return fail(p, HC_HTTP_ERR_STATUS_LINE);
		p->state = P_REASON;
		return true;
	default: /* P_REASON */
		return is_text(c) ? true : fail(p, HC_HTTP_ERR_STATUS_LINE);
	}
}

/* Content-Length: digits, or a list of equal ones ("5, 5"); every header
 * line must agree with the earlier ones. */
static bool content_length(struct hc_http_parser *p)
{
	const char *s = p->val;
	size_t i = 0, n = p->val_len;

	if (p->val_long)
		return false;
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
static bool transfer_encoding(struct hc_http_parser *p)
{
	const char *s = p->val;
	size_t i = 0, n = p->val_len;
	bool any = false;

	if (p->val_long)
		return false;
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
		bool ch = i - start == 7 && !strncasecmp(s + start, "chunked", 7);
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
static void connection(struct hc_http_parser *p)
{
	const char *s = p->val;
	size_t i = 0, n = p->val_len;

	if (p->val_long) {
		p->conn_close = true;
		return;
	}
	while (i < n) {
		while (i < n && (is_blank((unsigned char)s[i]) || s[i] == ','))
			i++;
		size_t start = i;
		while (i < n && s[i] != ',' && !is_blank((unsigned char)s[i]))
			i++;
		if (i - start == 5 && !strncasecmp(s + start, "close", 5))
			p->conn_close = true;
	}
}

/* A header line is complete once the next line does not fold into it. */
static bool header_end(struct hc_http_parser *p)
{
	while (p->val_len && is_blank((unsigned char)p->val[p->val_len - 1]))
		p->val_len--;
	if (p->hdr == H_CL && !content_length(p))
		return fail(p, HC_HTTP_ERR_CONTENT_LENGTH);
	if (p->hdr == H_TE && !transfer_encoding(p))
		return fail(p, HC_HTTP_ERR_TRANSFER_ENCODING);
	if (p->hdr == H_CONN)
		connection(p);
	p->hdr = H_NONE;
	return true;
}

/* Whether the N bytes at S are LOWER (as long) but for the case of its
 * letters. The others are tchars: of those, c | 0x20 is a letter only for
 * a letter, and '-' only for '-'; so eight are compared at once. */
static bool name_is(const char *s, size_t n, const char *lower)
{
	const uint64_t low = 0x2020202020202020ULL;
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t a, b;
		memcpy(&a, s + i, 8);
		memcpy(&b, lower + i, 8);
		if ((a | low) != b)
			return false;
	}
	for (; i < n; i++)
		if (((unsigned char)s[i] | 0x20) != (unsigned char)lower[i])
			return false;
	return true;
}

/* A header name (S, N bytes, any case) that is looked at, else H_OTHER. */
static uint8_t name_kind(const char *s, size_t n)
{
	if (n == 14 && name_is(s, n, "content-length"))
		return H_CL;
	if (n == 17 && name_is(s, n, "transfer-encoding"))
		return H_TE;
	if (n == 10 && name_is(s, n, "connection"))
		return H_CONN;
	return H_OTHER;
}

/* The name (in S, N bytes, or NULL: in p->name, name_len long) is
 * complete. */
static void name_done(struct hc_http_parser *p, const char *s, size_t n)
{
	p->hdr = H_OTHER;
	p->val_len = 0;
	p->val_long = false;
	if (p->trailers || p->name_len > sizeof(p->name))
		return; /* trailers cannot change the framing any more */
	p->hdr = s ? name_kind(s, n) : name_kind(p->name, p->name_len);
}

static void val_add(struct hc_http_parser *p, char c)
{
	if (p->val_len < sizeof(p->val))
		p->val[p->val_len++] = c;
	else
		p->val_long = true;
}

/* One byte of a header name, lower-cased; a name longer than the buffer
 * only counts as "longer" (name_len stops one past it). */
static void name_add(struct hc_http_parser *p, unsigned c)
{
	if (p->name_len < sizeof(p->name))
		p->name[p->name_len] = (char)((c - 'A' < 26) ? c | 0x20 : c);
	if (p->name_len <= sizeof(p->name))
		p->name_len++;
}

static bool header_byte(struct hc_http_parser *p, unsigned c)
{
	switch (p->state) {
	case P_HDR_START:
		if (is_blank(c)) {
			/* obs-fold: the line continues the previous value; before
			 * any header it is not allowed at all. */
			if (!p->any_header)
				return fail(p, HC_HTTP_ERR_HEADER);
			if (p->hdr >= H_CL && p->val_len)
				val_add(p, ' ');
			p->state = P_HDR_VALUE;
			return true;
		}
		if (p->any_header && !header_end(p))
			return false;
		if (!is_tchar(c))
			return fail(p, HC_HTTP_ERR_HEADER);
		p->any_header = true;
		p->name_len = 0;
		p->state = P_HDR_NAME;
		/* fall through */
	case P_HDR_NAME:
		if (c == ':' && p->name_len) {
			name_done(p, NULL, 0);
			p->state = P_HDR_VALUE;
			return true;
		}
		if (!is_tchar(c))
			return fail(p, HC_HTTP_ERR_HEADER);
		name_add(p, c);
		return true;
	default: /* P_HDR_VALUE */
		if (!is_text(c))
			return fail(p, HC_HTTP_ERR_HEADER);
		if (p->hdr >= H_CL && (p->val_len || !is_blank(c)))
			val_add(p, (char)c);
		return true;
	}
}

static bool chunk_byte(struct hc_http_parser *p, unsigned c)
{
	int h;

	switch (p->state) {
	case P_CHUNK_SIZE:
		h = hex_val(c);
		if (h >= 0) {
			if (++p->idx > 15) /* 2^60: nothing real, and no overflow */
				return fail(p, HC_HTTP_ERR_CHUNK_SIZE);
			p->remaining = p->remaining << 4 | (uint64_t)h;
			return true;
		}
		if (!p->idx)
			return fail(p, HC_HTTP_ERR_CHUNK_SIZE);
		p->state = P_CHUNK_BWS;
		/* fall through */
	case P_CHUNK_BWS:
		if (is_blank(c))
			return true;
		if (c != ';')
			return fail(p, HC_HTTP_ERR_CHUNK_SIZE);
		p->state = P_CHUNK_EXT;
		return true;
	case P_CHUNK_EXT:
		return is_text(c) ? true : fail(p, HC_HTTP_ERR_CHUNK_SIZE);
	default: /* P_CHUNK_CRLF: nothing may stand between the data and CRLF */
		return fail(p, HC_HTTP_ERR_CHUNK_END);
	}
}

static void expect_chunk(struct hc_http_parser *p)
{
	p->state = P_CHUNK_SIZE;
	p->idx = 0;
	p->line_len = 0;
	p->remaining = 0;
}

/* The blank line after the headers of a response (or of the trailers). */
static bool head_end(struct hc_http_parser *p)
{
	if (p->any_header && !header_end(p))
		return false;
	if (p->trailers) {
		p->state = P_DONE;
		return true;
	}
	if (!p->status) { /* an interim 1xx response: the real one follows */
		p->state = P_VERSION;
		p->idx = 0;
		p->any_header = p->has_length = p->has_te = p->chunked = false;
		p->n_chunked = 0;
		return true;
	}
	if (p->status == 101 || p->status == 204 || p->status == 304) {
		p->state = P_DONE;
	} else if (p->has_te) {
		if (p->chunked)
			expect_chunk(p);
		else
			p->state = P_BODY_CLOSE;
	} else if (p->has_length) {
		p->remaining = p->length;
		p->state = p->length ? P_BODY_LEN : P_DONE;
	} else {
		p->state = P_BODY_CLOSE;
	}
	return true;
}

static bool line_end(struct hc_http_parser *p)
{
	switch (p->state) {
	case P_AFTER_CODE:
	case P_REASON:
		/* 1xx other than 101 is interim; 101 ends the exchange (we did not
		 * ask to switch) and is judged by its status. */
		if (p->code >= 200 || p->code == 101)
			p->status = p->code;
		if (p->status && p->status_only) {
			p->state = P_DONE;
			return true;
		}
		p->state = P_HDR_START;
		return true;
	case P_HDR_START:
		return head_end(p);
	case P_HDR_VALUE:
		p->state = P_HDR_START;
		return true;
	case P_CHUNK_SIZE:
		if (!p->idx)
			return fail(p, HC_HTTP_ERR_CHUNK_SIZE);
		/* fall through */
	case P_CHUNK_BWS:
	case P_CHUNK_EXT:
		if (p->remaining) {
			p->state = P_CHUNK_DATA;
			return true;
		}
		/* the last chunk: trailers up to a blank line */
		p->trailers = true;
		p->any_header = false;
		p->hdr = H_NONE;
		p->head_len = 0;
		p->state = P_HDR_START;
		return true;
	case P_CHUNK_CRLF:
		expect_chunk(p);
		return true;
	default:
		return fail(p, line_err(p));
	}
}

static bool line_byte(struct hc_http_parser *p, unsigned c)
{
	p->byte_steps++;
	if (p->state <= P_HDR_VALUE) {
		if (++p->head_len > HC_HTTP_MAX_HEAD)
			return fail(p, HC_HTTP_ERR_HEAD_TOO_LONG);
	} else if (p->state <= P_CHUNK_EXT && ++p->line_len > HC_HTTP_MAX_CHUNK_LINE) {
		return fail(p, HC_HTTP_ERR_CHUNK_SIZE);
	}
	if (p->cr) {
		p->cr = false;
		return c == '\n' ? line_end(p) : fail(p, line_err(p));
	}
	if (c == '\r') {
		p->cr = true;
		return true;
	}
	if (c == '\n')
		return line_end(p);
	if (p->state <= P_REASON)
		return status_byte(p, c);
	if (p->state <= P_HDR_VALUE)
		return header_byte(p, c);
	return chunk_byte(p, c);
}

/* Returns how many of the N bytes at S belong to the body. */
static size_t body_bytes(struct hc_http_parser *p, const unsigned char *s, size_t n)
{
	if (p->state != P_BODY_CLOSE && n > p->remaining)
		n = (size_t)p->remaining;
	if (n && p->body)
		p->body(p->ud, s, n);
	if (p->state == P_BODY_CLOSE)
		return n;
	p->remaining -= n;
	if (!p->remaining)
		p->state = p->state == P_BODY_LEN ? P_DONE : P_CHUNK_CRLF;
	return n;
}

/* "HTTP/1.x ddd" whole at the start of a status line, with one space and a
 * code in range: what status_byte does with those 12 bytes. Anything else
 * goes a byte at a time, to fail where it should. */
static bool status_run(struct hc_http_parser *p, const unsigned char **sp, const unsigned char *end)
{
	const unsigned char *s = *sp;

	if (p->idx || end - s < 12 || HC_HTTP_MAX_HEAD - p->head_len < 12 ||
	    memcmp(s, "HTTP/1.", 7) || !is_digit(s[7]) || s[8] != ' ' || !is_digit(s[9]) ||
	    !is_digit(s[10]) || !is_digit(s[11]))
		return false;
	int code = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (code < 100 || code > 599)
		return false;
	p->minor = s[7] - '0';
	p->code = code;
	p->idx = 3;
	p->state = P_AFTER_CODE;
	p->head_len += 12;
	*sp = s + 12;
	return true;
}

/* A run of a header name's token bytes: what name_add does to each, with
 * the run measured first and only what fits the name buffer copied. */
static bool name_run(struct hc_http_parser *p, const unsigned char **sp, const unsigned char *end)
{
	const unsigned char *s = *sp;
	size_t room = HC_HTTP_MAX_HEAD - p->head_len, n = 0, len = p->name_len;

	if ((size_t)(end - s) < room)
		room = (size_t)(end - s);
	while (n < room && byte_class[s[n]] & C_TCHAR)
		n++;
	if (!n)
		return false;
	for (size_t i = 0; i < n && len < sizeof(p->name); i++, len++)
		p->name[len] = (char)((unsigned)s[i] - 'A' < 26 ? s[i] | 0x20 : s[i]);
	/* past the buffer the length only counts as "longer": one past it */
	len = p->name_len + n;
	p->name_len = len > sizeof(p->name) ? sizeof(p->name) + 1 : len;
	p->head_len += (uint32_t)n;
	*sp = s + n;
	return true;
}

/* How many of the N bytes at S are C_TEXT: eight at a time while none of
 * them is a control byte or DEL (the usual header value), the rest and
 * the eight that hold one (HT, the line's end) through the table. */
static size_t text_len(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t x, y, m;
		memcpy(&x, s + i, 8);
		y = x ^ 0x7f * ones;
		/* a byte below 0x20, or one equal to 0x7f (bit tricks: nonzero
		 * exactly when some byte is, and its lowest bit is the first
		 * such byte's; the bytes before it are text) */
		m = ((x - 0x20 * ones) & ~x & highs) | ((y - ones) & ~y & highs);
		if (m) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			i += (size_t)__builtin_ctzll(m) / 8;
#endif
			break;
		}
	}
	while (i < n && byte_class[s[i]] & C_TEXT)
		i++;
	return i;
}

/* A whole header line at S, name, ':', value and line end, none of it
 * crossing the head limit: what header_byte and line_byte do to each of
 * its bytes, at once (a real server's head is a handful of such lines and
 * its line-at-a-time cost was most of a check's own instructions). The
 * previous line ends first, as at its next line's first byte, and when
 * that fails only that byte is taken, as there. Anything else (a folded
 * line, the blank line, a bad byte, a line cut by the end of the read or
 * by the limit) goes a byte at a time, which fails where it should. */
static bool header_line_run(struct hc_http_parser *p, const unsigned char **sp,
			    const unsigned char *end)
{
	const unsigned char *s = *sp;
	size_t room = HC_HTTP_MAX_HEAD - p->head_len, n = 0, v, len;

	if ((size_t)(end - s) < room)
		room = (size_t)(end - s);
	/* four at a time: one test of the four classes ANDed */
	while (room - n >= 4 && byte_class[s[n]] & byte_class[s[n + 1]] & byte_class[s[n + 2]] &
				    byte_class[s[n + 3]] & C_TCHAR)
		n += 4;
	while (n < room && byte_class[s[n]] & C_TCHAR)
		n++;
	if (!n || n >= room || s[n] != ':')
		return false;
	v = n + 1 + text_len(s + n + 1, room - n - 1);
	if (v < room && s[v] == '\n')
		len = v + 1;
	else if (v + 1 < room && s[v] == '\r' && s[v + 1] == '\n')
		len = v + 2;
	else
		return false;
	/* the previous line's end; one whose value is not looked at has
	 * nothing to end (name_done sets hdr anew) */
	if (p->any_header && p->hdr >= H_CL && !header_end(p)) {
		p->head_len++;
		*sp = s + 1;
		return true;
	}
	p->any_header = true;
	/* the name is looked at where it is: p->name is not needed */
	p->name_len = n > sizeof(p->name) ? sizeof(p->name) + 1 : (uint8_t)n;
	name_done(p, (const char *)s, n);
	if (p->hdr >= H_CL)
		for (size_t i = n + 1; i < v; i++)
			if (p->val_len || !is_blank(s[i]))
				val_add(p, (char)s[i]);
	p->head_len += (uint32_t)len;
	p->state = P_HDR_START;
	*sp = s + len;
	return true;
}

/* Where a state only checks its bytes and counts them against the line
 * limits (the status line's fixed start, a header name, a reason phrase,
 * a header value nobody reads, a chunk extension), a run of them is taken
 * at once: what line_byte would do to each. line_byte still takes the
 * byte that ends a run or crosses a limit. False: no run at S. */
static bool text_run(struct hc_http_parser *p, const unsigned char **sp, const unsigned char *end)
{
	const unsigned char *s = *sp;
	size_t room;

	if (p->cr)
		return false;
	if (p->state == P_HDR_START)
		return header_line_run(p, sp, end);
	if (p->state == P_HDR_NAME)
		return name_run(p, sp, end);
	if (p->state == P_VERSION)
		return status_run(p, sp, end);
	if (p->state == P_REASON || (p->state == P_HDR_VALUE && p->hdr < H_CL))
		room = HC_HTTP_MAX_HEAD - p->head_len;
	else if (p->state == P_CHUNK_EXT)
		room = HC_HTTP_MAX_CHUNK_LINE - p->line_len;
	else
		return false;
	if ((size_t)(end - s) < room)
		room = (size_t)(end - s);
	size_t n = text_len(s, room);
	if (!n)
		return false;
	if (p->state == P_CHUNK_EXT)
		p->line_len += (uint32_t)n;
	else
		p->head_len += (uint32_t)n;
	*sp = s + n;
	return true;
}

static enum hc_http_progress progress(const struct hc_http_parser *p)
{
	return p->state == P_DONE   ? HC_HTTP_DONE
	       : p->state == P_FAIL ? HC_HTTP_FAILED
				    : HC_HTTP_MORE;
}

enum hc_http_progress hc_http_parser_feed(struct hc_http_parser *p, const void *data, size_t len)
{
	const unsigned char *s = data, *end = s + len;

	p->total += len;
	while (s < end && p->state < P_DONE) {
		if (p->state >= P_BODY_LEN)
			s += body_bytes(p, s, (size_t)(end - s));
		else if (!text_run(p, &s, end))
			line_byte(p, *s++);
	}
	if (s < end && p->state == P_DONE)
		p->excess = true;
	return progress(p);
}

enum hc_http_progress hc_http_parser_eof(struct hc_http_parser *p)
{
	p->eof = true;
	if (p->state == P_BODY_CLOSE)
		p->state = P_DONE;
	else if (p->state == P_DONE || p->state == P_FAIL)
		;
	else if (!p->total)
		fail(p, HC_HTTP_ERR_EMPTY);
	else if (p->state <= P_HDR_VALUE && !p->trailers)
		fail(p, HC_HTTP_ERR_TRUNCATED_HEAD);
	else
		fail(p, HC_HTTP_ERR_TRUNCATED_BODY);
	return progress(p);
}

bool hc_http_parser_reusable(const struct hc_http_parser *p)
{
	return p->state == P_DONE && !p->eof && !p->excess && !p->conn_close && p->minor >= 1 &&
	       p->status != 101;
}
