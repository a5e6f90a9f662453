/* PURE SMTP client for e-mail alerts; see alert_smtp.h. No pipelining:
 * one command, one reply, so a reply that comes before our command was
 * written, or bytes after a complete reply, are the server's error. */
#include "config.h"

#include "alert_smtp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *alert_smtp_state_str(enum alert_smtp_state st)
{
	static const char *const n[] = {"greeting",	"HELO", "MAIL FROM", "RCPT TO", "DATA",
					"message text", "QUIT", "done",	     "failed"};

	return (unsigned)st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

void alert_smtp_clean(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	if (!size)
		return;
	for (; src && *src && i + 1 < size; src++)
		dst[i++] = ((unsigned char)*src < 0x20 || *src == 0x7f) ? ' ' : *src;
	dst[i] = '\0';
}

bool alert_smtp_addr_ok(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');

	/* no '@': a local user, the relay adds its domain (keepalived's samples) */
	if (n == 0 || n > 254 || (at && (at == s || at[1] == '\0' || strchr(at + 1, '@'))))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || strchr("<>\"", *s))
			return false;
	return true;
}

static enum alert_smtp_state fail(struct alert_smtp *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum alert_smtp_state fail(struct alert_smtp *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	s->state = ALERT_SMTP_FAILED;
	s->out_len = s->out_off = 0;
	return s->state;
}

/* Append to OUT; false when it does not fit (the session then fails). */
static bool put(struct alert_smtp *s, const char *p, size_t n)
{
	if (n > sizeof(s->out) - s->out_len)
		return false;
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
	return true;
}

static bool puts_clean(struct alert_smtp *s, const char *v)
{
	char buf[512];

	alert_smtp_clean(buf, sizeof(buf), v);
	return put(s, buf, strlen(buf));
}

/* "VERB<arg>\r\n", the argument cleaned. */
static bool command(struct alert_smtp *s, const char *verb, const char *arg, bool angle)
{
	return put(s, verb, strlen(verb)) && (!angle || put(s, "<", 1)) &&
	       (!arg || puts_clean(s, arg)) && (!angle || put(s, ">", 1)) && put(s, "\r\n", 2);
}

/* The body: every line end CRLF, a line that starts with '.' gets a
 * second one, and the text ends with a line end before ".". */
static bool body(struct alert_smtp *s, const char *b)
{
	bool bol = true;

	for (; b && *b; b++) {
		if (*b == '\r' || *b == '\n') {
			if (*b == '\r' && b[1] == '\n')
				b++;
			if (!put(s, "\r\n", 2))
				return false;
			bol = true;
			continue;
		}
		if (bol && *b == '.' && !put(s, ".", 1))
			return false;
		if (!put(s, b, 1))
			return false;
		bol = false;
	}
	return (bol || put(s, "\r\n", 2)) && put(s, ".\r\n", 3);
}

static bool text(struct alert_smtp *s)
{
	const struct alert_mail *m = s->m;
	bool ok = put(s, "From: ", 6) && puts_clean(s, m->from) && put(s, "\r\nTo: ", 6);

	for (size_t i = 0; ok && i < m->n_to; i++)
		ok = (i == 0 || put(s, ", ", 2)) && puts_clean(s, m->to[i]);
	ok = ok && put(s, "\r\nSubject: ", 11) && puts_clean(s, m->subject);
	if (ok && m->date)
		ok = put(s, "\r\nDate: ", 8) && puts_clean(s, m->date);
	static const char tail[] = "\r\nMIME-Version: 1.0\r\n"
				   "Content-Type: text/plain; charset=utf-8\r\n"
				   "Auto-Submitted: auto-generated\r\n\r\n";
	return ok && put(s, tail, sizeof(tail) - 1) && body(s, m->body);
}

void alert_smtp_start(struct alert_smtp *s, const struct alert_mail *m)
{
	memset(s, 0, sizeof(*s));
	s->m = m;
	hc_smtp_scan_init(&s->scan);
	if (m->n_to == 0 || m->n_to > ALERT_SMTP_MAX_RCPT)
		fail(s, "no recipient");
}

/* The next command after a positive reply in state ST. */
static enum alert_smtp_state next(struct alert_smtp *s, int code)
{
	const struct alert_mail *m = s->m;
	bool ok = true;

	switch (s->state) {
	case ALERT_SMTP_GREETING:
		if (code != 220)
			return fail(s, "greeting: server replied %d", code);
		ok = command(s, "HELO ", m->helo, false);
		s->state = ALERT_SMTP_HELO;
		break;
	case ALERT_SMTP_HELO:
		if (code != 250)
			return fail(s, "HELO: server replied %d", code);
		ok = command(s, "MAIL FROM:", m->from, true);
		s->state = ALERT_SMTP_MAIL;
		break;
	case ALERT_SMTP_MAIL:
		if (code != 250)
			return fail(s, "MAIL FROM: server replied %d", code);
		ok = command(s, "RCPT TO:", m->to[s->rcpt++], true);
		s->state = ALERT_SMTP_RCPT;
		break;
	case ALERT_SMTP_RCPT:
		/* 5321 3.3: a refused recipient does not end the transaction;
		 * the others still get the message. */
		if (code == 250 || code == 251)
			s->rcpt_ok++;
		if (s->rcpt < m->n_to) {
			ok = command(s, "RCPT TO:", m->to[s->rcpt++], true);
			break;
		}
		if (!s->rcpt_ok)
			return fail(s, "RCPT TO: no recipient accepted (last reply %d)", code);
		ok = command(s, "DATA", NULL, false);
		s->state = ALERT_SMTP_DATA;
		break;
	case ALERT_SMTP_DATA:
		if (code != 354)
			return fail(s, "DATA: server replied %d", code);
		ok = text(s);
		s->state = ALERT_SMTP_TEXT;
		break;
	case ALERT_SMTP_TEXT:
		if (code != 250)
			return fail(s, "message text: server replied %d", code);
		s->accepted = true;
		ok = command(s, "QUIT", NULL, false);
		s->state = ALERT_SMTP_QUIT;
		break;
	case ALERT_SMTP_QUIT:
		s->state = ALERT_SMTP_DONE;
		break;
	default:
		break;
	}
	if (!ok)
		return fail(s, "%s: command too long", alert_smtp_state_str(s->state));
	return s->state;
}

enum alert_smtp_state alert_smtp_feed(struct alert_smtp *s, const char *buf, size_t len)
{
	while (len && s->state < ALERT_SMTP_DONE) {
		size_t used = 0;
		int code = hc_smtp_scan_feed(&s->scan, buf, len, &used);

		if (code == HC_SMTP_BAD)
			return fail(s, "%s: malformed reply", alert_smtp_state_str(s->state));
		if (code == HC_SMTP_TOO_LONG)
			return fail(s, "%s: reply too long", alert_smtp_state_str(s->state));
		if (code == 0)
			return s->state;
		buf += used;
		len -= used;
		if (alert_smtp_pending(s))
			return fail(s, "%s: reply %d before the command was sent",
				    alert_smtp_state_str(s->state), code);
		s->out_len = s->out_off = 0;
		hc_smtp_scan_init(&s->scan);
		next(s, code);
		if (len && s->state < ALERT_SMTP_DONE)
			return fail(s, "%s: data after a reply", alert_smtp_state_str(s->state));
	}
	return s->state;
}

enum alert_smtp_state alert_smtp_closed(struct alert_smtp *s, const char *what)
{
	if (s->state == ALERT_SMTP_QUIT)
		s->state = ALERT_SMTP_DONE; /* delivered; QUIT's answer is a courtesy */
	else if (s->state < ALERT_SMTP_DONE)
		fail(s, "%s: %s", alert_smtp_state_str(s->state),
		     what ? what : "connection closed");
	return s->state;
}

enum alert_smtp_state alert_smtp_timeout(struct alert_smtp *s)
{
	return alert_smtp_closed(s, "timed out");
}

void alert_smtp_wrote(struct alert_smtp *s, size_t n)
{
	s->out_off += n < alert_smtp_pending(s) ? n : alert_smtp_pending(s);
	if (s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
}

bool alert_smtp_delivered(const struct alert_smtp *s)
{
	return s->state == ALERT_SMTP_DONE || s->accepted;
}
