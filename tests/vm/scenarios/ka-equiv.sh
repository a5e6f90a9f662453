#!/bin/bash
# Inside the VM: keepalived (Debian's) runs a keepalived.conf of the corpus,
# then hadirector runs its conversion, one after the other on the same lab;
# what each did is recorded and compared, normalised (issue 20):
#   ipvs.alive / ipvs.dead   `ipvsadm -Sn` (and the sync daemons) once the
#                            checks settled, real servers answering / dead
#   addr.alive / addr.dead   the addresses on each interface, same moments
#   adverts                  the first 3 adverts of each source and VRID on
#                            the wire (version, VRID, priority, interval,
#                            addresses, authentication, source, destination)
#   adverts.last             the last one (priority 0 when the master stops)
#   stopped                  the table and addresses once the daemon stopped
#   scripts                  the scripts that ran, with their arguments
#   pair                     two directors on one link (the second one's
#                            priorities 10 lower): the addresses of both
#                            before, and of the survivor after SIGKILL of
#                            every process of the master, and the first 2
#                            adverts of each source (the survivor's: after
#                            it took over)
# The file is prepared by tests/keepalived/equiv/equiv.py: each script's
# program becomes a recorder (the same for both daemons; it fails while the
# servers are dead), check timers are capped at a few seconds, interfaces
# become lanN (sed for keepalived, --rename-interface for the converter).
# Real servers and unicast peers are addresses of a 'world' namespace with
# TCP/UDP listeners on every address:port the file names.
# A difference fails unless tests/keepalived/equiv/expect/FILE lists it and
# the converter printed the warning that announces it (see that directory's
# README). Arguments: corpus file names.
. "$(dirname "$0")/../lib.sh"

EQ=$top_srcdir/tests/keepalived/equiv
CORPUS=$top_srcdir/tests/keepalived/corpus
KA=$(command -v keepalived) || { echo "FAIL - keepalived is not installed"; exit 1; }
assert "ip_vs loads" vm_load_ipvs
W=${KA_EQUIV_WORKER:-} # a worker of a parallel run (see the end): its own namespaces
NW=eq$W-w ND=eq$W-d
NSS=("$NW" "${ND}1" "${ND}2")
VM_NS+=("${NSS[@]}")
NFILES=0 NDIFF=0 NEXPECT=0

teardown() {
	local ns p
	for ns in "${NSS[@]}"; do
		ip netns list | grep -qw "$ns" || continue
		for p in $(ip netns pids "$ns"); do kill -9 "$p" 2>/dev/null; done
	done
	sleep 0.2
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	return 0
}

# topo N: the world and N directors; each lan is a bridge in the world.
topo() {
	local n=$1 i=0 k ent lan addr a
	teardown
	for k in w $(seq 1 "$n"); do
		[ "$k" = w ] && ns="$NW" || ns=$ND$k
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip netns exec "$NW" sysctl -qw net.ipv4.ip_forward=1
	for a in $WORLD; do ip -n "$NW" addr add "$a/32" dev lo; done
	for ent in $LANS; do
		IFS=: read -r lan _ a1 a2 <<<"$ent"
		ip -n "$NW" link add "b$i" type bridge
		ip -n "$NW" link set "b$i" up
		ip -n "$NW" addr add "10.255.$i.254/24" dev "b$i"
		[ "$n" = 1 ] && [ "$a2" != "10.255.$i.2" ] && ip -n "$NW" addr add "$a2/32" dev "b$i"
		for k in $(seq 1 "$n"); do
			[ "$k" = 1 ] && addr=$a1 || addr=$a2
			ip link add "eq${W}v$k-$i" type veth peer name "eq${W}p$k-$i"
			ip link set "eq${W}p$k-$i" netns "$NW"
			ip link set "eq${W}v$k-$i" netns "$ND$k"
			ip -n "$ND$k" link set "eq${W}v$k-$i" name "$lan"
			ip -n "$NW" link set "eq${W}p$k-$i" master "b$i" up
			ip -n "$ND$k" addr add "$addr/24" dev "$lan"
			ip -n "$ND$k" link set "$lan" up
			ip -n "$NW" route replace "$addr/32" dev "b$i"
			if [ $i = 0 ]; then
				for a in $WORLD; do ip -n "$ND$k" route replace "$a/32" dev "$lan"; done
				# checks bound to these (bindto) get their answers back
				for a in $BIND; do
					ip -n "$ND$k" addr add "$a/32" dev "$lan"
					[ "$k" = 1 ] && ip -n "$NW" route replace "$a/32" dev "b$i"
				done
			fi
		done
		i=$((i + 1))
	done
}

# The daemon: WHO (ka|hd) in director K with config FILE; logs in $R.
start() { # WHO K FILE (logs: $R/WHO.$MODE.dK.log)
	local out=$R/$1.$MODE.d$2
	if [ "$1" = ka ]; then
		ip netns exec "$ND$2" "$KA" -n -l -D -G -i main -f "$3" -p "$out.pid" \
			-r "$out.vrrp.pid" -c "$out.chk.pid" -b "$out.bfd.pid" >"$out.log" 2>&1 &
	else
		ip netns exec "$ND$2" "$HD" -n -l -f "$3" -p "$out.pid" -s "$out.sock" \
			>"$out.log" 2>&1 &
	fi
	DPID=$!
}
stop() { # PID: SIGTERM, then wait (keepalived takes its time to clean up)
	kill -TERM "$1" 2>/dev/null
	wait_for 15 sh -c "! kill -0 $1 2>/dev/null" || { kill -9 "$1"; echo "# $1 did not stop"; }
	wait "$1" 2>/dev/null
}

# Which of two addresses in one subnet is primary ('secondary') depends on
# which instance became master first, within the same milliseconds: left out.
addrs() { # NS: addresses, without lifetimes, link-local and loopback ones
	ip -n "$1" -o addr show | sed -e 's/\\.*//' -e 's/^[0-9]*: //' -e 's/ tentative//' \
		-e 's/ secondary//' |
		grep -v -e ' scope host' -e 'inet6 fe80:' | tr -s ' ' | sed 's/ $//' | sort
}
ipvs() { # NS
	ip netns exec "$1" ipvsadm -Sn | sort
	ip netns exec "$1" ipvsadm -Ln --daemon
}
snap() { ipvs "${ND}1"; addrs "${ND}1"; }
# The checks settle: at least SETTLE seconds, then nothing changes for 2 s.
settle() {
	local t=0 last="" cur same=0
	sleep "$SETTLE"
	while [ $t -lt 60 ] && [ $same -lt 4 ]; do
		cur=$(snap)
		[ "$cur" = "$last" ] && same=$((same + 1)) || same=0
		last=$cur
		sleep 0.5
		t=$((t + 1))
	done
}

capture() { # NS IFACE FILE: tcpdump of VRRP into FILE, returns once it listens
	ip netns exec "$1" tcpdump -i "$2" --immediate-mode -U -n -s 256 -w "$3" 'ip proto 112 or ip proto 51 or ip6 proto 112' \
		2>"$3.err" &
	CAPS+=($!)
	wait_for 5 grep -q listening "$3.err"
}

single() { # WHO CONF: one director, servers alive then dead
	local who=$1 o=$R/$1 ent lan p
	MODE=single
	mkdir -p "$o"
	topo 1
	CAPS=()
	for ent in $LANS; do capture "${ND}1" "${ent%%:*}" "$o/${ent%%:*}.pcap"; done
	rm -f "$P/dead" "$P/scripts.log"
	if [ -n "$LISTEN" ]; then
		# shellcheck disable=SC2086
		ip netns exec "$NW" python3 "$EQ/equiv.py" listen $LISTEN >"$o/listen.log" 2>&1 &
		LPID=$!
		wait_for 5 grep -q listening "$o/listen.log"
	fi
	start "$who" 1 "$2"
	settle
	echo "# $who: alive settled $(date +%T)"
	ipvs "${ND}1" >"$o/ipvs.alive"
	addrs "${ND}1" >"$o/addr.alive"
	if [ "$HAS_VS$HAS_CHECKS" != 00 ]; then
		[ -n "$LISTEN" ] && kill -9 "$LPID"
		touch "$P/dead"
		settle
		ipvs "${ND}1" >"$o/ipvs.dead"
		addrs "${ND}1" >"$o/addr.dead"
	fi
	echo "# $who: dead settled $(date +%T)"
	stop "$DPID"
	echo "# $who: stopped $(date +%T)"
	{ ipvs "${ND}1"; addrs "${ND}1"; } >"$o/stopped"
	sleep 0.5 # the last adverts reach the capture file
	for p in "${CAPS[@]}"; do kill "$p"; done
	wait "${CAPS[@]}" 2>/dev/null
	for ent in $LANS; do
		lan=${ent%%:*}
		python3 "$EQ/equiv.py" adverts "$o/$lan.pcap" 3 | sed "s/^/$lan /"
	done >"$o/adverts"
	for ent in $LANS; do
		lan=${ent%%:*}
		python3 "$EQ/equiv.py" adverts "$o/$lan.pcap" -1 | sed "s/^/$lan /"
	done >"$o/adverts.last"
	sort -u "$P/scripts.log" >"$o/scripts" 2>/dev/null
	teardown
}

pair() { # WHO CONF1 CONF2: the master of a pair is killed
	local who=$1 o=$R/$1 ent i=0 d1 d2 p
	MODE=pair
	topo 2
	CAPS=()
	for ent in $LANS; do capture "$NW" "b$i" "$o/pair.b$i.pcap"; i=$((i + 1)); done
	rm -f "$P/dead"
	start "$who" 1 "$2"; d1=$DPID
	sleep "$PAIRWAIT"
	start "$who" 2 "$3"; d2=$DPID
	sleep "$PAIRWAIT"
	{
		echo "before d1:"; addrs "${ND}1"
		echo "before d2:"; addrs "${ND}2"
	} >"$o/pair"
	for p in $(ip netns pids "${ND}1"); do kill -9 "$p"; done
	wait "$d1" 2>/dev/null
	sleep "$PAIRWAIT"
	{ echo "after d2:"; addrs "${ND}2"; } >>"$o/pair"
	stop "$d2"
	sleep 0.5
	for p in "${CAPS[@]}"; do kill "$p"; done
	wait "${CAPS[@]}" 2>/dev/null
	i=0
	for ent in $LANS; do
		# the survivor's AH sequence numbers continue above the killed
		# master's, which sent as many as it had time for: not compared
		python3 "$EQ/equiv.py" adverts "$o/pair.b$i.pcap" 2 | sed -e "s/^/${ent%%:*} /" -e "s/ seq [0-9]*$/ seq N/"
		i=$((i + 1))
	done >>"$o/pair"
	teardown
}

# The differences of one file, 'OBSERVABLE: < keepalived-only line' or '>'.
differences() {
	local obs
	for obs in ipvs.alive ipvs.dead addr.alive addr.dead adverts adverts.last stopped scripts pair; do
		[ -e "$R/ka/$obs" ] || [ -e "$R/hd/$obs" ] || continue
		diff "$R/ka/$obs" "$R/hd/$obs" | grep '^[<>]' | sed "s/^/$obs: /"
	done
}

# KA_EQUIV_JOBS=J (the whole corpus, `make check-ka-equiv-all`): J workers
# at once, each this script on every J-th file in its own namespaces (eqJ-*).
# Nothing compared depends on timing (states once settled, the first and
# last adverts' contents), and both daemons of a file run in one worker, one
# after the other, as in a sequential run.
if [ -z "$W" ] && [ "${KA_EQUIV_JOBS:-1}" -gt 1 ] && [ $# -gt 1 ]; then
	files=("$@") wpids=()
	for ((j = 1; j <= KA_EQUIV_JOBS; j++)); do
		mine=()
		for ((i = j - 1; i < ${#files[@]}; i += KA_EQUIV_JOBS)); do mine+=("${files[i]}"); done
		[ ${#mine[@]} -gt 0 ] || continue
		KA_EQUIV_WORKER=$j bash "$0" "${mine[@]}" >"$VM_DIR/worker$j.out" 2>&1 &
		wpids+=("$j:$!")
	done
	for w in "${wpids[@]}"; do
		wait "${w#*:}" || FAILS=$((FAILS + 1))
		echo "# worker ${w%%:*}:"
		cat "$VM_DIR/worker${w%%:*}.out"
	done
	vm_done
fi

for f in "$@"; do
	NFILES=$((NFILES + 1))
	R=$VM_DIR/$f P=$VM_DIR/$f/prep
	mkdir -p "$P"
	assert "$f: prepared" python3 "$EQ/equiv.py" prep "$CORPUS/$f" "$P"
	# shellcheck disable=SC1091
	. "$P/plan.sh"
	# shellcheck disable=SC2086
	if ! "$HD" --from-keepalived "$P/src.conf" --config-id main $RENAME -o "$R/hd.conf" \
		2>"$R/conv.err" || ! "$HD" --from-keepalived "$P/src2.conf" --config-id main \
		$RENAME -o "$R/hd2.conf" 2>/dev/null; then
		echo "FAIL - $f: does not convert"; sed 's/^/# /' "$R/conv.err"
		FAILS=$((FAILS + 1))
		continue
	fi
	# The test's own check (KA_EQUIV_MUTATE, a sed script, in HD_VM_ENV):
	# a conversion changed on purpose must fail.
	[ -n "${KA_EQUIV_MUTATE:-}" ] && sed -i -e "$KA_EQUIV_MUTATE" "$R/hd.conf" "$R/hd2.conf"
	t0=$(date +%s)
	echo "# $f: start $(date +%T)"
	single ka "$P/ka.conf"
	single hd "$R/hd.conf"
	if [ "$HAS_VRRP$PAIR_OK" = 11 ]; then
		pair ka "$P/ka.conf" "$P/ka2.conf"
		pair hd "$R/hd.conf" "$R/hd2.conf"
	fi
	differences >"$R/diff"
	exp=$EQ/expect/$f
	grep -v '^#' "$exp" >"$R/expected" 2>/dev/null
	unexpected=$(grep -vxF -f "$R/expected" "$R/diff")
	nd=$(grep -c . "$R/diff")
	NDIFF=$((NDIFF + nd))
	if [ -z "$unexpected" ]; then
		ok "$f: same behaviour ($nd announced differences, $(($(date +%s) - t0)) s)"
		NEXPECT=$((NEXPECT + nd))
	else
		fail "$f: differences the converter did not announce"
		echo "$unexpected" | sed 's/^/#   /'
	fi
	# An expected difference stands only with the warning that announces it.
	sed -n 's/^# warning: //p' "$exp" >"$R/warnings" 2>/dev/null
	while IFS= read -r w; do
		grep -qF -- "$w" "$R/conv.err" ||
			fail "$f: expect/$f names a warning the converter no longer prints: $w"
	done <"$R/warnings"
	if [ -n "$unexpected" ] || [ "${VERBOSE:-}" = 1 ]; then
		echo "# converter:"; sed 's/^/#   /' "$R/conv.err"
		echo "# differences:"; sed 's/^/#   /' "$R/diff"
		for who in ka hd; do
			echo "# $who log (tail):"
			grep -v 'gratuitous ARP' "$R/$who.single.d1.log" 2>/dev/null | tail -n 25 |
				sed 's/^/#   /'
			echo "# $who pair's d2 log (tail):"
			tail -n 8 "$R/$who.pair.d2.log" 2>/dev/null | sed 's/^/#   /'
		done
		[ "${VERBOSE:-}" = 1 ] && for x in "$R"/ka/* "$R"/hd/*; do
			case $x in *.pcap) python3 "$EQ/equiv.py" adverts "$x" 1000 | sed "s|^|# $x: |" ;; esac
			case $x in *.pcap*|*.log) continue ;; esac
			echo "# $x:"; sed 's/^/#   /' "$x"
		done
	fi
done
echo "# ka-equiv: $NFILES files compared, $NDIFF differences ($NEXPECT announced)"
vm_done
