import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, config, events, modelStats, useModel, waitFor, waitForSession, WindowStub, workbenchUi, workspaceRoot } from '../helpers';
import type { ApprovalRequest } from '../../../src/core/ports/approvalGate';
import { NotificationApprovalGate } from '../../../src/extension/notificationApprovalGate';
import { DROP_MODEL, DROP_TASK, EDITED_MODEL, EDITED_TASK, FIELDS_MODEL, FIELDS_TASK, SHOWN_MODEL, SHOWN_TASK } from '../scenario';

/** The untitled document Edit opens, while it is open: the JSON of the whole input, or the text of one field (named "... (Savepoint edit ...)"). */
const inputDocument = (json: boolean) => (): vscode.TextDocument | undefined =>
  vscode.workspace.textDocuments.find((d) => d.isUntitled && !d.isClosed && (json ? d.languageId === 'json' : d.uri.path.includes('(Savepoint edit ')));

async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit of the input document applied');
}

/**
 * Edit on an approval: a file's new contents open as a document of their own, read as that file (not
 * a line of JSON in a one-line box); any other input opens as JSON, where text that is not JSON is
 * said, with where, and stays open to be fixed. The call runs with what the editor holds once the
 * user chooses Use Edited Input; the document closes without a save prompt. Show Changes opens the
 * proposed diff and asks again.
 */
describe('Show Changes and Edit on an approval', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('opens the new contents of a file as that file in an editor, and writes what the user made of them', async () => {
    await activateExtension();
    await useModel(EDITED_MODEL);
    const { seeded } = config();
    const file = join(workspaceRoot(), 'edited.txt');
    ui.on('warning', /allow the agent to write_file edited\.txt/, () => 'Edit');
    let shown: vscode.TextDocument | undefined;
    let shownText = '';
    ui.on('info', /edit the new contents of edited\.txt \(the other fields of write_file stay as they are; Edit All Fields opens them all\) in the editor/, async () => {
      shown = await waitFor('the contents document', inputDocument(false));
      shownText = shown.getText();
      if (await workbenchUi({ count: 'body' })) await workbenchUi({ wait: '.monaco-editor .view-lines:has-text("line two from the model")', shot: 'approval-edit-input' });
      await replaceText(shown, 'line one from the user\nline two from the user\n');
      return 'Use Edited Input';
    });
    await vscode.commands.executeCommand('savepoint.newSession', EDITED_TASK);
    const done = await waitForSession(seeded.storeDir, EDITED_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.equal(shownText, 'line one from the model\nline two from the model\n', 'the contents as the model wrote them, not JSON');
    assert.match(shown?.uri.path ?? '', /^edited \(Savepoint edit [A-Za-z0-9]+\)\.txt$/);
    assert.equal(shown?.eol, vscode.EndOfLine.LF);
    assert.equal(readFileSync(file, 'utf8'), 'line one from the user\nline two from the user\n');
    const decided = (await events(seeded.storeDir, done.id)).find((e) => e.type === 'approval_decided')?.data as { decision: string } | undefined;
    assert.equal(decided?.decision, 'edit');
    await waitFor('the contents document closed, its text dropped without a save prompt', () => (inputDocument(false)() ? undefined : true));
    assert.deepEqual((await modelStats()).duplicateTurns, []);
  });

  it('Edit All Fields opens every field as JSON with the text as edited, so the path can be changed too', async () => {
    await activateExtension();
    await useModel(FIELDS_MODEL);
    const { seeded } = config();
    ui.on('warning', /allow the agent to write_file fields-a\.txt/, () => 'Edit');
    ui.on('info', /edit the new contents of fields-a\.txt .* in the editor/, async () => {
      const doc = await waitFor('the contents document', inputDocument(false));
      await replaceText(doc, 'contents from the user\n');
      return 'Edit All Fields';
    });
    let json = '';
    ui.on('info', /edit the input of write_file \(JSON\) in the editor/, async () => {
      const doc = await waitFor('the input document', inputDocument(true));
      json = doc.getText();
      await replaceText(doc, json.replace('"fields-a.txt"', '"fields-b.txt"'));
      return 'Use Edited Input';
    });
    await vscode.commands.executeCommand('savepoint.newSession', FIELDS_TASK);
    const done = await waitForSession(seeded.storeDir, FIELDS_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.deepEqual(JSON.parse(json), { path: 'fields-a.txt', content: 'contents from the user\n' }, 'every field, with the contents as edited before');
    assert.equal(readFileSync(join(workspaceRoot(), 'fields-b.txt'), 'utf8'), 'contents from the user\n');
    assert.equal(existsSync(join(workspaceRoot(), 'fields-a.txt')), false, 'nothing written at the path the model chose');
    await waitFor('both input documents closed', () => (inputDocument(false)() || inputDocument(true)() ? undefined : true));
  });

  it('opens any other input as JSON, says where broken JSON breaks, and runs the call with the fixed input', async () => {
    await useModel(DROP_MODEL);
    const { seeded } = config();
    writeFileSync(join(workspaceRoot(), 'drop-a.txt'), 'keep me\n');
    writeFileSync(join(workspaceRoot(), 'drop-b.txt'), 'drop me\n');
    ui.on('warning', /allow the agent to delete_file drop-a\.txt/, () => 'Edit');
    let shown = '';
    let rounds = 0;
    ui.on('info', /edit the input of delete_file \(JSON\) in the editor/, async () => {
      const doc = await waitFor('the input document', inputDocument(true));
      rounds++;
      if (rounds === 1) {
        shown = doc.getText();
        // A comma too many: not JSON.
        await replaceText(doc, '{\n  "path": "drop-b.txt",\n}\n');
      } else {
        await replaceText(doc, '{\n  "path": "drop-b.txt"\n}\n');
      }
      return 'Use Edited Input';
    });
    await vscode.commands.executeCommand('savepoint.newSession', DROP_TASK);
    const done = await waitForSession(seeded.storeDir, DROP_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.deepEqual(JSON.parse(shown), { path: 'drop-a.txt' });
    assert.ok(shown.split('\n').length >= 3, `the input is laid out over lines:\n${shown}`);
    assert.equal(rounds, 2, 'asked again after the broken JSON');
    const said = ui.errors().find((m) => /the edited input cannot be used/.test(m)) ?? '';
    assert.match(said, /not valid JSON at line 3, column 1 .*Fix it in the editor and choose Use Edited Input again/);
    assert.equal(existsSync(join(workspaceRoot(), 'drop-b.txt')), false, 'the file the user named is deleted');
    assert.equal(readFileSync(join(workspaceRoot(), 'drop-a.txt'), 'utf8'), 'keep me\n');
    await waitFor('the input document closed', () => (inputDocument(true)() ? undefined : true));
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

  it('asks a fork and its parent each their own question, though the fork journals it under the same id', async () => {
    const titles: Record<string, string> = { 'parent-session': 'Migrate the billing API', 'fork-session': 'Migrate the billing API (fork at step 12)' };
    const gate = new NotificationApprovalGate(undefined, () => ({ minutes: 0, action: 'reject' }), undefined, undefined, async (id) => titles[id]);
    const request = (sessionId: string): ApprovalRequest => ({ sessionId, approvalId: 'budget:41', kind: 'budget', reasons: ['the step budget (20) is used up'], requestedAt: Date.now() });
    const asked = () => ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('used up its budget'));
    const answers = new Map<number, (v: string) => void>();
    ui.on('warning', /used up its budget/, () => new Promise<string>((resolve) => answers.set(answers.size, resolve)));
    ui.on('inputBox', /Why\?/, () => 'not on this branch');
    const never = new AbortController().signal;
    const parent = gate.ask(request('parent-session'), never);
    const fork = gate.ask(request('fork-session'), never);
    await waitFor('both questions on screen', () => (asked().length === 2 ? true : undefined));
    // Each names its session: the two questions read the same otherwise.
    assert.deepEqual(asked().map((c) => c.message.split(':')[0]), ['Savepoint (Migrate the billing API)', 'Savepoint (Migrate the billing API (fork at step 12))']);
    answers.get(1)?.('Reject');
    answers.get(0)?.('Continue');
    assert.deepEqual(await parent, { decision: 'approve' });
    assert.deepEqual(await fork, { decision: 'reject', text: 'not on this branch' });
  });

  it('Set Limit on a budget question asks for the new limit, refuses one not valid with why, and records nothing for it', async () => {
    const gate = new NotificationApprovalGate(undefined, () => ({ minutes: 0, action: 'reject' }));
    const request = (approvalId: string): ApprovalRequest => ({ sessionId: 'budget-session', approvalId, kind: 'budget', reasons: ['cost budget used: $2.75 of $2.50'], budget: { kind: 'cost', limit: 2.5, used: 2.75 }, requestedAt: Date.now() });
    ui.on('warning', /used up its budget/, (c) => {
      assert.deepEqual(c.args.slice(2), ['Continue', 'Set Limit', 'Reject']);
      return 'Set Limit';
    });
    const faults: (string | undefined)[] = [];
    let typed = '6';
    ui.on('inputBox', /New limit in dollars/, (c) => {
      const box = c.args[0] as vscode.InputBoxOptions;
      assert.match(box.prompt ?? '', /^Used \$2\.75 of \$2\.50\./);
      faults.push(...['2', 'six', '6'].map((t) => box.validateInput?.(t) as string | undefined));
      return typed;
    });
    const never = new AbortController().signal;
    assert.deepEqual(await gate.ask(request('budget:7'), never), { decision: 'edit', input: { maxCostUsd: 6 } });
    assert.deepEqual(faults, ['$2.00 is not more than the $2.75 used: the session would ask again at once. Type more, or 0 for no limit', '"six" is not a limit: type a number, such as 5.25 (0: no limit)', undefined]);
    typed = 'six';
    assert.equal(await gate.ask(request('budget:9'), never), 'park', 'a limit not valid is not an answer: the question stays open');
  });
});

