/* vrrp_track_process's command line match (full_command, parameters,
 * param_match) and weight/reverse through tables, as keepalived.conf(5)
 * describes them: the command line is the kernel's, each word followed by
 * a NUL. */
#include <string.h>

#include "vrrp/vrrp_proc_cmd.h"
#include "unit.h"

/* A command line or parameters as the kernel has them, with '|' for each
 * NUL (test_rows() turns them into NULs), and its length. */
#define B(s) s, sizeof(s) - 1

enum {
	ANY = HD_PROC_PARAMS_ANY,
	EXACT = HD_PROC_PARAMS_EXACT,
	PART = HD_PROC_PARAMS_PARTIAL,
	INIT = HD_PROC_PARAMS_INITIAL
};

static const struct {
	const char *process;
	bool full;
	const char *params; /* NULL: none configured */
	size_t plen;
	int mode;
	const char *comm, *cl;
	size_t len;
	bool trunc, match;
} rows[] = {
    /* no parameter check: the name alone */
    {"sleep", false, NULL, 0, ANY, "sleep", B("sleep|100|"), false, true},
    {"sleep", false, NULL, 0, ANY, "sleep", B("/bin/sleep|100|"), false, true},
    /* full_command: argv[0] itself, not comm */
    {"sleep", true, NULL, 0, ANY, "sleep", B("/bin/sleep|100|"), false, false},
    {"/bin/sleep", true, NULL, 0, ANY, "sleep", B("/bin/sleep|100|"), false, true},
    {"svc-a", true, NULL, 0, ANY, "sleep", B("svc-a|100|"), false, true}, /* exec -a */
    {"svc-a", false, NULL, 0, ANY, "sleep", B("svc-a|100|"), false, false},
    {"svc-a", true, NULL, 0, ANY, "svc-a", B("svc-ab|"), false, false},
    {"svc-a", true, NULL, 0, ANY, "svc-a", B(""), false, false},     /* a kernel thread */
    {"svc-a", true, NULL, 0, ANY, "svc-a", B("svc-a"), false, true}, /* no NUL at all */
    {"svc-a", true, NULL, 0, ANY, "svc-a", B("svc-a"), true, false}, /* argv[0] cut */
    /* exact: the parameters, no more, no fewer */
    {"sleep", false, B("100|"), EXACT, "sleep", B("sleep|100|"), false, true},
    {"sleep", false, B("100|"), EXACT, "sleep", B("sleep|1000|"), false, false},
    {"sleep", false, B("100|"), EXACT, "sleep", B("sleep|10|"), false, false},
    {"sleep", false, B("100|"), EXACT, "sleep", B("sleep|100|x|"), false, false},
    {"sleep", false, B("100|"), EXACT, "sleep", B("sleep|"), false, false},
    {"sleep", false, B("100|"), EXACT, "sleep", B("sleep|100|"), true, false},
    {"sleep", false, B("100|"), EXACT, "bash", B("sleep|100|"), false, false},
    {"sleep", false, B("a b|c|"), EXACT, "sleep", B("sleep|a b|c|"), false, true},
    {"sleep", false, B("a b|c|"), EXACT, "sleep", B("sleep|a|b|c|"), false, false},
    /* param_match without parameters: none allowed */
    {"sleep", false, NULL, 0, EXACT, "sleep", B("sleep|"), false, true},
    {"sleep", false, NULL, 0, EXACT, "sleep", B("sleep|1|"), false, false},
    /* partial: the first ones exactly, more may follow */
    {"sleep", false, B("a|b|"), PART, "sleep", B("sleep|a|b|c|"), false, true},
    {"sleep", false, B("a|b|"), PART, "sleep", B("sleep|a|b|"), false, true},
    {"sleep", false, B("a|b|"), PART, "sleep", B("sleep|a|bc|"), false, false},
    {"sleep", false, B("a|b|"), PART, "sleep", B("sleep|a|"), false, false},
    {"sleep", false, B("a|b|"), PART, "sleep", B("sleep|a|b|c"), true, true},
    {"sleep", false, NULL, 0, PART, "sleep", B("sleep|x|"), false, true},
    /* initial: the last one may go on */
    {"sleep", false, B("a|b|"), INIT, "sleep", B("sleep|a|bc|"), false, true},
    {"sleep", false, B("a|b|"), INIT, "sleep", B("sleep|a|b|"), false, true},
    {"sleep", false, B("a|b|"), INIT, "sleep", B("sleep|ab|"), false, false},
    {"sleep", false, B("a|b|"), INIT, "sleep", B("sleep|a|c|"), false, false},
    {"sleep", false, B("a|b|"), INIT, "sleep", B("sleep|a|"), false, false},
    /* "" alone: any first parameter, but one */
    {"sleep", false, B("|"), INIT, "sleep", B("sleep|x|"), false, true},
    {"sleep", false, B("|"), INIT, "sleep", B("sleep|"), false, false},
    /* with full_command and parameters, as keepalived's `process P ARGS` */
    {"/bin/sleep", true, B("100|"), EXACT, "sleep", B("/bin/sleep|100|"), false, true},
    {"/bin/sleep", true, B("100|"), EXACT, "sleep", B("sleep|100|"), false, false},
    /* a name longer than comm: argv[0]'s file name, then the parameters */
    {"keepalived-helper-x", false, B("-d|"), EXACT, "keepalived-help",
     B("/usr/bin/keepalived-helper-x|-d|"), false, true},
    {"keepalived-helper-x", false, B("-d|"), EXACT, "keepalived-help",
     B("/usr/bin/keepalived-helper-x|-f|"), false, false},
};

/* S (LEN bytes) into OUT with each '|' a NUL, OUT[LEN] = 0. */
static char *nuls(char *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] == '|' ? 0 : s[i];
	out[len] = 0;
	return out;
}

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct hd_vrrp_process_config p = {
		    .process = (char *)rows[i].process,
		    .full_command = rows[i].full,
		    .params = (char *)rows[i].params,
		    .params_len = rows[i].plen,
		    .param_match = (enum hd_proc_param_match)rows[i].mode,
		};
		char cl[128], params[64];

		nuls(cl, rows[i].cl, rows[i].len);
		if (p.params)
			p.params = nuls(params, rows[i].params, rows[i].plen);
		bool m = vrrp_proc_cmd_match(&p, rows[i].comm, cl, rows[i].len, rows[i].trunc);
		EXPECT(m == rows[i].match, "row %zu (%s, comm %s): match %d", i, rows[i].process,
		       rows[i].comm, m);
		/* the cmdline is read whenever it could change the answer */
		if (!vrrp_proc_wants_cmdline(&p, rows[i].comm))
			EXPECT(vrrp_proc_cmd_match(&p, rows[i].comm, "", 0, false) == m,
			       "row %zu: decided without the cmdline, differently", i);
	}
}

static const struct {
	int weight;
	bool reverse;
	int st, delta;
	bool fault;
} weights[] = {
    {10, false, VRRP_PROC_UP, 10, false},
    {10, false, VRRP_PROC_DOWN, 0, false},
    {10, true, VRRP_PROC_UP, -10, false}, /* reverse: up lowers the priority */
    {10, true, VRRP_PROC_DOWN, 0, false},
    {-10, false, VRRP_PROC_DOWN, -10, false},
    {-10, false, VRRP_PROC_UP, 0, false},
    {-10, true, VRRP_PROC_DOWN, 10, false}, /* reverse: down raises it */
    {-10, true, VRRP_PROC_UP, 0, false},
    {0, false, VRRP_PROC_DOWN, 0, true},
    {0, false, VRRP_PROC_UP, 0, false},
    {0, true, VRRP_PROC_UP, 0, true}, /* weight 0 reverse: FAULT while it runs */
    {0, true, VRRP_PROC_DOWN, 0, false},
    {0, false, VRRP_PROC_UNKNOWN, 0, false},
    {0, true, VRRP_PROC_UNKNOWN, 0, false},
    {10, true, VRRP_PROC_UNKNOWN, 0, false},
};

static void test_weights(void)
{
	for (size_t i = 0; i < sizeof(weights) / sizeof(weights[0]); i++) {
		enum vrrp_proc_state st = (enum vrrp_proc_state)weights[i].st;
		int d = vrrp_proc_weight_delta(weights[i].weight, weights[i].reverse, st);
		bool f = vrrp_proc_is_fault(weights[i].weight, weights[i].reverse, st);

		EXPECT(d == weights[i].delta && f == weights[i].fault,
		       "weight %d reverse %d state %d: delta %d fault %d", weights[i].weight,
		       weights[i].reverse, weights[i].st, d, f);
	}
}

int main(void)
{
	test_rows();
	test_weights();
	return failures != 0;
}
