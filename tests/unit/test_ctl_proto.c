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
    {"drain 10.0.0.1:80 10.0.0.2:80\n", 1, HD_CTL_DRAIN, 2, "10.0.0.1:80", NULL},
    {"undrain fwmark:7 [::1]:80\n", 1, HD_CTL_UNDRAIN, 2, "fwmark:7", NULL},
    {"weight 10.0.0.1:80 10.0.0.2:80 5\n", 1, HD_CTL_WEIGHT, 3, "10.0.0.1:80", NULL},
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
};

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
	printf("%zu cases, %d failures\n", sizeof(cases) / sizeof(cases[0]) + 3, fails);
	return fails ? 1 : 0;
}
