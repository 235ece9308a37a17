import assert from 'node:assert/strict';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from '../runner/runnerHarness';

/**
 * A file over the size limit that delete_file removed is kept by hash only: `savepoint diff` said it
 * was "binary, over the size limit, or its contents not at hand when a command changed it", though
 * no command touched it and the reason is known.
 */
describe('step diff of a file over the size limit that delete_file removed (real runner session)', function () {
  const makeHarness = harnessPerTest();

  it('names the reason: over the size limit, kept by hash only', async () => {
    const h = await makeHarness([toolUse('d1', 'delete_file', { path: 'big.txt' }), finalText('done', { toolResultFor: 'd1', toolResultIsError: false })], { 'big.txt': `${'x'.repeat(3000)}\n` });
    const runner = h.runner(new ScriptedGate(), { maxFileBytes: 1000 });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const [d] = await stepDiffs(h.store, id, { step: 1 });
    assert.match(d?.diff ?? '', /^big\.txt: [0-9a-f]{64} -> absent \(over the size limit when delete_file removed it: kept by hash only\); no diff\n$/, d?.diff);
  });
});
