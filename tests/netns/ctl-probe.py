#!/usr/bin/env python3
"""ctl-probe.py SOCK OUT: the daemon's loop latency, seen from outside.
ctl-probe.py SOCK --time REQUEST OUT: one REQUEST, its reply's body to OUT;
prints the ms from connect to the reply's end (no program start in it).

Sends "ping" on the control socket SOCK every 10 ms (one connection per
request, as hadirectorctl does) until SIGTERM, and appends a line per
request to OUT: "SENT LATENCY", SENT in ms since local midnight (the
daemon's log lines' clock, so that a test can place a request against the
log), LATENCY in ms from connect to the end of the answer, -1 for a request
that failed. One process for the whole run: unlike hadirectorctl's wall
time, the latency holds no program start, only the loop's answer."""
import socket
import signal
import sys
import time

stop = False


def on_term(*_):
    global stop
    stop = True


def wall_ms():
    t = time.time()
    lt = time.localtime(t)
    return ((lt.tm_hour * 60 + lt.tm_min) * 60 + lt.tm_sec) * 1000 + int(t * 1000) % 1000


def request(path, req):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    try:
        s.connect(path)
        s.sendall(req.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        parts = []
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            parts.append(b)
        return b"".join(parts)
    finally:
        s.close()


def ping(path):
    return request(path, "ping").startswith(b"OK")


def timed(path, req, out):
    t0 = time.monotonic()
    data = request(path, req)
    ms = int((time.monotonic() - t0) * 1000)
    if not data.startswith(b"OK\n"):
        sys.exit("ctl-probe: %s: %r" % (req, data[:80]))
    with open(out, "wb") as f:
        f.write(data[3:])
    print(ms)


def main():
    if sys.argv[2] == "--time":
        timed(sys.argv[1], sys.argv[3], sys.argv[4])
        return
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    with open(sys.argv[2], "a", buffering=1) as out:
        while not stop:
            sent, t0 = wall_ms(), time.monotonic()
            try:
                ok = ping(sys.argv[1])
            except OSError:
                ok = False
            lat = int((time.monotonic() - t0) * 1000) if ok else -1
            out.write("%d %d\n" % (sent, lat))
            time.sleep(0.01)


main()
