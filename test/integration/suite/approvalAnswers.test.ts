import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../../src/core/ports/approvalGate';
import { editInEditor } from '../../../src/extension/inputEditor';
import { NotificationApprovalGate } from '../../../src/extension/notificationApprovalGate';
import { activateExtension, config, deferred, useModel, waitFor, waitForSession, WindowStub, workbenchUi } from '../helpers';
import { GONE_MODEL, GONE_TASK } from '../scenario';

/** VS Code's own input box (the stub replaces it in `install`): kept to put back where a test needs the real one. */
const realInputBox = vscode.window.createInputBox.bind(vscode.window);

/** Keys that type `text` (Playwright names the space bar). */
const typing = (text: string): string[] => [...text].map((c) => (c === ' ' ? 'Space' : c));

const command = (approvalId: string, cmd: string): ApprovalRequest => ({ sessionId: 'answers-session', approvalId, kind: 'tool', tool: 'run_command', input: { command: cmd }, reasons: ['run_command: tools ask first (approval policy)'], requestedAt: Date.now() });

/** The untitled document Edit opens for a question's text ("command (Savepoint edit ...).sh"), while it is open. */
const editDocument = (): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.isUntitled && !d.isClosed && d.uri.path.includes('(Savepoint edit '));

async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit of the document applied');
}

/**
 * What the user types to answer an approval (a reply, a reason for a rejection) in the real editor:
 * looking elsewhere (the file the agent wants to change) while writing it must not throw it away.
 */
describe('Typed answers to an approval', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('the real page: a reply half typed stays in its box when the user clicks into the editor, and is sent as typed', async function () {
    if (!(await workbenchUi({ count: 'body' }))) return this.skip();
    await activateExtension();
    (vscode.window as unknown as { createInputBox: typeof vscode.window.createInputBox }).createInputBox = realInputBox;
    const gate = new NotificationApprovalGate(undefined, () => ({ minutes: 0, action: 'reject' }));
    ui.on('warning', /allow the agent to run `npm run deploy`/, () => 'Respond');
    const answer = gate.ask(command('tool:answers:1', 'npm run deploy'), new AbortController().signal);
    const box = '.quick-input-widget:visible input';
    await workbenchUi({ wait: box });
    await workbenchUi({ keys: typing('use the staging target') });
    // The user looks at something else before finishing the reply.
    await workbenchUi({ click: '.part.editor' });
    await workbenchUi({ wait: box, shot: 'approval-reply-kept', of: '.monaco-workbench' });
    await workbenchUi({ focus: box, press: 'End' });
    await workbenchUi({ keys: [...typing(' first'), 'Enter'] });
    assert.deepEqual(await answer, { decision: 'respond', text: 'use the staging target first' });
  });

  it('an edited input whose notice is closed (its ✕, Clear All) stays open, and Edit on the same question goes on with it', async () => {
    await activateExtension();
    const r = command('tool:answers:2', 'npm run deploy');
    let round = 0;
    let seen = '';
    ui.on('info', /edit the command .* in the editor, then choose Use Edited Input/, async () => {
      const doc = await waitFor('the command document', editDocument);
      if (round++ > 0) {
        seen = doc.getText();
        return 'Use Edited Input';
      }
      await replaceText(doc, 'npm run deploy -- --target staging\n');
      // The notice closed without a button: VS Code answers undefined.
      return undefined;
    });
    assert.equal(await editInEditor(r), undefined, 'closing the notice decides nothing');
    assert.equal(editDocument()?.getText(), 'npm run deploy -- --target staging\n', 'the edited text is still open');
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /your edit of the command stays open; choose Edit on the question again/.test(c.message)), `the user is told where the edit went: ${JSON.stringify(ui.calls.map((c) => c.message))}`);
    assert.deepEqual(await editInEditor(r), { input: { command: 'npm run deploy -- --target staging' } });
    assert.equal(seen, 'npm run deploy -- --target staging\n', 'Edit again showed the text as the user left it');
    await waitFor('the document closed once used', () => (editDocument() ? undefined : true));
  });

  it('Respond clicked on the question of a session cancelled meanwhile says so at once, without asking for a reply it would throw away', async () => {
    await activateExtension();
    await useModel(GONE_MODEL);
    const { seeded } = config();
    const click = deferred<string | undefined>();
    ui.on('warning', /allow the agent to write_file gone\.txt/, () => click.promise);
    ui.on('warning', /Cancel this session/, () => 'Cancel Session');
    await vscode.commands.executeCommand('savepoint.newSession', GONE_TASK);
    const waiting = await waitForSession(seeded.storeDir, GONE_TASK, (s) => s.status === 'waiting', 'to wait for the approval');
    await vscode.commands.executeCommand('savepoint.cancelSession', waiting.id);
    await waitForSession(seeded.storeDir, GONE_TASK, (s) => s.status === 'failed', 'to be cancelled');
    // The notification of the cancelled session is still on screen (VS Code cannot take it back): the user clicks it.
    click.resolve('Respond');
    const told = await waitFor('the user told that the question is gone', () => ui.calls.find((c) => c.kind === 'info' && /no longer open/.test(c.message)));
    assert.equal(told.message, `Savepoint: the session "${GONE_TASK}" was stopped meanwhile (cancelled, or failed), so its question is no longer open and nothing was recorded. Retry the session to be asked again.`);
    assert.deepEqual(ui.calls.filter((c) => c.kind === 'inputBox').map((c) => c.message), [], 'no reply asked for');
  });

  it('a pause or a cancel while the user types a reply is not held up by it: the run lets go at once, and the reply then counts as a late answer', async () => {
    const gate = new NotificationApprovalGate(undefined, () => ({ minutes: 0, action: 'reject' }));
    const late: unknown[] = [];
    gate.lateAnswers = async (_r, answer) => void late.push(answer);
    const typed = deferred<string | undefined>();
    ui.on('warning', /allow the agent to run `make release`/, () => 'Respond');
    ui.on('inputBox', /Your reply to the agent/, () => typed.promise);
    const run = new AbortController();
    const answer = gate.ask(command('tool:answers:3', 'make release'), run.signal);
    await waitFor('the reply box', () => (ui.calls.some((c) => c.kind === 'inputBox') ? true : undefined));
    // The user pauses the session from the sidebar while the box is open.
    run.abort('paused by the user');
    let settled: unknown = 'not yet';
    void answer.then((a) => (settled = a));
    await waitFor('the run let go', () => (settled !== 'not yet' ? true : undefined), 10000);
    assert.equal(settled, 'park');
    typed.resolve('not before Friday');
    await waitFor('the reply given as a late answer', () => (late.length ? true : undefined));
    assert.deepEqual(late, [{ decision: 'respond', text: 'not before Friday' }]);
  });

  it('Respond on the going-in-circles question asks for a message that goes with the go-ahead, not for a reply instead of a tool', async () => {
    const gate = new NotificationApprovalGate(undefined, () => ({ minutes: 0, action: 'reject' }));
    ui.on('warning', /going in circles/, () => 'Respond');
    let box: { title?: string; prompt?: string } = {};
    ui.on('inputBox', /agent/, (c) => {
      box = c.args[0] as typeof box;
      return 'try the other parser';
    });
    const loop: ApprovalRequest = { sessionId: 'answers-session', approvalId: 'loop:12', kind: 'loop', reasons: ['the agent seems to be looping: the same call 3 times without progress (read_file)'], requestedAt: Date.now() };
    assert.deepEqual(await gate.ask(loop, new AbortController().signal), { decision: 'respond', text: 'try the other parser' });
    assert.equal(box.title, 'Your message to the agent (it then continues)');
    assert.match(box.prompt ?? '', /^Sent to the agent with the go-ahead to continue\./);
  });
});
