#!/usr/bin/env python3
"""Real servers that talk without end, at full speed, for tests/netns/hc-stream.sh.
usage: hc-stream-srv.py MODE ADDR PORT [CERT KEY]
  http         200 OK, then a body without end (until the close)
  https        the same over TLS (CERT, KEY: PEM files)
  big          200 OK with a 1 MB body (Content-Length; bytes i % 251), then
               nothing more, the connection left open until the client closes
  https-big    the same over TLS (CERT, KEY)
  interim      "100 Continue" interim responses without end
  smtp-endless a multi-line 220 greeting without end ("220-..." lines)
  smtp-long    a legitimate multi-line greeting of about 3 kB in 40 lines,
               250 to HELO, 221 to QUIT
  dns-flood    to every query: 2,000 replies with the wrong ID, at full
               speed (30 times what the check reads before it gives up)
Each connection has its own thread; sendall() of 1 MB writes keeps the
socket's send buffer full, so the reader never finds it empty unless it is
faster than the sender.
"""
import socket, ssl, struct, sys, threading

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
BLOB = b"x" * (1 << 20)
BIG = bytes(i % 251 for i in range(1 << 20))
LINES = b"".join(b"220-%072d\r\n" % i for i in range((1 << 20) // 78))
LONG = b"".join(b"220-mx.test greeting line %02d %s\r\n" % (i, b"y" * 44) for i in range(39))
LONG += b"220 mx.test ESMTP ready\r\n"


def request(c):
    got = b""
    while b"\r\n\r\n" not in got:
        d = c.recv(4096)
        if not d:
            return False
        got += d
    return True


def serve(c):
    try:
        if tls:
            c = tls.wrap_socket(c, server_side=True)
        if mode in ("http", "https"):
            if request(c):
                c.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
                while True:
                    c.sendall(BLOB)
        elif mode in ("big", "https-big"):
            if request(c):
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BIG) + BIG)
                while c.recv(4096):
                    pass
        elif mode == "interim":
            if request(c):
                while True:
                    c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 40000)
        elif mode == "smtp-endless":
            while True:
                c.sendall(LINES)
        elif mode == "smtp-long":
            c.sendall(LONG)
            f = c.makefile("rb")
            for line in f:
                verb = line.split(b" ")[0].strip().upper()
                if verb in (b"HELO", b"EHLO"):
                    c.sendall(b"250 mx.test\r\n")
                elif verb == b"QUIT":
                    c.sendall(b"221 bye\r\n")
                    break
    except (OSError, ssl.SSLError):
        pass
    finally:
        c.close()


def dns_flood():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        d, peer = s.recvfrom(2048)
        if len(d) < 12:
            continue
        qid, = struct.unpack(">H", d[:2])
        reply = struct.pack(">HHHHHH", qid ^ 0x5555, 0x8180, 1, 0, 0, 0) + d[12:]

        def flood(peer=peer, reply=reply):
            for _ in range(2000):
                try:
                    s.sendto(reply, peer)
                except OSError:
                    pass
        threading.Thread(target=flood, daemon=True).start()


if mode == "dns-flood":
    dns_flood()
    sys.exit(0)
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port))
ls.listen(64)
tls = None
if mode.startswith("https"):
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[4], sys.argv[5])
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
