// The supervisor's dashboard end-to-end (issue 6), real clicks in Debian's Chromium against
// the real server's demo desk: #/dashboard opens it; the ticket count and the backlog on the
// cards equal what the ticket list says; the planted burst of "video will not play" tickets
// shows as a hot spot whose tickets are listed and grouped as an incident in one click; a bar
// of the volume chart opens the tickets of that day and one of them opens the ticket (the
// back button returns); a filter changes the numbers; a learner at risk gets a win-back task;
// a table downloads as CSV with a BOM and the report as a printable page; a phone shows it in
// one column. Screenshots of each view go to --out.
// Usage: node dashboard.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, finish, openDesk, parseArgs, query, sleep, startServer, until, widget,
         widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-dashboard-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const label = async (page, id) => { const w = (await widgets(page)).find((x) => x.id === id); return w ? w.label : null; };
const kpiNumber = async (page, id) => {
  const l = await until(async () => label(page, id), `card ${id}`);
  const m = /(\d+)\s*$/.exec(l);
  return m ? Number(m[1]) : NaN;
};
// Scrolls the dashboard until the widget is wholly on screen.
const reveal = async (page, id) => {
  for (let i = 0; i < 40; i++) {
    const w = (await widgets(page)).find((v) => v.id === id && v.visible);
    const vh = page.viewportSize().height;
    if (w && w.y >= 0 && w.y + w.h <= vh - 10) return w;
    await page.mouse.move(page.viewportSize().width / 2, vh / 2);
    await page.mouse.wheel(0, w && w.y < 0 ? -200 : 200);
    await sleep(120);
  }
  return widget(page, id);
};
const toTop = async (page) => {
  await page.mouse.move(page.viewportSize().width / 2, page.viewportSize().height / 2);
  for (let i = 0; i < 8; i++) { await page.mouse.wheel(0, -1500); await sleep(60); }
  await sleep(200);
};
const download = async (page, id) => {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), click(page, id)]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
};
// The analytics day (UTC+8) of a time in ms.
const dayOf = (ms) => Math.floor((ms + 8 * 3600 * 1000) / 86400000);

try {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const { page } = await openDesk(ctx, url + '?agent=a-zhaolei&password=edudesk');
  // the whole demo pulled: the count stops growing (the newest tickets arrive last)
  let last = -1, stable = 0;
  await until(async () => {
    const l = await query(page, { type: 'tickets.list', limit: 1 });
    const n = l.ok ? l.result.total : -1;
    await sleep(300);
    stable = n === last && n >= 300 ? stable + 1 : 0;
    last = n;
    return stable >= 4;
  }, 'the demo desk, fully pulled', 60000);
  const all = (await query(page, { type: 'tickets.list', limit: 5000 })).result;
  const rows = all.tickets || all.rows || all.items;
  const now = Date.now();
  const today = dayOf(now);

  // ---- open it from the view switch; the address bar says #/dashboard
  await click(page, 'view_dashboard');
  await widget(page, 'dash_volume');
  check(await page.evaluate(() => location.hash) === '#/dashboard', 'the dashboard has its own address', await page.evaluate(() => location.hash));
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'dashboard-overview.png') });

  // ---- the cards say what the ticket list says (last 30 days, UTC+8 days; merged duplicates left out)
  const merged = new Set();
  for (const t of rows) {
    if (t.status !== 'closed') continue;
    const full = (await query(page, { type: 'ticket.get', ticket_id: t.ticket_id })).result;
    if (full && full.merged_into) merged.add(t.ticket_id);
  }
  const inRange = rows.filter((t) => dayOf(t.created_at) >= today - 29 && !merged.has(t.ticket_id));
  const shownTickets = await kpiNumber(page, 'dash_kpi_tickets');
  check(shownTickets === inRange.length, 'the ticket count on the card equals the tickets created in the last 30 days',
        `${shownTickets} vs ${inRange.length}`);
  const open = rows.filter((t) => ['new', 'open', 'pending'].includes(t.status) && !merged.has(t.ticket_id));
  const shownBacklog = await kpiNumber(page, 'dash_kpi_backlog');
  check(shownBacklog === open.length, 'the backlog card equals the open tickets', `${shownBacklog} vs ${open.length}`);
  const frt = await label(page, 'dash_kpi_frt_sla');
  check(/\d+\.\d%/.test(frt), 'first-response SLA compliance is shown as a percentage', frt);
  const complaints = await label(page, 'dash_kpi_complaint_closure');
  check(/投诉闭环率 \d+\.\d%/.test(complaints), 'the complaint closure rate is on the dashboard (target 98%)', complaints);

  // ---- a bar of the volume chart: the tickets of that day; one opens; back returns
  const chart = await reveal(page, 'dash_volume');
  const todays = inRange.filter((t) => dayOf(t.created_at) === today).length;
  await page.mouse.click(chart.x + chart.w - 12, chart.y + chart.h - 24);  // the newest day's bar, near its foot
  const picked = await until(async () => { const l = await label(page, 'dash_close_pick'); return l !== null; }, 'the tickets behind the bar');
  const pickedRows = (await widgets(page)).filter((w) => /^dash_picked_table_row_\d+$/.test(w.id)).length;
  check(picked && todays > 0 && pickedRows > 0 && pickedRows <= todays,
        "clicking the newest day's bar lists that day's tickets", `${pickedRows} listed, ${todays} that day`);
  await page.screenshot({ path: join(OUT, 'dashboard-picked.png') });
  await reveal(page, 'dash_picked_table_row_0');
  await click(page, 'dash_picked_table_row_0');
  await widget(page, 'tab_conversation');
  check(/^#\/ticket\/\d+$/.test(await page.evaluate(() => location.hash)), 'a listed ticket opens the ticket', await page.evaluate(() => location.hash));
  await page.goBack();
  await until(async () => (await page.evaluate(() => location.hash)) === '#/dashboard', 'back');
  await toTop(page);
  await widget(page, 'dash_volume');
  check(await page.evaluate(() => location.hash) === '#/dashboard', 'the back button returns to the dashboard');

  // ---- hot spots: the planted burst, its tickets, grouped as an incident
  await toTop(page);
  const hotTab = await until(async () => label(page, 'dash_tab_hot'), 'hot spot tab');
  check(/\([1-9]\d*\)/.test(hotTab), 'hot spots are raised (the newest first)', hotTab);
  await click(page, 'dash_tab_hot');
  const pyShow = await until(async () => (await widgets(page)).find((w) => /^hot_show_\d+_k-python$/.test(w.id)), 'the Python hot spot');
  await page.screenshot({ path: join(OUT, 'dashboard-hot.png') });
  await click(page, pyShow.id);
  // the burst: four tickets of the Python course in the last hours (others of that course and
  // kind on the same day belong to the hot spot too)
  const burst = (await query(page, { type: 'tickets.list', search: 'Python视频黑屏播放不了', limit: 50 })).result.tickets.map((t) => t.ticket_id);
  const hotNumbers = await until(async () => {
    const w = (await widgets(page)).filter((x) => /^dash_picked_table_row_\d+$/.test(x.id)).map((x) => x.label);
    return w.length >= 4 && w;
  }, 'the hot spot tickets');
  const burstNumbers = rows.filter((t) => burst.includes(t.ticket_id)).map((t) => '#' + t.number);
  check(burst.length === 4 && burstNumbers.every((n) => hotNumbers.includes(n)),
        "the hot spot lists the burst's four tickets", `${hotNumbers.join(' ')} ⊇ ${burstNumbers.join(' ')}`);
  const before = (await query(page, { type: 'incidents.list' })).result.incidents.length;
  await click(page, pyShow.id.replace('hot_show_', 'hot_group_'));
  const incidents = await until(async () => { const r = (await query(page, { type: 'incidents.list' })).result; return r.incidents.length > before && r; }, 'incident from the hot spot');
  const inc = incidents.incidents[incidents.incidents.length - 1];
  check(burst.every((id) => inc.tickets.includes(id)) && inc.tickets.length <= hotNumbers.length &&
        inc.type === 'technical' && inc.course_id === 'k-python',
        'one click groups the hot spot as a technical incident of that course', JSON.stringify(inc));
  await click(page, 'view_dashboard');
  await toTop(page);
  await widget(page, 'dash_kpi_tickets');

  // ---- a filter: phone tickets only
  await toTop(page);
  await click(page, 'dash_channel');
  const phone = await until(async () => (await widgets(page)).find((w) => w.label === '电话'), 'the channel list');
  await page.mouse.click(phone.x + phone.w / 2, phone.y + phone.h / 2);
  const phoneCount = inRange.filter((t) => t.channel === 'phone').length;
  const shownPhone = await until(async () => { const n = await kpiNumber(page, 'dash_kpi_tickets'); return n !== shownTickets && n; }, 'the filtered count', 10000).catch(() => NaN);
  check(shownPhone === phoneCount, 'filtering on the phone channel shows its tickets only', `${shownPhone} vs ${phoneCount}`);
  await page.screenshot({ path: join(OUT, 'dashboard-filtered.png') });
  const combo = await widget(page, 'dash_channel');
  await click(page, 'dash_channel');
  const any = await until(async () => (await widgets(page)).find((w) => w.label === '全部' && w.y > combo.y + combo.h - 2 &&
                                                                       Math.abs(w.x - combo.x) < 40), 'all channels');
  await page.mouse.click(any.x + any.w / 2, any.y + any.h / 2);
  await until(async () => (await kpiNumber(page, 'dash_kpi_tickets')) === shownTickets, 'filter cleared');

  // ---- refund concentration and agents: tables with CSV
  await toTop(page);
  await click(page, 'dash_tab_refunds');
  await widget(page, 'dash_refunds_table_row_0');
  await page.screenshot({ path: join(OUT, 'dashboard-refunds.png') });
  const csv = await download(page, 'csv_dash_refunds_table');
  const text = csv.bytes.toString('utf8');
  check(csv.bytes[0] === 0xEF && csv.bytes[1] === 0xBB && csv.bytes[2] === 0xBF && text.includes('课程') && text.includes('退款率'),
        'the refund table downloads as CSV, UTF-8 with a BOM, Chinese headers', csv.name);
  await click(page, 'dash_tab_agents');
  await reveal(page, 'dash_agents_table_row_0');
  await page.screenshot({ path: join(OUT, 'dashboard-agents.png') });

  // ---- churn warning: a win-back task for a learner at risk
  await toTop(page);
  await click(page, 'dash_tab_customers');
  await widget(page, 'csv_dash_segments_table');
  await reveal(page, 'dash_churn_table_row_0');
  await page.screenshot({ path: join(OUT, 'dashboard-customers.png') });
  await click(page, 'dash_churn_table_row_0');
  await reveal(page, 'dash_winback');
  await click(page, 'dash_winback');
  const task = await until(async () => {
    const t = (await query(page, { type: 'tasks.list', agent_id: 'a-zhaolei' })).result;
    return t.find((k) => k.kind === 'winback');
  }, 'the win-back task');
  check(task && task.customer_id && /挽回/.test(task.title), 'a win-back task is created for the learner, with the reasons', task && task.title);

  // ---- the printable report
  await toTop(page);
  const report = await download(page, 'dash_report');
  const html = report.bytes.toString('utf8');
  check(/\.html$/.test(report.name) && html.includes('售后服务数据报告') && html.includes('@media print') && html.includes('流失预警学员'),
        'the report downloads as a printable page with every table', report.name);
  const rp = await ctx.newPage();
  await rp.setContent(html);
  await rp.screenshot({ path: join(OUT, 'dashboard-report.png'), fullPage: false });
  await rp.close();

  // ---- a phone: one column, the same numbers
  await page.setViewportSize({ width: 390, height: 844 });
  await toTop(page);
  await click(page, 'dash_tab_overview').catch(() => {});
  await sleep(500);
  const phoneTickets = await kpiNumber(page, 'dash_kpi_tickets');
  check(phoneTickets === shownTickets, 'on a phone the cards show the same numbers', phoneTickets);
  const cards = (await widgets(page)).filter((w) => w.id.startsWith('dash_kpi_') && w.visible);
  check(cards.length > 0 && cards.every((w) => w.x + w.w <= 392), 'on a phone the cards fit the width', cards.map((w) => Math.round(w.x + w.w)).join(','));
  await page.screenshot({ path: join(OUT, 'dashboard-phone.png') });
} catch (e) {
  check(false, 'the dashboard run finished', e.stack || String(e));
  for (const p of browser.contexts().flatMap((c) => c.pages())) await p.screenshot({ path: join(OUT, 'dashboard-failure.png') }).catch(() => {});
} finally {
  await browser.close();
  server.kill();
}
finish();
