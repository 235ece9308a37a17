import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, config, deferred, events, modelStats, sessions, sleep, waitFor, waitForSession, useModel, WindowStub, workbenchUi, workspaceRoot } from '../helpers';
import { EDIT_MODEL, EDIT_TASK, LATE_MODEL, LATE_TASK, REJECT_MODEL, REJECT_REASON, REJECT_TASK, RESHOW_MODEL, RESHOW_TASK, TWICE_MODEL, TWICE_TASK } from '../scenario';

/**
 * Savepoint: New Session with a task, against the scripted model: the model asks to edit hello.ts,
 * the notification approval gate asks the user. Dismissing the notification decides nothing (the
 * session waits); Answer Waiting Approvals brings the question back, Approve applies the edit.
 */
describe('New Session', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('runs the task against the model, waits on a dismissed approval, and edits the file once approved', async () => {
    await activateExtension();
    await useModel(EDIT_MODEL);
    const { seeded } = config();
    const file = join(workspaceRoot(), 'hello.ts');
    const original = readFileSync(file);
    const requestsBefore = (await modelStats()).requests;
    const asked = () => ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('allow the agent to edit_file hello.ts'));

    ui.on('info', /session started/, () => 'Show Session');
    await vscode.commands.executeCommand('savepoint.newSession', EDIT_TASK);
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /session started/.test(c.message)), 'started notification');
    // Show Session on that notice opens the session's live timeline in the Savepoint sidebar.
    if (await workbenchUi({ count: 'body' })) {
      await workbenchUi({ wait: `.detail-title:has-text("${EDIT_TASK}")`, shot: 'new-session-shown' });
      // Back to the list, where the later suites expect the sidebar.
      await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    }
    const waiting = await waitForSession(seeded.storeDir, EDIT_TASK, (s) => s.status === 'waiting', 'to wait for the approval');
    // The request is journaled (status waiting) before the gate shows it: wait for the notification too.
    await waitFor('the approval notification', () => (asked().length === 1 ? true : undefined));
    assert.deepEqual(asked()[0]?.args.slice(2), ['Approve', 'Show Changes', 'Edit', 'Reject', 'Respond']);
    assert.equal(waiting.pendingApproval?.tool, 'edit_file');
    assert.ok(asked()[0]?.message.startsWith(`Savepoint (${EDIT_TASK}): allow the agent to edit_file hello.ts?`), `the question names its session: ${asked()[0]?.message}`);
    assert.ok(readFileSync(file).equals(original), 'nothing is written before the approval');

    ui.on('quickPick', /Which session waits for you\?/, (c) => (c.args[0] as Array<{ label: string; id: string }>).find((i) => i.label.includes(EDIT_TASK)));
    ui.on('warning', /allow the agent to edit_file hello\.ts/, () => 'Approve');
    // The parked run lets go of the session just after it is journaled as waiting; until then
    // Answer Waiting Approvals has nothing to resume, so ask again until the question is back.
    await waitFor('the approval asked again through Answer Waiting Approvals', async () => {
      await vscode.commands.executeCommand('savepoint.answerApprovals');
      if (asked().length < 2) await sleep(500);
      return asked().length >= 2 ? true : undefined;
    });
    const done = await waitForSession(seeded.storeDir, EDIT_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.equal(done.id, waiting.id);
    assert.equal(asked().length, 2, 'asked again through Answer Waiting Approvals');
    assert.equal(readFileSync(file, 'utf8'), 'export const hello = 2;\n');
    await waitFor('the completion notification', () => ui.calls.find((c) => c.kind === 'info' && /the session completed/.test(c.message)));
    // Show Session's document has what the agent said under each turn: its words beside the edit, and its answer.
    await vscode.commands.executeCommand('savepoint.showSession', done.id);
    const log = await waitFor('the session document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'savepoint-session' && d.uri.path.includes(done.id)));
    assert.match(log.getText(), /model turn 1 [^\n]*\n {7}> I will bump the constant\.\n/);
    assert.match(log.getText(), /model turn 2 [^\n]*\n {7}> Done: hello is 2\.\n/);
    // A call in full (the sidebar's "Open all … chars in an editor", which cuts a result at 8,000 characters): its input and the result the model got.
    await vscode.commands.executeCommand('savepoint.showCall', done.id, 'toolu_integ_edit');
    const call = await waitFor('the call document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'savepoint-session' && d.uri.path.endsWith('/toolu_integ_edit.log')));
    assert.match(call.getText(), /^edit_file call toolu_integ_edit at step 1 of session /);
    assert.match(call.getText(), /"old_text": "hello = 1"/);
    assert.match(call.getText(), /\nResult, as the model got it:\n/);
    if (await workbenchUi({ count: 'body' })) {
      // A screen reader hears the session change status once, through the status region; the page itself is not read out at each redraw.
      await waitFor('the completion read out', async () => ((await workbenchUi({ count: `#announce[role="status"]:has-text("${EDIT_TASK}: completed.")` }))?.count ? true : undefined));
      assert.equal((await workbenchUi({ count: '#root[aria-live], #root [aria-live="polite"], #root [aria-live="assertive"]' }))?.count, 0, 'the page is not a live region');
    }

    // The step's AST snapshot: its symbols in a quick pick; picking one opens the version the step left, at the symbol.
    let offered: string[] = [];
    ui.on('quickPick', /Go to a symbol as (the step left it|it was before the session)/, (c) => {
      const items = c.args[0] as Array<{ label: string; description?: string }>;
      offered = items.map((i) => `${i.label} · ${i.description ?? ''}`);
      return items.find((i) => i.label.includes('hello'));
    });
    await vscode.commands.executeCommand('savepoint.showStepSymbols', done.id, 1, 'hello.ts');
    assert.deepEqual(offered, ['$(symbol-constant) hello · constant · lines 1-1']);
    const shown = await waitFor('the version at the step', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'savepoint-blob' ? vscode.window.activeTextEditor : undefined));
    assert.equal(shown.document.getText(), 'export const hello = 2;\n');
    assert.equal(shown.document.languageId, 'typescript');
    // Before the session: no step outlined that version, so it is read from the stored contents.
    offered = [];
    await vscode.commands.executeCommand('savepoint.showStepSymbols', done.id, 0, 'hello.ts');
    assert.deepEqual(offered, ['$(symbol-constant) hello · constant · lines 1-1']);
    await waitFor('the version before the session', () => (vscode.window.activeTextEditor?.document.getText() === original.toString('utf8') ? true : undefined));

    const stats = await modelStats();
    assert.equal(stats.requests - requestsBefore, 2, 'two model turns, none requested twice');
    assert.deepEqual(stats.duplicateTurns, []);
    assert.deepEqual(stats.violations, []);
    assert.deepEqual(ui.errors(), []);
  });

  it('Reject with a reason in the notification: nothing is deleted and the model reads the reason as the tool\'s error', async () => {
    await useModel(REJECT_MODEL);
    const { seeded } = config();
    const file = join(workspaceRoot(), 'README.md');
    const before = readFileSync(file);
    ui.on('warning', /allow the agent to delete_file README\.md/, () => 'Reject');
    ui.on('inputBox', /Why\?/, () => REJECT_REASON);
    await vscode.commands.executeCommand('savepoint.newSession', REJECT_TASK);
    const done = await waitForSession(seeded.storeDir, REJECT_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.ok(readFileSync(file).equals(before), 'README.md is untouched');
    const stats = await modelStats();
    assert.deepEqual(stats.violations, [], 'the model got the rejection as an error result carrying the reason');
    assert.deepEqual(ui.errors(), []);
  });

  it('a question that slipped out of view while the session runs is shown again by Answer Waiting Approvals; the first answer counts', async () => {
    await useModel(RESHOW_MODEL);
    const { seeded } = config();
    const file = join(workspaceRoot(), 'reshow.txt');
    const asked = () => ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('allow the agent to write_file reshow.txt'));
    // The first notification is never answered nor dismissed: it sits in the notification centre.
    ui.on('warning', /allow the agent to write_file reshow\.txt/, () => new Promise(() => undefined));
    await vscode.commands.executeCommand('savepoint.newSession', RESHOW_TASK);
    await waitFor('the first approval notification', () => (asked().length === 1 ? true : undefined));
    const waiting = await waitForSession(seeded.storeDir, RESHOW_TASK, (s) => s.status === 'waiting', 'to wait for the approval');
    // Delete Session given the id of a session whose run is alive (its question on screen) deletes nothing.
    ui.on('warning', /Delete this session/, () => 'Delete');
    await vscode.commands.executeCommand('savepoint.deleteSession', waiting.id);
    assert.ok(ui.calls.some((c) => c.kind === 'warning' && /that session is running \(or asking you something\).*Nothing was deleted/.test(c.message)), 'the user is told why');
    assert.ok((await sessions(seeded.storeDir)).some((s) => s.id === waiting.id), 'the session is still there');
    ui.on('warning', /allow the agent to write_file reshow\.txt/, () => 'Approve');
    ui.on('quickPick', /Which session waits for you\?/, (c) => (c.args[0] as Array<{ label: string; id: string }>).find((i) => i.label.includes(RESHOW_TASK)));
    await vscode.commands.executeCommand('savepoint.answerApprovals');
    const done = await waitForSession(seeded.storeDir, RESHOW_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.equal(asked().length, 2, 'the same question, shown a second time');
    assert.equal(readFileSync(file, 'utf8'), 'shown again\n');
    assert.deepEqual((await modelStats()).duplicateTurns, []);
  });

  it('Resume Session sent twice at once (a double click; the timeout scheduler and the user): one run asks, and Answer Waiting Approvals can still show the question again', async () => {
    await useModel(TWICE_MODEL);
    const { seeded } = config();
    const asked = () => ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('allow the agent to write_file twice.txt'));
    // The first notification is dismissed: the session waits with no run.
    await vscode.commands.executeCommand('savepoint.newSession', TWICE_TASK);
    const waiting = await waitForSession(seeded.storeDir, TWICE_TASK, (s) => s.status === 'waiting', 'to wait for the approval');
    await waitFor('the first notification', () => (asked().length === 1 ? true : undefined));
    await sleep(1000);
    // Shown again, then left in the notification centre.
    ui.on('warning', /allow the agent to write_file twice\.txt/, () => new Promise(() => undefined));
    await Promise.all([vscode.commands.executeCommand('savepoint.resumeSession', waiting.id), vscode.commands.executeCommand('savepoint.resumeSession', waiting.id)]);
    await waitFor('the question shown again', () => (asked().length === 2 ? true : undefined));
    await sleep(1000);
    assert.equal(asked().length, 2, 'one run asks');
    // The question slipped out of view: Answer Waiting Approvals brings it back, and this time the user approves.
    ui.on('warning', /allow the agent to write_file twice\.txt/, () => 'Approve');
    ui.on('quickPick', /Which session waits for you\?/, (c) => (c.args[0] as Array<{ label: string; id: string }>).find((i) => i.label.includes(TWICE_TASK)));
    await vscode.commands.executeCommand('savepoint.answerApprovals');
    await waitFor('the question shown a third time', () => (asked().length === 3 ? true : undefined), 10000);
    const done = await waitForSession(seeded.storeDir, TWICE_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    assert.equal(readFileSync(join(workspaceRoot(), 'twice.txt'), 'utf8'), 'resumed twice\n');
    assert.deepEqual((await modelStats()).duplicateTurns, []);
  });

  it('Approve clicked on the notification after the session was paused is recorded, and the resume it offers runs the call without asking again', async () => {
    await useModel(LATE_MODEL);
    const { seeded } = config();
    const asked = () => ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('allow the agent to write_file late.txt'));
    // The notification stays on screen; the user pauses the session from the sidebar meanwhile.
    const click = deferred<string | undefined>();
    ui.on('warning', /allow the agent to write_file late\.txt/, () => click.promise);
    ui.on('info', /your answer \(approve\) is recorded/, () => 'Resume Session');
    await vscode.commands.executeCommand('savepoint.newSession', LATE_TASK);
    const waiting = await waitForSession(seeded.storeDir, LATE_TASK, (s) => s.status === 'waiting', 'to wait for the approval');
    await waitFor('the approval notification', () => (asked().length === 1 ? true : undefined));
    await vscode.commands.executeCommand('savepoint.pauseSession', waiting.id);
    await sleep(1000);
    // The old notification, clicked now: it used to do nothing and say nothing.
    click.resolve('Approve');
    const done = await waitForSession(seeded.storeDir, LATE_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish after the late answer');
    assert.equal(done.status, 'completed');
    assert.equal(readFileSync(join(workspaceRoot(), 'late.txt'), 'utf8'), 'approved after the pause\n');
    assert.equal(asked().length, 1, 'the question answered on the old notification is not asked again');
    const decided = (await events(seeded.storeDir, done.id)).filter((e) => e.type === 'approval_decided');
    assert.deepEqual(decided.map((e) => (e.data as { decision: string }).decision), ['approve']);
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /your answer \(approve\) is recorded\. The session is paused/.test(c.message)));
    assert.deepEqual((await modelStats()).duplicateTurns, []);
    assert.deepEqual(ui.errors(), []);
  });
});
