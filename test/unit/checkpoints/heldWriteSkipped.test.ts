import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

/**
 * A rewind holds the writes it is about to make; a command of another session open meanwhile leaves
 * those files out when they hold what the rewind meant to write. A write the rewind then does not
 * make (the file changed after the plan: skipped as changed during it) is released as not written:
 * when it was the other session's command that put those same bytes there (`git checkout a.txt`
 * restores the committed version, which is also what the rewind restores), the change is that
 * command's, and its journal records it.
 */
describe('a held write the rewind skipped', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('is not taken out of the other session\'s command, which made that change itself', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: "printf 'A1\\n' > a.txt" }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'A0\n', 'b.txt': 'B0\n' });
    const own = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await own.start();
    const runner = h.runner(new ScriptedGate(), { capture: own });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    await own.dispose();
    const ws = new NodeWorkspace(h.workspace);

    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const workspace = h.workspace;
    // Session A is rewound while session B's command runs; B's command puts a.txt back to A0 (a
    // checkout) right after the rewind was recorded, before its renames.
    const holdWrites = (w: Parameters<SerialCapture['holdWrites']>[0]) => {
      const release = shared.holdWrites(w);
      execFileSync('sh', ['-c', "printf 'A0\\n' > a.txt"], { cwd: workspace });
      return release;
    };
    try {
      const mark = await shared.begin();
      const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0), { holdWrites });
      // The rewind saw a.txt change under it and left it alone: it wrote nothing.
      assert.deepEqual({ written: r.written, skipped: r.skipped }, { written: [], skipped: ['a.txt'] });
      assert.equal(await readFile(path.join(h.workspace, 'a.txt'), 'utf8'), 'A0\n');
      const set = await shared.end(mark);
      assert.deepEqual(set.changes.map((c) => `${c.path} ${c.kind}`), ['a.txt modified'], 'B\'s command changed a.txt (A1 -> A0); the rewind did not write it');
    } finally {
      await shared.dispose();
    }
  });
});
