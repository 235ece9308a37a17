import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { finalText, harnessPerTest } from './runnerHarness';

describe('a tool input the model wrote that is not JSON (a missing comma)', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('is not run; the model is told its input was not valid JSON and sends the call again, which runs once', async () => {
    const input = { path: 'a.txt', content: 'x\n' };
    const h = await harness([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input, inputJson: '{"path": "a.txt" "content": "x\\n"}' }] },
      { type: 'message', expect: { toolResultFor: 'w1', toolResultIsError: true, lastUserContains: 'is not valid JSON' }, content: [{ type: 'tool_use', id: 'w2', name: 'write_file', input }] },
      finalText('Done.', { toolResultFor: 'w2', toolResultIsError: false }),
    ]);
    const runner = h.runner();
    const id = await h.start(runner);
    const end = await runner.run(id);
    assert.equal(end.status, 'completed', end.reason);
    assert.equal(h.server.requestCount(), 3, 'no answer asked for twice');
    assert.deepEqual(h.server.violations(), []);
    assert.ok(existsSync(join(h.workspace, 'a.txt')));
  });
});
