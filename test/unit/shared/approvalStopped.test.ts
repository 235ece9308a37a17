import assert from 'node:assert/strict';
import { applyEvents, emptyTimeline, type TimelineLookups } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import type { ApprovalEntry, ToolEntry } from '../../../src/shared/timeline';

let seq = 0;
const ev = (step: number, type: string, data: unknown): JournalEvent => ({ seq: ++seq, at: 1_000 * seq, step, type, data });
const none: TimelineLookups = { messageText: () => undefined, lineStats: () => undefined };
const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };

/**
 * A session cancelled while it waited for an answer kept its question in the timeline as "Waiting
 * for you for 2h" with "Answer it now": a click resumed (retried) the cancelled session. The question
 * now says that the session stopped, until a retry asks it again.
 */
describe('the sidebar timeline: a question of a session that stopped', () => {
  function asked(): JournalEvent[] {
    seq = 0;
    return [
      ev(0, 'session_started', { task: 'Edit a.ts', system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: 'h0' }),
      ev(1, 'model_turn', { turn: 1, message: 'm1', calls: [{ id: 'c1', name: 'edit_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] }),
      ev(1, 'tool_planned', { callId: 'c1', name: 'edit_file', category: 'mutate', input: { path: 'a.ts' } }),
      ev(1, 'approval_requested', { approvalId: 'tool:c1:4', kind: 'tool', callId: 'c1', name: 'edit_file', input: {}, reasons: ['mutate tools ask'], requestedAt: 4_000 }),
    ];
  }
  const approval = (state: ReturnType<typeof emptyTimeline>) => state.entries.get('approval:tool:c1:4') as ApprovalEntry;
  const call = (state: ReturnType<typeof emptyTimeline>) => state.entries.get('tool:c1') as ToolEntry;

  it('is asked while the session waits, stopped once it is cancelled (the entry goes out again), asked anew when a retry waits on it', () => {
    const state = emptyTimeline();
    applyEvents(state, asked(), none);
    assert.equal(approval(state).stopped, null, 'asked now');
    const cancelled = applyEvents(state, [ev(1, 'status', { status: 'failed', reason: 'cancelled by the user' })], none);
    assert.equal(approval(state).stopped, 'cancelled by the user');
    assert.equal(approval(state).decision, null, 'nobody answered it');
    assert.ok(cancelled.has('approval:tool:c1:4'), 'the page is sent the entry again');
    assert.equal(call(state).state, 'planned', 'its call no longer says it waits for an approval');
    assert.ok(cancelled.has('tool:c1'), 'the page is sent the call again');
    const retried = applyEvents(state, [ev(1, 'status', { status: 'waiting', reason: 'resumed from failed' })], none);
    assert.equal(approval(state).stopped, null, 'the retry asks it again');
    assert.ok(retried.has('approval:tool:c1:4'));
    assert.equal(call(state).state, 'waiting', 'its call waits again');
  });

  it('leaves an answered question as it was, and a pause at the question keeps it asked', () => {
    const state = emptyTimeline();
    applyEvents(state, [...asked(), ev(1, 'status', { status: 'waiting', reason: 'paused by the user' })], none);
    assert.equal(approval(state).stopped, null, 'paused at its question: the resume asks it');
    applyEvents(state, [ev(1, 'approval_decided', { approvalId: 'tool:c1:4', decision: 'reject' }), ev(2, 'status', { status: 'failed', reason: 'the model failed' })], none);
    assert.deepEqual([approval(state).decision, approval(state).stopped], ['reject', null]);
  });

  it('says a stopped session without a reason stopped', () => {
    const state = emptyTimeline();
    applyEvents(state, [...asked(), ev(1, 'status', { status: 'failed' })], none);
    assert.equal(approval(state).stopped, 'stopped');
  });
});
