/* PURE SMTP reply scanning for smtp_check (RFC 5321 section 4.2).
 * Table-tested in tests/unit/test_hc_smtp_reply.c. */
#ifndef HC_SMTP_REPLY_H
#define HC_SMTP_REPLY_H

#include <stddef.h>
#include <stdint.h>

/* A reply line is at most 512 octets (RFC 5321 4.5.3.1.5); real servers
 * pass that now and then, so a line may have four times as much. A reply
 * may have any number of lines; a greeting of a few kB is legitimate, a
 * reply of more than HC_SMTP_MAX_REPLY bytes is not an SMTP server's. */
#define HC_SMTP_MAX_LINE  2048 /* with its CRLF */
#define HC_SMTP_MAX_REPLY 65536

#define HC_SMTP_BAD	 (-1) /* malformed */
#define HC_SMTP_TOO_LONG (-2) /* a line or the reply is over its cap */

/* One reply being scanned, in pieces of any size: only the current
 * line's position and its first four bytes are kept. */
struct hc_smtp_scan {
	int code;	/* the reply's code (its first line's), 0 before */
	uint32_t col;	/* bytes of the current line so far */
	uint32_t total; /* bytes of the reply so far */
	char head[4];	/* the current line's first four bytes */
};

void hc_smtp_scan_init(struct hc_smtp_scan *s);
/* Feed the LEN bytes of BUF that came next: lines "DDD-text" continue the
 * reply, "DDD text" or a bare "DDD" end it; lines end in CRLF (a bare LF
 * is accepted). Returns the code (three digits, 100..999) once the last
 * line is in, with *USED the bytes of BUF it took (the rest is not
 * looked at); 0 while more bytes are needed (*USED = LEN); HC_SMTP_BAD
 * when malformed (a line not starting with three digits and a valid
 * separator, or lines of one reply with different codes), as soon as
 * that shows; HC_SMTP_TOO_LONG past a cap. */
int hc_smtp_scan_feed(struct hc_smtp_scan *s, const char *buf, size_t len, size_t *used);

/* The same over one buffer holding the reply's start: the code, 0 when
 * incomplete, HC_SMTP_BAD or HC_SMTP_TOO_LONG; *USED the length of the
 * complete reply (0 otherwise). */
int hc_smtp_reply(const char *buf, size_t len, size_t *used);

#endif
