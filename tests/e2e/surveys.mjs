// Surveys end-to-end (issue 5): an agent fills in the call-back script on a ticket
// (real clicks, skip logic live, Chinese through the IME), offline, and it reaches the
// server; the analytics view shows the statistics; a supervisor changes the CSAT in
// the designer and publishes version 2 while older answers keep version 1.
// Usage: node surveys.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, imeType, openDesk, parseArgs, query, sleep, startServer,
         until, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-surveys-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const settled = async (page) => {
  await page.evaluate(() => window.edudesk.syncNow());
  return until(async () => { const s = await query(page, { type: 'sync' }); return s.pending === 0 && !s.busy && s; }, 'sync settled', 20000);
};
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page } = await openDesk(ctx, url + '?agent=a-wangmin&password=edudesk');
  await until(async () => (await query(page, { type: 'counts' })).result.tickets >= 300, 'demo desk', 30000);
  const cdp = await ctx.newCDPSession(page);

  // ---- the call-back script on a resolved ticket without one, filled in offline
  const tickets = (await query(page, { type: 'tickets.list', status: 'resolved', limit: 200 })).result.tickets;
  const done = (await query(page, { type: 'survey.responses', survey_id: 'callback' })).result.map((r) => r.ticket_id);
  const t = tickets.find((x) => !done.includes(x.ticket_id));
  await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, t.number);
  await click(page, 'tab_surveys');
  await click(page, 'callback_form');
  await ctx.setOffline(true);
  await click(page, 'reached_yes');
  // Skip logic: the follow-up questions appear once the customer is reached.
  await widget(page, 'satisfaction_5');
  check(true, 'answering "已接通" shows the follow-up questions');
  await click(page, 'survey_save');
  await sleep(300);
  const missing = (await widgets(page)).length && (await query(page, { type: 'survey.responses', ticket_id: t.ticket_id })).result
    .filter((r) => r.survey_id === 'callback').length;
  check(missing === 0, 'saving without the required answers stores nothing');
  await click(page, 'solved_yes');
  await click(page, 'satisfaction_5');
  await click(page, 'follow_up_no');
  const box = await widget(page, 'suggestion');
  await page.mouse.click(box.x + 20, box.y + 10);
  await until(() => page.evaluate(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'), 'the text box has focus');
  await imeType(page, cdp, 'xiwangduokai', '希望多开晚上的直播课');
  await sleep(200);
  await page.screenshot({ path: join(OUT, 'callback-form.png') });
  // The form has grown below the panel: scroll it like a person would, then save.
  await page.mouse.move(box.x + 20, box.y - 40);
  await page.mouse.wheel(0, 600);
  await sleep(300);
  await click(page, 'survey_save');
  const saved = await until(async () => (await query(page, { type: 'survey.responses', ticket_id: t.ticket_id })).result
    .find((r) => r.survey_id === 'callback'), 'the call-back response');
  check(saved.mode === 'phone' && saved.answers.reached === 'yes' && saved.answers.satisfaction === 5 &&
        saved.answers.suggestion === '希望多开晚上的直播课', 'the call-back answers are stored as typed', JSON.stringify(saved.answers));
  await ctx.setOffline(false);
  await settled(page);
  const login = await (await fetch(url + 'api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ agent_id: 'a-zhaolei', password: 'edudesk' }) })).json();
  let after = 0, found = 0;
  for (;;) {
    const p = await (await fetch(url + `api/v1/pull?after=${after}&limit=1000`, { headers: { Authorization: 'Bearer ' + login.token } })).json();
    found += p.ops.filter(({ op }) => op.type === 'survey.responded' && op.data.response_id === saved.response_id).length;
    after = p.cursor;
    if (!p.more) break;
  }
  check(found === 1, 'the response made offline reached the server once', String(found));

  // ---- the analytics view
  await click(page, 'view_surveys');
  await sleep(500);
  const stats = (await query(page, { type: 'survey.stats', survey_id: 'csat' })).result;
  check(stats.n > 50 && stats.questions.overall.mean > 1 && stats.questions.overall.mean < 5, `CSAT: n = ${stats.n}, mean ${stats.questions.overall.mean.toFixed(2)}`);
  await page.screenshot({ path: join(OUT, 'survey-stats.png') });
  await click(page, 'survey_tab_corr');
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'survey-correlation.png') });
  await ctx.close();

  // ---- the supervisor's designer: a new question, published as version 2
  const ctxS = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: sup } = await openDesk(ctxS, url + '?agent=a-zhaolei&password=edudesk');
  await until(async () => (await query(sup, { type: 'counts' })).result.tickets >= 300, 'demo desk (supervisor)', 30000);
  const before = (await query(sup, { type: 'survey.get', survey_id: 'csat' })).result;
  await click(sup, 'view_surveys');
  await click(sup, 'survey_tab_design');
  await click(sup, 'add_question');
  const cdpS = await ctxS.newCDPSession(sup);
  await until(() => sup.evaluate(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'), 'the question text has focus');
  await imeType(sup, cdpS, 'laoshi', '您对授课老师满意吗');
  await sleep(200);
  await sup.screenshot({ path: join(OUT, 'survey-designer.png') });
  await click(sup, 'survey_publish');
  const after2 = await until(async () => { const s = (await query(sup, { type: 'survey.get', survey_id: 'csat' })).result; return s.version === 2 && s; }, 'version 2');
  const added = after2.sections[0].questions.find((q) => !before.sections[0].questions.some((b) => b.id === q.id));
  check(added && added.text === '您对授课老师满意吗', 'the designer published version 2 with the new question', JSON.stringify(added));
  const old = (await query(sup, { type: 'survey.responses', survey_id: 'csat' })).result;
  check(old.length > 0 && old.every((r) => r.version === 1), 'earlier answers keep version 1');
  const denied = await command(sup, { type: 'survey.respond', survey_id: 'csat', answers: { overall: 9 } });
  check(!denied.ok && denied.error.field === 'overall', 'an out-of-range answer is refused naming the question', JSON.stringify(denied.error));
  await ctxS.close();
} catch (e) {
  check(false, 'survey flow', e.stack);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
finish();
