import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../../src/core/ports/approvalGate';
import { NotificationApprovalGate } from '../../../src/extension/notificationApprovalGate';
import { activateExtension, WindowStub, workbenchUi } from '../helpers';

/** VS Code's own input box (the stub replaces it in `install`): kept to put back where a test needs the real one. */
const realInputBox = vscode.window.createInputBox.bind(vscode.window);

/** Keys that type `text` (Playwright names the space bar). */
const typing = (text: string): string[] => [...text].map((c) => (c === ' ' ? 'Space' : c));

const command = (approvalId: string, cmd: string): ApprovalRequest => ({ sessionId: 'answers-session', approvalId, kind: 'tool', tool: 'run_command', input: { command: cmd }, reasons: ['run_command: tools ask first (approval policy)'], requestedAt: Date.now() });

/**
 * What the user types to answer an approval (a reply, a reason for a rejection) in the real editor:
 * looking elsewhere (the file the agent wants to change) while writing it must not throw it away.
 */
describe('Typed answers to an approval', () => {
  let ui: WindowStub;
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
});
