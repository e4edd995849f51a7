#!/usr/bin/env python3
"""Fails on any UI string that is missing from the i18n tables (issue 8).

Usage: python3 tests/check_i18n.py [SOURCE_DIR]

1. The three tables (assets/i18n/{zh-Hans,zh-Hant,en}.json) hold the same keys, none empty.
2. Literal keys: every key-shaped string literal ("ticket.send_reply") in src/ui/ and
   src/platform/web/ whose first part is one of the tables' namespaces must be in the tables;
   command and query types ({"type", "ticket.reply"}) are not keys.
3. Composed keys: every tr_enum / enum_combo group and every key prefix that code completes
   at run time ("dash.weekday." + d, "segment." + dim + "." + value, "churn." + id) must be
   listed in DYNAMIC below with where its ids come from; the ids are read from the code
   (enum to_id switches, id arrays, the lists the views loop over) and every composed key
   must exist. A prefix whose result is guarded by has_key() (it falls back to the raw code)
   is allowed without a list. A new group or prefix the script does not know fails.
4. No user-visible text bypasses the tables: string literals with CJK characters in
   src/ui/*.cpp outside comments, and literals with English words passed as visible text to
   ImGui widgets, fail unless the line says `// i18n-ok: <why>`.
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
LANGS = ["zh-Hans", "zh-Hant", "en"]
problems = []


def rel(p):
    return os.path.relpath(p, ROOT)


def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()


# ---- C++ lexing: string literals and code with comments blanked ------------------------
def lex(text):
    """Returns (code, literals): code with comments replaced by spaces (newlines kept), and
    [(offset, value, line)] of every "…" literal outside comments (raw strings skipped)."""
    out, lits, i, n, line = [], [], 0, len(text), 1
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            seg = text[i:j]
            out.append("".join("\n" if ch == "\n" else " " for ch in seg))
            line += seg.count("\n")
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            seg = text[i:j]
            out.append(seg)
            line += seg.count("\n")
            i = j
        elif c == '"':
            j, val = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    val.append(text[j:j + 2])
                    j += 2
                else:
                    val.append(text[j])
                    j += 1
            lits.append((i, "".join(val), line))
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "'":  # a char literal ('"' must not open a string)
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            if c == "\n":
                line += 1
            out.append(c)
            i += 1
    return "".join(out), lits


def core_sources():
    return sorted(glob.glob(os.path.join(ROOT, "src/core/*.cpp")) + glob.glob(os.path.join(ROOT, "src/core/*.h")))


def ui_sources():
    return sorted(glob.glob(os.path.join(ROOT, "src/ui/*.cpp")) + glob.glob(os.path.join(ROOT, "src/ui/*.h")))


def web_sources():
    return sorted(glob.glob(os.path.join(ROOT, "src/platform/web/*.cpp")))


_code_cache = {}


def code_of(p):
    if p not in _code_cache:
        _code_cache[p] = lex(read(p))
    return _code_cache[p]


# ---- where the ids of a composed key come from -----------------------------------------
def block(code, start):
    """The text from `start` (just after an opening brace) to its matching closing brace."""
    depth, j = 1, start
    while depth and j < len(code):
        depth += {"{": 1, "}": -1}.get(code[j], 0)
        j += 1
    return code[start:j - 1]


def enum_ids(type_name):
    """Every id the `to_id(Type)` switch returns ("case Type::x: return "x";")."""
    ids = []
    for p in core_sources():
        code, _ = code_of(p)
        m = re.search(r"const char\*\s*to_id\(\s*" + type_name + r"\s+\w+\s*\)\s*\{", code)
        if not m:
            continue
        body = block(code, m.end())
        # every id it returns: the cases, the fallback after the switch, a two-valued ternary
        ids += [x for x in re.findall(r'return\s+(?:[^;"]*\?\s*)?"([^"]+)"(?:\s*:\s*"([^"]+)")?', body) for x in x if x]
    if not ids:
        problems.append(f"check_i18n.py: found no to_id({type_name}) in src/core")
    return list(dict.fromkeys(ids))


def array_ids(name, files, pattern=r'"([^"]*)"'):
    """The string literals of the initializer `name[] = {…}` (or `name = {…}`)."""
    for p in files:
        code, _ = code_of(p)
        m = re.search(r"\b" + re.escape(name) + r"\s*(?:\[\w*\])?\s*=\s*\{", code)
        if not m:
            continue
        return [x for x in re.findall(pattern, block(code, m.end())) if x]
    problems.append(f"check_i18n.py: found no initializer of {name}")
    return []


def loop_ids(file, marker):
    """The ids of a range-for over a braced list: `for (const char* x : {"a", "b"})` on the
    line that contains `marker`."""
    code, _ = code_of(os.path.join(ROOT, file))
    for ln in code.splitlines():
        if marker in ln:
            m = re.search(r":\s*\{([^}]*)\}\s*\)", ln)
            if m:
                return [x for x in re.findall(r'"([^"]*)"', m.group(1)) if x]
    problems.append(f"check_i18n.py: found no loop over a list with '{marker}' in {file}")
    return []


def function_ids(file, func, pattern):
    code, _ = code_of(os.path.join(ROOT, file))
    m = re.search(re.escape(func) + r"\s*\([^)]*\)\s*\{", code)
    if not m:
        problems.append(f"check_i18n.py: found no {func} in {file}")
        return []
    return sorted(set(re.findall(pattern, block(code, m.end()))))


CORE = lambda: core_sources()  # noqa: E731
UI = lambda: ui_sources()  # noqa: E731

# The closed vocabularies the UI reads through the tables: group (tr_enum / enum_combo) or key
# prefix → the ids. Each entry is a function so a missing source is reported, not crashed on.
DYNAMIC = {
    # tr_enum / enum_combo groups
    "status": lambda: enum_ids("Status"),
    "priority": lambda: enum_ids("Priority"),
    "category": lambda: enum_ids("Category"),
    "channel": lambda: enum_ids("Channel"),
    "role": lambda: enum_ids("Role"),
    "queue": lambda: enum_ids("Queue"),
    "refund_status": lambda: enum_ids("RefundStatus"),
    "refund_step": lambda: enum_ids("RefundStep"),
    "refund_reason": lambda: enum_ids("RefundReason"),
    "refund_rule": lambda: enum_ids("RefundRule"),
    "goodwill": lambda: enum_ids("GoodwillKind"),
    "qtype": lambda: enum_ids("QuestionType"),
    "task.kind": lambda: enum_ids("TaskKind"),
    "incident_status": lambda: enum_ids("IncidentStatus"),
    "incident_type": lambda: enum_ids("IncidentType"),
    "root_cause": lambda: array_ids("kRootCauses", CORE()),
    "resolution": lambda: array_ids("kResolutionCodes", CORE()),
    "sub": lambda: array_ids("kSubcategories", CORE()),
    "checklist": lambda: function_ids("src/core/workflow.cpp", "incident_checklist", r'"([a-z_]+)"'),
    # key prefixes completed at run time
    "dash.weekday.": lambda: [str(d) for d in range(7)],  # for (int d = 0; d < 7; ++d)
    "likert.": lambda: [str(v) for v in range(1, 6)],  # a 5-level Likert item
    "churn.": lambda: re.findall(r'risks\.push_back\("([a-z_]+)"\)', code_of(os.path.join(ROOT, "src/core/dashboard.cpp"))[0]),
    "escalate.to.": lambda: array_ids("targets", UI()),
    "survey.customer.": lambda: array_ids("kCustomers", UI()),
    "survey.mode.": lambda: re.findall(r'r\.mode != "([a-z_]+)"', code_of(os.path.join(ROOT, "src/core/surveys.cpp"))[0]),
    "survey.timing.": lambda: loop_ids("src/ui/survey_view.cpp", '"with_callback"'),
    # "field." + the field a timeline entry changed: status and the fields apply() accepts
    "field.": lambda: ["status"] + re.findall(r'e\.field == "([a-z_]+)"', code_of(os.path.join(ROOT, "src/core/state.cpp"))[0]),
    # "segment." + a survey segment, a question's demographic, or a customer-segment dimension
    # (and "segment.<dim>.<value>" for the dashboard's customer segments)
    "segment.": lambda: survey_segments() + loop_ids("src/ui/survey_view.cpp", '"age_group"') +
    [d for d, _ in customer_segments()] + [f"{d}.{v}" for d, vs in customer_segments() for v in vs],
}


def survey_segments():
    code, _ = code_of(os.path.join(ROOT, "src/core/survey_stats.cpp"))
    m = re.search(r"survey_segment_names\(\)\s*\{[^}]*kNames\s*=\s*\{([^}]*)\}", code)
    if not m:
        problems.append("check_i18n.py: found no survey_segment_names() list in src/core/survey_stats.cpp")
        return []
    return re.findall(r'"([a-z_]+)"', m.group(1))


def customer_segments():
    """segment("age", to_id(g), …) for (AgeGroup g : {…}) in dashboard.cpp: dimension → ids."""
    code, _ = code_of(os.path.join(ROOT, "src/core/dashboard.cpp"))
    out = []
    for m in re.finditer(r"for\s*\(\s*(\w+)\s+\w+\s*:[^)]*\)\s*\n?\s*segment\(\"([a-z_]+)\"", code):
        out.append((m.group(2), enum_ids(m.group(1))))
    if not out:
        problems.append("check_i18n.py: found no customer segments in src/core/dashboard.cpp")
    return out


# ---- 1. the tables --------------------------------------------------------------------
tables = {}
for lang in LANGS:
    p = os.path.join(ROOT, "assets/i18n", lang + ".json")
    tables[lang] = json.loads(read(p))
keys = set(tables["zh-Hans"])
for lang in LANGS:
    for k in sorted(keys ^ set(tables[lang])):
        problems.append(f"assets/i18n/{lang}.json: key '{k}' {'missing' if k not in tables[lang] else 'only here'}")
    for k, v in tables[lang].items():
        if not isinstance(v, str) or not v.strip():
            problems.append(f"assets/i18n/{lang}.json: key '{k}' has no text")
namespaces = {k.split(".")[0] for k in keys}


def missing(key, where):
    absent = [lang for lang in LANGS if key not in tables[lang]]
    if absent:
        problems.append(f"{where}: key '{key}' is not in {', '.join(absent)}")


# ---- 2. literal keys ------------------------------------------------------------------
KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+$")
PREFIX = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\.$")
checked_literals = 0
groups_used, prefixes_used = {}, {}
for p in ui_sources() + web_sources():
    code, lits = code_of(p)
    for off, val, line in lits:
        before = re.sub(r"\s+", "", code[max(0, off - 40):off])
        after = code[off + len(val) + 2:off + len(val) + 42].lstrip()
        where = f"{rel(p)}:{line}"
        # a tr_enum / enum_combo group: checked with its ids below
        if re.search(r"tr_enum\($", before) or re.search(r"enum_combo\([^,()]*,$", before):
            groups_used.setdefault(val, where)
            continue
        if PREFIX.match(val) and (val.split(".")[0] in namespaces or re.search(r"tr\(\((?:std::string\()?$", before)):
            # "prefix." + id: guarded by has_key() within the next lines, or listed in DYNAMIC
            tail = code[off:code.find("\n", code.find("\n", code.find("\n", off) + 1) + 1)]
            if "has_key(" not in tail:
                prefixes_used.setdefault(val, where)
            continue
        if not KEY.match(val) or val.split(".")[0] not in namespaces:
            continue
        # a command or query type: {"type", "ticket.reply"}, or ticket_view's enum_field("priority", "ticket.set_priority", …)
        if re.search(r'"type",$|"type"\]=$|"type":$|enum_field\("[a-z_]+",$', before):
            continue
        if after.startswith("+") or re.search(r"\+$", before):  # part of a longer key
            continue
        checked_literals += 1
        missing(val, where)

# ---- 3. composed keys -----------------------------------------------------------------
composed = 0
for group, where in sorted(groups_used.items()):
    if group not in DYNAMIC:
        problems.append(f"{where}: tr_enum/enum_combo group '{group}' is not listed in tests/check_i18n.py DYNAMIC")
        continue
    ids = DYNAMIC[group]()
    if not ids:
        problems.append(f"{where}: no ids found for group '{group}'")
    for i in ids:
        composed += 1
        missing(f"{group}.{i}", f"{where} (group '{group}')")
for prefix, where in sorted(prefixes_used.items()):
    if prefix not in DYNAMIC:
        problems.append(f"{where}: key prefix '{prefix}' is composed at run time but not listed in "
                        "tests/check_i18n.py DYNAMIC (say where its ids come from)")
        continue
    ids = DYNAMIC[prefix]()
    if not ids:
        problems.append(f"{where}: no ids found for prefix '{prefix}'")
    for i in ids:
        composed += 1
        missing(prefix + i, f"{where} (prefix '{prefix}')")
# Groups a view reads through a variable (ticket_view's enum_field("priority", …)) are listed
# here too, so their ids are checked even when no literal names the group.
for group in ("priority", "category", "status", "role", "sub", "resolution", "root_cause"):
    if group not in groups_used:
        for i in DYNAMIC[group]():
            composed += 1
            missing(f"{group}.{i}", f"(group '{group}')")

# ---- 4. text that bypasses the tables -------------------------------------------------
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
VISIBLE = re.compile(r"(?:ImGui::(?:Text\w*|Button|SmallButton|Checkbox|RadioButton|Selectable|MenuItem|BeginMenu|"
                     r"BeginTabItem|TreeNode\w*|CollapsingHeader|SetTooltip|TableSetupColumn|LabelText|BulletText)"
                     r"|begin_combo|begin_tab_item|small_button)\($")
bypass = 0
for p in sorted(glob.glob(os.path.join(ROOT, "src/ui/*.cpp"))):
    code, lits = code_of(p)
    lines = read(p).splitlines()
    for off, val, line in lits:
        ok = "i18n-ok:" in lines[line - 1]
        before = re.sub(r"\s+", "", code[max(0, off - 60):off])
        if CJK.search(val):
            bypass += 1
            if not ok:
                problems.append(f"{rel(p)}:{line}: literal Chinese text \"{val}\" bypasses tr() "
                                "(move it to assets/i18n, or say why not with // i18n-ok: …)")
        elif VISIBLE.search(before):
            shown = re.sub(r"%[-+ #0-9.]*(?:ll|l|z)?[a-zA-Z%]", "", val.split("##")[0])
            if re.search(r"[A-Za-z]{2,}", shown) and not ok:
                problems.append(f"{rel(p)}:{line}: literal text \"{val}\" shown by an ImGui widget bypasses tr()")

print(f"check_i18n: {len(keys)} keys in {len(LANGS)} tables; {checked_literals} literal keys, "
      f"{len(groups_used)} groups and {len(prefixes_used)} prefixes ({composed} composed keys) checked; "
      f"{bypass} literals with CJK text looked at")
if problems:
    print("\n".join(problems))
    print(f"check_i18n: {len(problems)} problem(s)")
    sys.exit(1)
print("check_i18n: ok")
