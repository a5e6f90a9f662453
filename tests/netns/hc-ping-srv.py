#!/usr/bin/env python3
"""A hostile or a stand-in ICMP responder for tests/netns/hc-ping.sh.

hc-ping-srv.py MODE FAMILY LOG: in a namespace whose kernel does not answer
echo requests itself (icmp_echo_ignore_all), read each echo request on a raw
socket and answer it in MODE:
  good    the request's ident, sequence and payload echoed (a real host);
  forged  FLOOD replies with the request's ident and sequence but another
          payload, and FLOOD with other idents: an on-path sender that does
          not echo the payload, and stray pingers' replies. Never a good one.
Counts what it saw and sent in LOG (one line per request)."""
import os
import socket
import struct
import sys

FLOOD = 50


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def reply(v6, ident, seq, payload):
    t = 129 if v6 else 0
    h = struct.pack("!BBHHH", t, 0, 0, ident, seq) + payload
    if not v6:  # ICMPv6's checksum is the kernel's on a raw socket
        h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
    return h


def main():
    mode, fam, log = sys.argv[1], sys.argv[2], sys.argv[3]
    v6 = fam == "6"
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                      socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    out = open(log, "a", buffering=1)
    while True:
        data, src = s.recvfrom(2048)
        if not v6:
            data = data[(data[0] & 0xF) * 4:]
        if len(data) < 8 or data[0] != (128 if v6 else 8):
            continue
        ident, seq = struct.unpack("!HH", data[4:8])
        payload = data[8:]
        dst = (src[0], 0)
        if mode == "good":
            s.sendto(reply(v6, ident, seq, payload), dst)
        else:
            bad = bytes(b ^ 0x5A for b in payload)
            for i in range(FLOOD):
                s.sendto(reply(v6, ident, seq, bad), dst)
                s.sendto(reply(v6, (ident + 1 + i) & 0xFFFF, seq, payload), dst)
        out.write("request %d %d from %s\n" % (ident, seq, src[0]))


if __name__ == "__main__":
    main()
