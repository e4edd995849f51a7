// Enter that confirms an IME composition never sends or submits anything (issue 8).
// The real server, Debian's headless Chromium; the composition is driven through the
// DevTools protocol the way an input method does it: Input.imeSetComposition while the
// pinyin is typed, the Enter key event the browser delivers during the composition
// (keyCode 229 "Process" with isComposing, as Chrome on Windows/Linux sends it; or the
// Enter key itself with isComposing, as Chrome on macOS and Firefox do; or keyCode 229
// after compositionend, as Safari does), then Input.insertText with the chosen words.
// In a ticket's reply box nothing is sent until Ctrl+Enter, which sends the whole draft
// once; in the new-ticket form nothing is saved, and every word stays in its field.
// Usage: node ime.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, check, click, command, finish, openDesk, parseArgs, query, sleep, startServer, until,
         widget } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });

// The three ways a browser reports the Enter that picks the IME's candidate.
const ENTER_STYLES = {
  // Chrome (Windows, Linux): keydown "Process"/229 during the composition, then the commit,
  // then the keyup of Enter (13) once the composition is over.
  chrome: async (cdp, text) => {
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Process', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
    await cdp.send('Input.insertText', { text });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
  },
  // Chrome on macOS, Firefox: the Enter key itself, while the composition is still open
  // (the page sees isComposing = true).
  enter_composing: async (cdp, text) => {
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
    await cdp.send('Input.insertText', { text });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
  },
  // Safari: compositionend first, then a keydown of Enter with keyCode 229 (isComposing false).
  safari: async (cdp, text) => {
    await cdp.send('Input.insertText', { text });
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
  },
};

// Types `pinyin` as a composition, then confirms `text` with Enter in the given style.
async function composeAndEnter(page, cdp, pinyin, text, style) {
  for (let i = 1; i <= pinyin.length; i++)
    await cdp.send('Input.imeSetComposition', { text: pinyin.slice(0, i), selectionStart: i, selectionEnd: i });
  // What the page saw of that Enter: recorded on the IME field, before the app's listeners.
  await page.evaluate(() => {
    window.__imeKeys = [];
    const ime = document.getElementById('edudesk-ime');
    if (!ime.__recording) {
      ime.__recording = true;
      ime.addEventListener('keydown', (e) => window.__imeKeys.push({ key: e.key, keyCode: e.keyCode, isComposing: e.isComposing }), true);
    }
  });
  await ENTER_STYLES[style](cdp, text);
  await sleep(250);
  return page.evaluate(() => window.__imeKeys);
}

const { proc: server, url } = await startServer(args.server);
let browser;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  const { page } = await openDesk(context, url);
  const cdp = await context.newCDPSession(page);
  await until(async () => (await query(page, { type: 'tickets.list', limit: 1 })).result?.total >= 300, 'the demo desk', 30000);

  // ---- the reply box of a ticket -----------------------------------------------------
  const made = await command(page, { type: 'ticket.create', channel: 'chat', subject: '输入法回车测试', text: '回放打不开',
                                     category: 'technical', customer: { name: '林晓', phone: '13800001111' } });
  check(made.ok, 'a ticket to reply to', JSON.stringify(made));
  const timeline = async () => (await query(page, { type: 'ticket.get', ticket_id: made.ticket_id })).result.timeline;
  const before = (await timeline()).length;
  await page.evaluate((n) => { location.hash = '#/ticket/' + n; }, made.number);
  await widget(page, 'send_reply');
  await click(page, 'reply');
  const parts = [['ninhao', '您好，', 'chrome'], ['yijing', '已经为您', 'enter_composing'], ['chongxin', '重新生成回放', 'safari']];
  for (const [pinyin, text, style] of parts) {
    const keys = await composeAndEnter(page, cdp, pinyin, text, style);
    const down = keys[0] || {};
    check(keys.length === 1 && (down.isComposing || down.keyCode === 229),
          `reply box, ${style}: the page saw the Enter as part of the composition`, JSON.stringify(keys));
    const now = await timeline();
    check(now.length === before, `reply box, ${style}: the Enter that picked "${text}" sent nothing`,
          JSON.stringify(now.slice(before)));
  }
  await page.screenshot({ path: join(OUT, 'ime-reply-draft.png') });
  // The draft holds every word, and nothing else (no newline from an Enter): Ctrl+Enter sends it once.
  await page.keyboard.press('Control+Enter');
  const sent = await until(async () => { const t = await timeline(); return t.length > before && t; }, 'the reply after Ctrl+Enter');
  await sleep(500);
  const after = await timeline();
  const replies = after.slice(before).filter((e) => e.kind === 'reply');
  check(after.length === before + 1 && replies.length === 1, 'Ctrl+Enter sends the draft once', JSON.stringify(after.slice(before)));
  check(replies[0]?.text === '您好，已经为您重新生成回放', 'the reply is exactly the words picked in the IME, no newline',
        JSON.stringify(replies[0]?.text));
  void sent;

  // ---- the new-ticket form -----------------------------------------------------------
  const total = async () => (await query(page, { type: 'tickets.list', limit: 1 })).result.total;
  const count0 = await total();
  await page.evaluate(() => { location.hash = '#/'; });
  await click(page, 'new_ticket');
  await click(page, 'add_customer');
  await click(page, 'customer_name');
  await composeAndEnter(page, cdp, 'zhoujielun', '周杰伦', 'chrome');
  check(await total() === count0, 'new-ticket form, name: Enter in the composition saves nothing');
  await click(page, 'customer_phone');
  await page.keyboard.type('13912340000');
  await click(page, 'subject');
  await composeAndEnter(page, cdp, 'zhibo', '直播课', 'enter_composing');
  await composeAndEnter(page, cdp, 'kadun', '卡顿', 'safari');
  check(await total() === count0, 'new-ticket form, subject: Enter in the composition saves nothing');
  await click(page, 'text');
  await composeAndEnter(page, cdp, 'zuowan', '昨晚的直播', 'chrome');
  await composeAndEnter(page, cdp, 'yizhi', '一直卡', 'enter_composing');
  check(await total() === count0, 'new-ticket form, description: Enter in the composition saves nothing');
  await widget(page, 'save_ticket');  // the form is still open
  await page.screenshot({ path: join(OUT, 'ime-new-ticket.png') });
  await click(page, 'save_ticket');
  const created = await until(async () => {
    const r = await query(page, { type: 'tickets.list', search: '直播课卡顿' });
    return r.result.total >= 1 && r.result;
  }, 'the new ticket');
  check(created.total === 1 && (await total()) === count0 + 1, 'the form saved one ticket, once', `${created.total}`);
  const t = created.tickets[0];
  check(t.subject === '直播课卡顿' && t.customer === '周杰伦', 'subject and name are exactly the words picked',
        `${t.subject} / ${t.customer}`);
  const d = (await query(page, { type: 'ticket.get', ticket_id: t.ticket_id })).result;
  check(d.timeline[0]?.text === '昨晚的直播一直卡', 'the description is exactly the words picked, no newline',
        JSON.stringify(d.timeline[0]?.text));
} catch (e) {
  check(false, 'ime test ran to the end', e.stack);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
finish();
