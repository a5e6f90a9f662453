/* PURE HTTP response handling for http_check / https_check. */
#include "config.h"

#include "hc_http_resp.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

bool hc_http_status_ok(const struct hd_status_range *r, size_t n, long code)
{
	if (!n)
		return code >= 200 && code <= 299;
	for (size_t i = 0; i < n; i++)
		if (code >= r[i].lo && code <= r[i].hi)
			return true;
	return false;
}

size_t hc_digest_len(int type)
{
	return type == 5 ? 16 : type == 256 ? 32 : 0;
}

int hc_digest_begin(struct hc_digest *dg, int type)
{
	const EVP_MD *md = type == 5 ? EVP_md5() : type == 256 ? EVP_sha256() : NULL;

	memset(dg, 0, sizeof(*dg));
	dg->type = type;
	if (!md)
		return type ? -EINVAL : 0;
	dg->ctx = EVP_MD_CTX_new();
	if (!dg->ctx || EVP_DigestInit_ex(dg->ctx, md, NULL) != 1) {
		hc_digest_free(dg);
		return -ENOMEM;
	}
	return 0;
}

void hc_digest_update(struct hc_digest *dg, const void *data, size_t len)
{
	if (dg->ctx && !dg->failed && EVP_DigestUpdate(dg->ctx, data, len) != 1)
		dg->failed = true;
}

bool hc_digest_match(struct hc_digest *dg, const uint8_t *expect)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	bool ok = false;

	if (dg->ctx && !dg->failed && EVP_DigestFinal_ex(dg->ctx, md, &len) == 1)
		ok = len == hc_digest_len(dg->type) && !memcmp(md, expect, len);
	hc_digest_free(dg);
	return ok;
}

void hc_digest_free(struct hc_digest *dg)
{
	EVP_MD_CTX_free(dg->ctx);
	dg->ctx = NULL;
}

void hc_http_judge(const struct hc_http_end *e, const struct hd_check_config *k, bool digest_ok,
		   struct hc_result *out)
{
	/* the whole result: fields added later (agent, neutral) are read by
	 * hc_checker_feed and must not be left to the caller's stack */
	*out = (struct hc_result){.outcome = HC_O_OK, .dyn_weight = -1};
	if (!e->connected && e->conn_errno) {
		int err = e->conn_errno;
		out->outcome = err == ECONNREFUSED ? HC_O_CONNECT_REFUSED
			       : err == ETIMEDOUT  ? HC_O_CONNECT_TIMEOUT
						   : HC_O_CONNECT_ERROR;
		out->detail = err;
	} else if (e->timed_out) {
		out->outcome = e->connected ? HC_O_TIMEOUT : HC_O_CONNECT_TIMEOUT;
	} else if (e->tls_failed) {
		out->outcome = HC_O_TLS_FAILED;
	} else if (e->perr != HC_HTTP_OK || !e->status) {
		/* Empty reply, reset, truncated or malformed response. */
		out->outcome = HC_O_PROTOCOL_ERROR;
		out->detail = e->perr;
	} else if (!hc_http_status_ok(k->status, k->n_status, e->status)) {
		out->outcome = HC_O_BAD_STATUS;
		out->detail = e->status;
	} else if (k->digest_type && !digest_ok) {
		out->outcome = HC_O_DIGEST_MISMATCH;
	}
}
