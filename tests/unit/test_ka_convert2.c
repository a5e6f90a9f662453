/* daemon/kaconv: conversion rules found by the keepalived equivalence test
 * over the whole corpus, and the rules added after it (test_ka_convert.c
 * holds the first set). Each case: a keepalived.conf, the options given to
 * the converter (--rename-interface), the hadirector.conf lines it must
 * give (or must not), a message expected; every accepted conversion is
 * loaded by the daemon's own hd_config_load(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_case.h"
#include "unit.h"

#define VSG(entries)                                                                               \
	"virtual_server_group G {\n " entries "}\n"                                                \
	"virtual_server group G {\n real_server 10.9.1.1 80 {\n }\n}\n"
#define TCPCHK(cmd)                                                                                \
	"vrrp_script chk {\n script \"" cmd                                                        \
	"\"\n weight -2\n}\n" VRRP(" track_script {\n  chk\n }\n")
#define SMTP(chk)                                                                                  \
	"virtual_server 10.0.0.1 25 {\n real_server 10.9.1.1 25 {\n  connect_timeout 7\n"          \
	"  SMTP_CHECK {\n" chk "  }\n }\n}\n"
#define SYNCW(opt)                                                                                 \
	"vrrp_script chk {\n script \"/bin/true\"\n weight -20\n}\n"                               \
	"vrrp_sync_group G {\n group {\n  VI_1\n }\n" opt "}\n"

/* vrrp_track_process chk with BODY, tracked by VI_1's ENTRIES. */
#define TPROC(body, entries)                                                                       \
	"vrrp_track_process chk {\n" body "}\n" VRRP(" track_process {\n" entries " }\n")
#define SYNCD(args) "global_defs {\n lvs_sync_daemon " args "\n}\n" VRRP("")

static const char *const lab[] = {"eth0=lan0", "eth1=lan1"};

/* Converted with --rename-interface eth0=lan0 eth1=lan1, as the lab's
 * equivalence runs do. */
static const struct ka_case renamed[] = {
    /* keepalived's sample vrrp.conf in the lab: the label names the source's
     * interface, which the renamed interface line no longer shows */
    {"label of the renamed interface",
     VRRP(" virtual_ipaddress {\n  10.0.0.2\n  10.0.0.3 label eth0:1\n }\n"),
     false,
     {"interface = lan0", "virtual_address 10.0.0.3 {", "label = lan0:1"},
     {"eth0"},
     NULL},
    {"label of a renamed dev",
     VRRP(" virtual_ipaddress {\n  10.0.0.3 dev eth1 label eth1:x\n }\n"),
     false,
     {"dev = lan1", "label = lan1:x"},
     {"eth1"},
     NULL},
    {"label of another interface, renamed",
     VRRP(" virtual_ipaddress {\n  10.0.0.3 label eth1:1\n }\n"),
     true,
     {0},
     {0},
     ":8: virtual_ipaddress: label eth1:1 does not begin with the interface name eth0"},
};

static const struct ka_case cases[] = {
    {"label without renaming",
     VRRP(" virtual_ipaddress {\n  10.0.0.3 label eth0:1\n }\n"),
     false,
     {"interface = eth0", "label = eth0:1"},
     {"lan0"},
     NULL},
    /* auth_type AH: the IP Authentication Header, as keepalived sends it */
    {"AH, a password of more than 8",
     VRRP(" authentication {\n  auth_type AH\n  auth_pass 123456789\n }\n"),
     false,
     {"    type = ah", "    password = 12345678"},
     {"type = pass", "123456789"},
     ":7: warning: auth_pass: longer than 8 characters"},
    /* keepalived compares the type word exactly: TakawatP-k0s-config.conf's
     * "auth_type PASS;" sent adverts without authentication in the
     * equivalence test */
    {"auth_type PASS; (a semicolon): an unknown type, no authentication",
     VRRP(" authentication {\n  auth_type PASS;\n  auth_pass k8s_ha_pwd;\n }\n"),
     false,
     {"    type = none"},
     {"type = pass", "password"},
     ":7: warning: authentication: auth_type 'PASS;' is not AH or PASS"},
    {"auth_type pass (lower case): an unknown type to keepalived",
     VRRP(" authentication {\n  auth_type pass\n  auth_pass x\n }\n"),
     false,
     {"    type = none"},
     {"type = pass"},
     "auth_type 'pass' is not AH or PASS"},
    {"auth_pass without auth_type: keepalived authenticates nothing",
     VRRP(" authentication {\n  auth_pass x\n }\n"),
     false,
     {"    type = none"},
     {"type = pass"},
     NULL},
    /* keepalived 2.2.7 drops a weighted track_script of an address owner
     * (Sandyzie05-K8sWithHA.conf: its check never ran under keepalived) */
    {"priority 255: a weighted track_script is dropped",
     "vrrp_script chk {\n script \"/usr/bin/true\"\n weight -20\n}\n"
     "vrrp_script zero {\n script \"/usr/bin/true\"\n}\n"
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 255\n"
     " virtual_ipaddress {\n  10.0.0.1/24\n }\n track_script {\n  chk\n  zero\n }\n}\n",
     false,
     {"track_script = { zero }", "keepalived: vrrp_script chk: left out"},
     {"track_script = { chk", "chk, zero", "\nvrrp_script chk {"},
     ":16: warning: track_script chk: weighted, at priority 255: keepalived drops it"},
    {"priority 255: an entry's own weight counts too",
     "vrrp_script zero {\n script \"/usr/bin/true\"\n}\n"
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 255\n"
     " virtual_ipaddress {\n  10.0.0.1/24\n }\n track_script {\n  zero weight 5\n }\n}\n",
     false,
     {0},
     {"track_script_weight zero"},
     "track_script zero: weighted, at priority 255"},
    {"a vrrp_script nothing tracks does not run under keepalived",
     "vrrp_script idle {\n script \"/usr/bin/true\"\n}\n"
     "vrrp_script used {\n script \"/usr/bin/true\"\n}\n" VRRP(" track_script {\n  used\n }\n"),
     false,
     {"vrrp_script used {", "keepalived: vrrp_script idle: left out"},
     {"\nvrrp_script idle {"},
     ":1: warning: vrrp_script idle: nothing tracks it: keepalived does not run it"},
    {"priority 254: a weighted track_script stays",
     "vrrp_script chk {\n script \"/usr/bin/true\"\n weight -20\n}\n"
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 254\n"
     " virtual_ipaddress {\n  10.0.0.1/24\n }\n track_script {\n  chk\n }\n}\n",
     false,
     {"track_script = { chk }"},
     {0},
     NULL},
    {"AH without auth_pass: keepalived authenticates nothing",
     VRRP(" authentication {\n  auth_type AH\n }\n"),
     false,
     {"    type = none"},
     {"type = ah"},
     NULL},
    /* virtual_server_group netmasks and whole-address ranges, read as
     * keepalived 2.2.7's alloc_vsg_entry reads them */
    {"group netmask: the network's every address, network and broadcast too",
     VSG("10.0.0.0/29 80\n 10.0.0.16/32 80\n"),
     false,
     {"members = { 10.0.0.0-7:80, 10.0.0.16:80 }"},
     {"/29"},
     NULL},
    {"group netmask over several last octets",
     VSG("10.1.0.0/23 443\n"),
     false,
     {"members = { 10.1.0.0-255:443, 10.1.1.0-255:443 }"},
     {0},
     NULL},
    {"group range of whole addresses across an octet",
     VSG("10.0.0.250-10.0.1.2 80\n"),
     false,
     {"members = { 10.0.0.250-255:80, 10.0.1.0-2:80 }"},
     {0},
     NULL},
    {"group IPv6 netmask in the last group",
     "virtual_server_group G {\n 2001:db8::100/120 80\n}\n"
     "virtual_server group G {\n real_server 2001:db8:1::1 80 {\n }\n}\n",
     false,
     {"members = { [2001:db8::100-1ff]:80 }"},
     {0},
     NULL},
    {"group netmask with host bits: keepalived skips the entry",
     VSG("10.0.0.1/29 80\n 10.0.0.9 80\n"),
     false,
     {"members = { 10.0.0.9:80 }"},
     {"10.0.0.1"},
     ":2: warning: 10.0.0.1/29: host bits set"},
    {"group range ending before it starts: keepalived skips the entry",
     VSG("10.0.0.9-10.0.0.2 80\n 10.0.0.9 80\n"),
     false,
     {"members = { 10.0.0.9:80 }"},
     {0},
     ":2: warning: 10.0.0.9-10.0.0.2: the range ends before it starts"},
    {"group netmask larger than hadirector's 1024 services",
     VSG("10.0.0.0/21 80\n"),
     true,
     {0},
     {0},
     ":2: 10.0.0.0/21: 2048 addresses, more than hadirector's 1024 services"},
    {"group IPv6 netmask beyond the last group",
     VSG("2001:db8::/64 80\n"),
     true,
     {0},
     {0},
     ":2: 2001:db8::/64: more addresses than hadirector's 1024 services"},
    {"group whose every entry keepalived skips",
     VSG("10.0.0.1/29 80\n"),
     true,
     {0},
     {0},
     ":1: virtual_server_group G: no entry left"},
    /* Tgentimc-keepalived_conf.conf gives notify_master three times:
     * keepalived ran the first ("master") in the equivalence test, the
     * conversion had kept the last ("fault") */
    {"notify_master given three times: keepalived keeps the first",
     VRRP(" notify_master \"/bin/echo master\"\n notify_master \"/bin/echo backup\"\n"
	  " notify_master \"/bin/echo fault\"\n notify_stop /bin/true\n"
	  " notify_stop /bin/false\n"),
     false,
     {"notify_master = \"/bin/echo master\"", "notify_stop = /bin/true"},
     {"notify_master = \"/bin/echo fault\"", "notify_master = \"/bin/echo backup\"",
      "= /bin/false"},
     ":8: warning: notify_master: given again: keepalived keeps the first one"},
    {"notify_down and quorum_up given twice: keepalived keeps the first",
     "virtual_server 10.0.0.1 80 {\n quorum_up /bin/true\n quorum_up /bin/false\n"
     " real_server 10.9.1.1 80 {\n  notify_down /bin/true\n  notify_down /bin/false\n"
     " }\n}\n",
     false,
     {"quorum_up = /bin/true", "notify_down = /bin/true"},
     {"= /bin/false"},
     ":6: warning: notify_down: given again"},
    {"a sync group's notify given twice: keepalived keeps the first",
     VRRP("") "vrrp_sync_group G {\n group {\n  VI_1\n }\n notify /bin/true\n"
	      " notify /bin/false\n}\n",
     false,
     {"notify = /bin/true"},
     {"= /bin/false"},
     ":13: warning: notify: given again"},
    {"a vrrp_script's script given twice: keepalived keeps the last",
     "vrrp_script chk {\n script /bin/false\n script /bin/true\n}\n" VRRP(" track_script {\n"
									  "  chk\n }\n"),
     false,
     {"script = /bin/true"},
     {"= /bin/false"},
     NULL},
    /* acassen-keepalived-vrrp.localcheck.conf: keepalived runs "</FILE"
     * with /bin/sh; dash has no /dev/tcp, bash connects */
    {"</dev/tcp with dash as /bin/sh: fails every time",
     TCPCHK("</dev/tcp/127.0.0.1/80"),
     false,
     {"script = /usr/bin/false", "# keepalived: '</dev/tcp/127.0.0.1/80' through /bin/sh"},
     {"nc -z", "true"},
     ":2: warning: script: keepalived runs '</dev/tcp/127.0.0.1/80' with /bin/sh, here dash, "
     "which has no /dev/tcp: the check fails every time"},
    {"</dev/tcp with bash as /bin/sh: nc -z",
     TCPCHK("< /dev/tcp/db.example/mysql"),
     false,
     {"script = \"/bin/true -z db.example mysql\""},
     {"false"},
     ":2: warning: script: keepalived's /bin/sh, bash, connects to db.example port mysql"},
    {"</dev/tcp with bash as /bin/sh, no nc",
     TCPCHK("</dev/tcp/127.0.0.1/80"),
     true,
     {0},
     {0},
     ":2: script: keepalived's /bin/sh, bash, connects to 127.0.0.1 port 80"},
    {"</dev/tcp, /bin/sh not known",
     TCPCHK("</dev/tcp/127.0.0.1/80"),
     true,
     {0},
     {0},
     ":2: script: keepalived runs '</dev/tcp/127.0.0.1/80' through /bin/sh as a test"},
    {"</dev/tcp followed by more shell",
     TCPCHK("</dev/tcp/127.0.0.1/80 && /bin/true"),
     true,
     {0},
     {0},
     ":2: script: keepalived runs '</dev/tcp/127.0.0.1/80 && /bin/true' through /bin/sh"},
    {"</FILE, not /dev/tcp",
     TCPCHK("</etc/passwd"),
     true,
     {0},
     {0},
     ":2: script: keepalived runs '</etc/passwd' through /bin/sh"},
    /* acassen-keepalived-SMTP_CHECK.conf: keepalived 2.2.7 checks a host
     * block without its own connect_timeout with a 0 s timeout (the real
     * server stayed down under keepalived in the equivalence test) */
    {"SMTP_CHECK host without connect_timeout: warning, the SMTP_CHECK's",
     SMTP("  connect_timeout 10\n  host {\n   connect_ip 10.9.1.2\n  }\n"),
     false,
     {"connect_ip = 10.9.1.2\n            connect_timeout = 10"},
     {0},
     ":6: warning: host: no connect_timeout of its own: keepalived 2.2.7 checks this host "
     "with a 0 s timeout"},
    {"SMTP_CHECK host with its own connect_timeout",
     SMTP("  host {\n   connect_ip 10.9.1.2\n   connect_timeout 3\n  }\n"),
     false,
     {"connect_ip = 10.9.1.2\n            connect_timeout = 3"},
     {"connect_timeout = 7", "keepalived 2.2.7 checks this host"},
     NULL},
    /* keepalived 2.2.7 ignores weighted tracking in a sync group (unless
     * sync_group_tracking_weight) and of an address owner */
    {"sync group member: weighted script dropped, interface weight cleared",
     SYNCW("") VRRP(" track_script {\n  chk\n }\n track_interface {\n  eth1 weight 5\n"
		    "  eth2\n }\n"),
     false,
     {"track_interface = { eth1, eth2 }"},
     {"track_script", "_weight", "script = "},
     ":17: warning: track_script chk: weighted, in a vrrp_sync_group: keepalived drops it"},
    {"sync group member: the interface's warning",
     SYNCW("") VRRP(" track_interface {\n  eth1 weight 5\n }\n"),
     false,
     {"track_interface = { eth1 }"},
     {"_weight"},
     ":17: warning: track_interface eth1: weighted, in a vrrp_sync_group: keepalived "
     "ignores the weight"},
    {"sync group with sync_group_tracking_weight: weights kept",
     SYNCW(" sync_group_tracking_weight\n")
	 VRRP(" track_script {\n  chk\n }\n track_interface {\n  eth1 weight 5\n }\n"),
     false,
     {"track_script = { chk }", "track_interface_weight eth1 {", "weight = -20"},
     {0},
     NULL},
    {"address owner: a weighted track_interface is dropped",
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 255\n"
     " virtual_ipaddress {\n  10.0.0.1/24\n }\n track_interface {\n  eth1 weight 5\n"
     "  eth2\n }\n}\n",
     false,
     {"track_interface = { eth2 }"},
     {"eth1"},
     ":9: warning: track_interface eth1: weighted, at priority 255: keepalived drops it"},
    /* coregear-linux.conf: the user guide's misspelling is no keyword to
     * keepalived, which ran no sync daemon; the first interface wins */
    {"lvs_sync_daemon_inteface: not a keepalived keyword",
     VRRP(" lvs_sync_daemon_inteface eth1\n"),
     false,
     {0},
     {"lvs_sync_daemon {"},
     ":7: warning: lvs_sync_daemon_inteface: not a keepalived keyword"},
    {"lvs_sync_daemon_interface in two instances: the first",
     VRRP(" lvs_sync_daemon_interface eth1\n") "vrrp_instance VI_2 {\n interface eth0\n "
					       "virtual_router_id 52\n"
					       " virtual_ipaddress {\n  10.0.0.2/24\n }\n "
					       "lvs_sync_daemon_interface eth0\n}\n",
     false,
     {"lvs_sync_daemon {\n    interface = eth1\n    vrrp_instance = VI_1"},
     {"interface = eth0\n    vrrp_instance"},
     ":15: warning: lvs_sync_daemon_interface: a sync daemon interface is already given"},
    /* keepalived >= 2.0: lvs_sync_daemon IF [[inst] INSTANCE] [id N] [maxlen N]
     * [port N] [ttl N] [group IP] (keepalived.conf(5)) */
    {"lvs_sync_daemon with inst and id",
     SYNCD("eth1 inst VI_1 id 7"),
     false,
     {"lvs_sync_daemon {\n    interface = eth1\n    vrrp_instance = VI_1\n    syncid = 7"},
     {0},
     NULL},
    {"lvs_sync_daemon: the sync id defaults to the instance's VRID",
     SYNCD("eth1 VI_1"),
     false,
     {"vrrp_instance = VI_1", "syncid = 51  # keepalived's default: the instance's "
			      "virtual_router_id"},
     {0},
     NULL},
    {"lvs_sync_daemon: a number after the instance is the sync id (older form)",
     SYNCD("eth1 VI_1 9"),
     false,
     {"vrrp_instance = VI_1\n    syncid = 9"},
     {"syncid = 51"},
     NULL},
    /* the kernel's sync parameters keep their names (hadirector.conf(5)) */
    {"lvs_sync_daemon: port, maxlen, ttl and an IPv4 group carried over",
     SYNCD("eth1 inst VI_1 port 8849 maxlen 1400 ttl 4 group 239.0.0.9"),
     false,
     {"syncid = 51", "maxlen = 1400", "port = 8849", "ttl = 4", "group = 239.0.0.9"},
     {"warning"},
     NULL},
    {"lvs_sync_daemon: an IPv6 group carried over",
     SYNCD("eth1 VI_1 id 3 group ff02::1:5"),
     false,
     {"syncid = 3", "group = ff02::1:5"},
     {"maxlen", "ttl", "port"},
     NULL},
    {"lvs_sync_daemon: maxlen 0 is not converted",
     SYNCD("eth1 VI_1 id 3 maxlen 0"),
     false,
     {"syncid = 3"},
     {"maxlen"},
     ":2: warning: lvs_sync_daemon: maxlen '0' is not in range: not converted"},
    {"lvs_sync_daemon: ttl 256 is not converted",
     SYNCD("eth1 VI_1 ttl 256"),
     false,
     {"vrrp_instance = VI_1"},
     {"ttl", "256"},
     ":2: warning: lvs_sync_daemon: ttl '256' is not in range"},
    {"lvs_sync_daemon: port 65536 is not converted",
     SYNCD("eth1 VI_1 port 65536"),
     false,
     {"vrrp_instance = VI_1"},
     {"port", "65536"},
     ":2: warning: lvs_sync_daemon: port '65536' is not in range"},
    {"lvs_sync_daemon: a unicast group is not converted",
     SYNCD("eth1 VI_1 group 10.0.0.9"),
     false,
     {"vrrp_instance = VI_1"},
     {"group", "10.0.0.9\n"},
     ":2: warning: lvs_sync_daemon: group '10.0.0.9' is not a multicast address"},
    {"lvs_sync_daemon: an option without its value",
     SYNCD("eth1 VI_1 id"),
     false,
     {"syncid = 51"},
     {0},
     ":2: warning: lvs_sync_daemon: no value after 'id': keepalived ignores it"},
    {"lvs_sync_daemon: an unknown option",
     SYNCD("eth1 VI_1 id 4 mtu 9000"),
     false,
     {"syncid = 4"},
     {"mtu", "9000"},
     ":2: warning: lvs_sync_daemon: unknown option 'mtu': keepalived ignores it"},
    {"lvs_sync_daemon: an id out of range",
     SYNCD("eth1 inst VI_1 id 300"),
     false,
     {"syncid = 51"},
     {"300"},
     ":2: warning: lvs_sync_daemon: id '300' is not 0..255"},
    {"lvs_sync_daemon without an instance: both daemons at once, refused",
     SYNCD("eth1 id 3"),
     true,
     {0},
     {0},
     ":2: lvs_sync_daemon eth1: no vrrp instance: keepalived then runs the master and the "
     "backup sync daemon all the time"},
    {"lvs_sync_daemon naming no instance: keepalived runs none",
     SYNCD("eth1 inst VI_9"),
     false,
     {0},
     {"lvs_sync_daemon {"},
     ":2: warning: lvs_sync_daemon: no vrrp_instance VI_9: keepalived runs no sync daemon"},
    {"lvs_sync_daemon given twice: the first",
     "global_defs {\n lvs_sync_daemon eth1 VI_1\n lvs_sync_daemon eth0 VI_1 id 4\n}\n" VRRP(""),
     false,
     {"interface = eth1", "syncid = 51"},
     {"interface = eth0\n    vrrp", "syncid = 4"},
     ":3: warning: lvs_sync_daemon: a sync daemon is already given (line 2)"},
    {"lvs_sync_daemon_interface: the sync id stays 0 (keepalived's default for it)",
     VRRP(" lvs_sync_daemon_interface eth1\n"),
     false,
     {"lvs_sync_daemon {\n    interface = eth1\n    vrrp_instance = VI_1\n}"},
     {"syncid"},
     NULL},
    /* vrrp_track_process: parameters, param_match, full_command, weight ...
     * reverse (keepalived.conf(5), keepalived 2.2.7) */
    {"track_process: param_match partial",
     TPROC(" process sleep 100 \"a b\"\n param_match partial\n", "  chk\n"),
     false,
     {"process = sleep", "parameters = { 100, \"a b\" }", "full_command = true",
      "param_match = partial"},
     {0},
     NULL},
    {"track_process: param_match alone: no parameters",
     TPROC(" process sleep\n param_match\n", "  chk\n"),
     false,
     {"param_match = exact", "full_command = true"},
     {"parameters"},
     NULL},
    {"track_process: param_match initial before the process line",
     TPROC(" param_match initial\n process /bin/sleep 10\n", "  chk\n"),
     false,
     {"param_match = initial", "parameters = { 10 }", "full_command = true"},
     {"full_command = true\n    full_command"},
     NULL},
    {"track_process: an unknown param_match",
     TPROC(" process sleep\n param_match full\n", "  chk\n"),
     false,
     {"process = sleep"},
     {"param_match", "full_command"},
     ":3: warning: param_match: 'full' is not initial or partial: keepalived ignores it"},
    {"track_process: full_command",
     TPROC(" process svc-a\n full_command\n", "  chk\n"),
     false,
     {"process = svc-a", "full_command = true"},
     {"parameters", "param_match"},
     NULL},
    {"track_process: weight reverse",
     TPROC(" process sleep\n weight 10 reverse\n", "  chk\n"),
     false,
     {"weight = 10", "reverse = true", "track_process = { chk }"},
     {0},
     NULL},
    {"track_process: a weight's unknown option",
     TPROC(" process sleep\n weight 10 backwards\n", "  chk\n"),
     false,
     {"weight = 10"},
     {"reverse", "backwards"},
     ":3: warning: weight: option 'backwards' is not reverse: keepalived ignores it"},
    {"track_process: the instance's weight reverse",
     TPROC(" process sleep\n", "  chk weight -5 reverse\n"),
     false,
     {"track_process_weight chk {", "weight = -5", "reverse = true"},
     {"track_process = {"},
     NULL},
    {"track_process: the instance's noreverse",
     TPROC(" process sleep\n weight 4 reverse\n", "  chk weight 4 noreverse\n"),
     false,
     {"track_process_weight chk {", "reverse = false"},
     {0},
     NULL},
    {"track_process naming no vrrp_track_process: keepalived ignores it",
     TPROC(" process sleep\n", "  chk\n  nope\n"),
     false,
     {"track_process = { chk }"},
     {"nope"},
     ":12: warning: track_process nope: no such vrrp_track_process; keepalived ignores it"},
    {"track_process twice: the first",
     TPROC(" process sleep\n", "  chk weight 3\n  chk\n"),
     false,
     {"track_process_weight chk {", "weight = 3"},
     {"track_process = {"},
     ":12: warning: track_process chk: already tracked"},
    {"track_process in a sync group: the weight stays (keepalived 2.2.7)",
     TPROC(" process sleep\n",
	   "  chk weight 10\n") "vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n",
     false,
     {"track_process_weight chk {\n        weight = 10"},
     {0},
     NULL},
    {"track_process of the address owner: a weight is ignored",
     "vrrp_track_process chk {\n process sleep\n weight 10\n}\n"
     "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 255\n"
     " virtual_ipaddress {\n  10.0.0.1/24\n }\n track_process {\n  chk\n }\n}\n",
     false,
     {0},
     {"track_process = {"},
     ":13: warning: track_process chk: weighted, at priority 255"},
    {"track_process: a path without full_command never matches under keepalived",
     TPROC(" process /bin/sleep\n", "  chk\n"),
     false,
     {"process = /bin/sleep"},
     {"full_command"},
     ":2: warning: process /bin/sleep: without full_command keepalived compares it with the "
     "kernel's 15-byte process name and never finds it"},
};

/* The cases above that say what /bin/sh is, and whether nc is installed. */
static const struct shell {
	const char *name, *sh;
	bool no_nc;
} shells[] = {
    {"</dev/tcp with dash as /bin/sh: fails every time", "dash", false},
    {"</dev/tcp with bash as /bin/sh: nc -z", "bash", false},
    {"</dev/tcp with bash as /bin/sh, no nc", "bash", true},
    {"</dev/tcp, /bin/sh not known", NULL, false},
    {"</dev/tcp followed by more shell", "dash", false},
    {"</FILE, not /dev/tcp", "bash", false},
};

/* The case's line of shells[], or NULL. */
static const struct shell *shell_of(const char *name)
{
	for (size_t k = 0; k < sizeof(shells) / sizeof(shells[0]); k++)
		if (!strcmp(shells[k].name, name))
			return &shells[k];
	return NULL;
}

static int vshell(void *ud, char *out, size_t len)
{
	const struct shell *sh = ud;

	if (!sh || !sh->sh)
		return -ENOENT;
	snprintf(out, len, "%s", sh->sh);
	return 0;
}

static char *vwhich(void *ud, const char *cmd)
{
	const struct shell *sh = ud;
	char *p = NULL;

	if (!strcmp(cmd, "nc")) /* an nc the daemon loads */
		return sh->no_nc ? NULL : strdup("/bin/true");
	return asprintf(&p, "/usr/bin/%s", cmd) < 0 ? NULL : p;
}

int main(void)
{
	struct ka_conv_opts co = {.shell = vshell};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		co.ud = (void *)shell_of(cases[i].name);
		co.which = co.ud ? vwhich : NULL;
		failures += ka_case_check(&cases[i], &co);
	}
	co = (struct ka_conv_opts){
	    .shell = vshell, .rename_if = lab, .n_rename_if = sizeof(lab) / sizeof(lab[0])};
	for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		failures += ka_case_check(&renamed[i], &co);
	return failures ? 1 : 0;
}
