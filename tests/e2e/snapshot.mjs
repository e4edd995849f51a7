// A snapshot of the State in IndexedDB for a fast start (issue 8: a warm start with 100,000
// tickets), against the real server in Debian's headless Chromium:
// - with ?snapshot_every=1 a snapshot is written once the desk is idle, covering every stored Op
//   (a change made offline included);
// - a reload restores it: the same State (state_image) as before, the offline change still in
//   the outbox, only the newer Ops read from the log; a change after the snapshot survives the
//   next reload too, and back online both reach the server;
// - a damaged snapshot is refused: the whole log is replayed, the same State, and a new
//   snapshot replaces it;
// - a snapshot the quota refuses changes nothing for the agent; an Op the quota refuses drops
//   the snapshot (the log comes first) and the retry stores it.
// The SLA rule is off (?sla_rule=off): its escalations follow the clock, and the test compares
// the whole State across reloads.
// Usage: node snapshot.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, parseArgs, query, sleep, startServer, until, whenReady } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
let browser;
const storage = (page, image = false) => page.evaluate((image) => window.edudesk.query({ type: 'storage', image }), image);
const profile = (page) => page.evaluate(() => Module.edudeskLoadProfile);
const lastSnapshot = (page) => page.evaluate(() => Module.edudeskSnapshotLast || null);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
// A snapshot that covers everything the desk has stored (the desk writes it after 3 s without input).
async function snapshotCoveringAll(page, what) {
  let seen = null;
  return until(async () => {
    const st = await storage(page);
    const s = await lastSnapshot(page);
    seen = JSON.stringify({ last: s, stored: st.stored_ops, covers: st.snapshot_covers });
    return s && s.bytes > 0 && s.covers === st.stored_ops && st.snapshot_covers === st.stored_ops && s;
  }, what, 60000).catch((e) => { throw new Error(`${e.message}; ${seen}`); });
}
async function load(page, path) {
  await page.goto(url + path);
  const ready = await whenReady(page);
  if (ready !== true) throw new Error('desk not ready: ' + ready);
  await until(async () => (await query(page, { type: 'tickets.list', limit: 1 })).result?.total > 0, 'tickets', 30000);
}
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let page = await context.newPage();
  page.on('pageerror', (e) => console.log('# page error:', e.message));

  // ---- 1. the demo desk pulled, a change made offline, a snapshot written ----
  await load(page, '?sla_rule=off&snapshot_every=1');
  const ticket = (await query(page, { type: 'tickets.list', limit: 1 })).result.tickets[0];
  // Everything pulled (a pull comes in pages) before the network goes.
  let stable = -1;
  await until(async () => {
    await sleep(1000);
    const st = await storage(page), sy = await query(page, { type: 'sync' });
    const done = sy.last_success > 0 && !sy.busy && st.pending_ops === 0 && st.stored_ops === stable;
    stable = st.stored_ops;
    return done;
  }, 'the demo desk pulled', 60000);
  await context.setOffline(true);
  let r = await command(page, { type: 'ticket.reply', ticket_id: ticket.ticket_id, text: '快照前离线写的回复' });
  check(r.ok, 'an offline reply is saved', JSON.stringify(r));
  await until(async () => (await storage(page)).pending_ops === 0, 'the reply durable');
  const snap1 = await snapshotCoveringAll(page, 'a snapshot covering the offline reply');
  check(snap1.bytes > 10000 && snap1.key > 0, `a snapshot of ${snap1.bytes} bytes covers all ${snap1.covers} stored Ops`, JSON.stringify(snap1));
  const before = await storage(page, true);
  const outboxBefore = (await query(page, { type: 'sync' })).outbox;
  check(outboxBefore.length >= 1, 'the offline reply waits in the outbox', JSON.stringify(outboxBefore));

  // ---- 2. a reload restores it ----
  await load(page, '?sla_rule=off&snapshot_every=1000000');
  let prof = await profile(page);
  check(prof.snapshot && prof.snapshot.used === true, `the reload restored the snapshot (${prof.snapshot && prof.snapshot.restore_ms.toFixed(1)} ms)`, JSON.stringify(prof));
  let after = await storage(page, true);
  check(same(after.image, before.image), 'the restored State equals the State before the reload (state_image)');
  check(after.stored_ops === before.stored_ops, `the desk knows all ${after.stored_ops} stored Ops`, `${after.stored_ops} vs ${before.stored_ops}`);
  check(same((await query(page, { type: 'sync' })).outbox, outboxBefore), 'the offline reply is still in the outbox');
  const tl = (await query(page, { type: 'ticket.get', ticket_id: ticket.ticket_id })).result.timeline;
  check(tl.some((e) => e.text === '快照前离线写的回复'), 'the reply shows on its ticket');

  // ---- 3. a change after the snapshot: read from the log on the next start ----
  r = await command(page, { type: 'ticket.reply', ticket_id: ticket.ticket_id, text: '快照后写的回复' });
  await until(async () => (await storage(page)).pending_ops === 0, 'the second reply durable');
  const before2 = await storage(page, true);
  const outbox2 = (await query(page, { type: 'sync' })).outbox;
  await load(page, '?sla_rule=off&snapshot_every=1000000');
  prof = await profile(page);
  after = await storage(page, true);
  check(prof.snapshot?.used === true && after.snapshot_covers === snap1.covers && after.stored_ops === snap1.covers + 1,
        'the snapshot plus the one newer Op from the log', JSON.stringify({ prof, covers: after.snapshot_covers, stored: after.stored_ops }));
  check(same(after.image, before2.image), 'the State equals the one before the reload');
  check(same((await query(page, { type: 'sync' })).outbox, outbox2) && outbox2.length === outboxBefore.length + 1,
        'both offline replies wait in the outbox, in order', JSON.stringify(outbox2));
  await page.screenshot({ path: join(OUT, 'snapshot-restored.png') });

  // ---- 3b. a slow disk: the desk is drawn from the newest tickets while the rest arrives ----
  // (?slow_snapshot=1: the init script below hands out the snapshot's Blob 8 KB every 15 ms.)
  // Its first frame shows tickets before the State is whole; a change made meanwhile is refused
  // and nothing is stored; then the State is the one before the reload.
  await page.addInitScript(() => {
    if (!/[?&]slow_snapshot=1/.test(location.search)) return;
    Blob.prototype.stream = function () {
      const blob = this;
      let off = 0;
      return new ReadableStream({
        async pull(c) {
          await new Promise((r) => setTimeout(r, 15));
          if (off >= blob.size) return c.close();
          const part = new Uint8Array(await blob.slice(off, off + 8192).arrayBuffer());
          off += part.length;
          c.enqueue(part);
        },
      });
    };
  });
  await page.goto(url + '?sla_rule=off&snapshot_every=1000000&slow_snapshot=1');
  const arriving = await until(() => page.evaluate(() => window.Module && Module.edudeskDataFrameMs && !Module.edudeskWholeFrameMs &&
                                                          { tickets: Module.edudeskDataFrameTickets }),
                               'the newest tickets drawn while the rest of the snapshot arrives', 30000);
  check(arriving.tickets > 0, `the first frame with data shows ${arriving.tickets} tickets before the State is whole`);
  r = await command(page, { type: 'ticket.reply', ticket_id: ticket.ticket_id, text: '载入时写的回复' });
  // (the page API answers not_ready until the desk is; the desk itself says loading)
  check(!r.ok && ['not_ready', 'loading'].includes(r.error?.code), `a change while the desk is still loading is refused (${r.error?.code})`, JSON.stringify(r));
  await page.screenshot({ path: join(OUT, 'snapshot-arriving.png') });
  const readyNow = await whenReady(page);
  check(readyNow === true, 'the desk is ready once all of it is in', String(readyNow));
  prof = await profile(page);
  after = await storage(page, true);
  check(prof.snapshot?.used === true, 'the slowly read snapshot was used', JSON.stringify(prof.snapshot));
  check(same(after.image, before2.image) && after.stored_ops === before2.stored_ops,
        'the State equals the one before the reload, the refused change not in it');

  // ---- 4. back online: both reach the server ----
  await context.setOffline(false);
  await page.evaluate(() => window.edudesk.syncNow && window.edudesk.syncNow());
  await until(async () => (await query(page, { type: 'sync' })).outbox.length === 0, 'the outbox pushed', 30000);
  const sync = await query(page, { type: 'sync' });
  check(sync.rejected.length === 0, 'the server accepted both replies', JSON.stringify(sync.rejected));

  // ---- 5. a damaged snapshot: the whole log is replayed, and a new snapshot replaces it ----
  const before3 = await storage(page, true);
  await page.evaluate(() => new Promise((res, rej) => {
    const tx = Module.edudeskDb.transaction('snapshot', 'readwrite');
    const bytes = new Uint8Array(4096);
    bytes.set([69, 68, 68, 69, 83, 75, 48, 49]);  // the right magic, garbage after it
    tx.objectStore('snapshot').put({ k: 'state', bytes: bytes.buffer });
    tx.oncomplete = res; tx.onabort = () => rej(tx.error);
  }));
  await load(page, '?sla_rule=off&snapshot_every=1');
  prof = await profile(page);
  after = await storage(page, true);
  check(prof.snapshot?.used === false && prof.pages > 0, 'a damaged snapshot is refused and the log replayed', JSON.stringify(prof));
  check(same(after.image, before3.image), 'the replayed State equals the one before');
  const snap2 = await snapshotCoveringAll(page, 'a new snapshot after the replay');
  check(snap2.covers === after.stored_ops, 'a new snapshot replaces the damaged one', JSON.stringify(snap2));

  // ---- 5b. a snapshot the store's head disowns (it claims a key past the store's last): its
  // bytes start streaming before the head is read, so the restore is called off and the log replayed ----
  const disowned = await storage(page, true);
  await page.evaluate(() => new Promise((res, rej) => {
    const tx = Module.edudeskDb.transaction('snapshot', 'readwrite');
    const st = tx.objectStore('snapshot');
    st.get('info').onsuccess = (e) => st.put(Object.assign({}, e.target.result, { key: 1e9 }));
    tx.oncomplete = res; tx.onabort = () => rej(tx.error);
  }));
  await load(page, '?sla_rule=off&snapshot_every=1');
  prof = await profile(page);
  after = await storage(page, true);
  check(prof.snapshot?.used === false && prof.pages > 0, 'a snapshot the head disowns is called off and the log replayed', JSON.stringify(prof.snapshot));
  check(same(after.image, disowned.image) && after.stored_ops === disowned.stored_ops, 'the replayed State equals the one before, nothing of the called-off snapshot in it');
  const snap3 = await snapshotCoveringAll(page, 'a new snapshot after the one called off');

  // ---- 6. storage quota: the snapshot gives way, the agent's changes never do ----
  await page.evaluate(() => {
    window.__realPut = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...a) {
      if (this.name === 'snapshot') throw new DOMException('quota', 'QuotaExceededError');
      return window.__realPut.apply(this, a);
    };
  });
  r = await command(page, { type: 'ticket.reply', ticket_id: ticket.ticket_id, text: '配额满时的回复' });
  await until(async () => (await storage(page)).pending_ops === 0, 'the reply durable');
  const refused = await until(async () => { const s = await lastSnapshot(page); return s && s.error && s; }, 'the snapshot refused', 30000);
  check(refused.error, `a snapshot the quota refuses (${refused.error}) changes nothing for the agent`);
  const st = await storage(page);
  check(st.pending_ops === 0 && st.error === '' && st.snapshot_covers === snap3.covers, 'the reply is stored, no error shown, the old snapshot kept', JSON.stringify(st));
  await page.evaluate(() => { IDBObjectStore.prototype.put = window.__realPut; });
  // An Op the quota refuses: the snapshot is dropped to make room, the retry stores the Op.
  await page.evaluate(() => {
    window.__realAdd = IDBObjectStore.prototype.add;
    window.__quotaOnce = true;
    IDBObjectStore.prototype.add = function (...a) {
      if (window.__quotaOnce) throw new DOMException('quota', 'QuotaExceededError');
      return window.__realAdd.apply(this, a);
    };
  });
  r = await command(page, { type: 'ticket.note', ticket_id: ticket.ticket_id, text: '存储满时写的备注' });
  check(!r.ok && r.error.code === 'storage_failed', 'an Op the quota refuses is reported', JSON.stringify(r));
  const left = await until(async () => page.evaluate(() => new Promise((res) => {
    const q = Module.edudeskDb.transaction('snapshot', 'readonly').objectStore('snapshot').count();
    q.onsuccess = () => res(q.result === 0 ? 'empty' : null);
  })), 'the snapshot dropped', 10000).catch(() => 'kept');
  check(left === 'empty', 'the snapshot is dropped to make room for the log');
  await page.evaluate(() => { window.__quotaOnce = false; IDBObjectStore.prototype.add = window.__realAdd; });
  await click(page, 'retry_storage');
  await until(async () => (await storage(page)).pending_ops === 0, 'the retry stored the note');
  const before4 = await storage(page, true);
  await load(page, '?sla_rule=off&snapshot_every=1000000');
  prof = await profile(page);
  after = await storage(page, true);
  check(!prof.snapshot && same(after.image, before4.image), 'without a snapshot the next start replays the log: nothing lost', JSON.stringify(prof));
  await context.close();
} catch (e) {
  check(false, 'the snapshot test ran to the end', String(e && e.stack || e));
} finally {
  if (browser) await browser.close().catch(() => {});
  server.kill('SIGTERM');
}
finish();
