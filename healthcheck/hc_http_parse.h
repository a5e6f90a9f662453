/* PURE HTTP/1.x client side for http_check / https_check: the request
 * builder and an incremental response parser. No I/O: hc_http.c feeds the
 * parser whatever each read returned, in pieces of any size.
 *
 * What the parser understands (RFC 9112, as a health check needs it):
 * - the status line "HTTP/1.x CODE [reason]", CODE 100..599; interim 1xx
 *   responses (other than 101) are skipped, the final status is reported;
 * - header lines (names are tokens, values free of control characters,
 *   obsolete line folding joins a value), of which Content-Length (a
 *   list of equal values is one value) and Transfer-Encoding (chunked
 *   when it is the last coding) decide the body's framing, and Connection
 *   says whether "close" (the connection cannot be used again);
 * - the body: none (204, 304), Content-Length bytes, chunked (sizes in
 *   hex, chunk extensions and trailers skipped), or until the close;
 * - LF alone ends a line as CRLF does; a CR not followed by LF is an error.
 * The status line and headers together are limited to HC_HTTP_MAX_HEAD
 * bytes (trailers to the same again), a chunk size line to
 * HC_HTTP_MAX_CHUNK_LINE. Every malformed case has its own error. */
#ifndef HC_HTTP_PARSE_H
#define HC_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hd_config.h"

#define HC_HTTP_MAX_HEAD       16384
#define HC_HTTP_MAX_CHUNK_LINE 1024

enum hc_http_err {
	HC_HTTP_OK = 0,
	HC_HTTP_ERR_EMPTY,	       /* closed before the first byte */
	HC_HTTP_ERR_STATUS_LINE,       /* not "HTTP/d.d SP 3DIGIT ..." */
	HC_HTTP_ERR_VERSION,	       /* HTTP/ but not 1.x */
	HC_HTTP_ERR_STATUS_CODE,       /* outside 100..599 */
	HC_HTTP_ERR_HEADER,	       /* a header line that is not "token: value" */
	HC_HTTP_ERR_HEAD_TOO_LONG,     /* status line + headers (or trailers) too long */
	HC_HTTP_ERR_CONTENT_LENGTH,    /* not a number, or conflicting values */
	HC_HTTP_ERR_TRANSFER_ENCODING, /* empty, too long, or chunked twice */
	HC_HTTP_ERR_CHUNK_SIZE,	       /* not hex, too big, or the line too long */
	HC_HTTP_ERR_CHUNK_END,	       /* chunk data not followed by CRLF */
	HC_HTTP_ERR_TRUNCATED_HEAD,    /* closed in the status line or headers */
	HC_HTTP_ERR_TRUNCATED_BODY,    /* closed before the body's end */
	HC_HTTP_ERR__MAX
};

/* "bad status line", "truncated body", ... */
const char *hc_http_err_text(enum hc_http_err e);

enum hc_http_progress {
	HC_HTTP_MORE,  /* everything was consumed, more is needed */
	HC_HTTP_DONE,  /* the response reached the stop point; the rest is ignored */
	HC_HTTP_FAILED /* malformed: see err */
};

typedef void (*hc_http_body_fn)(void *ud, const void *data, size_t len);

struct hc_http_parser {
	/* Results. */
	int status; /* the final status code, 0 until its line is complete */
	int minor;  /* HTTP/1.MINOR of the final response */
	enum hc_http_err err;
	bool conn_close; /* "Connection: close" */
	bool excess;	 /* bytes were fed past the response's end */
	bool eof;	 /* hc_http_parser_eof() was called */
	/* Bytes taken one at a time, not in a run: where the parser's cost per
	 * byte is highest (a test bounds it for a usual head). */
	uint32_t byte_steps;
	/* Private. */
	hc_http_body_fn body;
	void *ud;
	bool status_only;   /* stop after the final status line */
	uint8_t state, idx; /* idx: position inside the current token */
	bool cr;	    /* the last byte was a CR that must be followed by LF */
	bool trailers;	    /* header lines are the chunked body's trailers */
	bool any_header;    /* a header line was seen: a folded line may follow */
	bool chunked, has_length, has_te;
	uint8_t hdr;	   /* which header the current line is (H_*) */
	uint8_t n_chunked; /* "chunked" codings seen */
	uint8_t name_len, val_len;
	bool val_long;	    /* the value did not fit in val */
	int code;	    /* status code being read */
	uint32_t head_len;  /* bytes of status line + headers, or of trailers */
	uint32_t line_len;  /* bytes of the chunk size line */
	uint64_t total;	    /* bytes fed, to tell an empty reply */
	uint64_t length;    /* Content-Length */
	uint64_t remaining; /* body bytes left: of the content or the chunk */
	char name[20];	    /* long enough for the names we look at */
	char val[64];	    /* value of Content-Length / Transfer-Encoding */
};

/* STATUS_ONLY: the caller needs only the final status (no digest), so the
 * parser is done as soon as its line is. BODY (may be NULL) gets the
 * body's bytes, de-chunked, as they come. */
void hc_http_parser_init(struct hc_http_parser *p, bool status_only, hc_http_body_fn body,
			 void *ud);
enum hc_http_progress hc_http_parser_feed(struct hc_http_parser *p, const void *data, size_t len);
/* The peer closed the connection: DONE for a body that ends with the
 * close (or one already complete), otherwise the reason it is short. */
enum hc_http_progress hc_http_parser_eof(struct hc_http_parser *p);
/* The connection may carry another request: the response ended by its
 * own framing (not the close), HTTP/1.1 or later, no "Connection: close",
 * nothing after it, no protocol switch. */
bool hc_http_parser_reusable(const struct hc_http_parser *p);

/* What a check's GET needs. */
struct hc_http_req {
	const char *path;	    /* from the config, starts with '/' */
	const char *host;	    /* Host name (virtualhost, sni); NULL: ADDR */
	const struct hd_addr *addr; /* the address connected to */
	uint16_t port;		    /* appended to Host unless the scheme's default */
	bool tls;		    /* the default port is 443, not 80 */
	bool keep_alive;	    /* no "Connection: close" (reuse_connection) */
};

/* Write "GET PATH HTTP/1.1" with Host, User-Agent and Connection: close
 * into BUF (CAP bytes; not NUL-terminated). Returns the request's length,
 * complete in BUF when it is <= CAP (nothing is written past CAP, so a
 * first call with CAP 0 sizes it), or -EINVAL when PATH or the host has a
 * space or a control character (no header injection from a config value). */
long hc_http_request(char *buf, size_t cap, const struct hc_http_req *r);

#endif
