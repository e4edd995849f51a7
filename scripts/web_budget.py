#!/usr/bin/python3
"""The download budget of the web app (issue 8), measured on every build.

Finds what a first visit fetches before the first interactive frame by following the
references from the page: index.html's <script src> and <link href> (the manifest and its
icons, the icon), the files edudesk.js names (edudesk.wasm, the service worker it
registers). Fonts (fonts/*.otf, named by the app and fetched after the first frame) are
listed apart. Each file is compressed as the server sends it: gzip -9, and brotli 11 when
Debian's python3 has the brotli module (python3-brotli); the .gz/.br siblings are written
next to the files (edudesk serve sends them to browsers that accept them) and reused while
newer than their source.

Fails (exit 1) when the first visit is over --budget bytes gzip-compressed, or the fonts a
first visit fetches (the base font; on-demand glyph shards are listed, not counted) are
over --font-budget. Usage:
  web_budget.py --web build/wasm/web [--budget 1500000] [--font-budget 2500000] [--json OUT]
"""
import argparse, gzip, json, os, re, sys

try:
    import brotli  # Debian: python3-brotli (a dependency of python3-fonttools)
except ImportError:
    brotli = None

ap = argparse.ArgumentParser()
ap.add_argument("--web", required=True)
ap.add_argument("--budget", type=int, default=1_500_000)
ap.add_argument("--font-budget", type=int, default=2_500_000)
ap.add_argument("--json", help="write the figures here as JSON")
ap.add_argument("--no-write", action="store_true", help="measure only; write no .gz/.br siblings")
a = ap.parse_args()
web = os.path.abspath(a.web)


def local(ref):
    ref = ref.split("#")[0].split("?")[0]
    if not ref or re.match(r"^[a-z]+:", ref) or ref.startswith("//"):
        return None
    path = os.path.normpath(os.path.join(web, ref.lstrip("/")))
    return os.path.relpath(path, web) if path.startswith(web + os.sep) and os.path.isfile(path) else None


def compressed(rel):
    """(raw, gzip -9, brotli 11 or None) bytes of one file; keeps the siblings fresh."""
    src = os.path.join(web, rel)
    raw = os.path.getsize(src)
    out = {}
    for ext, fn in (("gz", lambda b: gzip.compress(b, 9, mtime=0)),
                    ("br", (lambda b: brotli.compress(b, quality=11)) if brotli else None)):
        if fn is None:
            out[ext] = None
            continue
        sib = src + "." + ext
        if os.path.isfile(sib) and os.path.getmtime(sib) >= os.path.getmtime(src):
            out[ext] = os.path.getsize(sib)
            continue
        with open(src, "rb") as f:
            data = fn(f.read())
        out[ext] = len(data)
        if not a.no_write:
            tmp = sib + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, sib)
    return raw, out["gz"], out["br"]


# ---- what the first visit fetches, by following references from the page ----------------
first, fonts, seen = [], [], set()
queue = ["index.html"]
while queue:
    rel = queue.pop(0)
    if rel in seen:
        continue
    seen.add(rel)
    (fonts if rel.startswith("fonts/") else first).append(rel)
    path = os.path.join(web, rel)
    with open(path, "rb") as f:
        data = f.read()
    refs = []
    if rel.endswith(".html"):
        text = data.decode("utf-8", "replace")
        refs += re.findall(r'<script[^>]*\ssrc="([^"]+)"', text)
        refs += re.findall(r'<link[^>]*\shref="([^"]+)"', text)
    elif rel.endswith(".webmanifest") or rel.endswith(".json"):
        try:
            refs += [i.get("src", "") for i in json.loads(data).get("icons", [])]
        except ValueError:
            pass
    elif rel.endswith(".js"):
        text = data.decode("utf-8", "replace")
        refs += re.findall(r'"([A-Za-z0-9_./-]+\.(?:wasm|js))"', text)
    elif rel.endswith(".wasm"):
        # Font URLs are C strings in the app (fetched after the first frame).
        refs += [m.decode() for m in re.findall(rb"fonts/[A-Za-z0-9_.-]+\.otf", data)]
    for r in refs:
        l = local(r)
        if l and l not in seen:
            queue.append(l)
# On-demand glyph shards (fetched only when the data needs one of their characters).
shards = sorted(os.path.relpath(os.path.join(dp, f), web) for dp, _, fs in os.walk(os.path.join(web, "fonts"))
                for f in fs if f.endswith(".otf") and os.path.relpath(os.path.join(dp, f), web) not in seen)


def table(title, files, summary=False):
    rows = [(f, *compressed(f)) for f in files]
    tot = [sum(r[i] or 0 for r in rows) for i in (1, 2, 3)]
    print(f"  {title}")
    br_text = lambda n: f" {n:>11,} br" if n is not None and brotli else ""
    if summary and rows:  # hundreds of shards: the median and the largest stand for them
        by_gz = sorted(rows, key=lambda r: r[2])
        rows_shown = [("median: " + by_gz[len(by_gz) // 2][0], *by_gz[len(by_gz) // 2][1:]),
                      ("largest: " + by_gz[-1][0], *by_gz[-1][1:])]
    else:
        rows_shown = rows
    for f, raw, gz, br in rows_shown:
        print(f"    {f:<34} {raw:>11,} raw {gz:>11,} gz{br_text(br)}")
    print(f"    {'total':<34} {tot[0]:>11,} raw {tot[1]:>11,} gz{br_text(tot[2])}")
    return rows, tot


print(f"web budget ({web}):")
first_rows, first_tot = table("first visit, before the first interactive frame:", first)
font_rows, font_tot = table("fonts, fetched after the first frame:", fonts)
shard_rows, shard_tot = table("glyph shards, fetched only when the data needs one:", shards, True) if shards else ([], [0, 0, 0])
ok_first = first_tot[1] <= a.budget
ok_font = font_tot[1] <= a.font_budget
print(f"first visit: {first_tot[1]:,} bytes gz (budget {a.budget:,})"
      + (f", {first_tot[2]:,} bytes br" if brotli else "") + ("" if ok_first else "  OVER BUDGET"))
print(f"fonts: {font_tot[1]:,} bytes gz (budget {a.font_budget:,})" + (f", {font_tot[2]:,} bytes br" if brotli else "")
      + (f"; glyph shards on demand {shard_tot[1]:,} bytes gz in {len(shards)} files" if shards else "")
      + ("" if ok_font else "  OVER BUDGET"))
if a.json:
    def rows_json(rows):
        return [{"file": f, "raw": raw, "gz": gz, "br": br} for f, raw, gz, br in rows]
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump({"budget": a.budget, "font_budget": a.font_budget, "first_visit": rows_json(first_rows),
                   "first_visit_gz": first_tot[1], "first_visit_br": first_tot[2] if brotli else None,
                   "fonts": rows_json(font_rows), "fonts_gz": font_tot[1],
                   "shards": rows_json(shard_rows), "shards_gz": shard_tot[1]}, f, indent=1)
if not (ok_first and ok_font):
    print("web budget: FAILED (issue 8: first visit <= 1.5 MB and fonts <= 2.5 MB, compressed)", file=sys.stderr)
    sys.exit(1)
