// Crash journeys in a real VS Code (code-server + Chromium), with the packaged VSIX and the scripted
// model. (1) An approval is pending when the extension host is SIGKILLed: after VS Code restarts the
// host, the approval is offered again (status bar), and approving it applies the edit once.
// (2) A command is running when the WHOLE server is SIGKILLed: after a restart the session shows as
// interrupted, Resume asks before re-running the command (naming the file its cut-off run had made),
// the command ran once, the session completes.
// Neither journey requests a journaled model turn twice.
// (6) A session edits greeting.ts twice; from the sidebar's session view, the rewind button of the
// second edit ("before step 2", files only) puts the file back byte-exactly as the first edit left it, and the
// notification's Undo brings the session's version back. Then the Memory view shows the episodes.
// Screenshots in .artifacts/crash-journey/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, logger, requireTools, root, startScriptedModel, startWorkbench } from './workbench.mjs';

requireTools('crash');
const step = logger('crash');
const shots = join(root, '.artifacts', 'crash-journey');
// Only this run's screenshots: one left from an earlier run under another name would pass for this one's.
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const vsix = resolve(process.argv[2] ?? join(root, 'savepoint.vsix'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const model = await startScriptedModel(mkdtempSync(join(tmpdir(), 'savepoint-model-')), [
  { type: 'message', content: [{ type: 'text', text: 'Editing.' }, { type: 'tool_use', id: 'toolu_j1_edit', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Edited.' }], expect: { toolResultFor: 'toolu_j1_edit', toolResultIsError: false } },
  { type: 'message', content: [{ type: 'text', text: 'Running the slow job.' }, { type: 'tool_use', id: 'toolu_j2_cmd', name: 'run_command', input: { command: 'printf "partial\\n" > partial.txt && sleep 6 && echo ran >> job.log' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Job handled.' }], expect: { toolResultFor: 'toolu_j2_cmd' } },
  { type: 'message', content: [{ type: 'text', text: 'First edit.' }, { type: 'tool_use', id: 'toolu_j6_a', name: 'edit_file', input: { path: 'greeting.ts', old_text: '"one"', new_text: '"two"' } }] },
  { type: 'message', content: [{ type: 'text', text: 'Second edit.' }, { type: 'tool_use', id: 'toolu_j6_b', name: 'edit_file', input: { path: 'greeting.ts', old_text: '"two"', new_text: '"three"' } }], expect: { toolResultFor: 'toolu_j6_a', toolResultIsError: false } },
  { type: 'message', content: [{ type: 'text', text: 'Greeting edited twice.' }], expect: { toolResultFor: 'toolu_j6_b', toolResultIsError: false } },
]);
// Journey 6's file: no trailing newline and a non-ASCII character, so "byte-exact" means something.
const GREETING = (w) => `export const greeting = "${w}"; // grüße\n// end`;
const wb = await startWorkbench({ vsix, files: { 'hello.ts': 'export const hello = 1;\n', 'greeting.ts': GREETING('one') }, settings: { 'savepoint.baseUrl': model.url }, shots });
const { page } = wb;
const toast = (text) => page.locator('.notification-toast', { hasText: text }).first();
/** A toast whose fade-in animation is over (for screenshots). */
const shownToast = (text) => page.locator('.notification-toast.notification-fade-in-done', { hasText: text }).first();
const read = (p) => (existsSync(join(wb.ws, p)) ? readFileSync(join(wb.ws, p)) : Buffer.alloc(0));
/** Waits until `p` holds exactly `text` (as UTF-8 bytes) on disk. */
const fileIs = async (p, text, timeout = 30000) => {
  const want = Buffer.from(text, 'utf8');
  for (const end = Date.now() + timeout; Date.now() < end; await sleep(100)) if (read(p).equals(want)) return;
  fail(`${p} is ${JSON.stringify(read(p).toString('utf8'))}, expected ${JSON.stringify(text)}`);
};
/**
 * Approves the question `text` of session `title`: in its toast; else (the workbench does not toast
 * a notification while the notification centre is open, nor more than 3 added within 800 ms) in
 * the notification centre, where every notification is listed; else the status bar asks it again.
 */
const approve = async (text, title) => {
  const inToast = page.locator('.notification-toast', { hasText: text }).last().getByRole('button', { name: 'Approve' });
  const toastWait = process.env.SAVEPOINT_E2E_NO_TOAST === '1' ? 1 : 20000;
  if (await inToast.waitFor({ timeout: toastWait }).then(() => true, () => false)) return inToast.click();
  step(`no toast for "${text}" after ${toastWait / 1000} s: ${JSON.stringify(await notificationState())}`);
  await wb.palette('Notifications: Show Notifications');
  const inCenter = page.locator('.notifications-center .notification-list-item', { hasText: text }).first().getByRole('button', { name: 'Approve' });
  if (await inCenter.waitFor({ timeout: 10000 }).then(() => true, () => false)) {
    step('the question is in the notification centre: approved there');
    await inCenter.click();
    await hideCenter();
    return;
  }
  step('not in the notification centre either: asking through the status bar');
  await hideCenter();
  await page.locator('.statusbar-item', { hasText: 'approval waiting' }).first().click({ timeout: 30000 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click({ timeout: 30000 });
  await inToast.click({ timeout: 30000 });
};
const hideCenter = async () => {
  const hide = page.locator('.notifications-center.visible .action-label[aria-label^="Hide Notifications"]').first();
  if (await hide.isVisible()) await hide.click();
};
/** What the workbench knows about its notifications: for a toast that does not show. */
const notificationState = () =>
  page.evaluate(() => ({
    focus: document.hasFocus(),
    visibility: document.visibilityState,
    toasts: [...document.querySelectorAll('.notification-toast')].map((t) => t.innerText.split('\n')[0].slice(0, 80)),
    centerVisible: !!document.querySelector('.notifications-center.visible'),
    bell: document.querySelector('.statusbar-item[id="status.notifications"]')?.getAttribute('aria-label') ?? null,
  }));
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
  await approve('allow the agent to run `printf "partial\\n" > partial.txt && sleep 6 && echo ran >> job.log`', 'Run the slow job');
  await sleep(1500);
  await wb.screenshot('command-running');
  await wb.restartServer();
  step('code-server killed with SIGKILL while the command ran, and started again');
  await sleep(6000);
  await wb.open();
  const interrupted = toast('interrupted when the editor stopped');
  await interrupted.waitFor({ timeout: 90000 });
  await wb.screenshot('interrupted-offer');
  step('after the restart: "the session \"…\" was interrupted" with Resume');
  await interrupted.getByRole('button', { name: 'Resume' }).click();
  const rerun = toast('was interrupted and may have partly run');
  await rerun.waitFor({ timeout: 60000 });
  // What the cut-off run had changed, found from the change capture's log, is named in the question.
  const asked = (await rerun.textContent()) ?? '';
  if (!asked.includes('changed since it began: created partial.txt')) fail(`the rerun question does not name what the interrupted run changed: ${asked}`);
  await shownToast('was interrupted and may have partly run').waitFor({ timeout: 10000 }).catch(() => undefined);
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
  await wb.showSidebar();
  await wb.sidebar().locator('text=Completed (2)').waitFor({ timeout: 30000 });
  await wb.screenshot('both-completed');
  step('the command ran once; both sessions completed');

  // Journey 6: rewind from the sidebar, and undo it.
  await wb.palette('Notifications: Clear All Notifications');
  await wb.palette('Savepoint: New Session');
  await page.locator('.quick-input-widget', { hasText: 'What should the agent do?' }).waitFor({ timeout: 10000 });
  await page.locator('.quick-input-widget input').fill('Edit the greeting twice');
  await page.keyboard.press('Enter');
  for (const word of ['two', 'three']) {
    await approve('allow the agent to edit_file greeting.ts', 'Edit the greeting twice');
    await fileIs('greeting.ts', GREETING(word));
  }
  await toast('the session completed').waitFor({ timeout: 60000 });
  step('journey 6: greeting.ts edited twice ("one" → "two" → "three"), session completed');
  await wb.palette('Notifications: Clear All Notifications');
  await wb.showSidebar();
  const web = wb.sidebar();
  await web.locator('text=Completed (3)').waitFor({ timeout: 30000 });
  await web.locator('li.session', { hasText: 'Edit the greeting twice' }).click();
  await web.locator('.detail-title', { hasText: 'Edit the greeting twice' }).waitFor({ timeout: 20000 });
  const edits = web.locator('li.entry-tool', { hasText: 'greeting.ts' });
  await edits.nth(1).locator('li.file', { hasText: 'greeting.ts' }).waitFor({ timeout: 20000 });
  // The second edit's rewind button takes that step back: the files go to how they were after the first edit.
  const rewindButton = edits.nth(1).locator('vscode-icon[title^="Rewind the workspace to before step"]');
  const rewindTitle = await rewindButton.getAttribute('title');
  await wb.screenshot('rewind-session-view');
  await rewindButton.click();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Files only' }).first().click({ timeout: 20000 });
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'rewind to step' });
  await dialog.locator('.dialog-message-detail', { hasText: 'restore greeting.ts' }).waitFor({ timeout: 20000 });
  const preview = (await dialog.locator('.dialog-message-container').innerText()).replace(/\s+/g, ' ');
  if (!/1 file will change/.test(preview) || /hello\.ts|job\.log/.test(preview)) fail(`rewind preview: ${preview}`);
  if (!/restore greeting\.ts — changed constant `greeting`/.test(preview)) fail(`the rewind preview does not name the symbol going back: ${preview}`);
  await wb.screenshot('rewind-preview');
  // Show Changes: the files side by side in the multi-file diff editor, the question again in a toast.
  await dialog.getByRole('button', { name: 'Show Changes' }).click();
  await page.locator('.tab', { hasText: 'Rewind to step' }).first().waitFor({ timeout: 20000 });
  const ask = shownToast('rewind to step');
  await ask.waitFor({ timeout: 20000 });
  await page.locator('.multiDiffEditor, .multi-diff-editor, .monaco-diff-editor').first().waitFor({ timeout: 20000 });
  await wb.screenshot('rewind-show-changes');
  if (!read('greeting.ts').equals(Buffer.from(GREETING('three')))) fail('the preview already changed greeting.ts');
  await ask.getByRole('button', { name: 'Rewind' }).click();
  await fileIs('greeting.ts', GREETING('two'));
  const rewound = toast('Savepoint: rewound 1 file');
  await shownToast('Savepoint: rewound 1 file').getByRole('button', { name: 'Undo' }).waitFor({ timeout: 20000 });
  if (read('hello.ts').toString() !== 'export const hello = 2;\n') fail('the rewind touched hello.ts (another session\'s file)');
  step(`"${rewindTitle}" (files only): the preview said "${preview.slice(0, 120)}"; greeting.ts is byte-exactly "two" again`);
  await wb.screenshot('rewound');
  // Undo later, from the rewind's note in the timeline (the toast is gone by then): preview, then undo.
  await wb.palette('Notifications: Clear All Notifications');
  if ((await rewound.count()) > 0 && (await rewound.isVisible())) fail('the toast is still there');
  const rewindNote = web.locator('li.entry-note', { hasText: 'Rewound 1 file to step 1' });
  await rewindNote.locator('vscode-icon[title^="Undo this rewind"]').click({ timeout: 20000 });
  const undoDialog = page.locator('.monaco-dialog-box', { hasText: 'undo the rewind to step 1' });
  await undoDialog.locator('.dialog-message-detail', { hasText: 'restore greeting.ts' }).waitFor({ timeout: 20000 });
  await wb.screenshot('undo-rewind-preview');
  await undoDialog.getByRole('button', { name: 'Undo Rewind' }).click();
  await fileIs('greeting.ts', GREETING('three'));
  await shownToast('rewind undone (1 file restored)').waitFor({ timeout: 20000 });
  await rewindNote.locator('vscode-icon[title^="Undo this rewind"]').waitFor({ state: 'detached', timeout: 20000 });
  step('Undo from the timeline note (after the toast was gone): greeting.ts is byte-exactly the session\'s "three" again, and the note no longer offers it');
  await wb.screenshot('rewind-undone');

  // The first edit's AST snapshot: its symbols in a quick pick; one opens greeting.ts as that step left it.
  await edits.nth(0).locator('li.file', { hasText: 'greeting.ts' }).locator('vscode-icon[title^="Go to a symbol of greeting.ts"]').click({ timeout: 20000 });
  const symbolRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'greeting' }).first();
  await symbolRow.waitFor({ timeout: 20000 });
  await wb.screenshot('step-symbols');
  await symbolRow.click();
  await page.locator('.tab', { hasText: 'greeting.ts' }).first().waitFor({ timeout: 20000 });
  await page.locator('.view-lines', { hasText: 'export const greeting = "two"' }).first().waitFor({ timeout: 20000 });
  step('Go to a symbol at the first edit: the quick pick lists greeting.ts\'s symbols from the stored outline, and opens the version that step left ("two")');
  await wb.screenshot('step-symbol-opened');

  // Before the session: no step outlined greeting.ts as it was then; Go to Symbol reads that version from the store.
  await wb.palette('Savepoint: Go to Symbol at Checkpoint');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Edit the greeting twice' }).first().click({ timeout: 20000 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Before the session' }).first().click({ timeout: 20000 });
  await page.locator('.quick-input-widget', { hasText: 'symbols before the session' }).waitFor({ timeout: 20000 });
  const originalRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'greeting' }).first();
  await originalRow.waitFor({ timeout: 20000 });
  await wb.screenshot('step0-symbols');
  await originalRow.click();
  await page.locator('.view-lines', { hasText: 'export const greeting = "one"' }).first().waitFor({ timeout: 20000 });
  step('Go to Symbol at Checkpoint, before the session: the quick pick lists greeting.ts\'s symbols read from the stored original, and opens it ("one")');
  await wb.screenshot('step0-symbol-opened');

  // Fork from the first edit: the new session is listed with where it came from.
  await edits.nth(0).locator('vscode-icon[title^="Fork"]').click();
  await page.locator('.quick-input-widget', { hasText: 'What should the new session do from there?' }).waitFor({ timeout: 20000 });
  await page.locator('.quick-input-widget input').fill('Try another greeting');
  await page.keyboard.press('Enter');
  await shownToast('forked from step').waitFor({ timeout: 20000 });
  await wb.palette('Notifications: Clear All Notifications');
  await web.locator('vscode-icon[title="Back to the sessions"]').click();
  const forkRow = web.locator('li.session', { hasText: 'Edit the greeting twice (fork at step' });
  const forkLine = forkRow.locator('.fork');
  await forkLine.waitFor({ timeout: 20000 });
  const lineage = (await forkLine.innerText()).replace(/\s+/g, ' ').trim();
  if (!/^Fork of Edit the greeting twice at step \d+$/.test(lineage)) fail(`fork line: "${lineage}"`);
  step(`fork listed: "${lineage}"`);
  await wb.screenshot('fork-in-list');
  await forkLine.locator('a').click();
  await web.locator('.detail-title', { hasText: /^Edit the greeting twice$/ }).waitFor({ timeout: 20000 });

  // The Memory view: each completed session left an episode.
  await web.locator('vscode-icon[title="Back to the sessions"]').click();
  const memory = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Memory' }) });
  const header = memory.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await memory.locator('.monaco-list-row', { hasText: 'Episodes' }).waitFor({ timeout: 30000 });
  const rows = await memory.locator('.monaco-list-row').allInnerTexts();
  step(`Memory view: ${rows.map((r) => r.replace(/\s+/g, ' ').slice(0, 60)).join(' | ')}`);
  // Hovered, an entry shows its inline actions (edit, pin, delete).
  const entry = memory.locator('.monaco-list-row', { hasText: 'Edit the greeting twice' }).first();
  await entry.hover();
  const inline = await entry.locator('.actions .action-label').evaluateAll((a) => a.map((x) => x.getAttribute('aria-label') ?? x.title));
  step(`Memory entry inline actions: ${inline.join(', ')}`);
  await wb.screenshot('memory-view');
  await page.locator('.part.sidebar').screenshot({ path: join(shots, 'memory-view-sidebar.png') });

  const stats = await model.stats();
  if (stats.violations.length || stats.duplicateTurns.length || stats.requests !== 7) fail(`model server: ${JSON.stringify(stats)}`);
  step(`OK: ${stats.requests} model requests for 7 turns, none twice; screenshots in ${shots}`);
} catch (e) {
  await wb.screenshot('failure').catch(() => {});
  console.error(`[crash] server log tail:\n${wb.serverLog().slice(-3000)}`);
  throw e;
} finally {
  await wb.close();
  model.stop();
}
