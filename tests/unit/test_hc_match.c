/* Reload, health-check side (healthcheck/hc_match.h), through tables:
 * which configuration change keeps a probe (same key: its state, timer and
 * counters carry over, and checks with one key share one probe) and which
 * makes a new one; which virtual and real servers keep their state. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "healthcheck/hc_match.h"
#include "healthcheck/hc_match_index.h"
#include "unit.h"

static struct hd_addr v4(const char *s)
{
	struct hd_addr a = {.family = AF_INET};

	inet_pton(AF_INET, s, &a.u.v4);
	return a;
}

/* One virtual server, one real server, one HTTP check: the starting point
 * of every row. */
struct setup {
	struct hd_config cfg;
	struct hd_virtual_server_config vs;
	struct hd_real_server_config rs;
	struct hd_check_config k;
	struct hd_status_range st[2];
};

static void setup(struct setup *s, enum hd_check_type type)
{
	memset(s, 0, sizeof(*s));
	s->vs.ep = (struct hd_endpoint){v4("10.0.0.100"), 80};
	s->vs.protocol = HD_PROTO_TCP;
	s->vs.delay_loop_usec = 6000000;
	s->rs.ep = (struct hd_endpoint){v4("10.0.1.1"), 80};
	s->rs.weight = 1;
	s->k.type = type;
	s->k.rise = 1, s->k.fall = 1;
	s->k.path = "/";
	s->st[0] = (struct hd_status_range){200, 299};
	s->k.status = s->st, s->k.n_status = 1;
	s->k.script = "/bin/true";
	s->cfg.global.script_timeout_usec = 10000000;
}

/* The key of S's check (freed by the caller). */
static char *key_of(const struct setup *s)
{
	struct hc_pparams pp;

	hc_probe_params(&pp, &s->cfg, &s->vs, &s->rs, &s->k);
	return hc_probe_key(&s->vs, &s->rs, &s->k, &pp);
}

enum change {
	K_NONE,
	K_TYPE,
	K_CONNECT_PORT,
	K_CONNECT_IP,
	K_CONNECT_IP_IS_RS,
	K_CONNECT_PORT_IS_RS,
	K_BIND_IP,
	K_CONNECT_TIMEOUT,
	K_DELAY_LOOP,
	K_VS_DELAY_LOOP,
	K_VS_DELAY_LOOP_OVERRIDDEN,
	K_RISE,
	K_FALL,
	K_RETRY,
	K_DELAY_BEFORE_RETRY,
	K_WARMUP,
	K_ALPHA,
	K_PATH,
	K_VIRTUALHOST,
	K_VS_VIRTUALHOST,
	K_STATUS,
	K_DIGEST,
	K_REUSE,
	K_REUSE_ONE,
	K_SNI,
	K_VERIFY,
	K_CA,
	K_RS_WEIGHT,
	K_VS_QUORUM,
	K_OMEGA,
	K_RS_NOTIFY,
	K_OTHER_VS,
	K_OTHER_RS_SAME_TARGET,
	K_SCRIPT,
	K_SCRIPT_TIMEOUT,
	K_GLOBAL_SCRIPT_TIMEOUT,
	K_DYNAMIC,
	K_SCRIPT_OTHER_RS,
	K_GLOBAL_SCRIPT_TIMEOUT_HTTP,
};

static void apply(struct setup *s, enum change ch)
{
	switch (ch) {
	case K_NONE:
		break;
	case K_TYPE:
		s->k.type = HD_CHECK_TCP;
		break;
	case K_CONNECT_PORT:
		s->k.connect_port = 8080;
		break;
	case K_CONNECT_IP:
		s->k.has_connect_ip = true, s->k.connect_ip = v4("10.0.1.9");
		break;
	case K_CONNECT_IP_IS_RS:
		s->k.has_connect_ip = true, s->k.connect_ip = s->rs.ep.addr;
		break;
	case K_CONNECT_PORT_IS_RS:
		s->k.connect_port = s->rs.ep.port;
		break;
	case K_BIND_IP:
		s->k.has_bind_ip = true, s->k.bind_ip = v4("10.0.0.2");
		break;
	case K_CONNECT_TIMEOUT:
		s->k.connect_timeout_usec = 2000000;
		break;
	case K_DELAY_LOOP:
		s->k.delay_loop_usec = 3000000;
		break;
	case K_VS_DELAY_LOOP:
		s->vs.delay_loop_usec = 3000000;
		break;
	case K_VS_DELAY_LOOP_OVERRIDDEN:
		/* set in both: see the row */
		s->vs.delay_loop_usec = 3000000;
		break;
	case K_RISE:
		s->k.rise = 3;
		break;
	case K_FALL:
		s->k.fall = 3;
		break;
	case K_RETRY:
		s->k.retry = 2;
		break;
	case K_DELAY_BEFORE_RETRY:
		s->k.delay_before_retry_usec = 1000000;
		break;
	case K_WARMUP:
		s->k.warmup_usec = 1000000;
		break;
	case K_ALPHA:
		s->vs.alpha = true;
		break;
	case K_PATH:
		s->k.path = "/health";
		break;
	case K_VIRTUALHOST:
		s->k.virtualhost = "www.example.org";
		break;
	case K_VS_VIRTUALHOST:
		s->vs.virtualhost = "www.example.org";
		break;
	case K_STATUS:
		s->st[0].hi = 399;
		break;
	case K_DIGEST:
		s->k.digest_type = 5, s->k.digest[0] = 0xab;
		break;
	case K_REUSE:
		s->k.reuse_connection = 10;
		break;
	case K_REUSE_ONE:
		s->k.reuse_connection = 1;
		break;
	case K_SNI:
		s->k.sni = "www.example.org";
		break;
	case K_VERIFY:
		s->k.verify = true;
		break;
	case K_CA:
		s->k.ca_file = "/etc/ssl/ca.pem";
		break;
	case K_RS_WEIGHT:
		s->rs.weight = 5;
		break;
	case K_VS_QUORUM:
		s->vs.quorum = 3;
		break;
	case K_OMEGA:
		s->vs.omega = true;
		break;
	case K_RS_NOTIFY:
		s->rs.notify_up = "/bin/true";
		break;
	case K_OTHER_VS:
		s->vs.ep.port = 443;
		break;
	case K_OTHER_RS_SAME_TARGET:
		s->rs.ep.port = 8000;
		s->k.connect_port = 80;
		break;
	case K_SCRIPT:
		s->k.script = "/bin/false";
		break;
	case K_SCRIPT_TIMEOUT:
		s->k.timeout_usec = 2000000;
		break;
	case K_GLOBAL_SCRIPT_TIMEOUT:
	case K_GLOBAL_SCRIPT_TIMEOUT_HTTP:
		s->cfg.global.script_timeout_usec = 5000000;
		break;
	case K_DYNAMIC:
		s->k.dynamic_weight = true;
		break;
	case K_SCRIPT_OTHER_RS:
		s->rs.ep.addr = v4("10.0.1.2");
		break;
	}
}

static const struct {
	const char *what;
	enum hd_check_type type;
	enum change ch;
	bool kept; /* same key: the probe carries over (and is shared) */
} keys[] = {
    {"nothing changed", HD_CHECK_HTTP, K_NONE, true},
    /* what it sends, where, how often, how results count: a new probe */
    {"HTTP_GET to TCP_CHECK", HD_CHECK_HTTP, K_TYPE, false},
    {"connect_port", HD_CHECK_HTTP, K_CONNECT_PORT, false},
    {"connect_ip", HD_CHECK_HTTP, K_CONNECT_IP, false},
    {"bindto", HD_CHECK_HTTP, K_BIND_IP, false},
    {"connect_timeout", HD_CHECK_HTTP, K_CONNECT_TIMEOUT, false},
    {"the check's delay_loop", HD_CHECK_HTTP, K_DELAY_LOOP, false},
    {"the virtual server's delay_loop, inherited", HD_CHECK_HTTP, K_VS_DELAY_LOOP, false},
    {"rise", HD_CHECK_HTTP, K_RISE, false},
    {"fall", HD_CHECK_HTTP, K_FALL, false},
    {"retry", HD_CHECK_HTTP, K_RETRY, false},
    {"delay_before_retry", HD_CHECK_HTTP, K_DELAY_BEFORE_RETRY, false},
    {"warmup", HD_CHECK_HTTP, K_WARMUP, false},
    {"alpha (a new server starts down)", HD_CHECK_HTTP, K_ALPHA, false},
    {"url path", HD_CHECK_HTTP, K_PATH, false},
    {"the check's virtualhost", HD_CHECK_HTTP, K_VIRTUALHOST, false},
    {"the virtual server's virtualhost, inherited", HD_CHECK_HTTP, K_VS_VIRTUALHOST, false},
    {"status codes", HD_CHECK_HTTP, K_STATUS, false},
    {"digest", HD_CHECK_HTTP, K_DIGEST, false},
    {"reuse_connection 10", HD_CHECK_HTTP, K_REUSE, false},
    {"sni", HD_CHECK_HTTPS, K_SNI, false},
    {"verify", HD_CHECK_HTTPS, K_VERIFY, false},
    {"ca file", HD_CHECK_HTTPS, K_CA, false},
    {"misc_path", HD_CHECK_MISC, K_SCRIPT, false},
    {"misc_timeout", HD_CHECK_MISC, K_SCRIPT_TIMEOUT, false},
    {"script_timeout, the misc check's default", HD_CHECK_MISC, K_GLOBAL_SCRIPT_TIMEOUT, false},
    {"misc_dynamic", HD_CHECK_MISC, K_DYNAMIC, false},
    {"a misc check of another real server", HD_CHECK_MISC, K_SCRIPT_OTHER_RS, false},
    /* the same probe */
    {"connect_ip written out as the real server's", HD_CHECK_HTTP, K_CONNECT_IP_IS_RS, true},
    {"connect_port written out as the real server's", HD_CHECK_HTTP, K_CONNECT_PORT_IS_RS, true},
    {"reuse_connection 1 (one check per connection, as unset)", HD_CHECK_HTTP, K_REUSE_ONE, true},
    {"the real server's weight", HD_CHECK_HTTP, K_RS_WEIGHT, true},
    {"the virtual server's quorum", HD_CHECK_HTTP, K_VS_QUORUM, true},
    {"omega", HD_CHECK_HTTP, K_OMEGA, true},
    {"the real server's notify_up", HD_CHECK_HTTP, K_RS_NOTIFY, true},
    {"the same check in another virtual server: shared", HD_CHECK_HTTP, K_OTHER_VS, true},
    {"another real server, same connect target: shared", HD_CHECK_HTTP, K_OTHER_RS_SAME_TARGET,
     true},
    {"script_timeout, for an HTTP check", HD_CHECK_HTTP, K_GLOBAL_SCRIPT_TIMEOUT_HTTP, true},
    {"virtualhost, for a TCP check", HD_CHECK_TCP, K_VIRTUALHOST, true},
    {"the virtual server's delay_loop, the check has its own", HD_CHECK_HTTP,
     K_VS_DELAY_LOOP_OVERRIDDEN, true},
};

static void test_keys(void)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct setup a, b;
		char *ka, *kb;

		setup(&a, keys[i].type);
		setup(&b, keys[i].type);
		if (keys[i].ch == K_VS_DELAY_LOOP_OVERRIDDEN)
			a.k.delay_loop_usec = b.k.delay_loop_usec = 1000000;
		apply(&b, keys[i].ch);
		ka = key_of(&a), kb = key_of(&b);
		CHECK(ka && kb);
		if (ka && kb)
			EXPECT(!strcmp(ka, kb) == keys[i].kept, "%s: %s\n  %s\n  %s", keys[i].what,
			       keys[i].kept ? "should keep the probe" : "should make a new one", ka,
			       kb);
		free(ka), free(kb);
		/* The reload's binary identity says the same, both ways, and
		 * the same probe hashes the same. */
		struct hc_pparams pa, pb;
		hc_probe_params(&pa, &a.cfg, &a.vs, &a.rs, &a.k);
		hc_probe_params(&pb, &b.cfg, &b.vs, &b.rs, &b.k);
		EXPECT(hc_probe_same(&pa, &pb) == keys[i].kept, "%s: hc_probe_same %s",
		       keys[i].what,
		       keys[i].kept ? "false, should be true" : "true, should be false");
		EXPECT(hc_probe_same(&pb, &pa) == keys[i].kept, "%s: hc_probe_same (reversed)",
		       keys[i].what);
		if (keys[i].kept)
			EXPECT(hc_probe_hash(&pa) == hc_probe_hash(&pb),
			       "%s: same probe, other hash", keys[i].what);
	}
}

/* Real-server state: the virtual server is the same one. */
static const struct {
	const char *what;
	const char *ga, *gb; /* group names, NULL: none */
	bool fa, fb;	     /* fwmark */
	uint32_t ma, mb;
	int fama, famb;
	const char *aa, *ab; /* address */
	uint16_t pa, pb;
	enum hd_proto pra, prb;
	bool same;
} vss[] = {
    {"same address, port, protocol", NULL, NULL, false, false, 0, 0, 0, 0, "10.0.0.100",
     "10.0.0.100", 80, 80, HD_PROTO_TCP, HD_PROTO_TCP, true},
    {"other port", NULL, NULL, false, false, 0, 0, 0, 0, "10.0.0.100", "10.0.0.100", 80, 81,
     HD_PROTO_TCP, HD_PROTO_TCP, false},
    {"other address", NULL, NULL, false, false, 0, 0, 0, 0, "10.0.0.100", "10.0.0.101", 80, 80,
     HD_PROTO_TCP, HD_PROTO_TCP, false},
    {"TCP to UDP", NULL, NULL, false, false, 0, 0, 0, 0, "10.0.0.100", "10.0.0.100", 80, 80,
     HD_PROTO_TCP, HD_PROTO_UDP, false},
    {"same fwmark", NULL, NULL, true, true, 5, 5, AF_INET, AF_INET, "0.0.0.0", "0.0.0.0", 0, 0,
     HD_PROTO_TCP, HD_PROTO_TCP, true},
    {"other fwmark", NULL, NULL, true, true, 5, 6, AF_INET, AF_INET, "0.0.0.0", "0.0.0.0", 0, 0,
     HD_PROTO_TCP, HD_PROTO_TCP, false},
    {"fwmark, other family", NULL, NULL, true, true, 5, 5, AF_INET, AF_INET6, "0.0.0.0", "0.0.0.0",
     0, 0, HD_PROTO_TCP, HD_PROTO_TCP, false},
    {"address to fwmark", NULL, NULL, false, true, 0, 5, AF_INET, AF_INET, "0.0.0.0", "0.0.0.0", 0,
     0, HD_PROTO_TCP, HD_PROTO_TCP, false},
    {"same group, its first member changed", "web", "web", false, false, 0, 0, 0, 0, "10.0.0.100",
     "10.0.0.101", 80, 80, HD_PROTO_TCP, HD_PROTO_TCP, true},
    {"other group, same first member", "web", "web2", false, false, 0, 0, 0, 0, "10.0.0.100",
     "10.0.0.100", 80, 80, HD_PROTO_TCP, HD_PROTO_TCP, false},
    {"address to a group of it", NULL, "web", false, false, 0, 0, 0, 0, "10.0.0.100", "10.0.0.100",
     80, 80, HD_PROTO_TCP, HD_PROTO_TCP, false},
};

static void test_vs(void)
{
	for (size_t i = 0; i < sizeof(vss) / sizeof(vss[0]); i++) {
		struct hd_virtual_server_config a = {0}, b = {0};

		a.group = (char *)vss[i].ga, b.group = (char *)vss[i].gb;
		a.is_fwmark = vss[i].fa, b.is_fwmark = vss[i].fb;
		a.fwmark = vss[i].ma, b.fwmark = vss[i].mb;
		a.family = vss[i].fama, b.family = vss[i].famb;
		a.ep = (struct hd_endpoint){v4(vss[i].aa), vss[i].pa};
		b.ep = (struct hd_endpoint){v4(vss[i].ab), vss[i].pb};
		a.protocol = vss[i].pra, b.protocol = vss[i].prb;
		EXPECT(hc_vs_same(&a, &b) == vss[i].same, "%s", vss[i].what);
		EXPECT(hc_vs_same(&b, &a) == vss[i].same, "%s (reversed)", vss[i].what);
		if (vss[i].same)
			EXPECT(hc_vs_hash(&a) == hc_vs_hash(&b), "%s: same, other hash",
			       vss[i].what);
	}
	struct hd_endpoint e1 = {v4("10.0.1.1"), 80}, e2 = {v4("10.0.1.1"), 8080},
			   e3 = {v4("10.0.1.2"), 80};
	CHECK(hc_ep_same(&e1, &e1));
	EXPECT(!hc_ep_same(&e1, &e2), "real server, other port");
	EXPECT(!hc_ep_same(&e1, &e3), "real server, other address");
}

/* The reload's index (hc_match_index.h): every entry found under its key,
 * the first one kept for a key, keys sharing a hash told apart by SAME, a
 * missing key not found, and the work linear: the steps per lookup stay
 * bounded however many entries (a scan would make them grow with N). */
static bool int_same(const void *e, const void *key)
{
	return *(const int *)e == *(const int *)key;
}

static void test_index(void)
{
	enum { N = 20000 };
	static int v[N], dup[N];
	struct hc_ix ix = {0};
	size_t found = 0, first = 0;

	CHECK(hc_ix_init(&ix, N) == 0);
	for (int i = 0; i < N; i++) {
		v[i] = dup[i] = i;
		/* every 1000th shares one hash: SAME must tell them apart */
		uint64_t h = i % 1000 ? (uint64_t)i * 0x9e3779b97f4a7c15ULL : 42;
		CHECK(hc_ix_add(&ix, h, int_same, &v[i], &v[i]) == &v[i]);
	}
	ix.steps = 0;
	for (int i = 0; i < N; i++) {
		uint64_t h = i % 1000 ? (uint64_t)i * 0x9e3779b97f4a7c15ULL : 42;
		found += hc_ix_get(&ix, h, int_same, &i) == &v[i];
		first += hc_ix_add(&ix, h, int_same, &dup[i], &dup[i]) == &v[i];
	}
	EXPECT(found == N, "%zu of %d entries found", found, N);
	EXPECT(first == N, "%zu of %d keys kept their first entry", first, N);
	int missing = N + 1;
	CHECK(!hc_ix_get(&ix, 7, int_same, &missing));
	uint64_t spread = ix.steps; /* the shared hash's chain is long: */
	ix.steps = 0;
	for (int i = 1; i < N; i++)
		if (i % 1000) {
			uint64_t h = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
			hc_ix_get(&ix, h, int_same, &i);
		}
	EXPECT(ix.steps <= 2 * (N - N / 1000), "%llu steps for %d lookups of distinct hashes",
	       (unsigned long long)ix.steps, N - N / 1000);
	EXPECT(spread > ix.steps, "the keys sharing one hash cost more (%llu)",
	       (unsigned long long)spread);
	hc_ix_free(&ix);
	struct hc_ix empty = {0};
	CHECK(!hc_ix_get(&empty, 1, int_same, &missing)); /* never made: nothing in it */
}

int main(void)
{
	test_keys();
	test_vs();
	test_index();
	printf("%s\n", failures ? "FAIL" : "ok - test_hc_match");
	return failures != 0;
}
