// The packaged VSIX in a real VS Code: it installs and activates, the sidebar renders its
// bootstrap snapshot, a palette command answers, and a whole session runs through the UI
// (palette → task → approval notification → Approve → file changed → timeline with the changed
// symbol). Screenshots in .artifacts/vsix-smoke/.   node test/e2e/vsixSmoke.mjs [savepoint.vsix]
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, logger, requireTools, root, startScriptedModel, startWorkbench } from './workbench.mjs';

requireTools('smoke');
const step = logger('smoke');
const shots = join(root, '.artifacts', 'vsix-smoke');
mkdirSync(shots, { recursive: true });
const model = await startScriptedModel(mkdtempSync(join(tmpdir(), 'savepoint-model-')), [
  { type: 'message', content: [{ type: 'text', text: 'I will bump the constant.' }, { type: 'tool_use', id: 'toolu_smoke_1', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Done: hello is now 2.' }], expect: { toolResultFor: 'toolu_smoke_1', toolResultIsError: false } },
]);
step(`scripted model at ${model.url}`);
const wb = await startWorkbench({ vsix: resolve(process.argv[2] ?? join(root, 'savepoint.vsix')), files: { 'hello.ts': 'export const hello = 1;\n' }, settings: { 'savepoint.baseUrl': model.url, 'savepoint.store.encryptAtRest': true }, shots });
try {
  const { page } = wb;
  step('activity-bar icon present');
  await wb.screenshot('workbench');
  await wb.icon.click();
  const web = wb.sidebar();
  await web.locator('text=No sessions yet').waitFor({ timeout: 60000 });
  step('sidebar webview rendered its bootstrap snapshot');
  await wb.screenshot('sidebar');
  await wb.palette('Savepoint: Show Store Info');
  const info = page.locator('.notification-toast', { hasText: 'Savepoint:' }).first();
  await info.waitFor({ timeout: 20000 });
  const toast = await info.innerText();
  if (!/0 session\(s\), store read-write/.test(toast)) fail(`unexpected notification text: ${toast}`);
  step(`notification: ${toast.replace(/\s+/g, ' ').slice(0, 160)}`);
  await wb.screenshot('store-info');

  await wb.palette('Savepoint: New Session');
  await page.locator('.quick-input-widget', { hasText: 'What should the agent do?' }).waitFor({ timeout: 10000 });
  await page.locator('.quick-input-widget input').fill('Change hello to 2');
  await page.keyboard.press('Enter');
  const ask = page.locator('.notification-toast', { hasText: 'allow the agent to edit_file hello.ts' }).first();
  await ask.waitFor({ timeout: 60000 });
  step('approval notification shown');
  await wb.screenshot('approval');
  await ask.getByRole('button', { name: 'Approve' }).click();
  await page.locator('.notification-toast', { hasText: 'the session completed' }).first().waitFor({ timeout: 60000 });
  const text = readFileSync(join(wb.ws, 'hello.ts'), 'utf8');
  if (text !== 'export const hello = 2;\n') fail(`hello.ts is ${JSON.stringify(text)}`);
  await web.locator('text=Completed (1)').waitFor({ timeout: 20000 });
  step('session completed: hello.ts edited on disk, sidebar shows it under Completed');
  await wb.screenshot('completed');
  await web.locator('li.session', { hasText: 'Change hello to 2' }).click();
  await page.locator('.monaco-editor .view-lines', { hasText: 'changed constant `hello` in hello.ts' }).first().waitFor({ timeout: 30000 });
  step('Show Session: timeline with "changed constant `hello` in hello.ts"');
  await wb.screenshot('timeline');
  // Encryption at rest (key in SecretStorage): the task's words are nowhere in the store's files.
  const storeDir = /store read-write at (\S+)/.exec(toast)?.[1];
  if (!storeDir) fail(`no store path in: ${toast}`);
  await page.waitForTimeout(500);
  const plain = readdirSync(storeDir).filter((f) => /\.(log|ldb)$/.test(f) && readFileSync(join(storeDir, f)).includes('Change hello to 2'));
  if (plain.length) fail(`plaintext in the encrypted store: ${plain.join(', ')}`);
  step('store encrypted at rest: no plaintext of the session in its files');
  const stats = await model.stats();
  if (stats.requests !== 2 || stats.violations.length || stats.duplicateTurns.length) fail(`model server: ${JSON.stringify(stats)}`);
  step(`OK (model requests ${stats.requests}, no violations); screenshots in ${shots}`);
} finally {
  await wb.close();
  model.stop();
}
