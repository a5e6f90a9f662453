/* Address parsing and printing, the diagnostics list, enum names.
 * Pure code: shared by the config parser, the control socket and tests. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_config.h"

void hd_diag_add(struct hd_diag *d, const char *file, int line, const char *fmt, ...)
{
	char *msg = NULL, *out = NULL, **lines;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (line > 0)
		r = asprintf(&out, "%s:%d: %s", file, line, msg);
	else
		r = asprintf(&out, "%s: %s", file, msg);
	free(msg);
	if (r < 0)
		return;
	lines = realloc(d->lines, (d->n + 1) * sizeof(*lines));
	if (!lines) {
		free(out);
		return;
	}
	d->lines = lines;
	d->lines[d->n++] = out;
}

void hd_diag_clear(struct hd_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	d->lines = NULL;
	d->n = 0;
}

/* The parsers below return 0 or -EINVAL (-ERANGE for a number past its
 * maximum), OUT zeroed or partly filled on failure. */
int hd_addr_parse(const char *s, struct hd_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

/* Decimal digits only (no sign, no 0x), at most MAX. */
static int parse_small_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 10)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int hd_prefix_parse(const char *s, struct hd_prefix *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	int r;

	memset(out, 0, sizeof(*out));
	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	r = hd_addr_parse(buf, &out->addr);
	if (r < 0)
		return r;
	len = out->addr.family == AF_INET ? 32 : 128;
	if (slash && (r = parse_small_uint(slash + 1, len, &len)) < 0)
		return r;
	out->prefixlen = (uint8_t)len;
	return 0;
}

int hd_endpoint_parse(const char *s, struct hd_endpoint *out)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *colon, *a = s;
	size_t alen;
	unsigned long port;
	int r;

	memset(out, 0, sizeof(*out));
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		a = s + 1;
		alen = (size_t)(close - a);
		colon = close + 1;
	} else {
		colon = strchr(s, ':');
		/* a bare IPv6 address has several colons: it needs brackets */
		if (!colon || strchr(colon + 1, ':'))
			return -EINVAL;
		alen = (size_t)(colon - s);
	}
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	r = hd_addr_parse(buf, &out->addr);
	if (r < 0)
		return r;
	if (*s == '[' && out->addr.family != AF_INET6)
		return -EINVAL;
	r = parse_small_uint(colon + 1, 65535, &port);
	if (r < 0)
		return r;
	if (port == 0)
		return -ERANGE;
	out->port = (uint16_t)port;
	return 0;
}

const char *hd_addr_str(const struct hd_addr *a, char *buf, size_t len)
{
	if (!a || (a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, &a->u, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *hd_endpoint_str(const struct hd_endpoint *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	hd_addr_str(&e->addr, a, sizeof(a));
	if (e->addr.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, e->port);
	else
		snprintf(buf, len, "%s:%u", a, e->port);
	return buf;
}

/* An order (<0, 0, >0 as memcmp), not a failure: a negative value is "A first". */
int hd_addr_cmp(const struct hd_addr *a, const struct hd_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->u.v4, &b->u.v4, sizeof(a->u.v4));
	if (a->family == AF_INET6)
		return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6));
	return 0;
}

const char *hd_check_type_str(enum hd_check_type t)
{
	static const char *const names[] = {
	    [HD_CHECK_TCP] = "tcp",   [HD_CHECK_HTTP] = "http", [HD_CHECK_HTTPS] = "https",
	    [HD_CHECK_MISC] = "misc", [HD_CHECK_SMTP] = "smtp", [HD_CHECK_DNS] = "dns",
	    [HD_CHECK_UDP] = "udp",   [HD_CHECK_PING] = "ping", [HD_CHECK_AGENT] = "agent",
	};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

const char *hd_lb_kind_str(enum hd_lb_kind k)
{
	static const char *const names[] = {
	    [HD_LB_DR] = "dr", [HD_LB_NAT] = "nat", [HD_LB_TUN] = "tun"};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *hd_proto_str(enum hd_proto p)
{
	static const char *const names[] = {
	    [HD_PROTO_TCP] = "tcp", [HD_PROTO_UDP] = "udp", [HD_PROTO_SCTP] = "sctp"};
	return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "?";
}
