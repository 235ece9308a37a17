import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, modelStats, useModel, waitForSession, WindowStub } from '../helpers';
import { MEMORY_MODEL, RECALL_TASK, REMEMBER_TASK } from '../scenario';

/**
 * Long-term memory in the real extension host: a session remembers a procedure without asking
 * (memory writes are undoable), the next session's system prompt carries it; the session commands
 * for compaction and pins answer in words.
 */
describe('Long-term memory and session history commands', () => {
  let ui: WindowStub;
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('a procedure remembered in one session is in the next session\'s prompt', async () => {
    await activateExtension();
    await useModel(MEMORY_MODEL);
    const { seeded } = config();
    await vscode.commands.executeCommand('savepoint.newSession', REMEMBER_TASK);
    const first = await waitForSession(seeded.storeDir, REMEMBER_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(first.status, 'completed');
    await vscode.commands.executeCommand('savepoint.newSession', RECALL_TASK);
    const second = await waitForSession(seeded.storeDir, RECALL_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(second.status, 'completed');
    const stats = await modelStats();
    assert.deepEqual(stats.violations, [], 'the second request carried the memory in its system prompt');
    assert.ok(!ui.calls.some((c) => c.kind === 'warning' && /remember/.test(c.message)), 'remember did not ask');
    assert.deepEqual(ui.errors(), []);
  });

  it('Pin Fact journals a pin; Undo Compaction on a session never compacted says so', async () => {
    const { seeded } = config();
    const target = (await waitForSession(seeded.storeDir, RECALL_TASK, () => true, 'to exist')).id;
    ui.on('quickPick', /Pin a fact in which session\?|Undo the latest compaction of which session\?/, (c) => (c.args[0] as Array<{ id: string }>).find((i) => i.id === target));
    ui.on('inputBox', /Pin Fact/, () => 'never touch vendor/');
    await vscode.commands.executeCommand('savepoint.pinFact');
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /fact pinned/.test(c.message)), JSON.stringify(ui.calls.map((c) => c.message)));
    ui.on('warning', /Put back the messages/, () => 'Undo Compaction');
    await vscode.commands.executeCommand('savepoint.undoCompaction');
    assert.ok(ui.errors().some((m) => /has no compaction to undo/.test(m)), JSON.stringify(ui.errors()));
  });
});
