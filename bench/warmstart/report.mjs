// Writes the section "Warm start" of bench/RESULTS.md from warmstart.mjs's JSON line (between
// its markers, replacing the previous one; bench/analytics/report.mjs keeps it) and prints it.
// Usage: node report.mjs --result FILE.json --out bench/RESULTS.md --tickets N [--machine TEXT] [--chromium TEXT]
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const opts = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? a.concat([[v.slice(2), all[i + 1]]]) : a), []));
const r = JSON.parse(readFileSync(opts.result, 'utf8'));
const ms = (x) => (typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : '–');
const BEGIN = '<!-- warmstart:begin (written by bench/warmstart/run.sh; bench/analytics/report.mjs keeps it) -->';
const END = '<!-- warmstart:end -->';
const m = r.median;
const snapMs = (x) => (x.profile && x.profile.snapshot && x.profile.snapshot.used ? ms(x.profile.snapshot.restore_ms) + ' ms' : 'none');
const row = (label, x) => `| ${label} | ${ms(x.first_frame_ms)} ms | ${ms(x.data_frame_ms)} ms | ${ms(x.data_frame_tickets)} | ${snapMs(x)} | ${ms(x.whole_frame_ms)} ms | ${ms(x.longest_task_arriving_ms)} ms (${x.long_tasks_arriving ?? '–'}) | ${x.tickets} |`;
const s = r.snapshot || {};
const restore = median(r.runs.map((x) => x.profile?.snapshot?.used ? x.profile.snapshot.restore_ms : null));
const lines = [BEGIN, '## Warm start', '',
  `${Number(opts.tickets).toLocaleString('en-US')} demo tickets (${r.ops.toLocaleString('en-US')} Ops of \`edudesk demo\`) in the IndexedDB of Debian's headless Chromium`
  + ` (${opts.chromium || 'chromium'}, SwiftShader WebGL2, persistent profile), served by \`edudesk serve --no-demo\` on loopback;`
  + ` ${opts.machine || ''}. A cold visit (the whole log replayed), the snapshot the idle desk then writes, then ${r.runs.length} reloads`
  + ' (service worker cache, the snapshot restored); times from navigation start, median of the reloads.',
  '',
  '| | first frame (loading screen) | **first frame with tickets** | tickets in it | snapshot restored in | frame with all of the desk | longest task meanwhile (tasks over 50 ms) | tickets |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  row('cold visit', r.cold),
  ...r.runs.map((x, i) => row(`reload ${i + 1}`, x)),
  `| **median of the reloads** | **${ms(m.first_frame_ms)} ms** | **${ms(m.data_frame_ms)} ms** | ${ms(m.data_frame_tickets)} | **${ms(restore)} ms** | **${ms(m.whole_frame_ms)} ms** | ${ms(m.longest_task_arriving_ms)} ms | |`,
  '',
  s.bytes ? `The snapshot: ${(s.bytes / 1048576).toFixed(1)} MB covering ${s.covers.toLocaleString('en-US')} Ops, made in ${ms(s.make_ms)} ms`
            + ` (the main thread held while the State is written out) and stored in ${ms(s.ms)} ms in all.`
          : `No snapshot was written (${JSON.stringify(s)}).`,
  // Where a reload's time goes (medians): each step of the start, in order.
  (() => {
    const med = (f) => ms(median(r.runs.map((x) => { try { return f(x); } catch (e) { return null; } })));
    return `Where a reload's time goes (medians): the page and WASM up to asking for the store ${med((x) => x.profile.asked_at_ms)} ms;`
      + ` opening IndexedDB ${med((x) => x.profile.open_ms)} ms; the head (counts, keys, outbox, refused, meta; the snapshot's record is read beside it) ${med((x) => x.profile.head_ms)} ms;`
      + ` all of the snapshot's bytes in, from its start, ${med((x) => x.profile.snapshot.read_ms)} ms; restoring the State ${med((x) => x.profile.snapshot.restore_ms)} ms;`
      + ` the ${med((x) => x.profile.outbox_ops)} outbox Ops it covers, by id, ${med((x) => x.profile.outbox_ms)} ms;`
      + ` handing the head to the desk ${med((x) => x.profile.begin_ms)} ms; then the newer Ops.`
      + ' The snapshot is read while its bytes arrive (the restore time includes the bytes), its newest tickets first:'
      + ' the desk is drawn and takes input from the first slice on, and changes wait until all of it is in.';
  })(),
  `The cold visit's replay: the desk's parse and apply (C++ in WASM, ${r.cold?.profile?.pages ?? '?'} pages of 4,000 Ops) took`
  + ` ${ms(r.cold?.profile?.apply_ms)} ms and \`JSON.stringify\` of the pages ${ms(r.cold?.profile?.stringify_ms)} ms, about`
  + ` ${(r.cold.applied_ms / r.ops * 1000).toFixed(0)} µs an Op in all. Filling the store took ${r.fill_seconds.toFixed(0)} s.`,
  '',
  `Target (issue 8): the first interactive frame within 1 s — ${m.data_frame_ms <= 1000 ? 'met' : 'not met'} for the first frame`
  + ` with the stored tickets (${ms(m.data_frame_ms)} ms, the newest ${ms(m.data_frame_tickets)} of them; the inbox lists newest first),`
  + ` every ticket in ${ms(m.whole_frame_ms)} ms; the loading screen comes at ${ms(m.first_frame_ms)} ms.`,
  '', END];
function median(xs) { const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : null; }
const section = lines.join('\n');
let prev = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : '';
const b = prev.indexOf('<!-- warmstart:begin'), e = prev.indexOf(END);
prev = b >= 0 && e > b ? prev.slice(0, b) + section + prev.slice(e + END.length) : prev.replace(/\n*$/, '\n\n') + section + '\n';
writeFileSync(opts.out, prev);
console.log(section);
