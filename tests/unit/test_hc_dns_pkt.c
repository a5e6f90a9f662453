/* Table-driven tests of the pure DNS query/reply code of dns_check
 * (healthcheck/hc_dns_pkt.c), hostile replies included. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck/hc_dns_pkt.h"
#include "unit.h"

static void test_types(void)
{
	EXPECT(hc_dns_type("A") == 1 && hc_dns_type("SOA") == 6 && hc_dns_type("AAAA") == 28,
	       "types");
	EXPECT(hc_dns_type("mx") == 15 && hc_dns_type("TXT") == 16 && hc_dns_type("NS") == 2 &&
		   hc_dns_type("CNAME") == 5,
	       "more types");
	EXPECT(hc_dns_type("ANY") == 0 && hc_dns_type("") == 0 && hc_dns_type(NULL) == 0,
	       "unknown");
}

static void test_build(void)
{
	static const uint8_t golden[] = {0x12, 0x34, 0x01, 0x00, 0,   1,   0,	0,   0,	  0,
					 0,    0,    7,	   'e',	 'x', 'a', 'm', 'p', 'l', 'e',
					 3,    'c',  'o',  'm',	 0,   0,   1,	0,   1};
	static const uint8_t root[] = {0xab, 0xcd, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1};
	uint8_t b[HC_DNS_MAX_QUERY];
	char name[400];
	int n;

	n = hc_dns_build_query(b, sizeof(b), 0x1234, "example.com", 1);
	EXPECT(n == sizeof(golden) && !memcmp(b, golden, sizeof(golden)), "example.com A: %d", n);
	n = hc_dns_build_query(b, sizeof(b), 0x1234, "example.com.", 1);
	EXPECT(n == sizeof(golden) && !memcmp(b, golden, sizeof(golden)), "trailing dot");
	n = hc_dns_build_query(b, sizeof(b), 0xabcd, ".", 6);
	EXPECT(n == sizeof(root) && !memcmp(b, root, sizeof(root)), "root SOA");
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, "a..b", 1) == -EINVAL, "empty label");
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, ".a", 1) == -EINVAL, "leading dot");
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, "a\\.b", 1) == -EINVAL, "escapes refused");
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, NULL, 1) == -EINVAL, "NULL");
	memset(name, 'x', 63);
	name[63] = 0;
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, name, 1) == 12 + 65 + 4, "63-byte label");
	name[63] = 'x', name[64] = 0;
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, name, 1) == -EINVAL, "64-byte label");
	/* 4 x (63 + 1) = 256 > 255 wire bytes with the root label. */
	for (int i = 0; i < 4; i++) {
		memset(name + i * 64, 'y', 63);
		name[i * 64 + 63] = '.';
	}
	name[4 * 64 - 1] = 0;
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, name, 1) == -EINVAL, "name too long");
	name[3 * 64 + 62] = 0; /* 3 x 64 + 62 + 1 + 1 = 256: still too long */
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, name, 1) == -EINVAL, "name of 256");
	name[3 * 64 + 61] = 0; /* 255: the maximum */
	EXPECT(hc_dns_build_query(b, sizeof(b), 1, name, 1) == 12 + 255 + 4, "name of 255");
	EXPECT(hc_dns_build_query(b, 20, 1, "example.com", 1) == -ENOSPC, "short buffer");
	EXPECT(hc_dns_build_query(b, 12 + 13 + 3, 1, "example.com", 1) == -ENOSPC,
	       "room for the name but not its type and class");
}

/* A reply to QUERY: header flags, then ANSWERS (raw bytes of records). */
static size_t reply(uint8_t *out, const uint8_t *q, size_t qlen, uint8_t f1, uint8_t f2,
		    unsigned ancount, const uint8_t *answers, size_t alen)
{
	memcpy(out, q, qlen);
	out[2] = f1;
	out[3] = f2;
	out[6] = (uint8_t)(ancount >> 8);
	out[7] = (uint8_t)ancount;
	if (alen) /* answers may be NULL when there are none */
		memcpy(out + qlen, answers, alen);
	return qlen + alen;
}

#define QR 0x81 /* QR + RD */
#define RA 0x80

static const uint8_t ans_a[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
static const uint8_t ans_cname[] = {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 2, 'w', 'w', 0xc0, 12};
static const uint8_t ans_ns[] = {0xc0, 12, 0, 2, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12};
static const uint8_t ans_self_ptr[] = {0xc0, 29, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
static const uint8_t ans_fwd_ptr[] = {0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
static const uint8_t ans_ext_label[] = {0x41, 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
static const uint8_t ans_long_rdlen[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 9, 10, 0, 0, 1};
static const uint8_t ans_plain_name[] = {7,   'E', 'x', 'A', 'm', 'P', 'l', 'E', 3,
					 'c', 'o', 'm', 0,   0,	  1,   0,   1,	 0,
					 0,   0,   60,	0,   4,	  10,  0,   0,	 1};

static void test_replies(void)
{
	uint8_t q[HC_DNS_MAX_QUERY], r[1024];
	int qlen = hc_dns_build_query(q, sizeof(q), 0x1234, "example.com", 1);
	int detail;
	size_t n;

	if (qlen != 29) {
		failures++;
		return;
	}
#define CHECK_REPLY(len, want, wdetail, what)                                                      \
	do {                                                                                       \
		int o = hc_dns_check_reply(q, (size_t)qlen, r, (len), &detail);                    \
		EXPECT(o == (want) && detail == (wdetail), "%s: outcome %d detail %d", what, o,    \
		       detail);                                                                    \
	} while (0)

	n = reply(r, q, 29, QR, RA, 1, ans_a, sizeof(ans_a));
	CHECK_REPLY(n, HC_O_OK, 0, "A answer, compressed owner");
	CHECK_REPLY(n - 1, HC_O_DNS_BAD_REPLY, 0, "A answer cut short");
	n = reply(r, q, 29, QR, RA, 1, ans_plain_name, sizeof(ans_plain_name));
	CHECK_REPLY(n, HC_O_OK, 0, "uncompressed owner in another case");
	n = reply(r, q, 29, QR, RA, 1, ans_cname, sizeof(ans_cname));
	CHECK_REPLY(n, HC_O_OK, 0, "CNAME only");
	n = reply(r, q, 29, QR, RA, 1, ans_ns, sizeof(ans_ns));
	CHECK_REPLY(n, HC_O_DNS_NO_ANSWER, 0, "answer of another type");
	n = reply(r, q, 29, QR, RA, 0, NULL, 0);
	CHECK_REPLY(n, HC_O_DNS_NO_ANSWER, 0, "NODATA");
	n = reply(r, q, 29, QR | 0x02, RA, 1, ans_a, sizeof(ans_a));
	CHECK_REPLY(n, HC_O_OK, 0, "TC set");
	n = reply(r, q, 29, QR, RA | 3, 0, NULL, 0);
	CHECK_REPLY(n, HC_O_DNS_RCODE, 3, "NXDOMAIN");
	n = reply(r, q, 29, QR, RA | 2, 0, NULL, 0);
	CHECK_REPLY(n, HC_O_DNS_RCODE, 2, "SERVFAIL");
	n = reply(r, q, 29, QR, 5, 0, NULL, 0);
	CHECK_REPLY(n, HC_O_DNS_RCODE, 5, "REFUSED");
	n = reply(r, q, 29, QR, RA | 5, 0, NULL, 0);
	CHECK_REPLY(12, HC_O_DNS_RCODE, 5, "REFUSED without the question");
	n = reply(r, q, 29, 0x01, RA, 1, ans_a, sizeof(ans_a));
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "QR clear (our own query reflected)");
	n = reply(r, q, 29, QR | 0x10, RA, 1, ans_a, sizeof(ans_a));
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "opcode 2");
	n = reply(r, q, 29, QR, RA, 1, ans_a, sizeof(ans_a));
	r[1] ^= 1;
	CHECK_REPLY(n, HC_DNS_IGNORE, 0, "another ID");
	r[1] ^= 1;
	CHECK_REPLY(11, HC_DNS_IGNORE, 0, "shorter than a header");
	CHECK_REPLY(12, HC_O_DNS_BAD_REPLY, 0, "header only, NOERROR");
	r[5] = 0;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "QDCOUNT 0");
	r[5] = 2;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "QDCOUNT 2");
	r[5] = 1;
	r[13] = 'X';
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "another name");
	r[13] = 'E';
	CHECK_REPLY(n, HC_O_OK, 0, "the name in upper case");
	r[26] = 28;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "another type");
	r[26] = 1;
	r[28] = 3;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "class CH");
	r[28] = 1;
	r[7] = 2;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "ANCOUNT beyond the packet");
	r[7] = 0xff, r[6] = 0xff;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "ANCOUNT 65535");
	n = reply(r, q, 29, QR, RA, 1, ans_self_ptr, sizeof(ans_self_ptr));
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "pointer to itself");
	n = reply(r, q, 29, QR, RA, 1, ans_fwd_ptr, sizeof(ans_fwd_ptr));
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "forward pointer");
	n = reply(r, q, 29, QR, RA, 1, ans_ext_label, sizeof(ans_ext_label));
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "extended label type");
	n = reply(r, q, 29, QR, RA, 1, ans_long_rdlen, sizeof(ans_long_rdlen));
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "RDLENGTH beyond the packet");
	/* A question whose name is a pointer into the header. */
	n = reply(r, q, 29, QR, RA, 1, ans_a, sizeof(ans_a));
	r[12] = 0xc0, r[13] = 4;
	CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "question name pointing into the header");
	/* Answer names made of labels chained by pointers, each one label
	 * back, kept in the RDATA of a first (TXT) record: 16 labels are fine,
	 * 130 (over 255 bytes expanded) are not. */
	static const int chain[] = {16, 130};
	for (int c = 0; c < 2; c++) {
		static const uint8_t txt[] = {0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60};
		static const uint8_t tail[] = {0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
		size_t prev = 12, rdlen = (size_t)chain[c] * 4;
		uint8_t *p;

		n = reply(r, q, 29, QR, RA, 2, txt, sizeof(txt));
		r[n++] = (uint8_t)(rdlen >> 8);
		r[n++] = (uint8_t)rdlen;
		p = r + n;
		for (int i = 0; i < chain[c]; i++, p += 4) {
			p[0] = 1, p[1] = 'a', p[2] = (uint8_t)(0xc0 | prev >> 8);
			p[3] = (uint8_t)prev;
			prev = (size_t)(p - r);
		}
		p[0] = (uint8_t)(0xc0 | prev >> 8), p[1] = (uint8_t)prev;
		memcpy(p + 2, tail, sizeof(tail));
		n = (size_t)(p - r) + 2 + sizeof(tail);
		if (c == 0)
			CHECK_REPLY(n, HC_O_OK, 0, "answer name through a chain of 16 pointers");
		else
			CHECK_REPLY(n, HC_O_DNS_BAD_REPLY, 0, "expanded name over 255 bytes");
	}
#undef CHECK
}

/* Mutations and truncations of a good reply: never a crash or a read out
 * of bounds (run under valgrind or ASan to see the latter). */
static void test_mutations(void)
{
	uint8_t q[HC_DNS_MAX_QUERY], good[128], r[128];
	int qlen = hc_dns_build_query(q, sizeof(q), 0x1234, "example.com", 1), detail;
	size_t n = reply(good, q, (size_t)qlen, QR, RA, 1, ans_cname, sizeof(ans_cname));
	unsigned seed = 1, ok = 0;

	for (int i = 0; i < 200000; i++) {
		memcpy(r, good, n);
		int flips = 1 + rand_r(&seed) % 4;
		for (int k = 0; k < flips; k++)
			r[2 + rand_r(&seed) % (n - 2)] = (uint8_t)rand_r(&seed);
		size_t len = (size_t)rand_r(&seed) % (n + 1);
		uint8_t *copy = malloc(len ? len : 1); /* exact size: overruns are visible */
		memcpy(copy, r, len);
		int o = hc_dns_check_reply(q, (size_t)qlen, copy, len, &detail);
		EXPECT(o == HC_O_OK || o == HC_O_DNS_RCODE || o == HC_O_DNS_NO_ANSWER ||
			   o == HC_O_DNS_BAD_REPLY || o == HC_DNS_IGNORE,
		       "mutation %d: %d", i, o);
		ok += o == HC_O_OK;
		free(copy);
	}
	EXPECT(ok > 0, "some mutations still pass");
}

int main(void)
{
	test_types();
	test_build();
	test_replies();
	test_mutations();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	puts("test_hc_dns_pkt: all passed");
	return 0;
}
