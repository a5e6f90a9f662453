/* libFuzzer target: the HTTP check's response handling that is ours
 * (healthcheck/hc_http_resp.h): status matching against configured
 * ranges, the incremental body digest, and the verdict for a finished
 * transfer. libcurl parses HTTP itself.
 *
 * Input: byte 0 digest type (0 none, 1 MD5, 2 SHA-256, else an invalid
 * type), byte 1 number of status ranges (0..7), then 4 bytes per range
 * (lo, hi big-endian), 2 bytes status code, 2 bytes curl code, 1 byte
 * flags, then the body. The body is digested in chunks whose sizes come
 * from the body itself and compared with OpenSSL's one-shot digest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hc_http_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool digest_chunked(int type, const uint8_t *body, size_t len, const uint8_t *expect)
{
	struct hc_digest dg;
	size_t off = 0;

	if (hc_digest_begin(&dg, type) < 0)
		return false;
	while (off < len) {
		size_t n = 1 + body[off] % 61;
		if (n > len - off)
			n = len - off;
		uint8_t *chunk = malloc(n); /* exact size for ASan */
		if (!chunk)
			abort();
		memcpy(chunk, body + off, n);
		hc_digest_update(&dg, chunk, n);
		free(chunk);
		off += n;
	}
	if (!type) {
		hc_digest_free(&dg);
		return true;
	}
	return hc_digest_match(&dg, expect);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = {0, 5, 256, 7};
	struct hd_status_range r[7];
	struct hd_check_config k = {0};
	struct hc_result res;
	struct hc_digest dg;
	uint8_t want[32] = {0};
	size_t nr, off;
	long status;
	int curl_code, type;
	bool ok, ok2;

	if (size < 2)
		return 0;
	type = types[data[0] & 3];
	nr = data[1] % 8;
	off = 2;
	if (size < off + nr * 4 + 5)
		return 0;
	for (size_t i = 0; i < nr; i++, off += 4)
		r[i] = (struct hd_status_range){(uint16_t)(data[off] << 8 | data[off + 1]),
						(uint16_t)(data[off + 2] << 8 | data[off + 3])};
	status = data[off] << 8 | data[off + 1];
	curl_code = data[off + 2] << 8 | data[off + 3];
	uint8_t flags = data[off + 4];
	off += 5;
	const uint8_t *body = data + off;
	size_t blen = size - off;

	/* Status matching against an independent reading of the rule. */
	ok = hc_http_status_ok(r, nr, status);
	ok2 = nr == 0 && status >= 200 && status <= 299;
	for (size_t i = 0; i < nr; i++)
		ok2 = ok2 || (status >= r[i].lo && status <= r[i].hi);
	if (ok != ok2)
		abort();

	/* The body's digest, computed in one call by OpenSSL as the oracle:
	 * the incremental digest in chunks must match it, and must not match
	 * it with one bit flipped. */
	if (type == 7) {
		if (hc_digest_begin(&dg, type) >= 0)
			abort();
	} else if (type) {
		unsigned int dl = 0;
		if (EVP_Digest(body, blen, want, &dl, type == 5 ? EVP_md5() : EVP_sha256(), NULL) !=
			1 ||
		    dl != hc_digest_len(type))
			abort();
		if (!digest_chunked(type, body, blen, want))
			abort();
		want[flags % dl] ^= 1;
		if (digest_chunked(type, body, blen, want))
			abort();
	} else if (!digest_chunked(0, body, blen, want)) {
		abort();
	}

	/* The verdict for a finished transfer. */
	k.type = flags & 1 ? HD_CHECK_HTTPS : HD_CHECK_HTTP;
	k.status = nr ? r : NULL;
	k.n_status = nr;
	k.digest_type = type == 7 ? 0 : type;
	memset(&res, 0x5a, sizeof(res));
	hc_http_judge(curl_code, (long)(int8_t)data[0], flags & 2, status, &k, flags & 4, &res);
	if (curl_code == 0 && ok && (!k.digest_type || (flags & 4)) && res.outcome != HC_O_OK)
		abort();
	if (res.outcome == HC_O_OK && (curl_code != 0 || !ok))
		abort();
	return 0;
}
