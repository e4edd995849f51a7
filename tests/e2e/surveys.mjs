// Surveys end-to-end (issue 5): an agent fills in the call-back script on a ticket
// (real clicks, skip logic live, Chinese through the IME), offline, and it reaches the
// server; the analytics view shows the statistics; a supervisor changes the CSAT in
// the designer and publishes version 2 while older answers keep version 1; a learner
// answers from the survey link offline on a phone, and it reaches the server once.
// Usage: node surveys.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, clickUntil, command, finish, imeType, openDesk, parseArgs, query, sleep, startServer,
         until, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-surveys-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
// Clicks a widget of the ticket panel, scrolling the panel (as a person would) until the
// widget is wholly on screen: the call-back form grows below the fold as it is answered.
const revealInPanel = async (page, id) => {
  for (let i = 0; i < 15; i++) {
    const w = (await widgets(page)).find((x) => x.id === id && x.visible);
    const vh = page.viewportSize().height;
    if (w && w.y >= 0 && w.y + w.h <= vh - 30) return w;  // clear of the panel's bottom edge and padding
    await page.mouse.move(1000, vh / 2);
    await page.mouse.wheel(0, w && w.y < 0 ? -250 : 250);
    await sleep(150);
  }
  return widget(page, id);
};
const clickInPanel = async (page, id) => { await revealInPanel(page, id); return click(page, id); };
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
  await clickInPanel(page, 'reached_yes');
  // Skip logic: the follow-up questions appear once the customer is reached.
  await revealInPanel(page, 'satisfaction_5');
  check(true, 'answering "已接通" shows the follow-up questions');
  await clickInPanel(page, 'survey_save');
  await sleep(300);
  const missing = (await widgets(page)).length && (await query(page, { type: 'survey.responses', ticket_id: t.ticket_id })).result
    .filter((r) => r.survey_id === 'callback').length;
  check(missing === 0, 'saving without the required answers stores nothing');
  await clickInPanel(page, 'solved_yes');
  await clickInPanel(page, 'satisfaction_5');
  await clickInPanel(page, 'follow_up_no');
  await clickInPanel(page, 'suggestion');
  await until(() => page.evaluate(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'), 'the text box has focus');
  await imeType(page, cdp, 'xiwangduokai', '希望多开晚上的直播课');
  await sleep(200);
  await page.screenshot({ path: join(OUT, 'callback-form.png') });
  await clickInPanel(page, 'survey_save');
  const saved = await until(async () => (await query(page, { type: 'survey.responses', ticket_id: t.ticket_id })).result
    .find((r) => r.survey_id === 'callback'), 'the call-back response');
  check(saved.mode === 'phone' && saved.answers.reached === 'yes' && saved.answers.satisfaction === 5 &&
        saved.answers.suggestion === '希望多开晚上的直播课', 'the call-back answers are stored as typed', JSON.stringify(saved.answers));
  await ctx.setOffline(false);
  await settled(page);
  // The learner's link of this ticket's CSAT, copied from the tab for WeChat or SMS.
  await clickInPanel(page, 'link_csat');
  const copied = await until(() => page.evaluate(() => window.Module && Module.edudeskLastSurveyLink), 'the survey link');
  check(/\?learner=[^&]+&key=[0-9a-f]{32}$/.test(copied), 'the agent copies the learner\'s survey link from the ticket', copied);
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
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await click(page, 'survey_tab_cross');
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'survey-cross.png') });
  await click(page, 'survey_tab_corr');
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'survey-correlation.png') });
  check(pageErrors.length === 0, 'the cross analysis and correlation tabs draw without an error', pageErrors.join(' | '));
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
  // Quality review: draw a sample of closed tickets, score one with the checklist.
  await click(sup, 'survey_pick');
  await click(sup, 'survey_qa');
  await click(sup, 'qa_sample');
  const sample = await until(async () => (await widgets(sup)).find((w) => w.id.startsWith('sample_') && w.visible), 'a QA sample');
  const reviewed = sample.id.slice('sample_'.length);
  await click(sup, sample.id);
  // The ticket opens in the next frames: its surveys tab is clicked until the QA form is there.
  await clickUntil(sup, ['tab_surveys'], async () => (await widgets(sup)).some((w) => w.id === 'qa_form'));
  await clickInPanel(sup, 'qa_form');
  for (const id of ['greeting_5', 'empathy_4', 'correct_5', 'promise_kept']) await clickInPanel(sup, id);
  await clickInPanel(sup, 'qa_save');
  const qa = await until(async () => (await query(sup, { type: 'survey.responses', survey_id: 'qa', ticket_id: reviewed })).result[0], 'the QA review');
  check(qa.answers.greeting === 5 && qa.answers.empathy === 4 && qa.answers.promise === 'kept', 'a supervisor scores a sampled ticket with the QA checklist', JSON.stringify(qa.answers));
  const denied = await command(sup, { type: 'survey.respond', survey_id: 'csat', answers: { overall: 9 } });
  check(!denied.ok && denied.error.field === 'overall', 'an out-of-range answer is refused naming the question', JSON.stringify(denied.error));
  await ctxS.close();

  // ---- a learner answers the CSAT from the link, offline, once
  const login2 = await (await fetch(url + 'api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ agent_id: 'a-wangmin', password: 'edudesk' }) })).json();
  // A send without an answer yet: from the server's log, as an agent would see it.
  let after3 = 0;
  const sends = [], answered = new Set();
  for (;;) {
    const p = await (await fetch(url + `api/v1/pull?after=${after3}&limit=1000`, { headers: { Authorization: 'Bearer ' + login2.token } })).json();
    for (const { op } of p.ops) {
      if (op.type === 'survey.sent' && op.data.survey_id === 'csat') sends.push(op);
      if (op.type === 'survey.responded' && op.data.ticket_id) answered.add(op.data.ticket_id);
    }
    after3 = p.cursor;
    if (!p.more) break;
  }
  const send = sends.find((x) => !answered.has(x.data.ticket_id));
  const link = await (await fetch(url + 'api/v1/survey-link', { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + login2.token },
    body: JSON.stringify({ send_id: send.id }) })).json();
  check(link.path && link.path.includes(send.id), 'an agent gets the survey link of a send', JSON.stringify(link));
  const forged = await fetch(url + 'api/v1/learner/open', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ send_id: send.id, key: '0'.repeat(32) }) });
  check(forged.status === 403, 'a link with a wrong key is refused', String(forged.status));

  const ctxL = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const learner = await ctxL.newPage();
  const learnerApi = [];
  learner.on('request', (r) => { if (r.url().includes('/api/')) learnerApi.push(new URL(r.url()).pathname); });
  await learner.goto(url + link.path.slice(1));
  await learner.waitForFunction(() => window.edudesk && window.edudesk.learner && window.edudesk.learner().status === 'opened', null, { timeout: 30000 });
  await widget(learner, 'overall_5', 30000);
  check(true, 'the link opens the survey alone, in the learner\'s phone layout');
  check(!learnerApi.some((p) => p.includes('/pull') || p.includes('/login') || p.includes('/push')),
        'the learner page never pulls the desk, logs in or pushes', learnerApi.join(' '));
  check((await learner.evaluate(() => typeof window.edudesk.query)) === 'undefined', 'the learner page has no query into desk data');
  // The app is kept by the service worker once it controls the page (first visit: after install).
  await learner.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 30000 });
  await ctxL.setOffline(true);
  await click(learner, 'learner_submit');
  await sleep(300);
  const gap = await widgets(learner);
  check((await learner.evaluate(() => window.edudesk.learner().status)) === 'opened', 'submitting with a required question unanswered keeps nothing');
  await click(learner, 'overall_2');
  await click(learner, 'speed_3');
  await click(learner, 'solved_partly');
  await widget(learner, 'why_low_slow');  // skip logic: shown for the dissatisfied
  await click(learner, 'why_low_slow');
  // Phone tap targets are 40 px high (issue 8): the send button may now sit below the fold.
  // Scrolled to the end of the form, so the whole button is on screen.
  for (let i = 0; i < 6; i++) {
    await learner.mouse.move(195, 420);
    await learner.mouse.wheel(0, 400);
    await sleep(120);
  }
  await click(learner, 'learner_submit');
  await learner.waitForFunction(() => window.edudesk.learner().status === 'saved', null, { timeout: 10000 });
  await sleep(200);
  await learner.screenshot({ path: join(OUT, 'learner-saved-offline.png') });
  check(true, 'offline, the answers are kept on the phone ("已保存在本机")');
  await learner.reload().catch(() => {});  // a reload while offline: the service worker serves the app
  await learner.waitForFunction(() => window.edudesk && window.edudesk.learner && window.edudesk.learner().status === 'saved', null, { timeout: 30000 })
    .then(() => check(true, 'after a reload offline the survey and the unsent answers are still there'),
          () => check(false, 'after a reload offline the survey and the unsent answers are still there'));
  await ctxL.setOffline(false);
  await learner.evaluate(() => window.dispatchEvent(new Event('online')));
  await learner.waitForFunction(() => window.edudesk.learner().status === 'sent', null, { timeout: 20000 });
  await sleep(200);
  await learner.screenshot({ path: join(OUT, 'learner-sent.png') });
  // On the server: one response for the ticket, by the customer, from the portal.
  let after4 = 0, mine = [];
  for (;;) {
    const p = await (await fetch(url + `api/v1/pull?after=${after4}&limit=1000`, { headers: { Authorization: 'Bearer ' + login2.token } })).json();
    mine = mine.concat(p.ops.filter(({ op }) => op.type === 'survey.responded' && op.data.ticket_id === send.data.ticket_id).map(({ op }) => op));
    after4 = p.cursor;
    if (!p.more) break;
  }
  check(mine.length === 1 && mine[0].data.mode === 'portal' && mine[0].data.answers.overall === 2 &&
        JSON.stringify(mine[0].data.answers.why_low) === '["slow"]', 'the server holds the learner\'s answer once', JSON.stringify(mine));
  // A resend of the same answers (a lost reply, a second tab) counts once.
  const cached = await learner.evaluate((sid) => JSON.parse(localStorage.getItem('edudesk.learner.' + sid)), send.id);
  const again = await (await fetch(url + 'api/v1/learner/answer', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ send_id: send.id, key: link.key, response_id: cached.response_id, version_op: cached.version_op,
                           answers: mine[0].data.answers }) })).json();
  check(again.duplicate === true, 'resending the same answers is recognised as a duplicate', JSON.stringify(again));
  const bad = await fetch(url + 'api/v1/learner/answer', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ send_id: send.id, key: link.key, response_id: cached.response_id, version_op: cached.version_op,
                           answers: { overall: 7 } }) });
  const badBody = await bad.json();
  check(bad.status === 422 && badBody.error.field === 'overall', 'an out-of-range answer is refused naming the question', JSON.stringify(badBody));
  await ctxL.close();
} catch (e) {
  check(false, 'survey flow', e.stack);
  for (const p of browser.contexts().flatMap((c) => c.pages())) await p.screenshot({ path: join(OUT, `survey-failed-${Math.random().toString(36).slice(2, 6)}.png`) }).catch(() => {});
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
finish();
