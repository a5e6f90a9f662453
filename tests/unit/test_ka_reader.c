/* daemon/kaconv/ka_reader.c, ka_lines.c: keepalived.conf read as keepalived
 * reads it, from an in-memory set of files: braces, comments, quoting,
 * include with globs, $definitions, @ID lines, ~SEQ, and the FILE:LINE of
 * every error. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaconv/ka_reader.h"
#include "unit.h"

struct vfile {
	const char *path, *text;
};

static const struct vfile *files;

static int vload(void *ud, const char *path, char **text)
{
	(void)ud;
	for (const struct vfile *f = files; f->path; f++)
		if (!strcmp(f->path, path))
			return (*text = strdup(f->text)) ? 0 : -ENOMEM;
	return -ENOENT;
}

/* "/a/b/../c" -> "/a/c", as the file system resolves it for glob(3). */
static void dotdot(char *p)
{
	char *d;

	while ((d = strstr(p, "/../"))) {
		char *s = d;
		while (s > p && s[-1] != '/')
			s--;
		memmove(s > p ? s - 1 : s, d + 3, strlen(d + 3) + 1);
	}
}

static int vglob(void *ud, const char *pat, char ***paths, size_t *n)
{
	char pattern[256];

	(void)ud;
	snprintf(pattern, sizeof(pattern), "%s", pat);
	dotdot(pattern);
	*n = 0;
	*paths = calloc(16, sizeof(char *));
	for (const struct vfile *f = files; f->path && *n < 16; f++)
		if (fnmatch(pattern, f->path, FNM_PATHNAME) == 0)
			(*paths)[(*n)++] = strdup(f->path);
	return 0;
}

static struct ka_tree *rd(const struct vfile *fs, const char *id, struct ka_msgs *m)
{
	struct ka_read_opts o = {.config_id = id, .io = {vload, vglob, NULL}};

	files = fs;
	memset(m, 0, sizeof(*m));
	return ka_read(fs[0].path, &o, m);
}

/* The tree as one line: "kw a b { kw ... } kw ...". */
static void flat(const struct ka_node *n, char *out, size_t sz)
{
	for (; n; n = n->next) {
		strncat(out, n->kw, sz - strlen(out) - 1);
		for (size_t i = 0; i < n->nargs; i++) {
			strncat(out, " ", sz - strlen(out) - 1);
			strncat(out, n->args[i], sz - strlen(out) - 1);
		}
		if (n->block) {
			strncat(out, " {", sz - strlen(out) - 1);
			if (n->child)
				strncat(out, " ", sz - strlen(out) - 1);
			flat(n->child, out, sz);
			strncat(out, " }", sz - strlen(out) - 1);
		}
		if (n->next)
			strncat(out, " ", sz - strlen(out) - 1);
	}
}

static bool has_msg(const struct ka_msgs *m, const char *s)
{
	for (size_t i = 0; i < m->diag.n; i++)
		if (strstr(m->diag.lines[i], s))
			return true;
	return false;
}

static const struct {
	const char *name, *text, *id, *tree; /* tree: flat() of the result */
	unsigned errors, warnings;
	const char *msg; /* a message expected (with its FILE:LINE) */
} cases[] = {
    {"braces on the same line", "a 1 {\n b 2\n}\n", NULL, "a 1 { b 2 }", 0, 0, NULL},
    {"brace on the next line", "a\n{\n b\n}\n", NULL, "a { b }", 0, 0, NULL},
    {"several on one line", "a { b 1 } c { d { e } }\n", NULL, "a { b 1 } c { d { e } }", 0, 0,
     NULL},
    {"comments", "! head\n# more\na 1 # tail\nb \"x # y\" ! z\n", NULL, "a 1 b x # y", 0, 0, NULL},
    {"escaped comment characters", "a x\\#y \\!z\n", NULL, "a x#y !z", 0, 0, NULL},
    {"quoted words", "s \"/bin/x -a b\" u\nt a\"b c\"d\n", NULL, "s /bin/x -a b u t a b c d", 0, 0,
     NULL},
    {"carriage returns", "a 1\r\nb {\r\n c\r\n}\r\n", NULL, "a 1 b { c }", 0, 0, NULL},
    {"definitions", "$IF=eth0\ni $IF\nj ${IF}.10 $IFX\n", NULL, "i eth0 j eth0.10 $IFX", 0, 0,
     NULL},
    {"definitions use later values", "$A=10.${B}\n$B=1\nx ${A}.1\n$B=2\nx ${A}.1\n", NULL,
     "x 10.1.1 x 10.2.1", 0, 0, NULL},
    {"multi-line definition", "$M= \\\n a 1 \\\n b {\\\n c\\\n }\n\n$M\n", NULL, "a 1 b { c }", 0,
     0, NULL},
    {"missing brace", "vs 1 80\n delay_loop 6\n real_server 2 80 {\n  weight 1\n }\n}\nnext\n",
     NULL, "vs 1 80 delay_loop 6 real_server 2 80 { weight 1 } next", 0, 1,
     "keepalived.conf:6: warning: '}' closes no block"},
    {"missing brace of a block keyword", "virtual_server 1 80\n delay_loop 6\n}\nnext\n", NULL,
     "virtual_server 1 80 { delay_loop 6 } next", 0, 1,
     "keepalived.conf:2: warning: '{' missing after virtual_server (line 1)"},
    {"config-id", "@main p 1\n@backup p 2\n@^main q 3\n@^backup q 4\n", "main", "p 1 q 4", 0, 0,
     NULL},
    {"no config-id", "@main p 1\n@^main q 3\n", NULL, "q 3", 0, 0, NULL},
    {"config-id with definition", "@main $P=200\n@backup $P=100\nprio $P\n", "backup", "prio 100",
     0, 0, NULL},
    {"sequence", "v {\n~SEQ(I, 1, 3) 10.0.0.$I\n}\n", NULL, "v { 10.0.0.1 10.0.0.2 10.0.0.3 }", 0,
     0, NULL},
    {"hex sequence", "~SEQx(I, 0x9, 2, 0xd) a $I\n", NULL, "a 9 a b a d", 0, 0, NULL},
    {"pre-defined", "a ${_HASH} ${_BANG} $_INSTANCE\n", "lb1", "a # ! lb1", 0, 0, NULL},
    {"pwd", "a ${_PWD}\n", NULL, "a /etc/keepalived", 0, 0, NULL},
    {"unmatched quote", "a 1\nb \"x\n", NULL, "a 1", 2, 0, "keepalived.conf:2: "},
    {"brace without keyword", "{\n}\n", NULL, "", 1, 0, "keepalived.conf:1: '{' without a keyword"},
    {"extra closing brace", "a\n}\nb\n", NULL, "a b", 0, 1, "keepalived.conf:2: warning: '}'"},
    {"unclosed block", "a {\n b {\n c\n", NULL, "a { b { c } }", 0, 2,
     "keepalived.conf:2: warning: '{' is never closed"},
    {"self-referencing definition", "$A=x$A \ny $A\n", NULL, NULL, 1, 0,
     "keepalived.conf:2: parameter substitution does not end"},
    {"bad sequence", "~SEQ(I, 1, 0, 3) a\n", NULL, "", 1, 0, "keepalived.conf:1: invalid ~SEQ"},
    {"list blocks", "~LST(I, 1, 2) a $I\n", NULL, "", 1, 0,
     "keepalived.conf:1: ~LST: list blocks are not supported"},
    {"random", "a ${_RANDOM 1 5}\n", NULL, NULL, 1, 0, "keepalived.conf:1: ${_RANDOM ...}"},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vfile fs[] = {{"/etc/keepalived/keepalived.conf", cases[i].text}, {0}};
		struct ka_msgs m;
		struct ka_tree *t = rd(fs, cases[i].id, &m);
		char out[1024] = "";
		EXPECT(t, "%s: no tree", cases[i].name);
		if (!t)
			continue;
		flat(t->root.child, out, sizeof(out));
		if (cases[i].tree)
			EXPECT(!strcmp(out, cases[i].tree), "%s: tree '%s', want '%s'",
			       cases[i].name, out, cases[i].tree);
		EXPECT(m.errors == cases[i].errors && m.warnings == cases[i].warnings,
		       "%s: %u errors %u warnings, want %u %u (%s)", cases[i].name, m.errors,
		       m.warnings, cases[i].errors, cases[i].warnings,
		       m.diag.n ? m.diag.lines[0] : "");
		if (cases[i].msg)
			EXPECT(has_msg(&m, cases[i].msg), "%s: no message '%s' (%s)", cases[i].name,
			       cases[i].msg, m.diag.n ? m.diag.lines[0] : "none");
		for (size_t k = 0; k < m.diag.n; k++)
			EXPECT(!strncmp(m.diag.lines[k], "/etc/keepalived/keepalived.conf:", 32),
			       "%s: message without FILE:LINE: %s", cases[i].name, m.diag.lines[k]);
		ka_tree_free(t);
		ka_msgs_clear(&m);
	}
}

/* Comments stay with their lines: before (lead), after (tail), before a
 * closing brace (end_lead), after everything (end_comments). */
static void test_comments(void)
{
	const struct vfile fs[] = {
	    {"/k.conf", "! file\n\n# about a\na {\n  b 1  # on b\n  # end of a\n}\n# the end\n"},
	    {0}};
	struct ka_msgs m;
	struct ka_tree *t = rd(fs, NULL, &m);
	const struct ka_node *a = t ? t->root.child : NULL;

	EXPECT(a && a->lead && !strcmp(a->lead, "file\nabout a"), "lead '%s'",
	       a && a->lead ? a->lead : "(none)");
	EXPECT(a && a->child && a->child->tail && !strcmp(a->child->tail, "on b"), "tail");
	EXPECT(a && a->end_lead && !strcmp(a->end_lead, "end of a"), "end_lead");
	EXPECT(t && t->end_comments && !strcmp(t->end_comments, "the end"), "end comments");
	EXPECT(a && a->line == 4 && a->child->line == 5, "lines");
	ka_tree_free(t);
	ka_msgs_clear(&m);
}

/* include: a pattern relative to the including file, matches in order,
 * FILE:LINE of the included file, inside a block too; a missing one is a
 * warning (keepalived goes on), a loop an error. */
static void test_include(void)
{
	const struct vfile fs[] = {{"/etc/ka/main.conf",
				    "g 1\ninclude conf.d/*.conf\nvs {\n includer rs/a.conf\n}\n"
				    "include /nowhere/*.conf\n"},
				   {"/etc/ka/conf.d/1.conf", "one\n"},
				   {"/etc/ka/conf.d/2.conf", "\ntwo x\ninclude ../rs/b.conf\n"},
				   {"/etc/ka/rs/a.conf", "rs a\n"},
				   {"/etc/ka/rs/b.conf", "b\n"},
				   {0}};
	struct ka_msgs m;
	struct ka_tree *t = rd(fs, NULL, &m);
	char out[512] = "";

	flat(t->root.child, out, sizeof(out));
	EXPECT(!strcmp(out, "g 1 one two x b vs { rs a }"), "include tree '%s'", out);
	const struct ka_node *two = t->root.child->next->next;
	EXPECT(!strcmp(two->file, "/etc/ka/conf.d/2.conf") && two->line == 2, "two at %s:%d",
	       two->file, two->line);
	EXPECT(m.errors == 0 && m.warnings == 1 &&
		   has_msg(&m, "/etc/ka/main.conf:6: warning: include /nowhere/*.conf"),
	       "missing include: %s", m.diag.n ? m.diag.lines[0] : "");
	ka_tree_free(t);
	ka_msgs_clear(&m);

	const struct vfile loop[] = {{"/a.conf", "x\ninclude /a.conf\n"}, {0}};
	t = rd(loop, NULL, &m);
	EXPECT(t && m.errors == 1 && has_msg(&m, "/a.conf:2: include /a.conf: nested more than"),
	       "loop: %u errors (%s)", m.errors, m.diag.n ? m.diag.lines[0] : "");
	ka_tree_free(t);
	ka_msgs_clear(&m);

	const struct vfile none[] = {{"/missing.conf", NULL}, {0}};
	files = none;
	struct ka_read_opts o = {.io = {vload, vglob, NULL}};
	memset(&m, 0, sizeof(m));
	t = ka_read("/nothere.conf", &o, &m);
	EXPECT(!t && m.errors == 1 && has_msg(&m, "/nothere.conf: cannot read"), "main missing");
	ka_msgs_clear(&m);
}

/* A definition whose value doubles at each level ends at the size bound;
 * nested ~SEQ at the line bound: one error each, no hang. */
static void test_blowup(void)
{
	const struct vfile fs[] = {
	    {"/k.conf", "$A=xxxxxxxxxxxxxxxx\n$B=$A$A\n$C=${B}${B}\n$D=${C}${C}\n$E=${D}${D}\n"
			"$F=${E}${E}\n$G=${F}${F}\n$H=${G}${G}\n$I=${H}${H}\n$J=${I}${I}\n"
			"$K=${J}${J}\n$L=${K}${K}\n$M=${L}${L}\n$N=${M}${M}\n$O=${N}${N}\n"
			"a $O\n"},
	    {0}};
	struct ka_msgs m;
	struct ka_tree *t = rd(fs, NULL, &m);

	EXPECT(t && m.errors == 1 && has_msg(&m, "/k.conf:16: parameter substitution does not end"),
	       "size: %u errors", m.errors);
	ka_tree_free(t);
	ka_msgs_clear(&m);

	const struct vfile seq[] = {{"/s.conf", "~SEQ(I, 1, 100000) ~SEQ(J, 1, 100000) a $I $J\n"},
				    {0}};
	struct ka_read_opts o = {.io = {vload, vglob, NULL}, .max_lines = 5000};
	files = seq;
	memset(&m, 0, sizeof(m));
	t = ka_read("/s.conf", &o, &m);
	EXPECT(t && m.errors == 1 && has_msg(&m, "/s.conf:1: ~SEQ or definitions produce too many"),
	       "lines: %u errors", m.errors);
	ka_tree_free(t);
	ka_msgs_clear(&m);

	/* 64 kB lines, 1000 times: the byte bound, not the line bound. */
	const struct vfile big[] = {
	    {"/b.conf", "$A=xxxxxxxxxxxxxxxx\n$B=${A}${A}${A}${A}${A}${A}${A}${A}\n"
			"$C=${B}${B}${B}${B}${B}${B}${B}${B}\n$D=${C}${C}${C}${C}${C}${C}${C}${C}\n"
			"$E=${D}${D}${D}${D}\n~SEQ(I, 1, 1000) a $E\n"},
	    {0}};
	o.max_bytes = 8 << 20;
	files = big;
	memset(&m, 0, sizeof(m));
	t = ka_read("/b.conf", &o, &m);
	EXPECT(t && m.errors == 1 && has_msg(&m, "/b.conf:6: the lines read and produced exceed"),
	       "bytes: %u errors (%s)", m.errors, m.diag.n ? m.diag.lines[0] : "");
	ka_tree_free(t);
	ka_msgs_clear(&m);
}

/* A block keyword without '{' at the depth limit: its implied block is
 * dropped, and the words of the line that implied it with it (the fuzzer
 * found them freed and then freed again with the tree). */
static void test_missing_brace_too_deep(void)
{
	static char text[1024];
	struct ka_msgs m;

	text[0] = '\0';
	for (int i = 0; i < 63; i++)
		strcat(text, "a {\n");
	strcat(text, "url\nx 1\ny 2\n");
	const struct vfile fs[] = {{"/d.conf", text}, {0}};
	struct ka_tree *t = rd(fs, NULL, &m);
	EXPECT(t && has_msg(&m, "/d.conf:65: blocks nested more than 64 deep"), "deep: %s",
	       m.diag.n ? m.diag.lines[0] : "");
	ka_tree_free(t);
	ka_msgs_clear(&m);
}

int main(void)
{
	test_missing_brace_too_deep();
	test_cases();
	test_comments();
	test_include();
	test_blowup();
	return failures ? 1 : 0;
}
