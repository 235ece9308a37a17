// npm run test:integration — the mocha suites of test/integration/suite inside the REAL extension
// host, with the real `vscode` module: code-server 4.100.3 (VS Code 1.100.3, from .e2e-tools) opened
// in headless Chromium with VS Code's extension-development payload in the URL (the way "Run
// Extension Tests" opens a window): extensionDevelopmentPath = this repository (its built
// dist/extension.js), extensionTestsPath = the compiled test/integration/index.js. The workbench
// calls window.codeAutomationExit(code) when the suites end. Prints the spec output and a
// `N passed, N failed` line; exits non-zero on failure or timeout. Everything binds to 127.0.0.1
// and is stopped by PID.
//   node test/integration/run.mjs            (SAVEPOINT_INTEG_OUT=.tmp/out-x for a private build,
//                                             SAVEPOINT_INTEGRATION_GREP=pattern, SAVEPOINT_INTEG_TIMEOUT_S=900)
//   node test/integration/run.mjs --multi-root   a workspace of two folders (the fixture twice), and
//                                             only the suites made for it (multiRoot.test.ts)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger, requireTools } from '../e2e/workbench.mjs';
import { compiledDir, prepare, root, summary } from './harness.mjs';

requireTools('integration');
const step = logger('integration');
const started = Date.now();
// The whole run: about 100 tests of a real editor, several minutes on two busy cores (300 s was cut short there).
const timeoutMs = Number(process.env.SAVEPOINT_INTEG_TIMEOUT_S ?? 900) * 1000;
const multiRoot = process.argv.includes('--multi-root');
const artifacts = join(root, '.artifacts', multiRoot ? 'integration-multi-root' : 'integration');
mkdirSync(artifacts, { recursive: true });
const tools = join(root, '.e2e-tools');
const codeServer = join(tools, 'node_modules', '.bin', 'code-server');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

/** Every live process below `pid` (code-server's extension host, watchers, pty host...). */
function descendants(pid) {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const out = [];
  const walk = (p) => {
    for (const [child, parent] of rows) {
      if (parent !== p || out.includes(child)) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/**
 * Waits for (`wait`) or clicks (`click`) the first element a selector finds in any frame, the webviews'
 * too, or marks it with a `data-probe` attribute (`mark`: is it the same element later?), or focuses it
 * (`focus`, and presses the key `press` there), or moves the pointer over it (`hover`), then takes a
 * screenshot (`shot`) of the page or of the element `of`. `count` answers how many elements match, in
 * the frame with the most.
 */
async function uiRequest(page, req) {
  const answer = (r) => writeFileSync(join(artifacts, `ui-${req.id}.json`), JSON.stringify(r));
  const shoot = () => (req.of ? page.locator(req.of).first() : page).screenshot({ path: join(artifacts, `${req.shot}.png`) });
  const selector = req.click ?? req.wait ?? req.mark ?? req.focus ?? req.hover;
  try {
    // `scroll` (with `to`: a number of pixels or 'end') scrolls the page of the frame the selector
    // finds; `where` answers where that page is scrolled and the id of the first entry in view.
    if (req.scroll || req.where) {
      let hit;
      for (const f of page.frames()) if (await f.locator(req.scroll ?? req.where).count().catch(() => 0)) hit = f;
      if (!hit) throw new Error(`nothing on the page matches ${req.scroll ?? req.where}`);
      const at = await hit.evaluate((to) => {
        const s = document.scrollingElement ?? document.documentElement;
        if (to !== undefined) s.scrollTop = to === 'end' ? s.scrollHeight : to;
        const first = [...document.querySelectorAll('li[data-id]')].find((li) => li.getBoundingClientRect().bottom > 0);
        return { top: s.scrollTop, height: s.scrollHeight, anchor: first?.getAttribute('data-id') ?? null };
      }, req.scroll ? req.to : undefined);
      await sleep(300);
      if (req.shot) await shoot();
      answer({ ok: true, ...at });
      return;
    }
    // `script` (a JavaScript expression) is evaluated in the frame that `in` finds (the workbench page
    // itself without `in`); its value, JSON, is the answer's `value`.
    if (req.script) {
      let hit = req.in ? undefined : page.mainFrame();
      for (const f of req.in ? page.frames() : []) if (await f.locator(req.in).count().catch(() => 0)) hit = f;
      if (!hit) throw new Error(`nothing on the page matches ${req.in}`);
      const value = await hit.evaluate(req.script);
      if (req.shot) await shoot();
      answer({ ok: true, value });
      return;
    }
    // `aria` answers, as `value`, the accessibility tree (roles, names, states) of the first element it finds, as the browser computes it.
    if (req.aria) {
      let hit;
      for (const f of page.frames()) if (await f.locator(req.aria).count().catch(() => 0)) hit = f;
      if (!hit) throw new Error(`nothing on the page matches ${req.aria}`);
      answer({ ok: true, value: await hit.locator(req.aria).first().ariaSnapshot({ timeout: 10000 }) });
      return;
    }
    // `keys` presses these keys one after the other where the keyboard focus is (as a user types them).
    if (req.keys) {
      for (const k of req.keys) await page.keyboard.press(k);
      await sleep(200);
      if (req.shot) await shoot();
      answer({ ok: true });
      return;
    }
    // `focused` answers count 1 when the focus of the frame the selector finds is on that element.
    if (req.focused) {
      let count = 0;
      for (const f of page.frames()) count = Math.max(count, await f.evaluate((sel) => (document.activeElement?.matches(sel) ? 1 : 0), req.focused).catch(() => 0));
      answer({ ok: true, count });
      return;
    }
    if (req.count) {
      let count = 0;
      for (const f of page.frames()) count = Math.max(count, await f.locator(req.count).count().catch(() => 0));
      answer({ ok: true, count });
      return;
    }
    for (let tries = 0; selector; tries++) {
      let hit;
      for (const f of page.frames()) if (await f.locator(selector).count().catch(() => 0)) hit = f;
      if (hit) {
        if (req.click) await hit.locator(selector).first().click({ timeout: 10000 });
        if (req.mark) await hit.locator(selector).first().evaluate((e) => e.setAttribute('data-probe', '1'));
        // `focus` puts the keyboard focus on the element, then presses `press` (a key name) there if given.
        if (req.focus) await hit.locator(selector).first().focus({ timeout: 10000 });
        if (req.focus && req.press) await hit.locator(selector).first().press(req.press, { timeout: 10000 });
        if (req.hover) await hit.locator(selector).first().hover({ timeout: 10000 });
        break;
      }
      if (tries > 120) throw new Error(`nothing on the page matches ${selector}`);
      await sleep(250);
    }
    if (req.shot) await shoot();
    answer({ ok: true });
  } catch (e) {
    answer({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

const outDir = compiledDir();
const scratch = mkdtempSync(join(tmpdir(), 'savepoint-integ-'));
const prep = await prepare(outDir, scratch);
step(`scripted model at ${prep.model.url}; fixture workspace ${prep.ws}`);
// Two folders: the fixture, and a copy of it beside (files of the same names in both).
let opened = `folder=${encodeURIComponent(prep.ws)}`;
let openArg = prep.ws;
if (multiRoot) {
  const second = join(scratch, 'ws-second');
  cpSync(prep.ws, second, { recursive: true });
  openArg = join(scratch, 'two-folders.code-workspace');
  writeFileSync(openArg, JSON.stringify({ folders: [{ path: prep.ws }, { path: second }] }, null, 1));
  opened = `workspace=${encodeURIComponent(openArg)}`;
  step(`multi-root workspace ${openArg}: ${prep.ws} and ${second}`);
}

const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'xdg-config'), XDG_DATA_HOME: join(scratch, 'xdg-data'), XDG_CACHE_HOME: join(scratch, 'xdg-cache') };
delete env.ANTHROPIC_API_KEY;
// The extension host inherits this; the suites' reporter marks its lines with it (see index.ts).
const TAG = '[savepoint-integration] ';
env.SAVEPOINT_INTEG_TAG = TAG;
// A suite asks the browser for a screenshot or a click (helpers.ts `workbenchUi`); the answer is a file in artifacts.
const UI_TAG = '[savepoint-integration-ui] ';
env.SAVEPOINT_INTEG_UI = artifacts;
if (multiRoot) env.SAVEPOINT_INTEGRATION_GREP ??= 'multi-root workspace';
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = spawn(
  codeServer,
  ['--config', join(scratch, 'config.yaml'), '--user-data-dir', prep.ud, '--extensions-dir', prep.exts, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', openArg],
  { env, stdio: ['ignore', 'pipe', 'pipe'] },
);
let serverLog = '';
let consoleLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));

let browser;
let exitCode = 1;
let why = '';
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 150 || server.exitCode !== null) throw new Error(`code-server did not start:\n${serverLog}`);
    await sleep(200);
  }
  step(`code-server ${url} (pid ${server.pid})`);

  const { chromium } = createRequire(join(tools, 'package.json'))('playwright-core');
  browser = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  let onExit;
  const exited = new Promise((res) => (onExit = res));
  // The workbench calls window.codeAutomationExit(code) when the extension tests end (0: run() resolved).
  await page.exposeFunction('codeAutomationExit', (code) => onExit(Number(code)));
  // The extension host's console (mocha's spec reporter) is forwarded to the page's console.
  page.on('console', (m) => {
    const text = m.text();
    consoleLog += `${text}\n`;
    const ui = text.indexOf(UI_TAG);
    if (ui >= 0) void uiRequest(page, JSON.parse(text.slice(ui + UI_TAG.length)));
    const at = text.indexOf(TAG);
    if (at >= 0) console.log(text.slice(at + TAG.length));
  });
  const host = new URL(url).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${root}`],
    ['extensionTestsPath', `vscode-remote://${host}${prep.entry}`],
  ];
  await page.goto(`${url}/?${opened}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  step('workbench opened with the extension-development payload; the suites run in the extension host');
  const timer = new Promise((res) => setTimeout(() => res('timeout'), Math.max(10000, timeoutMs - (Date.now() - started))));
  const code = await Promise.race([exited, timer]);
  if (code === 'timeout') {
    why = `timed out after ${timeoutMs / 1000} s`;
    await page.screenshot({ path: join(artifacts, 'timeout.png') }).catch(() => {});
  } else {
    exitCode = code === 0 ? 0 : 1;
    if (exitCode !== 0) await page.screenshot({ path: join(artifacts, 'failure.png') }).catch(() => {});
  }
} catch (e) {
  why = e instanceof Error ? e.message : String(e);
} finally {
  await browser?.close().catch(() => {});
  const children = server.exitCode === null ? descendants(server.pid) : [];
  try {
    process.kill(server.pid, 'SIGTERM');
  } catch {}
  await sleep(500);
  for (const pid of children) try { process.kill(pid, 'SIGKILL'); } catch {}
  prep.model.stop();
}

const results = existsSync(prep.resultsFile) ? JSON.parse(readFileSync(prep.resultsFile, 'utf8')) : undefined;
const { ok, text } = summary(results);
writeFileSync(join(artifacts, 'code-server.log'), serverLog);
writeFileSync(join(artifacts, 'browser-console.log'), consoleLog);
if (results) writeFileSync(join(artifacts, 'results.json'), JSON.stringify(results, null, 1));
if (prep.model.violations()) console.log(`[integration] model server: ${prep.model.violations().trim()}`);
console.log(text);
if (why) console.log(`[integration] FAILED: ${why}`);
const pass = exitCode === 0 && ok && !why;
step(`${pass ? 'OK' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (logs in ${artifacts})`);
if (pass) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
else console.log(`[integration] scratch kept for inspection: ${scratch}`);
process.exit(pass ? 0 : 1);
