#!/usr/bin/env python3
"""HTTP/1.1 servers with persistent connections, for tests/netns/hc-reuse.sh.
usage: hc-ka-srv.py ADDR PORT STATS MODE [N] [--tls CERT KEY]
Every answer is "200 OK" with a Content-Length body, on a connection kept
open (HTTP/1.1), unless MODE says otherwise:
  ka N         close a connection idle for N seconds (a keep-alive timeout)
  drop N       answer N requests per connection, then close at the next
               request instead of answering it (FIN)
  reset N      the same with a reset (RST) instead of the FIN
  close        answer with "Connection: close" but leave the connection open
  http10       answer as HTTP/1.0 (no keep-alive) and leave it open
  hang N       answer N requests per connection, then never again on it
  unlisten N   after N requests in all, stop listening; connections that
               are open go on being served
After every event STATS holds "CONNECTIONS REQUESTS CLOSE_REQUESTS"
(CLOSE_REQUESTS: requests that carried "Connection: close").
"""
import os, socket, ssl, struct, sys, threading

addr, port, stats, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rest = sys.argv[5:]
tls = None
if "--tls" in rest:
    i = rest.index("--tls")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(rest[i + 1], rest[i + 2])
    rest = rest[:i]
n = float(rest[0]) if rest else 0
lock = threading.Lock()
count = {"conns": 0, "reqs": 0, "close": 0}


def save():
    with open(stats + ".tmp", "w") as f:
        f.write("%d %d %d\n" % (count["conns"], count["reqs"], count["close"]))
    os.replace(stats + ".tmp", stats)


def bump(key, close=False):
    with lock:
        count[key] += 1
        if close:
            count["close"] += 1
        save()
        return count["reqs"]


def answer(version="HTTP/1.1", extra=""):
    return ("%s 200 OK\r\nContent-Length: 3\r\n%s\r\nok\n" % (version, extra)).encode()


def serve(c, listener):
    if mode == "ka":
        c.settimeout(n)
    buf, served = b"", 0
    while True:
        try:
            d = c.recv(4096)
        except (socket.timeout, OSError):
            break
        if not d:
            break
        buf += d
        while b"\r\n\r\n" in buf:
            head, buf = buf.split(b"\r\n\r\n", 1)
            if mode in ("drop", "reset") and served >= n:
                if mode == "reset":
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()
                return
            if mode == "hang" and served >= n:
                threading.Event().wait()
            total = bump("reqs", b"connection: close" in head.lower())
            served += 1
            out = answer("HTTP/1.0") if mode == "http10" else \
                answer(extra="Connection: close\r\n") if mode == "close" else answer()
            c.sendall(out)
            if mode == "unlisten" and total >= n:
                try:
                    listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                listener.close()
    c.close()


s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(64)
save()  # the stats file exists once the server listens
while True:
    try:
        c, _ = s.accept()
    except OSError:  # unlisten: the listener is gone, the threads go on
        threading.Event().wait()
    if tls:
        try:
            c = tls.wrap_socket(c, server_side=True)
        except (ssl.SSLError, OSError):
            c.close()
            continue
    bump("conns")
    threading.Thread(target=serve, args=(c, s), daemon=True).start()
