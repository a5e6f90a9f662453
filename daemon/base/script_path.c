/* Script safety: which files a command line runs, and whether anyone but a
 * trusted user could change them. See script_path.h for the rules. */
#include "config.h"

#include "script_path.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SP_MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */
#define SP_MAX_DEPTH 4	/* sh -c "env sh -c ..." nesting */

static int fail(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -EPERM;
}

static bool trusted(const struct sp_fs *fs, unsigned uid)
{
	for (size_t i = 0; i < fs->n_trusted; i++)
		if (fs->trusted[i] == uid)
			return true;
	return false;
}

/* ---- the path walk ---- */

struct walk {
	const struct sp_fs *fs;
	const char *path; /* as written, for messages */
	char *msg;
	size_t msglen;
	char done[PATH_MAX];  /* physical prefix walked so far, "" is / */
	char todo[PATH_MAX];  /* what is left to walk */
	struct sp_inode dir;  /* inode of done */
	struct sp_inode root; /* inode of / */
	int links;
};

static int walk_errno(struct walk *w, int err)
{
	return fail(w->msg, w->msglen, "script %s: %s", w->path, strerror(err));
}

/* ENTRY (at physical path AT) is reached from the directory w->dir. */
static int step_allowed(struct walk *w, const char *at, const struct sp_inode *entry)
{
	const struct sp_inode *d = &w->dir;

	if (!trusted(w->fs, entry->uid)) {
		if (strcmp(at, w->path) == 0)
			return fail(w->msg, w->msglen,
				    "script %s: owned by uid %u, must be owned by %s", w->path,
				    entry->uid, w->fs->trusted_desc);
		return fail(w->msg, w->msglen,
			    "script %s: %s is owned by uid %u, must be owned by %s", w->path, at,
			    entry->uid, w->fs->trusted_desc);
	}
	/* In a sticky directory only the owner of an entry (trusted, just
	 * checked) or of the directory (trusted when we entered it) may
	 * rename or delete it: others can add names, not replace ours. */
	if ((d->mode & (S_IWGRP | S_IWOTH)) && !(d->mode & S_ISVTX))
		return fail(w->msg, w->msglen, "script %s: directory %s is %s-writable", w->path,
			    w->done[0] ? w->done : "/", d->mode & S_IWOTH ? "world" : "group");
	return 0;
}

/* Takes the next name off w->todo[*pos] into NAME; false at the end. */
static bool next_name(const struct walk *w, size_t *pos, char *name)
{
	const char *p = w->todo + *pos;
	size_t n;

	p += strspn(p, "/");
	n = strcspn(p, "/");
	memcpy(name, p, n);
	name[n] = '\0';
	*pos = (size_t)(p + n - w->todo);
	return n > 0;
}

static int go_up(struct walk *w)
{
	char *slash = strrchr(w->done, '/');
	int r;

	if (!slash)
		return 0; /* /.. is / */
	*slash = '\0';
	if (!w->done[0]) {
		w->dir = w->root;
		return 0;
	}
	r = w->fs->lstat(w->fs->ud, w->done, &w->dir);
	return r < 0 ? walk_errno(w, -r) : 0;
}

/* The rest of the walk continues at link AT's target. */
static int follow(struct walk *w, const char *at, size_t pos)
{
	char target[PATH_MAX], todo[PATH_MAX];
	int r;

	if (++w->links > SP_MAX_LINKS)
		return walk_errno(w, ELOOP);
	r = w->fs->readlink(w->fs->ud, at, target, sizeof(target));
	if (r < 0)
		return walk_errno(w, -r);
	if ((size_t)snprintf(todo, sizeof(todo), "%s%s", target, w->todo + pos) >= sizeof(todo))
		return walk_errno(w, ENAMETOOLONG);
	memcpy(w->todo, todo, sizeof(todo));
	if (target[0] == '/') {
		w->done[0] = '\0';
		w->dir = w->root;
	}
	return 0;
}

/* Walks w->todo from /: ST and AT (PATH_MAX) end as the last inode reached
 * and its physical path. */
static int walk_path(struct walk *w, struct sp_inode *st, char *at)
{
	char name[PATH_MAX];
	size_t pos = 0;
	int r;

	w->dir = *st = w->root;
	strcpy(at, "/");
	while (next_name(w, &pos, name)) {
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if ((r = go_up(w)) < 0)
				return r;
			*st = w->dir;
			continue;
		}
		if ((size_t)snprintf(at, PATH_MAX, "%s/%s", w->done, name) >= PATH_MAX)
			return walk_errno(w, ENAMETOOLONG);
		r = w->fs->lstat(w->fs->ud, at, st);
		if (r < 0)
			return walk_errno(w, -r);
		if ((r = step_allowed(w, at, st)) < 0)
			return r;
		if (S_ISLNK(st->mode)) {
			if ((r = follow(w, at, pos)) < 0)
				return r;
			pos = 0;
			*st = w->dir;
		} else if (S_ISDIR(st->mode)) {
			memcpy(w->done, at, PATH_MAX);
			w->dir = *st;
		} else if (w->todo[pos]) { /* a file in the middle, or a trailing slash */
			return walk_errno(w, ENOTDIR);
		}
	}
	return 0;
}

int sp_check_file(const struct sp_fs *fs, const char *path, bool exec, char *resolved, char *msg,
		  size_t msglen)
{
	struct walk *w = calloc(1, sizeof(*w));
	struct sp_inode st = {0};
	char at[PATH_MAX];
	int r;

	if (!w)
		return fail(msg, msglen, "script %s: %s", path, strerror(ENOMEM));
	*w = (struct walk){.fs = fs, .path = path, .msg = msg, .msglen = msglen};
	if (path[0] != '/')
		r = fail(msg, msglen, "script %s: must be an absolute path", path);
	else if (strlen(path) >= sizeof(w->todo))
		r = walk_errno(w, ENAMETOOLONG);
	else if ((r = fs->lstat(fs->ud, "/", &w->root)) < 0)
		r = walk_errno(w, -r);
	else if ((r = step_allowed(w, "/", &w->root)) == 0) {
		strcpy(w->todo, path);
		r = walk_path(w, &st, at);
	}
	free(w);
	if (r < 0)
		return r;
	if (!S_ISREG(st.mode) || (exec && !(st.mode & 0111)))
		return fail(msg, msglen, "script %s: not %s file", path,
			    exec ? "an executable" : "a regular");
	if (st.mode & (S_IWGRP | S_IWOTH))
		return strcmp(at, path) == 0
			   ? fail(msg, msglen, "script %s: writable by group or others", path)
			   : fail(msg, msglen, "script %s: %s is writable by group or others", path,
				  at);
	if (resolved)
		memcpy(resolved, at, sizeof(at));
	return 0;
}

/* ---- the command line ---- */

struct words {
	char *buf;     /* the words, NUL-terminated, one after another */
	char **w;      /* n words */
	bool *expands; /* per word: changed by the shell at run time */
	size_t n;
};

static void words_free(struct words *ws)
{
	free(ws->buf);
	free(ws->w);
	free(ws->expands);
}

/* Names the program (the line's first blank-separated text) and shows the
 * line from the character refused at AT. */
static int refuse_syntax(const char *cmd, const char *at, char *msg, size_t len)
{
	char one[2] = {*at, '\0'};
	int n;

	cmd += strspn(cmd, " \t");
	n = (int)strcspn(cmd, " \t\n;&|<>()`");
	if (*at == '\n')
		return fail(msg, len,
			    "script %.*s: shell syntax (a newline) is not allowed: put the "
			    "commands in a script file",
			    n, cmd);
	return fail(msg, len,
		    "script %.*s: shell syntax '%s' is not allowed (at \"%.32s\"): put the "
		    "commands in a script file",
		    n, cmd, *at == '$' ? "$(" : one, at);
}

/* One character outside quotes; *P is advanced past what it used. */
static int split_plain(const char *cmd, const char **p, char **o, bool *in_word, bool *exp,
		       char *msg, size_t len)
{
	char c = **p;

	if (c == '\\' && (*p)[1] == '\n') { /* line continuation */
		*p += 2;
		return 0;
	}
	if (c == '#' && !*in_word) { /* a comment: the rest is not run */
		*p += strlen(*p);
		return 0;
	}
	if (strchr(";&|<>()`\n", c) || (c == '$' && (*p)[1] == '('))
		return refuse_syntax(cmd, *p, msg, len);
	if (c == '\\') {
		if ((*p)[1])
			*(*o)++ = *++*p;
	} else if (c == '$' || c == '*' || c == '?' || c == '[' || c == '{') {
		*exp = true;
		*(*o)++ = c;
	} else if (c != '\'' && c != '"') {
		*(*o)++ = c;
	}
	*in_word = true;
	(*p)++;
	return 0;
}

/* Splits CMD into words as sh would, refusing what would run more than one
 * simple command. Quote state: 0, '\'' or '"'. */
static int split(const char *cmd, struct words *ws, char *msg, size_t len)
{
	size_t n = strlen(cmd);
	char quote = 0, *o;
	bool in_word = false;
	const char *p = cmd;

	*ws = (struct words){.buf = malloc(2 * n + 2),
			     .w = calloc(n + 1, sizeof(char *)),
			     .expands = calloc(n + 1, sizeof(bool))};
	if (!ws->buf || !ws->w || !ws->expands)
		return fail(msg, len, "script: %s", strerror(ENOMEM));
	o = ws->buf;
	while (*p) {
		char c = *p;

		if (!quote && (c == ' ' || c == '\t')) {
			if (in_word) {
				*o++ = '\0';
				ws->n++;
				in_word = false;
			}
			p++;
			continue;
		}
		if (!in_word)
			ws->w[ws->n] = o;
		if (quote == '\'') {
			if (c != '\'')
				*o++ = c;
			else
				quote = 0;
			p++;
		} else if (quote == '"') {
			if (c == '`' || (c == '$' && p[1] == '('))
				return refuse_syntax(cmd, p, msg, len);
			if (c == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
				if (*++p != '\n')
					*o++ = *p;
			} else if (c == '"') {
				quote = 0;
			} else {
				ws->expands[ws->n] |= c == '$';
				*o++ = c;
			}
			p++;
		} else {
			if (c == '\'' || c == '"')
				quote = c;
			if (split_plain(cmd, &p, &o, &in_word, &ws->expands[ws->n], msg, len) < 0)
				return -EPERM;
			continue;
		}
		in_word = true;
	}
	if (quote)
		return fail(msg, len, "script \"%.60s\": unterminated %c quote", cmd, quote);
	if (in_word) {
		*o = '\0';
		ws->n++;
	}
	return 0;
}

/* ---- interpreters ---- */

enum interp { I_NONE, I_SHELL, I_PYTHON, I_PERL, I_ENV };

/* NAME, then only digits and dots (python3.11, perl5.36.0). */
static bool versioned(const char *base, const char *name)
{
	size_t n = strlen(name);

	return strncmp(base, name, n) == 0 && strspn(base + n, "0123456789.") == strlen(base + n);
}

static enum interp interp_of(const char *path)
{
	static const char *const shells[] = {"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"};
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (strcmp(base, shells[i]) == 0)
			return I_SHELL;
	if (versioned(base, "python"))
		return I_PYTHON;
	if (versioned(base, "perl"))
		return I_PERL;
	return strcmp(base, "env") == 0 ? I_ENV : I_NONE;
}

struct cmdck {
	const struct sp_fs *fs;
	struct words ws;
	int depth;
	char *msg;
	size_t msglen;
};

static int check_line(const struct sp_fs *fs, const char *cmd, int depth, char *msg, size_t len);
static int check_argv(struct cmdck *k, size_t i);

/* Word I is a file the interpreter reads its code from. */
static int check_script(struct cmdck *k, size_t i)
{
	if (k->ws.expands[i])
		return fail(k->msg, k->msglen,
			    "script %s: expanded by the shell at run time ($ * ? [ {), "
			    "so it cannot be checked",
			    k->ws.w[i]);
	return sp_check_file(k->fs, k->ws.w[i], false, NULL, k->msg, k->msglen);
}

static int refuse_code(struct cmdck *k, size_t prog, const char *opt)
{
	return fail(k->msg, k->msglen,
		    "script %s: %s runs code that is not in a file, which cannot be checked: "
		    "use a script file",
		    k->ws.w[prog], opt);
}

/* sh [-abc...] [-o name] [--rcfile FILE] [--] [SCRIPT | -c STRING] ... */
static int look_shell(struct cmdck *k, size_t prog)
{
	bool command = false;
	size_t i = prog + 1;

	for (; i < k->ws.n; i++) {
		const char *a = k->ws.w[i];

		if (strcmp(a, "--") == 0 || strcmp(a, "-") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--rcfile") == 0 || strcmp(a, "--init-file") == 0) {
			if (++i < k->ws.n && check_script(k, i) < 0)
				return -EPERM;
			continue;
		}
		if (strncmp(a, "--", 2) == 0)
			continue;
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		command |= a[0] == '-' && strchr(a, 'c');
		if (strpbrk(a + 1, "oO"))
			i++; /* -o NAME: not a file */
	}
	if (i >= k->ws.n)
		return 0; /* reads its commands from stdin: /dev/null */
	if (!command)
		return check_script(k, i);
	if (k->ws.expands[i])
		return fail(k->msg, k->msglen,
			    "script %s: the -c string is expanded by the shell at run time, "
			    "so it cannot be checked",
			    k->ws.w[prog]);
	return check_line(k->fs, k->ws.w[i], k->depth + 1, k->msg, k->msglen);
}

/* How a program's options look: single letters may be clustered (-uS);
 * CODE letters take code (refused), VALUE letters take a value attached or
 * as the next word, ATTACHED letters only attached; long options in
 * LONG_VALUE take the next word (or =value); LONG_CODE takes code. */
struct opt_syntax {
	const char *code, *value, *attached;
	const char *const *long_value;
	const char *long_code;
};

static const char *const py_long[] = {"--check-hash-based-pycs", NULL};
static const char *const env_long[] = {"--unset", "--chdir", "--argv0", NULL};
static const char *const no_long[] = {NULL};
static const struct opt_syntax python_opts = {"cm", "WX", "", py_long, NULL};
/* perl -I takes the next word when nothing is attached (checked with
 * perl 5.36); -l, -0, -x, -i... take only what is attached. */
static const struct opt_syntax perl_opts = {"eE", "I", "0CdDilmMxV", no_long, NULL};
/* env -a (--argv0, coreutils 9.5) takes a value, like -u and -C. */
static const struct opt_syntax env_opts = {"S", "uCa", "", env_long, "--split-string"};

static bool long_value(const struct opt_syntax *s, const char *a)
{
	for (const char *const *l = s->long_value; *l; l++)
		if (strcmp(a, *l) == 0)
			return true;
	return false;
}

/* Skips the options after word PROG: *I is then the first other word
 * (or n). Returns 1 at a lone "-", 0, or -1 when code is given. */
static int skip_opts(struct cmdck *k, size_t prog, const struct opt_syntax *s, size_t *i)
{
	for (*i = prog + 1; *i < k->ws.n; ++*i) {
		const char *a = k->ws.w[*i];

		if (strcmp(a, "--") == 0) {
			++*i;
			return 0;
		}
		if (a[0] != '-')
			return 0;
		if (!a[1]) {
			++*i;
			return 1;
		}
		if (a[1] == '-') {
			if (s->long_code && strncmp(a, s->long_code, strlen(s->long_code)) == 0)
				return refuse_code(k, prog, s->long_code);
			*i += long_value(s, a);
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			char opt[3] = {'-', *c, '\0'};

			if (strchr(s->code, *c))
				return refuse_code(k, prog, opt);
			if (strchr(s->attached, *c))
				break;
			if (strchr(s->value, *c)) {
				*i += !c[1]; /* the value is the next word */
				break;
			}
		}
	}
	return 0;
}

/* python [options] SCRIPT ...; perl [switches] SCRIPT ... */
static int look_opts(struct cmdck *k, size_t prog, const struct opt_syntax *s)
{
	size_t i;
	int r = skip_opts(k, prog, s, &i);

	if (r < 0)
		return -EPERM;
	if (r == 1 || i >= k->ws.n)
		return 0; /* the code is read from stdin: /dev/null */
	return check_script(k, i);
}

/* env [options] [NAME=VALUE]... [COMMAND [ARG]...] */
static int look_env(struct cmdck *k, size_t prog)
{
	size_t i;

	if (skip_opts(k, prog, &env_opts, &i) < 0)
		return -EPERM;
	while (i < k->ws.n && strchr(k->ws.w[i], '='))
		i++;
	if (i >= k->ws.n)
		return 0; /* prints the environment */
	if (++k->depth > SP_MAX_DEPTH)
		return fail(k->msg, k->msglen, "script %s: commands nested too deeply",
			    k->ws.w[prog]);
	return check_argv(k, i);
}

/* PROG (physical path RESOLVED) is run by the kernel, which runs the
 * interpreter of a "#!" first line instead: that one must be safe too (its
 * argument is not examined). Nested #! scripts are followed DEPTH deep. */
static int check_shebang(const struct sp_fs *fs, const char *prog, const char *resolved, int depth,
			 char *msg, size_t len)
{
	char head[256], interp[256], inner[PATH_MAX];
	const char *p = head;
	size_t n;

	if (!fs->head || fs->head(fs->ud, resolved, head, sizeof(head)) < 0 ||
	    strncmp(head, "#!", 2) != 0)
		return 0; /* unreadable here: not for us to judge; or no #! line */
	p += 2 + strspn(head + 2, " \t");
	n = strcspn(p, " \t\n");
	memcpy(interp, p, n);
	interp[n] = '\0';
	if (depth > SP_MAX_DEPTH)
		return fail(msg, len, "script %s: #! interpreters nested too deeply", prog);
	if (sp_check_file(fs, interp, true, inner, msg, len) < 0 ||
	    check_shebang(fs, interp, inner, depth + 1, msg, len) < 0) {
		/* "script I: why" becomes "script PROG: #!I: why" */
		char why[PATH_MAX + 256];

		snprintf(why, sizeof(why), "%s", msg + strlen("script "));
		return fail(msg, len, "script %s: #!%s", prog, why);
	}
	return 0;
}

/* Word I is the program; the words after it are its arguments. */
static int check_argv(struct cmdck *k, size_t i)
{
	char resolved[PATH_MAX];
	enum interp kind;

	if (k->ws.expands[i])
		return fail(k->msg, k->msglen,
			    "script %s: expanded by the shell at run time ($ * ? [ {), "
			    "so it cannot be checked",
			    k->ws.w[i]);
	if (sp_check_file(k->fs, k->ws.w[i], true, resolved, k->msg, k->msglen) < 0 ||
	    check_shebang(k->fs, k->ws.w[i], resolved, 0, k->msg, k->msglen) < 0)
		return -EPERM;
	/* By the name written or the file it leads to (/bin/sh -> dash). */
	kind = interp_of(k->ws.w[i]);
	if (kind == I_NONE)
		kind = interp_of(resolved);
	switch (kind) {
	case I_SHELL:
		return look_shell(k, i);
	case I_PYTHON:
		return look_opts(k, i, &python_opts);
	case I_PERL:
		return look_opts(k, i, &perl_opts);
	case I_ENV:
		return look_env(k, i);
	default:
		return 0;
	}
}

static int check_line(const struct sp_fs *fs, const char *cmd, int depth, char *msg, size_t len)
{
	struct cmdck k = {.fs = fs, .depth = depth, .msg = msg, .msglen = len};
	int r;

	if (depth > SP_MAX_DEPTH)
		return fail(msg, len, "script \"%.60s\": commands nested too deeply", cmd);
	r = split(cmd, &k.ws, msg, len);
	if (r == 0 && k.ws.n == 0)
		r = fail(msg, len, "script: empty command");
	if (r == 0)
		r = check_argv(&k, 0);
	words_free(&k.ws);
	return r;
}

int sp_check_command(const struct sp_fs *fs, const char *cmd, char *msg, size_t msglen)
{
	return check_line(fs, cmd, 0, msg, msglen);
}
