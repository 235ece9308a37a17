// The same integration suites in DESKTOP VS Code, through @vscode/test-electron, on a machine that
// can download VS Code (it caches it in .vscode-test/). Same fixture, seeded store and scripted model
// as run.mjs; only the editor differs.
//   npm run build && npx tsc -p test/integration/tsconfig.json && node test/integration/runElectron.mjs
// VSCODE_VERSION picks the version (default: stable); on Linux without a display, run it under
// xvfb-run -a. SAVEPOINT_INTEGRATION_GREP=pattern runs some tests only.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { compiledDir, prepare, root, summary } from './harness.mjs';

const started = Date.now();
const outDir = compiledDir();
const scratch = mkdtempSync(join(tmpdir(), 'savepoint-integ-electron-'));
const prep = await prepare(outDir, scratch);
console.log(`[integration] scripted model at ${prep.model.url}; fixture workspace ${prep.ws}`);
let why = '';
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: prep.entry,
    launchArgs: [prep.ws, '--user-data-dir', prep.ud, '--extensions-dir', prep.exts, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-gpu'],
    extensionTestsEnv: { ANTHROPIC_API_KEY: '', ...(process.env.SAVEPOINT_INTEGRATION_GREP ? { SAVEPOINT_INTEGRATION_GREP: process.env.SAVEPOINT_INTEGRATION_GREP } : {}) },
  });
} catch (e) {
  why = e instanceof Error ? e.message : String(e);
} finally {
  prep.model.stop();
}
const results = existsSync(prep.resultsFile) ? JSON.parse(readFileSync(prep.resultsFile, 'utf8')) : undefined;
const { ok, text } = summary(results);
console.log(text);
if (why) console.log(`[integration] FAILED: ${why}`);
const pass = ok && !why;
console.log(`[integration] ${pass ? 'OK' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (pass) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
else console.log(`[integration] scratch kept for inspection: ${scratch}`);
process.exit(pass ? 0 : 1);
