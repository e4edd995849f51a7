// Sync end-to-end: two agents in two browser profiles against the real server.
// Both go offline, both change the same ticket, both come back: both desks show
// the same merged ticket (every reply and note kept, one priority everywhere, the
// losing change marked), and the server holds each change exactly once.
// Usage: node sync.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, imeType, openDesk, parseArgs, query, sleep, startServer,
         until, widget } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-sync-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const syncState = (page) => query(page, { type: 'sync' });
const settled = async (page) => {
  await page.evaluate(() => window.edudesk.syncNow());
  return until(async () => { const s = await syncState(page); return s.pending === 0 && !s.busy && s; }, 'sync settled', 20000);
};
try {
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: a } = await openDesk(ctxA, url + '?agent=a-wangmin&password=edudesk');
  const { page: b } = await openDesk(ctxB, url + '?agent=a-lijing&password=edudesk');
  for (const p of [a, b]) await until(async () => (await query(p, { type: 'counts' })).result.tickets >= 300, 'demo desk', 30000);
  check(true, 'both desks pulled the server\'s demo desk');

  // A ticket both will touch: an open one
  const list = (await query(a, { type: 'tickets.list', status: 'open', limit: 1 })).result.tickets;
  const t = list[0];
  const id = t.ticket_id;
  const before = (await query(a, { type: 'ticket.get', ticket_id: id })).result;

  // Both lose the network
  await ctxA.setOffline(true);
  await ctxB.setOffline(true);
  await sleep(300);
  check((await syncState(a)).online === false, 'the desk notices it is offline');

  // Offline work on the same ticket
  let r = await command(a, { type: 'ticket.set_priority', ticket_id: id, priority: before.priority === 'P1' ? 'P2' : 'P1' });
  check(r.ok, 'A changes the priority offline', JSON.stringify(r));
  r = await command(a, { type: 'ticket.reply', ticket_id: id, text: '王敏离线时写的回复：已为您补发录像' });
  check(r.ok, 'A replies offline');
  await sleep(50);  // B's change comes later in time: B's priority wins
  // B's value differs from the ticket's and from A's, whatever the demo ticket holds.
  const bPriority = before.priority === 'P4' ? 'P3' : 'P4';
  r = await command(b, { type: 'ticket.set_priority', ticket_id: id, priority: bPriority });
  check(r.ok, 'B changes the priority offline', JSON.stringify(r));
  r = await command(b, { type: 'ticket.note', ticket_id: id, text: '李静离线时写的备注：已联系技术支持' });
  check(r.ok, 'B writes a note offline');
  const pendingA = (await syncState(a)).pending, pendingB = (await syncState(b)).pending;
  check(pendingA === 2 && pendingB === 2, 'each desk holds its changes for the server', `${pendingA}, ${pendingB}`);

  // Back online: both push, then both pull the other's changes
  await ctxA.setOffline(false);
  await ctxB.setOffline(false);
  await settled(a);
  await settled(b);
  await settled(a);
  const ta = (await query(a, { type: 'ticket.get', ticket_id: id })).result;
  const tb = (await query(b, { type: 'ticket.get', ticket_id: id })).result;
  const strip = (x) => JSON.stringify({ ...x, age_ms: 0, sla: 0 });  // both read the clock: time left differs by the read
  check(strip(ta) === strip(tb), 'both desks show the same merged ticket', `${ta.priority}/${tb.priority}, ${ta.timeline.length}/${tb.timeline.length}`);
  const texts = ta.timeline.map((e) => e.text);
  check(texts.includes('王敏离线时写的回复：已为您补发录像') && texts.includes('李静离线时写的备注：已联系技术支持'), 'the reply and the note are both kept');
  check(ta.priority === bPriority, 'the later priority change wins everywhere', ta.priority);
  const lost = ta.timeline.find((e) => e.kind === 'field_change' && e.author === 'a-wangmin');
  check(lost && lost.conflict === 'overwritten' && lost.kept === bPriority, 'the losing change says it was overwritten', JSON.stringify(lost));

  // The server has every change exactly once
  const login = await (await fetch(url + 'api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agent_id: 'a-zhaolei', password: 'edudesk' }) })).json();
  let after = 0, seen = new Map(), more = true;
  while (more) {
    const page = await (await fetch(`${url}api/v1/pull?after=${after}&limit=1000`, { headers: { Authorization: `Bearer ${login.token}` } })).json();
    for (const p of page.ops) seen.set(p.op.id, (seen.get(p.op.id) || 0) + 1);
    after = page.cursor;
    more = page.more;
  }
  const mine = [...ta.timeline.map((e) => e.id)];
  check(mine.every((x) => seen.get(x) === 1), 'the server holds each change exactly once');

  // Look at it: open the ticket in both desks
  for (const [p, name] of [[a, 'sync-a.png'], [b, 'sync-b.png']]) {
    const cdp = await p.context().newCDPSession(p);
    await click(p, 'search');
    await imeType(p, cdp, String(ta.number), String(ta.number));
    await click(p, `row_${ta.number}`);
    await widget(p, 'send_reply');
    await sleep(200);
    await p.screenshot({ path: join(OUT, name) });
  }
} catch (e) {
  check(false, 'the sync run finished', e.stack || String(e));
} finally {
  await browser.close().catch(() => {});
  server.kill('SIGTERM');
}
console.log(`# screenshots in ${OUT}`);
finish();
