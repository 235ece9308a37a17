import assert from 'node:assert/strict';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

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

  it('the refused answer is not sent after the resume either: a request holding it may be refused again', async () => {
    // The API asks to remove a refused turn before going on; sent again, merged into the next answer's turn, it was.
    const h = await harness([
      { type: 'message', stop_reason: 'refusal', content: [{ type: 'text', text: 'I will not' }] },
      toolUse('t1', 'write_file', { path: 'plan.md', content: 'the plan\n' }, { messageCount: 1 }),
      finalText('Wrote the plan.', { messageCount: 3, toolResultFor: 't1', toolResultIsError: false }),
    ]);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'failed');

    const resumed = await runner.run(id);
    assert.equal(resumed.status, 'completed', resumed.reason);
    assert.deepEqual(h.server.violations(), []);
    const sent = h.server.requests().slice(1).map((r) => JSON.stringify(r.body));
    assert.equal(sent.length, 2);
    for (const body of sent) assert.doesNotMatch(body, /I will not/);
  });
});
