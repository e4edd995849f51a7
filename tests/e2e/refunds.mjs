// Refunds end-to-end (issue 4): an agent quotes a refund in the ticket's refund tab,
// edits the learner's explanation through the IME and sends it; two agents approve
// the same refund while offline; back online, the server pays it exactly once (one
// refund.paid in its log, one row in the payment provider's ledger) and both desks
// show it paid, the second approval marked; a junior cannot approve above their
// authority and asks for approval instead.
// Usage: node refunds.mjs --server PATH/TO/edudesk [--out DIR]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, imeType, labelOf, openDesk, parseArgs, query, sleep,
         startServer, until, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-refunds-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url, db } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const settled = async (page) => {
  await page.evaluate(() => window.edudesk.syncNow());
  return until(async () => { const s = await query(page, { type: 'sync' }); return s.pending === 0 && !s.busy && s; }, 'sync settled', 20000);
};
const refundOf = async (page, id) => (await query(page, { type: 'refund.get', refund_id: id })).result;
const openTicket = async (page, number) => {
  await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, number);
  await click(page, 'tab_refunds');
};
// A ticket of a customer whose order has no refund yet and whose refund `agent` may approve (or not).
async function ticketWithOrder(page, agent, wantApproval, skip = []) {
  const orders = (await query(page, { type: 'orders.list' })).result;
  const refunds = (await query(page, { type: 'refunds.list' })).result;
  const tickets = (await query(page, { type: 'tickets.list', limit: 1000 })).result.tickets;
  for (const t of tickets) {
    if (skip.includes(t.ticket_id) || refunds.some((r) => r.ticket_id === t.ticket_id)) continue;
    const o = orders.find((o) => o.customer_id === t.customer_id && o.course_id === t.course_id && !o.refunded_by &&
                                 !refunds.some((r) => r.order_id === o.order_id));
    if (!o) continue;
    const p = await query(page, { type: 'refund.preview', ticket_id: t.ticket_id, order_id: o.order_id, reason: 'personal', agent_id: agent });
    if (p.ok && p.result.refund_fen > 0 && p.result.needs_approval === wantApproval) return { t, o, preview: p.result };
  }
  throw new Error('no suitable ticket with an order');
}

try {
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: a } = await openDesk(ctxA, url + '?agent=a-wangmin&password=edudesk');
  const { page: b } = await openDesk(ctxB, url + '?agent=a-liuyang&password=edudesk');
  for (const p of [a, b]) await until(async () => (await query(p, { type: 'counts' })).result.tickets >= 300, 'demo desk', 30000);

  // ---- quote in the refund tab, explanation edited through the IME, sent to the learner
  const { t, o, preview } = await ticketWithOrder(a, 'a-wangmin', false);
  await openTicket(a, t.number);
  await widget(a, 'refund_create');
  await labelOf(a, 'refund_create', /生成退款报价/);
  check(true, `the refund tab of ticket ${t.number} offers a quote of ${preview.refund_fen} fen by rule ${preview.rule}`);
  await click(a, 'refund_edit');
  const box = await widget(a, 'refund_explanation');
  await a.mouse.click(box.x + box.w - 20, box.y + box.h - 12);
  // Typing goes to the IME field once ImGui wants text input (the next frames).
  await until(() => a.evaluate(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'), 'the editor has focus');
  await sleep(150);
  await a.keyboard.press('Control+End');
  await sleep(150);
  const cdp = await ctxA.newCDPSession(a);
  await imeType(a, cdp, 'ruyouyiwen', '如有疑问请联系班主任');
  await sleep(300);
  await a.screenshot({ path: join(OUT, 'refund-quote.png') });
  await click(a, 'refund_create');
  const quoted = await until(async () => (await query(a, { type: 'refunds.list', ticket_id: t.ticket_id })).result[0], 'the quote');
  check(quoted.status === 'quoted' && quoted.refund_fen === preview.refund_fen && quoted.rule === preview.rule,
        'the quote is the policy\'s amount and rule', JSON.stringify(quoted).slice(0, 200));
  check(quoted.explanation.endsWith('如有疑问请联系班主任') && quoted.explanation.startsWith(preview.explanation.slice(0, 10)),
        'the explanation carries the text typed through the IME', quoted.explanation);
  const detail = (await query(a, { type: 'ticket.get', ticket_id: t.ticket_id })).result;
  check(detail.timeline.some((e) => e.kind === 'reply' && e.text === quoted.explanation), 'the explanation went to the learner as a reply');

  // ---- both agents approve the same refund offline
  await settled(a);
  await until(async () => { await b.evaluate(() => window.edudesk.syncNow()); return (await refundOf(b, quoted.refund_id))?.status === 'quoted'; }, 'B sees the quote', 20000);
  await openTicket(b, t.number);
  await ctxA.setOffline(true);
  await ctxB.setOffline(true);
  await click(a, 'refund_approve');
  await click(b, 'refund_approve');
  const ra = await until(async () => { const r = await refundOf(a, quoted.refund_id); return r.status === 'approved' && r; }, 'A approved');
  const rb = await until(async () => { const r = await refundOf(b, quoted.refund_id); return r.status === 'approved' && r; }, 'B approved');
  check(ra.payment_ref === '' && rb.payment_ref === '', 'offline, both desks show it approved, not yet paid');
  await sleep(300);
  await a.screenshot({ path: join(OUT, 'refund-approved-offline.png') });

  // ---- back online: one payment
  await ctxA.setOffline(false);
  await ctxB.setOffline(false);
  await sleep(200);
  const paid = async (page) => until(async () => {
    await page.evaluate(() => window.edudesk.syncNow());
    await sleep(300);
    const r = await refundOf(page, quoted.refund_id);
    return r.status === 'paid' && r;
  }, 'paid', 30000);
  const pa = await paid(a), pb = await paid(b);
  check(pa.payment_ref !== '' && pa.payment_ref === pb.payment_ref, 'both desks show it paid with one payment reference', pa.payment_ref);
  const approvals = pa.events.filter((e) => e.step === 'approved');
  check(approvals.length === 2 && approvals.filter((e) => e.conflict === 'duplicate').length === 1,
        'both approvals are kept, the second marked as a duplicate', JSON.stringify(approvals));
  check(approvals.find((e) => e.conflict === 'none').by === pa.approved_by, 'the desk names the approval the money went out on');
  await sleep(300);
  await b.screenshot({ path: join(OUT, 'refund-paid-once.png') });

  // The server's log and the provider's ledger: exactly one payment.
  const login = await (await fetch(url + 'api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ agent_id: 'a-zhaolei', password: 'edudesk' }) })).json();
  let after = 0, paidOps = 0;
  for (;;) {
    const page = await (await fetch(url + `api/v1/pull?after=${after}&limit=1000`, { headers: { Authorization: 'Bearer ' + login.token } })).json();
    paidOps += page.ops.filter(({ op }) => op.type === 'refund.paid' && op.data.refund_id === quoted.refund_id).length;
    after = page.cursor;
    if (!page.more) break;
  }
  check(paidOps === 1, 'the server\'s log holds one refund.paid for it', String(paidOps));
  const rows = execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*), coalesce(sum(amount_fen),0) from refunds where refund_id=?", (sys.argv[2],)).fetchone())',
    db + '.payments.sqlite', quoted.refund_id]).toString().trim();
  check(rows === `(1, ${quoted.refund_fen})`, 'the payment provider moved the money once, for the quoted amount', rows);
  await ctxA.close();
  await ctxB.close();

  // ---- a junior above their authority asks for approval instead
  const ctxJ = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: j } = await openDesk(ctxJ, url + '?agent=a-lijing&password=edudesk');
  await until(async () => (await query(j, { type: 'counts' })).result.tickets >= 300, 'demo desk (junior)', 30000);
  const { t: tj, preview: pj } = await ticketWithOrder(j, 'a-lijing', true, [t.ticket_id]);
  await openTicket(j, tj.number);
  await click(j, 'refund_create');
  const qj = await until(async () => (await query(j, { type: 'refunds.list', ticket_id: tj.ticket_id })).result[0], 'the junior\'s quote');
  check(qj.refund_fen === pj.refund_fen, 'the junior quoted the policy\'s amount');
  await sleep(300);
  check(!(await widgets(j)).some((w) => w.id === 'refund_approve'), 'a junior is not offered to approve a personal-reason refund');
  const denied = await command(j, { type: 'refund.approve', refund_id: qj.refund_id });
  check(!denied.ok && denied.error.code === 'above_authority', 'approving through the page API is refused with above_authority', JSON.stringify(denied));
  const reqLabel = await labelOf(j, 'refund_request', /中级客服|高级客服/);
  check(true, `the junior is offered to ask for approval: "${reqLabel}"`);
  await click(j, 'refund_request');
  const waiting = await until(async () => { const r = await refundOf(j, qj.refund_id); return r.status === 'awaiting_approval' && r; }, 'awaiting approval');
  check(waiting.approver_role === pj.approver_role, `the request goes to ${waiting.approver_role}, the one level that may decide`);
  const coupon = await command(j, { type: 'goodwill.offer', ticket_id: tj.ticket_id, kind: 'coupon', amount_fen: 5001, expires_at: Date.now() + 86400000 * 30 });
  check(!coupon.ok && coupon.error.code === 'above_authority', 'a coupon above the junior\'s ¥50 limit is refused', JSON.stringify(coupon));
  await sleep(300);
  await j.screenshot({ path: join(OUT, 'refund-junior-request.png') });
  await click(j, 'view_refunds');
  await sleep(500);
  await j.screenshot({ path: join(OUT, 'refunds-queue.png') });
  await ctxJ.close();
} catch (e) {
  check(false, 'refund flow', e.stack);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
finish();
