// Browser end-to-end test: the real `edudesk serve`, Debian's headless Chromium
// (driven by playwright-core, never a downloaded browser), real pointer clicks
// found through window.edudesk.widgets(), Chinese typed through IME composition
// (DevTools Input.imeSetComposition / Input.insertText), reloads and a browser
// restart on the same profile to prove IndexedDB keeps everything.
// Usage: node run.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, canvasIsDrawn, check, click, command, finish, imeType, labelOf, openDesk, parseArgs, query,
         sleep, startServer, until, whenReady, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });

// ---- run -----------------------------------------------------------------------------
const { proc: server, url } = await startServer(args.server);
const profile = mkdtempSync(join(tmpdir(), 'edudesk-profile-'));
let context;
try {
  const health = await (await fetch(url + 'api/health')).json();
  check(health.ok === true && health.service === 'edudesk', '/api/health answers ok');

  const launch = () => chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context = await launch();
  let { page, apiCalls } = await openDesk(context, url);
  let cdp = await context.newCDPSession(page);
  const timing = await page.evaluate(() => ({ first: Module.edudeskFirstFrameMs, cjk: Module.edudeskCjkFrameMs, idb: Module.edudeskLoadMs }));
  console.log(`# first frame ${Math.round(timing.first)} ms, first Chinese frame with data ${Math.round(timing.cjk)} ms after navigation start (IndexedDB read ${Math.round(timing.idb)} ms)`);

  // Demo data on first start, from the seeded generator
  const list = await until(async () => { const l = await query(page, { type: 'tickets.list', limit: 1 }); return l.ok && l.result.total >= 300 && l; }, 'the demo desk', 30000).catch((e) => ({ error: String(e) }));
  check(list.ok && list.result.total >= 300, 'an empty desk starts with the demo data (pulled from the server)', JSON.stringify(list).slice(0, 200));
  const courses = await query(page, { type: 'courses.list' });
  check(courses.result.some((c) => c.name === '高中数学冲刺班'), 'demo courses include 高中数学冲刺班');
  const labels = (await widgets(page)).map((w) => w.label).join(' ');
  check(labels.includes('新建工单'), 'the UI speaks simplified Chinese by default', labels.slice(0, 120));
  check((await widgets(page)).some((w) => w.id.startsWith('row_')), 'the inbox shows ticket rows');
  check(await canvasIsDrawn(page) > 20, 'the canvas is not blank');
  await page.screenshot({ path: join(OUT, 'inbox.png') });

  // Create a ticket through the form: real clicks, Chinese through the IME
  await click(page, 'new_ticket');
  await click(page, 'add_customer');
  await click(page, 'customer_name');
  await imeType(page, cdp, 'zhoujielun', '周杰伦');
  await click(page, 'customer_phone');
  await page.keyboard.type('13912345678');
  await click(page, 'subject');
  await imeType(page, cdp, 'huifang', '回放');
  await imeType(page, cdp, 'dabukai', '打不开');
  await page.keyboard.type(' E2E');
  await click(page, 'text');
  await imeType(page, cdp, 'dishijiang', '第十讲的视频一直黑屏');
  await page.screenshot({ path: join(OUT, 'new-ticket.png') });
  await click(page, 'save_ticket');
  const created = await until(async () => {
    const r = await query(page, { type: 'tickets.list', search: '回放打不开 E2E' });
    return r.result.total === 1 && r.result.tickets[0];
  }, 'the new ticket in the list');
  check(created.customer === '周杰伦', 'the new ticket belongs to the new customer typed through the IME', created.customer);
  const detail = (await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result;
  check(detail.timeline[0].text === '第十讲的视频一直黑屏', 'the description was typed into the ticket', detail.timeline[0]?.text);
  check(created.category === 'technical', 'the form classified the ticket from its text (a black video: technical)', created.category);
  await until(async () => (await query(page, { type: 'storage' })).pending_ops === 0, 'ops durable');
  check(true, 'the new ticket is durable in IndexedDB');

  // Reply through the UI
  await click(page, 'reply');
  await imeType(page, cdp, 'ninhao', '您好，已为您重新生成回放');
  await click(page, 'send_reply');
  const afterReply = await until(async () => {
    const t = (await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result;
    return t.timeline.length === 2 && t;
  }, 'the reply');
  check(afterReply.timeline[1].kind === 'reply' && afterReply.status === 'open', 'a reply is recorded and opens the ticket');
  await page.screenshot({ path: join(OUT, 'ticket.png') });

  // Copy: the timeline's copy button puts the message on the system clipboard
  const copyButtons = (await widgets(page)).filter((w) => w.id === 'copy' && w.visible).sort((a, b) => a.y - b.y);
  await page.mouse.click(copyButtons[0].x + copyButtons[0].w / 2, copyButtons[0].y + copyButtons[0].h / 2);
  const copied = await until(() => page.evaluate(() => navigator.clipboard.readText()).then((t) => t === '第十讲的视频一直黑屏' && t), 'clipboard text');
  check(copied === '第十讲的视频一直黑屏', 'copying a customer message puts the Chinese text on the clipboard');
  // Paste: Ctrl+V of Chinese text into the reply box
  await page.evaluate(() => navigator.clipboard.writeText('粘贴的中文：订单号 2026112400123'));
  await click(page, 'reply');
  // Ctrl+V as a browser does it: the key plus the editing command "paste", which
  // reads the system clipboard and fires a real paste event on the focused field.
  for (const type of ['keyDown', 'keyUp'])
    await cdp.send('Input.dispatchKeyEvent', { type, modifiers: 2, key: 'v', code: 'KeyV', windowsVirtualKeyCode: 86,
                                               commands: type === 'keyDown' ? ['paste'] : [] });
  await sleep(150);
  await click(page, 'add_note');
  const pasted = await until(async () => {
    const t = (await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result;
    return t.timeline.length === 3 && t.timeline[2].text;
  }, 'the pasted note').catch(async () => JSON.stringify((await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result.timeline.map((x) => x.text)));
  check(pasted === '粘贴的中文：订单号 2026112400123', 'Chinese text pasted with Ctrl+V arrives in the field', pasted);

  // Idle costs nothing: with no input and no data change the desk draws no frames. The note
  // just added is pushed first (its acknowledgement is a data change and redraws), then quiet.
  await until(async () => { const s = await query(page, { type: 'sync' }); return !s.busy && s.pending === 0 && s.outbox.length === 0; },
              'the note acknowledged by the server', 20000).catch(() => {});
  await sleep(1500);
  const idle0 = await page.evaluate(() => Module.edudeskFrames);
  await cdp.send('Performance.enable');
  const task0 = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await sleep(3000);
  const task1 = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const idle1 = await page.evaluate(() => Module.edudeskFrames);
  console.log(`# idle: ${idle1 - idle0} frames drawn and ${((task1 - task0) * 1000).toFixed(1)} ms of main-thread work in 3 s`);
  check(idle1 - idle0 <= 2, 'an idle desk draws (almost) no frames', `${idle1 - idle0} frames`);
  check(task1 - task0 < 0.03, 'an idle desk costs (almost) no CPU: under 1 % of the main thread', `${((task1 - task0) * 1000).toFixed(1)} ms in 3 s`);

  // Deep links and the back button: the address follows the open ticket
  check(await page.evaluate(() => location.hash) === `#/ticket/${created.number}`, 'the address shows the open ticket', await page.evaluate(() => location.hash));
  const otherRow = (await widgets(page)).filter((w) => w.id.startsWith('row_') && w.visible && w.id !== `row_${created.number}`)[0];
  await click(page, otherRow.id);
  const otherNumber = otherRow.id.slice(4);
  await until(async () => (await page.evaluate(() => location.hash)) === `#/ticket/${otherNumber}`, 'the address follows');
  await page.goBack();
  const backOk = await until(async () => (await widgets(page)).some((w) => w.id === `row_${created.number}` && w.checked), 'back selects the ticket again', 5000).catch(() => false);
  check(backOk && await page.evaluate(() => location.hash) === `#/ticket/${created.number}`, 'the back button returns to the previous ticket');
  const linked = await context.newPage();
  await linked.setViewportSize({ width: 1280, height: 800 });
  await linked.goto(url + '#/ticket/' + otherNumber);
  await whenReady(linked);
  const linkOk = await until(async () => (await widgets(linked)).some((w) => w.id === `row_${otherNumber}` && w.checked), 'a deep link opens its ticket', 10000).catch(() => false);
  check(linkOk, 'a link to #/ticket/N opens that ticket');
  await linked.close();

  // Status change through the combo
  await click(page, 'status');
  await click(page, 'set_status_resolved');
  // resolving asks how it was resolved: a resolution code from the popup
  await click(page, 'closure_resolution');
  await click(page, 'resolution_remote_help');
  await click(page, 'closure_confirm');
  await until(async () => (await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result.status === 'resolved', 'status resolved');
  const resolved = (await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result;
  check(resolved.resolution === 'remote_help', 'the status combo resolves the ticket with a resolution code', resolved.resolution);

  // Sort by clicking a column header: priority ascending puts P1 first
  await click(page, 'col_priority');
  // The next frames redraw the table sorted; a loaded machine may take a few.
  const firstRow = async () => {
    const rows = (await widgets(page)).filter((w) => w.id.startsWith('row_') && w.visible).sort((a, b) => a.y - b.y);
    return (await query(page, { type: 'ticket.get', number: Number(rows[0].id.slice(4)) })).result;
  };
  let first = await firstRow();
  for (let i = 0; i < 20 && first.priority !== 'P1'; i++) { await sleep(100); first = await firstRow(); }
  check(first.priority === 'P1', 'clicking the priority header sorts P1 first', first.priority);

  // Bad input through the page API: a clear error, nothing changed
  const before = (await query(page, { type: 'counts' })).result.tickets;
  let r = await command(page, { type: 'ticket.create', customer_id: created.customer_id, channel: 'chat', subject: 'x'.repeat(201) });
  check(!r.ok && r.error.code === 'too_long' && r.error.field === 'subject', 'an over-long subject is refused', JSON.stringify(r));
  r = await command(page, { type: 'ticket.create', channel: 'chat', subject: 'no customer' });
  check(!r.ok && r.error.code === 'missing_field', 'a ticket without a customer is refused', JSON.stringify(r));
  r = await command(page, { type: 'ticket.teleport' });
  check(!r.ok && r.error.code === 'unknown_type', 'an unknown command type is refused', JSON.stringify(r));
  r = await command(page, 'not an object');
  check(!r.ok && r.error.code === 'bad_command', 'a command that is not an object is refused', JSON.stringify(r));
  r = await command(page, { type: 'ticket.reply', ticket_id: created.ticket_id, text: 'lone \ud800 surrogate' });
  check(!r.ok, 'text with a lone surrogate (invalid UTF-8) is refused and the app lives on', JSON.stringify(r));
  r = await page.evaluate(() => JSON.parse(Module.ccall('edudesk_api_command', 'string', ['string', 'number'], ['{"type": "ticket.create", ', 0])));
  check(!r.ok && r.error.code === 'bad_json', 'a JSON parse failure answers an error instead of aborting', JSON.stringify(r));
  check((await query(page, { type: 'counts' })).result.tickets === before, 'refused commands changed nothing');

  // A full storage quota: the change is kept pending in memory, the agent is told, a retry saves it
  await page.evaluate(() => {
    window.__realAdd = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function () { throw new DOMException('quota', 'QuotaExceededError'); };
  });
  r = await command(page, { type: 'ticket.note', ticket_id: created.ticket_id, text: '配额满时写的备注' });
  check(!r.ok && r.error.code === 'storage_failed' && r.pending_in_memory, 'a write refused by the quota is reported', JSON.stringify(r));
  let st = await query(page, { type: 'storage' });
  check(st.pending_ops === 1 && st.error === 'QuotaExceededError', 'the refused change stays pending in memory', JSON.stringify(st));
  await widget(page, 'retry_storage');
  await page.screenshot({ path: join(OUT, 'quota-full.png') });
  await page.evaluate(() => { IDBObjectStore.prototype.add = window.__realAdd; });
  await click(page, 'retry_storage');
  await until(async () => (await query(page, { type: 'storage' })).pending_ops === 0, 'retry stored');
  check(true, 'retry after the quota frees up stores the change');

  // Durable means durable: the page is closed the instant the change is acknowledged
  // (no unload handlers), and a new page finds it.
  r = await command(page, { type: 'ticket.note', ticket_id: created.ticket_id, text: '确认后立即关闭页面' });
  const snap = await context.newPage();
  await page.close({ runBeforeUnload: false });
  page = snap;
  cdp = await context.newCDPSession(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(url);
  await whenReady(page);
  check(r.ok && (await query(page, { type: 'ticket.get', ticket_id: created.ticket_id })).result.timeline.some((e) => e.text === '确认后立即关闭页面'),
        'a change acknowledged just before the page was killed is there after it');
  await widget(page, 'new_ticket');

  // A second tab: the same desk, live. Changes in either show in both; only one
  // tab talks to the server, and the other's changes reach it through that one.
  const second = await context.newPage();
  await second.setViewportSize({ width: 1280, height: 800 });
  await second.goto(url);
  check(await whenReady(second) === true, 'a second tab opens the same desk');
  let fromFirst = await command(page, { type: 'ticket.create', customer_id: created.customer_id, channel: 'phone', subject: '第一个标签页新建的工单' });
  check(fromFirst.ok, 'the first tab creates a ticket', JSON.stringify(fromFirst));
  await until(async () => (await query(second, { type: 'ticket.get', ticket_id: fromFirst.ticket_id })).ok, 'the second tab sees it', 5000)
    .then(() => check(true, 'the second tab sees the first tab\'s new ticket at once'))
    .catch((e) => check(false, 'the second tab sees the first tab\'s new ticket at once', String(e)));
  let fromSecond = await command(second, { type: 'ticket.create', customer_id: created.customer_id, channel: 'chat', subject: '第二个标签页新建的工单' });
  check(fromSecond.ok, 'the second tab creates a ticket', JSON.stringify(fromSecond));
  await until(async () => (await query(page, { type: 'ticket.get', ticket_id: fromSecond.ticket_id })).ok, 'the first tab sees it', 5000)
    .then(() => check(true, 'the first tab sees the second tab\'s new ticket'))
    .catch((e) => check(false, 'the first tab sees the second tab\'s new ticket', String(e)));
  await page.evaluate(() => window.edudesk.syncNow());
  await until(async () => (await query(page, { type: 'sync' })).pending === 0 && (await query(second, { type: 'sync' })).pending === 0, 'both tabs report nothing pending', 15000)
    .then(() => check(true, 'the syncing tab sent the other tab\'s change and both know it'))
    .catch(async (e) => check(false, 'the syncing tab sent the other tab\'s change and both know it', JSON.stringify([await query(page, { type: 'sync' }), await query(second, { type: 'sync' })])));
  await second.screenshot({ path: join(OUT, 'second-tab.png') });
  await second.close();

  // Language switch: 繁體中文 and English
  await click(page, 'language');
  await click(page, '繁體中文');
  check(await labelOf(page, 'new_ticket', /新建工單/), 'the language switch offers 繁體中文');
  await click(page, 'language');
  await click(page, 'English');
  check(await labelOf(page, 'new_ticket', /New ticket/), 'the language switch offers English');
  await page.screenshot({ path: join(OUT, 'inbox-en.png') });
  await click(page, 'language');
  await click(page, '简体中文');
  await labelOf(page, 'new_ticket', /新建工单/);

  // Reload with the server unreachable: everything is read back from IndexedDB
  apiCalls.length = 0;
  await page.route('**/api/**', (route) => route.abort());
  await page.reload();
  await whenReady(page);
  let again = await query(page, { type: 'ticket.get', ticket_id: created.ticket_id });
  const kinds = again.ok ? again.result.timeline.map((e) => e.kind).join(',') : '';
  check(kinds === 'customer_message,reply,note,status_change,note,note' && again.result.status === 'resolved', 'after a reload the ticket, reply, notes and status change are still there', kinds);
  check(true, 'the reload needed no answer from the server');
  await page.unroute('**/api/**');
  // …and a person finds it through the UI: search, then the row
  await until(async () => (await widgets(page)).some((w) => w.id === 'search'), 'search box');
  await click(page, 'search');
  await imeType(page, cdp, 'zhoujielun', '周杰伦');
  const row = await widget(page, `row_${created.number}`);
  check(!!row, 'searching the customer name shows the ticket row');
  await click(page, `row_${created.number}`);
  await widget(page, 'send_reply');
  await page.screenshot({ path: join(OUT, 'after-reload.png') });

  // Close the browser and come back on the same profile
  const before_restart = (await query(page, { type: 'counts' })).result.tickets;
  await context.close();
  context = await launch();
  ({ page } = await openDesk(context, url));
  again = await query(page, { type: 'ticket.get', ticket_id: created.ticket_id });
  check(again.ok && again.result.subject === '回放打不开 E2E', 'after closing the browser the ticket is still there');
  const total = (await query(page, { type: 'counts' })).result.tickets;
  check(total === before_restart, 'the demo data was not loaded twice', `${total} vs ${before_restart}`);
  // The browser wipes the store (eviction) while one change has not reached the
  // server: detected, the agent told how many were lost, the desk back from the server.
  await page.evaluate(() => window.edudesk.syncNow());
  await until(async () => (await query(page, { type: 'sync' })).pending === 0, 'everything sent before the wipe', 15000);
  await page.route('**/api/**', (route) => route.abort());  // the link is down …
  r = await command(page, { type: 'ticket.note', ticket_id: created.ticket_id, text: '清除前未上传的备注' });
  check(r.ok && (await query(page, { type: 'sync' })).pending === 1, 'one change waits for the server when the wipe comes');
  await page.unroute('**/api/**');
  await page.goto('about:blank');
  const wipe = await context.newPage();
  await wipe.goto(url + 'manifest.webmanifest');
  await wipe.evaluate(() => new Promise((res) => { const r = indexedDB.deleteDatabase('edudesk'); r.onsuccess = r.onerror = r.onblocked = () => res(); }));
  await wipe.close();
  await page.goto(url);
  await whenReady(page);
  check(!!(await widget(page, 'wiped_ok')), 'a wiped store is detected and the agent is told');
  check((await widgets(page)).length > 0 && (await page.evaluate(() => 1)) === 1, 'the desk runs after the wipe');
  const back = await until(async () => { const t = await query(page, { type: 'ticket.get', ticket_id: created.ticket_id }); return t.ok && t; }, 'the desk back from the server', 20000).catch(() => null);
  check(back && back.result.subject === '回放打不开 E2E', 'after the wipe the desk is loaded again from the server, nothing overwritten');
  await page.screenshot({ path: join(OUT, 'wiped.png') });
  await click(page, 'wiped_ok');

  // The language choice survives a reload
  await click(page, 'language');
  await click(page, 'English');
  await labelOf(page, 'new_ticket', /New ticket/);
  await page.reload();
  await whenReady(page);
  check(await labelOf(page, 'new_ticket', /New ticket/), 'the chosen language is remembered after a reload');

  // IndexedDB unavailable (private mode, storage blocked): a clear message, no false "saved"
  {
    const ctx = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS }).then((b) => b.newContext());
    await ctx.addInitScript(() => { IDBFactory.prototype.open = function () { throw new DOMException('blocked', 'SecurityError'); }; });
    const p = await ctx.newPage();
    await p.goto(url);
    const why = await whenReady(p);
    check(why === 'SecurityError', 'without IndexedDB the desk says why it cannot keep data', String(why));
    await sleep(300);
    await p.screenshot({ path: join(OUT, 'no-indexeddb.png') });
    await ctx.browser().close();
  }

  // Offline start: the server is stopped and the network is gone; the desk starts
  // from the service worker's cache and its data from IndexedDB, and says it is offline.
  await click(page, 'language');
  await click(page, '简体中文');
  await until(() => page.evaluate(() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)), 'the service worker controls the page', 20000);
  server.kill('SIGTERM');
  await context.setOffline(true);
  await page.reload();
  check(await whenReady(page) === true, 'with the server stopped and the network off, the desk starts');
  again = await query(page, { type: 'ticket.get', ticket_id: created.ticket_id });
  check(again.ok && again.result.subject === '回放打不开 E2E', 'offline, every ticket is still there');
  const offline = await until(async () => { const s = await query(page, { type: 'sync' }); return s.online === false && s; }, 'offline shown', 10000).catch(() => null);
  check(!!offline, 'the desk shows that it is offline', JSON.stringify(offline));
  r = await command(page, { type: 'ticket.note', ticket_id: created.ticket_id, text: '断网时写的备注' });
  check(r.ok && (await query(page, { type: 'sync' })).pending >= 1, 'offline, a change is saved and waits for the server');
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'offline-start.png') });
  check(await canvasIsDrawn(page) > 20, 'the canvas is drawn after a restart');
} catch (e) {
  check(false, 'the end-to-end run finished', e.stack || String(e));
} finally {
  if (context) await context.close().catch(() => {});
  server.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
}
console.log(`# screenshots in ${OUT}`);
finish();
