/* PURE: the GET request of an http_check / https_check (see
 * hc_http_parse.h, hc_http_request), apart from the response parser. */
#include "config.h"

#include "hc_http_parse.h"

#include <errno.h>
#include <string.h>

/* Request building: plain appends, counted past the end so one pass with
 * CAP 0 gives the size. */
struct rq {
	char *buf;
	size_t cap, len;
};

static void put(struct rq *q, const char *s, size_t n)
{
	if (q->len + n <= q->cap)
		memcpy(q->buf + q->len, s, n);
	q->len += n;
}

static void puts_(struct rq *q, const char *s)
{
	put(q, s, strlen(s));
}

static bool safe_token(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Decimal V ending at END; returns where it starts. */
static char *utoa_end(unsigned v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/* "10.0.0.1" or "[2001:db8::1]". IPv4 by hand: glibc's inet_ntop goes
 * through sprintf, a tenth of a whole check's instructions. */
static void put_addr(struct rq *q, const struct hd_addr *a)
{
	char ip[INET6_ADDRSTRLEN], oct[4];

	if (a->family == AF_INET6) {
		put(q, "[", 1);
		puts_(q, hd_addr_str(a, ip, sizeof(ip)));
		put(q, "]", 1);
		return;
	}
	const unsigned char *b = (const unsigned char *)&a->u.v4;
	for (int i = 0; i < 4; i++) {
		char *s = utoa_end(b[i], oct + sizeof(oct));
		if (i)
			put(q, ".", 1);
		put(q, s, (size_t)(oct + sizeof(oct) - s));
	}
}

long hc_http_request(char *buf, size_t cap, const struct hc_http_req *r)
{
	struct rq q = {buf, cap, 0};
	const char *path = r->path && r->path[0] ? r->path : "/";
	char port[8];

	if (!safe_token(path) || (r->host && (!r->host[0] || !safe_token(r->host))))
		return -EINVAL;
	puts_(&q, "GET ");
	puts_(&q, path);
	puts_(&q, " HTTP/1.1\r\nHost: ");
	if (r->host)
		puts_(&q, r->host);
	else
		put_addr(&q, r->addr);
	if (r->port != (r->tls ? 443 : 80)) {
		char *s = utoa_end(r->port, port + sizeof(port));
		*--s = ':';
		put(&q, s, (size_t)(port + sizeof(port) - s));
	}
	puts_(&q, "\r\nUser-Agent: hadirector/" PACKAGE_VERSION);
	/* HTTP/1.1 connections persist unless one side says otherwise. */
	puts_(&q, r->keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
	return (long)q.len;
}
