#!/bin/sh
# The layers (issue 19), kept by a test: every #include "..." of the daemon's
# sources is resolved the way the compiler does (the file's own directory,
# then -I top_srcdir, daemon/base, daemon: Makefile.am) and refused when it
# goes the wrong way:
#  - daemon/base/ (log, json, addresses, config model, spawn, the context
#    and loop helpers) includes only daemon/base/: it uses no module and
#    nothing of daemon/;
#  - a module (vrrp/, healthcheck/, ipvs/) includes the base, its own files,
#    and of another module only its public headers (PUBLIC below), never a
#    daemon/ header: daemon/ is the top, it wires the modules through the
#    table in daemon/modules.c and may include any of them.
# "config.h" is autoconf's (build directory). An include that resolves to
# no file is refused too: the check would otherwise pass by not seeing it.
# SRCDIR (default $top_srcdir) lets a test run it on another tree.
cd "${SRCDIR:-${top_srcdir:?run through make check}}" || exit 99

PUBLIC="vrrp/vrrp.h vrrp/vrrp_view.h healthcheck/hc.h healthcheck/hc_view.h"
PUBLIC="$PUBLIC ipvs/ipvs.h ipvs/ipvs_view.h announce/announce.h announce/announce_view.h"

# Exceptions, one "FILE HEADER" per line, each with its reason. Keep it
# short: an entry is a layering bug someone is about to fix.
ALLOW=$(sed 's/[[:space:]]*#.*//; /^$/d' <<'EOF'
EOF
)

fails=0
bad() {
	echo "layering: $1: $2"
	fails=$((fails + 1))
}

# Where #include "NAME" in FILE lands (path relative to the tree), or "".
resolve() {
	dir=${1%/*}
	for p in "$dir/$2" "$2" "daemon/base/$2" "daemon/$2"; do
		if [ -f "$p" ]; then
			# normalise a/b/../c (alert_smtp.h includes ../healthcheck/...)
			echo "$p" | sed -e ':a' -e 's#[^/]*/\.\./##' -e 'ta' -e 's#^\./##'
			return
		fi
	done
}

layer() {
	case $1 in
	daemon/base/*) echo base ;;
	daemon/*) echo top ;;
	vrrp/* | healthcheck/* | ipvs/* | announce/*) echo "${1%%/*}" ;;
	*) echo other ;;
	esac
}

is_public() {
	for h in $PUBLIC; do [ "$1" = "$h" ] && return 0; done
	return 1
}

allowed() {
	printf '%s\n' "$ALLOW" | grep -qxF "$1 $2"
}

files=$(find daemon vrrp healthcheck ipvs announce -name '*.[ch]' | sort)
[ -n "$files" ] || { echo "no sources found"; exit 99; }
n=0
for f in $files; do
	from=$(layer "$f")
	incs=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	for i in $incs; do
		[ "$i" = config.h ] && continue
		n=$((n + 1))
		t=$(resolve "$f" "$i")
		if [ -z "$t" ]; then
			bad "$f" "#include \"$i\" resolves to no file"
			continue
		fi
		allowed "$f" "$t" && continue
		to=$(layer "$t")
		case $from/$to in
		base/base | top/*) ;;
		base/*) bad "$f" "the base includes $t ($to): the base uses no module and nothing of daemon/" ;;
		*/top) bad "$f" "a module includes $t: daemon/ headers are for daemon/ (give the module what it needs in daemon/base/)" ;;
		*/base) ;;
		*)
			[ "$from" = "$to" ] && continue
			is_public "$t" || bad "$f" "includes $t, internal to $to/ (not one of its public headers)"
			;;
		esac
	done
done
if [ "$fails" -ne 0 ]; then
	echo "FAIL - $fails include(s) against the layers"
	exit 1
fi
echo "ok - $n includes of $(echo "$files" | wc -l) files follow the layers"
