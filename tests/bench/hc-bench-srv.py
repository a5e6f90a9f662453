#!/usr/bin/env python3
"""The real server of the health-check benchmarks (checks.sh, checks-native.sh):
one asyncio server on 0.0.0.0:80 for every address of its namespace.
usage: hc-bench-srv.py COUNT_FILE
A request gets "200 OK" with a 3-byte body: HTTP/1.1 without
"Connection: close" keeps the connection (for reuse_connection), anything
else (keepalived's HTTP/1.0, hadirector's default) is closed after it. A
bare connect/close (tcp_check) needs nothing. COUNT_FILE holds, every
100 ms, the checks answered so far: connections, plus every request after
a connection's first.
"""
import asyncio, os, sys

CLOSE = b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
KEEP = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
count = 0


class P(asyncio.Protocol):
    def connection_made(self, t):
        global count
        count += 1
        self.t, self.n, self.buf = t, 0, b""

    def data_received(self, d):
        global count
        self.buf += d
        while b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            self.n += 1
            if self.n > 1:
                count += 1
            if b" HTTP/1.1\r\n" in head and b"connection: close" not in head.lower():
                self.t.write(KEEP)
            else:
                self.t.write(CLOSE)
                self.t.close()
                return


async def tick(path):
    while True:
        with open(path + ".tmp", "w") as f:
            f.write("%d\n" % count)
        os.replace(path + ".tmp", path)
        await asyncio.sleep(0.1)


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_server(P, "0.0.0.0", 80, backlog=4096, reuse_address=True)
    await tick(sys.argv[1])


asyncio.run(main())
