import assert from 'node:assert/strict';
import { ApprovalTimeoutScheduler, type ChangeEvent } from '../../../src/core/runner/approvalTimeoutScheduler';
import type { SessionId, SessionSummary } from '../../../src/core/store/types';

/** An event a test fires by hand (as VS Code's onDidGrantWorkspaceTrust fires once the user trusts the workspace). */
function emitter(): { event: ChangeEvent; fire: () => void } {
  const listeners = new Set<() => unknown>();
  return {
    event: (l) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
    fire: () => {
      for (const l of listeners) l();
    },
  };
}

const MINUTE = 60_000;

describe('approval timeouts and workspace trust', () => {
  const now = 10 * MINUTE;
  /** A session waiting since `requestedAt` on a tool call nobody answered. */
  const waiting = (id: string, requestedAt: number) => ({ id: id as SessionId, status: 'waiting', pendingApproval: { id: `ap_${id}`, requestedAt } }) as unknown as SessionSummary;

  function setup(trusted: boolean) {
    const grant = emitter();
    const state = { trusted, resumed: [] as string[], warnings: [] as string[] };
    const scheduler = new ApprovalTimeoutScheduler({
      sessions: {
        list: () => Promise.resolve([waiting('overdue', now - 6 * MINUTE), waiting('later', now - 1 * MINUTE)]),
        // A resumed session runs (its gate now asks, with its own timer).
        isRunning: (id) => state.resumed.includes(id),
        // As SessionService.resume: a restricted workspace refuses to run the agent.
        resume: (id) => (state.trusted ? Promise.resolve(void state.resumed.push(id)) : Promise.reject(new Error('Savepoint does not run the agent or its tools in a restricted workspace'))),
      },
      changes: [],
      trust: { isTrusted: () => state.trusted, onDidGrant: grant.event },
      timeout: () => ({ minutes: 5, action: 'reject' }),
      now: () => now,
      log: { info: () => undefined, warn: (m) => state.warnings.push(m) },
    });
    return { scheduler, state, grant };
  }

  it('waits in a restricted workspace without trying to run a session, and decides the overdue one once trust is granted', async () => {
    const { scheduler, state, grant } = setup(false);
    try {
      await scheduler.refresh();
      assert.deepEqual(state.resumed, []);
      assert.deepEqual(state.warnings, [], 'no failed resume in a restricted workspace');
      state.trusted = true;
      grant.fire();
      // The plan the grant started (nothing else plans here): the overdue approval is decided at once, as in a trusted workspace.
      for (let i = 0; i < 100 && !state.resumed.length; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(state.resumed, ['overdue']);
      assert.deepEqual(state.warnings, []);
    } finally {
      scheduler.dispose();
    }
  });

  it('in a trusted workspace, decides the overdue approval at its first plan', async () => {
    const { scheduler, state } = setup(true);
    try {
      await scheduler.refresh();
      assert.deepEqual(state.resumed, ['overdue']);
    } finally {
      scheduler.dispose();
    }
  });
});
