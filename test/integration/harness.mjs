// What both integration launchers prepare before the editor starts (run.mjs: code-server in
// headless Chromium; runElectron.mjs: desktop VS Code through @vscode/test-electron):
//   <scratch>/ws                            the fixture workspace (test/integration/scenario.ts)
//   <scratch>/seeded-store                  a store with a session left "running" (restart recovery),
//                                           registered in the extension's global storage so activation adopts it
//   <scratch>/ud/User/settings.json         savepoint.baseUrl -> the scripted model server
//   <scratch>/savepoint-integration.json    what the suites read (next to the workspace folder)
// Everything binds to 127.0.0.1; the model server is stopped by PID.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

/** The compiled suites: `out/` (npm run compile:integration), or SAVEPOINT_INTEG_OUT for a private build. */
export function compiledDir() {
  const dir = resolve(root, process.env.SAVEPOINT_INTEG_OUT ?? 'out');
  const entry = join(dir, 'test', 'integration', 'index.js');
  if (!existsSync(entry)) throw new Error(`no ${entry}: compile the suites first (tsc -p test/integration/tsconfig.json)`);
  if (!existsSync(join(root, 'dist', 'extension.js'))) throw new Error('no dist/extension.js: run npm run build first');
  return dir;
}

/** The scripted model server (compiled CLI) on 127.0.0.1 playing `steps`. */
export async function startModel(outDir, scratch, steps) {
  const file = join(scratch, 'scenario.json');
  writeFileSync(file, JSON.stringify({ name: 'integration suites', steps }, null, 1));
  const proc = spawn(process.execPath, [join(outDir, 'src', 'cli', 'scriptedServer.js'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = await new Promise((res, rej) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) res(m[1]);
    });
    proc.on('exit', (c) => rej(new Error(`the scripted model server exited (${c}): ${err}`)));
  });
  return {
    url,
    pid: proc.pid,
    violations: () => err,
    stats: async () => (await fetch(`${url}/_scripted/stats`)).json(),
    stop: () => {
      try {
        process.kill(proc.pid, 'SIGTERM');
      } catch {}
    },
  };
}

export async function prepare(outDir, scratch) {
  const require = createRequire(import.meta.url);
  const { FIXTURE_FILES, STEPS, SEEDED_TITLE } = require(join(outDir, 'test', 'integration', 'scenario.js'));
  const ws = join(scratch, 'ws');
  for (const [p, text] of Object.entries(FIXTURE_FILES)) {
    mkdirSync(dirname(join(ws, p)), { recursive: true });
    writeFileSync(join(ws, p), text);
  }
  const ud = join(scratch, 'ud');
  const exts = join(scratch, 'exts');
  mkdirSync(join(ud, 'User'), { recursive: true });
  mkdirSync(exts, { recursive: true });
  const storeDir = join(scratch, 'seeded-store');
  const globalStorage = join(ud, 'User', 'globalStorage', 'savepoint.savepoint');
  const sessionId = execFileSync(process.execPath, [join(outDir, 'test', 'integration', 'seedStore.js'), storeDir, globalStorage, ws], { encoding: 'utf8' }).trim();
  const model = await startModel(outDir, scratch, STEPS);
  const settings = {
    'savepoint.baseUrl': model.url,
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
  };
  writeFileSync(join(ud, 'User', 'settings.json'), JSON.stringify(settings, null, 1));
  const resultsFile = join(scratch, 'results.json');
  const config = { modelUrl: model.url, seeded: { sessionId, title: SEEDED_TITLE, storeDir }, resultsFile };
  writeFileSync(join(scratch, 'savepoint-integration.json'), JSON.stringify(config, null, 1));
  return { ws, ud, exts, model, resultsFile, entry: join(outDir, 'test', 'integration', 'index.js') };
}

/** The final lines both launchers print: one per failure, then `N passed, N failed`. */
export function summary(results) {
  if (!results) return { ok: false, text: 'no results: the suites did not finish' };
  const passed = results.results.filter((r) => r.state === 'passed').length;
  const failed = results.results.filter((r) => r.state === 'failed');
  const lines = failed.map((f) => `  FAILED ${f.title}\n    ${String(f.error).split('\n').slice(0, 6).join('\n    ')}`);
  lines.push(`${passed} passed, ${failed.length} failed (suites ${(results.ms / 1000).toFixed(1)} s)`);
  return { ok: failed.length === 0 && results.failures === 0 && passed > 0, text: lines.join('\n') };
}
