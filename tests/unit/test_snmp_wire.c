/* The frames between the daemon and hadirector-snmp (daemon/snmp_wire.c),
 * since they now cross an exec: the table layouts and a snapshot survive
 * the trip, and payloads that do not parse are refused, not trusted. */
#include <stdlib.h>
#include <string.h>

#include "snmp_int.h"
#include "unit.h"

static const oid entry_a[] = {1, 3, 6, 1, 2, 1, 68, 1, 3, 1};
static const oid entry_b[] = {1, 3, 6, 1, 3, 9487, 1, 2, 1};

/* The payload of frame F (after its header). */
static const unsigned char *payload(const struct snmp_frame *f, struct snmp_frame_hdr *h)
{
	memcpy(h, f->data, sizeof(*h));
	return f->data + sizeof(*h);
}

static void test_tables(void)
{
	const struct snmp_table in[] = {
	    {"vrrpOperTable", entry_a, OID_LENGTH(entry_a), NULL, NULL},
	    {"hdRealServerTable", entry_b, OID_LENGTH(entry_b), NULL, NULL},
	};
	struct snmp_frame *f = snmp_frame_tables(in, 2);
	struct snmp_frame_hdr h;
	const unsigned char *p;
	struct snmp_table *out = NULL;
	size_t n = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	p = payload(f, &h);
	CHECK(h.type == SNMPW_TABLES);
	CHECK(snmp_tables_parse(p, h.len, &out, &n) == 0);
	CHECK(n == 2);
	for (size_t i = 0; out && i < n && i < 2; i++) {
		EXPECT(strcmp(out[i].name, in[i].name) == 0, "table %zu: %s", i, out[i].name);
		CHECK(out[i].entry_len == in[i].entry_len);
		CHECK(memcmp(out[i].entry, in[i].entry, in[i].entry_len * sizeof(oid)) == 0);
	}
	free(out);
	/* Cut short, empty, or a name without its NUL: refused. */
	CHECK(snmp_tables_parse(p, h.len - 1, &out, &n) < 0);
	CHECK(snmp_tables_parse(p, 0, &out, &n) < 0);
	{
		struct snmp_wire_table w;

		memcpy(&w, p, sizeof(w));
		memset(w.name, 'x', sizeof(w.name));
		CHECK(snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n) < 0);
		memcpy(&w, p, sizeof(w));
		w.entry_len = SNMP_OID_MAX;
		CHECK(snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n) < 0);
		/* Lengths where entry_len + 2 wraps in 32 bits (it passed the
		 * bound, and the copy ran off both arrays), and their neighbours:
		 * refused. The longest that leaves room for column and index
		 * still parses. */
		static const uint32_t bad[] = {SNMP_OID_MAX - 1, SNMP_OID_MAX + 1, 0x7FFFFFFF,
					       0x80000000, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF, 0, 1};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memcpy(&w, p, sizeof(w));
			w.entry_len = bad[i];
			EXPECT(snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n) < 0,
			       "entry_len %#x accepted", bad[i]);
		}
		memcpy(&w, p, sizeof(w));
		w.entry_len = SNMP_OID_MAX - 2;
		out = NULL;
		CHECK(snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n) == 0);
		CHECK(n == 1 && out && out[0].entry_len == SNMP_OID_MAX - 2);
		free(out);
	}
	free(f);
	CHECK(snmp_frame_tables(in, SNMP_TABLES_MAX + 1) == NULL);
}

static void test_snap(void)
{
	struct snmp_snap s = {0}, got;
	struct snmp_frame *f;
	struct snmp_frame_hdr h;
	const unsigned char *p;
	uint64_t head[2] = {7, 9};

	snmp_snap_add_int(&s, entry_a, OID_LENGTH(entry_a), ASN_INTEGER, 3);
	snmp_snap_add_str(&s, entry_b, OID_LENGTH(entry_b), ASN_OCTET_STR, "lb-a", 4);
	snmp_snap_add_c64(&s, entry_b, OID_LENGTH(entry_b), 1ULL << 40);
	f = snmp_frame_new(SNMPW_SNAP, head, sizeof(head), &s);
	CHECK(f != NULL);
	if (!f)
		return;
	p = payload(f, &h);
	CHECK(h.type == SNMPW_SNAP && h.len == f->len - sizeof(h));
	CHECK(snmp_frame_snap(p, h.len, sizeof(head), &got) == 0);
	CHECK(got.n == 3);
	if (got.n == 3) {
		CHECK(got.cells[0].v.l == 3);
		CHECK(got.cells[1].len == 4 &&
		      memcmp(got.bytes + got.cells[1].v.off, "lb-a", 4) == 0);
		CHECK(got.cells[2].v.u64 == 1ULL << 40);
	}
	snmp_snap_free(&got);
	/* One byte short: the string bytes do not add up. */
	CHECK(snmp_frame_snap(p, h.len - 1, sizeof(head), &got) < 0);
	free(f);
	snmp_snap_free(&s);
}

int main(void)
{
	test_tables();
	test_snap();
	return failures != 0;
}
