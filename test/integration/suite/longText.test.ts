import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { askText } from '../../../src/extension/longText';
import { activateExtension, config, modelStats, waitFor, waitForSession, useModel, WindowStub, workspaceRoot } from '../helpers';
import { LONG_MODEL, LONG_REPLY, LONG_TASK } from '../scenario';

/** The untitled document named `name` (what askText opens), if open. */
const untitled = (name: string) => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'untitled' && d.uri.path.endsWith(name) && !d.isClosed);
const tabOpen = (name: string) => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'untitled' && t.input.uri.path.endsWith(name)));

/** Replaces the whole text of `doc` (open in an editor) as typing would. */
async function write(doc: vscode.TextDocument, text: string): Promise<void> {
  const editor = await vscode.window.showTextDocument(doc);
  await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
}

/**
 * A task or a reply of several lines: VS Code's input box takes one line, so a task of paragraphs
 * (the hour-long work Savepoint is for) could not be given in the editor, nor a reply with a list.
 * The input box's pencil button moves what was typed into an untitled Markdown document; Start
 * Session (Send Reply) sends what it holds, and the document closes without a save prompt.
 */
describe('Text of several lines', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('New Session and Respond written in an editor: the model gets every line, the title is the first line', async () => {
    await activateExtension();
    await useModel(LONG_MODEL);
    const violationsBefore = (await modelStats()).violations.length;
    const firstLine = LONG_TASK.split('\n')[0] ?? '';
    ui.on('inputBox', /What should the agent do\?/, (c) => {
      const buttons = (c.args[0] as { buttons?: vscode.QuickInputButton[] }).buttons ?? [];
      assert.deepEqual(buttons.map((b) => b.tooltip), ['Write in an Editor (several lines)']);
      return { button: 0, value: firstLine };
    });
    ui.on('info', /write the task in the editor, then choose Start Session/, async () => {
      const doc = await waitFor('the task document', () => untitled('Savepoint task.md'));
      assert.equal(doc.getText(), firstLine, 'what was typed in the box is carried over');
      assert.equal(doc.languageId, 'markdown');
      await write(doc, LONG_TASK);
      return 'Start Session';
    });
    ui.on('warning', /allow the agent to write_file long\.txt/, () => 'Respond');
    ui.on('inputBox', /Your reply to the agent/, () => ({ button: 0, value: '' }));
    let sends = 0;
    ui.on('info', /write your reply in the editor, then choose Send Reply/, async () => {
      const doc = await waitFor('the reply document', () => untitled('Savepoint reply.md'));
      // Sent empty first: said, and the document stays for the reply.
      if (sends++ > 0) await write(doc, LONG_REPLY);
      return 'Send Reply';
    });

    await vscode.commands.executeCommand('savepoint.newSession');
    const done = await waitForSession(config().seeded.storeDir, firstLine, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.equal(sends, 2);
    assert.ok(ui.calls.some((c) => c.kind === 'warning' && c.message === 'Savepoint: your reply is empty; write it in the editor first.'), 'the empty reply was refused');
    assert.ok(!existsSync(join(workspaceRoot(), 'long.txt')), 'the reply replaced the call: nothing written');
    // The scripted model checked that its requests held the whole task and the whole reply.
    assert.deepEqual((await modelStats()).violations.slice(violationsBefore), []);
    assert.ok(!tabOpen('Savepoint task.md') && !tabOpen('Savepoint reply.md'), 'both documents were closed');
    assert.deepEqual(ui.errors(), []);
  });

  it('closing the task document before Start Session starts nothing and says so', async () => {
    await activateExtension();
    const before = ui.calls.length;
    ui.on('inputBox', /What should the agent do\?/, () => ({ button: 0, value: 'never started' }));
    ui.on('info', /write the task in the editor/, async () => {
      const doc = await waitFor('the task document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'untitled' && d.getText() === 'never started'));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      return 'Start Session';
    });
    await vscode.commands.executeCommand('savepoint.newSession');
    assert.ok(ui.calls.slice(before).some((c) => c.kind === 'warning' && c.message === 'Savepoint: the task was closed before it was sent, so nothing was done.'));
    assert.ok(!ui.calls.slice(before).some((c) => c.kind === 'info' && /session started/.test(c.message)), 'no session started');
  });

  it('a text whose notice is closed with its ✕ (not Cancel) stays open, and the same question asked again goes on with it', async () => {
    const q = { title: 'Savepoint: New Session', prompt: 'What should the agent do?', what: 'the task', send: 'Start Session', fileName: 'Savepoint kept task' };
    const written = 'Port the billing module\n\n- keep the public API\n- add tests\n';
    let round = 0;
    let seen = '';
    ui.on('inputBox', /What should the agent do\?/, () => ({ button: 0, value: 'Port the billing module' }));
    ui.on('info', /write the task in the editor, then choose Start Session/, async () => {
      const doc = await waitFor('the task document', () => untitled('Savepoint kept task.md'));
      if (round++ > 0) {
        seen = doc.getText();
        return 'Start Session';
      }
      await write(doc, written);
      // The notice closed without a button: VS Code answers undefined.
      return undefined;
    });
    assert.equal(await askText(q), undefined, 'nothing sent');
    assert.equal(untitled('Savepoint kept task.md')?.getText(), written, 'the text is still open');
    assert.ok(ui.calls.some((c) => c.kind === 'info' && c.message === 'Savepoint: the task stays open in the editor; do the same again to go on with it (Cancel drops it).'), JSON.stringify(ui.calls.map((c) => c.message)));
    assert.equal(await askText(q), written);
    assert.equal(seen, written);
    assert.equal(ui.calls.filter((c) => c.kind === 'inputBox').length, 1, 'the box is not asked again: the text kept is');
    await waitFor('the document closed once sent', () => (tabOpen('Savepoint kept task.md') ? undefined : true));
  });
});
