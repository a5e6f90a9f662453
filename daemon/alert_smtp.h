/* PURE SMTP client for e-mail alerts (RFC 5321): one message per
 * session, no I/O. The driver (alert.c) connects, feeds what it reads,
 * writes what the machine queues in OUT and reports timeouts and EOF.
 * Table-tested in tests/unit/test_alert_smtp.c.
 *
 * Nothing configured or computed at run time reaches the wire as a line
 * break of its own: header values and command arguments have every
 * control character replaced by a blank, the body has its line ends
 * made CRLF and its lines that start with '.' dot-stuffed (5321 4.5.2). */
#ifndef HD_ALERT_SMTP_H
#define HD_ALERT_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "../healthcheck/hc_smtp_reply.h"

#define ALERT_SMTP_MAX_RCPT 16
#define ALERT_SMTP_OUT_MAX  8192 /* one command, or the whole DATA text */

struct alert_mail {
	const char *helo; /* HELO argument */
	const char *from;
	const char *to[ALERT_SMTP_MAX_RCPT];
	size_t n_to;
	const char *subject;
	const char *date; /* RFC 5322 date-time, or NULL */
	const char *body;
};

enum alert_smtp_state {
	ALERT_SMTP_GREETING = 0,
	ALERT_SMTP_HELO,
	ALERT_SMTP_MAIL,
	ALERT_SMTP_RCPT,
	ALERT_SMTP_DATA,
	ALERT_SMTP_TEXT,
	ALERT_SMTP_QUIT,
	ALERT_SMTP_DONE,   /* the message was accepted (250 after the text) */
	ALERT_SMTP_FAILED, /* see why */
};

struct alert_smtp {
	enum alert_smtp_state state;
	const struct alert_mail *m;
	struct hc_smtp_scan scan;
	size_t rcpt;	/* next recipient to send */
	size_t rcpt_ok; /* recipients the server took */
	bool accepted;	/* the text got its 250: a later failure is not one */
	char out[ALERT_SMTP_OUT_MAX];
	size_t out_len, out_off; /* to write: out[out_off..out_len) */
	char why[160];
};

/* Start a session for M (kept by pointer until the session ends): the
 * machine waits for the greeting. */
void alert_smtp_start(struct alert_smtp *s, const struct alert_mail *m);
/* The LEN bytes the server sent next. Returns the state after them. */
enum alert_smtp_state alert_smtp_feed(struct alert_smtp *s, const char *buf, size_t len);
/* The connection closed (EOF or error) / the session's time ran out. */
enum alert_smtp_state alert_smtp_closed(struct alert_smtp *s, const char *what);
enum alert_smtp_state alert_smtp_timeout(struct alert_smtp *s);
/* Bytes waiting to be written, and how many were. */
static inline size_t alert_smtp_pending(const struct alert_smtp *s)
{
	return s->out_len - s->out_off;
}
void alert_smtp_wrote(struct alert_smtp *s, size_t n);
/* A session that ended: delivered (DONE, or FAILED after the text was
 * accepted, e.g. a server that closes before answering QUIT). */
bool alert_smtp_delivered(const struct alert_smtp *s);
const char *alert_smtp_state_str(enum alert_smtp_state st);

/* Copy SRC into DST (SIZE bytes), every control character and DEL a
 * blank: a value that goes into one header or command line. */
void alert_smtp_clean(char *dst, size_t size, const char *src);
/* Is S usable as an address in MAIL FROM/RCPT TO: 1..254 printable
 * characters, no blank, '<', '>', '"' or control character, at most one
 * '@', not at either end (none: a local user name, as keepalived's
 * samples write). The config refuses anything else. */
bool alert_smtp_addr_ok(const char *s);

#endif
