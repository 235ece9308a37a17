// Installs the packaged VSIX into a real VS Code (code-server 4.100.3 from .e2e-tools), opens the
// workbench in headless Chromium, and checks that Savepoint activates: its activity-bar icon, the
// sidebar webview with its bootstrap snapshot, and a palette command answering with a notification.
// Screenshots go to .artifacts/vsix-smoke/. Exit code 0 on success.
//   node test/e2e/vsixSmoke.mjs [path/to/savepoint.vsix]
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const tools = join(root, '.e2e-tools');
if (!existsSync(join(tools, 'node_modules', '.bin', 'code-server')) || !existsSync('/usr/bin/chromium')) {
  const why = 'code-server (test/e2e/tools/install-code-server.sh) or Debian chromium is not installed';
  if (process.env.SAVEPOINT_REQUIRE_E2E === '1') {
    console.error(`[smoke] FAILED: ${why}`);
    process.exit(1);
  }
  console.log(`[smoke] skipped: ${why} (.ci/run installs both)`);
  process.exit(0);
}
const require = createRequire(join(tools, 'package.json'));
const { chromium } = require('playwright-core');
const vsix = resolve(process.argv[2] ?? join(root, 'savepoint.vsix'));
const shots = join(root, '.artifacts', 'vsix-smoke');
mkdirSync(shots, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'savepoint-smoke-'));
const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'xdg-config'), XDG_DATA_HOME: join(scratch, 'xdg-data'), XDG_CACHE_HOME: join(scratch, 'xdg-cache') };
const cs = join(tools, 'node_modules', '.bin', 'code-server');
const args = ['--config', join(scratch, 'config.yaml'), '--user-data-dir', join(scratch, 'ud'), '--extensions-dir', join(scratch, 'exts')];
const ws = join(scratch, 'ws');
mkdirSync(ws);
writeFileSync(join(ws, 'hello.ts'), 'export const hello = 1;\n');
mkdirSync(join(scratch, 'ud', 'User'), { recursive: true });
// The scripted model (never the real API): one edit of hello.ts, then a final answer.
const scenario = [
  { type: 'message', content: [{ type: 'text', text: 'I will bump the constant.' }, { type: 'tool_use', id: 'toolu_smoke_1', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Done: hello is now 2.' }], expect: { toolResultFor: 'toolu_smoke_1', toolResultIsError: false } },
];
writeFileSync(join(scratch, 'scenario.json'), JSON.stringify({ steps: scenario }));

const step = (m) => console.log(`[smoke ${new Date().toISOString().slice(11, 19)}] ${m}`);
let server;
let browser;
const children = [];
const fail = (m) => { throw new Error(m); };
try {
  if (!existsSync(vsix)) fail(`no VSIX at ${vsix}: run npm run package`);
  step(`installing ${vsix}`);
  execFileSync(cs, [...args, '--install-extension', vsix], { env, stdio: 'pipe' });
  const model = spawn(process.execPath, [join(root, 'out', 'src', 'cli', 'scriptedServer.js'), join(scratch, 'scenario.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(model);
  const modelUrl = await new Promise((res, rej) => {
    let buf = '';
    model.stdout.on('data', (d) => { buf += d; const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(buf); if (m) res(m[1]); });
    model.on('exit', (c) => rej(new Error(`scripted model server exited (${c}); run npm run compile first`)));
  });
  step(`scripted model at ${modelUrl}`);
  writeFileSync(join(scratch, 'ud', 'User', 'settings.json'), JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none', 'savepoint.baseUrl': modelUrl }));
  const port = 18000 + Math.floor(Math.random() * 1000);
  server = spawn(cs, [...args, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch {}
    if (i > 100) fail(`code-server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  step(`code-server up at ${url}`);
  browser = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
  const icon = page.locator('.activitybar .action-item a[aria-label^="Savepoint"], .activitybar .action-label[aria-label^="Savepoint"]').first();
  await icon.waitFor({ timeout: 90000 });
  step('activity-bar icon present');
  await page.screenshot({ path: join(shots, '1-workbench.png') });
  await icon.click();
  const web = page.frameLocator('iframe.webview.ready[src*="extensionId=savepoint.savepoint"]').frameLocator('#active-frame');
  await web.locator('text=No sessions yet').waitFor({ timeout: 60000 });
  step('sidebar webview rendered its bootstrap snapshot');
  await page.screenshot({ path: join(shots, '2-sidebar.png') });
  let toast;
  for (let attempt = 1; attempt <= 5 && !toast; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10000 });
    await input.fill('>Savepoint: Show Store Info');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Store Info' }).first();
    try {
      await row.waitFor({ timeout: 10000 });
      await page.keyboard.press('Enter');
      const t = page.locator('.notification-toast', { hasText: 'Savepoint:' }).first();
      await t.waitFor({ timeout: 20000 });
      toast = await t.innerText();
    } catch (e) {
      step(`palette attempt ${attempt} failed: ${e.message.split('\n')[0]}`);
    }
  }
  if (!toast) fail('the Show Store Info command did not answer');
  step(`notification: ${toast.replace(/\s+/g, ' ').slice(0, 200)}`);
  if (!/0 session\(s\), store read-write/.test(toast)) fail(`unexpected notification text: ${toast}`);
  await page.screenshot({ path: join(shots, '3-store-info.png') });

  // A whole session through the UI: palette → task → approval notification → Approve → file changed.
  const palette = async (command) => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10000 });
      await input.fill(`>${command}`);
      try {
        await page.locator('.quick-input-list .monaco-list-row', { hasText: command.split(': ')[1] }).first().waitFor({ timeout: 10000 });
        await page.keyboard.press('Enter');
        return;
      } catch (e) {
        step(`palette attempt ${attempt} failed: ${e.message.split('\n')[0]}`);
      }
    }
    fail(`palette: ${command} not found`);
  };
  await palette('Savepoint: New Session');
  const taskBox = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'What should the agent do?' }).waitFor({ timeout: 10000 });
  await taskBox.fill('Change hello to 2');
  await page.keyboard.press('Enter');
  const ask = page.locator('.notification-toast', { hasText: 'allow the agent to edit_file hello.ts' }).first();
  await ask.waitFor({ timeout: 60000 });
  step('approval notification shown');
  await page.screenshot({ path: join(shots, '4-approval.png') });
  await ask.getByRole('button', { name: 'Approve' }).click();
  const done = page.locator('.notification-toast', { hasText: 'the session completed' }).first();
  await done.waitFor({ timeout: 60000 });
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(join(ws, 'hello.ts'), 'utf8');
  if (text !== 'export const hello = 2;\n') fail(`hello.ts is ${JSON.stringify(text)}`);
  await web.locator('text=Completed (1)').waitFor({ timeout: 20000 });
  step('session completed: hello.ts edited on disk, sidebar shows it under Completed');
  await page.screenshot({ path: join(shots, '5-completed.png') });
  // The timeline in a read-only editor, with the symbol the step changed (tree-sitter grammars from the VSIX).
  await web.locator('li.session', { hasText: 'Change hello to 2' }).click();
  await page.locator('.monaco-editor .view-lines', { hasText: 'changed constant `hello` in hello.ts' }).first().waitFor({ timeout: 30000 });
  step('Show Session: timeline with "changed constant `hello` in hello.ts"');
  await page.screenshot({ path: join(shots, '6-timeline.png') });
  step(`OK, screenshots in ${shots}`);
} finally {
  await browser?.close().catch(() => {});
  if (server?.pid) { try { process.kill(server.pid, 'SIGTERM'); } catch {} }
  for (const c of children) { try { c.kill('SIGTERM'); } catch {} }
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
