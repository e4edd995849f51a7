#!/usr/bin/env python3
"""Turns the JSON lines of bench/run.sh's client runs into one Markdown report
(printed, and written to --out). Medians for the repeated push/pull runs."""
import argparse
import json
import os
import statistics


def read(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def num(x, digits=0):
    return f"{x:,.{digits}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fact", action="append", default=[])
    a = ap.parse_args()
    facts = dict(f.split("=", 1) for f in a.fact)
    tp = read(os.path.join(a.dir, "throughput.jsonl"))
    load = read(os.path.join(a.dir, "load.jsonl"))
    idle = read(os.path.join(a.dir, "idle.jsonl"))

    lines = ["# edudesk sync bench", ""]
    lines.append(f"{facts.get('date', '')} · {facts.get('machine', '')}")
    lines.append("")
    if tp:
        n = tp[0]["ops"]
        lines.append(f"## Push and pull of {n:,} Ops (median of {len(tp)} runs)")
        lines.append("")
        lines.append("| measure | median | runs | target |")
        lines.append("| --- | ---: | --- | --- |")

        def row(label, key, fmt, target=""):
            vals = [r[key] for r in tp]
            med = statistics.median(vals)
            lines.append(f"| {label} | {fmt(med)} | {' / '.join(fmt(v) for v in vals)} | {target} |")
            return med

        row("push, Ops/s", "push_ops_s", num)
        row("pull, Ops/s", "pull_ops_s", num)
        row("push, request bytes per Op", "push_bytes_per_op", lambda v: num(v, 1))
        row("pull, response bytes per Op", "pull_bytes_per_op", lambda v: num(v, 1))
        total = statistics.median([r["total_s"] for r in tp])
        ok = "met" if total <= 10 else "**missed**"
        row(f"push + pull of {n:,} Ops, s", "total_s", lambda v: num(v, 2), f"≤ 10 s: {ok}")
        row("of the pull, client parsing, s", "pull_client_parse_s", lambda v: num(v, 2))
        bad = [r for r in tp if not r.get("verified")]
        lines.append("")
        lines.append(
            f"Batches of {tp[0]['batch']} Ops ({tp[0]['push_requests']} requests), pages of {tp[0]['page']} "
            f"({tp[0]['pull_requests']} requests, the {tp[0]['desk_ops_before']:,} demo Ops included). "
            + ("Every run: all Ops accepted and pulled back." if not bad else f"**{len(bad)} run(s) lost or refused Ops.**")
        )
        lines.append("")
    if load:
        lines.append(f"## Concurrent push load ({load[0]['batch']}-Op batches, one connection per thread)")
        lines.append("")
        lines.append("| connections | accepted Ops/s | requests/s | p50 ms | p90 ms | p99 ms | max ms (sent at) | errors | target ≥ 5,000 Ops/s |")
        lines.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for r in load:
            ok = "met" if r["accepted_ops_s"] >= 5000 else "**missed**"
            lines.append(
                f"| {r['threads']} | {num(r['accepted_ops_s'])} | {num(r['requests_s'])} | {num(r['p50_ms'], 1)} | "
                f"{num(r['p90_ms'], 1)} | {num(r['p99_ms'], 1)} | {num(r['max_ms'], 0)} (at {r.get('max_at_s', 0):.1f} s) | "
                f"{r['errors']} | {ok} |"
            )
        lines.append("")
        lines.append(
            f"Each run {num(load[0]['seconds'], 0)} s on a fresh server; every accepted Op is fsynced before its "
            "answer. Latency is per request (send to parsed answer), all requests of all connections."
        )
        lines.append("")
    if idle:
        r = idle[0]
        lines.append("## Idle keep-alive connections")
        lines.append("")
        verdict = "answered" if r["answered"] else "not answered"
        lines.append(
            f"With {r['idle_connections']} connections open and idle, one more request was {verdict} after "
            f"**{num(r['probe_ms'], 1)} ms**."
        )
        lines.append("")
    lines.append("## Setup")
    lines.append("")
    for k in ("server", "storage", "pinning", "background", "settings", "duration"):
        if k in facts:
            lines.append(f"- {k}: {facts[k]}")
    text = "\n".join(lines) + "\n"
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
