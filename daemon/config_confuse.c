/* libconfuse, and what it lacks for this parser: each workaround in one
 * small function that says why it exists and which libconfuse behaviour it
 * relies on; tests/unit/test_confuse_contract.c asserts each of those on
 * the installed library (a library upgrade that changes one fails there by
 * name, not as a subtle misparse):
 *   prescan()           comments and unclosed braces, before libconfuse;
 *   count_value()       an option given twice (def.number as a counter);
 *   LINE_OPT, sec_line() a section's line (a hidden option's default);
 *   confuse_msg_is()    the two libconfuse messages reworded;
 *   confuse_begin()     the error function's context, one parse at a time;
 *   find_opt()          lookups that never reach libconfuse's error path.
 * Written for libconfuse 3.2 and 3.3; neither they nor the later master
 * offer what would replace these: no line per option or section, no user
 * pointer for callbacks, no flag refusing a repeated option.
 */
#include "config.h"

#include <errno.h>
#include <libintl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* Counts the values OPT has been given in its section, this one included.
 * Why: a second `x = ...` makes libconfuse free the first value and parse
 * the second into a fresh slot, without a word (the last one wins), so
 * nothing in the option's values tells a repeat from a first time. Relies
 * on (test_confuse_contract: test_dup_counter): def.number is unused for
 * CFGT_PTR options, survives that reset, and starts at the schema's 0 in
 * every section instance (libconfuse copies the option table per section). */
static long count_value(cfg_opt_t *opt)
{
	return ++opt->def.number;
}

/* Whether the value being parsed repeats an option already given in this
 * section. For a list, `x = {...}` again resets it: its first new value
 * arrives as the only one (nvalues 1) with values counted before; `+=`
 * appends (more values) and is not a repeat. */
static bool is_repeat(const cfg_opt_t *opt, long count)
{
	if (opt->flags & CFGF_LIST)
		return count > 1 && opt->nvalues == 1;
	return count > 1;
}

int raw_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	size_t n = strlen(value);
	struct cval *v = malloc(sizeof(*v) + n + 1);

	if (!v)
		return -1;
	v->line = cfg->line;
	v->dup = is_repeat(opt, count_value(opt));
	memcpy(v->s, value, n + 1);
	*(void **)result = v;
	return 0;
}

/* The error function's context. Why: libconfuse's error callback gets no
 * user pointer and cfg_t has no user data field (3.3, and its master), so
 * the context of the parse under way is kept here, per thread: a report
 * reaching confuse_err() on a thread with no parse under way is dropped,
 * never given to another thread's parse. Relies on (test_confuse_contract:
 * test_messages): sections created by the parse copy the error function
 * set on the root before it.
 * One parse at a time: libconfuse's lexer is flex without %option
 * reentrant, plus static buffers, shared by every parse in the process,
 * and cfg_free() of a root resets it (cfg_yylex_destroy()). The daemon
 * parses one file at a time (start-up, then the reload worker), but any
 * caller of hd_config_load() may run on any thread: this lock serialises
 * them (test_config: test_parallel_loads crashes without it). */
static pthread_mutex_t confuse_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local struct cctx *parse_ctx;

void confuse_begin(struct cctx *c)
{
	pthread_mutex_lock(&confuse_lock);
	parse_ctx = c;
}

/* confuse_begin() on the event loop (a live add): false, at once, while
 * another thread parses. */
bool confuse_try_begin(struct cctx *c)
{
	if (pthread_mutex_trylock(&confuse_lock))
		return false;
	parse_ctx = c;
	return true;
}

void confuse_end(void)
{
	parse_ctx = NULL;
	pthread_mutex_unlock(&confuse_lock);
}

void confuse_free(cfg_t *root)
{
	pthread_mutex_lock(&confuse_lock);
	cfg_free(root);
	pthread_mutex_unlock(&confuse_lock);
}

/* Whether libconfuse's error format FMT is its message MSGID. Relies on
 * (test_confuse_contract: test_messages): libconfuse passes the msgid as
 * the format, or its translation in its gettext domain "confuse" when the
 * process runs in a locale with that catalogue; both are matched. */
static bool confuse_msg_is(const char *fmt, const char *msgid)
{
	return strcmp(fmt, msgid) == 0 || strcmp(fmt, dgettext("confuse", msgid)) == 0;
}

/* Two libconfuse messages reworded in the manual's terms (its own names
 * the section "root" and the duplicate "title"); the rest pass as they are.
 * Each takes the name as its one argument, cfg being the section at the
 * offending line. */
static void confuse_err(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[512];
	int line = cfg ? cfg->line : 0;

	if (!parse_ctx)
		return;
	if (confuse_msg_is(fmt, "no such option '%s'")) {
		const char *name = va_arg(ap, const char *);
		const char *sec = cfg && cfg->name && strcmp(cfg->name, "root") ? cfg->name : NULL;
		if (sec)
			cerr(parse_ctx, line, "unknown option '%s' in %s", name, sec);
		else
			cerr(parse_ctx, line, "unknown option '%s'", name);
		return;
	}
	if (confuse_msg_is(fmt, "found duplicate title '%s'")) {
		cerr(parse_ctx, line, "'%s' is defined twice", va_arg(ap, const char *));
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	cerr(parse_ctx, line, "%s", msg);
}

/* Why: libconfuse 3.3 miscounts lines after `#` and `//` comments and
 * rejects comments inside lists, so comments are blanked here (newlines
 * kept) and its lexer never sees one. It also takes end of file as the end
 * of any open section, so braces are counted here too (quoted text aside).
 * Relies on (test_confuse_contract: test_prescan_reasons and _model):
 * libconfuse's quoting is this one's, "..." and '...' with a backslash
 * escaping the next character, and `#` outside quotes starts a comment
 * even right after a word.
 * Returns the line of the problem and sets *why, or 0 when all is well. */
static int prescan(char *s, const char **why)
{
	int line = 1, start = 0, depth = 0, outer = 0;
	char quote = 0;

	for (; *s; s++) {
		if (*s == '\n')
			line++;
		if (quote) {
			if (*s == '\\' && s[1] && s[1] != '\n')
				s++;
			else if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
			start = line;
		} else if (*s == '{') {
			if (depth++ == 0)
				outer = line;
		} else if (*s == '}') {
			depth -= depth > 0; /* a stray one is libconfuse's to report */
		} else if (*s == '#' || (s[0] == '/' && s[1] == '/')) {
			while (s[1] && s[1] != '\n')
				*s++ = ' ';
			*s = ' ';
		} else if (s[0] == '/' && s[1] == '*') {
			start = line;
			*s++ = ' ';
			*s = ' ';
			while (s[1] && !(s[1] == '*' && s[2] == '/')) {
				s++;
				if (*s == '\n')
					line++;
				else
					*s = ' ';
			}
			if (!s[1]) {
				*why = "unterminated /* comment";
				return start;
			}
			s[1] = s[2] = ' ';
			s += 2;
		}
	}
	if (quote) {
		*why = "unterminated quoted string";
		return start;
	}
	if (depth) {
		*why = "'{' is never closed (missing '}')";
		return outer;
	}
	return 0;
}

/* Options set twice, user-written `__line`, and single sections given
 * more than once: things libconfuse accepts without a word. */
void check_raw(struct cctx *c, cfg_t *sec)
{
	static const char *const singles[] = {"global", "lvs_sync_daemon", "authentication", NULL};

	for (cfg_opt_t *o = sec->opts; o && o->name; o++) {
		if (o->type == CFGT_SEC) {
			for (unsigned i = 0; i < cfg_opt_size(o); i++)
				check_raw(c, cfg_opt_getnsec(o, i));
			if (cfg_opt_size(o) > 1 && enum_index(o->name, singles) >= 0)
				cerr(c, sec_line(cfg_opt_getnsec(o, 1)),
				     "section '%s' given more than once", o->name);
			continue;
		}
		for (unsigned i = 0; i < cfg_opt_size(o); i++) {
			const struct cval *v = cfg_opt_getnptr(o, i);
			if (!v || !v->dup)
				continue;
			if (strcmp(o->name, LINE_OPT) == 0)
				cerr(c, v->line, "unknown option '%s'", LINE_OPT);
			else
				cerr(c, v->line, "'%s' is set more than once", o->name);
		}
	}
}

bool confuse_parse(struct cctx *c, cfg_t *root, char *buf, size_t len)
{
	const char *why = NULL;
	int bad = prescan(buf, &why), rc;
	FILE *fp;

	if (bad) {
		cerr(c, bad, "%s", why);
		return false;
	}
	if (len == 0)
		return true; /* fmemopen() may refuse an empty buffer */
	fp = fmemopen(buf, len, "r");
	if (!fp) {
		cerr(c, 0, "fmemopen: %s", strerror(errno));
		return false;
	}
	free(root->filename);
	root->filename = strdup(c->file);
	cfg_set_error_function(root, confuse_err);
	rc = cfg_parse_fp(root, fp);
	fclose(fp);
	if (rc != CFG_SUCCESS && c->errors == 0)
		cerr(c, 0, "parse error");
	return rc == CFG_SUCCESS;
}

/* Option NAME of section SEC, NULL when its table has none. Why not
 * cfg_getopt() (and cfg_size(), cfg_getnsec(), which use it): used_opts()
 * leaves options out of the tables, and libconfuse reports a lookup of a
 * name its table lacks through the error function, which after the parse
 * has no context to report to (and for an empty file, never parsed, is
 * libconfuse's default: it printed "no such option" on stderr; test_config:
 * test_quiet_lookups). This lookup is silent. Relies on the public
 * cfg_t.opts array, ended by a NULL name. */
static cfg_opt_t *find_opt(cfg_t *sec, const char *name)
{
	for (cfg_opt_t *o = sec ? sec->opts : NULL; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

unsigned cnum(cfg_t *sec, const char *name)
{
	cfg_opt_t *o = find_opt(sec, name);
	return o ? cfg_opt_size(o) : 0;
}

cfg_t *csec(cfg_t *sec, const char *name, unsigned idx)
{
	cfg_opt_t *o = find_opt(sec, name);
	return o && o->type == CFGT_SEC && idx < cfg_opt_size(o) ? cfg_opt_getnsec(o, idx) : NULL;
}

const struct cval *cget(cfg_t *sec, const char *name, unsigned idx)
{
	cfg_opt_t *o = find_opt(sec, name);
	return o && o->type == CFGT_PTR && idx < cfg_opt_size(o) ? cfg_opt_getnptr(o, idx) : NULL;
}

int sec_line(cfg_t *sec)
{
	const struct cval *v = cget(sec, LINE_OPT, 0);
	return v ? v->line : 0;
}
