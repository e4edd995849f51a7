// WebGL2 with a WebGL1 fallback (issue 8): the real server, Debian's headless Chromium.
// - Normally the desk draws with WebGL2 (Module.edudeskWebGL === 2).
// - With WebGL2 taken away (an init script makes canvas.getContext('webgl2') return null, as
//   in a browser without it), the desk falls back to WebGL1 and ImGui's GLSL ES 1.00 shaders:
//   it draws, the CJK font arrives, the inbox lists the demo tickets and a click works.
// Screenshots of both go to --out.
// Usage: node webgl1.mjs --server PATH/TO/edudesk [--out DIR]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, canvasIsDrawn, check, click, finish, openDesk, parseArgs, query, startServer, until,
         widget, widgets } from './lib.mjs';

const args = parseArgs(process.argv);
const OUT = args.out || mkdtempSync(join(tmpdir(), 'edudesk-e2e-'));
mkdirSync(OUT, { recursive: true });

const { proc: server, url } = await startServer(args.server);
let browser;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  for (const webgl2 of [true, false]) {
    const name = webgl2 ? 'WebGL2' : 'WebGL1 (no WebGL2)';
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    if (!webgl2) {
      await context.addInitScript(() => {
        const get = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
          if (type === 'webgl2') return null;
          return get.call(this, type, ...rest);
        };
        window.WebGL2RenderingContext = undefined;
      });
    }
    const { page } = await openDesk(context, url);
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error' || /ERROR: ImGui/.test(m.text())) errors.push(m.text()); });
    const version = await page.evaluate(() => Module.edudeskWebGL);
    check(version === (webgl2 ? 2 : 1), `${name}: the desk draws with WebGL${webgl2 ? 2 : 1}`, String(version));
    await until(async () => (await query(page, { type: 'tickets.list', limit: 1 })).result?.total >= 300, 'the demo desk', 30000);
    await until(async () => (await canvasIsDrawn(page)) > 20, `${name}: the canvas drawn`, 15000).catch(() => {});
    const colors = await canvasIsDrawn(page);
    check(colors > 20, `${name}: the canvas shows the desk (${colors} colours in a 200×200 sample)`);
    const rowId = await until(async () => (await widgets(page)).find((w) => w.id.startsWith('row_') && w.visible)?.id,
                              'a ticket row', 15000).catch(() => null);
    check(!!rowId, `${name}: the inbox lists tickets`);
    if (rowId) {
      await click(page, rowId);
      const send = await widget(page, 'send_reply', 10000).catch(() => null);
      check(!!send, `${name}: a click on a row opens the ticket`);
    }
    await page.screenshot({ path: join(OUT, `webgl${webgl2 ? 2 : 1}.png`) });
    check(errors.length === 0, `${name}: no shader or GL errors on the console`, errors.slice(0, 3).join(' | '));
    await context.close();
  }
} catch (e) {
  check(false, 'the WebGL test ran to the end', String(e && e.stack || e));
} finally {
  if (browser) await browser.close().catch(() => {});
  server.kill('SIGTERM');
}
finish();
