import assert from 'node:assert/strict';
import { boundedDiff } from '../../../src/core/checkpoints/fileContents';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { finalText, harnessPerTest, toolUse } from '../runner/runnerHarness';

/**
 * A write_file that gave a file the contents it already had: `savepoint diff` showed the step's
 * entry for it as a bare diff header with no lines, which reads as a change that cannot be seen.
 */
describe('step diffs of a file written with the contents it had (real runner session)', function () {
  const makeHarness = harnessPerTest();

  it('say the contents did not change, with their size', async () => {
    const h = await makeHarness(
      [toolUse('t1', 'write_file', { path: 'same.txt', content: 'kept\r\n' }), finalText('done', { toolResultFor: 't1', toolResultIsError: false })],
      { 'same.txt': 'kept\r\n' },
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const diffs = await stepDiffs(h.store, id, { step: 1 });
    assert.deepEqual(diffs.map((d) => [d.path, d.diff]), [['same.txt', 'same.txt: the contents are the same (6 bytes); nothing changed\n']]);
  });

  it('a binary file given the bytes it had does not "differ"', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]);
    assert.equal(boundedDiff('logo.png', png, png.slice()), 'logo.png: the contents are the same (8 bytes); nothing changed\n');
  });
});
