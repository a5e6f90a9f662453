/* Conversion rules of vrrp_track_process sections, of an instance's
 * track_process block and of its use_vmac, vmac_xmit_base and
 * dont_track_primary (hadirector.conf(5), "vrrp_track_process" and
 * "vrrp_instance"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_convert_int.h"

/* keepalived compares argv[0] (full_command) whenever parameters or
 * param_match are given; written once, whichever line says it. */
static void full_command(struct osec *s, const struct ka_node *n)
{
	if (!ofind(s, "full_command"))
		oadd(s, n, "full_command", "true");
}

/* `process NAME [PARAM ...]`: the parameters are matched exactly unless
 * param_match says otherwise (keepalived.conf(5)). */
static void p_process(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *q, *v;
	size_t len = 5;

	(void)r;
	if (ofind(s, "process")) {
		ka_warn(c->m, n->file, n->line,
			"process: already given: keepalived ignores this one, so does the "
			"conversion");
		return;
	}
	if (!need_args(c, n, 1, 1000) || !(q = quote(n->args[0])))
		return;
	oadd(s, n, "process", q);
	free(q);
	if (n->nargs == 1)
		return;
	for (size_t i = 1; i < n->nargs; i++)
		len += strlen(n->args[i]) * 2 + 4;
	if (!(v = malloc(len)))
		return;
	strcpy(v, "{ ");
	for (size_t i = 1; i < n->nargs; i++) {
		if (!(q = quote(n->args[i])))
			break;
		strcat(strcat(v, i > 1 ? ", " : ""), q);
		free(q);
	}
	strcat(v, " }");
	oadd(s, n, "parameters", v);
	free(v);
	full_command(s, n);
}

/* `param_match [initial|partial]`: alone, the parameters exactly (none
 * when none are given). The last one given counts. */
static void p_match(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	const char *m = n->nargs ? n->args[0] : "exact";
	struct oline *l = ofind(s, "param_match");
	char *v;

	(void)r;
	if (n->nargs && strcmp(m, "initial") && strcmp(m, "partial")) {
		ka_warn(c->m, n->file, n->line,
			"param_match: '%s' is not initial or partial: keepalived ignores it, so "
			"does the conversion",
			n->args[0]);
		return;
	}
	if (!l) {
		oadd(s, n, "param_match", m);
	} else if ((v = strdup(m))) {
		free(l->val);
		l->val = v;
	}
	full_command(s, n);
}

static void p_full(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)c;
	(void)r;
	full_command(s, n);
}

/* `weight N [reverse]` */
static void p_weight(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *e;

	(void)r;
	if (!need_args(c, n, 1, 2))
		return;
	if (ofind(s, "weight")) {
		ka_warn(c->m, n->file, n->line,
			"weight: already given: keepalived ignores this one, so does the "
			"conversion");
		return;
	}
	(void)strtol(n->args[0], &e, 10);
	if (e == n->args[0] || *e) {
		ka_error(c->m, n->file, n->line, "weight: '%s' is not a number", n->args[0]);
		return;
	}
	oadd(s, n, "weight", n->args[0]);
	if (n->nargs == 2 && !strcmp(n->args[1], "reverse"))
		oadd(s, n, "reverse", "true");
	else if (n->nargs == 2)
		ka_warn(c->m, n->file, n->line,
			"weight: option '%s' is not reverse: keepalived ignores it, so does the "
			"conversion",
			n->args[1]);
}

static const struct rule process_rules[] = {
    {"process", p_process, NULL, NULL},	    {"quorum", r_num, NULL, NULL},
    {"quorum_max", r_num, NULL, NULL},	    {"weight", p_weight, NULL, NULL},
    {"delay", r_num, NULL, NULL},	    {"fork_delay", r_num, NULL, NULL},
    {"terminate_delay", r_num, NULL, NULL}, {"param_match", p_match, NULL, NULL},
    {"full_command", p_full, NULL, NULL},   {NULL, NULL, NULL, NULL},
};

/* Without full_command keepalived compares the name with comm, the
 * kernel's 15-byte name without a path: a longer name or a path never
 * matches there; hadirector matches it with argv[0] (hadirector.conf(5)). */
static void name_note(struct cx *c, const struct osec *s, const struct ka_node *n)
{
	const struct oline *l = ofind((struct osec *)s, "process");

	if (!l || ofind((struct osec *)s, "full_command"))
		return;
	for (const struct ka_node *k = n->child; k; k = k->next)
		if (!strcmp(k->kw, "process") && k->nargs &&
		    (strchr(k->args[0], '/') || strlen(k->args[0]) > 15))
			ka_warn(c->m, k->file, k->line,
				"process %s: without full_command keepalived compares it with the "
				"kernel's 15-byte process name and never finds it; hadirector "
				"matches %s",
				k->args[0],
				strchr(k->args[0], '/') ? "argv[0]" : "argv[0]'s file name");
}

void r_track_process_sec(struct cx *c, struct osec *top, const struct ka_node *n,
			 const struct rule *r)
{
	struct osec *s;

	(void)r;
	if (n->nargs != 1) {
		ka_error(c->m, n->file, n->line, "%s: needs one name", n->kw);
		return;
	}
	if (!(s = osec_new("vrrp_track_process %s", n->args[0])))
		return;
	s->src = n;
	oadd_sub(top, n, s);
	apply_rules(c, s, n->child, process_rules, "vrrp_track_process");
	if (!ofind(s, "process"))
		ka_error(c->m, n->file, n->line, "vrrp_track_process %s: no process", n->args[0]);
	name_note(c, s, n);
}

/* The weight of vrrp_track_process NAME (0 when not given). */
static long proc_weight(const struct cx *c, const char *name)
{
	for (const struct ka_node *n = c->source; n; n = n->next)
		if (!strcmp(n->kw, "vrrp_track_process") && n->nargs == 1 &&
		    !strcmp(n->args[0], name))
			for (const struct ka_node *k = n->child; k; k = k->next)
				if (!strcmp(k->kw, "weight") && k->nargs >= 1)
					return strtol(k->args[0], NULL, 10);
	return 0;
}

static bool is_owner(const struct ka_node *inst)
{
	for (const struct ka_node *k = inst ? inst->child : NULL; k; k = k->next)
		if (!strcmp(k->kw, "priority") && k->nargs == 1 && !strcmp(k->args[0], "255"))
			return true;
	return false;
}

/* One entry K of an instance's track_process block: true when it goes in
 * the list; a weight of its own becomes a track_process_weight section.
 * keepalived 2.2.7 ignores an entry naming no vrrp_track_process, a
 * second one for the same process, an option other than weight, and, at
 * priority 255, a weight's effect (the address owner's priority stays). */
static bool track_entry(struct cx *c, struct osec *s, const struct ka_node *first,
			const struct ka_node *k, bool owner)
{
	const char *why = NULL, *rev = NULL;
	long w = proc_weight(c, k->kw);
	struct osec *o;

	for (const struct ka_node *p = first; p != k; p = p->next)
		if (!strcmp(p->kw, k->kw))
			why = "already tracked";
	if (!ka_defined(c, "vrrp_track_process", k->kw))
		why = "no such vrrp_track_process";
	else if (k->nargs && (strcmp(k->args[0], "weight") || k->nargs < 2 || k->nargs > 3))
		why = "only 'weight N [reverse|noreverse]' is an option";
	else if (k->nargs == 3 && strcmp(k->args[2], "reverse") && strcmp(k->args[2], "noreverse"))
		why = "a weight's option is reverse or noreverse";
	if (!why && k->nargs)
		w = strtol(k->args[1], NULL, 10);
	if (!why && owner && w)
		why = "weighted, at priority 255: keepalived leaves the address owner's priority";
	if (why) {
		ka_warn(c->m, k->file, k->line,
			"track_process %s: %s; keepalived ignores it, so does the conversion",
			k->kw, why);
		return false;
	}
	if (!k->nargs)
		return true;
	if (k->nargs == 3)
		rev = strcmp(k->args[2], "reverse") ? "false" : "true";
	if (!(o = osec_new("track_process_weight %s", k->kw)))
		return false;
	o->src = k;
	oadd(o, k, "weight", k->args[1]);
	if (rev)
		oadd(o, k, "reverse", rev);
	oadd_sub(s, k, o);
	return false;
}

/* An instance's `track_process { NAME [weight N [reverse|noreverse]] ... }` */
void r_track_process(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *v = strdup(""), *t;
	bool owner = is_owner(s->src);

	(void)r;
	if (!n->block || !v) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		free(v);
		return;
	}
	for (const struct ka_node *k = n->child; k && v; k = k->next) {
		if (!track_entry(c, s, n->child, k, owner))
			continue;
		t = v;
		if (asprintf(&v, "%s%s%s", t, *t ? ", " : "", k->kw) < 0)
			v = NULL;
		free(t);
	}
	if (v && *v && asprintf(&t, "{ %s }", v) >= 0) {
		oadd(s, n, "track_process", t);
		free(t);
	}
	free(v);
}

/* `use_vmac [NAME]`: hadirector's default name is keepalived's. */
void r_use_vmac(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *q;

	(void)r;
	if (!need_args(c, n, 0, 1))
		return;
	oadd(s, n, "use_vmac", "true");
	if (!n->nargs)
		return;
	q = quote(n->args[0]);
	if (q)
		oadd(s, n, "vmac_name", q);
	free(q);
}
