#!/usr/bin/env python3
"""Reference values for the survey statistics (tests/unit/test_survey_stats.cpp).

Computed independently of the C++ code: straight from the definitions in docs/SURVEYS.md,
row by row, in exact rational arithmetic (fractions.Fraction), with square roots and the
chi-square tail in 40-digit mpmath (`mpmath.gammainc(df/2, chi2/2, inf, regularized=True)`),
rounded to the nearest double only at the end. No scipy/numpy.

  python3 tests/data/survey_reference.py            writes tests/data/survey_reference.json
  python3 tests/data/survey_reference.py --check-sample OUT.json
        recomputes the statistics of tests/data/survey_sample_{schema.json,responses.csv}
        (CSV read with Python's csv module) and compares them with OUT.json, the output of
        `edudesk survey-stats` (every number to 1e-9 relative, everything else exactly);
        this is how tests/data/survey_sample_expected.json was verified.
"""
import csv
import io
import json
import math
import os
import sys
from fractions import Fraction as F

import mpmath

mpmath.mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))

# ---- the definitions (docs/SURVEYS.md) ------------------------------------------------------

NUMERIC = ("likert5", "nps", "rating", "number")
SCALES = {"likert5": range(1, 6), "rating": range(1, 6), "nps": range(0, 11)}
STOP = set("的了是在我有和就不人都一也很着没你他她们这那个吗吧呢啊呀哦嘛么得还把被给对但为以")
SEGMENTS = ("channel", "course", "agent", "category", "priority")


def to_float(x):
    if isinstance(x, F):
        return float(mpmath.mpf(x.numerator) / x.denominator)
    return float(x)


def sqrt_f(x):
    return mpmath.sqrt(mpmath.mpf(x.numerator) / x.denominator)


def key_of(v):
    return str(int(v)) if v == int(v) else repr(float(v))


def questions(schema):
    return [q for s in schema["sections"] for q in s["questions"]]


def present(v):
    return v is not None and v != "" and v != []


def mean_sd_median(vals):
    n = len(vals)
    if n == 0:
        return None, None, None
    mean = sum(vals, F(0)) / n
    sd = None
    if n >= 2:
        sd = float(sqrt_f(sum(((x - mean) ** 2 for x in vals), F(0)) / (n - 1)))
    s = sorted(vals)
    med = s[(n - 1) // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return to_float(mean), sd, to_float(med)


def avg_ranks(vals):
    order = sorted(range(len(vals)), key=lambda i: vals[i])
    ranks = [None] * len(vals)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and vals[order[j + 1]] == vals[order[i]]:
            j += 1
        r = F(i + 1 + j + 1, 2)  # positions i+1 .. j+1 share their mean
        for k in range(i, j + 1):
            ranks[order[k]] = r
        i = j + 1
    return ranks


def pearson(x, y):
    m = len(x)
    if m < 3:
        return None
    mx, my = sum(x, F(0)) / m, sum(y, F(0)) / m
    sxx = sum(((a - mx) ** 2 for a in x), F(0))
    syy = sum(((b - my) ** 2 for b in y), F(0))
    if sxx == 0 or syy == 0:
        return None
    sxy = sum(((a - mx) * (b - my) for a, b in zip(x, y)), F(0))
    return float(mpmath.mpf(sxy.numerator) / sxy.denominator / sqrt_f(sxx * syy))


def terms(texts):
    counts = {}
    for t in texts:
        prev = None
        for ch in t:
            cp = ord(ch)
            cjk = (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
                   or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2EBEF or 0x30000 <= cp <= 0x3134F)
            if not cjk:
                prev = None
                continue
            if prev is not None and prev not in STOP and ch not in STOP:
                counts[prev + ch] = counts.get(prev + ch, 0) + 1
            prev = ch
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    return [[t, c] for t, c in top]


def chi_square(table):
    """table: {row: {col: count}} -> (chi2 Fraction, df) over rows/cols with nonzero totals."""
    rows = [r for r in table if sum(table[r].values()) > 0]
    cols = sorted({c for r in rows for c, v in table[r].items() if v > 0})
    rt = {r: sum(table[r].get(c, 0) for c in cols) for r in rows}
    ct = {c: sum(table[r].get(c, 0) for r in rows) for c in cols}
    n = sum(rt.values())
    df = (len(rows) - 1) * (len(cols) - 1)
    if df < 1:
        return None, None
    chi2 = F(0)
    for r in rows:
        for c in cols:
            e = F(rt[r] * ct[c], n)
            chi2 += (table[r].get(c, 0) - e) ** 2 / e
    return chi2, df


def upper_tail(chi2, df):
    x = mpmath.mpf(chi2.numerator) / chi2.denominator
    return float(mpmath.gammainc(mpmath.mpf(df) / 2, x / 2, mpmath.inf, regularized=True))


def stats(schema, rows):
    """rows: [{"segments": {name: value}, "answers": {qid: value}}], values already typed
    (numbers as Fraction, single as str, multiple as list, text as str)."""
    qs = questions(schema)
    out = {"n": len(rows), "questions": {}, "correlation": {"pearson": {}, "spearman": {}}, "crosstab": {}}
    for q in qs:
        vals = [r["answers"].get(q["id"]) for r in rows]
        vals = [v for v in vals if present(v)]
        t = q["type"]
        if t in NUMERIC:
            mean, sd, med = mean_sd_median(vals)
            o = {"type": t, "n": len(vals), "mean": mean, "sd": sd, "median": med}
            points = list(SCALES[t]) if t in SCALES else sorted(set(vals))
            if t != "number" or len(points) <= 50:
                o["freq"] = {key_of(p): sum(1 for v in vals if v == p) for p in points}
            if t == "number":
                o["distinct"] = len(set(vals))
            if t == "likert5":
                o["top2box"] = to_float(F(sum(1 for v in vals if v >= 4), len(vals))) if vals else None
                o["top2box_denominator"] = "answered"
            if t == "nps":
                p = sum(1 for v in vals if v >= 9)
                d = sum(1 for v in vals if v <= 6)
                o.update(promoters=p, passives=len(vals) - p - d, detractors=d,
                         nps=to_float(F(100 * (p - d), len(vals))) if vals else None, nps_denominator="answered")
        elif t == "single":
            o = {"type": t, "n": len(vals), "freq": {opt["value"]: vals.count(opt["value"]) for opt in q["options"]}}
        elif t == "multiple":
            n = len(vals)
            freq = {opt["value"]: sum(1 for v in vals if opt["value"] in v) for opt in q["options"]}
            o = {"type": t, "n": n, "freq": freq,
                 "share": {k: (to_float(F(c, n)) if n else None) for k, c in freq.items()}}
        else:
            o = {"type": t, "n": len(vals), "terms": terms(vals)}
        out["questions"][q["id"]] = o
    num = [q["id"] for q in qs if q["type"] in NUMERIC]
    for i, a in enumerate(num):
        for b in num[i + 1:]:
            pairs = [(r["answers"][a], r["answers"][b]) for r in rows
                     if present(r["answers"].get(a)) and present(r["answers"].get(b))]
            x = [p[0] for p in pairs]
            y = [p[1] for p in pairs]
            out["correlation"]["pearson"][a + "|" + b] = pearson(x, y)
            out["correlation"]["spearman"][a + "|" + b] = pearson(avg_ranks(x), avg_ranks(y)) if len(x) >= 3 else None
    segs = []  # (name, function row -> value or None, own question id)
    seen = []
    for r in rows:
        for s in r["segments"]:
            if s not in seen:
                seen.append(s)
    for s in seen:
        segs.append((s, lambda r, s=s: r["segments"].get(s) or None, None))
    for q in qs:
        if q.get("demographic") and q["type"] == "single" and q["demographic"] not in seen:
            segs.append((q["demographic"], lambda r, q=q: r["answers"].get(q["id"]) or None, q["id"]))
    for name, seg_of, own in segs:
        per = {}
        for q in qs:
            if q["type"] not in ("likert5", "nps", "rating", "single") or q["id"] == own:
                continue
            groups, table = {}, {}
            for r in rows:
                g = seg_of(r)
                if g is None:
                    continue
                groups.setdefault(g, [])
                v = r["answers"].get(q["id"])
                if present(v):
                    groups[g].append(v)
                    table.setdefault(g, {})
                    table[g][v] = table[g].get(v, 0) + 1
            o = {"groups": {}, "n": sum(len(v) for v in groups.values())}
            for g, vals in groups.items():
                o["groups"][g] = {"n": len(vals)}
                if q["type"] != "single":
                    o["groups"][g]["mean"] = to_float(sum(vals, F(0)) / len(vals)) if vals else None
            chi2, df = chi_square(table)
            o["chi2"] = to_float(chi2) if chi2 is not None else None
            o["df"] = df
            o["p"] = upper_tail(chi2, df) if chi2 is not None else None
            per[q["id"]] = o
        out["crosstab"][name] = per
    return out


# ---- reading the sample the way the CLI does (but with Python's csv module) -----------------

def read_sample():
    schema = json.load(open(os.path.join(HERE, "survey_sample_schema.json"), encoding="utf-8"))
    qs = {q["id"]: q for q in questions(schema)}
    with open(os.path.join(HERE, "survey_sample_responses.csv"), encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))
    header, body = records[0], records[1:]
    rows = []
    for rec in body:
        r = {"segments": {}, "answers": {}}
        for name, cell in zip(header, rec):
            if name == "response_id":
                continue
            if name in SEGMENTS:
                if cell.strip():
                    r["segments"][name] = cell.strip()
                continue
            q = qs[name]
            if q["type"] in NUMERIC:
                if cell.strip():
                    r["answers"][name] = F(cell.strip())
            elif q["type"] == "multiple":
                if cell.strip():
                    r["answers"][name] = [p.strip() for p in cell.split(";") if p.strip()]
            elif q["type"] == "single":
                if cell.strip():
                    r["answers"][name] = cell.strip()
            elif cell:
                r["answers"][name] = cell
        rows.append(r)
    return schema, rows


def compare(ref, got, path, errors):
    if isinstance(ref, dict):
        if not isinstance(got, dict) or set(ref) != set(got):
            errors.append(f"{path}: keys {sorted(ref) if isinstance(ref, dict) else ref} vs "
                          f"{sorted(got) if isinstance(got, dict) else got}")
            return
        for k in ref:
            compare(ref[k], got[k], f"{path}/{k}", errors)
    elif isinstance(ref, list):
        if not isinstance(got, list) or len(ref) != len(got):
            errors.append(f"{path}: {ref} vs {got}")
            return
        for i, (a, b) in enumerate(zip(ref, got)):
            compare(a, b, f"{path}/{i}", errors)
    elif isinstance(ref, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        if abs(ref - got) > 1e-9 * max(abs(ref), 1e-3):
            errors.append(f"{path}: {ref!r} vs {got!r}")
    elif ref != got or type(ref) != type(got):
        if not (isinstance(ref, int) and isinstance(got, float) and ref == got):
            errors.append(f"{path}: {ref!r} vs {got!r}")


# ---- the reference cases of the unit tests --------------------------------------------------

# NIST Statistical Reference Datasets, univariate summary statistics
# (https://www.itl.nist.gov/div898/strd/univ/homepage.html): data and certified values.
MICHELSO = [299.85, 299.74, 299.90, 300.07, 299.93, 299.85, 299.95, 299.98, 299.98, 299.88, 300.00, 299.98,
            299.93, 299.65, 299.76, 299.81, 300.00, 300.00, 299.96, 299.96, 299.96, 299.94, 299.96, 299.94,
            299.88, 299.80, 299.85, 299.88, 299.90, 299.84, 299.83, 299.79, 299.81, 299.88, 299.88, 299.83,
            299.80, 299.79, 299.76, 299.80, 299.88, 299.88, 299.88, 299.86, 299.72, 299.72, 299.62, 299.86,
            299.97, 299.95, 299.88, 299.91, 299.85, 299.87, 299.84, 299.84, 299.85, 299.84, 299.84, 299.84,
            299.89, 299.81, 299.81, 299.82, 299.80, 299.77, 299.76, 299.74, 299.75, 299.76, 299.91, 299.92,
            299.89, 299.86, 299.88, 299.72, 299.84, 299.85, 299.85, 299.78, 299.89, 299.84, 299.78, 299.81,
            299.76, 299.81, 299.79, 299.81, 299.82, 299.85, 299.87, 299.87, 299.81, 299.74, 299.81, 299.94,
            299.95, 299.80, 299.81, 299.87]
LEW = [-213, -564, -35, -15, 141, 115, -420, -360, 203, -338, -431, 194, -220, -513, 154, -125, -559, 92, -21,
       -579, -52, 99, -543, -175, 162, -457, -346, 204, -300, -474, 164, -107, -572, -8, 83, -541, -224, 180,
       -420, -374, 201, -236, -531, 83, 27, -564, -112, 131, -507, -254, 199, -311, -495, 143, -46, -579, -90,
       136, -472, -338, 202, -287, -477, 169, -124, -568, 17, 48, -568, -135, 162, -430, -422, 172, -74, -577,
       -13, 92, -534, -243, 194, -355, -465, 156, -81, -578, -64, 139, -449, -384, 193, -198, -538, 110, -44,
       -577, -6, 66, -552, -164, 161, -460, -344, 205, -281, -504, 134, -28, -576, -118, 156, -437, -381, 200,
       -220, -540, 83, 11, -568, -160, 172, -414, -408, 188, -125, -572, -32, 139, -492, -321, 205, -262, -504,
       142, -83, -574, 0, 48, -571, -106, 137, -501, -266, 190, -391, -406, 194, -186, -553, 83, -13, -577,
       -49, 103, -515, -280, 201, 300, -506, 131, -45, -578, -80, 138, -462, -361, 201, -211, -554, 32, 74,
       -533, -235, 187, -372, -442, 182, -147, -566, 25, 68, -535, -244, 194, -351, -463, 174, -125, -570, 15,
       72, -550, -190, 172, -424, -385, 198, -218, -536, 96]


def numacc(centre):  # NumAcc2..4: centre, then (centre - 0.1, centre + 0.1) 500 times
    lo, hi = round(centre - 0.1, 1), round(centre + 0.1, 1)
    return [centre] + [lo, hi] * 500


NIST = {
    # name: (data, certified mean, certified sd)
    "michelso": (MICHELSO, "299.852400000000", "0.0790105478190518"),
    "lew": (LEW, "-177.435000000000", "277.332168044316"),
    "numacc1": ([10000001, 10000003, 10000002], "10000002", "1"),
    "numacc2": (numacc(1.2), "1.2", "0.1"),
    "numacc3": (numacc(1000000.2), "1000000.2", "0.1"),
    "numacc4": (numacc(10000000.2), "10000000.2", "0.1"),
}


def q(id_, type_, **kw):
    d = {"id": id_, "type": type_, "text": "题目 " + id_}
    d.update(kw)
    return d


def schema_of(*qs, sid="ref"):
    return {"id": sid, "title": "参考数据", "sections": [{"title": "", "questions": list(qs)}]}


def typed(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return F(repr(v)) if isinstance(v, float) else F(v)
    return v


def make_case(schema, rows, pointers, extra=None, columns=None):
    """rows: [{"segments", "answers", "repeat"?}] as stored, or columns: {qid: [answer per row]}
    (shorter rows leave the later answers missing); pointers: JSON pointers to keep."""
    expanded = []
    if columns:
        for i in range(max(len(c) for c in columns.values())):
            expanded.append({"segments": {},
                             "answers": {k: typed(c[i]) for k, c in columns.items() if i < len(c)}})
    for r in rows:
        for _ in range(r.get("repeat", 1)):
            expanded.append({"segments": r.get("segments", {}),
                             "answers": {k: typed(v) for k, v in r.get("answers", {}).items()}})
    full = stats(schema, expanded)
    expect = {}
    for p in pointers:
        node = full
        for part in p.strip("/").split("/"):
            node = node[part]
        expect[p] = node
    case = {"schema": schema, "rows": rows, "expect": expect}
    if columns:
        case["columns"] = columns
    if extra:
        case.update(extra)
    return case


def nist_case():
    qs = [q("q_" + name, "number", min=-1000, max=1e8) for name in NIST]
    certified = {}
    for name, (d, mean, sd) in NIST.items():
        # The transcription reproduces the certified values (NumAcc4's sd: see the unit test).
        vals = [F(repr(x)) if isinstance(x, float) else F(x) for x in d]
        m, s, _ = mean_sd_median(vals)
        assert abs(m - float(mean)) <= 1e-15 * abs(float(mean)), name
        assert abs(s - float(sd)) <= 1e-13 * float(sd), (name, s)
        certified[name] = {"mean": mean, "sd": sd}
    # The sd of the doubles nearest to the data (what a program reading the decimals gets):
    # for NumAcc4 it is 0.10000000055879…, 5.6e-9 away from the certified 0.1.
    binary = {}
    for name, (d, _, _) in NIST.items():
        _, s, _ = mean_sd_median([F(float(x)) for x in d])
        binary[name] = {"sd": s}
    pointers = []
    for name in NIST:
        pointers += [f"/questions/q_{name}/n", f"/questions/q_{name}/mean"]
        if name != "numacc4":
            pointers.append(f"/questions/q_{name}/sd")
    return make_case(schema_of(*qs), [], pointers, columns={"q_" + name: d for name, (d, _, _) in NIST.items()},
                     extra={"certified": certified, "binary": binary,
                      "note": "expect: the exact statistics of the decimal data (NumAcc4's sd is left to "
                              "'binary'); certified: NIST's certified values; binary: the exact sd of the "
                              "doubles nearest to the data"})


def likert_cases():
    # n = 9 (odd): 5,4,4,3,5,2,5,1,4 plus three missing forms (null, absent, "").
    odd = [5, 4, 4, 3, 5, 2, 5, 1, 4]
    rows = [{"answers": {"sat": v}} for v in odd] + [{"answers": {"sat": None}}, {"answers": {}},
                                                    {"answers": {"sat": ""}}]
    p = ["/n", "/questions/sat/n", "/questions/sat/mean", "/questions/sat/sd", "/questions/sat/median",
         "/questions/sat/top2box", "/questions/sat/freq"]
    a = make_case(schema_of(q("sat", "likert5")), rows, p)
    # n = 6 (even): the median is the mean of the two middle values 2 and 3.
    even = [1, 2, 2, 3, 4, 5]
    b = make_case(schema_of(q("sat", "likert5")), [{"answers": {"sat": v}} for v in even], p)
    return a, b


def nps_case():
    vals = [10, 9, 9, 8, 7, 6, 0, 10, 3, 9, 8, 5, 10]
    rows = [{"answers": {"rec": v}} for v in vals] + [{"answers": {}}]
    return make_case(schema_of(q("rec", "nps")), rows,
                     ["/questions/rec/n", "/questions/rec/nps", "/questions/rec/promoters",
                      "/questions/rec/passives", "/questions/rec/detractors", "/questions/rec/mean",
                      "/questions/rec/median"])


def correlation_case():
    # a, b: ratings with many ties; c: a number with a tie; d: mostly missing; e: constant.
    a = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, None, 2]
    b = [2, 1, 3, 3, 2, 4, 4, 5, 5, 5, 3, None]
    c = [10.5, 12, 12, 30, 18.25, 25, 40, 33, 60, 45, 7, 9]
    d = [None, None, 3, None, None, None, None, 4, None, None, None, None]
    e = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    rows = []
    for i in range(len(a)):
        ans = {}
        for name, col in (("a", a), ("b", b), ("c", c), ("d", d), ("e", e)):
            if col[i] is not None:
                ans[name] = col[i]
        rows.append({"answers": ans})
    schema = schema_of(q("a", "rating"), q("b", "rating"), q("c", "number", min=0, max=100), q("d", "likert5"),
                       q("e", "likert5"))
    p = []
    for kind in ("pearson", "spearman"):
        for pair in ("a|b", "a|c", "b|c", "a|d", "a|e", "c|e"):
            p.append(f"/correlation/{kind}/{pair}")
    return make_case(schema, rows, p)


def agresti_case():
    # Agresti, An Introduction to Categorical Data Analysis, 2nd ed. (Wiley 2007), p. 39 (Table 2.5):
    # party identification by gender; the text gives X^2 = 30.07 with df = 2 (also the example
    # of R's chisq.test, which prints p-value = 2.954e-07).
    table = {"F": {"dem": 762, "ind": 327, "rep": 468}, "M": {"dem": 484, "ind": 239, "rep": 477}}
    rows = [{"segments": {"channel": g}, "answers": {"party": p}, "repeat": n}
            for g, cols in table.items() for p, n in cols.items()]
    schema = schema_of(q("party", "single", options=[{"value": v, "label": v} for v in ("dem", "ind", "rep")]))
    return make_case(schema, rows,
                     ["/crosstab/channel/party/chi2", "/crosstab/channel/party/df", "/crosstab/channel/party/p",
                      "/crosstab/channel/party/n", "/crosstab/channel/party/groups", "/questions/party/freq"],
                     {"textbook": {"chi2": 30.07, "df": 2, "p": 2.954e-07}})


def crosstab_case():
    # A likert item by course, with a course that has no answers and rows without a course.
    data = [("数学", [5, 4, 4, 5, 3]), ("英语", [2, 3, 3, 1, 4, 2]), ("编程", [5, 5, 4]), ("美术", [None])]
    rows = []
    for course, vals in data:
        for v in vals:
            rows.append({"segments": {"course": course}, "answers": {} if v is None else {"sat": v}})
    rows.append({"segments": {}, "answers": {"sat": 1}})
    rows.append({"segments": {"course": ""}, "answers": {"sat": 2}})
    return make_case(schema_of(q("sat", "likert5")), rows,
                     ["/crosstab/course/sat/groups", "/crosstab/course/sat/chi2", "/crosstab/course/sat/df",
                      "/crosstab/course/sat/p", "/crosstab/course/sat/n"])


def multiple_text_case():
    opts = [{"value": v, "label": v} for v in ("video", "refund", "homework")]
    rows = [{"answers": {"m": ["video", "refund"], "t": "视频卡顿，退款太慢。"}},
            {"answers": {"m": ["video"], "t": "视频卡顿严重！视频卡顿"}},
            {"answers": {"m": [], "t": ""}},
            {"answers": {"m": ["homework", "video"], "t": "作业批改慢 视频还好"}},
            {"answers": {"t": "The 视频 is 卡顿的很"}}]
    return make_case(schema_of(q("m", "multiple", options=opts), q("t", "text")), rows,
                     ["/questions/m/n", "/questions/m/freq", "/questions/m/share", "/questions/t/n",
                      "/questions/t/terms"])


def wide_case():
    # Many distinct values: the number pair x|y takes the two-pass path (301 × 258 cells > 65,536),
    # x|z and y|z mix wide and byte-wide codes, and the course segment has 260 values.
    rows = []
    for i in range(300):
        ans = {"z": 1 + (i * 7) % 5}
        if i % 17:
            ans["x"] = (i * 37) % 301 + 0.5
        if i % 23:
            ans["y"] = (i * 53) % 290
        rows.append({"segments": {"course": "c%d" % (i % 260)}, "answers": ans})
    schema = schema_of(q("x", "number", min=0, max=1000), q("y", "number", min=0, max=1000), q("z", "likert5"))
    p = [f"/correlation/{k}/{pair}" for k in ("pearson", "spearman") for pair in ("x|y", "x|z", "y|z")]
    p += ["/questions/x/mean", "/questions/x/sd", "/questions/x/median", "/questions/x/distinct",
          "/questions/y/median", "/questions/y/distinct", "/crosstab/course/z/chi2", "/crosstab/course/z/df",
          "/crosstab/course/z/p", "/crosstab/course/z/n"]
    return make_case(schema, rows, p)


def tails_case():
    # Q(df/2, x/2) on both branches of the incomplete gamma (series: x < a + 1, fraction: x >= a + 1).
    points = [(0.5, 1), (3.84, 1), (30.070149095754672, 2), (1.0, 10), (9.061111111111112, 8), (100.0, 80),
              (150.0, 100), (0.001, 3), (250.0, 4), (7.0, 7)]
    return {"points": [[x, df, float(mpmath.gammainc(mpmath.mpf(df) / 2, mpmath.mpf(x) / 2, mpmath.inf,
                                                        regularized=True))] for x, df in points]}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check-sample":
        schema, rows = read_sample()
        ref = stats(schema, rows)
        got = json.load(open(sys.argv[2], encoding="utf-8"))
        errors = []
        compare(ref, got, "", errors)
        for e in errors:
            print("mismatch", e)
        print(f"survey_reference: {'OK' if not errors else str(len(errors)) + ' mismatches'} "
              f"({len(rows)} responses)")
        return 1 if errors else 0
    likert_odd, likert_even = likert_cases()
    out = {
        "note": "Written by tests/data/survey_reference.py: exact rational arithmetic (fractions) and "
                "40-digit mpmath for square roots and the chi-square tail (gammainc), from the "
                "definitions in docs/SURVEYS.md, independently of the C++ code. 'expect' maps JSON "
                "pointers into the survey_stats JSON to their values. Rows with 'repeat' stand for "
                "that many identical rows; 'columns' (when present) gives answers by question, row i "
                "of every list being response i (before the 'rows').",
        "cases": {
            "nist": nist_case(),
            "likert_odd": likert_odd,
            "likert_even": likert_even,
            "nps": nps_case(),
            "correlation": correlation_case(),
            "agresti": agresti_case(),
            "crosstab": crosstab_case(),
            "multiple_text": multiple_text_case(),
            "wide": wide_case(),
            "tails": tails_case(),
        },
    }
    path = os.path.join(HERE, "survey_reference.json")
    with open(path, "w", encoding="utf-8") as f:  # one line per case
        f.write('{"note": ' + json.dumps(out["note"], ensure_ascii=False) + ',\n "cases": {\n')
        f.write(",\n".join("  " + json.dumps(name, ensure_ascii=False) + ": " +
                           json.dumps(case, ensure_ascii=False, sort_keys=True)
                           for name, case in out["cases"].items()))
        f.write("\n }\n}\n")
    print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
