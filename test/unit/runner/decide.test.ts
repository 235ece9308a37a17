import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunnerError } from '../../../src/core/runner/sessionJournal';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

describe('an answer given between runs (Runner.decide, as savepoint approve gives it)', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('is refused for a question asked again since (a stale id) and when sent twice; the journal is unchanged', async () => {
    h = await harness([toolUse('w1', 'write_file', { path: 'f.txt', content: 'one\nTWO (agent)\nthree\n' }), finalText('done', { toolResultFor: 'w1' })], { 'f.txt': 'one\ntwo\nthree\n' });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'waiting');
    const asked = (await h.store.getSession(id))?.pendingApproval?.id as string;
    await runner.decide(id, asked, { decision: 'approve' });
    await assert.rejects(runner.decide(id, asked, { decision: 'reject' }), (e) => RunnerError.is(e, 'INVALID'), 'the same answer sent again (a second window, the CLI) is refused');
    // The user changes the file: approving the write now asks about the conflict, a new question.
    await writeFile(join(h.workspace, 'f.txt'), 'one\ntwo (mine)\nthree\n');
    assert.equal((await runner.run(id)).status, 'waiting');
    const conflict = (await h.store.getSession(id))?.pendingApproval?.id as string;
    assert.match(conflict, /^conflict:/);
    const head = (await h.store.getSession(id))?.headSeq;
    await assert.rejects(runner.decide(id, asked, { decision: 'approve' }), /waits for conflict:/);
    assert.equal((await h.store.getSession(id))?.headSeq, head, 'nothing journaled for a stale id');
    await runner.decide(id, conflict, { decision: 'reject', text: 'keep mine' });
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'f.txt'), 'utf8'), 'one\ntwo (mine)\nthree\n');
  });

  it('a budget raised between runs is raised in the same batch as the answer, and the next run does not ask it again', async () => {
    h = await harness([toolUse('r1', 'read_file', { path: 'f.txt' }), finalText('done', { toolResultFor: 'r1' })], { 'f.txt': 'x\n' });
    const gate = new ScriptedGate(() => 'park');
    const runner = h.runner(gate);
    const id = await runner.start({ task: 'read', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    assert.equal((await runner.run(id)).status, 'waiting');
    const asked = (await h.store.getSession(id))?.pendingApproval?.id as string;
    assert.match(asked, /^budget:/);
    await runner.decide(id, asked, { decision: 'approve' });
    const last = (await h.events(id)).slice(-3).map((e) => e.type);
    assert.deepEqual(last, ['approval_decided', 'budgets_changed', 'status']);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.approvalId), [asked]);
  });

  it('leaves the session paused, not running with no run behind it: the next command does not take it for a crashed run', async () => {
    h = await harness([toolUse('r1', 'read_file', { path: 'f.txt' }), finalText('done', { toolResultFor: 'r1' })], { 'f.txt': 'x\n' });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'read', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    assert.equal((await runner.run(id)).status, 'waiting');
    const asked = (await h.store.getSession(id))?.pendingApproval?.id as string;
    await runner.decide(id, asked, { decision: 'approve' });
    assert.equal((await h.store.getSession(id))?.status, 'paused', 'answered between runs, nothing runs it');
    assert.equal(await runner.markInterrupted(id, 'its process was killed or crashed'), false, 'the next command does not say its process was killed or crashed');
    assert.equal((await runner.run(id)).status, 'completed');
  });

  it('a budget the user edits must be budgets: a bad one is refused with what is expected, nothing recorded, and the limit stays', async () => {
    h = await harness([toolUse('r1', 'read_file', { path: 'f.txt' }), toolUse('r2', 'read_file', { path: 'f.txt' }, { toolResultFor: 'r1' }), finalText('done', { toolResultFor: 'r2' })], { 'f.txt': 'x\n' });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'read', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    assert.equal((await runner.run(id)).status, 'waiting');
    const asked = (await h.store.getSession(id))?.pendingApproval?.id as string;
    const head = (await h.store.getSession(id))?.headSeq;
    for (const input of [{ maxSteps: 'two' }, { maxSteps: -1 }, { maxSteps: 2.5 }, { maxStep: 2 }, null, [2], 'maxSteps=2']) {
      await assert.rejects(runner.decide(id, asked, { decision: 'edit', input }), (e) => RunnerError.is(e, 'INVALID') && /\{"maxSteps": 10\}/.test(e.message) && /nothing was recorded/.test(e.message), JSON.stringify(input));
    }
    assert.equal((await h.store.getSession(id))?.headSeq, head, 'nothing journaled for a bad budget');
    await runner.decide(id, asked, { decision: 'edit', input: { maxSteps: 2 } });
    assert.equal((await runner.run(id)).status, 'waiting', 'stopped again at two steps: the edited limit holds');
    assert.match((await h.store.getSession(id))?.pendingApproval?.summary ?? '', /steps budget used: 2 of 2/);
  });

  it("a reply to a budget question raises the budget and reaches the model; a cancelled session's question cannot be answered", async () => {
    h = await harness([toolUse('r1', 'read_file', { path: 'f.txt' }), finalText('done', { toolResultFor: 'r1', lastUserContains: 'only one more file' })], { 'f.txt': 'x\n' });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'read', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    assert.equal((await runner.run(id)).status, 'waiting');
    const asked = (await h.store.getSession(id))?.pendingApproval?.id as string;
    await runner.decide(id, asked, { decision: 'respond', text: 'go on, but read only one more file' });
    assert.deepEqual((await h.events(id)).slice(-4).map((e) => e.type), ['approval_decided', 'budgets_changed', 'message_added', 'status']);
    assert.equal((await runner.run(id)).status, 'completed', 'the model got the reply (the script checks it)');

    const other = await runner.start({ task: 'read', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    await h.store.getSession(other);
    await runner.cancel(other);
    await assert.rejects(runner.decide(other, 'budget:1', { decision: 'approve' }), /is stopped: there is no question to answer/);
  });
});
