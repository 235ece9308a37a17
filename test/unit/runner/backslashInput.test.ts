import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finalText, harnessPerTest } from './runnerHarness';

describe('a tool input the model wrote with lone backslashes (a PHP namespace)', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('is run once with the backslashes as written, and the session goes on; not retried until the turn fails', async () => {
    const input = { path: 'app/Kernel.php', old_text: 'use App\\Http\\Middleware;', new_text: 'use App\\Http\\Kernel;' };
    const inputJson = String.raw`{"path": "app/Kernel.php", "old_text": "use App\Http\Middleware;", "new_text": "use App\Http\Kernel;"}`;
    const h = await harness(
      [
        { type: 'message', content: [{ type: 'tool_use', id: 'e1', name: 'edit_file', input, inputJson }] },
        finalText('Done.', { toolResultFor: 'e1', toolResultIsError: false }),
      ],
      { 'app/Kernel.php': '<?php\nuse App\\Http\\Middleware;\n' },
    );
    const runner = h.runner();
    const id = await h.start(runner);
    const end = await runner.run(id);
    assert.equal(end.status, 'completed', end.reason);
    assert.equal(await readFile(join(h.workspace, 'app/Kernel.php'), 'utf8'), '<?php\nuse App\\Http\\Kernel;\n');
    assert.equal(h.server.requestCount(), 2);
    assert.deepEqual(h.server.violations(), []);
  });
});
