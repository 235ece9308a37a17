import assert from 'node:assert/strict';
import { applyEvents, emptyTimeline, type TimelineLookups } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import type { ModelEntry } from '../../../src/shared/timeline';

let seq = 0;
const ev = (step: number, type: string, data: unknown): JournalEvent => ({ seq: ++seq, at: 1_000 + seq, step, type, data });
const none: TimelineLookups = { messageText: () => undefined, lineStats: () => undefined };
const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };
const turn = (step: number, calls: Array<{ id: string; name: string }>) =>
  ev(step, 'model_turn', { turn: step, message: `m${step}`, calls, stopReason: calls.length ? 'tool_use' : 'end_turn', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] });

describe('sidebar timeline: which steps are checkpoints (Rewind and Fork on every settled step)', () => {
  it('a turn is settled once its calls went back to the model, or at once when it made none; a step that only read is one too', () => {
    seq = 0;
    const state = emptyTimeline();
    applyEvents(state, [ev(0, 'session_started', { task: 't', system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: 'h0' })], none);
    // Step 1 only reads a file: no file changes, still a checkpoint once its result went back.
    const asked = applyEvents(state, [turn(1, [{ id: 'r1', name: 'read_file' }]), ev(1, 'tool_planned', { callId: 'r1', name: 'read_file', category: 'read', input: { path: 'a.ts' } }), ev(1, 'tool_started', { callId: 'r1' })], none);
    const t1 = (): ModelEntry => state.entries.get('turn:2') as ModelEntry;
    assert.ok(asked.has('turn:2'));
    assert.equal(t1().settled, false, 'a call still running: not a checkpoint yet');
    applyEvents(state, [ev(1, 'tool_result', { callId: 'r1', name: 'read_file', key: 'k', isError: false, content: 'x', progressed: true })], none);
    assert.equal(t1().settled, false, 'the result is not back with the model yet');
    const back = applyEvents(state, [ev(1, 'message_added', { role: 'user', message: 'tr1', reason: 'tool_results' })], none);
    assert.deepEqual([...back], ['turn:2'], 'the turn is sent again, now settled');
    assert.equal(t1().settled, true);
    // Step 2 ends the session without calls: settled at once.
    const done = applyEvents(state, [turn(2, []), ev(2, 'status', { status: 'completed' })], none);
    const t2 = state.entries.get('turn:7') as ModelEntry;
    assert.ok(done.has('turn:7'));
    assert.equal(t2.settled, true);
    // A second tool_results message (another writer's, or a replay) changes nothing.
    assert.deepEqual([...applyEvents(state, [ev(2, 'message_added', { role: 'user', message: 'tr2', reason: 'tool_results' })], none)], []);
  });

  it('a step whose approval is still open is no checkpoint', () => {
    seq = 0;
    const state = emptyTimeline();
    applyEvents(state, [turn(1, [{ id: 'e1', name: 'edit_file' }]), ev(1, 'tool_planned', { callId: 'e1', name: 'edit_file', category: 'mutate', input: { path: 'a.ts' } }), ev(1, 'approval_requested', { approvalId: 'tool:e1:3', kind: 'tool', callId: 'e1', name: 'edit_file', input: {}, reasons: ['ask'], requestedAt: 3 })], none);
    assert.equal((state.entries.get('turn:1') as ModelEntry).settled, false);
  });
});
