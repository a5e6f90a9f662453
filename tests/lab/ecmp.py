#!/usr/bin/python3
"""Helpers of the ECMP lab (tests/vm/scenarios/ecmp.sh, issue 23), run inside the VM.

  ecmp.py server NAME PORT           line server: answers every line with "NAME\\n", keeps the
                                     connection open (the real servers)
  ecmp.py client VIP PORT N RATE OUT STOP
                                     N long-lived connections to VIP:PORT, each sending a line
                                     every second and checking the answer names the real server
                                     of its first answer, plus RATE new connections a second
                                     (one line each); until the file STOP exists. Events in OUT
  ecmp.py probe SRC VIP PORT SPORT0 N
                                     N connections from SRC ports SPORT0.., one line each, closed
                                     with a reset; prints "SPORT REALSERVER" per connection
  ecmp.py watchdog SECONDS PIDFILE CMD...
                                     CMD under a service manager's watchdog, as systemd's
                                     WatchdogSec=SECONDS: NOTIFY_SOCKET and WATCHDOG_USEC set; no
                                     WATCHDOG=1 for SECONDS: SIGABRT, SIGKILL 1 s later. CMD's pid
                                     in PIDFILE; "T watchdog-kill" on stdout when it fired
  ecmp.py stats OUT T0 T1 [MONITOR FAULT_T GATEWAY]
                                     shell assignments for the events between T0 and T1 (ms):
                                     ALIVE0 ALIVE1 BROKEN NEWOK NEWFAIL RECOVER_MS BROKEN_RS,
                                     NEWBAD_MS (when the last new connection that failed or
                                     needed a second SYN, tcp_info, began: from FAULT_T or T0)
                                     and WITHDRAW_MS: from FAULT_T to the first route in MONITOR
                                     (`ip -ts -o monitor route` on the router) without GATEWAY
  ecmp.py join MONITOR T GATEWAY     shell assignment JOIN_MS: from T to the first route with it
  ecmp.py neigh MONITOR T IP MAC    shell assignment TAKEOVER_MS: from T to the router's first
                                     neighbour entry of IP with MAC (`ip -ts -o monitor neigh`)
  ecmp.py frrlog DIR T GATEWAY       shell assignments BFD_MS, BGPZ_MS, KERNEL_MS: from T to the
                                     router's BFD session down with GATEWAY, to bgpd's next
                                     route sent to zebra, to zebra's netlink send (FRR logs in
                                     DIR, ms stamps)
  ecmp.py spread SNAP [OUT]          shell assignments FLOWS_dN, FLOWS_rsN: established flows per
                                     director and real server in SNAP (see flow_owners), only
                                     the client's open connections when OUT is given

Every timestamp is CLOCK_REALTIME in ms, shared with the shell ($EPOCHREALTIME).
"""
import asyncio
import datetime
import os
import socket
import struct
import sys
import time

TIMEOUT = 10.0  # an answer later than this breaks the connection (TCP retries take ~1-3 s)
SLOW_MS = 300  # an answer later than this counts as a flow waiting for the network


def syn_retrans(writer):
    """Segments the kernel retransmitted on a just-connected socket (tcp_info's total_retrans):
    the SYNs it had to send again. Exact whatever the load, unlike a connect's duration."""
    try:
        info = writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        return struct.unpack_from("I", info, 100)[0] if len(info) >= 104 else 0
    except OSError:
        return 0


def now_ms():
    return time.time() * 1000.0


# ---------------------------------------------------------------- server
def server(name, port):
    raise_nofile()  # a connection reset by a director stays open here: they pile up
    answer = (name + "\n").encode()

    async def serve(reader, writer):
        try:
            while await reader.readline():
                writer.write(answer)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def main():
        srv = await asyncio.start_server(serve, "0.0.0.0", int(port), backlog=4096,
                                         reuse_address=True)
        async with srv:
            await srv.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------- client
class Client:
    def __init__(self, vip, port, n, rate, out, stop):
        self.vip, self.port, self.n, self.rate = vip, int(port), int(n), float(rate)
        self.out = open(out, "a", buffering=1)
        self.stop = stop
        self.alive = 0
        self.newok = self.newfail = 0

    def ev(self, *words):
        self.out.write("%d %s\n" % (now_ms(), " ".join(str(w) for w in words)))

    async def ask(self, reader, writer):
        writer.write(b"p\n")
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), TIMEOUT)
        if not line:
            raise ConnectionResetError("closed")
        return line.decode(errors="replace").strip()

    async def long_lived(self, cid, start_delay):
        await asyncio.sleep(start_delay)
        while not os.path.exists(self.stop):
            rs, sport, writer = "-", 0, None
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.vip, self.port), TIMEOUT)
                sport = writer.get_extra_info("sockname")[1]
                rs = await self.ask(reader, writer)
                self.alive += 1
                self.ev("up", cid, sport, rs)
                try:
                    while not os.path.exists(self.stop):
                        await asyncio.sleep(1.0)
                        t0 = now_ms()
                        got = await self.ask(reader, writer)
                        ms = now_ms() - t0
                        if got != rs:
                            self.ev("broken", cid, sport, rs, "moved-to-" + got)
                            break
                        if ms > SLOW_MS:
                            self.ev("slow", cid, sport, rs, int(ms))
                    else:
                        return
                finally:
                    self.alive -= 1
            except (OSError, asyncio.TimeoutError, EOFError) as e:
                self.ev("broken", cid, sport, rs, type(e).__name__)
            finally:
                if writer:
                    writer.close()
            await asyncio.sleep(1.0)  # then a replacement, so every phase starts with N

    async def one_new(self):
        writer, t0 = None, now_ms()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.vip, self.port), TIMEOUT)
            retrans = syn_retrans(writer)
            await self.ask(reader, writer)
            self.newok += 1
            if retrans:  # its first SYN went nowhere: the connection waited TCP's 1 s RTO
                self.ev("newretry", retrans, int(t0))
        except (OSError, asyncio.TimeoutError) as e:
            self.newfail += 1
            self.ev("newfail", type(e).__name__, int(t0))
        finally:
            if writer:
                writer.close()

    async def news(self):
        if self.rate <= 0:
            return
        pending = set()
        t = time.monotonic()
        while not os.path.exists(self.stop):
            t += 1.0 / self.rate
            await asyncio.sleep(max(0.0, t - time.monotonic()))
            task = asyncio.ensure_future(self.one_new())
            pending.add(task)
            task.add_done_callback(pending.discard)

    async def stats(self):
        while not os.path.exists(self.stop):
            self.ev("stat", self.alive, self.newok, self.newfail)
            await asyncio.sleep(0.5)

    async def main(self):
        ramp = max(1.0, self.n / 200.0)  # open at most ~200 a second
        tasks = [asyncio.ensure_future(self.long_lived(i, ramp * i / self.n))
                 for i in range(self.n)]
        tasks.append(asyncio.ensure_future(self.news()))
        tasks.append(asyncio.ensure_future(self.stats()))
        while not os.path.exists(self.stop):
            await asyncio.sleep(0.2)
        self.ev("stat", self.alive, self.newok, self.newfail)
        for t in tasks:
            t.cancel()


def raise_nofile():
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (65536, 65536))
    except (ValueError, OSError):  # no CAP_SYS_RESOURCE: as far as the hard limit
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def client(vip, port, n, rate, out, stop):
    raise_nofile()
    asyncio.run(Client(vip, port, n, rate, out, stop).main())


# ---------------------------------------------------------------- probe
def probe(src, vip, port, sport0, n):
    sport0, n, res = int(sport0), int(n), {}

    def one(sp):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(5)
        try:
            s.bind((src, sp))
            s.connect((vip, int(port)))
            s.sendall(b"p\n")
            rs = s.makefile().readline().strip() or "-"
        except OSError:
            rs = "-"
        # a reset, not a FIN: no TIME_WAIT holds the port for the next pass
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        return rs

    for sp in range(sport0, sport0 + n):
        res[sp] = one(sp)
    for sp in sorted(res):
        print(sp, res[sp])


# ---------------------------------------------------------------- watchdog
def watchdog(seconds, pidfile, *cmd):
    import select
    import signal
    import subprocess
    sec = float(seconds)
    path = "\0ecmp-watchdog-%d" % os.getpid()  # abstract: nothing to clean up
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET="@" + path[1:], WATCHDOG_USEC=str(int(sec * 1e6)))
    p = subprocess.Popen(cmd, env=env)
    with open(pidfile, "w") as f:
        f.write("%d\n" % p.pid)
    last = time.monotonic()  # systemd's clock starts with the service
    while p.poll() is None:
        if select.select([s], [], [], 0.02)[0]:
            if b"WATCHDOG=1" in s.recv(4096).split(b"\n"):
                last = time.monotonic()
        elif time.monotonic() - last > sec:
            print("%d watchdog-kill" % now_ms(), flush=True)
            p.send_signal(signal.SIGABRT)
            try:
                p.wait(1.0)
            except subprocess.TimeoutExpired:
                p.kill()
            break
    sys.exit(p.wait())


# ---------------------------------------------------------------- stats
def events(out, t0, t1):
    with open(out) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and t0 <= int(w[0]) <= t1:
                yield int(w[0]), w[1], w[2:]


def monitor_lines(path):
    """(ms, set of gateways) per route change of `ip -ts -o monitor route`."""
    with open(path) as f:
        for line in f:
            if not line.startswith("[") or "]" not in line:
                continue
            stamp, rest = line[1:].split("]", 1)
            try:
                t = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").timestamp()
            except ValueError:
                continue
            w = rest.split()
            gws = set() if w[:1] == ["Deleted"] else \
                {w[i + 1] for i in range(len(w) - 1) if w[i] == "via"}
            yield t * 1000.0, gws


def stats(out, t0, t1, mon=None, fault_t=None, gw=None):
    t0, t1 = int(t0), int(t1)
    stat = [e for e in events(out, t0, t1) if e[1] == "stat"]
    # a replacement that never got an answer was not broken: it failed as a new connection
    broken = [e for e in events(out, t0, t1) if e[1] == "broken" and e[2][2] != "-"]
    slow = [e for e in events(out, t0, t1) if e[1] == "slow"] + broken
    newfail = [e for e in events(out, t0, t1) if e[1] == "newfail" or
               (e[1] == "broken" and e[2][2] == "-")]
    a0 = int(stat[0][2][0]) if stat else 0
    a1 = int(stat[-1][2][0]) if stat else 0
    newok = int(stat[-1][2][1]) - int(stat[0][2][1]) if stat else 0
    start = int(fault_t) if fault_t else t0
    # a slow answer came back at its event's time: the flow waited until then. Under emulation
    # a loaded VM answers late now and then without any fault: SLOW and SLOW_MAX_MS say how often
    # and how late, to compare with a phase without a fault
    rec = max([e[0] - start for e in slow] + [0])
    # new connections that failed or waited (a SYN retransmitted): when the last of them began
    badnew = [int(e[2][-1]) for e in events(out, t0, t1) if e[1] in ("newfail", "newretry")
              and len(e[2]) >= 2 and e[2][-1].isdigit()]
    badnew = [t - start for t in badnew if t >= start - 1000]
    lat = [int(e[2][3]) for e in slow if e[1] == "slow"]
    by_rs = {}
    for e in broken:
        by_rs[e[2][2]] = by_rs.get(e[2][2], 0) + 1
    print("ALIVE0=%d ALIVE1=%d BROKEN=%d NEWOK=%d NEWFAIL=%d RECOVER_MS=%d SLOW=%d SLOW_MAX_MS=%d" %
          (a0, a1, len(broken), newok, len(newfail), rec, len(lat), max(lat + [0])))
    print("NEWBAD=%d NEWBAD_MS=%d" % (len(badnew), max(badnew + [0])))
    print("BROKEN_RS='%s'" % " ".join("%s:%d" % kv for kv in sorted(by_rs.items())))
    print("BROKEN_WHY='%s'" % " ".join(sorted({e[2][3] for e in broken})))
    snap = os.environ.get("SNAP")
    if snap:  # which director carried each broken flow when the phase began
        owner, by_dir = flow_owners(snap), {}
        for e in broken:
            d = owner.get(e[2][1], ("?", ""))[0]
            by_dir[d] = by_dir.get(d, 0) + 1
        print("BROKEN_DIR='%s'" % " ".join("%s:%d" % kv for kv in sorted(by_dir.items())))
    if mon:
        print("WITHDRAW_MS=%d" % first_route(mon, int(fault_t), lambda g: gw not in g))


def flow_owners(snap):
    """sport -> (director, real server) from lines "DIRECTOR SPORT RS EXPIRE [ORIGIN]": a flow
    that moved has an entry on each director it crossed, and with connection sync on every
    director (ORIGIN SYNC: learnt); the live one was refreshed last, so it expires last; at the
    same second the director's own (LOCAL) one."""
    best = {}
    with open(snap) as f:
        for line in f:
            w = line.split()
            if len(w) < 4:
                continue
            key = (int(w[3]), len(w) < 5 or w[4] == "LOCAL")
            if w[1] not in best or key > best[w[1]][2]:
                best[w[1]] = (w[0], w[2], key)
    return {k: v[:2] for k, v in best.items()}


def live_sports(out):
    """Source ports of the client's long-lived connections open at the end of OUT."""
    port = {}
    with open(out) as f:
        for line in f:
            w = line.split()
            if len(w) >= 4 and w[1] == "up":
                port[w[2]] = w[3]
            elif len(w) >= 4 and w[1] == "broken":
                port.pop(w[2], None)
    return set(port.values())


def spread(snap, out=None):
    """Shell assignments: flows per director and per real server (FLOWS_d1=... FLOWS_rs1=...),
    only the client's open long-lived connections when OUT (its events) is given: IPVS keeps an
    entry of a closed or broken connection ESTABLISHED for minutes."""
    dirs, rss = {}, {}
    live = live_sports(out) if out else None
    for sport, (d, rs) in flow_owners(snap).items():
        if live is not None and sport not in live:
            continue
        dirs[d] = dirs.get(d, 0) + 1
        rss[rs] = rss.get(rs, 0) + 1
    for k, v in sorted(dirs.items()):
        print("FLOWS_%s=%d" % (k, v))
    for k, v in sorted(rss.items()):
        print("FLOWS_rs%s=%d" % (k.split(".")[-1][-1], v))


def first_route(mon, t, pred):
    for ms, gws in monitor_lines(mon):
        if ms >= t and pred(gws):
            return int(ms - t)
    return -1


def join(mon, t, gw):
    print("JOIN_MS=%d" % first_route(mon, int(t), lambda g: gw in g))


def neigh(mon, t, ip, mac):
    """TAKEOVER_MS: from T to the router's first neighbour entry of IP with MAC (a VRRP
    takeover as the router sees it: the new master's gratuitous ARP), in `ip -ts -o monitor
    neigh` lines; -1 when none."""
    t = int(t)
    with open(mon) as f:
        for line in f:
            if not line.startswith("[") or "]" not in line:
                continue
            stamp, rest = line[1:].split("]", 1)
            w = rest.split()
            if w[:1] != [ip] or "lladdr" not in w or w[w.index("lladdr") + 1] != mac.lower():
                continue
            ms = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").timestamp() * 1000
            if ms >= t:
                print("TAKEOVER_MS=%d" % (ms - t))
                return
    print("TAKEOVER_MS=-1")


def frrlog(d, t, gw):
    """Where a link-down withdrawal's time goes on the router (FRR logs with ms stamps):
    BFD_MS from T to bfdd's "up -> down" of the session with GW, BGPZ_MS from T to bgpd's
    first route sent to zebra after that (FRR's queue hold times lie between), KERNEL_MS to
    zebra's next netlink batch (the route to the kernel); -1 when not found."""
    t = int(t)

    def stamps(path, words):
        try:
            with open(path) as f:
                for line in f:
                    if all(x in line for x in words):
                        try:
                            yield datetime.datetime.strptime(
                                line[:23], "%Y/%m/%d %H:%M:%S.%f").timestamp() * 1000
                        except ValueError:
                            pass
        except OSError:
            return

    bfd = next((ms for ms in stamps(d + "/bfdd.log", ("peer:%s " % gw, "up -> down"))
                if ms >= t), -1)
    bgpz = next((ms for ms in stamps(d + "/bgpd.log", ("Tx route",)) if ms >= max(bfd, t)),
                -1) if bfd >= 0 else -1
    kern = next((ms for ms in stamps(d + "/zebra.log", ("nl_batch_send",)) if ms >= bgpz),
                -1) if bgpz >= 0 else -1
    print("BFD_MS=%d BGPZ_MS=%d KERNEL_MS=%d" % tuple(x - t if x >= 0 else -1
                                                    for x in (bfd, bgpz, kern)))


if __name__ == "__main__":
    cmds = {"server": server, "client": client, "probe": probe, "stats": stats, "join": join,
            "spread": spread, "watchdog": watchdog, "neigh": neigh, "frrlog": frrlog}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
