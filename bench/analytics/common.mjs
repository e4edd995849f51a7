// bench/analytics/common.mjs: what the JavaScript engines share — arguments, timing, peak
// memory, the day labels and the JSON line. An engine gives
//   load(bytes) → table                     (timed: the import into its columns)
//   queries: {q1 … q5}(table) → raw result  (one warm-up run, then timed `runs` times, median)
//   answer(q, raw, table) → the JSON of docs/ANALYTICS.md for that query (not timed)
// and runEngine prints one JSON line and writes the answers to --results.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const CATEGORIES = ['course_quality', 'technical', 'service_attitude', 'after_sales', 'account_security', 'other'];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];
export const TIERS = ['junior', 'mid', 'senior', 'tech_support', 'supervisor'];
export const CHANNELS = ['chat', 'phone', 'email', 'web_form', 'social', 'forum'];
export const SLA_TARGET_S = [300, 1800, 14400, 86400];
export const UTC8 = 8 * 3600;
export const SPIKE_MIN = 20;
export const SPIKE_SDS = 4;

// "2025-03-01" for an analytics day (days since 1970-01-01 in UTC+8).
export const dayLabel = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
export const finiteOrNull = (v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

// p90 by linear interpolation between the order statistics at 0.9 (n − 1) = k + m/10.
export function p90FromSorted(sorted, offset, n) {
  if (n === 0) return null;
  const k = Math.floor((9 * (n - 1)) / 10), m = (9 * (n - 1)) % 10;
  const lo = sorted[offset + k];
  return m === 0 ? lo : lo + (sorted[offset + k + 1] - lo) * (m / 10);
}

// Per-course mean and sample sd of the daily counts over `days` days (zeros included),
// from exact integer sums S = Σn and Q = Σn² (docs/ANALYTICS.md, Q5).
export function dailyStats(S, Q, days) {
  const mean = S / days;
  const sd = days > 1 ? Math.sqrt((days * Q - S * S) / (days * (days - 1))) : null;
  return { mean, sd, threshold: sd === null ? null : mean + SPIKE_SDS * sd };
}

export function args() {
  const a = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i + 1 < argv.length; i += 2) a[argv[i].replace(/^--/, '')] = argv[i + 1];
  if (!a.tickets) {
    console.error(`usage: node ${process.argv[1]} --tickets FILE.csv [--runs 5] [--results OUT.json]`);
    process.exit(2);
  }
  a.runs = Number(a.runs ?? 5);
  return a;
}

export function median(v) {
  const s = [...v].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// VmHWM of this process in MiB (the peak resident set), from /proc/self/status.
export function peakRssMb() {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
}

const r3 = (v) => Math.round(v * 1000) / 1000;

export async function runEngine({ engine, load, queries, answer, tickets, extra }) {
  const a = args();
  const bytes = readFileSync(a.tickets);  // not timed: the bytes are in memory first
  const t0 = performance.now();
  const table = await load(bytes);
  const loadMs = performance.now() - t0;
  const line = { engine, tickets: 0, csv_mb: r3(bytes.length / 1048576), load_ms: r3(loadMs) };
  const answers = {};
  const fastest = [];
  let sum = 0;
  for (const q of ['q1', 'q2', 'q3', 'q4', 'q5']) {
    const times = [];
    let raw = await queries[q](table);  // one warm-up run, not timed (JIT tiers, caches)
    for (let k = 0; k < a.runs; ++k) {
      const t = performance.now();
      raw = await queries[q](table);
      times.push(performance.now() - t);
    }
    const m = median(times);
    line[`${q}_ms`] = r3(m);
    fastest.push(r3(Math.min(...times)));
    sum += m;
    answers[q] = await answer(q, raw, table);
  }
  line.tickets = tickets(table);
  line.sum_ms = r3(sum);
  line.fastest_ms = fastest;
  if (extra) Object.assign(line, await extra(table));
  const mu = process.memoryUsage();
  line.js_heap_mb = r3(mu.heapUsed / 1048576);
  line.array_buffers_mb = r3(mu.arrayBuffers / 1048576);
  line.peak_rss_mb = r3(peakRssMb());
  if (a.results) {
    writeFileSync(a.results, JSON.stringify({ tickets: line.tickets, ...answers }));
    line.results = a.results;
  }
  console.log(JSON.stringify(line));
}
