#!/bin/bash
# A hostile SNMP subagent (issue 18): the daemon reads what hadirector-snmp
# sends with bounds. A stand-in program of that name beside a copy of the
# daemon (where the daemon looks first) first floods valid frames (log
# lines whose text carries a line end and a forged "[forged]" line, and
# snapshot requests: 30,000 of each at least, and until the test has
# pinged the daemon 10 times through it), then announces a frame of
# 0xFFFFFFFF bytes and streams 256 MB after it. The daemon: answers its
# control socket during the flood, logs at most 20 per 10 s of the flood's
# lines with the line end replaced, kills the program at the oversized
# header (a log line says so) without buffering what follows (its peak RSS grows by less than 64 MB,
# a sanitizer build's freed snapshots included), and starts another,
# which it keeps. Before the bounds the flood stalled the daemon (its
# read loop never returned while the program kept writing: no control
# reply for 10 s), every line was logged, and what followed the header
# was all buffered.
. "$top_srcdir/tests/netns/lib.sh"

BIN="$T_DIR/bin"
mkdir -p "$BIN"
cp "$HD" "$BIN/hadirector"
# The stand-in: the first start is hostile, later ones sit quietly (and
# drain what the daemon sends). Frames: native uint32 type, uint32 length.
cat > "$BIN/hadirector-snmp" <<EOF
#!/usr/bin/python3
import os, struct, time
d = "$T_DIR"
n = len([f for f in os.listdir(d) if f.startswith("agent.")]) + 1
open(f"{d}/agent.{n}", "w").write(str(os.getpid()))
os.set_blocking(3, True)
def drain():
    os.set_blocking(3, False)
    try:
        while os.read(3, 65536):
            pass
    except BlockingIOError:
        pass
    os.set_blocking(3, True)
if n == 1:
    while not os.path.exists(f"{d}/go"):
        time.sleep(0.05)
    text = struct.pack("=i", 4) + b"flood line\n[forged] by the subagent\0"
    log = struct.pack("=II", 2, len(text)) + text
    want = struct.pack("=II", 1, 0)
    # until the test has pinged the daemon through it, at least 30 rounds
    i = 0
    while i < 30 or not os.path.exists(f"{d}/pinged"):
        os.write(3, (log + want) * 1000)
        drain()
        i += 1
        if i == 1:
            open(f"{d}/flooding", "w").close()
    open(f"{d}/flooded", "w").close()
    os.write(3, struct.pack("=II", 2, 0xFFFFFFFF))
    junk = b"\0" * 65536
    for i in range(4096):
        os.write(3, junk)
    open(f"{d}/streamed", "w").close()
while True:
    drain()
    time.sleep(0.2)
EOF
chmod 755 "$BIN/hadirector-snmp"

A=$(t_ns a)
cat > "$T_DIR/a.conf" <<EOF
global {
    router_id = lb-a
    snmp = true
    snmp_socket = $T_DIR/agentx.sock
}
EOF
ip netns exec "$A" "$BIN/hadirector" -n -l -f "$T_DIR/a.conf" -p "$T_DIR/a.pid" \
	-s "$T_DIR/a.sock" 2>>"$T_DIR/a.log" &
DPID=$!
T_PIDS+=($DPID)
ctl() { "$HDCTL" -s "$T_DIR/a.sock" "$@"; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$DPID/status"; }

check "the daemon answers" wait_for 5 ctl ping
check "it started the stand-in subagent" wait_for 5 test -s "$T_DIR/agent.1"
AGENT1=$(cat "$T_DIR/agent.1" 2>/dev/null)
hwm0=$(hwm)
f0=$(date +%s)
touch "$T_DIR/go"
check "the flood starts" wait_for 10 test -e "$T_DIR/flooding"
slow=0 pings=0
for i in $(seq 1 10); do
	t0=$(date +%s%N)
	ctl ping > /dev/null && pings=$((pings + 1))
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -gt "$slow" ] && slow=$ms
done
touch "$T_DIR/pinged"
echo "# slowest of 10 pings during the flood: $slow ms"
check "the daemon answered all 10 during the flood" [ "$pings" = 10 ]
check "the flood went through" wait_for 20 test -e "$T_DIR/flooded"
f1=$(date +%s)
check "the oversized frame is logged" \
	wait_for 10 grep -q "announced a frame of 4294967295 bytes" "$T_DIR/a.log"
check "the subagent that sent it is gone" wait_for 5 gone "$AGENT1"
check "it could not stream the 256 MB after the header" test ! -e "$T_DIR/streamed"
hwm1=$(hwm)
echo "# daemon peak RSS: $hwm0 kB before the flood, $hwm1 kB after"
check "peak RSS grew by less than 64 MB" eval 'is_num "$hwm0" "$hwm1" && [ $((hwm1 - hwm0)) -lt 65536 ]'
lines=$(grep -c "flood line" "$T_DIR/a.log")
most=$(( 20 * ((f1 - f0) / 10 + 2) )) # 20 per 10 s window the flood touched
echo "# flood lines logged: $lines (at most $most in $((f1 - f0)) s)"
check "at most 20 per 10 s of the flood's log lines were logged" [ "$lines" -le "$most" ]
check "some were (the log path works)" [ "$lines" -ge 1 ]
check "a line end in the text forged no line" absent '^\[forged\]' "$T_DIR/a.log"
check "the line end shows as ?" grep -q "flood line?\[forged\] by the subagent" "$T_DIR/a.log"
check "another subagent is started" wait_for 10 test -s "$T_DIR/agent.2"
AGENT2=$(cat "$T_DIR/agent.2" 2>/dev/null)
sleep 1
check "and kept" kill -0 "$AGENT2"
check "the daemon still answers" eval "ctl ping > /dev/null"
check "one reset only" [ "$(grep -c 'announced a frame' "$T_DIR/a.log")" = 1 ]
check "the daemon is alive" kill -0 "$DPID"
grep "snmp" "$T_DIR/a.log" | grep -v "flood line" | sed 's/^/# /' | head -n 20
t_done
