/* keepalived.conf reader: lines, comments, @ID, $definitions, ~SEQ,
 * include, braces -> a tree of keyword lines (ka_reader.h).
 *
 * Written from keepalived's documentation (keepalived.conf(5): comments,
 * quoting, conditional lines, parameter substitution, sequence blocks,
 * include) and its observable behaviour; no code of keepalived is used.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_reader.h"
#include "ka_reader_int.h"

#define MAX_DEPTH	   64	       /* nested blocks */
#define MAX_INCLUDE_DEPTH  16	       /* include chains (a file including itself) */
#define MAX_LINE_EXPANSION 65536       /* bytes a line may grow to by substitution */
#define MAX_PRODUCED	   1000000     /* lines produced by ~SEQ and definitions */
#define MAX_BYTES	   (64u << 20) /* all lines: what substitution can blow up to */

static void add_msg(struct ka_msgs *m, const char *file, int line, const char *pre, const char *fmt,
		    va_list ap)
{
	char *msg = NULL;

	/* All of them, up to a number a person reads (the list grows by
	 * copying): the rest are only counted. */
	if (m->diag.n >= KA_MAX_MSGS) {
		m->dropped++;
		return;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	hd_diag_add(&m->diag, file, line, "%s%s", pre, msg);
	free(msg);
}

void ka_warn(struct ka_msgs *m, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(m, file, line, "warning: ", fmt, ap);
	va_end(ap);
	m->warnings++;
}

void ka_error(struct ka_msgs *m, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(m, file, line, "", fmt, ap);
	va_end(ap);
	m->errors++;
}

void ka_msgs_clear(struct ka_msgs *m)
{
	hd_diag_clear(&m->diag);
	m->errors = m->warnings = m->dropped = 0;
}

/* ---- comments ---------------------------------------------------------- */

/* Appends LINE to the '\n'-joined text *P. */
static void text_append(char **p, const char *line)
{
	size_t a = *p ? strlen(*p) : 0, b = strlen(line);
	char *n = realloc(*p, a + b + 2);

	if (!n)
		return;
	if (a)
		n[a++] = '\n';
	memcpy(n + a, line, b + 1);
	*p = n;
}

/* Cuts S at its comment (`!` or `#` outside double quotes; `\#` and `\!`
 * outside quotes stand for the characters), trims it, and says whether it
 * ends in a continuation `\`. The comment's text, if any, goes to *COMMENT
 * (malloc'ed). Works in place. */
bool ka_decomment(char *s, char **comment, bool *unterminated)
{
	bool quote = false, cont = false;
	char *p = s + strspn(s, " \t"), *w;

	memmove(s, p, strlen(p) + 1);
	*unterminated = false;
	for (p = s; (p = strpbrk(p, "!#\"\\"));) {
		if (*p == '"') {
			quote = !quote;
			p++;
		} else if (*p == '\\') {
			if (!p[1]) {
				*p = '\0';
				cont = true;
				break;
			}
			if (!quote && (p[1] == '#' || p[1] == '!'))
				memmove(p, p + 1, strlen(p));
			p += p[1] ? 2 : 1;
		} else if (!quote) {
			if (comment) {
				const char *c = p + 1 + strspn(p + 1, "!# \t");
				*comment = strdup(c);
			}
			*p = '\0';
			break;
		} else {
			p++;
		}
	}
	*unterminated = quote;
	w = s + strlen(s);
	while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
		*--w = '\0';
	return cont;
}

/* ---- tree building ------------------------------------------------------ */

/* Keywords keepalived reads a block after. Without a '{' keepalived says
 * "Missing '{'" and takes the following lines, up to a '}', as the block
 * all the same; so does the reader (want_block). */
static bool block_keyword(const char *kw)
{
	static const char *const k[] = {"global_defs",
					"vrrp_script",
					"vrrp_instance",
					"vrrp_sync_group",
					"virtual_server",
					"virtual_server_group",
					"real_server",
					"TCP_CHECK",
					"HTTP_GET",
					"SSL_GET",
					"MISC_CHECK",
					"SMTP_CHECK",
					"DNS_CHECK",
					"UDP_CHECK",
					"PING_CHECK",
					"url",
					"authentication",
					"virtual_ipaddress",
					"unicast_peer",
					"track_script",
					"track_interface",
					"notification_email",
					"group",
					"static_ipaddress",
					"static_routes",
					"virtual_routes",
					"virtual_rules",
					"static_rules",
					NULL};

	for (int i = 0; k[i]; i++)
		if (!strcmp(kw, k[i]))
			return true;
	return false;
}

static void open_block(struct rd *r);

static struct ka_node *node_new(struct rd *r, char **words, size_t n)
{
	struct ka_node *nd;

	if (r->want_block) {
		ka_warn(r->m, r->file, r->line,
			"'{' missing after %s (line %d); keepalived takes the lines up to the next "
			"'}' as its block, so does the conversion",
			r->want_block->kw, r->want_block->line);
		r->want_block = NULL;
		open_block(r);
		if (r->dead_depth)
			return NULL; /* that block was too deep: dropped */
	}
	if (!(nd = calloc(1, sizeof(*nd))))
		return NULL;
	nd->kw = words[0];
	nd->args = words + 1;
	nd->nargs = n - 1;
	nd->file = r->file;
	nd->line = r->line;
	nd->lead = r->pending;
	r->pending = NULL;
	if (r->level[r->depth].last)
		r->level[r->depth].last->next = nd;
	else
		r->level[r->depth].parent->child = nd;
	r->level[r->depth].last = nd;
	r->line_node = nd;
	if (block_keyword(nd->kw))
		r->want_block = nd; /* cleared by the '{' that normally follows */
	return nd;
}

static void open_block(struct rd *r)
{
	struct ka_node *nd = r->level[r->depth].last;

	r->want_block = NULL;
	if (r->depth + 1 >= MAX_DEPTH || r->dead_depth) {
		if (!r->dead_depth)
			ka_error(r->m, r->file, r->line, "blocks nested more than %d deep",
				 MAX_DEPTH);
		r->dead_depth++;
		return;
	}
	if (!nd || nd->block) {
		ka_error(r->m, r->file, r->line, "'{' without a keyword before it");
		nd = NULL;
	}
	if (!nd) {
		/* Keep the braces balanced: an anonymous block that is dropped. */
		static char *anon[] = {"{"};
		nd = calloc(1, sizeof(*nd));
		if (!nd)
			return;
		nd->kw = strdup("{");
		nd->args = anon + 1;
		nd->file = r->file;
		nd->line = r->line;
		nd->next = r->orphans;
		r->orphans = nd;
	}
	nd->block = true;
	r->depth++;
	r->level[r->depth].parent = nd;
	r->level[r->depth].last = NULL;
	r->level[r->depth].file = r->file;
	r->level[r->depth].line = r->line;
}

static void close_block(struct rd *r)
{
	r->want_block = NULL;
	if (r->dead_depth) {
		r->dead_depth--;
		return;
	}
	if (r->depth == 0) {
		ka_warn(r->m, r->file, r->line, "'}' closes no block (keepalived ignores it)");
		return;
	}
	struct ka_node *p = r->level[r->depth].parent;
	if (r->pending) {
		p->end_lead = r->pending;
		r->pending = NULL;
	}
	r->depth--;
	r->line_node = NULL;
}

/* Words of one keyword line: blanks separate them, "..." is one word
 * without its quotes (keepalived does not treat ' or escapes specially
 * here). Returns the number of words, -1 on an unmatched quote. */
static int split_words(const char *s, size_t len, char ***out)
{
	char **w = NULL;
	size_t n = 0;
	const char *end = s + len;

	*out = NULL;
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s >= end)
			break;
		const char *b = s, *e;
		if (*s == '"') {
			b = s + 1;
			e = memchr(b, '"', (size_t)(end - b));
			if (!e) {
				ka_free_words(w, n);
				return -1;
			}
			s = e + 1;
		} else {
			e = s;
			while (e < end && *e != ' ' && *e != '\t' && *e != '"')
				e++;
			s = e;
		}
		char **nw = realloc(w, (n + 2) * sizeof(*w));
		if (!nw)
			break;
		w = nw;
		w[n] = strndup(b, (size_t)(e - b));
		if (!w[n])
			break;
		w[++n] = NULL;
	}
	*out = w;
	return (int)n;
}

void ka_free_words(char **w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

/* Where the next `{` or `}` outside double quotes is, or the end. */
static const char *next_brace(const char *s)
{
	bool quote = false;

	for (; *s; s++) {
		if (*s == '"')
			quote = !quote;
		else if (!quote && (*s == '{' || *s == '}'))
			return s;
	}
	return s;
}

/* One line after all substitutions: keyword lines and braces. */
void ka_emit_line(struct rd *r, const char *s, char *tail)
{
	r->line_node = NULL;
	r->bytes += strlen(s);
	if (r->bytes > r->max_bytes) {
		if (r->bytes - strlen(s) <= r->max_bytes)
			ka_error(
			    r->m, r->file, r->line,
			    "the lines read and produced exceed %zu bytes (definitions or ~SEQ "
			    "blowing up?)",
			    r->max_bytes);
		free(tail);
		return;
	}
	while (*s) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		if (*s == '{' || *s == '}') {
			if (*s == '{')
				open_block(r);
			else
				close_block(r);
			s++;
			continue;
		}
		const char *e = next_brace(s);
		char **w;
		int n = split_words(s, (size_t)(e - s), &w);
		if (n < 0)
			ka_error(r->m, r->file, r->line, "unmatched quote in '%.*s'", (int)(e - s),
				 s);
		else if (n == 0)
			free(w);
		else if (r->dead_depth || !node_new(r, w, (size_t)n))
			ka_free_words(w, (size_t)n); /* not taken by a node */
		s = e;
	}
	if (tail) {
		if (r->line_node && !r->line_node->tail)
			r->line_node->tail = tail;
		else
			text_append(&r->pending, tail), free(tail);
	}
}

void ka_add_comment(struct rd *r, const char *c)
{
	text_append(&r->pending, c);
}

/* ---- files -------------------------------------------------------------- */

static const char *keep_name(struct rd *r, const char *path)
{
	char **nf = realloc(r->t->files, (r->t->n_files + 1) * sizeof(*nf));

	if (!nf)
		return NULL;
	r->t->files = nf;
	nf[r->t->n_files] = strdup(path);
	return nf[r->t->n_files] ? nf[r->t->n_files++] : NULL;
}

/* Reads PATH line by line into the tree. */
int ka_read_file(struct rd *r, const char *path)
{
	const char *saved_file = r->file;
	int saved_line = r->line;
	char *text = NULL;
	int e = r->o->io.load(r->o->io.ud, path, &text);

	if (e < 0)
		return e;
	const char *name = keep_name(r, path);
	if (!name) {
		free(text);
		return -ENOMEM;
	}
	r->file = name;
	r->line = 0;
	for (char *s = text, *nl; s && *s; s = nl) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = '\0';
		r->line++;
		ka_physical_line(r, s);
	}
	ka_end_multiline(r);
	free(text);
	r->file = saved_file;
	r->line = saved_line;
	return 0;
}

struct ka_tree *ka_read(const char *path, const struct ka_read_opts *o, struct ka_msgs *m)
{
	struct rd r = {.o = o, .m = m};
	int e;

	r.t = calloc(1, sizeof(*r.t));
	if (!r.t)
		return NULL;
	r.t->root.block = true;
	r.level[0].parent = &r.t->root;
	r.max_produced = o->max_lines ? o->max_lines : MAX_PRODUCED;
	r.max_bytes = o->max_bytes ? o->max_bytes : MAX_BYTES;
	r.max_expansion = MAX_LINE_EXPANSION;
	r.max_include = MAX_INCLUDE_DEPTH;
	e = ka_read_file(&r, path);
	if (e < 0) {
		ka_error(m, path, 0, "cannot read: %s", strerror(-e));
		ka_rd_free(&r);
		ka_tree_free(r.t);
		return NULL;
	}
	for (int d = r.depth; d > 0; d--)
		ka_warn(m, r.level[d].file, r.level[d].line,
			"'{' is never closed (keepalived ends the block at the end of the file)");
	r.t->end_comments = r.pending;
	r.pending = NULL;
	ka_rd_free(&r);
	return r.t;
}

static void node_free(struct ka_node *n)
{
	while (n) {
		struct ka_node *next = n->next;
		node_free(n->child);
		for (size_t i = 0; i < n->nargs; i++)
			free(n->args[i]);
		if (n->kw && n->kw[0] != '{')
			free(n->args - 1);
		free(n->kw);
		free(n->lead);
		free(n->tail);
		free(n->end_lead);
		free(n);
		n = next;
	}
}

void ka_rd_free(struct rd *r)
{
	node_free(r->orphans);
	for (size_t i = 0; i < r->n_defs; i++) {
		free(r->defs[i].name);
		free(r->defs[i].value);
	}
	free(r->defs);
	free(r->pending);
}

void ka_tree_free(struct ka_tree *t)
{
	if (!t)
		return;
	node_free(t->root.child);
	free(t->root.end_lead);
	for (size_t i = 0; i < t->n_files; i++)
		free(t->files[i]);
	free(t->files);
	free(t->end_comments);
	free(t);
}
