#!/usr/bin/env node
// bench/dashboard/report.mjs: the section "Dashboard" of bench/RESULTS.md from the JSON lines of
// edudesk_dashboard_bench (bench/dashboard/run.sh). Replaces the section between its markers,
// or appends it; the rest of the file (the analytics benchmark's report) stays as it is.
//   node report.mjs --dir TMP --sizes "100000 1000000" --out bench/RESULTS.md --fact key=value …
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const opts = { facts: [] };
for (let i = 0; i < argv.length; i += 2) {
  const k = argv[i].slice(2);
  if (k === 'fact') opts.facts.push(argv[i + 1]);
  else opts[k] = argv[i + 1];
}
const sizes = opts.sizes.split(/\s+/).filter(Boolean).map(Number);
const line = (engine, n) => {
  const f = `${opts.dir}/line-${engine}-${n}.json`;
  return existsSync(f) && readFileSync(f, 'utf8').trim() ? JSON.parse(readFileSync(f, 'utf8')) : null;
};
const ms = (v) => (v == null ? '–' : v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(3)} ms`);
const us = (v) => (v == null ? '–' : `${(v * 1000).toFixed(1)} µs`);
const group = (n) => n.toLocaleString('en-US');
const NAMES = {
  last_30_days: 'last 30 days',
  all_days: 'all days (the whole year)',
  last_30_days_phone: 'last 30 days, channel phone',
  last_30_days_course: 'last 30 days, course c0005',
  all_days_agent: 'all days, agent a0001',
};

const out = [];
out.push('<!-- dashboard:begin (written by bench/dashboard/run.sh; bench/analytics/report.mjs keeps it) -->');
out.push('## Dashboard');
out.push('');
out.push('Written by `bench/dashboard/run.sh` (`bench/run.sh dashboard`; see bench/README.md, "Dashboard").');
out.push('The seeded tables of the analytics benchmark (same generator, same seed) loaded into');
out.push('`DashboardColumns` (not timed). A filter change is `DashboardAggregator::compute` (one pass over');
out.push('the rows, the bags sorted) plus the finishing (`dashboard_kpis`, `dashboard_hot_spots`,');
out.push('`refund_concentration`, `agent_rows`, `tier_rows`); median of the runs. Incremental: the');
out.push('"last 30 days" dashboard takes in one new ticket (`add` +1) and one changed ticket (old row −1,');
out.push('new row +1), then finishes; the result is checked against a full compute.');
out.push('');
for (const f of opts.facts) {
  const i = f.indexOf('=');
  out.push(`- ${f.slice(0, i)}: ${f.slice(i + 1)}`);
}
out.push('');
for (const n of [...sizes].sort((a, b) => b - a)) {
  const nat = line('native', n), wasm = line('wasm', n);
  if (!nat) continue;
  out.push(`### ${group(n)} tickets`);
  out.push('');
  out.push('| filter change | tickets in period | native compute | native finish | **native total** | WASM compute | WASM finish | **WASM total** |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  nat.filters.forEach((f, i) => {
    const w = wasm ? wasm.filters[i] : null;
    out.push(`| ${NAMES[f.filter] ?? f.filter} | ${group(f.tickets)} | ${ms(f.compute_ms)} | ${ms(f.finish_ms)} | **${ms(f.total_ms)}** | ` +
             `${ms(w?.compute_ms)} | ${ms(w?.finish_ms)} | **${ms(w?.total_ms)}** |`);
  });
  out.push('');
  out.push('| incremental (last 30 days) | native | WASM |');
  out.push('| --- | ---: | ---: |');
  out.push(`| one new ticket: \`add\` | ${us(nat.new_ticket_ms)} | ${us(wasm?.new_ticket_ms)} |`);
  out.push(`| one changed ticket: \`add\` −1 and +1 | ${us(nat.changed_ticket_ms)} | ${us(wasm?.changed_ticket_ms)} |`);
  out.push(`| then the finishing | ${ms(nat.new_ticket_finish_ms)} | ${ms(wasm?.new_ticket_finish_ms)} |`);
  out.push('');
  out.push(`Memory: ${group(nat.tickets)} rows × ${nat.row_bytes} bytes (\`sizeof(DashRow)\`) = ${nat.rows_mb.toFixed(1)} MB; ` +
           `with the ticket ids (\`std::string\`) and fingerprints ${nat.columns_mb.toFixed(1)} MB natively. ` +
           `Peak RSS ${nat.peak_rss_mb.toFixed(0)} MB native` +
           (wasm ? `, ${wasm.peak_rss_mb.toFixed(0)} MB under node (WASM heap ${wasm.wasm_heap_mb.toFixed(0)} MB)` : '') +
           ' — both include the CSV text and the analytics `TicketColumns` it is loaded from.');
  out.push('');
}
const big = Math.max(...sizes);
const w = line('wasm', big);
if (w) {
  const worst = Math.max(...w.filters.map((f) => f.total_ms));
  const within = w.filters.filter((f) => f.total_ms < 100).map((f) => NAMES[f.filter] ?? f.filter);
  out.push(`Target (${group(big)} tickets, WASM): a filter change recomputes the whole dashboard in under 100 ms — ` +
           `${worst < 100 ? 'met for every filter' : `met for ${within.join('; ')}; not for the worst case (${ms(worst)})`}; ` +
           `a new ticket updates it incrementally (${us(w.new_ticket_ms)} plus ${ms(w.new_ticket_finish_ms)} to finish) — met.`);
  out.push('');
}
out.push('<!-- dashboard:end -->');
const section = out.join('\n');

let text = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : '';
const begin = text.indexOf('<!-- dashboard:begin'), end = text.indexOf('<!-- dashboard:end -->');
if (begin >= 0 && end > begin) text = text.slice(0, begin) + section + text.slice(end + '<!-- dashboard:end -->'.length);
else text = text.replace(/\n*$/, '\n\n') + section + '\n';
writeFileSync(opts.out, text);
console.log(section);
