import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, extensionStoreDir, modelStats, useModel, waitFor, waitForSession, WindowStub, workspaceRoot } from '../helpers';
import { UNSAVED_MODEL, UNSAVED_TASK, USERSAVE_MODEL, USERSAVE_TASK } from '../scenario';

/**
 * The user keeps typing and saving while a session's command runs: the change capture records what
 * the command changed, and a save in the editor is the user's, never the command's, so a rewind of
 * the session does not take the user's typing back as the session's own.
 */
describe('editor saves while a session runs', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it("a file saved, created or deleted in the editor while a command runs is not the command's change: a rewind of the session keeps what the user did", async () => {
    await activateExtension();
    await useModel(USERSAVE_MODEL);
    const root = workspaceRoot();
    const file = (name: string) => join(root, name);
    const text = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : undefined);
    writeFileSync(file('usersave.txt'), 'draft\n');
    writeFileSync(file('usersave-gone.txt'), 'the user deletes this\n');
    const doc = await vscode.workspace.openTextDocument(file('usersave.txt'));
    await vscode.window.showTextDocument(doc);

    ui.on('warning', /allow the agent to run `echo started/, () => 'Approve');
    await vscode.commands.executeCommand('savepoint.newSession', USERSAVE_TASK);
    // The command runs (its capture is open): the user types and saves meanwhile; the command waits for the saved text.
    await waitFor('the command to start', () => (text('usersave-started.txt') ? true : undefined));
    // In the Explorer: a new file, and one deleted (the same events as applyEdit's file operations).
    const ops = new vscode.WorkspaceEdit();
    ops.createFile(vscode.Uri.file(file('usersave-new.txt')), { contents: new TextEncoder().encode('a file of the user\n') });
    ops.deleteFile(vscode.Uri.file(file('usersave-gone.txt')));
    assert.ok(await vscode.workspace.applyEdit(ops));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), 'typed by the user\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), 'the editor saved the file');

    const storeDir = await extensionStoreDir(ui);
    const done = await waitForSession(storeDir, USERSAVE_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(text('usersave-built.txt'), 'built\n');

    // Rewound to before the session: the command's files go; the user's save stays, and is not even in the preview.
    ui.on('quickPick', /Rewind which session\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label.includes(USERSAVE_TASK)));
    ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Before the session'));
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
    let preview = '';
    ui.on('warning', /rewind to before the session/, (c) => {
      preview = String((c.args[1] as { detail?: string } | undefined)?.detail ?? '');
      return 'Rewind';
    });
    await vscode.commands.executeCommand('savepoint.rewindSession');
    await waitFor('the rewind', () => (text('usersave-built.txt') === undefined && text('usersave-started.txt') === undefined ? true : undefined));
    assert.match(preview, /usersave-built\.txt/);
    assert.doesNotMatch(preview, /usersave\.txt/, 'the user\'s save is not among the session\'s changes');
    assert.doesNotMatch(preview, /usersave-(new|gone)\.txt/, 'the files the user created and deleted are not the session\'s changes');
    assert.equal(text('usersave.txt'), 'typed by the user\n', 'what the user typed and saved is kept');
    assert.equal(text('usersave-new.txt'), 'a file of the user\n', 'the file the user created is kept');
    assert.equal(text('usersave-gone.txt'), undefined, 'the file the user deleted stays deleted');

    const stats = await modelStats();
    assert.deepEqual(stats.duplicateTurns, []);
    assert.deepEqual(stats.violations, []);
    assert.deepEqual(ui.errors(), []);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a question to change a file with unsaved changes in an editor says so', async () => {
    await activateExtension();
    await useModel(UNSAVED_MODEL);
    // code-server saves after a delay by default: the user here keeps unsaved text.
    const files = vscode.workspace.getConfiguration('files');
    const autoSave = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const path = join(workspaceRoot(), 'unsaved.txt');
    writeFileSync(path, 'saved\n');
    const doc = await vscode.workspace.openTextDocument(path);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(1, 0), 'typed, not saved\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty);
    let asked = '';
    ui.on('warning', /allow the agent to edit_file/, (c) => ((asked = c.message), 'Reject'));
    ui.on('inputBox', /Why\?/, () => 'not now');
    await vscode.commands.executeCommand('savepoint.newSession', UNSAVED_TASK);
    const storeDir = await extensionStoreDir(ui);
    await waitForSession(storeDir, UNSAVED_TASK, (s) => s.status === 'completed', 'to finish');
    assert.match(asked, /unsaved\.txt has unsaved changes in an editor: the agent changes the file as saved on disk, without your unsaved text/);
    assert.equal(readFileSync(path, 'utf8'), 'saved\n');
    assert.ok(doc.isDirty, 'the unsaved text is still unsaved');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await files.update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
    assert.deepEqual(ui.errors(), []);
  });
});
