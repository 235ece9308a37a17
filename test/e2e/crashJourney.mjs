// Crash journeys in a real VS Code (code-server + Chromium), with the packaged VSIX and the scripted
// model. (1) An approval is pending when the extension host is SIGKILLed: after VS Code restarts the
// host, the approval is offered again (status bar), and approving it applies the edit once.
// (2) A command is running when the WHOLE server is SIGKILLed: after a restart the session shows as
// interrupted, Resume asks before re-running the command, the command ran once, the session completes.
// Neither journey requests a journaled model turn twice. Screenshots in .artifacts/crash-journey/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, logger, requireTools, root, startScriptedModel, startWorkbench } from './workbench.mjs';

requireTools('crash');
const step = logger('crash');
const shots = join(root, '.artifacts', 'crash-journey');
mkdirSync(shots, { recursive: true });
const vsix = resolve(process.argv[2] ?? join(root, 'savepoint.vsix'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const model = await startScriptedModel(mkdtempSync(join(tmpdir(), 'savepoint-model-')), [
  { type: 'message', content: [{ type: 'text', text: 'Editing.' }, { type: 'tool_use', id: 'toolu_j1_edit', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Edited.' }], expect: { toolResultFor: 'toolu_j1_edit', toolResultIsError: false } },
  { type: 'message', content: [{ type: 'text', text: 'Running the slow job.' }, { type: 'tool_use', id: 'toolu_j2_cmd', name: 'run_command', input: { command: 'sleep 6 && echo ran >> job.log' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Job handled.' }], expect: { toolResultFor: 'toolu_j2_cmd' } },
]);
const wb = await startWorkbench({ vsix, files: { 'hello.ts': 'export const hello = 1;\n' }, settings: { 'savepoint.baseUrl': model.url }, shots });
const { page } = wb;
const toast = (text) => page.locator('.notification-toast', { hasText: text }).first();
try {
  // Journey 1: the extension host dies while an approval is pending.
  await wb.icon.click();
  await wb.palette('Savepoint: New Session');
  await page.locator('.quick-input-widget', { hasText: 'What should the agent do?' }).waitFor({ timeout: 10000 });
  await page.locator('.quick-input-widget input').fill('Bump hello');
  await page.keyboard.press('Enter');
  await toast('allow the agent to edit_file hello.ts').waitFor({ timeout: 60000 });
  await wb.screenshot('approval-before-kill');
  const hosts = wb.extensionHostPids();
  const host = hosts[hosts.length - 1];
  if (!host) fail('no extension host pid in the server log');
  process.kill(host, 'SIGKILL');
  step(`extension host ${host} killed with SIGKILL while the approval was pending`);
  const bar = page.locator('.statusbar-item', { hasText: 'Savepoint: 1 approval waiting' }).first();
  for (let i = 0; i < 60 && wb.extensionHostPids().includes(host); i++) await sleep(500);
  await bar.waitFor({ timeout: 90000 });
  step('after the restart of the extension host: "Savepoint: 1 approval waiting" in the status bar');
  await wb.screenshot('status-bar-after-kill');
  await bar.click();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Bump hello' }).first().click();
  const again = page.locator('.notification-toast', { hasText: 'allow the agent to edit_file hello.ts' }).last();
  await again.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 30000 });
  await wb.screenshot('approval-offered-again');
  await again.getByRole('button', { name: 'Approve' }).click();
  await toast('the session completed').waitFor({ timeout: 60000 });
  if (readFileSync(join(wb.ws, 'hello.ts'), 'utf8') !== 'export const hello = 2;\n') fail('hello.ts was not edited exactly once');
  step('approved after the restart: hello.ts edited, session completed');

  // Journey 2: the whole server dies while a command runs.
  await wb.palette('Notifications: Clear All Notifications');
  await wb.palette('Savepoint: New Session');
  await page.locator('.quick-input-widget', { hasText: 'What should the agent do?' }).waitFor({ timeout: 10000 });
  await page.locator('.quick-input-widget input').fill('Run the slow job');
  await page.keyboard.press('Enter');
  const run = toast('allow the agent to run `sleep 6 && echo ran >> job.log`');
  try {
    await run.waitFor({ timeout: 30000 });
  } catch {
    // The toast can be hidden behind others: the status bar offers the same approval again.
    step('no approval toast after 30 s: asking through the status bar');
    await page.locator('.statusbar-item', { hasText: 'approval waiting' }).first().click({ timeout: 30000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run the slow job' }).first().click({ timeout: 30000 });
    await run.waitFor({ timeout: 30000 });
  }
  await run.getByRole('button', { name: 'Approve' }).click();
  await sleep(1500);
  await wb.screenshot('command-running');
  await wb.restartServer();
  step('code-server killed with SIGKILL while the command ran, and started again');
  await sleep(6000);
  await wb.open();
  const interrupted = toast('interrupted when the editor stopped');
  await interrupted.waitFor({ timeout: 90000 });
  await wb.screenshot('interrupted-offer');
  step('after the restart: "A session was interrupted" with Resume');
  await interrupted.getByRole('button', { name: 'Resume' }).click();
  const rerun = toast('was interrupted and may have partly run');
  await rerun.waitFor({ timeout: 60000 });
  await wb.screenshot('rerun-question');
  const log = existsSync(join(wb.ws, 'job.log')) ? readFileSync(join(wb.ws, 'job.log'), 'utf8') : '';
  step(`the command ${log.includes('ran') ? 'had finished before the kill: Reject' : 'had not finished: Run Again'}`);
  await rerun.getByRole('button', { name: log.includes('ran') ? 'Reject' : 'Run Again' }).click();
  if (log.includes('ran')) {
    await page.locator('.quick-input-widget input').fill('it already ran');
    await page.keyboard.press('Enter');
  }
  await toast('the session completed').waitFor({ timeout: 60000 });
  await sleep(7000);
  const runs = readFileSync(join(wb.ws, 'job.log'), 'utf8').split('\n').filter(Boolean).length;
  if (runs !== 1) fail(`the command ran ${runs} times`);
  await wb.icon.click();
  await wb.sidebar().locator('text=Completed (2)').waitFor({ timeout: 30000 });
  await wb.screenshot('both-completed');
  const stats = await model.stats();
  if (stats.violations.length || stats.duplicateTurns.length || stats.requests !== 4) fail(`model server: ${JSON.stringify(stats)}`);
  step(`OK: the command ran once, ${stats.requests} model requests for 4 turns, none twice; screenshots in ${shots}`);
} catch (e) {
  console.error(`[crash] server log tail:\n${wb.serverLog().slice(-3000)}`);
  throw e;
} finally {
  await wb.close();
  model.stop();
}
