#!/usr/bin/env python3
"""The service manager's watchdog, as systemd does it (WatchdogSec=,
WatchdogSignal=SIGABRT, then SIGKILL after TimeoutAbortSec=), for a host
whose PID 1 is not systemd: used by tests/netns/announce-frr.sh.

announce-wd.py SOCKET WATCHDOG_SEC ABORT_SEC -- COMMAND...
Runs COMMAND with NOTIFY_SOCKET=SOCKET and WATCHDOG_USEC set. The watchdog
is armed at READY=1; each WATCHDOG=1 re-arms it. When it expires, SIGABRT;
ABORT_SEC later, if the process is still there, SIGKILL. Prints one line
per event ("ready", "timeout", "sigkill", "exit N") with the monotonic time
in ms, and exits when COMMAND does."""
import os
import signal
import socket
import subprocess
import sys
import time


def say(what):
    print("%d %s" % (time.monotonic() * 1000, what), flush=True)


def main():
    path, wd, abort = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(int(wd * 1e6)))
    p = subprocess.Popen(cmd, env=env)
    deadline = None
    kill_at = None
    while p.poll() is None:
        now = time.monotonic()
        if kill_at is not None and now >= kill_at:
            say("sigkill")
            p.kill()
            kill_at = float("inf")
        elif deadline is not None and now >= deadline and kill_at is None:
            say("timeout")
            p.send_signal(signal.SIGABRT)
            kill_at = now + abort
        waits = [t for t in (deadline, kill_at) if t is not None and t != float("inf")]
        s.settimeout(max(0.01, min(min(waits) - now, 0.1)) if waits else 0.1)
        try:
            msg = s.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        for line in msg.split("\n"):
            if line == "READY=1" and deadline is None:
                say("ready")
                deadline = time.monotonic() + wd
            elif line == "WATCHDOG=1" and kill_at is None and deadline is not None:
                deadline = time.monotonic() + wd
    say("exit %d" % p.returncode)


if __name__ == "__main__":
    main()
