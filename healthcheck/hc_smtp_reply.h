/* PURE SMTP reply scanning for smtp_check (RFC 5321 section 4.2).
 * Table-tested in tests/unit/test_hc_smtp_reply.c. */
#ifndef HC_SMTP_REPLY_H
#define HC_SMTP_REPLY_H

#include <stddef.h>

/* Scan BUF (the LEN bytes received so far) for one complete reply: lines
 * "DDD-text" continue it, "DDD text" or a bare "DDD" end it; lines end in
 * CRLF (a bare LF is accepted). Returns the code (three digits, 100..999)
 * once the last line is in, 0 while more bytes are needed, -1 when
 * malformed (a line not starting with three digits and a valid
 * separator, or lines of one reply with different codes). *USED gets the
 * length of the complete reply. */
int hc_smtp_reply(const char *buf, size_t len, size_t *used);

#endif
