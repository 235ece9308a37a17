import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, config, deferred, events, waitFor, waitForSession, useModel, WindowStub, workspaceRoot } from '../helpers';
import { NOTES_ON_DISK, NOTES_ORIGINAL, REWRITE_MODEL, REWRITE_TASK } from '../scenario';

/**
 * A session rewrites notes.txt (a BOM, CRLF line ends, non-ASCII, no final newline). Rewind to
 * "before the session" through savepoint.rewindSession restores those exact bytes; the Undo the
 * rewind offers puts the session's version back, byte for byte too.
 */
describe('Rewind', () => {
  let ui: WindowStub;
  before(() => useModel(REWRITE_MODEL));
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('restores the file byte-exactly, and its Undo restores the session\'s version', async () => {
    await activateExtension();
    const { seeded } = config();
    const file = join(workspaceRoot(), 'notes.txt');
    const original = Buffer.from(NOTES_ORIGINAL, 'utf8');
    assert.ok(readFileSync(file).equals(original), 'the fixture starts with the original bytes');

    ui.on('warning', /allow the agent to write_file notes\.txt/, () => 'Approve');
    await vscode.commands.executeCommand('savepoint.newSession', REWRITE_TASK);
    const s = await waitForSession(seeded.storeDir, REWRITE_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish');
    assert.equal(s.status, 'completed');
    const rewritten = readFileSync(file);
    assert.equal(rewritten.toString('utf8'), NOTES_ON_DISK);

    let steps: Array<{ label: string; step: number }> = [];
    ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => {
      steps = c.args[0] as typeof steps;
      return steps.find((i) => i.step === 0);
    });
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
    let preview = '';
    ui.on('warning', /rewind to before the session\?/, (c) => {
      preview = (c.args[1] as { detail?: string }).detail ?? '';
      return 'Rewind';
    });
    const undo = deferred<string | undefined>();
    ui.on('info', /Savepoint: rewound /, () => undo.promise);
    const command = vscode.commands.executeCommand('savepoint.rewindSession', s.id);

    await waitFor('the rewind to be applied', () => ui.calls.find((c) => c.kind === 'info' && /Savepoint: rewound 1 file/.test(c.message)));
    assert.ok(steps.some((i) => i.step >= 1 && i.label.startsWith('Step ')), `steps offered: ${JSON.stringify(steps.map((i) => i.label))}`);
    assert.match(preview, /notes\.txt/);
    assert.ok(readFileSync(file).equals(original), `after the rewind: ${JSON.stringify(readFileSync(file, 'utf8'))}`);

    undo.resolve('Undo');
    await command;
    await waitFor('the undo notification', () => ui.calls.find((c) => c.kind === 'info' && /rewind undone/.test(c.message)));
    assert.ok(readFileSync(file).equals(rewritten), `after the undo: ${JSON.stringify(readFileSync(file, 'utf8'))}`);
    assert.deepEqual(ui.errors(), []);
  });

  it('Show Changes opens the files side by side before anything is written; Undo a Rewind takes a rewind back later, once', async () => {
    const { seeded } = config();
    const s = await waitForSession(seeded.storeDir, REWRITE_TASK, (x) => x.status === 'completed', 'to be there');
    const file = join(workspaceRoot(), 'notes.txt');
    const rewritten = readFileSync(file);
    assert.equal(rewritten.toString('utf8'), NOTES_ON_DISK, 'the first test left the session\'s version');

    ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => (c.args[0] as Array<{ step: number }>).find((i) => i.step === 0));
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
    let diffTab: vscode.Tab | undefined;
    let modal = 0;
    ui.on('warning', /rewind to before the session\?/, async (c) => {
      if (typeof c.args[1] === 'object') {
        modal++;
        return 'Show Changes';
      }
      // The question again, as a notification beside the diff editor.
      diffTab = await waitFor('the changes editor', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /^Rewind to before the session: disk now/.test(t.label)));
      assert.ok(readFileSync(file).equals(rewritten), 'nothing is written while the changes are shown');
      return 'Rewind';
    });
    ui.on('info', /Savepoint: rewound /, () => undefined);
    await vscode.commands.executeCommand('savepoint.rewindSession', s.id);
    assert.equal(modal, 1);
    assert.ok(diffTab, 'Show Changes opened the changes editor');
    assert.ok(readFileSync(file).equals(Buffer.from(NOTES_ORIGINAL, 'utf8')), 'rewound after the second question');
    assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /^Rewind to before the session/.test(t.label)), 'the changes editor closes with the answer');

    let undoPreview = '';
    ui.on('warning', /undo the rewind to before the session\?/, (c) => {
      undoPreview = (c.args[1] as { detail?: string }).detail ?? '';
      return 'Undo Rewind';
    });
    await vscode.commands.executeCommand('savepoint.undoRewind', s.id);
    assert.match(undoPreview, /restore notes\.txt/);
    assert.ok(readFileSync(file).equals(rewritten), `after Undo a Rewind: ${JSON.stringify(readFileSync(file, 'utf8'))}`);
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /rewind undone \(1 file restored\)/.test(c.message)));

    // Both rewinds are undone now: nothing is offered, nothing changes.
    await vscode.commands.executeCommand('savepoint.undoRewind', s.id);
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /no rewind left to undo/.test(c.message)));
    assert.ok(readFileSync(file).equals(rewritten));
    assert.deepEqual(ui.errors(), []);
  });

  it('Escape on the question which edited files to overwrite cancels the rewind: nothing is written or recorded', async () => {
    const { seeded } = config();
    const s = await waitForSession(seeded.storeDir, REWRITE_TASK, (x) => x.status === 'completed', 'to be there');
    const file = join(workspaceRoot(), 'notes.txt');
    const mine = 'edited by the user after the session\n';
    writeFileSync(file, mine);
    const rewindsBefore = (await events(seeded.storeDir, s.id)).filter((e) => e.type === 'rewind').length;
    try {
      ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => (c.args[0] as Array<{ step: number }>).find((i) => i.step === 0));
      ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
      ui.on('warning', /rewind to before the session\?/, () => 'Rewind');
      let asked = false;
      ui.on('quickPick', /edited outside the session/, () => {
        asked = true;
        return undefined;
      });
      await vscode.commands.executeCommand('savepoint.rewindSession', s.id);
      assert.ok(asked, 'the overwrite question was asked');
      assert.equal(readFileSync(file, 'utf8'), mine);
      assert.deepEqual(ui.calls.filter((c) => c.kind === 'info' && /rewound|no file was changed/.test(c.message)).map((c) => c.message), [], 'no rewind was reported');
      assert.ok(ui.calls.some((c) => c.kind === 'info' && /cancelled/.test(c.message)), 'the cancel is said');
      assert.equal((await events(seeded.storeDir, s.id)).filter((e) => e.type === 'rewind').length, rewindsBefore, 'no rewind recorded');
      assert.deepEqual(ui.errors(), []);
    } finally {
      writeFileSync(file, NOTES_ON_DISK);
    }
  });

  it('a file with unsaved changes in an editor is asked about, never rewritten under them; ticked, the editor shows what was written', async () => {
    const { seeded } = config();
    const s = await waitForSession(seeded.storeDir, REWRITE_TASK, (x) => x.status === 'completed', 'to be there');
    const file = join(workspaceRoot(), 'notes.txt');
    assert.equal(readFileSync(file, 'utf8'), NOTES_ON_DISK, 'the earlier tests left the session\'s version');
    // code-server saves after a delay by default: on a busy machine the typed text was saved before it was looked at.
    const files = vscode.workspace.getConfiguration('files');
    const autoSave = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const typeUnsaved = async (words: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(0, 0), words);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(doc.isDirty, 'the editor has unsaved changes');
      return doc.getText();
    };
    try {
      const unsaved = await typeUnsaved('typed, not saved\n');
      ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => (c.args[0] as Array<{ step: number }>).find((i) => i.step === 0));
      ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
      let preview = '';
      ui.on('warning', /rewind to before the session\?/, (c) => {
        preview = `${c.message}\n${(c.args[1] as { detail?: string }).detail ?? ''}`;
        return 'Rewind';
      });
      let offered: Array<{ label: string; description?: string }> = [];
      ui.on('quickPick', /edited outside the session/, (c) => {
        offered = c.args[0] as typeof offered;
        return undefined;
      });
      await vscode.commands.executeCommand('savepoint.rewindSession', s.id);
      assert.match(preview, /restore notes\.txt \(unsaved changes in an editor\)/);
      assert.match(preview, /0 files will change, 1 more only if you choose to overwrite it next/);
      assert.deepEqual(offered.map((o) => o.label), ['notes.txt'], 'the unsaved file is asked about');
      assert.match(offered[0]?.description ?? '', /unsaved changes in an editor/);
      assert.equal(readFileSync(file, 'utf8'), NOTES_ON_DISK, 'Escape: the file is not written');
      assert.equal(doc.getText(), unsaved, 'Escape: the unsaved text is still there');
      assert.ok(doc.isDirty);

      // Ticked: the file is rewound, and the editor shows it (the unsaved text was the user's to give up, and was).
      ui.on('quickPick', /edited outside the session/, (c) => (c.args[0] as Array<{ label: string }>).filter((i) => i.label === 'notes.txt'));
      ui.on('info', /Savepoint: rewound /, () => undefined);
      await vscode.commands.executeCommand('savepoint.rewindSession', s.id);
      assert.ok(readFileSync(file).equals(Buffer.from(NOTES_ORIGINAL, 'utf8')), `after the rewind: ${JSON.stringify(readFileSync(file, 'utf8'))}`);
      await waitFor('the editor to show the rewound file', () => (!doc.isDirty && doc.getText() === NOTES_ORIGINAL.replace(/^\uFEFF/, '') ? true : undefined), 10000);

      // Its undo asks the same way, and the editor shows the session's version again.
      await typeUnsaved('typed again\n');
      ui.on('warning', /undo the rewind to before the session\?/, () => 'Undo Rewind');
      let undoOffered: string[] = [];
      ui.on('quickPick', /edited outside the session/, (c) => {
        undoOffered = (c.args[0] as Array<{ label: string }>).map((i) => i.label);
        return (c.args[0] as Array<{ label: string }>).filter((i) => i.label === 'notes.txt');
      });
      await vscode.commands.executeCommand('savepoint.undoRewind', s.id);
      assert.deepEqual(undoOffered, ['notes.txt']);
      assert.equal(readFileSync(file, 'utf8'), NOTES_ON_DISK);
      await waitFor('the editor to show the file the undo wrote', () => (!doc.isDirty && doc.getText() === NOTES_ON_DISK.replace(/^\uFEFF/, '') ? true : undefined), 10000);
      assert.deepEqual(ui.errors(), []);
    } finally {
      if (doc.isDirty) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      writeFileSync(file, NOTES_ON_DISK);
      await files.update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
    }
  });
});
