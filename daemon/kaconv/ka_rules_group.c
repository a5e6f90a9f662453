/* keepalived's virtual_server_group -> hadirector's virtual_server
 * group:NAME (hadirector.conf(5)).
 *
 * keepalived: `virtual_server_group NAME { IP PORT | IP-LAST PORT |
 * fwmark N }` lists services, and `virtual_server group NAME { ... }` gives
 * them one pool and one set of checks (check_data.c, alloc_vsg_entry: a
 * range's LAST replaces the address's last byte, or its last 16-bit group
 * in hex for IPv6). hadirector writes the list into the virtual server as
 * `members`. The group's own section is then left out (a comment says
 * where it went). A netmask `A/M` and a range of whole addresses `A-B`
 * (alloc_vsg_entry reads both too) become ranges of hadirector's form, one
 * per last octet (IPv4) or last 16-bit group (IPv6); what keepalived skips
 * with an error (host bits set, a bad mask, an end before the start) is
 * left out with a warning, as keepalived runs without it. Entries
 * hadirector cannot take are refused at their line: an entry without a
 * port, a fwmark with a family, more than 1024 addresses.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
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

/* The first and last address of `A/M` or `A-B` (B a whole address) as
 * integers: IPv4 whole, IPv6 the last 16-bit group (the others in *HI, the
 * same for both ends). 1: a span, 0: not one of these forms, -1: keepalived
 * skips it (WHY set), -2: hadirector cannot take it (WHY set). */
static int vsg_span(const char *kw, struct hd_addr *base, uint32_t *first, uint32_t *last,
		    const char **why)
{
	char a[INET6_ADDRSTRLEN + 8], *sep, *end;
	struct hd_addr b;
	bool mask;
	unsigned long m;

	if (strlen(kw) >= sizeof(a))
		return 0;
	strcpy(a, kw);
	mask = (sep = strchr(a, '/')) != NULL;
	if (!mask && (!(sep = strchr(a, '-')) || !strpbrk(sep + 1, ".:")))
		return 0; /* a plain address, or keepalived's A-LAST */
	*sep = 0;
	if (hd_addr_parse(a, base) < 0)
		return 0;
	bool v6 = base->family == AF_INET6;
	uint32_t lo = v6 ? (uint32_t)base->u.v6.s6_addr[14] << 8 | base->u.v6.s6_addr[15]
			 : ntohl(base->u.v4.s_addr);
	if (mask) {
		m = strtoul(sep + 1, &end, 10);
		if (*end || !isdigit((unsigned char)sep[1]) || !m || m > (v6 ? 128u : 32u))
			return *why = "not a netmask", -1;
		if (v6 && m < 112)
			return *why = "more addresses than hadirector's 1024 services", -2;
		uint32_t host =
		    (uint32_t)((v6 ? 0xffffull : 0xffffffffull) >> (m - (v6 ? 112 : 0)));
		if (lo & host)
			return *why = "host bits set (keepalived: \"Address mask bits not empty\")",
			       -1;
		*first = lo;
		*last = lo | host;
		return 1;
	}
	if (hd_addr_parse(sep + 1, &b) < 0 || b.family != base->family)
		return *why = "the range's end is not an address of its family", -1;
	if (v6 && memcmp(&b.u.v6, &base->u.v6, 14))
		return *why = "more addresses than hadirector's 1024 services", -2;
	*first = lo;
	*last = v6 ? (uint32_t)b.u.v6.s6_addr[14] << 8 | b.u.v6.s6_addr[15] : ntohl(b.u.v4.s_addr);
	if (*last < *first)
		return *why = "the range ends before it starts", -1;
	return 1;
}

/* A span as members `A-LAST:PORT, ...`, one per last octet (IPv4); NULL
 * with the error when it has more than hadirector takes. */
static char *span_members(struct cx *c, const struct ka_node *k, const struct hd_addr *base,
			  uint32_t first, uint32_t last)
{
	char *list = NULL, ip[INET6_ADDRSTRLEN];
	size_t len = 0;
	FILE *f;

	if (last - first >= HD_VS_MAX_MEMBERS) {
		ka_error(c->m, k->file, k->line,
			 "%s: %u addresses, more than hadirector's %d services in a group", k->kw,
			 last - first + 1, HD_VS_MAX_MEMBERS);
		return NULL;
	}
	if (!(f = open_memstream(&list, &len)))
		return NULL;
	for (uint64_t a = first; a <= last; a = (a | 0xff) + 1) {
		uint32_t end = (uint32_t)((a | 0xff) < last ? (a | 0xff) : last);
		struct hd_addr x = *base;
		if (base->family == AF_INET6) {
			/* the last group: one range ([V6-X]:P, X hex) */
			x.u.v6.s6_addr[14] = (uint8_t)(first >> 8);
			x.u.v6.s6_addr[15] = (uint8_t)first;
			inet_ntop(AF_INET6, &x.u.v6, ip, sizeof(ip));
			if (first == last)
				fprintf(f, "[%s]:%s", ip, k->args[0]);
			else
				fprintf(f, "[%s-%x]:%s", ip, last, k->args[0]);
			break;
		}
		x.u.v4.s_addr = htonl((uint32_t)a);
		inet_ntop(AF_INET, &x.u.v4, ip, sizeof(ip));
		if (a == end)
			fprintf(f, "%s%s:%s", a == first ? "" : ", ", ip, k->args[0]);
		else
			fprintf(f, "%s%s-%u:%s", a == first ? "" : ", ", ip, end & 0xff,
				k->args[0]);
	}
	if (fclose(f) != 0) {
		free(list);
		return NULL;
	}
	return list;
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
	struct hd_addr base;
	uint32_t first, last;
	const char *why = NULL;
	switch (vsg_span(k->kw, &base, &first, &last, &why)) {
	case -1: /* "" : left out, as keepalived leaves it out */
		ka_warn(c->m, k->file, k->line,
			"%s: %s: keepalived skips the entry and runs, so does the converter", k->kw,
			why);
		return strdup("");
	case -2:
		ka_error(c->m, k->file, k->line, "%s: %s", k->kw, why);
		return NULL;
	case 1:
		if (*fam && base.family != *fam) {
			ka_error(
			    c->m, k->file, k->line,
			    "%s: IPv4 and IPv6 in one group (hadirector's group has one family)",
			    k->kw);
			return NULL;
		}
		*fam = base.family;
		return span_members(c, k, &base, first, last);
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
		if (!*m) { /* left out with a warning */
			free(m);
			continue;
		}
		fprintf(f, "%s%s", first ? "" : ", ", m);
		first = false;
		free(m);
	}
	fputs(" }", f);
	if (first && !bad) {
		ka_error(c->m, g->file, g->line,
			 "virtual_server_group %s: no entry left (keepalived skipped them all)",
			 name);
		bad = true;
	}
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
