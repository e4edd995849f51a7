#!/usr/bin/env node
// bench/analytics/compare.mjs: do two answers of docs/ANALYTICS.md agree?
//   node compare.mjs EXPECTED.json ACTUAL.json [--rel 1e-9] [--spike c0005:2025-07-20] [--quiet]
// Counts, ids, days and the shape must be equal; the floating-point fields (FLOAT_FIELDS)
// equal to a relative tolerance (default 1e-9; |a − b| ≤ rel · max(|a|, |b|), or both null).
// --spike also requires that (course, day) among the Q5 spikes of ACTUAL. Exit 0 when they
// agree, 1 with the differences on stderr; stdout: one JSON line with the largest relative
// difference per float field.
import { readFileSync } from 'node:fs';

const FLOAT_FIELDS = new Set(['resolution_rate', 'mean_resolve_s', 'p90_resolve_s', 'breach_rate', 'csat_mean',
                              'csat_sd', 'r_resolve_csat', 'mean', 'sd', 'threshold']);

const files = [], opts = {};
for (let i = 2; i < process.argv.length; ++i) {
  const a = process.argv[i];
  if (a === '--quiet') opts.quiet = true;
  else if (a.startsWith('--')) opts[a.slice(2)] = process.argv[++i];
  else files.push(a);
}
const opt = (name, dflt) => opts[name] ?? dflt;
if (files.length !== 2) {
  console.error('usage: node compare.mjs EXPECTED.json ACTUAL.json [--rel 1e-9] [--spike COURSE:DAY] [--quiet]');
  process.exit(2);
}
const rel = Number(opt('rel', '1e-9'));
const quiet = Boolean(opts.quiet);
const [want, got] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));

const problems = [];
const worst = {};
function walk(a, b, path, field) {
  if (problems.length > 20) return;
  if (FLOAT_FIELDS.has(field)) {
    if (a === null || b === null) {
      if (a !== b) problems.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      return;
    }
    if (typeof a !== 'number' || typeof b !== 'number') {
      problems.push(`${path}: not numbers: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      return;
    }
    const scale = Math.max(Math.abs(a), Math.abs(b));
    const d = scale === 0 ? 0 : Math.abs(a - b) / scale;
    worst[field] = Math.max(worst[field] ?? 0, d);
    if (d > rel) problems.push(`${path}: ${a} vs ${b} (relative difference ${d.toExponential(2)})`);
    return;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      problems.push(`${path}: ${Array.isArray(a) ? a.length : typeof a} vs ${Array.isArray(b) ? b.length : typeof b} elements`);
      return;
    }
    a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, field));
    return;
  }
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object') {
      problems.push(`${path}: object vs ${JSON.stringify(b)}`);
      return;
    }
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) problems.push(`${path}: keys ${ka.join(',')} vs ${kb.join(',')}`);
    for (const k of ka) if (k in b) walk(a[k], b[k], path ? `${path}.${k}` : k, k);
    return;
  }
  if (a !== b) problems.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}
walk(want, got, '', '');

const spike = opt('spike', null);
if (spike) {
  const [course, day] = spike.split(':');
  const found = (got.q5?.spikes ?? []).some((s) => s.course_id === course && s.day === day);
  if (!found) problems.push(`q5.spikes: the planted spike ${course} on ${day} is missing`);
}
console.log(JSON.stringify({ agree: problems.length === 0, max_relative_difference: worst }));
if (problems.length) {
  if (!quiet) console.error(`compare: ${files[1]} differs from ${files[0]}:\n  ${problems.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
