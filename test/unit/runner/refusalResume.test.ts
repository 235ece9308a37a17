import assert from 'node:assert/strict';
import { finalText, harnessPerTest } from './runnerHarness';

describe('a session stopped by a refusal, resumed', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('asks again with a conversation that ends with the user, not with the refused answer (a prefill the 4.6 models refuse)', async () => {
    const h = await harness([
      { type: 'message', stop_reason: 'refusal', content: [{ type: 'text', text: 'I will not' }] },
      finalText('Here is the plan.', { messageCount: 1, lastUserContains: 'do the task' }),
    ]);
    const runner = h.runner();
    const id = await h.start(runner);
    const stopped = await runner.run(id);
    assert.equal(stopped.status, 'failed');
    assert.match(stopped.reason ?? '', /refusal.*resume to ask again/);

    const resumed = await runner.run(id);
    assert.equal(resumed.status, 'completed', resumed.reason);
    assert.deepEqual(h.server.violations(), []);
    assert.equal(h.server.requestCount(), 2);
  });
});
