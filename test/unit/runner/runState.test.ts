import assert from 'node:assert/strict';
import { DEFAULT_APPROVAL_POLICY } from '../../../src/core/runner/approvalPolicy';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { initialRunState, nextOpenCall, reduce, turnSettled } from '../../../src/core/runner/runState';
import type { BlobHash } from '../../../src/core/store/types';

const h = (c: string) => c.repeat(64) as BlobHash;
const usage = { input: 100, output: 20, cacheRead: 50, cacheWrite: 0 };

const journal: RunnerEvent[] = [
  { type: 'session_started', data: { task: 'fix', system: 'sys', models: ['m'], maxTokens: 1000, budgets: { maxSteps: 10 }, policy: DEFAULT_APPROVAL_POLICY, firstMessage: h('a') } },
  { type: 'model_turn', data: { turn: 1, message: h('b'), calls: [{ id: 't1', name: 'read_file' }, { id: 't2', name: 'write_file' }], stopReason: 'tool_use', usage, costUsd: 0.01, model: 'm', attempts: 1, retries: [] } },
  { type: 'tool_planned', data: { callId: 't1', name: 'read_file', category: 'read', input: { path: 'a' } } },
  { type: 'tool_result', data: { callId: 't1', name: 'read_file', key: 'read_file {"path":"a"}', isError: false, content: 'x', progressed: false } },
  { type: 'approval_requested', data: { approvalId: 'ap1', kind: 'tool', callId: 't2', name: 'write_file', input: { path: 'a' }, reasons: ['mutate'], requestedAt: 1 } },
];

describe('runner state (pure step function)', () => {
  it('folds a journal into the state the driver continues from', () => {
    const s = journal.reduce(reduce, initialRunState());
    assert.equal(s.status, 'waiting');
    assert.deepEqual(s.messages, [h('a'), h('b')]);
    assert.equal(s.counters.steps, 1);
    assert.equal(s.counters.tokens, 170);
    assert.equal(nextOpenCall(s)?.id, 't2');
    assert.equal(nextOpenCall(s)?.approvalId, 'ap1');
    assert.equal(turnSettled(s), false);
    assert.equal(s.openApprovals.length, 1);
  });

  it('continues after a decision, does not count a rejected call as a tool failure, and closes the turn with the results message', () => {
    let s = journal.reduce(reduce, initialRunState());
    s = reduce(s, { type: 'approval_decided', data: { approvalId: 'ap1', decision: 'reject', text: 'no' } });
    assert.equal(s.status, 'running');
    assert.equal(s.calls[1]?.decision?.decision, 'reject');
    s = reduce(s, { type: 'tool_result', data: { callId: 't2', name: 'write_file', key: 'k', isError: true, content: 'rejected: no', progressed: false } });
    assert.equal(turnSettled(s), true);
    assert.deepEqual(s.counters.toolFailures, {}, 'the user said no: the tool did not fail');
    s = reduce(s, { type: 'message_added', data: { role: 'user', message: h('c'), reason: 'tool_results' } });
    assert.deepEqual(s.calls, []);
    assert.equal(s.messages.length, 3);
    assert.equal(s.history.length, 2);
  });

  it('does not mutate the state it is given, so snapshots stay what they were', () => {
    const before = journal.slice(0, 2).reduce(reduce, initialRunState());
    const frozen = JSON.stringify(before);
    reduce(before, journal[2] as RunnerEvent);
    reduce(before, journal[4] as RunnerEvent);
    assert.equal(JSON.stringify(before), frozen);
  });

  it('survives a JSON round trip, as a snapshot does', () => {
    const s = journal.reduce(reduce, initialRunState());
    const back = JSON.parse(JSON.stringify(s));
    assert.deepEqual(reduce(back, { type: 'status', data: { status: 'paused', reason: 'user' } }), reduce(s, { type: 'status', data: { status: 'paused', reason: 'user' } }));
  });
});
