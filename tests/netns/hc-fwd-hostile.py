#!/usr/bin/python3
# A hostile DR real server for check_forwarding_path tests: every SYN to the
# VIP (argv[1]) seen on eth0 gets 200 SYN-ACKs with the probe's ports and
# wrong acknowledgments, and 50 garbage packets from the VIP (bad checksums,
# truncated, random protocols), sent from a raw socket.
import os, random, socket, struct, sys
vip = socket.inet_aton(sys.argv[1])
rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
rx.bind(("eth0", 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(src, dst, proto, payload, good=True):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0, src, dst)
    c = csum(h) if good else 0x1234
    return h[:10] + struct.pack("!H", c) + h[12:] + payload
sent = 0
while True:
    p, _ = rx.recvfrom(2048)
    if len(p) < 40 or p[16:20] != vip or p[9] != 6 or p[33] & 0x12 != 0x02:
        continue
    src, sport, dport, seq = p[12:16], *struct.unpack("!HHI", p[20:28])
    for i in range(200):
        tcp = struct.pack("!HHIIBBHHH", dport, sport, random.getrandbits(32),
                          (seq + 2 + i) & 0xffffffff, 0x50, 0x12, 1024, 0, 0)
        tx.sendto(ip(vip, src, 6, tcp), (socket.inet_ntoa(src), 0))
    for i in range(50):
        junk = os.urandom(random.randrange(0, 60))
        tx.sendto(ip(vip, src, random.choice([6, 1, 17, 4, 99]), junk, i % 2 == 0),
                  (socket.inet_ntoa(src), 0))
    sent += 250
