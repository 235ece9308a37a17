import assert from 'node:assert/strict';
import { exhausted, raise } from '../../../src/core/runner/budgets';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse } from './runnerHarness';

const MIN = 60_000;

/**
 * A fake clock: each model request takes 4 minutes; an approval waits an hour for its answer; a
 * crash leaves the session alone for a day. Only the first counts as the session's run time.
 */
describe('the time budget (savepoint.budget.maxMinutes): active run time, across approvals and a crash', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  const steps = () => [
    toolUse('w1', 'write_file', { path: 'a.txt', content: 'two\n' }),
    toolUse('r1', 'read_file', { path: 'a.txt' }, { toolResultFor: 'w1' }),
    toolUse('r2', 'read_file', { path: 'a.txt' }, { toolResultFor: 'r1' }),
    toolUse('r3', 'read_file', { path: 'a.txt' }, { toolResultFor: 'r2' }),
    finalText('done', { toolResultFor: 'r3' }),
  ];

  function clocked() {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const gate = new ScriptedGate((r) => {
      if (r.kind === 'budget') return 'park';
      clock.t += 60 * MIN;
      return { decision: 'approve' };
    });
    const extra = { now: () => clock.t, onModelRequest: () => void (clock.t += 4 * MIN) };
    return { clock, gate, extra };
  }

  it('stops with a budget question once the minutes are used, not counting the wait for an approval', async () => {
    const h = await harness(steps(), { 'a.txt': 'one\n' });
    const { gate, extra } = clocked();
    const runner = h.runner(gate, extra);
    const id = await runner.start({ task: 'edit a.txt', models: ['claude-sonnet-4-6'], budgets: { maxMinutes: 10 } });
    const out = await runner.run(id);
    assert.equal(out.status, 'waiting', JSON.stringify(out));
    const budget = gate.asked.find((r) => r.kind === 'budget');
    assert.ok(budget, 'a budget question was asked');
    assert.match(budget.reasons.join(' '), /time budget used: 12 of 10 minutes/);
    const j = await SessionJournal.open(h.store, id);
    assert.equal(j.state.counters.activeMs, 12 * MIN, 'three model requests of 4 minutes; the hour waiting for the approval is not counted');
    assert.equal(j.state.counters.steps, 3);
  });

  it('the count is journaled: a crash and a day away neither reset nor add to it', async () => {
    const h = await harness(steps(), { 'a.txt': 'one\n' });
    const { clock, gate, extra } = clocked();
    const first = h.runner(gate, { ...extra, probe: crashAt('after:tool_result') });
    const id = await first.start({ task: 'edit a.txt', models: ['claude-sonnet-4-6'], budgets: { maxMinutes: 10 } });
    await assert.rejects(first.run(id), Crash);
    assert.equal((await SessionJournal.open(h.store, id)).state.counters.activeMs, 4 * MIN);
    clock.t += 24 * 60 * MIN;
    const out = await h.runner(gate, extra).run(id);
    assert.equal(out.status, 'waiting');
    const j = await SessionJournal.open(h.store, id);
    assert.equal(j.state.counters.activeMs, 12 * MIN);
    assert.equal(j.state.openApprovals[0]?.kind, 'budget');
  });

  it('continuing raises the limit as for the other budgets; 0 is no limit', () => {
    const c = { steps: 0, tokens: 0, costUsd: 0, toolFailures: {}, activeMs: 12 * MIN };
    const over = exhausted({ maxMinutes: 10 }, c);
    assert.equal(over?.kind, 'time');
    assert.equal(exhausted(raise({ maxMinutes: 10 }, over as NonNullable<typeof over>), c), undefined);
    assert.equal(exhausted({ maxMinutes: 0 }, c), undefined);
  });
});
