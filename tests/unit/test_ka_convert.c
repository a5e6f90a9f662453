/* daemon/kaconv/ka_convert.c, ka_rules*.c: one keepalived.conf per rule,
 * the hadirector.conf lines it must give (or must not), its messages, and
 * every converted text loaded by the daemon's own hd_config_load(), as
 * `hadirector -t --from-keepalived` does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kaconv/ka_convert.h"
#include "unit.h"

static const char *text;

static int vload(void *ud, const char *path, char **out)
{
	(void)ud;
	(void)path;
	return (*out = strdup(text)) ? 0 : -ENOMEM;
}

static int vglob(void *ud, const char *pattern, char ***paths, size_t *n)
{
	(void)ud;
	(void)pattern;
	*paths = NULL;
	*n = 0;
	return 0;
}

/* keepalived would find these in PATH. */
static char *which(void *ud, const char *cmd)
{
	char *p = NULL;

	(void)ud;
	if (strcmp(cmd, "true") && strcmp(cmd, "pidof"))
		return NULL;
	return asprintf(&p, "/usr/bin/%s", cmd) < 0 ? NULL : p;
}

/* A resolver that knows one name: the conversion must not depend on the
 * machine's DNS. */
static int resolve(void *ud, const char *name, char *out, size_t len)
{
	(void)ud;
	if (strcmp(name, "mail.example.test"))
		return -1;
	snprintf(out, len, "192.0.2.25");
	return 0;
}

#define VRRP(body)                                                                                 \
	"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"                           \
	" virtual_ipaddress {\n  10.0.0.1/24\n }\n" body "}\n"
#define VS(body) "virtual_server 10.0.0.1 80 {\n" body "}\n"
#define RS(body) VS(" real_server 10.0.1.1 80 {\n" body " }\n")
#define MAX	 6

static const struct {
	const char *name, *in;
	bool refused;
	const char *want[MAX];	/* lines (or parts) the output must have */
	const char * not [MAX]; /* ... and must not */
	const char *msg;	/* a message (error or warning) expected */
} cases[] = {
    {"vrrp defaults",
     VRRP(" state MASTER\n priority 100\n advert_int 1\n"),
     false,
     {"vrrp_instance VI_1 {", "    interface = eth0",
      "    state = backup  # keepalived: state "
      "MASTER",
      "    version = 2  # keepalived's default", "virtual_ipaddress = { 10.0.0.1/24 }"},
     {"preempt"},
     NULL},
    {"master at 255",
     VRRP(" state MASTER\n priority 255\n nopreempt\n"),
     false,
     {"state = master", "keepalived: nopreempt: left out (at priority 255)"},
     {"preempt ="},
     ":9: warning: nopreempt: keepalived clears it at priority 255"},
    {"nopreempt with MASTER",
     VRRP(" state MASTER\n nopreempt\n preempt_delay 5\n"),
     false,
     {"state = backup", "nopreempt: left out (with state MASTER)",
      "preempt_delay: left out (with state MASTER)"},
     {"preempt =", "preempt_delay ="},
     ":9: warning: preempt_delay: keepalived clears it"},
    {"nopreempt",
     VRRP(" state BACKUP\n nopreempt\n preempt_delay 10\n"),
     false,
     {"preempt = false", "state = backup", "preempt_delay: left out (with nopreempt)"},
     {"preempt_delay ="},
     NULL},
    {"preempt_delay",
     VRRP(" state BACKUP\n preempt_delay 10\n"),
     false,
     {"preempt_delay = 10", "state = backup"},
     {0},
     NULL},
    {"global version and garp",
     "global_defs {\n vrrp_version 3\n vrrp_garp_master_delay 10\n}\n" VRRP(" advert_int 0.5\n"),
     false,
     {"version = 3", "garp_master_delay = 10", "advert_int = 0.5"},
     {0},
     NULL},
    {"ipv6 is version 3",
     "vrrp_instance V6 {\n interface eth0\n virtual_router_id 5\n"
     " virtual_ipaddress {\n  2001:db8::1/64\n }\n}\n",
     false,
     {"version = 3  # IPv6 needs version 3", "{ 2001:db8::1/64 }"},
     {0},
     NULL},
    {"authentication",
     VRRP(" authentication {\n  auth_type PASS\n  auth_pass secret123456\n }\n"),
     false,
     {"authentication {", "type = pass", "password = secret12"},
     {0},
     "warning: auth_pass: longer than 8"},
    {"authentication AH",
     VRRP(" authentication {\n  auth_type AH\n  auth_pass x\n }\n"),
     false,
     {"    type = ah", "    password = x"},
     {"type = pass"},
     NULL},
    {"authentication with version 3",
     VRRP(" version 3\n authentication {\n auth_type PASS\n"
	  " auth_pass x\n }\n"),
     false,
     {"keepalived: authentication: left out"},
     {"type = pass"},
     "warning: authentication: keepalived ignores it"},
    {"unicast",
     VRRP(" unicast_src_ip 10.0.0.2\n unicast_peer {\n  10.0.0.3\n  10.0.0.4\n }\n"),
     false,
     {"unicast_src_ip = 10.0.0.2", "unicast_peer = { 10.0.0.3, 10.0.0.4 }"},
     {0},
     NULL},
    {"tracking",
     "vrrp_script chk {\n script \"/usr/bin/true\"\n interval 2\n weight -20\n}\n" VRRP(
	 " track_script {\n  chk\n }\n track_interface {\n  eth0\n  eth1 weight -5\n"
	 " }\n"),
     false,
     {"vrrp_script chk {", "timeout = 2  # keepalived's default: the interval",
      "track_script = { chk }", "track_interface = { eth0 }", "track_interface_weight eth1 {",
      "weight = -5"},
     {0},
     NULL},
    {"script weight override",
     "vrrp_script chk {\n script /usr/bin/true\n}\n" VRRP(" track_script {\n  chk weight 10\n }\n"),
     false,
     {"interval = 1", "track_script_weight chk {", "weight = 10"},
     {0},
     NULL},
    {"relative command",
     "vrrp_script chk {\n script \"pidof haproxy\"\n}\n" VRRP(" track_script {\n  chk\n }\n"),
     false,
     {"script = \"/usr/bin/pidof haproxy\""},
     {0},
     NULL},
    {"command not found",
     "vrrp_script chk {\n script \"nosuchcmd x\"\n}\n" VRRP(" track_script {\n  chk\n }\n"),
     true,
     {0},
     {0},
     ":2: script: command not found in PATH"},
    {"per-script user",
     VRRP(" notify_master /usr/bin/true nobody\n"),
     true,
     {0},
     {0},
     ":7: notify_master: per-script user"},
    {"script's user is everyone's",
     "global_defs {\n script_user nobody\n}\n" VRRP(" notify_master /usr/bin/true nobody\n"),
     false,
     {"notify_master = /usr/bin/true", "script_user = nobody"},
     {0},
     NULL},
    {"script's user root",
     VRRP(" notify_master /usr/bin/true root\n"),
     false,
     {"notify_master = /usr/bin/true"},
     {0},
     NULL},
    {"libconfuse ${} escaped",
     VRRP(" notify \"/usr/bin/true ${HOME} a\\\\b\"\n"),
     false,
     {"notify = \"/usr/bin/true \\${HOME} a\\\\\\\\b\""},
     {0},
     NULL},
    {"vip options",
     VRRP(" virtual_ipaddress {\n  10.0.0.2 dev eth0 scope global\n"
	  "  10.0.0.3/24 dev eth1 label eth1:web scope link brd +\n }\n"),
     false,
     {"virtual_ipaddress = { 10.0.0.2 }", "virtual_address 10.0.0.3/24 {", "dev = eth1",
      "label = eth1:web", "scope = link", "brd = 10.0.0.255"},
     {"scope = global", "dev = eth0"},
     NULL},
    {"vip excluded",
     VRRP(" virtual_ipaddress_excluded {\n  10.0.0.9\n  2001:db8::9/64 dev eth1 scope link\n"
	  " }\n"),
     false,
     {"virtual_ipaddress_excluded = { 10.0.0.9 }", "virtual_address 2001:db8::9/64 {",
      "excluded = yes"},
     {"scope"},
     ":9: warning: virtual_ipaddress: 2001:db8::9/64: label, scope and brd have no effect"},
    {"vip label of another interface",
     VRRP(" virtual_ipaddress {\n  10.0.0.2\n  10.0.0.3 label eth1:1\n }\n"),
     true,
     {0},
     {0},
     ":9: virtual_ipaddress: label eth1:1 does not begin with the interface name eth0"},
    {"vip option hadirector lacks",
     VRRP(" virtual_ipaddress {\n  10.0.0.2\n  10.0.0.3 preferred_lft 0\n }\n"),
     true,
     {0},
     {0},
     ":9: virtual_ipaddress: per-address preferred_lft"},
    {"use_vmac",
     VRRP(" use_vmac\n vmac_xmit_base\n"),
     false,
     {"use_vmac = true", "vmac_xmit_base = true"},
     {"vmac_name"},
     NULL},
    {"use_vmac NAME",
     VRRP(" use_vmac vrrp.7\n"),
     false,
     {"use_vmac = true", "vmac_name = vrrp.7"},
     {0},
     NULL},
    {"dont_track_primary",
     VRRP(" dont_track_primary\n"),
     false,
     {"dont_track_primary = true"},
     {0},
     NULL},
    {"track_process",
     "vrrp_track_process chk {\n process haproxy\n quorum 2\n quorum_max 4\n delay 2\n"
     " weight -20\n}\n" VRRP(" track_process {\n  chk\n }\n"),
     false,
     {"vrrp_track_process chk {", "process = haproxy", "quorum = 2", "delay = 2", "weight = -20",
      "track_process = { chk }"},
     {0},
     NULL},
    {"track_process with parameters",
     "vrrp_track_process chk {\n process haproxy -f /etc/h.cfg\n}\n" VRRP(""),
     true,
     {0},
     {0},
     ":2: process haproxy -f...: hadirector matches the program name only"},
    {"vip placeholder: keepalived skips it",
     VRRP(" virtual_ipaddress {\n  __VIP__/27\n }\n"),
     false,
     {0},
     {"__VIP__"},
     ":8: warning: virtual_ipaddress: '__VIP__/27' is not an IP address: keepalived skips it"},
    {"vrrp_script without a script: keepalived removes it and its tracking",
     "vrrp_script chk {\n interval 2\n}\n" VRRP(" track_script {\n  chk\n }\n"),
     false,
     {"# keepalived: vrrp_script chk: left out (no script)"},
     {"vrrp_script chk {", "track_script = { chk }"},
     ":1: warning: vrrp_script chk: no script: keepalived removes it"},
    {"an instance without addresses in VRRP version 2: keepalived runs it",
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
     " unicast_src_ip 10.0.0.1\n unicast_peer {\n  10.0.0.2\n }\n}\n",
     false,
     {"version = 2"},
     {"virtual_ipaddress"},
     ":1: warning: vrrp_instance VI_1: no virtual_ipaddress: keepalived runs VRRP without "
     "addresses"},
    {"an instance without addresses in version 3: keepalived refuses it",
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n version 3\n}\n",
     true,
     {0},
     {0},
     ":1: vrrp_instance VI_1: no virtual_ipaddress: keepalived refuses that in VRRP version 3"},
    {"... unless no_virtual_ipaddress",
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n version 3\n"
     " no_virtual_ipaddress\n}\n",
     false,
     {"version = 3"},
     {0},
     NULL},
    {"a '</FILE' script: keepalived's shell test, refused with why",
     "vrrp_script chk {\n script \"</dev/tcp/127.0.0.1/80\"\n}\n" VRRP(
	 " track_script {\n  chk\n }\n"),
     true,
     {0},
     {0},
     ":2: script: keepalived runs '</dev/tcp/127.0.0.1/80' through /bin/sh"},
    {"unknown keyword",
     VRRP(" no_such_keyword 1\n"),
     false,
     {"# keepalived: no_such_keyword 1: left out (unknown keyword)"},
     {0},
     ":7: warning: no_such_keyword: not a keepalived keyword"},
    {"known, not converted",
     VRRP(" vrrp_garp_interval 1\n"),
     true,
     {0},
     {0},
     ":7: vrrp_garp_interval: not converted in vrrp_instance"},
    {"vrrp_strict",
     "global_defs {\n vrrp_strict\n}\n" VRRP(""),
     false,
     {"# keepalived: vrrp_strict: left out"},
     {0},
     ":2: warning: vrrp_strict: hadirector adds"},
    {"sync group",
     "vrrp_sync_group G {\n group {\n  VI_1\n }\n notify_master /usr/bin/true\n}\n" VRRP(""),
     false,
     {"vrrp_sync_group G {", "group = { VI_1 }", "notify_master = /usr/bin/true"},
     {0},
     NULL},
    {"sync group without members",
     "vrrp_sync_group G {\n VI_1\n}\n" VRRP(""),
     false,
     {"keepalived: vrrp_sync_group G: left out"},
     {"group ="},
     ":1: warning: vrrp_sync_group G: no group"},
    {"comments",
     "! keepalived file\nglobal_defs {\n router_id lb1 # this one\n}\n# the VRRP\n" VRRP(
	 " priority 150 ! higher\n"),
     false,
     {"# keepalived file\nglobal {", "router_id = lb1  # this one", "# the VRRP\nvrrp_",
      "priority = 150  # higher"},
     {0},
     NULL},
    {"virtual server defaults",
     RS("  TCP_CHECK {\n   connect_timeout 3\n  }\n"),
     false,
     {"virtual_server 10.0.0.1:80 {", "delay_loop = 60  # keepalived's default",
      "lb_kind = nat  # keepalived's default", "real_server 10.0.1.1:80 {",
      "retry = 1  # keepalived's default", "warmup = 60"},
     {0},
     NULL},
    {"aliases",
     VS(" delay_loop 5\n lvs_sched RR\n lvs_method DR\n persistence_timeout\n"
	" real_server 10.0.1.1 80 {\n  TCP_CHECK {\n   nb_get_retry 3\n"
	"   connect_port 8080\n  }\n }\n"),
     false,
     {"lb_algo = rr", "lb_kind = dr", "persistence_timeout = 360", "retry = 3",
      "connect_port = 8080", "warmup = 5"},
     {"= 60"},
     NULL},
    {"http urls",
     RS("  HTTP_GET {\n   url {\n    path /a\n    status_code 200 301\n   }\n"
	"   url {\n    path /b\n    digest 9b3a0c85a887a256d6939da88aabd8cd\n   }\n"
	"  }\n"),
     false,
     {"http_check {\n            path = /a\n            status_code = { 200,301 }", "path = /b",
      "digest = 9b3a0c85a887a256d6939da88aabd8cd",
      "delay_before_retry = 3  # keepalived's default"},
     {0},
     NULL},
    {"https",
     RS("  SSL_GET {\n   url {\n    path /\n   }\n  }\n"),
     false,
     {"https_check {", "verify = false"},
     {0},
     NULL},
    {"misc check",
     RS("  MISC_CHECK {\n   misc_path \"/usr/bin/true a\"\n   misc_timeout 4\n"
	"   misc_dynamic\n  }\n"),
     false,
     {"misc_check {", "script = \"/usr/bin/true a\"", "timeout = 4", "dynamic_weight = true"},
     {"retry"},
     NULL},
    {"misc timeout default",
     VS(" delay_loop 7\n real_server 10.0.1.1 80 {\n  MISC_CHECK {\n"
	"   misc_path /usr/bin/true\n   delay_loop 3\n  }\n }\n"),
     false,
     {"delay_loop = 3", "timeout = 7  # keepalived's default: the virtual server's"},
     {0},
     NULL},
    {"inherited checker options",
     VS(" connect_timeout 2\n real_server 10.0.1.1 80 {\n"
	"  delay_before_retry 4\n  TCP_CHECK {\n  }\n }\n"),
     false,
     {"connect_timeout = 2", "delay_before_retry = 4"},
     {0},
     NULL},
    {"fwmark",
     "virtual_server fwmark 7 {\n lb_kind DR\n real_server 10.0.1.1 {\n }\n}\n",
     false,
     {"virtual_server fwmark:7 {", "real_server 10.0.1.1 {"},
     {0},
     NULL},
    {"sorry server and flags",
     VS(" lb_algo sh\n sh-port\n sh-fallback\n sorry_server 10.0.9.9 80\n"),
     false,
     {"sched_flags = { sh-port, sh-fallback }", "sorry_server = 10.0.9.9:80"},
     {0},
     NULL},
    /* e-mail alerts: a real server mails by default (keepalived), the
     * sender is hadirector's when the file names none (warned) */
    {"e-mail sent",
     "global_defs {\n notification_email {\n  a@b\n }\n smtp_server 10.0.0.9\n}\n" RS(""),
     false,
     {"alert_email {\n    to = { \"a@b\" }\n    smtp_server = 10.0.0.9\n}",
      "real_server 10.0.1.1:80 {\n        smtp_alert = true  # keepalived: smtp_alert_checker"},
     {"from ="},
     ":5: warning: smtp_server: no notification_email_from"},
    {"e-mail: every keyword",
     "global_defs {\n notification_email {\n  acassen\n  ops@x.loc b@y.loc\n }\n"
     " notification_email_from a@b\n smtp_server 10.0.0.9 2525\n smtp_helo_name h.example\n"
     " smtp_connect_timeout 20\n smtp_alert_checker off\n}\n" VRRP(" smtp_alert # mail\n") RS(""),
     false,
     {"to = { acassen, \"ops@x.loc\", \"b@y.loc\" }", "from = \"a@b\"", "smtp_server = 10.0.0.9",
      "smtp_port = 2525", "helo_name = h.example", "connect_timeout = 20"},
     {"real_server 10.0.1.1:80 {\n        smtp_alert"},
     NULL},
    {"e-mail: the instance's own smtp_alert, with its comment",
     "global_defs {\n notification_email {\n  a@b\n }\n notification_email_from a@b\n"
     " smtp_server 10.0.0.9\n}\n" VRRP(" smtp_alert # mail\n"),
     false,
     {"vrrp_instance VI_1 {\n    smtp_alert = true  # mail"},
     {0},
     NULL},
    {"e-mail: global smtp_alert for instances",
     "global_defs {\n notification_email {\n  a@b\n }\n notification_email_from a@b\n"
     " smtp_server 10.0.0.9\n smtp_alert\n}\n" VRRP(""),
     false,
     {"smtp_alert = true  # keepalived: smtp_alert_vrrp / smtp_alert"},
     {0},
     NULL},
    {"e-mail: a real server's own off wins, a virtual server's is its quorum's",
     "global_defs {\n notification_email {\n  a@b\n }\n notification_email_from a@b\n"
     " smtp_server 10.0.0.9\n}\n" VS(
	 " smtp_alert\n real_server 10.0.1.1 80 {\n  smtp_alert off\n }\n"),
     false,
     {"alert_email {"},
     {"smtp_alert = true"},
     ":8: warning: virtual_server: smtp_alert: hadirector mails no quorum changes"},
    {"e-mail: a server name that does not resolve: keepalived sends no mail",
     "global_defs {\n notification_email {\n  a@b\n }\n smtp_server mail.invalid\n}\n" RS(""),
     false,
     {"# keepalived: smtp_server mail.invalid: left out"},
     {"alert_email", "smtp_alert"},
     ":5: warning: smtp_server: 'mail.invalid' does not resolve here; keepalived resolves it "
     "once at start and sends no mail when that fails"},
    {"e-mail: a server name, resolved as keepalived does at start",
     "global_defs {\n notification_email {\n  a@b\n }\n"
     " smtp_server mail.example.test 2525\n}\n" RS(""),
     false,
     {"smtp_server = 192.0.2.25  # keepalived resolves 'mail.example.test' at start; resolved when "
      "converted",
      "smtp_port = 2525", "smtp_alert = true"},
     {0},
     NULL},
    {"e-mail: an address hadirector cannot write on the wire",
     "global_defs {\n notification_email {\n  <a@b>\n }\n notification_email_from x@y\n"
     " smtp_server 10.0.0.9\n}\n" RS(""),
     true,
     {0},
     {0},
     ":3: <a@b>: '<a@b>' is not an address"},
    {"e-mail: a bad port",
     "global_defs {\n notification_email {\n  a@b\n }\n notification_email_from x@y\n"
     " smtp_server 10.0.0.9 70000\n}\n" RS(""),
     true,
     {0},
     {0},
     ":6: smtp_server: port '70000' is not 1..65535"},
    {"e-mail never sent: no part alerts",
     "global_defs {\n notification_email {\n  a@b\n }\n smtp_server 1.2.3.4\n"
     "}\n" VRRP(""),
     false,
     {"alert_email {"},
     {"smtp_alert", "left out"},
     NULL},
    {"a repeated virtual address: written once (keepalived 2.2.7 repeats it in adverts)",
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
     " virtual_ipaddress {\n  10.0.0.1/24\n  10.0.0.1/32 label eth0:1\n  10.0.0.2\n }\n}\n",
     false,
     {"virtual_ipaddress = { 10.0.0.1/24, 10.0.0.2 }"},
     {"eth0:1"},
     ":6: warning: virtual_ipaddress: 10.0.0.1 is listed twice (first at line 5): written once; "
     "keepalived 2.2.7 sets it once too but lists it twice in its adverts"},
    {"e-mail never sent: no recipient",
     "global_defs {\n smtp_server 1.2.3.4\n smtp_alert\n}\n" VRRP(""),
     false,
     {"keepalived: smtp_server 1.2.3.4: left out (keepalived mails only with both"},
     {"alert_email", "smtp_alert ="},
     NULL},
    {"PING_CHECK",
     RS("  PING_CHECK {\n  }\n"),
     false,
     {"ping_check {\n            retry = 1"},
     {0},
     NULL},
    {"lvs_sync_daemon",
     "global_defs {\n lvs_sync_daemon eth1 VI_1 id 5\n}\n" VRRP(""),
     false,
     {"lvs_sync_daemon {", "interface = eth1", "vrrp_instance = VI_1", "syncid = 5"},
     {0},
     NULL},
    {"old lvs_sync_daemon_interface",
     VRRP(" lvs_sync_daemon_interface eth1\n"),
     false,
     {"lvs_sync_daemon {", "interface = eth1", "vrrp_instance = VI_1"},
     {0},
     NULL},
    {"no interface",
     "vrrp_instance X {\n virtual_router_id 1\n virtual_ipaddress {\n 1.2.3.4\n"
     " }\n}\n",
     true,
     {0},
     {0},
     ":1: vrrp_instance X: no interface"},
    {"unknown tracked script",
     VRRP(" track_script {\n  nosuch\n }\n"),
     false,
     {0},
     {"track_script"},
     ":8: warning: track_script nosuch: no vrrp_script nosuch"},
    {"unknown group member",
     "vrrp_sync_group G {\n group {\n  VI_1\n  VI_9\n }\n}\n" VRRP(""),
     false,
     {"group = { VI_1 }"},
     {"VI_9 }"},
     ":4: warning: group VI_9: no vrrp_instance VI_9"},
    {"shell characters in a notify keepalived execs as words: quoted words",
     VRRP(" notify_master \"/bin/echo MASTER > /run/x\"\n"),
     false,
     {"notify_master = \"/bin/echo MASTER '>' /run/x\""},
     {0},
     ":7: warning: notify_master: keepalived execs /bin/echo with the other words as its "
     "arguments"},
    {"shell syntax in a notify whose program is not here (keepalived: the shell)",
     VRRP(" notify_master \"/nonexistent/x MASTER > /run/x\"\n"),
     true,
     {0},
     {0},
     ":7: notify_master: not one simple command"},
    {"a script's own user that does not exist: keepalived ignores the script",
     VRRP(" notify_master /usr/bin/true no-such-user-hd\n"),
     false,
     {"# keepalived: notify_master /usr/bin/true no-such-user-hd: left out (keepalived "
      "ignores it here)"},
     {"notify_master ="},
     ":7: warning: notify_master: no user 'no-such-user-hd' here: keepalived ignores the script"},
    {"SMTP_CHECK host blocks: a check each (keepalived's checker per host)",
     RS("  SMTP_CHECK {\n   helo_name h.example\n   host {\n    connect_ip 10.0.2.1\n"
	"    connect_port 587\n    bindto 10.0.0.9\n   }\n   host {\n    connect_ip 10.0.2.2\n"
	"   }\n  }\n"),
     false,
     {"smtp_check {\n            connect_ip = 10.0.2.1\n            connect_port = 587\n"
      "            bind_ip = 10.0.0.9\n            helo_name = h.example",
      "smtp_check {\n            connect_ip = 10.0.2.2\n            helo_name = h.example"},
     {"smtp_check {\n            helo_name"},
     NULL},
    {"SMTP_CHECK host blocks and its own connect_timeout: the real server checked too",
     RS("  SMTP_CHECK {\n   connect_timeout 7\n   host {\n    connect_ip 10.0.2.1\n   }\n  }\n"),
     false,
     {"smtp_check {\n            connect_ip = 10.0.2.1\n            connect_timeout = 7",
      "smtp_check {\n            connect_timeout = 7"},
     {0},
     NULL},
    {"sorry_server without a value",
     VS(" sorry_server\n"),
     true,
     {0},
     {0},
     ":2: sorry_server: needs an address and a port"},
    {"not a number", VRRP(" advert_int high\n"), true, {0}, {0}, ":7: advert_int: 'high' is not"},
    {"a priority keepalived does not take: its default 100",
     VRRP(" priority 100,comment\n"),
     false,
     {"priority = 100  # keepalived's default: '100,comment' is not 1..255"},
     {0},
     ":7: warning: priority: '100,comment' is not 1..255: keepalived runs with its default 100"},
    {"priority 0: keepalived's default 100",
     VRRP(" priority 0\n"),
     false,
     {"priority = 100"},
     {0},
     ":7: warning: priority: '0' is not 1..255"},
    {"virtual_server_group: members of virtual_server group:NAME, twice used",
     "virtual_server_group G {\n 10.0.0.1 80\n 10.0.0.3-10 80\n}\n"
     "virtual_server group G {\n real_server 10.0.1.1 80 {\n  PING_CHECK {\n"
     "   connect_timeout 2\n  }\n }\n}\n"
     "virtual_server group G {\n protocol UDP\n real_server 10.0.1.1 80 {\n }\n}\n",
     false,
     {"# keepalived: virtual_server_group G: left out (written as the members of its "
      "virtual_server group)",
      "virtual_server group:G {\n    members = { 10.0.0.1:80, 10.0.0.3-10:80 }  # keepalived's "
      "virtual_server_group G",
      "virtual_server group:G-2 {", "ping_check {\n            connect_timeout = 2"},
     {"virtual_server_group G {"},
     NULL},
    {"virtual_server_group nobody uses: keepalived runs nothing for it",
     "virtual_server_group G {\n 10.0.0.1 80\n}\n" VRRP(""),
     false,
     {"# keepalived: virtual_server_group G: left out (no virtual_server uses it)"},
     {"members"},
     ":1: warning: virtual_server_group G: no virtual_server uses it"},
    {"virtual_server group of no virtual_server_group",
     "virtual_server group G {\n real_server 10.0.1.1 80 {\n }\n}\n",
     true,
     {0},
     {0},
     ":1: virtual_server group G: no virtual_server_group G"},
    {"virtual_server_group entries hadirector cannot take",
     "virtual_server_group G {\n 10.0.0.0/29 80\n 10.0.0.9\n fwmark 3 inet6\n}\n"
     "virtual_server group G {\n real_server 10.0.1.1 80 {\n }\n}\n",
     true,
     {0},
     {0},
     ":3: 10.0.0.9: a group entry without a port is not converted"},
    {"virtual_server_group of both families: IPv6 in brackets, refused",
     "virtual_server_group G {\n 10.0.0.1 80\n ae00::2-9 80\n}\n"
     "virtual_server group G {\n real_server 10.0.1.1 80 {\n }\n}\n",
     true,
     {0},
     {0},
     ":3: ae00::2-9: IPv4 and IPv6 in one group (hadirector's group has one family)"},
    {"virtual_routes: each line a virtual_route",
     VRRP(" virtual_routes {\n  src 10.0.0.1 10.9.0.0/24 via 10.0.0.254 dev eth1 metric 5\n"
	  "  10.8.0.0/24 via 10.0.0.253 or 10.0.0.254 table 100\n  blackhole 10.7.0.0/24\n"
	  "  default gw 10.0.0.254 table 101\n }\n"),
     false,
     {"    virtual_route {\n        to = 10.9.0.0/24\n        via = 10.0.0.254\n"
      "        dev = eth1\n        src = 10.0.0.1\n        metric = 5\n    }",
      "via = { 10.0.0.253, 10.0.0.254 }", "table = 100",
      "to = 10.7.0.0/24\n        type = blackhole", "to = 0.0.0.0/0\n        via = 10.0.0.254"},
     {"virtual_routes"},
     ":7: warning: virtual_routes: hadirector adds a route only where none is"},
    {"static_routes: keepalived's scope global written out",
     "static_routes {\n 10.6.0.0/24 dev eth3\n 10.5.0.0/24 dev eth3 scope link\n}\n" VRRP(""),
     false,
     {"static_route {\n    to = 10.6.0.0/24\n    dev = eth3\n    scope = global  # keepalived's "
      "default",
      "to = 10.5.0.0/24\n    dev = eth3\n    scope = link\n}"},
     {0},
     NULL},
    {"rules: keepalived's automatic preference, a rule it skips left out",
     "static_rules {\n from 10.1.0.0/16 table 1\n to 10.2.0./24 table 1\n}\n" VRRP(
	 " virtual_rules {\n  from 10.3.0.0/16 table 2\n  fwmark 0x10/0xff lookup 3 preference 99\n"
	 "  to 2001:db8::/32 prohibit\n }\n"),
     false,
     {"static_rule {\n    from = 10.1.0.0/16\n    table = 1\n    priority = 16384",
      "from = 10.3.0.0/16\n        table = 2\n        priority = 16383",
      "table = 3\n        priority = 99\n        fwmark = 0x10/0xff",
      "to = 2001:db8::/32\n        type = prohibit\n        priority = 16384",
      "# keepalived: to 10.2.0./24 table 1: left out"},
     {0},
     ":3: warning: to: '10.2.0./24' is not an address; keepalived reports it and skips"},
    {"a route option hadirector lacks",
     VRRP(" virtual_routes {\n  10.9.0.0/24 via 10.0.0.254 mtu 1400\n }\n"),
     true,
     {0},
     {0},
     ":8: 10.9.0.0/24: route option mtu: hadirector has none"},
    {"static_ipaddress",
     "static_ipaddress {\n 10.9.9.9/32 dev eth1 scope link label eth1:m\n}\n" VRRP(""),
     false,
     {"static_address 10.9.9.9/32 {\n    dev = eth1\n    scope = link\n    label = eth1:m\n}"},
     {0},
     NULL},
    {"static_ipaddress without dev",
     "static_ipaddress {\n 10.9.9.9/32\n}\n" VRRP(""),
     true,
     {0},
     {0},
     ":2: static_ipaddress 10.9.9.9/32: no dev"},
};

/* The daemon's own check on the text (script checks included: the
 * scripts above are /usr/bin/true). */
static void daemon_loads(const char *name, const char *conf)
{
	char tmp[] = "/tmp/test_ka_convert-XXXXXX";
	int fd = mkstemp(tmp);
	struct hd_diag d = {0};

	if (fd < 0 || write(fd, conf, strlen(conf)) != (ssize_t)strlen(conf)) {
		EXPECT(0, "%s: temporary file", name);
		return;
	}
	close(fd);
	struct hd_config *cfg = hd_config_load(tmp, &d);
	EXPECT(cfg, "%s: hd_config_load rejects the conversion: %s\n%s", name,
	       d.n ? d.lines[0] : "", conf);
	hd_config_free(cfg);
	hd_diag_clear(&d);
	unlink(tmp);
}

static void one(size_t i)
{
	struct ka_read_opts ro = {.io = {vload, vglob, NULL}};
	struct ka_conv_opts co = {.source = "k.conf", .which = which, .resolve = resolve};
	struct ka_msgs m = {0};
	struct ka_tree *t;
	char *out;

	text = cases[i].in;
	t = ka_read("k.conf", &ro, &m);
	out = t ? ka_convert(t, &co, &m) : NULL;
	EXPECT(out, "%s: no output", cases[i].name);
	if (!out)
		goto done;
	EXPECT((m.errors > 0) == cases[i].refused, "%s: %u errors (%s)\n%s", cases[i].name,
	       m.errors, m.diag.n ? m.diag.lines[0] : "", out);
	for (int k = 0; k < MAX && cases[i].want[k]; k++)
		EXPECT(strstr(out, cases[i].want[k]), "%s: no '%s' in\n%s", cases[i].name,
		       cases[i].want[k], out);
	for (int k = 0; k < MAX && cases[i].not [k]; k++)
		EXPECT(!strstr(out, cases[i].not [k]), "%s: '%s' in\n%s", cases[i].name,
		       cases[i].not [k], out);
	bool found = !cases[i].msg;
	for (size_t k = 0; k < m.diag.n; k++) {
		found |= cases[i].msg && strstr(m.diag.lines[k], cases[i].msg);
		EXPECT(!strncmp(m.diag.lines[k], "k.conf:", 7), "%s: no FILE:LINE: %s",
		       cases[i].name, m.diag.lines[k]);
	}
	EXPECT(found, "%s: no message '%s' (%s)", cases[i].name, cases[i].msg,
	       m.diag.n ? m.diag.lines[0] : "none");
	if (!cases[i].refused)
		daemon_loads(cases[i].name, out);
done:
	free(out);
	ka_tree_free(t);
	ka_msgs_clear(&m);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		one(i);
	return failures ? 1 : 0;
}
