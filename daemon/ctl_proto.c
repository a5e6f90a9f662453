#include "ctl_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

static const struct {
	const char *name;
	const char *opt; /* required option, or NULL */
	enum hd_ctl_cmd cmd;
	size_t nargs;
} hd_ctl_cmds[] = {
    {"status", NULL, HD_CTL_STATUS, 0},
    {"status", "--json", HD_CTL_STATUS_JSON, 0},
    {"reload", NULL, HD_CTL_RELOAD, 0},
    {"dump", NULL, HD_CTL_DUMP, 0},
    {"ping", NULL, HD_CTL_PING, 0},
    {"drain", NULL, HD_CTL_DRAIN, 2},
    {"undrain", NULL, HD_CTL_UNDRAIN, 2},
    {"weight", NULL, HD_CTL_WEIGHT, 3},
    {"metrics", NULL, HD_CTL_METRICS, 0},
    {"monitor", NULL, HD_CTL_MONITOR, 0},
    {"monitor", "--json", HD_CTL_MONITOR_JSON, 0}, /* the connection stays open */
    {"maint", NULL, HD_CTL_MAINT, 1},
    {"maint", "--all", HD_CTL_MAINT_ALL, 0},
    {"unmaint", NULL, HD_CTL_UNMAINT, 1},
    {"unmaint", "--all", HD_CTL_UNMAINT_ALL, 0},
    {"drain-director", NULL, HD_CTL_DRAIN_DIRECTOR, 0},
    {"undrain-director", NULL, HD_CTL_UNDRAIN_DIRECTOR, 0},
    {"remove-rs", NULL, HD_CTL_REMOVE_RS, 2},
};

/* "drain VS RS --wait [SECONDS]": the option comes after the arguments.
 * Returns NULL (REQ filled: argv[2] the timeout, whole seconds), an error,
 * or "" when WORDS are not this form. */
static const char *parse_drain_wait(char words[][128], size_t n, struct hd_ctl_request *req)
{
	long t = HD_CTL_WAIT_DEFAULT;

	if (n < 4 || strcmp(words[0], "drain") != 0 || strcmp(words[3], "--wait") != 0)
		return "";
	if (n > 5)
		return "wrong number of arguments";
	if (n == 5) {
		char *end;
		t = strtol(words[4], &end, 10);
		if (end == words[4] || *end || words[4][0] == '-' || t < 1 || t > HD_CTL_WAIT_MAX)
			return "--wait: the timeout is whole seconds, 1..86400";
	}
	req->cmd = HD_CTL_DRAIN_WAIT;
	req->argc = 3;
	memcpy(req->argv[0], words[1], strlen(words[1]) + 1);
	memcpy(req->argv[1], words[2], strlen(words[2]) + 1);
	snprintf(req->argv[2], sizeof(req->argv[2]), "%ld", t);
	return NULL;
}

/* Split on blanks into WORDS; only printable ASCII is accepted so nothing
 * odd ever reaches a log line or a lookup. */
static const char *split_words(const char *buf, size_t len, char words[][128], size_t *n)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t') {
			unsigned char c = (unsigned char)buf[i];
			if (c < 0x21 || c > 0x7e)
				return "request contains a control or non-ASCII character";
			i++;
		}
		if (i - start >= 128)
			return "word too long";
		if (*n >= HD_CTL_MAX_ARGS + 2)
			return "too many words";
		memcpy(words[*n], buf + start, i - start);
		words[*n][i - start] = '\0';
		(*n)++;
	}
	return NULL;
}

/* "add-rs VS RS [BODY]": BODY, the inside of a real_server block in the
 * file's syntax, is any number of words: the rest of the line, kept as it
 * is (printable ASCII and blanks only). NULL (REQ filled), an error, or ""
 * when BUF is not this form. */
static const char *parse_add_rs(const char *buf, size_t len, struct hd_ctl_request *req)
{
	char words[3][128];
	size_t i = 0, n;
	const char *err;

	for (int w = 0; w < 3; w++) { /* the end of the third word */
		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		while (i < len && buf[i] != ' ' && buf[i] != '\t')
			i++;
	}
	err = split_words(buf, i, words, &n);
	if (err || n == 0 || strcmp(words[0], "add-rs") != 0)
		return err ? err : "";
	if (n != 3)
		return "wrong number of arguments";
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (size_t k = i; k < len; k++)
		if (buf[k] != '\t' &&
		    ((unsigned char)buf[k] < 0x20 || (unsigned char)buf[k] > 0x7e))
			return "request contains a control or non-ASCII character";
	req->cmd = HD_CTL_ADD_RS;
	req->argc = 2;
	memcpy(req->argv[0], words[1], strlen(words[1]) + 1);
	memcpy(req->argv[1], words[2], strlen(words[2]) + 1);
	memcpy(req->body, buf + i, len - i);
	req->body[len - i] = '\0';
	return NULL;
}

/* "reload --plan" then "--json" and "--file PATH" (absolute), in any
 * order: NULL (REQ filled), an error, or "" when WORDS are not this form. */
static const char *parse_reload_plan(char words[][128], size_t n, struct hd_ctl_request *req)
{
	bool json = false, file = false;

	if (n < 2 || strcmp(words[0], "reload") != 0 || strcmp(words[1], "--plan") != 0)
		return "";
	for (size_t i = 2; i < n; i++) {
		if (!strcmp(words[i], "--json") && !json)
			json = true;
		else if (!strcmp(words[i], "--file") && !file && i + 1 < n &&
			 words[i + 1][0] == '/')
			file = true, i++;
		else
			return "reload --plan takes --json and --file ABSOLUTE-PATH";
	}
	req->cmd = HD_CTL_RELOAD_PLAN;
	req->argc = n - 2;
	for (size_t a = 0; a < req->argc; a++)
		memcpy(req->argv[a], words[a + 2], strlen(words[a + 2]) + 1);
	return NULL;
}

const char *hd_ctl_parse(const char *buf, size_t len, struct hd_ctl_request *req)
{
	char words[HD_CTL_MAX_ARGS + 2][128];
	size_t n;
	const char *err;

	if (len > HD_CTL_MAX_REQUEST)
		return "request too long";
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (memchr(buf, '\0', len))
		return "request contains a NUL byte";
	err = parse_add_rs(buf, len, req);
	if (!err || *err)
		return err;
	err = split_words(buf, len, words, &n);
	if (err)
		return err;
	err = parse_reload_plan(words, n, req);
	if (!err || *err)
		return err;
	if (n == 0)
		return "empty request";
	err = parse_drain_wait(words, n, req);
	if (!err || *err)
		return err;
	for (size_t c = 0; c < sizeof(hd_ctl_cmds) / sizeof(hd_ctl_cmds[0]); c++) {
		size_t skip = hd_ctl_cmds[c].opt ? 2 : 1;
		if (strcmp(words[0], hd_ctl_cmds[c].name) != 0)
			continue;
		if (hd_ctl_cmds[c].opt && (n < 2 || strcmp(words[1], hd_ctl_cmds[c].opt) != 0))
			continue;
		if (!hd_ctl_cmds[c].opt && n >= 2 && words[1][0] == '-')
			continue; /* an option some other entry may know */
		if (n - skip != hd_ctl_cmds[c].nargs)
			return "wrong number of arguments";
		req->cmd = hd_ctl_cmds[c].cmd;
		req->argc = n - skip;
		for (size_t a = 0; a < req->argc; a++) /* the word and its NUL, no more */
			memcpy(req->argv[a], words[a + skip], strlen(words[a + skip]) + 1);
		return NULL;
	}
	for (size_t c = 0; c < sizeof(hd_ctl_cmds) / sizeof(hd_ctl_cmds[0]); c++)
		if (strcmp(words[0], hd_ctl_cmds[c].name) == 0)
			return "unknown option";
	return "unknown command";
}
