/* libFuzzer target: the frames between the daemon and its SNMP subagent
 * (daemon/snmp_wire.c), in both directions, through a real socketpair and
 * the real reader (snmp_inbuf_fill / snmp_inbuf_next).
 *
 * Input: byte 0 bit 0 the direction: 0 what the daemon reads from the
 * subagent (with the daemon's limits: frames of SNMP_AGENT_FRAME_MAX, the
 * smallest buffer that holds one, so the full-buffer path runs; SNMPW_LOG
 * payloads to snmp_log_parse), 1 what the subagent reads from the daemon
 * (no limits; SNMPW_TABLES to snmp_tables_parse, SNMPW_SNAP and
 * SNMPW_TRAP to snmp_frame_snap with their heads); bits 1-7 and byte 1
 * seed the sizes of the pieces the stream is written in. Then the stream.
 *
 * Properties: the reader takes exactly the frames a plain walk of the
 * stream finds, in order and with their bytes, and stops at the first
 * header announcing more than the limit (only with limits); the buffer
 * never holds more than its limit and a full buffer always has a frame to
 * take; a log line's text is terminated, fits, and has no control bytes;
 * an accepted snapshot's strings lie inside its bytes and it flattens
 * back to the very payload it came from; accepted table layouts have
 * names and room for column and index, and survive another trip. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "snmp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An exact-size copy: ASan then sees any read past the payload (in the
 * reader's buffer it would land on the next frame's bytes). */
static unsigned char *dup_exact(const unsigned char *p, size_t len)
{
	unsigned char *c = malloc(len ? len : 1);

	if (!c)
		abort();
	if (len)
		memcpy(c, p, len);
	return c;
}

static void check_log(const unsigned char *p, size_t len)
{
	char text[256];
	int prio = snmp_log_parse(p, len, text, sizeof(text));

	if (prio < 0) {
		if (len > 4)
			abort();
		return;
	}
	if (len <= 4 || prio < LOG_WARNING || prio > LOG_DEBUG)
		abort();
	size_t n = strnlen(text, sizeof(text));
	if (n >= sizeof(text) || n > len - 4)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			abort();
}

static void check_snap(uint32_t type, const unsigned char *payload, size_t len, size_t head)
{
	unsigned char *p = dup_exact(payload, len);
	struct snmp_snap s;
	struct snmp_frame *f;

	if (len < head || snmp_frame_snap(p, len, head, &s) < 0) {
		free(p);
		return;
	}
	for (size_t i = 0; i < s.n; i++) {
		const struct snmp_cell *c = &s.cells[i];

		if (c->name_len > SNMP_OID_MAX)
			abort();
		if ((c->type == ASN_OCTET_STR || c->type == ASN_IPADDRESS) &&
		    (size_t)c->v.off + c->len > s.n_bytes)
			abort();
	}
	/* Flattened again: byte for byte the payload it came from. */
	f = snmp_frame_new(type, p, head, &s);
	if (!f || f->len != sizeof(struct snmp_frame_hdr) + len ||
	    memcmp(f->data + sizeof(struct snmp_frame_hdr), p, len))
		abort();
	free(f);
	snmp_snap_free(&s);
	free(p);
}

static void check_tables(const unsigned char *payload, size_t len)
{
	unsigned char *p = dup_exact(payload, len);
	struct snmp_table *t, *t2;
	struct snmp_frame *f;
	struct snmp_frame_hdr h;
	size_t n, n2;

	if (snmp_tables_parse(p, len, &t, &n) < 0) {
		free(p);
		return;
	}
	if (n == 0 || n > SNMP_TABLES_MAX || n * sizeof(struct snmp_wire_table) != len)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!t[i].name[0] || strnlen(t[i].name, 32) >= 32 || t[i].entry_len < 2 ||
		    t[i].entry_len > SNMP_OID_MAX - 2)
			abort();
	f = snmp_frame_tables(t, n);
	if (!f)
		abort();
	memcpy(&h, f->data, sizeof(h));
	if (h.type != SNMPW_TABLES || snmp_tables_parse(f->data + sizeof(h), h.len, &t2, &n2) < 0 ||
	    n2 != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, t2[i].name) || t[i].entry_len != t2[i].entry_len ||
		    memcmp(t[i].entry, t2[i].entry, t[i].entry_len * sizeof(oid)))
			abort();
	free(t2);
	free(f);
	free(t);
	free(p);
}

static void take(bool daemon, const struct snmp_frame_hdr *h, const unsigned char *p)
{
	if (daemon) {
		if (h->type == SNMPW_LOG)
			check_log(p, h->len);
		return;
	}
	if (h->type == SNMPW_TABLES)
		check_tables(p, h->len);
	else if (h->type == SNMPW_SNAP)
		check_snap(h->type, p, h->len, 2 * sizeof(uint64_t));
	else if (h->type == SNMPW_TRAP)
		check_snap(h->type, p, h->len, sizeof(uint32_t) * (1 + SNMP_OID_MAX));
}

/* Where a plain walk of the stream finds the frame at *RO: 1 a whole
 * frame (header in *H), 0 the stream ends inside it, -1 oversized. */
static int walk(const uint8_t *st, size_t len, size_t ro, size_t frame_max,
		struct snmp_frame_hdr *h)
{
	if (len - ro < sizeof(*h))
		return 0;
	memcpy(h, st + ro, sizeof(*h));
	if (frame_max && h->len > frame_max)
		return -1;
	return len - ro - sizeof(*h) >= h->len ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snmp_inbuf b = {0};
	struct snmp_frame_hdr h, rh;
	const unsigned char *p;
	size_t off = 0, ro = 0, len;
	uint32_t lcg;
	bool daemon, stopped = false;
	int sv[2], r;

	if (size < 2)
		return 0;
	daemon = !(data[0] & 1);
	lcg = (uint32_t)data[0] << 8 | data[1];
	data += 2;
	len = size - 2;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	if (daemon)
		snmp_inbuf_limit(&b, SNMP_AGENT_FRAME_MAX, 0);
	while (!stopped) {
		size_t piece;
		ssize_t w = 0;

		lcg = lcg * 1103515245u + 12345u;
		piece = 1 + (lcg >> 16) % 3000;
		if (piece > len - off)
			piece = len - off;
		if (piece) {
			w = write(sv[1], data + off, piece);
			if (w < 0 && errno != EAGAIN)
				abort();
			off += w > 0 ? (size_t)w : 0;
		}
		if (snmp_inbuf_fill(&b, sv[0]) < 0)
			abort();
		if (b.buf_max && (b.cap > b.buf_max || b.n > b.buf_max))
			abort();
		while ((r = snmp_inbuf_next(&b, &h, &p)) == 1) {
			if (walk(data, len, ro, b.frame_max, &rh) != 1 || rh.type != h.type ||
			    rh.len != h.len || memcmp(data + ro + sizeof(h), p, h.len))
				abort();
			take(daemon, &h, p);
			ro += sizeof(h) + h.len;
			snmp_inbuf_pop(&b);
		}
		if (r < 0) {
			if (r != -EMSGSIZE || walk(data, len, ro, b.frame_max, &rh) != -1)
				abort();
			stopped = true;
		} else if (b.buf_max && b.n - b.off == b.buf_max) {
			abort(); /* full, and nothing to take: the reader is stuck */
		}
		/* Stop when every byte written has been read (taken or
		 * pending). */
		if (off == len && ro + (b.n - b.off) == len)
			break;
	}
	/* Everything read: what is left is a frame the stream ends inside. */
	if (!stopped && walk(data, len, ro, b.frame_max, &rh) != 0)
		abort();
	snmp_inbuf_free(&b);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
