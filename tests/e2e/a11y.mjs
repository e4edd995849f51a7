// Phones and accessibility (issue 8): the real server, Debian's headless Chromium.
// - On a 390×844 phone every visible tap target in widgets() (buttons, combos, checkboxes,
//   radio buttons, fields, table rows and headers, tabs) is at least 40 CSS px high, in the
//   inbox, a ticket, the new-ticket form, the tasks and the refunds.
// - Larger text (100/125/150 %) and the high-contrast theme are picked next to the language,
//   change the sizes and the colours, and are still there after a reload (localStorage).
// - Keyboard navigation (Tab) shows a focus rectangle in the theme's focus colour.
// Screenshots of each state go to --out.
// Usage: node a11y.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, openDesk, parseArgs, query, sleep, startServer, until,
         whenReady, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });
const TAP = 40;

// Items in widgets() that are not tap targets: none are expected today. An entry needs a reason.
const NOT_TAP_TARGETS = new Map([
]);

// Every visible widget lower than TAP, except the listed ones.
async function smallTargets(page) {
  const all = await widgets(page);
  return all.filter((w) => w.visible && w.w > 0 && w.h > 0 && w.h < TAP - 0.5 && !NOT_TAP_TARGETS.has(w.id))
            .map((w) => `${w.id}(${w.label.slice(0, 12)}) h=${w.h.toFixed(1)}`);
}
// Every visible widget that runs past the right edge of the screen (cut off: a person cannot
// read or reach all of it), except inside a table row, which scrolls with its table, and ImGui's
// own fallback window "Debug", which is never drawn.
async function cutOff(page) {
  const width = page.viewportSize().width;
  return (await widgets(page)).filter((w) => w.visible && w.w > 0 && !w.id.startsWith('row_') && !w.id.startsWith('col_') &&
                                             w.id !== 'Default' && w.x + w.w > width + 0.5)
    .map((w) => `${w.id}(${w.label.slice(0, 12)}) ${Math.round(w.x)}+${Math.round(w.w)}`);
}
// Frames settle (fonts, a view switch) before widgets() is read.
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 150)))));

// How many canvas pixels are close to the colour [r, g, b].
async function pixelsNear(page, rgb, tol = 40) {
  return page.evaluate(([rgb, tol]) => {
    const c = document.getElementById('canvas');
    const t = document.createElement('canvas');
    t.width = c.width; t.height = c.height;
    const g = t.getContext('2d');
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, t.width, t.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - rgb[0]) <= tol && Math.abs(d[i + 1] - rgb[1]) <= tol && Math.abs(d[i + 2] - rgb[2]) <= tol) n++;
    return n;
  }, [rgb, tol]);
}

// Presses Tab (at most 8 times: a text field that Tab enters shows its caret, not the
// rectangle) until the focus rectangle's colour is on screen; returns its pixel count.
async function tabUntil(page, rgb) {
  await click(page, 'search');  // the keyboard is in the inbox: Tab goes on from the search field
  let n = 0;
  for (let i = 0; i < 8 && n <= 40; i++) {
    await page.keyboard.press('Tab');
    await settle(page);
    n = await pixelsNear(page, rgb, 30);
  }
  return n;
}

async function pick(page, setting) {
  await click(page, 'a11y');
  await click(page, setting);
  if (setting !== 'a11y_contrast') return;
  await page.keyboard.press('Escape');  // a checkbox leaves the popup open
  await sleep(150);
}

const { proc: server, url } = await startServer(args.server);
let browser;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

  // ---- a phone: 390 × 844 ---------------------------------------------------------------
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const { page } = await openDesk(phone, url);
  await page.setViewportSize({ width: 390, height: 844 });
  await until(async () => (await query(page, { type: 'tickets.list', limit: 1 })).result?.total >= 300, 'the demo desk', 30000);
  await settle(page);
  const made = await command(page, { type: 'ticket.create', channel: 'phone', subject: '手机上的工单', text: '作业提交不了',
                                     category: 'technical', customer: { name: '赵小雨', phone: '13800002222' } });
  check(made.ok, 'a ticket to open on the phone', JSON.stringify(made));
  const views = [
    ['inbox', async () => page.evaluate(() => { location.hash = '#/'; })],
    ['ticket', async () => { await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, made.number); await widget(page, 'back_to_inbox'); }],
    ['new-ticket', async () => { await page.evaluate(() => { location.hash = '#/'; }); await click(page, 'new_ticket'); await widget(page, 'save_ticket'); }],
    ['tasks', async () => { await click(page, 'cancel_ticket'); await click(page, 'view_tasks'); }],
    ['refunds', async () => click(page, 'view_refunds')],
  ];
  for (const [name, open] of views) {
    await open();
    await settle(page);
    const small = await smallTargets(page);
    const n = (await widgets(page)).filter((w) => w.visible).length;
    check(n > 3 && small.length === 0, `phone, ${name}: all ${n} visible tap targets are at least ${TAP} px high`, small.join(', '));
    const cut = await cutOff(page);
    check(cut.length === 0, `phone, ${name}: nothing runs past the right edge`, cut.join(', '));
    await page.screenshot({ path: join(OUT, `a11y-phone-${name}.png`) });
  }
  // The inbox rows in particular (the list a person taps most).
  await page.evaluate(() => { location.hash = '#/'; });
  await settle(page);
  const rows = (await widgets(page)).filter((w) => w.id.startsWith('row_') && w.visible);
  check(rows.length >= 3 && rows.every((r) => r.h >= TAP - 0.5), 'phone: ticket rows are at least 40 px high',
        rows.map((r) => r.h).join(','));
  // Larger text and high contrast on the phone too.
  await pick(page, 'a11y_size_125');
  await pick(page, 'a11y_contrast');
  await settle(page);
  const small125 = await smallTargets(page);
  check(small125.length === 0, 'phone, 125 % and high contrast: tap targets still at least 40 px', small125.join(', '));
  const cut125 = await cutOff(page);
  check(cut125.length === 0, 'phone, 125 %: nothing runs past the right edge', cut125.join(', '));
  // The subject keeps room to be read at 125 %: the phone drops a column rather than squeeze it
  // (fixed columns grow with the text).
  const cols = (await widgets(page)).filter((w) => w.id.startsWith('col_') && w.visible);
  const subject = cols.find((c) => c.id === 'col_subject');
  check(subject && subject.w >= 120 && ['col_number', 'col_due'].every((id) => cols.some((c) => c.id === id)),
        'phone, 125 %: the subject column keeps at least 120 px (6 characters) beside number and SLA',
        cols.map((c) => `${c.id}:${Math.round(c.w)}`).join(' '));
  await page.screenshot({ path: join(OUT, 'a11y-phone-contrast-125.png') });
  await phone.close();

  // ---- a desktop: larger text, high contrast, remembered ----------------------------------
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let { page: p } = await openDesk(desk, url);
  await until(async () => (await query(p, { type: 'tickets.list', limit: 1 })).result?.total >= 300, 'the demo desk', 30000);
  await settle(p);
  const h100 = (await widget(p, 'new_ticket')).h;
  const grey = await pixelsNear(p, [247, 247, 250], 2);
  check(grey > 20000, 'the default theme: a light grey page', `${grey} px`);
  await p.screenshot({ path: join(OUT, 'a11y-default.png') });
  // Keyboard focus: Tab moves it, and a rectangle in the focus colour (orange) shows where.
  const orange = await tabUntil(p, [237, 107, 0]);
  check(orange > 40, 'default theme: Tab shows an orange focus rectangle', `${orange} px`);
  await p.screenshot({ path: join(OUT, 'a11y-default-focus.png') });
  await p.keyboard.press('Escape');

  await pick(p, 'a11y_size_150');
  await settle(p);
  const h150 = (await widget(p, 'new_ticket')).h;
  check(h150 >= h100 * 1.35, 'text 150 %: the new-ticket button grows with the text', `${h100} → ${h150}`);
  check((await p.evaluate(() => localStorage.getItem('edudesk.textSize'))) === '150', 'the text size is remembered in localStorage');
  await p.screenshot({ path: join(OUT, 'a11y-large-text.png') });
  await pick(p, 'a11y_size_100');
  await pick(p, 'a11y_contrast');
  await settle(p);
  check((await p.evaluate(() => localStorage.getItem('edudesk.contrast'))) === 'high', 'high contrast is remembered in localStorage');
  const white = await pixelsNear(p, [255, 255, 255], 0);
  check(white > 1280 * 800 * 0.4, 'high contrast: a white page', `${white} white px`);
  await p.screenshot({ path: join(OUT, 'a11y-contrast.png') });
  const magenta = await tabUntil(p, [217, 0, 140]);
  check(magenta > 40, 'high contrast: Tab shows a magenta focus rectangle', `${magenta} px`);
  await p.screenshot({ path: join(OUT, 'a11y-contrast-focus.png') });

  // A reload keeps both choices.
  await pick(p, 'a11y_size_125');
  await settle(p);
  check((await p.evaluate(() => localStorage.getItem('edudesk.textSize'))) === '125', 'text 125 % picked',
        await p.evaluate(() => localStorage.getItem('edudesk.textSize')));
  await p.screenshot({ path: join(OUT, 'a11y-before-reload.png') });
  await p.reload();
  check(await whenReady(p) === true, 'the desk reloads');
  await until(async () => (await widgets(p)).some((w) => w.id === 'new_ticket' && /[\u4e00-\u9fff]/.test(w.label)), 'the Chinese font', 30000);
  await settle(p);
  const hReload = (await widget(p, 'new_ticket')).h;
  check(hReload >= h100 * 1.15 && hReload < h150, 'after a reload: still 125 % text', `${hReload}`);
  check((await pixelsNear(p, [255, 255, 255], 0)) > 1280 * 800 * 0.4, 'after a reload: still high contrast');
  await desk.close();
} catch (e) {
  check(false, 'a11y test ran to the end', e.stack);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
finish();
