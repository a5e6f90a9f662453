/* PURE SMTP reply scanning; see hc_smtp_reply.h. */
#include "config.h"

#include "hc_smtp_reply.h"

#include <string.h>

static int line_code(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

int hc_smtp_reply(const char *buf, size_t len, size_t *used)
{
	size_t off = 0;
	int code = -1;

	*used = 0;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t ll; /* line length without the line end */
		int c;

		if (!nl) {
			/* Reject garbage early; otherwise wait for the rest. */
			for (size_t i = 0; i < 3 && off + i < len; i++)
				if (buf[off + i] < '0' || buf[off + i] > '9')
					return -1;
			return 0;
		}
		ll = (size_t)(nl - (buf + off));
		if (ll && buf[off + ll - 1] == '\r')
			ll--;
		if (ll < 3 || (c = line_code(buf + off)) < 100 || (code >= 0 && c != code))
			return -1;
		code = c;
		char sep = ll > 3 ? buf[off + 3] : ' ';
		off = (size_t)(nl - buf) + 1;
		if (sep == ' ') {
			*used = off;
			return code;
		}
		if (sep != '-')
			return -1;
	}
	return 0;
}
