/* HADIRECTOR-MIB (etc/HADIRECTOR-MIB.txt) and what daemon/snmp_hd.c serves
 * agree: every read-only column of each table's entry is a cell of a row,
 * of the ASN.1 type its SYNTAX says, and every cell is a column the MIB
 * declares; each notification's OBJECTS are its varbinds, in order, under
 * the notification's OID; the HdCheckOutcome labels are the status names of
 * the check outcomes (hc_outcome_name, words joined in camel case) at their
 * enum value + 1, and likewise hdCheckerAgentState's. A column added to one
 * side only, a changed enum or a varbind out of order fails here. Pure:
 * reads the MIB file, renders a view in memory. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck/hc_view.h"
#include "snmp_int.h"
#include "unit.h"

/* One OBJECT-TYPE or NOTIFICATION-TYPE of the MIB. */
struct mib_obj {
	char name[64], syntax[64], access[32], parent[64];
	unsigned sub;	   /* ::= { parent sub } */
	const char *body;  /* its text, up to its ::= */
	bool notification; /* NOTIFICATION-TYPE */
};
static struct mib_obj objs[256];
static size_t n_objs;
static char *mib_text;

static char *load_mib_text(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/etc/HADIRECTOR-MIB.txt", top ? top : ".");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	return buf;
}

/* The word after KEY within [P, END) into OUT, or "". */
static void word_after(const char *p, const char *end, const char *key, char *out, size_t size)
{
	const char *k = strstr(p, key);
	size_t n = 0;

	out[0] = 0;
	if (!k || k >= end)
		return;
	k += strlen(key);
	while (*k == ' ' || *k == '\n')
		k++;
	while (n + 1 < size && (isalnum((unsigned char)*k) || *k == '-'))
		out[n++] = *k++;
	out[n] = 0;
}

/* Every "NAME OBJECT-TYPE" and "NAME NOTIFICATION-TYPE" at a line start. */
static void parse_objs(void)
{
	static const char *const kinds[] = {" OBJECT-TYPE\n", " NOTIFICATION-TYPE\n"};

	for (const char *p = mib_text; *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		for (size_t k = 0; k < 2; k++) {
			const char *sp = strchr(p, ' '), *end;
			struct mib_obj *o = &objs[n_objs];
			int len = sp ? (int)(sp - p) : 0;

			if (!sp || strncmp(sp, kinds[k], strlen(kinds[k])) || !islower(*p) ||
			    len >= (int)sizeof(o->name) || n_objs == 256)
				continue;
			end = strstr(sp, "::=");
			if (!end)
				continue;
			snprintf(o->name, sizeof(o->name), "%.*s", len, p);
			word_after(sp, end, "SYNTAX", o->syntax, sizeof(o->syntax));
			word_after(sp, end, "MAX-ACCESS", o->access, sizeof(o->access));
			o->body = sp;
			o->notification = k == 1;
			if (sscanf(end, "::= { %63s %u }", o->parent, &o->sub) == 2)
				n_objs++;
		}
	}
}

static const struct mib_obj *obj(const char *name)
{
	for (size_t i = 0; i < n_objs; i++)
		if (!strcmp(objs[i].name, name))
			return &objs[i];
	return NULL;
}

static const struct mib_obj *column(const char *entry, unsigned col)
{
	for (size_t i = 0; i < n_objs; i++)
		if (!strcmp(objs[i].parent, entry) && objs[i].sub == col)
			return &objs[i];
	return NULL;
}

static u_char asn_type(const char *syntax)
{
	static const struct {
		const char *syntax;
		u_char type;
	} map[] = {{"Counter64", ASN_COUNTER64},   {"Gauge32", ASN_GAUGE},
		   {"Unsigned32", ASN_UNSIGNED},   {"DisplayString", ASN_OCTET_STR},
		   {"INTEGER", ASN_INTEGER},	   {"TruthValue", ASN_INTEGER},
		   {"HdCheckOutcome", ASN_INTEGER}};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].syntax, syntax))
			return map[i].type;
	return 0;
}

/* One of each: a virtual server, a real server, a checker. */
static struct hc_view *one_view(void)
{
	static struct hc_vs_view vs;
	static struct hc_rs_view rs;
	static struct hc_check_view ck;
	static struct hc_view v;

	strcpy(vs.name, "10.9.0.1:80");
	vs.rs = &rs, vs.n_rs = 1;
	rs = (struct hc_rs_view){.ep = {.addr = {.family = AF_INET}}, .checks = &ck, .n_checks = 1};
	ck = (struct hc_check_view){.type = "tcp"};
	v = (struct hc_view){.vs = &vs, .n_vs = 1};
	return &v;
}

/* Column and type of a cell under ENTRY (NULL: not under it). */
static bool cell_col(const struct snmp_cell *c, const struct snmp_table *t, unsigned *col)
{
	if (c->name_len <= t->entry_len)
		return false;
	for (size_t i = 0; i < t->entry_len; i++)
		if (c->name[i] != t->entry[i])
			return false;
	*col = c->name[t->entry_len];
	return true;
}

static void test_tables(void)
{
	static const char *const entries[SNMP_HD__N] = {"hdVirtualServerEntry", "hdRealServerEntry",
							"hdCheckerEntry"};

	parse_objs();
	EXPECT(n_objs > 50, "%zu objects parsed from the MIB", n_objs);
	for (size_t t = 0; t < SNMP_HD__N; t++) {
		struct snmp_snap s = {0};
		struct snmp_out f = {&s, NULL, 0, NULL};
		struct snmp_table tab;
		bool served[64] = {0};

		snmp_hd_table((enum snmp_hd_table)t, &tab);
		snmp_hd_rows((enum snmp_hd_table)t, one_view(), NULL, &f);
		for (size_t i = 0; i < s.n; i++) {
			unsigned col;
			const struct mib_obj *o;

			if (!cell_col(&s.cells[i], &tab, &col) || col >= 64) {
				EXPECT(0, "%s: a cell outside its entry", entries[t]);
				continue;
			}
			served[col] = true;
			o = column(entries[t], col);
			EXPECT(o && !strcmp(o->access, "read-only"),
			       "%s.%u is served, the MIB has no read-only column there", entries[t],
			       col);
			EXPECT(!o || asn_type(o->syntax) == s.cells[i].type,
			       "%s (%s) served as ASN type 0x%x", o ? o->name : "?",
			       o ? o->syntax : "?", s.cells[i].type);
		}
		for (size_t i = 0; i < n_objs; i++)
			if (!strcmp(objs[i].parent, entries[t]) &&
			    strcmp(objs[i].access, "not-accessible"))
				EXPECT(objs[i].sub < 64 && served[objs[i].sub],
				       "%s (%s.%u) is in the MIB, not served", objs[i].name,
				       entries[t], objs[i].sub);
		snmp_snap_free(&s);
	}
}

/* Notification NAME: its OID is hdNotifications.SUB and its OBJECTS are
 * VARS's names (entry.col), in order. */
static void check_notification(const char *name, const struct snmp_snap *vars, const oid *trap,
			       size_t trap_len)
{
	const struct mib_obj *n = obj(name);
	const char *p = n ? strstr(n->body, "OBJECTS") : NULL;
	static const oid hd_notif[] = {1, 3, 6, 1, 3, 9487, 0};
	size_t i = 0;

	EXPECT(n && n->notification && !strcmp(n->parent, "hdNotifications"), "%s", name);
	if (!n || !p)
		return;
	EXPECT(trap_len == 8 && !memcmp(trap, hd_notif, sizeof(hd_notif)) && trap[7] == n->sub,
	       "%s: its OID", name);
	p = strchr(p, '{') + 1;
	for (;;) {
		char word[64];
		int len = 0;
		const struct mib_obj *o;

		while (*p == ' ' || *p == '\n' || *p == ',')
			p++;
		if (*p == '}' || !*p || sscanf(p, "%63[A-Za-z0-9]%n", word, &len) != 1)
			break;
		p += len;
		o = obj(word);
		EXPECT(i < vars->n, "%s: %s has no varbind", name, word);
		if (o && i < vars->n) {
			const struct snmp_cell *c = &vars->cells[i];
			const struct mib_obj *e = obj(o->parent), *t = e ? obj(e->parent) : NULL;

			/* hdObjects(1).table.entry.column.index */
			EXPECT(t && c->name_len > 10 && c->name[6] == 1 && c->name[7] == t->sub &&
				   c->name[8] == e->sub && c->name[9] == o->sub &&
				   c->type == asn_type(o->syntax),
			       "%s: varbind %zu is not %s", name, i, word);
		}
		i++;
	}
	EXPECT(i == vars->n, "%s: %zu varbinds, the MIB names %zu", name, vars->n, i);
}

static void test_notifications(void)
{
	static const char *const guard[] = {"hdGuardEngaged", "hdGuardRecovered", "hdGuardExpired"};
	struct hc_view *v = one_view();
	struct snmp_snap s = {0};
	const oid *trap;
	size_t len;

	snmp_hd_rs_change(v, 0, 0, &s, &trap, &len);
	check_notification("hdRealServerStateChange", &s, trap, len);
	snmp_snap_free(&s);
	for (size_t g = 0; g < 3; g++) {
		snmp_hd_guard_change(v, 0, (enum snmp_hd_guard)g, &s, &trap, &len);
		check_notification(guard[g], &s, trap, len);
		snmp_snap_free(&s);
	}
}

/* The labels of the INTEGER { ... } after AFTER in the MIB are NAME(i)
 * camel-cased at i + 1, for i in [0, N). */
static void check_enum(const char *after, const char *(*name)(int), int n)
{
	const char *p = strstr(mib_text, after), *end;
	int seen = 0;

	EXPECT(p, "%s is in the MIB", after);
	if (!p || !(p = strstr(p, "INTEGER {")) || !(end = strchr(p, '}')))
		return;
	for (p += 9; p < end; seen++) {
		char label[64], want[64];
		int val, len = 0;
		size_t w = 0;

		while (p < end && !isalpha((unsigned char)*p))
			p++;
		if (p >= end || sscanf(p, "%63[A-Za-z0-9](%d)%n", label, &val, &len) != 2)
			break;
		p += len;
		/* connect_refused -> connectRefused */
		for (const char *q = val >= 1 && val <= n ? name(val - 1) : ""; *q && w + 1 < 64;
		     q++)
			if (*q != '_')
				want[w++] = q > name(val - 1) && q[-1] == '_'
						? (char)toupper((unsigned char)*q)
						: *q;
		want[w] = 0;
		EXPECT(val >= 1 && val <= n && !strcmp(label, want),
		       "%s: %s(%d), the daemon says %s", after, label, val,
		       val >= 1 && val <= n ? want : "nothing");
	}
	EXPECT(seen == n, "%s: %d labels, the daemon has %d", after, seen, n);
}

static const char *outcome(int o)
{
	return hc_outcome_name((enum hc_outcome)o);
}

static const char *agent_state(int s)
{
	return hc_agent_state_name((enum hc_agent_state)s);
}

int main(void)
{
	mib_text = load_mib_text();
	test_tables();
	test_notifications();
	check_enum("HdCheckOutcome ::= TEXTUAL-CONVENTION", outcome, HC_O__MAX);
	check_enum("hdCheckerAgentState OBJECT-TYPE", agent_state, HC_AGENT_STATE_DRAIN + 1);
	free(mib_text);
	return failures ? 1 : 0;
}
