// The agent's day end-to-end (issue 3), real clicks in Debian's Chromium against the real
// server: the incidents view suggests the demo's burst of "video will not play" tickets,
// one click groups them, one reply (typed through the IME) resolves every linked ticket
// and schedules their call-backs; a ticket is escalated with a reason; a complaint is
// closed only with a resolution code and a root cause; a call-back is done with its
// outcome in the tasks view; J moves through the queue; the SLA column and the ticket's
// clocks are drawn; assigning to the wrong tier is refused.
// Usage: node workday.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, clickUntil, command, finish, imeType, openDesk, parseArgs, query, sleep, startServer,
         until, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-workday-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
// Scrolls the pane under (x, ·) until the widget is wholly on screen, as a person would.
const reveal = async (page, id, x = 300) => {
  for (let i = 0; i < 40; i++) {
    const w = (await widgets(page)).find((v) => v.id === id && v.visible);
    const vh = page.viewportSize().height;
    if (w && w.y >= 0 && w.y + w.h <= vh - 30) return w;  // clear of the panel's bottom edge and padding
    await page.mouse.move(x, vh / 2);
    await page.mouse.wheel(0, w && w.y < 0 ? -200 : 200);
    await sleep(120);
  }
  return widget(page, id);
};
const openTicket = async (page, number) => {
  await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, number);
  await until(async () => (await widgets(page)).some((w) => w.id === `row_${number}` && w.checked) ||
    (await widgets(page)).some((w) => w.id === 'tab_conversation'), `ticket ${number} open`);
  await sleep(200);
};
const ticket = async (page, id) => (await query(page, { type: 'ticket.get', ticket_id: id })).result;
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page } = await openDesk(ctx, url + '?agent=a-wangmin&password=edudesk');
  const cdp = await ctx.newCDPSession(page);
  await until(async () => { const l = await query(page, { type: 'tickets.list', limit: 1 }); return l.ok && l.result.total >= 300; }, 'the demo desk', 30000);

  // ---- the SLA column and queue
  await sleep(500);
  const labels = (await widgets(page)).map((w) => w.id);
  check(labels.includes('col_due') && labels.includes('queue'), 'the inbox has the queue switch and the SLA column');
  await click(page, 'col_due');  // sort by the next due: breached first
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'workday-inbox-sla.png') });
  const breaching = await query(page, { type: 'tickets.list', queue: 'breaching', limit: 500 });
  check(breaching.ok && breaching.result.total > 0, 'the breaching queue lists tickets past or near their SLA', breaching.result && breaching.result.total);

  // ---- incidents: the suggestion, one click, one reply to all
  await click(page, 'view_incidents');
  await widget(page, 'group_incident');
  const before = (await query(page, { type: 'incidents.list' })).result;
  check(before.suggestions.length >= 1 && before.suggestions[0].tickets.length >= 4,
        'the desk suggests grouping the alike tickets of one course', JSON.stringify(before.suggestions.map((s) => s.title)));
  await page.screenshot({ path: join(OUT, 'workday-incident-suggested.png') });
  await click(page, 'group_incident');
  const grouped = await until(async () => { const r = (await query(page, { type: 'incidents.list' })).result; return r.incidents.length === 1 && r; }, 'incident created');
  const inc = grouped.incidents[0];
  check(inc.tickets.length >= 4 && inc.type === 'technical', 'one click groups them under a technical incident', `${inc.tickets.length} tickets`);
  await click(page, 'check_notify_tech');
  await until(async () => (await query(page, { type: 'incidents.list' })).result.incidents[0].checklist.notify_tech === true, 'checklist item');
  check(true, 'a checklist item is ticked');
  await click(page, 'inc_reply');
  await imeType(page, cdp, 'shipinyixiufu', '视频已修复，请刷新后重试，给您带来不便深表歉意。');
  await page.screenshot({ path: join(OUT, 'workday-incident.png') });
  await click(page, 'inc_resolve');
  const resolvedAll = await until(async () => {
    const ts = await Promise.all(inc.tickets.map((id) => ticket(page, id)));
    return ts.every((t) => t.status === 'resolved') && ts;
  }, 'every linked ticket resolved');
  check(resolvedAll.every((t) => t.timeline.some((e) => e.kind === 'reply' && e.text.startsWith('视频已修复'))),
        'resolving the incident sent the one reply (typed through the IME) to every linked ticket');
  const tasks = (await query(page, { type: 'tasks.list' })).result;
  const callbacks = tasks.filter((k) => k.kind === 'callback' && inc.tickets.includes(k.ticket_id));
  check(callbacks.length === inc.tickets.length, 'and scheduled a call-back for each', `${callbacks.length}`);

  // ---- escalation with a reason
  const open = (await query(page, { type: 'tickets.list', open_only: true, limit: 400 })).result.tickets;
  let junior = null;
  for (const t of open) { const d = await ticket(page, t.ticket_id); if (d.tier === 'junior' && !d.merged_into) { junior = d; break; } }
  check(!!junior, 'the demo has an open ticket with the juniors');
  await click(page, 'view_tickets');
  await openTicket(page, junior.number);
  await click(page, 'escalate');
  await click(page, 'escalate_reason');
  await imeType(page, cdp, 'xuyaoxietiao', '需要协调老师补课');
  await page.screenshot({ path: join(OUT, 'workday-escalate.png') });
  await click(page, 'escalate_confirm');
  const up = await until(async () => { const d = await ticket(page, junior.ticket_id); return d.tier === 'mid' && d; }, 'escalated');
  check(up.timeline.some((e) => e.kind === 'note' && e.text.includes('需要协调老师补课')), 'escalating moves it one tier up and keeps the reason as a note');
  const wrong = await command(page, { type: 'ticket.assign', ticket_id: junior.ticket_id, agent_id: 'a-lijing' });
  check(!wrong.ok && wrong.error.code === 'wrong_tier', 'assigning it back to a junior is refused: wrong tier', JSON.stringify(wrong.error));

  // ---- closing a complaint needs a resolution code and a root cause
  let complaint = null;
  for (const t of open) {
    if (t.category !== 'course_quality') continue;
    const d = await ticket(page, t.ticket_id);
    if (!d.merged_into && d.status !== 'closed') { complaint = d; break; }
  }
  check(!!complaint, 'the demo has an open complaint about a course');
  await openTicket(page, complaint.number);
  await click(page, 'status');
  await click(page, 'set_status_closed');
  await click(page, 'closure_resolution');
  await click(page, 'resolution_teacher_qa');
  await click(page, 'closure_confirm');  // no root cause yet: refused
  await sleep(400);
  check((await ticket(page, complaint.ticket_id)).status !== 'closed', 'a complaint is not closed without a root cause');
  await click(page, 'closure_cause');
  await click(page, 'cause_teacher');
  await page.screenshot({ path: join(OUT, 'workday-closure.png') });
  await click(page, 'closure_confirm');
  const closed = await until(async () => { const d = await ticket(page, complaint.ticket_id); return d.status === 'closed' && d; }, 'closed');
  check(closed.resolution === 'teacher_qa' && closed.root_cause === 'teacher', 'with both it closes, and the history says how and why');
  await page.screenshot({ path: join(OUT, 'workday-ticket.png') });

  // ---- the tasks view: a call-back done with its outcome
  await click(page, 'view_tasks');
  const cb = callbacks[0];
  // Everyone's call-backs only (the kind filter); a missed click leaves every task listed and the
  // call-back far below, so the filter is set again until it can be reached.
  await clickUntil(page, ['tasks_everyone', 'task_kind', '回访'], () => reveal(page, `outcome_${cb.task_id}`), 3);
  await click(page, `outcome_${cb.task_id}`);
  await imeType(page, cdp, 'kehumanyi', '客户确认视频正常，满意');
  await page.screenshot({ path: join(OUT, 'workday-tasks.png') });
  await reveal(page, `task_done_${cb.task_id}`);
  await click(page, `task_done_${cb.task_id}`);
  const done = await until(async () => (await query(page, { type: 'tasks.list', include_done: true })).result.find((k) => k.task_id === cb.task_id && k.done), 'call-back done');
  check(done.outcome === '客户确认视频正常，满意', 'the call-back is done with the outcome typed in', done.outcome);

  // ---- keyboard: J moves to the next ticket of the queue
  await click(page, 'view_tickets');
  await openTicket(page, closed.number);
  const hash0 = await page.evaluate(() => location.hash);
  await page.mouse.click(640, 790);  // nothing focused
  await page.keyboard.press('j');
  const moved = await until(async () => { const h = await page.evaluate(() => location.hash); return h !== hash0 && h.startsWith('#/ticket/') && h; }, 'J moved', 5000).catch(() => false);
  check(!!moved, 'J opens the next ticket of the queue', `${hash0} → ${moved}`);

  // ---- everything reached the server
  await page.evaluate(() => window.edudesk.syncNow());
  await until(async () => { const s = await query(page, { type: 'sync' }); return s.pending === 0 && !s.busy; }, 'sync settled', 20000);
  check(true, 'every change reached the server');
  // ---- a supervisor changes the SLA policy in the app: the weekdays preset (Mon–Fri 9–18)
  const sctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: sp } = await openDesk(sctx, url + '?agent=a-zhaolei&password=edudesk');
  await until(async () => (await query(sp, { type: 'counts' })).result.tickets >= 300, 'supervisor desk', 30000);
  await click(sp, 'view_incidents');
  await reveal(sp, 'sla_editor');
  await click(sp, 'sla_editor');
  await reveal(sp, 'sla_preset_weekdays');
  await click(sp, 'sla_preset_weekdays');
  await reveal(sp, 'sla_save');
  await sp.screenshot({ path: join(OUT, 'workday-sla-editor.png') });
  await click(sp, 'sla_save');
  const pol = await until(async () => { const p = (await query(sp, { type: 'sla.policy' })).result; return p.op && p; }, 'the new SLA policy');
  check(JSON.stringify(pol).includes('makeup_days') && pol.op, 'a supervisor sets the SLA policy (hours, holidays, 调休) in the app');
  await sctx.close();

  // ---- practice mode: a sandbox with the ten situations, nothing synced, said on every screen
  const pctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: pp, apiCalls } = await openDesk(pctx, url + '?agent=a-zhangwei&password=edudesk&practice=1');
  const sandbox = await until(async () => { const c = await query(pp, { type: 'counts' }); return c.ok && c.result.tickets === 10 && c; }, 'practice tickets', 15000).catch(() => null);
  check(!!sandbox, 'practice mode opens with the ten common situations');
  await widget(pp, 'practice_leave');
  check(true, 'practice mode says so on the screen');
  await click(pp, 'view_tasks');
  await widget(pp, 'practice_leave');
  check(true, 'and on every screen (the tasks view too)');
  const firstP = (await query(pp, { type: 'tickets.list', limit: 1 })).result.tickets[0];
  const pr = await command(pp, { type: 'ticket.reply', ticket_id: firstP.ticket_id, text: '练习回复' });
  check(pr.ok, 'a reply in practice is saved locally');
  await sleep(2500);
  check(apiCalls.length === 0, 'practice mode never talks to the server', apiCalls.join(' '));
  await pp.screenshot({ path: join(OUT, 'workday-practice.png') });
  const real = await query(page, { type: 'counts' });
  check(real.result.tickets >= 300, 'the real desk is untouched by practice', real.result.tickets);
} catch (e) {
  check(false, 'the workday run finished', String(e && e.stack || e));
} finally {
  await browser.close();
  server.kill('SIGTERM');
  console.log(`# screenshots in ${OUT}`);
}
finish();
