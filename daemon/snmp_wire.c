/* Frames between the daemon and its subagent program (snmp_int.h), linked
 * into both: a snapshot or a notification travels as its cell array and
 * string bytes, which hold no pointers, so flattening is two copies; the
 * table layouts travel once, as the first frame. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "snmp_int.h"

struct snap_head {
	uint64_t n, n_bytes;
};

struct snmp_frame *snmp_frame_new(uint32_t type, const void *head, size_t head_len,
				  const struct snmp_snap *s)
{
	struct snap_head sh = {s ? s->n : 0, s ? s->n_bytes : 0};
	size_t cells = (size_t)sh.n * sizeof(struct snmp_cell);
	size_t len = head_len + (s ? sizeof(sh) + cells + sh.n_bytes : 0);
	struct snmp_frame_hdr h = {type, (uint32_t)len};
	struct snmp_frame *f;
	unsigned char *p;

	if (len > UINT32_MAX)
		return NULL;
	f = malloc(sizeof(*f) + sizeof(h) + len);
	if (!f)
		return NULL;
	f->next = NULL;
	f->len = sizeof(h) + len;
	f->is_trap = type == SNMPW_TRAP;
	p = f->data;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	if (head_len)
		memcpy(p, head, head_len);
	p += head_len;
	if (!s)
		return f;
	memcpy(p, &sh, sizeof(sh));
	p += sizeof(sh);
	if (cells)
		memcpy(p, s->cells, cells);
	if (sh.n_bytes)
		memcpy(p + cells, s->bytes, sh.n_bytes);
	return f;
}

static bool cells_valid(const struct snmp_snap *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct snmp_cell *c = &s->cells[i];

		if (c->name_len > SNMP_OID_MAX)
			return false;
		if ((c->type == ASN_OCTET_STR || c->type == ASN_IPADDRESS) &&
		    (size_t)c->v.off + c->len > s->n_bytes)
			return false;
	}
	return true;
}

int snmp_frame_snap(const unsigned char *payload, size_t len, size_t head_len, struct snmp_snap *s)
{
	struct snap_head sh;
	size_t cells;

	*s = (struct snmp_snap){0};
	if (len < head_len + sizeof(sh))
		return -EBADMSG;
	memcpy(&sh, payload + head_len, sizeof(sh));
	payload += head_len + sizeof(sh);
	len -= head_len + sizeof(sh);
	if (sh.n > len / sizeof(struct snmp_cell))
		return -EBADMSG;
	cells = (size_t)sh.n * sizeof(struct snmp_cell);
	if (sh.n_bytes != len - cells)
		return -EBADMSG;
	s->cells = malloc(cells ? cells : 1);
	s->bytes = malloc(sh.n_bytes ? sh.n_bytes : 1);
	if (!s->cells || !s->bytes) {
		snmp_snap_free(s);
		return -ENOMEM;
	}
	memcpy(s->cells, payload, cells);
	memcpy(s->bytes, payload + cells, sh.n_bytes);
	s->n = s->cap = sh.n;
	s->n_bytes = s->cap_bytes = sh.n_bytes;
	if (!cells_valid(s)) {
		snmp_snap_free(s);
		return -EBADMSG;
	}
	return 0;
}

struct snmp_frame *snmp_frame_tables(const struct snmp_table *t, size_t n)
{
	struct snmp_wire_table w[SNMP_TABLES_MAX] = {0};

	if (n > SNMP_TABLES_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		snprintf(w[i].name, sizeof(w[i].name), "%s", t[i].name);
		w[i].entry_len = (uint32_t)t[i].entry_len;
		for (size_t k = 0; k < t[i].entry_len && k < SNMP_OID_MAX; k++)
			w[i].entry[k] = (uint32_t)t[i].entry[k];
	}
	return snmp_frame_new(SNMPW_TABLES, w, n * sizeof(w[0]), NULL);
}

/* The tables, their entry OIDs and names in one block: they live as long
 * as the subagent (the library keeps pointers to them). */
struct tables_block {
	struct snmp_table t[SNMP_TABLES_MAX];
	oid entry[SNMP_TABLES_MAX][SNMP_OID_MAX];
	char name[SNMP_TABLES_MAX][32];
};

int snmp_tables_parse(const unsigned char *payload, size_t len, struct snmp_table **t, size_t *n)
{
	struct snmp_wire_table w;
	struct tables_block *b;
	size_t count = len / sizeof(w);

	if (len % sizeof(w) || count == 0 || count > SNMP_TABLES_MAX)
		return -EBADMSG;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		memcpy(&w, payload + i * sizeof(w), sizeof(w));
		/* An entry needs room for a column and an index after it. No
		 * arithmetic on the peer's number: entry_len + 2 wrapped. */
		if (w.entry_len < 2 || w.entry_len > SNMP_OID_MAX - 2 ||
		    !memchr(w.name, 0, sizeof(w.name)) || !w.name[0]) {
			free(b);
			return -EBADMSG;
		}
		for (size_t k = 0; k < w.entry_len; k++)
			b->entry[i][k] = w.entry[k];
		memcpy(b->name[i], w.name, sizeof(w.name));
		b->t[i] = (struct snmp_table){b->name[i], b->entry[i], w.entry_len, NULL, NULL};
	}
	*t = b->t; /* the first member: free(*t) frees the block */
	*n = count;
	return 0;
}

int snmp_log_parse(const unsigned char *payload, size_t len, char *text, size_t size)
{
	int32_t prio;
	size_t n = 0;

	if (len < sizeof(prio) + 1 || size == 0)
		return -EBADMSG;
	memcpy(&prio, payload, sizeof(prio));
	payload += sizeof(prio);
	len -= sizeof(prio);
	/* Up to the subagent's NUL; a line end or other control byte would
	 * forge or garble lines on stderr and in syslog. */
	for (; n < len && n + 1 < size && payload[n]; n++)
		text[n] = payload[n] < 0x20 || payload[n] == 0x7f ? '?' : (char)payload[n];
	text[n] = 0;
	return prio >= LOG_WARNING && prio <= LOG_DEBUG ? prio : LOG_WARNING;
}

void snmp_inbuf_limit(struct snmp_inbuf *b, size_t frame_max, size_t buf_max)
{
	size_t least = sizeof(struct snmp_frame_hdr) + frame_max;

	b->frame_max = frame_max;
	b->buf_max = frame_max && buf_max < least ? least : buf_max;
}

int snmp_inbuf_fill(struct snmp_inbuf *b, int fd)
{
	size_t limit = b->buf_max ? b->buf_max : SIZE_MAX;

	/* What the last frames left goes to the front once per fill, not
	 * once per frame: a buffer of many small frames costs linear time. */
	if (b->off) {
		memmove(b->p, b->p + b->off, b->n - b->off);
		b->n -= b->off;
		b->off = 0;
	}
	for (;;) {
		ssize_t r;

		if (b->cap - b->n < 65536 && b->cap < limit) {
			size_t cap = b->cap ? 2 * b->cap : 131072;
			unsigned char *np;

			if (cap > limit)
				cap = limit;
			np = realloc(b->p, cap);
			if (!np)
				return -ENOMEM;
			b->p = np;
			b->cap = cap;
		}
		if (b->n == b->cap)
			return 0; /* full: the frames in it are taken first */
		r = read(fd, b->p + b->n, b->cap - b->n);
		if (r > 0) {
			b->n += (size_t)r;
			continue;
		}
		if (r == 0)
			return -ECONNRESET; /* EOF: the other end closed */
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -errno;
	}
}

int snmp_inbuf_next(const struct snmp_inbuf *b, struct snmp_frame_hdr *h,
		    const unsigned char **payload)
{
	size_t have = b->n - b->off;

	if (have < sizeof(*h))
		return 0;
	memcpy(h, b->p + b->off, sizeof(*h));
	if (b->frame_max && h->len > b->frame_max)
		return -EMSGSIZE;
	if (have - sizeof(*h) < h->len)
		return 0;
	*payload = b->p + b->off + sizeof(*h);
	return 1;
}

bool snmp_inbuf_frame(const struct snmp_inbuf *b, struct snmp_frame_hdr *h,
		      const unsigned char **payload)
{
	return snmp_inbuf_next(b, h, payload) == 1;
}

void snmp_inbuf_pop(struct snmp_inbuf *b)
{
	struct snmp_frame_hdr h;

	memcpy(&h, b->p + b->off, sizeof(h));
	b->off += sizeof(h) + h.len;
	if (b->off < b->n)
		return;
	b->off = b->n = 0;
	/* A big snapshot went through: do not keep its buffer. */
	if (b->cap > (1u << 20))
		snmp_inbuf_free(b);
}

void snmp_inbuf_free(struct snmp_inbuf *b)
{
	free(b->p);
	*b = (struct snmp_inbuf){.frame_max = b->frame_max, .buf_max = b->buf_max};
}
