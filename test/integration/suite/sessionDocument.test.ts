import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, sessions, waitFor, waitForSession, WindowStub } from '../helpers';

/**
 * Show Session's read-only document follows its session while it is open: a change journaled after
 * it was opened shows without opening it again, and a deleted session's document says so.
 */
describe('Session document', () => {
  let ui: WindowStub;
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('an open session document shows what happens to the session afterwards, its deletion too', async () => {
    await activateExtension();
    const { seeded } = config();
    await waitForSession(seeded.storeDir, seeded.title, (x) => x.status !== 'running', 'to be marked interrupted');
    // A session of its own (a fork of the seeded one), so that nothing another suite reads changes.
    ui.on('inputBox', /Savepoint: Fork/, () => '');
    await vscode.commands.executeCommand('savepoint.forkSession', seeded.sessionId, 0);
    const fork = await waitFor('the fork in the store', async () => (await sessions(seeded.storeDir)).filter((s) => s.parent?.sessionId === seeded.sessionId).sort((a, b) => b.createdAt - a.createdAt)[0]);
    await vscode.commands.executeCommand('savepoint.showSession', fork.id);
    const doc = await waitFor('the session document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'savepoint-session' && d.uri.path.includes(fork.id)));
    assert.ok(doc.getText().startsWith(fork.title), doc.getText());
    // A fork's cost is its own (its parent's is on the parent's row), and both say so.
    assert.match(doc.getText().split('\n')[1] ?? '', / · \$\d+\.\d+ since the fork · /, doc.getText());
    await vscode.commands.executeCommand('savepoint.showSession');
    const picked = ui.calls.find((c) => c.kind === 'quickPick' && c.message === 'Show which session?');
    const item = (picked?.args[0] as { id: string; description: string }[] | undefined)?.find((i) => i.id === fork.id);
    assert.match(item?.description ?? '', / · \$\d+\.\d+ since the fork$/, JSON.stringify(item));
    // Its place in the tree, both ends: the fork names its parent, the parent's document its fork.
    assert.ok(doc.getText().split('\n').includes(`fork of ${seeded.title.replace(/\s+/g, ' ')} (${seeded.sessionId}) at step 0`), doc.getText().slice(0, 400));
    await vscode.commands.executeCommand('savepoint.showSession', seeded.sessionId);
    const parentDoc = await waitFor('the parent session document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'savepoint-session' && d.uri.path.includes(seeded.sessionId)));
    assert.ok(parentDoc.getText().split('\n').includes(`forked at step 0 into ${fork.title.replace(/\s+/g, ' ')} (${fork.id})`), parentDoc.getText().slice(0, 400));
    assert.ok(!doc.getText().includes('Never edit vendor/'));

    ui.on('inputBox', /Pin Fact/, () => 'Never edit vendor/');
    await vscode.commands.executeCommand('savepoint.pinFact', fork.id);
    await waitFor('the pinned fact in the open document', () => (doc.getText().includes('pinned by the user: Never edit vendor/') ? true : undefined), 5000);

    ui.on('warning', /Delete this session/, () => 'Delete');
    await vscode.commands.executeCommand('savepoint.deleteSession', fork.id);
    // Given by id (the sidebar's button), the question says which session it deletes.
    assert.ok(ui.calls.some((c) => c.kind === 'warning' && c.message.startsWith(`Delete this session ("${fork.title.slice(0, 20)}`) && c.message.includes('") and its checkpoints?')), JSON.stringify(ui.calls.map((c) => c.message)));
    await waitFor('the deletion in the open document', () => (/deleted/i.test(doc.getText()) ? true : undefined), 5000);
    assert.ok(!doc.getText().includes('Never edit vendor/'), 'nothing of the deleted session is left on screen');
    assert.deepEqual(ui.errors(), []);
  });
});
