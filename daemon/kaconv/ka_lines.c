/* keepalived.conf reader, per line: `@ID` conditions, `$NAME=value`
 * definitions (one line or several joined by a trailing `\`), `$NAME` and
 * `${NAME}` substitution (repeated until nothing changes, so values may use
 * other definitions), `~SEQ` repetition and `include` patterns, before the
 * line goes to the tree (ka_reader.c). Semantics from keepalived.conf(5),
 * "ADVANCED CONFIGURATION" and the include paragraphs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_reader_int.h"

#define MAX_LINE_DEPTH 32   /* substitutions producing ~SEQ producing ... */
#define MAX_FILES_READ 1000 /* a pattern including itself fans out */

static void process_line(struct rd *r, char *s, bool cont, char *tail, int depth);

static struct ka_def *def_find(struct rd *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->n_defs; i++)
		if (strlen(r->defs[i].name) == len && !memcmp(r->defs[i].name, name, len))
			return &r->defs[i];
	return NULL;
}

static struct ka_def *def_set(struct rd *r, const char *name, size_t len, const char *value)
{
	struct ka_def *d = def_find(r, name, len);
	char *v = strdup(value);

	if (!v)
		return NULL;
	if (!d) {
		struct ka_def *nd = realloc(r->defs, (r->n_defs + 1) * sizeof(*nd));
		if (!nd) {
			free(v);
			return NULL;
		}
		r->defs = nd;
		d = &nd[r->n_defs];
		if (!(d->name = strndup(name, len))) {
			free(v);
			return NULL;
		}
		r->n_defs++;
	} else {
		free(d->value);
	}
	d->value = v;
	return d;
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* `$NAME=value`: true when S is a definition (then it has been taken). */
static bool definition(struct rd *r, const char *s, bool cont)
{
	size_t n = name_len(s + 1);

	if (n == 0 || s[1 + n] != '=')
		return false;
	const char *v = s + 2 + n;
	v += strspn(v, " \t");
	struct ka_def *d = def_set(r, s + 1, n, v);
	if (d && cont)
		r->ml = d; /* the next lines, up to one without `\`, are its value */
	return true;
}

void ka_end_multiline(struct rd *r)
{
	r->ml = NULL;
}

static void multiline_add(struct rd *r, const char *s, bool cont)
{
	if (*s) {
		size_t a = strlen(r->ml->value), b = strlen(s);
		char *v = realloc(r->ml->value, a + b + 2);
		if (v) {
			if (a)
				v[a++] = '\n';
			memcpy(v + a, s, b + 1);
			r->ml->value = v;
		}
	}
	if (!cont)
		r->ml = NULL;
}

/* The value of a pre-defined name (keepalived.conf(5), "Pre-defined
 * definitions"), in BUF; NULL when NAME is not one this reader provides. */
static const char *predefined(struct rd *r, const char *name, size_t len, char *buf, size_t sz)
{
	if (len == 4 && !memcmp(name, "_PWD", 4)) {
		const char *sl = strrchr(r->file, '/');
		if (!sl)
			snprintf(buf, sz, ".");
		else
			snprintf(buf, sz, "%.*s", sl == r->file ? 1 : (int)(sl - r->file), r->file);
		return buf;
	}
	if (len == 9 && !memcmp(name, "_INSTANCE", 9))
		return r->o->config_id ? r->o->config_id : "";
	/* Escaped: the line is cut at its comments again after substitution. */
	if (len == 5 && !memcmp(name, "_HASH", 5))
		return "\\#";
	if (len == 5 && !memcmp(name, "_BANG", 5))
		return "\\!";
	return NULL;
}

struct sbuf {
	char *s;
	size_t n, cap;
	bool bad; /* too long, too deep, or out of memory */
};

static void sput(struct sbuf *b, const char *p, size_t n, size_t max)
{
	if (b->bad)
		return;
	if (b->n + n > max) {
		b->bad = true;
		return;
	}
	if (b->n + n + 1 > b->cap) {
		size_t nc = (b->n + n + 1) * 2;
		char *ns = realloc(b->s, nc);
		if (!ns) {
			b->bad = true;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* One `$NAME` or `${NAME}` at OUT[POS]: its value, and how long it is. */
static const char *lookup(struct rd *r, const char *p, size_t *len, char *buf, size_t sz)
{
	bool braces = p[1] == '{';
	const char *name = p + 1 + braces;
	size_t n = name_len(name);
	struct ka_def *d;

	if (n == 0)
		return NULL;
	if (braces && name[n] != '}') {
		if (name[n] == ' ' && ((n == 7 && !memcmp(name, "_RANDOM", 7)) ||
				       (n == 4 && !memcmp(name, "_ENV", 4))))
			ka_error(r->m, r->file, r->line,
				 "${%.*s ...}: not supported by the converter (its value is only "
				 "known where keepalived runs)",
				 (int)n, name);
		return NULL;
	}
	if (!braces && name[n] && name[n] != ' ' && name[n] != '\t')
		return NULL; /* keepalived: `$NAME` must be followed by a blank */
	*len = 1 + braces * 2 + n;
	if ((d = def_find(r, name, n)))
		return d->value;
	return predefined(r, name, n, buf, sz);
}

/* Appends IN to OUT with every known parameter replaced by its value,
 * itself expanded the same way (keepalived substitutes again in what a
 * value brought in), in one pass: linear in what it writes. Returns
 * whether anything was replaced. */
static bool expand(struct rd *r, const char *in, struct sbuf *out, int depth)
{
	bool changed = false;
	char buf[4096];

	for (const char *p; !out->bad && (p = strchr(in, '$'));) {
		size_t len = 0;
		const char *v = lookup(r, p, &len, buf, sizeof(buf));
		sput(out, in, (size_t)(p - in) + !v, r->max_expansion);
		in = p + (v ? len : 1);
		if (!v)
			continue;
		changed = true;
		if (depth >= MAX_LINE_DEPTH)
			out->bad = true;
		else
			expand(r, v, out, depth + 1);
	}
	sput(out, in, strlen(in), r->max_expansion);
	return changed;
}

/* Substitutes every known parameter in *S. Returns whether anything
 * changed. */
static bool substitute(struct rd *r, char **s)
{
	struct sbuf out = {0};
	bool changed = expand(r, *s, &out, 0);

	if (out.bad) {
		ka_error(r->m, r->file, r->line,
			 "parameter substitution does not end (a definition that uses itself?) or "
			 "grows past %zu bytes",
			 r->max_expansion);
		free(out.s);
		(*s)[0] = '\0';
		return true;
	}
	if (!changed) {
		free(out.s);
		return false;
	}
	free(*s);
	*s = out.s ? out.s : strdup("");
	return true;
}

/* `~SEQ(VAR, [START,] [STEP,] END) rest` and `~SEQx(...)`: REST once per
 * value with $VAR set to it. */
static void sequence(struct rd *r, const char *s, int depth)
{
	bool hex = s[4] == 'x';
	const char *p = s + 4 + hex, *close = strchr(p, ')');
	long v[3];
	int nv = 0;

	if (*p != '(' || !close)
		goto bad;
	p++;
	p += strspn(p, " \t");
	size_t vn = name_len(p);
	if (!vn)
		goto bad;
	const char *var = p;
	p += vn;
	while (p < close && nv < 3) {
		p += strspn(p, " \t");
		if (*p != ',')
			goto bad;
		char *e;
		v[nv++] = strtol(p + 1, &e, 0);
		if (e == p + 1)
			goto bad;
		p = e + strspn(e, " \t");
	}
	if (p != close || nv == 0)
		goto bad;
	long start = nv >= 2 ? v[0] : (v[0] >= 0 ? 1 : -1), end = v[nv - 1];
	long step = nv == 3 ? v[1] : (end >= start ? 1 : -1);
	if (step == 0 || (step > 0 && end < start) || (step < 0 && end > start))
		goto bad;
	const char *rest = close + 1 + strspn(close + 1, " \t");
	for (long i = start; step > 0 ? i <= end : i >= end; i += step) {
		char val[32], *line = strdup(rest);
		snprintf(val, sizeof(val), hex ? "%lx" : "%ld", i);
		def_set(r, var, vn, val);
		if (!line)
			return;
		process_line(r, line, false, NULL, depth + 1);
		free(line);
		if (r->produced > r->max_produced)
			return;
	}
	return;
bad:
	ka_error(r->m, r->file, r->line, "invalid ~SEQ specification '%s'", s);
}

/* `include PATTERN` (and includer/m/w/b/a): a relative pattern is taken
 * from the directory of the file that includes, as keepalived does. */
static bool include(struct rd *r, const char *s)
{
	if (strncmp(s, "include", 7) || !s[7])
		return false;
	const char *p = s + 7;
	if (strchr("rmwba", *p) && (p[1] == ' ' || p[1] == '\t'))
		p++;
	else if (*p != ' ' && *p != '\t')
		return false;
	p += strspn(p, " \t");
	char *pat, **paths = NULL;
	size_t n = 0, plen = strlen(p);
	if (plen >= 2 && p[0] == '"' && p[plen - 1] == '"')
		p++, plen -= 2;
	const char *sl = strrchr(r->file, '/');
	if (p[0] == '/' || !sl)
		pat = strndup(p, plen);
	else if (asprintf(&pat, "%.*s/%.*s", (int)(sl - r->file), r->file, (int)plen, p) < 0)
		pat = NULL;
	if (!pat)
		return true;
	int e = r->o->io.glob(r->o->io.ud, pat, &paths, &n);
	if (e < 0 || n == 0)
		ka_warn(r->m, r->file, r->line, "include %s: %s (keepalived goes on without it)",
			pat, e < 0 ? strerror(-e) : "no file matches");
	for (size_t i = 0; i < n; i++) {
		if (r->t->n_files >= MAX_FILES_READ) {
			if (!r->too_many_files)
				ka_error(r->m, r->file, r->line,
					 "include %s: more than %d files read (includes that "
					 "include each other?)",
					 paths[i], MAX_FILES_READ);
			r->too_many_files = true;
		} else if (r->include_depth >= r->max_include) {
			ka_error(r->m, r->file, r->line,
				 "include %s: nested more than %d deep (a file including itself?)",
				 paths[i], r->max_include);
		} else {
			r->include_depth++;
			e = ka_read_file(r, paths[i]);
			r->include_depth--;
			if (e < 0)
				ka_warn(r->m, r->file, r->line,
					"include %s: %s (keepalived skips it)", paths[i],
					strerror(-e));
		}
		free(paths[i]);
	}
	free(paths);
	free(pat);
	return true;
}

/* `@ID rest` / `@^ID rest`: REST when this is (is not) config-id ID. A
 * line left out is kept as a comment, so the output shows it. Returns the
 * rest, or NULL when the line is not for this host. */
static char *condition(struct rd *r, char *s, char **tail)
{
	bool neg = s[1] == '^';
	char *id = s + 1 + neg, *note = NULL;
	size_t n = strcspn(id, " \t");
	const char *cid = r->o->config_id;

	if (!id[n])
		return NULL; /* nothing after the id: keepalived drops the line */
	char *rest = id + n + strspn(id + n, " \t");
	bool match = cid && strlen(cid) == n && !strncmp(cid, id, n);
	if (match != neg)
		return rest;
	if (asprintf(&note, "%s (left out: config-id is %s)", s, cid ? cid : "not set") >= 0) {
		ka_add_comment(r, note);
		free(note);
	}
	if (*tail) {
		ka_add_comment(r, *tail);
		free(*tail);
		*tail = NULL;
	}
	return NULL;
}

/* Lines that a substitution produced: each is processed like a line of
 * the file (it may be a definition, a condition, ...). */
static void expanded(struct rd *r, char *x, char *tail, int depth)
{
	for (char *p = x, *nl; p; p = nl) {
		if ((nl = strchr(p, '\n')))
			*nl++ = '\0';
		char *c = NULL;
		bool unterm, cont = ka_decomment(p, &c, &unterm);
		free(c);
		if (unterm)
			ka_error(r->m, r->file, r->line, "unterminated quote");
		process_line(r, p, cont, nl ? NULL : tail, depth + 1);
		if (!nl)
			tail = NULL;
	}
	if (tail) {
		ka_add_comment(r, tail);
		free(tail);
	}
}

static void process_line(struct rd *r, char *s, bool cont, char *tail, int depth)
{
	if (++r->produced > r->max_produced || depth > MAX_LINE_DEPTH) {
		if (r->produced == r->max_produced + 1 || depth == MAX_LINE_DEPTH + 1)
			ka_error(r->m, r->file, r->line,
				 "~SEQ or definitions produce too many lines or nest too deep");
		free(tail);
		return;
	}
	if (!*s) {
		if (tail)
			ka_add_comment(r, tail);
		free(tail);
		return;
	}
	if (s[0] == '@' && !(s = condition(r, s, &tail))) {
		free(tail);
		return;
	}
	if ((s[0] == '$' && definition(r, s, cont)) || !strncmp(s, "~LST", 4)) {
		if (s[0] == '~')
			ka_error(r->m, r->file, r->line,
				 "~LST: list blocks are not supported by the converter");
		if (tail)
			ka_add_comment(r, tail);
		free(tail);
		return;
	}
	if (!strncmp(s, "~SEQ", 4)) {
		sequence(r, s, depth);
		free(tail);
		return;
	}
	char *x = strdup(s);
	if (x && substitute(r, &x)) {
		expanded(r, x, tail, depth);
		free(x);
		return;
	}
	free(x);
	if (include(r, s)) {
		if (tail)
			ka_add_comment(r, tail);
		free(tail);
		return;
	}
	ka_emit_line(r, s, tail);
}

void ka_physical_line(struct rd *r, char *s)
{
	size_t n = strlen(s);
	char *comment = NULL;
	bool unterm, cont;

	if (n && s[n - 1] == '\r')
		s[--n] = '\0';
	cont = ka_decomment(s, &comment, &unterm);
	if (r->ml) {
		if (!*s && !cont)
			r->ml = NULL; /* an empty line ends a multi-line definition */
		else
			multiline_add(r, s, cont);
		free(comment);
		return;
	}
	if (unterm)
		ka_error(r->m, r->file, r->line, "unterminated quote");
	process_line(r, s, cont, comment, 0);
}
