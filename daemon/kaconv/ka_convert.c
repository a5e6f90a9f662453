/* keepalived.conf -> hadirector.conf: the output being built, the generic
 * rules every table uses, and the text written at the end (ka_convert.h).
 */
#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ka_convert_int.h"
#include "script_path.h"

struct osec *osec_new(const char *fmt, ...)
{
	struct osec *s = calloc(1, sizeof(*s));
	va_list ap;

	if (!s)
		return NULL;
	va_start(ap, fmt);
	if (vasprintf(&s->head, fmt, ap) < 0)
		s->head = NULL;
	va_end(ap);
	return s;
}

void osec_free(struct osec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->l[i].key);
		free(s->l[i].val);
		free(s->l[i].note);
		osec_free(s->l[i].sub);
	}
	free(s->l);
	free(s->head);
	free(s);
}

/* A new line; options go before the first subsection (a virtual server's
 * own settings above its real servers, whatever the source's order). */
static struct oline *onew(struct osec *s, const struct ka_node *src, bool option)
{
	struct oline *l = realloc(s->l, (s->n + 1) * sizeof(*l));
	size_t at = s->n;

	if (!l)
		return NULL;
	s->l = l;
	if (option)
		for (at = 0; at < s->n && !l[at].sub; at++)
			;
	memmove(&l[at + 1], &l[at], (s->n - at) * sizeof(*l));
	s->n++;
	l = &s->l[at];
	memset(l, 0, sizeof(*l));
	l->src = src;
	return l;
}

/* Sets KEY (a second time replaces the value, as keepalived's last one wins). */
struct oline *oadd(struct osec *s, const struct ka_node *src, const char *key, const char *val)
{
	struct oline *l = key ? ofind(s, key) : NULL;

	if (l) {
		free(l->val);
		l->val = val ? strdup(val) : NULL;
		return l;
	}
	if (!(l = onew(s, src, key != NULL)))
		return NULL;
	l->key = key ? strdup(key) : NULL;
	l->val = val ? strdup(val) : NULL;
	return l;
}

struct oline *oadd_sub(struct osec *s, const struct ka_node *src, struct osec *sub)
{
	struct oline *l = sub ? onew(s, src, false) : NULL;

	if (l)
		l->sub = sub;
	else
		osec_free(sub);
	return l;
}

struct oline *ofind(struct osec *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->l[i].key && !strcmp(s->l[i].key, key))
			return &s->l[i];
	return NULL;
}

/* FMT NULL: no note. */
void onote(struct oline *l, const char *fmt, ...)
{
	char *t = NULL;
	va_list ap;

	if (!l || !fmt)
		return;
	va_start(ap, fmt);
	if (vasprintf(&t, fmt, ap) < 0)
		t = NULL;
	va_end(ap);
	if (!t)
		return;
	if (l->note) {
		char *j = NULL;
		if (asprintf(&j, "%s; %s", l->note, t) >= 0) {
			free(l->note);
			l->note = j;
		}
		free(t);
	} else {
		l->note = t;
	}
}

/* A value as libconfuse reads it back: bare when it is a simple word,
 * else in double quotes with `\`, `"` and `${` (libconfuse's environment
 * substitution) escaped. */
char *quote(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	bool bare = n > 0;
	char *q;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_./:-[]", s[i]))
			bare = false;
	if (bare)
		return strdup(s);
	if (!(q = malloc(n * 2 + 3)))
		return NULL;
	q[o++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"' || (s[i] == '$' && s[i + 1] == '{'))
			q[o++] = '\\';
		q[o++] = s[i];
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}

char *join_args(const struct ka_node *n, size_t from)
{
	size_t len = 1;
	char *s;

	for (size_t i = from; i < n->nargs; i++)
		len += strlen(n->args[i]) + 1;
	if (!(s = calloc(1, len)))
		return NULL;
	for (size_t i = from; i < n->nargs; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, n->args[i]);
	}
	return s;
}

/* A line that is not carried over stays visible as a comment. */
void left_out(struct osec *s, const struct ka_node *n, const char *why)
{
	char *a = join_args(n, 0);
	struct oline *l = onew(s, n, false);

	if (l)
		onote(l, "keepalived: %s%s%s: left out (%s)", n->kw, a && *a ? " " : "", a ? a : "",
		      why);
	free(a);
}

bool need_args(struct cx *c, const struct ka_node *n, size_t min, size_t max)
{
	if (n->nargs >= min && n->nargs <= max)
		return true;
	if (n->nargs < min)
		ka_error(c->m, n->file, n->line, "%s: needs a value", n->kw);
	else
		ka_error(c->m, n->file, n->line, "%s: unexpected '%s'", n->kw, n->args[max]);
	return false;
}

/* keepalived's <BOOL>: no word = true; -1 when it is not one. */
int kbool(const struct ka_node *n)
{
	static const char *const t[] = {"on", "true", "yes"}, *const f[] = {"off", "false", "no"};

	if (n->nargs == 0)
		return 1;
	for (int i = 0; i < 3; i++) {
		if (!strcasecmp(n->args[0], t[i]))
			return 1;
		if (!strcasecmp(n->args[0], f[i]))
			return 0;
	}
	return -1;
}

void r_copy(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	if (!need_args(c, n, 1, 1))
		return;
	char *q = quote(n->args[0]);
	if (q)
		oadd(s, n, r->hd ? r->hd : n->kw, q);
	free(q);
}

void r_lower(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	if (!need_args(c, n, 1, 1))
		return;
	char *v = strdup(n->args[0]);
	for (char *p = v; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (v)
		oadd(s, n, r->hd ? r->hd : n->kw, v);
	free(v);
}

/* A number (integers and keepalived's decimal timers): checked, copied. */
void r_num(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *e;

	if (!need_args(c, n, 1, 1))
		return;
	(void)strtod(n->args[0], &e);
	if (e == n->args[0] || *e || !strchr("0123456789+-.", n->args[0][0])) {
		ka_error(c->m, n->file, n->line, "%s: '%s' is not a number", n->kw, n->args[0]);
		return;
	}
	oadd(s, n, r->hd ? r->hd : n->kw, n->args[0]);
}

void r_true(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)c;
	oadd(s, n, r->hd ? r->hd : n->kw, "true");
}

void r_bool(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	int b = kbool(n);

	if (b < 0)
		ka_error(c->m, n->file, n->line, "%s: '%s' is not a boolean", n->kw, n->args[0]);
	else
		oadd(s, n, r->hd ? r->hd : n->kw, b ? "true" : "false");
}

/* script_path.h's rules on the command line alone: a path that is a word
 * of the command is taken as a safe executable file, any other (the
 * directories on the way) as a safe directory; whether they are, on the
 * machine that runs hadirector, is what -t checks. */
static int fake_lstat(void *ud, const char *path, struct sp_inode *st)
{
	const char *cmd = ud;
	size_t n = strlen(path);
	bool word = false;

	for (const char *p = cmd; !word && (p = strstr(p, path)); p++)
		word = (p == cmd || strchr(" \t'\"", p[-1])) && strchr(" \t'\"", p[n]);
	st->mode = word ? 0100755 : 040755;
	st->uid = 0;
	return 0;
}

static int fake_readlink(void *ud, const char *path, char *buf, size_t size)
{
	(void)ud;
	(void)path;
	(void)buf;
	(void)size;
	return -22; /* -EINVAL: not a link */
}

static bool command_ok(const char *cmd, char *msg, size_t len)
{
	static const unsigned root = 0;
	const struct sp_fs fs = {.lstat = fake_lstat,
				 .readlink = fake_readlink,
				 .ud = (void *)cmd,
				 .trusted = &root,
				 .n_trusted = 1,
				 .trusted_desc = "root"};

	return sp_check_command(&fs, cmd, msg, len) == 0;
}

/* keepalived 2 execs a script whose program is an executable file with
 * its words as arguments (notify.c, SC_EXECABLE): a `>` or `;` there is
 * an argument, not shell syntax. hadirector's command line is the shell's,
 * so such words are single-quoted to stay words. NULL when a word cannot
 * be (it has a quote or backslash: keepalived's own quoting rules). */
static char *quote_words(const char *cmd)
{
	size_t len = strlen(cmd);
	char *out = malloc(len * 3 + 1), *o = out;

	if (!out)
		return NULL;
	while (*cmd) {
		size_t sp = strspn(cmd, " \t"), w;
		memcpy(o, cmd, sp);
		o += sp;
		cmd += sp;
		w = strcspn(cmd, " \t");
		bool special = false;
		for (size_t i = 0; i < w; i++) {
			if (strchr("'\"\\", cmd[i])) {
				free(out);
				return NULL;
			}
			special |= strchr(";&|<>()`$*?[]{}~#!", cmd[i]) != NULL;
		}
		if (special)
			*o++ = '\'';
		memcpy(o, cmd, w);
		o += w;
		if (special)
			*o++ = '\'';
		cmd += w;
	}
	*o = 0;
	return out;
}

/* A script with its own user: keepalived runs it as that user, or ignores
 * it when the user does not exist (notify.c, notify_script_init: "Invalid
 * user/group ... ignoring"). hadirector runs every script as script_user:
 * the first is refused, the second left out with a warning (IGNORED). */
static bool script_user_ok(struct cx *c, const struct ka_node *n, bool *ignored)
{
	if (getpwnam(n->args[1])) {
		ka_error(c->m, n->file, n->line,
			 "%s: per-script user: hadirector runs every script as global "
			 "script_user (user '%s')",
			 n->kw, n->args[1]);
		return false;
	}
	ka_warn(c->m, n->file, n->line,
		"%s: no user '%s' here: keepalived ignores the script (\"Invalid user/group\"); "
		"left out",
		n->kw, n->args[1]);
	*ignored = true;
	return false;
}

/* The absolute path of program NAME (malloc'ed): PATH's, or DEF. */
static char *which_or(struct cx *c, const char *name, const char *def)
{
	char *p = c->o->which ? c->o->which(c->o->ud, name) : NULL;
	return p ? p : def ? strdup(def) : NULL;
}

/* "</FILE": keepalived runs it with system(), /bin/sh -c, as a test that
 * FILE opens (notify.c: SC_SYSTEM). For /dev/tcp/HOST/PORT bash connects
 * to HOST:PORT (`nc -z` does the same); other shells, Debian's dash among
 * them, open that path, which does not exist: the check fails every time,
 * also under keepalived (its sample vrrp.localcheck.conf says so). What
 * /bin/sh is, is asked here, where the converted file will run. hadirector
 * runs no redirection, so the other forms stay refused. */
static char *redirect_value(struct cx *c, const struct ka_node *n, const char *cmd)
{
	static const char word[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	const char *path = cmd + 1 + strspn(cmd + 1, " \t");
	bool tcp = !strncmp(path, "/dev/tcp/", 9);
	const char *host = tcp ? path + 9 : "", *port = "";
	size_t hl = 0, pl = 0;
	char sh[64] = "", *prog = NULL, *line = NULL, *q = NULL;

	while (host[hl] && (strchr(word, host[hl]) || strchr(".:", host[hl])))
		hl++;
	if (hl && host[hl] == '/') {
		port = host + hl + 1;
		pl = strspn(port, word);
	}
	tcp = pl && !port[pl + strspn(port + pl, " \t")];
	if (!tcp || !c->o->shell || c->o->shell(c->o->ud, sh, sizeof(sh)) < 0) {
		ka_error(c->m, n->file, n->line,
			 "%s: keepalived runs '%s' through /bin/sh as a test that the file opens "
			 "(with bash as sh, /dev/tcp/HOST/PORT connects); hadirector runs no "
			 "redirection: put it in a script file",
			 n->kw, cmd);
		return NULL;
	}
	if (strcmp(sh, "bash")) {
		prog = which_or(c, "false", "/bin/false");
		ka_warn(c->m, n->file, n->line,
			"%s: keepalived runs '%s' with /bin/sh, here %s, which has no /dev/tcp: "
			"the check fails every time, under keepalived too; converted as %s (to "
			"test the port, run `nc -z %.*s %.*s`)",
			n->kw, cmd, sh, prog ? prog : "false", (int)hl, host, (int)pl, port);
		q = prog ? quote(prog) : NULL;
		free(prog);
		return q;
	}
	if (!(prog = which_or(c, "nc", NULL))) {
		ka_error(c->m, n->file, n->line,
			 "%s: keepalived's /bin/sh, bash, connects to %.*s port %.*s for '%s'; "
			 "hadirector runs no redirection and nc, which does the same with -z, "
			 "is not installed here",
			 n->kw, (int)hl, host, (int)pl, port, cmd);
		return NULL;
	}
	if (asprintf(&line, "%s -z %.*s %.*s", prog, (int)hl, host, (int)pl, port) >= 0) {
		ka_warn(c->m, n->file, n->line,
			"%s: keepalived's /bin/sh, bash, connects to %.*s port %.*s for '%s': "
			"converted as `%s`, which does the same",
			n->kw, (int)hl, host, (int)pl, port, cmd, line);
		q = quote(line);
		free(line);
	}
	free(prog);
	return q;
}

/* A command line: keepalived finds a relative command in PATH, hadirector
 * wants it absolute. Words after a quoted command are a user and group. */
char *script_value(struct cx *c, const struct ka_node *n)
{
	bool ignored = false;
	return script_value_ign(c, n, &ignored);
}

char *script_value_ign(struct cx *c, const struct ka_node *n, bool *ignored)
{
	if (!need_args(c, n, 1, 3))
		return NULL;
	/* A script's own user is the one every script runs as: the global
	 * script_user, or root when there is none (hadirector's default is
	 * the daemon's user, root). */
	const char *all = c->g.script_user ? c->g.script_user : "root";
	if (n->nargs == 2 && !strcmp(n->args[1], all))
		return script_value(c, &(struct ka_node){.kw = n->kw,
							 .args = n->args,
							 .nargs = 1,
							 .file = n->file,
							 .line = n->line});
	if (n->nargs > 1 && !script_user_ok(c, n, ignored))
		return NULL;
	const char *cmd = n->args[0];
	cmd += strspn(cmd, " \t");
	size_t w = strcspn(cmd, " \t");
	char *abs = NULL, *full = NULL;
	if (cmd[0] == '<')
		return redirect_value(c, n, cmd);
	if (cmd[0] != '/' && !isalnum((unsigned char)cmd[0]) && !strchr("_.-", cmd[0])) {
		ka_error(c->m, n->file, n->line,
			 "%s: shell syntax, not a command: keepalived runs it through /bin/sh "
			 "('%s'); hadirector runs no shell syntax: put it in a script file",
			 n->kw, cmd);
		return NULL;
	}
	if (cmd[0] != '/' && c->o->which) {
		char *word = strndup(cmd, w);
		abs = word ? c->o->which(c->o->ud, word) : NULL;
		if (!abs) {
			ka_error(c->m, n->file, n->line,
				 "%s: command not found in PATH here; hadirector needs an absolute "
				 "path ('%s')",
				 n->kw, word ? word : cmd);
			free(word);
			return NULL;
		}
		free(word);
		if (asprintf(&full, "%s%s", abs, cmd + w) < 0)
			full = NULL;
		free(abs);
		cmd = full;
	}
	char msg[256], m2[256];
	if (cmd && !command_ok(cmd, msg, sizeof(msg)) && cmd[0] == '/') {
		char *prog = strndup(cmd, strcspn(cmd, " \t"));
		char *qw = prog && access(prog, X_OK) == 0 ? quote_words(cmd) : NULL;
		if (qw && command_ok(qw, m2, sizeof(m2))) {
			ka_warn(c->m, n->file, n->line,
				"%s: keepalived execs %s with the other words as its arguments, "
				"shell characters included (no redirection or second command "
				"happens): they are quoted to stay words",
				n->kw, prog);
			free(full);
			cmd = full = qw;
			qw = NULL;
		}
		free(qw);
		free(prog);
	}
	if (cmd && !command_ok(cmd, msg, sizeof(msg))) {
		ka_error(c->m, n->file, n->line,
			 "%s: not one simple command as hadirector runs scripts (%s); keepalived "
			 "passes such characters to the program as words",
			 n->kw, msg);
		free(full);
		return NULL;
	}
	char *q = cmd ? quote(cmd) : NULL;
	free(full);
	return q;
}

/* keepalived keeps the first notify_* (vrrp and checker) and quorum_up/down
 * script of a section and ignores a later one ("script already specified -
 * ignoring"); a vrrp_script's `script` is replaced by the last. */
static bool first_wins(const char *kw)
{
	return !strncmp(kw, "notify", 6) || !strncmp(kw, "quorum_", 7);
}

void r_script(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	const char *key = r->hd ? r->hd : n->kw;
	bool ignored = false;

	if (first_wins(n->kw) && ofind(s, key)) {
		ka_warn(c->m, n->file, n->line,
			"%s: given again: keepalived keeps the first one and ignores this "
			"(\"script already specified\"); so does the conversion",
			n->kw);
		left_out(s, n, "keepalived keeps the first one");
		return;
	}
	char *q = script_value_ign(c, n, &ignored);

	if (q && n->args[0][0] == '<')
		onote(oadd(s, n, key, q), "keepalived: '%s' through /bin/sh", n->args[0]);
	else if (q)
		oadd(s, n, key, q);
	else if (ignored)
		left_out(s, n, "keepalived ignores it here");
	free(q);
}

void r_drop(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)c;
	left_out(s, n, r->why ? r->why : "no effect");
}

void r_warn(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	ka_warn(c->m, n->file, n->line, "%s: %s", n->kw, r->why);
	left_out(s, n, r->why);
}

void r_refuse(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)s;
	ka_error(c->m, n->file, n->line, "%s: %s", n->kw, r->why);
}

void apply_rules(struct cx *c, struct osec *s, const struct ka_node *blk, const struct rule *tab,
		 const char *where)
{
	for (const struct ka_node *n = blk; n; n = n->next) {
		const struct rule *r = tab;
		while (r->kw && strcmp(r->kw, n->kw))
			r++;
		if (r->kw) {
			r->fn(c, s, n, r);
		} else if (ka_keepalived_knows(n->kw)) {
			ka_error(c->m, n->file, n->line,
				 "%s: not converted in %s (no hadirector equivalent yet)", n->kw,
				 where);
		} else {
			ka_warn(
			    c->m, n->file, n->line,
			    "%s: not a keepalived keyword in %s; keepalived skips it, so does the "
			    "conversion",
			    n->kw, where);
			left_out(s, n, "unknown keyword");
		}
	}
}

const char *ka_ifname(const struct cx *c, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < c->o->n_rename_if; i++) {
		const char *r = c->o->rename_if[i];
		if (!strncmp(r, name, n) && r[n] == '=')
			return r + n + 1;
	}
	return name;
}

bool ka_defined(const struct cx *c, const char *kind, const char *name)
{
	for (const struct ka_node *n = c->source; n; n = n->next)
		if (!strcmp(n->kw, kind) && n->nargs >= 1 && !strcmp(n->args[0], name))
			return strcmp(kind, "vrrp_script") || ka_has_script(n);
	return false;
}

/* keepalived removes a vrrp_script without a script ("No script set for
 * vrrp_script ... removing"), and instances tracking it ignore it. */
bool ka_has_script(const struct ka_node *n)
{
	for (const struct ka_node *k = n->child; k; k = k->next)
		if (!strcmp(k->kw, "script"))
			return true;
	return false;
}

/* ---- text -------------------------------------------------------------- */

struct buf {
	char *s;
	size_t n, cap;
	bool oom;
	int line; /* lines written */
	struct ka_srcmap *map;
	const struct ka_node *near; /* source of the lines being written */
};

/* The next output line came from SRC (or, without one, from what is near). */
static void mark(struct buf *b, const struct ka_node *src)
{
	struct ka_srcmap *m = b->map;

	if (src)
		b->near = src;
	if (!m || !b->near)
		return;
	if ((size_t)b->line >= m->cap) {
		size_t nc = (size_t)b->line * 2 + 64;
		struct ka_srcline *nl = realloc(m->l, nc * sizeof(*nl));
		if (!nl)
			return;
		memset(nl + m->cap, 0, (nc - m->cap) * sizeof(*nl));
		m->l = nl;
		m->cap = nc;
	}
	m->l[b->line].file = b->near->file;
	m->l[b->line].line = b->near->line;
	if ((size_t)b->line + 1 > m->n)
		m->n = (size_t)b->line + 1;
}

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *t = NULL;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&t, fmt, ap);
	va_end(ap);
	if (k < 0) {
		b->oom = true;
		return;
	}
	if (b->n + (size_t)k + 1 > b->cap) {
		size_t nc = (b->cap + (size_t)k + 1) * 2;
		char *ns = realloc(b->s, nc);
		if (!ns) {
			b->oom = true;
			free(t);
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, t, (size_t)k + 1);
	b->n += (size_t)k;
	for (char *p = t; (p = strchr(p, '\n')); p++)
		b->line++;
	free(t);
}

/* Comment text, one `#` line per line, at indent IND. */
static void put_comments(struct buf *b, const char *text, int ind)
{
	for (const char *p = text; p && *p;) {
		size_t w = strcspn(p, "\n");
		if (w)
			put(b, "%*s# %.*s\n", ind, "", (int)w, p);
		else
			put(b, "%*s#\n", ind, "");
		p += w + (p[w] == '\n');
	}
}

static void put_sec(struct buf *b, const struct osec *s, int ind)
{
	if (s->src)
		put_comments(b, s->src->lead, ind);
	mark(b, s->src);
	put(b, "%*s%s {", ind, "", s->head);
	if (s->src && s->src->tail)
		put(b, "  # %s", s->src->tail);
	put(b, "\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct oline *l = &s->l[i];
		if (l->sub) {
			put_sec(b, l->sub, ind + 4);
			continue;
		}
		if (l->src && l->src != s->src)
			put_comments(b, l->src->lead, ind + 4);
		if (!l->key) {
			if (l->note)
				put_comments(b, l->note, ind + 4);
			continue;
		}
		mark(b, l->src ? l->src : s->src);
		put(b, "%*s%s = %s", ind + 4, "", l->key, l->val ? l->val : "");
		if (l->src && l->src != s->src && l->src->tail)
			put(b, "  # %s", l->src->tail);
		if (l->note)
			put(b, "  # %s", l->note);
		put(b, "\n");
	}
	if (s->src)
		put_comments(b, s->src->end_lead, ind + 4);
	mark(b, s->src);
	put(b, "%*s}\n", ind, "");
}

char *ka_convert(const struct ka_tree *t, const struct ka_conv_opts *o, struct ka_msgs *m)
{
	struct cx c = {.o = o, .m = m};
	struct buf b = {.map = o->map};

	c.g.alert = c.g.alert_vrrp = c.g.alert_checker = -1;
	c.source = t->root.child;
	c.top = osec_new("top");
	if (!c.top)
		return NULL;
	for (const struct ka_node *n = t->root.child; n; n = n->next)
		if (!strcmp(n->kw, "global_defs"))
			ka_prescan_global(&c, n->child);
	apply_rules(&c, c.top, t->root.child, ka_top_rules, "the top level");
	ka_finish(&c, c.top);
	put(&b, "# hadirector.conf converted from %s by hadirector --from-keepalived", o->source);
	put(&b, "%s%s%s\n", o->config_id ? " (config-id " : "", o->config_id ? o->config_id : "",
	    o->config_id ? ")" : "");
	put(&b, "# Lines starting with \"keepalived:\" were not carried over; see the reason.\n\n");
	for (size_t i = 0; i < c.top->n; i++) {
		const struct oline *l = &c.top->l[i];
		if (l->sub) {
			put_sec(&b, l->sub, 0);
			put(&b, "\n");
		} else {
			if (l->src)
				put_comments(&b, l->src->lead, 0);
			put_comments(&b, l->note, 0);
		}
	}
	put_comments(&b, t->end_comments, 0);
	osec_free(c.top);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}
