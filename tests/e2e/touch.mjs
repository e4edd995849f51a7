// Touch on a phone (issue 8), against the real server in Debian's headless Chromium at 390×844
// with touch events (Chrome DevTools' Input.dispatchTouchEvent, which the page receives as
// pointer events of type "touch"):
// - a finger dragged up the ticket list scrolls it by about the finger's travel, without opening
//   or selecting anything; a flick glides on after the finger lifts, slows and stops, and then
//   the desk draws no more frames;
// - a tap opens the ticket under the finger;
// - a tap on the reply box focuses the hidden IME field inside the gesture (phones open their
//   keyboard only then); text typed there is sent by a tap on 发送.
// Usage: node touch.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, finish, openDesk, parseArgs, query, sleep, startServer, until, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
let browser;
const rows = async (page) => (await widgets(page)).filter((w) => w.id.startsWith('row_') && w.visible);
const frames = (page) => page.evaluate(() => Module.edudeskFrames);
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const { page } = await openDesk(context, url);
  await page.setViewportSize({ width: 390, height: 844 });
  const cdp = await context.newCDPSession(page);
  // Each touch event carries its own time (a finger's pace), whatever the delivery's latency on a
  // loaded machine: the desk reads the events' timeStamp.
  let clock = Date.now() / 1000;
  const touch = (type, x, y, after = 0.05) => {
    clock = Math.max(clock + after, Date.now() / 1000);
    return cdp.send('Input.dispatchTouchEvent', { type, timestamp: clock, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  };
  // A finger from (x, y0) to (x, y1) in `steps` moves, `ms` apart, resting `rest` ms before it lifts.
  const drag = async (x, y0, y1, steps, ms, rest = 0) => {
    await touch('touchStart', x, y0);
    clock = Date.now() / 1000;
    for (let i = 1; i <= steps; i++) {
      clock += ms / 1000;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', timestamp: clock, touchPoints: [{ x, y: y0 + (y1 - y0) * i / steps }] });
    }
    clock += (rest || ms) / 1000;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', timestamp: clock, touchPoints: [] });
    await sleep(rest);
  };

  await until(async () => (await query(page, { type: 'tickets.list', limit: 1 })).result?.total >= 300, 'the demo desk', 30000);
  await sleep(500);
  const list = await until(async () => { const r = await rows(page); return r.length >= 6 && r; }, 'the ticket list', 20000);
  const first = list[0];
  const x = first.x + Math.min(60, first.w / 2);
  const top = list[0].y, bottom = list[list.length - 1].y + 10;  // the table's visible part
  // How far the list has scrolled: rows keep their ids, so two looks that share a row tell the
  // distance between them; `follow` chains looks taken every ~20 ms while the list moves.
  const look = async () => new Map((await rows(page)).map((w) => [w.id, w.y]));
  let seen = await look(), scrolled = 0;
  const step = async () => {
    const now = await look();
    const common = [...now.keys()].find((id) => seen.has(id));
    if (common === undefined) throw new Error('the list moved more than a screen between two looks');
    scrolled += seen.get(common) - now.get(common);
    seen = now;
    return scrolled;
  };
  const follow = async (ms) => {
    const out = [];
    const t0 = Date.now();
    while (Date.now() - t0 < ms) { out.push([Date.now() - t0, await step()]); await sleep(20); }
    return out;
  };

  // ---- a slow drag: the list follows the finger, nothing opens ----
  const dragged = drag(x, bottom - 5, bottom - 155, 10, 40, 300);  // slow, and the finger rests before it lifts
  await follow(400);
  await dragged;
  await sleep(200);
  const moved = await step();
  check(moved > 110 && moved < 190, `a 150 px drag scrolls the list about as far (${Math.round(moved)} px)`);
  check(!(await widgets(page)).some((w) => w.id === 'send_reply' && w.visible), 'dragging opened no ticket');
  await sleep(600);
  check(await step() === moved, 'a finger that rested before it lifted does not glide');

  // ---- a flick: it glides on after the finger lifts, slows down and stops ----
  const s0 = await step();
  await drag(x, bottom - 5, bottom - 95, 5, 20);
  const s1 = await step();
  const glide = await follow(1500);
  const at = (ms) => (glide.find(([t]) => t >= ms) || glide.at(-1))[1];
  const g1 = at(250) - s1, g2 = at(750) - at(500);
  check(s1 - s0 > 60, `the flick scrolls with the finger (${Math.round(s1 - s0)} px)`);
  check(g1 > 20, `the list glides on after the finger lifts (${Math.round(g1)} px in 250 ms)`, JSON.stringify(glide.slice(0, 12)));
  check(g2 < g1, `the glide slows down (${Math.round(g2)} px from 500 to 750 ms)`, JSON.stringify(glide));
  const f0 = await frames(page);
  const sEnd = await step();
  await sleep(1000);
  const f1 = await frames(page);
  check(await step() === sEnd && f1 - f0 <= 2, `then it stops, and the desk draws no more frames (${f1 - f0} in 1 s)`);
  await page.screenshot({ path: join(OUT, 'touch-scrolled.png') });

  // ---- a tap opens the ticket under the finger ----
  const target = (await rows(page)).find((w) => w.y > top && w.y < bottom);
  await touch('touchStart', x, target.y + target.h / 2);
  await touch('touchEnd', x, target.y + target.h / 2);
  const opened = await until(async () => (await page.evaluate(() => location.hash)) === '#/ticket/' + target.id.slice(4),
                             'the ticket open', 10000).catch(() => false);
  check(opened, 'a tap opens the ticket under the finger', target.id);
  // Its reply box is below the conversation on a phone (the pane scrolls as a whole, so a long
  // conversation is a long way down): a finger scrolls to it.
  let reply = null;
  for (let i = 0; i < 16 && !reply; i++) {
    reply = await until(async () => (await widgets(page)).find((w) => w.id === 'reply' && w.visible && w.y < 780), 'the reply box', 3000).catch(() => null);
    if (!reply) await drag(x, 700, 450, 10, 40, 300);
  }
  check(!!reply, 'the reply box is reached by scrolling with a finger');

  // ---- a tap on the reply box: the IME field is focused inside the gesture ----
  if (reply) {
    const box = (await widgets(page)).find((w) => w.text && w.visible && w.id === reply.id) || reply;
    await page.evaluate(() => {
      // Record whether focus arrives during the touchend's own task (before any frame).
      window.__focusInGesture = null;
      Module.edudeskCanvas.addEventListener('pointerup', () => {
        queueMicrotask(() => { window.__focusInGesture = document.activeElement && document.activeElement.id; });
      }, { once: true });
    });
    const tapY = (box.y + Math.min(box.y + box.h, 844)) / 2;  // its part on the screen
    await touch('touchStart', box.x + 20, tapY);
    await touch('touchEnd', box.x + 20, tapY);
    await sleep(300);
    const inGesture = await page.evaluate(() => window.__focusInGesture);
    check(inGesture === 'edudesk-ime', 'a tap on a text field focuses the IME field inside the gesture (the on-screen keyboard opens)', String(inGesture));
    await page.keyboard.insertText('手机上回复');
    await sleep(300);
    await page.screenshot({ path: join(OUT, 'touch-reply.png') });
    // 发送 is below the fold on a phone: a finger scrolls the ticket up to it.
    await drag(box.x + box.w / 2, 700, 400, 10, 40, 300);
    const send = await until(async () => (await widgets(page)).find((w) => w.id === 'send_reply' && w.visible && w.y + w.h < 844),
                             'the send button on the screen', 10000);
    await sleep(300);
    await touch('touchStart', send.x + send.w / 2, send.y + send.h / 2);
    await touch('touchEnd', send.x + send.w / 2, send.y + send.h / 2);
    const number = Number(target.id.slice(4));
    const sent = await until(async () => (await query(page, { type: 'ticket.get', number })).result?.timeline?.some((e) => e.text === '手机上回复'),
                             'the reply on the ticket', 10000).catch(() => false);
    check(sent, 'text typed on the on-screen keyboard lands in the reply box, and a tap on 发送 sends it');
  }
  await context.close();
} catch (e) {
  check(false, 'the touch test ran to the end', String(e && e.stack || e));
} finally {
  if (browser) await browser.close().catch(() => {});
  server.kill('SIGTERM');
}
finish();
