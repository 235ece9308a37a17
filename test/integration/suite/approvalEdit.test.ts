import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, config, events, modelStats, useModel, waitFor, waitForSession, WindowStub, workbenchUi, workspaceRoot } from '../helpers';
import { EDITED_MODEL, EDITED_TASK } from '../scenario';

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
describe('Edit on an approval', () => {
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
});
