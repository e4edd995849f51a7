// bench/warmstart/warmstart.mjs (`bench/run.sh warmstart`): a warm start of the desk with a large
// op log in IndexedDB, in Debian's headless Chromium (issue 8: 100,000 tickets, first
// interactive frame within 1 s).
//   1. a fresh `edudesk serve --no-demo` serves the built app (nothing to pull: the desk works
//      from what the browser holds; sign-in fails quietly, as offline)
//   2. a persistent Chromium profile (IndexedDB on disk, not an in-memory incognito store)
//   3. the op log of `edudesk demo --tickets N` (JSON lines, one Op each, the seeded generator) is
//      written straight into the app's store format: database "edudesk" v2, store "ops" (the Op
//      objects op_to_json writes, auto-increment keys in arrival order), meta cursor 0
//   4. one cold visit (download, compile, service worker; the whole log replayed), the snapshot
//      the idle desk then writes, and BENCH_RELOADS reloads (the snapshot restored); for each,
//      from navigation start (performance.now() = 0): the first frame, the stored log read and
//      applied, the first frame with the desk's data (Module.edudeskDataFrameMs), the tickets
//   5. prints one JSON line with every run and the medians
// Usage: node warmstart.mjs --server BIN --web DIR --ops FILE.jsonl [--reloads 5] [--profile DIR]
//   [--port P --reuse 1]: with a kept profile on a fixed port (IndexedDB is per origin), the store
//   is not filled again and the snapshot already there is used (for trying changes quickly)
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/e2e/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const lib = await import(new URL('../../tests/e2e/lib.mjs', import.meta.url));
const { CHROMIUM_ARGS, freePort, until, parseArgs } = lib;

const args = parseArgs(process.argv);
const RELOADS = Number(args.reloads || 5);
const say = (m) => console.error(`warmstart: ${m}`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null; };

const port = args.port ? Number(args.port) : await freePort();
const tmp = mkdtempSync(join(tmpdir(), 'edudesk-warmstart-'));
const server = spawn(args.server, ['serve', '--port', String(port), '--db', join(tmp, 'desk.sqlite'), '--web', args.web,
                                   '--no-demo', '--quiet'], { stdio: ['ignore', 'inherit', 'inherit'] });
const url = `http://127.0.0.1:${port}/`;
let context;
const stop = () => { server.kill('SIGTERM'); if (context) context.close().catch(() => {}); if (!args.profile) rmSync(tmp, { recursive: true, force: true }); process.exit(130); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
  await until(async () => (await fetch(url + 'api/health')).ok, 'server health', 20000);
  const profile = args.profile || join(tmp, 'profile');
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true,
                                                              args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  const page = context.pages()[0] || await context.newPage();
  // Long tasks of the main thread, from navigation start: while the stored desk arrives, the page
  // must stay interactive (a task over 50 ms delays input).
  await context.addInitScript(() => {
    window.__longtasks = [];
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    } catch (e) { /* no long task timing here */ }
  });
  page.on('pageerror', (e) => say('page error: ' + e.message));
  // ---- fill the store (on a page of the same origin that is not the app) ----
  let n = 0, fillSeconds = 0;
  if (!args.reuse) {
  await page.goto(url + 'icon.svg');
  await page.evaluate(() => new Promise((res, rej) => {
    const req = indexedDB.open('edudesk', 2);
    req.onupgradeneeded = () => {  // the app's schema (src/platform/web/storage_web.cpp)
      const db = req.result;
      db.createObjectStore('ops', { autoIncrement: true }).createIndex('by_id', 'id', { unique: true });
      db.createObjectStore('outbox', { keyPath: 'id' });
      db.createObjectStore('rejected', { keyPath: 'id' });
      db.createObjectStore('meta', { keyPath: 'k' });
    };
    req.onsuccess = () => { window.__db = req.result; res(); };
    req.onerror = () => rej(req.error);
  }));
  const t0 = Date.now();
  let batch = [];
  const write = (lines) => page.evaluate((lines) => new Promise((res, rej) => {
    const tx = window.__db.transaction(['ops', 'meta'], 'readwrite');
    const ops = tx.objectStore('ops');
    for (const l of lines) ops.add(JSON.parse(l));
    tx.objectStore('meta').put({ k: 'cursor', v: 0 });
    tx.oncomplete = () => res();
    tx.onabort = tx.onerror = () => rej(tx.error);
  }), lines);
  for await (const line of createInterface({ input: createReadStream(args.ops) })) {
    if (!line) continue;
    batch.push(line);
    if (batch.length === 20000) { await write(batch); n += batch.length; batch = []; if (n % 200000 === 0) say(`${n} ops stored`); }
  }
  if (batch.length) { await write(batch); n += batch.length; }
  fillSeconds = (Date.now() - t0) / 1000;
  say(`${n} ops stored in IndexedDB in ${fillSeconds.toFixed(1)} s`);
  await page.evaluate(() => window.__db.close());
  } else {
    // the kept profile's service worker would serve the app it cached, not the one built now
    await page.goto(url + 'icon.svg');
    await page.evaluate(async () => {
      for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
      for (const k of await caches.keys()) await caches.delete(k);
    });
  }

  // ---- visits ----
  const visit = async (how) => {
    if (how === 'goto') await page.goto(url, { timeout: 600000 });
    else await page.reload({ timeout: 600000 });
    await page.waitForFunction(() => window.Module && Module.edudeskWholeFrameMs, null, { timeout: 600000, polling: 50 });
    return page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      // the long tasks between the first frame with data and the frame with all of it
      const during = (window.__longtasks || []).filter((t) => t[0] + t[1] > Module.edudeskDataFrameMs && t[0] < Module.edudeskWholeFrameMs);
      return {
        data_frame_tickets: Module.edudeskDataFrameTickets, whole_frame_ms: Module.edudeskWholeFrameMs,
        arriving_frames: Module.edudeskArrivingFrames || 0,
        longest_task_arriving_ms: during.reduce((m, t) => Math.max(m, t[1]), 0), long_tasks_arriving: during.length,
        first_frame_ms: Module.edudeskFirstFrameMs, read_ms: Module.edudeskLoadMs, applied_ms: Module.edudeskAppliedMs ?? null, profile: Module.edudeskLoadProfile ?? null,
        data_frame_ms: Module.edudeskDataFrameMs, dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
        tickets: window.edudesk.query({ type: 'tickets.list', limit: 1 }).result?.total ?? null,
        controlled: !!navigator.serviceWorker.controller,
      };
    });
  };
  const cold = await visit('goto');
  say(`cold visit: ${JSON.stringify(cold)}`);
  // The service worker is installed and controls the page from the next load on.
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The idle desk writes a snapshot of its State (src/platform/web/storage_web.cpp); the reloads restore it.
  if (!(args.reuse && cold.profile?.snapshot?.used)) await page.waitForFunction(() => Module.edudeskSnapshotLast && (Module.edudeskSnapshotLast.bytes || Module.edudeskSnapshotLast.error),
                             null, { timeout: 600000, polling: 200 });
  const snapshot = await page.evaluate(() => Module.edudeskSnapshotLast || { reused: true });
  say(`snapshot: ${JSON.stringify(snapshot)}`);
  const runs = [];
  for (let i = 0; i < RELOADS; i++) {
    const r = await visit('reload');
    say(`reload ${i + 1}: ${JSON.stringify(r)}`);
    runs.push(r);
  }
  const med = (k) => median(runs.map((r) => r[k]).filter((x) => typeof x === 'number'));
  console.log(JSON.stringify({ ops: n, fill_seconds: fillSeconds, cold, snapshot, runs,
    median: { first_frame_ms: med('first_frame_ms'), read_ms: med('read_ms'), applied_ms: med('applied_ms'), data_frame_ms: med('data_frame_ms'),
    whole_frame_ms: med('whole_frame_ms'), longest_task_arriving_ms: med('longest_task_arriving_ms'), data_frame_tickets: med('data_frame_tickets') } }));
} finally {
  if (context) await context.close().catch(() => {});
  server.kill('SIGTERM');
  if (!args.profile) rmSync(tmp, { recursive: true, force: true });
}
