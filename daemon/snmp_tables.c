/* Snapshots of the SNMP tables (snmp_int.h), filled by the event loop:
 * appending cells is plain memory work. The daemon and the subagent
 * program both link this file (the subagent frees what it receives). The
 * handler that answers from a snapshot is in snmp_agent_mib.c. */
#include <stdlib.h>
#include <string.h>

#include "snmp_int.h"

void snmp_snap_free(struct snmp_snap *s)
{
	free(s->cells);
	free(s->bytes);
	*s = (struct snmp_snap){0};
}

static struct snmp_cell *cell_new(struct snmp_snap *s, const oid *name, size_t len)
{
	struct snmp_cell *c;

	if (len > SNMP_OID_MAX)
		return NULL; /* no table here has such a name */
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct snmp_cell *nv = realloc(s->cells, cap * sizeof(*nv));

		if (!nv) {
			s->oom = true;
			return NULL;
		}
		s->cells = nv;
		s->cap = cap;
	}
	c = &s->cells[s->n++];
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < len; i++)
		c->name[i] = (uint32_t)name[i];
	c->name_len = (uint8_t)len;
	return c;
}

void snmp_snap_add_int(struct snmp_snap *s, const oid *name, size_t len, u_char type, long v)
{
	struct snmp_cell *c = cell_new(s, name, len);

	if (c) {
		c->type = type;
		c->v.l = v;
	}
}

void snmp_snap_add_c64(struct snmp_snap *s, const oid *name, size_t len, uint64_t v)
{
	struct snmp_cell *c = cell_new(s, name, len);

	if (c) {
		c->type = ASN_COUNTER64;
		c->v.u64 = v;
	}
}

void snmp_snap_add_str(struct snmp_snap *s, const oid *name, size_t len, u_char type,
		       const void *str, size_t n)
{
	struct snmp_cell *c;

	if (n > 255)
		n = 255; /* DisplayString's limit; nothing here is longer */
	if (s->n_bytes + n > s->cap_bytes) {
		size_t cap = s->cap_bytes ? 2 * s->cap_bytes : 1024;
		unsigned char *nb;

		while (cap < s->n_bytes + n)
			cap *= 2;
		nb = realloc(s->bytes, cap);
		if (!nb) {
			s->oom = true;
			return;
		}
		s->bytes = nb;
		s->cap_bytes = cap;
	}
	c = cell_new(s, name, len);
	if (!c)
		return;
	c->type = type;
	c->len = (uint16_t)n;
	c->v.off = (uint32_t)s->n_bytes;
	if (n)
		memcpy(s->bytes + s->n_bytes, str, n);
	s->n_bytes += n;
}

/* entry.col.idx into NAME; false when it would not fit. */
static bool cell_name(const struct snmp_out *f, oid col, const oid *idx, size_t n, oid *name,
		      size_t *len)
{
	if (f->entry_len + 1 + n > SNMP_OID_MAX)
		return false;
	memcpy(name, f->entry, f->entry_len * sizeof(oid));
	name[f->entry_len] = col;
	memcpy(name + f->entry_len + 1, idx, n * sizeof(oid));
	*len = f->entry_len + 1 + n;
	return true;
}

void snmp_cell_int(struct snmp_out *f, oid col, const oid *idx, size_t n, u_char type, long v)
{
	oid name[SNMP_OID_MAX];
	size_t len;

	if (cell_name(f, col, idx, n, name, &len))
		snmp_snap_add_int(f->snap, name, len, type, v);
}

void snmp_cell_c64(struct snmp_out *f, oid col, const oid *idx, size_t n, uint64_t v)
{
	oid name[SNMP_OID_MAX];
	size_t len;

	if (cell_name(f, col, idx, n, name, &len))
		snmp_snap_add_c64(f->snap, name, len, v);
}

void snmp_cell_str(struct snmp_out *f, oid col, const oid *idx, size_t n, u_char type,
		   const void *s, size_t slen)
{
	oid name[SNMP_OID_MAX];
	size_t len;

	if (cell_name(f, col, idx, n, name, &len))
		snmp_snap_add_str(f->snap, name, len, type, s, slen);
}

void snmp_seen_free(struct snmp_seen_set *s)
{
	free(s->v);
	*s = (struct snmp_seen_set){0};
}

const struct snmp_seen *snmp_seen_find(const struct snmp_seen_set *s, const void *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].key == key)
			return &s->v[i];
	return NULL;
}

struct snmp_seen *snmp_seen_get(struct snmp_seen_set *s, const void *key, bool *is_new)
{
	struct snmp_seen *nv;

	*is_new = false;
	if (s->hint < s->n && s->v[s->hint].key == key)
		return &s->v[s->hint++];
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].key == key) {
			s->hint = i + 1;
			return &s->v[i];
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n] = (struct snmp_seen){.key = key};
	*is_new = true;
	s->hint = s->n + 1;
	return &s->v[s->n++];
}
