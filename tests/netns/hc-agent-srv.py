#!/usr/bin/env python3
"""An agent for agent_check tests: answers each TCP connection on PORT as
the file MODE says at that moment (re-read per connection):
  line TEXT      send TEXT and a line end, close
  raw TEXT       send TEXT as is (no line end), close
  huge           send 10 MB without a line end as fast as the peer takes it
  slowloris      send one byte a second, never a line end
  binary         send 64 random bytes then a line end
  silent         accept and say nothing until the peer closes
Logs one line per connection to LOG: the mode and how it ended (for huge:
the bytes the peer took before it closed)."""
import os
import socket
import sys
import threading
import time

port, mode_file, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()


def note(msg):
    with lock, open(log, "a") as f:
        f.write(msg + "\n")


def serve(c):
    try:
        with open(mode_file) as f:
            mode = f.read().rstrip("\n")
    except OSError:
        mode = "silent"
    kind, _, text = mode.partition(" ")
    sent = 0
    try:
        if kind == "line":
            c.sendall(text.encode() + b"\n")
        elif kind == "raw":
            c.sendall(text.encode())
        elif kind == "huge":
            chunk = b"9" * 65536
            while sent < 10 * 1024 * 1024:
                sent += c.send(chunk)
        elif kind == "slowloris":
            c.settimeout(30)
            for _ in range(30):
                c.send(b"u")
                sent += 1
                time.sleep(1)
        elif kind == "binary":
            c.sendall(os.urandom(64) + b"\n")
        elif kind == "silent":
            c.settimeout(30)
            c.recv(1)
        note(f"{kind} done sent={sent}")
    except OSError as e:
        note(f"{kind} cut sent={sent} {type(e).__name__}")
    finally:
        c.close()


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(64)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
