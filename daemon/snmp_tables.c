/* Read-only SNMP tables answered from live state: a raw net-snmp handler
 * per table that streams every cell through a finder (snmp_int.h). Cost
 * per request is linear in the table size: fine for the hundreds of rows
 * a director has. */
#include <stdlib.h>
#include <string.h>

#include "snmp_int.h"

static bool cell_oid(struct snmp_find *f, oid col, const oid *idx, size_t n, oid *out, size_t *len)
{
	if (f->entry_len + 1 + n > MAX_OID_LEN)
		return false;
	memcpy(out, f->entry, f->entry_len * sizeof(oid));
	out[f->entry_len] = col;
	memcpy(out + f->entry_len + 1, idx, n * sizeof(oid));
	*len = f->entry_len + 1 + n;
	return true;
}

/* True when the cell is the one wanted so far: the caller stores it. */
static bool take(struct snmp_find *f, oid col, const oid *idx, size_t n)
{
	oid o[MAX_OID_LEN];
	size_t len;

	if (!cell_oid(f, col, idx, n, o, &len))
		return false;
	if (!f->next) {
		if (snmp_oid_compare(o, len, f->req, f->req_len))
			return false;
	} else if (snmp_oid_compare(o, len, f->req, f->req_len) <= 0 ||
		   (f->found && snmp_oid_compare(o, len, f->best, f->best_len) >= 0)) {
		return false;
	}
	memcpy(f->best, o, len * sizeof(oid));
	f->best_len = len;
	f->found = true;
	return true;
}

void snmp_cell_int(struct snmp_find *f, oid col, const oid *idx, size_t n, u_char type, long v)
{
	if (!take(f, col, idx, n))
		return;
	f->type = type;
	f->v.l = v;
	f->v_len = sizeof(long);
}

void snmp_cell_c64(struct snmp_find *f, oid col, const oid *idx, size_t n, uint64_t v)
{
	if (!take(f, col, idx, n))
		return;
	f->type = ASN_COUNTER64;
	f->v.c64.high = (u_long)(v >> 32);
	f->v.c64.low = (u_long)(v & 0xffffffffu);
	f->v_len = sizeof(f->v.c64);
}

void snmp_cell_str(struct snmp_find *f, oid col, const oid *idx, size_t n, u_char type,
		   const void *s, size_t len)
{
	if (!take(f, col, idx, n))
		return;
	if (len > sizeof(f->v.s))
		len = sizeof(f->v.s);
	f->type = type;
	memcpy(f->v.s, s, len);
	f->v_len = len;
}

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
		   netsnmp_agent_request_info *ri, netsnmp_request_info *requests)
{
	struct snmp_table *t = h->myvoid;

	if (ri->mode != MODE_GET && ri->mode != MODE_GETNEXT)
		return SNMP_ERR_NOERROR; /* read-only: the agent answers sets itself */
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		struct snmp_find f = {.req = r->requestvb->name,
				      .req_len = r->requestvb->name_length,
				      .next = ri->mode == MODE_GETNEXT,
				      .entry = t->entry,
				      .entry_len = t->entry_len};

		if (r->processed)
			continue;
		t->fn(t->d, &f);
		if (!f.found) {
			if (!f.next)
				netsnmp_set_request_error(ri, r, SNMP_NOSUCHINSTANCE);
			continue; /* GETNEXT: the agent moves on past this table */
		}
		if (f.next)
			snmp_set_var_objid(r->requestvb, f.best, f.best_len);
		snmp_set_var_typed_value(r->requestvb, f.type, &f.v, f.v_len);
	}
	return SNMP_ERR_NOERROR;
}

int snmp_table_register(struct snmp_table *t)
{
	/* Registered one level above the entry: the table OID itself. */
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
	    t->name, handler, t->entry, t->entry_len - 1, HANDLER_CAN_RONLY);

	if (!reg)
		return -1;
	reg->handler->myvoid = t;
	return netsnmp_register_handler(reg) == MIB_REGISTERED_OK ? 0 : -1;
}

void snmp_seen_free(struct snmp_seen_set *s)
{
	free(s->v);
	*s = (struct snmp_seen_set){0};
}

struct snmp_seen *snmp_seen_get(struct snmp_seen_set *s, const void *key, bool *is_new)
{
	struct snmp_seen *nv;

	*is_new = false;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].key == key)
			return &s->v[i];
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	s->v = nv;
	s->v[s->n] = (struct snmp_seen){.key = key};
	*is_new = true;
	return &s->v[s->n++];
}

void snmp_send_notification(const oid *trap, size_t trap_len, netsnmp_variable_list *vars)
{
	static const oid trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; /* snmpTrapOID.0 */
	netsnmp_variable_list *head = NULL;

	snmp_varlist_add_variable(&head, trap_oid, OID_LENGTH(trap_oid), ASN_OBJECT_ID,
				  (const u_char *)trap, trap_len * sizeof(oid));
	if (!head) {
		snmp_free_varbind(vars);
		return;
	}
	head->next_variable = vars;
	send_v2trap(head);
	snmp_free_varbind(head);
}
