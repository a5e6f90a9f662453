/* The libconfuse behaviour daemon/config.c relies on, asserted against the
 * installed library directly (no daemon code here). Each check names the
 * workaround in config.c that depends on it: a libconfuse upgrade that
 * changes one fails here with that name, not as a subtle misparse in the
 * config tests. The workarounds are in daemon/config_confuse.c. Written
 * against libconfuse 3.3 (Debian 12). */
#include "config.h"

#include <confuse.h>
#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* What the callbacks saw, per test. */
static struct seen {
	int calls;	      /* parse callback calls */
	int line[16];	      /* cfg->line at each call */
	const char *sec[16];  /* cfg->name at each call */
	unsigned nvalues[16]; /* opt->nvalues at each call */
	long counter[16];     /* opt->def.number at each call (then incremented) */
	int frees;	      /* free callback calls */
	char err_fmt[128];    /* first error: the format as given */
	char err_arg[128];    /* and its first %s argument */
	char err_sec[64];     /* the section it was reported in */
	int err_line;
	int errors;
} seen;

static int cb(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int i = seen.calls++;

	if (i < 16) {
		seen.line[i] = cfg->line;
		seen.sec[i] = cfg->name;
		seen.nvalues[i] = opt->nvalues;
		seen.counter[i] = opt->def.number;
	}
	opt->def.number++;
	*(void **)result = strdup(value);
	return 0;
}

static void fr(void *p)
{
	seen.frees++;
	free(p);
}

static void errf(cfg_t *cfg, const char *fmt, va_list ap)
{
	if (seen.errors++)
		return;
	snprintf(seen.err_fmt, sizeof(seen.err_fmt), "%s", fmt);
	if (strstr(fmt, "%s"))
		snprintf(seen.err_arg, sizeof(seen.err_arg), "%s", va_arg(ap, const char *));
	snprintf(seen.err_sec, sizeof(seen.err_sec), "%s", cfg && cfg->name ? cfg->name : "");
	seen.err_line = cfg ? cfg->line : -1;
}

#define O(n) CFG_PTR_CB(n, NULL, CFGF_NONE, cb, fr)
#define L(n) CFG_PTR_LIST_CB(n, NULL, CFGF_NONE, cb, fr)
#define LINE CFG_PTR_CB("__line", "0", CFGF_NONE, cb, fr)

static cfg_opt_t inner_opts[] = {LINE, O("x"), L("l"), CFG_END()};
static cfg_opt_t nest_opts[] = {LINE, CFG_SEC("multi", inner_opts, CFGF_MULTI), CFG_END()};
static cfg_opt_t root_opts[] = {
    CFG_SEC("outer", nest_opts, CFGF_MULTI),
    CFG_SEC("multi", inner_opts, CFGF_MULTI),
    CFG_SEC("titled", inner_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
    CFG_SEC("merging", inner_opts, CFGF_MULTI | CFGF_TITLE),
    O("top"),
    L("list"),
    CFG_END(),
};
static cfg_opt_t single_root_opts[] = {CFG_SEC("single", inner_opts, CFGF_NONE), CFG_END()};

/* Parse TEXT with the schema above; *RC gets cfg_parse_fp's result. The
 * caller frees the returned cfg. */
static cfg_t *parse(const char *text, int *rc)
{
	cfg_t *cfg;
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	memset(&seen, 0, sizeof(seen));
	cfg = cfg_init(root_opts, CFGF_NONE);
	if (!cfg || !fp)
		abort();
	cfg_set_error_function(cfg, errf);
	*rc = cfg_parse_fp(cfg, fp);
	fclose(fp);
	return cfg;
}

static const char *val(cfg_t *sec, const char *name, unsigned i)
{
	return i < cfg_size(sec, name) ? cfg_getnptr(sec, name, i) : NULL;
}

/* ---- prescan(): why comments and braces are handled before libconfuse ---- */

/* prescan() blanks every comment because libconfuse's lexer gets lines
 * wrong after `#` and `//` comments and refuses a comment inside a list
 * (both would give wrong FILE:LINE or a confusing error); it counts braces
 * because libconfuse takes end of file as the end of every open section.
 * When one of these checks fails, libconfuse changed: prescan() may keep
 * working (blanked text has no comments), but read it again. */
static void test_prescan_reasons(void)
{
	int rc;
	cfg_t *cfg = parse("# one\n# two\nmulti {\n x = a\n}\n", &rc);

	CHECK(rc == CFG_SUCCESS);
	EXPECT(seen.calls == 2 && seen.line[1] != 4,
	       "libconfuse now counts lines after '#' comments right (x on line %d, want 4):"
	       " prescan()'s comment blanking is no longer needed for line numbers",
	       seen.line[1]);
	cfg_free(cfg);

	cfg = parse("list = { a, # c\n b }\n", &rc);
	EXPECT(rc != CFG_SUCCESS,
	       "libconfuse now accepts a comment inside a list: prescan() blanks them for that");
	cfg_free(cfg);

	cfg = parse("multi {\n x = a\n", &rc);
	EXPECT(rc == CFG_SUCCESS && seen.errors == 0,
	       "libconfuse now rejects a section left open at end of file (rc %d, '%s'):"
	       " prescan()'s brace count may be dropped if the line it names is the same",
	       rc, seen.err_fmt);
	cfg_free(cfg);
}

/* prescan() relies on libconfuse's quoting matching its own model: text in
 * "..." or '...' (backslash escapes the next character) is a value, so `#`,
 * `//`, `/ *` and braces in it are kept; outside quotes `#` starts a
 * comment even right after a word. */
static void test_prescan_model(void)
{
	int rc;
	cfg_t *cfg = parse("top = \"a # b // c /* d */ { } \\\" e\"\n"
			   "list = { 'f # \\' {' }\n",
			   &rc);

	CHECK(rc == CFG_SUCCESS);
	EXPECT(val(cfg, "top", 0) && strcmp(val(cfg, "top", 0), "a # b // c /* d */ { } \" e") == 0,
	       "double-quoted text changed: '%s'", val(cfg, "top", 0));
	EXPECT(val(cfg, "list", 0) && strcmp(val(cfg, "list", 0), "f # ' {") == 0,
	       "single-quoted text changed: '%s'", val(cfg, "list", 0));
	cfg_free(cfg);
	cfg = parse("top = g#h\n", &rc);
	EXPECT(rc == CFG_SUCCESS && val(cfg, "top", 0) && strcmp(val(cfg, "top", 0), "g") == 0,
	       "'#' right after a word no longer starts a comment: '%s'", val(cfg, "top", 0));
	cfg_free(cfg);
}

/* ---- sec_line() and the hidden __line option ---- */

/* libconfuse keeps no line for a section: cfg_t.line is where the parse of
 * it ended. A MULTI section gets its defaults parsed when it is created at
 * its opening brace, through the option's parse callback, with cfg the new
 * section at the brace's line: that is how __line gives each section its
 * line. A non-MULTI section is created (and its defaults parsed) at
 * cfg_init(), line 0: hence every section is MULTI in config.c. */
static void test_section_line(void)
{
	int rc;
	cfg_t *cfg = parse("\n\ntitled t1\n{\n\n x = a\n\n}\nmulti { }\n", &rc);
	cfg_t *t1 = cfg_getnsec(cfg, "titled", 0);

	CHECK(rc == CFG_SUCCESS);
	EXPECT(seen.calls == 3 && seen.line[0] == 4 && seen.sec[0] && t1 &&
		   strcmp(seen.sec[0], "titled") == 0,
	       "__line's default is no longer parsed at the opening brace (calls %d, line %d):"
	       " sec_line() gives wrong lines",
	       seen.calls, seen.line[0]);
	EXPECT(seen.calls == 3 && seen.line[2] == 9, "second section's default at line %d, want 9",
	       seen.line[2]);
	EXPECT(t1 && t1->line != 4,
	       "libconfuse now keeps a section's opening line in cfg_t.line (%d): sec_line() and"
	       " __line may use it instead",
	       t1 ? t1->line : -1);
	EXPECT(val(t1, "__line", 0) && strcmp(val(t1, "__line", 0), "0") == 0,
	       "__line's value is not its default");
	cfg_free(cfg);

	memset(&seen, 0, sizeof(seen));
	cfg = cfg_init(single_root_opts, CFGF_NONE);
	EXPECT(seen.calls == 1 && seen.line[0] == 0,
	       "a non-MULTI section's defaults are no longer parsed at cfg_init (calls %d)",
	       seen.calls);
	cfg_free(cfg);
}

/* ---- raw_cb()'s duplicate detection through def.number ---- */

/* A second `x = ...` in one section: libconfuse frees the first value (the
 * free callback) before parsing the second, so during the parse callback
 * the option has one value slot, freshly zeroed, and nothing else tells it
 * from the first; no error, the last one silently wins. def.number, unused
 * for PTR options, survives that reset and starts at the template's 0 in
 * every section instance: raw_cb() counts values in it. */
static void test_dup_counter(void)
{
	int rc;
	cfg_t *cfg = parse("multi {\n x = a\n x = b\n}\nmulti {\n x = c\n}\n", &rc);
	cfg_t *m0 = cfg_getnsec(cfg, "multi", 0);
	cfg_t *m1 = cfg_getnsec(cfg, "multi", 1);

	CHECK(rc == CFG_SUCCESS);
	EXPECT(seen.errors == 0,
	       "libconfuse now reports a repeated option itself: '%s'"
	       " (raw_cb()'s counting and its message may go)",
	       seen.err_fmt);
	/* calls: __line, x=a, x=b, __line, x=c */
	EXPECT(seen.calls == 5, "parse callback calls: %d, want 5", seen.calls);
	EXPECT(seen.nvalues[2] == 1 && seen.counter[1] == 0 && seen.counter[2] == 1,
	       "second x: nvalues %u, counter %ld (first %ld): raw_cb()'s dup test no longer"
	       " holds",
	       seen.nvalues[2], seen.counter[2], seen.counter[1]);
	EXPECT(seen.frees == 1, "the first x was freed %d times before the second", seen.frees);
	EXPECT(seen.counter[4] == 0, "def.number does not start at 0 in a new section (%ld)",
	       seen.counter[4]);
	EXPECT(cfg_size(m0, "x") == 1 && strcmp(val(m0, "x", 0), "b") == 0,
	       "libconfuse no longer keeps the last of two values");
	EXPECT(cfg_size(m1, "x") == 1 && strcmp(val(m1, "x", 0), "c") == 0, "second section's x");
	cfg_free(cfg);

	/* A list given again with `=` is reset: its first new value sees one
	 * slot and a non-zero counter; `+=` appends (more slots). */
	cfg = parse("list = { a, b }\nlist = { c }\nlist += { d }\n", &rc);
	CHECK(rc == CFG_SUCCESS);
	EXPECT(seen.calls == 4 && seen.nvalues[1] == 2 && seen.nvalues[2] == 1 &&
		   seen.counter[2] == 2 && seen.nvalues[3] == 2,
	       "list reset/append: nvalues %u %u %u: raw_cb()'s list dup test no longer holds",
	       seen.nvalues[1], seen.nvalues[2], seen.nvalues[3]);
	CHECK(cfg_size(cfg, "list") == 2);
	cfg_free(cfg);

	/* `__line = ...` written in the file is a second value of __line after
	 * its default: reported as unknown by check_raw(). */
	cfg = parse("multi {\n __line = 7\n}\n", &rc);
	EXPECT(rc == CFG_SUCCESS && seen.calls == 2 && seen.counter[1] == 1,
	       "a written __line is not seen as the second value (calls %d)", seen.calls);
	cfg_free(cfg);
}

/* ---- confuse_err(): libconfuse's own messages recognised ---- */

/* confuse_err() rewrites two libconfuse messages, recognised by their
 * format (libconfuse passes its msgid, or its translation when the process
 * has a locale with its catalogue: confuse_msg_is() takes both), with the
 * name as the one argument and cfg the section, at the offending line. */
static void test_messages(void)
{
	int rc;
	cfg_t *cfg = parse("multi {\n x = a\n\n bogus = 1\n}\n", &rc);

	CHECK(rc != CFG_SUCCESS);
	EXPECT(
	    strcmp(seen.err_fmt, "no such option '%s'") == 0 && strcmp(seen.err_arg, "bogus") == 0,
	    "libconfuse's unknown-option message changed: '%s' ('%s'): confuse_err() must follow",
	    seen.err_fmt, seen.err_arg);
	EXPECT(strcmp(seen.err_sec, "multi") == 0 && seen.err_line == 4,
	       "unknown option reported in '%s' at line %d, want multi at 4", seen.err_sec,
	       seen.err_line);
	cfg_free(cfg);

	cfg = parse("titled a { }\n\ntitled a { }\n", &rc);
	CHECK(rc != CFG_SUCCESS);
	EXPECT(strcmp(seen.err_fmt, "found duplicate title '%s'") == 0 &&
		   strcmp(seen.err_arg, "a") == 0 && seen.err_line == 3,
	       "libconfuse's duplicate-title message changed: '%s' ('%s') at %d: confuse_err()"
	       " must follow",
	       seen.err_fmt, seen.err_arg, seen.err_line);
	cfg_free(cfg);

	/* Without CFGF_NO_TITLE_DUPES the second section silently replaces
	 * the first: the flag is what makes a repeated title an error. */
	cfg = parse("merging a {\n x = 1\n}\nmerging a { }\n", &rc);
	EXPECT(rc == CFG_SUCCESS && cfg_size(cfg, "merging") == 1 &&
		   cfg_size(cfg_getnsec(cfg, "merging", 0), "x") == 0,
	       "libconfuse no longer lets a repeated title replace the first");
	cfg_free(cfg);

	/* The errfunc set on the root before the parse reaches sections
	 * created by the parse (they copy it): confuse_err() sees all. */
	cfg = parse("outer {\n multi { nope = 1 }\n}\n", &rc);
	EXPECT(rc != CFG_SUCCESS && strcmp(seen.err_sec, "multi") == 0 && seen.err_line == 2,
	       "error in a nested section not seen by the root's errfunc ('%s' line %d: %s)",
	       seen.err_sec, seen.err_line, seen.err_fmt);
	cfg_free(cfg);

	/* The catalogue domain libconfuse translates with is "confuse". */
	EXPECT(dgettext("confuse", "no such option '%s'") != NULL, "dgettext");
}

/* In a locale with libconfuse's catalogue the format is its translation,
 * the one dgettext("confuse", msgid) gives: confuse_msg_is() matches that
 * too. C.UTF-8 with LANGUAGE=de selects the German catalogue (Debian's
 * libconfuse-common); skipped where it is not installed. */
static void test_messages_translated(void)
{
	const char *msgid = "no such option '%s'", *tr;
	int rc;

	setenv("LANGUAGE", "de", 1);
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		printf("test_confuse_contract: no C.UTF-8 locale, translation not checked\n");
		unsetenv("LANGUAGE");
		return;
	}
	tr = dgettext("confuse", msgid);
	if (strcmp(tr, msgid) == 0) {
		printf("test_confuse_contract: no German catalogue, translation not checked\n");
	} else {
		cfg_t *cfg = parse("multi {\n bogus = 1\n}\n", &rc);
		EXPECT(rc != CFG_SUCCESS && strcmp(seen.err_fmt, tr) == 0,
		       "translated unknown-option message: got '%s', want '%s' (confuse_msg_is())",
		       seen.err_fmt, tr);
		cfg_free(cfg);
	}
	setlocale(LC_ALL, "C");
	unsetenv("LANGUAGE");
}

/* ---- ${VAR} expansion (documented in hadirector.conf(5)) ---- */

static void test_env(void)
{
	int rc;
	setenv("HD_CONTRACT_V", "v1", 1);
	unsetenv("HD_CONTRACT_UNSET");
	cfg_t *cfg =
	    parse("list = { ${HD_CONTRACT_V}, \"x${HD_CONTRACT_V}y\","
		  " '${HD_CONTRACT_V}', ${HD_CONTRACT_UNSET:-d}, \"\\${HD_CONTRACT_V}\" }\n",
		  &rc);
	const char *want[] = {"v1", "xv1y", "${HD_CONTRACT_V}", "d", "${HD_CONTRACT_V}"};

	CHECK(rc == CFG_SUCCESS);
	for (unsigned i = 0; i < 5; i++)
		EXPECT(
		    val(cfg, "list", i) && strcmp(val(cfg, "list", i), want[i]) == 0,
		    "${VAR} expansion changed (hadirector.conf(5) documents it): value %u is '%s',"
		    " want '%s'",
		    i, val(cfg, "list", i), want[i]);
	cfg_free(cfg);
}

int main(void)
{
	test_prescan_reasons();
	test_prescan_model();
	test_section_line();
	test_dup_counter();
	test_messages();
	test_messages_translated();
	test_env();
	return failures ? 1 : 0;
}
