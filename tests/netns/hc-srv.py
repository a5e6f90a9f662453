#!/usr/bin/env python3
"""Misbehaving real servers for tests/netns/hc-*.sh.
usage: hc-srv.py ADDR PORT MODE [ARG]
  status CODE   every request gets CODE with a short body (content-length)
  chunked BODY  200 with BODY sent in chunked transfer encoding, 3 bytes a chunk
  body BODY     200 with BODY and a content-length
  hang          accept connections and never answer
  raw BYTES     read the request head, send BYTES as they are, close
  late BYTES    as raw, but close 20 ms after sending (a server that logs the
                request between its answer and its close, as nginx does)
  stall BYTES   read the request head, send BYTES, keep the connection open
  big N         read the request head, send 200 with an N-byte body, close
BODY and BYTES take Python escapes (\\r\\n, \\x00).
"""
import socket, sys, threading, time, http.server, socketserver

addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else ""

if mode == "hang":
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(64)
    held = []
    while True:
        c, _ = s.accept(); held.append(c)

if mode in ("raw", "stall", "big", "late"):
    if mode == "big":
        out = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % int(arg) + b"x" * int(arg)
    else:
        out = arg.encode().decode("unicode_escape").encode("latin-1")
    def serve(c):
        data = b""
        while b"\r\n\r\n" not in data:
            d = c.recv(4096)
            if not d:
                break
            data += d
        try:
            c.sendall(out)
        except OSError:  # big: the client may stop reading and reset
            pass
        if mode == "late":
            time.sleep(0.02)
        if mode in ("raw", "big", "late"):
            c.close()
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(64)
    held = []
    while True:
        c, _ = s.accept(); held.append(c)
        threading.Thread(target=serve, args=(c,), daemon=True).start()
        held = [h for h in held if h.fileno() >= 0]

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        if mode == "status":
            body = b"status %s\n" % arg.encode()
            self.send_response(int(arg))
            self.send_header("Content-Length", str(len(body))); self.end_headers()
            self.wfile.write(body)
        elif mode == "chunked":
            body = arg.encode().decode("unicode_escape").encode()
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
            for i in range(0, len(body), 3):
                part = body[i:i + 3]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            body = arg.encode().decode("unicode_escape").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body))); self.end_headers()
            self.wfile.write(body)

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
S((addr, port), H).serve_forever()
