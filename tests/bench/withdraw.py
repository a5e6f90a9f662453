#!/usr/bin/env python3
"""withdraw.sh's figures: where each cut's time went on each router.

usage: withdraw.py DIR FRR_LOG_DIR FRR_NS BIRD_NS VIP DETECT_MS

DIR holds `cuts` (one line a cut: f|b, the cut's wall-clock time in us, d1's address on that
router's LAN), mon-NS.log (`ip -ts -o monitor route` in each router's namespace), bfd.pcap.txt
(`tcpdump -tt -i any` of the BFD control packets on the switch) and bird-rb.log (BIRD's log, ms
stamps); FRR_LOG_DIR the FRR router's bfdd.log, bgpd.log and zebra.log (ms stamps). Every stamp
is the wall clock of this host. Prints one line a cut, then per router min / median / max.
"""
import datetime
import statistics
import sys


def log_stamps(path, words, fmt, width):
    """ms of each line of PATH holding every one of WORDS, from its first WIDTH characters."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if all(w in line for w in words):
                    try:
                        out.append(datetime.datetime.strptime(line[:width], fmt).timestamp() * 1e3)
                    except ValueError:
                        pass
    except OSError:
        pass
    return out


def first_after(stamps, t):
    return next((s for s in stamps if s >= t), None)


def fib_changes(path, vip):
    """(ms, set of gateways) per change of VIP's route in `ip -ts -o monitor route` lines."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("[") or "]" not in line:
                continue
            stamp, rest = line[1:].split("]", 1)
            w = rest.split()
            deleted = w[:1] == ["Deleted"]
            if (w[1:2] if deleted else w[:1]) != [vip]:
                continue
            try:
                t = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").timestamp() * 1e3
            except ValueError:
                continue
            gws = set() if deleted else {w[i + 1] for i in range(len(w) - 1) if w[i] == "via"}
            out.append((t, gws))
    return out


def bfd_packets(path):
    """{source address: [ms, ...]} of the BFD packets as the switch received them (each is
    seen again as it leaves through the router's port: "Out")."""
    out = {}
    with open(path, errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) < 5 or "Out" in w[:3] or "IP" not in w:
                continue
            src = w[w.index("IP") + 1].rsplit(".", 1)[0]
            out.setdefault(src, []).append(float(w[0]) * 1e3)
    return out


def main(d, frr_dir, frr_ns, bird_ns, vip, detect):
    detect = float(detect)
    pkts = bfd_packets(d + "/bfd.pcap.txt")
    fib = {"f": fib_changes("%s/mon-%s.log" % (d, frr_ns), vip),
           "b": fib_changes("%s/mon-%s.log" % (d, bird_ns), vip)}
    ffmt, bfmt = "%Y/%m/%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f"
    bgpz = log_stamps(frr_dir + "/bgpd.log", ("Tx route",), ffmt, 23)
    kern = log_stamps(frr_dir + "/zebra.log", ("nl_batch_send",), ffmt, 23)
    rows = {"f": [], "b": []}
    with open(d + "/cuts") as f:
        cuts = [line.split() for line in f if line.strip()]
    print("router   cut - last pkt thru | cut->BFD down | last pkt->BFD down | BFD down->FIB"
          " | cut->FIB (ms)")
    for r, t_us, gw in cuts:
        t = int(t_us) / 1e3
        if r == "f":
            bfd = first_after(log_stamps(frr_dir + "/bfdd.log", ("peer:%s " % gw, "up -> down"),
                                         ffmt, 23), t)
        else:
            bfd = first_after(log_stamps(d + "/bird-rb.log", (
                "Session to %s changed state from Up to Down" % gw,), bfmt, 23), t)
        # the last packet that got through: ip(8) takes a few ms to apply the cut after the
        # time noted, and a packet sent meanwhile still reaches the router (negative figure)
        last = max((p for p in pkts.get(gw, []) if p <= (bfd or t + 100)), default=None)
        fibt = next((ms for ms, g in fib[r] if ms >= t and gw not in g), None)
        row = {"pkt": t - last if last else None,
               "bfd": bfd - t if bfd else None,
               "det": bfd - last if bfd and last else None,
               "proc": fibt - bfd if fibt and bfd else None,
               "fib": fibt - t if fibt else None}
        if r == "f" and bfd:
            z = first_after(bgpz, bfd)
            k = first_after(kern, z) if z else None
            row["bgpz"] = z - bfd if z else None
            row["kern"] = k - z if k and z else None
        rows[r].append(row)
        extra = ""
        if "bgpz" in row:
            extra = "  (bgpd->zebra +%s, zebra->kernel +%s)" % (fmt(row["bgpz"]), fmt(row["kern"]))
        print("%-6s  %19s | %13s | %18s | %13s | %s%s" % (
            "FRR" if r == "f" else "BIRD", fmt(row["pkt"]), fmt(row["bfd"]), fmt(row["det"]),
            fmt(row["proc"]), fmt(row["fib"]), extra))
    print()
    print("per router, min / median / max in ms (n cuts); detection time %d ms, target %d ms" % (
        detect, detect + 50))
    for r, name in (("f", "FRR 8.4 (zebra work-queue 0)"), ("b", "BIRD 2")):
        print(name)
        for key, what in (("pkt", "cut - the last BFD packet that got through"),
                          ("bfd", "cut -> BFD down on the router"),
                          ("det", "last packet -> BFD down"),
                          ("bgpz", "BFD down -> bgpd hands zebra the route"),
                          ("kern", "bgpd -> zebra's netlink batch"),
                          ("proc", "BFD down -> FIB (the router's own time)"),
                          ("fib", "cut -> FIB")):
            v = [x[key] for x in rows[r] if x.get(key) is not None]
            if v:
                print("  %-47s %s" % (what, summary(v)))
        v = [x["fib"] for x in rows[r] if x["fib"] is not None]
        if v:
            print("  %-47s %.2f / %.2f / %.2f; %d of %d within %d ms" % (
                "cut -> FIB / detection time", min(v) / detect, statistics.median(v) / detect,
                max(v) / detect, sum(1 for x in v if x <= detect + 50), len(rows[r]), detect + 50))


def fmt(x):
    return "-" if x is None else "%.0f" % x


def summary(v):
    return "%.0f / %.0f / %.0f (%d)" % (min(v), statistics.median(v), max(v), len(v))


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(*sys.argv[1:])
