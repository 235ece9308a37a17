// The packaged VSIX in a real VS Code: it installs and activates, the sidebar renders its
// bootstrap snapshot, a palette command answers, and a whole session runs through the UI
// (palette → task → approval notification → Approve → file changed → timeline with the changed
// symbol), then the sidebar's session view (timeline with the tool call, its diff stat and the
// open-diff button, the streamed turn, a restore after hiding, no CSP violation), and a second
// session whose approval nobody answers (the approval timeout rejects it). Screenshots in
// .artifacts/vsix-smoke/.
//   node test/e2e/vsixSmoke.mjs [savepoint.vsix]
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, logger, requireTools, root, startScriptedModel, startWorkbench } from './workbench.mjs';

requireTools('smoke');
const step = logger('smoke');
const shots = join(root, '.artifacts', 'vsix-smoke');
mkdirSync(shots, { recursive: true });
const FINAL = `Done: hello is now 2. ${'The constant is exported, so every importer sees the new value; nothing else refers to the old one. '.repeat(4)}`;
const model = await startScriptedModel(mkdtempSync(join(tmpdir(), 'savepoint-model-')), [
  { type: 'message', content: [{ type: 'text', text: 'I will bump the constant.' }, { type: 'tool_use', id: 'toolu_smoke_1', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } }] },
  // Streamed slowly (12 characters every 60 ms), so the sidebar shows the turn while it arrives; the
  // first attempt is cut mid-stream, so the turn is retried (its streamed text starts over).
  ...[{ cut: { afterEvents: 10 } }, {}].map((extra) => ({ type: 'message', content: [{ type: 'text', text: FINAL }], chunkDelayMs: 60, expect: { toolResultFor: 'toolu_smoke_1', toolResultIsError: false }, ...extra })),
  // The second session's edit is never answered: the approval timeout rejects it.
  { type: 'message', content: [{ type: 'text', text: 'Now to 3.' }, { type: 'tool_use', id: 'toolu_smoke_2', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 2', new_text: 'hello = 3' } }] },
  { type: 'message', content: [{ type: 'text', text: 'The edit was rejected; hello stays 2.' }], expect: { toolResultFor: 'toolu_smoke_2', toolResultIsError: true } },
]);
step(`scripted model at ${model.url}`);
// Approvals time out after 15 seconds: the first is answered at once, the second is left alone.
const settings = { 'savepoint.baseUrl': model.url, 'savepoint.store.encryptAtRest': true, 'savepoint.approval.timeoutMinutes': 0.25 };
const wb = await startWorkbench({ vsix: resolve(process.argv[2] ?? join(root, 'savepoint.vsix')), files: { 'hello.ts': 'export const hello = 1;\n' }, settings, shots });
try {
  const { page } = wb;
  // Every frame's console, webviews included: a CSP violation shows up here as "Refused to …".
  const cspViolations = [];
  page.on('console', (m) => /Content Security Policy|Refused to (load|apply|execute|connect)/i.test(m.text()) && cspViolations.push(m.text()));
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
  if (!/0 sessions, store read-write/.test(toast)) fail(`unexpected notification text: ${toast}`);
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
  // The session view while the second turn streams in: its text grows in the live block.
  await web.locator('li.session', { hasText: 'Change hello to 2' }).click();
  const live = web.locator('li.entry-live pre');
  await live.waitFor({ timeout: 30000 });
  const earlyText = await live.innerText();
  await page.waitForTimeout(700);
  const laterText = await live.innerText({ timeout: 1000 }).catch(() => null);
  // Empty right after the retry (the cut attempt's text is void), else the turn from its start.
  for (const t of [earlyText, laterText]) if (t && !t.startsWith('Done: hello')) fail(`the live block lost the start of the turn: ${t.slice(0, 60)}`);
  step(`live turn streamed in the session view: ${earlyText.length} then ${laterText?.length ?? 'journaled'} characters`);
  await wb.screenshot('live-stream');
  await page.locator('.notification-toast', { hasText: 'the session completed' }).first().waitFor({ timeout: 60000 });
  const turn2 = web.locator('li.entry-model', { hasText: 'nothing else refers to the old one' });
  await turn2.waitFor({ timeout: 20000 });
  const retried = await turn2.locator('.retries').innerText({ timeout: 5000 });
  if (!/1 retry/.test(retried)) fail(`the cut attempt is not shown as a retry: ${retried}`);
  step(`the retried turn says so: "${retried.trim()}"`);
  if (await web.locator('li.entry-live').count()) fail('the live block outlived its journaled turn');
  await web.locator('vscode-icon[title="Back to the sessions"]').click();
  const text = readFileSync(join(wb.ws, 'hello.ts'), 'utf8');
  if (text !== 'export const hello = 2;\n') fail(`hello.ts is ${JSON.stringify(text)}`);
  await web.locator('text=Completed (1)').waitFor({ timeout: 20000 });
  step('session completed: hello.ts edited on disk, sidebar shows it under Completed');
  await wb.screenshot('completed');
  await web.locator('li.session', { hasText: 'Change hello to 2' }).click();
  await web.locator('.detail-title', { hasText: 'Change hello to 2' }).waitFor({ timeout: 20000 });
  const tool = web.locator('li.entry-tool', { hasText: 'edit_file' }).first();
  await tool.waitFor({ timeout: 20000 });
  await tool.locator('li.file', { hasText: 'hello.ts' }).waitFor({ timeout: 10000 });
  const stat = (await tool.locator('.files').innerText()).replace(/\s+/g, ' ');
  if (!/1 file changed \+1 −1/.test(stat)) fail(`diff stat in the timeline: ${stat}`);
  await tool.locator('ul.symbols', { hasText: 'changed constant `hello` in hello.ts' }).waitFor({ timeout: 10000 });
  await web.locator('li.entry-model', { hasText: 'I will bump the constant.' }).waitFor({ timeout: 10000 });
  await web.locator('li.entry-approval', { hasText: 'Approved after' }).waitFor({ timeout: 10000 });
  // The @vscode-elements widgets rendered (their shadow styles apply under the CSP).
  const buttonBg = await web.locator('.detail-actions vscode-button').first().evaluate((b) => {
    const base = b.shadowRoot?.querySelector('.base');
    return base ? getComputedStyle(base).backgroundColor : 'no shadow root';
  });
  if (!/^rgb/.test(buttonBg) || buttonBg === 'rgba(0, 0, 0, 0)') fail(`vscode-button is not styled: ${buttonBg}`);
  step(`session view: turn text, edit_file with "${stat.trim()}", the symbol change, the approval with its wait`);
  await wb.screenshot('session-view');
  await tool.locator('vscode-collapsible[heading="Input"]').click();
  await tool.locator('pre.body', { hasText: '"old_text": "hello = 1"' }).waitFor({ timeout: 10000 });
  await wb.screenshot('session-view-input');
  await tool.locator('vscode-icon[title^="Open the diff of step"]').first().click();
  await page.locator('.tab', { hasText: 'hello.ts (step' }).first().waitFor({ timeout: 20000 });
  await page.locator('.monaco-diff-editor .view-lines', { hasText: 'hello = 2' }).first().waitFor({ timeout: 20000 });
  step('open-diff button: the diff editor shows the step\'s change to hello.ts');
  await wb.screenshot('step-diff');
  await web.locator('vscode-icon[title="Open the timeline as a document"]').click();
  await page.locator('.monaco-editor .view-lines', { hasText: 'changed constant `hello` in hello.ts' }).first().waitFor({ timeout: 30000 });
  step('Show Session: timeline with "changed constant `hello` in hello.ts"');
  await wb.screenshot('timeline');
  // Hidden and shown again, the view restores the open session from its saved UI state.
  await wb.icon.click();
  await page.waitForTimeout(500);
  await wb.icon.click();
  await wb.sidebar().locator('.detail-title', { hasText: 'Change hello to 2' }).waitFor({ timeout: 30000 });
  await wb.sidebar().locator('li.entry-tool', { hasText: 'edit_file' }).waitFor({ timeout: 20000 });
  step('sidebar hidden and shown: the session view restored from a fresh snapshot');
  await wb.screenshot('session-view-restored');
  // The page reports CSP violations as events: listen, then render the list and the session view afresh.
  const consoleBefore = cspViolations.length;
  const control = await wb.sidebar().locator('body').evaluate(async () => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    // A control: an inline <style> without the nonce must be refused, and reported.
    const probe = Object.assign(document.createElement('style'), { textContent: 'body { outline: 1px solid red; }' });
    document.head.append(probe);
    await new Promise((r) => setTimeout(r, 300));
    probe.remove();
    return window.__cspViolations.splice(0);
  });
  if (!control.some((v) => v.startsWith('style-src'))) fail(`the CSP did not refuse an inline style: ${JSON.stringify(control)}`);
  await page.waitForTimeout(300);
  if (cspViolations.length === consoleBefore) fail('the console did not report the refused inline style');
  cspViolations.length = consoleBefore;
  await wb.sidebar().locator('vscode-icon[title="Back to the sessions"]').click();
  await wb.sidebar().locator('text=Completed (1)').waitFor({ timeout: 10000 });
  await wb.sidebar().locator('li.session', { hasText: 'Change hello to 2' }).click();
  await wb.sidebar().locator('li.entry-tool', { hasText: 'edit_file' }).waitFor({ timeout: 20000 });
  const inPage = await wb.sidebar().locator('body').evaluate(() => window.__cspViolations);
  const sheets = await wb.sidebar().locator('.detail-actions vscode-button').first().evaluate((b) => b.shadowRoot?.adoptedStyleSheets.length ?? 0);
  if (inPage.length || cspViolations.length) fail(`CSP violations:\n${[...inPage, ...cspViolations].join('\n')}`);
  if (!sheets) fail('vscode-button has no adopted stylesheet');
  await wb.sidebar().locator('vscode-icon[title="Back to the sessions"]').click();
  await wb.sidebar().locator('text=Completed (1)').waitFor({ timeout: 10000 });
  step(`no CSP violation (page events and every frame's console); widgets styled by ${sheets} constructable stylesheet(s)`);
  // Encryption at rest (key in SecretStorage): the task's words are nowhere in the store's files.
  const storeDir = /store read-write at (\S+)/.exec(toast)?.[1];
  if (!storeDir) fail(`no store path in: ${toast}`);
  await page.waitForTimeout(500);
  const plain = readdirSync(storeDir).filter((f) => /\.(log|ldb)$/.test(f) && readFileSync(join(storeDir, f)).includes('Change hello to 2'));
  if (plain.length) fail(`plaintext in the encrypted store: ${plain.join(', ')}`);
  step('store encrypted at rest: no plaintext of the session in its files');

  // Approval timeout: nobody answers, the call is rejected and the decision journaled.
  await wb.palette('Savepoint: New Session');
  await page.locator('.quick-input-widget', { hasText: 'What should the agent do?' }).waitFor({ timeout: 10000 });
  await page.locator('.quick-input-widget input').fill('Make hello 3');
  await page.keyboard.press('Enter');
  await page.locator('.notification-toast', { hasText: 'allow the agent to edit_file hello.ts' }).first().waitFor({ timeout: 60000 });
  await page.locator('.notification-toast', { hasText: 'Nobody answered this approval within 15 seconds, so the approval timeout rejected the call' }).first().waitFor({ timeout: 30000 });
  await web.locator('text=Completed (2)').waitFor({ timeout: 30000 });
  const after = readFileSync(join(wb.ws, 'hello.ts'), 'utf8');
  if (after !== 'export const hello = 2;\n') fail(`the timed-out edit ran: hello.ts is ${JSON.stringify(after)}`);
  await web.locator('li.session', { hasText: 'Make hello 3' }).click();
  const timedOut = web.locator('li.entry-approval', { hasText: 'Rejected after' });
  await timedOut.locator('.decision-text', { hasText: 'Nobody answered this approval within 15 seconds, so the approval timeout rejected the call' }).waitFor({ timeout: 20000 });
  await web.locator('li.entry-tool', { hasText: 'edit_file' }).locator('vscode-collapsible[heading="Error"]').waitFor({ timeout: 10000 });
  step(`approval timeout: "${(await timedOut.innerText()).replace(/\s+/g, ' ').slice(0, 140)}"; hello.ts untouched`);
  await wb.screenshot('approval-timed-out');

  if (cspViolations.length) fail(`CSP violations:\n${cspViolations.join('\n')}`);
  const stats = await model.stats();
  if (stats.requests !== 5 || stats.violations.length || stats.duplicateTurns.length) fail(`model server: ${JSON.stringify(stats)}`);
  step(`OK (model requests ${stats.requests}, no violations); screenshots in ${shots}`);
} catch (e) {
  await wb.screenshot('failure').catch(() => {});
  throw e;
} finally {
  await wb.close();
  model.stop();
}
