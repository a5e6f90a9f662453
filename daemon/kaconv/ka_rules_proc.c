/* Conversion rules of vrrp_track_process sections and of an instance's
 * use_vmac, vmac_xmit_base and dont_track_primary (hadirector.conf(5),
 * "vrrp_track_process" and "vrrp_instance"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_convert_int.h"

/* `process NAME`: keepalived's optional parameters after the name need
 * param_match, which hadirector has not: it matches the program alone. */
static void p_process(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *q;

	(void)r;
	if (n->nargs > 1) {
		ka_error(c->m, n->file, n->line,
			 "process %s %s...: hadirector matches the program name only, not its "
			 "parameters",
			 n->args[0], n->args[1]);
		return;
	}
	if (!need_args(c, n, 1, 1))
		return;
	q = quote(n->args[0]);
	if (q)
		oadd(s, n, "process", q);
	free(q);
}

static void p_weight(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	if (n->nargs == 2 && !strcmp(n->args[1], "reverse")) {
		ka_error(c->m, n->file, n->line,
			 "weight ... reverse: hadirector has no reversed process weights");
		return;
	}
	r_num(c, s, n, r);
}

static const struct rule process_rules[] = {
    {"process", p_process, NULL, NULL},
    {"quorum", r_num, NULL, NULL},
    {"quorum_max", r_num, NULL, NULL},
    {"weight", p_weight, NULL, NULL},
    {"delay", r_num, NULL, NULL},
    {"fork_delay", r_num, NULL, NULL},
    {"terminate_delay", r_num, NULL, NULL},
    NOEFF("param_match", "without parameters after the process name it changes nothing"),
    NO("full_command", "hadirector matches comm, or argv[0] for a path"),
    {NULL, NULL, NULL, NULL},
};

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
