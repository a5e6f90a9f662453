/* libFuzzer target: dns_check's packets (healthcheck/hc_dns_pkt.h): the
 * query built from a fuzzed name, and the reply judged against it.
 *
 * Input: byte 0 flags (bits 0-2 the query type: A, NS, CNAME, SOA, MX,
 * TXT, AAAA, or byte 2 as a number; bit 3 the reply gets our query's ID,
 * so that it is judged and not ignored), byte 1 length N of the name,
 * byte 2 (the raw type), N bytes of name (presentation form, cut at a
 * NUL), then the reply.
 *
 * Properties: a built query has our ID, one question and fits
 * HC_DNS_MAX_QUERY; the verdict is one hc_dns_check_reply() may give, a
 * reply with another ID (or shorter than a header) is ignored and only
 * such a reply; a passing or NODATA reply is a NOERROR response with one
 * question, and stays so with bytes appended; a reply we make from the
 * query (QR set, one answer of the queried type, its name a pointer to the
 * question) passes, also with the question's letters in the other case,
 * and with the answer's type changed to one that does not answer it,
 * fails with HC_O_DNS_NO_ANSWER. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hc_dns_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t qtypes[] = {1, 2, 5, 6, 15, 16, 28};

static int judge(const uint8_t *q, size_t qlen, const uint8_t *reply, size_t len, int *detail)
{
	uint8_t *r = malloc(len ? len : 1); /* exact size: ASan sees any overread */
	int v;

	if (!r)
		abort();
	if (len)
		memcpy(r, reply, len);
	v = hc_dns_check_reply(q, qlen, r, len, detail);
	free(r);
	if (v != HC_O_OK && v != HC_O_DNS_RCODE && v != HC_O_DNS_NO_ANSWER &&
	    v != HC_O_DNS_BAD_REPLY && v != HC_DNS_IGNORE)
		abort();
	if (v == HC_O_DNS_RCODE ? *detail < 1 || *detail > 15 : *detail != 0)
		abort();
	return v;
}

/* A reply to Q made here: one answer of type TYPE naming the question. */
static void made_reply(const uint8_t *q, size_t qlen, uint16_t type, bool flip, int want)
{
	static const uint8_t rr_tail[] = {0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
	uint8_t r[HC_DNS_MAX_QUERY + 16];
	int detail;

	memcpy(r, q, qlen);
	r[2] = 0x81; /* QR, RD */
	r[3] = 0x80; /* RA, NOERROR */
	r[7] = 1;    /* ANCOUNT */
	if (flip)    /* length bytes are < 64: only letters change */
		for (size_t i = 12; i + 4 < qlen; i++)
			if ((r[i] | 0x20) >= 'a' && (r[i] | 0x20) <= 'z')
				r[i] ^= 0x20;
	r[qlen] = 0xc0;
	r[qlen + 1] = 12;
	r[qlen + 2] = (uint8_t)(type >> 8);
	r[qlen + 3] = (uint8_t)type;
	memcpy(r + qlen + 4, rr_tail, sizeof(rr_tail));
	if (judge(q, qlen, r, qlen + 16, &detail) != want)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t q[HC_DNS_MAX_QUERY];
	char name[256];
	uint16_t id = 0x4a7d, qtype;
	size_t nlen, len;
	const uint8_t *reply;
	uint8_t *more;
	int qlen, v, v2, detail;

	if (size < 3)
		return 0;
	qtype = (data[0] & 7) < 7 ? qtypes[data[0] & 7] : data[2];
	nlen = data[1];
	if (nlen > size - 3)
		nlen = size - 3;
	memcpy(name, data + 3, nlen);
	name[nlen] = 0;
	reply = data + 3 + nlen;
	len = size - 3 - nlen;

	qlen = hc_dns_build_query(q, sizeof(q), id, name, qtype);
	if (qlen < 0) {
		/* An unusable name: judge against a fixed query instead. */
		qlen = hc_dns_build_query(q, sizeof(q), id, "example.com", qtype);
		if (qlen < 0)
			abort();
	}
	if ((size_t)qlen > HC_DNS_MAX_QUERY || q[0] != id >> 8 || q[1] != (id & 0xff) ||
	    q[4] != 0 || q[5] != 1)
		abort();

	if ((data[0] & 8) && len >= 2) {
		more = malloc(len);
		if (!more)
			abort();
		memcpy(more, reply, len);
		more[0] = q[0];
		more[1] = q[1];
		v = judge(q, (size_t)qlen, more, len, &detail);
		free(more);
	} else {
		v = judge(q, (size_t)qlen, reply, len, &detail);
	}
	if ((v == HC_DNS_IGNORE) !=
	    (len < 12 || ((data[0] & 8) ? 0 : reply[0] != q[0] || reply[1] != q[1])))
		abort();
	if (v == HC_O_OK || v == HC_O_DNS_NO_ANSWER) {
		/* Bytes past what the records use change nothing. */
		more = malloc(len + 16);
		if (!more)
			abort();
		memcpy(more, reply, len);
		memset(more + len, 0xc0, 16);
		more[0] = q[0];
		more[1] = q[1];
		if (!(more[2] & 0x80) || (more[2] & 0x78) || (more[3] & 0x0f) || more[4] != 0 ||
		    more[5] != 1)
			abort();
		v2 = judge(q, (size_t)qlen, more, len + 16, &detail);
		free(more);
		if (v2 != v)
			abort();
	}

	made_reply(q, (size_t)qlen, qtype, false, HC_O_OK);
	made_reply(q, (size_t)qlen, qtype, true, HC_O_OK);
	made_reply(q, (size_t)qlen, 5, false, HC_O_OK); /* a CNAME answers */
	made_reply(q, (size_t)qlen, qtype == 99 ? 98 : 99, false, HC_O_DNS_NO_ANSWER);
	return 0;
}
