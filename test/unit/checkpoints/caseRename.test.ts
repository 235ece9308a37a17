import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from '../runner/runnerHarness';

/**
 * A rename that changes only the case of a name (`git mv Readme.md README.md`, a component renamed
 * `button.tsx` -> `Button.tsx`) is one file moved: the rewind brings the old name back with its bytes
 * and removes the new one, and its undo does the reverse, with nothing left behind.
 */
describe('a rename that changes only the case of a name', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('is recorded as a rename, and a rewind and its undo each leave exactly one of the two names', async () => {
    const README = '# demo\n\nSee the docs.\n';
    const h = await harness(
      [toolUse('c1', 'run_command', { command: 'mv Readme.md README.md && mv src/button.tsx src/Button.tsx' }), finalText('done', { toolResultFor: 'c1' })],
      { 'Readme.md': README, 'src/button.tsx': 'export const Button = 1;\n', 'a.txt': 'a\n' },
    );
    const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    try {
      const runner = h.runner(new ScriptedGate(), { capture });
      const id = await h.start(runner);
      assert.equal((await runner.run(id)).status, 'completed');
      const result = (await h.events(id)).find((e) => e.type === 'tool_result');
      assert.match(String(result?.data.content), /\[files changed by the command: R Readme\.md -> README\.md, R src\/button\.tsx -> src\/Button\.tsx\]/);

      const ws = new NodeWorkspace(h.workspace);
      const names = async () => [...(await readdir(h.workspace)), ...(await readdir(join(h.workspace, 'src'))).map((n) => `src/${n}`)].sort();
      const rewound = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0));
      assert.deepEqual(rewound.skipped, []);
      assert.deepEqual(await names(), ['Readme.md', 'a.txt', 'src', 'src/button.tsx']);
      assert.equal(await readFile(join(h.workspace, 'Readme.md'), 'utf8'), README);

      const undone = await undoRewind(h.store, ws, await planUndo(h.store, ws, id, rewound.rewindId));
      assert.deepEqual(undone.skipped, []);
      assert.deepEqual(await names(), ['README.md', 'a.txt', 'src', 'src/Button.tsx']);
      assert.equal(await readFile(join(h.workspace, 'README.md'), 'utf8'), README);
      assert.equal(await readFile(join(h.workspace, 'src/Button.tsx'), 'utf8'), 'export const Button = 1;\n');
    } finally {
      await capture.dispose();
    }
  });
});
