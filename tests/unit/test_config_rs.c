/* hd_rs_config_parse (daemon/config_rs.h): a live add's real_server is
 * parsed as the file's, with its messages at "control:1"; a block that
 * opens another is refused; without a check the first checked server's
 * are lent (deep copies: freeing one frees nothing of the other); the
 * digest tells a changed definition from the same one. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "config_rs.h"
#include "hd_config.h"
#include "unit.h"

static const char conf[] =
    "virtual_server 10.0.0.100:80 { lb_kind = nat  delay_loop = 3\n"
    "    real_server 10.0.0.11:80 { weight = 10 }\n"
    "    real_server 10.0.0.12:80 { weight = 20\n"
    "        http_check { path = /health  status_code = 200  connect_port = 8080 } } }\n"
    "virtual_server 10.0.0.100:443 { lb_kind = dr\n"
    "    real_server 10.0.0.11:443 { tcp_check { connect_ip = 10.0.0.99 } } }\n"
    "virtual_server [2001:db8::1]:80 { lb_kind = dr\n"
    "    real_server [2001:db8::11]:80 { tcp_check { } } }\n"
    "virtual_server 10.0.0.100:53/udp { lb_kind = nat\n"
    "    real_server 10.0.0.11:53 { weight = 1 } }\n";

static struct hd_config *load(void)
{
	char path[] = "/tmp/test_config_rs.XXXXXX";
	int fd = mkstemp(path);
	struct hd_diag d = {0};

	if (fd < 0 || write(fd, conf, sizeof(conf) - 1) != (ssize_t)(sizeof(conf) - 1))
		abort();
	close(fd);
	struct hd_config *cfg = hd_config_load(path, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "  unexpected: %s\n", d.lines[i]);
	unlink(path);
	hd_diag_clear(&d);
	if (!cfg)
		abort();
	return cfg;
}

static const struct {
	size_t vs;
	const char *title, *body;
	const char *err; /* the first error, NULL: accepted */
	unsigned weight; /* when accepted */
	int check_type;	 /* of the first check, -1: none expected */
	unsigned connect_port;
} cases[] = {
    {0, "10.0.0.13:80", "weight = 7 tcp_check { connect_timeout = 2 }", NULL, 7, HD_CHECK_TCP, 0},
    {0, "10.0.0.13:80", "", NULL, 1, HD_CHECK_HTTP, 8080}, /* 10.0.0.12's http_check, lent */
    {0, "10.0.0.13:80", "weight = 70000", "control:1: weight: 70000 is out of range 0..65535", 0,
     -1, 0},
    {0, "10.0.0.13:80", "tcp_check { nope = 1 }", "control:1: unknown option 'nope' in tcp_check",
     0, -1, 0},
    {0, "10.0.0.13:80", "weight = 1 } real_server 10.0.0.14:80 { weight = 2",
     "control:1: real_server 10.0.0.13:80: one real_server block only", 0, -1, 0},
    {0, "10.0.0.13:80", "weight = 1 } virtual_server 1.2.3.4:80 {", "control:1: ", 0, -1, 0},
    {0, "10.0.0.13:80", "weight = 1 # }", "control:1: ", 0, -1, 0},
    {0, "10.0.0.13:80", "weight = 1 }", "control:1: ", 0, -1, 0},
    {0, "10.0.0.13:80", "weight = 1 weight = 2", "control:1: ", 0, -1, 0},
    {0, "[2001:db8::13]:80", "tcp_check { }",
     "control:1: real_server [2001:db8::13]:80: address "
     "family differs",
     0, -1, 0},
    {1, "10.0.0.13:443", "",
     "control:1: real_server 10.0.0.13:443: no check given, and the one "
     "to copy",
     0, -1, 0},
    {1, "10.0.0.13:444", "tcp_check { }",
     "control:1: real_server 10.0.0.13:444: lb_kind dr "
     "cannot change the port",
     0, -1, 0},
    {2, "[2001:db8::13]:80", "weight = 2", NULL, 2, HD_CHECK_TCP, 0},
    {3, "10.0.0.13:53", "",
     "control:1: real_server 10.0.0.13:53: no check given, and no real "
     "server",
     0, -1, 0},
    {3, "10.0.0.13:53", "misc_check { script = \"relative/path\" }", "control:1: ", 0, -1, 0},
};

static void test_cases(const struct hd_config *cfg)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_diag d = {0};
		struct hd_real_server_config rs;
		int r = hd_rs_config_parse(cfg, cases[i].vs, cases[i].title, cases[i].body,
					   "control", false, &d, &rs);
		if (cases[i].err) {
			EXPECT(r < 0 && d.n &&
				   !strncmp(d.lines[0], cases[i].err, strlen(cases[i].err)),
			       "case %zu: r=%d, first error '%s', wanted '%s'", i, r,
			       d.n ? d.lines[0] : "", cases[i].err);
		} else {
			EXPECT(r == 0, "case %zu: r=%d, '%s'", i, r, d.n ? d.lines[0] : "");
			if (r == 0) {
				EXPECT(rs.weight == cases[i].weight, "case %zu: weight %u", i,
				       rs.weight);
				EXPECT(rs.n_checks >= 1 &&
					   (int)rs.checks[0].type == cases[i].check_type &&
					   rs.checks[0].connect_port == cases[i].connect_port,
				       "case %zu: check", i);
				hd_rs_config_free(&rs);
			}
		}
		hd_diag_clear(&d);
	}
}

/* The lent check is a copy: the lender's strings stay after it is freed,
 * and the delay_loop inherited from the virtual server comes along. */
static void test_lent_copy(const struct hd_config *cfg)
{
	struct hd_diag d = {0};
	struct hd_real_server_config rs;
	const struct hd_check_config *lender = &cfg->virtual_servers[0].real_servers[1].checks[0];

	CHECK(hd_rs_config_parse(cfg, 0, "10.0.0.13:80", "weight = 4", "control", false, &d, &rs) ==
	      0);
	CHECK(rs.n_checks == 1 && rs.checks[0].path != lender->path);
	CHECK(rs.checks[0].path && !strcmp(rs.checks[0].path, "/health"));
	CHECK(rs.checks[0].n_status == lender->n_status && rs.checks[0].status != lender->status);
	CHECK(rs.checks[0].delay_loop_usec == 3000000);
	hd_rs_config_free(&rs);
	CHECK(!strcmp(lender->path, "/health"));
	hd_diag_clear(&d);
}

static void test_digest(const struct hd_config *cfg)
{
	struct hd_diag d = {0};
	struct hd_real_server_config a, b, c;

	CHECK(hd_rs_config_parse(cfg, 0, "10.0.0.13:80", "weight = 4 tcp_check { }", "control",
				 false, &d, &a) == 0);
	CHECK(hd_rs_config_parse(cfg, 0, "10.0.0.13:80", "weight = 4  tcp_check {  }", "control",
				 false, &d, &b) == 0);
	CHECK(hd_rs_config_parse(cfg, 0, "10.0.0.13:80", "weight = 4 tcp_check { rise = 3 }",
				 "control", false, &d, &c) == 0);
	CHECK(hd_rs_config_digest(&a) == hd_rs_config_digest(&b));
	CHECK(hd_rs_config_digest(&a) != hd_rs_config_digest(&c));
	CHECK(hd_rs_config_digest(&cfg->virtual_servers[0].real_servers[0]) !=
	      hd_rs_config_digest(&cfg->virtual_servers[0].real_servers[1]));
	hd_rs_config_free(&a);
	hd_rs_config_free(&b);
	hd_rs_config_free(&c);
	hd_diag_clear(&d);
}

/* While another parse holds the parser, a live add does not wait. */
static void test_busy(const struct hd_config *cfg)
{
	struct hd_diag d = {0}, other = {0};
	struct cctx c = {.file = "other", .diag = &other};
	struct hd_real_server_config rs;

	confuse_begin(&c);
	int r =
	    hd_rs_config_parse(cfg, 0, "10.0.0.13:80", "tcp_check { }", "control", true, &d, &rs);
	confuse_end();
	EXPECT(r == -EBUSY && d.n == 1 && strstr(d.lines[0], "control:1: the parser is busy"),
	       "r=%d", r);
	hd_diag_clear(&d);
	CHECK(hd_rs_config_parse(cfg, 0, "10.0.0.13:80", "tcp_check { }", "control", true, &d,
				 &rs) == 0);
	hd_rs_config_free(&rs);
	hd_diag_clear(&d);
}

int main(void)
{
	struct hd_config *cfg = load();

	test_cases(cfg);
	test_lent_copy(cfg);
	test_digest(cfg);
	test_busy(cfg);
	hd_config_free(cfg);
	return failures ? 1 : 0;
}
