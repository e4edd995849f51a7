// Embedding in the course portal (issue 8): web/portal.html from the real `edudesk serve`
// mounts the desk twice with web/embed.js. In learner mode the learner asks for help from a
// course (the form prefilled by the portal), types Chinese through the IME, sends, sees the
// request and its status, and the portal hears edudesk.ticketCreated; the agent's reply
// reaches the learner, an internal note does not. In agent mode the portal's openTicket
// opens that ticket in the desk, and its createTicket opens the new-ticket form prefilled.
// A learner answers the survey in the portal (edudesk.surveyAnswered). Messages from a
// foreign origin (a sibling frame, a sandboxed frame) are ignored, and a foreign site
// cannot frame the desk at all (CSP frame-ancestors).
// Usage: node embed.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, finish, imeType, parseArgs, sleep, startServer, until } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-embed-'));
mkdirSync(OUT, { recursive: true });
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const zh = JSON.parse(readFileSync(join(ROOT, 'assets/i18n/zh-Hans.json'), 'utf8'));

const { proc: server, url } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

// ---- the desk inside a frame: widgets() of that frame, clicks at page coordinates
const fwidgets = (frame) => frame.evaluate(() => (window.edudesk && window.edudesk.widgets ? window.edudesk.widgets() : []));
async function fwidget(frame, id, timeout = 15000) {
  let last = null;
  return until(async () => {
    const w = (await fwidgets(frame)).find((x) => x.id === id && x.visible && x.w > 0);
    const same = w && last && w.x === last.x && w.y === last.y && w.w === last.w && w.h === last.h;
    last = w;
    return same && w;
  }, `widget ${id}`, timeout);
}
async function fclick(page, frame, id) {
  const w = await fwidget(frame, id);
  const box = await (await frame.frameElement()).boundingBox();
  await page.mouse.click(box.x + w.x + w.w / 2, box.y + w.y + w.h / 2);
  await sleep(150);
  return w;
}
// Scrolls the frame's view (as a person would, with the wheel over it) until the widget is
// wholly inside the frame, then clicks it.
async function fclickInView(page, frame, id) {
  const box = await (await frame.frameElement()).boundingBox();
  for (let i = 0; i < 15; i++) {
    const w = (await fwidgets(frame)).find((x) => x.id === id && x.visible);
    if (w && w.y >= 0 && w.y + w.h <= box.height - 24) break;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, w && w.y < 0 ? -200 : 200);
    await sleep(150);
  }
  return fclick(page, frame, id);
}
const frameOf = (page, mode) => until(() => page.frames().find((f) => f.url().includes('mode=' + mode)), `the ${mode} frame`, 20000);
const events = (page) => page.evaluate(() => window.portal.events);
const serverTickets = async (token) => (await (await fetch(url + 'api/v1/learner/tickets', { headers: { Authorization: 'Bearer ' + token } })).json());

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log('# page error:', e.message));
  await page.goto(url + 'portal.html');
  const learner = await frameOf(page, 'learner');
  const agent = await frameOf(page, 'agent');
  await until(async () => (await events(page)).filter((e) => e.type === 'edudesk.ready').length === 2, 'both desks ready', 60000);
  check(true, 'portal.html mounts the desk twice with embed.js; both post edudesk.ready');
  const sizes = await page.evaluate(() => [...document.querySelectorAll('iframe')].map((f) => {
    const r = f.getBoundingClientRect(), p = f.parentNode.getBoundingClientRect();
    return [Math.round(r.width - p.width), Math.round(r.height - p.height)];
  }));
  check(sizes.every(([dw, dh]) => dw === 0 && dh === 0), 'each desk fills its container', JSON.stringify(sizes));
  check((await learner.evaluate(() => typeof window.edudesk.query)) === 'undefined' &&
        (await learner.evaluate(() => typeof window.edudesk.command)) === 'undefined', 'the learner frame has no query or command into the desk');

  // ---- learner mode: ask for help from a course, in Chinese, through the IME
  await until(async () => /[\u4e00-\u9fff]/.test((await fwidgets(learner)).find((w) => w.id === 'portal_submit')?.label || ''),
              'the learner form in Chinese', 30000);
  await page.click('button.ask[data-course="k-python"]');
  await sleep(300);
  await fclick(page, learner, 'portal_text');
  await until(() => learner.evaluate(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'), 'the text box has focus');
  const cdp = await ctx.newCDPSession(page);
  const said = '老师您好，第三讲的回放一直打不开，请帮忙看看。';
  await imeType(page, cdp, 'laoshinihao', said);
  await sleep(200);
  await page.screenshot({ path: join(OUT, 'portal-learner-form.png') });
  await fclick(page, learner, 'portal_submit');
  const created = await until(async () => (await events(page)).find((e) => e.type === 'edudesk.ticketCreated' && e.from === 'learner'),
                              'edudesk.ticketCreated from the learner', 20000);
  check(/^t-/.test(created.id) && created.number > 10000, 'the portal receives edudesk.ticketCreated {id, number}', JSON.stringify(created));
  const token = await learner.evaluate(() => new URLSearchParams(location.search).get('learner_token'));
  const mine = await serverTickets(token);
  const onServer = mine.tickets.find((t) => t.ticket_id === created.id);
  check(onServer && onServer.subject === '关于「Python零基础入门」的问题' && onServer.course === 'Python零基础入门' &&
        onServer.messages[0].text === said, 'the server holds the request as typed, with the course the portal prefilled', JSON.stringify(onServer));
  const statusNew = zh['status.' + onServer.status];
  const header = await until(async () => (await fwidgets(learner)).find((w) => w.id === 'req_' + created.id && w.label.includes('#' + created.number) &&
                                                                         w.label.includes(statusNew)), 'the request in the list with its status');
  check(!!header, `the learner sees the request #${created.number} and its status "${statusNew}"`, header && header.label);

  // Offline: the request is kept in the browser (localStorage) and sent once the network is back.
  await ctx.setOffline(true);
  await page.click('button.ask[data-course="k-gaozhong-shuxue"]');
  await sleep(300);
  await fclick(page, learner, 'portal_text');
  const offlineText = '网络断了也能提交吗？';
  await imeType(page, cdp, 'wangluo', offlineText);
  await fclick(page, learner, 'portal_submit');
  await until(() => learner.evaluate(() => window.edudesk.portal().status === 'saved' && window.edudesk.portal().pendingCount === 1),
              'the request kept offline');
  const kept = await learner.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith('.pending'))
    .flatMap((k) => JSON.parse(localStorage.getItem(k))));
  check(kept.length === 1 && kept[0].text === offlineText && /^rq-/.test(kept[0].request_id),
        'offline, the learner\'s request is kept in localStorage with its request id', JSON.stringify(kept));
  await ctx.setOffline(false);
  await learner.evaluate(() => window.dispatchEvent(new Event('online')));
  const later = await until(async () => (await events(page)).find((e) => e.type === 'edudesk.ticketCreated' && e.from === 'learner' &&
                                                                       e.id !== created.id), 'the offline request sent', 30000);
  const afterOnline = (await serverTickets(token)).tickets.filter((t) => t.messages.some((m) => m.text === offlineText));
  check(afterOnline.length === 1 && afterOnline[0].ticket_id === later.id && later.request_id === kept[0].request_id,
        'back online, it is sent once and the portal hears edudesk.ticketCreated', JSON.stringify(later));

  // ---- agent mode: the portal's openTicket opens that ticket in the desk
  await page.click(`button.open-ticket[data-id="${created.id}"]`);
  await until(async () => (await agent.evaluate(() => location.hash)) === '#/ticket/' + created.number, 'the ticket opened in the agent desk', 30000);
  await fwidget(agent, 'send_reply', 15000);
  check(true, 'the portal\'s openTicket opens the learner\'s ticket in the embedded desk');
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'portal-agent-open.png') });

  // The agent answers (and writes an internal note); the learner sees the reply, never the note.
  const reply = '您好，请清除浏览器缓存后再试一次。';
  for (const c of [{ type: 'ticket.reply', ticket_id: created.id, text: reply },
                   { type: 'ticket.note', ticket_id: created.id, text: '内部备注：回放服务器本周迁移' },
                   { type: 'survey.send', ticket_id: created.id, survey_id: 'csat' }]) {
    const r = await agent.evaluate((c) => window.edudesk.command(c), c);
    if (!r.ok) throw new Error(JSON.stringify(r));
  }
  await agent.evaluate(() => window.edudesk.syncNow());
  await until(async () => (await agent.evaluate(() => window.edudesk.query({ type: 'sync' }))).pending === 0, 'the reply pushed', 20000);
  await learner.evaluate(() => window.Module.edudeskPortalRefresh());
  const seen = await until(async () => {
    const l = await learner.evaluate(() => window.edudesk.portal().list);
    const t = l && l.tickets.find((x) => x.ticket_id === created.id);
    return t && t.messages.some((m) => m.from === 'agent' && m.text === reply) && t;
  }, 'the reply in the learner\'s view');
  check(!JSON.stringify(seen).includes('内部备注'), 'the learner sees the agent\'s reply and not the internal note');
  await page.screenshot({ path: join(OUT, 'portal-learner-reply.png') });

  // ---- the survey, answered inside the portal
  const send = seen.surveys[0];
  // The portal's openTicket in learner mode shows that request (the newest one is open now).
  await page.evaluate((id) => window.portal.learner.openTicket(id), created.id);
  await fclickInView(page, learner, 'survey_' + send.send_id);
  await fclickInView(page, learner, 'overall_5');
  await fclickInView(page, learner, 'speed_5');
  await fclickInView(page, learner, 'solved_yes');
  await fclickInView(page, learner, 'learner_submit');
  const answered = await until(async () => (await events(page)).find((e) => e.type === 'edudesk.surveyAnswered' && e.from === 'learner'),
                               'edudesk.surveyAnswered', 20000);
  check(answered.ticket_id === created.id, 'the portal receives edudesk.surveyAnswered {ticket_id}', JSON.stringify(answered));
  await fclick(page, learner, 'portal_back');

  // ---- messages from origins not on the allow-list are dropped
  const other = (await agent.evaluate(() => window.edudesk.query({ type: 'tickets.list', limit: 5 }))).result.tickets
    .find((t) => t.ticket_id !== created.id);
  const ignoredBefore = await agent.evaluate(() => window.Module.edudeskEmbed.ignored);
  await page.route('http://evil.test/**', (route) => route.fulfill({ contentType: 'text/html', body:
    `<script>for (let i = 0; i < parent.frames.length; i++) {
       try { parent.frames[i].postMessage({ type: 'edudesk.openTicket', id: ${JSON.stringify(other.ticket_id)} }, '*'); } catch (e) {}
       try { parent.frames[i].postMessage({ type: 'edudesk.createTicket', subject: '钓鱼', name: '坏人' }, '*'); } catch (e) {} }
     document.title = 'sent';</script>` }));
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.src = 'http://evil.test/attack.html';
    f.style.cssText = 'width:10px;height:10px';
    document.body.appendChild(f);
    // and a sandboxed frame (origin "null") of the portal's own page
    const s = document.createElement('iframe');
    s.setAttribute('sandbox', 'allow-scripts');
    s.srcdoc = `<script>for (let i = 0; i < parent.frames.length; i++) parent.frames[i].postMessage({ type: 'edudesk.openTicket', id: ${JSON.stringify('x')} }, '*');</script>`;
    document.body.appendChild(s);
  });
  await until(async () => (await agent.evaluate(() => window.Module.edudeskEmbed.ignored)) >= ignoredBefore + 3, 'the foreign messages arrive', 15000);
  await sleep(500);
  const hashAfter = await agent.evaluate(() => location.hash);
  const formOpen = (await fwidgets(agent)).some((w) => w.id === 'save_ticket' && w.visible);
  check(hashAfter === '#/ticket/' + created.number && !formOpen,
        'messages from a foreign origin (another site\'s frame, a sandboxed frame) are ignored: nothing happens', `${hashAfter} form:${formOpen}`);

  // A foreign site cannot even frame the desk: CSP frame-ancestors allows the desk's own pages only.
  const evil = await ctx.newPage();
  await evil.route('http://evil.test/**', (route) => route.fulfill({ contentType: 'text/html', body:
    `<iframe id="d" src="${url}?embed=1&mode=agent&embed_origins=http://evil.test" style="width:800px;height:600px"></iframe>` }));
  await evil.goto('http://evil.test/host.html');
  await sleep(2500);
  const framedDesk = await Promise.all(evil.frames().filter((f) => f !== evil.mainFrame())
    .map((f) => f.evaluate(() => !!window.Module).catch(() => false)));
  check(framedDesk.length > 0 && framedDesk.every((x) => !x), 'a site not in --embed-origins cannot frame the desk', JSON.stringify(framedDesk));
  await evil.close();

  // ---- agent mode: createTicket opens the new-ticket form prefilled; saving tells the portal
  await page.click('#prefill-btn');
  await fwidget(agent, 'save_ticket', 15000);
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'portal-agent-prefill.png') });
  await fclick(page, agent, 'save_ticket');
  const byAgent = await until(async () => (await events(page)).find((e) => e.type === 'edudesk.ticketCreated' && e.from === 'agent'),
                              'edudesk.ticketCreated from the agent desk', 20000);
  const made = (await agent.evaluate((id) => window.edudesk.query({ type: 'ticket.get', ticket_id: id }), byAgent.id)).result;
  check(made && made.subject === '学员来电：高中数学冲刺班' && made.customer === '李小明' && made.channel === 'web_form',
        'the portal\'s createTicket opens the form prefilled (the learner found by phone); saving posts edudesk.ticketCreated',
        JSON.stringify(made && { subject: made.subject, customer: made.customer, channel: made.channel }));

  // ---- screenshots of both modes
  await (await page.$('#help')).screenshot({ path: join(OUT, 'portal-learner.png') });
  await (await page.$('#staff')).screenshot({ path: join(OUT, 'portal-agent.png') });
  await page.screenshot({ path: join(OUT, 'portal.png'), fullPage: true });
  await ctx.close();
} catch (e) {
  check(false, 'embedding flow', e.stack);
  for (const p of browser.contexts().flatMap((c) => c.pages())) await p.screenshot({ path: join(OUT, `embed-failed-${Math.random().toString(36).slice(2, 6)}.png`) }).catch(() => {});
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
finish();
