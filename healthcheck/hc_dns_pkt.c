/* PURE DNS query building and reply judging for dns_check; the rules are
 * in hc_dns_pkt.h. */
#include "config.h"

#include "hc_dns_pkt.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define DNS_HDR	       12
#define DNS_NAME_MAX   255
#define DNS_CLASS_IN   1
#define DNS_TYPE_CNAME 5

static const struct {
	const char *name;
	uint16_t type;
} types[] = {{"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"MX", 15}, {"TXT", 16}, {"AAAA", 28}};

uint16_t hc_dns_type(const char *name)
{
	for (size_t i = 0; name && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(name, types[i].name))
			return types[i].type;
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Presentation NAME -> wire labels in OUT; returns the length, -EINVAL
 * for a name DNS cannot carry, -ENOSPC when CAP is too small. */
static int encode_name(const char *name, uint8_t *out, size_t cap)
{
	size_t o = 0, nlen = strlen(name);

	if (strchr(name, '\\'))
		return -EINVAL;
	if (nlen && name[nlen - 1] == '.')
		nlen--; /* "." and "a.b." are absolute: same as without it */
	for (size_t i = 0; i < nlen;) {
		size_t l = 0;
		while (i + l < nlen && name[i + l] != '.')
			l++;
		if (l == 0 || l > 63 || o + 1 + l + 1 > DNS_NAME_MAX)
			return -EINVAL;
		if (o + 1 + l + 1 > cap)
			return -ENOSPC;
		out[o++] = (uint8_t)l;
		memcpy(out + o, name + i, l);
		o += l;
		i += l + 1;
	}
	if (o + 1 > cap)
		return -ENOSPC;
	out[o++] = 0;
	return (int)o;
}

int hc_dns_build_query(uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t qtype)
{
	int n;

	if (!name)
		return -EINVAL;
	if (len < DNS_HDR + 1 + 4)
		return -ENOSPC;
	memset(buf, 0, DNS_HDR);
	put16(buf, id);
	buf[2] = 0x01; /* RD */
	put16(buf + 4, 1);
	n = encode_name(name, buf + DNS_HDR, len - DNS_HDR - 4);
	if (n < 0)
		return n;
	put16(buf + DNS_HDR + n, qtype);
	put16(buf + DNS_HDR + n + 2, DNS_CLASS_IN);
	return DNS_HDR + n + 4;
}

/* Expand the (possibly compressed) name at *OFF into lowercase wire labels
 * in OUT (>= DNS_NAME_MAX bytes); *OFF moves past it. Pointers must go
 * strictly backwards (no loops) and everything must lie inside PKT. */
static int read_name(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out)
{
	size_t p = *off, o = 0, end = 0;
	bool jumped = false;

	for (;;) {
		if (p >= len)
			return -EBADMSG;
		uint8_t l = pkt[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return -EBADMSG;
			size_t to = (size_t)(l & 0x3f) << 8 | pkt[p + 1];
			if (!jumped)
				end = p + 2;
			if (to >= p)
				return -EBADMSG; /* forward or self: a loop is possible */
			jumped = true;
			p = to;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG; /* extended label types */
		if (p + 1 + l > len || o + 1 + l > DNS_NAME_MAX)
			return -EBADMSG;
		out[o++] = l;
		for (size_t i = 0; i < l; i++) {
			uint8_t ch = pkt[p + 1 + i];
			out[o++] = ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
		}
		p += 1 + (size_t)l;
		if (l == 0)
			break;
	}
	*off = jumped ? end : p;
	return (int)o;
}

/* The question of our own query, lowercased. */
static int query_question(const uint8_t *q, size_t qlen, uint8_t *name, uint16_t *qtype)
{
	size_t off = DNS_HDR;
	int n;

	if (qlen < DNS_HDR || (n = read_name(q, qlen, &off, name)) < 0 || off + 4 > qlen)
		return -EBADMSG;
	*qtype = get16(q + off);
	return n;
}

/* Walk ANCOUNT records from *OFF; count those of type QTYPE or CNAME. */
static int count_answers(const uint8_t *pkt, size_t len, size_t off, unsigned ancount,
			 uint16_t qtype, unsigned *hits)
{
	uint8_t name[DNS_NAME_MAX];

	*hits = 0;
	for (unsigned i = 0; i < ancount; i++) {
		if (read_name(pkt, len, &off, name) < 0 || off + 10 > len)
			return -EBADMSG;
		uint16_t type = get16(pkt + off), rdlen = get16(pkt + off + 8);
		off += 10;
		if (off + rdlen > len)
			return -EBADMSG;
		if (type == qtype || type == DNS_TYPE_CNAME)
			(*hits)++;
		off += rdlen;
	}
	return 0;
}

int hc_dns_check_reply(const uint8_t *q, size_t qlen, const uint8_t *pkt, size_t len, int *detail)
{
	uint8_t want[DNS_NAME_MAX], got[DNS_NAME_MAX];
	uint16_t qtype;
	size_t off = DNS_HDR;
	unsigned hits;
	int wn, gn;

	*detail = 0;
	if (len < DNS_HDR || qlen < DNS_HDR || get16(pkt) != get16(q))
		return HC_DNS_IGNORE;
	if (!(pkt[2] & 0x80) || (pkt[2] & 0x78))
		return HC_O_DNS_BAD_REPLY; /* not a response, or not to a QUERY */
	if (pkt[3] & 0x0f) {
		*detail = pkt[3] & 0x0f;
		return HC_O_DNS_RCODE;
	}
	if ((wn = query_question(q, qlen, want, &qtype)) < 0)
		return HC_O_DNS_BAD_REPLY;
	if (get16(pkt + 4) != 1 || (gn = read_name(pkt, len, &off, got)) < 0 || off + 4 > len ||
	    gn != wn || memcmp(want, got, (size_t)wn) || get16(pkt + off) != qtype ||
	    get16(pkt + off + 2) != DNS_CLASS_IN)
		return HC_O_DNS_BAD_REPLY;
	off += 4;
	if (count_answers(pkt, len, off, get16(pkt + 6), qtype, &hits) < 0)
		return HC_O_DNS_BAD_REPLY;
	return hits ? HC_O_OK : HC_O_DNS_NO_ANSWER;
}
