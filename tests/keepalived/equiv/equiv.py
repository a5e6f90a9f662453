#!/usr/bin/env python3
"""Helpers of the keepalived equivalence test (tests/vm/scenarios/ka-equiv.sh).

  equiv.py prep FILE OUTDIR    read a keepalived.conf and write into OUTDIR:
      src.conf   FILE with every script program replaced by a recorder in
                 OUTDIR/bin and the check timers shortened (the same input
                 for both daemons; hadirector converts it with
                 --rename-interface);
      ka.conf    src.conf with the interfaces renamed to the lab's (lanN),
                 what keepalived runs;
      ka2.conf / src2.conf   the same for the second director of the pair
                 (priorities lowered, MASTER -> BACKUP, unicast swapped);
      plan.sh    the topology as shell variables (see plan_sh()).
  equiv.py adverts PCAP N      the first N VRRP adverts per (source, VRID),
                               decoded, one a line (what the test compares)
  equiv.py listen ADDR:PORT... TCP and UDP listeners (the real servers): HTTP
                               requests get 200, others a 220 banner
Written for this project; no keepalived code (its documented semantics only).
"""
import os
import re
import socket
import struct
import sys
import threading

SCRIPT_KW = {"script", "notify", "notify_master", "notify_backup", "notify_fault",
             "notify_stop", "notify_deleted", "notify_master_rx_lower_pri", "misc_path",
             "quorum_up", "quorum_down", "notify_up", "notify_down"}
# Check timers shortened so a phase settles in seconds: the same cap in both
# files, so the comparison is unaffected (keepalived's own defaults, 60 s
# delay_loop etc., are written out by the converter and capped here too when
# the file sets them; unset ones are set to the cap below).
# Retries are capped at 1 as well: what is compared is the state once the
# checks settled, which does not depend on their number.
# advert_int too (the same in both files, so the interval on the wire still
# compares): a file's 12 s adverts would make its pair phase take minutes.
CAPS = {"delay_loop": 2, "delay_before_retry": 1, "connect_timeout": 2, "warmup": 1,
        "interval": 1, "retry": 1, "nb_get_retry": 1, "nb_sock_retry": 1, "advert_int": 3}
IPV4 = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


def strip_comment(line):
    out, q = [], False
    for i, ch in enumerate(line):
        if ch == '"':
            q = not q
        if not q and ch in "!#":
            return "".join(out)
        out.append(ch)
    return "".join(out)


def tokens(text):
    """keepalived's words per line, braces as their own words."""
    for no, raw in enumerate(text.split("\n"), 1):
        line = strip_comment(raw).replace("{", " { ").replace("}", " } ")
        toks = re.findall(r'"[^"]*"|\S+', line)
        yield no, [t.strip('"') if t.startswith('"') else t for t in toks]


class Plan:
    def __init__(self):
        self.ifaces = []          # the file's interface names, first seen first
        self.src = {}             # iface -> unicast_src_ip/mcast_src_ip
        self.peers = {}           # iface -> [unicast peers]
        self.rs = set()           # real/sorry server addresses
        self.ports = set()        # (addr, port)
        self.connect_ports = set()
        self.bind = set()         # bindto/bind_to: director-local addresses
        self.vs = self.vrrp = self.checks = 0
        self.advert = 1.0
        self.pair_ok = True

    def iface(self, name):
        if name not in self.ifaces:
            self.ifaces.append(name)


def analyse(text):
    p = Plan()
    stack, block = [], None
    cur_if = None
    inst = None   # per instance: [iface, src, peers]
    insts = []
    prev = []     # the words before a "{", possibly on an earlier line
    for _, t in tokens(text):
        i = 0
        while i < len(t):
            w = t[i]
            if w == "{":
                stack.append(block)
                before = (prev + t[:i])[-2:]
                block = before[0] if before and before[0] == "vrrp_instance" else \
                    (before[-1] if before else block)
                if block == "vrrp_instance":
                    inst = [None, None, []]
                    insts.append(inst)
                prev = []
                i += 1
                continue
            if w == "}":
                block = stack.pop() if stack else None
                i += 1
                continue
            if i == 0:
                a = t[1:]
                if w == "interface" and a:
                    p.iface(a[0])
                    if inst is not None and block == "vrrp_instance":
                        inst[0] = a[0]
                elif w in ("lvs_sync_daemon_interface", "lvs_sync_daemon") and a:
                    p.iface(a[0])
                elif block == "track_interface" and w not in ("}",):
                    p.iface(w)
                elif w in ("unicast_src_ip", "mcast_src_ip") and a and inst is not None:
                    inst[1] = a[0]
                elif block == "unicast_peer" and IPV4.match(w) and inst is not None:
                    inst[2].append(w)
                elif w in ("real_server", "sorry_server") and len(a) >= 1:
                    p.rs.add(a[0])
                    if len(a) >= 2:
                        p.ports.add((a[0], a[1]))
                elif w == "connect_port" and a:
                    p.connect_ports.add(a[0])
                elif w == "connect_ip" and a:
                    p.rs.add(a[0])
                elif w in ("bindto", "bind_to") and a:
                    p.bind.add(a[0])
                elif w == "virtual_server":
                    p.vs += 1
                elif w == "vrrp_instance":
                    p.vrrp += 1
                elif w in ("script", "misc_path") and a:
                    p.checks += 1
                elif w == "advert_int" and a:
                    p.advert = max(p.advert, min(float(a[0]), CAPS["advert_int"]))
                # an address's or route's `dev X`: keepalived refuses to
                # start when X is missing (a route's nexthop), so the lab has it
                if "dev" in t[:-1] and block in ("virtual_ipaddress", "virtual_ipaddress_excluded",
                                                 "virtual_routes", "static_routes",
                                                 "static_ipaddress", "virtual_rules",
                                                 "static_rules"):
                    p.iface(t[t.index("dev") + 1])
            i += 1
        if t and "{" not in t and "}" not in t:
            prev = t
    for ifn, src, peers in insts:
        if ifn is None:
            continue
        if src:
            p.src.setdefault(ifn, src)
        if peers:
            if len(peers) != 1 or p.peers.get(ifn, peers) != peers:
                p.pair_ok = False
            p.peers[ifn] = peers
    if not p.vrrp:
        p.pair_ok = False
    return p


def replace_scripts(text, bindir, logfile, flag):
    """Each script's program becomes a recorder that logs its name and
    arguments and fails while FLAG exists (the 'servers dead' phase)."""
    made = {}

    def recorder(prog):
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(prog)) or "x"
        if prog in made:
            return made[prog]
        while name in made.values():
            name += "_"
        made[prog] = name
        path = os.path.join(bindir, name)
        with open(path, "w") as f:
            f.write('#!/bin/sh\necho "%s $*" >>%s\n[ -e %s ] && exit 1\nexit 0\n'
                    % (name, logfile, flag))
        os.chmod(path, 0o755)
        return name

    out = []
    for line in text.split("\n"):
        m = re.match(r'^(\s*)(\S+)(\s+)("?)(\S+)(.*)$', line)
        # "</FILE" (keepalived: /bin/sh opens FILE) stays: both daemons run
        # what the file says, keepalived through /bin/sh, hadirector what
        # the converter made of it
        if m and m.group(2) in SCRIPT_KW and m.group(5) not in ("{",) and \
                not m.group(5).startswith("<"):
            prog = m.group(5).rstrip('"')
            line = "%s%s%s%s%s%s" % (m.group(1), m.group(2), m.group(3), m.group(4),
                                     os.path.join(bindir, recorder(prog)),
                                     m.group(5)[len(prog):] + m.group(6))
        out.append(line)
    return "\n".join(out)


def cap_timers(text):
    def sub(m):
        kw, val = m.group(2), m.group(4)
        try:
            v = float(val)
        except ValueError:
            return m.group(0)
        cap = CAPS[kw]
        return m.group(1) + kw + m.group(3) + (val if v <= cap else str(cap))
    pat = r"(?m)^(\s*)(%s)(\s+)([0-9.]+)" % "|".join(CAPS)
    text = re.sub(pat, sub, text)
    # A virtual server without delay_loop: keepalived's 60 s default, capped.
    out, depth, vs_depth, has = [], 0, None, False
    for line in text.split("\n"):
        code = strip_comment(line)
        words = code.split()
        if words and words[0] == "virtual_server" and "{" in code:
            vs_depth, has = depth, False
        if words and words[0] == "delay_loop" and vs_depth is not None and depth == vs_depth + 1:
            has = True
        depth += code.count("{") - code.count("}")
        if vs_depth is not None and depth == vs_depth and "}" in code:
            if not has:
                out.append("    delay_loop %d" % CAPS["delay_loop"])
            vs_depth = None
        out.append(line)
    return "\n".join(out)


def rename_ifaces(text, mapping):
    for old, new in mapping.items():
        # eth0:1, a label, becomes lan0:1 too
        text = re.sub(r"(?<![\w.:-])%s(?![\w.-])" % re.escape(old), new, text)
    return text


def pair_conf(text, plan, d1, d2):
    """The second director: priorities 10 lower, MASTER -> BACKUP, and each
    unicast address swapped with its peer's."""
    def prio(m):
        return m.group(1) + str(max(1, int(m.group(2)) - 10))
    text = re.sub(r"(?m)^(\s*priority\s+)(\d+)", prio, text)
    text = re.sub(r"(?m)^(\s*state\s+)MASTER\b", r"\1BACKUP", text)
    for ifn, peers in plan.peers.items():
        a, b = d1[ifn], peers[0]
        text = re.sub(r"(?<![\d.])%s(?![\d.])" % re.escape(b), "@@PEER@@", text)
        text = re.sub(r"(?<![\d.])%s(?![\d.])" % re.escape(a), b, text)
        text = text.replace("@@PEER@@", a)
    # a source address without peers (mcast_src_ip) is the first
    # director's: the second one sends from its own, as a real pair does
    for ifn, src in plan.src.items():
        if ifn not in plan.peers:
            text = re.sub(r"(?m)^(\s*(?:mcast|unicast)_src_ip\s+)%s(?![\d.])" % re.escape(src),
                          r"\g<1>" + d2[ifn], text)
    return text


def prep(path, outdir):
    with open(path, newline="") as f:   # CRLF files stay CRLF
        text = f.read()
    plan = analyse(text)
    bindir = os.path.join(outdir, "bin")
    os.makedirs(bindir, exist_ok=True)
    src = cap_timers(replace_scripts(text, bindir, os.path.join(outdir, "scripts.log"),
                                     os.path.join(outdir, "dead")))
    if not plan.ifaces:
        plan.ifaces.append("lan0")    # LVS only: the link to the servers
    mapping = {n: "lan%d" % i for i, n in enumerate(plan.ifaces)}
    mapping.pop("lan0", None) if plan.ifaces == ["lan0"] else None
    d1, d2 = {}, {}
    for i, n in enumerate(plan.ifaces):
        d1[n] = plan.src.get(n, "10.255.%d.1" % i)
        d2[n] = plan.peers[n][0] if n in plan.peers else "10.255.%d.2" % i
    ka = rename_ifaces(src, mapping)
    src2 = pair_conf(src, plan, d1, d2)
    files = {"src.conf": src, "ka.conf": ka, "src2.conf": src2,
             "ka2.conf": rename_ifaces(src2, mapping)}
    for name, body in files.items():
        with open(os.path.join(outdir, name), "w", newline="") as f:
            f.write(body)
    # Settle time: a check's start, its retries and a timeout; VRRP's
    # master-down timer (3 adverts and the skew).
    dbr = CAPS["delay_before_retry"] if "delay_before_retry" in text else 3
    settle = max(CAPS["delay_loop"] + 1 + dbr + 1 if plan.vs else 0,
                 CAPS["interval"] * 3 if plan.checks else 0, 3 * plan.advert + 2) + 1
    listen = sorted({"%s:%s" % (a, p) for a, p in plan.ports} |
                    {"%s:%s" % (a, p) for a in plan.rs for p in plan.connect_ports})
    with open(os.path.join(outdir, "plan.sh"), "w") as f:
        f.write("RENAME='%s'\n" % " ".join("--rename-interface %s=%s" % kv
                                           for kv in mapping.items()))
        f.write("LANS='%s'\n" % " ".join(
            "%s:%s:%s:%s" % (mapping.get(n, n), n, d1[n], d2[n]) for n in plan.ifaces))
        f.write("WORLD='%s'\n" % " ".join(sorted(a for a in plan.rs if IPV4.match(a))))
        f.write("BIND='%s'\n" % " ".join(sorted(plan.bind)))
        f.write("LISTEN='%s'\n" % " ".join(listen))
        # the survivor takes over after Master_Down_Interval: 3 adverts and a
        # skew of up to one more (a 3 s advert_int left 0.4 s to spare)
        f.write("PAIRWAIT=%d\n" % int(4 * plan.advert + 2.99))
        f.write("SETTLE=%d\nHAS_VS=%d\nHAS_VRRP=%d\nHAS_CHECKS=%d\nPAIR_OK=%d\n" % (
            int(settle + 0.99), plan.vs > 0, plan.vrrp > 0, plan.checks > 0,
            int(plan.pair_ok)))


def adverts(path, n):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, seen, lines = 24, {}, []
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        line = decode(pkt)
        if line is None:
            continue
        key = line.split(" > ")[0] + " vrid " + line.split(" vrid ")[1].split()[0]
        seen.setdefault(key, []).append(line)
    for key in sorted(seen):
        # N > 0: the first N adverts of each source and VRID; N < 0: the last -N
        for line in (seen[key][:n] if n > 0 else seen[key][n:]):
            print(line)


def decode(pkt):
    if len(pkt) < 14:
        return None
    et = struct.unpack("!H", pkt[12:14])[0]
    p = pkt[14:]
    ah = ""
    if et == 0x0800 and len(p) >= 20 and p[9] in (112, 51):
        hl = (p[0] & 15) * 4
        src, dst, ttl = socket.inet_ntoa(p[12:16]), socket.inet_ntoa(p[16:20]), p[8]
        v, fam, alen = p[hl:], socket.AF_INET, 4
        if p[9] == 51:  # auth_type AH: the IP Authentication Header first
            if len(v) < 24 or v[0] != 112:
                return None
            spi, seq = struct.unpack("!II", v[4:12])
            ah = " ah spi %s seq %d" % (socket.inet_ntoa(v[4:8]), seq)
            v = v[24:]
    elif et == 0x86DD and len(p) >= 40 and p[6] == 112:
        src = socket.inet_ntop(socket.AF_INET6, p[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, p[24:40])
        ttl, v, fam, alen = p[7], p[40:], socket.AF_INET6, 16
    else:
        return None
    if len(v) < 8:
        return None
    ver, typ, vrid, prio, cnt = v[0] >> 4, v[0] & 15, v[1], v[2], v[3]
    if ver == 2:
        auth, intvl = v[4], "%ds" % v[5]
    else:
        auth, intvl = None, "%dcs" % (struct.unpack("!H", v[4:6])[0] & 0xFFF)
    addrs = sorted(socket.inet_ntop(fam, v[8 + i * alen:8 + (i + 1) * alen])
                   for i in range(cnt) if 8 + (i + 1) * alen <= len(v))
    s = "%s > %s ttl %d vrrp v%d type %d vrid %d prio %d intvl %s addrs %s" % (
        src, dst, ttl, ver, typ, vrid, prio, intvl, ",".join(addrs))
    if auth is not None:
        data = v[8 + cnt * alen:8 + cnt * alen + 8] if auth else b""
        s += " auth %d %s" % (auth, data.rstrip(b"\0").decode("latin-1"))
    return s + ah


def serve_tcp(sock):
    while True:
        c, _ = sock.accept()
        threading.Thread(target=answer, args=(c,), daemon=True).start()


def answer(c):
    try:
        c.settimeout(0.3)
        try:
            req = c.recv(4096)
        except socket.timeout:
            req = b""
        if req.startswith((b"GET", b"HEAD", b"POST")):
            body = b"ok\n"
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        elif not req:
            c.sendall(b"220 equiv ESMTP\r\n")
            c.settimeout(2)
            while True:
                req = c.recv(4096)
                if not req:
                    break
                c.sendall(b"221 bye\r\n" if req.upper().startswith(b"QUIT") else b"250 ok\r\n")
    except OSError:
        pass
    finally:
        c.close()


def serve_udp(sock):
    while True:
        data, peer = sock.recvfrom(4096)
        sock.sendto(data, peer)


def listen(addrs):
    for a in addrs:
        host, port = a.rsplit(":", 1)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((host, int(port)))
        t.listen(64)
        threading.Thread(target=serve_tcp, args=(t,), daemon=True).start()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((host, int(port)))
        threading.Thread(target=serve_udp, args=(u,), daemon=True).start()
    print("listening", flush=True)
    threading.Event().wait()


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "prep":
        prep(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "adverts":
        adverts(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 2 and sys.argv[1] == "listen":
        listen(sys.argv[2:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
