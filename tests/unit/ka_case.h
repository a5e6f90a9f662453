/* The harness of test_ka_convert and test_ka_convert2 (daemon/kaconv/):
 * one keepalived.conf per case, read from memory as k.conf, converted with
 * the test's options and held against what the conversion must give; an
 * accepted one is loaded by the daemon's own hd_config_load(), as
 * `hadirector -t --from-keepalived` does. */
#ifndef HD_TEST_KA_CASE_H
#define HD_TEST_KA_CASE_H

#include <stdbool.h>

#include "kaconv/ka_convert.h"

#define KA_CASE_MAX 6

/* An instance around BODY, the usual start of a VRRP case. */
#define VRRP(body)                                                                                 \
	"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"                           \
	" virtual_ipaddress {\n  10.0.0.1/24\n }\n" body "}\n"

struct ka_case {
	const char *name, *in;
	bool refused;			/* an error expected: the conversion is refused */
	const char *want[KA_CASE_MAX];	/* lines (or parts) the output must have */
	const char * not [KA_CASE_MAX]; /* ... and must not */
	const char *msg;		/* a message (error or warning) expected */
};

/* Converts C's keepalived.conf with CO (its source set to k.conf here)
 * and says each way the result differs from C (every message must also
 * begin with k.conf:LINE). Returns how many it found, for main()'s exit. */
int ka_case_check(const struct ka_case *c, const struct ka_conv_opts *co);

#endif
