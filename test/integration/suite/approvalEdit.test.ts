import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, config, events, modelStats, useModel, waitFor, waitForSession, WindowStub, workbenchUi, workspaceRoot } from '../helpers';
import { EDITED_MODEL, EDITED_TASK, SHOWN_MODEL, SHOWN_TASK } from '../scenario';

/** The untitled JSON document Edit opens, while it is open. */
const inputDocument = (): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.isUntitled && !d.isClosed && d.languageId === 'json');

async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit of the input document applied');
}

/**
 * Edit on an approval: the call's input opens as a JSON document in an editor (a file's contents
 * over several lines read and change there, not in a one-line box), and the call runs with what the
 * editor holds once the user chooses Use Edited Input. Text that is not JSON is said, with where,
 * and the document stays open to be fixed; the document closes without a save prompt at the end.
 */
describe('Show Changes and Edit on an approval', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('opens the input in an editor, says where broken JSON breaks, and runs the call with the fixed input', async () => {
    await activateExtension();
    await useModel(EDITED_MODEL);
    const { seeded } = config();
    const file = join(workspaceRoot(), 'edited.txt');
    ui.on('warning', /allow the agent to write_file edited\.txt/, () => 'Edit');
    let shown = '';
    let rounds = 0;
    ui.on('info', /edit the input of write_file in the editor/, async () => {
      const doc = await waitFor('the input document', inputDocument);
      rounds++;
      if (rounds === 1) {
        shown = doc.getText();
        if (await workbenchUi({ count: 'body' })) await workbenchUi({ wait: '.monaco-editor .view-lines:has-text("from the model")', shot: 'approval-edit-input' });
        // A comma left out: not JSON.
        await replaceText(doc, '{\n  "path": "edited.txt"\n  "content": "from the user\\n"\n}\n');
      } else {
        await replaceText(doc, '{\n  "path": "edited.txt",\n  "content": "line one from the user\\nline two from the user\\n"\n}\n');
      }
      return 'Use Edited Input';
    });
    await vscode.commands.executeCommand('savepoint.newSession', EDITED_TASK);
    const done = await waitForSession(seeded.storeDir, EDITED_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    // What the model asked for, laid out over lines, each field on its own.
    assert.deepEqual(JSON.parse(shown), { path: 'edited.txt', content: 'line one from the model\nline two from the model\n' });
    assert.ok(shown.split('\n').length >= 4, `the input is laid out over lines:\n${shown}`);
    assert.equal(rounds, 2, 'asked again after the broken JSON');
    const said = ui.errors().find((m) => /the edited input cannot be used/.test(m)) ?? '';
    assert.match(said, /not valid JSON at line 3, column 3 .*Fix it in the editor and choose Use Edited Input again/);
    assert.equal(readFileSync(file, 'utf8'), 'line one from the user\nline two from the user\n');
    const decided = (await events(seeded.storeDir, done.id)).find((e) => e.type === 'approval_decided')?.data as { decision: string } | undefined;
    assert.equal(decided?.decision, 'edit');
    await waitFor('the input document closed, its text dropped without a save prompt', () => (inputDocument() ? undefined : true));
    assert.deepEqual((await modelStats()).duplicateTurns, []);
  });

  it('Show Changes opens the proposed change as a diff and asks the same question again, which Approve then answers', async () => {
    await useModel(SHOWN_MODEL);
    const { seeded } = config();
    const file = join(workspaceRoot(), 'shown.md');
    writeFileSync(file, 'first line\nsecond line\n');
    const asked = () => ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('allow the agent to write_file shown.md'));
    let diff = '';
    ui.on('warning', /allow the agent to write_file shown\.md/, async () => {
      if (asked().length > 1) return 'Approve';
      return 'Show Changes';
    });
    await vscode.commands.executeCommand('savepoint.newSession', SHOWN_TASK);
    await waitFor('the question asked again after Show Changes', () => (asked().length >= 2 ? true : undefined));
    const shown = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'savepoint-proposed');
    assert.ok(shown, 'the proposed change is open');
    diff = shown.getText();
    assert.equal(shown.languageId, 'diff');
    assert.match(diff, /^-second line$/m);
    assert.match(diff, /^\+second line, changed$/m);
    assert.deepEqual(asked()[0]?.args.slice(2), ['Approve', 'Show Changes', 'Edit', 'Reject', 'Respond']);
    if (await workbenchUi({ count: 'body' })) await workbenchUi({ wait: '.monaco-editor .view-lines:has-text("second line, changed")', shot: 'approval-show-changes' });
    const done = await waitForSession(seeded.storeDir, SHOWN_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.equal(asked().length, 2, 'asked twice: once before Show Changes, once after');
    assert.equal(readFileSync(file, 'utf8'), 'first line\nsecond line, changed\n');
    assert.deepEqual((await modelStats()).duplicateTurns, []);
  });
});
