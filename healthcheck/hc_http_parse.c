/* PURE HTTP/1.x response parser and request builder; see hc_http_parse.h.
 *
 * A response's head that is whole in the first read (every real server's)
 * is taken in one pass (head_whole). Everything else goes through a
 * byte-at-a-time state machine for the line-oriented parts (status line,
 * headers, chunk size lines, trailers), with runs of bytes taken at once
 * where a state only checks them; it copies nothing but the two header
 * values that decide the framing, so a response split anywhere, even one
 * byte per read, parses the same as in one piece, and its memory is the
 * struct. Body bytes go to the callback in runs. Header values:
 * hc_http_hdr.c. */
#include "config.h"

#include "hc_http_parse.h"
#include "hc_http_hdr.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
	/* name and val (last) are written before they are read */
	memset(p, 0, offsetof(struct hc_http_parser, name));
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

static int hex_val(unsigned c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	return c - 'a' < 6 ? (int)(c - 'a' + 10) : -1;
}

static bool is_text(unsigned c)
{
	return c < 256 && hc_http_class[c] & C_TEXT;
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

/* A header line is complete once the next line does not fold into it. */
static bool header_end(struct hc_http_parser *p)
{
	enum hc_http_err e = hc_http_header_value(p, p->hdr, p->val, p->val_len, p->val_long);

	p->hdr = H_NONE;
	return e ? fail(p, e) : true;
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

/* The code of a status line starting "HTTP/1.x ddd" with one space at S
 * (N bytes), code in range; 0 for anything else. */
static int status_start(const unsigned char *s, size_t n)
{
	if (n < 12 || memcmp(s, "HTTP/1.", 7) || !is_digit(s[7]) || s[8] != ' ' ||
	    !is_digit(s[9]) || !is_digit(s[10]) || !is_digit(s[11]))
		return 0;
	int code = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	return code < 100 || code > 599 ? 0 : code;
}

/* "HTTP/1.x ddd" whole at the start of a status line: what status_byte
 * does with those 12 bytes. Anything else goes a byte at a time, to fail
 * where it should. */
static bool status_run(struct hc_http_parser *p, const unsigned char **sp, const unsigned char *end)
{
	const unsigned char *s = *sp;
	int code = status_start(s, (size_t)(end - s));

	if (p->idx || !code || HC_HTTP_MAX_HEAD - p->head_len < 12)
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
	while (n < room && hc_http_class[s[n]] & C_TCHAR)
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
	while (i < n && hc_http_class[s[i]] & C_TEXT)
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
	while (room - n >= 4 && hc_http_class[s[n]] & hc_http_class[s[n + 1]] &
				    hc_http_class[s[n + 2]] & hc_http_class[s[n + 3]] & C_TCHAR)
		n += 4;
	while (n < room && hc_http_class[s[n]] & C_TCHAR)
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

/* The control bytes and DELs among the 16 bytes at S (fewer when N is
 * less): bit I for S[I]. Sixteen at once with SSE2 (every x86-64 has it):
 * a real server's head is 150-250 bytes, and this finds its line ends. */
static unsigned ctl_mask16(const unsigned char *s, size_t n)
{
	unsigned m = 0;

#ifdef __SSE2__
	if (n >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
		/* signed: below 0x20 and not 0x80-0xff, or 0x7f */
		__m128i lt = _mm_cmplt_epi8(x, _mm_set1_epi8(0x20));
		__m128i hi = _mm_cmplt_epi8(x, _mm_setzero_si128());
		__m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));
		return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(hi, lt), del));
	}
#endif
	for (size_t i = 0; i < n && i < 16; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			m |= 1u << i;
	return m;
}

/* How many bytes at S are tchars; S[N - 1] or one before it is none.
 * Letters, digits and '-' (what real servers' names are made of) are
 * taken 16 at a time with SSE2, the rest through the table. */
static size_t tchar_len(const unsigned char *s, size_t n)
{
	size_t k = 0;

#ifdef __SSE2__
	for (; n - k >= 16; k += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
		__m128i l = _mm_or_si128(x, _mm_set1_epi8(0x20));
		/* shifted so that the range starts at -128: one signed compare */
		__m128i let = _mm_cmplt_epi8(_mm_add_epi8(l, _mm_set1_epi8((char)(0x80 - 'a'))),
					     _mm_set1_epi8((char)(0x80 + 26)));
		__m128i dig = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))),
					     _mm_set1_epi8((char)(0x80 + 10)));
		__m128i ok =
		    _mm_or_si128(_mm_or_si128(let, dig), _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
		unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xffff;
		if (bad) {
			k += (size_t)__builtin_ctz(bad);
			break;
		}
	}
#endif
	while (hc_http_class[s[k]] & C_TCHAR)
		k++;
	return k;
}

/* At most this many looked-at header lines (Content-Length,
 * Transfer-Encoding, Connection) in a head taken whole; more go the
 * line-at-a-time way. */
#define WHOLE_KEPT 8

/* A response's whole head in the first read, from the status line to the
 * blank line, all of it well-formed: a final status (or 101), whole header
 * lines (no folding), within the head limit. That is the head of every
 * response a real server sends a check (nginx's 145 bytes, in one read),
 * and taken in one pass it costs a few instructions a byte: the head's
 * control bytes are found 16 bytes at a time (each a line end, an HT
 * in a value, or a reason to stop), each line's name is checked up to its
 * colon, and only a head that passes is applied to the parser (its
 * status, the values looked at in their order, its end), as the
 * line-at-a-time way would. Anything else returns 0 with the parser
 * untouched, and the line-at-a-time way takes the same bytes, so where a
 * head fails or is split across reads nothing differs. Returns the
 * head's length. */
static size_t head_whole(struct hc_http_parser *p, const unsigned char *s, size_t n)
{
	struct {
		uint8_t hdr;
		uint16_t v, end; /* the value: after the colon, to the line end */
	} kept[WHOLE_KEPT];
	size_t n_kept = 0, ls = 0, k, q = 0, e = 0;
	int code = status_start(s, n);
	bool any = false;

	if (!code || (code < 200 && code != 101) || p->status_only)
		return 0;
	if (n > HC_HTTP_MAX_HEAD) /* bytes past it cannot be the head's */
		n = HC_HTTP_MAX_HEAD;
	for (size_t w = 0; w < n; w += 16) {
		for (unsigned m = ctl_mask16(s + w, n - w); m; m &= m - 1) {
			q = w + (size_t)__builtin_ctz(m);
			e = 1;
			if (q < ls || s[q] == '\t')
				continue; /* a CRLF's LF in the next word, or an HT */
			if (s[q] == '\r' && (q + 1 == n || s[q + 1] != '\n'))
				return 0;
			if (s[q] == '\r') {
				m &= ~(2u << (q - w)); /* its LF, when in this word */
				e = 2;
			} else if (s[q] != '\n') {
				return 0;
			}
			if (!ls) { /* the status line: a reason after one space */
				if (q > 12 && s[12] != ' ')
					return 0;
			} else if (q == ls) { /* the blank line */
				goto apply;
			} else { /* a header line: tchars up to the colon (s[q] is none) */
				k = ls + tchar_len(s + ls, n - ls);
				if (k == ls || s[k] != ':')
					return 0;
				uint8_t hdr = name_kind((const char *)s + ls, k - ls);
				if (hdr != H_OTHER && n_kept == WHOLE_KEPT)
					return 0;
				if (hdr != H_OTHER) {
					kept[n_kept].hdr = hdr;
					kept[n_kept].v = (uint16_t)(k + 1);
					kept[n_kept++].end = (uint16_t)q;
				}
				any = true;
			}
			ls = q + e;
		}
	}
	return 0;
apply:
	p->minor = s[7] - '0';
	p->code = p->status = code;
	p->head_len = (uint32_t)(q + e);
	p->any_header = any;
	for (size_t j = 0; j < n_kept; j++) {
		const unsigned char *v = s + kept[j].v, *end = s + kept[j].end;
		while (v < end && is_blank(*v))
			v++;
		size_t len = (size_t)(end - v);
		bool lng = len > sizeof(p->val); /* as val_add would have it */
		enum hc_http_err err = hc_http_header_value(p, kept[j].hdr, (const char *)v,
							    lng ? sizeof(p->val) : len, lng);
		if (err) {
			fail(p, err);
			return q + e;
		}
	}
	head_end(p);
	return q + e;
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
	if (p->state == P_VERSION && !p->head_len)
		s += head_whole(p, s, len);
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
