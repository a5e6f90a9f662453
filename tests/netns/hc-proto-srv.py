#!/usr/bin/env python3
"""Small SMTP and DNS servers for tests/netns/hc-smtp-dns.sh.
usage: hc-proto-srv.py smtp ADDR PORT MODE [LOG]
  good      220 greeting, a multi-line 250 to HELO/EHLO, 221 to QUIT;
            each command received is appended to LOG
  badgreet  554 greeting
  badhelo   220 greeting, 501 to HELO
  silent    accept and never say anything
  garbage   an HTTP status line instead of a greeting
       hc-proto-srv.py dns ADDR PORT MODE [LOG]
  good      NOERROR with one record of the type asked (A: 10.1.2.3);
            "NAME TYPE" of each query appended to LOG
  nxdomain  RCODE 3
  nodata    NOERROR without answers
  wrongid   a well-formed answer with another ID
  flaky     answers every second query (good), drops the others
"""
import asyncio, socket, struct, sys

proto, addr, port, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
log = sys.argv[5] if len(sys.argv) > 5 else None

def note(line):
    if log:
        with open(log, "a") as f:
            f.write(line + "\n")

async def smtp(reader, writer):
    def send(s):
        writer.write(s.encode() + b"\r\n")
    if mode == "silent":
        await reader.read()  # until the client gives up
        writer.close(); return
    send({"badgreet": "554 no service here", "garbage": "HTTP/1.1 400 Bad Request"}
         .get(mode, "220 mx.test ESMTP hc-proto-srv"))
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = line.decode(errors="replace").strip()
        note(cmd)
        verb = cmd.split(" ")[0].upper()
        if verb in ("HELO", "EHLO"):
            send("501 go away" if mode == "badhelo" else "250-mx.test hello\r\n250 PIPELINING")
        elif verb == "QUIT":
            send("221 bye"); await writer.drain(); break
        else:
            send("500 what")
        await writer.drain()
    writer.close()

class Dns(asyncio.DatagramProtocol):
    n = 0
    def connection_made(self, t): self.t = t
    def datagram_received(self, d, peer):
        if len(d) < 12:
            return
        qid, flags, qd = struct.unpack(">HHH", d[:6])
        off, labels = 12, []
        while off < len(d) and d[off]:
            labels.append(d[off + 1:off + 1 + d[off]].decode(errors="replace")); off += 1 + d[off]
        qtype, = struct.unpack(">H", d[off + 1:off + 3])
        note("%s %d" % (".".join(labels) + ".", qtype))
        question = d[12:off + 5]
        Dns.n += 1
        if mode == "flaky" and Dns.n % 2:
            return
        rcode, ans = 0, b""
        if mode == "nxdomain":
            rcode = 3
        elif mode != "nodata":
            rdata = bytes([10, 1, 2, 3]) if qtype == 1 else b"\x00" * (16 if qtype == 28 else 22)
            ans = b"\xc0\x0c" + struct.pack(">HHIH", qtype, 1, 60, len(rdata)) + rdata
        if mode == "wrongid":
            qid ^= 0x5555
        hdr = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, 1 if ans else 0, 0, 0)
        self.t.sendto(hdr + question + ans, peer)

async def main():
    if proto == "smtp":
        srv = await asyncio.start_server(smtp, addr, port, reuse_address=True)
        async with srv:
            await srv.serve_forever()
    else:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(Dns, local_addr=(addr, port))
        await asyncio.Event().wait()

asyncio.run(main())
