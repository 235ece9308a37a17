// A real VS Code for the end-to-end suites: code-server 4.100.3 (from .e2e-tools) with the packaged
// VSIX installed, headless Debian Chromium driven by playwright-core, the project's scripted model
// server as the model. Everything binds to 127.0.0.1 and is stopped by PID.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
const tools = join(root, '.e2e-tools');
const codeServer = join(tools, 'node_modules', '.bin', 'code-server');

/** Exits 0 with a message (or 1 under SAVEPOINT_REQUIRE_E2E=1) when the tools are missing. */
export function requireTools(name) {
  if (existsSync(codeServer) && existsSync('/usr/bin/chromium')) return;
  const why = 'code-server (test/e2e/tools/install-code-server.sh) or Debian chromium is not installed';
  if (process.env.SAVEPOINT_REQUIRE_E2E === '1') {
    console.error(`[${name}] FAILED: ${why}`);
    process.exit(1);
  }
  console.log(`[${name}] skipped: ${why} (.ci/run installs both)`);
  process.exit(0);
}

export const logger = (name) => (m) => console.log(`[${name} ${new Date().toISOString().slice(11, 19)}] ${m}`);
export const fail = (m) => {
  throw new Error(m);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The scripted model server (compiled CLI) playing `steps`; `stats()` asks it what it saw. */
export async function startScriptedModel(scratch, steps) {
  const file = join(scratch, `scenario-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ steps }));
  const proc = spawn(process.execPath, [join(root, 'out', 'src', 'cli', 'scriptedServer.js'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((res, rej) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) res(m[1]);
    });
    proc.on('exit', (c) => rej(new Error(`scripted model server exited (${c}); run npm run compile first`)));
  });
  return {
    url,
    stats: async () => (await fetch(`${url}/_scripted/stats`)).json(),
    stop: () => proc.kill('SIGTERM'),
  };
}

/**
 * code-server with the VSIX, a workspace holding `files`, user `settings`; Chromium on it.
 * Returns the page plus helpers; `close()` stops everything.
 */
export async function startWorkbench({ vsix, files, settings, shots }) {
  const require = createRequire(join(tools, 'package.json'));
  const { chromium } = require('playwright-core');
  const scratch = mkdtempSync(join(tmpdir(), 'savepoint-e2e-'));
  const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'xdg-config'), XDG_DATA_HOME: join(scratch, 'xdg-data'), XDG_CACHE_HOME: join(scratch, 'xdg-cache') };
  delete env.ANTHROPIC_API_KEY;
  const args = ['--config', join(scratch, 'config.yaml'), '--user-data-dir', join(scratch, 'ud'), '--extensions-dir', join(scratch, 'exts')];
  const ws = join(scratch, 'ws');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, p)), { recursive: true });
    writeFileSync(join(ws, p), text);
  }
  mkdirSync(join(scratch, 'ud', 'User'), { recursive: true });
  const writeSettings = (extra) =>
    writeFileSync(join(scratch, 'ud', 'User', 'settings.json'), JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none', ...extra }));
  writeSettings(settings);
  if (!existsSync(vsix)) fail(`no VSIX at ${vsix}: run npm run package`);
  execFileSync(codeServer, [...args, '--install-extension', vsix], { env, stdio: 'pipe' });
  let server;
  let log = '';
  const port = 18000 + Math.floor(Math.random() * 1000);
  const url = `http://127.0.0.1:${port}`;
  const startServer = async () => {
    server = spawn(codeServer, [...args, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.on('data', (d) => (log += d));
    server.stderr.on('data', (d) => (log += d));
    server.on('exit', (code, signal) => (log += `\n[code-server exited: ${code ?? signal}]\n`));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return;
      } catch {}
      if (i > 150) fail(`code-server did not start:\n${log}`);
      await sleep(200);
    }
  };
  await startServer();
  /** Every live process under the current code-server. */
  const tree = () => {
    const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/)).filter(Boolean).map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
    const parent = new Map(rows.map((r) => [r.pid, r.ppid]));
    const under = (pid) => { for (let p = parent.get(pid) ?? 0, i = 0; p > 1 && i < 50; p = parent.get(p) ?? 0, i++) if (p === server.pid) return true; return false; };
    return rows.filter((r) => under(r.pid));
  };
  const browser = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const icon = page.locator('.activitybar .action-item a[aria-label^="Savepoint"], .activitybar .action-label[aria-label^="Savepoint"]').first();
  const open = async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
    await icon.waitFor({ timeout: 90000 });
  };
  await open();
  let shot = 0;
  return {
    page,
    ws,
    scratch,
    icon,
    open,
    writeSettings,
    /** Opens the Savepoint container unless it already shows (a click on a shown one would hide it). */
    async showSidebar() {
      const shown = page.locator('.activitybar .action-item.checked a[aria-label^="Savepoint"], .activitybar .action-item.checked .action-label[aria-label^="Savepoint"]').first();
      if (!(await shown.isVisible())) await icon.click();
      await shown.waitFor({ timeout: 10000 });
    },
    sidebar: () => page.frameLocator('iframe.webview.ready[src*="extensionId=savepoint.savepoint"]').frameLocator('#active-frame'),
    screenshot: async (name) => page.screenshot({ path: join(shots, `${String(++shot).padStart(2, '0')}-${name}.png`) }),
    /** PIDs of this code-server's live extension hosts (processes under it started with --type=extensionHost). */
    extensionHostPids: () => tree().filter((p) => /extensionHost/.test(p.args)).map((p) => p.pid),
    serverLog: () => log,
    /** Kills the whole code-server (server, extension host and all) with SIGKILL and starts it again. */
    restartServer: async () => {
      for (const p of [{ pid: server.pid }, ...tree()]) try { process.kill(p.pid, 'SIGKILL'); } catch {}
      for (let i = 0; i < 50 && tree().length > 0; i++) await sleep(100);
      await sleep(300);
      await startServer();
    },
    async palette(command) {
      // A late workbench restore can close the palette or steal the focus: retry the whole thing.
      for (let attempt = 1; attempt <= 6; attempt++) {
        try {
          await page.keyboard.press('Escape');
          await page.locator('.monaco-workbench').first().click({ position: { x: 700, y: 400 }, timeout: 5000 }).catch(() => {});
          await page.keyboard.press('F1');
          const input = page.locator('.quick-input-widget input');
          await input.waitFor({ timeout: 10000 });
          await input.fill(`>${command}`);
          await page.locator('.quick-input-list .monaco-list-row', { hasText: command.split(': ')[1] }).first().waitFor({ timeout: 10000 });
          await page.keyboard.press('Enter');
          return;
        } catch {}
      }
      fail(`palette: ${command} not found`);
    },
    async close() {
      await browser.close().catch(() => {});
      try { process.kill(server.pid, 'SIGTERM'); } catch {}
      try {
        const left = execFileSync('pgrep', ['-f', join(scratch, 'ud')], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
        for (const pid of left) try { process.kill(pid, 'SIGKILL'); } catch {}
      } catch {}
      rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
