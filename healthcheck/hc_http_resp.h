/* PURE parts of HTTP(S) checks around the parser (hc_http_parse.h):
 * status code matching, body digests computed as the body arrives, and
 * mapping how an exchange ended to an outcome. */
#ifndef HC_HTTP_RESP_H
#define HC_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hd_config.h"
#include "hc_http_parse.h"
#include "hc_policy.h"

/* No ranges configured: any 2xx passes. */
bool hc_http_status_ok(const struct hd_status_range *r, size_t n, long code);

/* Incremental MD5 / SHA-256 of a body. TYPE: 0 none, 5 md5, 256 sha256. */
struct hc_digest {
	int type;
	void *ctx; /* EVP_MD_CTX */
	bool failed;
};
int hc_digest_begin(struct hc_digest *dg, int type);
void hc_digest_update(struct hc_digest *dg, const void *data, size_t len);
/* Finish and compare with EXPECT (16 or 32 bytes by type). The context is
 * released; hc_digest_free() afterwards is harmless. */
bool hc_digest_match(struct hc_digest *dg, const uint8_t *expect);
void hc_digest_free(struct hc_digest *dg);
size_t hc_digest_len(int type);

/* How an exchange ended, as the driver (hc_http.c) saw it. */
struct hc_http_end {
	bool connected;	       /* the TCP handshake completed */
	int conn_errno;	       /* why connecting failed (0: it did not) */
	bool timed_out;	       /* the check's timeout fired first */
	bool tls_failed;       /* TLS handshake or certificate verification */
	enum hc_http_err perr; /* the response was malformed or cut short */
	int status;	       /* the final status code, 0 unknown */
};

/* Judge a finished exchange. DIGEST_OK is only looked at when a digest is
 * configured. The first failure in the order of the exchange wins:
 * connect, timeout, TLS, response syntax, status, digest. */
void hc_http_judge(const struct hc_http_end *e, const struct hd_check_config *k, bool digest_ok,
		   struct hc_result *out);

#endif
