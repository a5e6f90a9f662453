#!/bin/sh
# The configuration reference must not drift from the parser.
#
# Reads the libconfuse schema from daemon/config*.c (the cfg_opt_t arrays,
# with the O/L/SEC/TSEC helper macros and option-list macros such as
# CHECK_TIMING expanded; raw CFG_* entries are understood too), walks it
# from the array given to cfg_init(), and checks man/hadirector.conf.5:
#   - every section has a subsection (.SS) whose title names it;
#   - every option of a section (leaf or sub-section) has a .TP heading
#     (.B/.BI/.BR "name = ..." or "name TITLE { ...") in a subsection
#     whose title names that section;
#   - every such heading in a subsection that names sections is an option
#     of one of them (no documented option the parser does not know).
# The schema arrays are static in config.c, so they are read as text; the
# script fails loudly when it finds implausibly little (a changed macro).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
command -v python3 >/dev/null 2>&1 || { echo "man-coverage: python3 is needed"; exit 1; }
exec python3 - "$top_srcdir" <<'PY'
import glob, os, re, sys

top = sys.argv[1]
man_path = os.path.join(top, "man", "hadirector.conf.5")
src = ""
for f in sorted(glob.glob(os.path.join(top, "daemon", "config*.c"))):
    src += open(f, encoding="utf-8").read() + "\n"
src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
src = re.sub(r"\\\n", " ", src)            # join #define continuations

HIDDEN = {"__line"}
ENTRY = re.compile(r'\b(O|L|SEC|TSEC|CFG_[A-Z_]+)\s*\(\s*"([^"]+)"\s*(?:,\s*(\w+))?')

# Object-like macros that expand to option entries (CHECK_TIMING ...).
macros = {}
for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.*)$", src, flags=re.M):
    name, body = m.group(1), m.group(2)
    if ENTRY.search(body) and "(" not in name:
        macros[name] = body

def entries(body, depth=0):
    """(kind, name, child-array) in order, macros expanded."""
    out = []
    tok = re.compile(r'\b(O|L|SEC|TSEC|CFG_[A-Z_]+)\s*\(\s*"([^"]+)"\s*(?:,\s*(\w+))?|\b(\w+)\b')
    for m in tok.finditer(body):
        if m.group(1):
            kind, name, arg = m.group(1), m.group(2), m.group(3)
            is_sec = kind in ("SEC", "TSEC") or kind.startswith("CFG_SEC")
            out.append((kind, name, arg if is_sec else None))
        elif m.group(4) in macros and depth < 5:
            out.extend(entries(macros[m.group(4)], depth + 1))
    return out

arrays = {}
for m in re.finditer(r"cfg_opt_t\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\}\s*;", src, flags=re.S):
    arrays[m.group(1)] = entries(m.group(2))

# cfg_init(ARRAY, ...) or cfg_init(used_opts(pool, ARRAY, ...), ...) in
# config.c: the file's root (config_rs.c's one-server schema for add-rs is
# a part of it and has a cfg_init of its own)
main_src = re.sub(r"/\*.*?\*/", " ", open(os.path.join(top, "daemon", "config.c"), encoding="utf-8").read(), flags=re.S)
roots = re.findall(r"cfg_init\s*\(\s*(?:used_opts\s*\(\s*\w+\s*,\s*)?(\w+)", main_src)
if len(roots) != 1 or roots[0] not in arrays:
    sys.exit("man-coverage: cannot find the schema root (cfg_init(ARRAY, ...)) in daemon/config*.c")

sections = {}          # section name -> set of option names
root_children = []
seen_arrays = set()

def walk(array, secname):
    seen_arrays.add(array)
    for kind, name, child in arrays[array]:
        if name in HIDDEN:
            continue
        if secname is None:
            root_children.append(name)
        else:
            sections.setdefault(secname, set()).add(name)
        if child:
            if child not in arrays:
                sys.exit("man-coverage: section %s uses unknown array %s" % (name, child))
            sections.setdefault(name, set())
            walk(child, name)

walk(roots[0], None)
unused = set(arrays) - seen_arrays
# a wrapper made only of reachable sections adds no option of its own
# (config_rs.c's one_rs_opts: the real_server section alone, for add-rs)
unused = {a for a in unused
          if not arrays[a] or not all(child in seen_arrays for _, _, child in arrays[a])}
n_opts = sum(len(v) for v in sections.values())
if unused:
    sys.exit("man-coverage: schema arrays not reachable from %s: %s" % (roots[0], sorted(unused)))
if len(sections) < 15 or n_opts < 100 or len(root_children) < 5:
    sys.exit("man-coverage: found only %d sections / %d options in the schema: "
             "did the schema macros change? Update this script." % (len(sections), n_opts))

# The man page: subsections and the .TP headings in each.
subsecs = []           # (title, set of section names it covers, [(heading, lineno)])
lines = open(man_path, encoding="utf-8").read().split("\n")
HEAD = re.compile(r'^\.(?:B|BI|BR)\s+"?([a-z_][a-z_0-9]*)(?=[\s"]*(?:=|\{|\+=|[A-Z]))')
cur = None
for i, line in enumerate(lines):
    if line.startswith(".SH"):
        cur = None
    elif line.startswith(".SS"):
        title = line[3:].strip().strip('"')
        words = set(re.findall(r"[a-z_][a-z_0-9]*", title)) & set(sections)
        cur = (title, words, [])
        subsecs.append(cur)
    elif cur is not None and i > 0 and lines[i - 1].strip() == ".TP":
        m = HEAD.match(line)
        if m:
            cur[2].append((m.group(1), i + 1))

errors = []
for name in set(sections) | set(root_children):
    if not any(name in s[1] for s in subsecs):
        errors.append("section '%s' has no .SS subsection naming it" % name)
for sec, opts in sorted(sections.items()):
    documented = set()
    for title, words, heads in subsecs:
        if sec in words:
            documented |= {h for h, _ in heads}
    for o in sorted(opts - documented):
        errors.append("option '%s' of section '%s' has no .TP heading in a .SS naming '%s'"
                      % (o, sec, sec))
for title, words, heads in subsecs:
    if not words:
        continue
    known = set().union(*(sections[w] for w in words))
    for h, ln in heads:
        if h not in known:
            errors.append("man/hadirector.conf.5:%d: '%s' is not an option of %s (per the parser)"
                          % (ln, h, " / ".join(sorted(words))))

for e in errors:
    print("FAIL " + e)
print("man-coverage: %d sections, %d options in the schema; %d problems"
      % (len(sections), n_opts, len(errors)))
sys.exit(1 if errors else 0)
PY
