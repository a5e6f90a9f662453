/* The subagent program's read-only table handler and notifications
 * (snmp_int.h). It sorts a snapshot the daemon sent once and then answers
 * each GET with a binary search and each GETNEXT with the first cell after
 * the requested OID, so a walk costs O(log n) per step, whatever the size
 * of the tables. Only hadirector-snmp links this file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snmp_int.h"

/* Lexicographic OID order, the order of a MIB walk. */
static int name_cmp(const uint32_t *a, size_t an, const oid *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

static int cell_cmp(const void *pa, const void *pb)
{
	const struct snmp_cell *a = pa, *b = pb;
	oid bn[SNMP_OID_MAX];

	for (size_t i = 0; i < b->name_len; i++)
		bn[i] = b->name[i];
	return name_cmp(a->name, a->name_len, bn, b->name_len);
}

void snmp_snap_sort(struct snmp_snap *s)
{
	if (s->n > 1)
		qsort(s->cells, s->n, sizeof(*s->cells), cell_cmp);
}

/* The first cell whose name is > NAME (>= when OR_EQUAL); s->n if none. */
static size_t lower_bound(const struct snmp_snap *s, const oid *name, size_t len, bool or_equal)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(s->cells[mid].name, s->cells[mid].name_len, name, len);

		if (c < 0 || (c == 0 && !or_equal))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool under(const struct snmp_cell *c, const oid *prefix, size_t len)
{
	if (c->name_len < len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (c->name[i] != prefix[i])
			return false;
	return true;
}

/* The cell answering R in table T, or NULL. */
static const struct snmp_cell *lookup(const struct snmp_snap *s, const struct snmp_table *t,
				      const netsnmp_variable_list *v, bool next)
{
	size_t i = lower_bound(s, v->name, v->name_length, !next);
	const struct snmp_cell *c = i < s->n ? &s->cells[i] : NULL;

	if (!c || !under(c, t->entry, t->entry_len))
		return NULL;
	if (!next && name_cmp(c->name, c->name_len, v->name, v->name_length))
		return NULL;
	return c;
}

static void answer(netsnmp_variable_list *v, const struct snmp_snap *s, const struct snmp_cell *c,
		   bool next)
{
	if (next) {
		oid name[SNMP_OID_MAX];

		for (size_t i = 0; i < c->name_len; i++)
			name[i] = c->name[i];
		snmp_set_var_objid(v, name, c->name_len);
	}
	if (c->type == ASN_COUNTER64) {
		struct counter64 c64 = {.high = (u_long)(c->v.u64 >> 32),
					.low = (u_long)(c->v.u64 & 0xffffffffu)};

		snmp_set_var_typed_value(v, c->type, &c64, sizeof(c64));
	} else if (c->type == ASN_OCTET_STR || c->type == ASN_IPADDRESS) {
		snmp_set_var_typed_value(v, c->type, s->bytes + c->v.off, c->len);
	} else {
		snmp_set_var_typed_value(v, c->type, &c->v.l, sizeof(c->v.l));
	}
}

/* Subagent. */
static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
		   netsnmp_agent_request_info *ri, netsnmp_request_info *requests)
{
	const struct snmp_table *t = h->myvoid;
	const struct snmp_snap *s;
	bool next = ri->mode == MODE_GETNEXT;

	if (ri->mode != MODE_GET && !next)
		return SNMP_ERR_NOERROR; /* read-only: the agent answers sets itself */
	s = snmp_agent_current(t->owner);
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		const struct snmp_cell *c;

		if (r->processed)
			continue;
		c = lookup(s, t, r->requestvb, next);
		if (c)
			answer(r->requestvb, s, c, next);
		else if (!next)
			netsnmp_set_request_error(ri, r, SNMP_NOSUCHINSTANCE);
		/* GETNEXT without a cell: the agent moves on past this table */
	}
	return SNMP_ERR_NOERROR;
}

int snmp_table_register(struct snmp_table *t)
{
	/* Registered one level above the entry: the table OID itself. */
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
	    t->name, handler, t->entry, t->entry_len - 1, HANDLER_CAN_RONLY);
	int r;

	if (!reg)
		return -ENOMEM;
	reg->handler->myvoid = t;
	r = netsnmp_register_handler(reg);
	if (r == MIB_REGISTERED_OK)
		return 0;
	return r == MIB_DUPLICATE_REGISTRATION ? -EEXIST : -EIO;
}

static void varbind_add(netsnmp_variable_list **vars, const struct snmp_snap *s,
			const struct snmp_cell *c)
{
	oid name[SNMP_OID_MAX];
	struct counter64 c64;
	const void *val = &c->v.l;
	size_t len = sizeof(c->v.l);

	for (size_t i = 0; i < c->name_len; i++)
		name[i] = c->name[i];
	if (c->type == ASN_COUNTER64) {
		c64 = (struct counter64){.high = (u_long)(c->v.u64 >> 32),
					 .low = (u_long)(c->v.u64 & 0xffffffffu)};
		val = &c64, len = sizeof(c64);
	} else if (c->type == ASN_OCTET_STR || c->type == ASN_IPADDRESS) {
		val = s->bytes + c->v.off, len = c->len;
	}
	snmp_varlist_add_variable(vars, name, c->name_len, c->type, val, len);
}

void snmp_send_snap(const uint32_t *trap, size_t trap_len, const struct snmp_snap *vars)
{
	static const oid trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; /* snmpTrapOID.0 */
	netsnmp_variable_list *head = NULL;
	oid t[SNMP_OID_MAX];

	for (size_t i = 0; i < trap_len; i++)
		t[i] = trap[i];
	snmp_varlist_add_variable(&head, trap_oid, OID_LENGTH(trap_oid), ASN_OBJECT_ID,
				  (const u_char *)t, trap_len * sizeof(oid));
	for (size_t i = 0; head && i < vars->n; i++)
		varbind_add(&head, vars, &vars->cells[i]);
	if (!head)
		return;
	send_v2trap(head);
	snmp_free_varbind(head);
}
