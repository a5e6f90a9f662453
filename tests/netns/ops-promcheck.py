#!/usr/bin/env python3
"""Strict checker for the Prometheus text exposition format 0.0.4.

Usage: ops-promcheck.py [FILE]  (stdin without FILE). Exit 0 when valid,
1 with one line per problem otherwise. `--self-test` proves it rejects
broken input. Rules: HELP/TYPE before a family's samples, one TYPE and at
most one HELP per family, families contiguous, metric and label name
syntax, label value escapes, float values, counters named *_total with
non-negative values, histograms with _bucket/_sum/_count, buckets
cumulative in increasing le ending with le="+Inf" equal to _count, no
duplicate series."""
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
SAMPLE = re.compile(r"^(%s)(\{(.*)\})? (\S+)( -?\d+)?$" % NAME)
LABEL_PAIR = re.compile(r'(%s)="((?:[^"\\\n]|\\[\\"n])*)"' % LABEL)
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_labels(text, err):
    labels, pos = {}, 0
    while pos < len(text):
        m = LABEL_PAIR.match(text, pos)
        if not m:
            err("bad label syntax at %r" % text[pos:])
            return None
        name = m.group(1)
        if name.startswith("__"):
            err("reserved label name %s" % name)
        if name in labels:
            err("duplicate label %s" % name)
        labels[name] = m.group(2)
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                err("expected ',' in labels at %r" % text[pos:])
                return None
            pos += 1
    return labels


def parse_value(v, err):
    if v in ("+Inf", "-Inf", "NaN"):
        return float(v.replace("Inf", "inf").replace("NaN", "nan"))
    try:
        return float(v)
    except ValueError:
        err("bad value %r" % v)
        return None


def family_of(name, types):
    if name in types:
        return name
    for suf in ("_bucket", "_sum", "_count"):
        if name.endswith(suf) and types.get(name[: -len(suf)]) in ("histogram", "summary"):
            return name[: -len(suf)]
    return name


def check_histograms(hists, err):
    for (fam, key), h in sorted(hists.items()):
        what = "%s{%s}" % (fam, ",".join("%s=%s" % kv for kv in key))
        b = h["buckets"]
        if not b or b[-1][0] != math.inf:
            err("%s: no le=\"+Inf\" bucket" % what)
            continue
        for i in range(1, len(b)):
            if b[i][0] <= b[i - 1][0]:
                err("%s: le not increasing" % what)
            if b[i][1] < b[i - 1][1]:
                err("%s: buckets not cumulative" % what)
        if h["count"] is None or h["sum"] is None:
            err("%s: _count or _sum missing" % what)
        elif h["count"] != b[-1][1]:
            err("%s: _count %s != +Inf bucket %s" % (what, h["count"], b[-1][1]))


def check(text):
    problems = []
    types, helps, seen_samples, done, series, hists = {}, {}, set(), set(), set(), {}
    current = None
    lineno = 0

    def err(msg):
        problems.append("line %d: %s" % (lineno, msg))

    if text and not text.endswith("\n"):
        lineno = text.count("\n") + 1
        err("no final newline")
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not re.fullmatch(NAME, name):
                    err("bad metric name %r" % name)
                if name in seen_samples:
                    err("%s %s after its samples" % (parts[1], name))
                if current not in (None, name):
                    done.add(current)
                if name in done:
                    err("family %s is not contiguous" % name)
                current = name
                if parts[1] == "TYPE":
                    if name in types:
                        err("second TYPE for %s" % name)
                    t = parts[3] if len(parts) > 3 else ""
                    if t not in TYPES:
                        err("unknown type %r" % t)
                    if t == "counter" and not name.endswith("_total"):
                        err("counter %s does not end with _total" % name)
                    types[name] = t
                else:
                    if name in helps:
                        err("second HELP for %s" % name)
                    helps[name] = parts[3] if len(parts) > 3 else ""
            continue
        if not line:
            err("empty line")
            continue
        m = SAMPLE.match(line)
        if not m:
            err("unparsable sample %r" % line)
            continue
        name, labels = m.group(1), parse_labels(m.group(3) or "", err)
        value = parse_value(m.group(4), err)
        if labels is None or value is None:
            continue
        fam = family_of(name, types)
        if fam not in types:
            err("sample %s without a TYPE" % name)
        if fam != current:
            if current is not None:
                done.add(current)
            if fam in done:
                err("family %s is not contiguous" % fam)
            current = fam
        seen_samples.add(fam)
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            err("duplicate series %s" % line)
        series.add(key)
        t = types.get(fam)
        if t in ("counter", "gauge", "untyped") and name != fam:
            err("%s sample named %s" % (t, name))
        if t == "counter" and not (value >= 0):
            err("counter %s negative or NaN" % name)
        if t == "histogram":
            le = labels.pop("le", None)
            h = hists.setdefault((fam, tuple(sorted(labels.items()))),
                                 {"buckets": [], "count": None, "sum": None})
            if name == fam + "_bucket":
                if le is None:
                    err("bucket without le")
                    continue
                bound = parse_value(le, err)
                if bound is not None:
                    h["buckets"].append((bound, value))
            elif name == fam + "_count":
                h["count"] = value
            elif name == fam + "_sum":
                h["sum"] = value
            else:
                err("histogram sample named %s" % name)
            if le is not None and name != fam + "_bucket":
                err("le on %s" % name)
    check_histograms(hists, err)
    return problems


BAD = {
    "sample before TYPE": "x_total 1\n# TYPE x_total counter\n",
    "counter without _total": "# TYPE x counter\nx 1\n",
    "two TYPEs": "# TYPE g gauge\n# TYPE g gauge\ng 1\n",
    "bad label": '# TYPE g gauge\ng{a=b} 1\n',
    "bad escape": '# TYPE g gauge\ng{a="\\x"} 1\n',
    "no +Inf": '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
    "not cumulative": '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n'
    'h_sum 1\nh_count 1\n',
    "count mismatch": '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n',
    "duplicate": "# TYPE g gauge\ng 1\ng 2\n",
    "split family": "# TYPE g gauge\ng{a=\"1\"} 1\n# TYPE f gauge\nf 1\ng{a=\"2\"} 1\n",
    "bad value": "# TYPE g gauge\ng one\n",
}
GOOD = ('# HELP h Latency.\n# TYPE h histogram\nh_bucket{x="a\\"b",le="0.5"} 1\n'
        'h_bucket{x="a\\"b",le="+Inf"} 2\nh_sum{x="a\\"b"} 0.7\nh_count{x="a\\"b"} 2\n'
        '# TYPE c_total counter\nc_total 3\n')


def self_test():
    bad = [k for k, v in BAD.items() if not check(v)]
    if check(GOOD):
        bad.append("good input rejected: %s" % check(GOOD))
    for b in bad:
        print("self-test: accepted broken input: %s" % b)
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
    problems = check(text)
    for p in problems:
        print(p)
    if not text.strip():
        print("empty exposition")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
