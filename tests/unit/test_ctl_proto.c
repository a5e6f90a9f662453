/* Table-driven tests of the control request parser. */
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"

struct ctl_case {
	const char *in;
	int ok;
	enum hd_ctl_cmd cmd;
	size_t argc;
	const char *arg0, *err;
};

static const struct ctl_case cases[] = {
    {"status\n", 1, HD_CTL_STATUS, 0, NULL, NULL},
    {"status", 1, HD_CTL_STATUS, 0, NULL, NULL},
    {"status --json\n", 1, HD_CTL_STATUS_JSON, 0, NULL, NULL},
    {"  status   --json \r\n", 1, HD_CTL_STATUS_JSON, 0, NULL, NULL},
    {"reload\n", 1, HD_CTL_RELOAD, 0, NULL, NULL},
    {"ping\n", 1, HD_CTL_PING, 0, NULL, NULL},
    {"dump\n", 1, HD_CTL_DUMP, 0, NULL, NULL},
    {"metrics\n", 1, HD_CTL_METRICS, 0, NULL, NULL},
    {"monitor\n", 1, HD_CTL_MONITOR, 0, NULL, NULL},
    {"monitor --json\n", 1, HD_CTL_MONITOR_JSON, 0, NULL, NULL},
    {"monitor --xml\n", 0, 0, 0, NULL, "unknown option"},
    {"monitor x\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"drain 10.0.0.1:80 10.0.0.2:80\n", 1, HD_CTL_DRAIN, 2, "10.0.0.1:80", NULL},
    {"undrain fwmark:7 [::1]:80\n", 1, HD_CTL_UNDRAIN, 2, "fwmark:7", NULL},
    {"weight 10.0.0.1:80 10.0.0.2:80 5\n", 1, HD_CTL_WEIGHT, 3, "10.0.0.1:80", NULL},
    {"weight 10.0.0.1:80 10.0.0.2:80 reset\n", 1, HD_CTL_WEIGHT, 3, "10.0.0.1:80", NULL},
    {"drain 10.0.0.1:80 10.0.0.2:80 --wait\n", 1, HD_CTL_DRAIN_WAIT, 3, "10.0.0.1:80", NULL},
    {"drain 10.0.0.1:80 10.0.0.2:80 --wait 30\n", 1, HD_CTL_DRAIN_WAIT, 3, "10.0.0.1:80", NULL},
    {"drain a b --wait 86400\n", 1, HD_CTL_DRAIN_WAIT, 3, "a", NULL},
    {"drain a b --wait 0\n", 0, 0, 0, NULL, "whole seconds"},
    {"drain a b --wait -5\n", 0, 0, 0, NULL, "whole seconds"},
    {"drain a b --wait 86401\n", 0, 0, 0, NULL, "whole seconds"},
    {"drain a b --wait 1.5\n", 0, 0, 0, NULL, "whole seconds"},
    {"drain a b --wait 99999999999999999999\n", 0, 0, 0, NULL, "whole seconds"},
    {"drain a b --wait 5 6\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"drain a b --nowait\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"maint 10.0.0.1:80\n", 1, HD_CTL_MAINT, 1, "10.0.0.1:80", NULL},
    {"unmaint group:web\n", 1, HD_CTL_UNMAINT, 1, "group:web", NULL},
    {"maint --all\n", 1, HD_CTL_MAINT_ALL, 0, NULL, NULL},
    {"unmaint --all\n", 1, HD_CTL_UNMAINT_ALL, 0, NULL, NULL},
    {"maint --some\n", 0, 0, 0, NULL, "unknown option"},
    {"maint\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"maint --all x\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"", 0, 0, 0, NULL, "empty request"},
    {"\n", 0, 0, 0, NULL, "empty request"},
    {"   \n", 0, 0, 0, NULL, "empty request"},
    {"stat\n", 0, 0, 0, NULL, "unknown command"},
    {"status --xml\n", 0, 0, 0, NULL, "unknown option"},
    {"status extra\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"drain 10.0.0.1:80\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"weight a b c d\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"status\x01\n", 0, 0, 0, NULL, "control or non-ASCII"},
    {"status \xc3\xa9\n", 0, 0, 0, NULL, "control or non-ASCII"},
    {"a b c d e f g h i j k l\n", 0, 0, 0, NULL, "too many words"},
    {"add-rs 10.0.0.1:80 10.0.0.5:80\n", 1, HD_CTL_ADD_RS, 2, "10.0.0.1:80", NULL},
    {"add-rs v r weight = 3 tcp_check { connect_timeout = 2 rise = 2 fall = 1 }\n", 1,
     HD_CTL_ADD_RS, 2, "v", NULL},
    {"add-rs v\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"add-rs\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"add-rs v r weight = \x01\n", 0, 0, 0, NULL, "control or non-ASCII"},
    {"add-rs v r weight = \xc3\xa9\n", 0, 0, 0, NULL, "control or non-ASCII"},
    {"remove-rs 10.0.0.1:80 10.0.0.5:80\n", 1, HD_CTL_REMOVE_RS, 2, "10.0.0.1:80", NULL},
    {"remove-rs v\n", 0, 0, 0, NULL, "wrong number of arguments"},
    {"remove-rs v r x\n", 0, 0, 0, NULL, "wrong number of arguments"},
};

/* add-rs: the options are the rest of the line, blanks kept, the line end
 * not; none gives "". */
static int check_add_rs_body(void)
{
	static const struct {
		const char *in, *body;
	} t[] = {
	    {"add-rs v r  weight = 3\ttcp_check { }\r\n", "weight = 3\ttcp_check { }"},
	    {"add-rs v r\n", ""},
	    {"  add-rs\tv   r   \n", ""},
	};
	struct hd_ctl_request req;
	int fails = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *e = hd_ctl_parse(t[i].in, strlen(t[i].in), &req);
		if (e || strcmp(req.body, t[i].body) || strcmp(req.argv[1], "r")) {
			fprintf(stderr, "FAIL: add-rs body of '%s': '%s' (%s)\n", t[i].in,
				e ? "" : req.body, e ? e : "parsed");
			fails++;
		}
	}
	return fails;
}

static int check_nul_and_long(void)
{
	struct hd_ctl_request req;
	char big[HD_CTL_MAX_REQUEST + 10];
	char word[200];
	int fails = 0;

	const char *e = hd_ctl_parse("status\0x\n", 9, &req);
	if (!e || !strstr(e, "NUL")) {
		fprintf(stderr, "FAIL: embedded NUL accepted\n");
		fails++;
	}
	memset(big, 'a', sizeof(big));
	e = hd_ctl_parse(big, sizeof(big), &req);
	if (!e || !strstr(e, "too long")) {
		fprintf(stderr, "FAIL: oversized request accepted\n");
		fails++;
	}
	memset(word, 'x', sizeof(word));
	memcpy(word, "drain ", 6);
	e = hd_ctl_parse(word, sizeof(word), &req);
	if (!e || !strstr(e, "word too long")) {
		fprintf(stderr, "FAIL: 194-byte word accepted\n");
		fails++;
	}
	return fails;
}

static int expect(const char *what, const char *buf, size_t len, const char *want_err)
{
	struct hd_ctl_request req;
	const char *e = hd_ctl_parse(buf, len, &req);

	if (want_err ? !e || !strstr(e, want_err) : e != NULL) {
		fprintf(stderr, "FAIL: %s: err=%s, wanted %s\n", what, e ? e : "none",
			want_err ? want_err : "none");
		return 1;
	}
	return 0;
}

/* A word of N bytes as drain's first argument: 127 is the longest that
 * fits argv[][128] with its NUL, and comes back whole. */
static int check_word(size_t n)
{
	struct hd_ctl_request req;
	char buf[300], what[40];
	size_t len = 0;

	memcpy(buf, "drain ", 6);
	len = 6;
	for (size_t i = 0; i < n; i++)
		buf[len++] = (char)('a' + i % 26);
	memcpy(buf + len, " rs\n", 4);
	len += 4;
	snprintf(what, sizeof(what), "%zu-byte word", n);
	if (n >= sizeof(req.argv[0]))
		return expect(what, buf, len, "word too long");
	if (expect(what, buf, len, NULL))
		return 1;
	hd_ctl_parse(buf, len, &req);
	if (strlen(req.argv[0]) != n || memcmp(req.argv[0], buf + 6, n) ||
	    strcmp(req.argv[1], "rs")) {
		fprintf(stderr, "FAIL: %s not copied whole\n", what);
		return 1;
	}
	return 0;
}

/* HD_CTL_MAX_REQUEST counts the whole line, its newline included (what
 * hadirectorctl sends at most and the daemon reads). */
static int check_request_length(void)
{
	static char buf[HD_CTL_MAX_REQUEST + 8];
	int fails = 0;

	for (size_t total = HD_CTL_MAX_REQUEST - 1; total <= HD_CTL_MAX_REQUEST + 1; total++) {
		const char *err = total > HD_CTL_MAX_REQUEST ? "too long" : NULL;
		char what[60];
		memset(buf, ' ', total);
		memcpy(buf, "ping", 4);
		buf[total - 1] = '\n';
		snprintf(what, sizeof(what), "%zu-byte line ending LF", total);
		fails += expect(what, buf, total, err);
		buf[total - 2] = '\r';
		snprintf(what, sizeof(what), "%zu-byte line ending CRLF", total);
		fails += expect(what, buf, total, err);
		snprintf(what, sizeof(what), "%zu bytes without a line end", total);
		memset(buf + total - 2, ' ', 2);
		fails += expect(what, buf, total, err);
	}
	return fails;
}

/* HD_CTL_MAX_ARGS + 2 words are split (the command, an option, the
 * arguments); one more is refused before it is copied anywhere. */
static int check_word_count(void)
{
	int fails = 0;

	static const char ten[] = "weight a b c d e f g h i\n";
	static const char eleven[] = "weight a b c d e f g h i j\n";
	static const char tabs[] = "weight\ta\tb\t7\n";

	fails += expect("10 words", ten, strlen(ten), "wrong number of arguments");
	fails += expect("11 words", eleven, strlen(eleven), "too many words");
	fails += expect("3 args, tabs", tabs, strlen(tabs), NULL);
	return fails;
}

int main(void)
{
	int fails = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ctl_case *c = &cases[i];
		struct hd_ctl_request req;
		const char *err = hd_ctl_parse(c->in, strlen(c->in), &req);
		int bad = 0;

		if (c->ok)
			bad = err || req.cmd != c->cmd || req.argc != c->argc ||
			      (c->arg0 && strcmp(req.argv[0], c->arg0) != 0);
		else
			bad = !err || !strstr(err, c->err);
		if (bad) {
			fprintf(stderr, "FAIL case %zu %.40s: err=%s\n", i, c->in,
				err ? err : "none");
			fails++;
		}
	}
	fails += check_nul_and_long();
	fails += check_add_rs_body();
	for (size_t n = 126; n <= 129; n++)
		fails += check_word(n);
	fails += check_request_length();
	fails += check_word_count();
	printf("%zu cases, %d failures\n", sizeof(cases) / sizeof(cases[0]) + 3 + 4 + 9 + 3, fails);
	return fails ? 1 : 0;
}
