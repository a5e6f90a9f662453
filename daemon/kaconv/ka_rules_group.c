/* keepalived's virtual_server_group -> hadirector's virtual_server
 * group:NAME (hadirector.conf(5)).
 *
 * keepalived: `virtual_server_group NAME { IP PORT | IP-LAST PORT |
 * fwmark N }` lists services, and `virtual_server group NAME { ... }` gives
 * them one pool and one set of checks (check_data.c, alloc_vsg_entry: a
 * range's LAST replaces the address's last byte, or its last 16-bit group
 * in hex for IPv6). hadirector writes the list into the virtual server as
 * `members`. The group's own section is then left out (a comment says
 * where it went). Entries hadirector cannot take are refused at their
 * line: a netmask range, an entry without a port, a fwmark with a family.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_config.h"
#include "ka_convert_int.h"

static const struct ka_node *vsg_def(const struct cx *c, const char *name)
{
	for (const struct ka_node *n = c->source; n; n = n->next)
		if (!strcmp(n->kw, "virtual_server_group") && n->nargs >= 1 &&
		    !strcmp(n->args[0], name))
			return n;
	return NULL;
}

/* One entry as a hadirector member, or NULL (with the error). *FAM: the
 * group's address family so far (0: none yet). */
static char *vsg_member(struct cx *c, const struct ka_node *k, int *fam)
{
	char *m = NULL, *a;
	struct hd_addr ad;

	if (!strcmp(k->kw, "fwmark")) {
		if (k->nargs != 1) {
			ka_error(c->m, k->file, k->line,
				 "fwmark: %s: a group's fwmark with a family is not converted (the "
				 "group's family is its addresses')",
				 k->nargs ? "" : "needs a mark");
			return NULL;
		}
		return asprintf(&m, "fwmark:%s", k->args[0]) < 0 ? NULL : m;
	}
	if (k->nargs != 1 || !k->args[0][strspn(k->args[0], "0")]) {
		ka_error(c->m, k->file, k->line,
			 "%s: a group entry without a port is not converted (members need one)",
			 k->kw);
		return NULL;
	}
	if (!(a = strdup(k->kw)))
		return NULL;
	char *dash = strchr(a, '-');
	if (dash)
		*dash = 0;
	if (strchr(k->kw, '/') || hd_addr_parse(a, &ad) < 0) {
		ka_error(c->m, k->file, k->line,
			 "%s: not ADDRESS or ADDRESS-LAST (a netmask range is not converted)",
			 k->kw);
		free(a);
		return NULL;
	}
	free(a);
	if (*fam && ad.family != *fam) {
		ka_error(c->m, k->file, k->line,
			 "%s: IPv4 and IPv6 in one group (hadirector's group has one family)",
			 k->kw);
		return NULL;
	}
	*fam = ad.family;
	bool v6 = strchr(k->kw, ':') != NULL;
	if (asprintf(&m, v6 ? "[%s]:%s" : "%s:%s", k->kw, k->args[0]) < 0)
		return NULL;
	return m;
}

char *ka_vsg_members(struct cx *c, const struct ka_node *vs, const char *name)
{
	const struct ka_node *g = vsg_def(c, name);
	char *list = NULL;
	size_t len = 0;
	FILE *f;
	bool bad = false, first = true;
	int fam = 0;

	if (!g) {
		ka_error(c->m, vs->file, vs->line,
			 "virtual_server group %s: no virtual_server_group %s (keepalived runs "
			 "no service for it)",
			 name, name);
		return NULL;
	}
	if (!g->child) {
		ka_error(c->m, g->file, g->line, "virtual_server_group %s: no entries", name);
		return NULL;
	}
	if (!(f = open_memstream(&list, &len)))
		return NULL;
	fputs("{ ", f);
	for (const struct ka_node *k = g->child; k; k = k->next) {
		char *m = vsg_member(c, k, &fam);
		if (!m) {
			bad = true;
			continue;
		}
		fprintf(f, "%s%s", first ? "" : ", ", m);
		first = false;
		free(m);
	}
	fputs(" }", f);
	if (fclose(f) != 0 || bad) {
		free(list);
		return NULL;
	}
	return list;
}

/* The group's own section: written into the virtual servers using it. */
void r_vsg(struct cx *c, struct osec *top, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!need_args(c, n, 1, 1))
		return;
	for (const struct ka_node *v = c->source; v; v = v->next)
		if (!strcmp(v->kw, "virtual_server") && v->nargs == 2 &&
		    !strcmp(v->args[0], "group") && !strcmp(v->args[1], n->args[0])) {
			left_out(top, n, "written as the members of its virtual_server group");
			return;
		}
	ka_warn(c->m, n->file, n->line,
		"virtual_server_group %s: no virtual_server uses it; keepalived runs no service "
		"for it: left out",
		n->args[0]);
	left_out(top, n, "no virtual_server uses it");
}

/* The title's name of the Nth (from 1) virtual server of group NAME. */
void ka_vsg_title(const struct cx *c, const struct ka_node *vs, const char *name, char *out,
		  size_t len)
{
	unsigned nth = 0;

	for (const struct ka_node *v = c->source; v; v = v->next) {
		if (!strcmp(v->kw, "virtual_server") && v->nargs == 2 &&
		    !strcmp(v->args[0], "group") && !strcmp(v->args[1], name))
			nth++;
		if (v == vs)
			break;
	}
	if (nth > 1)
		snprintf(out, len, "group:%s-%u", name, nth);
	else
		snprintf(out, len, "group:%s", name);
}
