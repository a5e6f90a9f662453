#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan) into BUILD_DIR,
# outside automake: the daemon sources each target needs are compiled
# directly. Usage: tests/fuzz/build.sh BUILD_DIR
# Environment: CC (default clang), FUZZ_CFLAGS (extra flags).
# Prints the names of the targets built, one per line, on stdout.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
out=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-clang}
command -v "$CC" >/dev/null 2>&1 || {
	echo "build.sh: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
}
mkdir -p "$out"

# The daemon sources include autoconf's config.h; a stand-in is enough.
cat >"$out/config.h" <<'EOH'
#define PACKAGE "hadirector"
#define PACKAGE_NAME "hadirector"
#define PACKAGE_VERSION "fuzz"
#define PACKAGE_STRING "hadirector fuzz"
#define VERSION "fuzz"
EOH

SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# The warnings of configure.ac (WARN_CFLAGS), but not as errors: the gcc
# build enforces -Werror, and a warning only clang gives in some module's
# file must not make the fuzz smoke test fail.
CFLAGS="-std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter $SAN ${FUZZ_CFLAGS:-}"
CPPFLAGS="-D_GNU_SOURCE -I$out -I$src -I$src/daemon/base -I$src/daemon -DSYSCONFDIR=\"/etc\" -DRUNSTATEDIR=\"/run\""

# target NAME "SOURCES" "PKG-CONFIG MODULES" "EXTRA FLAGS"
# A source that is not there (moved, renamed) fails the build loudly: a
# target left out silently would stop being fuzzed with nobody noticing.
built=""
target() {
	name=$1 srcs=$2 pkgs=$3 ldx=$4
	cf="" lf=""
	for s in "tests/fuzz/$name.c" $srcs; do
		[ -f "$src/$s" ] && continue
		echo "build.sh: $name: $s is missing (moved or renamed? update its line in $0)" >&2
		exit 1
	done
	if [ -n "$pkgs" ]; then
		cf=$(pkg-config --cflags $pkgs)
		lf=$(pkg-config --libs $pkgs)
	fi
	files="$src/tests/fuzz/$name.c"
	for s in $srcs; do files="$files $src/$s"; done
	# shellcheck disable=SC2086
	$CC $CFLAGS $CPPFLAGS $cf -o "$out/$name" $files $ldx $lf -lm
	built="$built $name"
	echo "$name"
}

CONFIG_SRCS="daemon/config.c daemon/config_announce.c announce/announce_policy.c daemon/config_confuse.c daemon/config_vrrp.c daemon/config_lvs.c daemon/config_validate.c daemon/config_route.c daemon/config_vrrp_proc.c daemon/base/script_path.c daemon/base/addr.c daemon/config_alert.c daemon/alert_smtp.c healthcheck/hc_smtp_reply.c"
# getpwnam() is replaced by a fixed table in the target (see fuzz_config.c).
target fuzz_config "$CONFIG_SRCS" libconfuse "-Wl,--wrap=getpwnam"
# Its dictionary: every option and section name of the schema, plus the
# syntax and value words, so mutations produce options the parser knows.
{
	grep -oh '\<\(O\|L\|SEC\|TSEC\)("[a-z_0-9]*"' "$src"/daemon/config*.c |
		sed 's/.*("//; s/"$//' | grep -v '^__' | sort -u
	printf '%s\n' ' = ' ' { ' ' } ' ', ' ' += ' '"' "'" '#' '//' '/*' '*/' '${' '${FUZZ_A}' \
		':-' 'true' 'no' 'fwmark:' '/udp' '/sctp' '192.168.168.100' '[2001:db8::1]:80' \
		':80' '/24' '0.01' '-254' '255' '65535' '"/bin/true"' 'nobody' 'eth0' \
		'200-299' 'inet6' 'gue' 'tun' 'nat' 'sh-port' 'mh-fallback' 'pass' 'master'
} | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' >"$out/fuzz_config.dict"
target fuzz_ctl "daemon/ctl_proto.c" "" ""
target fuzz_metrics_req "daemon/metrics_req.c" "" ""

target fuzz_vrrp_pkt "vrrp/vrrp_pkt.c daemon/base/addr.c" "" "-I$src/vrrp"
target fuzz_http_resp "healthcheck/hc_http_resp.c healthcheck/hc_http_parse.c healthcheck/hc_http_hdr.c healthcheck/hc_http_req.c daemon/base/addr.c" "libcrypto" "-I$src/healthcheck"
target fuzz_dns_pkt "healthcheck/hc_dns_pkt.c" "" "-I$src/healthcheck"
target fuzz_smtp_reply "healthcheck/hc_smtp_reply.c" "" "-I$src/healthcheck"
target fuzz_agent_line "healthcheck/hc_agent_line.c" "" "-I$src/healthcheck"
target fuzz_fwd_reply "healthcheck/hc_fwd_pkt.c" "" "-I$src/healthcheck"
target fuzz_snmp_wire "daemon/snmp_wire.c daemon/snmp_tables.c" "" ""
# keepalived.conf reader and converter (hadirector --from-keepalived).
KA_SRCS="daemon/kaconv/ka_reader.c daemon/kaconv/ka_lines.c daemon/kaconv/ka_convert.c daemon/kaconv/ka_rules.c daemon/kaconv/ka_rules_vrrp.c daemon/kaconv/ka_rules_lvs.c daemon/kaconv/ka_rules_group.c daemon/kaconv/ka_rules_mail.c daemon/kaconv/ka_rules_proc.c daemon/kaconv/ka_rules_route.c daemon/kaconv/ka_kwlist.c daemon/base/script_path.c daemon/base/addr.c daemon/alert_smtp.c healthcheck/hc_smtp_reply.c"
target fuzz_ka_reader "$KA_SRCS" "" "-I$src/daemon/kaconv"
target fuzz_ipvs_genl "ipvs/ipvs_genl.c ipvs/ipvs_reply.c ipvs/ipvs_model.c ipvs/ipvs_diff.c ipvs/ipvs_order.c daemon/base/addr.c daemon/base/nl_errno.c" "libnl-genl-3.0" "-I$src/ipvs"

# Every target file here has a line above, is shipped (EXTRA_DIST) and has
# seeds: a file nobody builds or runs would look fuzzed and not be.
for f in "$src"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	case " $built " in
	*" $name "*) ;;
	*)
		echo "build.sh: tests/fuzz/$name.c has no target line in $0" >&2
		exit 1
		;;
	esac
	grep -q "tests/fuzz/$name\.c" "$src/tests/fuzz/local.mk" || {
		echo "build.sh: tests/fuzz/$name.c is not in EXTRA_DIST (tests/fuzz/local.mk)" >&2
		exit 1
	}
	[ -d "$src/tests/fuzz/corpus/$name" ] || {
		echo "build.sh: $name has no seeds (tests/fuzz/corpus/$name/)" >&2
		exit 1
	}
done
