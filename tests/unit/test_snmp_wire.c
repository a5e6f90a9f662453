/* The frames between the daemon and hadirector-snmp (daemon/snmp_wire.c),
 * since they now cross an exec: the table layouts and a snapshot survive
 * the trip, and payloads that do not parse are refused, not trusted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
	/* Cut short, empty, or a name without its NUL: refused, as a
	 * malformed message (negative errno, not -1). */
	CHECK(snmp_tables_parse(p, h.len - 1, &out, &n) == -EBADMSG);
	CHECK(snmp_tables_parse(p, 0, &out, &n) == -EBADMSG);
	{
		struct snmp_wire_table w;

		memcpy(&w, p, sizeof(w));
		memset(w.name, 'x', sizeof(w.name));
		CHECK(snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n) ==
		      -EBADMSG);
		memcpy(&w, p, sizeof(w));
		w.entry_len = SNMP_OID_MAX;
		CHECK(snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n) ==
		      -EBADMSG);
		/* Lengths where entry_len + 2 wraps in 32 bits (it passed the
		 * bound, and the copy ran off both arrays), and their neighbours:
		 * refused. The longest that leaves room for column and index
		 * still parses. */
		static const uint32_t bad[] = {0xFFFFFFFF,	 0xFFFFFFFE, 0xFFFFFFFD,
					       0x80000000,	 0x7FFFFFFF, SNMP_OID_MAX + 1,
					       SNMP_OID_MAX - 1, 0,	     1};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int r;

			memcpy(&w, p, sizeof(w));
			w.entry_len = bad[i];
			r = snmp_tables_parse((const unsigned char *)&w, sizeof(w), &out, &n);
			EXPECT(r == -EBADMSG, "entry_len %#x: %d", bad[i], r);
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
	CHECK(snmp_frame_snap(p, h.len - 1, sizeof(head), &got) == -EBADMSG);
	free(f);
	snmp_snap_free(&s);
}

/* The daemon's reading of a log line the subagent sent. */
static void test_log(void)
{
	unsigned char p[600];
	char text[256];
	int32_t prio = LOG_INFO;

	memcpy(p, &prio, 4);
	memcpy(p + 4, "agentx: up\n[fake] forged line\0junk", 35);
	CHECK(snmp_log_parse(p, 39, text, sizeof(text)) == LOG_INFO);
	EXPECT(strcmp(text, "agentx: up?[fake] forged line") == 0, "%s", text);
	/* No NUL, longer than the text buffer: cut, terminated. */
	memset(p + 4, 'a', sizeof(p) - 4);
	CHECK(snmp_log_parse(p, sizeof(p), text, sizeof(text)) == LOG_INFO);
	CHECK(strlen(text) == sizeof(text) - 1);
	/* More urgent than a warning, or nonsense: a warning. */
	prio = LOG_EMERG;
	memcpy(p, &prio, 4);
	CHECK(snmp_log_parse(p, 10, text, sizeof(text)) == LOG_WARNING);
	prio = -5;
	memcpy(p, &prio, 4);
	CHECK(snmp_log_parse(p, 10, text, sizeof(text)) == LOG_WARNING);
	CHECK(snmp_log_parse(p, 4, text, sizeof(text)) == -EBADMSG);
}

/* Writes what fits of BUF[*off..len) to non-blocking FD. */
static void push(int fd, const unsigned char *buf, size_t len, size_t *off)
{
	while (*off < len) {
		ssize_t r = write(fd, buf + *off, len - *off);

		if (r <= 0)
			return;
		*off += (size_t)r;
	}
}

/* The daemon's reader of what the subagent sends: 1 MB of small valid
 * frames (a flood) all arrive, in order, through a buffer that never
 * holds more than its limit; a frame announcing more than the frame limit
 * (up to the 32-bit wrap) is refused at its header, before any of its
 * payload is awaited or buffered. */
static void test_inbuf_limits(void)
{
	enum { FRAMES = 1 << 16 }; /* 16 bytes each */
	unsigned char *stream = malloc((size_t)FRAMES * 16);
	struct snmp_inbuf b = {0};
	struct snmp_frame_hdr h;
	const unsigned char *p;
	size_t off = 0, peak = 0;
	uint32_t want = 0;
	int sv[2], r = 0;

	CHECK(stream && socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	if (!stream)
		return;
	for (uint32_t i = 0; i < FRAMES; i++) {
		struct snmp_frame_hdr fh = {SNMPW_LOG, 8};
		uint32_t prio = 6;

		memcpy(stream + i * 16, &fh, 8);
		memcpy(stream + i * 16 + 8, &prio, 4);
		memcpy(stream + i * 16 + 12, &i, 4);
	}
	snmp_inbuf_limit(&b, SNMP_AGENT_FRAME_MAX, SNMP_AGENT_BUF_MAX);
	while (want < FRAMES) {
		push(sv[1], stream, (size_t)FRAMES * 16, &off);
		if (snmp_inbuf_fill(&b, sv[0]) < 0)
			break;
		peak = b.cap > peak ? b.cap : peak;
		while ((r = snmp_inbuf_next(&b, &h, &p)) == 1) {
			uint32_t seq;

			memcpy(&seq, p + 4, 4);
			if (h.len != 8 || seq != want)
				break;
			want++;
			snmp_inbuf_pop(&b);
		}
		if (r != 0)
			break;
	}
	EXPECT(want == FRAMES, "%u of %u frames", want, (unsigned)FRAMES);
	EXPECT(peak <= SNMP_AGENT_BUF_MAX, "buffer grew to %zu", peak);
	free(stream);

	/* Oversized announcements: refused at the header, whatever follows
	 * (here nothing: no payload is awaited). At the limit: awaited. */
	static const uint32_t lens[] = {SNMP_AGENT_FRAME_MAX + 1, 0x7FFFFFFF, 0xFFFFFFF8,
					0xFFFFFFFF};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct snmp_frame_hdr fh = {SNMPW_LOG, lens[i]};

		CHECK(write(sv[1], &fh, sizeof(fh)) == (ssize_t)sizeof(fh));
		CHECK(snmp_inbuf_fill(&b, sv[0]) == 0);
		r = snmp_inbuf_next(&b, &h, &p);
		EXPECT(r == -EMSGSIZE, "length %#x: %d", lens[i], r);
		snmp_inbuf_free(&b);			    /* the daemon drops the link */
		CHECK(b.frame_max == SNMP_AGENT_FRAME_MAX); /* kept for the next one */
	}
	{
		struct snmp_frame_hdr fh = {SNMPW_LOG, SNMP_AGENT_FRAME_MAX};
		unsigned char body[SNMP_AGENT_FRAME_MAX] = {0};

		CHECK(write(sv[1], &fh, sizeof(fh)) == (ssize_t)sizeof(fh));
		CHECK(snmp_inbuf_fill(&b, sv[0]) == 0 && snmp_inbuf_next(&b, &h, &p) == 0);
		CHECK(write(sv[1], body, sizeof(body)) == (ssize_t)sizeof(body));
		CHECK(snmp_inbuf_fill(&b, sv[0]) == 0 && snmp_inbuf_next(&b, &h, &p) == 1);
		snmp_inbuf_free(&b);
	}
	/* Without limits (the subagent's side) a huge announcement waits for
	 * its bytes and reads nothing past the buffer. */
	{
		struct snmp_inbuf u = {0};
		struct snmp_frame_hdr fh = {SNMPW_SNAP, 0xFFFFFFFF};

		CHECK(write(sv[1], &fh, sizeof(fh)) == (ssize_t)sizeof(fh));
		CHECK(snmp_inbuf_fill(&u, sv[0]) == 0 && snmp_inbuf_next(&u, &h, &p) == 0);
		snmp_inbuf_free(&u);
	}
	/* The other end gone: EOF is -ECONNRESET; a read error its -errno
	 * (both were -1, the caller left to guess from errno). */
	close(sv[1]);
	r = snmp_inbuf_fill(&b, sv[0]);
	EXPECT(r == -ECONNRESET, "EOF: %d", r);
	close(sv[0]);
	r = snmp_inbuf_fill(&b, sv[0]);
	EXPECT(r == -EBADF, "closed descriptor: %d", r);
	snmp_inbuf_free(&b);
}

int main(void)
{
	test_tables();
	test_snap();
	test_inbuf_limits();
	test_log();
	return failures != 0;
}
