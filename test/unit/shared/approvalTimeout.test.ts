import assert from 'node:assert/strict';
import { approvalTimeoutFrom, MAX_TIMEOUT_MINUTES, timedOutAnswer, timeoutPlan } from '../../../src/shared/approvalTimeout';

const MIN = 60_000;

describe('approval timeout: the default action, counted from the journaled request time', () => {
  it('never times out with 0 (the default) or a nonsense value', () => {
    for (const raw of [0, -5, undefined, 'ten', Number.NaN, Infinity]) {
      const t = approvalTimeoutFrom(raw, 'approve');
      assert.equal(timeoutPlan({ kind: 'tool', requestedAt: 0 }, t, 10 ** 12).type, 'never', String(raw));
    }
  });

  it('waits for what is left of the timeout, then decides', () => {
    const t = approvalTimeoutFrom(10, 'reject');
    assert.deepEqual(timeoutPlan({ kind: 'tool', requestedAt: 1_000 }, t, 1_000 + 4 * MIN), { type: 'wait', ms: 6 * MIN });
    const plan = timeoutPlan({ kind: 'tool', requestedAt: 1_000 }, t, 1_000 + 10 * MIN);
    assert.equal(plan.type, 'decide');
    assert.ok(plan.type === 'decide');
    assert.equal(plan.answer.decision, 'reject');
    assert.match(plan.answer.text, /^Nobody answered this approval within 10 minutes, so the approval timeout rejected the call/);
  });

  it('an approval asked before a restart and overdue after it is decided at once', () => {
    const requestedAt = Date.UTC(2026, 0, 1, 9, 0);
    const afterRestart = requestedAt + 3 * 60 * MIN;
    const plan = timeoutPlan({ kind: 'tool', requestedAt }, approvalTimeoutFrom(30, 'reject'), afterRestart);
    assert.equal(plan.type, 'decide');
  });

  it('approve applies to tool calls only: conflicts, re-runs, budgets and loops are rejected', () => {
    const t = approvalTimeoutFrom(1, 'approve');
    assert.deepEqual(timedOutAnswer('tool', t), { decision: 'approve', timedOut: '1 minute', text: 'Nobody answered this approval within 1 minute, so the approval timeout approved the call (setting savepoint.approval.timeoutAction).' });
    for (const kind of ['conflict', 'command_rerun', 'budget', 'loop']) assert.equal(timedOutAnswer(kind, t).decision, 'reject', kind);
  });

  it('approve never applies to a call only the user may approve (destructive, an always-ask pattern, outside the workspace)', () => {
    const t = approvalTimeoutFrom(1, 'approve');
    const plan = timeoutPlan({ kind: 'tool', requestedAt: 0, userOnly: true }, t, 2 * MIN);
    assert.ok(plan.type === 'decide');
    assert.equal(plan.answer.decision, 'reject');
    assert.equal(timedOutAnswer('tool', t, true).decision, 'reject');
  });

  it('says how long it waited in words that fit the setting', () => {
    assert.match(timedOutAnswer('tool', approvalTimeoutFrom(0.05, 'reject')).text, /^Nobody answered this approval within 3 seconds, so the approval timeout rejected/);
    assert.match(timedOutAnswer('tool', approvalTimeoutFrom(90, 'reject')).text, /^Nobody answered this approval within 90 minutes,/);
  });

  it('unknown actions mean reject; huge timeouts are capped', () => {
    assert.equal(approvalTimeoutFrom(5, 'keepGoing').action, 'reject');
    assert.equal(approvalTimeoutFrom(10 ** 9, 'reject').minutes, MAX_TIMEOUT_MINUTES);
  });
});
