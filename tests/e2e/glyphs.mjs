// Glyphs on demand (issue 8: "the UI never shows a missing-glyph box for a character in the
// data"): the real server, Debian's headless Chromium.
// - A ticket from a learner with a rare surname (㑇, CJK extension A; 𠇔, extension B beyond
//   U+FFFF; 喆 and 堃, outside GB2312) written in traditional characters: the base font lacks
//   them; the desk fetches the chunks of the face that hold them and the atlas gains them.
// - A rare character typed through the IME into the reply box, not yet in any Op: its glyph
//   arrives while it is a draft.
// - A block the face does not have (emoji) is asked once, answered 404, and never again.
// - After a reload with the network off, the chunks come from the service worker's cache.
// Screenshots go to --out. Usage: node glyphs.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, imeType, openDesk, parseArgs, query, sleep, startServer, until,
         whenReady, widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });

const NAME = '㑇喆';
const SUBJECT = '𠇔堃同学：視頻無法播放';
const TEXT = '您好，請協助處理，謝謝';
const RARE = NAME + SUBJECT + TEXT;
const glyphs = (page, text) => page.evaluate((t) => window.edudesk.query({ type: 'glyphs', text: t }), text);
const chars = (cps) => cps.map((c) => String.fromCodePoint(c)).join('');

const { proc: server, url } = await startServer(args.server);
let browser;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const chunkRequests = [];
  // the page's requests (the service worker's own fetch of the same chunk is not another one)
  context.on('request', (r) => {
    if (r.url().includes('/fonts/more/') && !(r.serviceWorker && r.serviceWorker())) chunkRequests.push(new URL(r.url()).pathname);
  });
  const { page } = await openDesk(context, url);
  await until(async () => (await query(page, { type: 'tickets.list', limit: 1 })).result?.total >= 300, 'the demo desk', 30000);
  await until(async () => (await glyphs(page, '')).cjk_font, 'the CJK font in the atlas', 30000);

  // ---- the data's rare characters
  const common = await glyphs(page, '退款申请已提交，请耐心等待');
  check(common.missing.length === 0, 'the base font has the common characters', chars(common.missing));
  const before = await glyphs(page, RARE);
  // (the traditional ones of the zh-Hant UI are in the base font too)
  check(chars(before.missing) === '㑇喆𠇔堃', `the base font lacks the rare ones (${chars(before.missing)})`,
        JSON.stringify(before.missing));
  check(chunkRequests.length === 0, 'no chunk is fetched while the data needs none', chunkRequests.join(' '));
  const made = await command(page, { type: 'ticket.create', channel: 'chat', subject: SUBJECT, text: TEXT, category: 'technical',
                                     customer: { name: NAME, phone: '13800002222' } });
  check(made.ok, 'a ticket from a learner with a rare surname', JSON.stringify(made));
  const after = await until(async () => { const g = await glyphs(page, RARE); return g.missing.length === 0 && g; },
                            'the glyphs of the new ticket', 20000).catch(() => null);
  check(!!after, 'the atlas gains every character of the ticket, beyond U+FFFF too',
        JSON.stringify((await glyphs(page, RARE)).missing));
  const blocks = new Set([...RARE].map((c) => c.codePointAt(0) >> 8).filter((b) => before.missing.some((c) => c >> 8 === b)));
  const fetched = new Set(chunkRequests);
  check(fetched.size === blocks.size && fetched.size === chunkRequests.length,
        `one request per block of 256 characters: ${fetched.size} chunks for ${before.missing.length} characters`,
        chunkRequests.join(' '));
  const sizes = Object.values((await glyphs(page, '')).chunks).map((c) => c.bytes);
  check(sizes.every((b) => b > 0 && b < 120000), `each chunk is small (${sizes.join(', ')} bytes)`);
  await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, made.number);
  await widget(page, 'send_reply');
  await sleep(400);
  await page.screenshot({ path: join(OUT, 'glyphs-ticket.png') });

  // ---- typed, not yet in any Op
  const cdp = await context.newCDPSession(page);
  await click(page, 'reply');
  const typed = '犇鑫淼';
  const typedBefore = await glyphs(page, typed);
  check(typedBefore.missing.length > 0, `the reply's characters are not in the atlas yet (${chars(typedBefore.missing)})`);
  await imeType(page, cdp, 'ben', typed);
  const typedAfter = await until(async () => { const g = await glyphs(page, typed); return g.missing.length === 0 && g; },
                                 'the typed glyphs', 20000).catch(() => null);
  check(!!typedAfter, 'characters typed into a draft get their glyphs before anything is sent',
        JSON.stringify((await glyphs(page, typed)).missing));
  await sleep(300);
  await page.screenshot({ path: join(OUT, 'glyphs-typed.png') });

  // ---- a block the face does not have
  const n0 = chunkRequests.length;
  await command(page, { type: 'ticket.reply', ticket_id: made.ticket_id, text: '谢谢😀' });
  const absent = await until(async () => { const g = await glyphs(page, ''); return g.chunks['502']?.stage === 'absent' && g; },
                             'the emoji block answered', 20000).catch(() => null);
  check(!!absent, 'a block the font lacks is answered 404 and marked absent', JSON.stringify((await glyphs(page, '')).chunks));
  await command(page, { type: 'ticket.reply', ticket_id: made.ticket_id, text: '好的😃' });
  await sleep(1500);
  check(chunkRequests.length === n0 + 1, 'and is never asked again', chunkRequests.slice(n0).join(' '));

  // ---- offline: the chunks come from the service worker's cache
  await until(() => page.evaluate(() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)), 'the service worker controls the page', 20000);
  await context.setOffline(true);
  await page.reload();
  await whenReady(page);
  await until(async () => (await glyphs(page, '')).cjk_font, 'the CJK font offline', 30000);
  const offline = await until(async () => { const g = await glyphs(page, RARE); return g.missing.length === 0 && g; },
                              'the glyphs offline', 20000).catch(() => null);
  check(!!offline, 'offline after a reload, the rare characters still have their glyphs (from the cache)',
        JSON.stringify((await glyphs(page, RARE)).missing));
  await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, made.number);
  await widget(page, 'send_reply');
  await sleep(400);
  await page.screenshot({ path: join(OUT, 'glyphs-offline.png') });
  await context.setOffline(false);
  await context.close();
} catch (e) {
  check(false, 'the glyph test ran to the end', String(e && e.stack || e));
} finally {
  if (browser) await browser.close().catch(() => {});
  server.kill('SIGTERM');
}
finish();
