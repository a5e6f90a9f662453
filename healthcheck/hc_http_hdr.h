/* Private to the HTTP response parser (hc_http_parse.c, hc_http_hdr.c):
 * byte classes and the header values it looks at. */
#ifndef HC_HTTP_HDR_H
#define HC_HTTP_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hc_http_parse.h"

/* Byte classes, one table load per byte. C_TEXT: field-value and
 * reason-phrase bytes, no controls but HT (obs-text is allowed, as the
 * grammar does). C_TCHAR: RFC 9110 tchar, ALPHA, DIGIT and
 * "!#$%&'*+-.^_`|~". */
enum { C_TEXT = 1, C_TCHAR = 2 };
extern const unsigned char hc_http_class[256];

/* H_CL and after: headers whose value is kept (in val) and looked at. */
enum { H_NONE, H_OTHER, H_CL, H_TE, H_CONN };

static inline bool is_digit(unsigned c)
{
	return c - '0' < 10;
}

static inline bool is_blank(unsigned c)
{
	return c == ' ' || c == '\t';
}

static inline bool is_tchar(unsigned c)
{
	return c < 256 && hc_http_class[c] & C_TCHAR;
}

/* A header name (S, N bytes, any case) that is looked at, else H_OTHER. */
uint8_t hc_http_name_kind(const char *s, size_t n);

/* The same, with the call only for a name as long as one looked at (most
 * of a head's names are not). */
static inline uint8_t name_kind(const char *s, size_t n)
{
	return n == 10 || n == 14 || n == 17 ? hc_http_name_kind(s, n) : H_OTHER;
}
/* The value (S, N bytes from its first non-blank byte; LONG: more than
 * the parser keeps, N of them kept) of a header line of kind HDR. A value
 * too long to look at is an error, or for Connection counts as close:
 * keeping a connection needs certainty. Returns HC_HTTP_OK or the error
 * the value is. */
enum hc_http_err hc_http_header_value(struct hc_http_parser *p, uint8_t hdr, const char *s,
				      size_t n, bool lng);

#endif
