// Helpers shared by the browser tests: launch flags, the server process, and
// reading and driving the desk the way a person does (widgets(), real input).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function parseArgs(argv) {
  return Object.fromEntries(argv.slice(2).reduce((a, v, i, all) =>
    (v.startsWith('--') ? a.concat([[v.slice(2), all[i + 1]]]) : a), []));
}

// Starts `edudesk serve` on a free port with a fresh database; resolves when healthy.
export async function startServer(binary, extra = []) {
  const port = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'edudesk-db-')), 'desk.sqlite');
  const proc = spawn(binary, ['serve', '--port', String(port), '--db', db, '--quiet', ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}/`;
  await until(async () => (await fetch(url + 'api/health')).ok, 'server health', 20000);
  return { proc, url, port, db };
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-gpu',
  '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-dev-shm-usage'];

let passed = 0, failed = 0;
export const check = (cond, what, detail = '') => {
  if (cond) { passed++; console.log(`ok - ${what}`); }
  else { failed++; console.log(`not ok - ${what}${detail ? ': ' + detail : ''}`); }
  return cond;
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function until(fn, what, timeout = 15000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

export const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

// ---- page helpers: everything through what a person sees and does ------------------
export const widgets = (page) => page.evaluate(() => window.edudesk.widgets());
// A widget a person can click: present, visible, and at the same place in two
// frames in a row (a popup's first frame is laid out but not yet shown).
export async function widget(page, id, timeout = 10000) {
  let last = null;
  return until(async () => {
    const w = (await widgets(page)).find((x) => x.id === id && x.visible && x.w > 0);
    const same = w && last && w.x === last.x && w.y === last.y && w.w === last.w && w.h === last.h;
    last = w;
    return same && w;
  }, `widget ${id}`, timeout);
}
export async function click(page, id) {
  const w = await widget(page, id);
  // A table row spans every column: its middle may fall on a column's resize border,
  // so a row is clicked in its first cell (where a person clicks the number).
  const x = id.startsWith('row_') ? w.x + Math.min(24, w.w / 2) : w.x + w.w / 2;
  await page.mouse.click(x, w.y + w.h / 2);
  await sleep(120);
  return w;
}
// Clicks `ids` in turn until `shown()` gives what the clicks were for, at most `tries` times:
// under load a click made while the view is laid out anew can miss, and a person clicks again.
// Returns what shown() gave; throws its error, or says so, after the last try.
export async function clickUntil(page, ids, shown, tries = 4) {
  for (let i = 1; ; i++) {
    for (const id of ids) await click(page, id);
    await sleep(300 * i);
    try {
      const got = await shown();
      if (got) return got;
      if (i >= tries) throw new Error(`clicked ${ids.join(', ')} ${tries} times and it did not show`);
    } catch (e) {
      if (i >= tries) throw e;
    }
  }
}
// Types through the IME: composition first (pinyin), then the chosen characters.
export async function imeType(page, cdp, pinyin, text) {
  for (let i = 1; i <= pinyin.length; i++) {
    await cdp.send('Input.imeSetComposition', { text: pinyin.slice(0, i), selectionStart: i, selectionEnd: i });
  }
  await cdp.send('Input.insertText', { text });
  await sleep(120);
}
// Resolves when window.edudesk.ready settles: true, or the reason it rejected.
export async function whenReady(page) {
  await page.waitForFunction(() => !!window.edudesk, null, { timeout: 30000 });
  return page.evaluate(() => window.edudesk.ready.then(() => true, (e) => e.message));
}
export const labelOf = async (page, id, re) => until(async () => { const w = (await widgets(page)).find((x) => x.id === id); return w && re.test(w.label) && w.label; }, `label of ${id} matching ${re}`);
export const query = (page, q) => page.evaluate((q) => window.edudesk.query(q), q);
export const command = (page, c) => page.evaluate((c) => window.edudesk.command(c), c);
export async function canvasIsDrawn(page) {
  return page.evaluate(() => {
    const c = document.getElementById('canvas');
    const t = document.createElement('canvas');
    t.width = 200; t.height = 200;
    const g = t.getContext('2d');
    g.drawImage(c, 0, 0, 200, 200);
    const d = g.getImageData(0, 0, 200, 200).data;
    const colors = new Set();
    for (let i = 0; i < d.length; i += 4) colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return colors.size;
  });
}
export async function openDesk(context, url) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  const apiCalls = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) apiCalls.push(r.url()); });
  page.on('pageerror', (e) => console.log('# page error:', e.message));
  await page.goto(url);
  await whenReady(page);
  // The CJK font has arrived when the button shows its Chinese label.
  await until(async () => (await widgets(page)).some((w) => w.id === 'new_ticket' && /[\u4e00-\u9fff]|New/.test(w.label)), 'first frame with labels', 30000);
  return { page, apiCalls };
}


// Prints the plain summary line ctest and CI read, and exits accordingly.
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
