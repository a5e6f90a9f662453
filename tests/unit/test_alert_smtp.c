/* The e-mail alert SMTP client (daemon/alert_smtp.c), as a server sees it:
 * every reply path, multi-line and split replies, 4xx/5xx at every step,
 * EOF and timeouts in every state, dot-stuffing, and no CR or LF from a
 * configured or run-time value reaching the wire outside its line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../daemon/alert_smtp.h"
#include "unit.h"

static const struct alert_mail mail1 = {
    .helo = "dir1",
    .from = "hd@example.org",
    .to = {"ops@example.org", "oncall@example.org"},
    .n_to = 2,
    .subject = "[r1] VI_1: BACKUP -> MASTER",
    .date = "Sun, 6 Dec 2026 01:00:00 +0000",
    .body = "line one\n.dot line\r\n..two dots\nlast",
};

/* The client's commands, in order, for mail1 (the text checked apart). */
static const char *const cmds[] = {
    "HELO dir1\r\n",
    "MAIL FROM:<hd@example.org>\r\n",
    "RCPT TO:<ops@example.org>\r\n",
    "RCPT TO:<oncall@example.org>\r\n",
    "DATA\r\n",
    NULL, /* the text */
    "QUIT\r\n",
};
static const char *const good[] = {"220 mx ESMTP\r\n", "250 mx\r\n",	    "250 ok\r\n",
				   "250 ok\r\n",       "251 forwarded\r\n", "354 go\r\n",
				   "250 queued\r\n",   "221 bye\r\n"};

/* Take what the client wants written; check it is EXPECT (NULL: any). */
static void take(struct alert_smtp *s, const char *expect, char *got, size_t size)
{
	size_t n = alert_smtp_pending(s);

	EXPECT(n < size, "pending %zu", n);
	memcpy(got, s->out + s->out_off, n < size ? n : 0);
	got[n < size ? n : 0] = '\0';
	/* written in two pieces, as a full socket buffer would take it */
	alert_smtp_wrote(s, n / 2);
	alert_smtp_wrote(s, n - n / 2);
	CHECK(alert_smtp_pending(s) == 0);
	if (expect)
		EXPECT(strcmp(got, expect) == 0, "got '%s' want '%s'", got, expect);
}

static char text_sent[ALERT_SMTP_OUT_MAX + 1];

/* Run mail1 with the good replies, byte by byte when SPLIT. */
static enum alert_smtp_state run_good(bool split)
{
	struct alert_smtp s;
	char got[ALERT_SMTP_OUT_MAX + 1];

	alert_smtp_start(&s, &mail1);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (i > 0)
			take(&s, cmds[i - 1], i == 6 ? text_sent : got, sizeof(got));
		const char *r = good[i];
		if (split)
			for (size_t k = 0; r[k]; k++)
				alert_smtp_feed(&s, r + k, 1);
		else
			alert_smtp_feed(&s, r, strlen(r));
	}
	CHECK(alert_smtp_delivered(&s));
	return s.state;
}

static void test_good(void)
{
	CHECK(run_good(false) == ALERT_SMTP_DONE);
	CHECK(run_good(true) == ALERT_SMTP_DONE);
	CHECK(strstr(text_sent, "From: hd@example.org\r\n") == text_sent);
	CHECK(strstr(text_sent, "\r\nTo: ops@example.org, oncall@example.org\r\n"));
	CHECK(strstr(text_sent, "\r\nSubject: [r1] VI_1: BACKUP -> MASTER\r\n"));
	CHECK(strstr(text_sent, "\r\nDate: Sun, 6 Dec 2026 01:00:00 +0000\r\n"));
	/* dot-stuffing, CRLF line ends, the end mark */
	const char *b = strstr(text_sent, "\r\n\r\n");
	CHECK(b && strcmp(b + 4, "line one\r\n..dot line\r\n...two dots\r\nlast\r\n.\r\n") == 0);
}

/* A multi-line greeting and EHLO-style continuation lines, in pieces. */
static void test_multiline(void)
{
	struct alert_smtp s;
	char got[256];
	static const char greet[] = "220-mx.example.org\r\n220-second line\r\n220 ready\r\n";

	alert_smtp_start(&s, &mail1);
	CHECK(alert_smtp_feed(&s, greet, 10) == ALERT_SMTP_GREETING);
	CHECK(alert_smtp_pending(&s) == 0);
	CHECK(alert_smtp_feed(&s, greet + 10, sizeof(greet) - 11) == ALERT_SMTP_HELO);
	take(&s, "HELO dir1\r\n", got, sizeof(got));
	CHECK(alert_smtp_feed(&s, "250-a\r\n250-b\r\n250 c\r\n", 21) == ALERT_SMTP_MAIL);
	/* lines of one reply with different codes: malformed */
	take(&s, NULL, got, sizeof(got));
	CHECK(alert_smtp_feed(&s, "250-a\r\n251 b\r\n", 14) == ALERT_SMTP_FAILED);
	CHECK(!alert_smtp_delivered(&s));
}

/* Every step answered 421/450/554 (and garbage): FAILED, named, nothing
 * more to write; delivered only when the text had its 250. */
static void test_errors(void)
{
	static const char *const bad[] = {"421 closing\r\n", "450 busy\r\n", "554 no\r\n",
					  "hello\r\n"};
	char got[ALERT_SMTP_OUT_MAX + 1];

	for (size_t step = 0; step < sizeof(good) / sizeof(good[0]); step++) {
		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			struct alert_smtp s;
			enum alert_smtp_state st = ALERT_SMTP_GREETING;

			alert_smtp_start(&s, &mail1);
			for (size_t i = 0; i <= step; i++) {
				if (i > 0)
					take(&s, NULL, got, sizeof(got));
				const char *r = i == step ? bad[b] : good[i];
				st = alert_smtp_feed(&s, r, strlen(r));
			}
			if (step == 3 || step == 4) {
				/* one recipient refused: the other still gets it */
				EXPECT(st != ALERT_SMTP_FAILED || b == 3, "step %zu", step);
			} else if (step == 7) {
				/* QUIT's reply, whatever it is: delivered */
				EXPECT(st == ALERT_SMTP_DONE || (b == 3 && s.accepted), "step 7");
				CHECK(alert_smtp_delivered(&s));
			} else {
				EXPECT(st == ALERT_SMTP_FAILED, "step %zu bad %zu", step, b);
				EXPECT(s.why[0] != '\0', "step %zu: no reason", step);
				CHECK(alert_smtp_pending(&s) == 0);
				CHECK(!alert_smtp_delivered(&s));
			}
		}
	}
	/* both recipients refused */
	struct alert_smtp s;
	alert_smtp_start(&s, &mail1);
	alert_smtp_feed(&s, good[0], strlen(good[0]));
	take(&s, NULL, got, sizeof(got));
	alert_smtp_feed(&s, good[1], strlen(good[1]));
	take(&s, NULL, got, sizeof(got));
	alert_smtp_feed(&s, good[2], strlen(good[2]));
	take(&s, NULL, got, sizeof(got));
	alert_smtp_feed(&s, "550 no\r\n", 8);
	take(&s, NULL, got, sizeof(got));
	CHECK(alert_smtp_feed(&s, "550 no\r\n", 8) == ALERT_SMTP_FAILED);
	CHECK(strstr(s.why, "no recipient"));
}

/* EOF and timeout in every state; a server that never answers times out
 * in the greeting. */
static void test_close_timeout(void)
{
	char got[ALERT_SMTP_OUT_MAX + 1];

	for (int how = 0; how < 2; how++) {
		for (size_t step = 0; step < 8; step++) {
			struct alert_smtp s;

			alert_smtp_start(&s, &mail1);
			for (size_t i = 0; i < step; i++) {
				if (i > 0)
					take(&s, NULL, got, sizeof(got));
				alert_smtp_feed(&s, good[i], strlen(good[i]));
			}
			enum alert_smtp_state st =
			    how ? alert_smtp_timeout(&s) : alert_smtp_closed(&s, NULL);
			if (step == 7) /* waiting for QUIT's answer: delivered */
				EXPECT(st == ALERT_SMTP_DONE, "step 7 how %d", how);
			else
				EXPECT(st == ALERT_SMTP_FAILED && !alert_smtp_delivered(&s),
				       "step %zu how %d", step, how);
			if (how && step < 7)
				CHECK(strstr(s.why, "timed out"));
		}
	}
}

/* A reply before the command was written, data after a reply (no
 * pipelining here), a reply over the size cap, feeding after the end. */
static void test_hostile(void)
{
	struct alert_smtp s;
	char got[256];

	alert_smtp_start(&s, &mail1);
	alert_smtp_feed(&s, good[0], strlen(good[0]));
	CHECK(alert_smtp_feed(&s, "250 x\r\n", 7) == ALERT_SMTP_FAILED); /* HELO not written */

	alert_smtp_start(&s, &mail1);
	CHECK(alert_smtp_feed(&s, "220 a\r\n250 b\r\n", 14) == ALERT_SMTP_FAILED);

	alert_smtp_start(&s, &mail1);
	char *flood = malloc(HC_SMTP_MAX_REPLY + 100);
	size_t n = 0;
	while (n + 7 < HC_SMTP_MAX_REPLY + 50) {
		memcpy(flood + n, "220-xx\n", 7);
		n += 7;
	}
	CHECK(alert_smtp_feed(&s, flood, n) == ALERT_SMTP_FAILED);
	CHECK(strstr(s.why, "too long"));
	free(flood);
	CHECK(alert_smtp_feed(&s, good[0], strlen(good[0])) == ALERT_SMTP_FAILED);
	(void)got;

	/* no recipient at all */
	struct alert_mail none = mail1;
	none.n_to = 0;
	alert_smtp_start(&s, &none);
	CHECK(s.state == ALERT_SMTP_FAILED);
}

/* CR, LF and other controls in every configured or run-time value: each
 * stays inside its own line (blanked); the body's become CRLF line ends
 * and cannot end the text early. */
static void test_injection(void)
{
	struct alert_mail m = {
	    .helo = "h\r\nMAIL FROM:<evil@x>",
	    .from = "a@b\r\nRCPT TO:<evil@x>",
	    .to = {"c@d\nBcc: evil@x"},
	    .n_to = 1,
	    .subject = "s\r\nBcc: evil@x\r\n\r\nbody",
	    .date = "d\rX-Evil: 1",
	    .body = "x\r\n.\r\nQUIT\r\n.\n\r.\r",
	};
	struct alert_smtp s;
	char got[ALERT_SMTP_OUT_MAX + 1], all[4 * ALERT_SMTP_OUT_MAX] = "";
	static const char *const rep[] = {"220 a\r\n", "250 a\r\n", "250 a\r\n",
					  "250 a\r\n", "354 a\r\n", "250 a\r\n"};

	alert_smtp_start(&s, &m);
	for (size_t i = 0; i < 6; i++) {
		alert_smtp_feed(&s, rep[i], strlen(rep[i]));
		take(&s, NULL, got, sizeof(got));
		strcat(all, got);
	}
	/* Each line on the wire is one of ours: count the lines that start
	 * a command or header the values tried to add. */
	CHECK(strstr(all, "\r\nMAIL FROM:<evil") == NULL);
	CHECK(strstr(all, "\r\nRCPT TO:<evil") == NULL);
	CHECK(strstr(all, "\r\nBcc:") == NULL);
	CHECK(strstr(all, "\r\nX-Evil") == NULL);
	CHECK(strstr(all, "HELO h  MAIL FROM:<evil@x>\r\n"));
	CHECK(strstr(all, "\r\nSubject: s  Bcc: evil@x    body\r\n"));
	/* every CR is followed by LF, every LF preceded by CR */
	for (const char *p = all; *p; p++) {
		if (*p == '\r')
			EXPECT(p[1] == '\n', "bare CR at %zu", (size_t)(p - all));
		if (*p == '\n')
			EXPECT(p > all && p[-1] == '\r', "bare LF at %zu", (size_t)(p - all));
	}
	/* the end-of-text mark appears once, at the end of the text */
	const char *b = strstr(all, "\r\n\r\n");
	CHECK(b && strstr(b, "\r\nx\r\n..\r\nQUIT\r\n..\r\n\r\n..\r\n.\r\nQUIT\r\n"));
	CHECK(s.state == ALERT_SMTP_QUIT);
	/* the address check the config uses */
	CHECK(alert_smtp_addr_ok("a@b.c"));
	CHECK(!alert_smtp_addr_ok("a@b\r\nx"));
	CHECK(!alert_smtp_addr_ok("<a@b>"));
	CHECK(!alert_smtp_addr_ok("a b@c"));
	CHECK(!alert_smtp_addr_ok("@b"));
	CHECK(!alert_smtp_addr_ok("a@"));
	CHECK(!alert_smtp_addr_ok("a@b@c"));
	CHECK(!alert_smtp_addr_ok(""));
	CHECK(alert_smtp_addr_ok("acassen")); /* a local user */
	CHECK(!alert_smtp_addr_ok("ac\tassen"));
}

/* A body too long for the buffer fails the session, never overflows. */
static void test_too_long(void)
{
	char *big = malloc(2 * ALERT_SMTP_OUT_MAX);
	struct alert_mail m = mail1;
	struct alert_smtp s;
	char got[ALERT_SMTP_OUT_MAX + 1];

	memset(big, 'a', 2 * ALERT_SMTP_OUT_MAX - 1);
	big[2 * ALERT_SMTP_OUT_MAX - 1] = '\0';
	m.body = big;
	alert_smtp_start(&s, &m);
	for (size_t i = 0; i < 6 && s.state < ALERT_SMTP_DONE; i++) {
		if (i > 0)
			take(&s, NULL, got, sizeof(got));
		alert_smtp_feed(&s, good[i], strlen(good[i]));
	}
	CHECK(s.state == ALERT_SMTP_FAILED);
	CHECK(strstr(s.why, "too long"));
	free(big);
}

int main(void)
{
	test_good();
	test_multiline();
	test_errors();
	test_close_timeout();
	test_hostile();
	test_injection();
	test_too_long();
	return failures != 0;
}
