import assert from 'node:assert/strict';
import type { ApprovalGate, ApprovalRequest } from '../../../src/core/ports/approvalGate';
import { finalText, harness, toolUse, type Harness } from './runnerHarness';

/**
 * The editor's deactivate drains the running sessions: it aborts their signals ('the editor is
 * closing'), and a question on screen is parked, as the notification gate parks on abort. The
 * status bar ("N approvals waiting"), Answer Waiting Approvals and the approval timeouts find a
 * session that waits for the user by its status `waiting` (statusBar.ts, commands.ts,
 * approvalTimeouts.ts): after the restart, the question must still be found that way.
 */
class OnScreenGate implements ApprovalGate {
  readonly asked: ApprovalRequest[] = [];
  shown?: () => void;

  ask(r: ApprovalRequest, signal: AbortSignal): Promise<'park'> {
    this.asked.push(r);
    const parked = new Promise<'park'>((resolve) => signal.addEventListener('abort', () => resolve('park'), { once: true }));
    this.shown?.();
    return parked;
  }
}

describe('a session whose question is on screen when the editor closes', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('still waits for the user after the drain: status waiting with its question, so the status bar, Answer Waiting Approvals and the timeout find it', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: 'echo ran >> log.txt' }), finalText('done', { toolResultFor: 'c1' })]);
    const gate = new OnScreenGate();
    const runner = h.runner(gate);
    const id = await h.start(runner);
    const drain = new AbortController();
    gate.shown = () => drain.abort('the editor is closing');
    await runner.run(id, drain.signal);
    assert.equal(gate.asked.length, 1);
    const s = await h.store.getSession(id);
    assert.equal(s?.pendingApproval?.id, gate.asked[0]?.approvalId);
    assert.equal(s?.status, 'waiting', `the session is ${s?.status} (${(await h.events(id)).at(-1)?.type}), so after the restart nothing offers its question`);
  });
});
