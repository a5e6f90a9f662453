/* https_check's TLS: one SSL_CTX per (verify, ca_file), kept until the
 * configuration changes (a reload reads CA files again), and the SSL
 * object of each connection with its SNI and the name to verify. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "hc_int.h"
#include "log.h"

/* TLS contexts: loading CA certificates is far too expensive per check. */
struct hc_tls_ctx {
	SSL_CTX *ctx; /* NULL: could not be made (said once in the log) */
	bool verify;
	char *ca_file;
};

struct hc_tls {
	const struct hd_config *cfg; /* the configuration the contexts are for */
	unsigned reloads;
	struct hc_tls_ctx *v;
	size_t n;
};

static void tls_flush(struct hc_tls *t)
{
	for (size_t i = 0; i < t->n; i++) {
		SSL_CTX_free(t->v[i].ctx); /* in-flight SSLs hold their own reference */
		free(t->v[i].ca_file);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static SSL_CTX *tls_ctx_new(bool verify, const char *ca_file)
{
	SSL_CTX *x = SSL_CTX_new(TLS_client_method());

	if (!x)
		return NULL;
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* Servers often close without close_notify; that is the end of the
	 * body, not an error (the framing tells a short body anyway). */
	SSL_CTX_set_options(x, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	if (!verify)
		return x;
	SSL_CTX_set_verify(x, SSL_VERIFY_PEER, NULL);
	if ((ca_file ? SSL_CTX_load_verify_locations(x, ca_file, NULL)
		     : SSL_CTX_set_default_verify_paths(x)) != 1) {
		char e[120];
		ERR_error_string_n(ERR_get_error(), e, sizeof(e));
		hd_warn("https_check: cannot load CA certificates from %s: %s",
			ca_file ? ca_file : "the system's default paths", e);
		ERR_clear_error();
		SSL_CTX_free(x);
		return NULL;
	}
	return x;
}

static SSL_CTX *tls_ctx(struct hc_ctx *c, const struct hd_check_config *k)
{
	struct hc_tls *t = c->tls;
	const char *ca = k->verify ? k->ca_file : NULL; /* not looked at without verify */

	if (t->cfg != c->cfg || t->reloads != c->d->reloads_ok) {
		tls_flush(t);
		t->cfg = c->cfg;
		t->reloads = c->d->reloads_ok;
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].verify == k->verify &&
		    (ca ? t->v[i].ca_file && !strcmp(ca, t->v[i].ca_file) : !t->v[i].ca_file))
			return t->v[i].ctx;
	struct hc_tls_ctx *v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	t->v = v;
	v[t->n] =
	    (struct hc_tls_ctx){tls_ctx_new(k->verify, ca), k->verify, ca ? strdup(ca) : NULL};
	if (ca && !v[t->n].ca_file) {
		SSL_CTX_free(v[t->n].ctx);
		return NULL;
	}
	return v[t->n++].ctx;
}

int hc_http_setup(struct hc_ctx *c)
{
	c->tls = calloc(1, sizeof(*c->tls));
	return c->tls ? 0 : -ENOMEM;
}

void hc_http_teardown(struct hc_ctx *c)
{
	if (!c->tls)
		return;
	tls_flush(c->tls);
	free(c->tls);
	c->tls = NULL;
}

static bool ip_literal(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* The SSL object of one check: SNI and, with verify, the name (or the
 * address) the certificate must carry. Returns NULL or what failed. */
const char *hc_tls_begin(struct hc_probe *p, int fd, SSL **out)
{
	const struct hd_check_config *k = p->k;
	const char *name = k->sni ? k->sni : p->host;
	SSL_CTX *x = tls_ctx(p->ctx, k);
	char ip[INET6_ADDRSTRLEN];
	bool ok = true;

	if (!x)
		return "no TLS context (CA certificates not loaded, see above)";
	SSL *ssl = *out = SSL_new(x);
	if (!ssl || SSL_set_fd(ssl, fd) != 1)
		return "cannot make the TLS session";
	SSL_set_connect_state(ssl);
	if (name && ip_literal(name)) /* SNI carries names only (RFC 6066) */
		name = NULL;
	if (name)
		ok = SSL_set_tlsext_host_name(ssl, name) == 1;
	if (k->verify && name) {
		SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = ok && SSL_set1_host(ssl, name) == 1;
	} else if (k->verify) {
		const char *a = k->sni ? k->sni : p->host;
		if (!a)
			a = hd_addr_str(&p->target.addr, ip, sizeof(ip));
		ok = ok && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), a) == 1;
	}
	return ok ? NULL : "cannot set the TLS server name";
}
