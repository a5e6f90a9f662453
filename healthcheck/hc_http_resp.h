/* PURE parts of HTTP(S) checks that libcurl does not do: status code
 * matching, body digests computed as the body arrives, and mapping a
 * finished transfer to an outcome. libcurl does all HTTP parsing
 * (status line, chunked or content-length bodies). */
#ifndef HC_HTTP_RESP_H
#define HC_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/hd_config.h"
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

/* Judge a finished transfer. CURL_CODE is a CURLcode, OS_ERRNO the socket
 * errno libcurl saw, CONNECTED whether the TCP connection was made,
 * DIGEST_OK only looked at when a digest was configured. */
void hc_http_judge(int curl_code, long os_errno, bool connected, long status,
		   const struct hd_check_config *k, bool digest_ok, struct hc_result *out);

#endif
