/* ping_check's packets (healthcheck/hc_ping_pkt.c): the request, and which
 * received datagrams count as its reply, which as forged or foreign. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "healthcheck/hc_ping_pkt.h"

static int fails;
#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #c);               \
			fails++;                                                                   \
		}                                                                                  \
	} while (0)

static const uint8_t tok[HC_PING_TOKEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* The reply a real host sends: the request with type 0 (129 for v6). */
static size_t reply_of(uint8_t *out, bool v6, uint16_t id, uint16_t seq)
{
	size_t n = hc_ping_build(out, v6, id, seq, tok);
	out[0] = v6 ? 129 : 0;
	return n;
}

int main(void)
{
	uint8_t b[64], ip[84];
	size_t n;

	/* the request: echo, ident, seq, token; IPv4 checksum sums to 0xffff */
	n = hc_ping_build(b, false, 0x1234, 0xabcd, tok);
	CHECK(n == HC_PING_LEN && b[0] == 8 && b[4] == 0x12 && b[5] == 0x34 && b[6] == 0xab);
	CHECK(!memcmp(b + 8, tok, HC_PING_TOKEN));
	unsigned long sum = 0;
	for (size_t i = 0; i < n; i += 2)
		sum += (unsigned long)(b[i] << 8 | b[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	CHECK(sum == 0xffff);
	n = hc_ping_build(b, true, 1, 2, tok);
	CHECK(b[0] == 128 && b[2] == 0 && b[3] == 0); /* ICMPv6: the kernel's checksum */

	/* ours: v4 and v6, with the kernel's ident (-1) or our own */
	for (int v6 = 0; v6 < 2; v6++) {
		n = reply_of(b, v6, 7, 9);
		CHECK(hc_ping_match(b, n, v6, false, 7, 9, tok) == HC_PING_OURS);
		CHECK(hc_ping_match(b, n, v6, false, -1, 9, tok) == HC_PING_OURS);
		/* another pinger's ident, an old sequence: foreign */
		CHECK(hc_ping_match(b, n, v6, false, 8, 9, tok) == HC_PING_FOREIGN);
		CHECK(hc_ping_match(b, n, v6, false, -1, 10, tok) == HC_PING_FOREIGN);
		/* our numbers but not our token, or cut short, or longer: forged */
		b[20] ^= 1;
		CHECK(hc_ping_match(b, n, v6, false, 7, 9, tok) == HC_PING_FORGED);
		b[20] ^= 1;
		CHECK(hc_ping_match(b, n - 1, v6, false, 7, 9, tok) == HC_PING_FORGED);
		CHECK(hc_ping_match(b, n + 1, v6, false, 7, 9, tok) == HC_PING_FORGED);
		/* the request itself (a local target echoes to us), another type,
		 * a non-zero code, a runt: foreign */
		b[0] = v6 ? 128 : 8;
		CHECK(hc_ping_match(b, n, v6, false, 7, 9, tok) == HC_PING_FOREIGN);
		b[0] = 3;
		CHECK(hc_ping_match(b, n, v6, false, 7, 9, tok) == HC_PING_FOREIGN);
		n = reply_of(b, v6, 7, 9);
		b[1] = 1;
		CHECK(hc_ping_match(b, n, v6, false, 7, 9, tok) == HC_PING_FOREIGN);
		CHECK(hc_ping_match(b, 7, v6, false, 7, 9, tok) == HC_PING_FOREIGN);
		CHECK(hc_ping_match(b, 0, v6, false, -1, 9, tok) == HC_PING_FOREIGN);
		/* the other family's reply type */
		n = reply_of(b, !v6, 7, 9);
		CHECK(hc_ping_match(b, n, v6, false, 7, 9, tok) == HC_PING_FOREIGN);
	}

	/* an IPv4 raw socket's datagram: the IP header (with options) first */
	memset(ip, 0, sizeof(ip));
	for (int ihl = 5; ihl <= 6; ihl++) {
		ip[0] = (uint8_t)(0x40 | ihl);
		n = reply_of(ip + ihl * 4, false, 7, 9);
		CHECK(hc_ping_match(ip, n + ihl * 4, false, true, 7, 9, tok) == HC_PING_OURS);
	}
	ip[0] = 0x4f; /* IHL past the end */
	CHECK(hc_ping_match(ip, 40, false, true, 7, 9, tok) == HC_PING_FOREIGN);
	ip[0] = 0x44; /* IHL below 5 */
	CHECK(hc_ping_match(ip, 48, false, true, 7, 9, tok) == HC_PING_FOREIGN);
	ip[0] = 0x65; /* not IPv4 */
	CHECK(hc_ping_match(ip, 48, false, true, 7, 9, tok) == HC_PING_FOREIGN);
	CHECK(hc_ping_match(ip, 19, false, true, 7, 9, tok) == HC_PING_FOREIGN);

	if (fails)
		fprintf(stderr, "%d failures\n", fails);
	return fails ? 1 : 0;
}
