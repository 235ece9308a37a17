import assert from 'node:assert/strict';
import type { ApprovalGate } from '../../../src/core/ports/approvalGate';
import { CTRL_C, PAUSED_BY_USER } from '../../../src/core/runner/stopReasons';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

/** A gate whose question stays open until the run is stopped with `reason` (the user pausing, the editor closing). */
const stoppedWhileAsking = (ac: AbortController, reason: string): ApprovalGate => ({
  ask: () => {
    ac.abort(reason);
    return Promise.resolve('park' as const);
  },
});

describe('a session stopped at a question by its user is held: no approval timeout answers it until a resume', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();
  const steps = () => [toolUse('c1', 'run_command', { command: 'echo hi > out.txt' }), finalText('Done.', { toolResultFor: 'c1', toolResultIsError: false })];

  for (const reason of [PAUSED_BY_USER, CTRL_C]) {
    it(`marks the question held when stopped with "${reason.slice(0, 30)}", and clears it at the resume`, async () => {
      const h = await harness(steps());
      const ac = new AbortController();
      const runner = h.runner(stoppedWhileAsking(ac, reason));
      const id = await h.start(runner);
      assert.equal((await runner.run(id, ac.signal)).status, 'waiting');
      const held = await h.store.getSession(id);
      assert.equal(held?.status, 'waiting');
      assert.equal(held?.pendingApproval?.held, true, 'the timeout scheduler passes it over');

      const again = new AbortController();
      const resumed = h.runner(stoppedWhileAsking(again, 'the editor is closing'));
      assert.equal((await resumed.run(id, again.signal)).status, 'waiting');
      assert.equal((await h.store.getSession(id))?.pendingApproval?.held, undefined, 'resumed, then stopped by the editor closing: the timeout applies again');
    });
  }

  it('leaves the question to the timeout when the editor closes', async () => {
    const h = await harness(steps());
    const ac = new AbortController();
    const runner = h.runner(stoppedWhileAsking(ac, 'the editor is closing'));
    const id = await h.start(runner);
    assert.equal((await runner.run(id, ac.signal)).status, 'waiting');
    const row = await h.store.getSession(id);
    assert.ok(row?.pendingApproval, 'the question is open');
    assert.equal(row?.pendingApproval?.held, undefined);
  });
});
