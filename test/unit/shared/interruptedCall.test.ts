import assert from 'node:assert/strict';
import { applyEvents, emptyTimeline, type TimelineLookups } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import type { ToolEntry } from '../../../src/shared/timeline';

let seq = 0;
const ev = (step: number, type: string, data: unknown): JournalEvent => ({ seq: ++seq, at: 1_000 * seq, step, type, data });
const none: TimelineLookups = { messageText: () => undefined, lineStats: () => undefined };
const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };

/**
 * A session whose process died (or that stopped) while its command ran, or waited its turn behind
 * another session's command, kept that call's row spinning as "Running", or "Waiting for another
 * session's command", for as long as it stayed interrupted: nothing ran or waited. Such a call now
 * reads interrupted, until the resume settles it (runs it, asks about it, or makes it wait again).
 */
describe('the sidebar timeline: a call under way when its session stopped', () => {
  function commandCall(): JournalEvent[] {
    seq = 0;
    return [
      ev(0, 'session_started', { task: 'Build', system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: 'h0' }),
      ev(1, 'model_turn', { turn: 1, message: 'm1', calls: [{ id: 'c1', name: 'run_command' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] }),
      ev(1, 'tool_planned', { callId: 'c1', name: 'run_command', category: 'compute', input: { command: 'npm install' } }),
      ev(1, 'tool_started', { callId: 'c1' }),
    ];
  }
  const call = (state: ReturnType<typeof emptyTimeline>) => state.entries.get('tool:c1') as ToolEntry;

  it('a queued command reads interrupted once its session is, and queued again when the resume makes it wait, then running', () => {
    const state = emptyTimeline();
    applyEvents(state, [...commandCall(), ev(1, 'command_turn', { callId: 'c1', waiting: true, behind: 'S2' })], none);
    assert.equal(call(state).state, 'queued');
    const stopped = applyEvents(state, [ev(1, 'status', { status: 'interrupted', reason: 'the editor was closed' })], none);
    assert.equal(call(state).state, 'interrupted', 'it waits for nothing now');
    assert.ok(stopped.has('tool:c1'), 'the page is sent the call again');
    applyEvents(state, [ev(1, 'status', { status: 'running', reason: 'resumed' })], none);
    assert.equal(call(state).state, 'interrupted', 'until the resume settles it');
    applyEvents(state, [ev(1, 'tool_started', { callId: 'c1' }), ev(1, 'command_turn', { callId: 'c1', waiting: true })], none);
    assert.equal(call(state).state, 'queued', 'waits again at the resume');
    applyEvents(state, [ev(1, 'command_turn', { callId: 'c1', waiting: false })], none);
    assert.equal(call(state).state, 'running');
  });

  it('a running command reads interrupted too (the resume asks whether to run it again), and a failed or paused session stops them the same', () => {
    for (const status of ['interrupted', 'failed', 'paused']) {
      const state = emptyTimeline();
      applyEvents(state, [...commandCall(), ev(1, 'status', { status, reason: 'stopped' })], none);
      assert.equal(call(state).state, 'interrupted', status);
    }
    const state = emptyTimeline();
    applyEvents(state, [...commandCall(), ev(1, 'status', { status: 'interrupted' })], none);
    applyEvents(state, [ev(1, 'approval_requested', { approvalId: 'command_rerun:c1:9', kind: 'command_rerun', callId: 'c1', name: 'run_command', input: {}, reasons: ['cut off'], requestedAt: 9_000 })], none);
    assert.equal(call(state).state, 'waiting', 'asked about at the resume');
  });

  it('a call that ended before its session stopped keeps its result, and a session waiting for an answer leaves a call as it is', () => {
    const state = emptyTimeline();
    applyEvents(state, [...commandCall(), ev(1, 'tool_result', { callId: 'c1', name: 'run_command', content: 'ok' }), ev(1, 'status', { status: 'interrupted' })], none);
    assert.equal(call(state).state, 'done');
    const waiting = emptyTimeline();
    applyEvents(waiting, [...commandCall(), ev(1, 'status', { status: 'waiting', reason: 'paused by the user' })], none);
    assert.equal(call(waiting).state, 'running');
  });
});
