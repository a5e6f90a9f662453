#!/usr/bin/env python3
"""Every metric, label and label value the Prometheus rules and the Grafana
dashboard use must be one the daemon exposes.

usage: ops-alerts-names.py RULES.yml DASHBOARD.json SCRAPE.txt
Prints one line per problem and exits 1 if there is any.

SCRAPE is a GET /metrics exposition. Families come from its # TYPE lines
(a histogram also gives NAME_bucket, _sum, _count); label names and values
from its samples. Families with no sample (IPVS on a kernel without it)
are checked by name only. In the rules and the dashboard, `job` and
`instance` are the scrape target's labels, and `exported_instance` is the
daemon's own `instance` label as Prometheus renames it (honor_labels:
false), so the daemon must expose `instance` on every family that is
matched or grouped by exported_instance.
"""
import json
import re
import sys

import yaml

TARGET = {"job", "instance", "le", "__name__"}
NAME = re.compile(r"\bhadirector_[a-zA-Z0-9_]+")
SELECTOR = re.compile(r"\b(hadirector_[a-zA-Z0-9_]+)\s*\{([^}]*)\}")
MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"')
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
LEGEND = re.compile(r"\{\{\s*\.?([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def parse_scrape(path):
    fams, labels, values = {}, {}, {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            fams[name] = kind
            if kind == "histogram":
                for suf in ("_bucket", "_sum", "_count"):
                    fams[name + suf] = "sample"
            continue
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s", line)
        if not m:
            continue
        name = m.group(1)
        for lname, _, lval in MATCHER.findall(m.group(3) or ""):
            labels.setdefault(name, set()).add(lname)
            values.setdefault((name, lname), set()).add(lval)
    return fams, labels, values


def daemon_label(lname):
    return "instance" if lname == "exported_instance" else lname


def check_expr(where, expr, legend, fams, labels, values, problems):
    names = set(NAME.findall(expr))
    for n in sorted(names):
        if n not in fams:
            problems.append(f"{where}: no metric {n} in the scrape")
    known = set()
    for n in names:
        known |= labels.get(n, set())
    has_samples = any(n in labels for n in names)
    for n, body in SELECTOR.findall(expr):
        for lname, op, val in MATCHER.findall(body):
            if lname in TARGET or n not in labels:
                continue
            dl = daemon_label(lname)
            if dl not in labels[n]:
                problems.append(f"{where}: {n} has no label {lname} (daemon: {dl})")
                continue
            if op in ("=", "=~") and "$" not in val:
                seen = values.get((n, dl), set())
                for alt in val.split("|") if op == "=~" else [val]:
                    if re.fullmatch(r"[a-zA-Z0-9_.:]+", alt) and alt not in seen:
                        problems.append(f"{where}: {n}{{{lname}}} never has the value {alt}")
    grouped = [g.strip() for grp in GROUPING.findall(expr) for g in grp.split(",") if g.strip()]
    for lname in grouped + LEGEND.findall(legend or ""):
        if lname in TARGET or not has_samples:
            continue
        if daemon_label(lname) not in known:
            problems.append(f"{where}: label {lname} is on none of {sorted(names)}")


def main():
    rules_path, dash_path, scrape_path = sys.argv[1:4]
    fams, labels, values = parse_scrape(scrape_path)
    if not fams:
        print(f"{scrape_path}: no metric families")
        return 1
    problems = []
    n = 0
    for group in yaml.safe_load(open(rules_path))["groups"]:
        for rule in group["rules"]:
            where = f"rule {rule.get('alert') or rule.get('record')}"
            text = " ".join(str(v) for v in rule.get("annotations", {}).values())
            check_expr(where, rule["expr"], text, fams, labels, values, problems)
            n += 1
    dash = json.load(open(dash_path))
    exprs = []
    for p in dash["panels"]:
        for t in p.get("targets", []):
            exprs.append((f"panel '{p['title']}' {t['refId']}", t["expr"], t.get("legendFormat")))
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        if v.get("type") == "query":
            exprs.append((f"variable {v['name']}", q, None))
    for a in dash.get("annotations", {}).get("list", []):
        if "expr" in a:
            exprs.append((f"annotation {a['name']}", a["expr"], a.get("textFormat")))
    for where, expr, legend in exprs:
        if not NAME.search(expr or ""):
            problems.append(f"{where}: uses no hadirector metric")
        check_expr(where, expr, legend, fams, labels, values, problems)
    for p in problems:
        print(p)
    print(f"# {n} rules, {len(exprs)} dashboard queries, {len(fams)} families in the scrape: "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
